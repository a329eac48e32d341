package numfmt

import (
	"math"
	"testing"
)

func TestGroup(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""}, {"0", "0"}, {"999", "999"}, {"1000", "1,000"}, {"123456", "123,456"},
		{"1234567", "1,234,567"}, {"-1234", "-1,234"}, {"+12345", "+12,345"},
		{"1234.5678", "1,234.5678"}, {"-0.25", "-0.25"}, {"100.", "100."},
	} {
		if got := Group(tc.in); got != tc.want {
			t.Errorf("Group(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestInt(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 7: "7", -7: "-7", 1000: "1,000", 90004955: "90,004,955",
		math.MinInt64: "-9,223,372,036,854,775,808", math.MaxInt64: "9,223,372,036,854,775,807",
	} {
		if got := Int(n); got != want {
			t.Errorf("Int(%d) = %q, want %q", n, got, want)
		}
	}
}
