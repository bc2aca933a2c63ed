package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/realdata"
)

// TestRealScaleComment: examples/smart-lock with a real cyclonedx-gomod SBOM
// (minikube, 183 components) against the stored OSV records: 146 advisories
// in 23 components. The comment, at the pull-request comment's limit, is not
// cut, has one row per affected component, and is reviewed by eye as a
// golden file (md_minikube.md).
func TestRealScaleComment(t *testing.T) {
	sbom := realdata.File(t, "sbom-corpus", "cdx15-cyclonedx-gomod-minikube-mod.json")
	osvDir := realdata.Dir(t, "osv")
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("../examples/smart-lock")); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(sbom)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "sbom/firmware.cdx.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(root, "osv"), os.DirFS(osvDir)); err != nil {
		t.Fatal(err)
	}
	r, err := checks.Evaluate(root, "cra.toml", checks.Options{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), FailOn: finding.FailOnError,
		Vulns: checks.VulnSources{DB: []string{filepath.Join(root, "osv")}}})
	if err != nil {
		t.Fatal(err)
	}
	r.Commit = testLinks.Commit
	components := map[string]bool{}
	for _, v := range r.Vulnerabilities {
		components[v.Name+"@"+v.Version] = true
	}
	if len(r.Vulnerabilities) != 146 || len(components) != 23 {
		t.Fatalf("%d vulnerabilities in %d components, want 146 in 23 (did the stored records change?)", len(r.Vulnerabilities), len(components))
	}
	const commentLimit = 65_536
	out := renderMarkdown(t, r, MarkdownOptions{Marker: marker, MaxBytes: commentLimit, State: true, Links: testLinks,
		RunURL: "https://github.com/acme/lock/actions/runs/42"})
	if strings.Contains(out, "not shown") || len(out) > commentLimit {
		t.Errorf("the comment was cut (%d bytes)", len(out))
	}
	checkTables(t, out)
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "<details><summary>") {
			rows++
		}
	}
	if rows != 23 {
		t.Errorf("%d component rows, want 23", rows)
	}
	if st := ParseState(out); st == nil || st.Partial {
		t.Errorf("the state block is missing or partial")
	}
	golden(t, "md_minikube.md", []byte(out))
}
