// Package securitytxt parses security.txt files (RFC 9116) and reports how a
// file departs from the RFC. It never judges Expires against the clock: the
// parsed time and its line are exposed for the caller to compare with "now".
//
// # Layout
//
// Lines end in LF or CRLF; a missing final newline is accepted. Trailing
// spaces and tabs are ignored, as is a UTF-8 byte order mark. Blank lines and
// comments ("#" first) are skipped. Every other line must be "Name: value"
// where Name is an RFC 5322 field name (printable ASCII, no space, no colon);
// anything else is a bad-line problem (the first 20, then one summary). A line
// that is not valid UTF-8 is a bad-encoding problem. Field names are
// case-insensitive: the registered fields (Acknowledgments, Canonical,
// Contact, CSAF, Encryption, Expires, Hiring, Policy, Preferred-Languages)
// are reported in their canonical spelling, others as written. Unknown fields
// are allowed (RFC 9116 §2.4) and are not problems, except common
// misspellings of registered names ("Acknowledgements", "Preferred-Language",
// "Expiry"), which are misspelled-field warnings.
//
// # Signatures
//
// An OpenPGP cleartext signature (RFC 4880 §7) is unwrapped: the
// "-----BEGIN PGP SIGNED MESSAGE-----" line, its armor headers (Hash,
// Charset, Version, Comment, MessageID) up to the first blank line,
// dash-escaped lines ("- " prefix removed) and the "-----BEGIN/END PGP
// SIGNATURE-----" block. The signature is not verified: [File.Signed] says
// the structure is complete and wraps all content. "Hash:" lines at the top of
// the signed body, before any field, are taken as armor headers a signing
// tool repeated (Internet.nl's file) and skipped without a problem. A broken
// structure (no signature block, no END line, a signature without a signed
// message, a signed-message header after other content, no blank line after
// the armor headers, or text after the signature) is a bad-signature problem
// and leaves Signed false; fields outside the signed text are still read,
// since they are served. Line numbers always refer to the original file.
//
// # Templates
//
// Repositories often hold the source a site generator expands, not the
// served file. YAML front matter ("---" ... "---" at the top, Jekyll) and
// lines holding Liquid/Jinja tags are template-source warnings ("template
// source, not the served file"): they are problems because they would be
// wrong in a served file, but warnings because the served file may be fine.
// Values that look like unexpanded placeholders ({{ ... }}, %date, DATE_EXP,
// ${VAR}, @VAR@, <date>, YYYY) are errors of the field's own check
// (bad-expires, bad-contact), template-source warnings for other fields. Any
// of these sets [File.Template].
//
// # Field checks
//
//   - Contact: at least once; a mailto:, tel: or https: URI (http: and bare
//     e-mail addresses are bad-contact).
//   - Expires: exactly once; an RFC 3339 date-time (fractional seconds and a
//     lower-case t/z allowed), else bad-expires naming the value and, where it
//     can tell, what it looks like (a template placeholder, an RFC 822 date, a
//     date without a time or without a zone). With several, the first is used.
//   - Preferred-Languages: at most once; comma-separated language tags.
//   - Acknowledgments, Canonical, CSAF, Encryption, Hiring, Policy: an
//     absolute URI whose scheme is not http: (web URIs must use https);
//     Encryption must point at a key, not contain one.
package securitytxt

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Severity says how serious a Problem is.
type Severity string

const (
	// Error: the file does not conform to RFC 9116.
	Error Severity = "error"
	// Warning: the file is suspicious or is not the served file (template source).
	Warning Severity = "warning"
)

// Problem codes.
const (
	CodeMissingContact    = "missing-contact"
	CodeMissingExpires    = "missing-expires"
	CodeMultipleExpires   = "multiple-expires"
	CodeBadExpires        = "bad-expires"
	CodeBadContact        = "bad-contact"
	CodeBadURI            = "bad-uri"
	CodeMultipleLanguages = "multiple-preferred-languages"
	CodeBadLanguages      = "bad-languages"
	CodeBadLine           = "bad-line"
	CodeBadSignature      = "bad-signature"
	CodeBadEncoding       = "bad-encoding"
	CodeTemplateSource    = "template-source"
	CodeMisspelledField   = "misspelled-field"
)

const (
	maxBadLineProblems = 20 // then one summary problem (an HTML page served as security.txt)
	maxArmorHeaders    = 50
)

// Problem is one departure from RFC 9116.
type Problem struct {
	Line     int // 1-based line in the original file; 0 for the file as a whole
	Severity Severity
	Code     string
	Msg      string
}

// Field is one "Name: value" line.
type Field struct {
	Name  string // canonical spelling for registered fields, as written otherwise
	Value string // trimmed
	Line  int    // 1-based line in the original file
}

// File is a parsed security.txt.
type File struct {
	Fields      []Field    // every field, in file order
	Contacts    []Field    // the Contact fields, in file (priority) order
	Signed      bool       // all content is inside a complete OpenPGP cleartext signature (not verified)
	Template    bool       // looks like template source (front matter, Liquid, placeholders)
	Expires     *time.Time // the first Expires value, when it is valid RFC 3339
	ExpiresLine int        // line of the first Expires field, 0 when there is none
}

// ExpiresAt returns the parsed Expires time and whether there is one.
func (f *File) ExpiresAt() (time.Time, bool) {
	if f == nil || f.Expires == nil {
		return time.Time{}, false
	}
	return *f.Expires, true
}

// Values returns the values of every field called name (case-insensitive).
func (f *File) Values(name string) []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, fl := range f.Fields {
		if strings.EqualFold(fl.Name, name) {
			out = append(out, fl.Value)
		}
	}
	return out
}

// registered maps lower-case names of the IANA-registered fields to their spelling.
var registered = map[string]string{
	"acknowledgments":     "Acknowledgments",
	"canonical":           "Canonical",
	"contact":             "Contact",
	"csaf":                "CSAF",
	"encryption":          "Encryption",
	"expires":             "Expires",
	"hiring":              "Hiring",
	"policy":              "Policy",
	"preferred-languages": "Preferred-Languages",
}

// misspelled maps common misspellings (lower case) to the registered name.
var misspelled = map[string]string{
	"acknowledgements":   "Acknowledgments",
	"acknowledgement":    "Acknowledgments",
	"acknowledgment":     "Acknowledgments",
	"preferred-language": "Preferred-Languages",
	"preferred-langs":    "Preferred-Languages",
	"contacts":           "Contact",
	"expire":             "Expires",
	"expiry":             "Expires",
	"expiration":         "Expires",
	"encryption-key":     "Encryption",
}

// uriFields must hold a URI (RFC 9116 §2.5); Contact has its own rule.
var uriFields = map[string]bool{
	"Acknowledgments": true, "Canonical": true, "CSAF": true,
	"Encryption": true, "Hiring": true, "Policy": true,
}

const (
	beginSigned = "-----BEGIN PGP SIGNED MESSAGE-----"
	beginSig    = "-----BEGIN PGP SIGNATURE-----"
	endSig      = "-----END PGP SIGNATURE-----"
)

type state int

const (
	stBody       state = iota // unsigned content, or before a signed-message header
	stArmor                   // armor headers after BEGIN PGP SIGNED MESSAGE
	stSignedBody              // the signed text
	stSignature               // inside the signature block
	stAfter                   // after END PGP SIGNATURE
)

type parser struct {
	f         *File
	probs     []Problem
	badLines  int
	expSeen   int
	langSeen  int
	anyField  bool // a field has been read in the current body
	sigBroken bool // a bad-signature problem was reported
	contentAt int  // first line with content before any signed-message header
}

func (p *parser) add(line int, sev Severity, code, format string, args ...any) {
	if code == CodeBadSignature {
		p.sigBroken = true
	}
	p.probs = append(p.probs, Problem{Line: line, Severity: sev, Code: code, Msg: fmt.Sprintf(format, args...)})
}

// Parse reads a security.txt file. It always returns a non-nil File; problems
// are sorted by line, whole-file problems (Line 0) last.
func Parse(data []byte) (*File, []Problem) {
	p := &parser{f: &File{}}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := strings.Split(string(data), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	st := stBody
	beginLine, sigLine := 0, 0
	afterReported := false
	fmEnd := frontMatterEnd(lines)
	if fmEnd > 0 {
		p.f.Template = true
		p.add(1, Warning, CodeTemplateSource,
			"lines 1-%d are YAML front matter: this is template source (e.g. Jekyll), not the served file, which must not contain them", fmEnd)
	}
	for i, raw := range lines {
		n := i + 1
		if n <= fmEnd {
			continue
		}
		line := strings.TrimRight(raw, " \t\r")
		switch st {
		case stBody, stAfter:
			if st == stAfter && line != "" && !afterReported {
				afterReported = true
				p.add(n, Error, CodeBadSignature, "text after %q is not covered by the signature", endSig)
			}
			switch {
			case line == beginSigned && st == stBody:
				if p.contentAt > 0 {
					p.add(n, Error, CodeBadSignature,
						"%q must be the first line: the content from line %d is outside the signed message", beginSigned, p.contentAt)
				}
				st, beginLine = stArmor, n
				p.anyField = false
				continue
			case line == beginSig:
				if st == stBody {
					p.add(n, Error, CodeBadSignature, "%q without a preceding %q", beginSig, beginSigned)
				}
				st, sigLine = stSignature, n
				continue
			case line == endSig:
				p.add(n, Error, CodeBadSignature, "%q without a matching %q", endSig, beginSig)
				continue
			}
			if line != "" && p.contentAt == 0 {
				p.contentAt = n
			}
			p.bodyLine(n, line)
		case stArmor:
			switch {
			case line == "":
				st = stSignedBody
			case armorHeader.MatchString(line) && n-beginLine <= maxArmorHeaders:
				// Hash: and other armor headers.
			default:
				p.add(n, Error, CodeBadSignature, "the armor headers after line %d must end with a blank line", beginLine)
				st = stSignedBody
				p.signedLine(n, line)
			}
		case stSignedBody:
			if line == beginSig {
				st, sigLine = stSignature, n
				continue
			}
			p.signedLine(n, line)
		case stSignature:
			if line == endSig {
				st = stAfter
			}
		}
	}
	switch st {
	case stArmor, stSignedBody:
		p.add(beginLine, Error, CodeBadSignature, "%q without a %q block", beginSigned, beginSig)
	case stSignature:
		p.add(sigLine, Error, CodeBadSignature, "%q without a closing %q", beginSig, endSig)
	}
	p.f.Signed = st == stAfter && !p.sigBroken
	if p.badLines > maxBadLineProblems {
		p.add(0, Error, CodeBadLine, "%d more lines are not \"Field: value\" pairs", p.badLines-maxBadLineProblems)
	}
	if len(p.f.Contacts) == 0 {
		p.add(0, Error, CodeMissingContact, "no Contact field: RFC 9116 requires at least one")
	}
	if p.expSeen == 0 {
		p.add(0, Error, CodeMissingExpires, "no Expires field: RFC 9116 requires exactly one")
	}
	sort.SliceStable(p.probs, func(a, b int) bool {
		la, lb := p.probs[a].Line, p.probs[b].Line
		if la == 0 || lb == 0 {
			return la != 0 && lb == 0
		}
		return la < lb
	})
	return p.f, p.probs
}

// armorHeader matches the armor headers RFC 4880 defines.
var armorHeader = regexp.MustCompile(`^(?i:hash|charset|version|comment|messageid): `)

// frontMatterEnd returns the line of the closing "---" when the file starts
// with YAML front matter, else 0.
func frontMatterEnd(lines []string) int {
	if len(lines) == 0 || strings.TrimRight(lines[0], " \t\r") != "---" {
		return 0
	}
	for i := 1; i < len(lines) && i <= 100; i++ {
		l := strings.TrimRight(lines[i], " \t\r")
		if l == "---" || l == "..." {
			return i + 1
		}
	}
	return 0
}

// signedLine handles a line of the signed text: dash-escaping and repeated
// Hash headers.
func (p *parser) signedLine(n int, line string) {
	line = strings.TrimPrefix(line, "- ")
	if !p.anyField && strings.HasPrefix(strings.ToLower(line), "hash:") {
		return // an armor header repeated by the signing tool
	}
	p.bodyLine(n, line)
}

// bodyLine handles one content line (already unwrapped and right-trimmed).
func (p *parser) bodyLine(n int, line string) {
	if line == "" || strings.HasPrefix(line, "#") {
		return
	}
	if !utf8.ValidString(line) {
		p.add(n, Error, CodeBadEncoding, "line is not valid UTF-8")
		line = strings.ToValidUTF8(line, "\uFFFD")
	}
	colon := strings.IndexByte(line, ':')
	name := ""
	if colon > 0 {
		name = line[:colon]
	}
	if why := badName(name); why != "" {
		if liquidTag.MatchString(line) {
			p.f.Template = true
			p.add(n, Warning, CodeTemplateSource, "%s is a Liquid/Jinja template tag: template source, not the served file", quote(line))
			return
		}
		p.badLines++
		if p.badLines <= maxBadLineProblems {
			p.add(n, Error, CodeBadLine, "%s is not a \"Field: value\" pair (%s)", quote(line), why)
		}
		return
	}
	value := strings.Trim(line[colon+1:], " \t")
	if canon, ok := registered[strings.ToLower(name)]; ok {
		name = canon
	} else if want, ok := misspelled[strings.ToLower(name)]; ok {
		p.add(n, Warning, CodeMisspelledField, "unknown field %s: did you mean %s?", quote(name), want)
	}
	fl := Field{Name: name, Value: value, Line: n}
	p.f.Fields = append(p.f.Fields, fl)
	p.anyField = true
	p.checkField(fl)
}

// badName says why s is not an RFC 5322 field name, or "" when it is one.
func badName(s string) string {
	if s == "" {
		return "no field name before a colon"
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t':
			return fmt.Sprintf("field name %s contains a space", quote(s))
		case r < 33 || r > 126:
			return fmt.Sprintf("field name %s contains a character that is not printable ASCII", quote(s))
		}
	}
	return ""
}

var liquidTag = regexp.MustCompile(`\{[{%].*[%}]\}`)

func (p *parser) checkField(fl Field) {
	tmpl := placeholder(fl.Value)
	if tmpl != "" {
		p.f.Template = true
	}
	switch fl.Name {
	case "Contact":
		p.f.Contacts = append(p.f.Contacts, fl)
		if msg := contactProblem(fl.Value, tmpl); msg != "" {
			p.add(fl.Line, Error, CodeBadContact, "%s", msg)
		}
	case "Expires":
		p.expSeen++
		if p.expSeen > 1 {
			p.add(fl.Line, Error, CodeMultipleExpires, "Expires appears again (first on line %d): RFC 9116 allows exactly one", p.f.ExpiresLine)
			return
		}
		p.f.ExpiresLine = fl.Line
		t, msg := parseExpires(fl.Value, tmpl)
		if msg != "" {
			p.add(fl.Line, Error, CodeBadExpires, "%s", msg)
			return
		}
		p.f.Expires = &t
	case "Preferred-Languages":
		p.langSeen++
		if p.langSeen > 1 {
			p.add(fl.Line, Error, CodeMultipleLanguages, "Preferred-Languages appears more than once: RFC 9116 allows at most one")
		}
		if tmpl != "" {
			p.add(fl.Line, Warning, CodeTemplateSource, "Preferred-Languages value %s looks like %s: template source, not the served file", quote(fl.Value), tmpl)
			return
		}
		for _, tag := range strings.Split(fl.Value, ",") {
			if tag = strings.TrimSpace(tag); !langTag.MatchString(tag) {
				p.add(fl.Line, Error, CodeBadLanguages, "Preferred-Languages holds %s, which is not a language tag (e.g. \"en, fr\")", quote(tag))
				break
			}
		}
	default:
		if tmpl != "" {
			p.add(fl.Line, Warning, CodeTemplateSource, "%s value %s looks like %s: template source, not the served file", fl.Name, quote(fl.Value), tmpl)
			return
		}
		if uriFields[fl.Name] {
			if msg := uriProblem(fl.Name, fl.Value); msg != "" {
				p.add(fl.Line, Error, CodeBadURI, "%s", msg)
			}
		}
	}
}

var langTag = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

var (
	tmplMustache = regexp.MustCompile(`\{\{.*\}\}|\{%.*%\}`)
	tmplPercent  = regexp.MustCompile(`%[A-Za-z_]+%?`)
	tmplShell    = regexp.MustCompile(`\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]+|@[A-Z_][A-Z0-9_]*@`)
	tmplUpper    = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^<[^<>]+>$|YYYY`)
)

// placeholder describes v when it looks like an unexpanded template value,
// else returns "".
func placeholder(v string) string {
	switch {
	case tmplMustache.MatchString(v):
		return "an unexpanded Liquid/Jinja template expression"
	case tmplShell.MatchString(v):
		return "an unexpanded template variable"
	case tmplUpper.MatchString(v):
		return "an unexpanded template placeholder"
	case tmplPercent.MatchString(v) && !strings.Contains(v, "://") && !strings.Contains(v, ":"):
		return "an unexpanded template placeholder"
	}
	return ""
}

// parseExpires parses an RFC 3339 date-time; on failure it returns a message
// naming the value.
func parseExpires(v, tmpl string) (time.Time, string) {
	if v == "" {
		return time.Time{}, "Expires is empty: it must be an RFC 3339 date-time such as 2027-01-01T00:00:00Z"
	}
	if len(v) <= 64 {
		if t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(v)); err == nil {
			return t, ""
		}
	}
	what := ""
	switch {
	case tmpl != "":
		what = "; it looks like " + tmpl + " (template source, not the served file)"
		if strings.Contains(strings.ToLower(v), "rfc822") || strings.Contains(strings.ToLower(v), "rfc2822") {
			what += ", and the filter renders an RFC 822 date, which RFC 9116 does not accept either"
		}
	case parsesAny(v, time.RFC1123, time.RFC1123Z, time.RFC822, time.RFC822Z, time.RFC850, time.ANSIC, time.UnixDate):
		what = "; it is an RFC 822/1123-style date"
	case parsesAny(v, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"):
		what = "; it has no time-zone offset (add Z or +hh:mm)"
	case parsesAny(v, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.999999999Z07:00"):
		what = "; the date and time must be separated by T"
	case parsesAny(v, "2006-01-02"):
		what = "; it is a date without a time"
	}
	return time.Time{}, fmt.Sprintf("Expires value %s is not an RFC 3339 date-time such as 2027-01-01T00:00:00Z%s", quote(v), what)
}

func parsesAny(v string, layouts ...string) bool {
	if len(v) > 64 {
		return false
	}
	for _, l := range layouts {
		if _, err := time.Parse(l, v); err == nil {
			return true
		}
	}
	return false
}

// contactProblem returns why v is not a valid Contact value, or "".
func contactProblem(v, tmpl string) string {
	if v == "" {
		return "Contact is empty: it must be a mailto:, tel: or https: URI"
	}
	if tmpl != "" {
		return fmt.Sprintf("Contact value %s looks like %s (template source, not the served file)", quote(v), tmpl)
	}
	scheme, rest, ok := strings.Cut(v, ":")
	if !ok || !schemeRE.MatchString(scheme) {
		if strings.Contains(v, "@") && !strings.ContainsAny(v, " /") {
			return fmt.Sprintf("Contact value %s is a bare e-mail address: write it as mailto:%s", quote(v), v)
		}
		return fmt.Sprintf("Contact value %s is not a URI: use mailto:, tel: or https:", quote(v))
	}
	switch strings.ToLower(scheme) {
	case "mailto":
		addr, _, _ := strings.Cut(rest, "?")
		if dec, err := url.PathUnescape(addr); err == nil {
			addr = dec
		}
		local, domain, ok := strings.Cut(addr, "@")
		if !ok || local == "" || domain == "" || strings.ContainsAny(addr, " \t") {
			return fmt.Sprintf("Contact value %s is not a valid mailto: URI", quote(v))
		}
	case "tel":
		if strings.Trim(rest, "+-.() 0123456789") != "" || strings.Trim(rest, "+-.() ") == "" {
			return fmt.Sprintf("Contact value %s is not a valid tel: URI", quote(v))
		}
	case "https":
		if u, err := url.Parse(v); err != nil || u.Host == "" {
			return fmt.Sprintf("Contact value %s is not a valid https: URL", quote(v))
		}
	case "http":
		return fmt.Sprintf("Contact value %s uses http:, web URIs must use https: (RFC 9116 §2.5.3)", quote(v))
	default:
		return fmt.Sprintf("Contact value %s uses the %s: scheme; use mailto:, tel: or https:", quote(v), scheme)
	}
	return ""
}

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// uriProblem returns why v is not a valid value for a URI field, or "".
func uriProblem(name, v string) string {
	if name == "Encryption" && strings.Contains(v, "BEGIN PGP PUBLIC KEY") {
		return "Encryption must be a URI pointing at the key, not the key itself"
	}
	scheme, rest, ok := strings.Cut(v, ":")
	if !ok || !schemeRE.MatchString(scheme) || rest == "" {
		return fmt.Sprintf("%s value %s is not a URI", name, quote(v))
	}
	switch strings.ToLower(scheme) {
	case "http":
		return fmt.Sprintf("%s value %s uses http:, web URIs must use https: (RFC 9116 §2.5)", name, quote(v))
	case "https":
		if u, err := url.Parse(v); err != nil || u.Host == "" {
			return fmt.Sprintf("%s value %s is not a valid https: URL", name, quote(v))
		}
	}
	return ""
}

// quote quotes s for a message, shortened when long.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 80 {
		r := []rune(s)
		s = string(r[:77]) + "..."
	}
	return fmt.Sprintf("%q", s)
}
