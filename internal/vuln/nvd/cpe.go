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
