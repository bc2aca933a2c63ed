package baseline

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/repo"
)

var opt = checks.Options{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), FailOn: finding.FailOnError}

// checkout copies an example into a temporary folder and applies edit to
// its cra.toml.
func checkout(t *testing.T, example string, edit func(string) string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "examples", example))); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		p := filepath.Join(dir, "cra.toml")
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(edit(string(src))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func compareDirs(t *testing.T, head, base, config string) *finding.Result {
	t.Helper()
	h, err := checks.Evaluate(head, config, opt)
	if err != nil {
		t.Fatal(err)
	}
	var b *finding.Result
	sides := Sides{BasePath: "base"}
	if base != "" {
		if b, err = checks.Evaluate(base, config, opt); err != nil {
			t.Fatal(err)
		}
		br, err := repo.Open(base)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { br.Close() })
		sides.Base = br
	}
	hr, err := repo.Open(head)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hr.Close() })
	sides.Head = hr
	return Apply(h, b, sides)
}

// TestIntroducedAndDeclarations: a pull request on camera-gaps that adds a
// waiver and an exclusion, removes an RDPS, moves the support end earlier,
// adds an SBOM path and a typo. The typo's error, the missing SBOM and the
// exclusion's short rationale are new; every gap of the base that is still open is existing; the removed
// RDPS's gaps are gone; the declaration changes are listed, the weakening
// ones marked.
func TestIntroducedAndDeclarations(t *testing.T) {
	base := checkout(t, "camera-gaps", nil)
	head := checkout(t, "camera-gaps", func(s string) string {
		i := strings.Index(s, "[[rdps]]\nname = \"video-storage\"")
		j := strings.Index(s[i+5:], "\n[[") + i + 5
		s = s[:i] + s[j+1:]
		s = strings.Replace(s, "end = 2029-01-15", "end = 2028-06-30", 1)
		s = strings.Replace(s, "sbom = [\"sbom/camera.cdx.json\"", "sbom = [\"sbom/extra.cdx.json\", \"sbom/camera.cdx.json\"", 1)
		return s + "\n[[excluded]]\nname = \"analytics\"\nreason = \"backend\"\nrationale = \"A segregated analytics back-end.\"\n" +
			"\n[[waiver]]\nrule = \"disclosure-securitytxt-expired\"\nreason = \"Renewed by the web team next sprint.\"\nuntil = 2027-01-31\n" +
			"\n[gate]\nsupport_warning_monts = 6\n"
	})
	r := compareDirs(t, head, base, "cra.toml")
	var introduced []string
	existing := 0
	for _, f := range r.Findings {
		switch {
		case f.Severity == finding.Notice || f.Waived != nil:
			if f.Baseline != "" {
				t.Errorf("%s (%s, waived %v) is marked %q: notices and waived findings are not gaps", f.Rule, f.Severity, f.Waived != nil, f.Baseline)
			}
		case f.Baseline == finding.BaselineNew:
			introduced = append(introduced, f.Rule+" "+f.Item)
		case f.Baseline == finding.BaselineExisting:
			existing++
		default:
			t.Errorf("%s has no baseline mark", f.Rule)
		}
	}
	want := []string{"manifest-unknown-key ", "scope-rationale-short analytics", "sbom-not-found sbom/extra.cdx.json"}
	if strings.Join(introduced, "\n") != strings.Join(want, "\n") {
		t.Errorf("introduced:\n%s\nwant:\n%s", strings.Join(introduced, "\n"), strings.Join(want, "\n"))
	}
	if r.Base == nil || r.Base.New != (finding.Counts{Errors: 2, Warnings: 1}) || r.Base.Existing.Errors+r.Base.Existing.Warnings != existing || existing < 20 {
		t.Errorf("base %+v, %d existing", r.Base, existing)
	}
	var got []string
	for _, c := range r.DeclarationChanges {
		w := ""
		if c.Weakens {
			w = " weakens"
		}
		got = append(got, c.Kind+" "+c.Subject+" "+c.Before+">"+c.After+w)
	}
	wantChanges := []string{
		"waiver-added disclosure-securitytxt-expired >until 2027-01-31 weakens",
		"rdps-removed video-storage > weakens",
		"excluded-added analytics > weakens",
		"sbom-added sbom/extra.cdx.json >",
		"support-end-changed support.end 2029-01-15>2028-06-30 weakens",
	}
	if strings.Join(got, "\n") != strings.Join(wantChanges, "\n") {
		t.Errorf("declaration changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantChanges, "\n"))
	}
	if !r.Weakens() {
		t.Error("Weakens() is false")
	}
	if strings.Join(r.Base.ChangedFiles, " ") != "cra.toml" {
		t.Errorf("changed files %q, want only cra.toml", r.Base.ChangedFiles)
	}
}

// TestNoBase: a change that adds the product (no base folder, or no
// cra.toml on the base) introduces every gap, and lists its declarations as
// added.
func TestNoBase(t *testing.T) {
	head := checkout(t, "smart-lock", nil)
	for name, base := range map[string]string{"no folder": "", "no cra.toml": t.TempDir()} {
		r := compareDirs(t, head, base, "cra.toml")
		for _, f := range r.Findings {
			if f.Severity > finding.Notice && f.Waived == nil && f.Baseline != finding.BaselineNew {
				t.Errorf("%s: %s is %q, want new", name, f.Rule, f.Baseline)
			}
		}
		if !slices.Contains(r.Base.ChangedFiles, "cra.toml") {
			t.Errorf("%s: changed files %q: every file is new", name, r.Base.ChangedFiles)
		}
		kinds := map[string]int{}
		for _, c := range r.DeclarationChanges {
			kinds[c.Kind]++
		}
		if kinds["rdps-added"] == 0 || kinds["sbom-added"] == 0 || kinds["rdps-removed"]+kinds["sbom-removed"] != 0 {
			t.Errorf("%s: changes %v", name, kinds)
		}
	}
}

// TestUnchanged: the same checkout on both sides introduces nothing and
// changes no declaration; a waiver whose end moves later weakens, earlier
// does not; a lower class weakens.
func TestUnchanged(t *testing.T) {
	base := checkout(t, "camera-gaps", func(s string) string {
		return s + "\n[[waiver]]\nrule = \"disclosure-securitytxt-expired\"\nreason = \"Renewed by the web team.\"\nuntil = 2027-01-31\n"
	})
	r := compareDirs(t, base, base, "cra.toml")
	if r.Base.New != (finding.Counts{}) || len(r.DeclarationChanges) != 0 {
		t.Fatalf("the same checkout: new %+v, changes %+v", r.Base.New, r.DeclarationChanges)
	}
	for until, weakens := range map[string]bool{"2027-03-31": true, "2026-12-31": false} {
		head := checkout(t, "camera-gaps", func(s string) string {
			s = strings.Replace(s, "class = \"important-1\"", "class = \"default\"", 1)
			return s + "\n[[waiver]]\nrule = \"disclosure-securitytxt-expired\"\nreason = \"Renewed by the web team.\"\nuntil = " + until + "\n"
		})
		r := compareDirs(t, head, base, "cra.toml")
		got := map[string]bool{}
		for _, c := range r.DeclarationChanges {
			got[c.Kind] = c.Weakens
		}
		if w, ok := got["waiver-changed"]; !ok || w != weakens || !got["class-changed"] {
			t.Errorf("until %s: changes %+v", until, r.DeclarationChanges)
		}
	}
}
