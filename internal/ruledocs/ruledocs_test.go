package ruledocs

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

func TestFence(t *testing.T) {
	for body, want := range map[string]string{
		"plain":                     "```",
		"a `code` span":             "```",
		"```toml\nx = 1\n```":       "````",
		"````` five, then ```three": "``````",
	} {
		if got := Fence(body); got != want {
			t.Errorf("Fence(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"Plain words, numbers 1-2 and (parentheses).":   "Plain words, numbers 1-2 and (parentheses).",
		"Set `schema = 1` in cra.toml.":                 "Set `schema = 1` in cra.toml.",
		"Add evidence = [\"docs/vendors/<vendor>.md\"]": `Add evidence = \["docs/vendors/\<vendor\>.md"\]`,
		"[[third_party]] and *all* of_it & more":        `\[\[third\_party\]\] and \*all\* of\_it \& more`,
		"A `` code ` span `` stays":                     "A `` code ` span `` stays",
		"an unclosed ` backtick":                        "an unclosed \\` backtick",
		"1. not a list":                                 `1\. not a list`,
		"- not a list either":                           `\- not a list either`,
		"# not a heading":                               `\# not a heading`,
		"`<kept>` but <escaped>":                        "`<kept>` but \\<escaped\\>",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestCell(t *testing.T) {
	got := Cell("a | b `c | d`\nnext line")
	want := "a \\| b `c \\| d` next line"
	if got != want {
		t.Errorf("Cell = %q, want %q", got, want)
	}
}

var testRules = []finding.Rule{
	{
		ID: "scope-demo", Check: "scope", Severity: finding.Warning, Reference: "Article 3(2) | Recital 11",
		Summary: "Checks `x`.", Why: "Because <reasons>.", Fix: "Set `x = 1`.",
		Example: "[product]\nx = 1",
	},
	{
		ID: "disclosure-demo", Check: "disclosure", Severity: finding.Error, Reference: "Annex I",
		Summary: "Checks the policy.", Why: "Why.", Fix: "Fix.",
		Example: "# in SECURITY.md:\n```\nfenced in the policy\n```",
	},
}

func TestPage(t *testing.T) {
	got := string(Page(testRules[0], Seen{}))
	for _, want := range []string{
		"# scope-demo\n",
		"| [`scope`](README.md#scope) | warning | Article 3(2) \\| Recital 11 |\n",
		"## What it checks\n\nChecks `x`.\n",
		"## Why\n\nBecause \\<reasons\\>.\n",
		"## How to fix\n\nSet `x = 1`.\n",
		"## Example\n\nIn cra.toml:\n\n```toml\n[product]\nx = 1\n```\n",
		"`cra-gate rules scope-demo`",
		"Do not edit",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("page lacks %q:\n%s", want, got)
		}
	}
	// The order the brief of a page gives: title, table, what, why, fix, example.
	last := -1
	for _, h := range []string{"# scope-demo", "| Check |", "## What it checks", "## Why", "## How to fix", "## Example"} {
		i := strings.Index(got, h)
		if i <= last {
			t.Errorf("%q is out of order in:\n%s", h, got)
		}
		last = i
	}
}

func TestPageExampleInAnotherFile(t *testing.T) {
	got := string(Page(testRules[1], Seen{}))
	want := "## Example\n\nIn SECURITY.md:\n\n````text\n```\nfenced in the policy\n```\n````\n"
	if !strings.Contains(got, want) {
		t.Errorf("page lacks %q:\n%s", want, got)
	}
	if strings.Contains(got, "# in SECURITY.md:") {
		t.Errorf("the file line should be the caption, not part of the snippet:\n%s", got)
	}
}

func TestIndexPage(t *testing.T) {
	got := string(IndexPage(testRules))
	for _, want := range []string{
		"The 2 rules",
		finding.RuleDocsURL + "<id>.md",
		"## scope\n",
		"| [`scope-demo`](scope-demo.md) | warning | Checks `x`. | Article 3(2) \\| Recital 11 |\n",
		"## disclosure\n",
		"| [`disclosure-demo`](disclosure-demo.md) | error | Checks the policy. | Annex I |\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("index lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, "## scope") > strings.Index(got, "## disclosure") {
		t.Errorf("checks should keep the order of the rules given")
	}
}

func TestWriteAndDiff(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs", "rules")
	if p, err := Diff(dir, testRules, nil); err != nil || len(p) != 3 {
		t.Fatalf("Diff of a missing folder = %v, %v; want three missing pages", p, err)
	}
	if err := Write(dir, testRules, nil); err != nil {
		t.Fatal(err)
	}
	if p, err := Diff(dir, testRules, nil); err != nil || len(p) != 0 {
		t.Fatalf("Diff after Write = %v, %v; want none", p, err)
	}

	// A hand edit, a deleted page, a page of a rule that is gone, and a file
	// that is not a page.
	must(t, os.WriteFile(filepath.Join(dir, "scope-demo.md"), []byte("edited\n"), 0o644))
	must(t, os.Remove(filepath.Join(dir, "disclosure-demo.md")))
	must(t, os.WriteFile(filepath.Join(dir, "scope-gone.md"), []byte("old\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "diagram.svg"), []byte("<svg/>"), 0o644))
	p, err := Diff(dir, testRules, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"missing: disclosure-demo.md", "stale: scope-demo.md", "extra (no such rule): scope-gone.md"}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("Diff = %q, want %q", p, want)
	}

	if err := Write(dir, testRules, nil); err != nil {
		t.Fatal(err)
	}
	if p, err := Diff(dir, testRules, nil); err != nil || len(p) != 0 {
		t.Fatalf("Diff after the second Write = %v, %v; want none", p, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "scope-gone.md")); !os.IsNotExist(err) {
		t.Errorf("Write kept the page of a rule that is gone (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "diagram.svg")); err != nil {
		t.Errorf("Write removed a file that is not a page: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestPageSeen shows a fixture: each kind of change, the command with its
// options, and the output in a fence no backtick in it can close.
func TestPageSeen(t *testing.T) {
	got := string(Page(testRules[0], Seen{
		FailOptions: []string{"--now 2032-06-01"},
		Fail: []Edit{
			{Path: "cra.toml", Kind: "replace", Old: "end = 2033-03-01\n", New: "end = 2031-03-01\n"},
			{Path: "SECURITY.md", Kind: "delete"},
			{Path: "cra.toml", Kind: "append", New: "[[waiver]]\n"},
		},
		Output: "cra.toml:13:1: warning: ``x`` [r]\n",
		Pass:   []Edit{{Path: "go.mod", Kind: "file", New: "module m\n"}},
	}))
	for _, want := range []string{
		"## Seen on a repository",
		"- in `cra.toml`,\n\n  ```toml\n  end = 2033-03-01\n  ```\n\n  becomes\n\n  ```toml\n  end = 2031-03-01\n  ```\n",
		"- `SECURITY.md` is removed.",
		"- `cra.toml` ends with:\n\n  ```toml\n  [[waiver]]\n  ```",
		"`cra-gate check --now 2032-06-01` reports:\n\n```text\ncra.toml:13:1: warning: ``x`` [r]\n```\n",
		"- `go.mod`:\n\n  ```go-mod\n  module m\n  ```",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the page lacks %q:\n%s", want, got)
		}
	}
}
