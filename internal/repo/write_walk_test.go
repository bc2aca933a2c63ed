package repo

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		must(t, os.MkdirAll(filepath.Dir(full), 0o755))
		must(t, os.WriteFile(full, []byte(content), 0o644))
	}
}

func TestWalk(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod": "module x", "sbom/b.json": "{}", "sbom/a.json": "{}", "deep/er/still/f.txt": "",
		".git/config": "secret", "node_modules/p/package.json": "{}", "vendor/m/go.mod": "", "docs/vendor.md": "",
	})
	must(t, os.Symlink(root, filepath.Join(root, "loop")))
	must(t, os.Symlink("go.mod", filepath.Join(root, "link.mod")))
	r, err := Open(root)
	must(t, err)
	skip := func(path, name string) bool { return name == "vendor" }
	files, truncated, err := r.Walk(".", skip)
	must(t, err)
	want := "deep/er/still/f.txt docs/vendor.md go.mod link.mod sbom/a.json sbom/b.json"
	if got := strings.Join(files, " "); got != want || truncated {
		t.Errorf("Walk = %q (truncated %v), want %q", got, truncated, want)
	}
	files, _, err = r.Walk("sbom", nil)
	if err != nil || strings.Join(files, " ") != "sbom/a.json sbom/b.json" {
		t.Errorf("Walk(sbom) = %q, %v", files, err)
	}
	if files, _, err := r.Walk("absent", nil); err != nil || len(files) != 0 {
		t.Errorf("Walk(absent) = %q, %v", files, err)
	}
	if _, _, err := r.Walk("../", nil); err == nil {
		t.Error("Walk(../) accepted")
	}
}

// TestWalkBounded: past its bound the walk stops and says so, keeping what it
// found, instead of failing.
func TestWalkBounded(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"a": "", "b": "", "big/1": "", "big/2": "", "big/3": "", "big/4": ""})
	r, err := Open(root)
	must(t, err)
	files, truncated, err := r.walkFiles(".", nil, 5)
	if err != nil || !truncated || strings.Join(files, " ") != "a b" {
		t.Errorf("walkFiles = %q, truncated %v, %v; want a b, truncated", files, truncated, err)
	}
	files, truncated, err = r.walkFiles(".", nil, 7)
	if err != nil || truncated || len(files) != 6 {
		t.Errorf("walkFiles = %q, truncated %v, %v; want all 6 files", files, truncated, err)
	}
}

func TestReadEnds(t *testing.T) {
	root := t.TempDir()
	long := bytes.Repeat([]byte("0123456789"), 100) // 1000 bytes
	writeFiles(t, root, map[string]string{"short": "hello", "long": string(long), "mid": string(long[:150])})
	r, err := Open(root)
	must(t, err)
	head, tail, size, err := r.ReadEnds("short", 100)
	if err != nil || string(head) != "hello" || tail != nil || size != 5 {
		t.Errorf("short: %q %q %d %v", head, tail, size, err)
	}
	head, tail, size, err = r.ReadEnds("long", 100)
	if err != nil || !bytes.Equal(head, long[:100]) || !bytes.Equal(tail, long[900:]) || size != 1000 {
		t.Errorf("long: head %d bytes, tail %d bytes, size %d, %v", len(head), len(tail), size, err)
	}
	head, tail, _, err = r.ReadEnds("mid", 100) // the tail does not repeat the head
	if err != nil || !bytes.Equal(head, long[:100]) || !bytes.Equal(tail, long[100:150]) {
		t.Errorf("mid: head %q, tail %q, %v", head, tail, err)
	}
	rs, _ := setup(t)
	if _, _, _, err := rs.ReadEnds("leak.txt", 100); err == nil || strings.Contains(err.Error(), "TOP SECRET") {
		t.Errorf("ReadEnds through a link outside: %v", err)
	}
}

// TestReadEndsFIFO: a FIFO is refused from its lstat; the test would hang,
// not fail, if it were opened.
func TestReadEndsFIFO(t *testing.T) {
	root := t.TempDir()
	if err := mkfifo(filepath.Join(root, "SECURITY.md")); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	r, err := Open(root)
	must(t, err)
	if _, _, _, err := r.ReadEnds("SECURITY.md", 100); err == nil || !strings.Contains(err.Error(), "FIFO") {
		t.Errorf("ReadEnds of a FIFO: %v", err)
	}
}

func TestCreateNew(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "repo")
	outside := filepath.Join(base, "outside.toml")
	writeFiles(t, root, map[string]string{"existing.toml": "keep me", "sub/x": ""})
	must(t, os.WriteFile(outside, []byte("outside"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(root, "link-out.toml")))
	must(t, os.Symlink(filepath.Join(base, "nowhere.toml"), filepath.Join(root, "dangling.toml")))
	must(t, os.Symlink("sub", filepath.Join(root, "sublink")))
	must(t, os.Symlink(base, filepath.Join(root, "up")))
	must(t, os.MkdirAll(filepath.Join(root, ".git"), 0o755))
	r, err := Open(root)
	must(t, err)

	must(t, r.CreateNew("cra.toml", []byte("schema = 1\n"), 0o644))
	if b, err := os.ReadFile(filepath.Join(root, "cra.toml")); err != nil || string(b) != "schema = 1\n" {
		t.Errorf("cra.toml = %q, %v", b, err)
	}
	must(t, r.CreateNew("sublink/cra.toml", []byte("x"), 0o644))
	if _, err := os.Stat(filepath.Join(root, "sub", "cra.toml")); err != nil {
		t.Errorf("through a link to a folder inside: %v", err)
	}
	for _, p := range []string{"existing.toml", "cra.toml", "link-out.toml", "dangling.toml"} {
		if err := r.CreateNew(p, []byte("NEW"), 0o644); !errors.Is(err, fs.ErrExist) {
			t.Errorf("CreateNew(%s) = %v, want fs.ErrExist", p, err)
		}
	}
	for _, p := range []string{"../x.toml", "up/x.toml", ".git/config", "/tmp/x.toml", "missing/cra.toml", "existing.toml/x", "."} {
		if err := r.CreateNew(p, []byte("NEW"), 0o644); err == nil || errors.Is(err, fs.ErrExist) {
			t.Errorf("CreateNew(%s) = %v, want a refusal", p, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(root, "existing.toml")); string(b) != "keep me" {
		t.Errorf("existing.toml overwritten: %q", b)
	}
	if b, _ := os.ReadFile(outside); string(b) != "outside" {
		t.Errorf("the file outside was written: %q", b)
	}
	if _, err := os.Lstat(filepath.Join(base, "nowhere.toml")); err == nil {
		t.Error("a dangling link's target outside the repository was created")
	}
	if _, err := os.Lstat(filepath.Join(base, "x.toml")); err == nil {
		t.Error("a file was created outside the repository")
	}
}
