package main

// What eval, roles and goals share: loading one community of a load set,
// reading the evaluation time, and reading members from JSON Lines.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charterlang/charter/internal/jsonkeys"
	"github.com/charterlang/charter/lang/diag"
	"github.com/charterlang/charter/runtime"
)

// maxMemberLine bounds one member record, so that a file without newlines
// cannot make the reader hold it all in one line.
const maxMemberLine = 4 << 20

// defaultMaxMembersSize bounds a whole members stream (--max-members-size),
// so that an endless or huge one cannot take all memory: every member is
// held until the last line is read. Read members take about 4 times their
// lines' bytes (a 53 MB file of 200,000 FanClub members: 203 MB at peak),
// up to 8 times for long lists (39 MB of []int: 319 MB), so the default,
// about a million members of 250 bytes, stays within 1 to 2 GB.
const defaultMaxMembersSize = 256 << 20

// openCommunity loads and compiles the rule files named by paths and
// returns the community called name. It reports its own failures on stderr
// and returns the exit status: the errors of files that do not check (as
// `charter check` prints them) give exitFindings; unreadable paths and an
// unknown or missing community give exitUsage.
func openCommunity(cmd string, paths []string, name string, stderr io.Writer) (*runtime.Community, int) {
	ls, prog, err := runtime.Load(paths...)
	if err != nil {
		fmt.Fprintf(stderr, "charter %s: %v\n", cmd, err)
		return nil, exitUsage
	}
	if ls.Diags.HasErrors() {
		// Warnings and info would bury the errors that stop the command.
		var errs diag.List
		for _, d := range ls.Diags {
			if d.Severity == diag.Error {
				errs = append(errs, d)
			}
		}
		if err := diag.WriteText(stderr, errs, ls.Sources()); err != nil {
			fmt.Fprintf(stderr, "charter %s: writing diagnostics: %v\n", cmd, err)
		}
		fmt.Fprintf(stderr, "charter %s: the rule files have %s\n", cmd, plural(len(errs), "error"))
		return nil, exitFindings
	}
	known := communityNames(prog)
	if name == "" {
		fmt.Fprintf(stderr, "charter %s: --community is required; the files declare %s\n", cmd, known)
		return nil, exitUsage
	}
	c := prog.Community(name)
	if c == nil {
		fmt.Fprintf(stderr, "charter %s: unknown community %q; the files declare %s\n", cmd, name, known)
		return nil, exitUsage
	}
	return c, exitOK
}

func communityNames(prog *runtime.Program) string {
	var names []string
	for _, c := range prog.Communities() {
		names = append(names, c.Name)
	}
	if len(names) == 0 {
		return "no communities"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// parseAt reads the --at flag. It is required: evaluation never reads the
// clock, and a silent default would change what days_since and windows see.
func parseAt(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("--at is required: give the evaluation time in RFC 3339, such as --at 2026-01-15T00:00:00Z")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--at %q: want an RFC 3339 time such as 2026-01-15T00:00:00Z", s)
	}
	return t, nil
}

// checkFormat accepts the --format values eval, roles and goals share.
func checkFormat(format string) error {
	switch format {
	case "text", "json":
		return nil
	}
	return fmt.Errorf("unknown format %q: use text or json", format)
}

// checkMaxSize accepts the --max-members-size values eval, roles, goals,
// duties and messages share.
func checkMaxSize(n int64) error {
	if n <= 0 {
		return fmt.Errorf("--max-members-size %d: want a positive number of bytes, such as %d", n, int64(defaultMaxMembersSize))
	}
	return nil
}

// memberLine is one record of a members file.
type memberLine struct {
	id   string
	line int
	m    *runtime.Member
}

// readMembersFile reads the members file named path ("-" for stdin); see
// readMembers.
func readMembersFile(path string, stdin io.Reader, c *runtime.Community, limit int64) ([]memberLine, error) {
	if path == "" {
		return nil, errors.New("--members is required: give a JSON Lines file of members, one object with an \"id\" per line")
	}
	name, r := path, stdin
	if path == "-" {
		name = "stdin"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return readMembers(name, r, c, limit)
}

// readMembers reads JSON Lines: one JSON object per line, each with an "id"
// string (unique in the file) and attributes as Community.MemberJSON takes
// them, "@history" included. Blank lines are skipped. The first bad line is
// an error "name:line: ..." (with a column for malformed JSON), so that the
// caller prints nothing unless every line is good. The stream may hold at
// most limit bytes, line ends and blank lines counted; the line that goes
// over is an error, read no further.
func readMembers(name string, r io.Reader, c *runtime.Community, limit int64) ([]memberLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxMemberLine)
	var total int64 // bytes of the lines scanned, with their line ends
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		advance, token, err := bufio.ScanLines(data, atEOF)
		total += int64(advance)
		return advance, token, err
	})
	var out []memberLine
	first := map[string]int{} // id -> line
	n := 0
	for sc.Scan() {
		n++
		if total > limit {
			return nil, fmt.Errorf("%s:%d: the members come to more than %d bytes; give fewer, or raise --max-members-size", name, n, limit)
		}
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		id, m, err := decodeMember(line, c)
		if err != nil {
			return nil, fmt.Errorf("%s:%d%w", name, n, err)
		}
		if prev, ok := first[id]; ok {
			return nil, fmt.Errorf("%s:%d: duplicate id %q (first on line %d)", name, n, id, prev)
		}
		first[id] = n
		m.ID = id
		out = append(out, memberLine{id: id, line: n, m: m})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line is longer than %d bytes", name, n+1, maxMemberLine)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// decodeMember reads one line. Its error starts with ":col: " or ": " so
// that the caller can put the file and line in front.
func decodeMember(line []byte, c *runtime.Community) (string, *runtime.Member, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber() // keep 3 an int and 3.5 a float, as MemberJSON does
	var values map[string]any
	if err := dec.Decode(&values); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset > 0 {
			col := utf8.RuneCount(line[:min(int(se.Offset)-1, len(line))]) + 1
			return "", nil, fmt.Errorf(":%d: invalid JSON: %v", col, err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "" {
			return "", nil, fmt.Errorf(": want a JSON object for a member, got %s", te.Value)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return "", nil, errors.New(": invalid JSON: the object is not closed")
		}
		return "", nil, fmt.Errorf(": invalid JSON: %v", err)
	}
	if dec.More() {
		return "", nil, errors.New(": more than one JSON value on the line; give one member object per line")
	}
	if values == nil {
		return "", nil, errors.New(": want a JSON object for a member, got null")
	}
	if d := jsonkeys.Find(line); d != nil {
		_, col := d.Position(line)
		return "", nil, fmt.Errorf(":%d: %v", col, d)
	}
	raw, ok := values["id"]
	if !ok {
		return "", nil, errors.New(`: missing "id": every member needs an "id" string`)
	}
	id, ok := raw.(string)
	if !ok {
		return "", nil, fmt.Errorf(`: "id" must be a string, got %s`, jsonKind(raw))
	}
	if id == "" {
		return "", nil, errors.New(`: "id" is empty`)
	}
	if i := strings.IndexFunc(id, unicode.IsControl); i >= 0 {
		// Output is one member per line, fields separated by tabs.
		return "", nil, fmt.Errorf(`: "id" %q contains a control character`, id)
	}
	delete(values, "id")
	m, err := c.Member(values)
	if err != nil {
		return "", nil, fmt.Errorf(": member %q: %w", id, err)
	}
	return id, m, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// readArg returns a flag value given inline, or read from a file when it is
// written @path (@- for stdin).
func readArg(v string, stdin io.Reader) ([]byte, error) {
	path, ok := strings.CutPrefix(v, "@")
	if !ok {
		return []byte(v), nil
	}
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxMemberLine+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxMemberLine {
		return nil, fmt.Errorf("%s is more than %d bytes", path, maxMemberLine)
	}
	return data, nil
}

// membersQuery is what `charter roles` and `charter goals` share: the rule
// files, the community, the members read from JSON Lines, the time and the
// output format.
type membersQuery struct {
	com     *runtime.Community
	members []memberLine
	at      time.Time
	format  string
}

// parseMembersQuery parses the flags and reads the inputs of a members
// command. It reports its own errors; a nil query comes with the exit
// status to return.
func parseMembersQuery(c *command, args []string, stdin io.Reader, stderr io.Writer) (*membersQuery, int) {
	fs := newFlags(c, stderr)
	community := fs.String("community", "", "the community to ask")
	membersPath := fs.String("members", "", "the members as JSON Lines, - for stdin")
	at := fs.String("at", "", "the evaluation time, RFC 3339")
	format := fs.String("format", "text", "output format: text or json")
	maxSize := fs.Int64("max-members-size", defaultMaxMembersSize, "the most bytes --members may hold")
	var sets setFlags
	fs.Var(&sets, "set", "a setting's value, name=value (repeatable)")
	paths, code, ok := parseArgs(fs, args)
	if !ok {
		return nil, code
	}
	fail := func(err error) (*membersQuery, int) {
		fmt.Fprintf(stderr, "charter %s: %v\n", c.name, err)
		return nil, exitUsage
	}
	if err := checkFormat(*format); err != nil {
		return fail(err)
	}
	if err := checkMaxSize(*maxSize); err != nil {
		return fail(err)
	}
	if len(paths) == 0 {
		fmt.Fprintf(stderr, "charter %s: no rule files given\n\n%s", c.name, c.usage)
		return nil, exitUsage
	}
	when, err := parseAt(*at)
	if err != nil {
		return fail(err)
	}
	if *membersPath == "" {
		return fail(errors.New(`--members is required: give a JSON Lines file of members, one object with an "id" per line`))
	}
	com, code := openCommunity(c.name, paths, *community, stderr)
	if com == nil {
		return nil, code
	}
	if com, err = sets.apply(com); err != nil {
		return fail(err)
	}
	members, err := readMembersFile(*membersPath, stdin, com, *maxSize)
	if err != nil {
		return fail(err)
	}
	return &membersQuery{com: com, members: members, at: when, format: *format}, exitOK
}

// goals computes the community's goals over the members it admits: see
// admittedGoals.
func (q *membersQuery) goals() runtime.Goals { return admittedGoals(q.com, q.members, q.at) }

// admittedGoals computes c's goals over the members it admits (as
// admitted), the snapshot that decisions, duties and messages under `when`
// read.
func admittedGoals(c *runtime.Community, members []memberLine, at time.Time) runtime.Goals {
	return c.Goals(admitted(c, members, at), at)
}

// admittedLines returns the members community c is made of: the lines
// taken as members joining in order at time at, those c admits (all of
// them, for a community without an admit rule). Goals and roles both ask
// it, so they count the same members (SPEC §17.4).
func admittedLines(c *runtime.Community, lines []memberLine, at time.Time) []memberLine {
	ms := make([]*runtime.Member, len(lines))
	for i, l := range lines {
		ms[i] = l.m
	}
	in, _ := c.Admitted(ms, at)
	out := make([]memberLine, len(in))
	for j, i := range in {
		out[j] = lines[i]
	}
	return out
}

// admitted is admittedLines' members.
func admitted(c *runtime.Community, lines []memberLine, at time.Time) []*runtime.Member {
	in := admittedLines(c, lines, at)
	ms := make([]*runtime.Member, len(in))
	for i, l := range in {
		ms[i] = l.m
	}
	return ms
}

// state joins the members the community admits (see admittedLines) into a
// live state, so that duties and messages are asked as the state asks
// them: with its goals and its member count, which `members` in a when
// reads (Community.Duties and Messages have no member count).
func (q *membersQuery) state() (*runtime.State, []memberLine, error) {
	in := admittedLines(q.com, q.members, q.at)
	st := runtime.NewState(q.com, runtime.AdmitAll(), runtime.Clock(func() time.Time { return q.at }))
	for _, l := range in {
		if err := st.Join(l.id, l.m); err != nil {
			return nil, nil, fmt.Errorf("line %d: member %q: %w", l.line, l.id, err)
		}
	}
	return st, in, nil
}
