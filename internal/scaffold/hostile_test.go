//go:build unix

package scaffold

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/realdata"
)

// TestHostileRepository: FIFOs where a policy and an SBOM belong, a huge
// file that starts like an SBOM, links and a hard link to files outside,
// a link looping to the root, an SBOM inside .git, names with a line break
// and with "##[": Inspect never blocks, never reads outside, never lists
// what it must not, and what it renders loads with nothing but its TODOs.
func TestHostileRepository(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside.cdx.json")
	sbomData, err := os.ReadFile(realdata.File(t, "sbom", "cdx15-sbomqs-sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(outside, sbomData, 0o644))
	root := filepath.Join(base, "repo")
	for _, d := range []string{".github", "sbom", ".git", "docs"} {
		must(os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	must(os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/##[evil]\n"), 0o644))
	if err := syscall.Mkfifo(filepath.Join(root, ".github", "SECURITY.md"), 0o644); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	must(syscall.Mkfifo(filepath.Join(root, "sbom", "pipe.cdx.json"), 0o644))
	must(os.WriteFile(filepath.Join(root, "docs", "SECURITY.md"), []byte("Report vulnerabilities to security@hub.eu; we answer within 5 days.\n"), 0o644))
	huge, err := os.Create(filepath.Join(root, "sbom", "huge.cdx.json"))
	must(err)
	_, err = huge.WriteString(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [`)
	must(err)
	must(huge.Truncate(200 << 20)) // sparse: 200 MiB that read whole would take a while
	must(huge.Close())
	zeros, err := os.Create(filepath.Join(root, "data.bin"))
	must(err)
	must(zeros.Truncate(1 << 30))
	must(zeros.Close())
	must(os.Symlink(outside, filepath.Join(root, "sbom", "leak.cdx.json")))
	must(os.Symlink("../../outside.cdx.json", filepath.Join(root, "sbom", "rel-leak.json")))
	if err := os.Link(outside, filepath.Join(root, "sbom", "hardlink.json")); err != nil {
		t.Logf("no hard links here: %v", err)
	}
	must(os.Symlink(root, filepath.Join(root, "loop")))
	must(os.WriteFile(filepath.Join(root, ".git", "bom.json"), sbomData, 0o644))
	must(os.WriteFile(filepath.Join(root, "sbom", "a\nname = 1.json"), sbomData, 0o644))
	must(os.WriteFile(filepath.Join(root, "sbom", "##[x].json"), sbomData, 0o644))

	p := inspect(t, root, "cra.toml")
	if len(p.SBOMs) != 1 || p.SBOMs[0].Path != "sbom/##[x].json" {
		t.Errorf("SBOMs = %+v; want only sbom/##[x].json", p.SBOMs)
	}
	if len(p.Refused) != 1 || p.Refused[0].Path != "sbom/huge.cdx.json" || !strings.Contains(p.Refused[0].Reason, "200 MiB, more than the 128 MiB") {
		t.Errorf("refused = %+v", p.Refused)
	}
	notes := strings.Join(p.Notes, "\n")
	for _, want := range []string{`.github/SECURITY.md" is a FIFO`, `"sbom/a\nname = 1.json" looks like an SBOM`} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if p.Policy.Value != "docs/SECURITY.md" || p.Contact.Value != "mailto:security@hub.eu" {
		t.Errorf("policy %+v contact %+v: the FIFO should be passed over for docs/SECURITY.md", p.Policy, p.Contact)
	}
	src := Render(p)
	if strings.Contains(string(src), "##[") {
		t.Errorf("the rendered file can issue a workflow command:\n%s", src)
	}
	m, probs := manifest.Parse("cra.toml", src)
	if m == nil || len(probs) != len(m.TODOs()) {
		t.Fatalf("problems %+v in\n%s", probs, src)
	}
	if strings.Join(m.Product.SBOM, "|") != "sbom/##[x].json" || m.Product.Name != "##[evil]" {
		t.Errorf("values do not read back: sbom %q name %q", m.Product.SBOM, m.Product.Name)
	}
	next := NextSteps(p, m.TODOs(), Where{Written: true})
	if strings.Contains(next, "a\nname") {
		t.Errorf("a line break from a file name reached the terminal:\n%s", next)
	}
}

// TestHostileValues: values found in files are written only when init can
// write them: no control characters, no placeholder contacts, no name
// longer than cra.toml allows.
func TestHostileValues(t *testing.T) {
	root := writeRepo(t, map[string]file{
		"package.json":             txt(`{"name": "a\nname = \"x\"", "version": "` + strings.Repeat("9", 300) + `"}`),
		".well-known/security.txt": txt("Contact: mailto:security@example.com\nContact: https://hub.example/report\nExpires: 2027-01-01T00:00:00Z\n"),
	})
	p := inspect(t, root, "cra.toml")
	if p.Name.Value != "" || p.Version.Value != "" || p.Contact.Value != "" {
		t.Errorf("name %+v version %+v contact %+v", p.Name, p.Version, p.Contact)
	}
	if m, probs := manifest.Parse("cra.toml", Render(p)); m == nil || len(probs) != len(m.TODOs()) {
		t.Errorf("problems: %+v", probs)
	}
}
