package vex

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

const doc = `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://acme.example/vex/1",
  "author": "Acme",
  "timestamp": "2026-01-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2026-1", "aliases": ["GHSA-aaaa"]},
     "products": [{"@id": "pkg:npm/lodash@4.17.15"}], "status": "under_investigation"},
    {"vulnerability": {"name": "CVE-2026-1"}, "timestamp": "2026-02-01T00:00:00Z",
     "products": [{"@id": "pkg:npm/lodash"}], "status": "not_affected", "justification": "vulnerable_code_not_present"},
    {"vulnerability": {"name": "CVE-2026-2"},
     "products": [{"@id": "pkg:oci/app", "identifiers": {"purl": "pkg:oci/app"}}], "status": "fixed"},
    {"vulnerability": {"name": "CVE-2026-3"}, "products": [], "status": "fixed"},
    {"vulnerability": {"name": "CVE-2026-4"}, "products": [{"@id": "x"}], "status": "maybe"}
  ]
}`

func TestOpenVEX(t *testing.T) {
	stmts, probs := Parse("vex/a.json", []byte(doc))
	if len(stmts) != 3 || len(probs) != 2 {
		t.Fatalf("statements %d, problems %v", len(stmts), probs)
	}
	if stmts[0].Line != 8 || stmts[1].Line != 10 || probs[0].Line != 14 || probs[1].Line != 15 || !strings.Contains(probs[1].Msg, `"maybe"`) {
		t.Errorf("lines %d %d, problems %+v", stmts[0].Line, stmts[1].Line, probs)
	}
	if !stmts[0].Timestamp.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("the document's timestamp is inherited: %v", stmts[0].Timestamp)
	}
	set := NewSet(stmts)
	lodash := Component{File: "sbom.json", Purl: "pkg:npm/lodash@4.17.15", Ref: "l"}
	// The later statement (by time) wins; the alias finds the first one too.
	if st := set.Answer([]string{"GHSA-aaaa", "CVE-2026-1"}, lodash, Component{}); st == nil || st.Status != NotAffected {
		t.Errorf("answer: %+v", st)
	}
	if st := set.Answer([]string{"GHSA-aaaa"}, lodash, Component{}); st == nil || st.Status != UnderInvestigation {
		t.Errorf("alias answer: %+v", st)
	}
	// A statement about the product as a whole applies to its components.
	app := Component{File: "sbom.json", Purl: "pkg:oci/app@sha256:1"}
	if st := set.Answer([]string{"CVE-2026-2"}, lodash, app); st == nil || st.Status != Fixed {
		t.Errorf("product-wide: %+v", st)
	}
	if st := set.Answer([]string{"CVE-2026-2"}, lodash, Component{Purl: "pkg:oci/other@1"}); st != nil {
		t.Errorf("another product: %+v", st)
	}
	inv := NewInventory()
	inv.Add(lodash)
	if !inv.Contains(&stmts[1], stmts[1].Subjects()[0]) || inv.Contains(&stmts[2], stmts[2].Subjects()[0]) {
		t.Errorf("inventory")
	}
}

func TestCycloneDXVEX(t *testing.T) {
	cdx := `{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,
"vulnerabilities":[
 {"id":"CVE-2026-1","analysis":{"state":"false_positive"},"affects":[{"ref":"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#lib-a"}]},
 {"id":"CVE-2026-2","analysis":{"state":"resolved","lastUpdated":"2026-03-01T00:00:00Z"},"affects":[{"ref":"pkg:npm/b@1.0.0"}]},
 {"id":"CVE-2026-3","analysis":{"state":"bogus"},"affects":[{"ref":"x"}]},
 {"id":"CVE-2026-4","analysis":{"state":"in_triage"}}
]}`
	stmts, probs := Parse("vex/b.cdx.json", []byte(cdx))
	if len(stmts) != 2 || len(probs) != 2 {
		t.Fatalf("statements %+v problems %+v", stmts, probs)
	}
	if stmts[0].Status != NotAffected || !stmts[0].Justified() || stmts[1].Status != Fixed || stmts[0].Line != 3 || probs[0].Line != 5 {
		t.Errorf("%+v %+v", stmts, probs)
	}
	set := NewSet(stmts)
	a := Component{File: "sbom/app.json", Ref: "lib-a", Serial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"}
	if set.Answer([]string{"CVE-2026-1"}, a, Component{}) == nil {
		t.Error("BOM-link not followed")
	}
	a.Serial = "urn:uuid:00000000-0000-0000-0000-000000000000"
	if set.Answer([]string{"CVE-2026-1"}, a, Component{}) != nil {
		t.Error("BOM-link into another SBOM followed")
	}
}

func TestParseRejects(t *testing.T) {
	for name, in := range map[string]string{
		"empty":   "",
		"not vex": `{"hello": 1}`,
		"spdx": `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","dataLicense":"CC0-1.0",` +
			`"documentNamespace":"https://a.example/x","creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: ` +
			`x"]}}`,
		"broken":     `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [`,
		"no vulns":   `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1}`,
		"wrong type": `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": "all"}`,
	} {
		stmts, probs := Parse("v.json", []byte(in))
		if len(stmts) != 0 || len(probs) != 1 {
			t.Errorf("%s: %v %v", name, stmts, probs)
		}
	}
}

func TestHugeVEX(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [`)
	for i := range MaxStatements + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"vulnerability":{"name":"CVE-1"},"products":[{"@id":"x"}],"status":"fixed"}`)
	}
	b.WriteString("]}")
	data := []byte(b.String())
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	stmts, probs := Parse("v.json", data)
	runtime.ReadMemStats(&after)
	if len(stmts) != 0 || len(probs) != 1 || !strings.Contains(probs[0].Msg, "at most 100000") {
		t.Errorf("%d statements, %v", len(stmts), probs)
	}
	// Bounded by allocation, not by time (the race detector's pace varies):
	// go-vex decodes the document once before the statements are counted,
	// about 15 times its size (a VEX document is at most 16 MiB, so at most
	// about 250 MiB); never more than one decode.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 20*uint64(len(data)) {
		t.Errorf("refusing a %d-byte document allocated %d bytes", len(data), alloc)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(doc))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"id":"x","analysis":{"state":"in_triage"},"affects":[{"ref":"a"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		stmts, _ := Parse("f.json", data)
		set := NewSet(stmts)
		inv := NewInventory()
		inv.Add(Component{Purl: "pkg:npm/a@1", Ref: "a"})
		for i := range stmts {
			st := &stmts[i]
			if st.Vulnerability == "" || len(st.Products) == 0 {
				t.Fatalf("statement without vulnerability or products: %+v", st)
			}
			set.Answer([]string{st.Vulnerability}, Component{Purl: "pkg:npm/a@1", Ref: "a"}, Component{})
			for _, s := range st.Subjects() {
				inv.Contains(st, s)
			}
		}
	})
}

// TestDocsExample reads the OpenVEX example docs/vulns.md shows.
func TestDocsExample(t *testing.T) {
	data, err := os.ReadFile("testdata/example.openvex.json")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../../docs/vulns.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), string(data)) {
		t.Error("docs/vulns.md does not show testdata/example.openvex.json as it is")
	}
	stmts, probs := Parse("vex/firmware.openvex.json", data)
	if len(stmts) != 1 || len(probs) != 0 || !stmts[0].Justified() {
		t.Fatalf("%+v %v", stmts, probs)
	}
	xnet := Component{Purl: "pkg:golang/golang.org/x/net@v0.17.0"}
	if NewSet(stmts).Answer([]string{"GO-2024-2687"}, xnet, Component{}) == nil {
		t.Error("the example does not answer GO-2024-2687 for golang.org/x/net v0.17.0")
	}
}
