package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, failing()); err != nil {
		t.Fatal(err)
	}
	golden(t, "json_failing.json", b.Bytes())
}

func TestJSONContract(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, failing()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version  int               `json:"version"`
		Passed   *bool             `json:"passed"`
		Summary  map[string]int    `json:"summary"`
		Checks   []map[string]any  `json:"checks"`
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != finding.FormatVersion || doc.Passed == nil || *doc.Passed {
		t.Errorf("version %d, passed %v", doc.Version, doc.Passed)
	}
	if doc.Summary["errors"] != 3 || doc.Summary["warnings"] != 3 || doc.Summary["notices"] != 3 {
		t.Errorf("summary %v", doc.Summary)
	}
	if len(doc.Checks) != len(allChecks) || doc.Checks[0]["id"] != "manifest" || doc.Checks[0]["status"] != "fail" {
		t.Errorf("checks %v", doc.Checks)
	}
	var f map[string]any
	if err := json.Unmarshal(doc.Findings[0], &f); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"check": "manifest",
		"rule":      "manifest-unknown-key",
		"severity":  "error",
		"file":      "cra.toml",
		"line":      52.0,
		"reference": "Annex VII"} {
		if f[k] != want {
			t.Errorf("finding[%s] = %v, want %v", k, f[k], want)
		}
	}
	if _, ok := f["Source"]; ok {
		t.Error("source line leaked into JSON")
	}
}

func TestJSONEmptyArrays(t *testing.T) {
	var b bytes.Buffer
	r := &finding.Result{Passed: true} // no findings, no checks, version unset
	if err := JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{`"findings": []`, `"checks": []`, `"version": 1`, `"name": "cra-gate"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if r.Findings != nil || r.Version != 0 {
		t.Error("JSON modified its input")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for name, r := range map[string]*finding.Result{"failing": failing(), "passing": passing(), "skipped": skipped(), "hostile": hostile()} {
		t.Run(name, func(t *testing.T) {
			r.SBOMs = []finding.SBOMCoverage{{File: "sbom/app.cdx.json", Format: "CycloneDX", SpecVersion: "1.6", Components: 50,
				Fields: []finding.FieldCoverage{{Field: "name",
					Present:   50,
					Percent:   100,
					Threshold: 100}, {Field: "hash",
					Present:   10,
					Percent:   20,
					Threshold: 80,
					Missing:   []string{"a@1"}}}}}
			var b bytes.Buffer
			if err := JSON(&b, r); err != nil {
				t.Fatal(err)
			}
			got, err := ReadJSON(&b)
			if err != nil {
				t.Fatal(err)
			}
			want := *r
			want.Findings = append([]finding.Finding(nil), r.Findings...)
			for i := range want.Findings {
				want.Findings[i].Source = "" // not part of the JSON report
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v", *got, want)
			}
		})
	}
}

func TestReadJSONRejects(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"version": 2, "passed": true}`, "report format version 2 is not supported: this cra-gate reads version 1"},
		{`{"passed": true}`, `no "version" field`},
		{`[1, 2]`, "not a cra-gate JSON report"},
		{`{"version": 1} trailing`, "not a cra-gate JSON report"},
		{`{"version": 1, "findings": [{"severity": "fatal"}]}`, "unknown severity"},
	} {
		_, err := ReadJSON(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadJSON(%s) error %v, want %q", tc.in, err, tc.want)
		}
	}
	r, err := ReadJSON(strings.NewReader(`{"version": 1, "passed": true, "new_field": 1}`))
	if err != nil {
		t.Fatalf("a field added within the version must be ignored: %v", err)
	}
	if r.Findings == nil || r.Checks == nil {
		t.Error("missing arrays read as nil")
	}
}
