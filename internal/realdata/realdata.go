// Package realdata locates the shared corpus of real-world files (SBOMs, security
// policies, schemas) that tests read in place. The corpus lives in ../shared/realdata
// beside the repository checkout; it is not part of the repository, so tests that
// need it skip, saying why, when it is absent (for example in a user's own clone).
package realdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the absolute path of realdata/<sub> (for example "sbom"), or skips
// the test when the corpus is not beside the checkout.
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		tb.Skipf("realdata corpus not found: %v", err)
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "realdata", sub)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		tb.Skipf("realdata corpus %s is absent (it sits beside the checkout in CI, not in a user's clone)", dir)
	}
	return dir
}

// File returns the absolute path of realdata/<sub>/<name>, skipping like Dir.
func File(tb testing.TB, sub, name string) string {
	tb.Helper()
	return filepath.Join(Dir(tb, sub), name)
}

// repoRoot walks up from the working directory to the folder holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
