package jsonkeys

import "testing"

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		json, key, in string
		off           int // -1: no duplicate
	}{
		{`{"a": 1, "b": 2}`, "", "", -1},
		{`{"a": 1, "a": 2}`, "a", "", 9},
		{`{"a": {"x": 1}, "b": {"x": 2}}`, "", "", -1},
		{`{"a": [{"x": 1, "x": 2}]}`, "x", ` in "a"`, 16},
		{`{"@history": {"post": [], "post": []}, "id": "m"}`, "post", ` in "@history"`, 26},
		{`{"a": [1, {"b": 2}], "c": {}, "a": 3}`, "a", "", 30},
		{`{"a\u0062": 1, "ab": 2}`, "ab", "", 15},
		{"{\n  \"a\": 1,\n  \"a\": 2\n}", "a", "", 14},
		{`[{"a": 1}, {"a": 2}]`, "", "", -1},
		{`{"a": 1`, "", "", -1}, // invalid: the decoder reports it
	} {
		d := Find([]byte(tc.json))
		if tc.off < 0 {
			if d != nil {
				t.Errorf("%s: got duplicate %q at %d, want none", tc.json, d.Key, d.Offset)
			}
			continue
		}
		if d == nil || d.Key != tc.key || d.In != tc.in || d.Offset != tc.off {
			t.Errorf("%s: got %+v, want %q%s at %d", tc.json, d, tc.key, tc.in, tc.off)
		}
	}
}

func TestPosition(t *testing.T) {
	data := []byte("{\n  \"é\": 1,\n  \"é\": 2\n}")
	d := Find(data)
	if d == nil {
		t.Fatal("no duplicate found")
	}
	if line, col := d.Position(data); line != 3 || col != 3 {
		t.Errorf("position %d:%d, want 3:3", line, col)
	}
	if got, want := d.Error(), `duplicate key "é"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
