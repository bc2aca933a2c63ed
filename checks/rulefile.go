package checks

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/cra-gate/cra-gate/finding"
)

// ruleFiles holds the rules' texts, one Markdown file per rule: what a
// compliance reviewer reads and corrects, apart from the code that applies
// the rule. See parseRuleFile for the shape.
//
//go:embed rules/*.md
var ruleFiles embed.FS

// ruleDir is where the rule files are, in ruleFiles and in the source tree.
const ruleDir = "rules"

// ruleFrontMatter is the TOML between the "+++" lines that open a rule file.
type ruleFrontMatter struct {
	Check      string `toml:"check"`
	Severity   string `toml:"severity"`
	Reference  string `toml:"reference"`
	Unwaivable bool   `toml:"unwaivable"`
	// Title is the rule's name in a list of alerts; needed when the
	// summary is longer than maxTitle.
	Title string `toml:"title"`
}

// maxTitle bounds a rule's title, in characters: code scanning shows it as
// the alert's name.
const maxTitle = 100

// loadRule reads rules/<id>.md. A missing or malformed file is a programming
// error, which every test run reports.
func loadRule(id string) finding.Rule {
	data, err := ruleFiles.ReadFile(ruleDir + "/" + id + ".md")
	if err != nil {
		panic(fmt.Sprintf("checks: rule %s has no file %s/%s.md", id, ruleDir, id))
	}
	r, err := parseRuleFile(id, data)
	if err != nil {
		panic(fmt.Sprintf("checks: %s/%s.md: %v", ruleDir, id, err))
	}
	return r
}

// parseRuleFile reads one rule file:
//
//	+++
//	check = "scope"
//	severity = "error"
//	reference = "Article 3(2), Recitals 11-12"
//	title = "..."  (only when the summary is over 100 characters)
//	+++
//
//	# scope-rationale-missing
//
//	The summary: one paragraph, what the rule checks.
//
//	## Why
//	(paragraphs: why the CRA asks for it, quoting the provision)
//	## Fix
//	(paragraphs: how to fix a finding)
//	## Example
//	(one fenced block: a cra.toml snippet that passes, or another file's
//	lines under a first line "# in FILE:")
//
// Lines of a paragraph are joined with a space, so that prose can be wrapped
// freely; paragraphs are kept apart by a blank line.
func parseRuleFile(id string, data []byte) (finding.Rule, error) {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	rest, ok := strings.CutPrefix(text, "+++\n")
	if !ok {
		return finding.Rule{}, fmt.Errorf("it does not open with +++ front matter")
	}
	front, body, ok := strings.Cut(rest, "\n+++\n")
	if !ok {
		return finding.Rule{}, fmt.Errorf("its front matter is not closed by +++")
	}
	var fm ruleFrontMatter
	md, err := toml.Decode(front, &fm)
	if err != nil {
		return finding.Rule{}, fmt.Errorf("front matter: %v", err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return finding.Rule{}, fmt.Errorf("front matter: unknown key %s", un[0])
	}
	sev, err := finding.ParseSeverity(fm.Severity)
	if err != nil || fm.Check == "" || fm.Reference == "" {
		return finding.Rule{}, fmt.Errorf("front matter needs check, severity and reference (%v)", err)
	}
	sections, err := ruleSections(id, body)
	if err != nil {
		return finding.Rule{}, err
	}
	example, err := fenced(sections["Example"])
	if err != nil {
		return finding.Rule{}, fmt.Errorf("## Example: %v", err)
	}
	r := finding.Rule{
		ID: id, Check: fm.Check, Severity: sev, Reference: fm.Reference, Unwaivable: fm.Unwaivable, Title: fm.Title,
		Summary: prose(sections[""]), Why: prose(sections["Why"]), Fix: prose(sections["Fix"]), Example: example,
	}
	if r.Summary == "" || r.Why == "" || r.Fix == "" || r.Example == "" {
		return finding.Rule{}, fmt.Errorf("it needs a summary under the title and the sections Why, Fix and Example")
	}
	switch n := utf8.RuneCountInString(r.Title); {
	case n > maxTitle:
		return finding.Rule{}, fmt.Errorf("its title is %d characters, over %d", n, maxTitle)
	case n == 0 && utf8.RuneCountInString(r.Summary) > maxTitle:
		return finding.Rule{}, fmt.Errorf("its summary is over %d characters: give a title in the front matter", maxTitle)
	}
	return r, nil
}

// ruleSections splits a rule file's body at its "## " headings; "" is the
// text between the "# id" title and the first heading.
func ruleSections(id, body string) (map[string]string, error) {
	body = strings.TrimLeft(body, "\n")
	title, rest, _ := strings.Cut(body, "\n")
	if title != "# "+id {
		return nil, fmt.Errorf("its title is %q, not %q", title, "# "+id)
	}
	sections := map[string]string{}
	name := ""
	var cur []string
	inFence := false
	flush := func() { sections[name] = strings.Join(cur, "\n") }
	for _, line := range strings.Split(rest, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
		}
		if h, ok := strings.CutPrefix(line, "## "); ok && !inFence {
			flush()
			if _, dup := sections[h]; dup {
				return nil, fmt.Errorf("section %q twice", h)
			}
			name, cur = h, nil
			continue
		}
		cur = append(cur, line)
	}
	flush()
	for h := range sections {
		switch h {
		case "", "Why", "Fix", "Example":
		default:
			return nil, fmt.Errorf("unknown section %q (want Why, Fix, Example)", h)
		}
	}
	return sections, nil
}

// prose joins the lines of each paragraph with a space and the paragraphs
// with a blank line.
func prose(s string) string {
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// fenced returns the content of the one fenced code block in s.
func fenced(s string) (string, error) {
	s = strings.TrimSpace(s)
	open, rest, ok := strings.Cut(s, "\n")
	if !ok || !strings.HasPrefix(open, "```") {
		return "", fmt.Errorf("want one fenced code block")
	}
	fence := open[:len(open)-len(strings.TrimLeft(open, "`"))]
	content, after, ok := strings.Cut(rest, "\n"+fence)
	if !ok || strings.TrimSpace(strings.TrimLeft(after, "`")) != "" {
		return "", fmt.Errorf("want one fenced code block, closed by %s", fence)
	}
	if bytes.ContainsRune([]byte(content), '\t') {
		return "", fmt.Errorf("the example holds a tab: indent with spaces")
	}
	return content, nil
}
