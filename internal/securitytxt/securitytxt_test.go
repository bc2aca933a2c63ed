package securitytxt

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

// codes lists the problem codes as "line:code", in order.
func codes(probs []Problem) []string {
	out := []string{}
	for _, p := range probs {
		out = append(out, strconv.Itoa(p.Line)+":"+p.Code)
	}
	return out
}

func TestCorpus(t *testing.T) {
	dir := realdata.Dir(t, "policies")
	tests := []struct {
		file     string
		why      string
		signed   bool
		contacts []string
		expires  string   // RFC 3339, or "" when not valid
		expLine  int      // line of the Expires field
		template bool     // template source
		problems []string // "line:code"
		fields   int
	}{
		{
			file: "jazzband__website__security.txt", why: "clear-signed (SHA512, LF), one mailto Contact, fractional-second Expires",
			signed: true, contacts: []string{"mailto:security@jazzband.co"}, expires: "2023-09-30T10:00:00Z", expLine: 18, fields: 6,
		},
		{
			file: "internetstandards__Internet.nl__security.txt", why: "clear-signed with CRLF; repeated Hash header at the top of the body is skipped; 16 Canonical",
			signed: true, contacts: []string{"mailto:question@internet.nl"}, expires: "2027-04-10T00:00:00Z", expLine: 33, fields: 20,
		},
		{
			file: "securitytxt__securitytxt.org__security.txt", why: "unsigned, HackerOne Contact; Expires in the past is not judged here",
			contacts: []string{"https://hackerone.com/ed"}, expires: "2026-03-27T00:00:00Z", expLine: 2, fields: 6,
		},
		{
			file: "rust-lang__www.rust-lang.org__security.txt", why: "minimal: Contact URL and Expires only",
			contacts: []string{"https://www.rust-lang.org/policies/security"}, expires: "2027-03-17T00:00:00Z", expLine: 2, fields: 2,
		},
		{
			file: "nodejs__nodejs.org__security.txt", why: "HackerOne Contact, Expires with .000Z, Policy",
			contacts: []string{"https://hackerone.com/nodejs"}, expires: "2027-06-30T23:59:59Z", expLine: 2, fields: 3,
		},
		{
			file: "alphagov__security.txt__security.txt", why: "two Contact URLs; DATE_NOW/DATE_EXP placeholders; \"Generated at:\" is not a field; no final newline",
			contacts: []string{"https://hackerone.com/44c348eb-e030-4273-b445-d4a2f6f83ba8/embedded_submissions/new", "https://www.gov.uk/contact/govuk"},
			expLine:  12, template: true, fields: 7,
			problems: []string{"10:template-source", "12:bad-expires", "14:bad-line"},
		},
		{
			file: "Homebrew__brew.sh__security.txt", why: "Jekyll source: front matter, a Liquid capture line, Liquid Expires",
			contacts: []string{"https://github.com/Homebrew/brew/security/advisories/new"},
			expLine:  7, template: true, fields: 5,
			problems: []string{"1:template-source", "5:template-source", "7:bad-expires"},
		},
		{
			file: "curl__curl-www__security.txt.in", why: "build template: comment banner, Expires \"%date\", unknown Bug-Bounty field allowed",
			contacts: []string{"https://hackerone.com/curl"}, expLine: 26, template: true, fields: 7,
			problems: []string{"26:bad-expires"},
		},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		seen[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			f, probs := Parse(data)
			if f.Signed != tc.signed {
				t.Errorf("Signed = %v, want %v (%s)", f.Signed, tc.signed, tc.why)
			}
			if f.Template != tc.template {
				t.Errorf("Template = %v, want %v (%s)", f.Template, tc.template, tc.why)
			}
			var got []string
			for _, c := range f.Contacts {
				got = append(got, c.Value)
			}
			if !reflect.DeepEqual(got, tc.contacts) {
				t.Errorf("Contacts = %q, want %q", got, tc.contacts)
			}
			exp, ok := f.ExpiresAt()
			switch {
			case tc.expires == "" && ok:
				t.Errorf("Expires = %v, want none", exp)
			case tc.expires != "" && (!ok || !exp.Equal(mustTime(t, tc.expires))):
				t.Errorf("Expires = %v (%v), want %s", exp, ok, tc.expires)
			}
			if f.ExpiresLine != tc.expLine {
				t.Errorf("ExpiresLine = %d, want %d", f.ExpiresLine, tc.expLine)
			}
			if len(f.Fields) != tc.fields {
				t.Errorf("%d fields, want %d", len(f.Fields), tc.fields)
			}
			want := tc.problems
			if want == nil {
				want = []string{}
			}
			if got := codes(probs); !reflect.DeepEqual(got, want) {
				t.Errorf("problems = %q, want %q\n%v", got, want, probs)
			}
		})
	}
	all, err := filepath.Glob(filepath.Join(dir, "*security.txt*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range all {
		if !seen[filepath.Base(fn)] {
			t.Errorf("corpus file %s has no row in this table", filepath.Base(fn))
		}
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestCorpusMessages(t *testing.T) {
	dir := realdata.Dir(t, "policies")
	for file, want := range map[string][]string{
		"alphagov__security.txt__security.txt": {`"DATE_EXP"`, "template placeholder", `"Generated at"`},
		"Homebrew__brew.sh__security.txt":      {"front matter", "template source, not the served file", "date_to_rfc822", "RFC 822"},
		"curl__curl-www__security.txt.in":      {`"%date"`, "placeholder"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		_, probs := Parse(data)
		var all []string
		for _, p := range probs {
			all = append(all, p.Msg)
		}
		joined := strings.Join(all, "\n")
		for _, w := range want {
			if !strings.Contains(joined, w) {
				t.Errorf("%s: messages lack %q:\n%s", file, w, joined)
			}
		}
	}
}

const minimal = "Contact: mailto:security@example.org\nExpires: 2030-01-01T00:00:00Z\n"

func parseCodes(s string) (*File, []string) {
	f, probs := Parse([]byte(s))
	return f, codes(probs)
}

func TestMinimalValid(t *testing.T) {
	for name, in := range map[string]string{
		"LF":                 minimal,
		"CRLF":               strings.ReplaceAll(minimal, "\n", "\r\n"),
		"no final newline":   strings.TrimSuffix(minimal, "\n"),
		"BOM":                "\ufeff" + minimal,
		"comments and blank": minimal + "\n# bye\n\n",
		"lower-case names":   "contact: mailto:security@example.org\nEXPIRES: 2030-01-01T00:00:00Z\n",
		"trailing spaces":    "Contact: mailto:security@example.org  \nExpires: 2030-01-01T00:00:00Z\t\n",
		"unknown field":      minimal + "Bug-Bounty: False\nX-Anything: yes\n",
	} {
		f, got := parseCodes(in)
		if len(got) != 0 {
			t.Errorf("%s: problems %v", name, got)
		}
		if len(f.Contacts) != 1 || f.Contacts[0].Name != "Contact" || f.Contacts[0].Value != "mailto:security@example.org" || f.Contacts[0].Line != 1 {
			t.Errorf("%s: Contacts = %+v", name, f.Contacts)
		}
		if tm, ok := f.ExpiresAt(); !ok || !tm.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) || f.ExpiresLine != 2 {
			t.Errorf("%s: Expires = %v %v line %d", name, tm, ok, f.ExpiresLine)
		}
		if f.Signed || f.Template {
			t.Errorf("%s: Signed=%v Template=%v", name, f.Signed, f.Template)
		}
	}
}

func TestUnknownFieldKeepsSpelling(t *testing.T) {
	f, _ := parseCodes(minimal + "bug-BOUNTY: no\npreferred-languages: en\n")
	if f.Fields[2].Name != "bug-BOUNTY" || f.Fields[3].Name != "Preferred-Languages" {
		t.Errorf("names = %q, %q", f.Fields[2].Name, f.Fields[3].Name)
	}
	if got := f.Values("BUG-bounty"); !reflect.DeepEqual(got, []string{"no"}) {
		t.Errorf("Values = %q", got)
	}
}

func TestMissingFields(t *testing.T) {
	_, got := parseCodes("")
	if want := []string{"0:missing-contact", "0:missing-expires"}; !reflect.DeepEqual(got, want) {
		t.Errorf("empty file: %v", got)
	}
	_, got = parseCodes("Policy: https://example.org/p\n")
	if want := []string{"0:missing-contact", "0:missing-expires"}; !reflect.DeepEqual(got, want) {
		t.Errorf("no contact: %v", got)
	}
}

func TestExpires(t *testing.T) {
	good := map[string]time.Time{
		"2030-01-01T00:00:00Z":           time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		"2030-01-01T00:00:00.123Z":       time.Date(2030, 1, 1, 0, 0, 0, 123e6, time.UTC),
		"2030-01-01t00:00:00z":           time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		"2030-01-01T02:00:00+02:00":      time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		"2030-01-01T00:00:00.5-01:30":    time.Date(2030, 1, 1, 1, 30, 0, 5e8, time.UTC),
		"2029-12-31T23:59:59.999999999Z": time.Date(2029, 12, 31, 23, 59, 59, 999999999, time.UTC),
	}
	for v, want := range good {
		f, got := parseCodes("Contact: https://example.org/r\nExpires: " + v + "\n")
		if tm, ok := f.ExpiresAt(); !ok || !tm.Equal(want) || len(got) != 0 {
			t.Errorf("%s: %v %v %v", v, tm, ok, got)
		}
	}
	bad := map[string]string{
		"DATE_EXP":                        "template placeholder",
		"%date":                           "template placeholder",
		"{{ site.time }}":                 "Liquid",
		"${EXPIRES}":                      "template variable",
		"Tue, 01 Jan 2030 00:00:00 +0000": "RFC 822",
		"2030-01-01T00:00:00":             "time-zone",
		"2030-01-01 00:00:00Z":            "separated by T",
		"2030-01-01":                      "without a time",
		"":                                "empty",
		"2030-13-01T00:00:00Z":            "not an RFC 3339",
		"soon":                            `"soon"`,
	}
	for v, want := range bad {
		f, probs := Parse([]byte("Contact: https://example.org/r\nExpires: " + v + "\n"))
		if _, ok := f.ExpiresAt(); ok {
			t.Errorf("%q parsed", v)
		}
		if len(probs) != 1 || probs[0].Code != CodeBadExpires || probs[0].Line != 2 || !strings.Contains(probs[0].Msg, want) {
			t.Errorf("%q: %+v, want bad-expires on line 2 mentioning %q", v, probs, want)
		}
		if f.ExpiresLine != 2 {
			t.Errorf("%q: ExpiresLine %d", v, f.ExpiresLine)
		}
	}
}

func TestMultipleExpires(t *testing.T) {
	f, got := parseCodes(minimal + "Expires: 2031-01-01T00:00:00Z\n")
	if want := []string{"3:multiple-expires"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v", got)
	}
	if tm, _ := f.ExpiresAt(); tm.Year() != 2030 || f.ExpiresLine != 2 {
		t.Errorf("first Expires not kept: %v line %d", tm, f.ExpiresLine)
	}
}

func TestContact(t *testing.T) {
	ok := []string{
		"mailto:security@example.org", "MAILTO:a@b.c?subject=hi", "tel:+1-201-555-0123",
		"https://example.org/security", "https://hackerone.com/x",
	}
	for _, v := range ok {
		if _, got := parseCodes("Contact: " + v + "\nExpires: 2030-01-01T00:00:00Z\n"); len(got) != 0 {
			t.Errorf("%s: %v", v, got)
		}
	}
	bad := map[string]string{
		"http://example.org/security": "https",
		"security@example.org":        "mailto:security@example.org",
		"mailto:nobody":               "mailto",
		"ftp://example.org/":          "ftp",
		"tel:call-me":                 "tel",
		"https://":                    "https",
		"{{ site.email }}":            "template",
		"":                            "empty",
		"our security team":           "not a URI",
	}
	for v, want := range bad {
		f, probs := Parse([]byte("Contact: " + v + "\nExpires: 2030-01-01T00:00:00Z\n"))
		if len(probs) != 1 || probs[0].Code != CodeBadContact || probs[0].Line != 1 || !strings.Contains(probs[0].Msg, want) {
			t.Errorf("%q: %+v, want bad-contact mentioning %q", v, probs, want)
		}
		if len(f.Contacts) != 1 {
			t.Errorf("%q: a bad Contact is still listed (and counts against missing-contact)", v)
		}
	}
}

func TestURIFields(t *testing.T) {
	_, got := parseCodes(minimal +
		"Policy: http://example.org/policy\n" +
		"Encryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f\n" +
		"Encryption: dns:5d2d37ab76d47d36._openpgpkey.example.com?type=OPENPGPKEY\n" +
		"Canonical: https://example.org/.well-known/security.txt\n" +
		"Hiring: jobs page\n" +
		"Encryption: -----BEGIN PGP PUBLIC KEY BLOCK-----\n")
	if want := []string{"3:bad-uri", "7:bad-uri", "8:bad-uri"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
}

func TestPreferredLanguages(t *testing.T) {
	_, got := parseCodes(minimal + "Preferred-Languages: en, fr,de-CH\n")
	if len(got) != 0 {
		t.Errorf("valid tags: %v", got)
	}
	_, got = parseCodes(minimal + "Preferred-Languages: en\nPreferred-Languages: English language\n")
	if want := []string{"4:multiple-preferred-languages", "4:bad-languages"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v", got)
	}
}

func TestBadLines(t *testing.T) {
	_, got := parseCodes(minimal + "just text\n: no name\nGenerated at: x\n<html>\n")
	if want := []string{"3:bad-line", "4:bad-line", "5:bad-line", "6:bad-line"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v", got)
	}
	// An HTML error page served as security.txt: problems are capped.
	_, probs := Parse([]byte(strings.Repeat("<p>not found</p>\n", 100)))
	n := 0
	for _, p := range probs {
		if p.Code == CodeBadLine {
			n++
		}
	}
	if n != maxBadLineProblems+1 || !strings.Contains(probs[len(probs)-3].Msg, "80 more") {
		t.Errorf("%d bad-line problems, last %q", n, probs[len(probs)-3].Msg)
	}
}

func TestMisspelledField(t *testing.T) {
	f, got := parseCodes(minimal + "Acknowledgements: https://example.org/thanks\n")
	if want := []string{"3:misspelled-field"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v", got)
	}
	if f.Fields[2].Name != "Acknowledgements" {
		t.Errorf("name rewritten: %q", f.Fields[2].Name)
	}
}

func TestBadEncoding(t *testing.T) {
	_, got := parseCodes(minimal + "X-Note: caf\xe9\n")
	if want := []string{"3:bad-encoding"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v", got)
	}
}

const signed = `-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

# comment
Contact: mailto:security@example.org
- Expires: 2030-01-01T00:00:00Z
- -not a field
-----BEGIN PGP SIGNATURE-----

iQIzBAEBCAAdFiEE
=abcd
-----END PGP SIGNATURE-----
`

func TestSigned(t *testing.T) {
	for name, in := range map[string]string{
		"LF":               signed,
		"CRLF":             strings.ReplaceAll(signed, "\n", "\r\n"),
		"no final newline": strings.TrimSuffix(signed, "\n"),
	} {
		f, probs := Parse([]byte(in))
		if !f.Signed {
			t.Errorf("%s: not Signed", name)
		}
		if got, want := codes(probs), []string{"7:bad-line"}; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: problems %v, want %v", name, got, want)
		}
		if len(f.Contacts) != 1 || f.Contacts[0].Line != 5 {
			t.Errorf("%s: Contacts %+v", name, f.Contacts)
		}
		if _, ok := f.ExpiresAt(); !ok || f.ExpiresLine != 6 {
			t.Errorf("%s: dash-escaped Expires not read (line %d)", name, f.ExpiresLine)
		}
		if len(f.Fields) != 2 {
			t.Errorf("%s: armor or signature lines read as fields: %+v", name, f.Fields)
		}
	}
}

func TestRepeatedHashHeader(t *testing.T) {
	in := strings.Replace(signed, "Hash: SHA256\n\n", "Hash: SHA256\n\nHash: SHA256\n\n", 1)
	f, probs := Parse([]byte(in))
	if !f.Signed || f.ExpiresLine != 8 {
		t.Errorf("Signed %v, ExpiresLine %d", f.Signed, f.ExpiresLine)
	}
	for _, p := range probs {
		if p.Line == 4 {
			t.Errorf("repeated Hash header reported: %+v", p)
		}
	}
	if len(f.Values("Hash")) != 0 {
		t.Errorf("Hash read as a field")
	}
	// After a field, "Hash:" is an ordinary unknown field.
	f, _ = Parse([]byte(strings.Replace(signed, "# comment\n", "Policy: https://example.org/p\nHash: x\n", 1)))
	if len(f.Values("Hash")) != 1 {
		t.Errorf("Hash after a field not read")
	}
}

func TestBadSignature(t *testing.T) {
	tests := map[string]struct {
		in   string
		want []string
	}{
		"no signature block": {
			"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + minimal,
			[]string{"1:bad-signature"},
		},
		"no END line": {
			"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + minimal + "-----BEGIN PGP SIGNATURE-----\nabc\n",
			[]string{"6:bad-signature"},
		},
		"signature without header": {
			minimal + "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n",
			[]string{"3:bad-signature"},
		},
		"header not first": {
			"# hi\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + minimal + "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n",
			[]string{"2:bad-signature"},
		},
		"no blank after headers": {
			"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n" + minimal + "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n",
			[]string{"3:bad-signature"},
		},
		"text after signature": {
			signed + "\nPolicy: https://example.org/p\nHiring: https://example.org/j\n",
			[]string{"7:bad-line", "14:bad-signature"},
		},
		"stray END": {
			minimal + "-----END PGP SIGNATURE-----\n",
			[]string{"3:bad-signature"},
		},
	}
	for name, tc := range tests {
		f, got := parseCodes(tc.in)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: problems %v, want %v", name, got, tc.want)
		}
		if f.Signed {
			t.Errorf("%s: Signed", name)
		}
		if len(f.Contacts) != 1 {
			t.Errorf("%s: contacts %+v", name, f.Contacts)
		}
	}
	// Fields after the signature are still read (they are served), but flagged.
	f, _ := Parse([]byte(signed + "Policy: https://example.org/p\n"))
	if len(f.Values("Policy")) != 1 {
		t.Errorf("field after signature not read")
	}
}

func TestTemplateSource(t *testing.T) {
	f, got := parseCodes("---\nlayout: none\n---\n{% if x %}\n" + minimal + "{% endif %}\nHiring: {{ site.jobs }}\n")
	want := []string{"1:template-source", "4:template-source", "7:template-source", "8:template-source"}
	if !reflect.DeepEqual(got, want) || !f.Template {
		t.Errorf("problems %v Template %v, want %v", got, f.Template, want)
	}
	// A lone "---" line is no front matter.
	_, got = parseCodes("---\n" + minimal)
	if want := []string{"1:bad-line"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v", got)
	}
}

func TestProblemsSorted(t *testing.T) {
	_, probs := Parse([]byte("Expires: x\nfoo\nExpires: y\n"))
	if !sort.SliceIsSorted(probs, func(i, j int) bool {
		a, b := probs[i].Line, probs[j].Line
		if a == 0 || b == 0 {
			return a != 0 && b == 0
		}
		return a < b
	}) {
		t.Errorf("not sorted: %v", codes(probs))
	}
	if got, want := codes(probs), []string{"1:bad-expires", "2:bad-line", "3:multiple-expires", "0:missing-contact"}; !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
}

func TestNilFile(t *testing.T) {
	var f *File
	if _, ok := f.ExpiresAt(); ok {
		t.Error("nil file has Expires")
	}
	if f.Values("Contact") != nil {
		t.Error("nil file has values")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(signed))
	f.Add([]byte(strings.ReplaceAll(signed, "\n", "\r\n")))
	f.Add([]byte("---\nlayout: none\n---\n{% x %}\nExpires: {{ t | date_to_rfc822 }}\nContact: DATE_EXP\n"))
	f.Add([]byte("-----BEGIN PGP SIGNATURE-----\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: x\n"))
	f.Add([]byte("\ufeffcontact:\nexpires:\t2030-01-01t00:00:00z\nPreferred-Languages: ,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, probs := Parse(data)
		if file == nil {
			t.Fatal("nil File")
		}
		lines := strings.Count(string(data), "\n") + 1
		for _, p := range probs {
			if p.Line < 0 || p.Line > lines {
				t.Errorf("problem line %d outside 0..%d: %+v", p.Line, lines, p)
			}
			if p.Msg == "" || p.Code == "" || (p.Severity != Error && p.Severity != Warning) {
				t.Errorf("incomplete problem %+v", p)
			}
		}
		for _, fl := range file.Fields {
			if fl.Line < 1 || fl.Line > lines || fl.Name == "" {
				t.Errorf("bad field %+v", fl)
			}
		}
		if _, ok := file.ExpiresAt(); ok && file.ExpiresLine == 0 {
			t.Error("Expires without a line")
		}
	})
}
