package checks

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

const (
	refDocumentation = "Article 31, Annex VII, Annex II; Article 71(2)"
	refUserInfo      = "Annex II(1), (2), (6), (7); Article 13(19)"

	// quoteAnnexVII is Annex VII's opening, which allows "n/a" items.
	quoteAnnexVII = "Annex VII: \"The technical documentation referred to in Article 31 shall contain at least the following information, as applicable to the relevant product with digital elements\"."
)

var (
	ruleDocMissing = rule(finding.Rule{
		ID: "documentation-missing", Check: finding.CheckDocumentation, Severity: finding.Error, Reference: refDocumentation,
		Summary: "[documentation] says where each part of the technical documentation (Annex VII) and the user information (Annex II) is: a path, an https URL, or \"n/a: reason\" (a warning before 11 December 2027, an error from then).",
		Why:     "Article 31(2): \"The technical documentation shall be drawn up before the product with digital elements is placed on the market\". " + quoteAnnexVII + " Article 13(18) asks for the Annex II information and instructions with the product. Both apply from 11 December 2027 (Article 71(2): \"This Regulation shall apply from 11 December 2027\"); before then a missing item is a warning, from then an error.",
		Fix:     "Add the item under [documentation]: the repository path of the document (or folder), an https URL, or \"n/a: \" and why it does not apply to this product.",
		Example: "[documentation]\ndescription = \"docs/tech/description.md\"\ndesign = \"docs/tech/architecture.md\"\nvulnerability_handling = \"docs/tech/vuln-handling.md\"\nrisk_assessment = \"docs/tech/risk-assessment.md\"\nsupport_period_basis = \"docs/tech/support-period.md\"\nstandards = \"docs/tech/standards.md\"\ntest_reports = \"docs/tech/tests/\"\ndeclaration_of_conformity = \"docs/eu-doc.md\"\nuser_information = \"docs/user/security.md\"",
	})
	ruleDocNotFound = rule(finding.Rule{
		ID: "documentation-not-found", Check: finding.CheckDocumentation, Severity: finding.Error, Reference: "Article 31(1)-(2), Annex VII",
		Summary: "Every repository path under [documentation] exists (a file or folder) and can be read.",
		Why:     "Article 31(1): the technical documentation \"shall contain all relevant data or details of the means used by the manufacturer to ensure that the product with digital elements and the processes put in place by the manufacturer comply with the essential cybersecurity requirements\"; a declared part that points nowhere documents nothing.",
		Fix:     "Create the document at that path, or correct the path (relative to the repository root); link an https URL for a document kept elsewhere.",
		Example: "[documentation]\nrisk_assessment = \"docs/tech/risk-assessment.md\"   # the file exists",
	})
	ruleDocNAReason = rule(finding.Rule{
		ID: "documentation-na-reason", Check: finding.CheckDocumentation, Severity: finding.Warning, Reference: "Annex VII",
		Summary: "An item declared \"n/a: reason\" gives a reason of more than a few words.",
		Why:     quoteAnnexVII + " An item may not apply to a product, but \"n/a\" records a conclusion, not the reasoning a market surveillance authority would review.",
		Fix:     "Say in a sentence why the item does not apply to this product.",
		Example: "[documentation]\nstandards = \"n/a: no harmonised standard for this category is published in the Official Journal yet; the solutions adopted are in design\"",
	})
	ruleDocUserInfo = rule(finding.Rule{
		ID: "documentation-user-information", Check: finding.CheckDocumentation, Severity: finding.Warning, Reference: refUserInfo,
		Summary: "The user-information document names the manufacturer, the vulnerability contact, the end of support with month and year, and where the EU declaration of conformity is.",
		Why:     "Annex II: the product is accompanied at minimum by \"the name, registered trade name or registered trademark of the manufacturer\" (1), \"the single point of contact where information about vulnerabilities of the product with digital elements can be reported and received\" (2), \"where applicable, the internet address at which the EU declaration of conformity can be accessed\" (6) and \"the end-date of the support period\" (7), which Article 13(19) asks to be given with \"at least the month and year\".",
		Fix:     "Add what the message names to the user-information document: the manufacturer as in product.manufacturer, disclosure.contact, the support end (\"Security updates until March 2031\"), and a link to the declaration of conformity.",
		Example: "# in docs/user/security.md:\nAcme GmbH supports the Acme Smart Lock with security updates until March 2031.\nReport vulnerabilities to security@acme-locks.eu.\nEU declaration of conformity: https://acme-locks.eu/doc/smart-lock",
	})
)

// checkDocumentation applies the documentation rules. A missing item is an
// error from the date the Regulation applies (11 December 2027), a warning
// before.
var _ = check(Check{
	ID: finding.CheckDocumentation, Order: 70, Title: "Technical documentation",
	Summary: "every part of the technical documentation and the user information is a path that exists, " +
		"an https URL or \"n/a: reason\"; the user information names manufacturer, contact, support end " +
		"and declaration of conformity",
	Reference: "Art. 31, Annex VII, Annex II, Art. 71(2)",
	skip:      stewardSkip,
	apply:     func(c *run) string { c.checkDocumentation(); return "" },
})

func (c *run) checkDocumentation() {
	d := c.m.Documentation
	sev, when := finding.Error, "since"
	if c.opt.Now.Before(generalApplication) {
		sev, when = finding.Warning, "from"
	}
	for _, item := range manifest.DocumentationItems {
		v := strings.TrimSpace(d.Value(item.Key))
		loc := c.key("documentation", item.Key).on(item.Key)
		if loc.line == 0 {
			loc.line = 1
		}
		switch {
		case v == "" && c.m.HasTODO("documentation", item.Key):
		case v == "":
			c.reportAs(ruleDocMissing, sev, loc, "documentation.%s (%s, %s) is not declared: give a repository path, an https URL or \"n/a: reason\"; the technical documentation is required %s 11 December 2027 (Article 71(2))", item.Key, item.What, item.Reference, when)
		case isNA(v) && naReason(v) == "":
			c.reportAs(ruleDocMissing, sev, loc, "documentation.%s says %q without a reason: write \"n/a: \" and why it (%s, %s) does not apply to this product", item.Key, v, item.What, item.Reference)
		case isNA(v):
			if r := naReason(v); words(r) < minRationaleWd {
				c.report(ruleDocNAReason, loc, "documentation.%s gives n/a a reason of only %d %s (%q): say in a sentence why it (%s) does not apply to this product", item.Key, words(r), plural(words(r), "word", "words"), r, item.What)
			}
		default:
			c.checkDocItem(item, v, loc)
		}
	}
}

// checkDocItem checks a path or URL item, and reads the user information.
func (c *run) checkDocItem(item manifest.DocItem, v string, loc location) {
	r := c.resolve(v, true)
	switch {
	case r.url:
		return // accepted as given
	case r.refused():
		c.report(ruleDocNotFound, loc, "documentation.%s %s", item.Key, r.refusal())
		return
	case r.missing():
		c.report(ruleDocNotFound, loc, "documentation.%s %q does not exist in the repository", item.Key, v)
		return
	}
	if item.Key == "user_information" {
		c.checkUserInformation(r.path, loc)
	}
}

// checkUserInformation reads the user-information document and reports each
// Annex II item it does not name.
func (c *run) checkUserInformation(p string, loc location) {
	text, err := c.readText(p, maxDocument)
	if err != nil {
		c.report(ruleDocNotFound, loc, "documentation.user_information %q cannot be read: %v", p, describeReadError(err, "a user-information document"))
		return
	}
	m := c.m
	flat := strings.ToLower(strings.Join(strings.Fields(text), " "))
	missing := func(what, msg string, args ...any) {
		c.report(ruleDocUserInfo, at(p, 1).on(what), "%s does not %s", p, fmt.Sprintf(msg, args...))
	}
	if name := strings.Join(strings.Fields(m.Product.Manufacturer), " "); name != "" && !strings.Contains(flat, strings.ToLower(name)) {
		missing("manufacturer", "name the manufacturer %q (Annex II(1))", name)
	}
	if ct := strings.TrimSpace(m.Disclosure.Contact); validContact(ct) && !mentionsContact(flat, ct) {
		missing("contact", "give the vulnerability contact %s (Annex II(2))", ct)
	}
	if end := m.Support.End; end != nil && !statesMonthYear(text, *end) {
		missing("support-end", "state the end of support (%s) with month and year, for example %q (Annex II(7), Article 13(19))", date(*end), end.Format("January 2006"))
	}
	if !mentionsDeclaration(flat, m.Documentation.Value("declaration_of_conformity")) {
		missing("declaration-of-conformity", "say where the EU declaration of conformity can be found (Annex II(6)): name it and link it")
	}
}

// mentionsContact reports whether flat (lower-cased, white space collapsed)
// names contact: a mailto: address, or an https URL with or without its
// scheme and trailing slash.
func mentionsContact(flat, contact string) bool {
	u, err := url.Parse(contact)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Scheme, "mailto") {
		addr := u.Opaque
		if addr == "" {
			addr = u.Path
		}
		addr, _, _ = strings.Cut(addr, "?")
		return addr != "" && strings.Contains(flat, strings.ToLower(addr))
	}
	bare := strings.TrimRight(strings.ToLower(u.Host+u.Path), "/")
	return bare != "" && strings.Contains(flat, bare)
}

// mentionsDeclaration reports whether flat names the EU declaration of
// conformity, or the declared declaration_of_conformity path or URL.
func mentionsDeclaration(flat, declared string) bool {
	if strings.Contains(flat, "declaration of conformity") {
		return true
	}
	declared = strings.ToLower(strings.TrimSpace(declared))
	return declared != "" && !isNA(declared) && strings.Contains(flat, strings.TrimPrefix(declared, "https://"))
}

// isNA reports whether a [documentation] value is "n/a", with or without a
// reason after a colon. Such a value is not a path: the manifest check does
// not resolve it.
func isNA(v string) bool {
	l := strings.ToLower(strings.TrimSpace(v))
	return l == "n/a" || strings.HasPrefix(l, "n/a:") || strings.HasPrefix(l, "n/a ")
}

// naReason is the reason of an "n/a: reason" value, trimmed.
func naReason(v string) string {
	r := strings.TrimSpace(v)[len("n/a"):]
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r), ":"))
}
