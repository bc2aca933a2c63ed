package finding

import (
	"strings"
	"testing"
)

// TestVerifyBase: a report with a base must mark each open error and
// warning, and only those, and count the marks as its base says.
func TestVerifyBase(t *testing.T) {
	mk := func() *Result {
		r := &Result{Findings: []Finding{
			{Check: CheckScope, Rule: "scope-a", Severity: Error, Baseline: BaselineNew},
			{Check: CheckScope, Rule: "scope-b", Severity: Warning, Baseline: BaselineExisting},
			{Check: CheckScope, Rule: "scope-c", Severity: Notice},
		}}
		r.Evaluate(FailOnError, []string{CheckScope}, nil)
		r.Base = &Base{New: Counts{Errors: 1}, Existing: Counts{Warnings: 1}}
		return r
	}
	if err := mk().Verify(); err != nil {
		t.Fatalf("a consistent report refused: %v", err)
	}
	for name, tc := range map[string]struct {
		edit func(*Result)
		want string
	}{
		"counts":         {func(r *Result) { r.Base.New.Errors = 0 }, "base counts"},
		"unmarked":       {func(r *Result) { r.Findings[0].Baseline = "" }, "no baseline mark"},
		"marked notice":  {func(r *Result) { r.Findings[2].Baseline = BaselineNew }, "only open errors and warnings"},
		"unknown marker": {func(r *Result) { r.Findings[1].Baseline = "old" }, "no baseline mark"},
	} {
		r := mk()
		tc.edit(r)
		if err := r.Verify(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error about %q", name, err, tc.want)
		}
	}
}
