package serve

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/charterlang/charter/runtime"
)

// metrics are the handler's Prometheus collectors (SPEC §17.9 lists them).
type metrics struct {
	decisions    *prometheus.CounterVec   // by endpoint, action, verdict
	denials      *prometheus.CounterVec   // by rule
	applySeconds *prometheus.HistogramVec // Apply, by outcome
	requests     *prometheus.CounterVec   // by status code
	// reviewSanctions counts the sanctions reviews carried out.
	reviewSanctions prometheus.Counter
	// commitSeconds is the durable state's commit latency, fed by
	// Handler.ObserveCommit (store.OnCommit).
	commitSeconds prometheus.Histogram
	handler       http.Handler
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &metrics{
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_decisions_total",
			Help: "Decisions made, by endpoint (decide or apply), action and verdict (allow or deny).",
		}, []string{"endpoint", "action", "verdict"}),
		denials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_denials_total",
			Help: `Denials by deciding rule (its label), or "default deny".`,
		}, []string{"rule"}),
		// By outcome, because a durable state commits only what it
		// applied: "applied" includes the commit, "denied" has none, and
		// the difference is the commit's cost.
		applySeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "charter_apply_seconds",
			Help:    "Time to apply an action to the state, by outcome (applied, denied, error); with a durable state, applied includes the commit.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 4, 12), // 1µs to 4s
		}, []string{"outcome"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "charter_http_requests_total",
			Help: "HTTP requests answered, by status code.",
		}, []string{"code"}),
		reviewSanctions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "charter_review_sanctions_total",
			Help: "Sanctions of unmet duties that reviews carried out.",
		}),
		commitSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "charter_commit_seconds",
			Help:    "Time each commit of a durable state's log took (a bbolt transaction of one group of operations, or a PostgreSQL COMMIT); empty for a state in memory.",
			Buckets: prometheus.ExponentialBuckets(1e-5, 4, 10), // 10µs to 2.6s
		}),
	}
	for _, c := range []prometheus.Collector{m.decisions, m.denials, m.applySeconds, m.requests, m.reviewSanctions, m.commitSeconds} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	return m, nil
}

// LogLine is one line of the decision log.
type LogLine struct {
	// Time is when the server decided (its clock), At the time the
	// decision was made for.
	Time     time.Time `json:"time"`
	At       time.Time `json:"at"`
	Endpoint string    `json:"endpoint"` // "decide" or "apply"
	Member   string    `json:"member"`
	Action   string    `json:"action"`
	Verdict  string    `json:"verdict"` // "allow" or "deny"
	Default  bool      `json:"by_default,omitempty"`
	Rules    []string  `json:"rules"` // labels of the deciding rules
	Applied  bool      `json:"applied"`
}

// decided counts a decision and writes it to the decision log.
func (h *Handler) decided(endpoint string, req *ActionRequest, t time.Time, d runtime.Decision, applied bool) {
	verdict := "deny"
	if d.Allowed {
		verdict = "allow"
	}
	h.metrics.decisions.WithLabelValues(endpoint, d.Action, verdict).Inc()
	if !d.Allowed {
		if d.ByDefault {
			h.metrics.denials.WithLabelValues("default deny").Inc()
		}
		for _, r := range d.Rules {
			h.metrics.denials.WithLabelValues(r.Label).Inc()
		}
	}
	if h.cfg.DecisionLog == nil {
		return
	}
	line := LogLine{Time: time.Now().UTC(), At: t, Endpoint: endpoint, Member: req.Member, Action: d.Action,
		Verdict: verdict, Default: d.ByDefault, Rules: []string{}, Applied: applied}
	for _, r := range d.Rules {
		line.Rules = append(line.Rules, r.Label)
	}
	data, err := json.Marshal(line)
	if err != nil {
		h.logf("decision log: %v", err)
		return
	}
	data = append(data, '\n')
	h.logMu.Lock()
	defer h.logMu.Unlock()
	if _, err := h.cfg.DecisionLog.Write(data); err != nil {
		h.logf("decision log: %v", err)
	}
}
