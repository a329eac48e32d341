package simulate_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/charterlang/charter/runtime/simulate"
)

// benchRun runs FanClub under testdata/bench.json (every member tries
// about 5 actions a day) with the model's initial members set to members,
// for days days, and reports the tries per second.
func benchRun(b *testing.B, members, days int) {
	c, _ := loadExample(b, "../../examples/fanclub/fanclub.charter", "FanClub", "testdata/bench.json")
	data, err := os.ReadFile("testdata/bench.json")
	if err != nil {
		b.Fatal(err)
	}
	src := strings.Replace(string(data), `"initial": 100000`, `"initial": `+itoa(members), 1)
	m, err := simulate.ParseModel("bench.json", []byte(src), c)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var attempts int
	cpu0 := cpuTime()
	for b.Loop() {
		s, err := simulate.Run(context.Background(), c, m, simulate.Options{Days: days, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		attempts = 0
		for _, d := range s.Days {
			attempts += d.Attempts
		}
	}
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	}
	b.ReportMetric(float64(attempts), "tries/op")
	b.ReportMetric(float64(attempts)*float64(b.N)/b.Elapsed().Seconds(), "tries/s")
}

func itoa(n int) string {
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(buf[i:])
		}
	}
}

// BenchmarkSimulate1k is the small one: 1,000 members for 30 days.
func BenchmarkSimulate1k(b *testing.B) { benchRun(b, 1000, 30) }

// BenchmarkSimulate100k is issue 18's target: 100,000 members for 180
// days at about 5 tries a member a day, 90 million tries, in at most 60 s
// on a 2-core machine. Benchmarks run only with -bench.
func BenchmarkSimulate100k(b *testing.B) { benchRun(b, 100000, 180) }

// BenchmarkSimulate100kShort is the same population for 10 days: the
// profile of the long one in a fraction of its time.
func BenchmarkSimulate100kShort(b *testing.B) { benchRun(b, 100000, 10) }
