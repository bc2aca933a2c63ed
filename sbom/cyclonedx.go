package sbom

import (
	"encoding/json"
	"encoding/xml"
	"strings"
)

// The cdx* types decode only what the model needs, from JSON and XML alike;
// encoding/json and encoding/xml skip everything else. Decoding into these
// small structs instead of cyclonedx-go's BOM saves a third of the decoding
// time and half the memory on large SBOMs, and tolerates schema-invalid
// documents that are still readable.

type cdxBOM struct {
	BOMFormat    string          `json:"bomFormat" xml:"-"`
	SpecVersion  looseString     `json:"specVersion" xml:"-"`
	SerialNumber string          `json:"serialNumber" xml:"serialNumber,attr"`
	Metadata     *cdxMetadata    `json:"metadata" xml:"metadata"`
	Components   []cdxComponent  `json:"components" xml:"components>component"`
	Services     []cdxService    `json:"services" xml:"services>service"`
	Dependencies []cdxDependency `json:"dependencies" xml:"dependencies>dependency"`
}

type cdxMetadata struct {
	Timestamp string          `json:"timestamp" xml:"timestamp"`
	ToolsJSON json.RawMessage `json:"tools" xml:"-"` // array (≤1.4) or object (1.5+)
	ToolsXML  *cdxToolsChoice `json:"-" xml:"tools"`
	Authors   []cdxContact    `json:"authors" xml:"authors>author"`
	Component *cdxComponent   `json:"component" xml:"component"`
	Supplier  *cdxOrg         `json:"supplier" xml:"supplier"`
}

type cdxToolsChoice struct {
	Tools      []cdxTool `json:"-" xml:"tool"`
	Components []cdxTool `json:"components" xml:"components>component"`
	Services   []cdxTool `json:"services" xml:"services>service"`
}

type cdxTool struct {
	Vendor  string `json:"vendor" xml:"vendor"`
	Name    string `json:"name" xml:"name"`
	Version string `json:"version" xml:"version"`
}

type cdxOrg struct {
	Name string   `json:"name" xml:"name"`
	URL  []string `json:"url" xml:"url"`
}

type cdxContact struct {
	Name  string `json:"name" xml:"name"`
	Email string `json:"email" xml:"email"`
}

type cdxComponent struct {
	BOMRef             string             `json:"bom-ref" xml:"bom-ref,attr"`
	Type               string             `json:"type" xml:"type,attr"`
	Supplier           *cdxOrg            `json:"supplier" xml:"supplier"`
	Manufacturer       *cdxOrg            `json:"manufacturer" xml:"manufacturer"`
	Author             string             `json:"author" xml:"author"`
	Authors            []cdxContact       `json:"authors" xml:"authors>author"`
	Publisher          string             `json:"publisher" xml:"publisher"`
	Group              string             `json:"group" xml:"group"`
	Name               string             `json:"name" xml:"name"`
	Version            string             `json:"version" xml:"version"`
	Hashes             []cdxHash          `json:"hashes" xml:"hashes>hash"`
	Licenses           []cdxLicenseChoice `json:"licenses" xml:"-"`
	LicensesXML        *cdxLicensesXML    `json:"-" xml:"licenses"`
	Purl               string             `json:"purl" xml:"purl"`
	CPE                string             `json:"cpe" xml:"cpe"`
	ExternalReferences []cdxExtRef        `json:"externalReferences" xml:"externalReferences>reference"`
	Components         []cdxComponent     `json:"components" xml:"components>component"`
}

type cdxHash struct {
	Alg     string `json:"alg" xml:"alg,attr"`
	Content string `json:"content" xml:",chardata"`
}

type cdxLicenseChoice struct {
	License    *cdxLicense `json:"license"`
	Expression string      `json:"expression"`
}

type cdxLicense struct {
	ID   string `json:"id" xml:"id"`
	Name string `json:"name" xml:"name"`
}

type cdxLicensesXML struct {
	License    []cdxLicense `xml:"license"`
	Expression []string     `xml:"expression"`
}

type cdxExtRef struct {
	Type   string    `json:"type" xml:"type,attr"`
	Hashes []cdxHash `json:"hashes" xml:"hashes>hash"`
}

type cdxDependency struct {
	Ref       string          `json:"ref" xml:"ref,attr"`
	DependsOn []string        `json:"dependsOn" xml:"-"`
	Nested    []cdxDependency `json:"-" xml:"dependency"`
}

type cdxService struct {
	Services []cdxService `json:"services" xml:"services>service"`
}

// looseString reads a JSON string, or the text of a number (specVersion 1.6
// written without quotes), so that the version check can name what it saw.
type looseString string

// UnmarshalJSON implements json.Unmarshaler.
func (s *looseString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = looseString(v)
		return nil
	}
	if string(b) != "null" {
		*s = looseString(b)
	}
	return nil
}

// parseCycloneDXJSON decodes a CycloneDX JSON document in one pass.
func parseCycloneDXJSON(data []byte) (*Document, error) {
	var bom cdxBOM
	warning, err := decodeJSON(data, &bom)
	if err != nil {
		return nil, err
	}
	v := string(bom.SpecVersion)
	if err := checkCycloneDXVersion(v); err != nil {
		return nil, err
	}
	doc := convertCycloneDX(&bom, JSON, v)
	if warning != "" {
		doc.Warnings = append(doc.Warnings, warning)
	}
	if bom.Metadata != nil {
		if tools, warn := jsonTools(bom.Metadata.ToolsJSON); warn != "" {
			doc.Warnings = append(doc.Warnings, warn)
		} else {
			doc.Metadata.Tools = tools
		}
	}
	return doc, nil
}

// jsonTools reads metadata.tools in either of its JSON shapes.
func jsonTools(raw json.RawMessage) ([]string, string) {
	i := skipWS(raw, 0)
	if i >= len(raw) {
		return nil, ""
	}
	var tc cdxToolsChoice
	var err error
	switch raw[i] {
	case '[':
		err = json.Unmarshal(raw, &tc.Tools)
	case '{':
		err = json.Unmarshal(raw, &tc)
	case 'n': // null
		return nil, ""
	default:
		return nil, "metadata.tools is neither an array nor an object; read as absent"
	}
	if err != nil {
		return nil, "metadata.tools: " + err.Error() + "; read as absent"
	}
	return tc.names(), ""
}

// names lists the tools as "name version".
func (tc *cdxToolsChoice) names() []string {
	var out []string
	for _, list := range [][]cdxTool{tc.Tools, tc.Components, tc.Services} {
		for _, t := range list {
			name := strings.TrimSpace(t.Name)
			if name == "" {
				name = strings.TrimSpace(t.Vendor)
			}
			if v := strings.TrimSpace(t.Version); v != "" {
				name = strings.TrimSpace(name + " " + v)
			}
			if name != "" {
				out = append(out, name)
			}
		}
	}
	return out
}

// parseCycloneDXXML decodes the <bom> element whose start the caller has read.
func parseCycloneDXXML(dec *xml.Decoder, data []byte, start xml.StartElement, version string) (*Document, error) {
	var bom cdxBOM
	if err := dec.DecodeElement(&bom, &start); err != nil {
		return nil, xmlError(dec, data, err)
	}
	doc := convertCycloneDX(&bom, XML, version)
	if bom.Metadata != nil && bom.Metadata.ToolsXML != nil {
		doc.Metadata.Tools = bom.Metadata.ToolsXML.names()
	}
	return doc, nil
}

// convertCycloneDX maps the decoded BOM onto the model.
func convertCycloneDX(bom *cdxBOM, enc Encoding, version string) *Document {
	doc := &Document{
		Format:       CycloneDX,
		Encoding:     enc,
		SpecVersion:  version,
		Dependencies: make(map[string][]string, len(bom.Dependencies)),
		Services:     countServices(bom.Services),
	}
	doc.Metadata.SerialNumber = strings.TrimSpace(bom.SerialNumber)

	n := countComponents(bom.Components)
	md := bom.Metadata
	if md != nil && md.Component != nil {
		n += countComponents(md.Component.Components)
	}
	doc.Components = make([]Component, 0, n)
	doc.Components = appendComponents(doc.Components, bom.Components)

	if md != nil {
		doc.Metadata.Timestamp = strings.TrimSpace(md.Timestamp)
		doc.Metadata.Authors = contactNames(md.Authors)
		doc.Metadata.Supplier = orgName(md.Supplier)
		if md.Component != nil {
			p := convertCDXComponent(md.Component)
			doc.Primary = &p
			if p.Ref != "" {
				doc.Described = []string{p.Ref}
			}
			doc.Components = appendComponents(doc.Components, md.Component.Components)
		}
	}

	if enc == XML {
		addXMLDependencies(doc.Dependencies, bom.Dependencies, true)
	} else {
		for i := range bom.Dependencies {
			d := &bom.Dependencies[i]
			if d.Ref == "" {
				continue
			}
			if prev, ok := doc.Dependencies[d.Ref]; ok {
				doc.Dependencies[d.Ref] = append(prev, d.DependsOn...)
			} else {
				doc.Dependencies[d.Ref] = d.DependsOn
			}
		}
	}
	return doc
}

// addXMLDependencies records XML <dependency ref> elements, whose children
// are the targets. A child that has children of its own is also a source.
func addXMLDependencies(graph map[string][]string, deps []cdxDependency, top bool) {
	for i := range deps {
		d := &deps[i]
		ref := strings.TrimSpace(d.Ref)
		if ref == "" || !top && len(d.Nested) == 0 {
			continue
		}
		targets := graph[ref]
		if targets == nil {
			targets = make([]string, 0, len(d.Nested))
		}
		for j := range d.Nested {
			if t := strings.TrimSpace(d.Nested[j].Ref); t != "" {
				targets = append(targets, t)
			}
		}
		graph[ref] = targets
		addXMLDependencies(graph, d.Nested, false)
	}
}

func countComponents(list []cdxComponent) int {
	n := len(list)
	for i := range list {
		n += countComponents(list[i].Components)
	}
	return n
}

func countServices(list []cdxService) int {
	n := len(list)
	for i := range list {
		n += countServices(list[i].Services)
	}
	return n
}

// appendComponents flattens list depth-first, parents before children.
func appendComponents(dst []Component, list []cdxComponent) []Component {
	for i := range list {
		dst = append(dst, convertCDXComponent(&list[i]))
		dst = appendComponents(dst, list[i].Components)
	}
	return dst
}

func convertCDXComponent(c *cdxComponent) Component {
	out := Component{
		Ref:          strings.TrimSpace(c.BOMRef),
		Type:         strings.TrimSpace(c.Type),
		Group:        strings.TrimSpace(c.Group),
		Name:         strings.TrimSpace(c.Name),
		Version:      strings.TrimSpace(c.Version),
		Purl:         strings.TrimSpace(c.Purl),
		CPE:          strings.TrimSpace(c.CPE),
		Supplier:     orgName(c.Supplier),
		Manufacturer: orgName(c.Manufacturer),
		Publisher:    strings.TrimSpace(c.Publisher),
	}
	if a := strings.TrimSpace(c.Author); a != "" {
		out.Authors = append(make([]string, 0, 1+len(c.Authors)), a)
	}
	out.Authors = append(out.Authors, contactNames(c.Authors)...)

	nh := len(c.Hashes)
	for i := range c.ExternalReferences {
		if isDistribution(c.ExternalReferences[i].Type) {
			nh += len(c.ExternalReferences[i].Hashes)
		}
	}
	if nh > 0 {
		out.Hashes = make([]Hash, 0, nh)
		out.Hashes = appendHashes(out.Hashes, c.Hashes)
		for i := range c.ExternalReferences {
			if isDistribution(c.ExternalReferences[i].Type) {
				out.Hashes = appendHashes(out.Hashes, c.ExternalReferences[i].Hashes)
			}
		}
	}

	if c.LicensesXML != nil {
		x := c.LicensesXML
		out.Licenses = make([]string, 0, len(x.License)+len(x.Expression))
		for i := range x.License {
			out.Licenses = appendNonEmpty(out.Licenses, licenseText(&x.License[i]))
		}
		for _, e := range x.Expression {
			out.Licenses = appendNonEmpty(out.Licenses, e)
		}
	} else if len(c.Licenses) > 0 {
		out.Licenses = make([]string, 0, len(c.Licenses))
		for i := range c.Licenses {
			l := &c.Licenses[i]
			if l.License != nil {
				out.Licenses = appendNonEmpty(out.Licenses, licenseText(l.License))
			} else {
				out.Licenses = appendNonEmpty(out.Licenses, l.Expression)
			}
		}
	}
	return out
}

func isDistribution(t string) bool { return t == "distribution" || t == "distribution-intake" }

func appendHashes(dst []Hash, hs []cdxHash) []Hash {
	for _, h := range hs {
		dst = append(dst, Hash{Algorithm: strings.TrimSpace(h.Alg), Value: strings.TrimSpace(h.Content)})
	}
	return dst
}

func licenseText(l *cdxLicense) string {
	if id := strings.TrimSpace(l.ID); id != "" {
		return id
	}
	return l.Name
}

func appendNonEmpty(dst []string, s string) []string {
	if s = strings.TrimSpace(s); s != "" {
		dst = append(dst, s)
	}
	return dst
}

// orgName is the organisation's name, else its first URL.
func orgName(o *cdxOrg) string {
	if o == nil {
		return ""
	}
	if n := strings.TrimSpace(o.Name); n != "" {
		return n
	}
	for _, u := range o.URL {
		if u = strings.TrimSpace(u); u != "" {
			return u
		}
	}
	return ""
}

// contactNames lists each contact's name, else its e-mail address.
func contactNames(cs []cdxContact) []string {
	var out []string
	for _, c := range cs {
		n := strings.TrimSpace(c.Name)
		if n == "" {
			n = strings.TrimSpace(c.Email)
		}
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}
