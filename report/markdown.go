package report

import (
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
)

// Links say where the checked files can be seen, so that locations become
// links: {Server}/{Repo}/blob/{Commit}/{path}#L{line}.
type Links struct {
	Server string // https://github.com, or a GHES root
	Repo   string // owner/name
	Commit string // the commit checked (a pull request's head), full SHA
}

// MarkdownOptions configure Markdown.
type MarkdownOptions struct {
	// Marker is written verbatim as the first line (for example an HTML comment
	// that lets the caller find and update its own pull-request comment).
	Marker string
	// RunURL, when set (http or https), links to the workflow run.
	RunURL string
	// MaxBytes, when > 0, bounds the output's size in bytes: notices and SBOM
	// coverage are dropped first, then warnings, then errors (later before
	// earlier), and a note says how many findings are not shown. (GitHub: a job
	// summary takes 1 MiB per step, a comment 65,536 characters; a byte bound is
	// also a character bound.)
	MaxBytes int
	// Links turn locations and the commit into links; empty fields leave them
	// plain.
	Links Links
	// State writes the hidden block that lets the next run say what is new
	// and what was fixed (the pull-request comment).
	State bool
	// Previous is the state of the previous comment, when there was one.
	Previous *State
	// Note is written under the heading, as a warning: what the reader must
	// know about the run before its verdict (which commit it checked).
	Note string
}

// Markdown writes GitHub-flavoured Markdown for the pull-request comment and
// the job summary, one section per product (worst first) when there are
// several: a heading with the verdict, the product and the commit checked;
// what changed since the last push; a line of check statuses; the errors,
// then the warnings, one list item each (linked location, message, rule,
// CRA reference, fix); the notices and the SBOM coverage folded under
// <details>. All repository text goes through escapeMarkdown.
func Markdown(w io.Writer, results []*finding.Result, opt MarkdownOptions) error {
	if len(results) == 0 {
		return fmt.Errorf("report: no result")
	}
	for _, r := range results {
		if r == nil {
			return fmt.Errorf("report: nil result")
		}
	}
	d := buildMarkdown(results, opt)
	_, err := io.WriteString(w, NeutralizeCommands(d.fit(opt.MaxBytes)))
	return err
}

// Priorities of the parts of the document: what a cut keeps first.
const (
	prioFrame    = iota // headings, statuses, state: always written
	prioError           // one error
	prioWarning         // one warning
	prioExisting        // one error or warning already on the base branch (--base)
	prioFolded          // a folded block (notices, coverage)
)

// mdPart is one piece of the document.
type mdPart struct {
	text     string
	prio     int
	findings int // findings the part shows (1 for an item, n for a folded block)
	// heads are the headings the part sits under: written when it is, and
	// only then (no heading without a finding under it).
	heads []int
	// follows is 1 + the index of the part this one closes (a blank line
	// after a list): written only when that part is.
	follows int
}

type mdDoc struct {
	parts  []mdPart
	runURL string
	footer int // the index of the footer: a cut note goes before it
}

func (d *mdDoc) add(prio, findings int, format string, args ...any) int {
	d.parts = append(d.parts, mdPart{text: fmt.Sprintf(format, args...), prio: prio, findings: findings})
	return len(d.parts) - 1
}

// under adds a part that sits under the headings heads.
func (d *mdDoc) under(heads []int, prio, findings int, text string) int {
	i := d.add(prio, findings, "%s", text)
	d.parts[i].heads = append([]int(nil), heads...)
	return i
}

// closing adds text written only when part i is.
func (d *mdDoc) closing(i int, text string) {
	j := d.add(prioFolded, 0, "%s", text)
	d.parts[j].follows = i + 1
}

// fit writes every part when they fit in max bytes; otherwise the frame,
// then as many errors, warnings and folded blocks as fit (each with the
// headings it sits under and the text that closes them), in that order, in
// document order, none of a kind once a part of a more important kind was
// cut, and a note about the rest before the footer.
func (d *mdDoc) fit(max int) string {
	total := 0
	for _, p := range d.parts {
		total += len(p.text)
	}
	keep := make([]bool, len(d.parts))
	omitted := 0
	if max <= 0 || total <= max {
		for i := range keep {
			keep[i] = true
		}
	} else {
		isHead := map[int]bool{}
		closes := map[int]int{} // part -> the length of the text that closes it
		for _, p := range d.parts {
			for _, h := range p.heads {
				isHead[h] = true
			}
			if p.follows != 0 {
				closes[p.follows-1] += len(p.text)
			}
		}
		used := len(d.note(99999))
		for i, p := range d.parts {
			if p.prio == prioFrame && p.follows == 0 && !isHead[i] {
				keep[i] = true
				used += len(p.text) + closes[i]
				for _, h := range p.heads {
					if !keep[h] {
						keep[h] = true
						used += len(d.parts[h].text) + closes[h]
					}
				}
			}
		}
		for prio := prioError; prio <= prioFolded; prio++ {
			cutAbove := omitted > 0 // what is less important than a part cut goes too
			for i, p := range d.parts {
				if p.prio != prio || p.follows != 0 || isHead[i] {
					continue
				}
				if cutAbove {
					omitted += p.findings
					continue
				}
				cost := len(p.text) + closes[i]
				for _, h := range p.heads {
					if !keep[h] {
						cost += len(d.parts[h].text) + closes[h]
					}
				}
				if used+cost > max {
					omitted += p.findings
					continue
				}
				keep[i] = true
				for _, h := range p.heads {
					keep[h] = true
				}
				used += cost
			}
		}
		for i, p := range d.parts {
			if p.follows != 0 && keep[p.follows-1] {
				keep[i] = true
			}
		}
	}
	var b strings.Builder
	for i, p := range d.parts {
		if i == d.footer && omitted > 0 {
			b.WriteString(d.note(omitted))
		}
		if keep[i] {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

func (d *mdDoc) note(omitted int) string {
	where := "in the job log and the JSON report"
	if d.runURL != "" {
		where = "[in the workflow run](" + d.runURL + ")"
	}
	return fmt.Sprintf("\n> **%s not shown** here: this report is longer than a comment can hold. See the full "+
		"report %s.\n\n", plural(omitted, "more finding"), where)
}

// maxProductLines bounds the list of products at the top of a monorepo's
// comment; the sections below still hold every product that fits.
const (
	maxProductLines = 30
	maxProductList  = 6 << 10
)

func buildMarkdown(results []*finding.Result, opt MarkdownOptions) *mdDoc {
	d := &mdDoc{runURL: safeURL(opt.RunURL)}
	rs := append([]*finding.Result(nil), results...)
	sort.SliceStable(rs, func(i, j int) bool { return finding.Worse(rs[i], rs[j]) })
	all := rs[0]
	if len(rs) > 1 {
		all = finding.Combine(results[0].Config, results)
	}
	links := validLinks(opt.Links)
	current := stateOf(rs)
	base := baseline(opt.Previous, current.Commit)
	current.compare(base)
	if opt.Marker != "" {
		d.add(prioFrame, 0, "%s\n", opt.Marker)
	}
	name := ""
	if len(rs) == 1 {
		name = rs[0].Product.Name
	} else {
		name = plural(len(rs), "product")
	}
	d.add(prioFrame, 0, "%s\n\n", mdHeading(all, name, links))
	if opt.Note != "" {
		d.add(prioFrame, 0, "> ⚠️ %s\n\n", escapeMarkdownMax(opt.Note, 600))
	}
	if len(rs) == 1 {
		d.add(prioFrame, 0, "%s\n\n", statusLine(rs[0]))
	} else {
		d.add(prioFrame, 0, "**%s**\n\n", gapCounts(all))
	}
	if base != nil {
		d.add(prioFrame, 0, "%s\n\n", sinceLastPush(base, current))
	}
	if len(rs) > 1 {
		var list strings.Builder
		for i, r := range rs {
			line := fmt.Sprintf("- %s %s (%s): %s\n", verdictIcon(r), productName(r), mdCode(r.Config), gapCounts(r))
			if i == maxProductLines || list.Len()+len(line) > maxProductList {
				rest := rs[i:]
				fmt.Fprintf(&list, "- and %s (%d failing)\n", strings.Replace(plural(len(rest), "product"), " ", " more ", 1), failingCount(rest))
				break
			}
			list.WriteString(line)
		}
		d.add(prioFrame, 0, "%s\n", list.String())
	}
	for _, r := range rs {
		d.section(r, len(rs) > 1, links, current)
	}
	d.footer = d.add(prioFrame, 0, "%s\n", mdFooter(all, rs, d.runURL))
	if opt.State {
		d.add(prioFrame, 0, "%s\n", current.encode())
	}
	return d
}

// warningsPhrase says why warnings are folded: they do not fail the gate.
func warningsPhrase(failOn string) string {
	if failOn == string(finding.FailOnNever) {
		return "the gate only reports"
	}
	return "not failing: the gate fails on errors"
}

// failingCount counts the results that did not pass.
func failingCount(rs []*finding.Result) int {
	n := 0
	for _, r := range rs {
		if !r.Passed {
			n++
		}
	}
	return n
}

// section writes one product: its sub-heading and check statuses when there
// are several, the gaps, the folded notices and coverage. The headings are
// written only with something under them.
func (d *mdDoc) section(r *finding.Result, several bool, links *Links, cur *State) {
	var heads []int
	if several {
		h := fmt.Sprintf("#### %s %s · %s · %s\n\n", verdictIcon(r), productName(r), mdCode(r.Config), gapCounts(r))
		if line := checksLine(r.Checks); line != "" {
			h += line + "\n\n"
		}
		heads = append(heads, d.add(prioFolded, 0, "%s", h))
	}
	var errs, warns, notes, waived []finding.Finding
	for _, f := range r.Findings {
		switch {
		case f.Waived != nil:
			waived = append(waived, f)
		case f.Severity == finding.Error:
			errs = append(errs, f)
		case f.Severity == finding.Warning:
			warns = append(warns, f)
		default:
			notes = append(notes, f)
		}
	}
	// The findings that fail the gate are written out; warnings that do
	// not (it fails on errors, or never) are folded under their count.
	foldWarnings := r.FailOn != string(finding.FailOnWarning)
	if r.Base == nil {
		d.gaps(r, errs, warns, heads, links, cur, foldWarnings, false)
	} else {
		d.comparedGaps(r, errs, warns, heads, links, cur, foldWarnings)
	}
	if len(notes) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "<details><summary>ℹ️ %s</summary>\n\n", plural(len(notes), "notice"))
		for _, g := range groupItems(notes, mdMaxGroup) {
			b.WriteString(mdGroup(r, g, links, nil))
		}
		b.WriteString("\n</details>\n\n")
		d.under(heads, prioFolded, len(notes), b.String())
	}
	if len(waived) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "<details><summary>🙈 %s (accepted by [[waiver]] entries, not counted)</summary>\n\n", plural(len(waived), "waived finding"))
		for _, f := range waived {
			b.WriteString(strings.TrimSuffix(mdItem(r, f, links, nil), "</sub>\n"))
			fmt.Fprintf(&b, " · **waived until %s:** %s</sub>\n", escapeMarkdown(f.Waived.Until), escapeMarkdown(f.Waived.Reason))
		}
		b.WriteString("\n</details>\n\n")
		d.under(heads, prioFolded, len(waived), b.String())
	}
	if v := mdVulnerabilities(r.Vulnerabilities, links); v != "" {
		d.under(heads, prioFolded, 0, v+"\n")
	}
	if cov := mdCoverage(r.SBOMs); cov != "" {
		d.under(heads, prioFolded, 0, cov+"\n")
	}
}

// gaps writes errors, then warnings (folded when fold is set), each finding
// group one list item, known vulnerabilities one table row per component,
// under the headings heads. Findings already on the base branch (existing)
// are cut before any the change introduces.
func (d *mdDoc) gaps(r *finding.Result, errs, warns []finding.Finding, heads []int, links *Links, cur *State, fold, existing bool) {
	warnTitle, warnEnd := "**⚠️ "+plural(len(warns), "warning")+"**\n\n", "\n"
	if fold {
		warnTitle = "<details><summary>⚠️ " + plural(len(warns), "warning") + " (" + warningsPhrase(r.FailOn) + ")</summary>\n\n"
		warnEnd = "\n</details>\n\n"
	}
	errPrio, warnPrio := prioError, prioWarning
	if existing {
		errPrio, warnPrio = prioExisting, prioExisting
	}
	for _, group := range []struct {
		fs         []finding.Finding
		title, end string
		prio       int
	}{{errs, "**❌ " + plural(len(errs), "error") + "**\n\n", "\n", errPrio}, {warns, warnTitle, warnEnd, warnPrio}} {
		if len(group.fs) == 0 {
			continue
		}
		title := d.add(group.prio, 0, "%s", group.title)
		under := append(append([]int(nil), heads...), title)
		rows, rest := vulnRows(r, group.fs, cur)
		for _, g := range groupItems(rest, mdMaxGroup) {
			d.under(under, group.prio, len(g), mdGroup(r, g, links, cur))
		}
		if len(rows) > 0 {
			table := d.under(under, group.prio, 0, vulnTableHead(rows, group.fs))
			for i, row := range rows {
				if i == mdMaxVulnRows {
					n := 0
					for _, more := range rows[i:] {
						n += more.findings
					}
					d.under(append(under, table), group.prio, n, fmt.Sprintf("| and %s more, with %s | | |\n",
						plural(len(rows)-i, "component"), plural(n, "finding")))
					break
				}
				d.under(append(under, table), group.prio, row.findings, mdVulnRow(row, links))
			}
			d.closing(table, "\n")
		}
		d.closing(title, group.end)
	}
}

// comparedGaps writes a run compared with its base (--base): what the change
// introduces first, written out, then its declaration changes (always
// shown), then the gaps already on the base branch, folded.
func (d *mdDoc) comparedGaps(r *finding.Result, errs, warns []finding.Finding, heads []int, links *Links, cur *State, fold bool) {
	split := func(fs []finding.Finding) (introduced, existing []finding.Finding) {
		for _, f := range fs {
			if f.Baseline == finding.BaselineExisting {
				existing = append(existing, f)
			} else {
				introduced = append(introduced, f)
			}
		}
		return introduced, existing
	}
	newErrs, oldErrs := split(errs)
	newWarns, oldWarns := split(warns)
	d.under(heads, prioFrame, 0, mdIntroduced(len(newErrs), len(newWarns)))
	if dc := mdDeclarationChanges(r.DeclarationChanges, links); dc != "" {
		d.under(heads, prioFrame, 0, dc)
	}
	d.gaps(r, newErrs, newWarns, heads, links, cur, false, false)
	if len(oldErrs)+len(oldWarns) == 0 {
		return
	}
	var counts []string
	if len(oldErrs) > 0 {
		counts = append(counts, plural(len(oldErrs), "error"))
	}
	if len(oldWarns) > 0 {
		counts = append(counts, plural(len(oldWarns), "warning"))
	}
	wrap := d.add(prioExisting, 0, "<details><summary>🗂️ Already on the base branch: %s, not introduced by this pull request</summary>\n\n",
		strings.Join(counts, ", "))
	d.gaps(r, oldErrs, oldWarns, append(append([]int(nil), heads...), wrap), links, cur, fold, true)
	d.closing(wrap, "\n</details>\n\n")
}

// mdItem writes one finding as a list item: the linked location and the
// message, then the fix, then (smaller) the rule linked to its page and the
// CRA reference. A finding new since the last push is marked 🆕 (never
// against a partial record of that push).
func mdItem(r *finding.Result, f finding.Finding, links *Links, cur *State) string {
	var b strings.Builder
	b.WriteString("- ")
	if loc := mdLocation(f, links); loc != "" {
		b.WriteString(loc + " ")
	}
	b.WriteString(escapeMarkdown(f.Message))
	if cur != nil && cur.isNew(findingID(r.Config, f)) {
		b.WriteString(" 🆕")
	}
	b.WriteString("<br>" + mdFixLines(f) + "\n")
	return b.String()
}

// mdFixLines writes a finding's fix at the text's size, the part a reader
// acts on, then its rule (linked to its page) and CRA reference small:
// "**Fix:** ...<br><sub>rule · reference</sub>".
func mdFixLines(f finding.Finding) string {
	var b strings.Builder
	if fix := strings.TrimSpace(f.Fix); fix != "" {
		b.WriteString("**Fix:** " + fixMarkdown(fix) + "<br>")
	}
	meta := []string{mdRule(f.Rule)}
	if f.Reference != "" {
		meta = append(meta, escapeMarkdown(f.Reference))
	}
	b.WriteString("<sub>" + strings.Join(meta, " · ") + "</sub>")
	return b.String()
}

// mdRule writes a rule id in code, linked to its documentation page.
func mdRule(id string) string {
	if id == "" {
		return ""
	}
	if !isRuleID(id) {
		return mdCode(id)
	}
	return "[" + mdCode(id) + "](" + finding.RuleDocURL(id) + ")"
}

// isRuleID reports the shape of a registry id (lower-case words and dashes),
// which is safe in a URL as it is.
func isRuleID(id string) bool {
	if len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// mdLocation writes file:line in code, linked to the line at the commit when
// links are known; "" when the finding is about no file.
func mdLocation(f finding.Finding, links *Links) string {
	if f.File == "" {
		return ""
	}
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return mdLocationText(f, mdCode(loc), links)
}

// mdLocationText links text (already Markdown) to the finding's file and
// line at the commit, when links are known and the finding has a file.
func mdLocationText(f finding.Finding, text string, links *Links) string {
	if links == nil || f.File == "" {
		return text
	}
	var segs []string
	for _, s := range strings.Split(f.File, "/") {
		segs = append(segs, url.PathEscape(s))
	}
	u := links.Server + "/" + links.Repo + "/blob/" + links.Commit + "/" + strings.Join(segs, "/")
	if f.Line > 0 {
		u += "#L" + strconv.Itoa(f.Line)
	}
	return "[" + text + "](" + safeURL(u) + ")"
}

// validLinks returns the links when every part is well-formed, else nil.
func validLinks(l Links) *Links {
	server := strings.TrimRight(l.Server, "/")
	if safeURL(server) != server || server == "" || !isHex(l.Commit) || len(l.Commit) < 7 {
		return nil
	}
	owner, name, ok := strings.Cut(l.Repo, "/")
	if !ok || !plainSegment(owner) || !plainSegment(name) {
		return nil
	}
	return &Links{Server: server, Repo: l.Repo, Commit: l.Commit}
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return s != "" && len(s) <= 64
}

func plainSegment(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// fixMarkdown renders a fix with its code spans intact: text between
// backticks becomes <code>, and everything is escaped, so a fix from a
// report of unknown origin cannot do more than a message can.
func fixMarkdown(s string) string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // an unpaired backtick: no code spans
		return escapeMarkdown(s)
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString(mdCode(p))
		} else {
			b.WriteString(escapeMarkdown(p))
		}
	}
	return b.String()
}

// mdHeading writes the first line: verdict, product (or number of
// products), and the commit checked. The gaps are counted on the next line,
// so that the heading fits a comment's width.
func mdHeading(r *finding.Result, name string, links *Links) string {
	verdict := "❌ CRA gate failed"
	switch {
	case r.Passed && r.Summary.Errors > 0:
		verdict = "⚠️ CRA gate: report only"
	case r.Passed:
		verdict = "✅ CRA gate passed"
	}
	parts := []string{"### " + verdict}
	if name != "" {
		parts = append(parts, escapeMarkdownMax(name, maxHeadingName))
	}
	if c := r.Commit; isHex(c) && len(c) >= 7 {
		short := mdCode(c[:7])
		if links != nil {
			short = "[" + short + "](" + safeURL(links.Server+"/"+links.Repo+"/commit/"+c) + ")"
		}
		parts = append(parts, "checked "+short)
	}
	return strings.Join(parts, " · ")
}

// maxHeadingName bounds the product name in headings, in characters.
const maxHeadingName = 120

// gapCounts writes "3 errors, 2 warnings", or "no gaps".
func gapCounts(r *finding.Result) string {
	var gaps []string
	if r.Summary.Errors > 0 {
		gaps = append(gaps, plural(r.Summary.Errors, "error"))
	}
	if r.Summary.Warnings > 0 {
		gaps = append(gaps, plural(r.Summary.Warnings, "warning"))
	}
	out := strings.Join(gaps, ", ")
	if len(gaps) == 0 {
		out = "no gaps"
	}
	var accepted []string
	if r.Summary.Waived > 0 {
		accepted = append(accepted, fmt.Sprintf("%d waived", r.Summary.Waived))
	}
	if n := r.VEXAnswered(); n > 0 {
		accepted = append(accepted, fmt.Sprintf("%d answered by VEX", n))
	}
	if len(accepted) > 0 {
		out += " (" + strings.Join(accepted, ", ") + ")"
	}
	return out
}

func verdictIcon(r *finding.Result) string {
	switch {
	case !r.Passed:
		return "❌"
	case r.Summary.Errors+r.Summary.Warnings > 0:
		return "⚠️"
	}
	return "✅"
}

// productName writes the product's name in bold, or its config when it has none.
func productName(r *finding.Result) string {
	if r.Product.Name == "" {
		return "**" + escapeMarkdown(r.Config) + "**"
	}
	return "**" + escapeMarkdownMax(r.Product.Name, maxHeadingName) + "**"
}

// statusLine writes the gaps in bold and the check statuses:
// "**3 errors, 2 warnings** · manifest ❌ 1 · ...".
func statusLine(r *finding.Result) string {
	line := "**" + gapCounts(r) + "**"
	if c := checksLine(r.Checks); c != "" {
		line += " · " + c
	}
	return line
}

// checksLine writes each check's status on one line:
// "manifest ❌ 1 · sbom ⚠️ 2 · support ✅ · vulns ⏭️ skipped (no source)".
// A check's name, icon and count are joined by no-break spaces, so that a
// narrow screen wraps between checks, never inside one.
func checksLine(checks []finding.CheckResult) string {
	const nb = "&nbsp;"
	var parts []string
	for _, c := range checks {
		s := escapeMarkdown(c.ID) + nb
		switch c.Status {
		case finding.StatusFail:
			s += "❌" + nb + strconv.Itoa(c.Errors)
			if c.Warnings > 0 {
				s += nb + "⚠️" + nb + strconv.Itoa(c.Warnings)
			}
		case finding.StatusWarn:
			s += "⚠️" + nb + strconv.Itoa(c.Warnings)
		case finding.StatusSkip:
			s += "⏭️" + nb + "skipped"
			if c.Reason != "" {
				s += " (" + escapeMarkdown(c.Reason) + ")"
			}
		default:
			s += "✅"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " · ")
}

// mdFooter writes the small print: products, tool, date, fail level, run.
func mdFooter(all *finding.Result, rs []*finding.Result, runURL string) string {
	var parts []string
	if len(rs) == 1 {
		r := rs[0]
		if r.Product.Manufacturer != "" {
			parts = append(parts, escapeMarkdownMax(r.Product.Manufacturer, maxHeadingName))
		}
		if r.Product.Version != "" {
			parts = append(parts, "version "+escapeMarkdownMax(r.Product.Version, 64))
		}
		if r.Config != "" {
			parts = append(parts, mdCode(r.Config))
		}
	}
	t := tool(all)
	parts = append(parts, escapeMarkdown(strings.TrimSpace(t.Name+" "+t.Version)))
	if all.Date != "" {
		parts = append(parts, "date "+escapeMarkdown(all.Date))
	}
	if p := failOnPhrase(all.FailOn); p != "" {
		parts = append(parts, escapeMarkdown(p))
	}
	if runURL != "" {
		parts = append(parts, "[workflow run]("+runURL+")")
	}
	return "<sub>" + strings.Join(parts, " · ") + "</sub>"
}

// mdCoverage renders the SBOM field coverage folded: one list item per SBOM
// with each field's share of components (⚠️ below its threshold), which reads
// at a comment's width however many fields there are; the summary counts the
// fields below their thresholds.
func mdCoverage(sboms []finding.SBOMCoverage) string {
	if len(sboms) == 0 {
		return ""
	}
	below, waived := 0, 0
	var items strings.Builder
	for _, s := range sboms {
		fmt.Fprintf(&items, "- %s (%s, %s", mdCode(s.File), escapeMarkdown(s.Format+" "+s.SpecVersion), plural(s.Components, "component"))
		if s.Profile != "" {
			items.WriteString(", profile " + escapeMarkdown(s.Profile))
		}
		items.WriteString(")")
		if s.Components > 0 && len(s.Fields) > 0 {
			var required, shown []string
			for _, f := range s.Fields {
				v := escapeMarkdown(f.Field) + " " + strconv.FormatFloat(f.Percent, 'f', -1, 64) + "%"
				switch {
				case f.Threshold == 0:
					shown = append(shown, v)
					continue
				case f.Below(s.Components) && f.Waived:
					waived++
					v = "🙈 " + v + " (under " + strconv.FormatFloat(f.Threshold, 'f', -1, 64) + "%, waived)"
				case f.Below(s.Components):
					below++
					v = "⚠️ " + v + " (under " + strconv.FormatFloat(f.Threshold, 'f', -1, 64) + "%)"
				}
				required = append(required, v)
			}
			items.WriteString(": " + strings.Join(required, " · "))
			if len(shown) > 0 {
				items.WriteString("; for information: " + strings.Join(shown, " · "))
			}
		}
		items.WriteString("\n")
	}
	label := "all fields at their thresholds"
	if below > 0 {
		label = plural(below, "field") + " under the threshold"
	}
	if waived > 0 {
		if below == 0 {
			label = "the other fields at their thresholds"
		}
		label += ", " + plural(waived, "field") + " waived"
	}
	return fmt.Sprintf("<details><summary>📦 SBOM coverage: %s, %s</summary>\n\n%s\n</details>\n", plural(len(sboms), "SBOM"), label, items.String())
}

// mdMaxAnswered bounds the list of vulnerabilities answered by VEX.
const mdMaxAnswered = 200

// mdVulnerabilities writes, folded, the vulnerabilities VEX statements
// answer (the open ones are the gaps' table), or that the sources checked
// know of none; "" when the vulns check did not run or every vulnerability
// is open.
func mdVulnerabilities(vs []finding.Vulnerability, links *Links) string {
	if vs == nil {
		return ""
	}
	var answered []finding.Vulnerability
	for _, v := range vs {
		if v.VEX.Answered() {
			answered = append(answered, v)
		}
	}
	var b strings.Builder
	switch {
	case len(vs) == 0:
		return "<details><summary>🛡️ No known vulnerabilities</summary>\n\nNo component of the SBOMs has a known vulnerability " +
			"in the sources checked.\n\n</details>\n"
	case len(answered) == 0:
		return ""
	}
	fmt.Fprintf(&b, "<details><summary>🛡️ %s answered by VEX statements</summary>\n\n", plural(len(answered), "known vulnerability"))
	for n, v := range answered {
		if n == mdMaxAnswered {
			fmt.Fprintf(&b, "\n… %d more in the JSON report.\n", len(answered)-n)
			break
		}
		parts := []string{mdCode(v.Name) + " " + escapeMarkdownMax(v.Version, 64), mdAdvisory(&rowAdvisory{v: &v, kev: v.KEV})}
		parts = append(parts, "VEX: "+escapeMarkdown(strings.TrimSpace(v.VEX.Status+" "+v.VEX.Justification)))
		if loc := mdLocation(finding.Finding{File: v.VEX.File, Line: v.VEX.Line}, links); loc != "" {
			parts = append(parts, loc)
		}
		b.WriteString("- " + strings.Join(parts, " · ") + "\n")
	}
	b.WriteString("\n</details>\n")
	return b.String()
}

// CannotJudgeOptions configure CannotJudge.
type CannotJudgeOptions struct {
	Marker string // the comment's marker, first line
	Commit string // the commit the run was asked to check
	Reason string // why the gate could not run
	RunURL string
	Links  Links
}

// CannotJudge writes the pull-request comment of a run that could not judge
// (bad input, an unreadable repository): the verdict of an earlier run no
// longer stands, and the comment says so instead of showing it. The earlier
// comment's state block is carried over, so that the next run still says
// what changed since the last push that was judged.
func CannotJudge(w io.Writer, opt CannotJudgeOptions, previous string) error {
	var b strings.Builder
	if opt.Marker != "" {
		b.WriteString(opt.Marker + "\n")
	}
	r := &finding.Result{Commit: opt.Commit}
	heading := strings.Replace(mdHeading(r, "", validLinks(opt.Links)), "❌ CRA gate failed", "⚠️ CRA gate could not judge", 1)
	b.WriteString(heading + "\n\n")
	b.WriteString("The gate could not run on this commit, so no verdict applies to it (an earlier one does not): " +
		escapeMarkdownMax(opt.Reason, 600) + ".\n\nFix the cause and push again")
	if u := safeURL(opt.RunURL); u != "" {
		b.WriteString("; the [workflow run](" + u + ") has the details")
	}
	b.WriteString(".\n")
	if i := strings.LastIndex(previous, statePrefix); i >= 0 {
		if j := strings.Index(previous[i:], stateSuffix); j >= 0 && j <= 2*maxStateBytes {
			if st := ParseState(previous[i : i+j+len(stateSuffix)]); st != nil {
				b.WriteString(st.encode() + "\n")
			}
		}
	}
	_, err := io.WriteString(w, NeutralizeCommands(b.String()))
	return err
}
