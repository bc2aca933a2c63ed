package checks

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestRulesDocumented keeps `cra-gate rules` and the README in step with the code:
// every rule has its docs, and the README lists every rule id.
func TestRulesDocumented(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	idShape := regexp.MustCompile(`^(manifest|scope|sbom|disclosure|support|vulns|documentation|waiver)-[a-z0-9-]+$`)
	for _, r := range Rules() {
		// The waiver rules are the manifest check's ([[waiver]] is cra.toml's),
		// named as the contract names them.
		prefix := r.Check + "-"
		if strings.HasPrefix(r.ID, "waiver-") && r.Check == "manifest" {
			prefix = "waiver-"
		}
		if !idShape.MatchString(r.ID) || !strings.HasPrefix(r.ID, prefix) {
			t.Errorf("rule id %q does not start with its check %q", r.ID, r.Check)
		}
		if r.Summary == "" || r.Why == "" || r.Fix == "" || r.Reference == "" || r.Example == "" {
			t.Errorf("rule %s lacks documentation: %+v", r.ID, r)
		}
		if !strings.Contains(string(readme), "`"+r.ID+"`") {
			t.Errorf("README.md does not list rule %s", r.ID)
		}
	}
	if len(Rules()) < 40 {
		t.Errorf("only %d rules registered", len(Rules()))
	}
}
