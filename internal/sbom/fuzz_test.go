package sbom

import (
	"fmt"
	"reflect"
	"runtime"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error is an *Error of a
// known kind, and that Coverage of any parsed document is consistent.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"bom-ref":"p","name":"p"},"tools":{"components":[{"name":"t"}]}},
		  "components":[{"bom-ref":"a","name":"a","version":"1","purl":"pkg:npm/a@1","licenses":[{"expression":"MIT OR (Apache-2.0 WITH LLVM-exception)"}],
		  "hashes":[{"alg":"SHA-256","content":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}],"components":[{"name":"b"}]}],
		  "dependencies":[{"ref":"p","dependsOn":["a"]}]}`,
		`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","documentDescribes":["SPDXRef-a"],"creationInfo":{"creators":["Tool: x"]},
		  "packages":[{"SPDXID":"SPDXRef-a","name":"a","supplier":"Organization: o","externalRefs":[{"referenceType":"cpe23Type",` +
			`"referenceLocator":"cpe:2.3:a:x:y:1:*:*:*:*:*:*:*"}]}],
		  "relationships":[{"spdxElementId":"SPDXRef-a","relationshipType":"DEPENDS_ON","relatedSpdxElement":"NONE"}]}`,
		`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.2"><components><component type="library" bom-ref="x"><name>x</name>
		  <licenses><license><id>MIT</id></license></licenses><hashes><hash alg="SHA-1">ab</hash></hashes></component></components>
		  <dependencies><dependency ref="x"><dependency ref="y"/></dependency></dependencies></bom>`,
		"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n",
		"SPDXVersion: SPDX-2.2\nSPDXID: SPDXRef-DOCUMENT\nCreator: Tool: t\n\nPackageName: " +
			"a\nSPDXID: SPDXRef-a\nPackageChecksum: SHA256: ab\nExternalRef: PACKAGE-MANAGER purl " +
			"pkg:npm/a@1\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n",
		`{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[{"type":"software_Package","spdxId":"p","name":"p",` +
			`"externalIdentifier":[{"type":"ExternalIdentifier","externalIdentifierType":"cpe23","identifier":"cpe:2.3:a:x:p:1:*:*:*:*:*:*:*"}]},` +
			`{"type":"software_Sbom","spdxId":"s","rootElement":["p"]},{"type":"security_VexFixedVulnAssessmentRelationship","from":"v","to":["p"]}]}`,
		"SPDXVersion: SPDX-2.2\nSPDXID: SPDXRef-DOCUMENT\nCreator: Amazon\nCreated: 2020-01-01T00:00:00Z\nExternalDocumentRef: DocumentRef-x " +
			"http://x SHA1: da39a3ee5e6b4b0d3255bfef95601890afd80709\n",
		"\x28\xb5\x2f\xfd\x00\x58\x00\x00\x00", // a zstd frame header
		"\x1f\x8b\x08\x00\x00\x00\x00\x00",     // a gzip header
		`{"bomFormat":"CycloneDX","specVersion":"2.0"}`,
		`{"a":[1,{"b":"\"}"}]}`,
		"\xEF\xBB\xBF[",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if e.Kind < NotSBOM || e.Kind > Malformed || e.Msg == "" || d != nil {
				t.Fatalf("bad error %+v (document %v)", e, d)
			}
			return
		}
		if d == nil || d.Format == "" || d.Encoding == "" {
			t.Fatalf("document %+v without error", d)
		}
		q := Coverage(d)
		for _, fc := range q.Fields {
			if fc.Present < 0 || fc.Present > q.Components || len(fc.Missing) > MaxExamples ||
				len(fc.Missing) > q.Components-fc.Present {
				t.Fatalf("inconsistent %+v of %d", fc, q.Components)
			}
		}
		s := string(data)
		ValidLicenseExpression(s)
		ValidPurl(s)
		ValidCPE(s)
		IsPlaceholder(s)
	})
}

// FuzzSplitDecode decodes every input both ways: split into chunks of two
// elements on several CPUs (CycloneDX components, SPDX packages), and in one
// piece on one CPU, with the XML components streamed one by one either way.
// The documents and the errors must be the same.
func FuzzSplitDecode(f *testing.F) {
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a"},{"name":"b","components":[{"name":"c"}]},` +
		`{"name":"d"},{"bom-ref":"e"}],"dependencies":[{"ref":"a","dependsOn":["b"]}]}`))
	f.Add([]byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","documentDescribes":["SPDXRef-a"],"packages":[` +
		`{"SPDXID":"SPDXRef-a","name":"a"},{"SPDXID":"SPDXRef-b","name":"b"},{"SPDXID":"SPDXRef-c","name":"c"}]}`))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a"},{"name":1},{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if runtime.GOMAXPROCS(0) < 2 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
		}
		defer func(n, c int) { parallelMinComponents, chunkComponents = n, c }(parallelMinComponents, chunkComponents)
		parallelMinComponents, chunkComponents = 2, 2
		split, serr := Parse(data)
		whole, werr := parseSerial(t, data)
		if fmt.Sprint(serr) != fmt.Sprint(werr) {
			t.Fatalf("errors differ:\n  split %v\n  whole %v", serr, werr)
		}
		if !reflect.DeepEqual(split, whole) {
			t.Fatalf("documents differ:\n  split %+v\n  whole %+v", split, whole)
		}
	})
}
