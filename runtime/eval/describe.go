package eval

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// Describe names a value a host or a JSON record gave, in the words of
// JSON and Charter rather than Go's: `a string "many"`, "a list", "an
// object", "a number 5". Only a value no JSON decoder makes (a Go struct
// passed through the embedding API) is named by its Go type, for the Go
// programmer who passed it.
func Describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string " + shortText(fmt.Sprintf("%q", v))
	case bool:
		return fmt.Sprintf("a boolean %t", v)
	case json.Number:
		return "a number " + shortText(v.String())
	case time.Time:
		return "a time " + v.Format(time.RFC3339Nano)
	case time.Duration:
		return "a duration " + v.String()
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return fmt.Sprintf("a number %v", v)
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map:
		return "an object"
	}
	return fmt.Sprintf("a Go %T", v)
}

func shortText(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}
