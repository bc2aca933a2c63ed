package sbom

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// SniffLen is how many bytes of a file's start, and of its end, Sniff needs.
const SniffLen = 8 << 10

// Sniff tells from the first bytes of a file (head) and, when the file is
// longer, its last bytes (tail), whether it looks like an SBOM, and of which
// format, so that SBOMs can be found among many files without reading each
// whole. It applies Parse's own tests to what it is given: a JSON object's
// bomFormat ("CycloneDX") or spdxVersion or SPDX 3.0 @context, a CycloneDX
// <bom> root element or SPDX RDF/XML and XML, an "SPDXVersion:" line
// (tag-value) or "spdxVersion:" line (YAML). A JSON object whose top-level
// keys run past head counts when head holds a key only SBOMs write
// ("bom-ref", "SPDXID") or tail holds bomFormat or spdxVersion: generators
// that sort their keys write those last, after the components.
//
// Sniff is a guess from part of a file and names formats Parse refuses
// (SPDX YAML, XML and RDF/XML): only Parse, given the whole file,
// confirms a document. It returns "" for anything else.
func Sniff(head, tail []byte) Format {
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	skip, err := skipPreamble(head)
	if err != nil || skip == len(head) {
		return ""
	}
	switch head[skip] {
	case '{':
		return sniffJSON(head, tail, skip)
	case '[':
		return "" // Parse: a JSON array is not an SBOM
	case '<':
		return sniffXML(head)
	}
	if _, ok := lineValue(head, "SPDXVersion:"); ok {
		return SPDX
	}
	if _, ok := lineValue(head, "spdxVersion:"); ok {
		return SPDX
	}
	return ""
}

func sniffJSON(head, tail []byte, skip int) Format {
	top, complete := scanJSONTop(head, skip)
	switch {
	case top.hasBOMFormat:
		if strings.EqualFold(top.bomFormat, "CycloneDX") {
			return CycloneDX
		}
		return ""
	case top.hasSPDXVersion, strings.Contains(top.context, "spdx.org/rdf/3"):
		return SPDX
	case complete:
		return "" // the whole top level was read: neither key is there
	case bytes.Contains(head, []byte(`"bom-ref"`)):
		return CycloneDX
	case bytes.Contains(head, []byte(`"SPDXID"`)), bytes.Contains(head, []byte(`"spdxId"`)):
		return SPDX
	case bytes.Contains(tail, []byte(`"bomFormat"`)) && bytes.Contains(tail, []byte(`"CycloneDX"`)):
		return CycloneDX
	case bytes.Contains(tail, []byte(`"spdxVersion"`)):
		return SPDX
	}
	return ""
}

func sniffXML(head []byte) Format {
	dec := xml.NewDecoder(bytes.NewReader(head))
	dec.CharsetReader = charsetReader
	start, err := xmlRoot(dec)
	switch {
	case err != nil:
		return ""
	case isCycloneDXRoot(start):
		return CycloneDX
	case isSPDXRDF(start, head), start.Name.Local == "Document" && isSPDXXML(dec):
		return SPDX
	}
	return ""
}
