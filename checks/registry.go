package checks

import (
	"slices"
	"sort"

	"github.com/cra-gate/cra-gate/finding"
)

// Check is one of the gate's checks: a registry entry that Run walks in
// order. A check lives in its own file, beside the rules it applies, and
// registers itself with check; nothing else lists it.
type Check struct {
	// ID names the check in every report; its rules' ids start with it.
	ID string `json:"id"`
	// Title is the check's name in a sentence ("Scope rationale").
	Title string `json:"title"`
	// Summary says what the check looks at, for the README's table.
	Summary string `json:"summary"`
	// Reference lists the CRA provisions its rules apply.
	Reference string `json:"reference"`
	// Order places the check in reports: lower first.
	Order int `json:"-"`
	// skip says why the check does not apply to the product ("" to run it).
	skip func(*run) string
	// apply evaluates the run's facts; it returns why it could not judge
	// ("" when it did), which makes its status skip.
	apply func(*run) string
}

// checkRegistry holds every check, by Order.
var checkRegistry []*Check

// check registers a check.
func check(c Check) *Check {
	for _, have := range checkRegistry {
		if have.ID == c.ID || have.Order == c.Order {
			panic("checks: duplicate check " + c.ID) // a programming error, caught by any test
		}
	}
	p := &c
	checkRegistry = append(checkRegistry, p)
	sort.SliceStable(checkRegistry, func(i, j int) bool { return checkRegistry[i].Order < checkRegistry[j].Order })
	return p
}

// Checks lists the checks in report order.
func Checks() []Check {
	out := make([]Check, len(checkRegistry))
	for i, c := range checkRegistry {
		out[i] = *c
	}
	return out
}

// checkIDs lists the check ids in report order.
func checkIDs() []string {
	ids := make([]string, len(checkRegistry))
	for i, c := range checkRegistry {
		ids[i] = c.ID
	}
	return ids
}

// registry holds every rule, in declaration order.
var registry []*finding.Rule

// rule declares the rule whose text is rules/<id>.md; the checks refer to
// the returned pointer.
func rule(id string) *finding.Rule {
	r := loadRule(id)
	for _, have := range registry {
		if have.ID == r.ID {
			panic("checks: duplicate rule id " + r.ID) // a programming error, caught by any test
		}
	}
	p := &r
	registry = append(registry, p)
	return p
}

// Rules lists every rule, sorted by check (report order) and id.
func Rules() []finding.Rule {
	ids := checkIDs()
	out := make([]finding.Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, *r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := slices.Index(ids, out[i].Check), slices.Index(ids, out[j].Check)
		if a != b {
			return a < b
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Lookup returns the rule with the given id.
func Lookup(id string) (finding.Rule, bool) {
	for _, r := range registry {
		if r.ID == id {
			return *r, true
		}
	}
	return finding.Rule{}, false
}
