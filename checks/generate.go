package checks

// The rule documentation pages, docs/rules/<id>.md and docs/rules/README.md,
// and the rules tables of README.md are generated from the registry;
// TestRuleDocsCurrent fails when they are not current.
//go:generate go run ../internal/ruledocs/gen -out ../docs/rules -readme ../README.md
