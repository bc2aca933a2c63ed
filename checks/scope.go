package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/category"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/oj"
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
	ruleScopeCategoryMismatch     = rule("scope-category-mismatch")
	ruleScopeCategorySuspected    = rule("scope-category-suspected")
	ruleScopeCategoryMissing      = rule("scope-category-missing")
	ruleScopeKindMissing          = rule("scope-kind-missing")
	ruleScopeNotifiedBody         = rule("scope-notified-body-missing")
	ruleScopeCEMarking            = rule("scope-due-diligence-ce-marking")
	ruleScopeClassMissing         = rule("scope-class-missing")
	ruleScopeConformityRoute      = rule("scope-conformity-route")
	ruleScopeConformityConfirm    = rule("scope-conformity-confirm")
	ruleScopeStandardsUnnamed     = rule("scope-standards-unnamed")
	ruleScopeSchemeMissing        = rule("scope-certification-scheme-missing")
	ruleScopeExcludedConnectivity = rule("scope-excluded-connectivity")
	ruleScopeExcludedUserOperated = rule("scope-excluded-user-operated")
	ruleScopeNonCommercial        = rule("scope-non-commercial")
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
	if strings.TrimSpace(m.Product.Kind) == "" && !m.HasTODO("product", "kind") {
		c.report(ruleScopeKindMissing, c.key("product"), "product.kind is not set: the gate assumes hardware units, each placed on "+
			"the market on its own; set kind = \"software\" if copies of the product are placed at once (guidance points 13-16)")
	}
	c.checkLegacy()
	c.checkConformity()
}

// checkExcluded applies the rules of one [[excluded]] entry: a service a
// function needs cannot be excluded, except a network that carries the
// function, a segregated back-end behind it, and a service the user
// chooses and operates.
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
	case e.Reason == "user-operated":
		what := "names no product function"
		if len(fs) > 0 {
			what = "is used by " + quoteList(fs, 5)
		}
		c.report(ruleScopeExcludedUserOperated, c.key("excluded", i, "reason"), "%s is a service the user chooses and operates and %s: "+
			"not RDPS (the manufacturer neither designs nor commissions it) and not a component the manufacturer integrates; "+
			"recorded. Its risks, and what the product assumes of it, belong in the risk assessment", label, what)
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

// reportNonCommercial records product.commercial = false: the CRA does not
// apply to a product not made available in the course of a commercial
// activity. Without a rationale the decision is an error: it switches most
// of the gate off.
func (c *run) reportNonCommercial() {
	p := c.m.Product
	loc := c.key("product", "commercial")
	if words(p.CommercialRationale) < minRationaleWd {
		c.reportAs(ruleScopeNonCommercial, finding.Error, loc, "product.commercial = false without a commercial_rationale of at "+
			"least %d words: say who makes the product, how it is distributed and that nothing is charged for it or for services "+
			"around it (Recitals 15-19); the decision switches the CRA's checks off", minRationaleWd)
		return
	}
	c.report(ruleScopeNonCommercial, loc, "product.commercial = false: not made available in the course of a commercial activity "+
		"(Article 3(22), Recitals 15-19), so the CRA does not apply and the scope, SBOM, support, vulnerability and "+
		"documentation checks are skipped; the disclosure checks run as good practice, their errors as warnings. Revisit the "+
		"decision when the product is monetised, or support or services are sold around it")
}

// checkLegacy explains, for a product first placed on the market before the
// Regulation applies, what applies to which units. It switches nothing off.
func (c *run) checkLegacy() {
	pm := c.m.Product.PlacedOnMarket
	if pm == nil || !pm.Before(generalApplication) {
		return
	}
	what := "units placed on the market from 11 December 2027 must meet the requirements; earlier units only if " +
		"substantially modified from then (Article 69(2))"
	if c.m.Product.Software() {
		what = "its copies placed later are placed at the same time (guidance points 13-16), so it is subject to the " +
			"requirements only from a substantial modification placed from 11 December 2027 (Article 69(2); [[modification]])"
	}
	c.report(ruleScopeLegacy, c.key("product", "placed_on_market"), "product.placed_on_market = %s, before 11 December 2027: %s; "+
		"Article 14 reporting applies to it from 11 September 2026 (Article 69(3))", date(*pm), what)
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
	if (t.Kind == "saas" || t.Kind == "paas" || t.Kind == "iaas") && contains(t.DueDiligence, "ce-marking") {
		c.report(ruleScopeCEMarking, c.key("third_party", i, "due_diligence").on("ce-marking"), "%s is a %s: CE marking is "+
			"affixed to products with digital elements, which a service is not (Commission FAQ 1.2); rely on the evidence "+
			"guidance point 207 lists (eu-2024-2690, dora, eu-certification, iso27017, iso27001) or contractual guarantees", label, t.Kind)
	}
	evidence := nonEmpty(t.Evidence)
	if len(evidence) == 0 {
		c.report(ruleScopeEvidence, c.key("third_party", i, "evidence"), "%s records no evidence of its due diligence", label)
	}
	for _, ev := range evidence {
		switch r := c.resolve(ev, true); {
		case r.missing():
			c.report(ruleScopeEvidence, c.key("third_party", i, "evidence").on(ev), "evidence %q of %s does not exist in the repository%s", ev, label, c.rootHint(ev))
		case r.refused():
			c.report(ruleScopeEvidence, c.key("third_party", i, "evidence").on(ev), "evidence of %s: %s", label, r.refusal())
		}
	}
}

// checkConformity applies Article 32: which route each class may use, as the
// Official Journal stands (internal/oj).
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
	c.checkCategory(class)
	loc := c.key("product", "conformity")
	route := p.Route()
	asOf := "as of " + oj.AsOf() + " (the gate's dated list)"
	switch {
	case route == "":
		if class != "default" {
			c.reportAs(ruleScopeConformityConfirm, finding.Warning, c.key("product", "class"),
				"product.class = %q but product.conformity is not declared: name the conformity assessment route (%s)", class, routesOf(class))
		}
	case route == "eu-certification" && len(oj.J.CertificationActs) == 0:
		sev := finding.Error
		if class == "default" {
			sev = finding.Warning
		}
		c.reportAs(ruleScopeConformityRoute, sev, loc, "conformity = %q: a European cybersecurity certification scheme gives "+
			"presumption of conformity only once a delegated act under Article 27(9) specifies it (guidance point 153), and "+
			"none is adopted %s: use %s", p.Conformity, asOf, routesOf(class))
	case class == "important-1" && route == "module-a" && !p.FOSS && !anyCRACited(p.HarmonisedStandards.References()):
		c.report(ruleScopeConformityRoute, loc, "important class I with module-a (internal control) needs harmonised standards "+
			"cited in the Official Journal under Regulation (EU) 2024/2847 applied in full (Article 32(2); guidance point 149), "+
			"and none is cited %s%s: use module-b-c or module-h, or set product.foss = true for free and open-source software "+
			"with public technical documentation (Article 32(5))", asOf, notCRA(p.HarmonisedStandards.References()))
	case class == "important-2" && route == "module-a" && !p.FOSS:
		c.report(ruleScopeConformityRoute, loc, "important class II products may not use module-a (internal control, Article 32(3)): use "+
			"module-b-c, module-h or, once a scheme is specified, eu-certification (module-a is open only to free and "+
			"open-source software with public technical documentation, Article 32(5))")
	case class == "critical" && route == "module-a":
		c.report(ruleScopeConformityRoute, loc, "critical products may not use module-a (internal control, Article 32(4); Article 32(5) "+
			"does not reach the Annex IV categories): use module-b-c or module-h, or eu-certification where a delegated act "+
			"under Article 8(1) requires it")
	case class == "critical" && route != "eu-certification" && len(oj.J.CriticalCertificationActs) == 0:
		c.report(ruleScopeConformityConfirm, loc, "critical product with %s: no delegated act under Article 8(1) requires "+
			"certification for a critical category %s, so the Article 32(3) routes apply (Article 32(4)); re-check when one "+
			"is adopted", p.Conformity, asOf)
	}
	if route == "module-b-c" || route == "module-h" {
		c.checkNotifiedBody()
	}
}

// routesOf names the routes a class may use as the Official Journal stands.
func routesOf(class string) string {
	if class == "default" {
		return "module-a, module-b-c or module-h"
	}
	return "module-b-c or module-h"
}

func anyCRACited(refs []string) bool {
	for _, r := range refs {
		if oj.CRACited(r) {
			return true
		}
	}
	return false
}

// notCRA says why the references named are not CRA standards: "; EN
// 18031-1:2024 is a Radio Equipment Directive ... (Commission FAQ 2.6.1)".
func notCRA(refs []string) string {
	var out []string
	for _, r := range refs {
		if n, ok := oj.Known(r); ok {
			out = append(out, fmt.Sprintf("%s is %s (%s)", r, n.What, n.Source))
		} else if !oj.CRACited(r) {
			out = append(out, fmt.Sprintf("%s is not cited under the CRA", r))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "; " + strings.Join(out, "; ")
}

// checkNotifiedBody asks a route with a notified body to name it.
func (c *run) checkNotifiedBody() {
	nb := c.m.Product.NotifiedBody
	sev, when := finding.Error, "required"
	if c.opt.Now.Before(generalApplication) {
		sev, when = finding.Warning, "required from 11 December 2027 (Article 71(2))"
	}
	switch {
	case c.m.HasTODO("product", "notified_body"):
	case nb == nil || strings.TrimSpace(nb.Name) == "" || strings.TrimSpace(nb.Number) == "":
		loc := c.key("product", "notified_body")
		if nb == nil {
			loc = c.key("product", "conformity")
		}
		c.reportAs(ruleScopeNotifiedBody, sev, loc, "conformity = %q is carried out with a notified body, "+
			"and the declaration of conformity names its name, number and certificate (Annex V(7)): set product.notified_body "+
			"(%s)", c.m.Product.Conformity, when)
	case !fourDigits(strings.TrimSpace(nb.Number)):
		c.reportAs(ruleScopeNotifiedBody, sev, c.key("product", "notified_body", "number"), "notified_body.number = %q: a notified "+
			"body's identification number has four digits, such as \"0123\"", nb.Number)
	}
}

func fourDigits(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checkCategory holds product.category against the class, and a default
// product's own words against the categories' vocabulary.
func (c *run) checkCategory(class string) {
	p := c.m.Product
	if c.m.HasTODO("product", "category") {
		return
	}
	id := strings.TrimSpace(p.Category)
	if cat, ok := category.Lookup(id); ok && cat.Class() != class {
		c.report(ruleScopeCategoryMismatch, c.key("product", "category"), "product.category = %q (%s: %s) is a category of class "+
			"%q, but product.class = %q: set the class of the category, or the category the core functionality meets", id, cat.Point,
			oneLine(cat.Title, 120), cat.Class(), class)
		return
	}
	if id == category.None && class != "default" {
		c.report(ruleScopeCategoryMismatch, c.key("product", "category"), "product.category = \"none\" (a default product), but "+
			"product.class = %q: name the Annex III or IV point the core functionality meets", class)
		return
	}
	if id == "" && class != "default" {
		c.report(ruleScopeCategoryMissing, c.key("product", "class"), "product.class = %q: name the category (the point of Annex "+
			"%s) whose technical description the core functionality meets in product.category", class, annexOf(class))
		return
	}
	if class != "default" || strings.TrimSpace(p.CategoryRationale) != "" {
		return
	}
	matches := category.Suggest(p.Name, p.Description, p.Functions)
	if len(matches) == 0 {
		return
	}
	m := matches[0]
	more := ""
	if len(matches) > 1 {
		more = fmt.Sprintf(" (and %d other %s)", len(matches)-1, plural(len(matches)-1, "category", "categories"))
	}
	c.report(ruleScopeCategorySuspected, c.key("product", "class").on(m.Category.ID), "the product is declared default, but its %s "+
		"says %q, the words of %s (%s: %s)%s: if its core functionality meets that technical description, set product.category "+
		"and class %s; if not, say why in product.category_rationale (guidance points 143-146)",
		m.Where, m.Term, m.Category.ID, m.Category.Point, oneLine(m.Category.Title, 120), more, m.Category.Class())
}

// checkStandards asks for the references behind harmonised_standards = true
// and for the scheme of an eu-certification route.
func (c *run) checkStandards() {
	p := c.m.Product
	if p.HarmonisedStandards.Unnamed() {
		c.report(ruleScopeStandardsUnnamed, c.key("product", "harmonised_standards"), "product.harmonised_standards = true names "+
			"no standard: list the references applied, as published in the Official Journal (Annex VII(5))")
	}
	if p.Route() == "eu-certification" && p.Scheme() == "" {
		c.report(ruleScopeSchemeMissing, c.key("product", "conformity"), "conformity = \"eu-certification\" names no scheme: set "+
			"product.certification_scheme to the European cybersecurity certification scheme applied (for example \"EUCC\")")
	}
}

func annexOf(class string) string {
	if class == "critical" {
		return "IV"
	}
	return "III"
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
