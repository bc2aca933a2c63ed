package sbom

import (
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// IsPlaceholder reports a value that carries no information: empty,
// NOASSERTION, NONE, UNKNOWN (any case), or one containing an unexpanded
// template token such as @VCS_VERSION@, ${project.version} or {{ .Version }}.
func IsPlaceholder(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "NOASSERTION") || strings.EqualFold(s, "NONE") || strings.EqualFold(s, "UNKNOWN") {
		return true
	}
	return hasTemplateToken(s)
}

// PlaceholderVersion reports a version that names no release: a placeholder
// (IsPlaceholder), or a word build systems write where they know none
// ("custom", a branch name, "latest").
func PlaceholderVersion(v string) bool {
	if IsPlaceholder(v) {
		return true
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "custom", "latest", "master", "main", "head", "trunk", "dev", "devel", "development", "snapshot", "undefined", "unspecified",
		"n/a", "na", "-", "*", "git", "svn", "local", "version":
		return true
	}
	return false
}

// hasTemplateToken finds "${…}", "{{…}}" or "@NAME@" (NAME of letters, digits
// and '_', with at least one letter).
func hasTemplateToken(s string) bool {
	if i := strings.Index(s, "${"); i >= 0 && strings.IndexByte(s[i:], '}') > 0 {
		return true
	}
	if i := strings.Index(s, "{{"); i >= 0 && strings.Contains(s[i:], "}}") {
		return true
	}
	for i := strings.IndexByte(s, '@'); i >= 0 && i < len(s)-1; {
		j := i + 1
		letter := false
		for j < len(s) && (isLetter(s[j]) || isDigit(s[j]) || s[j] == '_') {
			letter = letter || isLetter(s[j])
			j++
		}
		if j < len(s) && s[j] == '@' && letter {
			return true
		}
		k := strings.IndexByte(s[j:], '@')
		if k < 0 {
			break
		}
		i = j + k
	}
	return false
}

func isLetter(c byte) bool { return 'A' <= c&^0x20 && c&^0x20 <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isHex(c byte) bool    { return isDigit(c) || 'A' <= c&^0x20 && c&^0x20 <= 'F' }

// ValidPurl reports whether s is a package URL that
// github.com/package-url/packageurl-go parses,
// pkg:type/namespace/name@version?qualifiers#subpath, with no white space or
// control characters (the purl specification has them percent-encoded; the
// library would accept them). The library follows the specification's
// parsing procedure: the scheme and type are case-insensitive, a qualifier
// with an empty value counts as absent, and the type-specific rules it knows
// apply (a julia purl needs a uuid qualifier, a swift purl a namespace, ...).
func ValidPurl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	_, err := packageurl.FromString(s)
	return err == nil
}

// ValidCPE reports whether s is a CPE 2.3 formatted string ("cpe:2.3:" and 13
// colon-separated components, none empty, backslash escapes honoured, part
// a/o/h/*/-, a product that is not a wildcard) or a CPE 2.2 URI ("cpe:/" followed by a part
// a/o/h and at most six more components).
//
// It is hand-written because no Go CPE library the module proxy serves fits
// (tried 2026-11): github.com/knqyf263/go-cpe (untagged, last change 2023)
// takes time quadratic in an attribute's length (2 s for an 80 KB CPE) and
// rejects the part "*" that real SBOMs use (bitnami); the archived
// github.com/facebookincubator/nvdtools (v0.1.5, 2022) accepts 12 or 14
// components, a part "x" and white space, and brings a dozen modules.
func ValidCPE(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f {
			return false
		}
	}
	if rest, ok := strings.CutPrefix(s, "cpe:2.3:"); ok {
		var fields [11]string
		n, start := 0, 0
		for i := 0; i <= len(rest); i++ {
			if i < len(rest) && rest[i] == '\\' {
				i++ // escaped character, ':' included
				continue
			}
			if i == len(rest) || rest[i] == ':' {
				if n == len(fields) {
					return false
				}
				fields[n] = rest[start:i]
				n++
				start = i + 1
			}
		}
		if n != len(fields) {
			return false
		}
		for _, f := range fields {
			if f == "" {
				return false
			}
		}
		switch fields[0] {
		case "a", "o", "h", "*", "-":
		default:
			return false
		}
		return fields[2] != "*" && fields[2] != "-"
	}
	if rest, ok := strings.CutPrefix(s, "cpe:/"); ok {
		if rest == "" || strings.Count(rest, ":") > 6 {
			return false
		}
		part, _, _ := strings.Cut(rest, ":")
		return part == "a" || part == "o" || part == "h"
	}
	return false
}

// strongHash returns a normalized algorithm name ("SHA3256") as a constant,
// with its hex digest length, or 0 for any other algorithm.
func strongHash(norm []byte) (string, int) {
	switch string(norm) { // no allocation: the compiler compares in place
	case "SHA256":
		return "SHA256", 64
	case "SHA384":
		return "SHA384", 96
	case "SHA512":
		return "SHA512", 128
	case "SHA3256":
		return "SHA3256", 64
	case "SHA3384":
		return "SHA3384", 96
	case "SHA3512":
		return "SHA3512", 128
	}
	return "", 0
}

// Strong reports a SHA-256/384/512 or SHA3-256/384/512 hash whose value is
// hex of the algorithm's length and not all zeros (a placeholder). Algorithm
// names match in either notation ("SHA-256", "SHA256", "sha3-512").
func (h Hash) Strong() bool {
	_, ok := h.strong()
	return ok
}

// SHA512 reports a Strong SHA-512 (BSI TR-03183-2 asks for the deployable
// component's SHA-512).
func (h Hash) SHA512() bool {
	alg, ok := h.strong()
	return ok && alg == "SHA512"
}

// strong returns the normalized algorithm name of a Strong hash.
func (h Hash) strong() (string, bool) {
	var buf [16]byte
	n := 0
	for i := 0; i < len(h.Algorithm); i++ {
		c := h.Algorithm[i]
		if c == '-' || c == '_' || c == ' ' {
			continue
		}
		if n == len(buf) {
			return "", false
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	alg, want := strongHash(buf[:n])
	if want == 0 || len(h.Value) != want {
		return "", false
	}
	zero := true
	for i := 0; i < len(h.Value); i++ {
		c := h.Value[i]
		if !isHex(c) {
			return "", false
		}
		zero = zero && c == '0'
	}
	return alg, !zero
}
