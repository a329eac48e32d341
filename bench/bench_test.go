package bench

import (
	"testing"
)

// benchCallCount is how many distinct calls a benchmark cycles through:
// enough that branch predictors do not learn one call, few enough to stay
// in cache like a hot host would be.
const benchCallCount = 4096

// Sinks keep the compiler from dropping the calls being measured.
var (
	sinkOK     bool
	sinkReason string
)

// cpuMeter reports the process CPU time per operation as "cpu-ns/op";
// see processCPU. After b.Loop returns false, b.N is the number of
// iterations it ran.
type cpuMeter struct {
	start int64
	ok    bool
}

func startCPU() cpuMeter {
	t, ok := processCPU()
	return cpuMeter{t, ok}
}

func (m cpuMeter) report(b *testing.B) {
	end, ok := processCPU()
	if m.ok && ok && b.N > 0 {
		b.ReportMetric(float64(end-m.start)/float64(b.N), "cpu-ns/op")
	}
}

// benchSetup draws the calls and builds the engines, refusing to measure
// an engine that disagrees with the reference on them: `go test -run '^$'
// -bench .` skips TestAgreement, so the precondition is checked here too.
func benchSetup(b *testing.B) ([]Member, []Call, []Engine) {
	b.Helper()
	members := Members(memberCount)
	calls := BenchCalls(members, benchCallCount)
	es := engines(b)
	for _, e := range es {
		if d := disagreements(e, calls, members, 1); len(d) > 0 {
			b.Fatalf("%s disagrees with the reference: %s", e.Name(), d[0])
		}
	}
	return members, calls, es
}

// BenchmarkDecide measures one decision end to end, from the host's Member
// to allow or deny and the reason; each engine builds its own input inside
// the call.
func BenchmarkDecide(b *testing.B) {
	_, calls, es := benchSetup(b)
	for _, e := range es {
		b.Run(e.Name(), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu := startCPU()
			for b.Loop() {
				c := &calls[i%len(calls)]
				sinkOK, sinkReason = e.Decide(c.Member, c.Action, c.Length)
				i++
			}
			cpu.report(b)
		})
	}
}

// BenchmarkDecideEval measures the evaluation alone, on inputs each engine
// prepared in its natural form before the timer started.
func BenchmarkDecideEval(b *testing.B) {
	_, calls, es := benchSetup(b)
	for _, e := range es {
		ev, ok := e.(Evaluator)
		if !ok {
			b.Fatalf("%s has no eval-only entry", e.Name())
		}
		in := make([]any, len(calls))
		for i, c := range calls {
			in[i] = ev.Prepare(c.Member, c.Action, c.Length)
		}
		b.Run(e.Name(), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu := startCPU()
			for b.Loop() {
				sinkOK, sinkReason = ev.DecideEval(in[i%len(in)])
				i++
			}
			cpu.report(b)
		})
	}
}

// BenchmarkRole measures the role of one member, from the host's Member.
func BenchmarkRole(b *testing.B) {
	members, _, es := benchSetup(b)
	for _, e := range es {
		b.Run(e.Name(), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu := startCPU()
			for b.Loop() {
				sinkReason = e.Role(&members[i%len(members)])
				i++
			}
			cpu.report(b)
		})
	}
}

// floor is an Evaluator whose decision is one field read: DecideEval's
// loop, the `any` and the type assertion without an engine.
type floor struct{}

func (floor) Prepare(m *Member, action string, length int) any {
	return &Call{Member: m, Action: action, Length: length}
}

func (floor) DecideEval(in any) (bool, string) {
	return !in.(*Call).Member.Banned, ""
}

// BenchmarkHarnessFloor measures what every DecideEval column includes
// besides the engine: the harness's own cost per operation.
func BenchmarkHarnessFloor(b *testing.B) {
	members := Members(memberCount)
	calls := BenchCalls(members, benchCallCount)
	var ev Evaluator = floor{}
	in := make([]any, len(calls))
	for i, c := range calls {
		in[i] = ev.Prepare(c.Member, c.Action, c.Length)
	}
	i := 0
	for b.Loop() {
		sinkOK, sinkReason = ev.DecideEval(in[i%len(in)])
		i++
	}
}
