package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// mdCode writes s in code formatting. It uses an HTML <code> element rather
// than a backtick code span, so that the escaped text inside cannot close it.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "<code>" + escapeMarkdown(s) + "</code>"
}

// maxEscaped bounds a text escapeMarkdown writes, in characters: repository
// text is cut to it (with "…") before escaping, so that no name or message,
// however long, can crowd the rest of the report out of a comment.
const maxEscaped = 1000

// escapeMarkdown makes repository text inert inside a GitHub Markdown table cell,
// list item or heading: it renders as the same characters and nothing else.
// Text longer than maxEscaped characters is cut first. Line breaks and tabs
// become spaces and control characters visible escapes (sanitize); & < > | $
// become entities (no HTML, comments or </details>; no cell breaks; no math);
// Markdown punctuation \ ` * _ ~ [ ] ! # is backslash-escaped (no emphasis,
// code, links, images, headings); a zero-width space breaks what GitHub would
// turn into a notification or a cross-reference: an @ that could start a
// mention (any @ not preceded by an ASCII letter or digit, as in an email
// address), "#" before a digit (#123, owner/repo#123), "GH-" before a digit,
// and the autolinks "://" and "www."; list or heading markers at the start
// are escaped in case the text ever starts a line. An http(s) URL becomes a
// code span instead: it shows and copies as written, with no zero-width
// space inside, and GitHub links nothing in a code span.
func escapeMarkdown(s string) string { return escapeMarkdownMax(s, maxEscaped) }

// escapeMarkdownMax is escapeMarkdown with text cut to max characters.
func escapeMarkdownMax(s string, max int) string {
	s = cut(s, max)
	s = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(s)
	s = sanitize(s, "")
	const zw = "&#8203;"
	rs := []rune(s)
	var b strings.Builder
	digitsSoFar := true // rs[:i] is all digits: "12." would start a list
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if n := urlAt(rs, i); n > 0 {
			// A code span, not an autolink: copied, it is the URL; it
			// cannot be closed early, as no URL character is a backtick.
			b.WriteString("`" + string(rs[i:i+n]) + "`")
			i += n - 1
			digitsSoFar = false
			continue
		}
		leadingDigits := digitsSoFar && i > 0
		digitsSoFar = digitsSoFar && r >= '0' && r <= '9'
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '|':
			b.WriteString("&#124;")
		case '$':
			b.WriteString("&#36;")
		case '@':
			b.WriteByte('@')
			if i == 0 || !isASCIIAlnum(rs[i-1]) {
				b.WriteString(zw)
			}
		case '#':
			b.WriteString("\\#")
			if unicode.IsDigit(next) {
				b.WriteString(zw)
			}
		case '\\', '`', '*', '_', '~', '[', ']', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '-', '+', '=':
			if b.Len() == 0 {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
			if r == '-' && i >= 2 && unicode.IsDigit(next) && strings.EqualFold(string(rs[i-2:i]), "gh") {
				b.WriteString(zw)
			}
		case ':':
			b.WriteRune(r)
			if next == '/' && i+2 < len(rs) && rs[i+2] == '/' {
				b.WriteString(zw)
			}
		case '.', ')':
			if i >= 3 && r == '.' && strings.EqualFold(string(rs[i-3:i]), "www") {
				b.WriteString(zw)
			}
			if leadingDigits && (i+1 == len(rs) || rs[i+1] == ' ') {
				b.WriteByte('\\') // "1. " or "1) " would start an ordered list
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// urlChars are the characters a URL in text may hold (RFC 3986's, without
// the backtick, space, quotes and angle brackets that end one in prose).
const urlChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!$&'*+,;=%"

// urlAt returns the length in runes of the http(s) URL starting at rs[i], or
// 0: it must start a word and have a host; it ends at a character no URL
// holds (a space, a parenthesis, a quote) and before trailing punctuation
// ("see https://x.example/a." ends at "a").
func urlAt(rs []rune, i int) int {
	if i > 0 && (isASCIIAlnum(rs[i-1]) || rs[i-1] == '/') {
		return 0
	}
	rest := rs[i:]
	var scheme int
	switch {
	case hasPrefixFold(rest, "https://"):
		scheme = len("https://")
	case hasPrefixFold(rest, "http://"):
		scheme = len("http://")
	default:
		return 0
	}
	n := 0
	for n < len(rest) && rest[n] < 128 && strings.ContainsRune(urlChars, rest[n]) {
		n++
	}
	for n > scheme && strings.ContainsRune(".,;:!?'*", rest[n-1]) {
		n--
	}
	if n <= scheme || !isASCIIAlnum(rest[scheme]) {
		return 0
	}
	return n
}

func hasPrefixFold(rs []rune, prefix string) bool {
	return len(rs) >= len(prefix) && strings.EqualFold(string(rs[:len(prefix)]), prefix)
}

// cut shortens s to at most max characters, ending in "…" when it does.
func cut(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// safeURL returns u with characters that could end a Markdown link destination
// or open HTML percent-encoded, or "" when u is not an http(s) URL.
func safeURL(u string) string {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			strings.IndexByte("-._~:/?#@!$&'*+,;=%", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
