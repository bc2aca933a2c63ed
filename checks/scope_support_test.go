package checks

import (
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

const thirdParty = `
[[third_party]]
name = "sms"
kind = "saas"
developed_by = "third-party"
functions = ["onboarding"]
rationale = "General-purpose SMS SaaS, not designed for us: a third-party component."
due_diligence = ["iso27001"]
evidence = ["docs/vendors/sms.md", "https://vendor.example/iso27001.pdf"]
`

func TestScopeRules(t *testing.T) {
	b := baseManifest
	withTP := b + thirdParty
	tpFiles := map[string]string{"docs/vendors/sms.md": "ISO 27001 certificate on file.\n"}
	short := replace(t, b, `rationale = "Remote unlock cannot work without this API, which we design and develop."`, `rationale = "Needed."`)
	empty := replace(t, b, `rationale = "Remote unlock cannot work without this API, which we design and develop."`, `rationale = ""`)
	fnTypo := replace(t, b, `functions = ["remote-unlock"]`, `functions = ["remote-unlok"]`)
	rdpsThird := replace(t, b, `developed_by = "manufacturer"`, `developed_by = "third-party"`)
	rdpsNoFn := replace(t, b, `functions = ["remote-unlock"]`, `functions = []`)
	tpIsRDPS := replace(t, withTP, `developed_by = "third-party"`, `developed_by = "commissioned"`)
	tpConn := replace(t, withTP, `kind = "saas"`, `kind = "connectivity"`)
	tpNoDD := replace(t,
		replace(t, withTP, `due_diligence = ["iso27001"]`+"\n", ""),
		`evidence = ["docs/vendors/sms.md", "https://vendor.example/iso27001.pdf"]`,
		`evidence = ["docs/vendors/missing.md"]`)
	tpNoEvidence := replace(t, withTP, `evidence = ["docs/vendors/sms.md", "https://vendor.example/iso27001.pdf"]`+"\n", "")
	excluded := b + "\n[[excluded]]\nname = \"metrics\"\nreason = \"analytics\"\nfunctions = " +
		"[\"onboarding\"]\nrationale = \"Collects usage metrics for planning the next version.\"\n"
	noRDPS := b[:strings.Index(b, "[[rdps]]")] + b[strings.Index(b, "[documentation]"):]
	imp2A := replace(t, b, `class = "default"`, `class = "important-2"`)
	imp2AFoss := replace(t, imp2A, `conformity = "module-a"`, "conformity = \"module-a\"\nfoss = true")
	imp1A := replace(t, b, `class = "default"`, `class = "important-1"`)
	imp1AHarm := replace(t, imp1A, `conformity = "module-a"`, "conformity = \"module-a\"\nharmonised_standards = true")
	imp1AList := replace(t, imp1A, `conformity = "module-a"`, "conformity = \"module-a\"\nharmonised_standards = [\"EN 18031-1:2024\"]")
	imp1AEmpty := replace(t, imp1A, `conformity = "module-a"`, "conformity = \"module-a\"\nharmonised_standards = []")
	critBC := replace(t, replace(t, b, `class = "default"`, `class = "critical"`), `conformity = "module-a"`, `conformity = "module-b-c"`)
	critBCNB := replace(t, critBC, `conformity = "module-b-c"`, "conformity = \"module-b-c\"\n"+
		`notified_body = { name = "TÜV Example", number = "0123", certificate = "CRA-B-2028-0042" }`)
	critEUCC := replace(t, replace(t, b, `class = "default"`, `class = "critical"`), `conformity = "module-a"`, `conformity = "eucc"`)
	noConformity := replace(t, imp1A, `conformity = "module-a"`+"\n", "")
	noClass := replace(t, b, `class = "default"`+"\n", "")
	runCases(t, []ruleCase{
		{name: "third party done right", manifest: withTP, files: tpFiles},
		{name: "short rationale", manifest: short, want: []string{hit(t, "scope-rationale-short", short, `rationale = "Needed."`)}},
		{name: "empty rationale", manifest: empty, want: []string{hit(t, "scope-rationale-missing", empty, `rationale = ""`)}},
		{name: "function typo", manifest: fnTypo, want: []string{hit(t, "scope-unknown-function", fnTypo, "remote-unlok")}},
		{name: "rdps by a third party", manifest: rdpsThird, want: []string{hit(t, "scope-rdps-third-party", rdpsThird, `developed_by = "third-party"`)}},
		{name: "rdps with no function", manifest: rdpsNoFn, want: []string{hit(t, "scope-rdps-no-function", rdpsNoFn, `functions = []`)}},
		{name: "commissioned third party is rdps",
			manifest: tpIsRDPS,
			files:    tpFiles,
			want:     []string{hit(t, "scope-third-party-is-rdps", tpIsRDPS, `developed_by = "commissioned"`)}},
		{name: "connectivity provider",
			manifest: tpConn,
			files:    tpFiles,
			notices:  true,
			want:     []string{hit(t, "scope-connectivity", tpConn, `kind = "connectivity"`), hit(t, "disclosure-reporting-deadlines", tpConn, "[reporting]")}},
		{name: "no due diligence, evidence missing", manifest: tpNoDD, want: []string{
			hit(t, "scope-due-diligence-missing", tpNoDD, "[[third_party]]"),
			hit(t, "scope-evidence-missing", tpNoDD, "evidence ="),
		}},
		{name: "no evidence", manifest: tpNoEvidence, want: []string{hit(t, "scope-evidence-missing", tpNoEvidence, "[[third_party]]")}},
		{name: "excluded but needed", manifest: excluded, want: []string{hit(t, "scope-excluded-needed", excluded, `functions = ["onboarding"]`)}},
		{name: "no rdps is a notice",
			manifest: noRDPS,
			notices:  true,
			want:     []string{hit(t, "scope-no-rdps", noRDPS, "[product]"), hit(t, "disclosure-reporting-deadlines", noRDPS, "[reporting]")}},
		{name: "important-2 with module-a", manifest: imp2A, want: []string{hit(t, "scope-conformity-route", imp2A, "conformity")}},
		{name: "important-2 foss with module-a", manifest: imp2AFoss},
		// Article 32(2): class I on module A only with a CRA-cited standard
		// applied in full; none is cited yet (internal/oj), so every
		// module-a class I product without foss is an error.
		{name: "important-1 with module-a", manifest: imp1A, want: []string{hit(t, "scope-conformity-route", imp1A, "conformity")}},
		{name: "important-1 with harmonised_standards = true",
			manifest: imp1AHarm,
			want: []string{hit(t, "scope-conformity-route", imp1AHarm, "conformity"),
				hit(t, "scope-standards-unnamed", imp1AHarm, "harmonised_standards")}},
		{name: "important-1 with a RED standard", manifest: imp1AList, want: []string{hit(t, "scope-conformity-route", imp1AList, "conformity")}},
		{name: "important-1 with an empty list", manifest: imp1AEmpty, want: []string{hit(t, "scope-conformity-route", imp1AEmpty, "conformity")}},
		{name: "important-1 foss with module-a", manifest: replace(t, imp1A, `conformity = "module-a"`, "conformity = \"module-a\"\nfoss = true")},
		// Article 32(4): module B+C with its notified body; the notice
		// that no Article 8(1) act requires certification is not shown here.
		{name: "critical with module-b-c and its notified body", manifest: critBCNB},
		{name: "critical with module-b-c, no notified body", manifest: critBC, want: []string{hit(t, "scope-notified-body-missing", critBC, "conformity =")}},
		// No Article 27(9) delegated act specifies a scheme yet (guidance point 153).
		{name: "critical with eucc", manifest: critEUCC, want: []string{hit(t, "scope-conformity-route", critEUCC, "conformity")}},
		{name: "classed product without route", manifest: noConformity, want: []string{hit(t, "scope-conformity-confirm", noConformity, "class")}},
		{name: "no class is a notice",
			manifest: noClass,
			notices:  true,
			want:     []string{hit(t, "scope-class-missing", noClass, "[product]"), hit(t, "disclosure-reporting-deadlines", noClass, "[reporting]")}},
	})
}

func TestSupportRules(t *testing.T) {
	b := baseManifest
	expired := replace(t, replace(t, b, "end = 2033-03-01", "end = 2026-10-01"), "placed_on_market = 2028-03-01", "placed_on_market = 2021-03-01")
	soon := replace(t, replace(t, b, "end = 2033-03-01", "end = 2027-06-01"), "placed_on_market = 2028-03-01", "placed_on_market = 2022-03-01")
	soonCustom := replace(t, soon, "[reporting]", "[gate]\nsupport_warning_months = 3\n\n[reporting]")
	short := replace(t, b, "end = 2033-03-01", "end = 2031-03-01")
	shortJustified := replace(t, short, "end = 2031-03-01", "end = 2031-03-01\nexpected_use_years = 3\nrationale = \"Event badge: replaced after three "+
		"seasons at most, per five years of sales data.\"")
	shortUnexplained := replace(t, short, "end = 2031-03-01", "end = 2031-03-01\nexpected_use_years = 3")
	shorterThanUse := replace(t, short, "end = 2031-03-01", "end = 2030-03-01\nexpected_use_years = 3\nrationale = \"Event badge: replaced after three "+
		"seasons at most, per five years of sales data.\"")
	useFive := replace(t, short, "end = 2031-03-01", "end = 2031-03-01\nexpected_use_years = 6")
	noStart := replace(t, b, "placed_on_market = 2028-03-01\n", "")
	withStart := replace(t, noStart, "end = 2033-03-01", "start = 2026-04-01\nend = 2033-04-01")
	backwards := replace(t, b, "end = 2033-03-01", "end = 2026-01-01\nstart = 2026-12-01")
	notPublished := replace(t, b, `published = "docs/support.md"`+"\n", "")
	publishedURL := replace(t, b, `published = "docs/support.md"`, `published = "https://testlock.eu/support"`)
	cases := []ruleCase{
		{name: "expired",
			manifest: expired,
			files:    map[string]string{"docs/support.md": "Updates until 2026-10."},
			want:     []string{hit(t, "support-expired", expired, "end =")}},
		{name: "ending soon",
			manifest: soon,
			files:    map[string]string{"docs/support.md": "Updates until June 2027."},
			want:     []string{hit(t, "support-ending-soon", soon, "end =")}},
		{name: "ending soon, custom window", manifest: soonCustom, files: map[string]string{"docs/support.md": "Updates until June 2027."}},
		{name: "under five years",
			manifest: short,
			files:    map[string]string{"docs/support.md": "until 03/2031"},
			want:     []string{hit(t, "support-too-short", short, "end =")}},
		{name: "shorter, justified", manifest: shortJustified, files: map[string]string{"docs/support.md": "until 1 March 2031"}},
		{name: "shorter, no rationale",
			manifest: shortUnexplained,
			files:    map[string]string{"docs/support.md": "until 2031-03"},
			want:     []string{hit(t, "support-too-short", shortUnexplained, "expected_use_years")}},
		{name: "shorter than expected use",
			manifest: shorterThanUse,
			files:    map[string]string{"docs/support.md": "until Mar 2030"},
			want:     []string{hit(t, "support-too-short", shorterThanUse, "end =")}},
		{name: "expected use of five years or more",
			manifest: useFive,
			files:    map[string]string{"docs/support.md": "until 2031-03"},
			want:     []string{hit(t, "support-too-short", useFive, "expected_use_years")}},
		{name: "no start", manifest: noStart, want: []string{hit(t, "support-start-missing", noStart, "end =")}},
		{name: "explicit start", manifest: withStart, files: map[string]string{"docs/support.md": "until April 2033"}},
		{name: "end before start",
			manifest: backwards,
			files:    map[string]string{"docs/support.md": "until 2026-01"},
			want:     []string{hit(t, "support-end-before-start", backwards, "end ="), hit(t, "support-expired", backwards, "end =")}},
		{name: "not published", manifest: notPublished, want: []string{hit(t, "support-not-published", notPublished, "[support]")}},
		{name: "published as URL", manifest: publishedURL},
		{name: "published file missing",
			manifest: b,
			files:    map[string]string{"docs/support.md": ""},
			want:     []string{hit(t, "support-published-missing", b, "published")}},
		{name: "published file silent on the date",
			manifest: b,
			files:    map[string]string{"docs/support.md": "We support the lock for a long time."},
			want:     []string{"support-end-not-stated@docs/support.md:1"}},
	}
	// The user information states the end of support too (documentation
	// check): give it the same words as the published document.
	for i, tc := range cases {
		if text := tc.files["docs/support.md"]; text != "" && tc.name != "published file silent on the date" {
			tc.files["docs/user/security.md"] = strings.Replace(testUserInfo, "until March 2033", text, 1)
			cases[i] = tc
		}
	}
	runCases(t, cases)
}

func TestStatesMonthYear(t *testing.T) {
	end := testNow.AddDate(4, 3, 9) // 2031-03-01
	for text, want := range map[string]bool{
		"until 2031-03-01":              true,
		"until 2031-03":                 true,
		"until 03/2031":                 true,
		"until 3.2031":                  true,
		"until March 2031":              true,
		"until Mar. 2031":               true,
		"until March 1st, 2031":         true,
		"until 1 March 2031":            true,
		"until 2031":                    false,
		"until March 2030":              false,
		"until 2031-04":                 false,
		"version 12031-03 of something": false,
	} {
		if got := statesMonthYear(text, end); got != want {
			t.Errorf("%q: got %v, want %v", text, got, want)
		}
	}
}

func TestReportingRules(t *testing.T) {
	b := baseManifest
	noReporting := replace(t, replace(t, b, "[reporting]\ncsirt = \"DE\"\ncontact = \"mailto:psirt@testlock.eu\"\n", ""), "", "")
	badCSIRT := replace(t, b, `csirt = "DE"`, `csirt = "US"`)
	greece := replace(t, b, `csirt = "DE"`, `csirt = "EL"`)
	badContact := replace(t, b, `contact = "mailto:psirt@testlock.eu"`, `contact = "psirt@testlock.eu"`)
	noContact := replace(t, b, `contact = "mailto:psirt@testlock.eu"`+"\n", "")
	badDisclosureContact := replace(t, b, `contact = "mailto:security@testlock.eu"`, `contact = "mailto:not an address"`)
	ackZero := replace(t, b, `contact = "mailto:security@testlock.eu"`, "contact = \"mailto:security@testlock.eu\"\nacknowledge_days = 0")
	ackSlow := replace(t, b, `contact = "mailto:security@testlock.eu"`, "contact = \"mailto:security@testlock.eu\"\nacknowledge_days = 30")
	runCases(t, []ruleCase{
		{name: "no reporting after 2026-09-11", manifest: noReporting, want: []string{"disclosure-reporting-missing@cra.toml:1"}},
		{name: "csirt outside the EU/EEA", manifest: badCSIRT, want: []string{hit(t, "disclosure-reporting-csirt", badCSIRT, "csirt")}},
		{name: "Greece as EL", manifest: greece, want: []string{hit(t, "disclosure-reporting-csirt", greece, "csirt")}},
		{name: "reporting contact not a URI", manifest: badContact, want: []string{hit(t, "disclosure-reporting-contact", badContact, "psirt@")}},
		{name: "reporting contact missing", manifest: noContact, want: []string{hit(t, "disclosure-reporting-contact", noContact, "[reporting]")}},
		{name: "disclosure contact invalid",
			manifest: badDisclosureContact,
			want:     []string{hit(t, "disclosure-contact-invalid", badDisclosureContact, "not an address")}},
		{name: "acknowledge zero days", manifest: ackZero, want: []string{hit(t, "disclosure-acknowledge-invalid", ackZero, "acknowledge_days")}},
		{name: "acknowledge slowly", manifest: ackSlow, want: []string{hit(t, "disclosure-acknowledge-slow", ackSlow, "acknowledge_days")}},
	})
	// Before Article 14 applies, a missing [reporting] is a warning.
	res, err := Run(writeRepo(t, mergeFiles(baseFiles(), map[string]string{"cra.toml": noReporting})), "cra.toml", Options{Now: article14Start.AddDate(0, 0, -1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := hits(res.Findings, true); len(got) != 1 || res.Findings[0].Severity.String() != "warning" || !res.Passed {
		t.Errorf("before 2026-09-11: %+v", res.Findings)
	}
}

func mergeFiles(a, b map[string]string) map[string]string {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// TestNonCommercial: product.commercial = false with a reason: a notice,
// every check of the CRA's obligations skipped naming why, the disclosure
// checks run with errors as warnings (good practice); without a reason, an
// error that fails the gate.
func TestNonCommercial(t *testing.T) {
	m := strings.Replace(baseManifest, `kind = "hardware"`, `kind = "hardware"
commercial = false
commercial_rationale = "A hobby project by one developer, published under the MIT licence; nothing is charged for it."`, 1)
	m = strings.Replace(m, `policy = "SECURITY.md"`, `policy = "NOPE.md"`, 1)
	res := runRepo(t, m, nil)
	status := map[string]finding.CheckResult{}
	for _, c := range res.Checks {
		status[c.ID] = c
	}
	for _, id := range []string{"sbom", "support", "vulns", "documentation"} {
		if c := status[id]; c.Status != finding.StatusSkip || !strings.Contains(c.Reason, "product.commercial = false") {
			t.Errorf("%s: %s (%s), want skipped for the commercial decision", id, c.Status, c.Reason)
		}
	}
	if !res.Passed || len(findingsOf(res, "scope-non-commercial")) != 1 {
		t.Errorf("passed %v, notices %v", res.Passed, findingsOf(res, "scope-non-commercial"))
	}
	pol := findingsOf(res, "disclosure-policy-not-found")
	if len(pol) != 1 || pol[0].Severity != finding.Warning || !strings.Contains(pol[0].Message, "good practice") {
		t.Errorf("the disclosure check: %+v, want its error as a warning", pol)
	}
	bare := strings.Replace(m, `commercial_rationale = "A hobby project by one developer, published under the MIT licence; nothing is charged for it."`, "", 1)
	res = runRepo(t, bare, nil)
	if fs := findingsOf(res, "scope-non-commercial"); res.Passed || len(fs) != 1 || fs[0].Severity != finding.Error {
		t.Errorf("without a reason: passed %v, %+v", res.Passed, fs)
	}
}
