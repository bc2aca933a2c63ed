package checks

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

var (
	ruleDocMissing     = rule("documentation-missing")
	ruleDocNotFound    = rule("documentation-not-found")
	ruleDocNAReason    = rule("documentation-na-reason")
	ruleDocUserInfo    = rule("documentation-user-information")
	ruleDocDeclaration = rule("documentation-declaration")
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
		// At the key, else at the [documentation] table, else the file as a
		// whole (never line 1, which is another key or a comment).
		loc := c.key("documentation", item.Key).on(item.Key)
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
		c.report(ruleDocNotFound, loc, "documentation.%s %q does not exist in the repository%s", item.Key, v, c.rootHint(v))
		return
	}
	switch item.Key {
	case "user_information":
		c.checkUserInformation(r.path, loc)
	case "declaration_of_conformity":
		if !c.repo.IsDir(r.path) {
			c.checkDeclaration(r.path, loc)
		}
	}
}

// checkUserInformation reads the user-information document and reports each
// Annex II statement it does not make.
func (c *run) checkUserInformation(p string, loc location) {
	text, err := c.readText(p, maxDocument)
	if err != nil {
		c.report(ruleDocNotFound, loc, "documentation.user_information %q cannot be read: %v", p, describeReadError(err, "a user-information document"))
		return
	}
	m := c.m
	flat := flatText(text)
	missing := func(what, msg string, args ...any) {
		c.report(ruleDocUserInfo, at(p, 1).on(what), "%s does not %s", p, fmt.Sprintf(msg, args...))
	}
	if name := strings.Join(strings.Fields(m.Product.Manufacturer), " "); name != "" && !strings.Contains(flat, strings.ToLower(name)) {
		missing("manufacturer", "name the manufacturer %q (Annex II(1))", name)
	} else if !emailOrWeb.MatchString(flat) {
		missing("manufacturer-contact", "give the manufacturer's postal address and an email address or other digital contact (Annex II(1))")
	}
	if ct := strings.TrimSpace(m.Disclosure.Contact); validContact(ct) && !mentionsContact(flat, ct) {
		missing("contact", "give the vulnerability contact %s (Annex II(2))", ct)
	}
	if !policyNamed(flat, m.Disclosure.Policy) {
		missing("disclosure-policy", "say where the coordinated vulnerability disclosure policy can be found (Annex II(2))")
	}
	if name := strings.Join(strings.Fields(m.Product.Name), " "); name != "" && !strings.Contains(flat, strings.ToLower(name)) {
		missing("product", "name the product %q, with what identifies it uniquely (Annex II(3))", name)
	}
	for _, st := range annexII {
		if !st.says.MatchString(flat) {
			missing(st.item, "%s (%s)", st.what, st.point)
		}
	}
	if !mentionsDeclaration(flat, m.Documentation.Value("declaration_of_conformity")) {
		missing("declaration-of-conformity", "say where the EU declaration of conformity can be found (Annex II(6)): name it and link it")
	}
	if end := m.Support.End; end != nil && !statesMonthYear(text, *end) {
		missing("support-end",
			"state the end of support (%s) with month and year, for example %q (Annex II(7), Article 13(19))",
			date(*end),
			end.Format("January 2006"))
	}
}

// flatText is a document's text for the statement patterns: lower case, on
// one line, without Markdown emphasis and code marks ("**Risks**:" reads as
// "risks:").
func flatText(text string) string {
	text = strings.NewReplacer("**", "", "__", "", "`", "").Replace(text)
	return strings.ToLower(strings.Join(strings.Fields(text), " "))
}

// emailOrWeb finds an email address or a web address.
var emailOrWeb = regexp.MustCompile(`[\w.+-]+@[\w-]+\.[\w.-]+|https?://|www\.`)

// annexII are the statements of Annex II the gate finds by their usual
// words: it looks for a statement, not for its sufficiency.
var annexII = []struct {
	item, what, point string
	says              *regexp.Regexp
}{
	{"intended-purpose", "state the product's intended purpose and essential functionalities", "Annex II(4)",
		regexp.MustCompile(`intended (purpose|use)|is intended|designed (to|for)|purpose of|essential function`)},
	{"risks", "state the foreseeable circumstances of use or misuse that may lead to significant cybersecurity risks", "Annex II(5)",
		regexp.MustCompile(`misuse|foreseeable|known risks?|security risks?|cybersecurity risks?|risks?( of|:)|do not (use|expose|connect)`)},
	{"secure-use", "give instructions for secure commissioning and use", "Annex II(8)(a)",
		regexp.MustCompile(`secure (use|setup|set-up|set up|installation|configuration|commissioning)|commissioning|setting up|` +
			`first use|initial set|change the default password|set a (strong|unique) password|securely`)},
	{"updates", "say how security updates are installed", "Annex II(8)(c)",
		regexp.MustCompile(`(install|apply|download)\w* (the |security |software |firmware )*updates?|updates? (are|is|will be|can be) ` +
			`(installed|applied|downloaded)|update (the|your) (firmware|software|app)|install\w* automatically|automatic\w* (install|updat)`)},
	{"automatic-updates", "say how the automatic installation of security updates can be turned off", "Annex II(8)(e)",
		regexp.MustCompile(`(turn|switch)\w* (\w+ ){0,3}off|disabl\w*|opt[- ]out|deactivat\w*`)},
	{"decommissioning", "say how to decommission the product securely and remove user data", "Annex II(8)(d)",
		regexp.MustCompile(`decommission|factory reset|(remove|delete|erase|wipe)\w* (all |your |the )?(user |personal )?data|dispos\w*`)},
}

// policyNamed reports whether flat says where the disclosure policy is: its
// path or URL, or the words of one.
func policyNamed(flat, policy string) bool {
	policy = strings.ToLower(strings.TrimSpace(policy))
	if policy != "" && strings.Contains(flat, strings.TrimPrefix(policy, "https://")) {
		return true
	}
	return policyWords.MatchString(flat)
}

var policyWords = regexp.MustCompile(`(disclosure|security|vulnerability) policy|security\.md|security\.txt|coordinated (vulnerability )?disclosure`)

// checkDeclaration reads the EU declaration of conformity and reports each
// Annex V statement it does not make, and a procedure other than the product's.
func (c *run) checkDeclaration(p string, loc location) {
	text, err := c.readText(p, maxDocument)
	if err != nil {
		c.report(ruleDocNotFound, loc, "documentation.declaration_of_conformity %q cannot be read: %v", p, describeReadError(err, "a declaration"))
		return
	}
	prod := c.m.Product
	flat := flatText(text)
	missing := func(what, msg string, args ...any) {
		c.report(ruleDocDeclaration, at(p, 1).on(what), "%s does not %s", p, fmt.Sprintf(msg, args...))
	}
	if name := strings.Join(strings.Fields(prod.Name), " "); name != "" && !strings.Contains(flat, strings.ToLower(name)) {
		missing("product", "name the product %q (Annex V(1))", name)
	}
	if name := strings.Join(strings.Fields(prod.Manufacturer), " "); name != "" && !strings.Contains(flat, strings.ToLower(name)) {
		missing("manufacturer", "name the manufacturer %q and its address (Annex V(2))", name)
	}
	for _, st := range annexV {
		if !st.says.MatchString(flat) {
			missing(st.item, "%s (%s)", st.what, st.point)
		}
	}
	route := prod.Route()
	if nb := prod.NotifiedBody; (route == "module-b-c" || route == "module-h") && nb != nil {
		for _, v := range []struct{ what, value string }{{"name", nb.Name}, {"number", nb.Number}, {"certificate", nb.Certificate}} {
			if x := strings.ToLower(strings.TrimSpace(v.value)); x != "" && !strings.Contains(flat, x) {
				missing("notified-body-"+v.what, "give the notified body's %s %q (Annex V(7))", v.what, v.value)
			}
		}
	}
	named := proceduresNamed(flat)
	switch {
	case route != "" && len(named) > 0 && !slices.Contains(named, route):
		c.report(ruleDocDeclaration, at(p, 1).on("procedure"), "%s names the procedure %s, but product.conformity is %q (Article 32)",
			p, strings.Join(named, " and "), prod.Conformity)
	case (route == "module-b-c" || route == "module-h") && len(named) == 0:
		missing("procedure", "describe the conformity assessment procedure performed, %s (Annex V(7))", route)
	}
}

// annexV are the statements of Annex V the gate finds by their usual words.
var annexV = []struct {
	item, what, point string
	says              *regexp.Regexp
}{
	{"sole-responsibility", "state that it is issued under the sole responsibility of the manufacturer", "Annex V(3)",
		regexp.MustCompile(`sole responsibility`)},
	{"object", "identify the object of the declaration", "Annex V(4)",
		regexp.MustCompile(`object of (the|this) declaration`)},
	{"conformity", "state that the object is in conformity with Regulation (EU) 2024/2847", "Annex V(5)",
		regexp.MustCompile(`2024/2847`)},
	{"standards", "give the harmonised standards, common specifications or certification applied, or say there are none", "Annex V(6)",
		regexp.MustCompile(`harmoni[sz]ed standard|common specification|certification|standards? (applied|used)`)},
	{"signature", "give the place and date of issue and the name and function of who signed it", "Annex V(8)",
		regexp.MustCompile(`signed`)},
}

// proceduresNamed lists the conformity routes a declaration's text names.
func proceduresNamed(flat string) []string {
	var out []string
	for _, r := range []struct {
		route string
		re    *regexp.Regexp
	}{
		{"module-a", regexp.MustCompile(`module a\b|internal control`)},
		{"module-b-c", regexp.MustCompile(`module[s]? b\b|eu-type examination|module c\b|conformity to type`)},
		{"module-h", regexp.MustCompile(`module h\b|full quality assurance`)},
		{"eu-certification", regexp.MustCompile(`cybersecurity certification scheme|\beucc\b`)},
	} {
		if r.re.MatchString(flat) {
			out = append(out, r.route)
		}
	}
	return out
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
