package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(run go test ./report -update to accept)", path, i+1, g, w)
		}
	}
}

func base() finding.Result {
	return finding.Result{
		Version: finding.FormatVersion,
		Tool:    finding.Tool{Name: "cra-gate", Version: "0.1.0"},
		Date:    "2026-11-22",
		Config:  "cra.toml",
		Product: finding.Product{Name: "Acme Smart Lock", Manufacturer: "Acme GmbH", Version: "3.2.0"},
	}
}

// failing has errors, warnings and notices across four checks, a finding with
// no file, one with no line, and source lines with tabs.
func failing() *finding.Result {
	r := base()
	r.Findings = []finding.Finding{
		{Check: "support", Rule: "support-shorter-than-use", Severity: finding.Notice, File: "cra.toml", Line: 33, Column: 7,
			Message: "support ends 2031-03-01, 4 years 11 months after placing on the market; expected_use_years = 4 explains it", Reference: "Article 13(8)"},
		{Check: "manifest", Rule: "manifest-unknown-key", Severity: finding.Error, File: "cra.toml", Line: 52, Column: 1,
			Message:   `unknown key "rationle" in [[rdps]] "acme-cloud-api"; did you mean "rationale"?`,
			Reference: "Annex VII", Fix: "Correct the key's spelling. Unknown keys are rejected so that a typo cannot disable a check.",
			Source: `rationle = "Remote unlock cannot work without this API."`},
		{Check: "scope", Rule: "scope-unknown-function", Severity: finding.Error, File: "cra.toml", Line: 51, Column: 28,
			Message:   `function "remote-unlok" of [[rdps]] "acme-cloud-api" is not one of product.functions; did you mean "remote-unlock"?`,
			Reference: "Article 3(2)", Fix: "Use a name listed in product.functions, or add the function there.",
			Source: `functions = ["onboarding", "remote-unlok"]`},
		{Check: "scope", Rule: "scope-connectivity", Severity: finding.Notice, File: "cra.toml", Line: 60, Column: 9,
			Message:   `[[third_party]] "Mobile network" is connectivity: a network operator is neither RDPS nor a third-party component`,
			Reference: "Recital 11", Fix: `Move it to [[excluded]] with reason = "connectivity".`,
			Source: "\tkind = \"connectivity\""},
		{Check: "sbom", Rule: "sbom-no-dependencies", Severity: finding.Warning, File: "sbom/app.cdx.json",
			Message:   "SBOM has 143 components but no dependency graph from the primary component",
			Reference: "Annex I Part II(1)", Fix: "Generate the SBOM with a tool that records dependencies (cyclonedx-gomod, syft)."},
		{Check: "sbom", Rule: "sbom-drift-missing", Severity: finding.Warning, File: "go.mod", Line: 7, Column: 2,
			Message:   "direct dependency github.com/BurntSushi/toml v1.6.0 is not in sbom/firmware.cdx.json",
			Reference: "Annex I Part II(1)", Fix: "Regenerate the SBOM from the current dependency manifest.",
			Source: "\tgithub.com/BurntSushi/toml v1.6.0"},
		{Check: "disclosure", Rule: "disclosure-reporting-missing", Severity: finding.Error, File: "cra.toml",
			Message: "no [reporting] section: Article 14 applies from 2026-09-11 (early warning within 24 h, " +
				"notification within 72 h, final report within 14 days / 1 month)",
			Reference: "Article 14", Fix: "Add [reporting] with csirt (the member state of main establishment) and contact."},
		{Check: "disclosure", Rule: "disclosure-acknowledge-slow", Severity: finding.Warning, File: "cra.toml", Line: 40, Column: 20,
			Message:   "acknowledge_days = 30: more than 14 days to acknowledge a report",
			Reference: "Annex I Part II(5)", Fix: "Promise a first response within 14 days.",
			Source: "acknowledge_days = 30                       # promised first response, in days"},
		{Check: "disclosure", Rule: "disclosure-policy-external", Severity: finding.Notice,
			Message:   "disclosure.policy is an https URL: accepted as given, not checked",
			Reference: "Annex I Part II(5)"},
	}
	r.SBOMs = []finding.SBOMCoverage{{File: "sbom/app.cdx.json",
		Format:      "CycloneDX",
		SpecVersion: "1.6",
		Components:  143,
		Profile:     "ntia",
		Generator:   "cyclonedx-gomod",

		Timestamp: true, Creator: true, Fields: []finding.FieldCoverage{
			{Field: "supplier", Present: 12, Percent: 8.3, Threshold: 80, Missing: []string{"golang.org/x/sys@v0.20.0"}},
			{Field: "name", Present: 143, Percent: 100, Threshold: 100},
			{Field: "dependencies", Present: 143, Percent: 100, Threshold: 80},
			{Field: "hash", Present: 140, Percent: 97.9},
			{Field: "license", Present: 0, Percent: 0},
		}}}
	r.Evaluate(finding.FailOnError, allChecks, nil)
	return &r
}

// passing has one warning and one notice; it passes at --fail-on error.
func passing() *finding.Result {
	r := base()
	r.Findings = []finding.Finding{
		{Check: "scope", Rule: "scope-no-rdps", Severity: finding.Notice, File: "cra.toml", Line: 3,
			Message:   "no [[rdps]]: the technical documentation must state that the product has no remote data processing",
			Reference: "Article 3(2)"},
		{Check: "support", Rule: "support-ending-soon", Severity: finding.Warning, File: "cra.toml", Line: 33, Column: 7,
			Message:   "support ends 2027-06-30, within 12 months of 2026-11-22",
			Reference: "Article 13(8)", Fix: "Extend support.end, or plan the end of sales.",
			Source: "end = 2027-06-30"},
	}
	r.Evaluate(finding.FailOnError, allChecks, nil)
	return &r
}

// skipped failed to load its manifest, so four checks did not run.
func skipped() *finding.Result {
	r := base()
	r.Product = finding.Product{}
	r.Findings = []finding.Finding{
		{Check: "manifest", Rule: "manifest-syntax", Severity: finding.Error, File: "cra.toml", Line: 7, Column: 23,
			Message: "expected a comma or ] after an array element, found '\"'", Reference: "Annex VII",
			Fix:    "Fix the TOML syntax at the position shown.",
			Source: `functions = ["unlock" "remote-unlock"]`},
	}
	why := "cra.toml did not load"
	r.Evaluate(finding.FailOnError, allChecks, map[string]string{"scope": why, "sbom": why, "disclosure": why, "support": why})
	return &r
}

// rules are the registry's rules the fixtures use, except
// disclosure-policy-external, which SARIF must describe on its own.
func rules() []finding.Rule {
	var out []finding.Rule
	for _, id := range []string{"manifest-unknown-key", "manifest-syntax", "scope-unknown-function", "scope-connectivity",
		"scope-no-rdps", "sbom-no-dependencies", "sbom-drift-missing", "disclosure-reporting-missing",
		"disclosure-acknowledge-slow", "support-shorter-than-use", "support-ending-soon"} {
		r, ok := checks.Lookup(id)
		if !ok {
			panic("no rule " + id)
		}
		out = append(out, r)
	}
	return out
}

// hostile returns a result whose repository text tries every trick.
func hostile() *finding.Result {
	r := base()
	r.Product.Name = "Evil | <b>Lock</b> @octocat [x](http://evil)"
	r.Product.Manufacturer = "ACME <!-- hidden -->"
	r.Findings = []finding.Finding{
		{Check: "manifest", Rule: "manifest-unknown-key", Severity: finding.Error, File: "a,b:c|d`e<f>.toml", Line: 3, Column: 2,
			Message:   hostileText,
			Reference: "Article <i>14</i> | x", Fix: "run `rm -rf /`\n# heading\n- item\n</details>",
			Source: "\x1b[2J\x1b[H" + "key = 1"},
		{Check: "scope", Rule: "scope-connectivity", Severity: finding.Notice, File: "x.toml", Line: 1,
			Message: "notice </details><script>alert(1)</script> @admin"},
	}
	r.Evaluate(finding.FailOnError, allChecks, nil)
	return &r
}

// hostileText is a message with newlines, workflow commands, escapes, HTML,
// Markdown and mentions.
const hostileText = "line one\n::error::pwned\r\n%0A::warning::also pwned %25 <!-- x --> --> </details> <script>alert(1)</script> " +
	"@user team@org [x](http://evil) ![img](http://evil/i.png) `code` ``` \\ * _em_ ~~s~~ | pipe # h \x1b[31mred\x07 \u009b2J \u202eevil $x$"

// allChecks are the gate's checks in report order, as checks.Checks lists them.
var allChecks = []string{"manifest", "scope", "sbom", "disclosure", "support", "vulns", "documentation"}
