package sbom

import (
	"bytes"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/spdx/tools-golang/convert"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_2"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
	"github.com/spdx/tools-golang/tagvalue"
)

// SPDX documents are read by github.com/spdx/tools-golang (JSON and tag-value,
// 2.2 converted to its 2.3 model), then mapped onto the model.

// parseSPDXJSON decodes an SPDX 2.2/2.3 JSON document; version is "2.2"/"2.3".
// It decodes into tools-golang's model of that version and converts it to
// the current one, as tools-golang's json.Read does, without json.Read's first
// decode of the whole document into maps (a map for every JSON object: twice
// the memory and time of the typed decode).
func parseSPDXJSON(data []byte, version string) (*Document, error) {
	if doc, ok := parseSPDXJSONSplit(data, version); ok {
		return doc, nil
	}
	in, err := readSPDXJSON(data, version)
	if err != nil {
		// tools-golang's errors carry no position: decode again, only on this
		// failure path, to report a syntax or type error at its line and column.
		var probe struct {
			Packages      []struct{} `json:"packages"`
			Relationships []struct{} `json:"relationships"`
		}
		if _, perr := decodeJSON(data, &probe); perr != nil {
			return nil, perr
		}
		return nil, &Error{Kind: Malformed, Msg: "SPDX JSON: " + strings.TrimPrefix(err.Error(), "json: "), Err: err}
	}
	return convertSPDX(in, JSON, version, nil), nil
}

// parseSPDXJSONSplit decodes a large packages array in chunks on every CPU,
// each package converted to the model as soon as its chunk is decoded, while
// the rest of the document is decoded without it (see splitArray). ok is false
// when the document cannot be split or a part does not decode: the caller then
// decodes it in one piece, which gives the error.
func parseSPDXJSONSplit(data []byte, version string) (doc *Document, ok bool) {
	if version != "2.3" {
		return nil, false // a 2.2 document goes through tools-golang's converter, whole
	}
	sp, ok := splitArray(data, "packages")
	if !ok {
		return nil, false
	}
	comps := make([]Component, len(sp.elems))
	var in *spdx.Document
	err := sp.decode(data, func(part jsonPart) error {
		pkgs, err := readSPDXPackages(part.bytes, version)
		if err != nil {
			return err
		}
		if len(pkgs) != sp.chunkLen(part.first) {
			return errors.New("a package is null")
		}
		for j, p := range pkgs {
			comps[part.first+j] = convertSPDXPackage(p)
		}
		return nil
	}, func(head []byte) (err error) {
		in, err = readSPDXJSON(head, version)
		return err
	})
	if err != nil || len(in.Packages) > 0 {
		return nil, false
	}
	return convertSPDX(in, JSON, version, comps), true
}

// readSPDXPackages decodes a JSON array of SPDX 2.3 packages.
func readSPDXPackages(data []byte, _ string) ([]*spdx.Package, error) {
	var pkgs []*v2_3.Package
	if err := stdjson.Unmarshal(data, &pkgs); err != nil {
		return nil, err
	}
	return pkgs, nil
}

// readSPDXJSON decodes an SPDX JSON document of version "2.2" or "2.3".
func readSPDXJSON(data []byte, version string) (*spdx.Document, error) {
	var doc any
	switch version {
	case "2.2":
		doc = &v2_2.Document{}
	case "2.3":
		doc = &v2_3.Document{}
	default:
		return nil, fmt.Errorf("unsupported SPDX version %s", version)
	}
	if err := stdjson.Unmarshal(data, doc); err != nil {
		return nil, err
	}
	var out spdx.Document
	if err := convertDocument(reflect.ValueOf(doc).Elem().Interface(), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// convertDocument is tools-golang's convert.Document, whose reflective
// converter panics on some documents: the panic becomes an error.
func convertDocument(from any, to *spdx.Document) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the document cannot be converted to SPDX 2.3: %v", r)
		}
	}()
	return convert.Document(from, to)
}

// parseSPDXTagValue decodes an SPDX 2.2/2.3 tag-value document.
func parseSPDXTagValue(data []byte, version string) (*Document, error) {
	in, err := tagvalue.Read(bytes.NewReader(tolerantCreationInfo(withoutSnippets(data))))
	if err != nil {
		return nil, &Error{Kind: Malformed, Msg: "SPDX tag-value: " + err.Error(), Err: err}
	}
	return convertSPDX(in, TagValue, version, nil), nil
}

// spdxEmail returns the email SPDX writes in parentheses after a creator,
// supplier or originator name ("Organization: Acme (security@acme.eu)"), or "".
func spdxEmail(who string) string {
	i, j := strings.LastIndexByte(who, '('), strings.LastIndexByte(who, ')')
	if i < 0 || j < i {
		return ""
	}
	e := strings.TrimSpace(who[i+1 : j])
	if !strings.Contains(e, "@") {
		return ""
	}
	return e
}

// tolerantCreationInfo rewrites what real writers put in a tag-value
// document's creation block that spdx/tools-golang v0.5.5 refuses, keeping
// the number of lines: an ExternalDocumentRef after the first Creator or
// Created line (Zephyr's west spdx and the Android build write them there;
// the library takes them only before) is moved up, before the first one;
// a Creator without its "Person:", "Organization:" or "Tool:" prefix (the
// FreeRTOS/AWS generator writes "Creator: Amazon Web Services") is read as
// an organization. The creation block ends at the first package, file,
// snippet, licence or relationship. Linear in the input.
func tolerantCreationInfo(data []byte) []byte {
	var header [][]byte
	rest := data
	for len(rest) > 0 {
		end := bytes.IndexByte(rest, '\n') + 1
		if end == 0 {
			end = len(rest)
		}
		line := rest[:end]
		tag, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(":"))
		if isSectionTag(string(tag)) {
			break
		}
		header = append(header, line)
		rest = rest[end:]
	}
	firstCreation, moved := -1, false
	var refs, others [][]byte
	for i, line := range header {
		tag, value, _ := bytes.Cut(bytes.TrimSpace(line), []byte(":"))
		switch string(tag) {
		case "Creator":
			v := bytes.TrimSpace(value)
			if !bytes.HasPrefix(v, []byte("Person:")) && !bytes.HasPrefix(v, []byte("Organization:")) && !bytes.HasPrefix(v, []byte("Tool:")) {
				line = append([]byte("Creator: Organization: "), append(v, '\n')...)
				moved = true
			}
			fallthrough
		case "Created":
			if firstCreation < 0 {
				firstCreation = i
			}
		case "ExternalDocumentRef":
			if firstCreation >= 0 {
				refs = append(refs, line)
				moved = true
				continue
			}
		}
		others = append(others, line)
	}
	if !moved {
		return data
	}
	var out bytes.Buffer
	out.Grow(len(data) + 64)
	for i, line := range others {
		if i == firstCreation {
			for _, r := range refs {
				out.Write(r)
			}
		}
		out.Write(line)
	}
	out.Write(rest)
	return out.Bytes()
}

// isSectionTag reports a tag that starts a section after the creation block.
func isSectionTag(tag string) bool {
	switch tag {
	case "PackageName", "FileName", "SnippetSPDXID", "LicenseID", "Relationship", "Annotator":
		return true
	}
	return false
}

// withoutSnippets removes the snippet sections of a tag-value document.
// spdx/tools-golang v0.5.5 refuses a snippet that follows a package ("unknown
// tag SnippetSPDXID in Package section"), which SPDX 2.3 allows and the
// specification's own examples do; snippets are parts of files, not
// packages, so the gate needs none of them. A line whose tag starts with
// "Snippet" (or is LicenseInfoInSnippet) is dropped with its multi-line
// <text> value; everything else is kept byte for byte, so line numbers of
// errors elsewhere stay close. The input is returned as is when it has no
// snippet. Linear in the input.
func withoutSnippets(data []byte) []byte {
	if !bytes.Contains(data, []byte("SnippetSPDXID:")) {
		return data
	}
	var out bytes.Buffer
	out.Grow(len(data))
	inText, dropping := false, false
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n') + 1
		if end == 0 {
			end = len(data)
		}
		line := data[:end]
		data = data[end:]
		if !inText {
			tag, _, _ := bytes.Cut(bytes.TrimLeft(line, " \t"), []byte(":"))
			dropping = bytes.HasPrefix(tag, []byte("Snippet")) || bytes.Equal(tag, []byte("LicenseInfoInSnippet"))
			if bytes.Contains(line, []byte("<text>")) && !bytes.Contains(line, []byte("</text>")) {
				inText = true
			}
		} else if bytes.Contains(line, []byte("</text>")) {
			inText = false
		}
		if !dropping {
			out.Write(line)
		} else {
			out.WriteByte('\n') // keep the line count
		}
	}
	return out.Bytes()
}

// spdxRef writes an element id as the document does: SPDXRef-..., or
// DocumentRef-x:SPDXRef-... for an element of another document.
func spdxRef(id common.DocElementID) string {
	switch {
	case id.SpecialID != "":
		return id.SpecialID
	case id.DocumentRefID != "":
		return "DocumentRef-" + id.DocumentRefID + ":SPDXRef-" + string(id.ElementRefID)
	}
	return "SPDXRef-" + string(id.ElementRefID)
}

// convertSPDX maps a tools-golang document onto the model.
// convertSPDX maps the decoded document onto the model; comps, when not nil,
// are its packages already converted (see parseSPDXJSONSplit).
func convertSPDX(in *spdx.Document, enc Encoding, version string, comps []Component) *Document {
	doc := &Document{
		Format:       SPDX,
		Encoding:     enc,
		SpecVersion:  version,
		Components:   make([]Component, 0, len(in.Packages)),
		Dependencies: make(map[string][]string),
	}
	doc.Metadata = Metadata{
		Namespace: strings.TrimSpace(in.DocumentNamespace),
		Name:      strings.TrimSpace(in.DocumentName),
	}
	if ci := in.CreationInfo; ci != nil {
		doc.Metadata.Timestamp = strings.TrimSpace(ci.Created)
		for _, c := range ci.Creators {
			who := strings.TrimSpace(c.Creator)
			if who == "" {
				continue
			}
			if c.CreatorType == "Tool" {
				doc.Metadata.Tools = append(doc.Metadata.Tools, who)
			} else {
				doc.Metadata.Authors = append(doc.Metadata.Authors, who)
				doc.Metadata.Contacts = appendNonEmpty(doc.Metadata.Contacts, spdxEmail(who))
			}
		}
	}

	if comps == nil {
		for _, p := range in.Packages {
			if p != nil {
				doc.Components = append(doc.Components, convertSPDXPackage(p))
			}
		}
	} else {
		doc.Components = comps
	}
	index := make(map[string]int, len(doc.Components))
	for i, c := range doc.Components {
		if _, dup := index[c.Ref]; !dup && c.Ref != "" {
			index[c.Ref] = i
		}
	}

	for _, ref := range in.ExternalDocumentReferences {
		if doc.externalDocs == nil {
			doc.externalDocs = map[string]string{}
		}
		id := ref.DocumentRefID
		if !strings.HasPrefix(id, "DocumentRef-") {
			id = "DocumentRef-" + id
		}
		doc.externalDocs[id] = strings.TrimSpace(ref.URI)
	}
	buildOnly, runtime := map[string]bool{}, map[string]bool{}
	docID := spdxRef(common.DocElementID{ElementRefID: in.SPDXIdentifier})
	isDescribed := map[string]bool{}
	described := func(ref string) {
		if _, ok := index[ref]; !ok || isDescribed[ref] {
			return
		}
		isDescribed[ref] = true
		doc.Described = append(doc.Described, ref)
	}
	for _, r := range in.Relationships {
		if r == nil {
			continue
		}
		from, to := spdxRef(r.RefA), spdxRef(r.RefB)
		typ := strings.ToUpper(strings.TrimSpace(r.Relationship))
		switch typ {
		case "DESCRIBES":
			if from == docID {
				described(to)
			}
			continue
		case "DESCRIBED_BY":
			if to == docID {
				described(from)
			}
			continue
		}
		switch typ {
		case "BUILD_DEPENDENCY_OF", "BUILD_TOOL_OF", "DEV_DEPENDENCY_OF", "DEV_TOOL_OF", "TEST_DEPENDENCY_OF", "TEST_TOOL_OF", "TEST_OF":
			buildOnly[from] = true
		}
		forward, ok := spdxDependencyTypes[typ]
		if !ok {
			continue
		}
		if !forward {
			from, to = to, from
		}
		if typ != "BUILD_DEPENDENCY_OF" && typ != "DEV_DEPENDENCY_OF" && typ != "TEST_DEPENDENCY_OF" {
			runtime[to] = true
		}
		if typ == "CONTAINS" && strings.HasPrefix(to, "DocumentRef-") {
			doc.externalContains = append(doc.externalContains, to)
		}
		if _, ok := index[from]; !ok {
			continue
		}
		switch {
		case to == "NONE":
			if _, ok := doc.Dependencies[from]; !ok {
				doc.Dependencies[from] = nil
			}
		case isPackageOrExternal(index, to):
			doc.Dependencies[from] = append(doc.Dependencies[from], to)
		}
	}
	for ref := range buildOnly {
		if i, ok := index[ref]; ok && !runtime[ref] && !isDescribed[ref] {
			doc.Components[i].BuildTime = "a build, development or test dependency or tool only (SPDX relationships)"
		}
	}
	if len(doc.Described) > 0 {
		doc.Primary = &doc.Components[index[doc.Described[0]]]
	}
	return doc
}

// isPackageOrExternal reports a package of this document or an element of an
// external document ("DocumentRef-x:SPDXRef-y").
func isPackageOrExternal(index map[string]int, ref string) bool {
	if _, ok := index[ref]; ok {
		return true
	}
	return strings.HasPrefix(ref, "DocumentRef-") && strings.Contains(ref, ":")
}

// spdxDependencyTypes are the relationship types that make a dependency edge;
// the value tells whether the edge runs from spdxElementId to
// relatedSpdxElement (true) or the other way (false).
var spdxDependencyTypes = map[string]bool{
	"DEPENDS_ON":             true,
	"CONTAINS":               true,
	"HAS_PREREQUISITE":       true,
	"STATIC_LINK":            true,
	"DYNAMIC_LINK":           true,
	"DEPENDENCY_OF":          false,
	"CONTAINED_BY":           false,
	"PREREQUISITE_FOR":       false,
	"BUILD_DEPENDENCY_OF":    false,
	"DEV_DEPENDENCY_OF":      false,
	"OPTIONAL_DEPENDENCY_OF": false,
	"PROVIDED_DEPENDENCY_OF": false,
	"TEST_DEPENDENCY_OF":     false,
	"RUNTIME_DEPENDENCY_OF":  false,
}

func convertSPDXPackage(p *spdx.Package) Component {
	out := Component{
		Ref:     "SPDXRef-" + strings.TrimSpace(string(p.PackageSPDXIdentifier)),
		Type:    strings.TrimSpace(p.PrimaryPackagePurpose),
		Name:    strings.TrimSpace(p.PackageName),
		Version: strings.TrimSpace(p.PackageVersion),
	}
	if p.PackageSPDXIdentifier == "" {
		out.Ref = ""
	}
	if loc := strings.TrimSpace(p.PackageDownloadLocation); !IsPlaceholder(loc) {
		out.DeployURI = loc
	}
	if p.PackageSupplier != nil {
		out.Supplier = strings.TrimSpace(p.PackageSupplier.Supplier)
		out.Contacts = appendNonEmpty(out.Contacts, spdxEmail(out.Supplier))
	}
	if p.PackageOriginator != nil {
		if who := strings.TrimSpace(p.PackageOriginator.Originator); who != "" {
			out.Authors = []string{who}
			out.Contacts = appendNonEmpty(out.Contacts, spdxEmail(who))
		}
	}
	out.Filename = strings.TrimSpace(p.PackageFileName)
	if len(p.PackageChecksums) > 0 {
		out.Hashes = make([]Hash, len(p.PackageChecksums))
		for i, c := range p.PackageChecksums {
			out.Hashes[i] = Hash{Algorithm: strings.TrimSpace(string(c.Algorithm)), Value: strings.TrimSpace(c.Value)}
		}
	}
	out.Licenses = appendNonEmpty(out.Licenses, p.PackageLicenseConcluded)
	if d := strings.TrimSpace(p.PackageLicenseDeclared); d != "" && (len(out.Licenses) == 0 || out.Licenses[0] != d) {
		out.Licenses = append(out.Licenses, d)
	}
	for _, r := range p.PackageExternalReferences {
		if r == nil {
			continue
		}
		loc := strings.TrimSpace(r.Locator)
		// SPDX 2 allows the reference type in URI form too
		// ("http://spdx.org/rdf/references/cpe23Type", as Yocto writes it).
		switch strings.TrimPrefix(r.RefType, "http://spdx.org/rdf/references/") {
		case "purl":
			if out.Purl == "" || !ValidPurl(out.Purl) && ValidPurl(loc) {
				out.Purl = loc
			}
		case "cpe23Type", "cpe22Type":
			if out.CPE == "" || !ValidCPE(out.CPE) && ValidCPE(loc) {
				out.CPE = loc
			}
		}
	}
	return out
}
