// Package ruledocs renders the rule documentation pages, docs/rules/<id>.md and
// the index docs/rules/README.md, from the rule registry.
//
// The pages are generated, never edited: `go generate ./...` runs
// internal/ruledocs/gen (from a //go:generate line in package checks), which
// calls Write with checks.Rules(); a test in package checks calls Diff and
// fails when a page is missing, stale or extra. This package depends on
// finding only, so that checks (and its tests) can import it.
package ruledocs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/cra-gate/cra-gate/finding"
)

// Index is the name of the index page inside docs/rules.
const Index = "README.md"

// Regenerate is the command that brings docs/rules in step with the registry.
const Regenerate = "go generate ./..."

// generatedNote opens every page, so that nobody edits one by hand.
const generatedNote = "<!-- Generated from the rule registry (checks/*.go) by `" + Regenerate + "`. Do not edit: change the rule and regenerate. -->\n"

// Pages renders every page: one per rule (finding.RuleDocFile) and the index.
// Keys are file names inside docs/rules.
func Pages(rules []finding.Rule) map[string][]byte {
	pages := make(map[string][]byte, len(rules)+1)
	for _, r := range rules {
		pages[finding.RuleDocFile(r.ID)] = Page(r)
	}
	pages[Index] = IndexPage(rules)
	return pages
}

// Page renders one rule's page.
func Page(r finding.Rule) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", r.ID)
	b.WriteString(generatedNote)
	b.WriteString("\n| Check | Default severity | CRA reference |\n| --- | --- | --- |\n")
	fmt.Fprintf(&b, "| [`%s`](%s#%s) | %s | %s |\n", r.Check, Index, r.Check, r.Severity, Cell(r.Reference))
	section(&b, "What it checks", r.Summary)
	section(&b, "Why", r.Why)
	section(&b, "How to fix", r.Fix)
	if r.Example != "" {
		caption, lang, body := example(r.Example)
		b.WriteString("\n## Example\n\n")
		b.WriteString(Text(caption) + "\n\n")
		fence := Fence(body)
		fmt.Fprintf(&b, "%s%s\n%s\n%s\n", fence, lang, body, fence)
	}
	fmt.Fprintf(&b, "\n---\n\n[All rules](%s) · `cra-gate rules %s` prints this page in a terminal.\n", Index, r.ID)
	return b.Bytes()
}

func section(b *bytes.Buffer, title, text string) {
	fmt.Fprintf(b, "\n## %s\n\n%s\n", title, Text(text))
}

// IndexPage renders docs/rules/README.md: a table of the rules of each check,
// in the order the rules come (checks.Rules sorts them by check and id).
func IndexPage(rules []finding.Rule) []byte {
	var b bytes.Buffer
	b.WriteString("# cra-gate rules\n\n")
	b.WriteString(generatedNote)
	fmt.Fprintf(&b, "\nThe %d rules the gate applies, by check. Each page says what the rule checks, why the\n", len(rules))
	b.WriteString("CRA asks for it, how to fix a finding, and an example; `cra-gate rules ID` prints the same\n")
	b.WriteString("text in a terminal. A page's address is `" + finding.RuleDocsURL + "<id>.md`:\n")
	b.WriteString("SARIF `helpUri` and the pull request comment link there.\n")
	var checks []string
	byCheck := map[string][]finding.Rule{}
	for _, r := range rules {
		if _, ok := byCheck[r.Check]; !ok {
			checks = append(checks, r.Check)
		}
		byCheck[r.Check] = append(byCheck[r.Check], r)
	}
	for _, c := range checks {
		fmt.Fprintf(&b, "\n## %s\n\n| Rule | Default severity | What it checks | CRA reference |\n| --- | --- | --- | --- |\n", c)
		for _, r := range byCheck[c] {
			fmt.Fprintf(&b, "| [`%s`](%s) | %s | %s | %s |\n", r.ID, finding.RuleDocFile(r.ID), r.Severity, Cell(r.Summary), Cell(r.Reference))
		}
	}
	return b.Bytes()
}

// exampleFile is the first line of an example that is not cra.toml: it names
// the file the snippet belongs in ("# in SECURITY.md:").
var exampleFile = regexp.MustCompile(`^# in (.+):$`)

// example splits a rule's example into a caption, the fence's info string and
// the snippet. A snippet that decodes as TOML is cra.toml; any other names its
// file on its first line, which becomes the caption (see checks' docs test).
func example(ex string) (caption, lang, body string) {
	var v map[string]any
	if _, err := toml.Decode(ex, &v); err == nil {
		return "In cra.toml:", "toml", ex
	}
	first, rest, _ := strings.Cut(ex, "\n")
	if m := exampleFile.FindStringSubmatch(first); m != nil {
		return "In " + m[1] + ":", "text", rest
	}
	return "Not cra.toml:", "text", ex
}

// IsTOML reports whether a rule's example is a cra.toml snippet.
func IsTOML(ex string) bool {
	_, lang, _ := example(ex)
	return lang == "toml"
}

// NamesItsFile reports whether an example that is not TOML names its file on
// its first line ("# in SECURITY.md:").
func NamesItsFile(ex string) bool {
	first, _, _ := strings.Cut(ex, "\n")
	return exampleFile.MatchString(first)
}

// Fence returns a code fence longer than any run of backticks in body, and at
// least three long, so that nothing in the snippet can close it.
func Fence(body string) string {
	longest, run := 0, 0
	for _, c := range body {
		if c == '`' {
			run++
			longest = max(longest, run)
			continue
		}
		run = 0
	}
	return strings.Repeat("`", max(3, longest+1))
}

// Text renders a rule's prose as Markdown that shows exactly the text: code
// spans (`like this`) are kept as they are, and every other character that
// Markdown would read as syntax (emphasis, links, HTML such as <vendor>,
// entities, tables) is backslash-escaped. A backtick without a closing run of
// the same length is escaped too.
func Text(s string) string { return escape(s, false) }

// Cell is Text for a table cell: pipes are escaped inside code spans too (GFM
// reads a table row's pipes before code spans), and line breaks become spaces.
func Cell(s string) string {
	return escape(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s), true)
}

// punct is what escape backslash-escapes outside code spans: CommonMark treats
// any backslash-escaped ASCII punctuation as the literal character.
const punct = "\\*_[]<>&|~!#"

func escape(s string, cell bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c == '`' {
			n := run(s, i)
			if end := closing(s, i+n, n); end >= 0 {
				span := s[i : end+n]
				if cell {
					span = strings.ReplaceAll(span, "|", `\|`)
				}
				b.WriteString(span)
				i = end + n
				continue
			}
			for range n {
				b.WriteString("\\`")
			}
			i += n
			continue
		}
		if strings.IndexByte(punct, c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
		i++
	}
	out := b.String()
	// A paragraph that starts like a list item or a heading underline would
	// not be a paragraph: "1. ", "- ", "+ ", "=".
	if m := orderedStart.FindStringIndex(out); m != nil {
		p := m[1] - 1
		out = out[:p] + `\` + out[p:]
	} else if out != "" && strings.IndexByte("-+=", out[0]) >= 0 {
		out = `\` + out
	}
	return out
}

var orderedStart = regexp.MustCompile(`^\d{1,9}[.)]`)

// run counts the backticks starting at s[i].
func run(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	return n
}

// closing finds the next run of exactly n backticks at or after i.
func closing(s string, i, n int) int {
	for i < len(s) {
		if s[i] != '`' {
			i++
			continue
		}
		m := run(s, i)
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// Write makes dir hold exactly the pages of rules: it creates dir, writes the
// pages whose content differs, and removes any other .md file there.
func Write(dir string, rules []finding.Rule) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	pages := Pages(rules)
	for _, name := range sortedKeys(pages) {
		p := filepath.Join(dir, name)
		if have, err := os.ReadFile(p); err == nil && bytes.Equal(have, pages[name]) {
			continue
		}
		if err := os.WriteFile(p, pages[name], 0o644); err != nil {
			return err
		}
	}
	extra, err := extraPages(dir, pages)
	if err != nil {
		return err
	}
	for _, name := range extra {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// Diff lists how dir differs from the pages of rules, one problem a line:
// a page that is missing, one whose content is stale, and a .md file that no
// rule has. It is empty when dir is current.
func Diff(dir string, rules []finding.Rule) ([]string, error) {
	pages := Pages(rules)
	var problems []string
	for _, name := range sortedKeys(pages) {
		have, err := os.ReadFile(filepath.Join(dir, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, "missing: "+name)
		case err != nil:
			return nil, err
		case !bytes.Equal(have, pages[name]):
			problems = append(problems, "stale: "+name)
		}
	}
	extra, err := extraPages(dir, pages)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, name := range extra {
		problems = append(problems, "extra (no such rule): "+name)
	}
	return problems, nil
}

// extraPages lists the .md files in dir that are not pages.
func extraPages(dir string, pages map[string][]byte) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var extra []string
	for _, e := range entries {
		if _, ok := pages[e.Name()]; !ok && strings.HasSuffix(e.Name(), ".md") {
			extra = append(extra, e.Name())
		}
	}
	return extra, nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
