package checks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/oj"
)

// The tests of this file pin each correction of issue 18 (the law as finally
// written) to the provision or guidance point it rests on, quoted in a
// comment: a rule that states more than the law again fails here.

// withJournal runs f with the dated Official Journal list changed by edit,
// as a later release of the gate would ship it. Not parallel: oj.J is global.
func withJournal(t *testing.T, edit func(*oj.Journal), f func()) {
	t.Helper()
	saved := oj.J
	defer func() { oj.J = saved }()
	edit(&oj.J)
	f()
}

// TestClassIModuleANeedsCitedStandard: Article 32(2): class I on module A
// only "where the manufacturer has applied the harmonised standards, common
// specifications or European cybersecurity certification schemes at assurance
// level at least 'substantial'"; Article 27(1): presumption comes from
// standards "the references of which have been published in the Official
// Journal"; guidance point 149: applied in full. None is cited yet.
func TestClassIModuleANeedsCitedStandard(t *testing.T) {
	imp1 := replace(t, baseManifest, `class = "default"`, `class = "important-1"`)
	red := replace(t, imp1, `conformity = "module-a"`, "conformity = \"module-a\"\nharmonised_standards = [\"EN 18031-1:2024\"]")
	fs := findingsOf(runRepo(t, red, nil), "scope-conformity-route")
	if len(fs) != 1 || fs[0].Severity != finding.Error {
		t.Fatalf("class I + module-a + EN 18031-1: %+v, want one error", fs)
	}
	for _, want := range []string{"Article 32(2)", "guidance point 149", "as of " + oj.AsOf(),
		"EN 18031-1:2024 is a Radio Equipment Directive (2014/53/EU) standard", "Commission FAQ on the CRA v1.4, 2.6.1",
		"product.foss = true", "Article 32(5)"} {
		if !strings.Contains(fs[0].Message, want) {
			t.Errorf("message lacks %q: %s", want, fs[0].Message)
		}
	}
	unknown := replace(t, imp1, `conformity = "module-a"`, "conformity = \"module-a\"\nharmonised_standards = [\"XY 1:2026\"]")
	if fs := findingsOf(runRepo(t, unknown, nil), "scope-conformity-route"); len(fs) != 1 ||
		!strings.Contains(fs[0].Message, "XY 1:2026 is not cited under the CRA") {
		t.Errorf("an unknown standard is named: %+v", fs)
	}
	// Once the Journal cites a CRA standard, applying it opens module A.
	cited := replace(t, imp1, `conformity = "module-a"`, "conformity = \"module-a\"\nharmonised_standards = [\"EN 40000-1-2:2027\"]")
	withJournal(t, func(j *oj.Journal) {
		j.CRAStandards = []string{"EN 40000-1-2"}
		j.NotCRA = nil
	}, func() {
		if fs := findingsOf(runRepo(t, cited, nil), "scope-conformity-route"); len(fs) != 0 {
			t.Errorf("a cited standard applied: %+v", fs)
		}
		if fs := findingsOf(runRepo(t, red, nil), "scope-conformity-route"); len(fs) != 1 {
			t.Errorf("a standard not on the list still fails: %+v", fs)
		}
	})
}

// TestCertificationNeedsDelegatedAct: Article 27(9): a scheme gives
// presumption where "this has been specified via delegated acts"; guidance
// point 153. Article 32(1)(d): "where available and applicable".
func TestCertificationNeedsDelegatedAct(t *testing.T) {
	for class, want := range map[string]finding.Severity{"default": finding.Warning, "important-1": finding.Error,
		"important-2": finding.Error, "critical": finding.Error} {
		m := replace(t, replace(t, baseManifest, `class = "default"`, "class = \""+class+"\""), `conformity = "module-a"`,
			"conformity = \"eu-certification\"\ncertification_scheme = \"EUCC\"")
		fs := findingsOf(runRepo(t, m, nil), "scope-conformity-route")
		if len(fs) != 1 || fs[0].Severity != want || !strings.Contains(fs[0].Message, "delegated act under Article 27(9)") ||
			!strings.Contains(fs[0].Message, "guidance point 153") {
			t.Errorf("%s with eu-certification: %+v, want one %s citing Article 27(9)", class, fs, want)
		}
		withJournal(t, func(j *oj.Journal) { j.CertificationActs = []string{"Delegated Regulation (EU) 2028/1 (EUCC)"} }, func() {
			if fs := findingsOf(runRepo(t, m, nil), "scope-conformity-route"); len(fs) != 0 {
				t.Errorf("%s once an act specifies the scheme: %+v", class, fs)
			}
		})
	}
}

// TestCriticalRouteNotice: Article 32(4): certification where a delegated act
// under Article 8(1) requires it, otherwise the Article 32(3) routes.
func TestCriticalRouteNotice(t *testing.T) {
	m := replace(t, replace(t, baseManifest, `class = "default"`, `class = "critical"`), `conformity = "module-a"`,
		"conformity = \"module-h\"\nnotified_body = { name = \"TÜV Example\", number = \"0123\", certificate = \"H-1\" }")
	fs := findingsOf(runRepo(t, m, nil), "scope-conformity-confirm")
	if len(fs) != 1 || fs[0].Severity != finding.Notice || !strings.Contains(fs[0].Message, "no delegated act under Article 8(1)") {
		t.Errorf("critical with module-h: %+v", fs)
	}
	withJournal(t, func(j *oj.Journal) { j.CriticalCertificationActs = []string{"Delegated Regulation (EU) 2028/2"} }, func() {
		if fs := findingsOf(runRepo(t, m, nil), "scope-conformity-confirm"); len(fs) != 0 {
			t.Errorf("once an Article 8(1) act exists the notice goes: %+v", fs)
		}
	})
}

// TestNotifiedBody: Annex V(7): "where applicable, the notified body ...
// (name, number) performed ... and issued the certificate". A warning before
// 11 December 2027 (Article 71(2)), an error from then.
func TestNotifiedBody(t *testing.T) {
	bc := replace(t, replace(t, baseManifest, `class = "default"`, `class = "important-2"`), `conformity = "module-a"`, `conformity = "module-b-c"`)
	for now, want := range map[time.Time]finding.Severity{testNow: finding.Warning, generalApplication: finding.Error} {
		fs := findingsOf(runAt(t, bc, nil, now), "scope-notified-body-missing")
		if len(fs) != 1 || fs[0].Severity != want || !strings.Contains(fs[0].Message, "Annex V(7)") {
			t.Errorf("module-b-c without notified_body on %s: %+v, want one %s", date(now), fs, want)
		}
	}
	bad := replace(t, bc, `conformity = "module-b-c"`, "conformity = \"module-b-c\"\nnotified_body = { name = \"TÜV\", number = \"123\" }")
	if fs := findingsOf(runRepo(t, bad, nil), "scope-notified-body-missing"); len(fs) != 1 || !strings.Contains(fs[0].Message, "four digits") {
		t.Errorf("a three-digit number: %+v", fs)
	}
}

// TestKEVAsksForAssessment: a KEV listing is exploitation somewhere; Article
// 14(2) reporting is due where the vulnerability is actively exploited in the
// product, from awareness after an initial assessment (guidance points 213,
// 217, 218; FAQ 5.4). The finding stays an error (Annex I Part I(2)(a)).
func TestKEVAsksForAssessment(t *testing.T) {
	db := vulnDB(t, map[string]string{"GHSA-1.json": record("GHSA-p6mc-m468-83gw", "npm", "lodash", "4.17.19", "CVE-2020-8203")})
	kev := filepath.Join(t.TempDir(), "kev.json")
	if err := os.WriteFile(kev, []byte(kevCatalog), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := findingsOf(runVulns(t, "", nil, VulnSources{DB: []string{db}, KEV: kev}), "vulns-kev")
	if len(fs) != 1 || fs[0].Severity != finding.Error {
		t.Fatalf("vulns-kev: %+v", fs)
	}
	for _, want := range []string{"exploited somewhere, not necessarily in this product", "Assess now whether it is actively exploited in the product",
		"if it is, Article 14(2) asks for an early warning within 24 hours", "guidance points 213, 218"} {
		if !strings.Contains(fs[0].Message, want) {
			t.Errorf("message lacks %q: %s", want, fs[0].Message)
		}
	}
	if r, _ := Lookup("vulns-kev"); !strings.Contains(r.Why, "217") || !strings.Contains(r.Reference, "Article 14") {
		t.Errorf("vulns-kev docs: %s / %s", r.Reference, r.Why)
	}
}

// TestVEXAffectedWithAction: an affected statement with an action is a risk
// decision on the record (guidance point 237): a warning; vulns-known is the
// gate's release convention on Annex I Part I(2)(a), and says so.
func TestVEXAffectedWithAction(t *testing.T) {
	db := vulnDB(t, map[string]string{"GO-1.json": record("GO-2026-0001", "Go", "example.com/a", "1.2.0", "CVE-2026-1111")})
	vexTOML := "\n[vulnerabilities]\nvex = [\"vex/app.openvex.json\"]\n"
	for extra, want := range map[string]finding.Severity{
		`, "action_statement": "Update to 1.2.0 in the next release; the parser is disabled by default until then."`: finding.Warning,
		`, "action_statement": " "`: finding.Error,
		"":                          finding.Error,
	} {
		doc := fmt.Sprintf(openVEXDoc, "affected", extra)
		res := runVulns(t, vexTOML, map[string]string{"vex/app.openvex.json": doc}, VulnSources{DB: []string{db}})
		var got []finding.Severity
		for _, f := range findingsOf(res, "vulns-known") {
			if f.Line == 5 { // example.com/a
				got = append(got, f.Severity)
				if want == finding.Warning && !strings.Contains(f.Message, "guidance point 237") {
					t.Errorf("the warning cites point 237: %s", f.Message)
				}
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("affected%s: %v, want one %s", extra, got, want)
		}
	}
	if r, _ := Lookup("vulns-known"); !strings.Contains(r.Reference, "cra-gate convention") {
		t.Errorf("vulns-known reference %q does not label the convention", r.Reference)
	}
}

// TestProductKind: copies of the same software are placed at the same time
// (guidance points 13-16), so support-later-units is a hardware rule; an
// absent kind is a notice and the gate assumes hardware.
func TestProductKind(t *testing.T) {
	legacy := replace(t, replace(t, baseManifest, "placed_on_market = 2028-03-01", "placed_on_market = 2026-03-01"), "end = 2033-03-01",
		"end = 2031-03-01")
	doc := map[string]string{"docs/support.md": "until March 2031", "docs/user/security.md": strings.Replace(testUserInfo, "March 2033", "March 2031", 1)}
	if fs := findingsOf(runAt(t, legacy, doc, testNow), "support-later-units"); len(fs) != 1 {
		t.Errorf("hardware: %+v", fs)
	}
	sw := replace(t, legacy, `kind = "hardware"`, `kind = "software"`)
	if fs := findingsOf(runAt(t, sw, doc, testNow), "support-later-units"); len(fs) != 0 {
		t.Errorf("software has no later units: %+v", fs)
	}
	none := replace(t, legacy, "kind = \"hardware\"\n", "")
	res := runAt(t, none, doc, testNow)
	if fs := findingsOf(res, "scope-kind-missing"); len(fs) != 1 || fs[0].Severity != finding.Notice ||
		!strings.Contains(fs[0].Message, "assumes hardware") {
		t.Errorf("no kind: %+v", fs)
	}
	if fs := findingsOf(res, "support-later-units"); len(fs) != 1 {
		t.Errorf("no kind is judged as hardware: %+v", fs)
	}
}

// TestDeferredBeforeApplication: Articles 13 and 31 apply from 11 December
// 2027 (Article 71(2)); software placed before then only from a substantial
// modification (Article 69(2); guidance points 13-16). Support and
// documentation errors are warnings until they bind; Article 14 is not
// deferred (Article 69(3)).
func TestDeferredBeforeApplication(t *testing.T) {
	expired := replace(t, replace(t, baseManifest, "end = 2033-03-01", "end = 2026-10-01"), "placed_on_market = 2028-03-01",
		"placed_on_market = 2021-03-01")
	noDoc := replace(t, baseManifest, `design = "docs/tech/architecture.md"`+"\n", "")
	noCSIRT := replace(t, baseManifest, `csirt = "DE"`+"\n", "")
	later := time.Date(2028, 1, 10, 0, 0, 0, 0, time.UTC)
	sev := func(m string, now time.Time, rule string) []finding.Severity {
		var out []finding.Severity
		for _, f := range findingsOf(runAt(t, m, nil, now), rule) {
			out = append(out, f.Severity)
			if f.Severity == finding.Warning && now.Before(generalApplication) && !strings.Contains(f.Message, "(a warning for now: ") &&
				!strings.Contains(f.Message, "required from 11 December 2027 (Article 71(2))") {
				t.Errorf("%s deferred without saying why: %s", rule, f.Message)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name, m, rule string
		now           time.Time
		want          finding.Severity
	}{
		{"support expired, before 2027-12-11", expired, "support-expired", testNow, finding.Warning},
		{"documentation missing, before 2027-12-11", noDoc, "documentation-missing", testNow, finding.Warning},
		{"documentation missing, from 2027-12-11", noDoc, "documentation-missing", later, finding.Error},
		{"CSIRT missing: Article 14 applies now", noCSIRT, "disclosure-reporting-csirt", testNow, finding.Error},
		// Hardware placed in 2021: units placed from 2027-12-11 must comply.
		{"hardware legacy, from 2027-12-11", expired, "support-expired", later, finding.Error},
		// Software placed in 2021 and not substantially modified since: not subject.
		{"software legacy, from 2027-12-11", replace(t, expired, `kind = "hardware"`, `kind = "software"`), "support-expired", later, finding.Warning},
		{"software legacy with a substantial modification placed from 2027-12-11",
			replace(t, expired, `kind = "hardware"`, `kind = "software"`) + "\n[[modification]]\nversion = \"3.0.0\"\ndate = 2028-01-05\n" +
				"substantial = true\nsupport_end = 2033-01-05\nrationale = \"Adds remote access, which changes the risk assessment.\"\n",
			"support-expired", later, finding.Error},
	} {
		if got := sev(tc.m, tc.now, tc.rule); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: %s %v, want one %s", tc.name, tc.rule, got, tc.want)
		}
	}
}

// TestModifications: each substantially modified version needs its own
// support period (guidance point 128), at least five years or its expected
// use (Article 13(8)); a non-substantial one keeps the original period.
func TestModifications(t *testing.T) {
	later := time.Date(2028, 6, 1, 0, 0, 0, 0, time.UTC)
	mod := func(body string) string {
		return baseManifest + "\n[[modification]]\nversion = \"3.0.0\"\ndate = 2028-03-01\nrationale = \"Adds remote access, which changes the " +
			"risk assessment (Article 3(30)).\"\n" + body
	}
	for _, tc := range []struct {
		name, body, want string
	}{
		{"substantial without its period", "substantial = true\n", "needs a support period of its own (guidance point 128)"},
		{"substantial with five years", "substantial = true\nsupport_end = 2033-03-01\n", ""},
		{"substantial with four years", "substantial = true\nsupport_end = 2032-03-01\n", "under five years"},
		{"substantial, used longer than supported", "substantial = true\nsupport_end = 2034-03-01\nexpected_use_years = 8\n",
			"shorter than the 8 years it is expected to be in use (Article 13(8))"},
		{"substantial, short use covered", "substantial = true\nsupport_end = 2031-03-01\nexpected_use_years = 3\n", ""},
		{"not substantial keeps the original period", "substantial = false\n", ""},
	} {
		fs := findingsOf(runAt(t, mod(tc.body), nil, later), "support-modification")
		switch {
		case tc.want == "" && len(fs) != 0:
			t.Errorf("%s: %+v, want none", tc.name, fs)
		case tc.want != "" && (len(fs) != 1 || fs[0].Severity != finding.Error || !strings.Contains(fs[0].Message, tc.want)):
			t.Errorf("%s: %+v, want one error saying %q", tc.name, fs, tc.want)
		}
	}
	short := strings.Replace(mod("substantial = false\n"), "Adds remote access, which changes the risk assessment (Article 3(30)).", "Bug fix.", 1)
	if fs := findingsOf(runAt(t, short, nil, later), "support-modification"); len(fs) != 1 || fs[0].Severity != finding.Warning {
		t.Errorf("a two-word rationale: %+v", fs)
	}
}

// TestDueDiligenceCEMarking: guidance point 207 lists the evidence reusable
// for a third-party cloud service; CE marking is affixed to products with
// digital elements, which a service is not (FAQ 1.2).
func TestDueDiligenceCEMarking(t *testing.T) {
	files := map[string]string{"docs/vendors/sms.md": "ISO 27001 certificate on file.\n"}
	for _, ev := range []string{"eu-2024-2690", "dora", "eu-certification", "iso27017", "iso27001", "sla-vulnerability-notice"} {
		m := replace(t, baseManifest+thirdParty, `due_diligence = ["iso27001"]`, `due_diligence = ["`+ev+`"]`)
		if fs := findingsOf(runRepo(t, m, files), "scope-due-diligence-ce-marking"); len(fs) != 0 {
			t.Errorf("%s is point 207 evidence: %+v", ev, fs)
		}
	}
	ce := replace(t, baseManifest+thirdParty, `due_diligence = ["iso27001"]`, `due_diligence = ["ce-marking"]`)
	fs := findingsOf(runRepo(t, ce, files), "scope-due-diligence-ce-marking")
	if len(fs) != 1 || fs[0].Severity != finding.Warning || !strings.Contains(fs[0].Message, "guidance point 207") ||
		fs[0].Line != lineOf(t, ce, `due_diligence = ["ce-marking"]`) {
		t.Errorf("ce-marking for a SaaS: %+v", fs)
	}
}

// TestCSIRTMemberStates: Article 14(7): the CSIRT of a Member State; the EEA
// states only once the Regulation is incorporated into the EEA agreement.
func TestCSIRTMemberStates(t *testing.T) {
	for code, want := range map[string]string{"IS": "EEA state outside the Union", "NO": "EEA state outside the Union",
		"LI": "EEA state outside the Union", "CH": "not one of the 27 Member States", "UK": "not one of the 27 Member States",
		"EL": "use the ISO 3166-1 code \"GR\""} {
		m := replace(t, baseManifest, `csirt = "DE"`, `csirt = "`+code+`"`)
		fs := findingsOf(runRepo(t, m, nil), "disclosure-reporting-csirt")
		if len(fs) != 1 || fs[0].Severity != finding.Error || !strings.Contains(fs[0].Message, want) {
			t.Errorf("csirt %s: %+v, want %q", code, fs, want)
		}
	}
	for _, code := range []string{"AT", "GR", "HR", "IE", "SE", "nl"} {
		m := replace(t, baseManifest, `csirt = "DE"`, `csirt = "`+code+`"`)
		if fs := findingsOf(runRepo(t, m, nil), "disclosure-reporting-csirt"); len(fs) != 0 {
			t.Errorf("csirt %s is a Member State: %+v", code, fs)
		}
	}
	// reporting.basis names the ground of Article 14(7), third subparagraph.
	m := replace(t, baseManifest, `csirt = "DE"`, "csirt = \"NL\"\nbasis = \"authorised-representative\"")
	fs := findingsOf(runRepo(t, m, nil), "disclosure-reporting-deadlines")
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "for NL (Netherlands), where the authorised representative is established") {
		t.Errorf("basis in the notice: %+v", fs)
	}
	bad := replace(t, baseManifest, `csirt = "DE"`, "csirt = \"NL\"\nbasis = \"subsidiary\"")
	if fs := findingsOf(runRepo(t, bad, nil), "manifest-invalid-value"); len(fs) != 1 {
		t.Errorf("an unknown basis: %+v", fs)
	}
}

// TestContactFormIsANotice: Recital 63 names a form a proper means; Article
// 13(17) lets users choose theirs.
func TestContactFormIsANotice(t *testing.T) {
	r, _ := Lookup("disclosure-contact-form-only")
	if r.Severity != finding.Notice {
		t.Errorf("disclosure-contact-form-only is a %s", r.Severity)
	}
}

// TestConventionsLabelled: RFC 9116 conformance is a convention the gate
// applies, not Annex I Part II(6); no rule says the final guidance "was not
// available" any more.
func TestConventionsLabelled(t *testing.T) {
	for _, id := range []string{"disclosure-securitytxt-invalid", "disclosure-securitytxt-expired", "disclosure-securitytxt-expires-far",
		"disclosure-securitytxt-not-found"} {
		r, _ := Lookup(id)
		if !strings.Contains(r.Reference, "convention") || strings.HasPrefix(r.Reference, "Annex I Part II(6)") {
			t.Errorf("%s: reference %q", id, r.Reference)
		}
	}
	for _, r := range Rules() {
		for _, stale := range []string{"was not available", "not confirmed against the final", "final guidance is not"} {
			if strings.Contains(r.Why+r.Summary+r.Reference, stale) {
				t.Errorf("%s still says %q", r.ID, stale)
			}
		}
	}
}
