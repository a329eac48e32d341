package diag_test

import (
	"encoding/json"
	"testing"

	"github.com/charterlang/charter/lang/diag"
)

// TestRangeJSON holds a Range's JSON to the form it had before Pos became
// the parser's position type, whose fields carry no JSON names.
func TestRangeJSON(t *testing.T) {
	r := diag.Range{
		Start: diag.Pos{Filename: "a.charter", Offset: 1, Line: 2, Column: 3},
		End:   diag.Pos{Filename: "a.charter", Offset: 4, Line: 2, Column: 6},
	}
	buf, err := json.Marshal(diag.Diagnostic{Range: r, Code: "CH0104", Message: "m"})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Range json.RawMessage `json:"range"`
	}
	if err := json.Unmarshal(buf, &got); err != nil {
		t.Fatal(err)
	}
	const want = `{"start":{"file":"a.charter","offset":1,"line":2,"column":3},"end":{"file":"a.charter","offset":4,"line":2,"column":6}}`
	if string(got.Range) != want {
		t.Errorf("range JSON %s, want %s", got.Range, want)
	}
	var back struct {
		Range diag.Range `json:"range"`
	}
	if err := json.Unmarshal(buf, &back); err != nil {
		t.Fatal(err)
	}
	if back.Range != r {
		t.Errorf("round trip %+v, want %+v", back.Range, r)
	}
	if s := r.Start.String(); s != "a.charter:2:3" {
		t.Errorf("String %q", s)
	}
	if s := (diag.Pos{Line: 2, Column: 3}).String(); s != "2:3" {
		t.Errorf("String without a file %q", s)
	}
}
