package checks

import (
	"fmt"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

var (
	ruleManifestMissing           = rule("manifest-missing")
	ruleManifestTODO              = rule("manifest-todo")
	ruleManifestSyntax            = rule("manifest-syntax")
	ruleManifestLimit             = rule("manifest-limit")
	ruleManifestType              = rule("manifest-type")
	ruleManifestUnknownKey        = rule("manifest-unknown-key")
	ruleManifestSchemaMissing     = rule("manifest-schema-missing")
	ruleManifestSchemaUnsupported = rule("manifest-schema-unsupported")
	ruleManifestRequired          = rule("manifest-required")
	ruleManifestDuplicateName     = rule("manifest-duplicate-name")
	ruleManifestInvalidValue      = rule("manifest-invalid-value")
	ruleManifestPath              = rule("manifest-path")
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
	need(m.Support.End == nil && !m.Product.Steward() && !m.Product.NonCommercial(), "support.end (the date security updates end)", "support", "end")
	need(strings.TrimSpace(m.Disclosure.Policy) == "",
		"disclosure.policy (the vulnerability disclosure policy: a repository path or https URL)",
		"disclosure",
		"policy")
	need(strings.TrimSpace(m.Disclosure.Contact) == "", "disclosure.contact (a mailto: or https: contact for reporting vulnerabilities)", "disclosure", "contact")
	for _, e := range m.Entries() {
		need(strings.TrimSpace(e.Name) == "", fmt.Sprintf("name of %s", e.Label()), e.Section, e.Index, "name")
	}
	for i, mod := range m.Modifications {
		what := fmt.Sprintf("of [[modification]] #%d", i+1)
		need(strings.TrimSpace(mod.Version) == "", "version "+what+" (the version placed on the market)", "modification", i, "version")
		need(mod.Date == nil, "date "+what+" (when it was placed on the market)", "modification", i, "date")
		need(strings.TrimSpace(mod.Rationale) == "", "rationale "+what+" (why it is, or is not, substantial)", "modification", i, "rationale")
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
	c.oneOf(m.Product.Kind, manifest.Kinds, "product", "kind")
	c.oneOf(m.Product.Category, manifest.Categories, "product", "category")
	if r := m.Reporting; r != nil {
		c.oneOf(r.Basis, manifest.ReportingBases, "reporting", "basis")
	}
	for i, ref := range m.Product.HarmonisedStandards.List {
		if strings.TrimSpace(ref) == "" {
			c.report(ruleManifestInvalidValue,
				c.key("product", "harmonised_standards"),
				"product.harmonised_standards item %d is empty: write the reference of the standard "+
					"applied, such as \"EN 18031-1:2024\"",
				i+1)
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
		c.report(ruleManifestInvalidValue,
			c.key("gate", "support_warning_months"),
			"gate.support_warning_months = %d: use a number of months from 0 to %d",
			*n,
			manifest.MaxSupportWarningMonths)
	}
	c.oneOf(m.Gate.SBOMProfile, manifest.SBOMProfiles, "gate", "sbom_profile")
	if n := m.Gate.AcknowledgeMaxDays; n != nil && (*n < 1 || *n > manifest.MaxAcknowledgeMaxDays) {
		c.report(ruleManifestInvalidValue,
			c.key("gate", "acknowledge_max_days"),
			"gate.acknowledge_max_days = %d: use a number of days from 1 to %d",
			*n,
			manifest.MaxAcknowledgeMaxDays)
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
			if !p.Remote() {
				check(p.Path, false, "rdps", i, "sbom")
			}
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
