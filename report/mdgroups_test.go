package report

import (
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

// TestGroupedFindings: findings of one rule with one fix are one item, the
// place written once when they share it, the text they share written once,
// the fix once; a rule's findings with different fixes stay apart.
func TestGroupedFindings(t *testing.T) {
	doc := func(item, what string) finding.Finding {
		return finding.Finding{Check: "documentation", Rule: "documentation-missing", Severity: finding.Warning, File: "cra.toml", Line: 54,
			Message: "documentation." + item + " (" + what + ") is not declared: give a repository path, an https URL or \"n/a: reason\"; " +
				"the technical documentation is required from 11 December 2027 (Article 71(2))",
			Fix: "Declare it.", Key: "documentation#" + item, Item: item}
	}
	drift := func(line int, mod, fix string) finding.Finding {
		return finding.Finding{Check: "sbom", Rule: "sbom-drift-missing", Severity: finding.Warning, File: "go.mod", Line: line,
			Message: "direct dependency " + mod + " is not in sbom/app.cdx.json", Fix: fix, Item: mod, Key: mod}
	}
	r := &finding.Result{Version: 1, Config: "cra.toml", Findings: []finding.Finding{
		doc("design", "the design and development information"), drift(5, "a.example/x", "Regenerate."),
		doc("risk_assessment", "the cybersecurity risk assessment"), drift(6, "a.example/y", "Regenerate."),
		doc("test_reports", "the reports of the tests"), drift(7, "a.example/z", "Add it to the other SBOM."),
	}}
	r.Evaluate(finding.FailOnWarning, allChecks, nil)
	out := renderMarkdown(t, r, MarkdownOptions{})
	for _, want := range []string{
		"- <code>cra.toml:54</code> **3 findings:** … is not declared: give a repository path, an https URL or \"n/a: reason\"; the technical " +
			"documentation is required from 11 December 2027 (Article 71(2))<br>• documentation.design (the design and development " +
			"information)<br>• documentation.risk\\_assessment (the cybersecurity risk assessment)<br>• documentation.test\\_reports (the " +
			"reports of the tests)<br>**Fix:** Declare it.<br><sub>",
		"- **2 findings:**<br>• <code>go.mod:5</code> direct dependency a.example/x is not in sbom/app.cdx.json<br>• <code>go.mod:6</code> " +
			"direct dependency a.example/y is not in sbom/app.cdx.json<br>**Fix:** Regenerate.<br><sub>",
		"- <code>go.mod:7</code> direct dependency a.example/z is not in sbom/app.cdx.json<br>**Fix:** Add it to the other SBOM.<br><sub>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("comment lacks\n%s\nin\n%s", want, out)
		}
	}
	if got := shownFindings(out); got != 6 {
		t.Errorf("%d findings shown, want 6", got)
	}
}

func TestSharedText(t *testing.T) {
	for _, tc := range []struct {
		msgs           []string
		prefix, suffix string
	}{
		// Too little in common: nothing is elided.
		{[]string{"supplier on 0 of 3 components, for example \"a\", \"b\"", "hash on 1 of 3 components, for example \"b\""}, "", ""},
		// A message that would keep nothing of its own: nothing is elided.
		{[]string{"the same text, long enough to be shared by the two messages here, really", "the same text, long enough to be " +
			"shared by the two messages here, really"}, "", ""},
		{[]string{"field a is not declared: give a repository path, an https URL or a reason why not",
			"field bb is not declared: give a repository path, an https URL or a reason why not"},
			"field ", " is not declared: give a repository path, an https URL or a reason why not"},
	} {
		p, s := sharedText(tc.msgs)
		if p != tc.prefix || s != tc.suffix {
			t.Errorf("sharedText(%q) = %q, %q; want %q, %q", tc.msgs, p, s, tc.prefix, tc.suffix)
		}
	}
}
