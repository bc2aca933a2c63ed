package checks

import (
	"fmt"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

// refConvention is the Reference of a rule that is the gate's own convention:
// how cra.toml is written, limits, thresholds. No CRA provision sets it; the
// rule's Why says which provision the fact it protects serves, if any.
const refConvention = "cra-gate convention (no CRA provision)"

// refManifest is the Reference of the manifest check's rules: cra.toml is the
// gate's own format.
const refManifest = refConvention

var (
	ruleManifestMissing = rule(finding.Rule{
		ID: "manifest-missing", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest,
		Summary: "The repository has a cra.toml (or the file --config names).",
		Why:     "cra.toml is this gate's own record of the repository's CRA facts (no CRA provision asks for it; the technical documentation of Article 31 and Annex VII is what it points to). Without it the gate cannot check anything, and a release would ship with no recorded decisions.",
		Fix:     "Run `cra-gate init` at the repository root: it writes a commented cra.toml from what the repository holds (SBOMs, SECURITY.md, security.txt, the product name) and marks with TODO what only you can decide. Or point --config at an existing file.",
		Example: "# in a shell, at the repository root:\ncra-gate init        # writes cra.toml, prints the TODOs and next steps\ncra-gate check       # fails with manifest-todo until every TODO is replaced",
	})
	ruleManifestTODO = rule(finding.Rule{
		ID: "manifest-todo", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest, Unwaivable: true,
		Summary: "No value still holds a TODO: a string starting \"TODO:\", as cra-gate init writes where only a person can decide.",
		Why:     "cra-gate init fills in what the repository shows and writes a TODO where only the manufacturer can decide: who the manufacturer is, the product's class and functions, its remote data processing solutions (Article 3(2)), the end of support (Article 13(8)), the CSIRT for Article 14 reports. A TODO is a decision not yet taken: the gate reads it as absent and fails until it is replaced, so that a generated file never passes unread. No waiver accepts it: a waiver records a known gap for a while, and a TODO is not yet a declaration at all.",
		Fix:     "Replace each TODO with the value it asks for, written as the key's type: a date without quotes (end = 2031-03-01), a list in brackets, a number without quotes. Delete the line of an optional key that does not apply, and a whole [[rdps]], [[third_party]] or [[excluded]] entry when there is no such service. The README's cra.toml reference says what each key means.",
		Example: "[product]\nmanufacturer = \"Acme GmbH\"     # was \"TODO: the legal name of the manufacturer\"\n\n[support]\nend = 2031-03-01                # a date, without quotes",
	})
	ruleManifestSyntax = rule(finding.Rule{
		ID: "manifest-syntax", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest, Unwaivable: true,
		Summary: "cra.toml is valid TOML (UTF-8).",
		Why:     "A file the gate cannot parse records nothing; every other check is skipped until it parses.",
		Fix:     "Fix the TOML syntax at the line and column shown: unclosed quotes and brackets, a missing '=', or a key defined twice are the usual causes.",
		Example: "[product]\nname = \"Acme Smart Lock\"          # strings in quotes, closed on the same line\nfunctions = [\"unlock\", \"updates\"] # lists in brackets",
	})
	ruleManifestLimit = rule(finding.Rule{
		ID: "manifest-limit", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest, Unwaivable: true,
		Summary: "cra.toml stays within the gate's limits: at most 1 MiB, 10,000 keys, keys nested 8 deep, 1,000 items in a list, names of 256 bytes and texts of 16 KiB.",
		Why:     "Every byte the gate reads on a pull request is written by whoever opened it; limits far above any real cra.toml keep a hostile or broken file from slowing or stopping CI. A file beyond a structural limit is not decoded, so nothing else is checked and the gate fails.",
		Fix:     "Shorten what the message names: a cra.toml records decisions in a few dozen keys; long texts belong in a document it points to (a rationale of a paragraph is fine).",
		Example: "[[rdps]]\nname = \"acme-cloud-api\"\nrationale = \"Remote unlock cannot work without this API, which we develop; see docs/tech/rdps.md for the architecture.\"",
	})
	ruleManifestType = rule(finding.Rule{
		ID: "manifest-type", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest, Unwaivable: true,
		Summary: "Every key has a value of the type the schema expects.",
		Why:     "A date written as a string or a list written as a single string would silently change what the gate checks.",
		Fix:     "Write the value as the message says: dates without quotes (2031-03-01), lists in brackets ([\"a\"]), numbers without quotes.",
		Example: "[support]\nend = 2031-03-01",
	})
	ruleManifestUnknownKey = rule(finding.Rule{
		ID: "manifest-unknown-key", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest, Unwaivable: true,
		Summary: "cra.toml has no keys the schema does not define.",
		Why:     "A misspelt key is a declaration the gate never sees: a typo must never silently disable a check.",
		Fix:     "Rename the key to the one suggested, or remove it. `cra-gate rules` and the README list every key.",
		Example: "[[rdps]]\nname = \"acme-cloud-api\"\nrationale = \"Remote unlock cannot work without this API, which we develop.\"   # not \"rationle\"",
	})
	ruleManifestSchemaMissing = rule(finding.Rule{
		ID: "manifest-schema-missing", Check: finding.CheckManifest, Severity: finding.Warning, Reference: refManifest, Unwaivable: true,
		Summary: "cra.toml states the schema version it is written for.",
		Why:     "The schema number lets future versions of the gate read old files correctly. Without it the gate assumes schema 1.",
		Fix:     "Add `schema = 1` as the first line.",
		Example: "schema = 1",
	})
	ruleManifestSchemaUnsupported = rule(finding.Rule{
		ID: "manifest-schema-unsupported", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest, Unwaivable: true,
		Summary: "The schema version is one this gate understands (1).",
		Why:     "Checking a file written for another schema with these rules would give wrong verdicts.",
		Fix:     "Set `schema = 1`, or upgrade cra-gate if the file was written for a newer schema.",
		Example: "schema = 1",
	})
	ruleManifestRequired = rule(finding.Rule{
		ID: "manifest-required", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest,
		Summary: "The required keys are present: product.name, product.manufacturer, product.functions, support.end (not for a steward), disclosure.policy, disclosure.contact, and a name for every [[rdps]], [[third_party]] and [[excluded]] entry.",
		Why:     "Which keys cra.toml must hold is the gate's convention; they are the facts every other check builds on, each one the CRA asks for: who the manufacturer is (Annex II(1)), until when the product is supported (Article 13(8), 13(19)), the coordinated vulnerability disclosure policy and contact (Annex I Part II(5)-(6)), and what the product does (the Article 3(2) test). An open-source software steward has no support period to declare (Article 24).",
		Fix:     "Add the missing key to the table named in the message.",
		Example: "[product]\nname = \"Acme Smart Lock\"\nmanufacturer = \"Acme GmbH\"\nfunctions = [\"unlock\", \"updates\"]\n\n[support]\nend = 2031-03-01\n\n[disclosure]\npolicy = \"SECURITY.md\"\ncontact = \"mailto:security@acme-locks.eu\"",
	})
	ruleManifestDuplicateName = rule(finding.Rule{
		ID: "manifest-duplicate-name", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest,
		Summary: "Names of [[rdps]], [[third_party]] and [[excluded]] entries are unique across all three sections.",
		Why:     "Unique names are the gate's convention: findings and SBOM coverage are matched by name, and a service decided twice (say as RDPS and as excluded) is an inconsistent Article 3(2) scope decision.",
		Fix:     "Give each entry its own name, or merge the two entries into one decision.",
		Example: "[[rdps]]\nname = \"acme-cloud-api\"\n\n[[excluded]]\nname = \"usage-telemetry\"   # another service, another name",
	})
	ruleManifestInvalidValue = rule(finding.Rule{
		ID: "manifest-invalid-value", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest,
		Summary: "Keys with a fixed set of values use one of them (class, conformity, role, developed_by, hosting, kind, reason, due_diligence, the references of harmonised_standards, gate settings).",
		Why:     "The value sets are the gate's convention for the CRA's categories (the classes of Article 7 and 8, the routes of Article 32, the roles of Article 3(13)-(14), the Article 3(2) test); an unknown value would be silently ignored by the rules that depend on it.",
		Fix:     "Use one of the values listed in the message.",
		Example: "[product]\nclass = \"important-1\"       # default | important-1 | important-2 | critical\nconformity = \"module-b-c\"   # module-a | module-b-c | module-h | eu-certification (eucc)",
	})
	ruleManifestPath = rule(finding.Rule{
		ID: "manifest-path", Check: finding.CheckManifest, Severity: finding.Error, Reference: refManifest,
		Summary: "Paths in cra.toml are relative to the repository root and stay inside it; URLs are https.",
		Why:     "The gate reads only the repository it checks: absolute paths, '..' escapes and symbolic links pointing outside are refused so that nothing outside it is read or shown.",
		Fix:     "Write the path relative to the repository root with forward slashes (docs/support.md), or link an https URL where the key allows one.",
		Example: "[support]\npublished = \"docs/support-period.md\"   # or \"https://acme-locks.eu/support\"",
	})
)

var _ = check(Check{
	ID: finding.CheckManifest, Order: 10, Title: "Manifest",
	Summary: "cra.toml parses; no unknown keys (with \"did you mean\"), no wrong types, required keys present, " +
		"enumerated values valid, paths inside the repository; waivers well-formed and current",
	Reference: "Annex VII",
	apply:     (*run).checkManifest,
})

// checkManifest validates the loaded model (the file's syntax, types and
// unknown keys were reported as it loaded).
func (c *run) checkManifest() string {
	m := c.m
	if m.Schema == nil {
		c.report(ruleManifestSchemaMissing, location{file: m.File, line: 1}, "cra.toml does not say which schema it follows; assuming schema 1")
	} else if *m.Schema != manifest.SchemaVersion {
		c.report(ruleManifestSchemaUnsupported, c.key("schema"), "schema = %d is not supported: this gate reads schema %d", *m.Schema, manifest.SchemaVersion)
	}
	c.checkRequired()
	c.checkNames()
	c.checkValues()
	c.checkPaths()
	return ""
}

func (c *run) checkRequired() {
	m := c.m
	need := func(missing bool, what string, segs ...any) {
		if missing && !m.HasTODO(segs...) { // a TODO is manifest-todo's
			loc := c.key(segs...)
			if loc.line == 0 {
				loc.line = 1
			}
			c.report(ruleManifestRequired, loc, "%s is required", what)
		}
	}
	need(strings.TrimSpace(m.Product.Name) == "", "product.name (the product's name)", "product", "name")
	need(strings.TrimSpace(m.Product.Manufacturer) == "", "product.manufacturer (who places the product on the market)", "product", "manufacturer")
	need(len(nonEmpty(m.Product.Functions)) == 0, "product.functions (a non-empty list of what the product does)", "product", "functions")
	need(m.Support.End == nil && !m.Product.Steward(), "support.end (the date security updates end)", "support", "end")
	need(strings.TrimSpace(m.Disclosure.Policy) == "", "disclosure.policy (the vulnerability disclosure policy: a repository path or https URL)", "disclosure", "policy")
	need(strings.TrimSpace(m.Disclosure.Contact) == "", "disclosure.contact (a mailto: or https: contact for reporting vulnerabilities)", "disclosure", "contact")
	for _, e := range m.Entries() {
		need(strings.TrimSpace(e.Name) == "", fmt.Sprintf("name of %s", e.Label()), e.Section, e.Index, "name")
	}
}

func nonEmpty(items []string) []string {
	var out []string
	for _, s := range items {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func (c *run) checkNames() {
	first := map[string]manifest.Entry{}
	for _, e := range c.m.Entries() {
		name := strings.ToLower(strings.TrimSpace(e.Name))
		if name == "" {
			continue
		}
		if prev, dup := first[name]; dup {
			p := c.m.Pos(prev.Section, prev.Index, "name")
			c.report(ruleManifestDuplicateName, c.key(e.Section, e.Index, "name"),
				"%s has the same name as [[%s]] on line %d: each service needs one scope decision", e.Label(), prev.Section, p.Line)
			continue
		}
		first[name] = e
	}
}

// checkValues validates every enumerated key.
func (c *run) checkValues() {
	m := c.m
	c.oneOf(m.Product.Class, manifest.Classes, "product", "class")
	c.oneOf(m.Product.Conformity, manifest.Conformities, "product", "conformity")
	c.oneOf(m.Product.Role, manifest.Roles, "product", "role")
	for i, ref := range m.Product.HarmonisedStandards.List {
		if strings.TrimSpace(ref) == "" {
			c.report(ruleManifestInvalidValue, c.key("product", "harmonised_standards"), "product.harmonised_standards item %d is empty: write the reference of the standard applied, such as \"EN 18031-1:2024\"", i+1)
		}
	}
	for i, r := range m.RDPS {
		c.oneOf(r.DevelopedBy, manifest.DevelopedBy, "rdps", i, "developed_by")
		c.oneOf(r.Hosting, manifest.Hostings, "rdps", i, "hosting")
	}
	for i, t := range m.ThirdParty {
		c.oneOf(t.Kind, manifest.ThirdPartyKinds, "third_party", i, "kind")
		c.oneOf(t.DevelopedBy, manifest.DevelopedBy, "third_party", i, "developed_by")
		for _, d := range t.DueDiligence {
			c.oneOf(d, manifest.DueDiligence, "third_party", i, "due_diligence")
		}
	}
	for i, e := range m.Excluded {
		c.oneOf(e.Reason, manifest.ExcludedReasons, "excluded", i, "reason")
	}
	if n := m.Gate.SupportWarningMonths; n != nil && (*n < 0 || *n > manifest.MaxSupportWarningMonths) {
		c.report(ruleManifestInvalidValue, c.key("gate", "support_warning_months"), "gate.support_warning_months = %d: use a number of months from 0 to %d", *n, manifest.MaxSupportWarningMonths)
	}
	c.oneOf(m.Gate.SBOMProfile, manifest.SBOMProfiles, "gate", "sbom_profile")
	if n := m.Gate.AcknowledgeMaxDays; n != nil && (*n < 1 || *n > manifest.MaxAcknowledgeMaxDays) {
		c.report(ruleManifestInvalidValue, c.key("gate", "acknowledge_max_days"), "gate.acknowledge_max_days = %d: use a number of days from 1 to %d", *n, manifest.MaxAcknowledgeMaxDays)
	}
	for _, field := range sortedMapKeys(m.Gate.SBOMThresholds) {
		v := m.Gate.SBOMThresholds[field]
		loc := c.key("gate", "sbom_thresholds", field)
		if !contains(manifest.SBOMFields, field) {
			msg := fmt.Sprintf("gate.sbom_thresholds has no field %q; the fields are %s", field, strings.Join(manifest.SBOMFields, ", "))
			if s := c.closest(field, manifest.SBOMFields); s != "" {
				msg = fmt.Sprintf("gate.sbom_thresholds has no field %q; did you mean %q?", field, s)
			}
			c.report(ruleManifestInvalidValue, loc, "%s", msg)
		} else if !(v >= 0 && v <= manifest.MaxThreshold) { // nan too
			c.report(ruleManifestInvalidValue, loc, "gate.sbom_thresholds.%s = %v: a threshold is a percentage from 0 to %d", field, v, manifest.MaxThreshold)
		}
	}
}

// oneOf reports a value outside allowed; an empty value is left to the rules
// that need it.
func (c *run) oneOf(value string, allowed []string, segs ...any) {
	if value == "" || contains(allowed, value) {
		return
	}
	key := manifest.Path(segs...)
	msg := fmt.Sprintf("%s = %q is not one of %s", key, value, strings.Join(allowed, ", "))
	if s := c.closest(value, allowed); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	c.report(ruleManifestInvalidValue, c.key(segs...).on(value), "%s", msg)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkPaths refuses every path value that leaves the repository or is malformed.
// Paths that simply do not exist are reported by the check that needs them.
func (c *run) checkPaths() {
	m := c.m
	check := func(value string, urlOK bool, segs ...any) {
		if strings.TrimSpace(value) == "" {
			return
		}
		if r := c.resolve(value, urlOK); r.refused() {
			c.report(ruleManifestPath, c.key(segs...).on(value), "%s: %v", manifest.Path(segs...), r.err)
		}
	}
	for _, p := range m.Product.SBOM {
		check(p, false, "product", "sbom")
	}
	check(m.Product.Source, false, "product", "source")
	check(m.Support.Published, true, "support", "published")
	check(m.Disclosure.Policy, true, "disclosure", "policy")
	check(m.Disclosure.SecurityTxt, true, "disclosure", "security_txt")
	for i, r := range m.RDPS {
		for _, p := range r.SBOM {
			check(p, false, "rdps", i, "sbom")
		}
		check(r.Source, false, "rdps", i, "source")
	}
	for i, t := range m.ThirdParty {
		for _, p := range t.Evidence {
			check(p, true, "third_party", i, "evidence")
		}
	}
	for _, p := range m.Vulnerabilities.VEX {
		check(p, false, "vulnerabilities", "vex")
	}
	for _, item := range manifest.DocumentationItems {
		if v := m.Documentation.Value(item.Key); !isNA(v) {
			check(v, true, "documentation", item.Key)
		}
	}
}
