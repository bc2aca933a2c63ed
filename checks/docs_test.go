package checks

import (
	"regexp"
	"strings"
	"testing"
)

// TestRulesDocumented keeps `cra-gate rules` in step with the code: every
// rule has its docs, and its id starts with its check.
func TestRulesDocumented(t *testing.T) {
	idShape := regexp.MustCompile(`^[a-z]+-[a-z0-9-]+$`)
	known := map[string]bool{}
	for _, id := range checkIDs() {
		known[id] = true
	}
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
		if !known[r.Check] {
			t.Errorf("rule %s belongs to check %q, which is not registered", r.ID, r.Check)
		}
	}
	if len(Rules()) < 40 {
		t.Errorf("only %d rules registered", len(Rules()))
	}
}
