package syntax

import (
	"reflect"
	"testing"
)

// TestInspectReachesEveryNode: every *Ident, *Expr and literal of every
// tree of the corpus is visited by Inspect. A field a grammar change adds
// and Inspect forgets hides names from rename, the editor grammar's test
// and every other walker (`did visit at ...` once did).
func TestInspectReachesEveryNode(t *testing.T) {
	for name, src := range corpus(t) {
		f, ds := Parse(name, src)
		if ds.HasErrors() {
			continue
		}
		visited := map[any]bool{}
		Inspect(f, func(n any) bool {
			visited[n] = true
			return true
		})
		var missing []string
		var walk func(v reflect.Value, path string)
		walk = func(v reflect.Value, path string) {
			switch v.Kind() {
			case reflect.Pointer:
				if v.IsNil() {
					return
				}
				switch n := v.Interface().(type) {
				case *Ident, *Expr, *StringLit, *IntLit, *DurationLit:
					if !visited[n] {
						missing = append(missing, path)
					}
					return
				}
				walk(v.Elem(), path)
			case reflect.Interface:
				if !v.IsNil() {
					walk(v.Elem(), path)
				}
			case reflect.Slice:
				for i := 0; i < v.Len(); i++ {
					walk(v.Index(i), path)
				}
			case reflect.Struct:
				for i := 0; i < v.NumField(); i++ {
					if f := v.Type().Field(i); f.IsExported() {
						walk(v.Field(i), path+"."+f.Name)
					}
				}
			}
		}
		walk(reflect.ValueOf(f), "File")
		if len(missing) > 0 {
			t.Errorf("%s: Inspect does not reach %v", name, unique(missing))
		}
	}
}

func unique(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
