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
	p := textPrinter{w: bufio.NewWriter(lf), color: opt.Color}
	p.header(r)
	open, waived := splitWaived(r.Findings)
	ids, by := checkOrder(r.Checks, open)
	for _, id := range ids {
		p.printf("\n%s\n", p.paint(sgrBold, sanitize(id, "")))
		for _, f := range by[id] {
			p.finding(f)
		}
	}
	if len(waived) > 0 {
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
	p.vulnerabilities(r.Vulnerabilities)
	p.coverage(r.SBOMs)
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
		p.printf("  %s  %s %s, %d components%s\n", sanitize(s.File, ""), sanitize(s.Format, ""), sanitize(s.SpecVersion, ""), s.Components, profile)
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
		p.printf("    %s\n", strings.Join(required, " · "))
		if len(shown) > 0 {
			p.printf("    for information: %s\n", strings.Join(shown, " · "))
		}
	}
}

// vulnerabilities lists the vulns check's table, one line per (component,
// advisory), when the check ran.
func (p textPrinter) vulnerabilities(vs []finding.Vulnerability) {
	if vs == nil {
		return
	}
	p.printf("\n%s\n", p.paint(sgrBold, fmt.Sprintf("Known vulnerabilities (%d)", len(vs))))
	if len(vs) == 0 {
		p.printf("  none in the sources checked\n")
		return
	}
	for _, v := range vs {
		parts := []string{v.ID}
		if len(v.Aliases) > 0 {
			parts[0] += " (" + strings.Join(v.Aliases, ", ") + ")"
		}
		if v.Severity != "" {
			parts = append(parts, "severity "+v.Severity)
		}
		if v.Fixed != "" {
			parts = append(parts, "fixed in "+v.Fixed)
		} else {
			parts = append(parts, "no fix known")
		}
		if v.KEV {
			parts = append(parts, p.paint(sgrRed, "KEV"))
		}
		if v.VEX != nil {
			parts = append(parts, "vex "+strings.TrimSpace(v.VEX.Status+" "+v.VEX.Justification))
		}
		loc := finding.Finding{File: v.File, Line: v.Line}.Location()
		p.printf("  %s  %s  %s\n", sanitize(loc, ""), sanitize(v.Purl, ""), sanitize(strings.Join(parts, " · "), ""))
	}
}

// percent renders 100, 99.5 as "100%", "99.5%".
func percent(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64) + "%"
}

type textPrinter struct {
	w     *bufio.Writer
	color bool
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
	p.printf("%s\n", sanitize(strings.Join(parts, " · "), ""))
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
	}
	return p.w.Flush()
}

func (p textPrinter) finding(f finding.Finding) {
	if loc := f.Location(); loc != "" {
		p.printf("%s: ", p.paint(sgrBold, sanitize(loc, "")))
	}
	col := severityColor(f.Severity)
	tag := sanitize(f.Rule, "")
	if f.Baseline == finding.BaselineNew {
		tag += ", new in this change"
	}
	p.printf("%s: %s [%s]\n", p.paint(col, f.Severity.String()), sanitize(f.Message, ""), tag)
	p.snippet(f, col)
	if fix := firstSentence(f.Fix); fix != "" {
		p.printf("  fix: %s\n", sanitize(fix, ""))
	}
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
	if f.Column <= 0 {
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
		p.printf("checks: %s\n", strings.Join(parts, " · "))
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
