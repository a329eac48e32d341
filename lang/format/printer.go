package format

import (
	"bytes"
	"strings"

	"github.com/charterlang/charter/lang/syntax"
)

// The printer walks the AST in source order and, for every token it prints,
// finds the same token in the source (the cursor next). Knowing where each
// printed token came from lets it put every comment back between the right
// tokens, keep the author's blank lines, and see which blocks were written
// on one line. It builds a list of lines made of cells; render aligns the
// cells of neighbouring lines of one kind and places trailing comments.

// line is one output line before rendering.
type line struct {
	indent   int      // indentation, in levels of two spaces
	cells    []string // the code, cut where alignment may pad it
	class    string   // lines of one class next to each other align their cells; "" never aligns
	comments []string // trailing comments
	// commentGap is the number of spaces between the code and the trailing
	// comment in the source: a comment keeps its distance from the code.
	commentGap int
	blank      bool // an empty line comes before this one
	isComment  bool // the line holds only an own-line comment
}

// endsInLineComment reports whether l ends with a // comment, after which
// nothing more can go on the line.
func (l *line) endsInLineComment() bool {
	if n := len(l.comments); n > 0 {
		return strings.HasPrefix(l.comments[n-1], "//")
	}
	return l.isComment && strings.HasPrefix(l.cells[0], "//")
}

// comment returns the line's trailing comments.
func (l *line) comment() string { return strings.Join(l.comments, " ") }

func (l *line) code() string {
	var b strings.Builder
	for _, c := range l.cells {
		if c == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c)
	}
	return b.String()
}

type printer struct {
	src       []byte
	toks      []syntax.Token // the file's tokens without spaces and comments
	closeOf   map[int]int    // index in toks of a `{` → index of its `}`
	next      int            // index in toks of the next token to print
	lastEnd   int            // source offset just after the last token printed
	comments  []syntax.Comment
	nextCom   int
	lines     []*line
	indent    int  // indentation of the lines of the current block's items
	cont      int  // indentation of continuation lines of the current item
	breakNext bool // the next token starts a new line (after a comment that ends its line)
	// blockStart is true while nothing has been printed in a block just
	// opened: blank lines there are dropped.
	blockStart bool
	inline     int    // > 0 inside a block printed on one line: no cells
	lastExpr   bool   // the last thing printed was an expression
	lastTok    string // the last token printed
}

// An expression goes on across a line break when its line ends with one of
// continuesAfter or the next line starts with one of continuesBefore. These
// mirror the parser's rule in lang/syntax/expr.go.
var (
	continuesAfter = map[string]bool{
		"&&": true, "||": true, "+": true, "-": true, "*": true, "/": true, "%": true, "**": true,
		"==": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true, "??": true, "?": true,
		":": true, ".": true, "?.": true, "^": true, "!": true, "..": true, "|": true,
		"and": true, "or": true, "in": true, "not": true, "matches": true, "contains": true,
		"startsWith": true, "endsWith": true,
	}
	continuesBefore = map[string]bool{
		"&&": true, "||": true, "??": true, "?": true, ":": true, ".": true, "?.": true, "|": true,
		"and": true, "or": true,
	}
)

func newPrinter(f *syntax.File) *printer {
	p := &printer{src: f.Src, comments: f.Comments, closeOf: map[int]int{}, blockStart: true}
	toks, _ := syntax.Lex(f.Name, f.Src)
	var open []int
	for _, t := range toks {
		if t.Type == syntax.TokSpace || t.Type == syntax.TokComment {
			continue
		}
		if t.Type == syntax.TokPunct {
			switch t.Value {
			case "{":
				open = append(open, len(p.toks))
			case "}":
				if n := len(open); n > 0 {
					p.closeOf[open[n-1]] = len(p.toks)
					open = open[:n-1]
				}
			}
		}
		p.toks = append(p.toks, t)
	}
	return p
}

// cur returns the line being written, starting one if there is none.
func (p *printer) cur() *line {
	if len(p.lines) == 0 {
		p.newLine(p.indent, false)
	}
	return p.lines[len(p.lines)-1]
}

func (p *printer) newLine(indent int, blank bool) {
	p.lines = append(p.lines, &line{indent: indent, cells: []string{""}, blank: blank && len(p.lines) > 0})
	p.blockStart = false
	p.breakNext = false
}

// cell starts a new alignment cell on the current line.
func (p *printer) cell() {
	if p.inline > 0 {
		return
	}
	l := p.cur()
	l.cells = append(l.cells, "")
}

// find consumes the source token that the printer is about to print as
// text. Separators the layout drops (`;` and `,` between items) are skipped
// on the way. ok is false for a token the source does not have here, such
// as a `;` the one-line layout adds.
func (p *printer) find(text string) (off, ln int, ok bool) {
	for i := p.next; i < len(p.toks); i++ {
		t := p.toks[i]
		if t.Value == text {
			p.next = i + 1
			return t.Pos.Offset, t.Pos.Line, true
		}
		if t.Type != syntax.TokPunct || t.Value != ";" && t.Value != "," {
			break
		}
	}
	return p.lastEnd, 0, false
}

// peek returns the offset of the next source token that is not a dropped
// separator, or the end of the source.
func (p *printer) peek() (off int, value string) {
	for i := p.next; i < len(p.toks); i++ {
		t := p.toks[i]
		if t.Type == syntax.TokPunct && (t.Value == ";" || t.Value == ",") {
			continue
		}
		return t.Pos.Offset, t.Value
	}
	return len(p.src), ""
}

// put prints one token of the declaration grammar; space says whether a
// space separates it from what is before it on the line.
func (p *printer) put(text string, space bool) {
	off, ln, ok := p.find(text)
	if ok {
		p.flush(off, ln, false, p.cont)
	}
	p.write(text, space)
	if ok {
		p.lastEnd = off + len(text)
	}
	p.lastExpr = false
}

// write appends text to the current cell.
func (p *printer) write(text string, space bool) {
	if p.breakNext {
		p.newLine(p.cont, false)
	}
	l := p.cur()
	c := &l.cells[len(l.cells)-1]
	if space && *c != "" {
		*c += " "
	}
	*c += text
	p.lastTok = text
}

// flush prints the comments that come before source offset off, where the
// next token (on source line ln) will be printed. At an item boundary a
// comment after code is always a trailing comment; inside an item a short
// /* */ comment followed by more code on its line stays inline. indent is
// the indentation of an own-line comment.
func (p *printer) flush(off, ln int, boundary bool, indent int) {
	for p.nextCom < len(p.comments) && p.comments[p.nextCom].Pos.Offset < off {
		c := p.comments[p.nextCom]
		p.nextCom++
		text := strings.ReplaceAll(c.Text, "\r\n", "\n")
		multi := strings.Contains(text, "\n")
		// A comment that would start a line goes on a line of its own, so
		// that it is an own-line comment when the output is read again.
		// Another comment may follow an own-line /* */ comment on its line.
		var cur *line
		atStart := len(p.lines) == 0
		if !atStart {
			cur = p.cur()
			atStart = p.breakNext && !cur.isComment || cur.endsInLineComment() || cur.code() == ""
		}
		if atStart || p.ownLine(c.Pos.Offset) {
			p.newLine(indent, boundary && !p.blockStart && p.blankBefore(c.Pos.Offset))
			l := p.cur()
			l.cells[0] = text
			l.isComment = true
			p.breakNext = true
			continue
		}
		if !boundary && !multi && !p.breakNext && strings.HasPrefix(text, "/*") && p.lineAfter(off, ln) == c.EndPos.Line {
			p.write(text, true)
			continue
		}
		if len(cur.comments) == 0 {
			cur.commentGap = p.gap(c.Pos.Offset)
		}
		cur.comments = append(cur.comments, text)
		p.breakNext = true
	}
}

// lineAfter returns the source line of what follows the comment just
// taken: the next comment if it comes before offset off, else ln, the line
// of the token at off.
func (p *printer) lineAfter(off, ln int) int {
	if p.nextCom < len(p.comments) && p.comments[p.nextCom].Pos.Offset < off {
		return p.comments[p.nextCom].Pos.Line
	}
	return ln
}

// ownLine reports whether only spaces stand before source offset off on its line.
func (p *printer) ownLine(off int) bool {
	for i := off - 1; i >= 0; i-- {
		switch p.src[i] {
		case ' ', '\t', '\r':
		case '\n':
			return true
		default:
			return i < 3 && bytes.HasPrefix(p.src, []byte("\uFEFF"))
		}
	}
	return true
}

// gap returns the number of spaces and tabs just before source offset off.
func (p *printer) gap(off int) int {
	n := 0
	for i := off - 1; i >= 0 && (p.src[i] == ' ' || p.src[i] == '\t'); i-- {
		n++
	}
	return n
}

// blankBefore reports whether an empty line comes before source offset off,
// looking back over spaces and dropped separators.
func (p *printer) blankBefore(off int) bool {
	n := 0
	for i := off - 1; i >= 0; i-- {
		switch p.src[i] {
		case ' ', '\t', '\r', ';', ',':
		case '\n':
			n++
		default:
			return n >= 2
		}
	}
	return false
}

// item prints one item of a block on lines of its own. A one-line item
// takes the alignment class; an item that spans lines never aligns.
func (p *printer) item(class string, print func()) {
	off, _ := p.peek()
	p.flush(off, 0, true, p.indent)
	p.newLine(p.indent, !p.blockStart && p.blankBefore(off))
	first := len(p.lines) - 1
	p.cont = p.indent + 1
	print()
	if len(p.lines)-1 == first && !strings.Contains(p.lines[first].code(), "\n") {
		p.lines[first].class = class
	}
}

// block prints `{`, the n items and `}`. A block the source wrote on one
// line, without comments, stays on one line with items separated by sep;
// any other block puts each item on its own line.
func (p *printer) block(n int, sep string, class func(i int) string, print func(i int)) {
	p.put("{", true)
	openIdx := p.next - 1
	closeIdx, matched := p.closeOf[openIdx]
	if openIdx < 0 || openIdx >= len(p.toks) || p.toks[openIdx].Value != "{" {
		matched = false
	}
	closeOff := len(p.src)
	hasComments := false
	oneLine := false
	if matched {
		open, cl := p.toks[openIdx], p.toks[closeIdx]
		closeOff = cl.Pos.Offset
		hasComments = p.nextCom < len(p.comments) && p.comments[p.nextCom].Pos.Offset < closeOff
		oneLine = open.Pos.Line == cl.Pos.Line && !hasComments
	}
	if n == 0 && !hasComments {
		p.put("}", false)
		return
	}
	if oneLine {
		p.inline++
		for i := range n {
			if i > 0 {
				p.put(sep, false)
			}
			print(i)
		}
		p.inline--
		p.put("}", true)
		return
	}
	outer := p.indent
	p.indent = outer + 1
	p.blockStart = true
	for i := range n {
		p.item(class(i), func() { print(i) })
		if _, v := p.peek(); i+1 < n && p.lastExpr && (continuesAfter[p.lastTok] || continuesBefore[v]) {
			// The line break alone would let this item's expression run on
			// into the next item.
			p.put(sep, false)
		}
	}
	p.flush(closeOff, 0, true, p.indent)
	p.indent = outer
	p.newLine(outer, false)
	p.cont = outer + 1
	p.put("}", false)
}

// finish prints the comments after the last token.
func (p *printer) finish() {
	p.flush(len(p.src)+1, 0, true, 0)
}

// render aligns the cells and trailing comments and joins the lines.
func (p *printer) render() []byte {
	alignCells(p.lines)
	code := make([]string, len(p.lines))
	for i, l := range p.lines {
		code[i] = strings.TrimRight(strings.Repeat("  ", l.indent)+l.code(), " ")
		if l.isComment {
			code[i] = strings.Repeat("  ", l.indent) + l.cells[0]
		}
	}
	cols := commentColumns(p.lines, code)
	var b strings.Builder
	for i, l := range p.lines {
		if l.blank {
			b.WriteByte('\n')
		}
		b.WriteString(code[i])
		if len(l.comments) > 0 {
			b.WriteString(strings.Repeat(" ", cols[i]-width(code[i])))
			b.WriteString(l.comment())
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// alignCells pads the cells of runs of lines of one class, the way
// text/tabwriter does: within a run, a column is padded over each stretch of
// consecutive lines that have a cell after it, to the widest cell of the
// stretch plus one space. Comment lines do not interrupt a run; blank lines
// and lines of another class do.
func alignCells(lines []*line) {
	var run []*line
	endRun := func() {
		alignRun(run)
		run = run[:0]
	}
	for _, l := range lines {
		switch {
		case l.blank:
			endRun()
			if l.class != "" {
				run = append(run, l)
			}
		case l.isComment:
		case l.class == "" || len(run) > 0 && (run[0].class != l.class || run[0].indent != l.indent):
			endRun()
			if l.class != "" {
				run = append(run, l)
			}
		default:
			run = append(run, l)
		}
	}
	endRun()
}

func alignRun(run []*line) {
	for col := 0; ; col++ {
		any := false
		for i := 0; i < len(run); {
			if len(run[i].cells) <= col+1 {
				i++
				continue
			}
			any = true
			j, w := i, 0
			for ; j < len(run) && len(run[j].cells) > col+1; j++ {
				w = max(w, width(run[j].cells[col]))
			}
			for k := i; k < j; k++ {
				c := &run[k].cells[col]
				*c += strings.Repeat(" ", w-width(*c))
			}
			i = j
		}
		if !any {
			return
		}
	}
}

// commentColumns returns where each line's trailing comment starts: as
// many spaces after the code as in the source, at least one; the comments
// of consecutive lines of one indentation then line up at the rightmost of
// their columns.
func commentColumns(lines []*line, code []string) []int {
	cols := make([]int, len(lines))
	alignable := func(l *line) bool {
		return len(l.comments) > 0 && !l.isComment && !strings.Contains(l.comment(), "\n")
	}
	for i := 0; i < len(lines); {
		if !alignable(lines[i]) {
			cols[i] = width(code[i]) + max(1, lines[i].commentGap)
			i++
			continue
		}
		j, c := i, 0
		for ; j < len(lines) && alignable(lines[j]) && (j == i || !lines[j].blank && lines[j].indent == lines[i].indent); j++ {
			c = max(c, width(code[j])+max(1, lines[j].commentGap))
		}
		for k := i; k < j; k++ {
			cols[k] = c
		}
		i = j
	}
	return cols
}
