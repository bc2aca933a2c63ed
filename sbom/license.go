package sbom

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed spdx_licenses.txt
var licenseList string

//go:embed spdx_exceptions.txt
var exceptionList string

// idSets holds the lower-cased SPDX license and exception identifiers.
var idSets = sync.OnceValues(func() (licenses, exceptions map[string]struct{}) {
	return readIDs(licenseList), readIDs(exceptionList)
})

func readIDs(list string) map[string]struct{} {
	m := make(map[string]struct{}, 800)
	for line := range strings.Lines(list) {
		if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	return m
}

// knownID looks word up case-insensitively without allocating.
func knownID(set map[string]struct{}, word string) bool {
	var buf [96]byte
	if len(word) > len(buf) {
		return false
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	_, ok := set[string(buf[:len(word)])]
	return ok
}

// ValidLicenseExpression reports whether s is an SPDX license expression:
// license identifiers (an optional "+" suffix allowed), LicenseRef-…
// and DocumentRef-…:LicenseRef-… references, combined with AND, OR, WITH
// (followed by an exception identifier or AdditionRef-…) and parentheses.
// Identifiers match case-insensitively, operators only in upper case, as the
// SPDX specification asks. NOASSERTION and NONE are not expressions.
func ValidLicenseExpression(s string) bool {
	p := exprParser{s: s}
	p.next()
	return p.expr(0) && p.tok == ""
}

// exprParser is a recursive-descent parser over the tokens of an expression.
type exprParser struct {
	s   string // remaining input
	tok string // current token; "" at the end
}

// next advances to the following token: "(", ")" or a word.
func (p *exprParser) next() {
	s := strings.TrimLeft(p.s, " \t\r\n")
	if s == "" {
		p.tok, p.s = "", ""
		return
	}
	if s[0] == '(' || s[0] == ')' {
		p.tok, p.s = s[:1], s[1:]
		return
	}
	i := strings.IndexAny(s, " \t\r\n()")
	if i < 0 {
		i = len(s)
	}
	p.tok, p.s = s[:i], s[i:]
}

// maxExprDepth bounds parenthesis nesting so hostile input cannot exhaust
// the stack.
const maxExprDepth = 64

// expr := term ("OR" term)*
func (p *exprParser) expr(depth int) bool {
	if !p.term(depth) {
		return false
	}
	for p.tok == "OR" {
		p.next()
		if !p.term(depth) {
			return false
		}
	}
	return true
}

// term := factor ("AND" factor)*
func (p *exprParser) term(depth int) bool {
	if !p.factor(depth) {
		return false
	}
	for p.tok == "AND" {
		p.next()
		if !p.factor(depth) {
			return false
		}
	}
	return true
}

// factor := "(" expr ")" | simple ["WITH" exception]
func (p *exprParser) factor(depth int) bool {
	if p.tok == "(" {
		if depth >= maxExprDepth {
			return false
		}
		p.next()
		if !p.expr(depth + 1) {
			return false
		}
		if p.tok != ")" {
			return false
		}
		p.next()
		return true
	}
	if !simpleLicense(p.tok) {
		return false
	}
	p.next()
	if p.tok == "WITH" {
		p.next()
		if !exceptionID(p.tok) {
			return false
		}
		p.next()
	}
	return true
}

// simpleLicense accepts a license identifier with optional "+", or a
// LicenseRef, optionally qualified by a DocumentRef.
func simpleLicense(w string) bool {
	switch w {
	case "", "(", ")", "AND", "OR", "WITH":
		return false
	}
	if doc, ref, ok := strings.Cut(w, ":"); ok {
		return hasFoldPrefix(doc, "DocumentRef-") && idString(doc[len("DocumentRef-"):]) &&
			hasFoldPrefix(ref, "LicenseRef-") && idString(ref[len("LicenseRef-"):])
	}
	if hasFoldPrefix(w, "LicenseRef-") {
		return idString(w[len("LicenseRef-"):])
	}
	licenses, _ := idSets()
	if knownID(licenses, w) {
		return true // includes deprecated ids such as "GPL-2.0+"
	}
	base, plus := strings.CutSuffix(w, "+")
	return plus && knownID(licenses, base)
}

func exceptionID(w string) bool {
	if hasFoldPrefix(w, "AdditionRef-") {
		return idString(w[len("AdditionRef-"):])
	}
	_, exceptions := idSets()
	return knownID(exceptions, w)
}

// idString reports a non-empty run of letters, digits, '.' and '-'.
func idString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
