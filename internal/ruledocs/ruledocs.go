// Package ruledocs renders the rule documentation pages, docs/rules/<id>.md and
// the index docs/rules/README.md, from the rule registry.
//
// The pages are generated, never edited: `go generate ./...` runs
// internal/ruledocs/gen (from a //go:generate line in package checks), which
// calls Write with checks.Rules(); a test of package checks (checks_test)
// calls Diff and fails when a page is missing, stale or extra.
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

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
)

// Index is the name of the index page inside docs/rules.
const Index = "README.md"

// Regenerate is the command that brings docs/rules in step with the registry.
const Regenerate = "go generate ./..."

// generatedNote opens every page, so that nobody edits one by hand.
const generatedNote = "<!-- Generated from the rule registry (checks/*.go) by `" + Regenerate + "`. Do not edit: change the rule and regenerate. -->\n"

// Seen is a rule's fixture as its page shows it: the failing repository (the
// changes to the base repository), the gate's real output on it, and the
// changes that fix it.
type Seen struct {
	// Options are the command-line options of the failing run beyond the
	// path, and of the fixed one.
	FailOptions, PassOptions []string
	Fail, Pass               []Edit
	// Output is the rule's findings on the failing repository as the terminal
	// shows them.
	Output string
}

// Edit is one change to the base repository.
type Edit struct {
	Path string
	Kind string // "file", "append", "replace" or "delete"
	Old  string // the lines replaced
	New  string // the file, the lines appended, or the lines that replace Old
}

// Pages renders every page: one per rule (finding.RuleDocFile) and the index.
// Keys are file names inside docs/rules; seen holds each rule's fixture.
func Pages(rules []finding.Rule, seen map[string]Seen) map[string][]byte {
	pages := make(map[string][]byte, len(rules)+1)
	for _, r := range rules {
		pages[finding.RuleDocFile(r.ID)] = Page(r, seen[r.ID])
	}
	pages[Index] = IndexPage(rules)
	return pages
}

// Page renders one rule's page.
func Page(r finding.Rule, seen Seen) []byte {
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
	if seen.Output != "" {
		seenSection(&b, seen)
	}
	fmt.Fprintf(&b, "\n---\n\n[All rules](%s) · `cra-gate rules %s` prints this page in a terminal.\n", Index, r.ID)
	return b.Bytes()
}

// FixtureBase is the repository every rule's fixture changes, for the pages'
// links.
const FixtureBase = "../../checks/testdata/rules/base.txtar"

// seenSection shows the rule's fixture: what breaks it, what the gate says,
// what fixes it.
func seenSection(b *bytes.Buffer, seen Seen) {
	b.WriteString("\n## Seen on a repository\n\n")
	fmt.Fprintf(b, "The rule's test fixture changes [a compliant repository](%s) so that it breaks the rule:\n", FixtureBase)
	edits(b, seen.Fail)
	run := "cra-gate check"
	for _, o := range seen.FailOptions {
		run += " " + o
	}
	fmt.Fprintf(b, "\n`%s` reports:\n\n", run)
	fence := Fence(seen.Output)
	fmt.Fprintf(b, "%stext\n%s%s\n", fence, seen.Output, fence)
	b.WriteString("\nThe fixed repository, which the same test holds free of the finding:\n")
	if len(seen.Pass) == 0 {
		b.WriteString("\n- the compliant repository itself.\n")
	}
	edits(b, seen.Pass)
	if len(seen.PassOptions) > 0 {
		fmt.Fprintf(b, "\nchecked with `%s`.\n", strings.Join(seen.PassOptions, " "))
	}
}

// edits lists changes to the base repository as Markdown.
func edits(b *bytes.Buffer, es []Edit) {
	for _, e := range es {
		lang := langOf(e.Path)
		block := func(s string) {
			s = strings.TrimSuffix(s, "\n")
			f := Fence(s)
			fmt.Fprintf(b, "\n  %s%s\n", f, lang)
			for _, l := range strings.Split(s, "\n") {
				b.WriteString(strings.TrimRight("  "+l, " ") + "\n")
			}
			fmt.Fprintf(b, "  %s\n", f)
		}
		switch e.Kind {
		case "delete":
			fmt.Fprintf(b, "\n- `%s` is removed.\n", e.Path)
		case "append":
			fmt.Fprintf(b, "\n- `%s` ends with:\n", e.Path)
			block(e.New)
		case "replace":
			fmt.Fprintf(b, "\n- in `%s`,\n", e.Path)
			block(e.Old)
			if strings.TrimSpace(e.New) == "" {
				b.WriteString("\n  is removed.\n")
				continue
			}
			b.WriteString("\n  becomes\n")
			block(e.New)
		default:
			fmt.Fprintf(b, "\n- `%s`:\n", e.Path)
			block(e.New)
		}
	}
}

// langOf is the fence's info string for a file.
func langOf(p string) string {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".toml":
		return "toml"
	case ".json":
		return "json"
	case ".md":
		return "markdown"
	case ".xml":
		return "xml"
	case ".mod":
		return "go-mod"
	}
	return "text"
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

// READMEBegin and READMEEnd enclose the "What it checks" table in the
// repository's README.md, which WithChecksTable rewrites.
const (
	READMEBegin = "<!-- checks:begin (generated by `" + Regenerate + "` from the check registry; do not edit) -->\n"
	READMEEnd   = "<!-- checks:end -->\n"
)

// ChecksTable renders the README's "What it checks" table.
func ChecksTable(checks []checks.Check) []byte {
	var b bytes.Buffer
	b.WriteString("| Check | What | CRA |\n| --- | --- | --- |\n")
	for _, c := range checks {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.ID, Cell(c.Summary), Cell(c.Reference))
	}
	return b.Bytes()
}

// WithChecksTable returns readme with the text between READMEBegin and
// READMEEnd replaced by ChecksTable; an error when the markers are missing.
func WithChecksTable(readme []byte, checks []checks.Check) ([]byte, error) {
	i := bytes.Index(readme, []byte(READMEBegin))
	j := bytes.Index(readme, []byte(READMEEnd))
	if i < 0 || j < i {
		return nil, errors.New("README.md has no " + strings.TrimSpace(READMEBegin) + " ... " + strings.TrimSpace(READMEEnd) + " block")
	}
	var out bytes.Buffer
	out.Write(readme[:i+len(READMEBegin)])
	out.Write(ChecksTable(checks))
	out.Write(readme[j:])
	return out.Bytes(), nil
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
func Write(dir string, rules []finding.Rule, seen map[string]Seen) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	pages := Pages(rules, seen)
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
func Diff(dir string, rules []finding.Rule, seen map[string]Seen) ([]string, error) {
	pages := Pages(rules, seen)
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
