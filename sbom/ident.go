package sbom

import "strings"

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

// ValidPurl reports whether s parses as a package URL,
// pkg:type/namespace/name@version?qualifiers#subpath: a type of letters,
// digits, '.', '+' and '-' starting with a letter (case-insensitive, as the
// purl specification allows), a non-empty name, a non-empty version when '@'
// is present, key=value qualifiers, well-formed percent escapes and no white
// space or control characters.
func ValidPurl(s string) bool {
	rest, ok := strings.CutPrefix(s, "pkg:")
	if !ok {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f {
			return false
		}
		if c == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])) {
			return false
		}
	}
	rest = strings.TrimLeft(rest, "/")
	rest, _, _ = strings.Cut(rest, "#")
	rest, quals, hasQuals := strings.Cut(rest, "?")
	typ, path, ok := strings.Cut(rest, "/")
	if !ok || typ == "" || !isLetter(typ[0]) {
		return false
	}
	for i := 0; i < len(typ); i++ {
		if c := typ[i]; !isLetter(c) && !isDigit(c) && c != '.' && c != '+' && c != '-' {
			return false
		}
	}
	path = strings.TrimRight(path, "/")
	name := path[strings.LastIndexByte(path, '/')+1:]
	if at := strings.LastIndexByte(name, '@'); at >= 0 {
		if at == len(name)-1 {
			return false // empty version
		}
		name = name[:at]
	}
	if name == "" {
		return false
	}
	if hasQuals {
		for q := range strings.SplitSeq(quals, "&") {
			k, v, ok := strings.Cut(q, "=")
			if !ok || k == "" || v == "" || !isLetter(k[0]) {
				return false
			}
			for i := 0; i < len(k); i++ {
				if c := k[i]; !isLetter(c) && !isDigit(c) && c != '.' && c != '-' && c != '_' {
					return false
				}
			}
		}
	}
	return true
}

// ValidCPE reports whether s is a CPE 2.3 formatted string ("cpe:2.3:" and 13
// colon-separated components, none empty, backslash escapes honoured, part
// a/o/h/*/-, a product that is not a wildcard) or a CPE 2.2 URI ("cpe:/" followed by a part
// a/o/h and at most six more components).
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

// strongHashLen maps a normalized algorithm name to its hex digest length.
var strongHashLen = map[string]int{
	"SHA256": 64, "SHA384": 96, "SHA512": 128,
	"SHA3256": 64, "SHA3384": 96, "SHA3512": 128,
}

// Strong reports a SHA-256/384/512 or SHA3-256/384/512 hash whose value is
// hex of the algorithm's length and not all zeros (a placeholder). Algorithm
// names match in either notation ("SHA-256", "SHA256", "sha3-512").
func (h Hash) Strong() bool {
	var buf [16]byte
	n := 0
	for i := 0; i < len(h.Algorithm); i++ {
		c := h.Algorithm[i]
		if c == '-' || c == '_' || c == ' ' {
			continue
		}
		if n == len(buf) {
			return false
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	want, ok := strongHashLen[string(buf[:n])]
	if !ok || len(h.Value) != want {
		return false
	}
	zero := true
	for i := 0; i < len(h.Value); i++ {
		c := h.Value[i]
		if !isHex(c) {
			return false
		}
		zero = zero && c == '0'
	}
	return !zero
}
