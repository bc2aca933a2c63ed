package checks

import (
	"io/fs"
	"strings"
	"testing"
)

// TestRuleFilesAllUsed fails on a rules/*.md file that no rule declares: a
// text nobody applies.
func TestRuleFilesAllUsed(t *testing.T) {
	files, err := fs.Glob(ruleFiles, ruleDir+"/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(registry) {
		t.Errorf("%d rule files, %d rules", len(files), len(registry))
	}
	for _, f := range files {
		id := strings.TrimSuffix(strings.TrimPrefix(f, ruleDir+"/"), ".md")
		if _, ok := Lookup(id); !ok {
			t.Errorf("%s: no rule declares it", f)
		}
	}
}

// TestParseRuleFile reads a well-formed file, unwrapping its prose, and
// refuses malformed ones with the reason.
func TestParseRuleFile(t *testing.T) {
	good := "+++\ncheck = \"scope\"\nseverity = \"warning\"\nreference = \"Article 3(2)\"\n+++\n\n" +
		"# scope-x\n\nOne line\nwrapped.\n\n## Why\n\nFirst\nparagraph.\n\nSecond.\n\n## Fix\n\nDo it.\n\n" +
		"## Example\n\n```toml\n[product]\n## not a heading\nname = \"x\"\n```\n"
	r, err := parseRuleFile("scope-x", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary != "One line wrapped." || r.Why != "First paragraph.\n\nSecond." || r.Fix != "Do it." ||
		r.Example != "[product]\n## not a heading\nname = \"x\"" || r.Check != "scope" || r.Reference != "Article 3(2)" {
		t.Errorf("%+v", r)
	}
	long := strings.Replace(strings.Replace(good, "One line\nwrapped.", strings.Repeat("A summary far too long. ", 5), 1),
		"+++\n\n#", "title = \"A title\"\n+++\n\n#", 1)
	if r, err := parseRuleFile("scope-x", []byte(long)); err != nil || r.ShortTitle() != "A title" {
		t.Errorf("a long summary with a title: %v, title %q", err, r.ShortTitle())
	}
	if r.ShortTitle() != r.Summary {
		t.Errorf("without a title, the short title is the summary: %q", r.ShortTitle())
	}
	for name, bad := range map[string]string{
		"no front matter":        strings.TrimPrefix(good, "+++\n"),
		"unknown key":            strings.Replace(good, "check =", "chek = \"x\"\ncheck =", 1),
		"bad severity":           strings.Replace(good, `"warning"`, `"fatal"`, 1),
		"wrong title":            strings.Replace(good, "# scope-x", "# scope-y", 1),
		"unknown section":        strings.Replace(good, "## Fix", "## Remedy", 1),
		"no why":                 strings.Replace(good, "## Why\n\nFirst\nparagraph.\n\nSecond.\n\n", "", 1),
		"unclosed example":       strings.TrimSuffix(good, "```\n"),
		"two blocks":             good + "\n```\nmore\n```\n",
		"long summary, no title": strings.Replace(good, "One line\nwrapped.", strings.Repeat("A summary far too long. ", 5), 1),
		"title over 100":         strings.Replace(good, "+++\n\n#", "title = \""+strings.Repeat("t", 101)+"\"\n+++\n\n#", 1),
	} {
		if _, err := parseRuleFile("scope-x", []byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
