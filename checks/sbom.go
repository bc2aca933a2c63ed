package checks

import (
	"errors"
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/budget"
	"github.com/cra-gate/cra-gate/internal/deps"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/sbom"
)

const ()

var (
	ruleSBOMMissing        = rule("sbom-missing")
	ruleSBOMNotFound       = rule("sbom-not-found")
	ruleSBOMTooLarge       = rule("sbom-too-large")
	ruleSBOMInvalid        = rule("sbom-invalid")
	ruleSBOMNotSBOM        = rule("sbom-not-sbom")
	ruleSBOMUnsupported    = rule("sbom-unsupported-version")
	ruleSBOMLegacy         = rule("sbom-legacy-spec")
	ruleSBOMNoComponents   = rule("sbom-no-components")
	ruleSBOMBuildTime      = rule("sbom-build-time")
	ruleSBOMNoDependencies = rule("sbom-no-dependencies")
	ruleSBOMRDPSUncovered  = rule("sbom-rdps-uncovered")
	ruleSBOMMetadata       = rule("sbom-metadata")
	ruleSBOMFieldCoverage  = rule("sbom-field-coverage")
	ruleSBOMLicenseNotSPDX = rule("sbom-license-not-spdx")
	ruleSBOMDriftMissing   = rule("sbom-drift-missing")
	ruleSBOMDriftVersion   = rule("sbom-drift-version")
	ruleSBOMProductVersion = rule("sbom-product-version")
	ruleSBOMDepsUnreadable = rule("sbom-deps-unreadable")
)

var _ = check(Check{
	ID: finding.CheckSBOM, Order: 30, Title: "SBOM",
	Summary: "SBOMs present, parseable CycloneDX or SPDX, with components and a dependency graph, " +
		"every RDPS covered, not stale against the lockfiles; creation metadata and field coverage " +
		"against an SBOM profile (NTIA minimum elements or BSI TR-03183-2: the profile's fields, not the CRA's)",
	Reference: "Annex I Part II(1), Annex VII(2)(b), Art. 31(2)",
	apply:     (*run).checkSBOM,
})

func (c *run) checkSBOM() string {
	m, f := c.m, &c.facts
	if len(nonEmpty(m.Product.SBOM)) == 0 && !m.HasTODO("product", "sbom") {
		c.report(ruleSBOMMissing, c.key("product", "sbom"), "product.sbom is empty: declare the SBOM(s) that document the product's components")
	}
	productDocs := c.judgeDecls(f.productSBOMs)
	rdpsDocs := make([][]*sbomFile, len(m.RDPS))
	for i := range f.rdpsSBOMs {
		rdpsDocs[i] = c.judgeDecls(f.rdpsSBOMs[i])
	}
	var named map[string]bool // lower-cased component names of the product SBOMs, built once when needed
	for i, r := range m.RDPS {
		if len(nonEmpty(manifest.SBOMPaths(r.SBOM))) > 0 || len(remoteSBOMs(r)) > 0 || r.Name == "" || m.HasTODO("rdps", i) {
			continue
		}
		if named == nil {
			named = componentNames(productDocs)
		}
		if !named[strings.ToLower(strings.TrimSpace(r.Name))] {
			label := manifest.Entry{Section: "rdps", Index: i, Name: r.Name}.Label()
			c.report(ruleSBOMRDPSUncovered, c.key("rdps", i), "%s has no SBOM of its own and no product SBOM lists a component named %q: add sbom = "+
				"[...] to the entry", label, r.Name)
		}
	}
	c.checkRemoteSBOMs()
	c.checkDrift(productDocs, rdpsDocs)
	c.checkProductVersion(productDocs)
	return ""
}

// checkProductVersion holds product.version against the version of each
// product SBOM's primary component: an SBOM of another release documents
// another build.
func (c *run) checkProductVersion(docs []*sbomFile) {
	want := strings.TrimSpace(c.m.Product.Version)
	if want == "" || c.m.HasTODO("product", "version") {
		return
	}
	for _, d := range docs {
		if d.doc == nil || d.doc.Primary == nil {
			continue
		}
		got := strings.TrimSpace(d.doc.Primary.Version)
		if got == "" || sbom.PlaceholderVersion(got) || sameVersion(got, want) {
			continue
		}
		if goPseudoVersion.MatchString(got) {
			// An untagged build (every pull request's): not another release.
			c.reportAs(ruleSBOMProductVersion, finding.Notice, at(d.path, d.doc.Primary.Line).on(d.path),
				"%s describes %q, an untagged development build, not product.version %q: generate the release's SBOM from its tag",
				d.path, got, want)
			continue
		}
		c.report(ruleSBOMProductVersion, at(d.path, d.doc.Primary.Line).on(d.path),
			"product.version is %q, but %s describes version %q of %q: the SBOM is of another release", want, d.path, got, d.doc.Primary.Name)
	}
}

// goPseudoVersion matches a Go pseudo-version (v0.0.0-20261206230706-
// c084d0a5ee0e, v1.2.4-0.2026..., v1.2.3-pre.0.2026...): the version Go
// gives a commit without a tag.
var goPseudoVersion = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+-(?:[0-9A-Za-z.-]+\.)?(?:0\.)?[0-9]{14}-[0-9a-f]{12}(?:\+.*)?$`)

// sameVersion compares versions as releases write them: "v1.2.3" is
// "1.2.3".
func sameVersion(a, b string) bool {
	return strings.EqualFold(strings.TrimPrefix(strings.TrimPrefix(a, "v"), "V"), strings.TrimPrefix(strings.TrimPrefix(b, "v"), "V"))
}

// judgeDecls reports on the SBOM values of one declaration, each file at the
// value first naming it, and returns the files named (refused paths left out).
func (c *run) judgeDecls(decls []sbomDecl) []*sbomFile {
	var files []*sbomFile
	for _, d := range decls {
		switch {
		case d.file == nil:
			c.report(ruleSBOMNotFound, c.key(d.key...).on(d.value), "SBOM %s", d.ref.refusal())
			continue
		case !d.first:
		case d.file.missing:
			c.report(ruleSBOMNotFound, c.key(d.key...).on(d.value), "SBOM %q does not exist in the repository%s", d.value, c.rootHint(d.value))
		case d.file.err != nil:
			c.reportSBOMError(d.file.path, d.file.err)
		default:
			c.sboms = append(c.sboms, c.judgeSBOM(d.file.path, d.file.doc))
		}
		files = append(files, d.file)
	}
	return files
}

// readSBOM reads and parses one SBOM.
func (c *run) readSBOM(p string) (*sbom.Document, error) {
	data, err := c.repo.ReadFile(p, c.opt.MaxSBOMSize)
	var tl *repo.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, err
	case err != nil:
		return nil, unreadable{err}
	}
	if sbom.IsArchive(data) { // each member takes its share of the budget once inflated
		return sbom.ParseArchive(data, func(member []byte) error {
			_, err := c.budget.Take(member)
			return err
		})
	}
	if _, err := c.budget.Take(data); err != nil {
		return nil, err
	}
	return sbom.Parse(data)
}

// unreadable is a file that could not be read, as opposed to one that was
// read and did not parse.
type unreadable struct{ error }

// reportSBOMError reports why an SBOM could not be read.
func (c *run) reportSBOMError(p string, err error) {
	var tl *repo.TooLargeError
	var se *sbom.Error
	var ur unreadable
	var ex *budget.Exceeded
	switch {
	case errors.As(err, &ex):
		c.report(ruleSBOMTooLarge, at(p, 0), "%s was not decoded: %v", p, ex)
	case errors.As(err, &ur):
		c.report(ruleSBOMInvalid, at(p, 0), "cannot read %v", ur.error)
	case errors.As(err, &tl):
		c.report(ruleSBOMTooLarge,
			at(p, 0),
			"%s is %s, over the %s the gate reads: raise --max-sbom-size if this is really the SBOM",
			p,
			byteSize(tl.Size),
			byteSize(tl.Limit))
	case errors.As(err, &se):
		r := ruleSBOMInvalid
		switch se.Kind {
		case sbom.NotSBOM:
			r = ruleSBOMNotSBOM
		case sbom.UnsupportedVersion, sbom.UnsupportedEncoding:
			r = ruleSBOMUnsupported
		}
		loc := at(p, se.Line)
		loc.col = se.Column
		c.report(r, loc, "%s: %s", p, se.Msg)
	default:
		c.report(ruleSBOMInvalid, at(p, 0), "%s: %v", p, err)
	}
}

// judgeSBOM applies the content rules to one parsed SBOM and returns its coverage row.
func (c *run) judgeSBOM(p string, d *sbom.Document) finding.SBOMCoverage {
	file := at(p, 0)
	// The finding is at the SBOM's path: the message need not repeat it.
	what := fmt.Sprintf("the SBOM (%s %s)", d.Format, d.SpecVersion)
	if d.Legacy() {
		c.report(ruleSBOMLegacy, file, "%s: CycloneDX %s cannot carry metadata or dependency relationships; regenerate it as "+
			"CycloneDX 1.5 or later", what, d.SpecVersion)
	}
	q := sbom.Coverage(d)
	if n := len(d.BuildTime); n > 0 {
		c.report(ruleSBOMBuildTime, file, "%d of %d components are build-time, not counted as shipped (%s): %s", n, n+len(d.Components),
			buildTimeReasons(d.BuildTime), componentList(d.BuildTime, 5))
	}
	if len(d.Components) == 0 {
		extra := ""
		if d.Services > 0 {
			extra = fmt.Sprintf(" (it describes %d services only: a SaaSBOM is not a component inventory)", d.Services)
		}
		c.report(ruleSBOMNoComponents, file, "%s lists no components%s", what, extra)
	} else if !d.Legacy() && !d.HasDependencyFromPrimary() {
		why := "no dependency relationship from the primary component"
		if d.Primary == nil {
			why = "no primary component (CycloneDX metadata.component / SPDX documentDescribes), so nothing states the product's direct dependencies"
		}
		c.report(ruleSBOMNoDependencies, file, "%s has %s", what, why)
	}
	prof := c.profile()
	if !d.Legacy() {
		var gaps []string
		if !q.Document.Timestamp {
			if q.Document.TimestampPresent {
				gaps = append(gaps, fmt.Sprintf("its timestamp %q is not RFC 3339", d.Metadata.Timestamp))
			} else {
				gaps = append(gaps, "no creation timestamp")
			}
		}
		switch {
		case !q.Document.Creator:
			gaps = append(gaps, "no creator tool or author")
		case prof.creatorContact && !q.Document.CreatorContact:
			gaps = append(gaps,
				"no email address or URL of its creator ("+prof.title+" asks for one: CycloneDX metadata.manufacturer or authors, SPDX Person/Organization "+
					"creator with an email)")
		}
		if prof.minCycloneDX != "" && d.Format == sbom.CycloneDX && specBefore(d.SpecVersion, prof.minCycloneDX) {
			gaps = append(gaps, fmt.Sprintf("CycloneDX %s, older than the %s %s asks for", d.SpecVersion, prof.minCycloneDX, prof.title))
		}
		if prof.minSPDX != "" && d.Format == sbom.SPDX && specBefore(d.SpecVersion, prof.minSPDX) {
			gaps = append(gaps, fmt.Sprintf("SPDX %s, older than the %s %s asks for", d.SpecVersion, prof.minSPDX, prof.title))
		}
		if prof.serial && !q.Document.SerialNumber {
			gaps = append(gaps, "no URI of its own (CycloneDX serialNumber urn:uuid:…, SPDX document namespace)")
		}
		if n := len(d.Vulnerabilities); prof.noVulnerabilities && n > 0 {
			gaps = append(gaps, fmt.Sprintf("vulnerability information (%d %s), which %s forbids in an SBOM: keep VEX in a document of its "+
				"own", n, plural(n, "statement", "statements"), prof.title))
		}
		if len(gaps) > 0 {
			c.report(ruleSBOMMetadata, file, "%s has %s (profile %s)", what, strings.Join(gaps, " and "), prof.title)
		}
	}
	gen := generatorOf(d)
	row := finding.SBOMCoverage{File: p, Format: string(d.Format), SpecVersion: d.SpecVersion, Components: q.Components,
		Timestamp: q.Document.Timestamp, Creator: q.Document.Creator, Serial: q.Document.SerialNumber, Profile: prof.id, Generator: gen}
	for _, pf := range prof.fields {
		fc := q.Field(pf.field)
		threshold := c.threshold(pf)
		pct := 0.0
		if q.Components > 0 {
			pct = math.Floor(1000*float64(fc.Present)/float64(q.Components)) / 10
		}
		row.Fields = append(row.Fields,
			finding.FieldCoverage{Field: string(pf.field), Present: fc.Present, Percent: pct, Threshold: threshold, Missing: fc.Missing, Definition: pf.definition})
		if q.Components == 0 || threshold == 0 || (d.Legacy() && pf.field == sbom.FieldDependencies) {
			continue
		}
		if row.Fields[len(row.Fields)-1].Below(q.Components) {
			ex := ""
			if len(fc.Missing) > 0 {
				ex = "; for example " + quoteList(fc.Missing, len(fc.Missing))
			}
			c.report(ruleSBOMFieldCoverage,
				file.on(string(pf.field)),
				"%s on %d of %d components (%.1f%%), below the %.0f%% the %s profile asks for%s",
				pf.label,
				fc.Present,
				q.Components,
				pct,
				threshold,
				prof.title,
				ex)
			if fix := generatorFixes[gen][pf.field]; fix != "" {
				c.findings[len(c.findings)-1].Fix = fix
			}
		}
	}
	if q.NonSPDXComponents > 0 {
		c.report(ruleSBOMLicenseNotSPDX,
			file,
			"%d %s a licence that is not an SPDX expression, so %s no valid licence; for example %s",
			q.NonSPDXComponents,
			plural(q.NonSPDXComponents, "component names", "components name"),
			plural(q.NonSPDXComponents, "it has", "they have"),
			quoteList(q.NonSPDXLicenses, len(q.NonSPDXLicenses)))
	}
	return row
}

// specBefore reports whether spec version a is older than b ("1.5" < "1.6", "2.3" < "3.0.1").
func specBefore(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for k := range max(len(as), len(bs)) {
		x, y := 0, 0
		if k < len(as) {
			x, _ = strconv.Atoi(as[k])
		}
		if k < len(bs) {
			y, _ = strconv.Atoi(bs[k])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

// threshold is the user's [gate] sbom_thresholds value for the field, else
// the profile's.
func (c *run) threshold(pf profileField) float64 {
	if v, ok := c.m.Gate.SBOMThresholds[string(pf.field)]; ok && v >= 0 && v <= manifest.MaxThreshold {
		return v
	}
	return pf.threshold
}

// componentNames is the set of component (and primary component) names of
// the SBOMs, lower-cased: an RDPS is covered by a product SBOM that names it.
func componentNames(docs []*sbomFile) map[string]bool {
	names := map[string]bool{}
	for _, p := range docs {
		if p.doc == nil {
			continue
		}
		if p.doc.Primary != nil {
			names[strings.ToLower(p.doc.Primary.Name)] = true
		}
		for i := range p.doc.Components {
			names[strings.ToLower(p.doc.Components[i].Name)] = true
		}
	}
	return names
}

// checkDrift holds the direct dependencies in each source folder against the
// SBOMs of the product or RDPS that names the folder.
func (c *run) checkDrift(productDocs []*sbomFile, rdpsDocs [][]*sbomFile) {
	type cover struct {
		owner  string
		source string
		key    []any
		docs   []*sbomFile
	}
	var covers []cover
	src := c.m.Product.Source
	if strings.TrimSpace(src) == "" {
		src = "."
	}
	covers = append(covers, cover{owner: "the product", source: src, key: []any{"product", "source"}, docs: productDocs})
	for i, r := range c.m.RDPS {
		if strings.TrimSpace(r.Source) == "" {
			continue
		}
		docs := rdpsDocs[i]
		if len(docs) == 0 {
			docs = productDocs
		}
		covers = append(covers,
			cover{owner: manifest.Entry{Section: "rdps", Index: i, Name: r.Name}.Label(), source: r.Source, key: []any{"rdps", i, "source"}, docs: docs})
	}
	// A folder several of them are built from is judged against all their
	// SBOMs: a dependency in any of them is not missing (a product and the
	// servers of its RDPS built from one module).
	bySource := map[string][]*sbomFile{}
	for _, cv := range covers {
		k := path.Clean(strings.TrimSpace(cv.source))
		for _, d := range cv.docs {
			if !slices.Contains(bySource[k], d) {
				bySource[k] = append(bySource[k], d)
			}
		}
	}
	done := map[string]bool{}
	for _, cv := range covers {
		k := path.Clean(strings.TrimSpace(cv.source))
		if done[k] {
			continue // the same folder, already judged against the same SBOMs
		}
		done[k] = true
		cv.docs = bySource[k]
		r := c.resolve(cv.source, false)
		if r.refused() {
			c.report(ruleSBOMDepsUnreadable, c.key(cv.key...), "source folder of %s %s: its dependencies were not compared with the SBOM", cv.owner, r.refusal())
			continue
		}
		if r.missing() || !c.repo.IsDir(r.path) {
			c.report(ruleSBOMDriftMissing, c.key(cv.key...), "source folder %q of %s does not exist in the repository%s", cv.source, cv.owner, c.rootHint(cv.source))
			continue
		}
		var docs []*sbom.Document
		var names []string
		for _, p := range cv.docs {
			if p.doc != nil {
				docs = append(docs, p.doc)
				names = append(names, p.path)
			}
		}
		if len(docs) == 0 {
			continue // nothing readable to compare with; already reported
		}
		found, err := deps.Find(c.depsBudget, r.path)
		c.reportDepsErrors(err)
		if len(found.Deps) == 0 {
			continue
		}
		c.compareDeps(found.Deps, docs, strings.Join(names, ", "))
	}
}

func (c *run) reportDepsErrors(err error) {
	if err == nil {
		return
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var pe *deps.ParseError
		if errors.As(e, &pe) {
			loc := at(pe.File, pe.Line)
			loc.col = pe.Col
			c.report(ruleSBOMDepsUnreadable, loc, "%s: %s; its dependencies were not compared with the SBOM", pe.File, pe.Msg)
			continue
		}
		c.report(ruleSBOMDepsUnreadable, location{}, "reading dependency manifests: %v", e)
	}
}

// compareDeps reports missing and mismatched dependencies, one finding per
// manifest file for each kind.
func (c *run) compareDeps(ds []deps.Dependency, docs []*sbom.Document, sbomNames string) {
	n := 0
	for _, d := range docs {
		n += len(d.Components) + 1
	}
	comps := make([]deps.Component, 0, n)
	for _, d := range docs {
		if d.Primary != nil {
			comps = append(comps, deps.Component{Name: d.Primary.Name, Version: d.Primary.Version, Purl: d.Primary.Purl, Group: d.Primary.Group})
		}
		for i := range d.Components {
			x := &d.Components[i]
			comps = append(comps, deps.Component{Name: x.Name, Version: x.Version, Purl: x.Purl, Group: x.Group})
		}
	}
	drift := deps.Match(ds, comps)
	binary := goBinarySBOM(docs)
	groups, missing := byBranch(drift.Missing, func(d deps.Dependency) deps.Dependency { return d })
	for _, g := range groups {
		var names []string
		for _, d := range g {
			names = append(names, strings.TrimSpace(d.Name+" "+d.Version))
		}
		c.reportBranch(ruleSBOMDriftMissing, g[0], ds, names, "not in", sbomNames)
	}
	for _, d := range missing {
		name := strings.TrimSpace(d.Name + " " + d.Version)
		loc := at(d.Manifest, d.Line).on(d.Name)
		if d.Ecosystem == deps.Golang && binary != "" {
			c.reportCappedAs(ruleSBOMDriftMissing, finding.Notice, loc, "direct dependency %s of %s is not in %s, which %s made of the binary: it lists only the "+
				"modules linked into it, so a test-only or unused require is expected to be absent", name, path.Base(d.Manifest), sbomNames, binary)
			continue
		}
		kind := "direct dependency"
		if d.Via != "" {
			kind = "transitive dependency"
			name += " (through " + d.Via + ")"
		}
		if d.Condition == "optional" {
			c.reportCappedAs(ruleSBOMDriftMissing, finding.Notice, loc, "optional %s %s of %s is not in %s: an optional package that did not install "+
				"where the SBOM was built is expected to be absent", kind, name, path.Base(d.Manifest), sbomNames)
			continue
		}
		c.reportCapped(ruleSBOMDriftMissing, loc, "%s %s of %s is not in %s", kind, name, path.Base(d.Manifest), sbomNames)
	}
	mgroups, mismatched := byBranch(drift.Mismatched, func(m deps.Mismatch) deps.Dependency { return m.Dependency })
	for _, g := range mgroups {
		var names []string
		for _, m := range g {
			names = append(names, fmt.Sprintf("%s %s (SBOM: %s)", m.Name, m.Version, sbomVersions(m)))
		}
		c.reportBranch(ruleSBOMDriftVersion, g[0].Dependency, ds, names, "at other versions in", sbomNames)
	}
	for _, m := range mismatched {
		listed := sbomVersions(m)
		c.reportCapped(ruleSBOMDriftVersion,
			at(m.Manifest, m.Line).on(m.Name),
			"%s is %s in %s, but %s in %s",
			m.Name,
			m.Version,
			path.Base(m.Manifest),
			listed,
			sbomNames)
	}
}

// sbomVersions lists the versions the SBOMs give a mismatched dependency.
func sbomVersions(m deps.Mismatch) string {
	listed := strings.Join(m.SBOMVersions, ", ")
	if more := m.SBOMVersionCount - len(m.SBOMVersions); more > 0 {
		listed += fmt.Sprintf(" and %d more", more)
	}
	return listed
}

// maxTransitiveListed bounds the packages one transitive-drift finding
// names; the rest are counted.
const maxTransitiveListed = 8

// byBranch splits drift into what a lockfile's production closure brings in
// through a direct dependency, required (grouped by manifest and that
// dependency, in the order first seen), and the rest: a stale SBOM of a
// Node.js project lacks or misdates transitive packages by the hundred, and
// each says the same, so each group is one finding.
func byBranch[T any](items []T, dep func(T) deps.Dependency) (groups [][]T, rest []T) {
	type branch struct{ manifest, via string }
	index := map[branch]int{}
	for _, it := range items {
		d := dep(it)
		if d.Via == "" || d.Condition != "" {
			rest = append(rest, it)
			continue
		}
		b := branch{d.Manifest, d.Via}
		i, ok := index[b]
		if !ok {
			i = len(groups)
			index[b] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], it)
	}
	return groups, rest
}

// reportBranch reports one group of byBranch: at the line of the direct
// dependency that brings them in, item "<name> (transitive)", the first
// maxTransitiveListed named.
func (c *run) reportBranch(r *finding.Rule, first deps.Dependency, ds []deps.Dependency, names []string, what, sbomNames string) {
	line := 0
	for _, d := range ds {
		if d.Via == "" && d.Manifest == first.Manifest && d.Name == first.Via {
			line = d.Line
			break
		}
	}
	listed := strings.Join(names[:min(len(names), maxTransitiveListed)], ", ")
	if more := len(names) - maxTransitiveListed; more > 0 {
		listed += fmt.Sprintf(" and %d more", more)
	}
	c.reportCapped(r, at(first.Manifest, line).on(first.Via+" (transitive)"), "%s that %s brings in (%d in %s) %s %s %s: %s",
		plural(len(names), "transitive dependency", "transitive dependencies"), first.Via, len(names), path.Base(first.Manifest),
		plural(len(names), "is", "are"), what, sbomNames, listed)
}

// goBinarySBOM names the generator when one of docs is an SBOM of a Go
// binary (cyclonedx-gomod in app or bin mode: its main component's purl names
// the package built, "pkg:golang/m@v?...#cmd/x"), else "". Such an SBOM lists
// the modules linked into the binary, not every require of go.mod: test-only
// requires are absent from it by design. (The mod mode lists every module of
// go.mod, test-only ones included, and its drift stays a warning.)
func goBinarySBOM(docs []*sbom.Document) string {
	for _, d := range docs {
		if d.Primary == nil || !strings.HasPrefix(d.Primary.Purl, "pkg:golang/") || !strings.Contains(d.Primary.Purl, "#") {
			continue
		}
		for _, t := range d.Metadata.Tools {
			if strings.HasPrefix(strings.ToLower(t), "cyclonedx-gomod") {
				return "cyclonedx-gomod (app or bin mode)"
			}
		}
	}
	return ""
}

// listNames joins the first max items and counts the rest.
func listNames(items []string, max int) string {
	sorted := append([]string(nil), items...)
	sort.Strings(sorted)
	if len(sorted) <= max {
		return strings.Join(sorted, ", ")
	}
	return strings.Join(sorted[:max], ", ") + fmt.Sprintf(" and %d more", len(sorted)-max)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// byteSize renders a size in MiB or KiB.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// buildTimeReasons counts the build-time components by reason: "40 a
// Buildroot host package (...)", most first.
func buildTimeReasons(cs []sbom.Component) string {
	n := map[string]int{}
	var reasons []string
	for _, c := range cs {
		if n[c.BuildTime] == 0 {
			reasons = append(reasons, c.BuildTime)
		}
		n[c.BuildTime]++
	}
	sort.SliceStable(reasons, func(i, j int) bool { return n[reasons[i]] > n[reasons[j]] })
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%d %s", n[r], r)
	}
	return strings.Join(parts, "; ")
}

// componentList names up to max components ("a@1, b@2 and 3 more").
func componentList(cs []sbom.Component, max int) string {
	var names []string
	for i := range cs {
		if len(names) == max {
			break
		}
		names = append(names, cs[i].Label())
	}
	out := strings.Join(names, ", ")
	if len(cs) > max {
		out += fmt.Sprintf(" and %d more", len(cs)-max)
	}
	return out
}
