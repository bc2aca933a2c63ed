package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// The GitHub Actions runner reads workflow commands from every line a step
// prints: "::name ...::data" at the start of a line (after white space), and
// the older "##[name ...]data" anywhere in it. Repository text reaches every
// output, so every renderer's output is made command-free here, whatever the
// caller does around it (the Action also wraps its log in stop-commands).

// zwsp is a zero-width space: it breaks a command's syntax without changing
// what a reader sees.
const zwsp = "\u200b"

// NeutralizeCommands returns s with every line made unable to issue a
// workflow command: "##[" becomes "##\u200b[" wherever it stands, and a
// line whose first non-space characters are "::" gets a zero-width space
// between the colons. Lines end at "\n" or "\r", as the runner reads them;
// leading space is any Unicode white space, as the runner trims it.
func NeutralizeCommands(s string) string {
	if !strings.Contains(s, "::") && !strings.Contains(s, "##[") {
		return s
	}
	s = strings.ReplaceAll(s, "##[", "##"+zwsp+"[")
	if !strings.Contains(s, "::") {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		end := strings.IndexAny(s, "\r\n")
		if end < 0 {
			end = len(s)
		} else {
			end++
		}
		line := s[:end]
		rest := strings.TrimLeftFunc(line, unicode.IsSpace)
		if strings.HasPrefix(rest, "::") {
			b.WriteString(line[:len(line)-len(rest)])
			b.WriteString(":" + zwsp)
			b.WriteString(rest[1:])
		} else {
			b.WriteString(line)
		}
		s = s[end:]
	}
	return b.String()
}

// neutralizeInline breaks "##[" only: for text that the workflow-command
// escaping keeps on one line (an annotation's message and properties), where
// a "::" can never start a line.
func neutralizeInline(s string) string { return strings.ReplaceAll(s, "##[", "##"+zwsp+"[") }

// commandFreeJSON makes encoded JSON command-free without changing what it
// decodes to: "##[" can only stand inside a string (no JSON token outside one
// contains '#'), where "##\u005b" reads back as "##[". Lines of indented JSON
// start with white space and a quote or bracket, never "::".
//
// It also writes every character unsafeRune names as a \u escape (a
// surrogate pair above U+FFFF), which decodes to the same string: a reader
// of the raw JSON sees it.
func commandFreeJSON(b []byte) []byte {
	return escapeInvisibleJSON(bytes.ReplaceAll(b, []byte("##["), []byte(`##\u005b`)))
}

// escapeInvisibleJSON writes the invisible characters of encoded JSON as \u
// escapes. They can only stand inside strings.
func escapeInvisibleJSON(b []byte) []byte {
	clean := true
	for i := 0; i < len(b) && clean; {
		r, n := utf8.DecodeRune(b[i:])
		clean = !unsafeRune(r)
		i += n
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+64)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case !unsafeRune(r):
			out = append(out, b[i:i+n]...)
		case r > 0xffff:
			hi, lo := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, hi, lo)
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += n
	}
	return out
}

// lineFilter neutralizes whole lines on their way to w.
type lineFilter struct {
	w   io.Writer
	buf []byte
}

func (f *lineFilter) Write(p []byte) (int, error) {
	f.buf = append(f.buf, p...)
	i := bytes.LastIndexByte(f.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	if _, err := io.WriteString(f.w, NeutralizeCommands(string(f.buf[:i+1]))); err != nil {
		return 0, err
	}
	f.buf = append(f.buf[:0], f.buf[i+1:]...)
	return len(p), nil
}

// Close writes what is left of the last line.
func (f *lineFilter) Close() error {
	if len(f.buf) == 0 {
		return nil
	}
	_, err := io.WriteString(f.w, NeutralizeCommands(string(f.buf)))
	f.buf = f.buf[:0]
	return err
}
