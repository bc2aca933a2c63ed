package sbom

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// mustParse fails the test unless data parses.
func mustParse(t *testing.T, data string) *Document {
	t.Helper()
	d, err := Parse([]byte(data))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return d
}

// parseErr fails the test unless Parse returns an *Error of kind.
func parseErr(t *testing.T, data string, kind ErrorKind) *Error {
	t.Helper()
	d, err := Parse([]byte(data))
	var e *Error
	if !errors.As(err, &e) || e == nil {
		t.Fatalf("Parse = %v, %v; want *Error", d, err)
	}
	if e.Kind != kind || d != nil {
		t.Fatalf("Parse error %q (kind %v), want kind %v", e, e.Kind, kind)
	}
	return e
}

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		format     Format
		enc        Encoding
		spec       string
	}{
		{"cyclonedx json", `{"bomFormat":"CycloneDX","specVersion":"1.5"}`, CycloneDX, JSON, "1.5"},
		{"utf-8 byte-order mark and blank lines", "\xEF\xBB\xBF\n\n {\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.4\"}", CycloneDX, JSON, "1.4"},
		{"specVersion after components", `{"bomFormat":"CycloneDX","components":[{"name":"a"}],"specVersion":"1.3"}`, CycloneDX, JSON, "1.3"},
		{"specVersion before bomFormat", `{"specVersion":"1.2","bomFormat":"CycloneDX"}`, CycloneDX, JSON, "1.2"},
		{"escaped key", `{"bom\u0046ormat":"CycloneDX","specVersion":"1.6"}`, CycloneDX, JSON, "1.6"},
		{"spdx json", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`, SPDX, JSON, "2.3"},
		{"spdx 2.2 after other keys", `{"SPDXID":"SPDXRef-DOCUMENT","packages":[],"spdxVersion":"SPDX-2.2"}`, SPDX, JSON, "2.2"},
		{"cyclonedx xml 1.0", `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.0" version="1"><components/></bom>`, CycloneDX, XML, "1.0"},
		{"cyclonedx xml after comment", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- generated -->\n<bom " +
			"xmlns=\"http://cyclonedx.org/schema/bom/1.7\"/>", CycloneDX, XML, "1.7"},
		{"latin-1 xml", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><bom " +
			"xmlns=\"http://cyclonedx.org/schema/bom/1.4\"><components><component " +
			"type=\"library\"><name>caf\xe9</name></component></components></bom>", CycloneDX, XML, "1.4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := mustParse(t, tc.data)
			if d.Format != tc.format || d.Encoding != tc.enc || d.SpecVersion != tc.spec {
				t.Errorf("got %s %s %q, want %s %s %q", d.Format, d.Encoding, d.SpecVersion, tc.format, tc.enc, tc.spec)
			}
		})
	}
	if d := mustParse(t, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><bom "+
		"xmlns=\"http://cyclonedx.org/schema/bom/1.4\"><components><component "+
		"type=\"library\"><name>caf\xe9</name></component></components></bom>"); d.Components[0].Name != "café" {
		t.Errorf("latin-1 name read as %q", d.Components[0].Name)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		kind       ErrorKind
		msg        string // substring of the message
	}{
		{"empty", "", NotSBOM, "empty"},
		{"white space only", " \n\t ", NotSBOM, "empty"},
		{"json without bomFormat", `{"name":"x","version":1}`, NotSBOM, "JSON without bomFormat or spdxVersion (top-level keys: name, version)"},
		{"empty object", `{}`, NotSBOM, "without bomFormat"},
		{"json array", `[{"bomFormat":"CycloneDX"}]`, NotSBOM, "JSON array"},
		{"json string", `"CycloneDX"`, NotSBOM, `starts with "\"CycloneDX\""`},
		{"broken json array", `[1,`, Malformed, "unexpected end"},
		{"broken cyclonedx 2.0", `{"bomFormat":"CycloneDX","specVersion":"2.0",`, Malformed, "unexpected end"},
		{"other bomFormat", `{"bomFormat":"SWID","specVersion":"1.0"}`, NotSBOM, `bomFormat "SWID"`},
		{"cyclonedx 2.0", `{"bomFormat":"CycloneDX","specVersion":"2.0"}`, UnsupportedVersion, "CycloneDX 1.0–1.7, SPDX 2.2, 2.3 and 3.0"},
		{"cyclonedx 2.0 found after decoding", `{"bomFormat":"CycloneDX","components":[],"specVersion":"2.0"}`, UnsupportedVersion, `"2.0"`},
		{"cyclonedx without specVersion", `{"bomFormat":"CycloneDX","components":[]}`, Malformed, "without specVersion"},
		{"spdx 2.1", `{"spdxVersion":"SPDX-2.1"}`, UnsupportedVersion, `"SPDX-2.1"`},
		{"spdx version garbage", `{"spdxVersion":"2.3"}`, Malformed, "SPDX-M.N"},
		{"spdx 3.1 json-ld", `{"@context":"https://spdx.org/rdf/3.1/spdx-context.jsonld","@graph":[]}`, UnsupportedVersion, "SPDX 3.1"},
		{"spdx 3 pre-release context", `{"@context":"https://spdx.github.io/spdx-3-model/context.json","@graph":[]}`, UnsupportedVersion,
			"pre-release"},
		{"xml not cyclonedx", `<?xml version="1.0"?><project><name>x</name></project>`, NotSBOM, "root element <project>"},
		{"xml bom without namespace", `<bom version="1"/>`, NotSBOM, `namespace ""`},
		{"xml cyclonedx 1.9", `<bom xmlns="http://cyclonedx.org/schema/bom/1.9"/>`, UnsupportedVersion, `"1.9"`},
		{"spdx rdf", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:spdx="http://spdx.org/rdf/terms#"/>`, UnsupportedEncoding, "RDF/XML"},
		{"tag-value 2.1", "SPDXVersion: SPDX-2.1\nDataLicense: CC0-1.0\n", UnsupportedVersion, "SPDX-2.1"},
		{"spdx yaml", "spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\n", UnsupportedEncoding, "YAML"},
		{"plain text", "hello world", NotSBOM, `"hello world"`},
		{"utf-16", "\xFF\xFE{\x00}\x00", Malformed, "UTF-16"},
		{"xml syntax", "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n<components>\n</bom>", Malformed, "XML"},
		{"xml without root", "<?xml version=\"1.0\"?>\n<!-- nothing -->", Malformed, "root element"},
		{"unknown xml encoding", `<?xml version="1.0" encoding="EBCDIC"?><bom/>`, Malformed, "EBCDIC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := parseErr(t, tc.data, tc.kind)
			if !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("message %q lacks %q", e.Msg, tc.msg)
			}
		})
	}
}

func TestSyntaxErrorPosition(t *testing.T) {
	truncated := "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n    {\"name\": \"a\""
	e := parseErr(t, truncated, Malformed)
	if e.Line != 5 || e.Column != 16 || !strings.Contains(e.Msg, "unexpected end") {
		t.Errorf("truncated JSON: %q at %d:%d, want 5:16", e.Msg, e.Line, e.Column)
	}
	if got := e.Error(); got != "malformed at line 5, column 16: JSON: unexpected end of JSON input" {
		t.Errorf("Error() = %q", got)
	}

	// The column counts characters, not bytes: "é" is two bytes.
	bad := "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n \"components\": [{\"name\": \"é\", \"version\": x}]}"
	e = parseErr(t, bad, Malformed)
	if e.Line != 2 || e.Column != 42 {
		t.Errorf("bad value at %d:%d, want 2:42 (%q)", e.Line, e.Column, e.Msg)
	}

	// A document without bomFormat that is also broken reports the syntax error.
	e = parseErr(t, "{\"a\": [1, 2,\n]}", Malformed)
	if e.Line != 2 || e.Column != 1 {
		t.Errorf("broken JSON at %d:%d, want 2:1 (%q)", e.Line, e.Column, e.Msg)
	}

	// A byte-order mark does not shift columns.
	e = parseErr(t, "\xEF\xBB\xBF{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",}", Malformed)
	if e.Line != 1 || e.Column != 46 {
		t.Errorf("trailing comma at %d:%d, want 1:46, the closing brace (%q)", e.Line, e.Column, e.Msg)
	}

	e = parseErr(t, "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n<components>\n <!-- é --> </bom>", Malformed)
	if e.Line != 3 || e.Column != 18 {
		t.Errorf("XML error at %d:%d, want 3:18, after </bom> (%q)", e.Line, e.Column, e.Msg)
	}
}

func TestWrongTypeIsMalformed(t *testing.T) {
	// The schema says specVersion is a string; cyclonedx-go refuses a number.
	if e := parseErr(t, `{"bomFormat":"CycloneDX","specVersion":1.6}`, Malformed); !strings.Contains(e.Msg, "specVersion") {
		t.Errorf("specVersion as a number: %q", e.Msg)
	}
	e := parseErr(t, `{"bomFormat":"CycloneDX","specVersion":"1.6",
		"components":[{"name":"a","version":2},{"name":"b","version":"1.0"}]}`, Malformed)
	if e.Line != 2 || !strings.Contains(e.Msg, "version") || !strings.Contains(e.Msg, "number") {
		t.Errorf("got %d:%d %q", e.Line, e.Column, e.Msg)
	}
	parseErr(t, `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"tools":"x"}}`, Malformed)
}

func TestCycloneDXJSON(t *testing.T) {
	d := mustParse(t, `{
  "bomFormat": "CycloneDX", "specVersion": "1.6",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "metadata": {
    "timestamp": "2024-05-06T07:08:09Z",
    "tools": [{"vendor": "acme", "name": "scanner", "version": "2"}, {"vendor": "only-vendor"}],
    "authors": [{"name": "Ann"}, {"email": "bob@example.org"}],
    "supplier": {"url": ["https://acme.example"]},
    "component": {"bom-ref": "app", "name": "app", "version": "1",
      "components": [{"bom-ref": "plugin", "name": "plugin", "version": "1"}]}
  },
  "components": [
    {"bom-ref": "a", "type": "library", "group": "g", "name": "a", "version": "1.0",
     "supplier": {"name": "  Sup  "}, "manufacturer": {"url": ["https://m.example"]},
     "author": "Au", "authors": [{"name": "Bu"}], "publisher": "Pub",
     "hashes": [{"alg": "SHA-1", "content": "aa"}],
     "licenses": [{"license": {"id": "MIT"}}, {"license": {"name": "Custom"}}, {"expression": "Apache-2.0 OR MIT"}],
     "purl": "pkg:maven/g/a@1.0", "cpe": "cpe:2.3:a:g:a:1.0:*:*:*:*:*:*:*",
     "externalReferences": [
       {"type": "distribution", "hashes": [{"alg": "SHA-256", "content": "bb"}]},
       {"type": "vcs", "hashes": [{"alg": "SHA-256", "content": "ignored"}]}],
     "components": [{"bom-ref": "a/inner", "name": "inner"}]},
    {"name": "b"}
  ],
  "services": [{"name": "s", "services": [{"name": "t"}]}],
  "dependencies": [{"ref": "app", "dependsOn": ["a"]}, {"ref": "a"}, {"ref": "a", "dependsOn": ["a/inner"]}, {"ref": "", "dependsOn": ["b"]}]
}`)
	var refs []string
	for _, c := range d.Components {
		refs = append(refs, c.Ref)
	}
	// Depth-first, the metadata component's children after the top level.
	if !slices.Equal(refs, []string{"a", "a/inner", "", "plugin"}) {
		t.Errorf("component refs %q", refs)
	}
	a := d.Components[0]
	want := Component{Ref: "a", Type: "library", Group: "g", Name: "a", Version: "1.0",
		Purl: "pkg:maven/g/a@1.0", CPE: "cpe:2.3:a:g:a:1.0:*:*:*:*:*:*:*",
		Supplier: "Sup", Manufacturer: "https://m.example", Authors: []string{"Au", "Bu"}, Publisher: "Pub",
		Hashes:   []Hash{{"SHA-1", "aa"}, {"SHA-256", "bb"}},
		Licenses: []string{"MIT", "Custom", "Apache-2.0 OR MIT"}}
	if !componentsEqual(a, want) {
		t.Errorf("component\n got %+v\nwant %+v", a, want)
	}
	if d.Primary == nil || d.Primary.Ref != "app" || !slices.Equal(d.Described, []string{"app"}) || !d.HasDependencyFromPrimary() {
		t.Errorf("primary %+v described %q", d.Primary, d.Described)
	}
	if !slices.Equal(d.Dependencies["a"], []string{"a/inner"}) || len(d.Dependencies) != 2 {
		t.Errorf("dependencies %q", d.Dependencies)
	}
	m := d.Metadata
	if d.Services != 2 || m.Timestamp != "2024-05-06T07:08:09Z" || m.Supplier != "https://acme.example" ||
		!slices.Equal(m.Tools, []string{"scanner 2", "only-vendor"}) || !slices.Equal(m.Authors, []string{"Ann", "bob@example.org"}) {
		t.Errorf("services %d metadata %+v", d.Services, m)
	}
}

func componentsEqual(a, b Component) bool {
	return a.Ref == b.Ref && a.Type == b.Type && a.Group == b.Group && a.Name == b.Name && a.Version == b.Version &&
		a.Purl == b.Purl && a.CPE == b.CPE && a.Supplier == b.Supplier && a.Manufacturer == b.Manufacturer &&
		a.Publisher == b.Publisher && slices.Equal(a.Authors, b.Authors) && slices.Equal(a.Hashes, b.Hashes) &&
		slices.Equal(a.Licenses, b.Licenses)
}

func TestCycloneDXXML(t *testing.T) {
	d := mustParse(t, `<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1">
  <metadata>
    <timestamp>2024-01-01T00:00:00Z</timestamp>
    <tools><components><component type="application"><name>gen</name><version>3</version></component></components></tools>
    <component type="application" bom-ref="app"><name>app</name><version>1</version></component>
  </metadata>
  <components>
    <component type="library" bom-ref="lib">
      <supplier><name>S</name></supplier>
      <name>lib</name><version>2</version>
      <hashes><hash alg="SHA-256">
        2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
      </hash></hashes>
      <licenses><expression>MIT OR Apache-2.0</expression></licenses>
      <purl>pkg:generic/lib@2</purl>
      <externalReferences><reference type="distribution"><url>https://x</url>
        <hashes><hash alg="SHA-512">abc</hash></hashes></reference></externalReferences>
      <components><component type="library" bom-ref="sub"><name>sub</name><version>1</version>
        <licenses><license><id>BSD-2-Clause</id></license><license><name>Other</name></license></licenses></component></components>
    </component>
  </components>
  <services><service><name>api</name></service></services>
  <dependencies>
    <dependency ref="app"><dependency ref="lib"/></dependency>
    <dependency ref="lib"><dependency ref="sub"><dependency ref="leaf"/></dependency></dependency>
  </dependencies>
</bom>`)
	if d.Encoding != XML || d.SpecVersion != "1.5" || len(d.Components) != 2 || d.Services != 1 {
		t.Fatalf("%s %s, %d components, %d services", d.Encoding, d.SpecVersion, len(d.Components), d.Services)
	}
	lib, sub := d.Components[0], d.Components[1]
	if lib.Supplier != "S" || !slices.Equal(lib.Licenses, []string{"MIT OR Apache-2.0"}) ||
		!slices.Equal(lib.Hashes, []Hash{{"SHA-256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}, {"SHA-512", "abc"}}) {
		t.Errorf("lib %+v", lib)
	}
	if !slices.Equal(sub.Licenses, []string{"BSD-2-Clause", "Other"}) {
		t.Errorf("sub licences %q", sub.Licenses)
	}
	// cyclonedx-go reads the one level of nesting the CycloneDX XML writers
	// produce: "lib" depends on "sub"; deeper nesting is not read.
	if !slices.Equal(d.Dependencies["app"], []string{"lib"}) || !slices.Equal(d.Dependencies["lib"], []string{"sub"}) ||
		len(d.Dependencies) != 2 {
		t.Errorf("dependencies %q", d.Dependencies)
	}
	if !d.HasDependencyFromPrimary() || !slices.Equal(d.Metadata.Tools, []string{"gen 3"}) || d.Metadata.SerialNumber == "" {
		t.Errorf("primary dependency %v, metadata %+v", d.HasDependencyFromPrimary(), d.Metadata)
	}
	q := Coverage(d)
	// "sub" names "BSD-2-Clause" and "Other": a licence that is not an SPDX
	// expression, so its licences do not count.
	if q.Field(FieldHash).Present != 1 || q.Field(FieldLicense).Present != 1 || q.Field(FieldDependencies).Present != 2 {
		t.Errorf("coverage %+v", q.Fields)
	}
}

func TestSPDXRelationships(t *testing.T) {
	d := mustParse(t, `{
  "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "doc",
  "documentNamespace": "https://example.org/spdx/doc-1",
  "documentDescribes": ["SPDXRef-app"],
  "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: gen-1", "Organization: Acme", "Person: Ann (ann@example.org)"]},
  "packages": [
    {"SPDXID": "SPDXRef-app", "name": "app", "versionInfo": "1", "supplier": "Organization: Acme (x@acme.example)",
     "licenseConcluded": "MIT", "licenseDeclared": "MIT",
     "checksums": [{"algorithm": "SHA256", "checksumValue": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}],
     "externalRefs": [
       {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "not a purl"},
       {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:generic/app@1"},
       {"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:acme:app:1:*:*:*:*:*:*:*"}]},
    {"SPDXID": "SPDXRef-lib", "name": "lib", "versionInfo": "NOASSERTION", "supplier": "NOASSERTION",
     "originator": "Person: Bob", "licenseConcluded": "NOASSERTION", "licenseDeclared": "Apache-2.0"},
    {"SPDXID": "SPDXRef-leaf", "name": "leaf", "versionInfo": "2"},
    {"SPDXID": "SPDXRef-lone", "name": "lone", "versionInfo": "3"}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-app"},
    {"spdxElementId": "SPDXRef-lib", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-app"},
    {"spdxElementId": "SPDXRef-leaf", "relationshipType": "CONTAINED_BY", "relatedSpdxElement": "SPDXRef-lib"},
    {"spdxElementId": "SPDXRef-leaf", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NONE"},
    {"spdxElementId": "SPDXRef-lib", "relationshipType": "depends_on", "relatedSpdxElement": "DocumentRef-ext:SPDXRef-x"},
    {"spdxElementId": "SPDXRef-app", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-File-a"},
    {"spdxElementId": "SPDXRef-lone", "relationshipType": "OTHER", "relatedSpdxElement": "SPDXRef-app"}
  ]
}`)
	want := map[string][]string{
		"SPDXRef-app":  {"SPDXRef-lib"},
		"SPDXRef-lib":  {"SPDXRef-leaf", "DocumentRef-ext:SPDXRef-x"},
		"SPDXRef-leaf": nil,
	}
	if len(d.Dependencies) != len(want) {
		t.Errorf("dependencies %q, want %q", d.Dependencies, want)
	}
	for k, v := range want {
		if got, ok := d.Dependencies[k]; !ok || !slices.Equal(got, v) {
			t.Errorf("dependencies[%s] = %q, want %q", k, got, v)
		}
	}
	if d.Primary == nil || d.Primary.Ref != d.Components[0].Ref || !slices.Equal(d.Described, []string{"SPDXRef-app"}) || !d.HasDependencyFromPrimary() {
		t.Errorf("primary %+v, described %q", d.Primary, d.Described)
	}
	app, lib := d.Components[0], d.Components[1]
	if app.Supplier != "Acme (x@acme.example)" || app.Purl != "pkg:generic/app@1" || app.CPE == "" || !slices.Equal(app.Licenses, []string{"MIT"}) {
		t.Errorf("app %+v", app)
	}
	if !slices.Equal(lib.Authors, []string{"Bob"}) || !slices.Equal(lib.Licenses, []string{"NOASSERTION", "Apache-2.0"}) {
		t.Errorf("lib %+v", lib)
	}
	m := d.Metadata
	if !slices.Equal(m.Tools, []string{"gen-1"}) || !slices.Equal(m.Authors, []string{"Acme", "Ann (ann@example.org)"}) || m.Name != "doc" {
		t.Errorf("metadata %+v", m)
	}
	q := Coverage(d)
	got := map[Field]int{}
	for _, f := range q.Fields {
		got[f.Field] = f.Present
	}
	wantQ := map[Field]int{FieldName: 4, FieldVersion: 3, FieldSupplier: 2, FieldHash: 1, FieldLicense: 2, FieldIdentifier: 1, FieldDependencies: 3}
	for f, n := range wantQ {
		if got[f] != n {
			t.Errorf("%s: %d, want %d", f, got[f], n)
		}
	}
	if missing := q.Field(FieldDependencies).Missing; !slices.Equal(missing, []string{"lone@3"}) {
		t.Errorf("dependencies missing %q", missing)
	}
}

func TestPrimaryEdgeCases(t *testing.T) {
	// A dependency graph without a primary component does not count.
	d := mustParse(t, `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"bom-ref":"a","name":"a"}],
		"dependencies":[{"ref":"a","dependsOn":["b"]}]}`)
	if d.Primary != nil || d.HasDependencyFromPrimary() {
		t.Errorf("no primary: %+v %v", d.Primary, d.HasDependencyFromPrimary())
	}
	// An entry for the primary with an empty dependsOn is not an outgoing relationship.
	d = mustParse(t, `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"bom-ref":"p","name":"p"}},
		"dependencies":[{"ref":"p","dependsOn":[]}]}`)
	if d.Primary == nil || d.HasDependencyFromPrimary() {
		t.Errorf("empty dependsOn: %+v %v", d.Primary, d.HasDependencyFromPrimary())
	}
	// SPDX: the second described package carries the dependency.
	d = mustParse(t, `{"spdxVersion":"SPDX-2.2","documentDescribes":["SPDXRef-a","SPDXRef-b","SPDXRef-missing"],
		"packages":[{"SPDXID":"SPDXRef-a","name":"a"},{"SPDXID":"SPDXRef-b","name":"b"},{"SPDXID":"SPDXRef-c","name":"c"}],
		"relationships":[{"spdxElementId":"SPDXRef-c","relationshipType":"BUILD_DEPENDENCY_OF","relatedSpdxElement":"SPDXRef-b"}]}`)
	if d.Primary == nil || d.Primary.Ref != "SPDXRef-a" || !slices.Equal(d.Described, []string{"SPDXRef-a", "SPDXRef-b"}) || !d.HasDependencyFromPrimary() {
		t.Errorf("described %q, primary %+v, dependency %v", d.Described, d.Primary, d.HasDependencyFromPrimary())
	}
}

func TestSPDXTagValue(t *testing.T) {
	d := mustParse(t, `SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: lock-firmware
DocumentNamespace: https://acme-locks.eu/spdx/lock-firmware-3.2.0
Creator: Tool: syft-1.42.3
Creator: Organization: Acme GmbH
Created: 2026-11-01T10:00:00Z

PackageName: lock-firmware
SPDXID: SPDXRef-Package-fw
PackageVersion: 3.2.0
PackageSupplier: Organization: Acme GmbH
PackageDownloadLocation: NOASSERTION
PackageLicenseConcluded: LicenseRef-Acme
PackageLicenseDeclared: LicenseRef-Acme

PackageName: golang.org/x/crypto
SPDXID: SPDXRef-Package-crypto
PackageVersion: v0.31.0
PackageSupplier: NOASSERTION
PackageDownloadLocation: NOASSERTION
PackageChecksum: SHA256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
PackageLicenseConcluded: BSD-3-Clause
ExternalRef: PACKAGE-MANAGER purl pkg:golang/golang.org/x/crypto@v0.31.0

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-Package-fw
Relationship: SPDXRef-Package-fw DEPENDS_ON SPDXRef-Package-crypto
`)
	if d.Format != SPDX || d.Encoding != TagValue || d.SpecVersion != "2.3" || len(d.Components) != 2 {
		t.Fatalf("%s %s %s, %d components", d.Format, d.Encoding, d.SpecVersion, len(d.Components))
	}
	if d.Primary == nil || d.Primary.Name != "lock-firmware" || !d.HasDependencyFromPrimary() {
		t.Errorf("primary %+v, dependency %v", d.Primary, d.HasDependencyFromPrimary())
	}
	crypto := d.Components[1]
	if crypto.Purl != "pkg:golang/golang.org/x/crypto@v0.31.0" || len(crypto.Hashes) != 1 || !crypto.Hashes[0].Strong() {
		t.Errorf("crypto %+v", crypto)
	}
	if !slices.Equal(d.Metadata.Tools, []string{"syft-1.42.3"}) || d.Metadata.Timestamp != "2026-11-01T10:00:00Z" {
		t.Errorf("metadata %+v", d.Metadata)
	}
	q := Coverage(d)
	if q.Field(FieldSupplier).Present != 1 || q.Field(FieldIdentifier).Present != 1 || q.Field(FieldHash).Present != 1 {
		t.Errorf("coverage %+v", q.Fields)
	}
	parseErr(t, "SPDXVersion: SPDX-2.3\nPackageName: x\nPackageChecksum: what\n", Malformed)
}

func TestLegacy(t *testing.T) {
	for data, want := range map[string]bool{
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.1"/>`:   true,
		`{"bomFormat":"CycloneDX","specVersion":"1.0"}`:        true,
		`{"bomFormat":"CycloneDX","specVersion":"1.2"}`:        false,
		`{"spdxVersion":"SPDX-2.2","packages":[{"name":"a"}]}`: false,
	} {
		if got := mustParse(t, data).Legacy(); got != want {
			t.Errorf("Legacy(%s) = %v", data, got)
		}
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\nçd\n")
	for _, tc := range []struct{ off, line, col int }{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {5, 2, 2}, {6, 2, 3}, {7, 3, 1}, {99, 3, 1}, {-1, 1, 1}} {
		if l, c := lineCol(data, tc.off); l != tc.line || c != tc.col {
			t.Errorf("lineCol(%d) = %d:%d, want %d:%d", tc.off, l, c, tc.line, tc.col)
		}
	}
}

// TestSPDXManyDescribed is the regression test for DESCRIBES checked by a
// scan of what was already described (80,000 relationships took 18 s).
func TestSPDXManyDescribed(t *testing.T) {
	const n = 80000
	var pkgs, rels []string
	for i := range n {
		pkgs = append(pkgs, fmt.Sprintf(`{"SPDXID":"SPDXRef-p%d","name":"p%d","versionInfo":"1.0.%d","downloadLocation":"NOASSERTION"}`, i, i, i))
		rels = append(rels, fmt.Sprintf(`{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-p%d"}`, i))
	}
	doc := `{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"many","documentNamespace":"https://testlock.eu/spdx/many",` +
		`"creationInfo":{"created":"2026-11-01T00:00:00Z","creators":["Tool: gen"]},"packages":[` + strings.Join(pkgs,
		",") + `],"relationships":[` + strings.Join(rels,
		",") + `]}`
	d, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Described) != n || len(d.Components) != n || d.Primary.Name != "p0" {
		t.Fatalf("described %d, components %d", len(d.Described), len(d.Components))
	}
}
