package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

func renderAnnotations(t *testing.T, r *finding.Result, opt AnnotationOptions) []string {
	t.Helper()
	var b bytes.Buffer
	if err := Annotations(&b, r, opt); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if out != "" && !strings.HasSuffix(out, "\n") {
		t.Errorf("output does not end with a newline: %q", out)
	}
	if out == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

func TestAnnotationsGolden(t *testing.T) {
	lines := renderAnnotations(t, failing(), AnnotationOptions{})
	golden(t, "annotations_failing.txt", []byte(strings.Join(lines, "\n")+"\n"))
}

func TestAnnotationsOrder(t *testing.T) {
	lines := renderAnnotations(t, failing(), AnnotationOptions{})
	if len(lines) != 9 {
		t.Fatalf("%d lines, want 9:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	want := []string{
		"::error col=1,file=cra.toml,line=52,title=manifest-unknown-key::unknown key",
		"::error col=28,file=cra.toml,line=51,title=scope-unknown-function::",
		"::error file=cra.toml,title=disclosure-reporting-missing::",
		"::warning col=2,file=go.mod,line=7,title=sbom-drift-missing::",
		"::warning file=sbom/app.cdx.json,title=sbom-no-dependencies::",
		"::warning col=20,file=cra.toml,line=40,title=disclosure-acknowledge-slow::",
		"::notice col=9,file=cra.toml,line=60,title=scope-connectivity::",
		"::notice title=disclosure-policy-external::", // no file: a workflow-level annotation
		"::notice col=7,file=cra.toml,line=33,title=support-shorter-than-use::",
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n got %s\nwant prefix %s", i, lines[i], w)
		}
	}
	if !strings.Contains(lines[0], `(CRA: Annex VII)%0AFix: Correct the key's spelling.`) {
		t.Errorf("reference and fix missing: %s", lines[0])
	}
}

func TestAnnotationsHostile(t *testing.T) {
	r := &finding.Result{Findings: []finding.Finding{
		{Check: "manifest", Rule: "r,1:x", Severity: finding.Error, File: "a,b:c.toml", Line: 3, Column: 1, Message: hostileText},
		{Check: "scope", Rule: "r2", Severity: finding.Warning, File: "x\n::error::pwned", Line: 1, Message: "m\r::error::pwned\n"},
		{Check: "sbom", Rule: "r3", Severity: finding.Notice, File: "50%,done", Message: "100%0D%0A"},
	}}
	lines := renderAnnotations(t, r, AnnotationOptions{})
	if len(lines) != 3 {
		t.Fatalf("%d lines, want one per annotation:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::error ") && !strings.HasPrefix(l, "::warning ") && !strings.HasPrefix(l, "::notice ") {
			t.Errorf("line does not start a command: %q", l)
		}
		if strings.ContainsAny(l, "\r\x1b\a\u009b") {
			t.Errorf("control character in %q", l)
		}
		// The runner ends the properties at the first "::"; they hold no colon of
		// their own, so a file name or rule cannot end them early.
		if props := l[strings.IndexByte(l, ' ')+1 : strings.Index(l[2:], "::")+2]; strings.Contains(props, ":") {
			t.Errorf("unescaped colon in properties %q", props)
		}
	}
	if want := "::error col=1,file=a%2Cb%3Ac.toml,line=3,title=r%2C1%3Ax::line " +
		"one%0A::error::pwned%0D%0A%250A::warning::also pwned %2525"; !strings.HasPrefix(lines[0], want) {
		t.Errorf("escaping:\n got %s\nwant prefix %s", lines[0], want)
	}
	if want := "::warning file=x%0A%3A%3Aerror%3A%3Apwned,line=1,title=r2::m%0D::error::pwned%0A"; lines[1] != want {
		t.Errorf("escaping:\n got %s\nwant %s", lines[1], want)
	}
	if want := "::notice file=50%25%2Cdone,title=r3::100%250D%250A"; lines[2] != want {
		t.Errorf("escaping:\n got %s\nwant %s", lines[2], want)
	}
	// Decoding the data as the runner does gives the message back, controls made visible.
	data := lines[0][strings.Index(lines[0][2:], "::")+4:]
	dec := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(data)
	if want := sanitize(hostileText, "\r\n"); dec != want {
		t.Errorf("round trip:\n got %q\nwant %q", dec, want)
	}
}

func TestAnnotationsLimit(t *testing.T) {
	r := &finding.Result{}
	add := func(n int, s finding.Severity) {
		for i := range n {
			r.Findings = append(r.Findings, finding.Finding{Check: "sbom", Rule: "r", Severity: s, File: "f", Line: i + 1, Message: fmt.Sprintf("%s %d", s, i)})
		}
	}
	add(12, finding.Notice)
	add(3, finding.Warning)
	add(15, finding.Error)
	lines := renderAnnotations(t, r, AnnotationOptions{})
	count := map[string]int{}
	for _, l := range lines {
		count[l[2:strings.IndexAny(l[2:], " :")+2]]++
	}
	if count["error"] != 10 || count["warning"] != 3 || count["notice"] != 10 {
		t.Errorf("counts %v, want 10 errors, 3 warnings, 9+1 notices", count)
	}
	if !strings.HasSuffix(lines[9], "::error 9") || !strings.HasSuffix(lines[13], "::notice 0") {
		t.Errorf("not in order of importance:\n%s", strings.Join(lines, "\n"))
	}
	if want := "::notice title=cra-gate::5 more errors and 3 more notices are not annotated (GitHub shows " +
		"10 per level): see the job summary"; lines[len(lines)-1] != want {
		t.Errorf("last line\n got %s\nwant %s", lines[len(lines)-1], want)
	}

	lines = renderAnnotations(t, r, AnnotationOptions{MaxPerLevel: 2})
	if len(lines) != 2+2+1+1 || lines[len(lines)-1] != "::notice title=cra-gate::13 more errors, 1 more warning and 11 more notices are not "+
		"annotated (GitHub shows 2 per level): see the job summary" {
		t.Errorf("MaxPerLevel 2:\n%s", strings.Join(lines, "\n"))
	}

	// Exactly at the limit: nothing left out, no summary, all 10 notices.
	r.Findings = r.Findings[:10]
	if lines := renderAnnotations(t, r, AnnotationOptions{}); len(lines) != 10 || strings.Contains(lines[9], "not annotated") {
		t.Errorf("at the limit:\n%s", strings.Join(lines, "\n"))
	}
	if lines := renderAnnotations(t, &finding.Result{}, AnnotationOptions{}); len(lines) != 0 {
		t.Errorf("no findings wrote %q", lines)
	}
}

// TestAnnotationsComparedOrder: with a base, the findings the change
// introduces are annotated first, then those in files it changed, so that
// GitHub's cap of 10 per level never hides them.
func TestAnnotationsComparedOrder(t *testing.T) {
	r := &finding.Result{Config: "cra.toml"}
	for i := range 12 {
		r.Findings = append(r.Findings, finding.Finding{Rule: "sbom-drift-missing", Severity: finding.Error, File: "go.mod", Line: i + 1,
			Message: fmt.Sprintf("old %d", i), Baseline: finding.BaselineExisting})
	}
	r.Findings = append(r.Findings,
		finding.Finding{Rule: "scope-x", Severity: finding.Error, File: "cra.toml", Line: 3, Message: "in a changed file", Baseline: finding.BaselineExisting},
		finding.Finding{Rule: "scope-y", Severity: finding.Error, File: "cra.toml", Line: 9, Message: "introduced", Baseline: finding.BaselineNew})
	r.Base = &finding.Base{ChangedFiles: []string{"cra.toml"}}
	var b bytes.Buffer
	if err := Annotations(&b, r, AnnotationOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if !strings.HasSuffix(lines[0], "::introduced") || !strings.HasSuffix(lines[1], "::in a changed file") || !strings.HasSuffix(lines[2], "::old 0") {
		t.Errorf("order:\n%s", b.String())
	}
	if !strings.Contains(lines[len(lines)-1], "4 more errors are not annotated") {
		t.Errorf("the cap's notice: %s", lines[len(lines)-1])
	}
}
