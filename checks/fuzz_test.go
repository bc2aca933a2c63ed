package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/repo"
)

// FuzzRun runs the whole gate over a repository whose cra.toml and SBOM are
// the fuzzer's bytes (seeded with the base repository and hostile shapes):
// it never panics or fails to run, every finding names its check, rule and a
// message, points inside the files it names, the verdict agrees with the
// findings, and a cra.toml the gate reads without a manifest error is one the
// schema accepts.
func FuzzRun(f *testing.F) {
	sbom := cdx("test-lock", "a", "b")
	f.Add([]byte(baseManifest), []byte(sbom))
	f.Add([]byte(strings.Replace(baseManifest, `policy = "SECURITY.md"`, `policy = ".git/config"`, 1)), []byte(sbom))
	f.Add([]byte("x."+strings.Repeat("a.", 50)+"b = 1\n"), []byte(sbom))
	f.Add([]byte(baseManifest+"\n[[excluded]]\nname = \"t\"\nreason = \"analytics\"\nfunctions = [\"unlok\"]\n"),
		[]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"`+strings.Repeat("x", 300)+`"}]}`))
	f.Add([]byte(baseManifest), []byte("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n"))
	dir := f.TempDir()
	base := baseFiles()
	for name, content := range base {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	r, err := repo.Open(dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, manifest, sbomData []byte) {
		if err := os.WriteFile(filepath.Join(dir, "cra.toml"), manifest, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "sbom", "app.cdx.json"), sbomData, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := Run(r, "cra.toml", Options{Now: testNow})
		if err != nil {
			t.Fatalf("the gate could not run: %v", err)
		}
		checkSchema(t, string(manifest), res)
		lines := map[string]int{"cra.toml": strings.Count(string(manifest), "\n") + 1, "sbom/app.cdx.json": strings.Count(string(sbomData), "\n") + 1}
		failing := false
		for _, fd := range res.Findings {
			if fd.Check == "" || fd.Rule == "" || strings.TrimSpace(fd.Message) == "" {
				t.Fatalf("incomplete finding %+v", fd)
			}
			if n, ok := lines[fd.File]; ok && (fd.Line < 0 || fd.Line > n) {
				t.Fatalf("finding %s at %s:%d, past the file's %d lines", fd.Rule, fd.File, fd.Line, n)
			}
			failing = failing || res.FailOn == "error" && fd.Severity >= 2
		}
		if failing == res.Passed {
			t.Fatalf("passed=%v with failing findings=%v", res.Passed, failing)
		}
	})
}
