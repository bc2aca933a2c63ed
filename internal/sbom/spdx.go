package sbom

import (
	"bytes"
	"strings"

	"github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/tagvalue"
)

// SPDX documents are read by github.com/spdx/tools-golang (JSON and tag-value,
// 2.2 converted to its 2.3 model), then mapped onto the model.

// parseSPDXJSON decodes an SPDX 2.2/2.3 JSON document; version is "2.2"/"2.3".
func parseSPDXJSON(data []byte, version string) (*Document, error) {
	in, err := json.Read(bytes.NewReader(data))
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
	return convertSPDX(in, JSON, version), nil
}

// parseSPDXTagValue decodes an SPDX 2.2/2.3 tag-value document.
func parseSPDXTagValue(data []byte, version string) (*Document, error) {
	in, err := tagvalue.Read(bytes.NewReader(withoutSnippets(data)))
	if err != nil {
		return nil, &Error{Kind: Malformed, Msg: "SPDX tag-value: " + err.Error(), Err: err}
	}
	return convertSPDX(in, TagValue, version), nil
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
func convertSPDX(in *spdx.Document, enc Encoding, version string) *Document {
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

	index := make(map[string]int, len(in.Packages))
	for _, p := range in.Packages {
		if p == nil {
			continue
		}
		c := convertSPDXPackage(p)
		if _, dup := index[c.Ref]; !dup && c.Ref != "" {
			index[c.Ref] = len(doc.Components)
		}
		doc.Components = append(doc.Components, c)
	}

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
		forward, ok := spdxDependencyTypes[typ]
		if !ok {
			continue
		}
		if !forward {
			from, to = to, from
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
		switch r.RefType {
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
