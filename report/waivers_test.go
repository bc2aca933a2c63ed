package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

// TestWaivedEverywhere: a waived finding stays in every output, marked, and
// counts toward nothing but summary.waived.
func TestWaivedEverywhere(t *testing.T) {
	r := failing()
	r.Findings[3].Waived = &finding.Waived{Reason: "Test-only module <b>@team</b>.", Until: "2027-06-30", Line: 70}
	waivedRule := r.Findings[3].Rule
	r.Evaluate(finding.FailOnError, allChecks, nil)
	if r.Summary.Waived != 1 || r.Summary.Warnings != 2 {
		t.Fatalf("summary %+v", r.Summary)
	}
	var j bytes.Buffer
	if err := JSON(&j, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary  struct{ Waived int }
		Findings []struct {
			Rule   string
			Waived *struct {
				Reason, Until string
				Line          int
			}
		}
	}
	if err := json.Unmarshal(j.Bytes(), &doc); err != nil || doc.Summary.Waived != 1 {
		t.Fatalf("JSON: %v %+v", err, doc.Summary)
	}
	n := 0
	for _, f := range doc.Findings {
		if f.Waived != nil {
			n++
			if f.Rule != waivedRule || f.Waived.Until != "2027-06-30" || f.Waived.Line != 70 {
				t.Errorf("JSON waived %+v", f.Waived)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d waived findings in the JSON", n)
	}
	var s bytes.Buffer
	if err := SARIF(&s, []*finding.Result{r}, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Count(s.String(), `"suppressions"`) != 1 || !strings.Contains(s.String(), `"kind": "external"`) {
		t.Errorf("SARIF suppressions:\n%s", s.String())
	}
	txt := renderText(t, r, false)
	if !strings.Contains(txt,
		"waived (1: accepted by [[waiver]] entries, not counted)") || !strings.Contains(txt,
		"waived until 2027-06-30 (cra.toml:70)") || !strings.Contains(txt,
		", 1 waived") {
		t.Errorf("text:\n%s", txt)
	}
	md := renderMarkdown(t, r, MarkdownOptions{State: true})
	if !strings.Contains(md,
		"<details><summary>🙈 1 waived finding") || !strings.Contains(md,
		"**waived until 2027-06-30:** Test-only module &lt;b&gt;@&#8203;team&lt;/b&gt;.") || !strings.Contains(md,
		"(1 waived)") {
		t.Errorf("markdown:\n%s", md)
	}
	var w finding.Finding
	for _, f := range r.Findings {
		if f.Waived != nil {
			w = f
		}
	}
	if st := ParseState(md); st == nil || w.Waived == nil || st.has(findingID(r.Config, w)) || len(st.open) != r.Summary.Errors+r.Summary.Warnings {
		t.Errorf("a waived finding is remembered as a gap")
	}
	var a bytes.Buffer
	if err := Annotations(&a, r, AnnotationOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.String(), "::notice ") || !strings.Contains(a.String(), "waived until 2027-06-30 (Test-only module") {
		t.Errorf("annotations:\n%s", a.String())
	}
}
