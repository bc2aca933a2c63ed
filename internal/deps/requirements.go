package deps

import (
	"strings"
)

// ParseRequirements returns the requirements of a pip requirements file in
// file order. Lines are joined at trailing backslashes and stripped of
// comments as pip does; option lines (-r, -c, -e, -i, --index-url, ...) are
// skipped, as are per-requirement options such as --hash. A "==x" or "===x"
// clause pins the version; otherwise Version is the specifier (">=2,<3") or
// empty. A URL or path line is reported, unversioned, only when it names
// the package with #egg=.
func ParseRequirements(name string, data []byte) ([]Dependency, error) {
	var out []Dependency
	for _, ll := range requirementLines(string(data)) {
		line := stripReqComment(ll.text)
		if line == "" || strings.HasPrefix(line, "-") {
			continue
		}
		req := strings.TrimSpace(reqArgs(line))
		if req == "" {
			continue
		}
		d, ok, msg := parseRequirement(req)
		if msg != "" {
			return nil, parseErr(name, ll.line, "%s: %q", msg, req)
		}
		if !ok {
			continue
		}
		d.Manifest, d.Line = name, ll.line
		out = append(out, d)
	}
	return out, nil
}

type logicalLine struct {
	line int // first physical line
	text string
}

// requirementLines joins backslash-continued lines as pip's join_lines does;
// a comment line ends a continuation.
func requirementLines(text string) []logicalLine {
	text = strings.TrimPrefix(text, "\ufeff")
	var out []logicalLine
	var cont []string
	first := 0
	for i, l := range strings.Split(text, "\n") {
		l = strings.TrimSuffix(l, "\r")
		isComment := strings.HasPrefix(strings.TrimLeft(l, " \t"), "#")
		if !strings.HasSuffix(l, `\`) || isComment {
			if isComment {
				l = " " + l
			}
			if cont != nil {
				out = append(out, logicalLine{first, strings.Join(append(cont, l), "")})
				cont = nil
			} else {
				out = append(out, logicalLine{i + 1, l})
			}
			continue
		}
		if cont == nil {
			first = i + 1
			cont = []string{}
		}
		cont = append(cont, strings.Trim(l, `\`))
	}
	if cont != nil {
		out = append(out, logicalLine{first, strings.Join(cont, "")})
	}
	return out
}

// stripReqComment removes a "#" comment that starts the line or follows
// whitespace (so URL fragments survive), and trims the line.
func stripReqComment(l string) string {
	for i := 0; i < len(l); i++ {
		if l[i] == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t') {
			l = l[:i]
			break
		}
	}
	return strings.TrimSpace(l)
}

// reqArgs drops per-requirement options: pip splits the line on spaces and
// the first token starting with "-" begins the options.
func reqArgs(l string) string {
	toks := strings.Split(l, " ")
	for i, t := range toks {
		if strings.HasPrefix(t, "-") {
			return strings.Join(toks[:i], " ")
		}
	}
	return l
}

// parseRequirement parses a PEP 508 requirement, or a URL or path with
// #egg=. ok is false for a line that names no package; msg says why a line
// is malformed.
func parseRequirement(s string) (d Dependency, ok bool, msg string) {
	d.Ecosystem = PyPI
	n := pep508NameLen(s)
	rest := s[n:]
	if n == 0 || strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "/") ||
		strings.HasPrefix(rest, "+") || strings.HasPrefix(rest, `\`) || isArchive(s[:n]) && strings.TrimSpace(rest) == "" {
		if n == 0 && !looksLikePathOrURL(s) {
			return d, false, "not a requirement"
		}
		_, egg, found := strings.Cut(s, "#egg=")
		if !found {
			return d, false, ""
		}
		egg, _, _ = strings.Cut(egg, "&")
		egg, _, _ = strings.Cut(egg, " ")
		if egg == "" || pep508NameLen(egg) != len(egg) {
			return d, false, "invalid #egg= name"
		}
		d.Name = egg
		return d, true, ""
	}
	d.Name = s[:n]
	rest = strings.TrimLeft(rest, " \t")
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return d, false, "unclosed extras"
		}
		rest = strings.TrimLeft(rest[end+1:], " \t")
	}
	marker := ""
	hasMarker := false
	if url, found := strings.CutPrefix(rest, "@"); found {
		url = strings.TrimLeft(url, " \t")
		end := strings.IndexAny(url, " \t")
		if end < 0 {
			end = len(url)
		}
		if end == 0 {
			return d, false, "missing URL after @"
		}
		after := strings.TrimLeft(url[end:], " \t")
		if after != "" {
			if after[0] != ';' {
				return d, false, "unexpected text after URL"
			}
			marker, hasMarker = after[1:], true
		}
		return withMarker(d, marker, hasMarker)
	}
	spec := rest
	if strings.HasPrefix(rest, "(") {
		end := strings.IndexByte(rest, ')')
		if end < 0 {
			return d, false, "unclosed version specifier"
		}
		spec = rest[1:end]
		if after := strings.TrimLeft(rest[end+1:], " \t"); after != "" {
			if after[0] != ';' {
				return d, false, "unexpected text after version specifier"
			}
			marker, hasMarker = after[1:], true
		}
	} else if sp, m, found := strings.Cut(rest, ";"); found {
		spec, marker, hasMarker = sp, m, true
	}
	clauses, msg := parseSpecifiers(spec)
	if msg != "" {
		return d, false, msg
	}
	var parts []string
	for _, c := range clauses {
		parts = append(parts, c.op+c.version)
		if (c.op == "===" || c.op == "==" && !strings.Contains(c.version, "*")) &&
			!strings.Contains(c.version, "$") && !d.Pinned {
			d.Version, d.Pinned = c.version, true
		}
	}
	if !d.Pinned {
		d.Version = strings.Join(parts, ",")
	}
	return withMarker(d, marker, hasMarker)
}

func withMarker(d Dependency, marker string, has bool) (Dependency, bool, string) {
	marker = strings.TrimSpace(marker)
	if has && marker == "" {
		return d, false, "empty environment marker"
	}
	d.Condition = marker
	return d, true, ""
}

type specClause struct{ op, version string }

// parseSpecifiers parses a comma-separated PEP 440 specifier list.
func parseSpecifiers(spec string) ([]specClause, string) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, ""
	}
	var out []specClause
	for _, c := range strings.Split(spec, ",") {
		c = strings.TrimSpace(c)
		op := ""
		for _, o := range []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"} {
			if strings.HasPrefix(c, o) {
				op = o
				break
			}
		}
		v := strings.TrimSpace(c[len(op):])
		if op == "" || v == "" || !validSpecVersion(v) {
			return nil, "invalid version specifier"
		}
		out = append(out, specClause{op, v})
	}
	return out, ""
}

func validSpecVersion(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
			strings.IndexByte(".*+!_-${}", c) >= 0) {
			return false
		}
	}
	return true
}

// pep508NameLen returns the length of the PEP 508 name at the start of s:
// ASCII letters and digits, with ".", "_", "-" inside.
func pep508NameLen(s string) int {
	alnum := func(c byte) bool {
		return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	end := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if alnum(c) {
			end = i + 1
		} else if i == 0 || (c != '.' && c != '_' && c != '-') {
			break
		}
	}
	return end
}

func isArchive(s string) bool {
	s = strings.ToLower(s)
	for _, ext := range []string{".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip"} {
		if strings.HasSuffix(s, ext) {
			return true
		}
	}
	return false
}

func looksLikePathOrURL(s string) bool {
	return strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") ||
		strings.HasPrefix(s, `\`) || strings.Contains(s, "://")
}
