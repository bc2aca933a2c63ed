package checks

// The rule documentation pages, docs/rules/<id>.md and docs/rules/README.md,
// and the "What it checks" table of README.md are generated from the
// registries;
// TestRuleDocsCurrent fails when they are not current.
//go:generate go run ../internal/ruledocs/gen -out ../docs/rules -readme ../README.md
