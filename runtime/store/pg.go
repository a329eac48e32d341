package store

import (
	"context"
	"fmt"
)

func openPostgres(ctx context.Context, dsn, name string) (backend, error) {
	return nil, fmt.Errorf("store: postgres: not yet")
}
