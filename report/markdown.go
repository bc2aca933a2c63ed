package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/cra-gate/cra-gate/finding"
)

// MarkdownOptions configure Markdown.
type MarkdownOptions struct {
	// Marker is written verbatim as the first line (for example an HTML comment
	// that lets the caller find and update its own pull-request comment).
	Marker string
	// RunURL, when set (http or https), links to the workflow run.
	RunURL string
	// MaxBytes, when > 0, bounds the output's size in bytes: notices are dropped
	// first, then gap rows (warnings before errors, later before earlier), and a
	// note says how many findings are not shown. (GitHub: a job summary takes 1 MiB per step, a comment 65,536
	// characters; a byte bound is also a character bound.)
	MaxBytes int
}

// Markdown writes GitHub-flavoured Markdown for both the pull-request comment
// and the job summary: a verdict heading, a table of the five checks, a table of
// the gaps (errors and warnings) and the notices folded under <details>. All
// repository text goes through escapeMarkdown.
func Markdown(w io.Writer, r *finding.Result, opt MarkdownOptions) error {
	if r == nil {
		return fmt.Errorf("report: nil result")
	}
	m := buildMarkdown(r, opt)
	out, err := m.fit(opt.MaxBytes)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, out)
	return err
}

// mdDoc is the Markdown report in parts, so that it can be shortened.
type mdDoc struct {
	head      string   // marker, heading, product line, checks table
	gapHeader string   // gap table header (two lines)
	gapRows   []string // one line each
	gapSev    []finding.Severity
	notices   string // <details> block, "" when none
	coverage  string // SBOM coverage <details> block, "" when none
	vulns     string // known vulnerabilities <details> block, "" when the check did not run
	nNotices  int
	runURL    string // sanitized, "" when none
}

func buildMarkdown(r *finding.Result, opt MarkdownOptions) *mdDoc {
	m := &mdDoc{runURL: safeURL(opt.RunURL)}
	var h strings.Builder
	if opt.Marker != "" {
		h.WriteString(opt.Marker + "\n")
	}
	h.WriteString(mdHeading(r) + "\n\n")
	if sub := mdSubline(r); sub != "" {
		h.WriteString(sub + "\n\n")
	}
	if len(r.Checks) > 0 {
		h.WriteString("| Check | Status | Errors | Warnings | Notices |\n| --- | --- | ---: | ---: | ---: |\n")
		for _, c := range r.Checks {
			fmt.Fprintf(&h, "| %s | %s | %d | %d | %d |\n", escapeMarkdown(c.ID), mdStatus(c), c.Errors, c.Warnings, c.Notices)
		}
	}
	m.head = h.String()

	m.gapHeader = "| Severity | Where | Rule | What | CRA | Fix |\n| --- | --- | --- | --- | --- | --- |\n"
	var notes []string
	for _, f := range r.Findings {
		cells := []string{mdWhere(f), mdCode(f.Rule), escapeMarkdown(f.Message), escapeMarkdown(f.Reference), escapeMarkdown(f.Fix)}
		if f.Severity >= finding.Warning {
			m.gapRows = append(m.gapRows, "| "+mdSeverity(f.Severity)+" | "+strings.Join(cells, " | ")+" |\n")
			m.gapSev = append(m.gapSev, f.Severity)
		} else {
			notes = append(notes, "| "+strings.Join(cells, " | ")+" |\n")
		}
	}
	m.coverage = mdCoverage(r.SBOMs)
	m.vulns = mdVulnerabilities(r.Vulnerabilities)
	if len(notes) > 0 {
		m.nNotices = len(notes)
		m.notices = "<details><summary>" + plural(len(notes), "notice") + "</summary>\n\n" +
			"| Where | Rule | What | CRA | Fix |\n| --- | --- | --- | --- | --- |\n" +
			strings.Join(notes, "") + "\n</details>\n"
	}
	return m
}

// render assembles the document with k gap rows (errors before warnings, then
// in Result order; shown in Result order), the notices when withNotices, and a
// note about omitted findings when omitted > 0.
func (m *mdDoc) render(k int, withNotices bool, omitted int) string {
	var b strings.Builder
	b.WriteString(m.head)
	if k > 0 {
		keep := make([]bool, len(m.gapRows))
		n := 0
		for pass := range 2 { // errors, then the rest
			for i := range m.gapRows {
				if n < k && !keep[i] && (pass == 1 || m.gapSev[i] >= finding.Error) {
					keep[i] = true
					n++
				}
			}
		}
		b.WriteString("\n" + m.gapHeader)
		for i, row := range m.gapRows {
			if keep[i] {
				b.WriteString(row)
			}
		}
	}
	if withNotices && m.notices != "" {
		b.WriteString("\n" + m.notices)
	}
	if withNotices && m.vulns != "" {
		b.WriteString("\n" + m.vulns)
	}
	if withNotices && m.coverage != "" {
		b.WriteString("\n" + m.coverage)
	}
	if omitted > 0 {
		where := "in the job log"
		if m.runURL != "" {
			where = "[in the workflow run](" + m.runURL + ")"
		}
		fmt.Fprintf(&b, "\n… %s not shown: see the full report %s.\n", plural(omitted, "more finding"), where)
	} else if m.runURL != "" {
		b.WriteString("\n[Workflow run](" + m.runURL + ")\n")
	}
	return b.String()
}

// fit renders the whole document, or, when it exceeds max bytes, drops the
// notices and then as many gap rows as needed.
func (m *mdDoc) fit(max int) (string, error) {
	all := m.render(len(m.gapRows), true, 0)
	if max <= 0 || len(all) <= max {
		return all, nil
	}
	// The length grows with k (a row is longer than the digits the note loses),
	// so find the largest k that fits by binary search.
	try := func(k int) string { return m.render(k, false, m.nNotices+len(m.gapRows)-k) }
	if s := try(0); len(s) > max {
		return "", fmt.Errorf("report: Markdown MaxBytes %d is too small for the heading and checks table (%d bytes)", max, len(s))
	}
	lo, hi := 0, len(m.gapRows) // try(lo) fits; find the largest such lo
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if len(try(mid)) <= max {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return try(lo), nil
}

func mdHeading(r *finding.Result) string {
	name := ""
	if r.Product.Name != "" {
		name = " · " + escapeMarkdown(r.Product.Name)
	}
	var gaps []string
	if r.Summary.Errors > 0 {
		gaps = append(gaps, plural(r.Summary.Errors, "error"))
	}
	if r.Summary.Warnings > 0 {
		gaps = append(gaps, plural(r.Summary.Warnings, "warning"))
	}
	g := strings.Join(gaps, ", ")
	fo := ""
	if p := failOnPhrase(r.FailOn); p != "" {
		fo = " — " + escapeMarkdown(p)
	}
	switch {
	case !r.Passed && g == "":
		return "### ❌ CRA gate" + name + ": failed" + fo
	case !r.Passed:
		return "### ❌ CRA gate" + name + ": " + g + fo
	case r.Summary.Errors > 0:
		return "### ⚠️ CRA gate" + name + ": " + g + fo
	case r.Summary.Warnings > 0:
		return "### ✅ CRA gate" + name + ": passed with " + g
	}
	return "### ✅ CRA gate" + name + ": passed"
}

// mdSubline writes "Acme GmbH · version 3.2.0 · cra.toml · date … · cra-gate …".
func mdSubline(r *finding.Result) string {
	var parts []string
	if r.Product.Manufacturer != "" {
		parts = append(parts, escapeMarkdown(r.Product.Manufacturer))
	}
	if r.Product.Version != "" {
		parts = append(parts, "version "+escapeMarkdown(r.Product.Version))
	}
	if r.Config != "" {
		parts = append(parts, mdCode(r.Config))
	}
	if r.Date != "" {
		parts = append(parts, "date "+escapeMarkdown(r.Date))
	}
	t := tool(r)
	parts = append(parts, escapeMarkdown(strings.TrimSpace(t.Name+" "+t.Version)))
	return strings.Join(parts, " · ")
}

func mdStatus(c finding.CheckResult) string {
	switch c.Status {
	case finding.StatusPass:
		return "✅ pass"
	case finding.StatusWarn:
		return "⚠️ warn"
	case finding.StatusFail:
		return "❌ fail"
	case finding.StatusSkip:
		if c.Reason != "" {
			return "⏭️ skip: " + escapeMarkdown(c.Reason)
		}
		return "⏭️ skip"
	}
	return escapeMarkdown(string(c.Status))
}

func mdSeverity(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "❌ error"
	case finding.Warning:
		return "⚠️ warning"
	}
	return "ℹ️ notice"
}

// mdWhere writes file:line in code formatting, or "—" when there is no file.
func mdWhere(f finding.Finding) string {
	if f.File == "" {
		return "—"
	}
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return mdCode(loc)
}

// mdCode writes s in code formatting. It uses an HTML <code> element rather
// than a backtick code span, so that the escaped text inside cannot close it.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	return "<code>" + escapeMarkdown(s) + "</code>"
}

// escapeMarkdown makes repository text inert inside a GitHub Markdown table cell
// or heading: it renders as the same characters and nothing else. Line breaks
// and tabs become spaces and control characters visible escapes (sanitize);
// & < > | $ become entities (no HTML, comments or </details>; no cell breaks; no
// math); Markdown punctuation \ ` * _ ~ [ ] ! # is backslash-escaped (no
// emphasis, code, links, images, headings); an @ that could start a mention
// gets a zero-width space after it (an @ inside a word, as in an email
// address, cannot mention and is left alone); and list or heading markers at the
// start are escaped in case the text ever starts a line.
func escapeMarkdown(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(s)
	s = sanitize(s, "")
	var b strings.Builder
	prev := rune(0)
	for i, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '|':
			b.WriteString("&#124;")
		case '$':
			b.WriteString("&#36;")
		case '@':
			b.WriteByte('@')
			if i == 0 || !(unicode.IsLetter(prev) || unicode.IsDigit(prev)) {
				b.WriteString("&#8203;")
			}
		case '\\', '`', '*', '_', '~', '[', ']', '!', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '-', '+', '=':
			if b.Len() == 0 {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		case '.', ')':
			if i > 0 && isDigits(s[:i]) && (i+1 == len(s) || s[i+1] == ' ') {
				b.WriteByte('\\') // "1. " or "1) " would start an ordered list
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// safeURL returns u with characters that could end a Markdown link destination
// or open HTML percent-encoded, or "" when u is not an http(s) URL.
func safeURL(u string) string {
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return ""
	}
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			strings.IndexByte("-._~:/?#@!$&'*+,;=%", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// mdCoverage renders the SBOM field coverage as a folded table; a field below
// its threshold is marked ⚠️.
func mdCoverage(sboms []finding.SBOMCoverage) string {
	if len(sboms) == 0 {
		return ""
	}
	var fields []string
	seen := map[string]bool{}
	for _, s := range sboms {
		for _, f := range s.Fields {
			if !seen[f.Field] {
				seen[f.Field] = true
				fields = append(fields, f.Field)
			}
		}
	}
	var b strings.Builder
	b.WriteString("<details><summary>SBOM coverage</summary>\n\n| SBOM | Format | Components |")
	for _, f := range fields {
		b.WriteString(" " + escapeMarkdown(f) + " |")
	}
	b.WriteString("\n| --- | --- | ---: |" + strings.Repeat(" ---: |", len(fields)) + "\n")
	for _, s := range sboms {
		fmt.Fprintf(&b, "| %s | %s | %d |", mdCode(s.File), escapeMarkdown(s.Format+" "+s.SpecVersion), s.Components)
		byField := map[string]finding.FieldCoverage{}
		for _, f := range s.Fields {
			byField[f.Field] = f
		}
		for _, name := range fields {
			f, ok := byField[name]
			switch {
			case !ok || s.Components == 0:
				b.WriteString(" — |")
			case f.Below(s.Components):
				b.WriteString(" ⚠️ " + strconv.FormatFloat(f.Percent, 'f', -1, 64) + "% |")
			default:
				b.WriteString(" " + strconv.FormatFloat(f.Percent, 'f', -1, 64) + "% |")
			}
		}
		b.WriteString("\n")
	}
	var th []string
	for _, f := range sboms[0].Fields {
		th = append(th, escapeMarkdown(f.Field)+" "+strconv.FormatFloat(f.Threshold, 'f', -1, 64)+"%")
	}
	b.WriteString("\nThresholds: " + strings.Join(th, ", ") + ".\n\n</details>\n")
	return b.String()
}

// mdMaxVulnRows bounds the rows of the known-vulnerabilities table.
const mdMaxVulnRows = 200

// mdVulnerabilities renders the vulns check's table, folded: unanswered
// vulnerabilities first, then those a VEX statement answers.
func mdVulnerabilities(vs []finding.Vulnerability) string {
	if vs == nil {
		return ""
	}
	open, kevN := 0, 0
	for _, v := range vs {
		if !v.VEX.Answered() {
			open++
		}
		if v.KEV {
			kevN++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary>Known vulnerabilities: %d, %d unanswered, %d KEV-listed</summary>\n\n", len(vs), open, kevN)
	if len(vs) == 0 {
		b.WriteString("No component of the SBOMs has a known vulnerability in the sources checked.\n\n</details>\n")
		return b.String()
	}
	b.WriteString("| Component | Advisory | Aliases | Severity | Fixed in | KEV | VEX | Where |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	order := make([]int, 0, len(vs))
	for pass := range 2 {
		for i, v := range vs {
			if v.VEX.Answered() == (pass == 1) {
				order = append(order, i)
			}
		}
	}
	for n, i := range order {
		if n == mdMaxVulnRows {
			fmt.Fprintf(&b, "\n… %d more in the JSON report.\n", len(order)-n)
			break
		}
		v := vs[i]
		vex := "—"
		if v.VEX != nil {
			vex = escapeMarkdown(strings.TrimSpace(v.VEX.Status + " " + v.VEX.Justification))
		}
		kev := ""
		if v.KEV {
			kev = "⚠️ yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			mdCode(v.Purl), mdCode(v.ID), escapeMarkdown(strings.Join(v.Aliases, ", ")), escapeMarkdown(v.Severity),
			escapeMarkdown(v.Fixed), kev, vex, mdWhere(finding.Finding{File: v.File, Line: v.Line}))
	}
	b.WriteString("\n</details>\n")
	return b.String()
}
