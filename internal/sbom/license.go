package sbom

import (
	"strings"

	"github.com/github/go-spdx/v2/spdxexp/spdxlicenses"
)

// ValidLicenseExpression reports whether s is an SPDX license expression:
// license identifiers (an optional "+" suffix allowed), LicenseRef-…
// and DocumentRef-…:LicenseRef-… references, combined with AND, OR, WITH
// (followed by an exception identifier or AdditionRef-…) and parentheses.
// Identifiers match case-insensitively, operators only in upper case, as the
// SPDX specification asks. NOASSERTION and NONE are not expressions.
//
// The licence and exception identifiers are those of the SPDX License List
// that github.com/github/go-spdx ships (deprecated licences included). Its
// expression parser is not used: it compiles regular expressions for every
// token (about 50 times the cost of this one on a three-licence expression,
// see BenchmarkLicenseExpression), its cost grows faster than the
// expression's length, it recurses without bound, and it departs from the
// SPDX 2.3 grammar ("LicenseRef-x WITH exception" rejected, "MIT ANDISC" and
// "MIT-only" accepted). This grammar is linear in the expression's length.
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
	if licenseID(w) {
		return true // includes deprecated ids such as "GPL-2.0+"
	}
	base, plus := strings.CutSuffix(w, "+")
	return plus && licenseID(base)
}

// licenseID reports an SPDX licence identifier, current or deprecated.
func licenseID(w string) bool {
	if ok, _ := spdxlicenses.IsActiveLicense(w); ok {
		return true
	}
	ok, _ := spdxlicenses.IsDeprecatedLicense(w)
	return ok
}

func exceptionID(w string) bool {
	if hasFoldPrefix(w, "AdditionRef-") {
		return idString(w[len("AdditionRef-"):])
	}
	ok, _ := spdxlicenses.IsException(w)
	return ok
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
