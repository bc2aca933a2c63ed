package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

const (
	refScope       = "Article 3(2), Recitals 11-12"
	minRationaleWd = manifest.MinWords // fewer words than this is "a few words": a warning

	// quoteArt32 is the definition every scope rule applies.
	quoteArt32 = "Article 3(2): remote data processing is \"data processing at a distance for which the software is designed and developed by the manufacturer, or under the responsibility of the manufacturer, and the absence of which would prevent the product with digital elements from performing one of its functions\"."
	// guidanceUnconfirmed qualifies every point taken from the Commission's
	// guidance on remote data processing.
	guidanceUnconfirmed = "(The guidance's point is taken from the domain sources' summary of the Commission's draft guidance; it is not confirmed against the final Article 26 guidance of 2026, which was not available to check.)"
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
		ID: "scope-rdps-third-party", Check: finding.CheckScope, Severity: finding.Error, Reference: "Article 3(2); Article 13(5) by analogy",
		Summary: "An [[rdps]] entry is designed and developed by the manufacturer or commissioned by it.",
		Why:     quoteArt32 + " A general third-party service the manufacturer did not design or commission is not RDPS; the Commission's RDPS guidance treats it like a third-party component, subject to the due diligence of Article 13(5) by analogy. " + guidanceUnconfirmed,
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
		ID: "scope-connectivity", Check: finding.CheckScope, Severity: finding.Notice, Reference: "Article 3(2); Commission RDPS guidance (cellular-network example)",
		Summary: "Network connectivity providers are recorded as [[excluded]] with reason connectivity.",
		Why:     quoteArt32 + " A network operator carries the data but does not process it for the product: in the guidance's cellular-network example the network is only a communication channel, not remote data processing, and not a third-party component where no provider software is integrated into the product. " + guidanceUnconfirmed,
		Fix:     "Move the entry to [[excluded]] with reason = \"connectivity\".",
		Example: "[[excluded]]\nname = \"cellular network\"\nreason = \"connectivity\"\nrationale = \"The mobile operator only carries traffic; it processes no product data for us.\"",
	})
	ruleScopeDueDiligence = rule(finding.Rule{
		ID: "scope-due-diligence-missing", Check: finding.CheckScope, Severity: finding.Error, Reference: "Article 13(5), by analogy for services (Commission RDPS guidance)",
		Summary: "A third-party service that product functions rely on has recorded due diligence.",
		Why:     "Article 13(5): \"manufacturers shall exercise due diligence when integrating components sourced from third parties so that those components do not compromise the cybersecurity of the product with digital elements\". A third-party service (SaaS, PaaS, IaaS) is not a component; the Commission's RDPS guidance applies the same due diligence to it by analogy where a product function needs it, and lists the evidence that may be re-used: CE marking, Implementing Regulation (EU) 2024/2690, DORA, European certification schemes, ISO/IEC 27017 and 27001. " + guidanceUnconfirmed,
		Fix:     "List the assurance you rely on in due_diligence (ce-marking, eu-2024-2690, dora, eu-certification, iso27017, iso27001, sla-vulnerability-notice, other).",
		Example: "due_diligence = [\"iso27001\", \"sla-vulnerability-notice\"]",
	})
	ruleScopeEvidence = rule(finding.Rule{
		ID: "scope-evidence-missing", Check: finding.CheckScope, Severity: finding.Error, Reference: "Article 13(5), by analogy for services (Commission RDPS guidance); Article 31(1)",
		Summary: "Due diligence of a third-party service points at evidence that exists: repository files or https URLs.",
		Why:     "A claimed certification is only as good as the record of it. Article 31(1): the technical documentation \"shall contain all relevant data or details of the means used by the manufacturer to ensure that the product with digital elements and the processes put in place by the manufacturer comply with the essential cybersecurity requirements\"; the due diligence applied to a third-party service (Article 13(5) by analogy, per the Commission's RDPS guidance) is such a means. " + guidanceUnconfirmed,
		Fix:     "Add evidence = [\"docs/vendors/<vendor>.md\"] (a file in the repository) or an https link to the certificate or contract clause, and make sure each path exists.",
		Example: "evidence = [\"docs/vendors/sms-saas.md\"]",
	})
	ruleScopeExcludedNeeded = rule(finding.Rule{
		ID: "scope-excluded-needed", Check: finding.CheckScope, Severity: finding.Error, Reference: refScope,
		Summary: "A service excluded from scope (other than a network or a segregated back-end) is not needed by any product function.",
		Why:     quoteArt32 + " If the product cannot perform a function without the service, it is RDPS (when the manufacturer designed or commissioned it) or a third-party component, never out of scope as analytics, internal or information-only; a manual or local alternative does not change that. A network that only carries the traffic (reason connectivity) and a segregated back-end behind the product's RDPS (reason backend) are the exceptions, recorded as notices (scope-excluded-connectivity, scope-excluded-backend).",
		Fix:     "Move the entry to [[rdps]] or [[third_party]], or remove the functions if none really depends on it.",
		Example: "[[excluded]]\nname = \"usage-telemetry\"\nreason = \"analytics\"\nrationale = \"Usage statistics for product planning; every product function works without it.\"\n# no functions: nothing depends on it",
	})
	ruleScopeNoRDPS = rule(finding.Rule{
		ID: "scope-no-rdps", Check: finding.CheckScope, Severity: finding.Notice, Reference: "Annex VII(2)(a); Commission RDPS guidance",
		Summary: "A product with no [[rdps]] records that decision in its technical documentation.",
		Why:     "Annex VII(2)(a): the technical documentation holds \"a description of the system architecture explaining how software components build on or feed into each other and integrate into the overall processing\". The Commission's RDPS guidance adds that it should indicate whether the product has RDPS or relies on third-party remote (cloud) solutions, and describe them: \"no remote data processing\" is then a recorded decision, not an omission. " + guidanceUnconfirmed,
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
		ID: "scope-conformity-route", Check: finding.CheckScope, Severity: finding.Error, Reference: "Article 32(3), 32(4) with Article 8(1), 32(5)",
		Summary: "The conformity assessment route is one the product's class may use.",
		Why:     "Internal control (module A) is not among the routes of important class II products (Article 32(3): EU-type examination with conformity to type, full quality assurance, or a European cybersecurity certification scheme at assurance level at least 'substantial') nor of critical products (Article 32(4): the certification scheme a delegated act under Article 8(1) requires, otherwise the Article 32(3) routes). Article 32(5) opens module A to free and open-source products of the Annex III categories (important classes I and II, not the Annex IV critical products) whose technical documentation is made public when they are placed on the market.",
		Fix:     "Use module-b-c, module-h or eu-certification, or set product.foss = true if the product is free and open-source software of an Annex III category with public technical documentation.",
		Example: "class = \"important-2\"\nconformity = \"module-b-c\"",
	})
	ruleScopeConformityConfirm = rule(finding.Rule{
		ID: "scope-conformity-confirm", Check: finding.CheckScope, Severity: finding.Warning, Reference: "Article 32(2), 32(4) with Article 8(1)",
		Summary: "A conformity route that is allowed only under conditions is confirmed, and a classed product names its route.",
		Why:     "Article 32(2): where, for an important product of class I, the manufacturer \"has not applied or has applied only in part harmonised standards, common specifications or European cybersecurity certification schemes at assurance level at least 'substantial'\", or where they do not exist, it must use EU-type examination (module B+C) or full quality assurance (module H): module A needs them applied in full. Article 32(4): a critical product uses the European cybersecurity certification scheme a delegated act under Article 8(1) requires, otherwise the Article 32(3) routes.",
		Fix:     "For important-1 with module-a: list the references applied in full in product.harmonised_standards (or set product.foss = true for free and open-source software with public technical documentation), or use module-b-c, module-h or eu-certification. For critical: confirm no delegated act under Article 8(1) requires a certification scheme, or use eu-certification. For a classed product: set product.conformity.",
		Example: "[product]\nclass = \"important-1\"\nconformity = \"module-a\"\nharmonised_standards = [\"EN 18031-1:2024\"]   # applied in full",
	})
	ruleScopeStandardsUnnamed = rule(finding.Rule{
		ID: "scope-standards-unnamed", Check: finding.CheckScope, Severity: finding.Warning, Reference: "Annex VII(5)",
		Summary: "product.harmonised_standards names the references applied, not just true.",
		Why:     "Annex VII(5): the technical documentation holds \"a list of the harmonised standards applied in full or in part the references of which have been published in the Official Journal of the European Union, common specifications as set out in Article 27 of this Regulation or European cybersecurity certification schemes\", specifying the parts applied where applied in part. \"true\" claims them without saying which; it still counts for the important class I confirmation (Article 32(2)).",
		Fix:     "Replace true with the list of the references applied in full, as published in the Official Journal.",
		Example: "[product]\nharmonised_standards = [\"EN 18031-1:2024\"]",
	})
	ruleScopeSchemeMissing = rule(finding.Rule{
		ID: "scope-certification-scheme-missing", Check: finding.CheckScope, Severity: finding.Warning, Reference: "Article 32(1)(d), Article 27(9), Annex VII(5)",
		Summary: "conformity = \"eu-certification\" names the scheme in product.certification_scheme.",
		Why:     "Article 32(1)(d) allows conformity to be demonstrated \"where available and applicable\" through a European cybersecurity certification scheme pursuant to Article 27(9), of any scheme adopted under Regulation (EU) 2019/881, not only EUCC; which one is a fact of the technical documentation (Annex VII(5)). conformity = \"eucc\" stays the alias of eu-certification with the scheme EUCC.",
		Fix:     "Set product.certification_scheme to the scheme the certificate was issued under (for example \"EUCC\"), or write conformity = \"eucc\".",
		Example: "[product]\nconformity = \"eu-certification\"\ncertification_scheme = \"EUCC\"",
	})
	ruleScopeExcludedConnectivity = rule(finding.Rule{
		ID: "scope-excluded-connectivity", Check: finding.CheckScope, Severity: finding.Notice, Reference: "Article 3(2); Commission RDPS guidance (cellular-network example)",
		Summary: "An [[excluded]] connectivity provider may name the functions its network carries; that is recorded, not an error.",
		Why:     quoteArt32 + " A network the product's functions travel over is still only a communication channel in the guidance's cellular-network example, not remote data processing whose absence prevents a function in the Article 3(2) sense: naming the functions it carries documents the dependency without making it RDPS. " + guidanceUnconfirmed,
		Fix:     "Nothing to fix; keep the rationale saying that the provider only carries traffic and integrates no software into the product.",
		Example: "[[excluded]]\nname = \"cellular network\"\nreason = \"connectivity\"\nfunctions = [\"remote-unlock\"]\nrationale = \"The mobile operator only carries the traffic; it processes no product data for us and ships no software in the lock.\"",
	})
	ruleScopeExcludedBackend = rule(finding.Rule{
		ID: "scope-excluded-backend", Check: finding.CheckScope, Severity: finding.Notice, Reference: "Article 3(2), Recital 11; Commission RDPS guidance",
		Summary: "An [[excluded]] segregated back-end (reason backend) is outside RDPS, and its risks are still assessed.",
		Why:     quoteArt32 + " Recital 11: the requirements on remote data processing solutions \"do therefore not entail technical, operational or organisational measures aiming to manage the risks posed to the security of a manufacturer's network and information systems as a whole\". The Commission's RDPS guidance keeps only the parts that directly interact with the product in RDPS: in its banking-app example the API layer can be RDPS while segregated account-management or ledger systems are not, though the manufacturer still assesses and mitigates the risks they create for the product (Article 13(2)). " + guidanceUnconfirmed,
		Fix:     "Nothing to fix; make sure the risk assessment covers the back-end's risks to the product, and declare the part that does interact with the product as [[rdps]].",
		Example: "[[excluded]]\nname = \"ledger\"\nreason = \"backend\"\nfunctions = [\"payments\"]\nrationale = \"The ledger sits behind our payments API (declared as RDPS) and never talks to the app; its risks are in the risk assessment.\"",
	})
	ruleScopeSteward = rule(finding.Rule{
		ID: "scope-steward", Check: finding.CheckScope, Severity: finding.Notice, Reference: "Article 24, Article 3(14), Article 71(2)",
		Summary: "product.role = \"steward\": the light-touch regime of an open-source software steward applies, and the manufacturer-only rules are skipped.",
		Why:     "Article 24 gives an open-source software steward (Article 3(14)) its own obligations: a cybersecurity policy fostering secure development and effective vulnerability handling (24(1)), cooperation with market surveillance authorities (24(2)), and the reporting of Article 14(1), (3) and (8) to the extent it is involved in the product's development (24(3), applying from 11 December 2027 under Article 71(2), as the Commission's FAQ 5.5 says). The conformity assessment (Article 32), the support period (Article 13(8)) and the technical documentation (Article 31) are manufacturers' obligations: the gate skips those rules, and the support and documentation checks show as skip.",
		Fix:     "Nothing to fix if the project is stewarded, not monetised, by a legal person (Article 3(14)); if it is placed on the market in the course of a commercial activity, set product.role = \"manufacturer\".",
		Example: "[product]\nname = \"libexample\"\nmanufacturer = \"Example Foundation\"   # the steward\nrole = \"steward\"",
	})
	ruleScopeLegacy = rule(finding.Rule{
		ID: "scope-legacy-product", Check: finding.CheckScope, Severity: finding.Notice, Reference: "Article 69(2)-(3), Article 71(2)",
		Summary: "A product first placed on the market before 11 December 2027: what applies to its earlier units, and what to every unit from then.",
		Why:     "Article 69(2): products \"placed on the market before 11 December 2027 shall be subject to the requirements set out in this Regulation only if, from that date, those products are subject to a substantial modification\"; Article 69(3): \"the obligations laid down in Article 14 shall apply to all products with digital elements that fall within the scope of this Regulation that have been placed on the market before 11 December 2027\". Placing on the market is per unit: the Commission's FAQ 6.4 says \"legacy types or models are not exempted from the application of the CRA if, after the aforementioned date, new units are placed on the market\". The gate therefore switches no rule off for a legacy product.",
		Fix:     "Nothing to fix; plan for every unit placed on the market from 11 December 2027 to comply in full, and report under Article 14 for the units already out.",
		Example: "[product]\nplaced_on_market = 2026-03-01   # first unit; units from 2027-12-11 must comply in full",
	})
)

var _ = check(Check{
	ID: finding.CheckScope, Order: 20, Title: "Scope rationale",
	Summary: "every RDPS / third-party / excluded decision is consistent with the Article 3(2) test and explained; " +
		"conformity route fits the product class; steward and legacy-product notices",
	Reference: "Art. 3(2), Recitals 11-12, Art. 13(5) by analogy, Art. 32, Art. 24, Art. 69",
	apply:     func(c *run) string { c.checkScope(); return "" },
})

func (c *run) checkScope() {
	m := c.m
	declared := append([]string(nil), m.Product.Functions...)
	sort.Strings(declared)
	declared = slices.Compact(declared)
	for _, e := range m.Entries() {
		if m.HasTODO(e.Section, e.Index) {
			continue // judged once its TODOs are replaced (manifest-todo)
		}
		c.checkRationale(e)
		if !m.HasTODO("product", "functions") { // checked against the product's functions once they are all named
			c.checkFunctions(e, declared)
		}
	}
	for i, r := range m.RDPS {
		if m.HasTODO("rdps", i) {
			continue
		}
		label := manifest.Entry{Section: "rdps", Index: i, Name: r.Name}.Label()
		if r.DevelopedBy == "third-party" {
			c.report(ruleScopeRDPSThirdParty, c.key("rdps", i, "developed_by"), "%s is developed by a third party: a service the manufacturer did not design or commission is not RDPS; declare it under [[third_party]]", label)
		}
		if len(nonEmpty(r.Functions)) == 0 {
			c.report(ruleScopeRDPSNoFunction, c.key("rdps", i, "functions"), "%s names no product function that needs it; an RDPS is by definition needed for at least one function", label)
		}
	}
	for i, t := range m.ThirdParty {
		if !m.HasTODO("third_party", i) {
			c.checkThirdParty(i, t)
		}
	}
	for i, e := range m.Excluded {
		if !m.HasTODO("excluded", i) {
			c.checkExcluded(i, e)
		}
	}
	if len(m.RDPS) == 0 {
		c.report(ruleScopeNoRDPS, c.key("product"), "no [[rdps]] declared: the technical documentation must state that the product has no remote data processing solution (nor relies on a third-party one it does not declare), so that it is a recorded decision")
	}
	if m.Product.Steward() {
		c.report(ruleScopeSteward, c.key("product", "role"), "product.role = \"steward\": an open-source software steward (Article 24) needs its cybersecurity policy (disclosure.policy) and, from 11 December 2027, Article 14(1), (3) and (8) reporting ([reporting]); the conformity, support-period and documentation rules are manufacturers' and are skipped")
		return
	}
	c.checkLegacy()
	c.checkConformity()
}

// checkExcluded applies the rules of one [[excluded]] entry: a service a
// function needs cannot be excluded, except a network that carries the
// function and a segregated back-end behind it.
func (c *run) checkExcluded(i int, e manifest.Excluded) {
	label := manifest.Entry{Section: "excluded", Index: i, Name: e.Name}.Label()
	fs := nonEmpty(e.Functions)
	switch {
	case e.Reason == "backend":
		what := "names no product function"
		if len(fs) > 0 {
			what = "serves " + quoteList(fs, 5) + " through the product's RDPS"
		}
		c.report(ruleScopeExcludedBackend, c.key("excluded", i, "reason"), "%s is a segregated back-end that %s: outside RDPS as long as it does not interact with the product directly, and its risks to the product are still part of the risk assessment", label, what)
	case e.Reason == "connectivity" && len(fs) > 0:
		c.report(ruleScopeExcludedConnectivity, c.key("excluded", i, "functions"), "%s carries the traffic of %s: a network is a communication channel, not RDPS; recorded", label, quoteList(fs, 5))
	case len(fs) > 0:
		c.report(ruleScopeExcludedNeeded, c.key("excluded", i, "functions"), "%s is excluded, yet the product needs it for %s: a service whose absence breaks a function cannot be excluded; declare it as [[rdps]] or [[third_party]]", label, quoteList(fs, 5))
	}
}

// checkLegacy explains, for a product first placed on the market before the
// Regulation applies, what applies to which units. It switches nothing off.
func (c *run) checkLegacy() {
	pm := c.m.Product.PlacedOnMarket
	if pm == nil || !pm.Before(generalApplication) {
		return
	}
	c.report(ruleScopeLegacy, c.key("product", "placed_on_market"), "product.placed_on_market = %s, before 11 December 2027: units placed on the market before that date are subject to the Regulation only if substantially modified from then (Article 69(2)), and Article 14 reporting applies to them regardless (Article 69(3)); every unit placed on the market from 11 December 2027 must comply in full, so the gate checks the product as such", date(*pm))
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
	c.checkStandards()
	if c.m.HasTODO("product", "class") || c.m.HasTODO("product", "conformity") {
		return // the route is judged against the class once both are decided
	}
	class := p.Class
	if class == "" {
		c.report(ruleScopeClassMissing, c.key("product"), "product.class is not declared; assuming a default-class product (not listed in Annex III or IV)")
		class = "default"
	}
	if !contains(manifest.Classes, class) || (p.Conformity != "" && !contains(manifest.Conformities, p.Conformity)) {
		return // reported by manifest-invalid-value
	}
	loc := c.key("product", "conformity")
	route := p.Route()
	switch {
	case route == "":
		if class != "default" {
			routes := "module-b-c, module-h or eu-certification"
			if class == "important-1" {
				routes += ", or module-a where allowed"
			}
			c.report(ruleScopeConformityConfirm, c.key("product", "class"), "product.class = %q but product.conformity is not declared: name the conformity assessment route (%s)", class, routes)
		}
	case class == "important-1" && route == "module-a" && !p.HarmonisedStandards.Applied() && !p.FOSS:
		c.report(ruleScopeConformityConfirm, loc, "important class I with module-a (internal control) is allowed only where harmonised standards, common specifications or a European cybersecurity certification scheme at assurance level at least 'substantial' are applied in full (Article 32(2)): list them in product.harmonised_standards, or use module-b-c, module-h or eu-certification")
	case class == "important-2" && route == "module-a" && !p.FOSS:
		c.report(ruleScopeConformityRoute, loc, "important class II products may not use module-a (internal control, Article 32(3)): use module-b-c, module-h or eu-certification (module-a is open only to free and open-source software with public technical documentation, Article 32(5))")
	case class == "critical" && route == "module-a":
		c.report(ruleScopeConformityRoute, loc, "critical products may not use module-a (internal control, Article 32(4); Article 32(5) does not reach the Annex IV categories): use eu-certification where a delegated act under Article 8(1) requires it, otherwise module-b-c or module-h")
	case class == "critical" && route != "eu-certification":
		c.report(ruleScopeConformityConfirm, loc, "critical product with %s: confirm that no delegated act under Article 8(1) requires a European cybersecurity certification scheme (eu-certification) for this category (Article 32(4))", p.Conformity)
	}
}

// checkStandards asks for the references behind harmonised_standards = true
// and for the scheme of an eu-certification route.
func (c *run) checkStandards() {
	p := c.m.Product
	if p.HarmonisedStandards.Unnamed() {
		c.report(ruleScopeStandardsUnnamed, c.key("product", "harmonised_standards"), "product.harmonised_standards = true names no standard: list the references applied in full, such as [\"EN 18031-1:2024\"] (Annex VII(5))")
	}
	if p.Route() == "eu-certification" && p.Scheme() == "" {
		c.report(ruleScopeSchemeMissing, c.key("product", "conformity"), "conformity = \"eu-certification\" names no scheme: set product.certification_scheme to the European cybersecurity certification scheme applied (for example \"EUCC\")")
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
