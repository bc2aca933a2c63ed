package repo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func setup(t *testing.T) (*Repo, string) {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "repo")
	outside := filepath.Join(base, "secret.txt")
	must(t, os.MkdirAll(filepath.Join(root, "docs"), 0o755))
	must(t, os.WriteFile(outside, []byte("TOP SECRET"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "docs", "a.md"), []byte("hello"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(root, "leak.txt")))
	must(t, os.Symlink("../../secret.txt", filepath.Join(root, "docs", "rel-leak.txt")))
	must(t, os.Symlink("a.md", filepath.Join(root, "docs", "ok-link.md")))
	must(t, os.Symlink(filepath.Join(base, "nowhere"), filepath.Join(root, "dangling-out")))
	must(t, os.Symlink(base, filepath.Join(root, "up")))
	r, err := Open(root)
	must(t, err)
	return r, outside
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestResolveBoundary(t *testing.T) {
	r, _ := setup(t)
	for _, tc := range []struct {
		path             string
		ok, outside, mis bool
	}{
		{path: "docs/a.md", ok: true},
		{path: "./docs/../docs/a.md", ok: true},
		{path: "docs/ok-link.md", ok: true},
		{path: "docs/missing.md", mis: true},
		{path: "../secret.txt", outside: true},
		{path: "docs/../../secret.txt", outside: true},
		{path: "/etc/passwd", outside: true},
		{path: `C:\x`, outside: true},
		{path: `docs\a.md`, outside: true},
		{path: "leak.txt", outside: true},
		{path: "docs/rel-leak.txt", outside: true},
		{path: "dangling-out", outside: true},
		{path: "up/secret.txt", outside: true},
		{path: "", ok: false},
	} {
		_, err := r.Resolve(tc.path)
		if tc.ok {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tc.path, err)
			}
			continue
		}
		var pe *PathError
		if !errors.As(err, &pe) {
			t.Errorf("%q: want *PathError, got %v", tc.path, err)
			continue
		}
		if pe.Outside != tc.outside || pe.Missing != tc.mis {
			t.Errorf("%q: outside=%v missing=%v (%v), want outside=%v missing=%v", tc.path, pe.Outside, pe.Missing, err, tc.outside, tc.mis)
		}
	}
}

func TestReadFileNeverLeaks(t *testing.T) {
	r, _ := setup(t)
	for _, p := range []string{"leak.txt", "docs/rel-leak.txt", "../secret.txt", "up/secret.txt"} {
		data, err := r.ReadFile(p, 1024)
		if err == nil || len(data) != 0 || strings.Contains(err.Error(), "TOP SECRET") {
			t.Errorf("%q: read %q, err %v", p, data, err)
		}
	}
	if _, err := r.FS().Open("leak.txt"); err == nil {
		t.Error("FS opened a link that leaves the repository")
	}
}

func TestReadFileBounded(t *testing.T) {
	r, _ := setup(t)
	if _, err := r.ReadFile("docs/a.md", 3); !errors.As(err, new(*TooLargeError)) {
		t.Errorf("want TooLargeError, got %v", err)
	}
	data, err := r.ReadFile("docs/a.md", 5)
	if err != nil || string(data) != "hello" {
		t.Errorf("got %q, %v", data, err)
	}
	if _, err := r.ReadFile("docs", 5); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("reading a folder: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Error("Open of a missing dir succeeded")
	}
	f := filepath.Join(t.TempDir(), "file")
	must(t, os.WriteFile(f, nil, 0o644))
	if _, err := Open(f); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Open of a file: %v", err)
	}
}
