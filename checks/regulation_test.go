package checks

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/finding"
)

// The tests of this file pin each rule of issue 11 to the provision it
// applies, quoting it: a change of behaviour or of citation fails here.

// runAt runs the gate on baseFiles plus files, with cra.toml = m, on now.
// refConvention is the Reference of a rule that is the gate's own convention:
// how cra.toml is written, limits, thresholds. No CRA provision sets it; the
// rule's Why says which provision the fact it protects serves, if any.
const refConvention = "cra-gate convention (no CRA provision)"

// refSBOMProfile: the fields and thresholds are an SBOM profile's, not the
// CRA's.
const refSBOMProfile = "SBOM profile: NTIA minimum elements or BSI TR-03183-2 (not a CRA provision; the CRA: Annex I Part II(1))"

// refDocumentation is the documentation rules' reference.
const (
	refDocumentation = "Article 31, Annex VII, Annex II; Article 71(2)"
	refUserInfo      = "Annex II; Article 13(18)-(19)"
)

// repeat is n copies of s.
func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func runAt(t *testing.T, m string, files map[string]string, now time.Time) *finding.Result {
	t.Helper()
	all := mergeFiles(baseFiles(), files)
	for k, v := range all {
		if v == "" {
			delete(all, k)
		}
	}
	all["cra.toml"] = m
	res, err := Run(writeRepo(t, all), "cra.toml", Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestCitations pins each corrected citation: the Reference it gives, and
// the words of the provision its docs quote.
func TestCitations(t *testing.T) {
	for _, tc := range []struct {
		rule, reference string
		quotes          []string
	}{
		// The CRA sets no acknowledgement time: the CVD policy of Annex I Part II(5).
		{"disclosure-acknowledge-slow",
			"Annex I Part II(5); the 14 days: cra-gate convention (no CRA provision)",
			[]string{"put in place and enforce a policy on coordinated vulnerability disclosure", "gate.acknowledge_max_days"}},
		{"scope-connectivity",
			"Article 3(2); Commission guidance C(2026) 5252, point 8.3.5 (cellular network)",
			[]string{"the absence of which would prevent the product with digital elements from performing one " +
				"of its functions", "does not meet the definition of RDPS"}},
		// Annex VII(8) is the SBOM on a market surveillance authority's request; drift is Article 31(2).
		{"sbom-drift-missing",
			"Annex I Part II(1), Annex VII(2)(b), Article 31(2)",
			[]string{"covering at the very least the top-level dependencies", "shall be continuously updated, where appropriate, at least during the support period"}},
		{"sbom-drift-version", "Annex I Part II(1), Annex VII(2)(b), Article 31(2)", []string{"Article 31(2)"}},
		{"sbom-deps-unreadable", "Annex I Part II(1), Annex VII(2)(b), Article 31(2)", []string{"Article 31(2)"}},
		{"scope-conformity-route",
			"Article 27(1), 27(9), Article 32(2)-(5); Commission guidance C(2026) 5252, points 149, 153",
			[]string{"has not applied or has applied only in part harmonised standards, common specifications " +
				"or European cybersecurity certification schemes at assurance level at least 'substantial'",
				"the references of which have been published in the Official Journal", "accordance with Article 27(9)", "Annex III categories"}},
		{"scope-conformity-confirm", "Article 32(4) with Article 8(1)", []string{"delegated act under Article 8(1)"}},
		{"scope-no-rdps",
			"Annex VII(2)(a); Commission guidance C(2026) 5252, point 204",
			[]string{"a description of the system architecture explaining how software components build on or " +
				"feed into each other and integrate into the overall processing"}},
		{"scope-due-diligence-missing",
			"Article 13(5), by analogy for services (Commission guidance C(2026) 5252, points 200-202, 207-208)",
			[]string{"manufacturers shall exercise due diligence when integrating components sourced from third parties",
				"ISO/IEC 27017:2015 or ISO/IEC 27001:2022 (point 207)"}},
		{"scope-evidence-missing",
			"Article 13(5), by analogy for services (Commission guidance C(2026) 5252, point 207); Article 31(1)",
			[]string{"by analogy"}},
		// The field thresholds are a profile's, not the CRA's.
		{"sbom-field-coverage", refSBOMProfile, []string{"in a commonly used and machine-readable format covering at the very least the top-level " +
			"dependencies", "not the CRA's"}},
		{"sbom-metadata", refSBOMProfile, []string{"not of the CRA"}},
		{"disclosure-reporting-missing",
			"Article 14, Article 69(3), Article 71(2); Article 24(3) for a steward",
			[]string{"However, Article 14 shall apply from 11 September 2026", "placed on the market before 11 December 2027"}},
		{"disclosure-reporting-csirt",
			"Article 14(7); Article 69(3), Article 71(2)",
			[]string{"using the electronic notification end-point of the CSIRT designated as coordinator of the " +
				"Member State where the manufacturers have their main establishment in the Union", "the authorised " +
				"representative acting on behalf of the manufacturer for the highest number of products",
				"Iceland, Liechtenstein and Norway"}},
		{"disclosure-reporting-contact", "Article 14(1)-(4); Article 69(3), Article 71(2)", []string{"in any event within 24 hours"}},
		{"disclosure-reporting-deadlines",
			"Article 14(2), 14(4), 14(7), 14(8); Article 69(3), Article 71(2)",
			[]string{"no later than 14 days after a corrective or mitigating measure is available",
				"within one month after the submission of the incident notification",
				"the manufacturer shall inform the impacted users of the product with digital elements, " +
					"and where appropriate all users"}},
		// The gate's own conventions say so.
		{"disclosure-contact-invalid", refConvention, []string{"a contact address for the reporting of the vulnerabilities"}},
		{"support-ending-soon", refConvention, []string{"The 12 months are the gate's convention"}},
		{"manifest-limit", refConvention, nil},
		{"sbom-too-large", refConvention, nil},
		// New rules.
		{"disclosure-contact-form-only", "Article 13(17); Recital 63", []string{"shall not limit such means to automated tools", "Recital 63"}},
		{"support-shorter-than-use",
			"Article 13(8); Commission guidance C(2026) 5252, point 126",
			[]string{"shall determine the support period so that it reflects the length of time during which " +
				"the product is expected to be in use", "is therefore not to be considered as the default"}},
		{"support-later-units",
			"Article 13(8); Commission FAQ 4.5.3",
			[]string{"for units of that product that are newly placed on the market, manufacturers are required " +
				"to set the support period"}},
		{"scope-legacy-product",
			"Article 69(2)-(3), Article 71(2)",
			[]string{"shall be subject to the requirements set out in this Regulation only if, from that date, " +
				"those products are subject to a substantial modification", "legacy types or models are not exempted"}},
		{"scope-steward", "Article 24, Article 3(14), Article 71(2)", []string{"Article 14(1), (3) and (8)", "FAQ 5.5"}},
		{"scope-standards-unnamed", "Annex VII(5)", []string{"the references of which have been published in the Official Journal of the European Union"}},
		{"scope-certification-scheme-missing", "Article 32(1)(d), Article 27(9), Annex VII(5)", []string{"where available and applicable"}},
		{"scope-excluded-backend",
			"Article 3(2), Recital 11; Commission guidance C(2026) 5252, points 205-206",
			[]string{"do therefore not entail technical, operational or organisational measures", "still assesses and mitigates the risks"}},
		{"documentation-missing", refDocumentation, []string{"The technical documentation shall be drawn up before the product with digital elements is " +
			"placed on the market", "This Regulation shall apply from 11 December 2027"}},
		{"documentation-user-information",
			refUserInfo,
			[]string{"can be reported and received", "where applicable, the internet address at which the EU declaration of conformity can " +
				"be accessed", "at least the month and year", "which may lead to significant cybersecurity risks",
				"how security-relevant updates can be installed", "how user data can be securely removed", "can be turned off",
				"it cannot judge whether the statement is sufficient"}},
	} {
		r, ok := Lookup(tc.rule)
		if !ok {
			t.Errorf("no rule %s", tc.rule)
			continue
		}
		if r.Reference != tc.reference {
			t.Errorf("%s: reference %q, want %q", tc.rule, r.Reference, tc.reference)
		}
		for _, q := range tc.quotes {
			if !strings.Contains(r.Why, q) {
				t.Errorf("%s: Why does not quote %q:\n%s", tc.rule, q, r.Why)
			}
		}
	}
	// Every manifest rule is the gate's convention; no rule cites Annex VII(8)
	// for drift any more.
	for _, r := range Rules() {
		if r.Check == finding.CheckManifest && r.Reference != refConvention {
			t.Errorf("%s: reference %q, want %q", r.ID, r.Reference, refConvention)
		}
		if strings.Contains(r.Reference, "Annex VII(8)") {
			t.Errorf("%s still cites Annex VII(8): %q", r.ID, r.Reference)
		}
	}
}

// TestDeadlinesNotice: Article 14(2)(c), 14(4)(c), 14(7) and 14(8) in the notice itself.
func TestDeadlinesNotice(t *testing.T) {
	res := runRepo(t, baseManifest, nil)
	fs := findingsOf(res, "disclosure-reporting-deadlines")
	if len(fs) != 1 {
		t.Fatalf("%d deadline notices", len(fs))
	}
	for _, want := range []string{
		"no later than 14 days after a corrective or mitigating measure is available (vulnerability, 14(2)(c))",
		"within one month after the incident notification (incident, 14(4)(c))",
		"single reporting platform to the CSIRT designated as coordinator for DE (Germany), simultaneously accessible to ENISA (14(7))",
		"the authorised representative, else the importer, else the distributor, else where most users are (14(7))",
		"inform impacted users, and where appropriate all users",
	} {
		if !strings.Contains(fs[0].Message, want) {
			t.Errorf("notice lacks %q:\n%s", want, fs[0].Message)
		}
	}
}

// TestAcknowledgeMaxDays: the 14 days are the gate's convention, set under [gate].
func TestAcknowledgeMaxDays(t *testing.T) {
	b := baseManifest
	ack := func(days, max string) string {
		m := replace(t, b, `contact = "mailto:security@testlock.eu"`, "contact = \"mailto:security@testlock.eu\"\nacknowledge_days = "+days)
		if max != "" {
			m += "\n[gate]\nacknowledge_max_days = " + max + "\n"
		}
		return m
	}
	slow7, fine30, bad, def := ack("10", "7"), ack("20", "30"), ack("5", "0"), ack("15", "")
	runCases(t, []ruleCase{
		{name: "above a stricter ceiling", manifest: slow7, want: []string{hit(t, "disclosure-acknowledge-slow", slow7, "acknowledge_days")}},
		{name: "within a looser ceiling", manifest: fine30},
		{name: "default 14 days", manifest: def, want: []string{hit(t, "disclosure-acknowledge-slow", def, "acknowledge_days")}},
		{name: "ceiling out of range", manifest: bad, want: []string{hit(t, "manifest-invalid-value", bad, "acknowledge_max_days")}},
	})
}

// TestExcludedConnectivityAndBackend: a network carries functions (notice), a
// segregated back-end is outside RDPS (notice); analytics a function needs is still an error.
func TestExcludedConnectivityAndBackend(t *testing.T) {
	entry := func(reason string) string {
		return baseManifest + "\n[[excluded]]\nname = \"svc\"\nreason = \"" + reason + "\"\nfunctions = [\"onboarding\"]\nrationale = \"Carries or " +
			"serves remote unlock without " +
			"processing product data for it.\"\n"
	}
	conn, backend, analytics := entry("connectivity"), entry("backend"), entry("analytics")
	backendNoFn := strings.Replace(backend, "functions = [\"onboarding\"]\n", "", 1)
	runCases(t, []ruleCase{
		{name: "connectivity with functions",
			manifest: conn,
			notices:  true,
			want: []string{hit(t, "scope-excluded-connectivity", conn, `functions = ["onboarding"]`),
				hit(t, "disclosure-reporting-deadlines", conn, "[reporting]")}},
		{name: "backend with functions",
			manifest: backend,
			notices:  true,
			want:     []string{hit(t, "scope-excluded-backend", backend, `reason = "backend"`), hit(t, "disclosure-reporting-deadlines", backend, "[reporting]")}},
		{name: "backend without functions",
			manifest: backendNoFn,
			notices:  true,
			want: []string{hit(t, "scope-excluded-backend", backendNoFn, `reason = "backend"`),
				hit(t, "disclosure-reporting-deadlines", backendNoFn, "[reporting]")}},
		{name: "analytics a function needs", manifest: analytics, want: []string{hit(t, "scope-excluded-needed", analytics, `functions = ["onboarding"]`)}},
	})
}

// TestHarmonisedStandardsShapes: true or a list (Annex VII(5)); anything else is a type error.
func TestHarmonisedStandardsShapes(t *testing.T) {
	with := func(v string) string {
		return replace(t, baseManifest, `conformity = "module-a"`, "conformity = \"module-a\"\nharmonised_standards = "+v)
	}
	str, blank := with(`"EN 18031-1:2024"`), with(`["EN 18031-1:2024", " "]`)
	runCases(t, []ruleCase{
		{name: "a string, not a list", manifest: str, want: []string{hit(t, "manifest-type", str, "harmonised_standards")}},
		{name: "a blank reference", manifest: blank, want: []string{hit(t, "manifest-invalid-value", blank, "harmonised_standards")}},
		{name: "false", manifest: with("false")},
	})
	res := runRepo(t, str, nil)
	if len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Message, `such as ["EN 18031-1:2024"]`) {
		t.Errorf("type error should say what to write: %+v", res.Findings)
	}
}

// TestEUCertification: a European scheme (Article 32(1)(d), 27(9)); "eucc"
// is its alias. No delegated act under Article 27(9) specifies one as of the
// gate's dated list, so the route is an error for a classed product and a
// warning for a default one (guidance point 153); law_test.go swaps the list.
func TestEUCertification(t *testing.T) {
	crit := replace(t, baseManifest, `class = "default"`, `class = "critical"`)
	noScheme := replace(t, crit, `conformity = "module-a"`, `conformity = "eu-certification"`)
	scheme := replace(t, noScheme, `conformity = "eu-certification"`, "conformity = \"eu-certification\"\ncertification_scheme = \"EUCC\"")
	alias := replace(t, crit, `conformity = "module-a"`, `conformity = "eucc"`)
	runCases(t, []ruleCase{
		{name: "no scheme named",
			manifest: noScheme,
			want: []string{hit(t, "scope-certification-scheme-missing", noScheme, "conformity"),
				hit(t, "scope-conformity-route", noScheme, "conformity")}},
		{name: "scheme named", manifest: scheme, want: []string{hit(t, "scope-conformity-route", scheme, "conformity")}},
		{name: "eucc alias", manifest: alias, want: []string{hit(t, "scope-conformity-route", alias, "conformity")}},
	})
}

// TestDocumentationCheck: Annex VII items, their dates (Article 71(2)) and the Annex II document.
func TestDocumentationCheck(t *testing.T) {
	b := baseManifest
	noDesign := replace(t, b, `design = "docs/tech/architecture.md"`+"\n", "")
	missingPath := replace(t, b, `design = "docs/tech/architecture.md"`, `design = "docs/tech/nope.md"`)
	outside := replace(t, b, `design = "docs/tech/architecture.md"`, `design = "../../design.md"`)
	httpURL := replace(t, b, `design = "docs/tech/architecture.md"`, `design = "http://testlock.eu/design"`)
	url := replace(t, b, `design = "docs/tech/architecture.md"`, `design = "https://testlock.eu/design"`)
	naShort := replace(t, b, `standards = "n/a: no harmonised standard for smart locks is cited in the Official Journal yet"`, `standards = "n/a: none yet"`)
	naBare := replace(t, b, `standards = "n/a: no harmonised standard for smart locks is cited in the Official Journal yet"`, `standards = "n/a"`)
	userDir := replace(t, b, `user_information = "docs/user/security.md"`, `user_information = "docs/tech/tests/"`)
	runCases(t, []ruleCase{
		{name: "an item not declared", manifest: noDesign, want: []string{hit(t, "documentation-missing", noDesign, "[documentation]")}},
		{name: "a path that does not exist", manifest: missingPath, want: []string{hit(t, "documentation-not-found", missingPath, "design =")}},
		// A refused path counts as absent for the documentation check too.
		{name: "a path outside the repository",
			manifest: outside,
			want:     []string{hit(t, "manifest-path", outside, "design ="), hit(t, "documentation-not-found", outside, "design =")}},
		{name: "an http URL",
			manifest: httpURL,
			want:     []string{hit(t, "manifest-path", httpURL, "design ="), hit(t, "documentation-not-found", httpURL, "design =")}},
		{name: "an https URL is accepted as given", manifest: url},
		{name: "n/a with a few words", manifest: naShort, want: []string{hit(t, "documentation-na-reason", naShort, "standards =")}},
		{name: "n/a without a reason", manifest: naBare, want: []string{hit(t, "documentation-missing", naBare, "standards =")}},
		{name: "user information is a folder", manifest: userDir, want: []string{hit(t, "documentation-not-found", userDir, "user_information =")}},
		{name: "user information names nothing",
			manifest: b,
			files:    map[string]string{"docs/user/security.md": "# Security\n\nKeep the firmware up to date.\n"},
			// "Keep the firmware up to date" says none of Annex II's statements.
			want: repeat("documentation-user-information@docs/user/security.md:1", 12)},
	})
	// Each missing Annex II element is its own finding, named by its item.
	res := runRepo(t, b, map[string]string{"docs/user/security.md": "# Security\n"})
	var items []string
	for _, f := range findingsOf(res, "documentation-user-information") {
		items = append(items, f.Item)
	}
	sort.Strings(items)
	// Annex II (1)-(8), each statement its own item; (9), the SBOM's
	// location, is optional ("if the manufacturer decides to make [it]
	// available") and not looked for.
	want := "automatic-updates,contact,declaration-of-conformity,decommissioning,disclosure-policy,intended-purpose," +
		"manufacturer,product,risks,secure-use,support-end,updates"
	if strings.Join(items, ",") != want {
		t.Errorf("user-information items %v, want %s", items, want)
	}
	// A missing item is a warning before 11 December 2027 (Article 71(2)), an error from then.
	for now, want := range map[time.Time]finding.Severity{generalApplication.AddDate(0, 0, -1): finding.Warning, generalApplication: finding.Error} {
		fs := findingsOf(runAt(t, noDesign, nil, now), "documentation-missing")
		if len(fs) != 1 || fs[0].Severity != want {
			t.Errorf("on %s: %+v, want one %s", date(now), fs, want)
		}
	}
	// No [documentation] table: one finding per item, each named by its key,
	// about the file as a whole (line 1 is some other key or a comment).
	bare := b[:strings.Index(b, "[documentation]")]
	fs := findingsOf(runRepo(t, bare, nil), "documentation-missing")
	if len(fs) != 9 || fs[0].Line != 0 || fs[0].Item == "" {
		t.Errorf("without a table: %d findings, first %+v", len(fs), fs)
	}
}

// TestSteward: Article 24: policy and reporting required, the manufacturer-only
// rules skipped with a notice naming Article 24.
func TestSteward(t *testing.T) {
	m := replace(t, baseManifest, `class = "default"`, "class = \"important-2\"\nrole = \"steward\"")
	m = replace(t, m, "end = 2033-03-01\n", "") // no support period to declare
	m = m[:strings.Index(m, "[documentation]")] // nor technical documentation
	res := runRepo(t, m, nil)
	if got := hits(res.Findings, false); len(got) != 0 || !res.Passed {
		t.Errorf("steward: important-2 with module-a, no support.end, no documentation: %v", got)
	}
	if n := findingsOf(res, "scope-steward"); len(n) != 1 || !strings.Contains(n[0].Message, "Article 24") {
		t.Errorf("steward notice: %+v", n)
	}
	for _, id := range []string{finding.CheckSupport, finding.CheckDocumentation} {
		if c := checkStatus(res, id); c.Status != finding.StatusSkip || !strings.Contains(c.Reason, "Article 24") {
			t.Errorf("check %s: %+v", id, c)
		}
	}
	// Article 24(3) applies from 11 December 2027 (Article 71(2)).
	noReporting := m[:strings.Index(m, "[reporting]")] + m[strings.Index(m, "[[rdps]]"):]
	for now, want := range map[time.Time]finding.Severity{testNow: finding.Warning, generalApplication: finding.Error} {
		fs := findingsOf(runAt(t, noReporting, nil, now), "disclosure-reporting-missing")
		if len(fs) != 1 || fs[0].Severity != want || !strings.Contains(fs[0].Message, "Article 24(3)") {
			t.Errorf("steward without [reporting] on %s: %+v, want %s", date(now), fs, want)
		}
	}
	// The disclosure policy stays required.
	noPolicy := replace(t, m, `policy = "SECURITY.md"`+"\n", "")
	if fs := findingsOf(runRepo(t, noPolicy, nil), "manifest-required"); len(fs) != 1 {
		t.Errorf("steward without a policy: %+v", fs)
	}
	bad := replace(t, baseManifest, `class = "default"`, "class = \"default\"\nrole = \"maintainer\"")
	runCases(t, []ruleCase{{name: "unknown role", manifest: bad, want: []string{hit(t, "manifest-invalid-value", bad, "role")}}})
}

// TestLegacyProduct: Article 69(2)-(3): a notice, and no rule switched off.
func TestLegacyProduct(t *testing.T) {
	m := replace(t, baseManifest, "placed_on_market = 2028-03-01", "placed_on_market = 2026-03-01")
	m = replace(t, m, `class = "default"`, `class = "important-2"`) // module-a: still an error
	res := runRepo(t, m, nil)
	n := findingsOf(res, "scope-legacy-product")
	if len(n) != 1 || !strings.Contains(n[0].Message,
		"units placed on the market from 11 December 2027 must meet the requirements; earlier units only if substantially "+
			"modified from then (Article 69(2))") || !strings.Contains(n[0].Message,
		"Article 14 reporting applies to it from 11 September 2026 (Article 69(3))") {
		t.Errorf("legacy notice, hardware: %+v", n)
	}
	// Software: its copies are placed at the same time (guidance points
	// 13-16); only a substantially modified version placed from 11 December
	// 2027 is subject (Article 69(2)).
	sw := replace(t, m, `kind = "hardware"`, `kind = "software"`)
	n = findingsOf(runRepo(t, sw, nil), "scope-legacy-product")
	if len(n) != 1 || !strings.Contains(n[0].Message, "its copies placed later are placed at the same time (guidance points 13-16)") ||
		!strings.Contains(n[0].Message, "only from a substantial modification placed from 11 December 2027 (Article 69(2)") {
		t.Errorf("legacy notice, software: %+v", n)
	}
	if len(findingsOf(res, "scope-conformity-route")) != 1 || len(findingsOf(res, "disclosure-reporting-deadlines")) != 1 {
		t.Errorf("a legacy product still gets every rule: %v", hits(res.Findings, true))
	}
	if len(findingsOf(runRepo(t, baseManifest, nil), "scope-legacy-product")) != 0 {
		t.Error("a product first placed in 2028 is not legacy")
	}
}

// TestSupportUseAndLaterUnits: Article 13(8) and the Commission's FAQ 4.5.3.
func TestSupportUseAndLaterUnits(t *testing.T) {
	b := baseManifest
	useLonger := replace(t, b, "end = 2033-03-01", "end = 2033-03-01\nexpected_use_years = 7")
	useZero := replace(t, b, "end = 2033-03-01", "end = 2033-03-01\nexpected_use_years = 0")
	useCovered := replace(t, b, "end = 2033-03-01", "end = 2033-03-01\nexpected_use_years = 5")
	legacy := replace(t, replace(t, b, "placed_on_market = 2028-03-01", "placed_on_market = 2026-03-01"), "end = 2033-03-01", "end = 2031-03-01")
	doc := map[string]string{"docs/support.md": "until March 2031", "docs/user/security.md": strings.Replace(testUserInfo, "March 2033", "March 2031", 1)}
	runCases(t, []ruleCase{
		{name: "expected use longer than the period", manifest: useLonger, want: []string{hit(t, "support-shorter-than-use", useLonger, "expected_use_years")}},
		{name: "expected use of zero years", manifest: useZero, want: []string{hit(t, "support-shorter-than-use", useZero, "expected_use_years")}},
		{name: "expected use covered", manifest: useCovered},
		// Units placed from 11 December 2027 get only 3 years 2 months.
		{name: "later units short of five years", manifest: legacy, files: doc, want: []string{hit(t, "support-later-units", legacy, "end =")}},
	})
	fs := findingsOf(runAt(t, legacy, doc, testNow), "support-later-units")
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "from 11 December 2027") || !strings.Contains(fs[0].Message, "2032-12-11") {
		t.Errorf("before the Regulation applies: %+v", fs)
	}
	// After 11 December 2027 the measure is today.
	fs = findingsOf(runAt(t, legacy, doc, time.Date(2028, 6, 1, 0, 0, 0, 0, time.UTC)), "support-later-units")
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "from today (2028-06-01)") || !strings.Contains(fs[0].Message, "2033-06-01") {
		t.Errorf("after: %+v", fs)
	}
	// A justified short period: later units need the expected use time.
	short := replace(t, legacy, "end = 2031-03-01", "end = 2029-03-01\nexpected_use_years = 3\nrationale = \"Event badge: replaced after three "+
		"seasons at most, per five years of sales data.\"")
	shortDoc := map[string]string{"docs/support.md": "until March 2029", "docs/user/security.md": strings.Replace(testUserInfo, "March 2033", "March 2029", 1)}
	fs = findingsOf(runAt(t, short, shortDoc, testNow), "support-later-units")
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "at least 3 years") {
		t.Errorf("short period: %+v", fs)
	}
}

// TestContactFormOnly: Article 13(17) through security.txt as well as the policy.
func TestContactFormOnly(t *testing.T) {
	form := replace(t, baseManifest, `contact = "mailto:security@testlock.eu"`, "contact = \"https://testlock.eu/report\"\nsecurity_txt = \"security.txt\"")
	policy := "# Security\n\nReport vulnerabilities at https://testlock.eu/report.\nWe acknowledge reports within 3 days.\n"
	user := strings.Replace(testUserInfo, "security@testlock.eu", "https://testlock.eu/report", 1)
	runCases(t, []ruleCase{
		{name: "a form everywhere",
			manifest: form,
			files: map[string]string{"SECURITY.md": policy,
				"docs/user/security.md": user,
				"security.txt":          "Contact: https://testlock.eu/report\nExpires: 2027-06-30T00:00:00Z\n"},
			notices: true,
			want: []string{hit(t, "disclosure-contact-form-only", form, "contact ="), "disclosure-policy-external@SECURITY.md:3",
				hit(t, "disclosure-reporting-deadlines", form, "[reporting]")}},
		{name: "security.txt offers email",
			manifest: form,
			files: map[string]string{"SECURITY.md": policy,
				"docs/user/security.md": user,
				"security.txt": "Contact: https://testlock.eu/report\nContact: mailto:security@testlock.eu\nExpires: " +
					"2027-06-30T00:00:00Z\n"}},
	})
}
