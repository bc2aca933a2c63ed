package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/finding"
)

// TestRootHint: a monorepo product whose cra.toml writes paths relative to
// its own folder gets, on every "does not exist", the path it meant and why;
// a path that exists nowhere gets no guess.
func TestRootHint(t *testing.T) {
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "lock"), os.DirFS("../examples/smart-lock")); err != nil {
		t.Fatal(err)
	}
	r, err := Evaluate(root, "lock/cra.toml", Options{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), FailOn: finding.FailOnError})
	if err != nil {
		t.Fatal(err)
	}
	hinted, missing := 0, 0
	for _, f := range r.Findings {
		if !strings.Contains(f.Message, "does not exist in the repository") {
			continue
		}
		missing++
		if strings.Contains(f.Message, `did you mean "lock/`) && strings.Contains(f.Message, "relative to the repository root, not to lock/") {
			hinted++
		}
	}
	if missing < 4 || hinted != missing {
		t.Errorf("%d of %d missing paths hinted, want all (at least 4)", hinted, missing)
	}
	// At the root, the same paths exist: no finding, so no hint; and a
	// path that exists nowhere is not guessed at.
	src, err := os.ReadFile(filepath.Join(root, "lock", "cra.toml"))
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), `sbom = ["sbom/firmware.cdx.json"]`, `sbom = ["sbom/nowhere.cdx.json"]`, 1))
	if err := os.WriteFile(filepath.Join(root, "lock", "cra.toml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = Evaluate(root, "lock/cra.toml", Options{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), FailOn: finding.FailOnError})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if strings.Contains(f.Message, "nowhere") && strings.Contains(f.Message, "did you mean") {
			t.Errorf("guessed at a path that exists nowhere: %s", f.Message)
		}
	}
}
