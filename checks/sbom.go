package checks

import (
	"errors"
	"fmt"
	"math"
	"path"
	"sort"
	"strings"

	"github.com/cra-gate/cra-gate/deps"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/manifest"
	"github.com/cra-gate/cra-gate/repo"
	"github.com/cra-gate/cra-gate/sbom"
)

const (
	refSBOM        = "Annex I Part II(1), Annex VII(2)(b)"
	refSBOMQuality = "Annex I Part II(1); BSI TR-03183-2"
	refSBOMDrift   = "Annex I Part II(1), Annex VII(8)"
	// maxDriftListed bounds how many missing dependencies a finding names.
	maxDriftListed = 20
)

// defaultThresholds is the minimum share (percent) of components that must carry
// each field: all of them for name and version, 80% for the rest.
var defaultThresholds = map[sbom.Field]float64{
	sbom.FieldName: 100, sbom.FieldVersion: 100, sbom.FieldSupplier: 80, sbom.FieldHash: 80,
	sbom.FieldLicense: 80, sbom.FieldIdentifier: 80, sbom.FieldDependencies: 80,
}

var (
	ruleSBOMMissing = rule(finding.Rule{
		ID: "sbom-missing", Check: finding.CheckSBOM, Severity: finding.Error, Reference: refSBOM,
		Summary: "The product declares at least one SBOM (product.sbom).",
		Why:     "Manufacturers must identify and document the components of the product in a machine-readable software bill of materials covering at least the top-level dependencies, and keep it in the technical documentation.",
		Fix:     "Generate an SBOM (CycloneDX or SPDX JSON; cyclonedx-gomod, cyclonedx-npm, syft, trivy) into the repository and list it in product.sbom.",
		Example: "[product]\nsbom = [\"sbom/firmware.cdx.json\"]",
	})
	ruleSBOMNotFound = rule(finding.Rule{
		ID: "sbom-not-found", Check: finding.CheckSBOM, Severity: finding.Error, Reference: refSBOM,
		Summary: "Every SBOM path in cra.toml exists in the repository.",
		Why:     "An SBOM that is declared but absent documents nothing; usually the generation step did not run or wrote elsewhere.",
		Fix:     "Generate the SBOM at that path (commit it, or generate it in CI before the gate runs), or correct the path.",
	})
	ruleSBOMTooLarge = rule(finding.Rule{
		ID: "sbom-too-large", Check: finding.CheckSBOM, Severity: finding.Error, Reference: refSBOM,
		Summary: "Each SBOM is within the size the gate reads (--max-sbom-size, default 128 MiB).",
		Why:     "The limit protects CI from unbounded input; a real SBOM over it is rare and the limit can be raised.",
		Fix:     "Raise the limit with --max-sbom-size (for example 512MiB), or check that the file is the SBOM and not an archive.",
	})
	ruleSBOMInvalid = rule(finding.Rule{
		ID: "sbom-invalid", Check: finding.CheckSBOM, Severity: finding.Error, Reference: refSBOM,
		Summary: "Each SBOM is well-formed JSON or XML of its format.",
		Why:     "The SBOM must be machine-readable; a file that does not parse cannot be used by the authorities or by vulnerability tooling.",
		Fix:     "Regenerate the SBOM with its tool; fix the syntax error at the line and column shown if the file was edited by hand.",
	})
	ruleSBOMNotSBOM = rule(finding.Rule{
		ID: "sbom-not-sbom", Check: finding.CheckSBOM, Severity: finding.Error, Reference: refSBOM,
		Summary: "Each SBOM is a CycloneDX or SPDX document (recognised from its content, not its name).",
		Why:     "Only standard SBOM formats are machine-readable by others; a dependency list in another shape is not an SBOM.",
		Fix:     "Generate CycloneDX (bomFormat \"CycloneDX\") or SPDX (spdxVersion \"SPDX-2.3\") with an SBOM tool.",
	})
	ruleSBOMUnsupported = rule(finding.Rule{
		ID: "sbom-unsupported-version", Check: finding.CheckSBOM, Severity: finding.Error, Reference: refSBOM,
		Summary: "Each SBOM uses a spec version and encoding the gate reads: CycloneDX 1.0-1.7 JSON or XML, SPDX 2.2/2.3 JSON or tag-value.",
		Why:     "The gate must read the SBOM to check it; an unknown spec version is usually a typo or a pre-release format.",
		Fix:     "Generate CycloneDX 1.5-1.7 or SPDX 2.3 JSON (most tools have a flag for the spec version and output format).",
	})
	ruleSBOMLegacy = rule(finding.Rule{
		ID: "sbom-legacy-spec", Check: finding.CheckSBOM, Severity: finding.Warning, Reference: refSBOM,
		Summary: "CycloneDX SBOMs use spec 1.2 or later.",
		Why:     "CycloneDX 1.0 and 1.1 cannot carry metadata (creation time, tool, the product itself) or dependency relationships, which the technical documentation needs.",
		Fix:     "Regenerate the SBOM with a current tool version (CycloneDX 1.5 or later).",
	})
	ruleSBOMNoComponents = rule(finding.Rule{
		ID: "sbom-no-components", Check: finding.CheckSBOM, Severity: finding.Error, Reference: refSBOM,
		Summary: "Each SBOM lists at least one component.",
		Why:     "The SBOM must cover at least the top-level dependencies; an SBOM with no components documents none (a services-only SaaSBOM is not a component inventory).",
		Fix:     "Generate the SBOM from the build or lockfile so that it lists the components the product ships.",
	})
	ruleSBOMNoDependencies = rule(finding.Rule{
		ID: "sbom-no-dependencies", Check: finding.CheckSBOM, Severity: finding.Warning, Reference: refSBOM,
		Summary: "Each SBOM has a dependency relationship from its primary component (CycloneDX dependencies, SPDX DEPENDS_ON/CONTAINS).",
		Why:     "\"At the very least the top-level dependencies\": without relationships from the product to its components nothing says which are direct dependencies.",
		Fix:     "Generate the SBOM with a tool that records the dependency graph and the primary component (metadata.component / documentDescribes).",
	})
	ruleSBOMRDPSUncovered = rule(finding.Rule{
		ID: "sbom-rdps-uncovered", Check: finding.CheckSBOM, Severity: finding.Error, Reference: "Article 3(2), Annex I Part II(1)",
		Summary: "Every RDPS has an SBOM of its own, or a component named after it in a product SBOM.",
		Why:     "A remote data processing solution is part of the product: its components must be documented like the device's.",
		Fix:     "Add sbom = [\"sbom/<service>.cdx.json\"] to the [[rdps]] entry, or make sure a product SBOM lists a component with the RDPS's name.",
		Example: "[[rdps]]\nname = \"acme-cloud-api\"\nsbom = [\"sbom/cloud-api.cdx.json\"]",
	})
	ruleSBOMMetadata = rule(finding.Rule{
		ID: "sbom-metadata", Check: finding.CheckSBOM, Severity: finding.Warning, Reference: "Annex VII(2)(b); BSI TR-03183-2",
		Summary: "Each SBOM records when it was created (RFC 3339 timestamp) and by which tool or author.",
		Why:     "Without a creation time and creator nobody can tell how current the SBOM is or reproduce it.",
		Fix:     "Use an SBOM generator that writes metadata.timestamp and metadata.tools (CycloneDX) or creationInfo (SPDX).",
	})
	ruleSBOMFieldCoverage = rule(finding.Rule{
		ID: "sbom-field-coverage", Check: finding.CheckSBOM, Severity: finding.Warning, Reference: refSBOMQuality,
		Summary: "Enough components carry each minimum field: name and version (100%), supplier, SHA-256/512 hash, valid SPDX licence, purl or CPE, dependencies (80%).",
		Why:     "BSI TR-03183-2 sets the minimum content of an SBOM for the CRA; components without supplier, version, identifier or hash cannot be matched against vulnerability data.",
		Fix:     "Generate the SBOM from the lockfile or the build with an up-to-date generator; thresholds can be tuned in [gate] sbom_thresholds.",
		Example: "[gate]\nsbom_thresholds = { supplier = 60, hash = 50 }",
	})
	ruleSBOMDriftMissing = rule(finding.Rule{
		ID: "sbom-drift-missing", Check: finding.CheckSBOM, Severity: finding.Warning, Reference: refSBOMDrift,
		Summary: "Every direct dependency in the repository's dependency manifests (go.mod, package-lock.json, Cargo.toml, requirements.txt) appears in the SBOM that covers them.",
		Why:     "A stale SBOM is the most common real-world gap: a dependency added since the SBOM was generated is undocumented, and its vulnerabilities go unnoticed. The SBOM must be kept up to date.",
		Fix:     "Regenerate the SBOM from the current dependency manifests, ideally in CI on every change. Which SBOM covers which folder is set by source on [product] and [[rdps]].",
		Example: "[product]\nsource = \"firmware\"\nsbom = [\"sbom/firmware.cdx.json\"]",
	})
	ruleSBOMDriftVersion = rule(finding.Rule{
		ID: "sbom-drift-version", Check: finding.CheckSBOM, Severity: finding.Notice, Reference: refSBOMDrift,
		Summary: "Pinned dependency versions match the versions in the SBOM.",
		Why:     "A different version in the SBOM than in the lockfile means the SBOM describes another build.",
		Fix:     "Regenerate the SBOM after updating dependencies.",
	})
	ruleSBOMDepsUnreadable = rule(finding.Rule{
		ID: "sbom-deps-unreadable", Check: finding.CheckSBOM, Severity: finding.Warning, Reference: refSBOMDrift,
		Summary: "The dependency manifests the drift check reads are well-formed.",
		Why:     "A manifest the gate cannot read is a manifest whose dependencies it cannot hold against the SBOM.",
		Fix:     "Fix the syntax error at the line shown (go mod tidy, npm install and cargo generate-lockfile rewrite their files).",
	})
)

// parsedSBOM is one SBOM file read once, whatever number of entries name it.
type parsedSBOM struct {
	path string
	doc  *sbom.Document // nil when unreadable
}

func (c *run) checkSBOM() {
	m := c.m
	parsed := map[string]*parsedSBOM{}
	var coverage []finding.SBOMCoverage
	// load reads each declared SBOM once, reporting problems at the key first naming it.
	load := func(value string, segs ...any) *parsedSBOM {
		r := c.resolve(value, false)
		if r.refused() {
			return nil // manifest-path
		}
		if p, ok := parsed[r.path]; ok {
			return p
		}
		p := &parsedSBOM{path: r.path}
		parsed[r.path] = p
		if r.missing() {
			c.report(ruleSBOMNotFound, c.key(segs...), "SBOM %q does not exist in the repository", value)
			return p
		}
		p.doc = c.readSBOM(r.path)
		if p.doc != nil {
			coverage = append(coverage, c.judgeSBOM(r.path, p.doc))
		}
		return p
	}
	if len(nonEmpty(m.Product.SBOM)) == 0 {
		c.report(ruleSBOMMissing, c.key("product", "sbom"), "product.sbom is empty: declare the SBOM(s) that document the product's components")
	}
	var productDocs []*parsedSBOM
	for _, v := range nonEmpty(m.Product.SBOM) {
		if p := load(v, "product", "sbom"); p != nil {
			productDocs = append(productDocs, p)
		}
	}
	rdpsDocs := make([][]*parsedSBOM, len(m.RDPS))
	for i, r := range m.RDPS {
		for _, v := range nonEmpty(r.SBOM) {
			if p := load(v, "rdps", i, "sbom"); p != nil {
				rdpsDocs[i] = append(rdpsDocs[i], p)
			}
		}
	}
	for i, r := range m.RDPS {
		if len(nonEmpty(r.SBOM)) > 0 || r.Name == "" {
			continue
		}
		if !namesComponent(productDocs, r.Name) {
			label := manifest.Entry{Section: "rdps", Index: i, Name: r.Name}.Label()
			c.report(ruleSBOMRDPSUncovered, c.key("rdps", i), "%s has no SBOM of its own and no product SBOM lists a component named %q: add sbom = [...] to the entry", label, r.Name)
		}
	}
	c.sboms = coverage
	c.checkDrift(productDocs, rdpsDocs)
}

// readSBOM reads and parses one SBOM, reporting why when it cannot.
func (c *run) readSBOM(p string) *sbom.Document {
	data, err := c.repo.ReadFile(p, c.opt.MaxSBOMSize)
	var tl *repo.TooLargeError
	switch {
	case errors.As(err, &tl):
		c.report(ruleSBOMTooLarge, at(p, 0), "%s is %s, over the %s the gate reads: raise --max-sbom-size if this is really the SBOM", p, byteSize(tl.Size), byteSize(tl.Limit))
		return nil
	case err != nil:
		c.report(ruleSBOMInvalid, at(p, 0), "cannot read %v", err)
		return nil
	}
	doc, err := sbom.Parse(data)
	if err != nil {
		var se *sbom.Error
		if !errors.As(err, &se) {
			c.report(ruleSBOMInvalid, at(p, 0), "%s: %v", p, err)
			return nil
		}
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
		return nil
	}
	return doc
}

// judgeSBOM applies the content rules to one parsed SBOM and returns its coverage row.
func (c *run) judgeSBOM(p string, d *sbom.Document) finding.SBOMCoverage {
	file := at(p, 0)
	what := fmt.Sprintf("%s (%s %s)", p, d.Format, d.SpecVersion)
	if d.Legacy() {
		c.report(ruleSBOMLegacy, file, "%s: CycloneDX %s cannot carry metadata or dependency relationships; regenerate it as CycloneDX 1.5 or later", what, d.SpecVersion)
	}
	q := sbom.Coverage(d)
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
	if !d.Legacy() {
		var gaps []string
		if !q.Document.Timestamp {
			if q.Document.TimestampPresent {
				gaps = append(gaps, fmt.Sprintf("its timestamp %q is not RFC 3339", d.Metadata.Timestamp))
			} else {
				gaps = append(gaps, "no creation timestamp")
			}
		}
		if !q.Document.Creator {
			gaps = append(gaps, "no creator tool or author")
		}
		if len(gaps) > 0 {
			c.report(ruleSBOMMetadata, file, "%s has %s", what, strings.Join(gaps, " and "))
		}
	}
	row := finding.SBOMCoverage{File: p, Format: string(d.Format), SpecVersion: d.SpecVersion, Components: q.Components,
		Timestamp: q.Document.Timestamp, Creator: q.Document.Creator, Serial: q.Document.SerialNumber}
	for _, fc := range q.Fields {
		threshold := c.threshold(fc.Field)
		pct := 0.0
		if q.Components > 0 {
			pct = math.Floor(1000*float64(fc.Present)/float64(q.Components)) / 10
		}
		row.Fields = append(row.Fields, finding.FieldCoverage{Field: string(fc.Field), Present: fc.Present, Percent: pct, Threshold: threshold, Missing: fc.Missing})
		if q.Components == 0 || (d.Legacy() && fc.Field == sbom.FieldDependencies) {
			continue
		}
		if row.Fields[len(row.Fields)-1].Below(q.Components) {
			ex := ""
			if len(fc.Missing) > 0 {
				ex = "; for example " + quoteList(fc.Missing, len(fc.Missing))
			}
			c.report(ruleSBOMFieldCoverage, file, "%s: %s on %d of %d components (%.1f%%), below the %.0f%% threshold%s", p, fieldLabel(fc.Field), fc.Present, q.Components, pct, threshold, ex)
		}
	}
	return row
}

// fieldLabel describes a field for messages.
func fieldLabel(f sbom.Field) string {
	switch f {
	case sbom.FieldSupplier:
		return "supplier or author"
	case sbom.FieldHash:
		return "SHA-256/384/512 hash"
	case sbom.FieldLicense:
		return "valid SPDX licence"
	case sbom.FieldIdentifier:
		return "purl or CPE identifier"
	case sbom.FieldDependencies:
		return "dependency relationships"
	}
	return string(f)
}

// threshold is the user's [gate] sbom_thresholds value for f, else the default.
func (c *run) threshold(f sbom.Field) float64 {
	if v, ok := c.m.Gate.SBOMThresholds[string(f)]; ok && v >= 0 && v <= 100 {
		return v
	}
	return defaultThresholds[f]
}

// namesComponent reports whether any of the SBOMs has a component (or primary
// component) named name, compared case-insensitively.
func namesComponent(docs []*parsedSBOM, name string) bool {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, p := range docs {
		if p.doc == nil {
			continue
		}
		if p.doc.Primary != nil && strings.ToLower(p.doc.Primary.Name) == name {
			return true
		}
		for i := range p.doc.Components {
			if strings.ToLower(p.doc.Components[i].Name) == name {
				return true
			}
		}
	}
	return false
}

// checkDrift holds the direct dependencies in each source folder against the
// SBOMs of the product or RDPS that names the folder.
func (c *run) checkDrift(productDocs []*parsedSBOM, rdpsDocs [][]*parsedSBOM) {
	type cover struct {
		owner  string
		source string
		key    []any
		docs   []*parsedSBOM
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
		covers = append(covers, cover{owner: manifest.Entry{Section: "rdps", Index: i, Name: r.Name}.Label(), source: r.Source, key: []any{"rdps", i, "source"}, docs: docs})
	}
	for _, cv := range covers {
		r := c.resolve(cv.source, false)
		if r.refused() {
			continue
		}
		if r.missing() || !c.repo.IsDir(r.path) {
			c.report(ruleSBOMDriftMissing, c.key(cv.key...), "source folder %q of %s does not exist in the repository", cv.source, cv.owner)
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
		found, err := deps.Find(c.repo.FS(), r.path)
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
	for _, group := range groupByManifest(drift.Missing, func(d deps.Dependency) string { return d.Manifest }) {
		names := make([]string, len(group))
		for i, d := range group {
			names[i] = strings.TrimSpace(d.Name + " " + d.Version)
		}
		file := group[0].Manifest
		c.report(ruleSBOMDriftMissing, at(file, group[0].Line), "%d direct %s in %s %s not in %s: %s", len(group), plural(len(group), "dependency", "dependencies"), path.Base(file), plural(len(group), "is", "are"), sbomNames, listNames(names, maxDriftListed))
	}
	for _, group := range groupByManifest(drift.Mismatched, func(m deps.Mismatch) string { return m.Manifest }) {
		items := make([]string, len(group))
		for i, m := range group {
			items[i] = fmt.Sprintf("%s %s (SBOM: %s)", m.Name, m.Version, strings.Join(m.SBOMVersions, ", "))
		}
		file := group[0].Manifest
		c.report(ruleSBOMDriftVersion, at(file, group[0].Line), "%d %s in %s at another version than in %s: %s", len(group), plural(len(group), "dependency is", "dependencies are"), path.Base(file), sbomNames, listNames(items, maxDriftListed))
	}
}

// groupByManifest splits items by the manifest file they come from, in file order.
func groupByManifest[T any](items []T, manifest func(T) string) [][]T {
	by := map[string][]T{}
	for _, it := range items {
		by[manifest(it)] = append(by[manifest(it)], it)
	}
	groups := make([][]T, 0, len(by))
	for _, file := range sortedMapKeys(by) {
		groups = append(groups, by[file])
	}
	return groups
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
