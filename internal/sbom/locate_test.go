package sbom

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

func TestComponentLines(t *testing.T) {
	cases := map[string]string{
		"cdx-json": `{"bomFormat":"CycloneDX","specVersion":"1.6",
"components":[
  {"type":"library","bom-ref":"a","name":"a"},
  {"type":"library",
   "bom-ref" : "b\u0041","name":"b","components":[{"bom-ref":"c","name":"c"}]},
  {"type":"library","bom-ref":"dup","name":"d1"},
  {"type":"library","bom-ref":"dup","name":"d2"}
],
"vulnerabilities":[{"id":"CVE-1","analysis":{"state":"in_triage"}},
  {"id":"CVE-2"},
  {"id":"CVE-3","analysis":{"state":"not_affected","justification":"code_not_present"},"affects":[{"ref":"a"}]}]}`,
		"cdx-xml": `<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1">
<components>
  <component type="library" bom-ref="a"><name>a</name></component>
  <component type="library"
     bom-ref='b&#65;'><name>b</name><components><component type="library" bom-ref="c"><name>c</name></component></components></component>
  <component type="library" bom-ref="dup"><name>d1</name></component>
  <component type="library" bom-ref="dup"><name>d2</name></component>
</components>
<vulnerabilities><vulnerability><id>CVE-1</id><analysis><state>in_triage</state></analysis></vulnerability>
  <vulnerability><id>CVE-2</id></vulnerability>
  <vulnerability bom-ref="v3"><id>CVE-3</id><analysis><state>not_affected</state></analysis>` +
			`<affects><target><ref>a</ref></target></affects></vulnerability></vulnerabilities>
</bom>`,
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			doc, err := Parse([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, c := range doc.Components {
				got[c.Name] = c.Line
			}
			want := map[string]int{"a": 4, "b": 6, "c": 6, "d1": 0, "d2": 0}
			if name == "cdx-json" {
				want = map[string]int{"a": 3, "b": 5, "c": 5, "d1": 0, "d2": 0}
			}
			for n, l := range want {
				if got[n] != l {
					t.Errorf("component %s at line %d, want %d (all: %v)", n, got[n], l, got)
				}
			}
			if len(doc.Vulnerabilities) != 2 {
				t.Fatalf("want the 2 entries with an analysis, got %+v", doc.Vulnerabilities)
			}
			v1, v3 := doc.Vulnerabilities[0], doc.Vulnerabilities[1]
			if v1.ID != "CVE-1" || v1.State != "in_triage" || v3.ID != "CVE-3" || v3.State != "not_affected" || strings.Join(v3.Affects, ",") != "a" {
				t.Errorf("vulnerabilities: %+v", doc.Vulnerabilities)
			}
			wantV1, wantV3 := lineOfText(src, "CVE-1"), lineOfText(src, "CVE-3")
			if v1.Line != wantV1 || v3.Line != wantV3 {
				t.Errorf("vulnerability lines %d, %d; want %d, %d", v1.Line, v3.Line, wantV1, wantV3)
			}
		})
	}
}

func TestComponentLinesSPDX(t *testing.T) {
	tv := "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: " +
		"x\nDocumentNamespace: https://acme.example/x\nCreator: Tool: t\nCreated: " +
		"2024-01-01T00:00:00Z\n\nPackageName: left-pad\nSPDXID: " +
		"SPDXRef-Package-left-pad\nPackageDownloadLocation: NOASSERTION\n"
	doc, err := Parse([]byte(tv))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 1 || doc.Components[0].Line != 10 {
		t.Fatalf("tag-value package line: %+v", doc.Components)
	}
}

// TestComponentLinesReal checks that on real SBOMs every component with a
// unique ref gets the line its ref is on.
func TestComponentLinesReal(t *testing.T) {
	dir := realdata.Dir(t, "sbom")
	for _, name := range []string{"cdx14-juice-shop-npm-flat.json", "cdx12-keycloak-10.0.2.xml", "spdx23-syft-terraform-provider-aci.json"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		located := 0
		for _, c := range doc.Components {
			if c.Line == 0 {
				continue
			}
			located++
			if !strings.Contains(lines[c.Line-1], c.Ref) && !strings.Contains(lines[c.Line-1], strings.ReplaceAll(c.Ref, "&", "&amp;")) {
				t.Errorf("%s: %s at line %d: %q", name, c.Ref, c.Line, lines[c.Line-1])
				break
			}
		}
		if located < len(doc.Components)*9/10 {
			t.Errorf("%s: only %d of %d components located", name, located, len(doc.Components))
		}
	}
}

func lineOfText(s, needle string) int {
	return strings.Count(s[:strings.Index(s, needle)], "\n") + 1
}
