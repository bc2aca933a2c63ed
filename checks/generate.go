package checks

// The rule documentation pages, docs/rules/<id>.md and docs/rules/README.md,
// are generated from the registry; TestRuleDocsCurrent fails when they are not.
//go:generate go run ../internal/ruledocs/gen -out ../docs/rules
