package scaffold

import (
	"flag"
	"github.com/cra-gate/cra-gate/internal/craschema/schematest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/craschema"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/realdata"
	"github.com/cra-gate/cra-gate/internal/repo"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// testNow is the date the generated files are checked on.
var testNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// file is one file of a test repository: its text, or a real file to copy.
type file struct {
	text string
	real [2]string // realdata folder and file name
}

func txt(s string) file          { return file{text: s} }
func real(sub, name string) file { return file{real: [2]string{sub, name}} }

// writeRepo builds a repository in a temporary folder.
func writeRepo(t *testing.T, files map[string]file) string {
	t.Helper()
	root := t.TempDir()
	for p, f := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		data := []byte(f.text)
		if f.real[0] != "" {
			var err error
			if data, err = os.ReadFile(realdata.File(t, f.real[0], f.real[1])); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func openRepo(t *testing.T, root string) *repo.Repo {
	t.Helper()
	r, err := repo.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func inspect(t *testing.T, root, config string) *Plan {
	t.Helper()
	p, err := Inspect(openRepo(t, root), Options{Config: config, MaxSBOMSize: checks.DefaultMaxSBOMSize})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// goRepo is the sample repository of the golden file: a Go product with
// SBOMs named for no format (found by their content), a JSON file that is no
// SBOM, its policy under .github/, a security.txt, and SBOMs where the
// product's are not (dependencies, fixtures, hidden folders).
func goRepo() map[string]file {
	return map[string]file{
		"go.mod":                         txt("module example.com/acme/smart-hub/v2\n\ngo 1.22\n\nrequire golang.org/x/text v0.14.0\n"),
		"cmd/hub/main.go":                txt("package main\n\nfunc main() {}\n"),
		"sbom/deps.json":                 real("sbom", "spdx23-syft-terraform-provider-aci.json"),
		"build/out/bom.xml":              real("sbom", "cdx16-cyclonedx-go-valid-bom.xml"),
		"config/settings.json":           txt(`{"name": "smart-hub", "version": "2.0.0", "features": {"sbom": true, "bomFormat": "none"}}`),
		".github/SECURITY.md":            real("policies", "tailscale__tailscale__SECURITY.md"),
		".well-known/security.txt":       real("policies", "nodejs__nodejs.org__security.txt"),
		"node_modules/left-pad/bom.json": real("sbom", "cdx14-juice-shop-npm-flat.json"),
		"vendor/example.com/x/bom.json":  real("sbom", "cdx15-sbomqs-sample.json"),
		"internal/testdata/fixture.json": real("sbom", "spdx23-trivy-conda.json"),
		".cache/sbom.json":               real("sbom", "spdx22-tern-photon.json"),
		"examples/demo/sbom.json":        real("sbom", "cdx16-trivy-fluentd-image.json"),
		"examples/demo/go.mod":           txt("module example.com/demo\n"),
		"README.md":                      txt("# Smart Hub\n"),
	}
}

// TestGolden renders the sample repository's cra.toml: the golden file is
// reviewed by eye (go test ./scaffold -update rewrites it).
func TestGolden(t *testing.T) {
	root := writeRepo(t, goRepo())
	p := inspect(t, root, "cra.toml")
	got := Render(p)
	golden := filepath.Join("testdata", "go-repo.cra.toml")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("Render differs from %s (go test ./internal/scaffold -update, then review the diff):\n%s", golden, got)
	}
}

func TestInspectGoRepo(t *testing.T) {
	p := inspect(t, writeRepo(t, goRepo()), "cra.toml")
	if p.Name != (Found{"smart-hub", "go.mod"}) {
		t.Errorf("name = %+v, want smart-hub from go.mod (the /v2 suffix dropped)", p.Name)
	}
	var sboms []string
	for _, s := range p.SBOMs {
		sboms = append(sboms, s.Path+" "+s.Format)
	}
	if got := strings.Join(sboms, ", "); got != "build/out/bom.xml CycloneDX 1.6 XML, sbom/deps.json SPDX 2.3 JSON" {
		t.Errorf("SBOMs = %s; want the two found by content, none from node_modules, vendor, testdata, examples or .cache, and not config/settings.json", got)
	}
	if p.Source != "." || p.Ecosystem != "go" || strings.Join(p.GoMains, " ") != "cmd/hub" {
		t.Errorf("source %q, ecosystem %q, mains %q", p.Source, p.Ecosystem, p.GoMains)
	}
	if p.Policy.Value != ".github/SECURITY.md" || p.SecurityTxt != ".well-known/security.txt" {
		t.Errorf("policy %q, security.txt %q", p.Policy.Value, p.SecurityTxt)
	}
	// security.txt names only a HackerOne form; the policy an address: the
	// address comes first (Article 13(17)).
	if p.Contact != (Found{"mailto:security@tailscale.com", ".github/SECURITY.md"}) {
		t.Errorf("contact = %+v", p.Contact)
	}
	if len(p.Refused)+len(p.Notes)+p.Unexamined != 0 || p.Truncated {
		t.Errorf("unexpected notes: %+v %+v", p.Refused, p.Notes)
	}
}

// TestGeneratedFileLoadsWithTODOsOnly: what init writes loads with no
// manifest problem but its TODOs, and the gate reports nothing else as an
// error: every error is a manifest-todo at a TODO's line.
func TestGeneratedFileLoadsWithTODOsOnly(t *testing.T) {
	root := writeRepo(t, goRepo())
	p := inspect(t, root, "cra.toml")
	src := Render(p)
	m, probs := manifest.Parse("cra.toml", src)
	if m == nil {
		t.Fatalf("does not load: %+v", probs)
	}
	for _, pr := range probs {
		if pr.Kind != manifest.TODOValue {
			t.Errorf("problem other than a TODO: %+v", pr)
		}
	}
	if len(m.TODOs()) != 11 {
		t.Errorf("%d TODOs, want 11 (manufacturer, class, conformity, placed_on_market, functions, "+
			"support.end, csirt, reporting contact, rdps, third_party, excluded): %+v", len(m.TODOs()), m.TODOs())
	}
	if strings.Join(m.Product.SBOM, " ") != "build/out/bom.xml sbom/deps.json" || m.Disclosure.Policy != ".github/SECURITY.md" || m.Product.Name != "smart-hub" {
		t.Errorf("found values not written: %+v %+v", m.Product, m.Disclosure)
	}
	res := runGate(t, root, src)
	lines := map[int]bool{}
	for _, td := range m.TODOs() {
		lines[td.Pos.Line] = true
	}
	todos := 0
	for _, f := range res.Findings {
		switch {
		case f.Rule == "manifest-todo" && lines[f.Line]:
			todos++
		case f.Check == finding.CheckManifest || f.Severity == finding.Error:
			t.Errorf("finding other than manifest-todo: %s:%d %s [%s]", f.File, f.Line, f.Message, f.Rule)
		}
	}
	if todos != len(m.TODOs()) || res.Passed {
		t.Errorf("%d manifest-todo findings for %d TODOs, passed %v", todos, len(m.TODOs()), res.Passed)
	}
}

// runGate writes cra.toml into the repository and runs every check on it.
func runGate(t *testing.T, root string, src []byte) *finding.Result {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, "cra.toml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := checks.Run(openRepo(t, root), "cra.toml", checks.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// decide replaces the TODOs of a generated file as a person would: each key
// gets a value of its type, and the scope entries without a service are
// deleted.
func decide(t *testing.T, src string, values map[string]string) string {
	t.Helper()
	for _, section := range []string{"rdps", "third_party", "excluded"} {
		re := regexp.MustCompile(`(?m)^\[\[` + section + `\]\]\nname = "TODO:[^"\n]*"\n`)
		if !re.MatchString(src) {
			t.Fatalf("no TODO [[%s]] entry in\n%s", section, src)
		}
		src = re.ReplaceAllString(src, "")
	}
	todo := regexp.MustCompile(`(?m)^(\w+) = (\["TODO:[^"\n]*"\]|"TODO:[^"\n]*")`)
	section := ""
	var out []string
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(strings.Fields(line)[0], "[]")
		}
		if m := todo.FindStringSubmatch(line); m != nil {
			v, ok := values[section+"."+m[1]]
			if !ok {
				t.Fatalf("no value for %s.%s", section, m[1])
			}
			line = m[1] + " = " + v
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// decisions are the values a person gives the sample product.
var decisions = map[string]string{
	"product.manufacturer":     `"Acme Hub GmbH"`,
	"product.class":            `"default"`,
	"product.conformity":       `"module-a"`,
	"product.placed_on_market": `2026-03-01`,
	"product.functions":        `["hub-control", "updates"]`,
	"support.end":              `2031-12-31`,
	"reporting.csirt":          `"DE"`,
	"reporting.contact":        `"mailto:psirt@acme-hub.eu"`,
}

// TestDecidedFilePasses: once a person replaces the TODOs of the generated
// file with real values, the gate passes (warnings and notices aside).
func TestDecidedFilePasses(t *testing.T) {
	root := writeRepo(t, goRepo())
	p := inspect(t, root, "cra.toml")
	src := decide(t, string(Render(p)), decisions)
	if m, _ := manifest.Parse("cra.toml", []byte(src)); m == nil || len(m.TODOs()) != 0 {
		t.Fatalf("TODOs left in\n%s", src)
	}
	res := runGate(t, root, []byte(src))
	if !res.Passed {
		for _, f := range res.Findings {
			if f.Severity == finding.Error {
				t.Errorf("%s:%d: %s [%s]", f.File, f.Line, f.Message, f.Rule)
			}
		}
		t.Fatal("the decided file does not pass")
	}
	for _, f := range res.Findings {
		if f.Check == finding.CheckManifest {
			t.Errorf("manifest finding on the decided file: %s [%s]", f.Message, f.Rule)
		}
	}
}

// TestInspectNodeRepo: the name and version from package.json; an SBOM that
// writes its format last (sbom-tool sorts its keys); SPDX YAML, which the gate
// does not read, named with the reason; a CycloneDX VEX offered as VEX; the
// contact from security.txt when there is no policy.
func TestInspectNodeRepo(t *testing.T) {
	root := writeRepo(t, map[string]file{
		"package.json":                          txt(`{"name": "@acme/notes", "version": "2.4.1", "dependencies": {"left-pad": "1.3.0"}}`),
		"package-lock.json":                     txt(`{"name": "@acme/notes", "lockfileVersion": 3, "packages": {"": {"name": "@acme/notes"}}}`),
		"_manifest/spdx_2.2/manifest.spdx.json": real("sbom-corpus", "spdx22-sbom-tool-sample.json"),
		"sbom/notes.spdx.yaml":                  real("sbom-corpus", "edge-spdx23-spec-example.yaml"),
		"vex/notes.json": txt(`{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "vulnerabilities": [{"id": ` +
			`"CVE-2024-0001", "analysis": {"state": "not_affected", "justification": "code_not_reachable"}, ` +
			`"affects": [{"ref": "pkg:npm/left-pad@1.3.0"}]}]}`),
		"security.txt": real("policies", "rust-lang__www.rust-lang.org__security.txt"),
	})
	p := inspect(t, root, "cra.toml")
	if p.Name != (Found{"@acme/notes", "package.json"}) || p.Version.Value != "2.4.1" || p.Ecosystem != "npm" {
		t.Errorf("name %+v version %+v ecosystem %q", p.Name, p.Version, p.Ecosystem)
	}
	if len(p.SBOMs) != 1 || p.SBOMs[0].Path != "_manifest/spdx_2.2/manifest.spdx.json" {
		t.Errorf("SBOMs = %+v", p.SBOMs)
	}
	if len(p.Refused) != 1 || p.Refused[0].Path != "sbom/notes.spdx.yaml" || !strings.Contains(p.Refused[0].Reason, "YAML") {
		t.Errorf("refused = %+v", p.Refused)
	}
	if len(p.VEX) != 1 || p.VEX[0].Path != "vex/notes.json" {
		t.Errorf("VEX = %+v", p.VEX)
	}
	if p.Policy.Value != "" || p.SecurityTxt != "security.txt" || p.Contact.From != "security.txt" || !strings.HasPrefix(p.Contact.Value,
		"https://www.rust-lang.org/") {
		t.Errorf("policy %+v security.txt %q contact %+v", p.Policy, p.SecurityTxt, p.Contact)
	}
	src := Render(p)
	m, probs := manifest.Parse("cra.toml", src)
	for _, pr := range probs {
		if pr.Kind != manifest.TODOValue {
			t.Errorf("problem: %+v", pr)
		}
	}
	if m == nil || strings.Join(m.Vulnerabilities.VEX, " ") != "vex/notes.json" || !m.HasTODO("disclosure", "policy") {
		t.Fatalf("rendered:\n%s", src)
	}
	for _, want := range []string{`# version = "2.4.1"`, `"sbom/notes.spdx.yaml": unsupported encoding: SPDX YAML`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("rendered file lacks %q:\n%s", want, src)
		}
	}
}

// TestInspectCargoRepo: the name from Cargo.toml's [package], not from a
// name in another table; no SBOM, so the file names the one the suggested
// command writes.
func TestInspectCargoRepo(t *testing.T) {
	root := writeRepo(t, map[string]file{
		"Cargo.toml": txt("[workspace]\nmembers = []\n\n[dependencies.serde]\nname = \"not-the-product\"\nversion = " +
			"\"1\"\n\n[package]   # the crate\nname = \"lockd\"\nversion = \"0.3.0\"\n"),
	})
	p := inspect(t, root, "cra.toml")
	if p.Name != (Found{"lockd", "Cargo.toml"}) || p.Version.Value != "0.3.0" || p.Ecosystem != "cargo" {
		t.Errorf("name %+v version %+v ecosystem %q", p.Name, p.Version, p.Ecosystem)
	}
	src := string(Render(p))
	if !strings.Contains(src, "  \"sbom/lockd.cdx.json\",\n") || !strings.Contains(src, "syft scan dir:. -o cyclonedx-json=sbom/lockd.cdx.json") {
		t.Errorf("no suggested SBOM in\n%s", src)
	}
	next := NextSteps(p, nil, Where{Written: true})
	if !strings.Contains(next, "mkdir -p sbom && syft scan dir:. -o cyclonedx-json=sbom/lockd.cdx.json") {
		t.Errorf("next steps:\n%s", next)
	}
}

// TestGoGenerators: the cyclonedx-gomod commands are those of v1.10.0, one
// per main package under cmd/, app mode for a main.go at the module's root,
// mod mode otherwise.
func TestGoGenerators(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]file
		want  []string
	}{
		"one main": {map[string]file{"go.mod": txt("module example.com/hub\n"), "cmd/hub/main.go": txt("package main\n")},
			[]string{"mkdir -p sbom && " + cycloneDXGomod + " app -json -licenses -assert-licenses -main cmd/hub -output sbom/hub.cdx.json ."}},
		"two mains": {map[string]file{"go.mod": txt("module example.com/hub\n"),
			"cmd/hubd/main.go":   txt("package main\n"),
			"cmd/hubctl/main.go": txt("package main\n")},
			[]string{
				"mkdir -p sbom && " + cycloneDXGomod + " app -json -licenses -assert-licenses -main cmd/hubctl -output sbom/hubctl.cdx.json .",
				"mkdir -p sbom && " + cycloneDXGomod + " app -json -licenses -assert-licenses -main cmd/hubd -output sbom/hubd.cdx.json .",
			}},
		"root main": {map[string]file{"go.mod": txt("module example.com/hub\n"), "main.go": txt("package main\n")},
			[]string{"mkdir -p sbom && " + cycloneDXGomod + " app -json -licenses -assert-licenses -output sbom/hub.cdx.json ."}},
		"library": {map[string]file{"go.mod": txt("module example.com/hub\n"), "hub.go": txt("package hub\n")},
			[]string{"mkdir -p sbom && " + cycloneDXGomod + " mod -json -licenses -assert-licenses -output sbom/hub.cdx.json ."}},
		// syncthing's layout: mains at several depths, a folder of mains,
		// a library and a test-only folder under cmd/; a header and a
		// build constraint before the package clause.
		"nested mains": {map[string]file{"go.mod": txt("module example.com/sync\n"),
			"cmd/syncthing/main.go":        txt("// Copyright (C) 2014 The Syncthing Authors.\n/* MPL 2.0\n */\n\n//go:build !noupgrade\n\npackage main\n"),
			"cmd/infra/stdiscosrv/main.go": txt("package main\n"),
			"cmd/infra/strelaysrv/srv.go":  txt("package main // the relay\n"),
			"cmd/infra/README.md":          txt("# servers\n"),
			"cmd/internal/lib/lib.go":      txt("package lib\n"),
			"cmd/tool/main_test.go":        txt("package main\n")},
			[]string{
				"mkdir -p sbom && " + cycloneDXGomod + " app -json -licenses -assert-licenses -main cmd/infra/stdiscosrv -output sbom/stdiscosrv.cdx.json .",
				"mkdir -p sbom && " + cycloneDXGomod + " app -json -licenses -assert-licenses -main cmd/infra/strelaysrv -output sbom/strelaysrv.cdx.json .",
				"mkdir -p sbom && " + cycloneDXGomod + " app -json -licenses -assert-licenses -main cmd/syncthing -output sbom/syncthing.cdx.json .",
			}},
		"in a folder": {map[string]file{"firmware/go.mod": txt("module example.com/hub-fw\n"), "firmware/cmd/fw/main.go": txt("package main\n")},
			[]string{"mkdir -p sbom && " + cycloneDXGomod + " app -json -licenses -assert-licenses -main cmd/fw -output sbom/hub-fw.cdx.json firmware"}},
	} {
		p := inspect(t, writeRepo(t, tc.files), "cra.toml")
		var got []string
		for _, g := range generators(p) {
			got = append(got, g.cmd)
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\n got  %q\n want %q", name, got, tc.want)
		}
		if m, probs := manifest.Parse("cra.toml", Render(p)); m == nil || len(probs) != len(m.TODOs()) {
			t.Errorf("%s: rendered file has problems other than TODOs: %+v", name, probs)
		}
	}
}

// TestSeveralSourceFolders: with dependency manifests in several folders,
// source is not guessed: a comment lists the folders.
func TestSeveralSourceFolders(t *testing.T) {
	root := writeRepo(t, map[string]file{
		"firmware/go.mod":        txt("module example.com/lock/firmware\n"),
		"cloud-api/go.mod":       txt("module example.com/lock/cloud\n"),
		"cloud-api/package.json": txt(`{"name": "cloud-ui"}`),
	})
	p := inspect(t, root, "cra.toml")
	if p.Source != "" || len(p.ManifestDirs) != 2 || p.Name.Value != "" {
		t.Errorf("source %q, dirs %+v, name %+v", p.Source, p.ManifestDirs, p.Name)
	}
	src := string(Render(p))
	for _, want := range []string{`#   "cloud-api" (go.mod, package.json)`, `#   "firmware" (go.mod)`, `name = "TODO: the product's name"`} {
		if !strings.Contains(src, want) {
			t.Errorf("lacks %q:\n%s", want, src)
		}
	}
	if m, probs := manifest.Parse("cra.toml", []byte(src)); m == nil || len(probs) != len(m.TODOs()) || m.Product.Source != "" {
		t.Errorf("problems: %+v", probs)
	}
}

// TestMonorepoProduct: --config camera/cra.toml looks for the product in
// camera/ only, writes source = "camera" (paths stay relative to the root),
// and takes the root's SECURITY.md.
func TestMonorepoProduct(t *testing.T) {
	root := writeRepo(t, map[string]file{
		"SECURITY.md":          real("policies", "tokio-rs__tokio__SECURITY.md"),
		"camera/go.mod":        txt("module example.com/acme/camera\n"),
		"camera/sbom/app.json": real("sbom", "spdx23-syft-kong-atc-router.json"),
		"lock/sbom/lock.json":  real("sbom", "cdx15-sbomqs-sample.json"),
	})
	p := inspect(t, root, "camera/cra.toml")
	src := Render(p)
	m, _ := manifest.Parse("camera/cra.toml", src)
	if m == nil || strings.Join(m.Product.SBOM,
		" ") != "camera/sbom/app.json" ||
		m.Product.Source != "camera" ||
		m.Disclosure.Policy != "SECURITY.md" ||
		m.Product.Name != "camera" ||
		m.Disclosure.Contact != "mailto:security@tokio.rs" {
		t.Fatalf("rendered:\n%s", src)
	}
	next := NextSteps(p, m.TODOs(), Where{Dir: "repo", Written: true})
	for _, want := range []string{"cra-gate check repo --config camera/cra.toml", "with: {base-path: .cra-gate/base, config: camera/cra.toml}"} {
		if !strings.Contains(next, want) {
			t.Errorf("next steps lack %q:\n%s", want, next)
		}
	}
}

// TestPolicyOrder: GitHub's order, .github first; a root SECURITY.md in
// another case is found.
func TestPolicyOrder(t *testing.T) {
	p := inspect(t, writeRepo(t, map[string]file{
		"SECURITY.md": real("policies", "vuejs__core__SECURITY.md"), ".github/SECURITY.md": real("policies", "tailscale__tailscale__SECURITY.md"),
	}), "cra.toml")
	if p.Policy.Value != ".github/SECURITY.md" {
		t.Errorf("policy = %q", p.Policy.Value)
	}
	p = inspect(t, writeRepo(t, map[string]file{"docs/security.md": real("policies", "vuejs__core__SECURITY.md")}), "cra.toml")
	if p.Policy.Value != "docs/security.md" || p.Contact.Value != "mailto:security@vuejs.org" {
		t.Errorf("policy %q contact %q", p.Policy.Value, p.Contact.Value)
	}
}

// TestNextSteps names what was found, every TODO with its line, the check
// and the Action.
func TestNextSteps(t *testing.T) {
	p := inspect(t, writeRepo(t, goRepo()), "cra.toml")
	m, _ := manifest.Parse("cra.toml", Render(p))
	next := NextSteps(p, m.TODOs(), Where{Written: true})
	for _, want := range []string{
		"Wrote cra.toml.",
		"product.sbom             sbom/deps.json: SPDX 2.3 JSON, 63 components",
		"disclosure.contact       mailto:security@tailscale.com (from .github/SECURITY.md)",
		"To decide: 11 TODOs.",
		"cra.toml:12    product.manufacturer",
		"Check: cra-gate check\n",
		"      - " + actionUses,
	} {
		if !strings.Contains(next, want) {
			t.Errorf("next steps lack %q:\n%s", want, next)
		}
	}
	if strings.Contains(next, "Generate the SBOM") {
		t.Errorf("SBOMs were found, yet the next steps ask for one:\n%s", next)
	}
}

// TestActionSnippet: the Action is named as the examples' workflow names it
// (.ci/set-version keeps those at the release's major tag).
func TestActionSnippet(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "workflows", "cra-pr.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- " + actionUses + "\n", "uses: " + checkoutAction + "\n", "uses: " + setupGoAction + "\n",
		"path: .cra-gate/base", "base-path: .cra-gate/base", "checks: write"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("examples/workflows/cra-pr.yml does not say %q", want)
		}
	}
	// init's workflow generates the SBOM before the gate when the
	// repository holds none, with the generator it names.
	root := writeRepo(t, map[string]file{"go.mod": txt("module example.com/lockd\n\ngo 1.22\n"), "main.go": txt("package main\n\nfunc main() {}\n")})
	lines := strings.Join(actionSnippet(inspect(t, root, "cra.toml")), "\n")
	gen, gate := strings.Index(lines, "cyclonedx-gomod@v1.10.0 app"), strings.Index(lines, actionUses)
	if gen < 0 || gate < gen || !strings.Contains(lines, "go-version-file: go.mod") {
		t.Errorf("workflow:\n%s", lines)
	}
}

// TestSchemaDirective: the first line names the gate's JSON Schema, and once
// its TODOs are replaced the file is one the schema accepts, as the gate does.
func TestSchemaDirective(t *testing.T) {
	if schemaDirective != "#:schema "+craschema.ID {
		t.Errorf("the directive %q does not name the schema's $id %s", schemaDirective, craschema.ID)
	}
	v, err := schematest.Load(filepath.Join("..", "..", "schema", "cra.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	p := inspect(t, writeRepo(t, goRepo()), "cra.toml")
	src := Render(p)
	if !strings.HasPrefix(string(src), schemaDirective+"\n") {
		t.Errorf("first line: %q", strings.SplitN(string(src), "\n", 2)[0])
	}
	if err := v.Validate([]byte(decide(t, string(src), decisions))); err != nil {
		t.Errorf("the schema rejects the decided file: %v", err)
	}
}

// TestInspectDeviceRepo: a device repository's SBOMs as its build system
// writes them, a Yocto image archive and an SPDX 3 JSON-LD document, are
// both found and listed in the generated file; a Zephyr tag-value document
// too.
func TestInspectDeviceRepo(t *testing.T) {
	root := writeRepo(t, map[string]file{
		"sbom/core-image-minimal.rootfs.spdx.tar.zst": real("sbom-embedded", "yocto22-image-archive.rootfs.spdx.tar.zst"),
		"sbom/qemux86-64.rootfs.spdx.json":            real("sbom-embedded", "yocto30-core-image-minimal-qemux86-64.rootfs.spdx.json"),
		"sbom/zephyr.spdx":                            real("sbom-embedded", "zephyr22-west-charge-controller-zephyr.spdx"),
		"SECURITY.md":                                 real("policies", "tokio-rs__tokio__SECURITY.md"),
	})
	p := inspect(t, root, "cra.toml")
	var got []string
	for _, s := range p.SBOMs {
		got = append(got, s.Path)
	}
	slices.Sort(got)
	want := []string{"sbom/core-image-minimal.rootfs.spdx.tar.zst", "sbom/qemux86-64.rootfs.spdx.json", "sbom/zephyr.spdx"}
	if !slices.Equal(got, want) {
		t.Fatalf("SBOMs = %q, want %q (refused: %+v)", got, want, p.Refused)
	}
	src := string(Render(p))
	for _, w := range want {
		if !strings.Contains(src, `"`+w+`"`) {
			t.Errorf("the generated file does not list %s:\n%s", w, src)
		}
	}
}

// TestRoles: init --steward, --foss and --non-commercial write only the
// TODOs that apply; each file loads with nothing but its TODOs, and the gate
// reports nothing else as an error.
func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		name string
		role Role
		want string // the TODO paths, in order
	}{
		{"foss", Role{FOSS: true}, "product.manufacturer product.class product.conformity product.placed_on_market product.functions[0] " +
			"support.end reporting.csirt reporting.contact rdps[0].name third_party[0].name excluded[0].name"},
		{"steward", Role{Steward: true}, "product.manufacturer product.functions[0] reporting.csirt reporting.contact rdps[0].name " +
			"third_party[0].name excluded[0].name"},
		{"non-commercial", Role{NonCommercial: true}, "product.manufacturer product.commercial_rationale product.functions[0] " +
			"reporting.csirt reporting.contact"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := writeRepo(t, goRepo())
			p, err := Inspect(openRepo(t, root), Options{Config: "cra.toml", MaxSBOMSize: checks.DefaultMaxSBOMSize, Role: tc.role})
			if err != nil {
				t.Fatal(err)
			}
			src := Render(p)
			m, probs := manifest.Parse("cra.toml", src)
			if m == nil {
				t.Fatalf("does not load: %+v", probs)
			}
			var paths []string
			for _, td := range m.TODOs() {
				paths = append(paths, td.Path)
			}
			if got := strings.Join(paths, " "); got != tc.want {
				t.Errorf("TODOs:\n got %s\nwant %s\n%s", got, tc.want, src)
			}
			if tc.role.FOSS != m.Product.FOSS || tc.role.Steward != m.Product.Steward() || tc.role.NonCommercial != m.Product.NonCommercial() {
				t.Errorf("role not written: %+v", m.Product)
			}
			res := runGate(t, root, src)
			for _, f := range res.Findings {
				if f.Severity == finding.Error && f.Rule != "manifest-todo" && !(tc.role.NonCommercial && f.Rule == "scope-non-commercial") {
					t.Errorf("an error other than a TODO's: %s:%d %s [%s]", f.File, f.Line, f.Message, f.Rule)
				}
			}
		})
	}
}

// TestPackageManagers: the package manager comes from package.json's
// packageManager, else the lockfile; pnpm and yarn get cdxgen, which reads
// their lockfiles, npm cyclonedx-npm after npm ci; every generator pinned.
func TestPackageManagers(t *testing.T) {
	pj := func(extra string) file { return txt(`{"name": "zigbee2mqtt", "version": "2.1.0"` + extra + `}`) }
	for name, tc := range map[string]struct {
		files map[string]file
		pm    string
		cmd   string
	}{
		"pnpm lockfile": {map[string]file{"package.json": pj(""), "pnpm-lock.yaml": txt("lockfileVersion: '9.0'\n")}, "pnpm",
			"mkdir -p sbom && npx --yes @cyclonedx/cdxgen@12.8.4 -t js --required-only -o sbom/zigbee2mqtt.cdx.json ."},
		"yarn by packageManager": {map[string]file{"package.json": pj(`, "packageManager": "yarn@4.5.0"`)}, "yarn",
			"mkdir -p sbom && npx --yes @cyclonedx/cdxgen@12.8.4 -t js --required-only -o sbom/zigbee2mqtt.cdx.json ."},
		"packageManager wins": {map[string]file{"package.json": pj(`, "packageManager": "pnpm@9.12.0"`), "yarn.lock": txt("# yarn\n")}, "pnpm",
			"mkdir -p sbom && npx --yes @cyclonedx/cdxgen@12.8.4 -t js --required-only -o sbom/zigbee2mqtt.cdx.json ."},
		"npm": {map[string]file{"package.json": pj(""), "package-lock.json": txt(`{"lockfileVersion": 3}`)}, "npm",
			"mkdir -p sbom && npx --yes @cyclonedx/cyclonedx-npm@6.0.1 --omit dev --output-format JSON --output-file sbom/zigbee2mqtt.cdx.json package.json"},
	} {
		p := inspect(t, writeRepo(t, tc.files), "cra.toml")
		gs := generators(p)
		if p.PackageManager != tc.pm || len(gs) != 1 || gs[0].cmd != tc.cmd {
			t.Errorf("%s: %q, %+v; want %q, %q", name, p.PackageManager, gs, tc.pm, tc.cmd)
		}
		wf := strings.Join(actionSnippet(p), "\n")
		if strings.Contains(wf, "npm ci") != (tc.pm == "npm") {
			t.Errorf("%s: npm ci in the workflow only for npm:\n%s", name, wf)
		}
	}
}
