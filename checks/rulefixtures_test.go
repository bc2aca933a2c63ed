package checks_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/rulefixture"
)

// TestRuleFixtures holds every rule to its fixture: the failing repository
// gets exactly the findings of fail.want, the fixed one none of the rule's.
// A rule without a fixture fails the test: a rule nobody has seen fire, or
// seen silenced by its fix, is not done.
func TestRuleFixtures(t *testing.T) {
	for _, r := range checks.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			t.Parallel()
			fx, err := rulefixture.Load(rulefixture.Dir, r.ID)
			if err != nil {
				t.Fatalf("rule %s needs a fixture %s/%s.txtar with fail/ and pass/ files: %v", r.ID, rulefixture.Dir, r.ID, err)
			}
			fail, err := fx.Run(t.TempDir(), "fail")
			if err != nil {
				t.Fatal(err)
			}
			got := rulefixture.Lines(fail, r.ID)
			if len(got) == 0 {
				t.Errorf("the failing repository gets no %s finding; it gets:\n%s", r.ID, allLines(fail))
			}
			if *checks.Update {
				path := filepath.Join(rulefixture.Dir, r.ID+".txtar")
				if err := os.WriteFile(path, fx.SetWant(got), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if want := fx.Want(); !slices.Equal(got, want) {
				t.Errorf("findings on the failing repository (go test ./checks -run TestRuleFixtures -update rewrites fail.want):\n"+
					"got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			pass, err := fx.Run(t.TempDir(), "pass")
			if err != nil {
				t.Fatal(err)
			}
			if got := rulefixture.Lines(pass, r.ID); len(got) > 0 {
				t.Errorf("the fixed repository still gets:\n  %s", strings.Join(got, "\n  "))
			}
		})
	}
}

// TestRuleFixtureBase keeps the base repository compliant: no error or
// warning of any rule, so that a fixture's findings are its own.
func TestRuleFixtureBase(t *testing.T) {
	res, err := rulefixture.RunBase(rulefixture.Dir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Severity >= finding.Warning {
			t.Errorf("base: %s: %s [%s]", f.Location(), f.Message, f.Rule)
		}
	}
}

func allLines(res *finding.Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		b.WriteString("  " + f.Location() + ": " + f.Message + " [" + f.Rule + "]\n")
	}
	return b.String()
}
