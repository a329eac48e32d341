package main

import "testing"

func TestDupKey(t *testing.T) {
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
		key, in, off, ok := dupKey([]byte(tc.json))
		if tc.off < 0 {
			if ok {
				t.Errorf("%s: got duplicate %q at %d, want none", tc.json, key, off)
			}
			continue
		}
		if !ok || key != tc.key || in != tc.in || off != tc.off {
			t.Errorf("%s: got %q%s at %d (%v), want %q%s at %d", tc.json, key, in, off, ok, tc.key, tc.in, tc.off)
		}
	}
}
