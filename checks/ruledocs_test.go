package checks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/ruledocs"
	"github.com/cra-gate/cra-gate/internal/rulefixture"
)

// docsDir is docs/rules, seen from this package.
const docsDir = "../docs/rules"

// TestRuleDocsCurrent fails when a page of docs/rules is missing, stale or
// extra: the pages are generated from the registry and must match it.
func TestRuleDocsCurrent(t *testing.T) {
	seen, err := rulefixture.SeenAll(rulefixture.Dir, checks.Rules())
	if err != nil {
		t.Fatal(err)
	}
	problems, err := ruledocs.Diff(docsDir, checks.Rules(), seen)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("docs/rules is out of step with the rule registry; run `%s` and commit the result:\n  %s",
			ruledocs.Regenerate, strings.Join(problems, "\n  "))
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ruledocs.WithChecksTable(readme, checks.Checks())
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(readme) {
		t.Errorf("the \"What it checks\" table of README.md is out of step with the check registry; run `%s` and commit the result", ruledocs.Regenerate)
	}
}

// TestRuleDocURLs checks that every rule's documentation URL names the page
// generated for it, so that SARIF helpUri and the comment's links resolve.
func TestRuleDocURLs(t *testing.T) {
	for _, r := range checks.Rules() {
		u := finding.RuleDocURL(r.ID)
		rel, ok := strings.CutPrefix(u, "https://github.com/cra-gate/cra-gate/blob/main/")
		if !ok {
			t.Fatalf("RuleDocURL(%q) = %q: not a page on the main branch", r.ID, u)
		}
		if _, err := os.Stat(filepath.Join("..", filepath.FromSlash(rel))); err != nil {
			t.Errorf("RuleDocURL(%q) = %q: %v", r.ID, u, err)
		}
	}
}

// TestRuleExamplesSayWhere keeps the examples' file clear: an example is a
// cra.toml snippet (it decodes as TOML), or its first line names the file it
// belongs in ("# in SECURITY.md:"), which the page shows as its caption and
// `cra-gate rules` prints.
func TestRuleExamplesSayWhere(t *testing.T) {
	for _, r := range checks.Rules() {
		if !ruledocs.IsTOML(r.Example) && !ruledocs.NamesItsFile(r.Example) {
			t.Errorf("rule %s: the example is not TOML and its first line does not say which file it is in (\"# in FILE:\"):\n%s", r.ID, r.Example)
		}
	}
}
