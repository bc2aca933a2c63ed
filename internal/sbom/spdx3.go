package sbom

import (
	"bytes"
	"fmt"
	"strings"

	jsonv1 "github.com/go-json-experiment/json/v1"
)

// SPDX 3.0 JSON-LD is read by a typed decoder of the part of the graph the
// gate needs: packages (name, version, purl, CPE and other external
// identifiers, supplier, originators, hashes), their licences (through
// hasConcludedLicense / hasDeclaredLicense relationships to
// LicenseExpression elements), the relationships between packages
// (contains, dependsOn, with their lifecycle scope), the document's creation
// information and root elements, and the security profile's VEX
// assessments of vulnerabilities. It reads the compacted form the SPDX 3
// JSON serialization prescribes (the official context's terms: "type",
// "spdxId", "software_packageVersion", ...); a reference is an IRI string
// or, where a writer embeds it, an object with its own spdxId.
//
// The maintained Go library for SPDX 3 (github.com/carabiner-dev/spdx3)
// reads every real document in the test corpus alike and is the tests'
// oracle (spdx3_test.go); the gate does not use it to read because it
// decodes at about 8 MB/s (0.2 s for Yocto's 1.5 MB image SBOM), too slow
// for a 5,000-package image within the gate's 3 s.

// spdx3Graph is a document: its context and its graph of elements.
type spdx3Graph struct {
	Graph []spdx3Element `json:"@graph"`
}

// spdx3Element holds the properties of every class the gate reads; each
// element fills those of its type.
type spdx3Element struct {
	Type   string `json:"type"`
	SPDXID string `json:"spdxId"`
	ID     string `json:"@id"` // blank nodes (CreationInfo)
	Name   string `json:"name"`

	CreationInfo spdx3Ref   `json:"creationInfo"`
	Created      string     `json:"created"`
	CreatedBy    []spdx3Ref `json:"createdBy"`
	CreatedUsing []spdx3Ref `json:"createdUsing"`

	ExternalIdentifier []spdx3ExternalIdentifier `json:"externalIdentifier"`
	VerifiedUsing      []spdx3Hash               `json:"verifiedUsing"`
	SuppliedBy         spdx3Ref                  `json:"suppliedBy"`
	OriginatedBy       []spdx3Ref                `json:"originatedBy"`

	PackageVersion   string `json:"software_packageVersion"`
	PackageURL       string `json:"software_packageUrl"`
	PrimaryPurpose   string `json:"software_primaryPurpose"`
	DownloadLocation string `json:"software_downloadLocation"`
	ExternalRef      []struct {
		Type    string   `json:"externalRefType"`
		Locator []string `json:"locator"`
	} `json:"externalRef"`

	RootElement []spdx3Ref `json:"rootElement"`

	From             spdx3Ref   `json:"from"`
	To               []spdx3Ref `json:"to"`
	RelationshipType string     `json:"relationshipType"`
	Scope            string     `json:"scope"`

	LicenseExpression string `json:"simplelicensing_licenseExpression"`

	// An ExternalIdentifier written as an element of its own.
	ExternalIdentifierType string `json:"externalIdentifierType"`
	Identifier             string `json:"identifier"`

	// security profile: VEX assessments.
	Justification   string `json:"security_justificationType"`
	ImpactStatement string `json:"security_impactStatement"`
	ActionStatement string `json:"security_actionStatement"`
	StatusNotes     string `json:"security_statusNotes"`
	ModifiedTime    string `json:"security_modifiedTime"`
	PublishedTime   string `json:"security_publishedTime"`
}

// spdx3Ref is a reference: an IRI or blank-node id, or an embedded element
// (its id, and its name when it is an agent or a tool).
type spdx3Ref struct {
	ID, Name string
}

func (r *spdx3Ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		return jsonv1.Unmarshal(b, &r.ID)
	case len(b) > 0 && b[0] == '{':
		var e struct {
			SPDXID string `json:"spdxId"`
			ID     string `json:"@id"`
			Name   string `json:"name"`
		}
		if err := jsonv1.Unmarshal(b, &e); err != nil {
			return err
		}
		r.ID, r.Name = e.SPDXID, e.Name
		if r.ID == "" {
			r.ID = e.ID
		}
		return nil
	}
	return nil // null: no reference
}

// spdx3ExternalIdentifier is an external identifier written in place, or a
// reference to an ExternalIdentifier element of the graph (Microsoft
// sbom-tool writes them so).
type spdx3ExternalIdentifier struct {
	Type       string `json:"externalIdentifierType"`
	Identifier string `json:"identifier"`
	ref        string
}

func (x *spdx3ExternalIdentifier) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		return jsonv1.Unmarshal(b, &x.ref)
	}
	type plain spdx3ExternalIdentifier
	return jsonv1.Unmarshal(b, (*plain)(x))
}

// resolve returns the identifier, looked up when it is a reference.
func (x spdx3ExternalIdentifier) resolve(byID map[string]*spdx3Element) spdx3ExternalIdentifier {
	if x.ref == "" {
		return x
	}
	if e := byID[x.ref]; e != nil {
		return spdx3ExternalIdentifier{Type: e.ExternalIdentifierType, Identifier: e.Identifier}
	}
	return spdx3ExternalIdentifier{}
}

type spdx3Hash struct {
	Type      string `json:"type"`
	Algorithm string `json:"algorithm"`
	Value     string `json:"hashValue"`
}

// id is the element's identifier: spdxId, or @id for blank nodes.
func (e *spdx3Element) id() string {
	if e.SPDXID != "" {
		return e.SPDXID
	}
	return e.ID
}

// spdx3Type is an element's class in compact form ("software_Package"),
// also when written as a full IRI ("https://spdx.org/rdf/3.0.1/terms/Software/Package").
func spdx3Type(t string) string {
	_, rest, ok := strings.Cut(t, "/terms/")
	if !ok {
		return t
	}
	profile, class, ok := strings.Cut(rest, "/")
	if !ok {
		return rest
	}
	if profile == "Core" {
		return class
	}
	return strings.ToLower(profile[:1]) + profile[1:] + "_" + class
}

// vexStates maps the VEX assessment classes onto the CycloneDX analysis
// states the document's vulnerabilities use (see Vulnerability).
var vexStates = map[string]string{
	"security_VexNotAffectedVulnAssessmentRelationship":        "not_affected",
	"security_VexFixedVulnAssessmentRelationship":              "resolved",
	"security_VexAffectedVulnAssessmentRelationship":           "exploitable",
	"security_VexUnderInvestigationVulnAssessmentRelationship": "in_triage",
}

// vexJustifications maps SPDX 3's justification types onto OpenVEX's.
var vexJustifications = map[string]string{
	"componentNotPresent":                         "component_not_present",
	"vulnerableCodeNotPresent":                    "vulnerable_code_not_present",
	"vulnerableCodeCannotBeControlledByAdversary": "vulnerable_code_cannot_be_controlled_by_adversary",
	"vulnerableCodeNotInExecutePath":              "vulnerable_code_not_in_execute_path",
	"inlineMitigationsAlreadyExist":               "inline_mitigations_already_exist",
}

// parseSPDX3 reads an SPDX 3 JSON-LD document whose context is version.
func parseSPDX3(data []byte, version string) (*Document, error) {
	var g spdx3Graph
	if _, err := decodeJSON(data, &g); err != nil {
		return nil, err
	}
	doc := &Document{Format: SPDX, Encoding: JSON, SpecVersion: version, Dependencies: map[string][]string{}}
	byID := make(map[string]*spdx3Element, len(g.Graph))
	for i := range g.Graph {
		e := &g.Graph[i]
		e.Type = spdx3Type(e.Type)
		if id := e.id(); id != "" {
			byID[id] = e
		}
	}
	name := func(r spdx3Ref) string {
		n := r.Name
		if e := byID[r.ID]; n == "" && e != nil {
			n = e.Name
		}
		// sbom-tool writes SPDX 2's creator prefixes into names.
		for _, p := range []string{"Tool: ", "Organization: ", "Person: "} {
			n = strings.TrimPrefix(n, p)
		}
		return n
	}

	// The document: the SBOM element (else the SpdxDocument) names the roots.
	var docElem, sbomElem *spdx3Element
	for i := range g.Graph {
		switch e := &g.Graph[i]; e.Type {
		case "SpdxDocument":
			if docElem == nil {
				docElem = e
			}
		case "software_Sbom":
			if sbomElem == nil {
				sbomElem = e
			}
		}
	}
	roots := docElem
	if sbomElem != nil {
		roots = sbomElem
	}
	if docElem != nil {
		doc.Metadata.Name, doc.Metadata.Namespace = docElem.Name, docElem.SPDXID
		if ci := byID[docElem.CreationInfo.ID]; ci != nil {
			doc.Metadata.Timestamp = ci.Created
			for _, a := range ci.CreatedBy {
				doc.Metadata.Authors = appendNonEmpty(doc.Metadata.Authors, name(a))
				if agent := byID[a.ID]; agent != nil {
					doc.Metadata.Contacts = append(doc.Metadata.Contacts, spdx3Contacts(agent)...)
				}
			}
			for _, t := range ci.CreatedUsing {
				doc.Metadata.Tools = appendNonEmpty(doc.Metadata.Tools, name(t))
			}
		}
	}

	// Packages, then what relationships say of them.
	index := map[string]int{}
	for i := range g.Graph {
		e := &g.Graph[i]
		if e.Type != "software_Package" {
			continue
		}
		c := Component{Ref: e.SPDXID, Type: e.PrimaryPurpose, Name: e.Name, Version: e.PackageVersion, Purl: e.PackageURL,
			Supplier: name(e.SuppliedBy), FileKinds: e.PrimaryPurpose != ""}
		if !IsPlaceholder(e.DownloadLocation) {
			c.DeployURI = e.DownloadLocation
		}
		for _, r := range e.ExternalRef {
			if len(r.Locator) == 0 {
				continue
			}
			switch r.Type {
			case "sourceArtifact", "vcs":
				c.SourceURI = r.Locator[0]
			case "binaryArtifact":
				c.DeployURI = r.Locator[0]
			}
		}
		for _, x := range e.ExternalIdentifier {
			switch x = x.resolve(byID); x.Type {
			case "packageUrl", "purl":
				if c.Purl == "" {
					c.Purl = x.Identifier
				}
			case "cpe23", "cpe22", "cpe23Type", "cpe22Type":
				if c.CPE == "" || x.Type == "cpe23" && !strings.HasPrefix(c.CPE, "cpe:2.3:") {
					c.CPE = x.Identifier
				}
			}
		}
		for _, o := range e.OriginatedBy {
			c.Authors = appendNonEmpty(c.Authors, name(o))
		}
		for _, h := range e.VerifiedUsing {
			if h.Value != "" && (h.Type == "" || spdx3Type(h.Type) == "Hash") {
				c.Hashes = append(c.Hashes, Hash{Algorithm: h.Algorithm, Value: h.Value})
			}
		}
		if e.PrimaryPurpose == "source" {
			c.BuildTime = "an SPDX 3 source package (a build input, shipped as the packages built from it)"
		}
		index[c.Ref] = len(doc.Components)
		doc.Components = append(doc.Components, c)
	}
	var described []string           // DESCRIBES relationships of the document (sbom-tool)
	buildScoped := map[string]bool{} // packages only ever reached in a build, development or test scope
	runtimeReached := map[string]bool{}
	for i := range g.Graph {
		e := &g.Graph[i]
		if e.Type != "Relationship" && e.Type != "LifecycleScopedRelationship" {
			if state, ok := vexStates[e.Type]; ok {
				doc.Vulnerabilities = append(doc.Vulnerabilities, spdx3VEX(e, state, byID, len(doc.Vulnerabilities)))
			}
			continue
		}
		from, isPkg := index[e.From.ID]
		switch spdx3RelType(e.RelationshipType) {
		case "hasConcludedLicense", "hasDeclaredLicense":
			if !isPkg {
				continue
			}
			for _, t := range e.To {
				l := byID[t.ID]
				switch {
				case l == nil:
				case l.LicenseExpression != "":
					doc.Components[from].Licenses = append(doc.Components[from].Licenses, l.LicenseExpression)
				case l.Name != "" && (l.Type == "AnyLicenseInfo" || strings.HasPrefix(l.Type, "expandedlicensing_")):
					doc.Components[from].Licenses = append(doc.Components[from].Licenses, l.Name)
				}
			}
		case "describes":
			for _, t := range e.To {
				if _, ok := index[t.ID]; ok && e.From.ID == docID(docElem) {
					described = append(described, t.ID)
				}
			}
		case "dependsOn", "contains":
			build := e.Scope == "build" || e.Scope == "development" || e.Scope == "test"
			for _, t := range e.To {
				if _, ok := index[t.ID]; !ok {
					continue
				}
				if build {
					buildScoped[t.ID] = true
					continue
				}
				runtimeReached[t.ID] = true
				if isPkg {
					doc.Dependencies[e.From.ID] = append(doc.Dependencies[e.From.ID], t.ID)
				}
			}
		case "usesTool": // not hasInput: an image's build has every package it installs as input
			for _, t := range e.To {
				if _, ok := index[t.ID]; ok {
					buildScoped[t.ID] = true
				}
			}
		}
	}
	for ref := range buildScoped {
		if c := &doc.Components[index[ref]]; !runtimeReached[ref] && c.BuildTime == "" {
			c.BuildTime = "reached only in a build, development or test scope (SPDX 3 relationships)"
		}
	}
	if roots != nil {
		for _, r := range roots.RootElement {
			described = append(described, r.ID)
		}
	}
	for _, ref := range described {
		if i, ok := index[ref]; ok && !slicesContains(doc.Described, ref) {
			doc.Described = append(doc.Described, ref)
			if doc.Primary == nil {
				p := doc.Components[i]
				doc.Primary = &p
			}
		}
	}
	return doc, nil
}

// spdx3VEX turns a VEX assessment into a vulnerability with an analysis,
// as the document's own VEX statement about the packages it assesses.
func spdx3VEX(e *spdx3Element, state string, byID map[string]*spdx3Element, n int) Vulnerability {
	v := Vulnerability{State: state, Justification: vexJustifications[e.Justification], Detail: e.ImpactStatement,
		Updated: e.ModifiedTime, entry: n, ref: e.SPDXID}
	if v.Updated == "" {
		v.Updated = e.PublishedTime
	}
	if e.ActionStatement != "" {
		v.Responses = []string{e.ActionStatement}
	}
	if v.Detail == "" {
		v.Detail = e.StatusNotes
	}
	if vuln := byID[e.From.ID]; vuln != nil {
		for _, x := range vuln.ExternalIdentifier {
			if x.Identifier == "" {
				continue
			}
			if v.ID == "" {
				v.ID = x.Identifier
			} else {
				v.References = append(v.References, x.Identifier)
			}
		}
		if v.ID == "" {
			v.ID = vuln.Name
		}
	}
	if v.ID == "" { // the IRI names it: ".../vulnerability/CVE-2019-1010025"
		v.ID = e.From.ID[strings.LastIndexByte(e.From.ID, '/')+1:]
	}
	for _, t := range e.To {
		v.Affects = appendNonEmpty(v.Affects, t.ID)
	}
	return v
}

// docID is the document element's id, "" without one.
func docID(e *spdx3Element) string {
	if e == nil {
		return ""
	}
	return e.SPDXID
}

// spdx3RelType is a relationship type in SPDX 3's form: "dependsOn", also
// when written in SPDX 2's ("DEPENDS_ON", as sbom-tool does).
func spdx3RelType(t string) string {
	if !strings.Contains(t, "_") && strings.ToUpper(t) != t {
		return t
	}
	var b strings.Builder
	for i, w := range strings.Split(strings.ToLower(t), "_") {
		if i > 0 && w != "" {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	return b.String()
}

// spdx3Contacts are an agent's email addresses (externalIdentifier email).
func spdx3Contacts(agent *spdx3Element) []string {
	var out []string
	for _, x := range agent.ExternalIdentifier {
		if x.Type == "email" && x.Identifier != "" {
			out = append(out, x.Identifier)
		}
	}
	return out
}

// spdx3Version returns the SPDX 3 version a JSON-LD context names ("3.0.1"),
// and whether it is one the gate reads.
func spdx3Version(context string) (string, error) {
	i := strings.Index(context, "spdx.org/rdf/3")
	if i < 0 {
		return "", &Error{Kind: UnsupportedVersion, Msg: fmt.Sprintf("an SPDX 3 pre-release JSON-LD context (%s) (%s); regenerate the SBOM "+
			"with a writer of SPDX 3.0.1", cut40(context), supportedVersions)}
	}
	rest := context[i+len("spdx.org/rdf/"):]
	v := rest
	if j := strings.IndexByte(rest, '/'); j >= 0 {
		v = rest[:j]
	}
	switch v {
	case "3.0.0", "3.0.1":
		return v, nil
	}
	return "", &Error{Kind: UnsupportedVersion, Msg: fmt.Sprintf("SPDX %s JSON-LD (%s)", cut40(v), supportedVersions)}
}

func cut40(s string) string {
	s = strings.Trim(s, `[]" `)
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}
