package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/cra-gate/cra-gate/internal/tomlscan"
)

// The limits of cra.toml. A cra.toml is a few kilobytes with a hundred keys;
// these are far above any real one and far below what would slow the gate.
const (
	// MaxSize is the largest cra.toml the gate reads.
	MaxSize = 1 << 20
	// MaxKeys bounds the keys and tables of the file.
	MaxKeys = 10000
	// MaxDepth bounds how deep keys nest ("rdps[0].functions" is 3 deep).
	MaxDepth = 8
	// MaxItems bounds every list: the entries of [[rdps]], [[third_party]],
	// [[excluded]] and [[waiver]], and each list of strings.
	MaxItems = 1000
	// MaxKeyLen bounds a key's name, in bytes.
	MaxKeyLen = 128
	// MaxName bounds names: product.name and manufacturer, entry names and
	// function names, in bytes.
	MaxName = 256
	// MaxText bounds every other string, in bytes.
	MaxText = 16 << 10
)

// limits are the structural limits tomlscan enforces before the decoder runs.
var limits = tomlscan.Limits{MaxDepth: MaxDepth, MaxKeys: MaxKeys, MaxItems: MaxItems, MaxKeyLen: MaxKeyLen, MaxPathBytes: 8 << 20}

// Problem is something wrong with the file itself, positioned where it is.
type Problem struct {
	Kind ProblemKind
	Pos  Pos
	Msg  string
	// Path is the key path the problem is about ("rdps[0].nmae"), when it is
	// about a key.
	Path string
}

// ProblemKind says what kind of Problem it is; each maps to one rule.
type ProblemKind int

const (
	// Syntax: the file is not valid TOML (fatal: nothing else is read).
	Syntax ProblemKind = iota
	// WrongType: a key has a value of the wrong type (fatal).
	WrongType
	// UnknownKey: a key the schema does not have.
	UnknownKey
	// Limit: the file exceeds a structural limit (size, keys, depth, list
	// length): nothing is decoded (fatal).
	Limit
	// TooLong: a string longer than its limit; the rest is checked.
	TooLong
	// TODOValue: a value still holding the marker cra-gate init writes
	// (TODOMarker); it is read as absent, and the rest is checked.
	TODOValue
)

// Fatal reports whether the manifest could not be read at all.
func (p Problem) Fatal() bool { return p.Kind == Syntax || p.Kind == WrongType || p.Kind == Limit }

// Parse reads cra.toml source. file is the path shown in messages. It returns the
// manifest (nil when a fatal problem leaves nothing to check) and every problem
// found, sorted by position.
//
// The source is scanned once for key positions and limits (tomlscan), decoded
// once into a generic document, and walked once against the model: the walk
// fills the Manifest and reports every wrong type, unknown key and over-long
// value at its key.
func Parse(file string, src []byte) (*Manifest, []Problem) {
	if len(src) > MaxSize {
		return nil, []Problem{{Kind: Limit, Msg: fmt.Sprintf("%s is %d bytes; the gate reads at most %d (1 MiB): a cra.toml is a few kilobytes, check "+
			"that the right file is named", file, len(src), MaxSize)}}
	}
	if !utf8.Valid(src) {
		return nil, []Problem{{Kind: Syntax, Pos: firstInvalidUTF8(src), Msg: "the file is not valid UTF-8 (TOML files must be): save it as UTF-8"}}
	}
	ix, err := tomlscan.Scan(src, limits)
	var le *tomlscan.LimitError
	if errors.As(err, &le) {
		return nil, []Problem{{Kind: Limit, Pos: le.Pos, Msg: fmt.Sprintf("cra.toml has %s; the gate reads at most that, so nothing else was checked: a cra.toml "+
			"needs a few dozen keys", le.What)}}
	}
	var raw map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(src)).Decode(&raw); err != nil {
		return nil, []Problem{syntaxProblem(err)}
	}
	m := &Manifest{File: file, index: ix, Lines: splitLines(src)}
	w := walker{ix: ix, src: src, lineStarts: lineStarts(src)}
	w.value(reflect.ValueOf(m).Elem(), raw, nil)
	sort.SliceStable(w.todos, func(i, j int) bool {
		a, b := w.todos[i].Pos, w.todos[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	m.todos = w.todos
	for _, t := range w.todos {
		if m.todoPaths == nil {
			m.todoPaths = map[string]struct{}{}
		}
		for _, p := range todoAncestors(t.Path) {
			m.todoPaths[p] = struct{}{}
		}
	}
	sortProblems(w.types)
	sortProblems(w.others)
	if len(w.types) > 0 {
		return nil, w.types
	}
	return m, w.others
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Pos.Line != ps[j].Pos.Line {
			return ps[i].Pos.Line < ps[j].Pos.Line
		}
		return ps[i].Pos.Col < ps[j].Pos.Col
	})
}

// lineStarts returns the offset at which each line starts.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func splitLines(src []byte) []string {
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

func firstInvalidUTF8(src []byte) Pos {
	p := Pos{Line: 1, Col: 1}
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		if r == utf8.RuneError && size <= 1 {
			return p
		}
		if r == '\n' {
			p.Line++
			p.Col = 1
		} else {
			p.Col++
		}
		src = src[size:]
	}
	return p
}

func syntaxProblem(err error) Problem {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.Usage != "" {
			msg += ": " + strings.Join(strings.Fields(pe.Usage), " ")
		}
		return Problem{Kind: Syntax, Pos: Pos{Line: pe.Position.Line, Col: pe.Position.Col}, Msg: "TOML syntax error: " + msg}
	}
	return Problem{Kind: Syntax, Msg: "TOML syntax error: " + strings.TrimPrefix(err.Error(), "toml: ")}
}

// Unmarshaler is implemented by model types that read a TOML value of more
// than one shape (a boolean or a list, say). The value is as the decoder
// gives it: string, int64, float64, bool, time.Time, []any, map[string]any.
// An error is reported as a wrong type at the key.
type Unmarshaler interface {
	UnmarshalTOML(v any) error
}

var (
	timeType        = reflect.TypeOf(time.Time{})
	unmarshalerType = reflect.TypeOf((*Unmarshaler)(nil)).Elem()
)

// walker fills the model from the decoded document and collects problems:
// wrong types (fatal) apart from the rest (unknown keys, over-long values).
type walker struct {
	ix     *tomlscan.Index
	types  []Problem
	others []Problem
	// todos are the values still holding the TODO marker; src and
	// lineStarts locate them, lastTODOKey and lastTODOEnd continue the
	// search along one list.
	todos       []TODO
	src         []byte
	lineStarts  []int
	lastTODOKey string
	lastTODOEnd int
}

func (w *walker) pos(path []any) Pos { return w.ix.Nearest(Path(path...)) }

// wrong reports a value of the wrong type at path.
func (w *walker) wrong(path []any, want string, v any) {
	p := Path(path...)
	w.types = append(w.types, Problem{Kind: WrongType, Pos: w.ix.Nearest(p), Path: p, Msg: fmt.Sprintf("%s must be %s, not %s", displayKey(p), want, describe(v))})
}

// value stores the TOML value v into dst, whose type the model declares.
// maxLen bounds strings (0: MaxText).
func (w *walker) value(dst reflect.Value, v any, path []any) {
	w.valueMax(dst, v, path, 0)
}

func (w *walker) valueMax(dst reflect.Value, v any, path []any, maxLen int) {
	if s, ok := v.(string); ok && IsTODO(s) {
		w.todo(path, dst.Type(), s) // read as absent, whatever the key's type
		return
	}
	if dst.Kind() == reflect.Pointer {
		elem := reflect.New(dst.Type().Elem())
		before := len(w.types)
		w.valueMax(elem.Elem(), v, path, maxLen)
		if len(w.types) == before {
			dst.Set(elem)
		}
		return
	}
	if dst.CanAddr() && dst.Addr().Type().Implements(unmarshalerType) {
		if err := dst.Addr().Interface().(Unmarshaler).UnmarshalTOML(v); err != nil {
			p := Path(path...)
			w.types = append(w.types, Problem{Kind: WrongType, Pos: w.ix.Nearest(p), Path: p, Msg: fmt.Sprintf("%s %s", displayKey(p), err.Error())})
		}
		return
	}
	t := dst.Type()
	switch {
	case t == timeType:
		tv, ok := v.(time.Time)
		if !ok {
			if s, isStr := v.(string); isStr {
				if _, err := time.Parse("2006-01-02", s); err == nil {
					w.wrong(path, fmt.Sprintf("a date written without quotes (%s)", s), v)
					return
				}
			}
			w.wrong(path, "a date such as 2031-03-01 (no quotes)", v)
			return
		}
		dst.Set(reflect.ValueOf(tv))
	case t.Kind() == reflect.String:
		s, ok := v.(string)
		if !ok {
			w.wrong(path, "a string (in quotes)", v)
			return
		}
		w.checkLen(s, path, maxLen)
		dst.SetString(s)
	case t.Kind() == reflect.Int:
		n, ok := v.(int64)
		if !ok {
			w.wrong(path, "a whole number", v)
			return
		}
		if n < -1<<31 || n > 1<<31-1 {
			w.wrong(path, "a number between -2147483648 and 2147483647", v)
			return
		}
		dst.SetInt(n)
	case t.Kind() == reflect.Float64:
		switch x := v.(type) {
		case int64:
			dst.SetFloat(float64(x))
		case float64:
			dst.SetFloat(x)
		default:
			w.wrong(path, "a number", v)
		}
	case t.Kind() == reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			w.wrong(path, "true or false", v)
			return
		}
		dst.SetBool(b)
	case t.Kind() == reflect.Slice:
		w.slice(dst, v, path, maxLen)
	case t.Kind() == reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			w.wrong(path, "a table", v)
			return
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for _, k := range sortedKeys(m) {
			elem := reflect.New(t.Elem()).Elem()
			w.value(elem, m[k], append(append([]any(nil), path...), k))
			out.SetMapIndex(reflect.ValueOf(k), elem)
		}
		dst.Set(out)
	case t.Kind() == reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			w.wrong(path, "a table", v)
			return
		}
		w.table(dst, m, path)
	}
}

// slice fills a list of strings or of tables.
func (w *walker) slice(dst reflect.Value, v any, path []any, maxLen int) {
	t := dst.Type()
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case []map[string]any:
		for _, m := range x {
			items = append(items, m)
		}
	default:
		if t.Elem().Kind() == reflect.String {
			w.wrong(path, `a list of strings, such as ["a", "b"]`, v)
		} else {
			w.wrong(path, "a list of tables, written [["+lastKey(path)+"]]", v)
		}
		return
	}
	out := reflect.MakeSlice(t, 0, len(items))
	for i, item := range items {
		if t.Elem().Kind() == reflect.String {
			s, ok := item.(string)
			if !ok {
				p := Path(path...)
				w.types = append(w.types,
					Problem{Kind: WrongType,
						Pos:  w.ix.Nearest(p),
						Path: fmt.Sprintf("%s[%d]", p, i),
						Msg:  fmt.Sprintf("%s must be a list of strings; item %d is %s", displayKey(p), i+1, describe(item))})
				continue
			}
			if IsTODO(s) {
				w.todo(append(append([]any(nil), path...), i), t.Elem(), s) // left out of the list
				continue
			}
			w.checkLen(s, path, maxLen)
			out = reflect.Append(out, reflect.ValueOf(s).Convert(t.Elem()))
			continue
		}
		out = reflect.Append(out, reflect.New(t.Elem()).Elem())
		w.value(out.Index(out.Len()-1), item, append(append([]any(nil), path...), i))
	}
	dst.Set(out)
}

// table fills a struct from a TOML table; keys the struct does not declare
// are unknown keys (and are not descended into: an unknown table is one
// problem, not one per key inside it).
func (w *walker) table(dst reflect.Value, m map[string]any, path []any) {
	t := dst.Type()
	known := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		if k := t.Field(i).Tag.Get("toml"); k != "" && k != "-" {
			known[k] = i
		}
	}
	for _, k := range sortedKeys(m) {
		sub := append(append([]any(nil), path...), k)
		i, ok := known[k]
		if !ok {
			w.unknown(t, k, sub)
			continue
		}
		f := t.Field(i)
		maxLen := 0
		if s := f.Tag.Get("max"); s != "" {
			maxLen, _ = strconv.Atoi(s)
		}
		w.valueMax(dst.Field(i), m[k], sub, maxLen)
	}
}

// unknown reports key k of a table of type t at path, with a suggestion.
func (w *walker) unknown(t reflect.Type, k string, path []any) {
	keys := structKeys(t)
	hint := ""
	if s := Closest(k, keys); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	} else if len(keys) > 0 {
		hint = "; the keys allowed here are " + strings.Join(keys, ", ")
	}
	msg := fmt.Sprintf("unknown key %q", k)
	if tl := tableLabel(Path(path[:len(path)-1]...)); tl != "" {
		msg += " in " + tl
	}
	w.others = append(w.others, Problem{Kind: UnknownKey, Pos: w.pos(path), Path: Path(path...), Msg: msg + hint})
}

// checkLen reports a string longer than its limit.
func (w *walker) checkLen(s string, path []any, maxLen int) {
	if maxLen <= 0 {
		maxLen = MaxText
	}
	if len(s) <= maxLen {
		return
	}
	p := Path(path...)
	what := "text"
	if maxLen < MaxText {
		what = "a name"
	}
	w.others = append(w.others,
		Problem{Kind: TooLong,
			Pos:  w.ix.Nearest(p),
			Path: p,
			Msg: fmt.Sprintf("%s is %d bytes long; the gate reads %s of at most %d bytes here: shorten it (a longer "+
				"text belongs in a document the file points to)", displayKey(p), len(s), what, maxLen)})
}

// structKeys lists the keys a struct type declares, sorted.
func structKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if k := t.Field(i).Tag.Get("toml"); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func lastKey(path []any) string {
	for i := len(path) - 1; i >= 0; i-- {
		if s, ok := path[i].(string); ok {
			return s
		}
	}
	return ""
}

// describe names a TOML value's type for messages.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return "a string"
	case int64:
		return "a number (" + strconv.FormatInt(x, 10) + ")"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date"
	case []any, []map[string]any:
		return "a list"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}

// displayKey renders an index path for messages.
func displayKey(p string) string { return "key " + strconv.Quote(p) }

// tableLabel names the table an index path is in: [support], or [[rdps]] #2 for
// the second element of an array of tables.
func tableLabel(path string) string {
	if path == "" {
		return ""
	}
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i > 0 {
			if n, err := strconv.Atoi(path[i+1 : len(path)-1]); err == nil {
				return fmt.Sprintf("[[%s]] #%d", path[:i], n+1)
			}
		}
	}
	return "[" + path + "]"
}
