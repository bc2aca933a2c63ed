package report

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/version"
)

// The rules whose findings are one (SBOM, component, advisory) each: the
// comment shows them as one table row per component.
const (
	ruleVulnsKnown = "vulns-known"
	ruleVulnsKEV   = "vulns-kev"
)

// mdMaxVulnRows bounds the component rows of one table; the rest are counted.
const mdMaxVulnRows = 100

// vulnRow is one component's advisories of one severity, in every SBOM
// that lists the component.
type vulnRow struct {
	name, version string
	places        []finding.Finding // one per SBOM: file and line
	advisories    []*rowAdvisory
	findings      int
	fresh         bool             // a finding of the row is new since the last push
	severity      finding.Severity // the highest of its findings
}

type rowAdvisory struct {
	v     *finding.Vulnerability
	kev   bool
	fresh bool
}

func (r *vulnRow) kev() bool {
	for _, a := range r.advisories {
		if a.kev {
			return true
		}
	}
	return false
}

// worst is the highest level rank among the row's advisories.
func (r *vulnRow) worst() int {
	w := 0
	for _, a := range r.advisories {
		w = max(w, levelRank(a.v.Level))
	}
	return w
}

// fixedAll returns the version that fixes every advisory of the row, and how
// many advisories name a fixed version.
func (r *vulnRow) fixedAll() (string, int) {
	best, known := "", 0
	for _, a := range r.advisories {
		if a.v.Fixed == "" {
			continue
		}
		known++
		if best == "" || version.Compare(a.v.Fixed, best) > 0 {
			best = a.v.Fixed
		}
	}
	return best, known
}

func levelRank(level string) int {
	switch level {
	case "critical":
		return 4
	case "high":
		return 3
	case "medium":
		return 2
	case "low":
		return 1
	}
	return 0
}

// vulnRows groups the vulnerability findings of fs by component (name and
// version), each advisory once however many SBOMs list the component, and
// returns them KEV first, then by the worst level, then fixable first; the
// other findings are returned as they were. A finding whose vulnerability the
// result does not list (a report of unknown origin) stays an item.
func vulnRows(r *finding.Result, fs []finding.Finding, cur *State) (rows []*vulnRow, rest []finding.Finding) {
	type at struct{ file, item string }
	byFinding := map[at]*finding.Vulnerability{}
	for i := range r.Vulnerabilities {
		v := &r.Vulnerabilities[i]
		byFinding[at{v.File, v.Subject() + "#" + v.ID}] = v
	}
	byComponent := map[string]*vulnRow{}
	for _, f := range fs {
		v := byFinding[at{f.File, f.Item}]
		if (f.Rule != ruleVulnsKnown && f.Rule != ruleVulnsKEV) || v == nil {
			rest = append(rest, f)
			continue
		}
		name, ver := componentOf(v)
		key := name + "\x00" + ver
		row := byComponent[key]
		if row == nil {
			row = &vulnRow{name: name, version: ver}
			byComponent[key] = row
			rows = append(rows, row)
		}
		row.findings++
		row.severity = max(row.severity, f.Severity)
		fresh := cur != nil && cur.isNew(findingID(r.Config, f))
		row.fresh = row.fresh || fresh
		if !hasPlace(row.places, f.File) {
			row.places = append(row.places, finding.Finding{File: f.File, Line: f.Line})
		}
		if a := row.advisory(v.ID); a != nil {
			a.kev, a.fresh = a.kev || f.Rule == ruleVulnsKEV, a.fresh || fresh
			continue
		}
		row.advisories = append(row.advisories, &rowAdvisory{v: v, kev: f.Rule == ruleVulnsKEV, fresh: fresh})
	}
	for _, row := range rows {
		sort.SliceStable(row.advisories, func(i, j int) bool {
			a, b := row.advisories[i], row.advisories[j]
			if a.kev != b.kev {
				return a.kev
			}
			if la, lb := levelRank(a.v.Level), levelRank(b.v.Level); la != lb {
				return la > lb
			}
			return a.v.ID < b.v.ID
		})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.kev() != b.kev() {
			return a.kev()
		}
		if wa, wb := a.worst(), b.worst(); wa != wb {
			return wa > wb
		}
		fa, ka := a.fixedAll()
		fb, kb := b.fixedAll()
		if ca, cb := fa != "" && ka == len(a.advisories), fb != "" && kb == len(b.advisories); ca != cb {
			return ca
		}
		if len(a.advisories) != len(b.advisories) {
			return len(a.advisories) > len(b.advisories)
		}
		return a.name < b.name
	})
	return rows, rest
}

func hasPlace(places []finding.Finding, file string) bool {
	for _, p := range places {
		if p.File == file {
			return true
		}
	}
	return false
}

func (r *vulnRow) advisory(id string) *rowAdvisory {
	for _, a := range r.advisories {
		if a.v.ID == id {
			return a
		}
	}
	return nil
}

// vulnTableHead writes what stands above the rows: how many components and
// advisories, the rules' fixes once each, and the table's header.
func vulnTableHead(rows []*vulnRow, fs []finding.Finding) string {
	advisories, kevN := 0, 0
	for _, row := range rows {
		advisories += len(row.advisories)
		for _, a := range row.advisories {
			if a.kev {
				kevN++
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n🛡️ **%s in %s**", plural(advisories, "known vulnerability"), plural(len(rows), "component"))
	if kevN > 0 {
		fmt.Fprintf(&b, ", %d listed in CISA's KEV catalog", kevN)
	}
	b.WriteString("\n\n")
	seen, fixes := map[string]bool{}, map[string]bool{}
	for _, rule := range []string{ruleVulnsKEV, ruleVulnsKnown} {
		for _, f := range fs {
			if f.Rule != rule || seen[rule] {
				continue
			}
			seen[rule] = true
			if fix := strings.TrimSpace(f.Fix); fixes[fix] {
				f.Fix = "" // the same fix as the other rule's: its rule and reference only
			} else {
				fixes[fix] = true
			}
			b.WriteString(mdFixLines(f) + "\n\n")
		}
	}
	b.WriteString("| Component | Known vulnerabilities | Fixed in |\n| --- | --- | --- |\n")
	return b.String()
}

// mdVulnRow writes one table row: the component linked to its line in each
// SBOM, its advisories folded under their count and worst level, and the
// version that fixes them all, where the advisories name one.
func mdVulnRow(row *vulnRow, links *Links) string {
	var comp strings.Builder
	first := mdLocationText(row.places[0], mdCode(row.name), links)
	comp.WriteString(first + " " + escapeMarkdownMax(row.version, 64))
	if row.fresh {
		comp.WriteString(" 🆕")
	}
	if len(row.places) > 1 {
		var in []string
		for _, p := range row.places {
			in = append(in, mdLocation(finding.Finding{File: p.File, Line: p.Line}, links))
		}
		comp.WriteString("<br><sub>in " + strings.Join(in, ", ") + "</sub>")
	}
	summary := strconv.Itoa(len(row.advisories))
	if row.kev() {
		summary = "⚠️ KEV · " + summary
	}
	if w := row.worst(); w > 0 {
		summary += " · " + []string{"", "low", "medium", "high", "critical"}[w]
	}
	var ids []string
	for _, a := range row.advisories {
		ids = append(ids, mdAdvisory(a))
	}
	fixed, known := row.fixedAll()
	fix := "no fix known"
	switch {
	case fixed != "" && known == len(row.advisories):
		fix = escapeMarkdownMax(fixed, 64)
	case fixed != "":
		fix = fmt.Sprintf("%s fixes %d of %d", escapeMarkdownMax(fixed, 64), known, len(row.advisories))
	}
	return fmt.Sprintf("| %s | <details><summary>%s</summary>%s</details> | %s |\n", comp.String(), summary, strings.Join(ids, "<br>"), fix)
}

// mdAdvisory writes an advisory id linked to its page, its first CVE alias,
// its level and fixed version, and KEV.
func mdAdvisory(a *rowAdvisory) string {
	v := a.v
	s := escapeMarkdown(v.ID)
	if u := advisoryURL(v.ID, v.Source); u != "" {
		s = "[" + s + "](" + u + ")"
	}
	for _, alias := range v.Aliases {
		if strings.HasPrefix(alias, "CVE-") && alias != v.ID {
			s += " (" + escapeMarkdown(alias) + ")"
			break
		}
	}
	var tail []string
	if a.kev {
		tail = append(tail, "⚠️ KEV")
	}
	if v.Level != "" {
		tail = append(tail, escapeMarkdown(v.Level))
	}
	if v.Fixed != "" {
		tail = append(tail, "fixed in "+escapeMarkdownMax(v.Fixed, 64))
	}
	if v.NotLinked {
		tail = append(tail, "vulnerable packages not linked")
	}
	if len(tail) > 0 {
		s += " " + strings.Join(tail, ", ")
	}
	if a.fresh {
		s += " 🆕"
	}
	return s
}

// advisoryURL links an advisory id to its page: NVD's for a CVE the NVD
// matched, osv.dev's for every OSV id (GHSA, GO, PYSEC, RUSTSEC, CVE ...).
// An id of other characters gets no link.
func advisoryURL(id, source string) string {
	if id == "" || len(id) > 64 {
		return ""
	}
	for _, c := range id {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == ':') {
			return ""
		}
	}
	if source == "NVD" && strings.HasPrefix(id, "CVE-") {
		return "https://nvd.nist.gov/vuln/detail/" + id
	}
	return "https://osv.dev/vulnerability/" + id
}

// componentOf names a vulnerability's component: its name and version, else
// those its purl gives ("pkg:npm/%40scope/x@1.0?y" is "@scope/x", "1.0").
func componentOf(v *finding.Vulnerability) (name, ver string) {
	name, ver = v.Name, v.Version
	if p, ok := strings.CutPrefix(v.Purl, "pkg:"); ok && (name == "" || ver == "") {
		p, _, _ = strings.Cut(p, "?")
		p, _, _ = strings.Cut(p, "#")
		_, p, _ = strings.Cut(p, "/")
		at := strings.LastIndexByte(p, '@')
		pname, pver := p, ""
		if at > 0 {
			pname, pver = p[:at], p[at+1:]
		}
		if u, err := url.PathUnescape(pname); err == nil {
			pname = u
		}
		if u, err := url.PathUnescape(pver); err == nil {
			pver = u
		}
		if name == "" {
			name = pname
		}
		if ver == "" {
			ver = pver
		}
	}
	if name == "" {
		name = v.Subject()
	}
	return name, ver
}
