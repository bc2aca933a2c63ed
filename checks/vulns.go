package checks

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	osvpb "github.com/ossf/osv-schema/bindings/go/osvschema"
	"github.com/package-url/packageurl-go"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/sbom"
	"github.com/cra-gate/cra-gate/internal/vuln/kev"
	"github.com/cra-gate/cra-gate/internal/vuln/match"
	"github.com/cra-gate/cra-gate/internal/vuln/nvd"
	"github.com/cra-gate/cra-gate/internal/vuln/nvdapi"
	"github.com/cra-gate/cra-gate/internal/vuln/osv"
	"github.com/cra-gate/cra-gate/internal/vuln/osvapi"
	"github.com/cra-gate/cra-gate/internal/vuln/records"
	"github.com/cra-gate/cra-gate/internal/vuln/vex"
)

// VulnSources are where the vulns check learns of known vulnerabilities. They
// are the operator's (flags, environment, Action inputs), not repository
// content, and are read only when given.
type VulnSources struct {
	// DB lists directories, .zip archives or .json files of OSV records.
	DB []string
	// API is an OSV-compatible API's base URL (https://api.osv.dev).
	API string
	// KEV is the CISA KEV catalog: a file path or an https URL.
	KEV string
	// HTTP is the client for the API and a KEV URL (nil: a default client).
	HTTP *http.Client
	// APIClient, when set, is the template of the OSV API client (timeouts,
	// retries); its BaseURL and HTTP are filled from API and HTTP.
	APIClient *osvapi.Client
	// DBLimits bound the offline database (zero values: osv.DefaultLimits).
	DBLimits osv.Limits
	// NVD lists directories, .zip archives or .json files of NVD CVE records
	// (CVE API 2.0 JSON), matched by CPE.
	NVD []string
	// NVDLimits bound them (zero values: nvd.DefaultLimits).
	NVDLimits records.Limits
	// NVDAPI is the NVD CVE API 2.0 to ask by CPE, NVDAPIKey its key (which
	// raises its rate limit); NVDAPIClient, when set, the client's template
	// (pace, retries, budget).
	NVDAPI, NVDAPIKey string
	NVDAPIClient      *nvdapi.Client
}

// Any reports whether a source of advisories is given (KEV alone names none).
func (s VulnSources) Any() bool {
	return len(s.DB) > 0 || strings.TrimSpace(s.API) != "" || len(s.NVD) > 0 || strings.TrimSpace(s.NVDAPI) != ""
}

const (
	// maxVEXFile bounds a VEX document read from the repository.
	maxVEXFile = 16 << 20
	// maxSummary bounds an advisory summary quoted in a message.
	maxSummary = 120
)

var (
	ruleVulnsKnown              = rule("vulns-known")
	ruleVulnsKEV                = rule("vulns-kev")
	ruleVulnsSourceStale        = rule("vulns-source-stale")
	ruleVulnsUnderInvestigation = rule("vulns-vex-under-investigation")
	ruleVulnsUnjustified        = rule("vulns-vex-unjustified")
	ruleVulnsStale              = rule("vulns-vex-stale")
	ruleVulnsVEXInvalid         = rule("vulns-vex-invalid")
	ruleVulnsNoPurl             = rule("vulns-no-purl")
	ruleVulnsUnmatched          = rule("vulns-unmatched")
	ruleVulnsSource             = rule("vulns-source-unreadable")
	ruleVulnsNoSource           = rule("vulns-no-source")
	ruleVulnsChecked            = rule("vulns-checked")
)

// vulnComponent is one SBOM component considered by the vulns check.
type vulnComponent struct {
	file    string
	sbomIdx int
	comp    *sbom.Component
	primary bool
	pkg     match.Package
	err     error // why it cannot be matched by purl
	// cpe is the component for CPE matching; hasCPE when its CPE reads.
	cpe    nvd.Component
	hasCPE bool
	// checked says a source looked it up: by purl in an OSV source holding
	// its ecosystem, or by CPE in NVD records.
	checked bool
	// nvdErr says why the NVD API was not asked about its CPE.
	nvdErr string
}

// vulnHit is one (component, advisory).
type vulnHit struct {
	c      *vulnComponent
	hit    match.Hit
	viaAPI bool
	// source names where the advisory came from ("NVD"); matched is the
	// CPE criterion and versions it applied by, for an NVD record.
	source, matched string
}

var _ = check(Check{
	ID: finding.CheckVulns, Order: 60, Title: "Known vulnerabilities",
	Summary: "no shipped component has a known vulnerability (OSV by purl, NVD by CPE) that a VEX statement does not answer; " +
		"actively exploited ones (CISA KEV) call for the Article 14 assessment; VEX statements are " +
		"complete and current; components no source could check are a warning; runs only when a vulnerability source is given",
	Reference: "Annex I Part I(2)(a), Annex I Part II(2)-(4), Art. 14",
	apply:     (*run).checkVulns,
})

// checkVulns matches every SBOM component against the sources and reports
// what is known and not answered. It returns why it was skipped, or "".
func (c *run) checkVulns() string {
	src := c.opt.Vulns
	if !src.Any() {
		why := "no vulnerability source given (--vuln-db, --osv-api, --nvd)"
		if src.KEV != "" {
			why += "; --kev alone names no advisories"
		}
		c.report(ruleVulnsNoSource, location{}, "known vulnerabilities were not checked: %s", why)
		return why
	}
	docs := c.facts.readSBOMs()
	comps := c.vulnComponents(docs)
	stmts := c.readVEX(docs)
	ctx := context.Background()

	hits, sourcesOK, used := c.matchComponents(ctx, comps)
	if !sourcesOK {
		return "no vulnerability source could be read"
	}
	c.vulns = []finding.Vulnerability{}
	catalog := c.loadKEV()
	if catalog != nil {
		used = append(used, fmt.Sprintf("KEV catalog %s (%d entries)", orUnknown(catalog.Version), catalog.Len()))
		if t, err := time.Parse(time.RFC3339, catalog.Released); err == nil {
			c.reportStale("the KEV catalog "+orUnknown(catalog.Version), "was released on", t,
				"use the current one: CISA adds entries several times a week")
		}
	}
	set := vex.NewSet(stmts)
	primaries := map[int]vex.Component{}
	for i, p := range docs {
		if d := p.doc; d.Primary != nil {
			primaries[i] = vex.Component{File: p.path, Purl: d.Primary.Purl, Ref: d.Primary.Ref, Serial: d.Metadata.SerialNumber}
		}
	}
	for _, h := range hits {
		c.reportHit(h, set, primaries, docs, catalog)
	}
	c.reportStatements(stmts, docs)
	c.reportUnmatched(docs, comps)
	for i, p := range docs {
		n, primary := 0, ""
		for _, vc := range comps {
			switch {
			case vc.sbomIdx != i || !vc.checked:
			case vc.primary:
				primary = " and the primary component"
			default:
				n++
			}
		}
		c.report(ruleVulnsChecked, at(p.path, 0), "%s: %d of %d components%s checked against %s", p.path, n, len(p.doc.Components), primary,
			strings.Join(used, ", "))
	}
	return ""
}

// vulnComponents lists the components of every SBOM (each primary component
// too) with their OSV package, or why they have none.
func (c *run) vulnComponents(docs []*sbomFile) []*vulnComponent {
	var out []*vulnComponent
	for i, p := range docs {
		add := func(comp *sbom.Component, primary bool) {
			pkg, err := match.FromPurl(comp.Purl)
			vc := &vulnComponent{file: p.path, sbomIdx: i, comp: comp, primary: primary, pkg: pkg, err: err}
			vc.cpe, vc.hasCPE = cpeComponent(comp)
			out = append(out, vc)
		}
		if pr := p.doc.Primary; pr != nil && pr.Purl != "" && !containsRef(p.doc, pr) {
			add(pr, true)
		}
		for j := range p.doc.Components {
			add(&p.doc.Components[j], false)
		}
	}
	return out
}

// cpeComponent is a component as CPE matching sees it: its CPE, its version
// (the upstream one of a distribution package: no epoch, no revision), and
// its purl type, which tells a native component from a language package.
func cpeComponent(comp *sbom.Component) (nvd.Component, bool) {
	c, ok := nvd.ParseCPE(comp.CPE)
	if !ok {
		return nvd.Component{}, false
	}
	out := nvd.Component{CPE: c, Version: comp.Version, Ecosystem: purlType(comp.Purl)}
	switch out.Ecosystem {
	case "deb", "rpm", "apk", "alpm", "generic":
		if out.Ecosystem != "generic" {
			out.Version = upstreamVersion(out.Version)
		}
		out.Ecosystem = ""
	}
	return out, true
}

// upstreamVersion drops a distribution's epoch ("1:") and package revision
// ("-4+deb12u1"): "1:1.35.0-4+deb12u1" is upstream 1.35.0, which NVD's
// ranges name.
func upstreamVersion(v string) string {
	if i := strings.IndexByte(v, ':'); i > 0 && strings.Trim(v[:i], "0123456789") == "" {
		v = v[i+1:]
	}
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		v = v[:i]
	}
	return v
}

// containsRef reports whether the primary component is also listed among the
// components (SPDX documents list the described package there).
func containsRef(d *sbom.Document, pr *sbom.Component) bool {
	if pr.Ref == "" {
		return false
	}
	for i := range d.Components {
		if d.Components[i].Ref == pr.Ref {
			return true
		}
	}
	return false
}

// matchComponents looks every matchable component up in the offline database
// and the API. ok is false when no source could be read; used names the
// sources that were.
func (c *run) matchComponents(ctx context.Context, comps []*vulnComponent) (hits []vulnHit, ok bool, used []string) {
	src := c.opt.Vulns
	want := map[osv.Key]bool{}
	for _, vc := range comps {
		if vc.err == nil {
			want[vc.pkg.Key()] = true
		}
	}
	type pairKey struct {
		c  *vulnComponent
		id string
	}
	seen := map[pairKey]bool{}
	addHit := func(h vulnHit) {
		k := pairKey{h.c, h.hit.Record.GetId()}
		if !seen[k] {
			seen[k] = true
			hits = append(hits, h)
		}
	}
	versionErrs := map[*vulnComponent]error{}
	if len(src.DB) > 0 {
		names := map[string]bool{}
		for k := range want {
			names[k.Name] = true
		}
		if c.dbScan == nil {
			c.startSources()
		}
		db, probs := c.dbScan.Load(func(k osv.Key) bool { return want[k] }, names)
		failed := c.reportSourceProblems("--vuln-db", probs)
		readable := 0
		for _, s := range src.DB {
			if !failed[s] {
				readable++
			}
		}
		if readable > 0 {
			ok = true
			var labels []string
			for _, s := range src.DB {
				labels = append(labels, c.sourceLabel(s))
			}
			used = append(used, fmt.Sprintf("%d OSV %s (%s)", db.Read, plural(db.Read, "record", "records"), strings.Join(labels, ", ")))
			// Most records undated (golang/vulndb's files): their age is unknown,
			// and the dated few say nothing of the rest.
			if db.Undated*2 <= db.Read {
				what := "the OSV records (" + strings.Join(labels, ", ") + ")"
				if db.Undated > 0 {
					what += fmt.Sprintf(", %d of %d of which give a modification time,", db.Read-db.Undated, db.Read)
				}
				c.reportStale(what, "were last modified on", db.Newest, "download them again: osv.dev publishes its archives daily")
			}
			for _, vc := range comps {
				if vc.err != nil {
					continue
				}
				if db.HoldsEcosystem(vc.pkg.Ecosystem) {
					vc.checked = true
				}
				for _, rec := range db.Lookup(vc.pkg.Key()) {
					h, affected, err := match.Affects(rec, vc.pkg)
					if err != nil {
						versionErrs[vc] = err
						continue
					}
					if affected {
						addHit(vulnHit{c: vc, hit: h})
					}
				}
			}
		}
	}
	if api := strings.TrimSpace(src.API); api != "" {
		apiHits, err := c.queryAPI(ctx, api, comps)
		if err != nil {
			c.report(ruleVulnsSource, location{}, "--osv-api %v: known vulnerabilities were not looked up there", err)
		} else {
			ok = true
			used = append(used, "the OSV API")
			for _, vc := range comps {
				if vc.err == nil {
					vc.checked = true // osv.dev holds every ecosystem the gate maps purls to
				}
			}
			for _, h := range apiHits {
				addHit(h)
			}
		}
	}
	if len(src.NVD) > 0 || strings.TrimSpace(src.NVDAPI) != "" {
		nvdHits, nvdUsed, nvdOK := c.matchNVD(ctx, comps)
		if nvdOK {
			ok = true
			used = append(used, nvdUsed...)
			for _, h := range nvdHits {
				if !hasAlias(hits, h) {
					addHit(h)
				}
			}
		}
	}
	hasHit := map[*vulnComponent]bool{}
	for _, h := range hits {
		hasHit[h.c] = true
	}
	for vc, err := range versionErrs {
		if !hasHit[vc] {
			vc.err = err
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.c.file != b.c.file {
			return a.c.file < b.c.file
		}
		if a.c.comp.Purl != b.c.comp.Purl {
			return a.c.comp.Purl < b.c.comp.Purl
		}
		return a.hit.Record.GetId() < b.hit.Record.GetId()
	})
	return hits, ok, used
}

// matchNVD matches the components with a CPE against NVD records: the
// local ones (--nvd) and those the NVD API gives (--nvd-api). ok is false
// when no NVD source could be used. A component whose product the API could
// not be asked about is not checked by it (vc.nvdErr says why).
func (c *run) matchNVD(ctx context.Context, comps []*vulnComponent) (hits []vulnHit, used []string, ok bool) {
	src := c.opt.Vulns
	products := map[string]bool{}
	for _, vc := range comps {
		if vc.hasCPE {
			products[vc.cpe.CPE.Product] = true
		}
	}
	var dbs []*nvd.DB
	apiFailed := map[string]string{} // product -> why the API did not answer
	if len(src.NVD) > 0 {
		if db, label := c.loadNVD(products); db != nil {
			dbs = append(dbs, db)
			used = append(used, label)
		}
	}
	if api := strings.TrimSpace(src.NVDAPI); api != "" {
		db, failed, err := c.queryNVD(ctx, api, comps)
		if err != nil {
			c.report(ruleVulnsSource, location{}, "--nvd-api %v: components were not looked up there", err)
		} else {
			dbs = append(dbs, db)
			apiFailed = failed
			used = append(used, fmt.Sprintf("the NVD API (%d %s)", db.Read, plural(db.Read, "record", "records")))
		}
	}
	if len(dbs) == 0 {
		return nil, nil, false
	}
	onlyAPI := len(dbs) == 1 && len(src.NVD) == 0
	// The platform of an AND configuration holds when the same SBOM has it.
	type sbomProduct struct {
		sbom    int
		product string
	}
	byProduct := map[sbomProduct][]*vulnComponent{}
	for _, vc := range comps {
		if vc.hasCPE {
			k := sbomProduct{vc.sbomIdx, vc.cpe.CPE.Product}
			byProduct[k] = append(byProduct[k], vc)
		}
	}
	for _, vc := range comps {
		if !vc.hasCPE {
			continue
		}
		if why, failed := apiFailed[vc.cpe.CPE.Product]; failed && onlyAPI {
			vc.nvdErr = why
			continue
		}
		vc.checked = true
		platform := func(m nvd.CPEMatch) bool {
			c, ok := nvd.ParseCPE(m.Criteria)
			if !ok {
				return false
			}
			for _, other := range byProduct[sbomProduct{vc.sbomIdx, c.Product}] {
				if other != vc && m.Matches(other.cpe) {
					return true
				}
			}
			return false
		}
		seen := map[string]bool{}
		for _, db := range dbs {
			for _, h := range db.Match(vc.cpe, platform) {
				if seen[h.Record.ID] {
					continue
				}
				seen[h.Record.ID] = true
				rec := nvdRecord(h.Record)
				matched := fmt.Sprintf("%s (%s)", h.Match.Criteria, h.Match.Range())
				switch v := vc.cpe.CPE.Vendor; {
				case !h.ProductOnly:
				case v == "*" || v == "":
					matched += "; the SBOM's CPE names no vendor: matched by the product's name"
				default:
					matched += "; the SBOM's CPE vendor " + quoteID(v) + " differs: matched by the product's name"
				}
				hits = append(hits, vulnHit{c: vc, hit: match.Hit{Record: rec, Fixed: h.Fixed}, source: "NVD", matched: matched})
			}
		}
	}
	return hits, used, true
}

// loadNVD reads the local NVD records; nil when none of the sources could be
// read. The label names them for the checked notice.
func (c *run) loadNVD(products map[string]bool) (*nvd.DB, string) {
	src := c.opt.Vulns
	if c.nvdScan == nil {
		c.startSources()
	}
	db, probs := c.nvdScan.Load(products)
	failed := c.reportSourceProblems("--nvd", probs)
	var labels []string
	for _, s := range src.NVD {
		if !failed[s] {
			labels = append(labels, c.sourceLabel(s))
		}
	}
	if len(labels) == 0 {
		return nil, ""
	}
	return db, fmt.Sprintf("%d NVD %s (%s)", db.Read, plural(db.Read, "record", "records"), strings.Join(labels, ", "))
}

// queryNVD asks the NVD API about every distinct CPE product. A product it
// could not answer for is in failed with the reason, reported once, in one
// warning.
func (c *run) queryNVD(ctx context.Context, base string, comps []*vulnComponent) (*nvd.DB, map[string]string, error) {
	client := nvdapi.Client{}
	if t := c.opt.Vulns.NVDAPIClient; t != nil {
		client = *t
	}
	client.BaseURL, client.APIKey, client.HTTP = base, c.opt.Vulns.NVDAPIKey, c.opt.Vulns.HTTP
	if client.UserAgent == "" {
		client.UserAgent = "cra-gate/" + c.opt.ToolVersion
	}
	seen := map[nvdapi.Product]bool{}
	var asked []nvdapi.Product
	products := map[string]bool{}
	for _, vc := range comps {
		if !vc.hasCPE {
			continue
		}
		vendor := vc.cpe.CPE.Vendor
		if vendor == vc.cpe.CPE.Product || vendor == "-" { // a generator's guess: ask by product
			vendor = "*"
		}
		p := nvdapi.Product{Vendor: vendor, Product: vc.cpe.CPE.Product}
		products[p.Product] = true
		if !seen[p] {
			seen[p] = true
			asked = append(asked, p)
		}
	}
	recs, errs := client.Fetch(ctx, asked)
	failed := map[string]string{}
	for _, e := range errs {
		failed[e.Product.Product] = e.Msg
	}
	if len(errs) > 0 {
		var names []string
		for _, e := range errs {
			names = append(names, e.Product.Product)
		}
		c.report(ruleVulnsSource, location{}, "--nvd-api: %d of %d CPE products were not looked up (%s): %s; their components "+
			"count as not checked", len(errs), len(asked), listNames(names, 5), errs[0].Msg)
	}
	if len(errs) == len(asked) && len(asked) > 0 {
		return nil, nil, fmt.Errorf("no product could be looked up (%s)", errs[0].Msg)
	}
	return nvd.NewDB(recs, products), failed, nil
}

// nvdRecord is an NVD record as the OSV record type the report reads: its
// id, English description, and severity.
func nvdRecord(r *nvd.Record) *osv.Record {
	rec := &osv.Record{Id: r.ID, Summary: oneLine(r.Summary(), 400)}
	if sev, vector := r.Severity(); sev != "" {
		rec.DatabaseSpecific, _ = structpb.NewStruct(map[string]any{"severity": sev})
		switch {
		case strings.HasPrefix(vector, "CVSS:4"):
			rec.Severity = []*osvpb.Severity{{Type: osvpb.Severity_CVSS_V4, Score: vector}}
		case strings.HasPrefix(vector, "CVSS:3"):
			rec.Severity = []*osvpb.Severity{{Type: osvpb.Severity_CVSS_V3, Score: vector}}
		case vector != "":
			rec.Severity = []*osvpb.Severity{{Type: osvpb.Severity_CVSS_V2, Score: vector}}
		}
	}
	return rec
}

// hasAlias reports whether an OSV advisory already found for the component
// names the NVD record's CVE: the same vulnerability, reported once.
func hasAlias(hits []vulnHit, h vulnHit) bool {
	for _, o := range hits {
		if o.c == h.c && (o.hit.Record.GetId() == h.hit.Record.GetId() || slices.Contains(o.hit.Record.GetAliases(), h.hit.Record.GetId())) {
			return true
		}
	}
	return false
}

// queryAPI asks the OSV API about every distinct package version.
func (c *run) queryAPI(ctx context.Context, base string, comps []*vulnComponent) ([]vulnHit, error) {
	client := osvapi.Client{}
	if t := c.opt.Vulns.APIClient; t != nil {
		client = *t
	}
	client.BaseURL, client.HTTP = base, c.opt.Vulns.HTTP
	if client.UserAgent == "" {
		client.UserAgent = "cra-gate/" + c.opt.ToolVersion
	}
	index := map[match.Package]int{}
	var queries []osvapi.Query
	for _, vc := range comps {
		if vc.err != nil {
			continue
		}
		if _, ok := index[vc.pkg]; !ok {
			index[vc.pkg] = len(queries)
			queries = append(queries, osvapi.Query{Ecosystem: vc.pkg.Ecosystem, Name: vc.pkg.Name, Version: vc.pkg.Version})
		}
	}
	results, err := client.Match(ctx, queries)
	if err != nil {
		return nil, err
	}
	var hits []vulnHit
	for _, vc := range comps {
		if vc.err != nil {
			continue
		}
		for _, rec := range results[index[vc.pkg]] {
			// The API decided that rec affects the package; the record gives the fix.
			h, affected, _ := match.Affects(rec, vc.pkg)
			if !affected {
				h = match.Hit{Record: rec}
			}
			hits = append(hits, vulnHit{c: vc, hit: h, viaAPI: true})
		}
	}
	return hits, nil
}

type kevResult struct {
	catalog *kev.Catalog
	err     error
}

// sourceLabel names an operator's source file in messages without the
// runner's directories: its path in the repository when it lies inside, else
// its base name.
func (c *run) sourceLabel(p string) string {
	if rel, ok := c.repo.Rel(p); ok {
		return rel
	}
	return filepath.Base(p)
}

// maxSourceAge is how old vulnerability data may be before a release gate
// that relies on it is told.
const maxSourceAge = 30 * 24 * time.Hour

// reportStale reports a vulnerability source whose data is older than
// maxSourceAge on the run's date: a gate that passes on last month's
// advisories says little about today's.
func (c *run) reportStale(what, verb string, t time.Time, fix string) {
	if t.IsZero() || c.opt.Now.IsZero() || c.opt.Now.Sub(t) <= maxSourceAge {
		return
	}
	days := int(c.opt.Now.Sub(t).Hours() / 24)
	c.report(ruleVulnsSourceStale, location{}, "%s %s %s, %d days before %s: advisories published since are not checked; %s",
		what, verb, t.Format(time.DateOnly), days, c.opt.Now.Format(time.DateOnly), fix)
}

// reportSourceProblems reports what went wrong reading a database given
// with flag, naming each source by its label (never the runner's path), and
// returns the sources that could not be read at all.
func (c *run) reportSourceProblems(flag string, probs []records.Problem) map[string]bool {
	failed := map[string]bool{}
	for _, p := range probs {
		if p.Fatal {
			failed[p.Source] = true
		}
		label := c.sourceLabel(p.Source)
		p.Msg = strings.ReplaceAll(p.Msg, p.Source, label)
		p.Source = label
		c.report(ruleVulnsSource, location{}, "%s %s", flag, p.Error())
	}
	return failed
}

// startSources starts reading the offline database and the KEV catalog when
// the vulns check will need them, beside the SBOMs' decoding: they are its
// largest inputs.
func (c *run) startSources() {
	src := c.opt.Vulns
	if !src.Any() {
		return
	}
	if len(src.DB) > 0 && c.dbScan == nil {
		c.dbScan = osv.Start(src.DB, src.DBLimits)
	}
	if len(src.NVD) > 0 && c.nvdScan == nil {
		c.nvdScan = nvd.Start(src.NVD, src.NVDLimits)
	}
	if k := strings.TrimSpace(src.KEV); k != "" && c.kev == nil {
		c.kev = make(chan kevResult, 1)
		go func() {
			catalog, err := kev.Load(context.Background(), k, src.HTTP)
			c.kev <- kevResult{catalog, err}
		}()
	}
}

// loadKEV waits for the KEV catalog when given; a failure is a warning.
func (c *run) loadKEV() *kev.Catalog {
	if c.kev == nil {
		c.startSources()
		if c.kev == nil {
			return nil
		}
	}
	r := <-c.kev
	c.kev = nil
	if r.err != nil {
		k := strings.TrimSpace(c.opt.Vulns.KEV)
		label := k
		if !strings.HasPrefix(strings.ToLower(k), "https://") {
			label = c.sourceLabel(k)
		}
		c.report(ruleVulnsSource, location{}, "--kev %s: %s: vulnerabilities were not checked against the KEV catalog",
			label, strings.ReplaceAll(r.err.Error(), k, label))
		return nil
	}
	return r.catalog
}

// readVEX reads the VEX documents of [vulnerabilities] vex through the
// repository, and the statements each CycloneDX SBOM carries.
func (c *run) readVEX(docs []*sbomFile) []vex.Statement {
	var out []vex.Statement
	seen := map[string]bool{}
	problems := func(probs []vex.Problem) {
		for _, p := range probs {
			c.reportCapped(ruleVulnsVEXInvalid, at(p.File, p.Line), "%s: %s", p.File, p.Msg)
		}
	}
	for _, v := range nonEmpty(c.m.Vulnerabilities.VEX) {
		r := c.resolve(v, false)
		if r.refused() || seen[r.real] && r.real != "" {
			continue // manifest-path reported it, or another name of the file was read
		}
		seen[r.real] = true
		if r.missing() {
			c.report(ruleVulnsVEXInvalid,
				c.key("vulnerabilities", "vex"),
				"VEX document %q does not exist in the repository%s: the statements in it answer nothing",
				v,
				c.rootHint(v))
			continue
		}
		data, err := c.repo.ReadFile(r.path, maxVEXFile)
		var tl *repo.TooLargeError
		switch {
		case errors.As(err, &tl):
			c.report(ruleVulnsVEXInvalid,
				at(r.path, 0),
				"%s is %s, over the %s the gate reads for a VEX document: split it",
				r.path,
				byteSize(tl.Size),
				byteSize(tl.Limit))
			continue
		case err != nil:
			c.report(ruleVulnsVEXInvalid, at(r.path, 0), "cannot read %v", err)
			continue
		}
		if _, err := c.budget.Take(data); err != nil {
			c.report(ruleVulnsVEXInvalid, at(r.path, 0), "%s was not decoded: %v", r.path, err)
			continue
		}
		c.remember(r.path, data)
		stmts, probs := vex.Parse(r.path, data)
		problems(probs)
		out = append(out, stmts...)
	}
	for _, p := range docs {
		if len(p.doc.Vulnerabilities) == 0 {
			continue
		}
		stmts, probs := vex.FromSBOM(p.path, p.doc)
		problems(probs)
		out = append(out, stmts...)
	}
	return out
}

// reportHit records one (component, advisory) in the vulnerabilities table and
// reports it unless a VEX statement answers it.
func (c *run) reportHit(h vulnHit, set *vex.Set, primaries map[int]vex.Component, docs []*sbomFile, catalog *kev.Catalog) {
	rec, vc := h.hit.Record, h.c
	comp := vc.comp
	ids := append([]string{rec.GetId()}, rec.GetAliases()...)
	vcomp := vex.Component{File: vc.file, Purl: comp.Purl, Ref: comp.Ref, Serial: docs[vc.sbomIdx].doc.Metadata.SerialNumber}
	entry := finding.Vulnerability{
		File: vc.file, Line: comp.Line, Purl: comp.Purl, Name: comp.Name, Version: comp.Version,
		ID: rec.GetId(), Aliases: append([]string{}, rec.GetAliases()...), Summary: rec.GetSummary(),
		Fixed: h.hit.Fixed, Severity: osv.Severity(rec), Source: h.source, Matched: h.matched,
	}
	entry.Score, entry.Level = osv.Rating(rec)
	if entry.Name == "" {
		entry.Name = vc.pkg.Name
	}
	if entry.Version == "" {
		entry.Version = vc.pkg.Version
	}
	if vc.pkg.Ecosystem == "Go" && len(h.hit.Imports) > 0 {
		entry.NotLinked = notLinked(vc.pkg.Name, h.hit.Imports, c.goPackages(docs, vc.sbomIdx))
	}
	var kevEntry kev.Entry
	for _, id := range osv.CVEs(rec) {
		if e, ok := catalog.Lookup(id); ok {
			entry.KEV, kevEntry = true, e
			break
		}
	}
	if st := set.Answer(ids, vcomp, primaries[vc.sbomIdx]); st != nil {
		entry.VEX = &finding.VEX{Status: string(st.Status), Justification: st.Justification, Impact: st.Impact, Action: st.Action,
			File: st.File, Line: st.Line}
	}
	c.vulns = append(c.vulns, entry)
	if entry.VEX.Answered() {
		return
	}

	loc := at(vc.file, comp.Line).on(entry.Subject() + "#" + rec.GetId())
	ident := comp.Purl
	if ident == "" {
		ident = comp.CPE
	}
	what := fmt.Sprintf("%s in %s (%s)", advisoryLabel(rec.GetId(), osv.CVEs(rec), entry.Severity), componentLabel(comp, vc.pkg), ident)
	var tail []string
	if s := oneLine(rec.GetSummary(), maxSummary); s != "" {
		tail = append(tail, s)
	}
	if entry.Fixed != "" {
		tail = append(tail, "fixed in "+entry.Fixed)
	} else {
		tail = append(tail, "no fixed version known")
	}
	if h.matched != "" {
		tail = append(tail, "NVD matched "+h.matched)
	}
	tail = append(tail, vexState(entry.VEX))
	if related := relatedKEV(rec.GetRelated(), catalog); related != "" && !entry.KEV {
		tail = append(tail, "related to KEV-listed "+related+" (OSV related, not an alias: not treated as KEV-listed)")
	}
	if entry.KEV {
		csirt := "the CSIRT designated as coordinator of the member state of your main establishment (reporting.csirt is not set)"
		if r := c.m.Reporting; r != nil && strings.TrimSpace(r.CSIRT) != "" {
			csirt = fmt.Sprintf("the CSIRT of %s (reporting.csirt)", strings.TrimSpace(r.CSIRT))
		}
		c.report(ruleVulnsKEV, loc, "%s is listed in CISA's Known Exploited Vulnerabilities catalog (%s, added %s): it is exploited "+
			"somewhere, not necessarily in this product. Assess now whether it is actively exploited in the product: if it is, "+
			"Article 14(2) asks for an early warning within 24 hours of that awareness, via the single reporting platform, to %s "+
			"(guidance points 213, 218); %s", what, kevEntry.CVE, orUnknown(kevEntry.DateAdded), csirt, strings.Join(tail, "; "))
		return
	}
	if entry.NotLinked {
		stem, _, _ := strings.Cut(filepath.Base(vc.file), ".")
		vexFile := "vex/" + stem + ".openvex.json"
		if v := nonEmpty(c.m.Vulnerabilities.VEX); len(v) > 0 {
			vexFile = v[0]
		}
		c.reportAs(ruleVulnsKnown, finding.Notice, loc, "known vulnerability %s affects only the packages %s (OSV imports), and %s, "+
			"which lists the packages linked into the binary, lists none of them: the vulnerable code is not in this build. A "+
			"notice; keep the decision on file: cra-gate vex --finding '%s' --status not_affected --justification "+
			"vulnerable_code_not_present --append %s", what, listNames(h.hit.Imports, 5), vc.file, loc.item, vexFile)
		return
	}
	if v := entry.VEX; v != nil && v.Status == string(vex.Affected) && strings.TrimSpace(v.Action) != "" {
		c.reportAs(ruleVulnsKnown, finding.Warning, loc, "known vulnerability %s: %s; the VEX statement at %s:%d says affected "+
			"with the action %q: a risk decision on the record (guidance point 237), a warning", what, strings.Join(tail[:len(tail)-1], "; "),
			v.File, v.Line, oneLine(v.Action, maxSummary))
		return
	}
	c.report(ruleVulnsKnown, loc, "known vulnerability %s: %s", what, strings.Join(tail, "; "))
}

// goPackages is the set of Go package paths SBOM i lists (purls with the
// qualifier type=package: cyclonedx-gomod -packages), read once per SBOM.
func (c *run) goPackages(docs []*sbomFile, i int) map[string]bool {
	if set, ok := c.goPkgs[i]; ok {
		return set
	}
	set := map[string]bool{}
	for _, comp := range docs[i].doc.Components {
		if !strings.HasPrefix(comp.Purl, "pkg:golang/") || !strings.Contains(comp.Purl, "type=package") {
			continue
		}
		if p, err := packageurl.FromString(comp.Purl); err == nil && p.Qualifiers.Map()["type"] == "package" {
			set[strings.TrimPrefix(p.Namespace+"/"+p.Name, "/")] = true
		}
	}
	if c.goPkgs == nil {
		c.goPkgs = map[int]map[string]bool{}
	}
	c.goPkgs[i] = set
	return set
}

// notLinked reports whether an SBOM listing the packages linked into a
// binary lists some package of module but none of imports: the advisory's
// vulnerable packages are not in the build. An SBOM listing no package of
// the module (modules only) says nothing.
func notLinked(module string, imports []string, packages map[string]bool) bool {
	for _, p := range imports {
		if packages[p] {
			return false
		}
	}
	for p := range packages {
		if p == module || strings.HasPrefix(p, module+"/") {
			return true
		}
	}
	return false
}

// reportStatements reports statements under investigation, not_affected
// statements without a reason, and subjects no SBOM contains.
func (c *run) reportStatements(stmts []vex.Statement, docs []*sbomFile) {
	if len(stmts) == 0 {
		return
	}
	inv := vex.NewInventory()
	for _, p := range docs {
		serial := p.doc.Metadata.SerialNumber
		if pr := p.doc.Primary; pr != nil {
			inv.Add(vex.Component{File: p.path, Purl: pr.Purl, Ref: pr.Ref, Serial: serial})
		}
		for i := range p.doc.Components {
			x := &p.doc.Components[i]
			inv.Add(vex.Component{File: p.path, Purl: x.Purl, Ref: x.Ref, Serial: serial})
		}
	}
	for i := range stmts {
		st := &stmts[i]
		loc := at(st.File, st.Line)
		for _, subj := range st.Subjects() {
			l := loc.on(subj.ID)
			switch {
			case !inv.Contains(st, subj):
				c.reportCapped(ruleVulnsStale, l, "VEX statement about %s names %s, which no SBOM contains: update it to the component "+
					"shipped, or remove it", st.Vulnerability, quoteID(subj.ID))
			case st.Status == vex.UnderInvestigation:
				c.reportCapped(ruleVulnsUnderInvestigation, l, "%s in %s is still under_investigation%s: decide not_affected (with a justification), "+
					"affected or fixed", st.Vulnerability, quoteID(subj.ID), since(st.Timestamp))
			case st.Status == vex.NotAffected && !st.Justified():
				c.reportCapped(ruleVulnsUnjustified, l, "VEX statement says %s in %s is not_affected without a justification or impact statement: "+
					"it does not answer the vulnerability", st.Vulnerability, quoteID(subj.ID))
			}
		}
	}
}

// reportUnmatched reports, per SBOM, the shipped software components no
// source looked up, and why: without a purl or CPE, or with a CPE only and
// no NVD source (vulns-no-purl); a purl type without an OSV ecosystem, an
// ecosystem the sources hold no records of, no version or one the
// ecosystem's ordering cannot read (vulns-unmatched). Both are warnings: the
// check is not a pass while shipped components went unchecked. Hardware
// parts are not counted: no source lists vulnerabilities by them.
func (c *run) reportUnmatched(docs []*sbomFile, comps []*vulnComponent) {
	nvdGiven := len(c.opt.Vulns.NVD) > 0 || strings.TrimSpace(c.opt.Vulns.NVDAPI) != ""
	for i, p := range docs {
		var noID, cpeOnly, invalid, apiFailed, examples []string
		unsupported, notHeld := map[string]int{}, map[string]int{}
		noVersion, badVersion, total := 0, 0, 0
		for _, vc := range comps {
			if vc.sbomIdx != i || vc.primary || vc.comp.Hardware() {
				continue
			}
			total++
			switch {
			case vc.checked:
			case vc.nvdErr != "":
				apiFailed = append(apiFailed, vc.comp.Label())
			case errors.Is(vc.err, match.ErrNoPurl) && vc.hasCPE && !nvdGiven:
				cpeOnly = append(cpeOnly, vc.comp.Label())
			case errors.Is(vc.err, match.ErrNoPurl):
				noID = append(noID, vc.comp.Label())
			case errors.Is(vc.err, match.ErrInvalid):
				invalid = append(invalid, vc.comp.Purl)
			case errors.Is(vc.err, match.ErrUnsupported):
				unsupported[purlType(vc.comp.Purl)]++
			case errors.Is(vc.err, match.ErrNoVersion):
				noVersion++
				examples = append(examples, vc.comp.Purl)
			case vc.err != nil:
				badVersion++
				examples = append(examples, vc.comp.Purl+": "+vc.err.Error())
			default:
				eco, _, _ := strings.Cut(vc.pkg.Ecosystem, ":")
				notHeld[eco]++
			}
		}
		if n := len(noID) + len(cpeOnly) + len(invalid) + len(apiFailed); n > 0 {
			parts := []string{}
			if len(noID) > 0 {
				parts = append(parts, fmt.Sprintf("%d without a purl or CPE (%s)", len(noID), listNames(noID, 5)))
			}
			if len(cpeOnly) > 0 {
				parts = append(parts, fmt.Sprintf("%d with a CPE but no purl, and no NVD source was given: pass --nvd to check them (%s)",
					len(cpeOnly), listNames(cpeOnly, 5)))
			}
			if len(invalid) > 0 {
				parts = append(parts, fmt.Sprintf("%d with an invalid purl (%s)", len(invalid), listNames(invalid, 5)))
			}
			if len(apiFailed) > 0 {
				parts = append(parts, fmt.Sprintf("%d with a CPE the NVD API was not asked about (%s)", len(apiFailed), listNames(apiFailed, 5)))
			}
			c.report(ruleVulnsNoPurl, at(p.path, 0), "%s: %d of %d shipped components (%.1f%%) were not checked for known "+
				"vulnerabilities: %s", p.path, n, total, 100*float64(n)/float64(max(total, 1)), strings.Join(parts, "; "))
		}
		var parts []string
		if len(unsupported) > 0 {
			var types []string
			for _, t := range sortedMapKeys(unsupported) {
				types = append(types, fmt.Sprintf("%s: %d", t, unsupported[t]))
			}
			hint := ""
			if !nvdGiven {
				hint = "; a CPE and --nvd would check them"
			}
			parts = append(parts, "purl types without an OSV ecosystem ("+strings.Join(types, ", ")+hint+")")
		}
		if len(notHeld) > 0 {
			var ecos []string
			for _, e := range sortedMapKeys(notHeld) {
				ecos = append(ecos, fmt.Sprintf("%s: %d", e, notHeld[e]))
			}
			parts = append(parts, "ecosystems the given sources hold no records of ("+strings.Join(ecos, ", ")+")")
		}
		if noVersion > 0 {
			parts = append(parts, fmt.Sprintf("%d without a version in the purl", noVersion))
		}
		if badVersion > 0 {
			parts = append(parts, fmt.Sprintf("%d with a version the ecosystem's ordering cannot read", badVersion))
		}
		if len(parts) > 0 {
			n := 0
			for _, vs := range []map[string]int{unsupported, notHeld} {
				for _, k := range vs {
					n += k
				}
			}
			n += noVersion + badVersion
			msg := fmt.Sprintf("%s: %d of %d shipped components were not checked: %s", p.path, n, total, strings.Join(parts, "; "))
			if len(examples) > 0 {
				msg += "; for example " + listNames(examples, 3)
			}
			c.report(ruleVulnsUnmatched, at(p.path, 0), "%s", msg)
		}
	}
}

// advisoryLabel writes "GHSA-x (CVE-2021-1, severity HIGH; CVSS_V3 ...)".
func advisoryLabel(id string, cves []string, severity string) string {
	var extra []string
	for _, cve := range cves {
		if cve != id {
			extra = append(extra, cve)
		}
	}
	if severity != "" {
		extra = append(extra, "severity "+severity)
	}
	if len(extra) == 0 {
		return id
	}
	return id + " (" + strings.Join(extra, ", ") + ")"
}

// componentLabel writes "lodash 4.17.15", with the OSV name where the SBOM's
// name is shorter (Maven group, npm scope).
func componentLabel(comp *sbom.Component, pkg match.Package) string {
	name := comp.Name
	if name == "" || strings.HasSuffix(pkg.Name, name) {
		name = pkg.Name
	}
	v := comp.Version
	if v == "" {
		v = pkg.Version
	}
	return strings.TrimSpace(name + " " + v)
}

func vexState(v *finding.VEX) string {
	switch {
	case v == nil:
		return "no VEX statement answers it"
	case v.Status == string(vex.NotAffected):
		return fmt.Sprintf("the VEX statement at %s:%d says not_affected without a justification, which does not answer it", v.File, v.Line)
	}
	return fmt.Sprintf("the VEX statement at %s:%d says %s", v.File, v.Line, v.Status)
}

// relatedKEV names the first KEV-listed CVE among an advisory's related ids.
func relatedKEV(related []string, catalog *kev.Catalog) string {
	for _, id := range related {
		if _, ok := catalog.Lookup(id); ok {
			return id
		}
	}
	return ""
}

func since(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " since " + date(t)
}

func quoteID(id string) string {
	if id == "" {
		return "a subject without an identifier"
	}
	return fmt.Sprintf("%q", id)
}

func purlType(p string) string {
	t, _, _ := strings.Cut(strings.TrimPrefix(p, "pkg:"), "/")
	return strings.ToLower(t)
}

func orUnknown(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown date"
	}
	return s
}

// oneLine shortens text to one line of at most n bytes (at a rune boundary).
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
