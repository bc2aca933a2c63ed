// Package checks runs the gate's checks over a loaded cra.toml and the
// repository, and produces positioned findings. Each check lives in its own file
// with its rules declared beside the code that applies them; every rule has a
// stable id, a default severity, the CRA provision behind it, and its docs.
package checks

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/budget"
	"github.com/cra-gate/cra-gate/internal/cvd"
	"github.com/cra-gate/cra-gate/internal/deps"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/vuln/nvd"
	"github.com/cra-gate/cra-gate/internal/vuln/osv"
)

// Options are the settings of one run.
type Options struct {
	// Now is the date every date rule uses (support end, security.txt Expires,
	// Article 14 start).
	Now time.Time
	// MaxSBOMSize is the largest SBOM file read, in bytes.
	MaxSBOMSize int64
	// MaxTotalSize and MaxObjects bound what the run decodes over all its
	// SBOMs and VEX documents: bytes, and JSON objects and arrays, XML
	// elements or lines (zero: budget.DefaultBytes, budget.DefaultItems).
	MaxTotalSize, MaxObjects int64
	// FailOn is the lowest severity that fails the gate.
	FailOn finding.FailLevel
	// ToolVersion is recorded in the result.
	ToolVersion string
	// Vulns are the vulns check's sources; none given skips the check.
	Vulns VulnSources
	// FetchSBOMs, when set, is the client that downloads the SBOMs [[rdps]]
	// entries name by URL, to verify their digest; nil: they are declared,
	// not verified (a notice).
	FetchSBOMs *http.Client
}

// DefaultMaxSBOMSize is the default --max-sbom-size: 128 MiB.
const DefaultMaxSBOMSize = 128 << 20

// Limits of the documents the gate reads and analyses. Real ones are a few
// kilobytes (the largest SECURITY.md of the real-world corpus is 9.5 KB, a
// security.txt a few hundred bytes); the limits leave room for any real
// document and bound the time the text analysis takes on a hostile one.
const (
	// maxDocument bounds the published support document and the user
	// information document.
	maxDocument = 128 << 10
	// maxPolicy bounds the disclosure policy: what its analysis reads at most
	// (cvd.MaxText), so that no part of a policy the gate accepts goes unread.
	maxPolicy = cvd.MaxText
	// maxSecurityTxt bounds security.txt.
	maxSecurityTxt = 32 << 10
)

// run is the state of one run: what was loaded, and the findings so far.
type run struct {
	m        *manifest.Manifest
	repo     *repo.Repo
	opt      Options
	findings []finding.Finding
	// sources holds the lines of the text files read, so findings can quote them.
	sources map[string][]string
	// refs caches path resolution of values named in cra.toml.
	refs map[string]ref
	// sboms is the coverage table of the SBOMs read.
	sboms []finding.SBOMCoverage
	// suggestions counts the "did you mean" searches made (see closest).
	suggestions int
	// depsBudget bounds the dependency manifests read, over all source folders.
	depsBudget *deps.Budget
	// budget bounds the SBOMs and VEX documents decoded, over all of them.
	budget *budget.Run
	// facts are what several checks read, gathered before any runs.
	facts facts
	// vulns is the vulns check's table; nil when it did not run.
	vulns []finding.Vulnerability
	// capped counts findings per rule and file for reportCapped, in the order
	// first reported.
	capped      map[string]*cappedCount
	cappedOrder []string
	// kev delivers the KEV catalog read in the background, dbScan is the
	// offline database being read (see startSources).
	kev     chan kevResult
	dbScan  *osv.Scan
	nvdScan *nvd.Scan
	// goPkgs caches goPackages per SBOM index.
	goPkgs map[int]map[string]bool
}

// maxSuggestions bounds the "did you mean" searches of one run: each is cheap
// (manifest.Closest), but a list of thousands of unknown names against
// thousands of candidates would not be. Past the bound, findings name the
// unknown value without a suggestion.
const maxSuggestions = 200

// closest is manifest.Closest within the run's budget.
func (c *run) closest(s string, candidates []string) string {
	if c.suggestions >= maxSuggestions {
		return ""
	}
	c.suggestions++
	return manifest.Closest(s, candidates)
}

// location is where a finding points: a file and line, and, for the finding's
// identity across runs, the cra.toml key path and the item it is about.
type location struct {
	file      string
	line, col int
	path      string // cra.toml key path (manifest.Path), when positioned at a key
	item      string // the dependency, component, entry, function or field concerned
}

// on names the item a finding is about.
func (l location) on(item string) location {
	l.item = item
	return l
}

// findingKey joins a key path and an item into a finding's Key:
// "rdps[0].functions#live-veiw", "rdps[0].rationale", "golang.org/x/net".
func findingKey(path, item string) string {
	switch {
	case path == "":
		return item
	case item == "":
		return path
	}
	return path + "#" + item
}

// key locates the cra.toml key at path (see manifest.Path), or its nearest
// written ancestor. A key inside an [[rdps]], [[third_party]] or [[excluded]]
// entry is about that entry: its name is the finding's item (a waiver's
// item = "acme-cloud-api"), unless on names a finer one (a function).
func (c *run) key(segs ...any) location {
	p := c.m.Pos(segs...)
	return location{file: c.m.File, line: p.Line, col: p.Col, path: manifest.Path(segs...), item: c.entryName(segs)}
}

// entryName is the name of the entry a key path starts in, or "".
func (c *run) entryName(segs []any) string {
	if len(segs) < 2 {
		return ""
	}
	i, ok := segs[1].(int)
	if !ok || i < 0 {
		return ""
	}
	switch segs[0] {
	case "rdps":
		if i < len(c.m.RDPS) {
			return c.m.RDPS[i].Name
		}
	case "third_party":
		if i < len(c.m.ThirdParty) {
			return c.m.ThirdParty[i].Name
		}
	case "excluded":
		if i < len(c.m.Excluded) {
			return c.m.Excluded[i].Name
		}
	}
	return ""
}

// at locates a line of a repository file.
func at(file string, line int) location { return location{file: file, line: line} }

// report records a finding of rule at its default severity.
func (c *run) report(r *finding.Rule, loc location, format string, args ...any) {
	c.reportAs(r, r.Severity, loc, format, args...)
}

// reportAs records a finding of rule at the given severity.
//
// An error of the support or documentation checks is a warning while those
// obligations do not bind the product yet (deferred), and says why.
func (c *run) reportAs(r *finding.Rule, sev finding.Severity, loc location, format string, args ...any) {
	if sev == finding.Error && r.Check == finding.CheckDisclosure && c.m != nil && c.m.Product.NonCommercial() {
		sev, format = finding.Warning, format+" (good practice: the CRA does not apply, product.commercial = false)"
	}
	if sev == finding.Error && deferrable[r.Check] && c.m != nil {
		if why := c.deferred(); why != "" {
			sev, format = finding.Warning, format+" (a warning for now: %s)"
			args = append(args[:len(args):len(args)], why)
		}
	}
	f := finding.Finding{
		Check:     r.Check,
		Rule:      r.ID,
		Severity:  sev,
		Message:   fmt.Sprintf(format, args...),
		File:      loc.file,
		Line:      loc.line,
		Column:    loc.col,
		Reference: r.Reference,
		Fix:       r.Fix,
		Item:      loc.item,
		Key:       findingKey(loc.path, loc.item),
	}
	if lines := c.sources[loc.file]; loc.line >= 1 && loc.line <= len(lines) {
		f.Source = lines[loc.line-1]
	}
	c.findings = append(c.findings, f)
}

// remember keeps a text file's lines so findings about it can quote them.
func (c *run) remember(file string, data []byte) {
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	c.sources[file] = lines
}

// quoteList renders names for messages: "a", "b" and 3 more.
func quoteList(items []string, max int) string {
	var b strings.Builder
	for i, it := range items {
		if i == max {
			fmt.Fprintf(&b, " and %d more", len(items)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", it)
	}
	return b.String()
}

// words counts the words of s.
func words(s string) int { return len(strings.Fields(s)) }

// date formats a date the way cra.toml writes it.
func date(t time.Time) string { return t.Format("2006-01-02") }

// maxFindingsPerRule bounds the findings a rule that reports one finding per
// item (a dependency, a VEX statement) reports about one file: a hostile
// manifest or VEX would otherwise flood the report. One last finding counts
// the rest.
const maxFindingsPerRule = 100

// cappedCount is how many findings of one rule about one file were reported.
type cappedCount struct {
	rule *finding.Rule
	file string
	n    int
	// worst is the highest severity of the findings not listed.
	worst finding.Severity
}

// reportCapped reports like report, but at most maxFindingsPerRule times per
// rule and file; flushCapped counts the rest in one finding at the end.
func (c *run) reportCapped(r *finding.Rule, loc location, format string, args ...any) {
	c.reportCappedAs(r, r.Severity, loc, format, args...)
}

// reportCappedAs is reportCapped at the given severity.
func (c *run) reportCappedAs(r *finding.Rule, sev finding.Severity, loc location, format string, args ...any) {
	if c.capped == nil {
		c.capped = map[string]*cappedCount{}
	}
	k := r.ID + "\x00" + loc.file
	cc := c.capped[k]
	if cc == nil {
		cc = &cappedCount{rule: r, file: loc.file}
		c.capped[k] = cc
		c.cappedOrder = append(c.cappedOrder, k)
	}
	if cc.n++; cc.n <= maxFindingsPerRule {
		c.reportAs(r, sev, loc, format, args...)
	} else {
		cc.worst = max(cc.worst, sev)
	}
}

// flushCapped reports, for each rule and file past maxFindingsPerRule, how
// many findings were not listed one by one, at the highest severity among
// them: a count of notices is a notice, whatever the rule's default.
func (c *run) flushCapped() {
	for _, k := range c.cappedOrder {
		if cc := c.capped[k]; cc.n > maxFindingsPerRule {
			c.reportAs(cc.rule, cc.worst,
				at(cc.file, 0).on("*"),
				"%s: %d more findings of this rule are not listed one by one (the gate lists %d per file)",
				cc.file,
				cc.n-maxFindingsPerRule,
				maxFindingsPerRule)
		}
	}
}
