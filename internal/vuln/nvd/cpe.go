package nvd

import (
	"net/url"
	"strings"
)

// CPE is the part of a CPE name matching uses.
type CPE struct {
	Part, Vendor, Product, Version, Update string
	TargetSW                               string
}

// ParseCPE reads a CPE 2.3 formatted string ("cpe:2.3:a:gnu:glibc:2.39:*:*:*:*:*:*:*",
// with "\:" escapes) or a CPE 2.2 URI ("cpe:/a:gnu:glibc:2.39"). Vendor and
// product are lower-cased; "*" is ANY, "-" is NA.
func ParseCPE(s string) (CPE, bool) {
	s = strings.TrimSpace(s)
	var f []string
	switch {
	case strings.HasPrefix(s, "cpe:2.3:"):
		f = splitEscaped(s[len("cpe:2.3:"):])
		if len(f) < 4 {
			return CPE{}, false
		}
	case strings.HasPrefix(s, "cpe:/"):
		f = strings.Split(s[len("cpe:/"):], ":")
		for i := range f {
			if u, err := url.PathUnescape(f[i]); err == nil {
				f[i] = u
			}
			if f[i] == "" {
				f[i] = "*"
			}
		}
	default:
		return CPE{}, false
	}
	get := func(i int) string {
		if i < len(f) && f[i] != "" {
			return f[i]
		}
		return "*"
	}
	c := CPE{Part: get(0), Vendor: strings.ToLower(unescape(get(1))), Product: strings.ToLower(unescape(get(2))),
		Version: unescape(get(3)), Update: unescape(get(4)), TargetSW: strings.ToLower(unescape(get(8)))}
	if c.Product == "*" || c.Product == "-" || c.Product == "" {
		return CPE{}, false
	}
	return c, true
}

// splitEscaped splits on ':' not preceded by a backslash.
func splitEscaped(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// unescape drops CPE 2.3's backslash escapes ("1\.2" is "1.2").
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// anyValue reports a CPE attribute value that matches everything.
func anyValue(v string) bool { return v == "*" || v == "" }

// CompareVersions orders two versions as version ranges need: numbers as
// numbers, letters by their order, a pre-release marker (alpha, beta, rc,
// pre, dev) before the release it precedes ("1.0rc1" < "1.0"); other
// punctuation separates. A Debian-style epoch ("1:") is dropped.
func CompareVersions(a, b string) int {
	a, b = dropEpoch(a), dropEpoch(b)
	sa, sb := segments(a), segments(b)
	for i := 0; i < len(sa) || i < len(sb); i++ {
		switch {
		case i >= len(sa):
			if preRelease(sb[i]) {
				return 1
			}
			return -1
		case i >= len(sb):
			if preRelease(sa[i]) {
				return -1
			}
			return 1
		}
		if c := compareSegment(sa[i], sb[i]); c != 0 {
			return c
		}
	}
	return 0
}

func dropEpoch(v string) string {
	if i := strings.IndexByte(v, ':'); i > 0 && isDigits(v[:i]) {
		return v[i+1:]
	}
	return v
}

// segments splits a version into runs of digits and of letters.
func segments(v string) []string {
	var out []string
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case isDigit(c):
			j := i
			for j < len(v) && isDigit(v[j]) {
				j++
			}
			out = append(out, v[i:j])
			i = j
		case isLetter(c):
			j := i
			for j < len(v) && isLetter(v[j]) {
				j++
			}
			out = append(out, strings.ToLower(v[i:j]))
			i = j
		default:
			i++
		}
	}
	return out
}

func compareSegment(a, b string) int {
	da, db := isDigit(a[0]), isDigit(b[0])
	switch {
	case da && db:
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			if len(a) < len(b) {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	case da: // a number after a release's digits comes after letters: 1.0.1 > 1.0rc
		return 1
	case db:
		return -1
	}
	pa, pb := preRank(a), preRank(b)
	if pa != pb {
		if pa < pb {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

// preRank orders pre-release markers; other words rank after them.
func preRank(s string) int {
	switch s {
	case "dev":
		return 0
	case "a", "alpha":
		return 1
	case "b", "beta":
		return 2
	case "pre", "rc":
		return 3
	}
	return 4
}

func preRelease(s string) bool { return !isDigit(s[0]) && preRank(s) < 4 }

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
