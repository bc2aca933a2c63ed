package manifest

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
)

// TODOMarker starts every value cra-gate init leaves for a person to decide:
// "TODO: the legal name of the manufacturer". A value that starts with it
// (after white space), or is just "TODO", is a TODO wherever it is written,
// whatever type the key takes: a string is valid TOML for every key, so a
// date, number or boolean key can hold one too (support.end = "TODO: ...").
// The loader reports each one (Problem kind TODOValue) and reads it as
// absent; the checks leave what it stands for to that report.
const TODOMarker = "TODO:"

// IsTODO reports whether a value is a TODO (see TODOMarker). The marker is
// upper case, as init writes it.
func IsTODO(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, TODOMarker) || s == "TODO"
}

// TODO is a value still holding the marker.
type TODO struct {
	Path string // key path: "support.end", "product.functions[0]"
	Pos  Pos    // the value's position where it was found, else its key's
	Text string // what the marker asks, after "TODO:"
}

// TODOs lists the values still holding the marker, in the file's order.
func (m *Manifest) TODOs() []TODO { return m.todos }

// HasTODO reports whether the key at path, or a key inside it (an entry of
// [[rdps]], say), still holds a TODO: such a value is read as absent, and
// the rules that would report it absent leave it to manifest-todo.
func (m *Manifest) HasTODO(segs ...any) bool {
	_, ok := m.todoPaths[Path(segs...)]
	return ok
}

// maxTODOSearch bounds how far past its key a TODO value is looked for (its
// column), in bytes: a value starts right after its key, or within its list.
const maxTODOSearch = 4 << 10

// todo records a TODO value found at path, where the model expects type t.
func (w *walker) todo(path []any, t reflect.Type, s string) {
	p := Path(path...)
	key, item := p, false
	if _, isIndex := path[len(path)-1].(int); isIndex && t.Kind() == reflect.String {
		key, item = Path(path[:len(path)-1]...), true // an item of a list of strings: its key is the list's
	}
	pos := w.todoPos(key, item)
	text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "TODO"))
	text = strings.TrimSpace(strings.TrimPrefix(text, ":"))
	w.todos = append(w.todos, TODO{Path: p, Pos: pos, Text: clip(text, 1024)})
	msg := fmt.Sprintf("%s is still a TODO", displayKey(p))
	if text == "" {
		msg += ": decide its value"
	} else {
		msg += ": " + clip(text, 200)
	}
	if want := todoWant(t); want != "" {
		msg += " (" + want + ")"
	}
	w.others = append(w.others, Problem{Kind: TODOValue, Pos: pos, Path: p, Msg: msg})
}

// todoPos finds where a TODO value is written, so that a finding points at
// the value: the value after key's "=", or for an item of a list (item set),
// the next TODO string after the previous one of that list. It falls back to
// the key's position.
func (w *walker) todoPos(key string, item bool) Pos {
	kp := w.ix.Nearest(key)
	if kp.Line < 1 || kp.Line > len(w.lineStarts) {
		return kp
	}
	start := w.lineStarts[kp.Line-1] + max(kp.Col-1, 0)
	if start >= len(w.src) {
		return kp
	}
	end := min(len(w.src), start+maxTODOSearch)
	var off int
	if item {
		if key == w.lastTODOKey && w.lastTODOEnd > start {
			start = w.lastTODOEnd
		}
		i := indexTODO(w.src[start:end])
		if i < 0 {
			return kp
		}
		off = start + i
		w.lastTODOKey, w.lastTODOEnd = key, off+1
	} else {
		i := bytes.IndexByte(w.src[start:end], '=')
		if i < 0 {
			return kp
		}
		off = start + i + 1
		for off < end && (w.src[off] == ' ' || w.src[off] == '\t') {
			off++
		}
	}
	line := kp.Line
	for line < len(w.lineStarts) && w.lineStarts[line] <= off {
		line++
	}
	return Pos{Line: line, Col: off - w.lineStarts[line-1] + 1}
}

// indexTODO returns the offset of the first quote that opens a TODO string
// (white space may follow the quote), or -1.
func indexTODO(b []byte) int {
	for i, c := range b {
		if c != '"' && c != '\'' {
			continue
		}
		rest := bytes.TrimLeft(b[i+1:], " \t")
		if bytes.HasPrefix(rest, []byte("TODO")) {
			return i
		}
	}
	return -1
}

// todoWant says how a key of type t is written, for keys that are not
// strings: a TODO string stands where a date or number belongs.
func todoWant(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "write a date without quotes, such as 2031-03-01"
	case t.Kind() == reflect.Int, t.Kind() == reflect.Float64:
		return "write a number without quotes"
	case t.Kind() == reflect.Bool:
		return "write true or false"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return `write a list of strings, such as ["a", "b"]`
	}
	return ""
}

// todoAncestors returns path and every path that contains it:
// "rdps[0].name", "rdps[0]", "rdps".
func todoAncestors(path string) []string {
	out := []string{path}
	for i := len(path) - 1; i > 0; i-- {
		if path[i] == '.' || path[i] == '[' {
			out = append(out, path[:i])
		}
	}
	return out
}

// clip shortens s to at most n bytes, at a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
