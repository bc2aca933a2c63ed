package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

// push renders r as the comment of a push at commit c, after prev's body.
func push(t *testing.T, r *finding.Result, c byte, prev string) string {
	t.Helper()
	r.Commit = strings.Repeat(string(c), 40)
	return renderMarkdown(t, r, MarkdownOptions{Marker: marker, State: true, Previous: ParseState(prev)})
}

func sinceLine(body string) string {
	i := strings.Index(body, "Since the last push:")
	if i < 0 {
		return ""
	}
	line, _, _ := strings.Cut(body[i:], "\n")
	return line
}

// TestSinceLastPushAcceptedIsNotFixed: a finding the push waived or answered
// by VEX is named as such, never as fixed; nor is one whose check was skipped.
func TestSinceLastPushAcceptedIsNotFixed(t *testing.T) {
	first := push(t, failing(), '1', "")

	waived := failing()
	waived.Findings[1].Waived = &finding.Waived{Reason: "Typo fixed in the next release.", Until: "2027-01-31", Line: 80}
	waived.Evaluate(finding.FailOnError, allChecks, nil)
	line := sinceLine(push(t, waived, '2', first))
	if !strings.Contains(line, "**0 new**, **0 fixed**, **1 accepted by a waiver** ([<code>scope-unknown-function</code>]") ||
		!strings.HasSuffix(line, "), not fixed.") {
		t.Errorf("a waiver added: %s", line)
	}

	// A vulnerability reported by the first push, answered by VEX in the second.
	vuln := finding.Vulnerability{File: "sbom/app.cdx.json", Purl: "pkg:golang/golang.org/x/net@v0.1.0", ID: "GO-2024-0001"}
	withVuln := failing()
	withVuln.Findings = append(withVuln.Findings, finding.Finding{Check: "vulns", Rule: "vulns-known", Severity: finding.Error,
		File: vuln.File, Item: vuln.Purl + "#" + vuln.ID, Key: vuln.Purl + "#" + vuln.ID, Message: "known vulnerability"})
	withVuln.Vulnerabilities = []finding.Vulnerability{vuln}
	withVuln.Evaluate(finding.FailOnError, allChecks, nil)
	before := push(t, withVuln, '3', "")
	answered := failing()
	vuln.VEX = &finding.VEX{Status: "not_affected", Justification: "vulnerable_code_not_in_execute_path"}
	answered.Vulnerabilities = []finding.Vulnerability{vuln}
	line = sinceLine(push(t, answered, '4', before))
	if !strings.Contains(line, "**0 fixed**, **1 answered by a VEX statement**") {
		t.Errorf("a VEX statement added: %s", line)
	}

	// The sbom check skipped: its findings are not fixed, they were not judged.
	skipped := failing()
	var kept []finding.Finding
	for _, f := range skipped.Findings {
		if f.Check != "sbom" {
			kept = append(kept, f)
		}
	}
	skipped.Findings = kept
	skipped.Evaluate(finding.FailOnError, allChecks, map[string]string{"sbom": "cra.toml could not be read"})
	line = sinceLine(push(t, skipped, '5', first))
	if !strings.Contains(line, "**0 fixed**, **2 not checked this time**") {
		t.Errorf("a skipped check: %s", line)
	}
	// Nothing changed: "no change", and nothing marked new.
	same := push(t, failing(), '6', first)
	if sinceLine(same) != "Since the last push: no change." || strings.Contains(same, "🆕") {
		t.Errorf("an unchanged push: %s", sinceLine(same))
	}
}

// many is a result with n errors.
func many(n int) *finding.Result {
	r := base()
	for i := range n {
		r.Findings = append(r.Findings, finding.Finding{Check: "sbom", Rule: "sbom-drift-missing", Severity: finding.Error,
			File: "go.mod", Line: i + 1, Item: fmt.Sprintf("example.com/m%d", i), Key: fmt.Sprintf("example.com/m%d", i),
			Message: fmt.Sprintf("example.com/m%d is not in the SBOM", i)})
	}
	r.Evaluate(finding.FailOnError, allChecks, nil)
	return &r
}

// TestSinceLastPushPartial: against a push remembered in part, nothing is
// marked new and the line never says "no change".
func TestSinceLastPushPartial(t *testing.T) {
	big := many(2000)
	first := push(t, big, '1', "")
	st := ParseState(first)
	if st == nil || !st.Partial || len(st.open) < 400 {
		t.Fatalf("a 2,000-finding run: partial %v, %d remembered", st != nil && st.Partial, len(st.open))
	}
	second := push(t, many(2000), '2', first)
	line := sinceLine(second)
	if strings.Contains(second, "🆕") || strings.Contains(line, "no change") || !strings.Contains(line, "Approximate") {
		t.Errorf("against a partial state: %s (new marks: %d)", line, strings.Count(second, "🆕"))
	}
	// A run that fits is remembered whole: a new finding is marked.
	small := push(t, many(300), '3', "")
	if st := ParseState(small); st == nil || st.Partial || len(st.open) != 300 {
		t.Fatalf("a 300-finding run is not remembered whole")
	}
	next := push(t, many(301), '4', small)
	if strings.Count(next, "🆕") != 1 || !strings.HasPrefix(sinceLine(next), "Since the last push: **1 new**, **0 fixed**") {
		t.Errorf("one new of 301: %s, %d marked", sinceLine(next), strings.Count(next, "🆕"))
	}
}

// TestStateIDs: ids are 128 bits, and the block rebuilds what a re-run needs.
func TestStateIDs(t *testing.T) {
	r := failing()
	body := push(t, r, '1', "")
	st := ParseState(body)
	if st == nil || len(st.open) != r.Summary.Errors+r.Summary.Warnings {
		t.Fatalf("state: %+v", st)
	}
	for _, f := range r.Findings {
		id := findingID(r.Config, f)
		if len(id) != 16 {
			t.Fatalf("id of %d bytes", len(id))
		}
		if open := f.Severity >= finding.Warning; st.has(id) != open {
			t.Errorf("%s: remembered %v", f.Rule, st.has(id))
		}
	}
	// A re-run of the second push compares with the first, as the second did.
	second := failing()
	second.Findings = second.Findings[2:]
	second.Evaluate(finding.FailOnError, allChecks, nil)
	body2 := push(t, second, '2', body)
	if again := push(t, second, '2', body2); again != body2 {
		t.Errorf("a re-run changed the body:\n%s\n---\n%s", body2, again)
	}
}

// TestMarkdownFrameBounded: however many products, the comment keeps its
// state block and stays within the limit; a heading never stands without a
// finding under it.
func TestMarkdownFrameBounded(t *testing.T) {
	var rs []*finding.Result
	for i := range 991 {
		r := failing()
		r.Config = fmt.Sprintf("products/p%03d/cra.toml", i)
		r.Product.Name = strings.Repeat("Long product name ", 6) + fmt.Sprint(i)
		rs = append(rs, r)
	}
	for _, limit := range []int{65000, 1 << 20} {
		out := renderMarkdowns(t, rs, MarkdownOptions{Marker: marker, MaxBytes: limit, State: true})
		if len(out) > limit || ParseState(out) == nil {
			t.Errorf("limit %d: %d bytes, state kept: %v", limit, len(out), ParseState(out) != nil)
		}
		if !strings.Contains(out, "- and 961 more products (961 failing)") {
			t.Errorf("limit %d: the product list is not cut at 30", limit)
		}
		// Every heading has an item under it.
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "**❌") || strings.HasPrefix(l, "**⚠️") {
				if i+2 >= len(lines) || !strings.HasPrefix(lines[i+2], "- ") {
					t.Errorf("limit %d: heading %q has nothing under it", limit, l)
					break
				}
			}
		}
	}
}

// TestCannotJudgeKeepsState: a run that could not judge replaces the verdict
// and keeps the earlier state, so the next judged push compares with the last
// judged one.
func TestCannotJudgeKeepsState(t *testing.T) {
	first := push(t, failing(), '1', "")
	var b strings.Builder
	err := CannotJudge(&b, CannotJudgeOptions{Marker: marker, Commit: strings.Repeat("2", 40), Reason: "input fail-on \"sometimes\": want error"}, first)
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, marker+"\n### ⚠️ CRA gate could not judge · checked <code>2222222</code>") || strings.Contains(out, "❌") ||
		!strings.Contains(out, "input fail-on &quot;sometimes&quot;") && !strings.Contains(out, `input fail-on "sometimes"`) {
		t.Errorf("cannot-judge comment:\n%s", out)
	}
	if st := ParseState(out); st == nil || len(st.open) != len(ParseState(first).open) {
		t.Fatalf("the state was not kept:\n%s", out)
	}
	if line := sinceLine(push(t, failing(), '3', out)); line != "Since the last push: no change." {
		t.Errorf("after the run that could not judge: %s", line)
	}
}
