package finding

// RuleDocsURL is where every rule's documentation page lives: the folder
// docs/rules of the repository's default branch. Each page is
// docs/rules/<id>.md, generated from the rule registry (go generate ./checks).
// Rule ids are stable, so these URLs are too; the pages describe the rules as
// main implements them.
const RuleDocsURL = "https://github.com/cra-gate/cra-gate/blob/main/docs/rules/"

// RuleDocURL returns the documentation page of the rule with the given id, for
// SARIF's helpUri and the rule links of the PR comment:
// https://github.com/cra-gate/cra-gate/blob/main/docs/rules/<id>.md.
func RuleDocURL(id string) string { return RuleDocsURL + RuleDocFile(id) }

// RuleDocFile is the name of a rule's page inside docs/rules: "<id>.md".
func RuleDocFile(id string) string { return id + ".md" }
