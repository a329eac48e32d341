package simulate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// MarshalJSON writes a goal's value as a JSON number, or, when a measure
// came out as no number (a division by zero over no members: SPEC §10.8
// gives it a defined value, ±Inf or NaN), as the string "+Inf", "-Inf" or
// "NaN", which JSON has no number for: a run whose goal divides by zero
// on its first day still writes its series.
func (g GoalDay) MarshalJSON() ([]byte, error) {
	type plain struct {
		Value any  `json:"value"`
		Met   bool `json:"met"`
	}
	var v any = g.Value
	switch {
	case math.IsNaN(g.Value):
		v = "NaN"
	case math.IsInf(g.Value, 1):
		v = "+Inf"
	case math.IsInf(g.Value, -1):
		v = "-Inf"
	}
	return json.Marshal(plain{v, g.Met})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (g *GoalDay) UnmarshalJSON(data []byte) error {
	var raw struct {
		Value json.RawMessage `json:"value"`
		Met   bool            `json:"met"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	g.Met = raw.Met
	var s string
	if err := json.Unmarshal(raw.Value, &s); err == nil {
		switch s {
		case "NaN":
			g.Value = math.NaN()
		case "+Inf":
			g.Value = math.Inf(1)
		case "-Inf":
			g.Value = math.Inf(-1)
		default:
			return fmt.Errorf("goal value %q: want a number, \"NaN\", \"+Inf\" or \"-Inf\"", s)
		}
		return nil
	}
	return json.Unmarshal(raw.Value, &g.Value)
}
