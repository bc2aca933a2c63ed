package checks

import (
	"fmt"
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

// TestSBOMDriftPerDependency: drift reports one finding per missing
// dependency, at its line and naming it as the item, so that each can be
// waived on its own; past maxFindingsPerRule a last finding counts the rest.
func TestSBOMDriftPerDependency(t *testing.T) {
	drift := replace(t, baseManifest, `sbom = ["sbom/app.cdx.json"]`, "sbom = [\"sbom/app.cdx.json\"]\nsource = \"fw\"")
	var req strings.Builder
	for i := range 130 {
		fmt.Fprintf(&req, "\texample.com/m%03d v1.0.0\n", i)
	}
	res := runRepo(t, drift, map[string]string{"fw/go.mod": "module x\n\nrequire (\n" + req.String() + ")\n"})
	var items []string
	var rest string
	for _, f := range res.Findings {
		if f.Rule != "sbom-drift-missing" {
			continue
		}
		if f.Item == "*" {
			rest = f.Message
			continue
		}
		items = append(items, f.Item)
		if f.Item == "example.com/m000" && (f.Line != 4 || f.Message != "direct dependency example.com/m000 v1.0.0 of go.mod is not in sbom/app.cdx.json") {
			t.Errorf("first finding: line %d, %q", f.Line, f.Message)
		}
	}
	if len(items) != maxFindingsPerRule || !strings.Contains(rest, "30 more findings of this rule are not listed one by one") {
		t.Errorf("%d findings, then %q", len(items), rest)
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

// TestRealSBOMs runs the whole gate on every real SBOM of the corpus as the
// product SBOM, and pins the rules it gives on the SBOM and the fields below
// their threshold (with the coverage percentage); each row says why.
func TestRealSBOMs(t *testing.T) {
	dir := realdata.Dir(t, "sbom")
	cases := map[string]struct {
		rules []string // rules on the SBOM other than sbom-field-coverage, sorted
		below string   // fields below threshold, as field=percent
		why   string
	}{
		"cdx11-laravel-7.12.0.xml":                      {[]string{"sbom-legacy-spec"}, "supplier=0 hash=0 dependencies=0", "CycloneDX 1.1 cannot carry metadata or a graph"},
		"cdx12-dropwizard-1.3.15.xml":                   {[]string{"sbom-no-dependencies"}, "supplier=53.8 license=70.6", "Maven plugin 2.0.2 gives the parent POM no dependencies entry"},
		"cdx12-keycloak-10.0.2.json":                    {[]string{"sbom-no-dependencies"}, "", "899 dependency entries, none for the metadata component"},
		"cdx12-keycloak-10.0.2.xml":                     {[]string{"sbom-no-dependencies"}, "", "the same BOM in XML reads the same"},
		"cdx13-juice-shop-npm-bare.json":                {[]string{"sbom-metadata"}, "", "cyclonedx-npm 1.9.2 wrote no timestamp"},
		"cdx13-laravel-7.12.0.xml":                      {[]string{"sbom-metadata"}, "hash=0", "no timestamp; composer lock hashes are not written"},
		"cdx14-juice-shop-npm-flat.json":                {[]string{"sbom-metadata"}, "", "flat variant: no timestamp either"},
		"cdx14-laravel-7.12.0.xml":                      {[]string{"sbom-metadata"}, "hash=0", "like the 1.3 file"},
		"cdx14-saasbom-services-only.json":              {[]string{"sbom-metadata", "sbom-no-components"}, "", "services only, no components, no tool named"},
		"cdx15-openregister-cyclonedx-npm.json":         {nil, "", "a current cyclonedx-npm SBOM meets every rule"},
		"cdx15-sbomqs-sample.json":                      {nil, "hash=0 license=60.3 identifier=5.1", "Black Duck export: few purls, no hashes"},
		"cdx16-cyclonedx-go-valid-bom.xml":              {[]string{"sbom-no-dependencies"}, "license=66.6 dependencies=0", "spec test vector without a dependency graph"},
		"cdx16-trivy-fluentd-image.json":                {nil, "supplier=65.2 hash=0", "trivy image scans carry no package hashes"},
		"cdx17-trivy-fluentd-image.json":                {nil, "supplier=65.2 hash=0", "spec 1.7 is read like 1.6"},
		"edge-cdx16-libspdm-template-placeholders.json": {[]string{"sbom-metadata", "sbom-no-dependencies"}, "version=0 hash=0 identifier=0 dependencies=0", "unexpanded template: @VCS_VERSION@ is no version"},
		"edge-cdx16-schema-invalid.json":                {nil, "supplier=0 hash=0 license=61.9", "readable despite failing the JSON schema: its real gaps are SHA-1-only hashes, no supplier"},
		"spdx22-tern-photon.json":                       {nil, "version=97.3 supplier=0 hash=2.6 identifier=0", "tern: packages without supplier, purl or checksum"},
		"spdx23-syft-kong-atc-router.json":              {[]string{"sbom-no-dependencies"}, "supplier=0 hash=0 license=0 dependencies=0", "syft 0.83 DESCRIBES the document itself: no primary"},
		"spdx23-syft-terraform-provider-aci.json":       {nil, "version=96.8 supplier=0 hash=0", "syft 1.42 Go modules: graph present, suppliers and hashes absent"},
		"spdx23-trivy-conda.json":                       {nil, "version=66.6 supplier=0 hash=0 license=66.6 identifier=66.6", "the filesystem root package has no version, licence or purl"},
	}
	files, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range files {
		tc, ok := cases[e.Name()]
		if !ok {
			if !strings.HasSuffix(e.Name(), ".md") {
				t.Errorf("%s: new corpus file without an expectation", e.Name())
			}
			continue
		}
		seen++
		t.Run(e.Name(), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			res := runRepo(t, baseManifest, map[string]string{"sbom/app.cdx.json": string(data)})
			var rules, below []string
			for _, f := range res.Findings {
				if f.File == "sbom/app.cdx.json" && f.Rule != "sbom-field-coverage" {
					rules = append(rules, f.Rule)
				}
			}
			for _, s := range res.SBOMs {
				for _, fc := range s.Fields {
					if s.File == "sbom/app.cdx.json" && fc.Below(s.Components) {
						below = append(below, fmt.Sprintf("%s=%v", fc.Field, fc.Percent))
					}
				}
			}
			sortStrings(rules)
			if strings.Join(rules, ",") != strings.Join(tc.rules, ",") || strings.Join(below, " ") != tc.below {
				t.Errorf("%s:\n got  %v | %s\n want %v | %s", tc.why, rules, strings.Join(below, " "), tc.rules, tc.below)
			}
		})
	}
	if seen != len(cases) {
		t.Errorf("%d of %d corpus files found", seen, len(cases))
	}
}
