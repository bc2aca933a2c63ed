package checks

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
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
	goMod := "module example.com/fw\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b " +
		"v1.2.0\n\texample.com/zz v0.1.0\n\texample.com/ind v0.1.0 // indirect\n)\n"
	noDeps := `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"2026-01-01T00:00:00Z",` +
		`"tools":{"components":[{"name":"t"}]},"component":{"bom-ref":"root","name":"x"}},"components":[{"bom-ref":"a","name":"a","version":"1",` +
		`"purl":"pkg:npm/a@1","supplier":{"name":"s"},"hashes":[{"alg":"SHA-256","content":"` + strings.Repeat("ab",

		32) + `"}],"licenses":[{"license":{"id":"MIT"}}]}]}`
	runCases(t, []ruleCase{
		{name: "no sbom declared", manifest: noSBOM, want: []string{hit(t, "sbom-missing", noSBOM, "sbom = []")}},
		{name: "sbom file missing",
			manifest: b,
			files:    map[string]string{"sbom/app.cdx.json": ""},
			want:     []string{hit(t, "sbom-not-found", b, `sbom = ["sbom/app.cdx.json"]`)}},
		{name: "one file named twice is read once", manifest: shared},
		{name: "rdps not covered", manifest: uncovered, want: []string{hit(t, "sbom-rdps-uncovered", uncovered, "[[rdps]]")}},
		{name: "rdps covered by a product component", manifest: covered},
		{name: "not an SBOM",
			manifest: b,
			files:    map[string]string{"sbom/app.cdx.json": `{"dependencies": {"left-pad": "1.0.0"}}`},
			want:     []string{"sbom-not-sbom@sbom/app.cdx.json"}},
		{name: "unsupported spec",
			manifest: b,
			files:    map[string]string{"sbom/app.cdx.json": `{"bomFormat":"CycloneDX","specVersion":"2.0","components":[]}`},
			want:     []string{"sbom-unsupported-version@sbom/app.cdx.json"}},
		{name: "truncated JSON",
			manifest: b,
			files:    map[string]string{"sbom/app.cdx.json": "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n"},
			want:     []string{"sbom-invalid@sbom/app.cdx.json:4"}},
		{name: "no dependency graph",
			manifest: b,
			files:    map[string]string{"sbom/app.cdx.json": noDeps},
			want:     []string{"sbom-field-coverage@sbom/app.cdx.json", "sbom-no-dependencies@sbom/app.cdx.json"}},
		{name: "drift: missing and mismatched", manifest: drift, notices: true, files: map[string]string{"fw/go.mod": goMod}, want: []string{
			"sbom-drift-missing@fw/go.mod:8", "sbom-drift-version@fw/go.mod:7", hit(t, "disclosure-reporting-deadlines", drift, "[reporting]"),
		}},
		{name: "drift: unreadable manifest",
			manifest: drift,
			files:    map[string]string{"fw/go.mod": "module x\nrequire (\n\tbroken\n"},
			want:     []string{"sbom-deps-unreadable@fw/go.mod:4"}},
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
	noSupplier := strings.ReplaceAll(cdx("test-lock", "a", "b"), `"supplier":{"name":"X"}`, `"x-supplier":{"name":"X"}`)
	res := runRepo(t, baseManifest, map[string]string{"sbom/app.cdx.json": noSupplier})
	if got := hits(res.Findings, false); len(got) != 1 || got[0] != "sbom-field-coverage@sbom/app.cdx.json" {
		t.Fatalf("without suppliers: %v", got)
	}
	relaxed := baseManifest + "\n[gate]\nsbom_thresholds = { supplier = 0 }\n"
	res = runRepo(t, relaxed, map[string]string{"sbom/app.cdx.json": noSupplier})
	if got := hits(res.Findings, false); len(got) != 0 {
		t.Fatalf("supplier threshold 0 should silence it: %v", got)
	}
	// Hashes are not an NTIA minimum element but BSI TR-03183-2 asks for them.
	noHash := strings.ReplaceAll(cdx("test-lock", "a", "b"), `"hashes":[{"alg":"SHA-256","content":`, `"x-hashes":[{"alg":"SHA-256","content":`)
	res = runRepo(t, baseManifest, map[string]string{"sbom/app.cdx.json": noHash})
	if got := hits(res.Findings, false); len(got) != 0 {
		t.Fatalf("NTIA profile should not ask for hashes: %v", got)
	}
	bsi := baseManifest + "\n[gate]\nsbom_profile = \"bsi-tr-03183-2\"\n"
	res = runRepo(t, bsi, map[string]string{"sbom/app.cdx.json": noHash})
	var hashMissing bool
	for _, f := range res.Findings {
		if f.Rule == "sbom-field-coverage" && strings.Contains(f.Message, "SHA-512") {
			hashMissing = true
		}
	}
	if !hashMissing {
		t.Fatalf("BSI profile should ask for SHA-512 hashes: %v", hits(res.Findings, false))
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
	// ntia and bsi are what the gate gives under each SBOM profile: the rules
	// on the SBOM other than sbom-field-coverage, sorted, and the fields
	// below the profile's thresholds as field=percent. Under NTIA, hashes and
	// licences are shown but not required; a licence list with one name that
	// is not SPDX no longer passes on its other ids (sbom-license-not-spdx).
	// Under BSI TR-03183-2 v2.0 a creator needs an email or URL: no real SBOM
	// here gives one for its components, and few name a filename or SHA-512.
	type reading struct {
		rules []string
		below string
	}
	cases := map[string]struct {
		ntia, bsi reading
		why       string
	}{
		"cdx11-laravel-7.12.0.xml": {reading{[]string{"sbom-legacy-spec"},
			"supplier=0 dependencies=0"}, reading{[]string{"sbom-legacy-spec"},
			"creator=0 filename=0 dependencies=0 hash-sha512=0"}, "CycloneDX 1.1 cannot carry metadata or a graph"},
		"cdx12-dropwizard-1.3.15.xml": {reading{[]string{"sbom-license-not-spdx",
			"sbom-no-dependencies"}, "supplier=53.8"}, reading{[]string{"sbom-license-not-spdx",
			"sbom-metadata",
			"sbom-no-dependencies"}, "creator=0 filename=0 license=67"}, "Maven plugin 2.0.2 gives the parent POM no dependencies entry"},
		"cdx12-keycloak-10.0.2.json": {reading{[]string{"sbom-license-not-spdx",
			"sbom-no-dependencies"}, ""}, reading{[]string{"sbom-license-not-spdx",
			"sbom-metadata",
			"sbom-no-dependencies"}, "creator=0 filename=0"}, "899 dependency entries, none for the metadata component"},
		"cdx12-keycloak-10.0.2.xml": {reading{[]string{"sbom-license-not-spdx",
			"sbom-no-dependencies"}, ""}, reading{[]string{"sbom-license-not-spdx",
			"sbom-metadata",
			"sbom-no-dependencies"}, "creator=0 filename=0"}, "the same BOM in XML reads the same"},
		"cdx13-juice-shop-npm-bare.json": {reading{[]string{"sbom-license-not-spdx",
			"sbom-metadata"}, ""}, reading{[]string{"sbom-license-not-spdx",
			"sbom-metadata"}, "creator=0 filename=0"}, "cyclonedx-npm 1.9.2 wrote no timestamp"},
		"cdx13-laravel-7.12.0.xml": {reading{[]string{"sbom-metadata"},
			""}, reading{[]string{"sbom-metadata"},
			"creator=0 filename=0 hash-sha512=0"}, "no timestamp; composer lock hashes are not written"},
		"cdx14-juice-shop-npm-flat.json": {reading{[]string{"sbom-license-not-spdx",
			"sbom-metadata"}, ""}, reading{[]string{"sbom-license-not-spdx",
			"sbom-metadata"}, "creator=0 filename=0"}, "flat variant: no timestamp either"},
		"cdx14-laravel-7.12.0.xml": {reading{[]string{"sbom-metadata"},
			""}, reading{[]string{"sbom-metadata"},
			"creator=0 filename=0 hash-sha512=0"}, "like the 1.3 file"},
		"cdx14-saasbom-services-only.json": {reading{[]string{"sbom-metadata",
			"sbom-no-components"}, ""}, reading{[]string{"sbom-metadata",
			"sbom-no-components"}, ""}, "services only, no components, no tool named"},
		"cdx15-openregister-cyclonedx-npm.json": {reading{nil,
			""}, reading{[]string{"sbom-metadata"},
			"creator=0 filename=0"}, "a current cyclonedx-npm SBOM meets every rule"},
		"cdx15-sbomqs-sample.json": {reading{[]string{"sbom-license-not-spdx"},
			"identifier=5.1"}, reading{[]string{"sbom-license-not-spdx", "sbom-metadata"},
			"creator=0 filename=0 license=60.3 hash-sha512=0"}, "Black Duck export: few purls, no hashes"},
		"cdx16-cyclonedx-go-valid-bom.xml": {reading{[]string{"sbom-license-not-spdx",
			"sbom-no-dependencies"}, "dependencies=0"}, reading{[]string{"sbom-license-not-spdx",
			"sbom-no-dependencies"}, "creator=33.3 filename=0 dependencies=0 license=66.6"}, "spec test vector without a dependency graph"},
		"cdx16-trivy-fluentd-image.json": {reading{[]string{"sbom-license-not-spdx"},
			"supplier=65.2"}, reading{[]string{"sbom-license-not-spdx", "sbom-metadata"},
			"creator=0 filename=0 license=72 hash-sha512=0"}, "trivy image scans carry no package hashes"},
		"cdx17-trivy-fluentd-image.json": {reading{[]string{"sbom-license-not-spdx"},
			"supplier=65.2"}, reading{[]string{"sbom-license-not-spdx", "sbom-metadata"},
			"creator=0 filename=0 license=72 hash-sha512=0"}, "spec 1.7 is read like 1.6"},
		"edge-cdx16-libspdm-template-placeholders.json": {reading{[]string{"sbom-metadata",
			"sbom-no-dependencies"}, "version=0 identifier=0 dependencies=0"}, reading{[]string{"sbom-metadata",
			"sbom-no-dependencies"}, "creator=0 version=0 filename=0 dependencies=0 hash-sha512=0"}, "unexpanded template: @VCS_VERSION@ is no version"},
		"edge-cdx16-schema-invalid.json": {reading{nil,
			"supplier=0"}, reading{[]string{"sbom-metadata"},
			"creator=0 filename=0 license=61.9 hash-sha512=0"}, "readable despite failing the JSON schema: its real gaps are SHA-1-only hashes, no supplier"},
		"spdx22-tern-photon.json": {reading{nil,
			"supplier=0 version=97.3 identifier=0"}, reading{[]string{"sbom-metadata"},
			"creator=0 version=97.3 filename=2.6 hash-sha512=0"}, "tern: packages without supplier, purl or checksum"},
		"spdx23-syft-kong-atc-router.json": {reading{[]string{"sbom-no-dependencies"},
			"supplier=0 dependencies=0"}, reading{[]string{"sbom-metadata", "sbom-no-dependencies"},
			"creator=0 filename=0 dependencies=0 license=0 hash-sha512=0"}, "syft 0.83 DESCRIBES the document itself: no primary"},
		"spdx23-syft-terraform-provider-aci.json": {reading{nil,
			"supplier=0 version=96.8"}, reading{[]string{"sbom-metadata"},
			"creator=0 version=96.8 filename=0 hash-sha512=0"}, "syft 1.42 Go modules: graph present, suppliers and hashes absent"},
		"spdx23-trivy-conda.json": {reading{nil,
			"supplier=0 version=66.6 identifier=66.6"}, reading{[]string{"sbom-metadata"},
			"creator=0 version=66.6 filename=0 license=66.6 hash-sha512=0"}, "the filesystem root package has no version, licence or purl"},
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
			for _, p := range []struct {
				manifest string
				want     reading
			}{{baseManifest, tc.ntia}, {baseManifest + "\n[gate]\nsbom_profile = \"bsi-tr-03183-2-v2.0\"\n", tc.bsi}} {
				res := runRepo(t, p.manifest, map[string]string{"sbom/app.cdx.json": string(data)})
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
				if strings.Join(rules, ",") != strings.Join(p.want.rules, ",") || strings.Join(below, " ") != p.want.below {
					t.Errorf("%s:\n got  %v | %s\n want %v | %s", tc.why, rules, strings.Join(below, " "), p.want.rules, p.want.below)
				}
			}
		})
	}
	if seen != len(cases) {
		t.Errorf("%d of %d corpus files found", seen, len(cases))
	}
}

// TestBSIv21Profile: BSI TR-03183-2 v2.1.0 (2025-08-20) on device SBOMs:
// CycloneDX 1.6 or SPDX 3.0.1, an SBOM URI, no vulnerability information in
// the SBOM, and the new component fields (executable/archive/structured,
// source and deployable URIs, an identifier at 80%).
func TestBSIv21Profile(t *testing.T) {
	v21 := baseManifest + "\n[gate]\nsbom_profile = \"bsi-tr-03183-2\"\n"
	dir := realdata.Dir(t, "sbom-embedded") // skips here, not in a subtest
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for _, tc := range []struct {
		file     string
		metadata []string // what sbom-metadata must say
		below    []string // fields below their threshold
	}{
		// Buildroot's CycloneDX 1.6 carries its own vulnerability triage.
		{"buildroot-generate-cyclonedx-rpi4-64.cdx.json", []string{"vulnerability information (9 statements), which BSI TR-03183-2 v2.1.0 " +
			"forbids in an SBOM"}, []string{"file-kinds", "source-uri"}},
		// Yocto's SPDX 2.2 image document: too old a format for v2.1.0.
		{"yocto22-image-core-image-minimal-beaglebone.spdx.json", []string{"SPDX 2.2, older than the 3.0.1 BSI TR-03183-2 v2.1.0 asks for"},
			[]string{"file-kinds"}},
		// Yocto's SPDX 3.0.1 image: the format is right, its VEX is not allowed.
		{"yocto30-core-image-minimal-qemux86-64.rootfs.spdx.json", []string{"vulnerability information (72 statements)"}, []string{"source-uri"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res := runRepo(t, v21, map[string]string{"sbom/app.cdx.json": read(tc.file)})
			var meta string
			for _, f := range res.Findings {
				if f.Rule == "sbom-metadata" && f.File == "sbom/app.cdx.json" {
					meta = f.Message
				}
			}
			for _, w := range tc.metadata {
				if !strings.Contains(meta, w) {
					t.Errorf("sbom-metadata %q lacks %q", meta, w)
				}
			}
			below := map[string]bool{}
			for _, s := range res.SBOMs {
				if s.File != "sbom/app.cdx.json" {
					continue
				}
				if s.Profile != "bsi-tr-03183-2" {
					t.Errorf("profile %q", s.Profile)
				}
				for _, fc := range s.Fields {
					if fc.Below(s.Components) {
						below[fc.Field] = true
					}
				}
			}
			for _, f := range tc.below {
				if !below[f] {
					t.Errorf("%s is not below its threshold: %v", f, below)
				}
			}
		})
	}
}

// TestCappedCountSeverity: the finding that counts the findings past the
// cap has the highest severity among them, not the rule's default: a count
// of notices cannot fail a --fail-on warning gate.
func TestCappedCountSeverity(t *testing.T) {
	for _, tc := range []struct {
		extra []finding.Severity
		want  finding.Severity
	}{
		{[]finding.Severity{finding.Notice, finding.Notice}, finding.Notice},
		{[]finding.Severity{finding.Notice, finding.Warning}, finding.Warning},
	} {
		c := &run{sources: map[string][]string{}}
		for range maxFindingsPerRule {
			c.reportCappedAs(ruleSBOMDriftMissing, finding.Warning, at("go.mod", 1), "listed")
		}
		for _, sev := range tc.extra {
			c.reportCappedAs(ruleSBOMDriftMissing, sev, at("go.mod", 1), "past the cap")
		}
		c.flushCapped()
		last := c.findings[len(c.findings)-1]
		if !strings.Contains(last.Message, "2 more findings of this rule") || last.Severity != tc.want {
			t.Errorf("%v past the cap: %s %q, want %s", tc.extra, last.Severity, last.Message, tc.want)
		}
	}
}

// TestDriftAcrossSBOMsOfOneFolder: a product and its RDPS built from one
// module: a go.mod dependency in either's SBOM is not missing, and each
// dependency is judged once; a version that no SBOM of the folder has is a
// warning (the SBOM describes another build).
func TestDriftAcrossSBOMsOfOneFolder(t *testing.T) {
	m := strings.Replace(baseManifest, `sbom = ["sbom/cloud.cdx.json"]`, `sbom = ["sbom/cloud.cdx.json"]`+"\nsource = \".\"", 1)
	gomod := "module example.com/lock\n\ngo 1.22\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/c v1.0.0\n\texample.com/b v1.2.0\n)\n"
	res := runRepo(t, m, map[string]string{"go.mod": gomod})
	var got []string
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Rule, "sbom-drift") {
			got = append(got, fmt.Sprintf("%s %s %s", f.Rule, f.Severity, f.Item))
		}
	}
	// a is in the product's SBOM, c only in the RDPS's: neither is missing;
	// b is 1.0.0 in the SBOM, 1.2.0 in go.mod.
	if want := "sbom-drift-version warning example.com/b"; strings.Join(got, "; ") != want {
		t.Errorf("drift: %q, want %q", got, want)
	}
}

func TestGoPseudoVersion(t *testing.T) {
	for v, want := range map[string]bool{
		"v0.0.0-20261206230706-c084d0a5ee0e": true, "v1.2.4-0.20261206230706-c084d0a5ee0e": true,
		"v1.2.3-pre.0.20261206230706-c084d0a5ee0e": true, "v1.2.3": false, "1.0.0": false, "v1.2.3-rc.1": false,
	} {
		if goPseudoVersion.MatchString(v) != want {
			t.Errorf("%s: pseudo-version %v, want %v", v, !want, want)
		}
	}
}

// TestDriftPnpmProductionClosure: with a pnpm-lock.yaml the whole production
// closure is compared: the transitive packages missing from the SBOM are one
// warning per direct dependency that brings them in, at its line; an optional
// one is a notice, a development one nothing.
func TestDriftPnpmProductionClosure(t *testing.T) {
	lock := `lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      express:
        specifier: ^4.19.2
        version: 4.22.3
    optionalDependencies:
      bufferutil:
        specifier: ^4.0.8
        version: 4.1.0
    devDependencies:
      typescript:
        specifier: ^5.4.0
        version: 5.9.3

packages:

  body-parser@1.20.9:
    resolution: {integrity: x}

  bufferutil@4.1.0:
    resolution: {integrity: x}

  express@4.22.3:
    resolution: {integrity: x}

  typescript@5.9.3:
    resolution: {integrity: x}

snapshots:

  body-parser@1.20.9: {}

  bufferutil@4.1.0: {}

  express@4.22.3:
    dependencies:
      body-parser: 1.20.9

  typescript@5.9.3: {}
`
	sbomJSON := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
"metadata":{"timestamp":"2026-11-01T10:00:00Z","component":{"type":"application","name":"web","version":"1.0.0"}},
"components":[{"type":"library","name":"express","version":"4.22.3","purl":"pkg:npm/express@4.22.3"}]}`
	m := replace(t, baseManifest, `sbom = ["sbom/app.cdx.json"]`, "sbom = [\"sbom/web.cdx.json\"]\nsource = \"web\"")
	res := runRepo(t, m, map[string]string{"web/pnpm-lock.yaml": lock, "sbom/web.cdx.json": sbomJSON})
	var got []string
	for _, f := range res.Findings {
		if f.Rule == "sbom-drift-missing" {
			got = append(got, fmt.Sprintf("%s %s:%d %s", f.Severity, f.File, f.Line, f.Message))
		}
	}
	want := []string{
		"notice web/pnpm-lock.yaml:11 optional direct dependency bufferutil 4.1.0 of pnpm-lock.yaml is not in sbom/web.cdx.json: " +
			"an optional package that did not install where the SBOM was built is expected to be absent",
		"warning web/pnpm-lock.yaml:7 transitive dependency that express brings in (1 in pnpm-lock.yaml) is not in sbom/web.cdx.json: body-parser 1.20.9",
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// An SBOM of an older lock: the transitive package at another version.
	older := strings.Replace(sbomJSON, `]}`, `,{"type":"library","name":"body-parser","version":"1.20.3","purl":"pkg:npm/body-parser@1.20.3"}]}`, 1)
	res = runRepo(t, m, map[string]string{"web/pnpm-lock.yaml": lock, "sbom/web.cdx.json": older})
	got = nil
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Rule, "sbom-drift") && f.Severity == finding.Warning {
			got = append(got, fmt.Sprintf("%s %s:%d %s [%s]", f.Severity, f.File, f.Line, f.Message, f.Item))
		}
	}
	want = []string{"warning web/pnpm-lock.yaml:7 transitive dependency that express brings in (1 in pnpm-lock.yaml) is at other versions in " +
		"sbom/web.cdx.json: body-parser 1.20.9 (SBOM: 1.20.3) [express (transitive)]"}
	if !slices.Equal(got, want) {
		t.Errorf("older SBOM: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
