package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

// TestVulnerabilitiesRendered checks the vulnerabilities table in each output,
// with advisory text that tries to break out of its medium.
func TestVulnerabilitiesRendered(t *testing.T) {
	hostile := "</details><script>x</script> | @team ::error::x\n::warning::y"
	r := &finding.Result{Version: 1, Config: "cra.toml",
		Findings: []finding.Finding{{Check: "vulns",
			Rule:     "vulns-kev",
			Severity: finding.Error,
			Message:  "known " + hostile,
			File:     "sbom/app.cdx.json",
			Line:     6,
			Item:     "pkg:npm/lodash@4.17.15#GHSA-1"}},
		Vulnerabilities: []finding.Vulnerability{
			{File: "sbom/app.cdx.json",
				Line:     6,
				Purl:     "pkg:npm/lodash@4.17.15",
				ID:       "GHSA-1",
				Aliases:  []string{"CVE-2020-8203"},
				Summary:  hostile,
				Fixed:    "4.17.19",
				KEV:      true,
				Severity: hostile},
			{File: "sbom/app.cdx.json", Line: 7, Purl: "pkg:npm/a@1", ID: "GHSA-2", VEX: &finding.VEX{Status: "not_affected", Justification: "component_not_present"}},
		}}
	r.Evaluate(finding.FailOnError, allChecks, nil)
	var md strings.Builder
	if err := Markdown(&md, []*finding.Result{r}, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	for _, want := range []string{
		"🛡️ **1 known vulnerability in 1 component**, 1 listed in CISA's KEV catalog",
		"| <code>lodash</code> 4.17.15 | <details><summary>⚠️ KEV · 1</summary>[GHSA-1](https://osv.dev/vulnerability/GHSA-1) (CVE-2020-8203) " +
			"⚠️ KEV, fixed in 4.17.19</details> | 4.17.19 |",
		"<details><summary>🛡️ 1 known vulnerability answered by VEX statements</summary>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<script>") || strings.Count(out, "</details>") != strings.Count(out, "<details>") {
		t.Errorf("markdown:\n%s", out)
	}
	checkTables(t, out)
	if i, j := strings.Index(out, "GHSA-1"), strings.Index(out, "GHSA-2"); i < 0 || j < i {
		t.Errorf("unanswered rows come first:\n%s", out)
	}
	var sarif bytes.Buffer
	SARIF(&sarif, []*finding.Result{r}, nil)
	if !strings.Contains(sarif.String(), `"advisory": {`) || !strings.Contains(sarif.String(), `"kev": true`) {
		t.Errorf("SARIF:\n%s", sarif.String())
	}
	var ann bytes.Buffer
	Annotations(&ann, r, AnnotationOptions{})
	if strings.Count(ann.String(), "\n") != 1 || strings.Contains(ann.String(), "\n::warning") {
		t.Errorf("annotation broke out:\n%s", ann.String())
	}
	var txt bytes.Buffer
	Text(&txt, r, TextOptions{})
	if !strings.Contains(txt.String(),
		"Known vulnerabilities (2, 1 answered by VEX)\n  a 1  GHSA-2  vex not_affected component_not_present\n") || !strings.Contains(txt.String(),
		"sbom/app.cdx.json:6: error: lodash 4.17.15: 1 known vulnerability: GHSA-1 (CVE-2020-8203) KEV, fixed in 4.17.19; all fixed "+
			"in 4.17.19 [vulns-kev]") || strings.Contains(txt.String(), "\n::warning") {
		t.Errorf("text:\n%s", txt.String())
	}
	// The table is absent when the check did not run.
	r.Vulnerabilities = nil
	md.Reset()
	Markdown(&md, []*finding.Result{r}, MarkdownOptions{})
	if strings.Contains(md.String(), "Known vulnerabilities") {
		t.Error("table without the check")
	}
}
