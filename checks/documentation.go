package checks

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

var (
	ruleDocMissing  = rule("documentation-missing")
	ruleDocNotFound = rule("documentation-not-found")
	ruleDocNAReason = rule("documentation-na-reason")
	ruleDocUserInfo = rule("documentation-user-information")
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
			c.reportAs(ruleDocMissing, sev, loc, "documentation.%s (%s, %s) is not declared: give a repository path, an https URL or \"n/a: "+
				"reason\"; the technical documentation is required %s 11 December 2027 (Article 71(2))", item.Key, item.What, item.Reference, when)
		case isNA(v) && naReason(v) == "":
			c.reportAs(ruleDocMissing, sev, loc, "documentation.%s says %q without a reason: write \"n/a: \" and why it (%s, %s) does not "+
				"apply to this product", item.Key, v, item.What, item.Reference)
		case isNA(v):
			if r := naReason(v); words(r) < minRationaleWd {
				c.report(ruleDocNAReason, loc, "documentation.%s gives n/a a reason of only %d %s (%q): say in a sentence why it (%s) "+
					"does not apply to this product", item.Key, words(r), plural(words(r), "word", "words"), r, item.What)
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
		missing("support-end",
			"state the end of support (%s) with month and year, for example %q (Annex II(7), Article 13(19))",
			date(*end),
			end.Format("January 2006"))
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
