package finding

// DocsBase is where each rule's documentation page lives: docs/rules/<id>.md
// in the project's repository, generated from the rule registry.
const DocsBase = "https://github.com/cra-gate/cra-gate/blob/main/docs/rules/"

// RuleDocURL is the https address of a rule's documentation page.
func RuleDocURL(id string) string { return DocsBase + id + ".md" }
