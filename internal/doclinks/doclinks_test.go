package doclinks

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRepositoryLinks checks every relative link of the README, the
// contributor documents and docs/ (the generated rule pages included).
func TestRepositoryLinks(t *testing.T) {
	root := filepath.Join("..", "..")
	files := []string{"README.md", "CONTRIBUTING.md", "RELEASING.md", "CHANGELOG.md", "SECURITY.md"}
	err := filepath.WalkDir(filepath.Join(root, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		broken, err := Check(root, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range broken {
			t.Error(b)
		}
	}
}

// TestCheck finds a missing file, a missing anchor and a link out of the
// repository, and accepts the rest.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("docs/a.md", "# A\n\n## Known vulnerabilities and VEX\n\n## `cra-gate init`\n")
	write("README.md", "[ok](docs/a.md#known-vulnerabilities-and-vex) [init](docs/a.md#cra-gate-init) [web](https://x.example)\n"+
		"[gone](docs/b.md) [bad](docs/a.md#nope) [out](../x.md) [self](#readme)\n\n# README\n")
	broken, err := Check(dir, "README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"docs/b.md: no such file", "docs/a.md#nope: no heading #nope", "../x.md leaves the repository"}
	if len(broken) != len(want) {
		t.Fatalf("broken %q", broken)
	}
	for i, w := range want {
		if !strings.Contains(broken[i], w) {
			t.Errorf("broken[%d] = %q, want %q", i, broken[i], w)
		}
	}
}
