package stdlib

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/conf"

	"github.com/charterlang/charter/lang/check"
)

// GoType returns the Go type that stands for a Charter type in expr-lang
// environments: int is int, float is float64, time is time.Time, duration
// is time.Duration, a role is an int (its rank), and []T is a slice of T's
// Go type. It returns nil for member and invalid types, whose Go form the
// host chooses.
//
// A role must be a plain int, not a named int type: expr-lang's checker
// orders only its built-in number types, so `role >= creator` would not
// type-check with a named type.
func GoType(t check.Type) reflect.Type {
	switch t.Kind {
	case check.Int, check.Role:
		return reflect.TypeFor[int]()
	case check.Float:
		return reflect.TypeFor[float64]()
	case check.Bool:
		return reflect.TypeFor[bool]()
	case check.String:
		return reflect.TypeFor[string]()
	case check.Time:
		return reflect.TypeFor[time.Time]()
	case check.Duration:
		return reflect.TypeFor[time.Duration]()
	case check.List:
		if t.Elem == check.List {
			return nil
		}
		if e := GoType(check.Type{Kind: t.Elem}); e != nil {
			return reflect.SliceOf(e)
		}
	}
	return nil
}

// funcType is the Go function type expr-lang's checker sees for s.
func (s *Sig) funcType() reflect.Type {
	in := make([]reflect.Type, len(s.Params))
	for i, p := range s.Params {
		in[i] = GoType(p)
	}
	if s.Variadic {
		in[len(in)-1] = reflect.SliceOf(in[len(in)-1])
	}
	return reflect.FuncOf(in, []reflect.Type{GoType(s.Result)}, s.Variadic)
}

// Option declares f to expr-lang's checker with its typed overloads. If
// expr-lang's VM runs the function, the time-dependent ones (now, since,
// until, days_since, hours_since) fail, because there is no evaluation time
// to read: use OptionAt for that, or Charter's own evaluator.
func (f *Func) Option() expr.Option { return f.option(nil) }

// OptionAt declares f like Option, and makes expr-lang's VM evaluate the
// time-dependent functions at time at. Tests use it to compare Charter's
// evaluator with expr-lang's.
func (f *Func) OptionAt(at time.Time) expr.Option {
	ns, ok := Nanos(at)
	t := &evalTime{ns: ns}
	if !ok {
		t.err = fmt.Errorf("evaluation time %s is out of range", at.Format(time.RFC3339))
	}
	return f.option(t)
}

// evalTime is the evaluation time an expr-lang declaration runs with.
type evalTime struct {
	ns  int64
	err error
}

func (f *Func) option(at *evalTime) expr.Option {
	types := make([]any, len(f.Sigs))
	for i := range f.Sigs {
		types[i] = reflect.New(f.Sigs[i].funcType()).Interface()
	}
	return expr.Function(f.Name, func(args ...any) (any, error) { return f.call(at, args) }, types...)
}

// ExprOptions declares every function of the table to expr-lang and
// disables expr-lang's own builtins, which Charter's evaluator does not run,
// so the checker rejects what could not be evaluated. Declared functions
// override builtins of the same name (len, abs, now, lower, ...).
func ExprOptions() []expr.Option {
	opts := []expr.Option{expr.DisableAllBuiltins()}
	for i := range Functions {
		opts = append(opts, Functions[i].Option())
	}
	return opts
}

// ExprOptionsAt is ExprOptions with the time-dependent functions evaluated
// at time at when expr-lang's VM runs them.
func ExprOptionsAt(at time.Time) []expr.Option {
	opts := []expr.Option{expr.DisableAllBuiltins()}
	for i := range Functions {
		opts = append(opts, Functions[i].OptionAt(at))
	}
	return opts
}

// NewConfig returns the expr-lang configuration Charter checks expressions
// with: env (a struct or a map[string]any of Go values of the types GoType
// returns; nil for none), the functions of the table, expr-lang's builtins
// disabled, the `if {} else {}` operator off (Charter reads else as a
// sanction), then extra (for example the goal aggregates, declared with
// expr.Function). Parse with parser.ParseWithConfig(src, cfg) so that the
// declared names override expr-lang's builtins, then checker.Check.
func NewConfig(env any, extra ...expr.Option) *conf.Config {
	cfg := conf.CreateNew()
	cfg.DisableIfOperator = true
	if env != nil {
		expr.Env(env)(cfg)
	}
	for _, o := range ExprOptions() {
		o(cfg)
	}
	for _, o := range extra {
		o(cfg)
	}
	// expr.Compile does the same: a disabled builtin must not resolve as
	// a plain identifier either.
	for name := range cfg.Disabled {
		delete(cfg.Builtins, name)
	}
	cfg.Check()
	return cfg
}

// Nanos returns t as nanoseconds since the Unix epoch, the runtime form of a
// Charter time, or false when t is outside what that can hold (about the
// times from 1677-09-21 to 2262-04-11). The zero time.Time, Go's "unset", is the Unix epoch,
// which is Charter's zero time.
func Nanos(t time.Time) (int64, bool) {
	if s := t.Unix(); s > MinNanosSec && s < MaxNanosSec {
		// Well inside the range, the common case: t.UnixNano() computed
		// from the seconds already at hand, which saves computing them
		// twice more (a third of BenchmarkFillFromStruct's conversion).
		return s*1e9 + int64(t.Nanosecond()), true
	}
	if t.IsZero() { // year 1, outside the range: Charter's zero time
		return 0, true
	}
	if t.Before(minTime) || t.After(maxTime) {
		return 0, false
	}
	return t.UnixNano(), true
}

// Time returns the time.Time, in UTC, of a Charter time.
func Time(ns int64) time.Time { return time.Unix(0, ns).UTC() }

var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// MinNanosSec and MaxNanosSec bound the Unix seconds of the times Nanos
// converts by its common case, s*1e9 + t.Nanosecond(): whole seconds
// strictly inside the range (minTime.Unix()+1 and maxTime.Unix()-1,
// which TestNanosSecBounds checks). A caller on a hot path may take that
// case inline, since Nanos is too big for Go to inline.
const (
	MinNanosSec = -9223372036
	MaxNanosSec = 9223372035
)

// value is an argument or result in the runtime representation.
type value struct {
	i int64
	f float64
	s string
	b bool
	l any
}

// call runs f for expr-lang's VM: it picks the overload from the dynamic
// argument types, as the checker picked it from the static ones.
func (f *Func) call(at *evalTime, args []any) (any, error) {
	types := make([]check.Type, len(args))
	for i, a := range args {
		t, ok := typeOfValue(a)
		if !ok {
			return nil, fmt.Errorf("%s: argument %d has unsupported type %T", f.Name, i+1, a)
		}
		types[i] = t
	}
	s, ok := f.Match(types)
	if !ok {
		names := make([]string, len(types))
		for i, t := range types {
			names[i] = t.String()
		}
		return nil, fmt.Errorf("no overload of %s takes (%s)", f.Name, strings.Join(names, ", "))
	}
	var now int64
	if s.NeedsTime() {
		if at == nil {
			return nil, fmt.Errorf("%s reads the evaluation time, which only Charter's evaluator has", f.Name)
		}
		if at.err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, at.err)
		}
		now = at.ns
	}
	vals := make([]value, len(args))
	for i, a := range args {
		p, _ := s.Param(i)
		v, err := toValue(p, a)
		if err != nil {
			return nil, fmt.Errorf("%s: argument %d: %w", f.Name, i+1, err)
		}
		vals[i] = v
	}
	return fromValue(s.Result, s.invoke(now, vals)), nil
}

// invoke calls the implementation; vals are already converted to the
// declared parameter types.
func (s *Sig) invoke(at int64, vals []value) value {
	switch fn := s.Impl.(type) {
	case NowFn:
		return value{i: fn(at)}
	case SinceFn:
		return value{i: fn(at, vals[0].i)}
	case IntFn:
		return value{i: fn(vals[0].i)}
	case FloatFn:
		return value{f: fn(vals[0].f)}
	case StringFn:
		return value{s: fn(vals[0].s)}
	case StringLenFn:
		return value{i: fn(vals[0].s)}
	case ListLenFn:
		return value{i: fn(vals[0].l)}
	case StringPredFn:
		return value{b: fn(vals[0].s, vals[1].s)}
	case String2Fn:
		return value{s: fn(vals[0].s, vals[1].s)}
	case Int2Fn:
		r := vals[0].i
		for _, v := range vals[1:] {
			r = fn(r, v.i)
		}
		return value{i: r}
	case Float2Fn:
		r := vals[0].f
		for _, v := range vals[1:] {
			r = fn(r, v.f)
		}
		return value{f: r}
	case Int3Fn:
		return value{i: fn(vals[0].i, vals[1].i, vals[2].i)}
	case Float3Fn:
		return value{f: fn(vals[0].f, vals[1].f, vals[2].f)}
	case Int3PredFn:
		return value{b: fn(vals[0].i, vals[1].i, vals[2].i)}
	case Float3PredFn:
		return value{b: fn(vals[0].f, vals[1].f, vals[2].f)}
	}
	panic(fmt.Sprintf("stdlib: unknown implementation type %T", s.Impl))
}

// typeOfValue is the Charter type of a Go value expr-lang's VM passes.
func typeOfValue(a any) (check.Type, bool) {
	switch a := a.(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return tInt, true
	case float32, float64:
		return tFloat, true
	case string:
		return tString, true
	case bool:
		return tBool, true
	case time.Time:
		return tTime, true
	case time.Duration:
		return tDuration, true
	case []any:
		if len(a) == 0 {
			return list(check.Int), true
		}
		e, ok := typeOfValue(a[0])
		if !ok || e.Kind == check.List {
			return check.Type{}, false
		}
		return list(e.Kind), true
	}
	v := reflect.ValueOf(a)
	if v.Kind() == reflect.Slice {
		e, ok := typeOfValue(reflect.Zero(v.Type().Elem()).Interface())
		if ok && e.Kind != check.List {
			return list(e.Kind), true
		}
	}
	return check.Type{}, false
}

// toValue converts a Go value to the runtime representation of type t.
func toValue(t check.Type, a any) (value, error) {
	rv := reflect.ValueOf(a)
	switch t.Kind {
	case check.Int, check.Role:
		switch {
		case rv.CanInt():
			return value{i: rv.Int()}, nil
		case rv.CanUint() && rv.Uint() <= math.MaxInt64:
			return value{i: int64(rv.Uint())}, nil
		}
	case check.Float:
		switch {
		case rv.CanFloat():
			return value{f: rv.Float()}, nil
		case rv.CanInt():
			return value{f: float64(rv.Int())}, nil
		case rv.CanUint():
			return value{f: float64(rv.Uint())}, nil
		}
	case check.String:
		if s, ok := a.(string); ok {
			return value{s: s}, nil
		}
	case check.Bool:
		if b, ok := a.(bool); ok {
			return value{b: b}, nil
		}
	case check.Time:
		if tm, ok := a.(time.Time); ok {
			ns, ok := Nanos(tm)
			if !ok {
				return value{}, fmt.Errorf("time %s is out of range", tm.Format(time.RFC3339))
			}
			return value{i: ns}, nil
		}
	case check.Duration:
		if d, ok := a.(time.Duration); ok {
			return value{i: int64(d)}, nil
		}
	case check.List:
		if rv.Kind() != reflect.Slice {
			break
		}
		et := check.Type{Kind: t.Elem}
		n := rv.Len()
		var l any
		switch t.Elem {
		case check.Float:
			xs := make([]float64, n)
			for i := range xs {
				v, err := toValue(et, rv.Index(i).Interface())
				if err != nil {
					return value{}, err
				}
				xs[i] = v.f
			}
			l = xs
		case check.String:
			xs := make([]string, n)
			for i := range xs {
				v, err := toValue(et, rv.Index(i).Interface())
				if err != nil {
					return value{}, err
				}
				xs[i] = v.s
			}
			l = xs
		case check.Bool:
			xs := make([]bool, n)
			for i := range xs {
				v, err := toValue(et, rv.Index(i).Interface())
				if err != nil {
					return value{}, err
				}
				xs[i] = v.b
			}
			l = xs
		default:
			xs := make([]int64, n)
			for i := range xs {
				v, err := toValue(et, rv.Index(i).Interface())
				if err != nil {
					return value{}, err
				}
				xs[i] = v.i
			}
			l = xs
		}
		return value{l: l}, nil
	}
	return value{}, fmt.Errorf("want %s, got %T", t, a)
}

// fromValue converts a result to the Go value expr-lang expects.
func fromValue(t check.Type, v value) any {
	switch t.Kind {
	case check.Float:
		return v.f
	case check.String:
		return v.s
	case check.Bool:
		return v.b
	case check.Time:
		return Time(v.i)
	case check.Duration:
		return time.Duration(v.i)
	}
	return int(v.i)
}
