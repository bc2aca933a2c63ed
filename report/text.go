package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cra-gate/cra-gate/finding"
)

// TextOptions configure Text.
type TextOptions struct {
	// Color turns on ANSI colours. The caller decides (a terminal, NO_COLOR unset).
	Color bool
	// Width, when at least 40, wraps messages and fixes to that many
	// columns with a hanging indent (a terminal's width); 0 leaves lines whole.
	Width int
	// MinSeverity leaves out findings below it (their count stays in the
	// verdict line); Notice, the zero value, shows every finding.
	MinSeverity finding.Severity
	// Quiet writes only the findings (no source lines, no waived list, no
	// vulnerability or coverage table) and the verdict.
	Quiet bool
	// Verbose writes the notices and the waived findings one by one; without
	// it they are counted in a line each, so that a passing run fits a
	// screen.
	Verbose bool
}

// ANSI SGR sequences used by Text.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrRed    = "\x1b[1;31m"
	sgrYellow = "\x1b[1;33m"
	sgrCyan   = "\x1b[1;36m"
	sgrGreen  = "\x1b[1;32m"
	sgrDim    = "\x1b[2m"
)

// Text writes the report for a terminal, like a compiler's diagnostics: a
// header, the findings grouped by check as "file:line:col: severity: message
// [rule]" with the source line and a caret under the column, then a one-line
// status of every check and the verdict. Checks without findings only appear in
// the status line. Columns are 1-based byte offsets into the source line, as
// the TOML parser and the Go compiler count them.
func Text(w io.Writer, r *finding.Result, opt TextOptions) error {
	if r == nil {
		return fmt.Errorf("report: nil result")
	}
	lf := &lineFilter{w: w}
	p := textPrinter{w: bufio.NewWriter(lf), color: opt.Color, width: opt.Width, quiet: opt.Quiet}
	if p.width < 40 {
		p.width = 0
	}
	p.header(r)
	open, waived := splitWaived(r.Findings)
	shown, folded := open[:0:0], 0
	for _, f := range open {
		switch {
		case f.Severity < opt.MinSeverity:
		case f.Severity == finding.Notice && !opt.Verbose:
			folded++
		default:
			shown = append(shown, f)
		}
	}
	ids, by := checkOrder(r.Checks, shown)
	for _, id := range ids {
		p.printf("\n%s\n", p.paint(sgrBold, sanitize(id, "")))
		rows, rest := vulnRows(r, by[id], nil)
		for i := 0; i < len(rest); {
			// A run of findings of one rule with one fix: the fix once.
			j := i + 1
			for j < len(rest) && rest[j].Rule == rest[i].Rule && rest[j].Fix == rest[i].Fix {
				j++
			}
			for _, f := range rest[i:j] {
				p.finding(f)
			}
			p.fix(rest[i].Fix, j-i)
			i = j
		}
		p.vulnRows(r, rows, by[id])
	}
	if n := len(waived); n > 0 && !p.quiet && !opt.Verbose {
		p.printf("\n")
		p.wrap("", 0, plural(n, "waived finding")+" (accepted by [[waiver]] entries, not counted; --verbose lists them)", "  ")
	}
	if folded > 0 && !p.quiet {
		p.printf("\n")
		p.wrap("", 0, plural(folded, "notice")+" (recorded decisions and reminders; --verbose shows them)", "  ")
	}
	if len(waived) > 0 && !p.quiet && opt.Verbose {
		p.printf("\n%s\n", p.paint(sgrBold, fmt.Sprintf("waived (%d: accepted by [[waiver]] entries, not counted)", len(waived))))
		for _, f := range waived {
			loc := f.Location()
			if loc != "" {
				loc += ": "
			}
			p.printf("%s%s: %s [%s]\n", sanitize(loc, ""), f.Severity, sanitize(f.Message, ""), sanitize(f.Rule, ""))
			p.printf("  waived until %s (cra.toml:%d): %s\n", sanitize(f.Waived.Until, ""), f.Waived.Line, sanitize(f.Waived.Reason, ""))
		}
	}
	if !p.quiet {
		p.vulnerabilities(r.Vulnerabilities)
		p.coverage(r.SBOMs)
	}
	p.compared(r)
	p.footer(r)
	if err := p.w.Flush(); err != nil {
		return err
	}
	return lf.Close()
}

// compared prints, for a run compared with its base (--base), what the
// change introduces and the declarations it changes, weakening ones marked.
func (p textPrinter) compared(r *finding.Result) {
	if r.Base == nil {
		return
	}
	base := sanitize(r.Base.Path, "")
	if c := r.Base.Commit; len(c) >= 7 {
		base += " at " + sanitize(c[:7], "")
	}
	p.printf("\n%s\n", p.paint(sgrBold, "Compared with the base ("+base+")"))
	p.printf("  introduced by this change: %s; already on the base: %s\n", countsText(r.Base.New), countsText(r.Base.Existing))
	for _, c := range r.DeclarationChanges {
		mark := " "
		if c.Weakens {
			mark = p.paint(sgrYellow, "!")
		}
		loc := c.File
		if c.Line > 0 {
			loc += ":" + strconv.Itoa(c.Line)
		}
		line := sanitize(c.Kind+": "+c.Subject, "")
		switch {
		case c.Before != "" && c.After != "":
			line += " (" + sanitize(c.Before, "") + " -> " + sanitize(c.After, "") + ")"
		case c.After != "":
			line += " (" + sanitize(c.After, "") + ")"
		}
		p.printf("  %s %s  %s\n", mark, sanitize(loc, ""), line)
	}
	if r.Weakens() {
		p.printf("  (! accepts a gap or narrows what the gate checks)\n")
	}
}

func countsText(c finding.Counts) string {
	return plural(c.Errors, "error") + ", " + plural(c.Warnings, "warning")
}

// coverage prints each SBOM's field coverage on two lines, marking the
// fields below their threshold.
func (p textPrinter) coverage(sboms []finding.SBOMCoverage) {
	if len(sboms) == 0 {
		return
	}
	p.printf("\n%s\n", p.paint(sgrBold, "SBOM coverage (share of components with each field)"))
	for _, s := range sboms {
		profile := ""
		if s.Profile != "" {
			profile = ", profile " + sanitize(s.Profile, "")
		}
		p.wrap("  ", 2, fmt.Sprintf("%s  %s %s, %d components%s", sanitize(s.File, ""), sanitize(s.Format, ""), sanitize(s.SpecVersion, ""),
			s.Components, profile), "    ")
		if s.Components == 0 {
			continue
		}
		var required, shown []string
		for _, f := range s.Fields {
			v := fmt.Sprintf("%s %s", sanitize(f.Field, ""), percent(f.Percent))
			switch {
			case f.Threshold == 0:
				shown = append(shown, v)
				continue
			case f.Below(s.Components) && f.Waived:
				v += " (below " + percent(f.Threshold) + ", waived)"
			case f.Below(s.Components):
				v = p.paint(sgrYellow, v+" (below "+percent(f.Threshold)+")")
			}
			required = append(required, v)
		}
		p.wrap("    ", 4, strings.Join(required, " · "), "    ")
		if len(shown) > 0 {
			p.wrap("    ", 4, "for information: "+strings.Join(shown, " · "), "    ")
		}
	}
}

// vulnerabilities ends the vulns check's report: how many known
// vulnerabilities the sources gave (the open ones are findings above, a
// line per component), and one line for each a VEX statement answers.
func (p textPrinter) vulnerabilities(vs []finding.Vulnerability) {
	if vs == nil {
		return
	}
	var answered []finding.Vulnerability
	for _, v := range vs {
		if v.VEX.Answered() {
			answered = append(answered, v)
		}
	}
	p.printf("\n%s\n", p.paint(sgrBold, fmt.Sprintf("Known vulnerabilities (%d, %d answered by VEX)", len(vs), len(answered))))
	if len(vs) == 0 {
		p.printf("  none in the sources checked\n")
		return
	}
	for _, v := range answered {
		name, ver := componentOf(&v)
		line := fmt.Sprintf("  %s %s  %s  vex %s", name, ver, v.ID, strings.TrimSpace(v.VEX.Status+" "+v.VEX.Justification))
		if loc := (finding.Finding{File: v.VEX.File, Line: v.VEX.Line}).Location(); loc != "" {
			line += "  " + loc
		}
		p.printf("%s\n", sanitize(line, ""))
	}
}

// vulnRows writes the open vulnerabilities one line per component: where
// the SBOM lists it, its advisories (KEV first, then by level) with their
// CVE, level and fixed version, and the version that fixes them all; then
// the rules' fixes once.
func (p textPrinter) vulnRows(r *finding.Result, rows []*vulnRow, fs []finding.Finding) {
	if len(rows) == 0 {
		return
	}
	for _, row := range rows {
		var ids []string
		for _, a := range row.advisories {
			id := a.v.ID
			for _, alias := range a.v.Aliases {
				if strings.HasPrefix(alias, "CVE-") && alias != a.v.ID {
					id += " (" + alias + ")"
					break
				}
			}
			var tail []string
			if a.kev {
				tail = append(tail, "KEV")
			}
			if a.v.Level != "" {
				tail = append(tail, a.v.Level)
			}
			if a.v.Fixed != "" {
				tail = append(tail, "fixed in "+a.v.Fixed)
			}
			if a.v.NotLinked {
				tail = append(tail, "vulnerable packages not linked")
			}
			if len(tail) > 0 {
				id += " " + strings.Join(tail, ", ")
			}
			ids = append(ids, id)
		}
		fixed, known := row.fixedAll()
		fix := "no fix known"
		switch {
		case fixed != "" && known == len(row.advisories):
			fix = "all fixed in " + fixed
		case fixed != "":
			fix = fmt.Sprintf("%s fixes %d of %d", fixed, known, len(row.advisories))
		}
		var also []string
		for _, pl := range row.places[1:] {
			also = append(also, pl.Location())
		}
		msg := fmt.Sprintf("%s %s: %s: %s; %s", row.name, row.version, plural(len(row.advisories), "known vulnerability"), strings.Join(ids, "; "), fix)
		if len(also) > 0 {
			msg += "; also in " + strings.Join(also, ", ")
		}
		rule := ruleVulnsKnown
		if row.kev() {
			rule = ruleVulnsKEV
		}
		p.line(row.places[0].Location(), row.severity, msg, rule)
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if (f.Rule == ruleVulnsKnown || f.Rule == ruleVulnsKEV) && !seen[f.Fix] {
			seen[f.Fix] = true
			p.fix(f.Fix, 2)
		}
	}
}

// percent renders 100, 99.5 as "100%", "99.5%".
func percent(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64) + "%"
}

type textPrinter struct {
	w     *bufio.Writer
	color bool
	width int // wrap at this many columns; 0: no wrapping
	quiet bool
}

func (p textPrinter) printf(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

// paint wraps s in an SGR sequence when colour is on.
func (p textPrinter) paint(sgr, s string) string {
	if !p.color || s == "" {
		return s
	}
	return sgr + s + sgrReset
}

func severityColor(s finding.Severity) string {
	switch s {
	case finding.Error:
		return sgrRed
	case finding.Warning:
		return sgrYellow
	}
	return sgrCyan
}

func (p textPrinter) header(r *finding.Result) {
	t := tool(r)
	parts := []string{strings.TrimSpace(t.Name + " " + t.Version)}
	if prod := productLine(r.Product); prod != "" {
		parts = append(parts, prod)
	}
	if r.Config != "" {
		parts = append(parts, r.Config)
	}
	if r.Date != "" {
		parts = append(parts, "date "+r.Date)
	}
	p.wrap("", 0, sanitize(strings.Join(parts, " · "), ""), "  ")
}

// productLine writes "Acme Smart Lock 3.2.0 (Acme GmbH)", omitting what is empty.
func productLine(pr finding.Product) string {
	s := strings.TrimSpace(pr.Name + " " + pr.Version)
	if pr.Manufacturer != "" {
		if s == "" {
			return pr.Manufacturer
		}
		s += " (" + pr.Manufacturer + ")"
	}
	return s
}

// TextFindings writes findings as Text does, each with its source line and
// fix, without the header, the tables and the verdict: the rule pages show
// the gate's output on a rule's fixture with it.
func TextFindings(w io.Writer, fs []finding.Finding, opt TextOptions) error {
	lf := &lineFilter{w: w}
	p := textPrinter{w: bufio.NewWriter(lf), color: opt.Color}
	for _, f := range fs {
		p.finding(f)
		p.fix(f.Fix, 1)
	}
	return p.w.Flush()
}

func (p textPrinter) finding(f finding.Finding) {
	rule := f.Rule
	if f.Baseline == finding.BaselineNew {
		rule += ", new in this change"
	}
	p.line(f.Location(), f.Severity, f.Message, rule)
	if !p.quiet {
		p.snippet(f, severityColor(f.Severity))
	}
}

// line writes "loc: severity: message [rule]", wrapped at the width with
// the continuation indented.
func (p textPrinter) line(loc string, sev finding.Severity, msg, rule string) {
	prefix, plain := "", ""
	if loc != "" {
		plain = sanitize(loc, "") + ": "
		prefix = p.paint(sgrBold, sanitize(loc, "")) + ": "
	}
	plain += sev.String() + ": "
	prefix += p.paint(severityColor(sev), sev.String()) + ": "
	p.wrap(prefix, utf8.RuneCountInString(plain), sanitize(msg, "")+" ["+sanitize(rule, "")+"]", "    ")
}

// fix writes a fix's first sentence, once for a run of n findings.
func (p textPrinter) fix(fix string, n int) {
	fix = firstSentence(fix)
	if fix == "" {
		return
	}
	label := "  fix: "
	if n > 1 {
		label = "  fix (all above): "
	}
	p.wrap(label, utf8.RuneCountInString(label), sanitize(fix, ""), "    ")
}

// wrap writes prefix (shown as used columns wide) and text, breaking text at
// spaces so that no line passes the width; continuation lines start with
// indent. A word longer than a line stands alone.
func (p textPrinter) wrap(prefix string, used int, text, indent string) {
	if p.width == 0 || used+utf8.RuneCountInString(text) <= p.width {
		p.printf("%s%s\n", prefix, text)
		return
	}
	var b strings.Builder
	b.WriteString(prefix)
	col, first := used, true
	for _, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		if !first && col+1+n > p.width {
			b.WriteString("\n" + indent)
			col, first = utf8.RuneCountInString(indent), true
		}
		if !first {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += n
		first = false
	}
	p.printf("%s\n", b.String())
}

// snippet prints the source line under a gutter with the line number, and a
// caret under the column. Tabs before the column are copied into the caret line
// so the caret stays aligned however the terminal expands them.
func (p textPrinter) snippet(f finding.Finding, caretColor string) {
	src := strings.TrimRight(f.Source, "\r\n")
	if src == "" {
		return
	}
	num := ""
	if f.Line > 0 {
		num = strconv.Itoa(f.Line)
	}
	width := max(5, len(num))
	p.printf("%*s | %s\n", width, num, sanitize(src, "\t"))
	if f.Column <= 1 { // a caret under the first column points at nothing in particular
		return
	}
	end := min(f.Column-1, len(src))
	for end > 0 && end < len(src) && !utf8.RuneStart(src[end]) {
		end--
	}
	var pad strings.Builder
	for _, r := range sanitize(src[:end], "\t") {
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	p.printf("%*s | %s%s\n", width, "", pad.String(), p.paint(caretColor, "^"))
}

func (p textPrinter) footer(r *finding.Result) {
	p.printf("\n")
	if len(r.Checks) > 0 {
		var parts []string
		for i, c := range r.Checks {
			s := sanitize(c.ID, "") + " " + p.paint(statusColor(c.Status), sanitize(string(c.Status), ""))
			// A reason shared by consecutive skipped checks is said once, after the last.
			next := finding.CheckResult{}
			if i+1 < len(r.Checks) {
				next = r.Checks[i+1]
			}
			if c.Status == finding.StatusSkip && c.Reason != "" && (next.Status != finding.StatusSkip || next.Reason != c.Reason) {
				s += " (" + sanitize(c.Reason, "") + ")"
			}
			parts = append(parts, s)
		}
		p.wrap("checks: ", len("checks: "), strings.Join(parts, " · "), "  ")
	}
	verdict := p.paint(sgrGreen, "PASS")
	if !r.Passed {
		verdict = p.paint(sgrRed, "FAIL")
	}
	line := verdict + ": " + counts(r.Summary)
	if fo := failOnPhrase(r.FailOn); fo != "" {
		line += " (" + sanitize(fo, "") + ")"
	}
	p.printf("%s\n", line)
}

func statusColor(s finding.Status) string {
	switch s {
	case finding.StatusFail:
		return sgrRed
	case finding.StatusWarn:
		return sgrYellow
	case finding.StatusPass:
		return sgrGreen
	}
	return sgrDim
}
