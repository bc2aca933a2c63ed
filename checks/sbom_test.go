package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

func TestSBOMRules(t *testing.T) {
	b := baseManifest
	noSBOM := replace(t, b, `sbom = ["sbom/app.cdx.json"]`, `sbom = []`)
	shared := replace(t, b, `sbom = ["sbom/cloud.cdx.json"]`, `sbom = ["sbom/app.cdx.json"]`)
	uncovered := replace(t, b, `sbom = ["sbom/cloud.cdx.json"]`+"\n", "")
	covered := replace(t, uncovered, `name = "test-cloud"`, `name = "b"`)
	drift := replace(t, b, `sbom = ["sbom/app.cdx.json"]`, "sbom = [\"sbom/app.cdx.json\"]\nsource = \"fw\"")
	badSource := replace(t, b, `sbom = ["sbom/app.cdx.json"]`, "sbom = [\"sbom/app.cdx.json\"]\nsource = \"nowhere\"")
	goMod := "module example.com/fw\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.2.0\n\texample.com/zz v0.1.0\n\texample.com/ind v0.1.0 // indirect\n)\n"
	noDeps := `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"2026-01-01T00:00:00Z","tools":{"components":[{"name":"t"}]},"component":{"bom-ref":"root","name":"x"}},"components":[{"bom-ref":"a","name":"a","version":"1","purl":"pkg:npm/a@1","supplier":{"name":"s"},"hashes":[{"alg":"SHA-256","content":"` + strings.Repeat("ab", 32) + `"}],"licenses":[{"license":{"id":"MIT"}}]}]}`
	runCases(t, []ruleCase{
		{name: "no sbom declared", manifest: noSBOM, want: []string{hit(t, "sbom-missing", noSBOM, "sbom = []")}},
		{name: "sbom file missing", manifest: b, files: map[string]string{"sbom/app.cdx.json": ""}, want: []string{hit(t, "sbom-not-found", b, `sbom = ["sbom/app.cdx.json"]`)}},
		{name: "one file named twice is read once", manifest: shared},
		{name: "rdps not covered", manifest: uncovered, want: []string{hit(t, "sbom-rdps-uncovered", uncovered, "[[rdps]]")}},
		{name: "rdps covered by a product component", manifest: covered},
		{name: "not an SBOM", manifest: b, files: map[string]string{"sbom/app.cdx.json": `{"dependencies": {"left-pad": "1.0.0"}}`}, want: []string{"sbom-not-sbom@sbom/app.cdx.json"}},
		{name: "unsupported spec", manifest: b, files: map[string]string{"sbom/app.cdx.json": `{"bomFormat":"CycloneDX","specVersion":"2.0","components":[]}`}, want: []string{"sbom-unsupported-version@sbom/app.cdx.json"}},
		{name: "truncated JSON", manifest: b, files: map[string]string{"sbom/app.cdx.json": "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n"}, want: []string{"sbom-invalid@sbom/app.cdx.json:4"}},
		{name: "no dependency graph", manifest: b, files: map[string]string{"sbom/app.cdx.json": noDeps}, want: []string{"sbom-field-coverage@sbom/app.cdx.json", "sbom-no-dependencies@sbom/app.cdx.json"}},
		{name: "drift: missing and mismatched", manifest: drift, notices: true, files: map[string]string{"fw/go.mod": goMod}, want: []string{
			"sbom-drift-missing@fw/go.mod:8", "sbom-drift-version@fw/go.mod:7", hit(t, "disclosure-reporting-deadlines", drift, "[reporting]"),
		}},
		{name: "drift: unreadable manifest", manifest: drift, files: map[string]string{"fw/go.mod": "module x\nrequire (\n\tbroken\n"}, want: []string{"sbom-deps-unreadable@fw/go.mod:4"}},
		{name: "source folder missing", manifest: badSource, want: []string{hit(t, "sbom-drift-missing", badSource, "source")}},
	})
}

func TestSBOMDriftMessage(t *testing.T) {
	drift := replace(t, baseManifest, `sbom = ["sbom/app.cdx.json"]`, "sbom = [\"sbom/app.cdx.json\"]\nsource = \"fw\"")
	var req strings.Builder
	for i := 0; i < 25; i++ {
		req.WriteString("\texample.com/m" + string(rune('a'+i)) + " v1.0.0\n")
	}
	res := runRepo(t, drift, map[string]string{"fw/go.mod": "module x\n\nrequire (\n" + req.String() + ")\n"})
	var msg string
	for _, f := range res.Findings {
		if f.Rule == "sbom-drift-missing" {
			msg = f.Message
		}
	}
	if !strings.Contains(msg, "25 direct dependencies in go.mod are not in sbom/app.cdx.json") || !strings.HasSuffix(msg, "and 5 more") || !strings.Contains(msg, "example.com/ma v1.0.0") {
		t.Errorf("drift message: %q", msg)
	}
}

func TestSBOMThresholdsConfigurable(t *testing.T) {
	noHash := strings.ReplaceAll(cdx("test-lock", "a", "b"), `"hashes":[{"alg":"SHA-256","content":`, `"x-hashes":[{"alg":"SHA-256","content":`)
	res := runRepo(t, baseManifest, map[string]string{"sbom/app.cdx.json": noHash})
	if got := hits(res.Findings, false); len(got) != 1 || got[0] != "sbom-field-coverage@sbom/app.cdx.json" {
		t.Fatalf("without hashes: %v", got)
	}
	relaxed := baseManifest + "\n[gate]\nsbom_thresholds = { hash = 0 }\n"
	res = runRepo(t, relaxed, map[string]string{"sbom/app.cdx.json": noHash})
	if got := hits(res.Findings, false); len(got) != 0 {
		t.Fatalf("hash threshold 0 should silence it: %v", got)
	}
}

func TestSBOMTooLarge(t *testing.T) {
	files := baseFiles()
	files["cra.toml"] = baseManifest
	res, err := Run(writeRepo(t, files), "cra.toml", Options{Now: testNow, MaxSBOMSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Findings {
		if f.Rule == "sbom-too-large" {
			found = true
			if !strings.Contains(f.Message, "--max-sbom-size") || f.File == "" {
				t.Errorf("message must name the file and the flag: %+v", f)
			}
		}
	}
	if !found || res.Passed {
		t.Errorf("a too-large SBOM must fail the gate: %v", hits(res.Findings, false))
	}
}

// TestRealSBOMEdgeCases runs the whole check on real SBOMs whose problems the
// gate must name: each expectation says why.
func TestRealSBOMEdgeCases(t *testing.T) {
	dir := realdata.Dir(t, "sbom")
	for _, tc := range []struct {
		file string
		want []string // rules expected on the SBOM (field coverage excluded)
		why  string
	}{
		{"cdx14-saasbom-services-only.json", []string{"sbom-metadata", "sbom-no-components"}, "a SaaSBOM lists services, no components, and names no tool"},
		{"cdx11-laravel-7.12.0.xml", []string{"sbom-legacy-spec"}, "CycloneDX 1.1 cannot carry metadata or dependencies"},
		{"edge-cdx16-libspdm-template-placeholders.json", []string{"sbom-metadata", "sbom-no-dependencies"}, "unexpanded template: no timestamp, no tools, no graph"},
		{"cdx17-trivy-fluentd-image.json", nil, "spec 1.7 is read; trivy writes complete metadata and a graph"},
		{"spdx23-syft-terraform-provider-aci.json", nil, "syft SPDX 2.3 with DESCRIBES and DEPENDS_ON"},
		{"cdx13-juice-shop-npm-bare.json", []string{"sbom-metadata"}, "cyclonedx-npm 1.9.2 wrote no timestamp"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			res := runRepo(t, baseManifest, map[string]string{"sbom/app.cdx.json": string(data)})
			var got []string
			for _, f := range res.Findings {
				if f.File == "sbom/app.cdx.json" && f.Rule != "sbom-field-coverage" {
					got = append(got, f.Rule)
				}
			}
			sortStrings(got)
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("%s (%s): got %v, want %v", tc.file, tc.why, got, tc.want)
			}
		})
	}
}
