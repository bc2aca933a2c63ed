// Package baseline compares the run of a change (a pull request's head)
// with the run of its base: which open gaps the change introduces and which
// were there already, and which declarations of cra.toml it changes in a
// way a reviewer must see (a waiver added, a scope entry excluded, a support
// end moved earlier).
package baseline

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/repo"
)

// Sides are the two checkouts: the change's and its base's.
type Sides struct {
	Head, Base *repo.Repo
	// BasePath and BaseCommit name the base in the report.
	BasePath, BaseCommit string
}

// Apply marks every finding of head new or existing against base (the same
// configs run with the same options on the base checkout), counts them, and
// lists the declaration changes between each config's manifests. A combined
// result (several configs) is compared product by product and combined
// again; the returned result is the one to report.
func Apply(head, base *finding.Result, sides Sides) *finding.Result {
	if len(head.Products) == 0 {
		compare(head, base, sides)
		return head
	}
	byConfig := map[string]*finding.Result{}
	for _, p := range productsOf(base) {
		byConfig[p.Config] = p
	}
	for _, p := range head.Products {
		compare(p, byConfig[p.Config], sides)
	}
	combined := finding.Combine(head.Config, head.Products)
	combined.Commit = head.Commit
	return combined
}

func productsOf(r *finding.Result) []*finding.Result {
	if r == nil {
		return nil
	}
	if len(r.Products) > 0 {
		return r.Products
	}
	return []*finding.Result{r}
}

// identity is what makes a finding the same gap in two runs: its rule, file
// and key (never its message or line).
func identity(f finding.Finding) string { return f.Rule + "\x00" + f.File + "\x00" + f.Key }

// compare marks head against base (nil: the base has no such config) and
// lists the declaration changes.
func compare(head, base *finding.Result, sides Sides) {
	open := map[string]bool{}
	if base != nil {
		for _, f := range base.Findings {
			if f.Waived == nil && f.Severity > finding.Notice {
				open[identity(f)] = true
			}
		}
	}
	b := &finding.Base{Path: sides.BasePath, Commit: sides.BaseCommit}
	for i := range head.Findings {
		f := &head.Findings[i]
		if f.Waived != nil || f.Severity == finding.Notice {
			continue
		}
		c := &b.New
		f.Baseline = finding.BaselineNew
		if open[identity(*f)] {
			c = &b.Existing
			f.Baseline = finding.BaselineExisting
		}
		if f.Severity == finding.Error {
			c.Errors++
		} else {
			c.Warnings++
		}
	}
	b.ChangedFiles = changedFiles(sides.Head, sides.Base, head.Findings)
	head.Base = b
	headM := load(sides.Head, head.Config)
	baseM := load(sides.Base, head.Config)
	changes := declarationChanges(headM, baseM, head.Config)
	changes = append(changes, vexAnswered(head, base)...)
	head.DeclarationChanges = changes
}

// Bounds of the changed-file comparison: files findings point at, at most
// maxCompared of them, compared whole up to maxCompareBytes, and larger
// ones by size and their first and last 64 KiB.
const (
	maxCompared     = 500
	maxCompareBytes = 16 << 20
	compareEnds     = 64 << 10
)

// changedFiles lists the files the findings point at that the change added
// or altered, in the findings' order.
func changedFiles(head, base *repo.Repo, fs []finding.Finding) []string {
	if head == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range fs {
		if f.File == "" || seen[f.File] || len(seen) == maxCompared {
			continue
		}
		seen[f.File] = true
		if differs(head, base, f.File) {
			out = append(out, f.File)
		}
	}
	return out
}

// differs reports whether p is missing on the base or holds other bytes. A
// file neither side can read is taken as unchanged.
func differs(head, base *repo.Repo, p string) bool {
	if !head.Exists(p) {
		return false
	}
	if base == nil || !base.Exists(p) {
		return true
	}
	h, herr := head.ReadFile(p, maxCompareBytes)
	b, berr := base.ReadFile(p, maxCompareBytes)
	if herr == nil && berr == nil {
		return !bytes.Equal(h, b)
	}
	hh, ht, hs, herr := head.ReadEnds(p, compareEnds)
	bh, bt, bs, berr := base.ReadEnds(p, compareEnds)
	if herr != nil || berr != nil {
		return false
	}
	return hs != bs || !bytes.Equal(hh, bh) || !bytes.Equal(ht, bt)
}

// load reads and parses a config; nil when it cannot (then every
// declaration of the other side reads as added or removed).
func load(r *repo.Repo, config string) *manifest.Manifest {
	if r == nil {
		return nil
	}
	src, err := r.ReadFile(config, manifest.MaxSize)
	if err != nil {
		return nil
	}
	m, probs := manifest.Parse(config, src)
	for _, p := range probs {
		if p.Kind == manifest.Syntax {
			return nil
		}
	}
	return m
}

// declarationChanges lists what changed between base's manifest and head's.
func declarationChanges(head, base *manifest.Manifest, config string) []finding.DeclarationChange {
	if head == nil {
		return nil
	}
	if base == nil {
		base = &manifest.Manifest{}
	}
	var out []finding.DeclarationChange
	add := func(kind, subject, before, after string, weakens bool, line int) {
		out = append(out, finding.DeclarationChange{Kind: kind, Subject: subject, Before: before, After: after, Weakens: weakens,
			File: config, Line: line})
	}
	// Waivers, by what they accept.
	baseWaivers := map[string]manifest.Waiver{}
	for _, w := range base.Waivers {
		baseWaivers[waiverKey(w)] = w
	}
	headWaivers := map[string]bool{}
	for i, w := range head.Waivers {
		k := waiverKey(w)
		headWaivers[k] = true
		old, had := baseWaivers[k]
		switch {
		case !had:
			add("waiver-added", waiverSubject(w), "", "until "+day(w.Until), true, head.Pos("waiver", i).Line)
		case day(old.Until) != day(w.Until):
			add("waiver-changed", waiverSubject(w), "until "+day(old.Until), "until "+day(w.Until),
				w.Until != nil && (old.Until == nil || w.Until.After(*old.Until)), head.Pos("waiver", i, "until").Line)
		}
	}
	for _, w := range base.Waivers {
		if !headWaivers[waiverKey(w)] {
			add("waiver-removed", waiverSubject(w), "until "+day(w.Until), "", false, 0)
		}
	}
	// Scope entries, by name: RDPS and third-party services removed narrow
	// what is checked; an exclusion added takes a service out of scope.
	for _, sec := range []struct {
		name, kind     string
		head, base     []string
		removedWeakens bool
		addedWeakens   bool
	}{
		{name: "rdps", kind: "rdps", head: names(head.Entries(), "rdps"), base: names(base.Entries(), "rdps"), removedWeakens: true},
		{name: "third_party", kind: "third-party", head: names(head.Entries(), "third_party"), base: names(base.Entries(), "third_party"),
			removedWeakens: true},
		{name: "excluded", kind: "excluded", head: names(head.Entries(), "excluded"), base: names(base.Entries(), "excluded"),
			addedWeakens: true},
	} {
		for i, n := range sec.head {
			if !slices.Contains(sec.base, n) {
				add(sec.kind+"-added", n, "", "", sec.addedWeakens, head.Pos(sec.name, i).Line)
			}
		}
		for _, n := range sec.base {
			if !slices.Contains(sec.head, n) {
				add(sec.kind+"-removed", n, "", "", sec.removedWeakens, 0)
			}
		}
	}
	// SBOMs of the product and its RDPS.
	headSBOMs, baseSBOMs := sboms(head), sboms(base)
	for _, s := range headSBOMs {
		if !containsPath(baseSBOMs, s.path) {
			add("sbom-added", s.path, "", "", false, head.Pos(s.at...).Line)
		}
	}
	for _, s := range baseSBOMs {
		if !containsPath(headSBOMs, s.path) {
			add("sbom-removed", s.path, "", "", true, 0)
		}
	}
	// The support end: earlier shortens the promise.
	if he, be := head.Support.End, base.Support.End; day(he) != day(be) && (he != nil || be != nil) {
		add("support-end-changed", "support.end", day(be), day(he), be != nil && (he == nil || he.Before(*be)), head.Pos("support", "end").Line)
	}
	// The class: a lower one asks for less.
	if hc, bc := classOf(head), classOf(base); hc != bc && base.File != "" {
		add("class-changed", "product.class", bc, hc, classRank(hc) < classRank(bc), head.Pos("product", "class").Line)
	}
	// The gate's own settings: thresholds and limits.
	if gate(head) != gate(base) && base.File != "" {
		add("gate-settings-changed", "[gate]", gate(base), gate(head), true, head.Pos("gate").Line)
	}
	for i, v := range head.Vulnerabilities.VEX {
		if !slices.Contains(base.Vulnerabilities.VEX, v) {
			add("vex-document-added", v, "", "", false, head.Pos("vulnerabilities", "vex", i).Line)
		}
	}
	for _, v := range base.Vulnerabilities.VEX {
		if !slices.Contains(head.Vulnerabilities.VEX, v) {
			add("vex-document-removed", v, "", "", false, 0)
		}
	}
	return out
}

// vexAnswered lists the vulnerabilities a VEX statement answers in head but
// did not in base: a gap accepted by the change.
func vexAnswered(head, base *finding.Result) []finding.DeclarationChange {
	answered := map[string]bool{}
	if base != nil {
		for _, v := range base.Vulnerabilities {
			if v.VEX.Answered() {
				answered[v.Subject()+"#"+v.ID] = true
			}
		}
	}
	var out []finding.DeclarationChange
	seen := map[string]bool{}
	for _, v := range head.Vulnerabilities {
		k := v.Subject() + "#" + v.ID
		if !v.VEX.Answered() || answered[k] || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, finding.DeclarationChange{Kind: "vex-answered", Subject: fmt.Sprintf("%s in %s %s", v.ID, v.Name, v.Version),
			After: strings.TrimSpace(v.VEX.Status + " " + v.VEX.Justification), Weakens: true, File: v.VEX.File, Line: v.VEX.Line})
	}
	return out
}

func waiverKey(w manifest.Waiver) string { return w.Rule + "\x00" + w.File + "\x00" + w.Item }

func waiverSubject(w manifest.Waiver) string {
	s := w.Rule
	if w.File != "" {
		s += " in " + w.File
	}
	if w.Item != "" {
		s += " for " + w.Item
	}
	return s
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

func names(es []manifest.Entry, section string) []string {
	var out []string
	for _, e := range es {
		if e.Section == section {
			out = append(out, e.Name)
		}
	}
	return out
}

type sbomAt struct {
	path string
	at   []any
}

func sboms(m *manifest.Manifest) []sbomAt {
	var out []sbomAt
	for i, s := range m.Product.SBOM {
		out = append(out, sbomAt{s, []any{"product", "sbom", i}})
	}
	for i, r := range m.RDPS {
		for j, s := range r.SBOM {
			out = append(out, sbomAt{s.String(), []any{"rdps", i, "sbom", j}})
		}
	}
	return out
}

func containsPath(ss []sbomAt, p string) bool {
	for _, s := range ss {
		if s.path == p {
			return true
		}
	}
	return false
}

func classOf(m *manifest.Manifest) string {
	if m.Product.Class == "" {
		return "default"
	}
	return m.Product.Class
}

func classRank(c string) int {
	switch c {
	case "important-1":
		return 1
	case "important-2":
		return 2
	case "critical":
		return 3
	}
	return 0
}

// gate renders the [gate] table's settings in a fixed order.
func gate(m *manifest.Manifest) string {
	g := m.Gate
	var parts []string
	if g.SupportWarningMonths != nil {
		parts = append(parts, fmt.Sprintf("support_warning_months = %d", *g.SupportWarningMonths))
	}
	if g.AcknowledgeMaxDays != nil {
		parts = append(parts, fmt.Sprintf("acknowledge_max_days = %d", *g.AcknowledgeMaxDays))
	}
	if g.SBOMProfile != "" {
		parts = append(parts, fmt.Sprintf("sbom_profile = %q", g.SBOMProfile))
	}
	keys := make([]string, 0, len(g.SBOMThresholds))
	for k := range g.SBOMThresholds {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("sbom_thresholds.%s = %g", k, g.SBOMThresholds[k]))
	}
	return strings.Join(parts, ", ")
}
