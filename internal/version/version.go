// Package version orders version strings of any ecosystem well enough for
// vulnerability ranges and "the version that fixes them all": numbers as
// numbers, pre-releases before their release. It is no ecosystem's exact
// rule (semver, PEP 440, Debian); where one applies, its own library does.
package version

import "strings"

// Compare orders two versions as version ranges need: numbers as
// numbers, letters by their order, a pre-release marker (alpha, beta, rc,
// pre, dev) before the release it precedes ("1.0rc1" < "1.0"); other
// punctuation separates. A Debian-style epoch ("1:") is dropped.
func Compare(a, b string) int {
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
