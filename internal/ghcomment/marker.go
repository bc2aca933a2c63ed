package ghcomment

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

const (
	// MaxBodyChars is GitHub's limit on a comment body, in characters.
	MaxBodyChars = 65536
	// BodyLimit is what Upsert keeps bodies under: MaxBodyChars less a
	// safety margin (lengths are counted in UTF-16 units, see Truncate).
	BodyLimit = 65000

	markerPrefix = "<!-- cra-gate:comment key="
	markerSuffix = " -->"
)

// Marker returns the hidden HTML comment that identifies the cra-gate comment
// for key, e.g. "<!-- cra-gate:comment key=3f0c2a9d41b7e865 -->". The key is
// hashed (first 16 hex digits of SHA-256), so no repository text can inject
// "-->" or forge another key's marker by accident.
func Marker(key string) string {
	sum := sha256.Sum256([]byte("cra-gate comment\x00" + key))
	return markerPrefix + hex.EncodeToString(sum[:8]) + markerSuffix
}

// textLen counts s the way the most conservative GitHub client would: in
// UTF-16 code units, so a character outside the Basic Multilingual Plane
// (most emoji) counts twice. This is never less than the rune count.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Truncate returns body unchanged if it fits in limit characters (counted
// as textLen does; limit <= 0 means BodyLimit). Otherwise it keeps the
// longest run of whole leading lines that fits together with closers for an
// open code fence or <details> block and a note linking runURL. A leading
// marker line is always kept whole; if limit cannot even hold it and a short
// note, the marker line alone is returned.
func Truncate(body, runURL string, limit int) string {
	if limit <= 0 {
		limit = BodyLimit
	}
	if textLen(body) <= limit {
		return body
	}
	header, rest := splitHeader(body)
	note := truncationNote(runURL)
	budget := limit - textLen(header)
	if budget < textLen(note) {
		note = "\n_(truncated)_\n"
		if budget < textLen(note) {
			return header
		}
	}

	lines := strings.SplitAfter(rest, "\n")
	var st mdState
	used, best, bestClose := 0, 0, ""
	for i, line := range lines {
		if !strings.HasSuffix(line, "\n") {
			break // a final partial line is never kept: cut at line boundaries only
		}
		used += textLen(line)
		if used+textLen(note) > budget {
			break
		}
		st.feed(line)
		if c := st.closers(); used+textLen(c)+textLen(note) <= budget {
			best, bestClose = i+1, c
		}
	}
	var b strings.Builder
	b.WriteString(header)
	for _, l := range lines[:best] {
		b.WriteString(l)
	}
	b.WriteString(bestClose)
	b.WriteString(note)
	return b.String()
}

// splitHeader separates a leading marker line (always ending in "\n") from
// the rest of body.
func splitHeader(body string) (header, rest string) {
	if !strings.HasPrefix(body, markerPrefix) {
		return "", body
	}
	end := strings.Index(body, markerSuffix)
	if end < 0 {
		return "", body
	}
	end += len(markerSuffix)
	header, rest = body[:end], body[end:]
	switch {
	case strings.HasPrefix(rest, "\r\n"):
		return header + "\r\n", rest[2:]
	case strings.HasPrefix(rest, "\n"):
		return header + "\n", rest[1:]
	}
	return header + "\n", rest
}

func truncationNote(runURL string) string {
	const head = "\n---\n> **Truncated:** this report is longer than a GitHub comment can hold. "
	runURL = markdownURL(runURL)
	if runURL == "" {
		return head + "The full report is in the workflow run's log and JSON report.\n"
	}
	return head + "The full report is in the [workflow run](" + runURL + ").\n"
}

// markdownURL makes u safe inside a Markdown link target.
func markdownURL(u string) string {
	u = strings.TrimSpace(u)
	if !utf8.ValidString(u) {
		return ""
	}
	r := strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\n", "", "\r", "", "\t", "")
	return r.Replace(u)
}

// mdState tracks the Markdown constructs a cut could leave open.
type mdState struct {
	fence   string // the opening fence of an open code block ("```", "~~~~"...)
	details int    // open <details> elements outside code blocks
}

func (s *mdState) feed(line string) {
	t := strings.TrimRight(line, "\r\n")
	trimmed := strings.TrimLeft(t, " ")
	if len(t)-len(trimmed) <= 3 {
		if f := fenceOf(trimmed); f != "" {
			switch {
			case s.fence == "":
				s.fence = f
				return
			case f[0] == s.fence[0] && len(f) >= len(s.fence) && strings.TrimSpace(trimmed[len(f):]) == "":
				s.fence = ""
				return
			}
		}
	}
	if s.fence != "" {
		return
	}
	low := strings.ToLower(t)
	s.details += strings.Count(low, "<details") - strings.Count(low, "</details>")
	if s.details < 0 {
		s.details = 0
	}
}

// fenceOf returns the leading run of ` or ~ if it is a code fence (3 or more).
func fenceOf(s string) string {
	if s == "" || (s[0] != '`' && s[0] != '~') {
		return ""
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	return s[:n]
}

// closers returns the text that closes whatever is open.
func (s *mdState) closers() string {
	var b strings.Builder
	if s.fence != "" {
		b.WriteString(s.fence + "\n")
	}
	for i := 0; i < s.details; i++ {
		b.WriteString("</details>\n")
	}
	return b.String()
}
