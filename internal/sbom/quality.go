package sbom

import (
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Field is a component field an SBOM profile asks for (see Profile).
type Field string

// Fields measured by Coverage.
const (
	FieldName            Field = "name"
	FieldVersion         Field = "version"
	FieldSupplier        Field = "supplier"
	FieldHash            Field = "hash"
	FieldLicense         Field = "license"
	FieldIdentifier      Field = "identifier"
	FieldDependencies    Field = "dependencies"
	FieldCreator         Field = "creator"
	FieldHashSHA512      Field = "hash-sha512"
	FieldFilename        Field = "filename"
	FieldLicenseEvidence Field = "license-evidence"
	FieldSourceURI       Field = "source-uri"
	FieldDeployURI       Field = "deployable-uri"
	FieldFileKinds       Field = "file-kinds"
)

// Fields lists the measured fields in report order.
var Fields = []Field{FieldName, FieldVersion, FieldSupplier, FieldHash, FieldLicense, FieldIdentifier, FieldDependencies,
	FieldCreator, FieldHashSHA512, FieldFilename, FieldLicenseEvidence, FieldSourceURI, FieldDeployURI, FieldFileKinds}

// MaxExamples bounds FieldCoverage.Missing.
const MaxExamples = 5

// Quality is the completeness of a document; thresholds are the caller's.
type Quality struct {
	Components int             // len(Document.Components)
	Fields     []FieldCoverage // one per entry of Fields, in that order
	Document   DocumentQuality
	// NonSPDXLicenses holds up to MaxExamples licences named that are not
	// SPDX expressions; NonSPDXComponents counts the components naming one.
	NonSPDXLicenses   []string
	NonSPDXComponents int
}

// FieldCoverage counts the components that have one field.
type FieldCoverage struct {
	Field   Field
	Present int      // components having the field
	Missing []string // labels of up to MaxExamples components lacking it
}

// DocumentQuality covers the document-level fields.
type DocumentQuality struct {
	SpecVersion         string
	Creator             bool // a tool or author is named (placeholders do not count)
	CreatorContact      bool // the SBOM's creator has an email address or URL
	TimestampPresent    bool
	Timestamp           bool // present and RFC 3339
	SerialNumber        bool // CycloneDX serialNumber urn:uuid:…, or SPDX documentNamespace an absolute URI
	Primary             bool // the document names the component it describes
	PrimaryDependencies bool // HasDependencyFromPrimary
}

// Field returns the coverage of f (zero if f is not one of Fields).
func (q *Quality) Field(f Field) FieldCoverage {
	for _, fc := range q.Fields {
		if fc.Field == f {
			return fc
		}
	}
	return FieldCoverage{Field: f}
}

// Coverage measures, for each of Fields, how many of d.Components have it
// (the CycloneDX metadata component is not among them; SPDX described
// packages are), plus the document-level fields. A component has:
//   - name, version: a value that is not a placeholder (see IsPlaceholder);
//   - supplier: a non-placeholder supplier, manufacturer, author or publisher
//     (CycloneDX supplier.name/url, manufacturer, author, authors, publisher;
//     SPDX supplier or originator) – each names the party accountable for it;
//   - hash: a Strong hash (CycloneDX distribution references included);
//   - license: a license entry that is a ValidLicenseExpression;
//   - identifier: a ValidPurl or ValidCPE without template tokens;
//   - dependencies: its ref has its own entry in d.Dependencies (possibly
//     empty: "no dependencies" is a statement) or is the target of one.
func Coverage(d *Document) Quality {
	q := Quality{Components: len(d.Components), Fields: make([]FieldCoverage, len(Fields))}
	for i, f := range Fields {
		q.Fields[i].Field = f
	}
	// Built on first need: most components have their own entry.
	targets := sync.OnceValue(func() map[string]struct{} { return dependencyTargets(d.Dependencies) })
	// Large documents are measured in parts on every CPU, merged in order.
	parts := 1
	if len(d.Components) >= parallelMinComponents {
		parts = runtime.GOMAXPROCS(0)
	}
	per := (len(d.Components) + parts - 1) / max(parts, 1)
	results := make([]Quality, parts)
	var wg sync.WaitGroup
	for k := range parts {
		lo, hi := min(k*per, len(d.Components)), min((k+1)*per, len(d.Components))
		wg.Go(func() { results[k] = coverComponents(d, d.Components[lo:hi], targets) })
	}
	wg.Wait()
	for _, r := range results {
		for f := range q.Fields {
			fc, rc := &q.Fields[f], r.Fields[f]
			fc.Present += rc.Present
			for _, m := range rc.Missing {
				if len(fc.Missing) < MaxExamples {
					fc.Missing = append(fc.Missing, m)
				}
			}
		}
		for _, l := range r.NonSPDXLicenses {
			if len(q.NonSPDXLicenses) < MaxExamples && !slicesContains(q.NonSPDXLicenses, l) {
				q.NonSPDXLicenses = append(q.NonSPDXLicenses, l)
			}
		}
		q.NonSPDXComponents += r.NonSPDXComponents
	}

	dq := &q.Document
	dq.SpecVersion = d.SpecVersion
	dq.Creator = anyReal(d.Metadata.Tools) || anyReal(d.Metadata.Authors)
	dq.CreatorContact = hasContact(d.Metadata.Contacts)
	ts := d.Metadata.Timestamp
	dq.TimestampPresent = !IsPlaceholder(ts)
	if dq.TimestampPresent {
		_, err := time.Parse(time.RFC3339, ts)
		dq.Timestamp = err == nil
	}
	if d.Format == SPDX {
		u, err := url.Parse(d.Metadata.Namespace)
		dq.SerialNumber = err == nil && u.IsAbs() && !hasTemplateToken(d.Metadata.Namespace)
	} else {
		dq.SerialNumber = isURNUUID(d.Metadata.SerialNumber)
	}
	dq.Primary = d.Primary != nil
	dq.PrimaryDependencies = d.HasDependencyFromPrimary()
	return q
}

// coverComponents measures comps, components of d, for Coverage: the
// fields' counts and examples and the non-SPDX licences, in Fields' order.
func coverComponents(d *Document, comps []Component, targets func() map[string]struct{}) Quality {
	q := Quality{Fields: make([]FieldCoverage, len(Fields))}
	licenseOK := make(map[string]bool) // few distinct strings, many components

	valid := func(l string) bool {
		ok, seen := licenseOK[l]
		if !seen {
			ok = ValidLicenseExpression(l)
			licenseOK[l] = ok
		}
		return ok
	}
	var have [14]bool
	for i := range comps {
		c := &comps[i]
		have[0] = !IsPlaceholder(c.Name)
		have[1] = !PlaceholderVersion(c.Version)
		have[2] = hasSupplier(c)
		have[3], have[8] = false, false
		for _, h := range c.Hashes {
			if alg, ok := h.strong(); ok {
				have[3] = true
				have[8] = have[8] || alg == "SHA512"
			}
		}
		// Every licence the component names must be an SPDX expression: one
		// valid id beside names that are not would hide the others.
		named, nonSPDX := false, false
		for _, l := range c.Licenses {
			if IsPlaceholder(l) {
				continue // NOASSERTION, NONE: no statement either way
			}
			named = true
			if !valid(l) {
				nonSPDX = true
				if len(q.NonSPDXLicenses) < MaxExamples && !slicesContains(q.NonSPDXLicenses, l) {
					q.NonSPDXLicenses = append(q.NonSPDXLicenses, l)
				}
			}
		}
		have[4] = named && !nonSPDX
		if nonSPDX {
			q.NonSPDXComponents++
		}
		have[7] = hasContact(c.Contacts)
		have[9] = !IsPlaceholder(c.Filename)
		have[10] = len(c.LicenseEvidence) > 0
		have[11] = c.SourceURI != ""
		have[12] = c.DeployURI != ""
		have[13] = c.FileKinds
		have[5] = ValidPurl(c.Purl) && !hasTemplateToken(c.Purl) || ValidCPE(c.CPE) && !hasTemplateToken(c.CPE)
		have[6] = false
		if c.Ref != "" {
			_, have[6] = d.Dependencies[c.Ref]
			if !have[6] {
				_, have[6] = targets()[c.Ref]
			}
		}
		if c.Hardware() {
			// A hardware part is judged on its name and its supplier (the
			// manufacturer): versions, hashes, licences, package identifiers
			// and a software dependency graph are not what identifies a
			// connector or a chip, and do not count against it.
			for _, f := range []int{1, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13} {
				have[f] = true
			}
		}
		for f := range have {
			fc := &q.Fields[f]
			if have[f] {
				fc.Present++
			} else if len(fc.Missing) < MaxExamples {
				fc.Missing = append(fc.Missing, c.Label())
			}
		}
	}

	return q
}

// dependencyTargets is the set of refs that something depends on.
func dependencyTargets(graph map[string][]string) map[string]struct{} {
	n := 0
	for _, deps := range graph {
		n += len(deps)
	}
	targets := make(map[string]struct{}, n)
	for _, deps := range graph {
		for _, t := range deps {
			targets[t] = struct{}{}
		}
	}
	return targets
}

// hasContact reports an email address or an http(s) URL among vs.
func hasContact(vs []string) bool {
	for _, v := range vs {
		if IsPlaceholder(v) {
			continue
		}
		if strings.Contains(v, "@") && !strings.ContainsAny(v, " \t") {
			return true
		}
		if u, err := url.Parse(v); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return true
		}
	}
	return false
}

func slicesContains(vs []string, s string) bool {
	for _, v := range vs {
		if v == s {
			return true
		}
	}
	return false
}

func hasSupplier(c *Component) bool {
	return !IsPlaceholder(c.Supplier) || !IsPlaceholder(c.Manufacturer) || !IsPlaceholder(c.Publisher) || anyReal(c.Authors)
}

// anyReal reports whether some value is not a placeholder.
func anyReal(vs []string) bool {
	for _, v := range vs {
		if !IsPlaceholder(v) {
			return true
		}
	}
	return false
}

// isURNUUID accepts "urn:uuid:" followed by an 8-4-4-4-12 hex UUID.
func isURNUUID(s string) bool {
	u, ok := strings.CutPrefix(s, "urn:uuid:")
	if !ok || len(u) != 36 {
		return false
	}
	for i := 0; i < len(u); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if u[i] != '-' {
				return false
			}
		} else if !isHex(u[i]) {
			return false
		}
	}
	return true
}
