package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

// initRepo is a small Go product with a real SBOM named for no format.
func initRepo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	sbom, err := os.ReadFile(realdata.File(t, "sbom", "spdx23-syft-terraform-provider-aci.json"))
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range map[string][]byte{
		"go.mod":          []byte("module example.com/acme/hub\n\ngo 1.22\n"),
		"sbom/deps.json":  sbom,
		"docs/notes.json": []byte(`{"notes": ["not an SBOM"]}`),
	} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestInit: init writes cra.toml and says what it found and what is left;
// the file fails the gate with manifest-todo only; a second init refuses to
// overwrite it (exit 1, the file unchanged).
func TestInit(t *testing.T) {
	root := initRepo(t)
	stdout, stderr, status := runMain(nil, false, "init", root)
	if status != ExitPass || stderr != "" {
		t.Fatalf("init: status %d, stderr %q", status, stderr)
	}
	for _, want := range []string{"Wrote cra.toml.",
		"product.sbom             sbom/deps.json: SPDX 2.3 JSON",
		"To decide: 13 TODOs.",
		"Check: cra-gate check " + root,
		"uses: cra-gate/cra-gate@v1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	written, err := os.ReadFile(filepath.Join(root, "cra.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(written),
		"\nschema = 1\n") || !strings.Contains(string(written),
		`"sbom/deps.json",`) || strings.Contains(string(written),
		"notes.json") {
		t.Errorf("cra.toml:\n%s", written)
	}

	out, _, status := runMain(map[string]string{"CRA_GATE_NOW": "2026-12-01"}, false, "check", "--format", "json", root)
	if status != ExitFail {
		t.Fatalf("check of the generated file: status %d", status)
	}
	var res struct {
		Summary  struct{ Errors int }
		Findings []struct{ Rule, Severity, Message string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Severity == "error" && f.Rule != "manifest-todo" {
			t.Errorf("error other than manifest-todo: %s [%s]", f.Message, f.Rule)
		}
	}
	if res.Summary.Errors != 13 { // no SECURITY.md here: the policy and the contact are TODOs too
		t.Errorf("%d errors, want the 13 TODOs", res.Summary.Errors)
	}

	_, stderr, status = runMain(nil, false, "init", root)
	if status != ExitFail || !strings.Contains(stderr, filepath.Join(root, "cra.toml")+" exists already; init never overwrites") {
		t.Errorf("second init: status %d, stderr %q", status, stderr)
	}
	if again, _ := os.ReadFile(filepath.Join(root, "cra.toml")); string(again) != string(written) {
		t.Error("the second init changed cra.toml")
	}
}

// TestInitStdout prints the file, and what was found to stderr, writing
// nothing: also beside an existing cra.toml, to compare with it.
func TestInitStdout(t *testing.T) {
	root := initRepo(t)
	if err := os.WriteFile(filepath.Join(root, "cra.toml"), []byte("schema = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, status := runMain(nil, false, "init", "--stdout", root)
	if status != ExitPass || !strings.HasPrefix(stdout, "#:schema https://") || !strings.Contains(stderr, "Printed cra.toml (nothing written).") {
		t.Errorf("status %d\nstdout %q\nstderr %q", status, stdout[:min(len(stdout), 200)], stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "cra.toml")); string(b) != "schema = 1\n" {
		t.Errorf("--stdout wrote cra.toml: %q", b)
	}
}

// TestInitNeverOverwritesThroughALink: a symbolic link named cra.toml, to a
// file outside or to nowhere, is an existing file: nothing is written through
// it.
func TestInitNeverOverwritesThroughALink(t *testing.T) {
	for _, dangling := range []bool{false, true} {
		base := t.TempDir()
		root := filepath.Join(base, "repo")
		if err := os.MkdirAll(root, 0o755); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(base, "victim.toml")
		if !dangling {
			if err := os.WriteFile(target, []byte("precious"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink(target, filepath.Join(root, "cra.toml")); err != nil {
			t.Fatal(err)
		}
		_, stderr, status := runMain(nil, false, "init", root)
		if status != ExitFail || !strings.Contains(stderr, "exists already") {
			t.Errorf("dangling %v: status %d, stderr %q", dangling, status, stderr)
		}
		b, err := os.ReadFile(target)
		switch {
		case dangling && err == nil:
			t.Errorf("init created the link's target outside the repository: %q", b)
		case !dangling && string(b) != "precious":
			t.Errorf("init wrote through the link: %q", b)
		}
	}
}

// TestInitConfig writes a monorepo product's file in its folder.
func TestInitConfig(t *testing.T) {
	root := initRepo(t)
	if err := os.MkdirAll(filepath.Join(root, "hub"), 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, status := runMain(nil, false, "init", "--config", "hub/cra.toml", root)
	if status != ExitPass {
		t.Fatalf("status %d: %s", status, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "hub", "cra.toml")); err != nil || !strings.Contains(stdout, "--config hub/cra.toml") {
		t.Errorf("hub/cra.toml: %v\n%s", err, stdout)
	}
}

func TestInitArguments(t *testing.T) {
	root := initRepo(t)
	for name, args := range map[string][]string{
		"two directories":   {"init", root, root},
		"missing DIR":       {"init", filepath.Join(root, "nope")},
		"unknown flag":      {"init", "--force", root},
		"a pattern":         {"init", "--config", "*/cra.toml", root},
		"outside":           {"init", "--config", "../cra.toml", root},
		"into .git":         {"init", "--config", ".git/cra.toml", root},
		"no such folder":    {"init", "--config", "nope/cra.toml", root},
		"the folder itself": {"init", "--config", ".", root},
	} {
		_, stderr, status := runMain(nil, false, args...)
		if status != ExitError || stderr == "" {
			t.Errorf("%s: status %d, stderr %q", name, status, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(root), "cra.toml")); err == nil {
		t.Error("a cra.toml was written outside the repository")
	}
}

// TestMissingManifestPointsAtInit: the manifest-missing finding tells an
// Action user, who has no examples/ folder, to run cra-gate init.
func TestMissingManifestPointsAtInit(t *testing.T) {
	stdout, _, status := runMain(nil, false, "check", t.TempDir())
	if status != ExitFail || !strings.Contains(stdout, "cra.toml not found: run `cra-gate init`") || strings.Contains(stdout, "examples/") {
		t.Errorf("status %d:\n%s", status, stdout)
	}
}
