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
)

// MaxSize is the largest cra.toml the gate reads: a manifest is a few kilobytes;
// anything bigger is a mistake, or an attempt to slow the gate down.
const MaxSize = 1 << 20

// Problem is something wrong with the file itself, positioned where it is.
type Problem struct {
	Kind ProblemKind
	Pos  Pos
	Msg  string
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
)

// Fatal reports whether the manifest could not be read at all.
func (p Problem) Fatal() bool { return p.Kind == Syntax || p.Kind == WrongType }

// Parse reads cra.toml source. file is the path shown in messages. It returns the
// manifest (nil when a fatal problem leaves nothing to check) and every problem
// found, sorted by position.
func Parse(file string, src []byte) (*Manifest, []Problem) {
	if len(src) > MaxSize {
		return nil, []Problem{{Kind: Syntax, Msg: fmt.Sprintf("%s is %d bytes; the gate reads at most %d (1 MiB): a cra.toml is a few kilobytes, check that the right file is named", file, len(src), MaxSize)}}
	}
	if !utf8.Valid(src) {
		return nil, []Problem{{Kind: Syntax, Pos: firstInvalidUTF8(src), Msg: "the file is not valid UTF-8 (TOML files must be): save it as UTF-8"}}
	}
	ix := BuildIndex(src)
	var raw map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(src)).Decode(&raw); err != nil {
		return nil, []Problem{syntaxProblem(err)}
	}
	if probs := checkTypes(reflect.TypeOf(Manifest{}), raw, nil, ix); len(probs) > 0 {
		sortProblems(probs)
		return nil, probs
	}
	m := &Manifest{File: file, index: ix, Lines: splitLines(src)}
	md, err := toml.NewDecoder(bytes.NewReader(src)).Decode(m)
	if err != nil {
		// checkTypes should have caught it; report the decoder's words rather than pass.
		return nil, []Problem{{Kind: WrongType, Pos: posFromDecodeError(err, ix), Msg: strings.TrimPrefix(err.Error(), "toml: ")}}
	}
	probs := unknownKeys(md.Undecoded(), ix)
	sortProblems(probs)
	return m, probs
}

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Pos.Line != ps[j].Pos.Line {
			return ps[i].Pos.Line < ps[j].Pos.Line
		}
		return ps[i].Pos.Col < ps[j].Pos.Col
	})
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

// posFromDecodeError finds the key named in a decoder error ("(last key "a.b")").
func posFromDecodeError(err error, ix *Index) Pos {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return Pos{Line: pe.Position.Line, Col: pe.Position.Col}
	}
	msg := err.Error()
	if i := strings.Index(msg, `last key "`); i >= 0 {
		rest := msg[i+len(`last key "`):]
		if j := strings.IndexByte(rest, '"'); j >= 0 {
			if occ := ix.Occurrences(rest[:j]); len(occ) > 0 {
				return occ[len(occ)-1].Pos
			}
		}
	}
	return Pos{}
}

var timeType = reflect.TypeOf(time.Time{})

// checkTypes walks the decoded document against the model and reports every value
// of the wrong type, with what was expected, at the key's position.
func checkTypes(t reflect.Type, v any, path []any, ix *Index) []Problem {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	wrong := func(want string) []Problem {
		p := Path(path...)
		return []Problem{{Kind: WrongType, Pos: ix.Nearest(p), Msg: fmt.Sprintf("%s must be %s, not %s", displayKey(p), want, describe(v))}}
	}
	switch {
	case t == timeType:
		if _, ok := v.(time.Time); !ok {
			if s, ok := v.(string); ok {
				if _, err := time.Parse("2006-01-02", s); err == nil {
					return wrong(fmt.Sprintf("a date written without quotes (%s)", s))
				}
			}
			return wrong("a date such as 2031-03-01 (no quotes)")
		}
		return nil
	case t.Kind() == reflect.String:
		if _, ok := v.(string); !ok {
			return wrong("a string (in quotes)")
		}
	case t.Kind() == reflect.Int:
		if _, ok := v.(int64); !ok {
			return wrong("a whole number")
		}
	case t.Kind() == reflect.Float64:
		switch v.(type) {
		case int64, float64:
		default:
			return wrong("a number")
		}
	case t.Kind() == reflect.Bool:
		if _, ok := v.(bool); !ok {
			return wrong("true or false")
		}
	case t.Kind() == reflect.Slice:
		items, ok := v.([]any)
		if !ok {
			if maps, isMaps := v.([]map[string]any); isMaps {
				for _, m := range maps {
					items = append(items, m)
				}
				ok = true
			}
		}
		if !ok {
			if t.Elem().Kind() == reflect.String {
				return wrong(`a list of strings, such as ["a", "b"]`)
			}
			return wrong("a list of tables, written [[" + lastKey(path) + "]]")
		}
		var probs []Problem
		for i, item := range items {
			if t.Elem().Kind() == reflect.String {
				if _, ok := item.(string); !ok {
					p := Path(path...)
					probs = append(probs, Problem{Kind: WrongType, Pos: ix.Nearest(p), Msg: fmt.Sprintf("%s must be a list of strings; item %d is %s", displayKey(p), i+1, describe(item))})
				}
				continue
			}
			probs = append(probs, checkTypes(t.Elem(), item, append(append([]any(nil), path...), i), ix)...)
		}
		return probs
	case t.Kind() == reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return wrong("a table")
		}
		var probs []Problem
		for _, k := range sortedKeys(m) {
			probs = append(probs, checkTypes(t.Elem(), m[k], append(append([]any(nil), path...), k), ix)...)
		}
		return probs
	case t.Kind() == reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return wrong("a table")
		}
		var probs []Problem
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			key := f.Tag.Get("toml")
			if key == "" || key == "-" {
				continue
			}
			if val, ok := m[key]; ok {
				probs = append(probs, checkTypes(f.Type, val, append(append([]any(nil), path...), key), ix)...)
			}
		}
		return probs
	}
	return nil
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

// unknownKeys turns the decoder's undecoded keys into problems at every place they
// are written, with a suggestion. A key whose table is itself unknown is folded
// into the table's problem.
func unknownKeys(keys []toml.Key, ix *Index) []Problem {
	unknown := map[string]bool{}
	var probs []Problem
	seen := map[string]bool{}
	for _, k := range keys {
		bare := k.String()
		unknown[bare] = true
		if parentUnknown(k, unknown) || seen[bare] {
			continue
		}
		seen[bare] = true
		parent := k[:len(k)-1]
		name := k[len(k)-1]
		hint := ""
		if s := suggest(parent, name); s != "" {
			hint = fmt.Sprintf("; did you mean %q?", s)
		} else if known := knownKeys(parent); len(known) > 0 {
			hint = "; the keys allowed here are " + strings.Join(known, ", ")
		}
		occ := ix.Occurrences(bare)
		if len(occ) == 0 {
			occ = []Occurrence{{Path: bare}}
		}
		for _, o := range occ {
			msg := fmt.Sprintf("unknown key %q", name)
			if t := tableLabel(parentPath(o.Path)); t != "" {
				msg += " in " + t
			}
			probs = append(probs, Problem{Kind: UnknownKey, Pos: o.Pos, Msg: msg + hint})
		}
	}
	return probs
}

func parentUnknown(k toml.Key, unknown map[string]bool) bool {
	for i := len(k) - 1; i > 0; i-- {
		if unknown[toml.Key(k[:i]).String()] {
			return true
		}
	}
	return false
}

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
