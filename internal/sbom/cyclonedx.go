package sbom

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// CycloneDX documents are decoded by cyclonedx-go into its BOM type, from JSON
// with encoding/json (a value of the wrong type is skipped and reported as a
// warning, so a schema-invalid but readable document still parses) and from
// XML through cyclonedx-go's XML unmarshalers, then mapped onto the model.

// parseCycloneDXJSON decodes a CycloneDX JSON document. version is the spec
// version the sniffer saw among the first keys, "" when specVersion comes later:
// cyclonedx-go then reads and checks it.
func parseCycloneDXJSON(data []byte, version string) (*Document, error) {
	var bom cdx.BOM
	warning, comps, err := decodeCycloneDXJSON(data, &bom)
	if errors.Is(err, cdx.ErrInvalidSpecVersion) {
		var v struct {
			SpecVersion any `json:"specVersion"`
		}
		_ = json.Unmarshal(data, &v) // only to name the value in the message
		return nil, &Error{Kind: UnsupportedVersion,
			Err: err,
			Msg: fmt.Sprintf("CycloneDX specVersion %q is not supported: the gate reads CycloneDX 1.0 to 1.7", fmt.Sprint(v.SpecVersion))}
	}
	if err != nil {
		return nil, err
	}
	if version == "" {
		if bom.SpecVersion == 0 {
			return nil, &Error{Kind: Malformed, Msg: "CycloneDX JSON without specVersion: the generator must write the spec version (1.2 to 1.7)"}
		}
		version = bom.SpecVersion.String()
	}
	doc := convertCycloneDX(&bom, JSON, version, comps)
	if warning != "" {
		doc.Warnings = append(doc.Warnings, warning)
	}
	return doc, nil
}

// parallelMinComponents is the size from which decodeCycloneDXJSON splits the
// components array over the CPUs: below it, the goroutines cost more than
// they save. (A variable for the tests.)
var parallelMinComponents = 2000

// chunkComponents is how many elements of the components array one decode
// takes: small enough that the library's large component structs of a chunk
// are garbage as soon as the chunk is converted to the model.
const chunkComponents = 256

// decodeCycloneDXJSON decodes data into bom. A large components array is
// decoded in chunks on every CPU (GOMAXPROCS), each chunk converted to the
// model (flattened, as convertCycloneDX does) as soon as it is decoded, while
// the rest of the document, its components array cut out, is decoded on this
// goroutine: the components are most of an SBOM's bytes, and each decodes on
// its own. comps is then the converted array; nil means bom.Components holds
// it. The separators between the chunks are checked here, the rest by the
// decoders. The result is that of one decode; a document the split cannot read
// is decoded again in one piece, so that its error is exactly that decode's,
// and a document whose components array the top-level walk cannot delimit
// exactly (see topArrayElements) is decoded in one piece from the start.
func decodeCycloneDXJSON(data []byte, bom *cdx.BOM) (warning string, comps []Component, err error) {
	workers := runtime.GOMAXPROCS(0)
	whole := func() (string, []Component, error) {
		*bom = cdx.BOM{}
		w, err := decodeJSON(data, bom)
		return w, nil, err
	}
	if workers < 2 {
		return whole()
	}
	elems, exact := topArrayElements(data, "components")
	if !exact || len(elems) < parallelMinComponents {
		return whole()
	}
	open, end := arrayBounds(data, elems)
	if open < 0 {
		return whole()
	}
	for k := 1; k < len(elems); k++ {
		if k%chunkComponents == 0 && !isSeparator(data[elems[k-1].end:elems[k].start]) {
			return whole()
		}
	}
	// Each element converts to comps[i]; the components nested in it, flattened,
	// to children[i] (rare: they are copied into place at the end).
	comps = make([]Component, len(elems))
	chunks := (len(elems) + chunkComponents - 1) / chunkComponents
	children := make(map[int][]Component)
	var childMu sync.Mutex
	errs := make([]error, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var buf []byte
			var cdxComps []cdx.Component
			for {
				k := int(next.Add(1) - 1)
				if k >= chunks {
					return
				}
				first, last := k*chunkComponents, min((k+1)*chunkComponents, len(elems))-1
				// The chunk as an array of its own: "[" and the bytes from its
				// first element to its last, which offsets map back to data.
				start, end := elems[first].start, elems[last].end
				buf = append(append(append(buf[:0], '['), data[start:end]...), ']')
				clear(cdxComps[:cap(cdxComps)]) // the decoder fills reused elements without zeroing them
				cdxComps = cdxComps[:0]
				_, errs[k] = decodeJSONAt(data, jsonPart{bytes: buf, shift: start - 1, array: "components", first: first}, &cdxComps)
				if errs[k] != nil {
					return
				}
				for j := range cdxComps {
					c := &cdxComps[j]
					comps[first+j] = convertCDXComponent(c)
					if c.Components != nil && len(*c.Components) > 0 {
						nested := appendComponents(nil, c.Components)
						childMu.Lock()
						children[first+j] = nested
						childMu.Unlock()
					}
				}
			}
		})
	}
	// The rest of the document, with "[]" for the components array.
	head := make([]byte, 0, len(data)-(end-open)+2)
	head = append(append(append(head, data[:open]...), "[]"...), data[end:]...)
	warning, err = decodeJSON(head, bom)
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			err = e
		}
	}
	if err == nil && lenOf(bom.Components) > 0 {
		err = errors.New("components twice") // the walk saw one array; the decoder another
	}
	if err != nil {
		return whole()
	}
	if len(children) > 0 {
		n := len(comps)
		for _, c := range children {
			n += len(c)
		}
		flat := make([]Component, 0, n)
		for i := range comps {
			flat = append(append(flat, comps[i]), children[i]...)
		}
		comps = flat
	}
	return warning, comps, nil
}

// arrayBounds returns the offsets of the '[' that opens the array whose
// elements are elems and just past its ']', or -1, -1 when anything but white
// space stands between them and the elements.
func arrayBounds(data []byte, elems []span) (open, end int) {
	open = elems[0].start - 1
	for open >= 0 && isSpace(data[open]) {
		open--
	}
	end = skipWS(data, elems[len(elems)-1].end)
	if open < 0 || data[open] != '[' || end >= len(data) || data[end] != ']' {
		return -1, -1
	}
	return open, end + 1
}

// isSeparator reports whether b is the ',' between two array elements, with
// white space around it.
func isSeparator(b []byte) bool {
	i := skipWS(b, 0)
	return i < len(b) && b[i] == ',' && skipWS(b, i+1) == len(b)
}

// parseCycloneDXXML decodes the <bom> element whose start the caller has read.
func parseCycloneDXXML(dec *xml.Decoder, data []byte, start xml.StartElement, version string) (*Document, error) {
	var bom cdx.BOM
	if err := dec.DecodeElement(&bom, &start); err != nil {
		return nil, xmlError(dec, data, err)
	}
	return convertCycloneDX(&bom, XML, version, nil), nil
}

// convertCycloneDX maps the decoded BOM onto the model; comps, when not nil,
// are bom's components already converted (see decodeCycloneDXJSON).
func convertCycloneDX(bom *cdx.BOM, enc Encoding, version string, comps []Component) *Document {
	doc := &Document{
		Format:       CycloneDX,
		Encoding:     enc,
		SpecVersion:  version,
		Dependencies: make(map[string][]string, lenOf(bom.Dependencies)),
		Services:     countServices(bom.Services),
	}
	doc.Metadata.SerialNumber = strings.TrimSpace(bom.SerialNumber)

	n := countComponents(bom.Components) + len(comps)
	md := bom.Metadata
	if md != nil && md.Component != nil {
		n += countComponents(md.Component.Components)
	}
	if comps != nil && (md == nil || md.Component == nil || md.Component.Components == nil) {
		doc.Components = comps // nothing to add: no copy
	} else {
		doc.Components = make([]Component, 0, n)
		doc.Components = append(doc.Components, comps...)
		doc.Components = appendComponents(doc.Components, bom.Components)
	}

	if md != nil {
		doc.Metadata.Timestamp = strings.TrimSpace(md.Timestamp)
		doc.Metadata.Tools = toolNames(md.Tools)
		doc.Metadata.Authors = contactNames(md.Authors)
		doc.Metadata.Supplier = orgName(md.Supplier)
		doc.Metadata.Contacts = orgContacts(nil, md.Manufacturer)
		doc.Metadata.Contacts = orgContacts(doc.Metadata.Contacts, md.Supplier)
		doc.Metadata.Contacts = personContacts(doc.Metadata.Contacts, md.Authors)
		if md.Component != nil {
			p := convertCDXComponent(md.Component)
			doc.Primary = &p
			if p.Ref != "" {
				doc.Described = []string{p.Ref}
			}
			doc.Components = appendComponents(doc.Components, md.Component.Components)
		}
	}
	doc.Vulnerabilities = convertVulnerabilities(bom.Vulnerabilities)
	if bom.Dependencies != nil {
		for _, d := range *bom.Dependencies {
			ref := strings.TrimSpace(d.Ref)
			if ref == "" {
				continue
			}
			targets := doc.Dependencies[ref]
			if targets == nil {
				targets = make([]string, 0, lenOf(d.Dependencies))
			}
			if d.Dependencies != nil {
				for _, t := range *d.Dependencies {
					if t = strings.TrimSpace(t); t != "" {
						targets = append(targets, t)
					}
				}
			}
			doc.Dependencies[ref] = targets
		}
	}
	return doc
}

func lenOf[T any](p *[]T) int {
	if p == nil {
		return 0
	}
	return len(*p)
}

// toolNames lists metadata.tools in any of its shapes (the 1.2-1.4 tools array,
// the 1.5+ components and services) as "name version".
func toolNames(tc *cdx.ToolsChoice) []string {
	if tc == nil {
		return nil
	}
	var out []string
	add := func(vendor, name, version string) {
		name = strings.TrimSpace(name)
		if name == "" {
			name = strings.TrimSpace(vendor)
		}
		if v := strings.TrimSpace(version); v != "" {
			name = strings.TrimSpace(name + " " + v)
		}
		if name != "" {
			out = append(out, name)
		}
	}
	if tc.Tools != nil {
		for _, t := range *tc.Tools {
			add(t.Vendor, t.Name, t.Version)
		}
	}
	if tc.Components != nil {
		for _, c := range *tc.Components {
			add(c.Group, c.Name, c.Version)
		}
	}
	if tc.Services != nil {
		for _, s := range *tc.Services {
			add(s.Group, s.Name, s.Version)
		}
	}
	return out
}

func countComponents(list *[]cdx.Component) int {
	if list == nil {
		return 0
	}
	n := len(*list)
	for i := range *list {
		n += countComponents((*list)[i].Components)
	}
	return n
}

func countServices(list *[]cdx.Service) int {
	if list == nil {
		return 0
	}
	n := len(*list)
	for i := range *list {
		n += countServices((*list)[i].Services)
	}
	return n
}

// appendComponents flattens list depth-first, parents before children.
func appendComponents(dst []Component, list *[]cdx.Component) []Component {
	if list == nil {
		return dst
	}
	for i := range *list {
		c := &(*list)[i]
		dst = append(dst, convertCDXComponent(c))
		dst = appendComponents(dst, c.Components)
	}
	return dst
}

func convertCDXComponent(c *cdx.Component) Component {
	out := Component{
		Ref:          strings.TrimSpace(c.BOMRef),
		Type:         strings.TrimSpace(string(c.Type)),
		Group:        strings.TrimSpace(c.Group),
		Name:         strings.TrimSpace(c.Name),
		Version:      strings.TrimSpace(c.Version),
		Purl:         strings.TrimSpace(c.PackageURL),
		CPE:          strings.TrimSpace(c.CPE),
		Supplier:     orgName(c.Supplier),
		Manufacturer: orgName(c.Manufacturer),
		Publisher:    strings.TrimSpace(c.Publisher),
	}
	if a := strings.TrimSpace(c.Author); a != "" {
		out.Authors = append(out.Authors, a)
	}
	out.Authors = append(out.Authors, contactNames(c.Authors)...)
	out.Contacts = orgContacts(nil, c.Supplier)
	out.Contacts = orgContacts(out.Contacts, c.Manufacturer)
	out.Contacts = personContacts(out.Contacts, c.Authors)
	if c.Properties != nil {
		for _, p := range *c.Properties {
			if p.Name == "bsi:component:filename" {
				out.Filename = strings.TrimSpace(p.Value)
			}
		}
	}
	if out.Filename == "" && c.Type == cdx.ComponentTypeFile {
		out.Filename = out.Name
	}
	if c.Evidence != nil && c.Evidence.Licenses != nil {
		for _, l := range *c.Evidence.Licenses {
			if l.License != nil {
				out.LicenseEvidence = appendNonEmpty(out.LicenseEvidence, licenseText(l.License))
			} else {
				out.LicenseEvidence = appendNonEmpty(out.LicenseEvidence, l.Expression)
			}
		}
	}

	nh := lenOf(c.Hashes)
	if c.ExternalReferences != nil {
		for _, r := range *c.ExternalReferences {
			if isDistribution(r.Type) {
				nh += lenOf(r.Hashes)
			}
		}
	}
	if nh > 0 {
		out.Hashes = make([]Hash, 0, nh)
		out.Hashes = appendHashes(out.Hashes, c.Hashes)
		if c.ExternalReferences != nil {
			for _, r := range *c.ExternalReferences {
				if isDistribution(r.Type) {
					out.Hashes = appendHashes(out.Hashes, r.Hashes)
				}
			}
		}
	}
	if c.Licenses != nil && len(*c.Licenses) > 0 {
		out.Licenses = make([]string, 0, len(*c.Licenses))
		for _, l := range *c.Licenses {
			if l.License != nil {
				out.Licenses = appendNonEmpty(out.Licenses, licenseText(l.License))
			} else {
				out.Licenses = appendNonEmpty(out.Licenses, l.Expression)
			}
		}
	}
	return out
}

func isDistribution(t cdx.ExternalReferenceType) bool {
	return t == cdx.ERTypeDistribution || t == "distribution-intake"
}

func appendHashes(dst []Hash, hs *[]cdx.Hash) []Hash {
	if hs == nil {
		return dst
	}
	for _, h := range *hs {
		dst = append(dst, Hash{Algorithm: strings.TrimSpace(string(h.Algorithm)), Value: strings.TrimSpace(h.Value)})
	}
	return dst
}

func licenseText(l *cdx.License) string {
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
func orgName(o *cdx.OrganizationalEntity) string {
	if o == nil {
		return ""
	}
	if n := strings.TrimSpace(o.Name); n != "" {
		return n
	}
	if o.URL != nil {
		for _, u := range *o.URL {
			if u = strings.TrimSpace(u); u != "" {
				return u
			}
		}
	}
	return ""
}

// contactNames lists each contact's name, else its e-mail address.
// orgContacts appends the URLs and contact emails of an organisation.
func orgContacts(dst []string, o *cdx.OrganizationalEntity) []string {
	if o == nil {
		return dst
	}
	if o.URL != nil {
		for _, u := range *o.URL {
			dst = appendNonEmpty(dst, u)
		}
	}
	return personContacts(dst, o.Contact)
}

// personContacts appends the emails of contacts.
func personContacts(dst []string, cs *[]cdx.OrganizationalContact) []string {
	if cs == nil {
		return dst
	}
	for _, c := range *cs {
		dst = appendNonEmpty(dst, c.Email)
	}
	return dst
}

func contactNames(cs *[]cdx.OrganizationalContact) []string {
	if cs == nil {
		return nil
	}
	var out []string
	for _, c := range *cs {
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

// convertVulnerabilities keeps the entries with an analysis state, noting each
// one's index among all entries so that its line can be found.
func convertVulnerabilities(list *[]cdx.Vulnerability) []Vulnerability {
	if list == nil {
		return nil
	}
	var out []Vulnerability
	for i := range *list {
		v := &(*list)[i]
		if v.Analysis == nil || strings.TrimSpace(string(v.Analysis.State)) == "" {
			continue
		}
		a := v.Analysis
		out = append(out, Vulnerability{
			ID:            strings.TrimSpace(v.ID),
			References:    vulnReferences(v.References),
			State:         strings.TrimSpace(string(a.State)),
			Justification: strings.TrimSpace(string(a.Justification)),
			Detail:        strings.TrimSpace(a.Detail),
			Responses:     responses(a.Response),
			Affects:       affects(v.Affects),
			Updated:       firstNonEmpty(a.LastUpdated, a.FirstIssued, v.Updated, v.Published),
			entry:         i,
		})
	}
	return out
}

func vulnReferences(rs *[]cdx.VulnerabilityReference) []string {
	if rs == nil {
		return nil
	}
	var out []string
	for _, r := range *rs {
		out = appendNonEmpty(out, r.ID)
	}
	return out
}

func responses(rs *[]cdx.ImpactAnalysisResponse) []string {
	if rs == nil {
		return nil
	}
	var out []string
	for _, r := range *rs {
		out = appendNonEmpty(out, string(r))
	}
	return out
}

func affects(as *[]cdx.Affects) []string {
	if as == nil {
		return nil
	}
	var out []string
	for _, a := range *as {
		out = appendNonEmpty(out, a.Ref)
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
