package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

func TestPolicyRules(t *testing.T) {
	b := baseManifest
	template := "# Security Policy\n\n## Reporting a Vulnerability\n\nUse this section to tell people how to report a vulnerability.\n"
	publicIssue := "# Security\n\nIf you find a vulnerability, please create an issue on GitHub.\n"
	noProcess := "# Security\n\nReport vulnerabilities to security@testlock.eu.\n"
	otherContact := "# Security\n\nReport vulnerabilities to psirt@othervendor.eu.\nWe acknowledge reports within 2 days.\n"
	external := "# Reporting a security issue\n\nThe Test Lock security policy, including how to report " +
		"vulnerabilities, can be\nfound here: https://www.testlock.eu/security/\n"
	urlPolicy := replace(t, b, `policy = "SECURITY.md"`, `policy = "https://testlock.eu/security"`)
	ghContact := replace(t, b, `contact = "mailto:security@testlock.eu"`, `contact = "https://github.com/testlock/lock/security/advisories/new"`)
	ghPolicy := "# Security\n\nPlease use GitHub's private vulnerability reporting (the \"Report a " +
		"vulnerability\" button on the Security tab).\nWe respond within 7 days.\n"
	ghUserInfo := strings.Replace(testUserInfo, "security@testlock.eu", "https://github.com/testlock/lock/security/advisories/new", 1)
	runCases(t, []ruleCase{
		{name: "GitHub template",
			manifest: b,
			files:    map[string]string{"SECURITY.md": template},
			want:     []string{"disclosure-policy-no-channel@SECURITY.md:5", "disclosure-policy-no-process@SECURITY.md:1"}},
		{name: "public issue only",
			manifest: b,
			files:    map[string]string{"SECURITY.md": publicIssue},
			want:     []string{"disclosure-policy-no-channel@SECURITY.md:3", "disclosure-policy-no-process@SECURITY.md:1"}},
		{name: "no process", manifest: b, files: map[string]string{"SECURITY.md": noProcess}, want: []string{"disclosure-policy-no-process@SECURITY.md:1"}},
		{name: "another contact", manifest: b, files: map[string]string{"SECURITY.md": otherContact}, want: []string{"disclosure-contact-mismatch@SECURITY.md:3"}},
		{name: "points to an external policy",
			manifest: b,
			files:    map[string]string{"SECURITY.md": external},
			notices:  true,
			want:     []string{"disclosure-policy-external@SECURITY.md:4", hit(t, "disclosure-reporting-deadlines", b, "[reporting]")}},
		{name: "policy is a URL",
			manifest: urlPolicy,
			notices:  true,
			want:     []string{hit(t, "disclosure-policy-external", urlPolicy, "policy ="), hit(t, "disclosure-reporting-deadlines", b, "[reporting]")}},
		{name: "policy missing", manifest: b, files: map[string]string{"SECURITY.md": ""}, want: []string{hit(t, "disclosure-policy-not-found", b, "policy =")}},
		// Article 13(17) lets users choose their means; Recital 63 names a
		// form a proper one: a form alone is a notice, not a gap.
		{name: "GitHub private reporting in words matches its URL",
			manifest: ghContact,
			files:    map[string]string{"SECURITY.md": ghPolicy, "docs/user/security.md": ghUserInfo},
			notices:  true,
			want: []string{hit(t, "disclosure-contact-form-only", ghContact, "contact ="),
				hit(t, "disclosure-reporting-deadlines", ghContact, "[reporting]")}},
		{name: "a form and an email address",
			manifest: ghContact,
			files:    map[string]string{"SECURITY.md": ghPolicy + "Or email security@testlock.eu.\n", "docs/user/security.md": ghUserInfo}},
	})
}

func TestSecurityTxtRules(t *testing.T) {
	m := replace(t,
		baseManifest,
		`contact = "mailto:security@testlock.eu"`,
		"contact = \"mailto:security@testlock.eu\"\nsecurity_txt = \".well-known/security.txt\"")
	file := func(s string) map[string]string { return map[string]string{".well-known/security.txt": s} }
	runCases(t, []ruleCase{
		{name: "valid", manifest: m, files: file("Contact: mailto:security@testlock.eu\nExpires: 2027-06-30T00:00:00Z\n")},
		{name: "missing file", manifest: m, want: []string{hit(t, "disclosure-securitytxt-not-found", m, "security_txt")}},
		{name: "expired",
			manifest: m,
			files:    file("Contact: mailto:security@testlock.eu\nExpires: 2026-06-30T00:00:00Z\n"),
			want:     []string{"disclosure-securitytxt-expired@.well-known/security.txt:2"}},
		{name: "expires too far ahead",
			manifest: m,
			files:    file("Contact: mailto:security@testlock.eu\n# note\nExpires: 2029-06-30T00:00:00Z\n"),
			want:     []string{"disclosure-securitytxt-expires-far@.well-known/security.txt:3"}},
		{name: "no Expires, twice Contact fine",
			manifest: m,
			files:    file("Contact: mailto:security@testlock.eu\nContact: https://testlock.eu/report\n"),
			want:     []string{"disclosure-securitytxt-invalid@.well-known/security.txt"}},
		{name: "Expires twice and not RFC 3339",
			manifest: m,
			files:    file("Contact: mailto:security@testlock.eu\nExpires: 2027-06-30T00:00:00Z\nExpires: 30 June 2027\n"),
			want:     []string{"disclosure-securitytxt-invalid@.well-known/security.txt:3"}},
		{name: "declared contact not listed",
			manifest: m,
			files:    file("Contact: mailto:someone@testlock.eu\nExpires: 2027-06-30T00:00:00Z\n"),
			want:     []string{"disclosure-contact-mismatch@.well-known/security.txt:1"}},
	})
}

// TestRealSecurityTxt runs the check on security.txt files from the corpus:
// each verdict says why.
func TestRealSecurityTxt(t *testing.T) {
	dir := realdata.Dir(t, "policies")
	m := replace(t, baseManifest, `contact = "mailto:security@testlock.eu"`, "contact = \"mailto:security@testlock.eu\"\nsecurity_txt = \"security.txt\"")
	for _, tc := range []struct {
		file string
		want []string
		why  string
	}{
		{"jazzband__website__security.txt",
			[]string{"disclosure-contact-mismatch", "disclosure-securitytxt-expired"},
			"PGP-signed and well-formed, but expired in 2023"},
		{"internetstandards__Internet.nl__security.txt",
			[]string{"disclosure-contact-mismatch"},
			"signed, CRLF, valid until 2027-04-10: only the contact differs from ours"},
		{"rust-lang__www.rust-lang.org__security.txt", []string{"disclosure-contact-mismatch"}, "two fields, valid until 2027-03-17"},
		{"nodejs__nodejs.org__security.txt", []string{"disclosure-contact-mismatch"}, "valid until 2027-06-30, within a year of the test date"},
		{"securitytxt__securitytxt.org__security.txt", []string{"disclosure-contact-mismatch", "disclosure-securitytxt-expired"}, "expired on 2026-03-27"},
		{"alphagov__security.txt__security.txt",
			[]string{"disclosure-contact-mismatch", "disclosure-securitytxt-invalid", "disclosure-securitytxt-invalid", "disclosure-securitytxt-invalid"},
			"placeholders DATE_NOW and DATE_EXP, and the non-field line \"Generated at:\""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			res := runRepo(t, m, map[string]string{"security.txt": string(data)})
			var got []string
			for _, f := range res.Findings {
				if f.File == "security.txt" {
					got = append(got, f.Rule)
				}
			}
			sortStrings(got)
			if len(got) != len(tc.want) {
				t.Fatalf("%s: got %v, want %v", tc.why, got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("%s: got %v, want %v", tc.why, got, tc.want)
				}
			}
		})
	}
}

// TestContactPlaceholders: a contact on a domain reserved for examples is an
// error wherever it is declared, by the definition the policy check uses for
// addresses in the policy's text (cvd.PlaceholderContact).
func TestContactPlaceholders(t *testing.T) {
	b := baseManifest
	disc := replace(t, b, `contact = "mailto:security@testlock.eu"`, `contact = "mailto:security@acme.example"`)
	form := replace(t, b, `contact = "mailto:security@testlock.eu"`, `contact = "https://yourdomain.com/report"`)
	rep := replace(t, b, `contact = "mailto:psirt@testlock.eu"`, `contact = "mailto:psirt@lock.test"`)
	txt := replace(t, b, `contact = "mailto:security@testlock.eu"`, "contact = \"mailto:security@testlock.eu\"\nsecurity_txt = \"security.txt\"")
	policyWith := func(addr string) map[string]string {
		return map[string]string{"SECURITY.md": "# Security\n\nReport vulnerabilities privately to " + addr + ".\nWe acknowledge reports within 3 days.\n"}
	}
	runCases(t, []ruleCase{
		{name: "disclosure.contact",
			manifest: disc,
			files:    policyWith("security@testlock.eu"),
			want: []string{hit(t, "disclosure-contact-placeholder", disc, "security@acme.example"),
				"disclosure-contact-mismatch@SECURITY.md:3",
				"documentation-user-information@docs/user/security.md:1"}},
		{name: "an https form on a placeholder host",
			manifest: form,
			want: []string{hit(t, "disclosure-contact-placeholder", form, "yourdomain.com"),
				"disclosure-contact-mismatch@SECURITY.md:3",
				"documentation-user-information@docs/user/security.md:1"}},
		{name: "reporting.contact", manifest: rep, want: []string{hit(t, "disclosure-contact-placeholder", rep, "psirt@lock.test")}},
		{name: "security.txt Contact",
			manifest: txt,
			files: map[string]string{"security.txt": "Contact: mailto:security@testlock.eu\nContact: https://example.com/report\nExpires: " +
				"2027-06-30T00:00:00Z\n"},
			want: []string{"disclosure-contact-placeholder@security.txt:2"}},
		// The same address in the policy is no channel.
		{name: "policy", manifest: b, files: policyWith("security@acme.example"), want: []string{"disclosure-policy-no-channel@SECURITY.md:1"}},
	})
}
