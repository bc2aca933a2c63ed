package sbom

import "strings"

// The spdx* types decode only what the model needs from SPDX 2.2/2.3 JSON.

type spdxDoc struct {
	SPDXID            string   `json:"SPDXID"`
	Name              string   `json:"name"`
	DocumentNamespace string   `json:"documentNamespace"`
	DocumentDescribes []string `json:"documentDescribes"`
	CreationInfo      struct {
		Creators []string `json:"creators"`
		Created  string   `json:"created"`
	} `json:"creationInfo"`
	Packages      []spdxPackage      `json:"packages"`
	Relationships []spdxRelationship `json:"relationships"`
}

type spdxPackage struct {
	SPDXID           string `json:"SPDXID"`
	Name             string `json:"name"`
	VersionInfo      string `json:"versionInfo"`
	Supplier         string `json:"supplier"`
	Originator       string `json:"originator"`
	LicenseConcluded string `json:"licenseConcluded"`
	LicenseDeclared  string `json:"licenseDeclared"`
	Purpose          string `json:"primaryPackagePurpose"`
	Checksums        []struct {
		Algorithm     string `json:"algorithm"`
		ChecksumValue string `json:"checksumValue"`
	} `json:"checksums"`
	ExternalRefs []struct {
		Category string `json:"referenceCategory"`
		Type     string `json:"referenceType"`
		Locator  string `json:"referenceLocator"`
	} `json:"externalRefs"`
}

type spdxRelationship struct {
	Element string `json:"spdxElementId"`
	Related string `json:"relatedSpdxElement"`
	Type    string `json:"relationshipType"`
}

// parseSPDXJSON decodes an SPDX 2.2/2.3 JSON document; version is "2.2"/"2.3".
func parseSPDXJSON(data []byte, version string) (*Document, error) {
	var in spdxDoc
	warning, err := decodeJSON(data, &in)
	if err != nil {
		return nil, err
	}
	doc := &Document{
		Format:       SPDX,
		Encoding:     JSON,
		SpecVersion:  version,
		Components:   make([]Component, len(in.Packages)),
		Dependencies: make(map[string][]string),
	}
	if warning != "" {
		doc.Warnings = append(doc.Warnings, warning)
	}
	doc.Metadata = Metadata{
		Timestamp: strings.TrimSpace(in.CreationInfo.Created),
		Namespace: strings.TrimSpace(in.DocumentNamespace),
		Name:      strings.TrimSpace(in.Name),
	}
	for _, c := range in.CreationInfo.Creators {
		kind, who := splitSPDXActor(c)
		if who == "" {
			continue
		}
		if kind == "Tool" {
			doc.Metadata.Tools = append(doc.Metadata.Tools, who)
		} else {
			doc.Metadata.Authors = append(doc.Metadata.Authors, who)
		}
	}

	index := make(map[string]int, len(in.Packages))
	for i := range in.Packages {
		doc.Components[i] = convertSPDXPackage(&in.Packages[i])
		if ref := doc.Components[i].Ref; ref != "" {
			if _, dup := index[ref]; !dup {
				index[ref] = i
			}
		}
	}

	docID := strings.TrimSpace(in.SPDXID)
	if docID == "" {
		docID = "SPDXRef-DOCUMENT"
	}
	described := func(ref string) {
		if _, ok := index[ref]; !ok {
			return
		}
		for _, r := range doc.Described {
			if r == ref {
				return
			}
		}
		doc.Described = append(doc.Described, ref)
	}
	for _, ref := range in.DocumentDescribes {
		described(strings.TrimSpace(ref))
	}
	for i := range in.Relationships {
		r := &in.Relationships[i]
		from, to := strings.TrimSpace(r.Element), strings.TrimSpace(r.Related)
		typ := strings.ToUpper(strings.TrimSpace(r.Type))
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
	return doc, nil
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

func convertSPDXPackage(p *spdxPackage) Component {
	out := Component{
		Ref:     strings.TrimSpace(p.SPDXID),
		Type:    strings.TrimSpace(p.Purpose),
		Name:    strings.TrimSpace(p.Name),
		Version: strings.TrimSpace(p.VersionInfo),
	}
	_, out.Supplier = splitSPDXActor(p.Supplier)
	if _, who := splitSPDXActor(p.Originator); who != "" {
		out.Authors = []string{who}
	}
	if len(p.Checksums) > 0 {
		out.Hashes = make([]Hash, len(p.Checksums))
		for i, c := range p.Checksums {
			out.Hashes[i] = Hash{Algorithm: strings.TrimSpace(c.Algorithm), Value: strings.TrimSpace(c.ChecksumValue)}
		}
	}
	out.Licenses = appendNonEmpty(out.Licenses, p.LicenseConcluded)
	if d := strings.TrimSpace(p.LicenseDeclared); d != "" && (len(out.Licenses) == 0 || out.Licenses[0] != d) {
		out.Licenses = append(out.Licenses, d)
	}
	for _, r := range p.ExternalRefs {
		loc := strings.TrimSpace(r.Locator)
		switch r.Type {
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

// splitSPDXActor splits "Organization: Example (mail@example.org)" into its
// kind and the rest; NOASSERTION and a value without a kind keep the kind empty.
func splitSPDXActor(s string) (kind, who string) {
	s = strings.TrimSpace(s)
	for _, k := range [...]string{"Organization", "Person", "Tool"} {
		if len(s) > len(k) && s[len(k)] == ':' && strings.EqualFold(s[:len(k)], k) {
			return k, strings.TrimSpace(s[len(k)+1:])
		}
	}
	return "", s
}
