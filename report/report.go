// Package report renders a finding.Result for people and machines: a terminal
// listing (Text), the versioned JSON report (JSON, read back by ReadJSON), the
// body of the pull-request comment and job summary (Markdown), SARIF 2.1.0 for
// code scanning, and GitHub workflow-command annotations. Every renderer reads the
// same Result and never changes it.
//
// Text that comes from the repository (messages, file names, source lines, the
// product name) is untrusted: each renderer escapes it for its own medium so that
// it cannot move a terminal's cursor, break a Markdown table, open HTML, mention
// a user, or start a new workflow command.
package report

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cra-gate/cra-gate/finding"
)

// toolName is used when a Result does not name the tool that produced it.
const toolName = "cra-gate"

// infoURI is the project's home, for SARIF's tool.driver.informationUri.
const infoURI = "https://github.com/cra-gate/cra-gate"

// defaultConfig is where findings without a file are placed when a location is
// required (SARIF) and the Result does not name its manifest.
const defaultConfig = "cra.toml"

// checkOrder groups findings by check: the checks of the result (the order the
// gate ran them in) first, then any other check ids in the order they first
// appear.
func checkOrder(checks []finding.CheckResult, fs []finding.Finding) (ids []string, by map[string][]finding.Finding) {
	by = map[string][]finding.Finding{}
	for _, f := range fs {
		by[f.Check] = append(by[f.Check], f)
	}
	known := map[string]bool{}
	for _, c := range checks {
		known[c.ID] = true
		if len(by[c.ID]) > 0 {
			ids = append(ids, c.ID)
		}
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if !known[f.Check] && !seen[f.Check] {
			seen[f.Check] = true
			ids = append(ids, f.Check)
		}
	}
	return ids, by
}

// splitWaived separates the findings waivers accept from the others, each in
// Result order.
func splitWaived(fs []finding.Finding) (open, waived []finding.Finding) {
	for _, f := range fs {
		if f.Waived != nil {
			waived = append(waived, f)
		} else {
			open = append(open, f)
		}
	}
	return open, waived
}

// plural writes "1 error" or "3 errors".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "y") && !strings.HasSuffix(word, "ey") {
		return fmt.Sprintf("%d %sies", n, word[:len(word)-1])
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// counts writes "3 errors, 2 warnings, 1 notice", or "no findings".
func counts(s finding.Summary) string {
	if s.Errors+s.Warnings+s.Notices+s.Waived == 0 {
		return "no findings"
	}
	out := plural(s.Errors, "error") + ", " + plural(s.Warnings, "warning") + ", " + plural(s.Notices, "notice")
	if s.Waived > 0 {
		out += ", " + strconv.Itoa(s.Waived) + " waived"
	}
	return out
}

// failOnPhrase says what fails the gate: "fails on error", or "report only
// (--fail-on never)"; empty when the Result does not say.
func failOnPhrase(level string) string {
	switch finding.FailLevel(level) {
	case finding.FailOnError, finding.FailOnWarning:
		return "fails on " + level
	case finding.FailOnNever:
		return "report only (--fail-on never)"
	case "":
		return ""
	}
	return "fail-on " + level
}

// tool returns the producing tool, defaulting the name to cra-gate.
func tool(r *finding.Result) finding.Tool {
	t := r.Tool
	if t.Name == "" {
		t.Name = toolName
	}
	return t
}

// firstSentence shortens a fix to its first sentence (up to ". " or a line
// break), for one-line displays.
func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return s
}

// Visible returns s with every control character and every character a reader
// cannot see (unsafeRune) shown as a visible escape, for one-line messages.
func Visible(s string) string { return sanitize(s, "") }

// sanitize replaces characters that could control a terminal or disguise text
// with visible escapes: invalid UTF-8 bytes and C0 controls, DEL and C1
// controls become \xNN or \uNNNN; so does every character unsafeRune names
// (bidi overrides of "Trojan Source", zero-width and other invisible
// characters, tag characters as \UNNNNNNNN). keep lists
// the control characters to pass through unchanged (tab, newline).
func sanitize(s string, keep string) string {
	if isClean(s, keep) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case strings.ContainsRune(keep, r):
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r) && r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// isClean reports whether sanitize would leave s unchanged.
func isClean(s, keep string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || ((r < 0x20 || r == 0x7f || unsafeRune(r)) && !strings.ContainsRune(keep, r)) {
			return false
		}
		i += n
	}
	return true
}

// unsafeRune reports the characters a reader cannot see or that reorder what
// they see: C1 controls; every format character (Unicode category Cf: bidi
// marks, embeddings, overrides and isolates, LRM, RLM, ALM, zero-width space
// and joiners, word joiner, BOM, soft hyphen, tag characters); the Hangul
// fillers, which render blank; and the line and paragraph separators.
func unsafeRune(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || unicode.Is(unicode.Cf, r) || hangulFiller(r) || r == 0x2028 || r == 0x2029
}

// hangulFiller reports the Hangul fillers (letters of category Lo that
// render as nothing).
func hangulFiller(r rune) bool { return r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0 }
