package checks

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/repo"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// exampleNow is the date the bundled examples are checked on, as in the README.
var exampleNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// TestExamples runs the gate on every bundled example and compares its findings
// with testdata/examples/<name>.golden; the examples must pass or fail as their
// cra.toml comments say.
func TestExamples(t *testing.T) {
	wantPass := map[string]bool{"smart-lock": true, "desktop-notes": true, "camera-gaps": false}
	dirs, err := filepath.Glob("../examples/*/cra.toml")
	if err != nil || len(dirs) < 3 {
		t.Fatalf("examples not found: %v %v", dirs, err)
	}
	for _, d := range dirs {
		name := filepath.Base(filepath.Dir(d))
		t.Run(name, func(t *testing.T) {
			r, err := repo.Open(filepath.Dir(d))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Run(r, "cra.toml", Options{Now: exampleNow})
			if err != nil {
				t.Fatal(err)
			}
			pass, known := wantPass[name]
			if !known {
				t.Fatalf("new example %s: add it to wantPass", name)
			}
			if res.Passed != pass {
				t.Errorf("passed = %v, want %v", res.Passed, pass)
			}
			golden(t, filepath.Join("testdata", "examples", name+".golden"), renderFindings(res))
		})
	}
}

// renderFindings is the golden form: one line per finding, then the verdict.
func renderFindings(res *finding.Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "%s: %s: %s [%s]\n", f.Location(), f.Severity, f.Message, f.Rule)
	}
	for _, c := range res.Checks {
		fmt.Fprintf(&b, "check %s: %s\n", c.ID, c.Status)
	}
	fmt.Fprintf(&b, "passed: %v (%d errors, %d warnings, %d notices)\n", res.Passed, res.Summary.Errors, res.Summary.Warnings, res.Summary.Notices)
	return b.String()
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./checks -run TestExamples -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test ./checks -run TestExamples -update, then review the diff):\n--- got\n%s--- want\n%s", path, got, want)
	}
}
