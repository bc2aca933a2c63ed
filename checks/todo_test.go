package checks

import (
	"strings"
	"testing"
)

// TestManifestTODO: a value still holding the init marker is one
// manifest-todo error at its line, whatever the key's type, and nothing else:
// the rules that would report the value absent (required keys, the support
// start, the reporting contact, an entry's rationale, a documentation item,
// a waiver's fields) leave it to manifest-todo.
func TestManifestTODO(t *testing.T) {
	b := baseManifest
	todo := func(old, new string) string { return replace(t, b, old, new) }
	manufacturer := todo(`manufacturer = "Test GmbH"`, `manufacturer = "TODO: the legal name of the manufacturer"`)
	end := todo(`end = 2033-03-01`, `end = "TODO: the date security updates end"`)
	placed := todo(`placed_on_market = 2028-03-01`, `placed_on_market = "TODO: the date the first unit is placed on the market"`)
	class := todo("class = \"default\"\nconformity = \"module-a\"", "class = \"TODO: default | important-1 | important-2 | critical\"\nconformity = \"TODO: "+
		"module-a | module-b-c | module-h | eu-certification\"")
	functions := todo(`functions = ["unlock", "remote-unlock", "onboarding"]`, `functions = ["TODO: what the product does, in short names"]`)
	entry := todo(`name = "test-cloud"`, `name = "TODO: name the service, or delete this entry"`)
	reporting := todo("csirt = \"DE\"\ncontact = \"mailto:psirt@testlock.eu\"",
		"csirt = \"TODO: the member state of main establishment\"\ncontact = \"TODO: who files "+
			"Article 14 notifications\"")
	policy := todo(`policy = "SECURITY.md"`, `policy = "TODO: the disclosure policy"`)
	contact := todo(`contact = "mailto:security@testlock.eu"`, `contact = "TODO: the vulnerability contact"`)
	doc := todo(`design = "docs/tech/architecture.md"`, `design = "TODO: where the architecture is described"`)
	waiver := b + "\n[[waiver]]\nrule = \"TODO: the rule\"\nreason = \"TODO: why\"\nuntil = \"TODO: a date\"\n"
	waiveTODO := manufacturer + "\n[[waiver]]\nrule = \"manifest-todo\"\nreason = \"We will decide the manufacturer next " +
		"quarter, promised.\"\nuntil = 2027-01-31\n"
	runCases(t, []ruleCase{
		{name: "string", manifest: manufacturer, want: []string{hit(t, "manifest-todo", manufacturer, "manufacturer =")}},
		{name: "date", manifest: end, want: []string{hit(t, "manifest-todo", end, "end =")}},
		{name: "support start", manifest: placed, want: []string{hit(t, "manifest-todo", placed, "placed_on_market")}},
		{name: "class and route", manifest: class, want: []string{hit(t, "manifest-todo", class, "class ="), hit(t, "manifest-todo", class, "conformity =")}},
		{name: "functions", manifest: functions, want: []string{hit(t, "manifest-todo", functions, "functions = [\"TODO")}},
		{name: "scope entry", manifest: entry, want: []string{hit(t, "manifest-todo", entry, "name = \"TODO")}},
		{name: "reporting", manifest: reporting, want: []string{hit(t, "manifest-todo", reporting, "csirt"), hit(t, "manifest-todo", reporting, "who files")}},
		{name: "policy", manifest: policy, want: []string{hit(t, "manifest-todo", policy, "policy =")}},
		{name: "contact", manifest: contact, want: []string{hit(t, "manifest-todo", contact, "the vulnerability contact")}},
		{name: "documentation item", manifest: doc, want: []string{hit(t, "manifest-todo", doc, "design =")}},
		{name: "waiver",
			manifest: waiver,
			want:     []string{hit(t, "manifest-todo", waiver, "the rule"), hit(t, "manifest-todo", waiver, "why"), hit(t, "manifest-todo", waiver, "a date")}},
		{name: "not waivable",
			manifest: waiveTODO,
			want:     []string{hit(t, "manifest-todo", waiveTODO, "manufacturer ="), hit(t, "waiver-invalid", waiveTODO, `rule = "manifest-todo"`)}},
	})
	res := runRepo(t, waiveTODO, nil)
	for _, f := range res.Findings {
		if f.Rule == "waiver-invalid" && !strings.Contains(f.Message, "a TODO is a decision not yet taken") {
			t.Errorf("waiver-invalid says %q", f.Message)
		}
		if f.Rule == "manifest-todo" && f.Waived != nil {
			t.Errorf("manifest-todo waived: %+v", f)
		}
	}
}
