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
		ok, refused, mis bool
	}{
		{path: "docs/a.md", ok: true},
		{path: "./docs/../docs/a.md", ok: true},
		{path: "docs/ok-link.md", ok: true},
		{path: "docs/missing.md", mis: true},
		{path: "../secret.txt", refused: true},
		{path: "docs/../../secret.txt", refused: true},
		{path: "/etc/passwd", refused: true},
		{path: `C:\x`, refused: true},
		{path: `docs\a.md`, refused: true},
		{path: "leak.txt", refused: true},
		{path: "docs/rel-leak.txt", refused: true},
		{path: "dangling-out", refused: true},
		{path: "up/secret.txt", refused: true},
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
		if pe.Refused != tc.refused || pe.Missing != tc.mis {
			t.Errorf("%q: refused=%v missing=%v (%v), want refused=%v missing=%v", tc.path, pe.Refused, pe.Missing, err, tc.refused, tc.mis)
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

// TestGitIsOffLimits: nothing under .git is read, whatever the spelling of
// the path or the links on the way; the credential actions/checkout persists
// in .git/config never reaches a finding.
func TestGitIsOffLimits(t *testing.T) {
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, ".git"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, ".git", "config"), []byte("extraheader = AUTHORIZATION: basic c2VjcmV0"), 0o644))
	must(t, os.MkdirAll(filepath.Join(root, "docs"), 0o755))
	must(t, os.Symlink("../.git/config", filepath.Join(root, "docs", "config.md")))
	must(t, os.Symlink(".git", filepath.Join(root, "meta")))
	must(t, os.Symlink(filepath.Join(root, ".git", "config"), filepath.Join(root, "abs-link")))
	must(t, os.MkdirAll(filepath.Join(root, "sub", ".GIT"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "sub", ".GIT", "x"), []byte("no"), 0o644))
	r, err := Open(root)
	must(t, err)
	for _, p := range []string{".git/config", "./.git/config", ".GIT/config", ".Git/config", ".git./config", ".git /config", "git~1/config",
		"docs/config.md", "meta/config", "abs-link", "sub/.GIT/x", "docs/../.git/config"} {
		data, err := r.ReadFile(p, 1<<20)
		var pe *PathError
		if !errors.As(err, &pe) || !pe.Refused || !strings.Contains(pe.Reason, ".git") {
			t.Errorf("%q: read %q, err %v; want a refusal naming .git", p, data, err)
		}
		if err != nil && strings.Contains(err.Error(), "c2VjcmV0") {
			t.Errorf("%q: the error quotes the file: %v", p, err)
		}
	}
	entries, err := r.ReadDir(".", 100)
	must(t, err)
	for _, e := range entries {
		if IsGitSegment(e.Name()) {
			t.Errorf("ReadDir lists %s", e.Name())
		}
	}
}

// TestSpecialFilesRefusedWithoutBlocking: a FIFO where a file belongs is
// refused from its lstat: opening it for reading would wait for a writer
// forever. The test would hang, not fail, if the door opened it.
func TestSpecialFilesRefusedWithoutBlocking(t *testing.T) {
	root := t.TempDir()
	fifo := filepath.Join(root, "cra.toml")
	if err := mkfifo(fifo); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	must(t, os.Symlink("cra.toml", filepath.Join(root, "link-to-fifo")))
	r, err := Open(root)
	must(t, err)
	for _, p := range []string{"cra.toml", "link-to-fifo"} {
		_, err := r.ReadFile(p, 1<<20)
		var pe *PathError
		if !errors.As(err, &pe) || !pe.Refused || !strings.Contains(pe.Reason, "FIFO") {
			t.Errorf("%s: %v, want a FIFO refusal", p, err)
		}
	}
}

// TestHardLinksRefused: a second name of a file (here one outside the
// repository) cannot be told from the original, so it is not read.
func TestHardLinksRefused(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "repo")
	must(t, os.MkdirAll(root, 0o755))
	outside := filepath.Join(base, "id_rsa")
	must(t, os.WriteFile(outside, []byte("PRIVATE KEY"), 0o600))
	if err := os.Link(outside, filepath.Join(root, "SECURITY.md")); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	r, err := Open(root)
	must(t, err)
	data, err := r.ReadFile("SECURITY.md", 1<<20)
	var pe *PathError
	if !errors.As(err, &pe) || !pe.Refused || !strings.Contains(pe.Reason, "2 hard links") || len(data) > 0 {
		t.Errorf("read %q, err %v", data, err)
	}
}

// TestErrorsNameRepositoryPaths: no error shows where the checkout is.
func TestErrorsNameRepositoryPaths(t *testing.T) {
	r, _ := setup(t)
	for _, p := range []string{"docs/missing.md", "docs", "leak.txt", "docs/a.md/x", "up/secret.txt"} {
		_, err := r.ReadFile(p, 10)
		if err == nil || strings.Contains(err.Error(), r.abs) || strings.Contains(err.Error(), filepath.Dir(r.abs)) {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestReadDirBounded(t *testing.T) {
	r, _ := setup(t)
	if _, err := r.ReadDir("docs", 2); err == nil || !strings.Contains(err.Error(), "more than 2 entries") {
		t.Errorf("ReadDir over the bound: %v", err)
	}
	entries, err := r.ReadDir("docs", 10)
	if err != nil || len(entries) != 3 {
		t.Errorf("ReadDir(docs) = %d entries, %v", len(entries), err)
	}
}

func TestCleanLimits(t *testing.T) {
	for _, p := range []string{strings.Repeat("a/", 600), strings.Repeat("a/", MaxSegments) + "b"} {
		if _, err := Clean(p); err == nil {
			t.Errorf("Clean accepted a path of %d bytes", len(p))
		}
	}
}

// TestSwapAfterCheckRefused: a file replaced between the checks and the open
// (here by a link to .git/config, which os.Root alone would follow, since it
// stays inside the repository) is refused: the opened file is not the one
// checked.
func TestSwapAfterCheckRefused(t *testing.T) {
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, ".git"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, ".git", "config"), []byte("extraheader = AUTHORIZATION: basic c2VjcmV0"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "SECURITY.md"), []byte("policy"), 0o644))
	r, err := Open(root)
	must(t, err)
	beforeOpen = func(string) {
		must(t, os.Remove(filepath.Join(root, "SECURITY.md")))
		must(t, os.Symlink(".git/config", filepath.Join(root, "SECURITY.md")))
	}
	defer func() { beforeOpen = func(string) {} }()
	data, err := r.ReadFile("SECURITY.md", 1<<20)
	if err == nil || strings.Contains(string(data), "c2VjcmV0") || !strings.Contains(err.Error(), "changed while") {
		t.Fatalf("read %q, err %v", data, err)
	}
}

func TestGlob(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{"cra.toml", "camera/cra.toml", "lock/cra.toml", "lock/fw/cra.toml", "node_modules/x/cra.toml", ".git/cra.toml", "docs/readme.md"} {
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755))
		must(t, os.WriteFile(filepath.Join(root, p), []byte("schema = 1\n"), 0o644))
	}
	must(t, os.Symlink(root, filepath.Join(root, "loop")))
	r, err := Open(root)
	must(t, err)
	for pattern, want := range map[string]string{
		"cra.toml":               "cra.toml",
		"*/cra.toml":             "camera/cra.toml lock/cra.toml",
		"**/cra.toml":            "camera/cra.toml cra.toml lock/cra.toml lock/fw/cra.toml",
		"lock/**/cra.toml":       "lock/cra.toml lock/fw/cra.toml",
		"{camera,lock}/cra.toml": "camera/cra.toml lock/cra.toml",
		"absent/*/cra.toml":      "",
	} {
		got, err := r.Glob(pattern)
		if err != nil || strings.Join(got, " ") != want {
			t.Errorf("Glob(%q) = %q, %v; want %q", pattern, got, err, want)
		}
	}
	for _, bad := range []string{"../*/cra.toml", ".git/*", "/etc/*", "a/[", "**/.git/config"} {
		if _, err := r.Glob(bad); err == nil {
			t.Errorf("Glob(%q) accepted", bad)
		}
	}
}

// TestReadAtMost reads a file whose size was right, one that grew after its
// size was taken, and one over the limit.
func TestReadAtMost(t *testing.T) {
	for _, tc := range []struct {
		content     string
		size, limit int64
		want        int
	}{
		{"hello", 5, 10, 5},
		{"hello, world", 5, 100, 12}, // grew
		{"hello, world", 12, 5, 6},   // the limit and one byte: too large
		{"", 0, 10, 0},
		{"abc", 0, 10, 3}, // no size known
	} {
		got, err := readAtMost(strings.NewReader(tc.content), tc.size, tc.limit)
		if err != nil || len(got) != tc.want || string(got) != tc.content[:tc.want] {
			t.Errorf("%q size %d limit %d: %q, %v", tc.content, tc.size, tc.limit, got, err)
		}
	}
}
