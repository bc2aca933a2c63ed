// Package tomlscan reads a TOML document once, linearly, before any decoder
// does: it records where every key and table is written (BurntSushi/toml
// keeps key positions private) and refuses documents whose shape would make a
// decoder slow. Deep dotted keys and nested inline tables cost
// github.com/BurntSushi/toml time quadratic in their depth (4,000 nested
// inline tables: 9 s; 16,000: 2 minutes), so every TOML file the gate reads
// (cra.toml, Cargo.toml, Cargo.lock) goes through Scan with Limits first, and
// only a document within them is decoded.
package tomlscan

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pos is a 1-based line and column (in bytes, as the TOML parser counts). The
// zero Pos means "unknown"; callers then point at the file as a whole.
type Pos struct {
	Line int
	Col  int
}

// Index maps every key and table of a TOML document to where it is written.
//
// It is built by a small scanner that reads the document once, character by character, and
// understands just enough TOML to know where each key starts: comments, basic and
// literal strings (single- and multi-line, with escapes), table headers, arrays of
// tables, dotted and quoted keys, inline tables and arrays of inline tables at any
// depth, and LF or CRLF line ends. Values are skipped, not interpreted; the TOML
// decoder does that and reports syntax errors itself, so on malformed input the
// index is merely incomplete, never wrong about what it did record.
//
// Paths are written the way Path builds them: segments joined by dots, with the
// element of an array of tables as "[i]" (0-based): "product.name",
// "rdps[1].functions". The position of a table is that of its header ("rdps[1]"
// is the line of the second [[rdps]]); a key's position is its first character.
type Index struct {
	pos map[string]Pos
	// Keys counts the keys and tables recorded.
	Keys int
}

// Path joins segments into an index path; ints become array indices.
func Path(segs ...any) string {
	var b strings.Builder
	for _, s := range segs {
		switch v := s.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(quoteSegment(v))
		}
	}
	return b.String()
}

// quoteSegment quotes a key segment that is not a bare key, so paths stay unambiguous.
func quoteSegment(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if !isBareKeyChar(byte(r)) || r >= utf8.RuneSelf {
			return strconv.Quote(s)
		}
	}
	return s
}

// Lookup returns the position of path, if the document writes it.
func (ix *Index) Lookup(path string) (Pos, bool) {
	p, ok := ix.pos[path]
	return p, ok
}

// Nearest returns the position of path or, when the document does not write that
// key (a required key left out), of its closest written ancestor: the table or
// [[entry]] it belongs in. The zero Pos means not even the table is written.
func (ix *Index) Nearest(path string) Pos {
	for path != "" {
		if p, ok := ix.pos[path]; ok {
			return p
		}
		path = Parent(path)
	}
	return Pos{}
}

// Parent drops the last segment of an index path: "rdps[1].name" → "rdps[1]"
// → "rdps" → "".
func Parent(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	inQuote := false
	last := -1
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '"':
			inQuote = !inQuote
		case '\\':
			if inQuote {
				i++
			}
		case '.':
			if !inQuote {
				last = i
			}
		}
	}
	if last < 0 {
		return ""
	}
	return path[:last]
}

// Limits bound the shape of a document. A zero field means no limit.
type Limits struct {
	// MaxDepth bounds the segments of a key's path: table headers, dotted
	// keys, inline tables and array nesting all count ("rdps[0].functions"
	// is 3 deep).
	MaxDepth int
	// MaxKeys bounds the keys and tables recorded.
	MaxKeys int
	// MaxItems bounds the elements of one array, and of one array of tables.
	MaxItems int
	// MaxKeyLen bounds one key segment, in bytes.
	MaxKeyLen int
	// MaxPathBytes bounds the bytes of all recorded paths together, so that a
	// long table header shared by many keys cannot multiply into a large index.
	MaxPathBytes int
}

// LimitError says which limit a document exceeds, and where.
type LimitError struct {
	Pos   Pos
	What  string // "keys nested more than 8 deep", ...
	Limit int
}

func (e *LimitError) Error() string { return e.What }

// Scan scans a TOML document and records where each key and table is. It
// stops at the first limit the document exceeds and returns what it had
// indexed so far with a *LimitError. Scanning is linear in the input: each
// byte is looked at a bounded number of times.
func Scan(src []byte, lim Limits) (*Index, error) {
	s := &scanner{src: src, line: 1, col: 1, lim: lim, ix: &Index{pos: map[string]Pos{}}, arrays: map[string]int{}}
	s.document()
	if s.err != nil {
		return s.ix, s.err
	}
	return s.ix, nil
}

type scanner struct {
	src       []byte
	i         int
	line, col int
	lim       Limits
	err       *LimitError
	pathBytes int
	ix        *Index
	// arrays counts the elements seen so far of each array of tables, by indexed path.
	arrays map[string]int
	// table is the indexed path of the current [table] or [[array]] element.
	table []seg
}

// seg is one path segment: a key, or an array index when idx >= 0.
type seg struct {
	key string
	idx int
}

// fail records the first limit exceeded and ends the scan: every loop of the
// scanner stops at the end of the input.
func (s *scanner) fail(p Pos, limit int, format string, args ...any) {
	if s.err == nil {
		s.err = &LimitError{Pos: p, What: fmt.Sprintf(format, args...), Limit: limit}
	}
	s.i = len(s.src)
}

// deep reports (and fails on) a path deeper than the limit.
func (s *scanner) deep(n int, p Pos) bool {
	if s.lim.MaxDepth > 0 && n > s.lim.MaxDepth {
		s.fail(p, s.lim.MaxDepth, "keys, tables and arrays nested more than %d deep", s.lim.MaxDepth)
		return true
	}
	return false
}

func (s *scanner) record(path []seg, p Pos) {
	if s.err != nil || s.deep(len(path), p) {
		return
	}
	full := render(path)
	if _, seen := s.ix.pos[full]; seen {
		return
	}
	s.pathBytes += len(full)
	switch {
	case s.lim.MaxKeys > 0 && s.ix.Keys >= s.lim.MaxKeys:
		s.fail(p, s.lim.MaxKeys, "more than %d keys and tables", s.lim.MaxKeys)
		return
	case s.lim.MaxPathBytes > 0 && s.pathBytes > s.lim.MaxPathBytes:
		s.fail(p, s.lim.MaxPathBytes, "key paths longer than %d bytes in all", s.lim.MaxPathBytes)
		return
	}
	s.ix.pos[full] = p
	s.ix.Keys++
}

// render builds the indexed form of a path ("rdps[1].name").
func render(path []seg) string {
	var f strings.Builder
	for _, sg := range path {
		if sg.idx >= 0 {
			f.WriteString("[" + strconv.Itoa(sg.idx) + "]")
			continue
		}
		if f.Len() > 0 {
			f.WriteByte('.')
		}
		f.WriteString(quoteSegment(sg.key))
	}
	return f.String()
}

func (s *scanner) eof() bool { return s.i >= len(s.src) }

func (s *scanner) peek() byte {
	if s.eof() {
		return 0
	}
	return s.src[s.i]
}

func (s *scanner) at(prefix string) bool {
	return strings.HasPrefix(string(s.src[s.i:min(len(s.src), s.i+len(prefix))]), prefix)
}

// advance moves one character (a whole UTF-8 sequence), keeping line and column.
func (s *scanner) advance() {
	if s.eof() {
		return
	}
	c := s.src[s.i]
	if c == '\n' {
		s.i++
		s.line++
		s.col = 1
		return
	}
	_, size := utf8.DecodeRune(s.src[s.i:])
	s.i += size
	if c != '\r' {
		s.col += size
	}
}

func (s *scanner) pos() Pos { return Pos{Line: s.line, Col: s.col} }

// skipSpace skips blanks and, when newlines is true, comments and line ends too.
func (s *scanner) skipSpace(newlines bool) {
	for !s.eof() {
		switch c := s.peek(); {
		case c == ' ' || c == '\t':
			s.advance()
		case newlines && (c == '\n' || c == '\r'):
			s.advance()
		case newlines && c == '#':
			s.skipLine()
		default:
			return
		}
	}
}

// skipLine skips to the start of the next line.
func (s *scanner) skipLine() {
	for !s.eof() && s.peek() != '\n' {
		s.advance()
	}
	s.advance()
}

func (s *scanner) document() {
	for {
		s.skipSpace(true)
		if s.eof() {
			return
		}
		switch {
		case s.at("[["):
			s.arrayHeader()
		case s.peek() == '[':
			s.tableHeader()
		default:
			start := s.i
			s.keyValue(s.table)
			if s.i == start { // not a key: malformed line, move on
				s.skipLine()
			}
		}
	}
}

func (s *scanner) tableHeader() {
	p := s.pos()
	s.advance()
	keys := s.key()
	if len(keys) == 0 {
		s.skipLine()
		return
	}
	s.table = s.resolve(keys)
	s.recordPrefixes(s.table, p)
	s.skipLine()
}

func (s *scanner) arrayHeader() {
	p := s.pos()
	s.advance()
	s.advance()
	keys := s.key()
	if len(keys) == 0 { // malformed header: the decoder reports it
		s.skipLine()
		return
	}
	path := s.resolve(keys[:len(keys)-1])
	path = append(path, seg{key: keys[len(keys)-1], idx: -1})
	full := render(path)
	n := s.arrays[full]
	if s.lim.MaxItems > 0 && n >= s.lim.MaxItems {
		s.fail(p, s.lim.MaxItems, "more than %d [[%s]] tables", s.lim.MaxItems, full)
		return
	}
	s.arrays[full] = n + 1
	s.recordPrefixes(path, p)
	s.table = append(path, seg{idx: n})
	s.record(s.table, p)
	s.skipLine()
}

// resolve turns header keys into an indexed path: a key naming an array of tables
// refers to its latest element, as TOML says.
func (s *scanner) resolve(keys []string) []seg {
	var path []seg
	for _, k := range keys {
		path = append(path, seg{key: k, idx: -1})
		full := render(path)
		if n, ok := s.arrays[full]; ok && n > 0 {
			path = append(path, seg{idx: n - 1})
		}
	}
	return path
}

// recordPrefixes records path and every ancestor not yet seen at p.
func (s *scanner) recordPrefixes(path []seg, p Pos) {
	for i := 1; i <= len(path); i++ {
		if path[i-1].idx >= 0 {
			continue
		}
		s.record(append([]seg(nil), path[:i]...), p)
	}
}

// keyValue reads `key = value` under base, recording the key (and, for dotted
// keys, its implied tables) and whatever keys the value holds.
func (s *scanner) keyValue(base []seg) {
	p := s.pos()
	keys := s.key()
	if len(keys) == 0 {
		return
	}
	if s.deep(len(base)+len(keys), p) {
		return
	}
	path := append([]seg(nil), base...)
	for _, k := range keys {
		path = append(path, seg{key: k, idx: -1})
		s.record(append([]seg(nil), path...), p)
	}
	s.skipSpace(false)
	if s.peek() != '=' {
		return
	}
	s.advance()
	s.skipSpace(false)
	s.value(path)
}

// key reads a possibly dotted key made of bare and quoted segments, failing
// on a segment longer than MaxKeyLen or more segments than MaxDepth.
func (s *scanner) key() []string {
	var keys []string
	for {
		s.skipSpace(false)
		p := s.pos()
		switch c := s.peek(); {
		case c == '"' || c == '\'':
			keys = append(keys, s.stringValue())
		case isBareKeyChar(c):
			start := s.i
			for !s.eof() && isBareKeyChar(s.peek()) {
				s.advance()
			}
			keys = append(keys, string(s.src[start:s.i]))
		default:
			return keys
		}
		if k := keys[len(keys)-1]; s.lim.MaxKeyLen > 0 && len(k) > s.lim.MaxKeyLen {
			s.fail(p, s.lim.MaxKeyLen, "a key longer than %d bytes", s.lim.MaxKeyLen)
			return nil
		}
		if s.deep(len(keys), p) {
			return nil
		}
		s.skipSpace(false)
		if s.peek() != '.' {
			return keys
		}
		s.advance()
	}
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// value skips one value, descending into inline tables and arrays to record keys.
func (s *scanner) value(path []seg) {
	switch c := s.peek(); {
	case c == '"' || c == '\'':
		s.stringValue()
	case c == '{':
		s.inlineTable(path)
	case c == '[':
		s.array(path)
	default:
		for !s.eof() {
			c := s.peek()
			if c == ',' || c == ']' || c == '}' || c == '\n' || c == '\r' || c == '#' {
				return
			}
			s.advance()
		}
	}
}

func (s *scanner) inlineTable(path []seg) {
	s.advance() // {
	for {
		s.skipSpace(true) // TOML 1.1 allows newlines in inline tables; be lenient
		switch s.peek() {
		case 0:
			return
		case '}':
			s.advance()
			return
		case ',':
			s.advance()
			continue
		}
		start := s.i
		s.keyValue(path)
		if s.i == start {
			s.advance()
		}
	}
}

// array skips an array; inline tables in it are elements of an array of tables.
func (s *scanner) array(path []seg) {
	s.advance() // [
	n := 0
	for {
		s.skipSpace(true)
		switch s.peek() {
		case 0:
			return
		case ']':
			s.advance()
			return
		case ',':
			s.advance()
			n++
			continue
		}
		if s.lim.MaxItems > 0 && n >= s.lim.MaxItems {
			s.fail(s.pos(), s.lim.MaxItems, "an array of more than %d items", s.lim.MaxItems)
			return
		}
		elem := append(append([]seg(nil), path...), seg{idx: n})
		if s.deep(len(elem), s.pos()) {
			return
		}
		if s.peek() == '{' {
			s.record(elem, s.pos())
		}
		start := s.i
		s.value(elem)
		if s.i == start {
			s.advance()
		}
	}
}

// stringValue reads a basic or literal string, single- or multi-line, and returns
// its raw content (escapes are not interpreted beyond what key lookup needs).
func (s *scanner) stringValue() string {
	q := s.peek()
	multi := s.at(strings.Repeat(string(q), 3))
	if multi {
		s.advance()
		s.advance()
		s.advance()
	} else {
		s.advance()
	}
	var b strings.Builder
	for !s.eof() {
		c := s.peek()
		switch {
		case c == '\\' && q == '"':
			s.advance()
			if !s.eof() {
				b.WriteByte(unescape(s.peek()))
				s.advance()
			}
			continue
		case multi && s.at(strings.Repeat(string(q), 3)):
			s.advance()
			s.advance()
			s.advance()
			// up to two more quotes belong to the content ("""a""""")
			for k := 0; k < 2 && s.peek() == q; k++ {
				s.advance()
			}
			return b.String()
		case !multi && c == q:
			s.advance()
			return b.String()
		case !multi && (c == '\n' || c == '\r'):
			return b.String() // unterminated: let the decoder report it
		}
		start := s.i
		s.advance()
		b.Write(s.src[start:s.i])
	}
	return b.String()
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	}
	return c
}
