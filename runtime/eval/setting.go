package eval

import (
	"errors"
	"fmt"
	"time"

	"github.com/charterlang/charter/lang/check"
)

// ConvertSetting converts a host's value for setting name, of type t, to
// the constant a compiled community reads (as Convert does for attributes,
// but a duration stays a time.Duration, as a default is). Its error names
// the setting: "setting deposit: want int, got a string \"x\"". The runtime
// (Community.WithSettings) and charter gen (--set) share it, so both
// accept and word the same values.
func ConvertSetting(name string, t check.Type, v any) (any, error) {
	c, err := Convert(name, t, v)
	if err != nil {
		var ve *ValueError
		if errors.As(err, &ve) {
			msg := fmt.Sprintf("setting %s: want %s, got %s", name, ve.Want, Describe(ve.Got))
			if ve.Reason != "" {
				msg += ": " + ve.Reason
			}
			return nil, errors.New(msg)
		}
		return nil, fmt.Errorf("setting %s: %w", name, err)
	}
	if t.Kind == check.Duration {
		c = time.Duration(c.(int64))
	}
	return c, nil
}
