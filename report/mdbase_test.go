package report

import (
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

// compared is failing() compared with a base on which every finding but the
// first error and the first warning was already open, with declaration
// changes, one of which weakens the gate.
func compared() *finding.Result {
	r := failing()
	firstErr, firstWarn := true, true
	for i := range r.Findings {
		f := &r.Findings[i]
		switch {
		case f.Severity == finding.Error && firstErr:
			f.Baseline, firstErr = finding.BaselineNew, false
		case f.Severity == finding.Warning && firstWarn:
			f.Baseline, firstWarn = finding.BaselineNew, false
		case f.Severity > finding.Notice:
			f.Baseline = finding.BaselineExisting
		}
	}
	r.Base = &finding.Base{Path: ".cra-gate/base", New: finding.Counts{Errors: 1, Warnings: 1}, Existing: finding.Counts{Errors: 2, Warnings: 2}}
	r.DeclarationChanges = []finding.DeclarationChange{
		{Kind: "sbom-added", Subject: "sbom/app.cdx.json", File: "cra.toml", Line: 17},
		{Kind: "waiver-added", Subject: "sbom-field-coverage for supplier", After: "until 2027-03-01", Weakens: true, File: "cra.toml", Line: 70},
	}
	return r
}

// TestMarkdownCompared: with a base, the comment leads with what the pull
// request introduces (written out, warnings too), then its declaration
// changes (the weakening one first, marked), then the gaps already on the
// base branch, folded; a cut drops those before any introduced gap.
func TestMarkdownCompared(t *testing.T) {
	r := compared()
	out := renderMarkdown(t, r, MarkdownOptions{})
	order := []string{
		"**🆕 Introduced by this pull request: 1 error, 1 warning**",
		"**📝 Declarations this pull request changes: 2, 1 of them accept a gap or narrow what is checked**",
		"- ⚠️ <code>cra.toml:70</code> waiver added: sbom-field-coverage for supplier (until 2027-03-01)",
		"- <code>cra.toml:17</code> SBOM added: sbom/app.cdx.json",
		"**❌ 1 error**", "unknown key \"rationle\"",
		"**⚠️ 1 warning**", "direct dependency github.com/BurntSushi/toml",
		"<details><summary>🗂️ Already on the base branch: 2 errors, 2 warnings, not introduced by this pull request</summary>",
		"**❌ 2 errors**", "function \"remote-unlok\"",
		"<details><summary>⚠️ 2 warnings (not failing: the gate fails on errors)</summary>",
	}
	at := 0
	for _, want := range order {
		i := strings.Index(out[at:], want)
		if i < 0 {
			t.Fatalf("%q missing, or out of order, in:\n%s", want, out)
		}
		at += i + len(want)
	}
	if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
		t.Errorf("unbalanced <details>:\n%s", out)
	}
	// Cut: the introduced gaps and the declaration changes stay; the
	// existing ones go first.
	full := len(out)
	cut := renderMarkdown(t, r, MarkdownOptions{MaxBytes: full - 600})
	if !strings.Contains(cut, "unknown key \"rationle\"") || !strings.Contains(cut, "direct dependency github.com/BurntSushi/toml") ||
		!strings.Contains(cut, "waiver added") || strings.Contains(cut, "ℹ️") {
		t.Errorf("cut to %d bytes, want the introduced gaps and changes kept, notices gone:\n%s", full-600, cut)
	}
	if strings.Count(cut, "<details>") != strings.Count(cut, "</details>") {
		t.Errorf("unbalanced <details> after a cut:\n%s", cut)
	}
	// Nothing introduced: said so.
	for i := range r.Findings {
		if r.Findings[i].Baseline == finding.BaselineNew {
			r.Findings[i].Baseline = finding.BaselineExisting
		}
	}
	if out := renderMarkdown(t, r, MarkdownOptions{}); !strings.Contains(out, "**✅ This pull request introduces no errors or warnings.**") {
		t.Errorf("want the all-clear line:\n%s", out)
	}
}
