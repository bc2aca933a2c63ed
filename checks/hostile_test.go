package checks

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/deps"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/sbomgen"
)

// The repositories a hostile pull request can send, each at the gate's limits
// (README, Limits). They back the regression tests below and
// BenchmarkHostile, which measures them beside a plain repository and a bare
// JSON decode in the same run.

// fill repeats line(i) while the result stays within limit bytes.
func fill(limit int, head string, line func(i int) string, tail string) string {
	var b strings.Builder
	b.WriteString(head)
	for i := 0; ; i++ {
		l := line(i)
		if b.Len()+len(l)+len(tail) > limit {
			break
		}
		b.WriteString(l)
	}
	b.WriteString(tail)
	return b.String()
}

// hostileManifest is a cra.toml near its limits: a thousand functions of the
// longest name allowed, and entries that each name an unknown function of that
// length (a "did you mean" over every pair took minutes) and an unknown key.
func hostileManifest(entries int) string {
	long := strings.Repeat("x", manifest.MaxName-16)
	var fs []string
	for i := range manifest.MaxItems {
		fs = append(fs, fmt.Sprintf("%q", fmt.Sprintf("function-%04d-%s", i, long)))
	}
	m := strings.Replace(baseManifest, `functions = ["unlock", "remote-unlock", "onboarding"]`, "functions = ["+strings.Join(fs, ",")+"]", 1)
	var b strings.Builder
	b.WriteString(m)
	for i := range entries {
		fmt.Fprintf(&b, "\n[[excluded]]\nname = \"svc-%04d\"\nreason = \"analytics\"\nrationale = \"Usage "+
			"statistics only; every product function works without it.\"\nfunctions = "+
			"[\"functoin-%04d-%s\"]\nnmae = 1\n", i, i, long)
	}
	return b.String()
}

// hostileDeps is one source folder with every dependency manifest at its
// limit: together they spend the run's whole budget (deps.MaxTotal).
func hostileDeps() map[string]string {
	goMod := fill(deps.MaxGoMod,
		"module example.com/big\n\nrequire (\n",
		func(i int) string { return fmt.Sprintf("\texample.com/m%07d/pkg v1.%d.%d\n", i, i%50, i%7) },
		")\n")
	reqs := fill(deps.MaxRequirements, "", func(i int) string { return fmt.Sprintf("package-%07d==1.%d.0\n", i, i%30) }, "")
	pkgs := map[string]any{}
	root := map[string]string{}
	for i := 0; len(pkgs)*330 < deps.MaxPackageLock-(1<<20); i++ {
		name := fmt.Sprintf("pkg-%07d", i)
		pkgs["node_modules/"+name] = map[string]any{"version": fmt.Sprintf("1.%d.%d",
			i%40,
			i%9), "resolved": "https://registry.npmjs.org/" + name + "/-/" + name + "-1.0.0.tgz",
			"integrity": "sha512-" + strings.Repeat("A", 86) + "==", "license": "MIT", "dependencies": map[string]string{"x": "^1"}}
		if i < 20000 {
			root[name] = "^1.0.0"
		}
	}
	pkgs[""] = map[string]any{"name": "big", "version": "1.0.0", "dependencies": root}
	lock, _ := json.Marshal(map[string]any{"name": "big", "lockfileVersion": 3, "packages": pkgs})
	cargoLock := fill(deps.MaxCargoLock, "version = 3\n\n", func(i int) string {
		return fmt.Sprintf("[[package]]\nname = \"crate-%06d\"\nversion = \"1.%d.0\"\nsource = "+
			"\"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = "+
			"\"%s\"\ndependencies = [\n \"serde\",\n]\n\n", i, i%20, strings.Repeat("ab", 32))
	}, "")
	cargoToml := fill(deps.MaxCargoToml,
		"[package]\nname = \"big\"\nversion = \"1.0.0\"\n\n[dependencies]\n",
		func(i int) string { return fmt.Sprintf("crate-%06d = \"1\"\n", i%19000) },
		"")
	cargoToml = cargoToml[:strings.Index(cargoToml, "crate-018999")] // one declaration each
	return map[string]string{"go.mod": goMod, "requirements.txt": reqs, "package-lock.json": string(lock), "Cargo.lock": cargoLock, "Cargo.toml": cargoToml}
}

// hostileDocs are a policy and a security.txt at their limits, written to
// make the text analysis work: nested quotes, links, tables, lists.
func hostileDocs() map[string]string {
	shapes := []string{strings.Repeat("> ",
		40) + "[x](http://a) *a* _b_ `c`\n", "| a | b |\n|---|---|\n| [r](mailto:x@y.eu) | report |\n", strings.Repeat("- ",
		30) + "item <a href='x'>\n", "[link]: https://testlock.eu/security\n"}
	policy := fill(maxPolicy, baseFiles()["SECURITY.md"], func(i int) string { return shapes[i%len(shapes)] }, "")
	txt := fill(maxSecurityTxt,
		"Contact: mailto:security@testlock.eu\nExpires: 2027-06-01T00:00:00Z\n",
		func(i int) string { return fmt.Sprintf("# comment %d %s\n", i, strings.Repeat("x", 60)) },
		"")
	return map[string]string{"SECURITY.md": policy, ".well-known/security.txt": txt}
}

// TestHostileManifest: the cra.toml at its limits is judged, each unknown
// function and key reported, with suggestions only within the run's bound.
func TestHostileManifest(t *testing.T) {
	res := runRepo(t, hostileManifest(995), nil)
	n, suggested := 0, 0
	for _, f := range res.Findings {
		if f.Rule == "scope-unknown-function" {
			n++
			if strings.Contains(f.Message, "did you mean") {
				suggested++
			}
		}
	}
	// The 995 entries, and the base manifest's RDPS whose "remote-unlock" the
	// long list replaced; names longer than manifest.MaxSuggest get no
	// suggestion at all.
	if n != 996 || suggested != 0 {
		t.Errorf("%d unknown functions reported (want 996), %d with a suggestion (want 0)", n, suggested)
	}
	if res.Passed {
		t.Error("the gate passed")
	}
}

// TestRDPSCoverageIndexed is the regression test for RDPS coverage that
// lower-cased every component for every RDPS without an SBOM (10,000 × 100,000
// took 78 s): 995 of them against a 50,000-component product SBOM.
func TestRDPSCoverageIndexed(t *testing.T) {
	m := strings.Replace(baseManifest, `sbom = ["sbom/cloud.cdx.json"]`+"\n", "", 1)
	var b strings.Builder
	b.WriteString(m)
	for i := range 995 {
		fmt.Fprintf(&b, "\n[[rdps]]\nname = \"svc-%d\"\ndeveloped_by = \"manufacturer\"\nfunctions = "+
			"[\"unlock\"]\nrationale = \"Unlock cannot work without this service, which we develop.\"\n", i)
	}
	res := runRepo(t, b.String(), map[string]string{"sbom/app.cdx.json": string(sbomgen.CycloneDXJSON(50000))})
	n := 0
	for _, f := range res.Findings {
		if f.Rule == "sbom-rdps-uncovered" {
			n++
		}
	}
	if n != 996 { // test-cloud and the 995 services
		t.Errorf("%d uncovered RDPS reported, want 996", n)
	}
}

// TestHostileDeps: every manifest at its limit is read and compared, and the
// run's budget is spent exactly there.
func TestHostileDeps(t *testing.T) {
	files := map[string]string{}
	for name, content := range hostileDeps() {
		files["fw/"+name] = content
	}
	m := strings.Replace(baseManifest, `sbom = ["sbom/app.cdx.json"]`, "sbom = [\"sbom/app.cdx.json\"]\nsource = \"fw\"", 1)
	res := runRepo(t, m, files)
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if f.Rule == "sbom-deps-unreadable" {
			t.Errorf("%s: %s", f.File, f.Message)
		}
		if f.Rule == "sbom-drift-missing" {
			seen[f.File] = true
		}
	}
	for _, want := range []string{"fw/go.mod", "fw/requirements.txt", "fw/package-lock.json", "fw/Cargo.toml"} {
		if !seen[want] {
			t.Errorf("no drift finding for %s", want)
		}
	}
}

// BenchmarkHostile runs the whole gate on each hostile repository, next to
// the plain base repository and a bare json.Unmarshal of the largest file it
// reads (the 16 MiB package-lock.json), all in the same run.
func BenchmarkHostile(b *testing.B) {
	withSource := strings.Replace(baseManifest, `sbom = ["sbom/app.cdx.json"]`, "sbom = [\"sbom/app.cdx.json\"]\nsource = \"fw\"", 1)
	depFiles := hostileDeps()
	cases := []struct {
		name     string
		manifest string
		files    map[string]string
	}{
		{"baseline-plain-repository", baseManifest, nil},
		{"cra.toml-at-limits", hostileManifest(995), nil},
		{"cra.toml-dotted-key-bomb", baseManifest + "\nx." + strings.Repeat("a.", 20000) + "b = 1\n", nil},
		{"cra.toml-inline-table-bomb", baseManifest + "\nx = " + strings.Repeat("{b=", 16000) + "1" + strings.Repeat("}", 16000) + "\n", nil},
		{"documents-at-limits", strings.Replace(baseManifest, "[reporting]", "security_txt = \".well-known/security.txt\"\n\n[reporting]", 1), hostileDocs()},
		{"dependency-manifests-at-limits", withSource, prefixed("fw/", depFiles)},
		{"cargo-dotted-key-bomb", withSource, map[string]string{"fw/Cargo.toml": "[dependencies]\nx." + strings.Repeat("a.", 40000) + "b = 1\n"}},
	}
	for _, tc := range cases {
		all := baseFiles()
		for k, v := range tc.files {
			all[k] = v
		}
		all["cra.toml"] = tc.manifest
		r := writeRepoB(b, all)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(r, "cra.toml", Options{Now: testNow}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	lock := []byte(depFiles["package-lock.json"])
	b.Run("baseline-json-decode-package-lock", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v any
			if err := json.Unmarshal(lock, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func prefixed(prefix string, files map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range files {
		out[prefix+k] = v
	}
	return out
}
