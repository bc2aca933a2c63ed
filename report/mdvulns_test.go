package report

import (
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

// vulnResult is a result with the vulnerabilities vs, each reported as the
// vulns check reports an unanswered one.
func vulnResult(vs ...finding.Vulnerability) *finding.Result {
	r := &finding.Result{Version: 1, Config: "cra.toml", Vulnerabilities: vs}
	for _, v := range vs {
		rule := ruleVulnsKnown
		if v.KEV {
			rule = ruleVulnsKEV
		}
		r.Findings = append(r.Findings, finding.Finding{Check: "vulns", Rule: rule, Severity: finding.Error, File: v.File, Line: v.Line,
			Message: "known vulnerability " + v.ID, Item: v.Subject() + "#" + v.ID, Key: v.Subject() + "#" + v.ID,
			Fix: "Update the component to a version that fixes the advisory."})
	}
	r.Evaluate(finding.FailOnError, allChecks, nil)
	return r
}

// TestVulnRowsOnePerComponent: one row per component however many SBOMs
// list it, each advisory once; KEV rows first, then the worst level, then
// the rows a version fixes completely; the version that fixes all of a
// row's advisories, or how many it fixes.
func TestVulnRowsOnePerComponent(t *testing.T) {
	v := func(file, purl, name, ver, id, fixed, level string, kev bool) finding.Vulnerability {
		return finding.Vulnerability{File: file, Line: 3, Purl: purl, Name: name, Version: ver, ID: id, Fixed: fixed, Level: level, KEV: kev}
	}
	r := vulnResult(
		v("sbom/a.json", "pkg:golang/golang.org/x/net@v0.1.0?goos=linux", "golang.org/x/net", "v0.1.0", "GO-1", "0.7.0", "medium", false),
		v("sbom/a.json", "pkg:golang/golang.org/x/net@v0.1.0?goos=linux", "golang.org/x/net", "v0.1.0", "GO-2", "0.17.0", "high", false),
		v("sbom/b.json", "pkg:golang/golang.org/x/net@v0.1.0?goos=darwin", "golang.org/x/net", "v0.1.0", "GO-2", "0.17.0", "high", false),
		v("sbom/a.json", "pkg:npm/lodash@4.17.15", "lodash", "4.17.15", "GHSA-k", "4.17.19", "low", true),
		v("sbom/a.json", "pkg:npm/qs@6.0.0", "qs", "6.0.0", "GHSA-q", "", "critical", false),
		v("sbom/a.json", "pkg:npm/minimist@1.0.0", "minimist", "1.0.0", "GHSA-m", "1.2.6", "critical", false),
		v("sbom/a.json", "pkg:npm/ws@7.0.0", "ws", "7.0.0", "GHSA-w1", "7.4.6", "high", false),
		v("sbom/a.json", "pkg:npm/ws@7.0.0", "ws", "7.0.0", "GHSA-w2", "", "high", false),
	)
	rows, rest := vulnRows(r, r.Findings, nil)
	if len(rest) != 0 {
		t.Fatalf("findings left as items: %v", rest)
	}
	var got []string
	for _, row := range rows {
		fixed, known := row.fixedAll()
		got = append(got, row.name+" "+strings.Join(func() (ids []string) {
			for _, a := range row.advisories {
				ids = append(ids, a.v.ID)
			}
			return
		}(), ",")+" "+fixed+"/"+string(rune('0'+known)))
	}
	want := []string{
		"lodash GHSA-k 4.17.19/1",             // KEV first, though low
		"minimist GHSA-m 1.2.6/1",             // critical, fixable
		"qs GHSA-q /0",                        // critical, no fix
		"golang.org/x/net GO-2,GO-1 0.17.0/2", // high, both fixed by 0.17.0; GO-2 once for two SBOMs
		"ws GHSA-w1,GHSA-w2 7.4.6/1",          // high, one of two fixed
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(rows[3].places) != 2 || rows[3].findings != 3 {
		t.Errorf("x/net: places %v, findings %d; want both SBOMs and 3 findings", rows[3].places, rows[3].findings)
	}

	out := renderMarkdown(t, r, MarkdownOptions{Links: testLinks})
	checkTables(t, out)
	for _, want := range []string{
		"🛡️ **7 known vulnerabilities in 5 components**, 1 listed in CISA's KEV catalog",
		"| [<code>golang.org/x/net</code>](https://github.com/acme/lock/blob/5d41402abc4b2a76b9719d911017c592aabbccdd/sbom/a.json#L3) v0.1.0" +
			"<br><sub>in [<code>sbom/a.json:3</code>]",
		"<details><summary>2 · high</summary>[GO-2](https://osv.dev/vulnerability/GO-2) high, fixed in 0.17.0<br>" +
			"[GO-1](https://osv.dev/vulnerability/GO-1) medium, fixed in 0.7.0</details> | 0.17.0 |",
		"| 7.4.6 fixes 1 of 2 |",
		"| no fix known |",
		"<summary>⚠️ KEV · 1 · low</summary>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("comment lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "**Fix:** Update the component"); n != 1 {
		t.Errorf("the fix is written %d times, want once:\n%s", n, out)
	}
}

// TestVulnRowsNewSinceLastPush: a row is marked new when one of its
// findings is, and so is that advisory, not the others.
func TestVulnRowsNewSinceLastPush(t *testing.T) {
	one := finding.Vulnerability{File: "sbom/a.json", Purl: "pkg:npm/ws@7.0.0", Name: "ws", Version: "7.0.0", ID: "GHSA-old"}
	two := one
	two.ID = "GHSA-new"
	first := vulnResult(one)
	first.Commit = strings.Repeat("1", 40)
	prev := ParseState(renderMarkdown(t, first, MarkdownOptions{State: true}))
	second := vulnResult(one, two)
	second.Commit = strings.Repeat("2", 40)
	out := renderMarkdown(t, second, MarkdownOptions{State: true, Previous: prev})
	if !strings.Contains(out, "<code>ws</code> 7.0.0 🆕 |") || !strings.Contains(out, "GHSA-new](https://osv.dev/vulnerability/GHSA-new) 🆕") ||
		strings.Contains(out, "GHSA-old](https://osv.dev/vulnerability/GHSA-old) 🆕") {
		t.Errorf("want the row and GHSA-new marked new, GHSA-old not:\n%s", out)
	}
}

func TestAdvisoryURL(t *testing.T) {
	for _, tc := range []struct{ id, source, want string }{
		{"GHSA-7f33-f4f5-xwgw", "", "https://osv.dev/vulnerability/GHSA-7f33-f4f5-xwgw"},
		{"CVE-2024-3094", "NVD", "https://nvd.nist.gov/vuln/detail/CVE-2024-3094"},
		{"CVE-2024-3094", "", "https://osv.dev/vulnerability/CVE-2024-3094"},
		{"GO-2023-1961", "NVD", "https://osv.dev/vulnerability/GO-2023-1961"},
		{"x)](javascript:alert(1)", "", ""},
		{"GHSA-1 2", "", ""},
	} {
		if got := advisoryURL(tc.id, tc.source); got != tc.want {
			t.Errorf("advisoryURL(%q, %q) = %q, want %q", tc.id, tc.source, got, tc.want)
		}
	}
}
