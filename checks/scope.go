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
	minRationaleWd = manifest.MinWords // fewer words than this is "a few words": a warning
)

var (
	ruleScopeRationaleMissing     = rule("scope-rationale-missing")
	ruleScopeRationaleShort       = rule("scope-rationale-short")
	ruleScopeUnknownFunction      = rule("scope-unknown-function")
	ruleScopeRDPSThirdParty       = rule("scope-rdps-third-party")
	ruleScopeRDPSNoFunction       = rule("scope-rdps-no-function")
	ruleScopeThirdPartyIsRDPS     = rule("scope-third-party-is-rdps")
	ruleScopeConnectivity         = rule("scope-connectivity")
	ruleScopeDueDiligence         = rule("scope-due-diligence-missing")
	ruleScopeEvidence             = rule("scope-evidence-missing")
	ruleScopeExcludedNeeded       = rule("scope-excluded-needed")
	ruleScopeNoRDPS               = rule("scope-no-rdps")
	ruleScopeClassMissing         = rule("scope-class-missing")
	ruleScopeConformityRoute      = rule("scope-conformity-route")
	ruleScopeConformityConfirm    = rule("scope-conformity-confirm")
	ruleScopeStandardsUnnamed     = rule("scope-standards-unnamed")
	ruleScopeSchemeMissing        = rule("scope-certification-scheme-missing")
	ruleScopeExcludedConnectivity = rule("scope-excluded-connectivity")
	ruleScopeExcludedBackend      = rule("scope-excluded-backend")
	ruleScopeSteward              = rule("scope-steward")
	ruleScopeLegacy               = rule("scope-legacy-product")
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
			c.report(ruleScopeRDPSThirdParty,
				c.key("rdps", i, "developed_by"),
				"%s is developed by a third party: a service the manufacturer did not design or commission "+
					"is not RDPS; declare it under [[third_party]]",
				label)
		}
		if len(nonEmpty(r.Functions)) == 0 {
			c.report(ruleScopeRDPSNoFunction,
				c.key("rdps", i, "functions"),
				"%s names no product function that needs it; an RDPS is by definition needed for at least "+
					"one function",
				label)
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
		c.report(ruleScopeNoRDPS, c.key("product"), "no [[rdps]] declared: the technical documentation must state that the product has no "+
			"remote data processing solution (nor relies on a third-party one it does not declare), so "+
			"that it is a recorded decision")
	}
	if m.Product.Steward() {
		c.report(ruleScopeSteward, c.key("product", "role"), "product.role = \"steward\": an open-source software steward (Article 24) needs its "+
			"cybersecurity policy (disclosure.policy) and, from 11 December 2027, Article 14(1), (3) "+
			"and (8) reporting ([reporting]); the conformity, support-period and documentation rules "+
			"are manufacturers' and are skipped")
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
		c.report(ruleScopeExcludedBackend, c.key("excluded", i, "reason"), "%s is a segregated back-end that %s: outside RDPS as long as it does not interact with "+
			"the product directly, and its risks to the product are still part of the risk assessment", label, what)
	case e.Reason == "connectivity" && len(fs) > 0:
		c.report(ruleScopeExcludedConnectivity,
			c.key("excluded", i, "functions"),
			"%s carries the traffic of %s: a network is a communication channel, not RDPS; recorded",
			label,
			quoteList(fs, 5))
	case len(fs) > 0:
		c.report(ruleScopeExcludedNeeded, c.key("excluded", i, "functions"), "%s is excluded, yet the product needs it for %s: a service whose absence breaks a "+
			"function cannot be excluded; declare it as [[rdps]] or [[third_party]]", label, quoteList(fs, 5))
	}
}

// checkLegacy explains, for a product first placed on the market before the
// Regulation applies, what applies to which units. It switches nothing off.
func (c *run) checkLegacy() {
	pm := c.m.Product.PlacedOnMarket
	if pm == nil || !pm.Before(generalApplication) {
		return
	}
	c.report(ruleScopeLegacy, c.key("product", "placed_on_market"), "product.placed_on_market = %s, before 11 December 2027: units placed on the market before "+
		"that date are subject to the Regulation only if substantially modified from then (Article "+
		"69(2)), and Article 14 reporting applies to them regardless (Article 69(3)); every unit "+
		"placed on the market from 11 December 2027 must comply in full, so the gate checks the "+
		"product as such", date(*pm))
}

func (c *run) checkRationale(e manifest.Entry) {
	r := strings.TrimSpace(e.Rationale)
	switch {
	case r == "":
		c.report(ruleScopeRationaleMissing,
			c.key(e.Section, e.Index, "rationale"),
			"%s has no rationale: explain the scope decision (who developed it, which functions need it)",
			e.Label())
	case words(r) < minRationaleWd:
		c.report(ruleScopeRationaleShort,
			c.key(e.Section, e.Index, "rationale"),
			"the rationale of %s is only %d words (%q): apply the Article 3(2) test in a sentence or two",
			e.Label(),
			words(r),
			r)
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
		c.report(ruleScopeThirdPartyIsRDPS,
			c.key("third_party", i, "developed_by"),
			"%s is developed by or for the manufacturer (%s) and %s need it: that is RDPS by Article "+
				"3(2); move it to [[rdps]]",
			label,
			t.DevelopedBy,
			quoteList(fs, 5))
		return
	}
	if t.Kind == "connectivity" {
		c.report(ruleScopeConnectivity, c.key("third_party", i, "kind"), "%s is a connectivity provider: a network operator is a channel, neither RDPS nor a "+
			"third-party component; record it under [[excluded]] with reason = \"connectivity\"", label)
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
			c.report(ruleScopeConformityConfirm,
				c.key("product", "class"),
				"product.class = %q but product.conformity is not declared: name the conformity assessment "+
					"route (%s)",
				class,
				routes)
		}
	case class == "important-1" && route == "module-a" && !p.HarmonisedStandards.Applied() && !p.FOSS:
		c.report(ruleScopeConformityConfirm, loc, "important class I with module-a (internal control) is allowed only where harmonised "+
			"standards, common specifications or a European cybersecurity certification scheme at "+
			"assurance level at least 'substantial' are applied in full (Article 32(2)): list them in "+
			"product.harmonised_standards, or use module-b-c, module-h or eu-certification")
	case class == "important-2" && route == "module-a" && !p.FOSS:
		c.report(ruleScopeConformityRoute, loc, "important class II products may not use module-a (internal control, Article 32(3)): use "+
			"module-b-c, module-h or eu-certification (module-a is open only to free and open-source "+
			"software with public technical documentation, Article 32(5))")
	case class == "critical" && route == "module-a":
		c.report(ruleScopeConformityRoute, loc, "critical products may not use module-a (internal control, Article 32(4); Article 32(5) "+
			"does not reach the Annex IV categories): use eu-certification where a delegated act under "+
			"Article 8(1) requires it, otherwise module-b-c or module-h")
	case class == "critical" && route != "eu-certification":
		c.report(ruleScopeConformityConfirm, loc, "critical product with %s: confirm that no delegated act under Article 8(1) requires a "+
			"European cybersecurity certification scheme (eu-certification) for this category (Article "+
			"32(4))", p.Conformity)
	}
}

// checkStandards asks for the references behind harmonised_standards = true
// and for the scheme of an eu-certification route.
func (c *run) checkStandards() {
	p := c.m.Product
	if p.HarmonisedStandards.Unnamed() {
		c.report(ruleScopeStandardsUnnamed,
			c.key("product", "harmonised_standards"),
			"product.harmonised_standards = true names no standard: list the references applied in "+
				"full, such as [\"EN 18031-1:2024\"] (Annex VII(5))")
	}
	if p.Route() == "eu-certification" && p.Scheme() == "" {
		c.report(ruleScopeSchemeMissing, c.key("product", "conformity"), "conformity = \"eu-certification\" names no scheme: set product.certification_scheme to "+
			"the European cybersecurity certification scheme applied (for example \"EUCC\")")
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
