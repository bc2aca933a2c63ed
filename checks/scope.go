package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/manifest"
)

const (
	refScope       = "Article 3(2), Recitals 11-12"
	refConformity  = "Article 32"
	minRationaleWd = 6 // fewer words than this is "a few words": a warning
)

var (
	ruleScopeRationaleMissing = rule(finding.Rule{
		ID: "scope-rationale-missing", Check: finding.CheckScope, Severity: finding.Error, Reference: refScope,
		Summary: "Every [[rdps]], [[third_party]] and [[excluded]] entry explains its scope decision in `rationale`.",
		Why:     "Whether a remote service is a remote data processing solution (Article 3(2)) is a decision the technical documentation must justify; an unexplained decision cannot be reviewed by a notified body or market surveillance authority.",
		Fix:     "Add a rationale that applies the Article 3(2) test: who designed or commissioned the service, and which product function would stop working without it.",
		Example: "[[rdps]]\nname = \"acme-cloud-api\"\ndeveloped_by = \"manufacturer\"\nfunctions = [\"remote-unlock\"]\nrationale = \"Remote unlock cannot work without this API, which Acme designs and develops (Article 3(2)).\"",
	})
	ruleScopeRationaleShort = rule(finding.Rule{
		ID: "scope-rationale-short", Check: finding.CheckScope, Severity: finding.Warning, Reference: refScope,
		Summary: "A rationale is more than a few words.",
		Why:     "\"Not RDPS\" or \"analytics only\" records a conclusion, not the reasoning; reviewers need to see the Article 3(2) test applied.",
		Fix:     "Say who developed the service and whether any product function (including onboarding, configuration, updates and remote commands) depends on it.",
		Example: "rationale = \"Remote unlock and onboarding cannot work without this API, which Acme designs and develops (Article 3(2)).\"",
	})
	ruleScopeUnknownFunction = rule(finding.Rule{
		ID: "scope-unknown-function", Check: finding.CheckScope, Severity: finding.Error, Reference: refScope,
		Summary: "Every function an entry names is one of product.functions.",
		Why:     "The Article 3(2) test asks whether the product's functions depend on the service; a function the product does not declare is a typo or a stale declaration, and hides the dependency.",
		Fix:     "Use the function's name as written in product.functions, or add the function there.",
		Example: "[product]\nfunctions = [\"unlock\", \"remote-unlock\"]\n\n[[rdps]]\nfunctions = [\"remote-unlock\"]   # spelt as in product.functions",
	})
	ruleScopeRDPSThirdParty = rule(finding.Rule{
		ID: "scope-rdps-third-party", Check: finding.CheckScope, Severity: finding.Error, Reference: "Article 3(2); Article 13(5)",
		Summary: "An [[rdps]] entry is designed and developed by the manufacturer or commissioned by it.",
		Why:     "RDPS is remote processing designed and developed by or under the responsibility of the manufacturer. A general third-party service is a component subject to due diligence (Article 13(5)), not RDPS.",
		Fix:     "Move the entry to [[third_party]] with its due diligence and evidence, or correct developed_by to manufacturer or commissioned.",
		Example: "[[third_party]]\nname = \"SMS verification SaaS\"\nkind = \"saas\"\ndeveloped_by = \"third-party\"\nfunctions = [\"onboarding\"]\nrationale = \"General-purpose SaaS not designed for us: a third-party component, not RDPS.\"\ndue_diligence = [\"iso27001\"]\nevidence = [\"docs/vendors/sms.md\"]",
	})
	ruleScopeRDPSNoFunction = rule(finding.Rule{
		ID: "scope-rdps-no-function", Check: finding.CheckScope, Severity: finding.Error, Reference: refScope,
		Summary: "An [[rdps]] entry names the product functions that need it.",
		Why:     "By definition an RDPS is one whose absence would prevent the product from performing one of its functions; an RDPS that no function needs is either not RDPS or an incomplete declaration.",
		Fix:     "List the functions (from product.functions) that cannot work without the service, or move the entry to [[excluded]] with the reason.",
		Example: "[[rdps]]\nname = \"acme-cloud-api\"\ndeveloped_by = \"manufacturer\"\nfunctions = [\"remote-unlock\", \"onboarding\"]",
	})
	ruleScopeThirdPartyIsRDPS = rule(finding.Rule{
		ID: "scope-third-party-is-rdps", Check: finding.CheckScope, Severity: finding.Error, Reference: refScope,
		Summary: "A service the manufacturer designed or commissioned, and that a product function needs, is declared as [[rdps]].",
		Why:     "That is the Article 3(2) definition of RDPS: it is part of the product and shares its essential requirements, SBOM and vulnerability handling.",
		Fix:     "Move the entry to [[rdps]] (with hosting and an SBOM), or correct developed_by if a third party really designed it for the general market.",
		Example: "[[rdps]]\nname = \"push-gateway\"\ndeveloped_by = \"commissioned\"\nhosting = \"paas\"\nfunctions = [\"motion-alerts\"]\nrationale = \"Built for us by an agency to our specification; motion alerts cannot work without it.\"\nsbom = [\"sbom/push-gateway.cdx.json\"]",
	})
	ruleScopeConnectivity = rule(finding.Rule{
		ID: "scope-connectivity", Check: finding.CheckScope, Severity: finding.Notice, Reference: "Recital 12",
		Summary: "Network connectivity providers are recorded as [[excluded]] with reason connectivity.",
		Why:     "A network operator is a channel for data, neither RDPS nor a third-party component of the product.",
		Fix:     "Move the entry to [[excluded]] with reason = \"connectivity\".",
		Example: "[[excluded]]\nname = \"cellular network\"\nreason = \"connectivity\"\nrationale = \"The mobile operator only carries traffic; it processes no product data for us.\"",
	})
	ruleScopeDueDiligence = rule(finding.Rule{
		ID: "scope-due-diligence-missing", Check: finding.CheckScope, Severity: finding.Error, Reference: "Article 13(5)",
		Summary: "A third-party service that product functions rely on has recorded due diligence.",
		Why:     "Manufacturers must exercise due diligence when integrating third-party components so that they do not compromise the product's cybersecurity; certifications and contractual commitments are the usual evidence.",
		Fix:     "List the assurance you rely on in due_diligence (ce-marking, eu-2024-2690, dora, eu-certification, iso27017, iso27001, sla-vulnerability-notice, other).",
		Example: "due_diligence = [\"iso27001\", \"sla-vulnerability-notice\"]",
	})
	ruleScopeEvidence = rule(finding.Rule{
		ID: "scope-evidence-missing", Check: finding.CheckScope, Severity: finding.Error, Reference: "Article 13(5), Annex VII",
		Summary: "Due diligence of a third-party service points at evidence that exists: repository files or https URLs.",
		Why:     "A claimed certification is only as good as the record of it; the technical documentation must hold or point to the evidence.",
		Fix:     "Add evidence = [\"docs/vendors/<vendor>.md\"] (a file in the repository) or an https link to the certificate or contract clause, and make sure each path exists.",
		Example: "evidence = [\"docs/vendors/sms-saas.md\"]",
	})
	ruleScopeExcludedNeeded = rule(finding.Rule{
		ID: "scope-excluded-needed", Check: finding.CheckScope, Severity: finding.Error, Reference: refScope,
		Summary: "A service excluded from scope is not needed by any product function.",
		Why:     "If the product cannot perform a function without the service, it is RDPS (when the manufacturer designed or commissioned it) or a third-party component — never out of scope as analytics, internal or information-only. A manual or local alternative does not change that.",
		Fix:     "Move the entry to [[rdps]] or [[third_party]], or remove the functions if none really depends on it.",
		Example: "[[excluded]]\nname = \"usage-telemetry\"\nreason = \"analytics\"\nrationale = \"Usage statistics for product planning; every product function works without it.\"\n# no functions: nothing depends on it",
	})
	ruleScopeNoRDPS = rule(finding.Rule{
		ID: "scope-no-rdps", Check: finding.CheckScope, Severity: finding.Notice, Reference: "Article 3(2), Annex VII(1)",
		Summary: "A product with no [[rdps]] records that decision in its technical documentation.",
		Why:     "\"No remote data processing\" must be a recorded decision, not an omission: the technical documentation should state that the product has no RDPS.",
		Fix:     "State in the technical documentation that the product has no remote data processing solution, or declare the RDPS it has.",
		Example: "# cra.toml has no [[rdps]]; the technical documentation says so, e.g. in docs/tech-doc.md:\n#   \"The product has no remote data processing solution (Article 3(2)): it works fully offline.\"",
	})
	ruleScopeClassMissing = rule(finding.Rule{
		ID: "scope-class-missing", Check: finding.CheckScope, Severity: finding.Notice, Reference: "Article 7, Article 8, Annexes III-IV",
		Summary: "product.class states whether the product is an important or critical product.",
		Why:     "The class decides which conformity assessment routes are open (Article 32). Without it the gate assumes a default-class product.",
		Fix:     "Set product.class to default, important-1, important-2 or critical.",
		Example: "class = \"default\"",
	})
	ruleScopeConformityRoute = rule(finding.Rule{
		ID: "scope-conformity-route", Check: finding.CheckScope, Severity: finding.Error, Reference: refConformity,
		Summary: "The conformity assessment route is one the product's class may use.",
		Why:     "Important class II and critical products may not use internal control (module A), except free and open-source products whose technical documentation is public (Article 32(5)).",
		Fix:     "Use module-b-c, module-h or eucc, or set product.foss = true if the product is free and open-source with public technical documentation.",
		Example: "class = \"important-2\"\nconformity = \"module-b-c\"",
	})
	ruleScopeConformityConfirm = rule(finding.Rule{
		ID: "scope-conformity-confirm", Check: finding.CheckScope, Severity: finding.Warning, Reference: refConformity,
		Summary: "A conformity route that is allowed only under conditions is confirmed, and a classed product names its route.",
		Why:     "Important class I products may use module A only where harmonised standards, common specifications or a European certification scheme are applied in full; critical products need European certification where a delegated act requires it.",
		Fix:     "For important-1 with module-a: set product.harmonised_standards = true once they are applied in full (or product.foss = true). For critical: confirm no delegated act requires eucc, or use eucc. For a classed product: set product.conformity.",
		Example: "[product]\nclass = \"important-1\"\nconformity = \"module-a\"\nharmonised_standards = true   # applied in full",
	})
)

func (c *run) checkScope() {
	m := c.m
	declared := append([]string(nil), m.Product.Functions...)
	sort.Strings(declared)
	declared = slices.Compact(declared)
	for _, e := range m.Entries() {
		c.checkRationale(e)
		c.checkFunctions(e, declared)
	}
	for i, r := range m.RDPS {
		label := manifest.Entry{Section: "rdps", Index: i, Name: r.Name}.Label()
		if r.DevelopedBy == "third-party" {
			c.report(ruleScopeRDPSThirdParty, c.key("rdps", i, "developed_by"), "%s is developed by a third party: a service the manufacturer did not design or commission is not RDPS; declare it under [[third_party]]", label)
		}
		if len(nonEmpty(r.Functions)) == 0 {
			c.report(ruleScopeRDPSNoFunction, c.key("rdps", i, "functions"), "%s names no product function that needs it; an RDPS is by definition needed for at least one function", label)
		}
	}
	for i, t := range m.ThirdParty {
		c.checkThirdParty(i, t)
	}
	for i, e := range m.Excluded {
		if fs := nonEmpty(e.Functions); len(fs) > 0 {
			label := manifest.Entry{Section: "excluded", Index: i, Name: e.Name}.Label()
			c.report(ruleScopeExcludedNeeded, c.key("excluded", i, "functions"), "%s is excluded, yet the product needs it for %s: a service whose absence breaks a function cannot be excluded; declare it as [[rdps]] or [[third_party]]", label, quoteList(fs, 5))
		}
	}
	if len(m.RDPS) == 0 {
		c.report(ruleScopeNoRDPS, c.key("product"), "no [[rdps]] declared: the technical documentation must state that the product has no remote data processing solution, so that it is a recorded decision")
	}
	c.checkConformity()
}

func (c *run) checkRationale(e manifest.Entry) {
	r := strings.TrimSpace(e.Rationale)
	switch {
	case r == "":
		c.report(ruleScopeRationaleMissing, c.key(e.Section, e.Index, "rationale"), "%s has no rationale: explain the scope decision (who developed it, which functions need it)", e.Label())
	case words(r) < minRationaleWd:
		c.report(ruleScopeRationaleShort, c.key(e.Section, e.Index, "rationale"), "the rationale of %s is only %d words (%q): apply the Article 3(2) test in a sentence or two", e.Label(), words(r), r)
	}
}

// checkFunctions reports the entry's functions missing from declared (the
// product's functions, sorted).
func (c *run) checkFunctions(e manifest.Entry, declared []string) {
	for _, f := range e.Functions {
		if _, found := slices.BinarySearch(declared, f); found || strings.TrimSpace(f) == "" {
			continue
		}
		msg := fmt.Sprintf("%s names function %q, which is not in product.functions", e.Label(), f)
		if s := c.closest(f, declared); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else if len(declared) > 0 {
			msg += " (" + quoteList(declared, 8) + ")"
		}
		c.report(ruleScopeUnknownFunction, c.key(e.Section, e.Index, "functions").on(f), "%s", msg)
	}
}

func (c *run) checkThirdParty(i int, t manifest.ThirdParty) {
	label := manifest.Entry{Section: "third_party", Index: i, Name: t.Name}.Label()
	fs := nonEmpty(t.Functions)
	if (t.DevelopedBy == "manufacturer" || t.DevelopedBy == "commissioned") && len(fs) > 0 {
		c.report(ruleScopeThirdPartyIsRDPS, c.key("third_party", i, "developed_by"), "%s is developed by or for the manufacturer (%s) and %s need it: that is RDPS by Article 3(2); move it to [[rdps]]", label, t.DevelopedBy, quoteList(fs, 5))
		return
	}
	if t.Kind == "connectivity" {
		c.report(ruleScopeConnectivity, c.key("third_party", i, "kind"), "%s is a connectivity provider: a network operator is a channel, neither RDPS nor a third-party component; record it under [[excluded]] with reason = \"connectivity\"", label)
		return
	}
	if len(fs) == 0 {
		return
	}
	if len(nonEmpty(t.DueDiligence)) == 0 {
		c.report(ruleScopeDueDiligence, c.key("third_party", i, "due_diligence"), "%s supports %s but records no due diligence", label, quoteList(fs, 5))
	}
	evidence := nonEmpty(t.Evidence)
	if len(evidence) == 0 {
		c.report(ruleScopeEvidence, c.key("third_party", i, "evidence"), "%s records no evidence of its due diligence", label)
	}
	for _, ev := range evidence {
		switch r := c.resolve(ev, true); {
		case r.missing():
			c.report(ruleScopeEvidence, c.key("third_party", i, "evidence").on(ev), "evidence %q of %s does not exist in the repository", ev, label)
		case r.refused():
			c.report(ruleScopeEvidence, c.key("third_party", i, "evidence").on(ev), "evidence of %s: %s", label, r.refusal())
		}
	}
}

// checkConformity applies Article 32: which route each class may use.
func (c *run) checkConformity() {
	p := c.m.Product
	class := p.Class
	if class == "" {
		c.report(ruleScopeClassMissing, c.key("product"), "product.class is not declared; assuming a default-class product (not listed in Annex III or IV)")
		class = "default"
	}
	if !contains(manifest.Classes, class) || (p.Conformity != "" && !contains(manifest.Conformities, p.Conformity)) {
		return // reported by manifest-invalid-value
	}
	loc := c.key("product", "conformity")
	switch {
	case p.Conformity == "":
		if class != "default" {
			routes := "module-b-c, module-h or eucc"
			if class == "important-1" {
				routes += ", or module-a where allowed"
			}
			c.report(ruleScopeConformityConfirm, c.key("product", "class"), "product.class = %q but product.conformity is not declared: name the conformity assessment route (%s)", class, routes)
		}
	case class == "important-1" && p.Conformity == "module-a" && !p.HarmonisedStandards && !p.FOSS:
		c.report(ruleScopeConformityConfirm, loc, "important class I with module-a (internal control) is allowed only where harmonised standards, common specifications or a European certification scheme are applied in full: confirm with product.harmonised_standards = true, or use module-b-c, module-h or eucc")
	case class == "important-2" && p.Conformity == "module-a" && !p.FOSS:
		c.report(ruleScopeConformityRoute, loc, "important class II products may not use module-a (internal control): use module-b-c, module-h or eucc (module-a is open only to free and open-source products with public technical documentation, Article 32(5))")
	case class == "critical" && p.Conformity == "module-a":
		c.report(ruleScopeConformityRoute, loc, "critical products may not use module-a (internal control): use eucc where a delegated act requires European certification, otherwise module-b-c or module-h")
	case class == "critical" && p.Conformity != "eucc":
		c.report(ruleScopeConformityConfirm, loc, "critical product with %s: confirm that no delegated act under Article 8(1) requires European cybersecurity certification (eucc) for this category", p.Conformity)
	}
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
