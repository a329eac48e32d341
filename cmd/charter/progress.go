package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charterlang/charter/internal/numfmt"
	"github.com/charterlang/charter/runtime/simulate"
)

// progressBar shows how far a long simulation has come, on one line of a
// terminal that it redraws: the day, the members and the tries per
// second. It stays silent when the output is not a terminal (a log, a
// pipe, CI), and for runs that end within a second. The clock is the
// caller's: the command gives it the wall clock, which only the bar reads
// (the simulated time never does), and tests give it their own.
type progressBar struct {
	w        io.Writer
	terminal bool
	now      func() time.Time
	start    time.Time
	last     time.Time // of the latest drawing; zero before the first
	width    int       // of the latest line drawn, to blank it out
}

// progressDelay is how long a run goes before the bar shows, and
// progressEvery how often it is redrawn after that.
const (
	progressDelay = time.Second
	progressEvery = 100 * time.Millisecond
)

func newProgressBar(w io.Writer, terminal bool, now func() time.Time) *progressBar {
	return &progressBar{w: w, terminal: terminal, now: now, start: now()}
}

// update redraws the bar for p, when it is time to.
func (b *progressBar) update(p simulate.Progress) {
	if !b.terminal {
		return
	}
	t := b.now()
	elapsed := t.Sub(b.start)
	if elapsed < progressDelay || (!b.last.IsZero() && t.Sub(b.last) < progressEvery && p.Day < p.Days) {
		return
	}
	b.last = t
	rate := float64(p.Attempts) / elapsed.Seconds()
	line := fmt.Sprintf("day %d/%d  %s members  %s tries/s", p.Day, p.Days, numfmt.Int(int64(p.Members)), numfmt.Int(int64(rate)))
	pad := max(b.width-len(line), 0)
	fmt.Fprintf(b.w, "\r%s%*s", line, pad, "")
	b.width = len(line)
}

// done ends the bar's line, if it drew one, so that what follows starts
// on a line of its own.
func (b *progressBar) done() {
	if b.width > 0 {
		fmt.Fprintln(b.w)
		b.width = 0
	}
}

// isTerminal reports whether w is a terminal (a character device), the
// standard library's way to tell one from a file or a pipe.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
