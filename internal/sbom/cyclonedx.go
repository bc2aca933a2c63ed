package sbom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/cra-gate/cra-gate/internal/budget"
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

// chunkComponents is how many elements of a split array one decode takes:
// small enough that the library's large structs of a chunk are garbage as
// soon as the chunk is converted to the model. (A variable for the tests.)
var chunkComponents = 256 // (a variable for the tests)

// decodeCycloneDXJSON decodes data into bom. A large components array is
// decoded in chunks on every CPU (splitDecode), each element converted to the
// model as soon as its chunk is decoded, while the rest of the document, its
// components array cut out, is decoded on this goroutine: the components are
// most of an SBOM's bytes, and the library's structs of a chunk are garbage
// as soon as it is converted. comps is then the converted array, flattened as
// convertCycloneDX does; nil means bom.Components holds it. The result is
// that of one decode: a document the split cannot read is decoded again in
// one piece, so that its error is exactly that decode's.
func decodeCycloneDXJSON(data []byte, bom *cdx.BOM) (warning string, comps []Component, err error) {
	whole := func() (string, []Component, error) {
		*bom = cdx.BOM{}
		w, err := decodeJSON(data, bom)
		return w, nil, err
	}
	sp, ok := splitArray(data, "components")
	if !ok {
		return whole()
	}
	// Each element converts to comps[i]; the components nested in it,
	// flattened, to children[i] (rare: they are copied into place at the end).
	comps = make([]Component, len(sp.elems))
	children := make(map[int][]Component)
	var childMu sync.Mutex
	err = sp.decode(data, func(part jsonPart) error {
		scratch := cdxChunks.Get().(*[]cdx.Component)
		defer cdxChunks.Put(scratch)
		clear((*scratch)[:cap(*scratch)]) // the decoder fills reused elements without zeroing them
		chunk := (*scratch)[:0]
		_, err := decodeJSONAt(data, part, &chunk)
		*scratch = chunk
		if err != nil {
			return err
		}
		for j := range chunk {
			c := &chunk[j]
			comps[part.first+j] = convertCDXComponent(c)
			if c.Components != nil && len(*c.Components) > 0 {
				nested := appendComponents(nil, c.Components)
				childMu.Lock()
				children[part.first+j] = nested
				childMu.Unlock()
			}
		}
		return nil
	}, func(head []byte) error {
		warning, err = decodeJSON(head, bom)
		if err == nil && lenOf(bom.Components) > 0 {
			err = errors.New("components twice") // the walk saw one array; the decoder another
		}
		return err
	})
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

// cdxChunks holds the slices chunks of components decode into, for reuse.
var cdxChunks = sync.Pool{New: func() any { return new([]cdx.Component) }}

// split is a top-level array of a JSON document cut into chunks for
// decoding on every CPU.
type split struct {
	key       string
	elems     []span
	open, end int // the array's '[' and just past its ']'
}

// splitArray delimits the array that is the value of the top-level key, when
// it is large enough to split (parallelMinComponents elements, several CPUs)
// and the top-level walk delimits it exactly as the decoder reads it (see
// topArrayElements), with nothing but ',' and white space between the chunks.
func splitArray(data []byte, key string) (split, bool) {
	if runtime.GOMAXPROCS(0) < 2 {
		return split{}, false
	}
	elems, exact := topArrayElements(data, key)
	if !exact || len(elems) < parallelMinComponents {
		return split{}, false
	}
	open, end := arrayBounds(data, elems)
	if open < 0 {
		return split{}, false
	}
	for k := chunkComponents; k < len(elems); k += chunkComponents {
		if !isSeparator(data[elems[k-1].end:elems[k].start]) {
			return split{}, false
		}
	}
	return split{key: key, elems: elems, open: open, end: end}, true
}

// recovered runs f, turning a panic of the libraries it calls into an error.
func recovered(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the decoder failed: %v", r)
		}
	}()
	return f()
}

// chunkLen is the number of elements of the chunk starting at first.
func (sp split) chunkLen(first int) int { return min(chunkComponents, len(sp.elems)-first) }

// decode runs chunk on every chunk of the array, on every CPU: part is the
// chunk as a JSON array of its own, its offsets mapping back to data, part.first
// the index of its first element. Meanwhile head decodes the rest of the
// document, the array written "[]". The first error of either is returned.
func (sp split) decode(data []byte, chunk func(part jsonPart) error, head func([]byte) error) error {
	chunks := (len(sp.elems) + chunkComponents - 1) / chunkComponents
	errs := make([]error, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var buf []byte
			for {
				k := int(next.Add(1) - 1)
				if k >= chunks {
					return
				}
				first, last := k*chunkComponents, min((k+1)*chunkComponents, len(sp.elems))-1
				start, end := sp.elems[first].start, sp.elems[last].end
				buf = append(append(append(buf[:0], '['), data[start:end]...), ']')
				if errs[k] = recovered(func() error {
					return chunk(jsonPart{bytes: buf, shift: start - 1, array: sp.key, first: first})
				}); errs[k] != nil {
					return
				}
			}
		})
	}
	rest := make([]byte, 0, len(data)-(sp.end-sp.open)+2)
	rest = append(append(append(rest, data[:sp.open]...), "[]"...), data[sp.end:]...)
	err := head(rest)
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return err
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

// parseCycloneDXXML decodes the <bom> element whose start the caller has
// read. The components of its <components> element are decoded one at a
// time and converted to the model as they come, so that the library's
// structs of one component are garbage as soon as it is converted; the rest of
// the document, that element cut out, is then decoded as a whole. A document
// whose rest does not decode, or with more than one <components> element, is
// decoded again in one piece, as before, so that its error is that decode's.
func parseCycloneDXXML(dec *xml.Decoder, data []byte, start xml.StartElement, version string) (*Document, error) {
	comps, from, to, err := streamXMLComponents(dec, data)
	if err != nil {
		return nil, err
	}
	if from >= 0 {
		rest := make([]byte, 0, len(data)-(to-from))
		rest = append(append(rest, data[:from]...), data[to:]...)
		var bom cdx.BOM
		d := xml.NewDecoder(bytes.NewReader(rest))
		d.CharsetReader = identityCharset
		if root, err := xmlRoot(d); err == nil && d.DecodeElement(&bom, &root) == nil && bom.Components == nil {
			return convertCycloneDX(&bom, XML, version, comps), nil
		}
	}
	dec = xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = identityCharset
	if start, err = xmlRoot(dec); err != nil {
		return nil, xmlError(dec, data, err)
	}
	var bom cdx.BOM
	if err := dec.DecodeElement(&bom, &start); err != nil {
		return nil, xmlError(dec, data, err)
	}
	return convertCycloneDX(&bom, XML, version, nil), nil
}

// streamXMLComponents reads the children of <bom> (its start read), decoding
// and converting each <component> of the first <components> element, and
// returns them with the byte range of that element (from -1: none, or more
// than one). Every other child is skipped.
func streamXMLComponents(dec *xml.Decoder, data []byte) (comps []Component, from, to int, err error) {
	from, to = -1, -1
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return nil, -1, -1, xmlError(dec, data, err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return comps, from, to, nil // </bom>
		case xml.StartElement:
			if t.Name.Local != "components" || from >= 0 || comps != nil {
				if t.Name.Local == "components" {
					from = -1 // a second one: decoded in one piece
				}
				if err := dec.Skip(); err != nil {
					return nil, -1, -1, xmlError(dec, data, err)
				}
				continue
			}
			comps = make([]Component, 0, budget.XMLItems(data[off:], 1<<40))
			for {
				tok, err := dec.Token()
				if err != nil {
					return nil, -1, -1, xmlError(dec, data, err)
				}
				if _, end := tok.(xml.EndElement); end {
					break
				}
				s, ok := tok.(xml.StartElement)
				if !ok {
					continue
				}
				if s.Name.Local != "component" {
					if err := dec.Skip(); err != nil {
						return nil, -1, -1, xmlError(dec, data, err)
					}
					continue
				}
				var c cdx.Component
				if err := dec.DecodeElement(&c, &s); err != nil {
					return nil, -1, -1, xmlError(dec, data, err)
				}
				comps = append(comps, convertCDXComponent(&c))
				comps = appendComponents(comps, c.Components)
			}
			from, to = off, int(dec.InputOffset())
		}
	}
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
	kinds := 0
	if c.Properties != nil {
		for _, p := range *c.Properties {
			switch {
			case p.Name == "bsi:component:filename":
				out.Filename = strings.TrimSpace(p.Value)
			case p.Name == "bsi:component:executable", p.Name == "bsi:component:archive", p.Name == "bsi:component:structured":
				kinds++
			case p.Name == "BR_TYPE" && strings.TrimSpace(p.Value) == "host":
				out.BuildTime = "a Buildroot host package (BR_TYPE host: runs on the build machine)"
			}
		}
	}
	if c.Scope == cdx.ScopeExcluded {
		out.BuildTime = "CycloneDX scope excluded (not part of the product as shipped)"
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

	out.FileKinds = kinds == 3
	nh := lenOf(c.Hashes)
	if c.ExternalReferences != nil {
		for _, r := range *c.ExternalReferences {
			switch {
			case isDistribution(r.Type):
				nh += lenOf(r.Hashes)
				if out.DeployURI == "" {
					out.DeployURI = strings.TrimSpace(r.URL)
				}
			case r.Type == cdx.ERTypeSourceDistribution || r.Type == cdx.ERTypeVCS:
				if out.SourceURI == "" {
					out.SourceURI = strings.TrimSpace(r.URL)
				}
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
