// Package sbom reads CycloneDX and SPDX SBOMs into one normalized model and
// measures how completely they describe their components (BSI TR-03183-2
// minimum fields). Formats are recognised from the content, never from a file
// name; every failure is reported as an *Error whose Kind tells the caller why.
package sbom

import (
	"strconv"
	"strings"
)

// Format is the SBOM standard of a document.
type Format string

// Formats recognised by Parse.
const (
	CycloneDX Format = "CycloneDX"
	SPDX      Format = "SPDX"
)

// Encoding is the serialisation of a document.
type Encoding string

// Encodings recognised by Parse.
const (
	JSON     Encoding = "json"
	XML      Encoding = "xml"
	TagValue Encoding = "tag-value"
)

// Document is an SBOM normalized over CycloneDX and SPDX.
type Document struct {
	Format      Format
	Encoding    Encoding
	SpecVersion string // "1.6" for CycloneDX, "2.3" for SPDX
	Metadata    Metadata

	// Components lists every component: CycloneDX components flattened
	// depth-first (nested ones and those nested in the metadata component
	// included, the metadata component itself excluded); all SPDX packages,
	// the described ones included.
	Components []Component

	// Primary is the component the SBOM is about: the CycloneDX metadata
	// component, or the first SPDX package the document DESCRIBES (it then
	// also appears in Components). Nil when the document names none.
	Primary *Component

	// Described holds the refs of every described component (the CycloneDX
	// metadata component; each SPDX DESCRIBES target that is a package).
	Described []string

	// Dependencies maps a ref to the refs it depends on. A key with an empty
	// slice states that the component has no dependencies (CycloneDX entry
	// without dependsOn, SPDX "DEPENDS_ON NONE"). SPDX relationships are
	// normalized to the depending side: A DEPENDENCY_OF B and B CONTAINED_BY A
	// become edges B→A and A→B; only edges between packages (or to external
	// DocumentRef elements) are kept.
	Dependencies map[string][]string

	// BuildTime lists the components the document records but the product
	// does not ship (see Component.BuildTime): build tools and inputs. They
	// are not in Components.
	BuildTime []Component

	// Services counts CycloneDX services, nested ones included.
	Services int

	// Vulnerabilities lists the CycloneDX vulnerabilities that carry an
	// analysis state: the document's own VEX statements.
	Vulnerabilities []Vulnerability

	// Warnings lists non-fatal problems met while reading, such as a JSON
	// value of the wrong type, which is then read as absent.
	Warnings []string

	// externalDocs maps an SPDX 2 document's DocumentRef ids to the
	// namespaces they name; externalContains lists its CONTAINS targets in
	// other documents (an image document of an archive).
	externalDocs     map[string]string
	externalContains []string
}

// Metadata describes the document itself rather than a component.
type Metadata struct {
	Timestamp string   // as written; CycloneDX metadata.timestamp, SPDX creationInfo.created
	Tools     []string // generating tools, "name version" (SPDX "Tool:" creators)
	Authors   []string // document authors (CycloneDX metadata.authors, SPDX "Person:"/"Organization:" creators)
	Supplier  string   // CycloneDX metadata.supplier name
	// Contacts are the email addresses and URLs of the SBOM's creator:
	// CycloneDX metadata.manufacturer, supplier and authors; the "(email)" of
	// SPDX Person and Organization creators.
	Contacts     []string
	SerialNumber string // CycloneDX serialNumber
	Namespace    string // SPDX documentNamespace
	Name         string // SPDX document name
}

// Component is one package, library, application, container, file, etc.
type Component struct {
	Ref          string // CycloneDX bom-ref, SPDX SPDXID
	Type         string // CycloneDX type, SPDX primaryPackagePurpose, as written
	Group        string // CycloneDX group
	Name         string
	Version      string
	Purl         string // first purl that validates, else the first given
	CPE          string // first CPE that validates, else the first given
	Supplier     string // CycloneDX supplier name (or URL); SPDX supplier without its "Organization: " prefix
	Manufacturer string // CycloneDX 1.6 manufacturer name (or URL)
	Authors      []string
	Publisher    string
	Hashes       []Hash
	Licenses     []string // ids, expressions or names as written; SPDX concluded and declared
	// LicenseEvidence holds licences a tool found (CycloneDX
	// evidence.licenses), which are not declared licences.
	LicenseEvidence []string
	// Contacts are the email addresses and URLs of the component's creator:
	// CycloneDX supplier and manufacturer URLs and contact emails, authors'
	// emails; the "(email)" of SPDX supplier and originator.
	Contacts []string
	// Filename is the component's file name: CycloneDX property
	// bsi:component:filename (or the name of a component of type file),
	// SPDX PackageFileName.
	Filename string
	// Line is where the component's bom-ref (CycloneDX) or SPDXID (SPDX) is
	// written, 1-based; 0 when the component has none or it is not unique.
	Line int
	// SourceURI is where the component's source code is (CycloneDX
	// externalReferences source-distribution or vcs, SPDX 3 externalRef
	// sourceArtifact); DeployURI where its deployable form is (CycloneDX
	// distribution, SPDX downloadLocation).
	SourceURI, DeployURI string
	// FileKinds says the component states whether it is executable, an
	// archive and structured (BSI TR-03183-2 v2.1: CycloneDX properties
	// bsi:component:executable, :archive, :structured, all three; SPDX 3 a
	// primary purpose).
	FileKinds bool
	// BuildTime says why the component is a build-time one, not shipped in
	// the product (a Buildroot host package, a Yocto -native recipe, a
	// CycloneDX scope "excluded", an SPDX build relationship); "" when it is
	// shipped. Parse moves build-time components to Document.BuildTime.
	BuildTime string
}

// Vulnerability is a CycloneDX vulnerabilities[] entry with an analysis: a
// VEX statement about the components it affects.
type Vulnerability struct {
	ID            string   // "CVE-2022-22965", "GHSA-...", as written
	References    []string // references[].id: the same vulnerability elsewhere
	State         string   // analysis.state: resolved, exploitable, in_triage, false_positive, not_affected, ...
	Justification string   // analysis.justification
	Detail        string   // analysis.detail
	Responses     []string // analysis.response
	Affects       []string // affects[].ref: bom-refs or BOM-links
	Updated       string   // analysis.lastUpdated, else firstIssued, else the entry's updated or published
	// Line is where the entry starts, 1-based; 0 when unknown.
	Line int
	// ref is the SPDX 3 assessment's spdxId, by which locate finds the line.
	ref string
	// entry is the index among all vulnerabilities[] entries, those without an
	// analysis included, by which locate finds the line.
	entry int
}

// Hash is one checksum as written in the document.
type Hash struct {
	Algorithm string // "SHA-256" (CycloneDX) or "SHA256" (SPDX)
	Value     string
}

// SPDX3 reports an SPDX 3 (JSON-LD) document.
func (d *Document) SPDX3() bool { return d.Format == SPDX && strings.HasPrefix(d.SpecVersion, "3") }

// Legacy reports a CycloneDX 1.0/1.1 document, which cannot carry metadata or
// dependencies.
func (d *Document) Legacy() bool {
	return d.Format == CycloneDX && (d.SpecVersion == "1.0" || d.SpecVersion == "1.1")
}

// HasDependencyFromPrimary reports whether a described (primary) component has
// at least one outgoing dependency: a CycloneDX dependencies entry for the
// metadata component with a non-empty dependsOn, or an SPDX DEPENDS_ON/CONTAINS
// from a described package (or DEPENDENCY_OF/CONTAINED_BY pointing at it).
// Without a primary component it is false even when the graph has edges:
// nothing then says which entries are the product's direct dependencies, and
// the missing primary is itself a finding for the caller to report.
func (d *Document) HasDependencyFromPrimary() bool {
	for _, ref := range d.Described {
		if len(d.Dependencies[ref]) > 0 {
			return true
		}
	}
	return false
}

// Hardware reports a hardware part: CycloneDX type "device", SPDX
// primaryPackagePurpose DEVICE (SPDX 3 "device").
func (c *Component) Hardware() bool { return strings.EqualFold(c.Type, "device") }

// Label is a short human name for the component: group/name@version, falling
// back to the ref when it has no name.
func (c *Component) Label() string {
	name := c.Name
	if name == "" {
		name = c.Ref
	}
	if c.Group != "" {
		name = c.Group + "/" + name
	}
	if c.Version != "" {
		name += "@" + c.Version
	}
	return name
}

// ErrorKind classifies why Parse failed.
type ErrorKind int

// Error kinds, each a distinct finding for the caller.
const (
	// NotSBOM: the input is readable but is neither CycloneDX nor SPDX.
	NotSBOM ErrorKind = iota + 1
	// UnsupportedVersion: CycloneDX or SPDX in a version outside CycloneDX
	// 1.0–1.7, SPDX 2.2/2.3.
	UnsupportedVersion
	// UnsupportedEncoding: a recognised SBOM in a serialisation this package
	// does not read (SPDX YAML, RDF/XML).
	UnsupportedEncoding
	// Malformed: a syntax error or a document lacking what its format requires.
	Malformed
)

// String names the kind.
func (k ErrorKind) String() string {
	switch k {
	case NotSBOM:
		return "not an SBOM"
	case UnsupportedVersion:
		return "unsupported version"
	case UnsupportedEncoding:
		return "unsupported encoding"
	case Malformed:
		return "malformed"
	}
	return "unknown error"
}

// Error is the only error type Parse returns.
type Error struct {
	Kind   ErrorKind
	Msg    string
	Line   int   // 1-based position of a syntax error, 0 when unknown
	Column int   // 1-based, in characters
	Err    error // underlying decoder error, if any
}

// Error formats the kind, position and message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	if e.Line > 0 {
		b.WriteString(" at line ")
		b.WriteString(strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(", column ")
			b.WriteString(strconv.Itoa(e.Column))
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying decoder error.
func (e *Error) Unwrap() error { return e.Err }

// supportedVersions is quoted in UnsupportedVersion messages.
const supportedVersions = "supported: CycloneDX 1.0–1.7, SPDX 2.2, 2.3 and 3.0"

// separateBuildTime moves the build-time components out of Components into
// BuildTime: those the format marks (Component.BuildTime), and, in documents
// an embedded build system wrote, those its naming marks: Yocto/OpenEmbedded
// -native, -cross-*, -crosssdk and nativesdk- recipes. (The names alone are
// not enough elsewhere: "react-native" is shipped in mobile apps.)
func separateBuildTime(d *Document) {
	yocto := false
	for _, t := range d.Metadata.Tools {
		l := strings.ToLower(t)
		yocto = yocto || strings.Contains(l, "openembedded") || strings.Contains(l, "oe-spdx") || l == "yocto" ||
			strings.HasPrefix(l, "yocto ")
	}
	if d.Primary != nil { // it may point into Components, which is compacted below
		p := *d.Primary
		d.Primary = &p
	}
	kept := d.Components[:0]
	for _, c := range d.Components {
		if c.BuildTime == "" && yocto {
			n := c.Name
			switch {
			case strings.HasSuffix(n, "-native"), strings.HasPrefix(n, "nativesdk-"):
				c.BuildTime = "a Yocto -native / nativesdk- recipe (runs on the build host)"
			case strings.Contains(n, "-cross-"), strings.HasSuffix(n, "-crosssdk"), strings.HasSuffix(n, "-cross"):
				c.BuildTime = "a Yocto cross-compilation recipe (runs on the build host)"
			}
		}
		if c.BuildTime != "" {
			d.BuildTime = append(d.BuildTime, c)
			continue
		}
		kept = append(kept, c)
	}
	d.Components = kept
}
