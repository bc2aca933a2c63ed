package checks

import (
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/cvd"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

const (
	refPolicy  = "Annex I Part II(5)"
	refContact = "Annex I Part II(6), Annex II(2), Article 13(17)"
	// refApplies is where the Regulation says from when, and to which
	// products, Article 14 applies.
	refApplies = "Article 69(3), Article 71(2)"

	// defaultAcknowledgeMaxDays: warn when the promised first response is
	// slower (the gate's convention; gate.acknowledge_max_days).
	defaultAcknowledgeMaxDays = 14

	// quoteArt14Apply is what Articles 69(3) and 71(2) say of Article 14.
	quoteArt14Apply = "Article 71(2): \"This Regulation shall apply from 11 December 2027. However, Article 14 shall apply from 11 September 2026\"; Article 69(3): its obligations \"shall apply to all products with digital elements that fall within the scope of this Regulation that have been placed on the market before 11 December 2027\"."
)

// article14Start is the date Article 14's reporting obligations apply from
// (Article 71(2)).
var article14Start = time.Date(2026, 9, 11, 0, 0, 0, 0, time.UTC)

// memberStates are the EU and EEA states whose CSIRTs receive Article 14
// notifications (ISO 3166-1 alpha-2; Greece as GR, not the EU's EL).
var memberStates = map[string]string{
	"AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "HR": "Croatia", "CY": "Cyprus", "CZ": "Czechia",
	"DK": "Denmark", "EE": "Estonia", "FI": "Finland", "FR": "France", "DE": "Germany", "GR": "Greece",
	"HU": "Hungary", "IE": "Ireland", "IT": "Italy", "LV": "Latvia", "LT": "Lithuania", "LU": "Luxembourg",
	"MT": "Malta", "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SK": "Slovakia",
	"SI": "Slovenia", "ES": "Spain", "SE": "Sweden", "IS": "Iceland", "LI": "Liechtenstein", "NO": "Norway",
}

var (
	ruleContactInvalid = rule(finding.Rule{
		ID: "disclosure-contact-invalid", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refConvention,
		Summary: "disclosure.contact is a mailto: address or an https: URL.",
		Why:     "The contact itself is the CRA's: Annex I Part II(6) asks for \"a contact address for the reporting of the vulnerabilities\", Annex II(2) for \"the single point of contact where information about vulnerabilities of the product with digital elements can be reported and received\". Writing it as a mailto: or https: URI is the gate's convention, so that it can compare the contact with the policy and security.txt; a contact that is not a usable address or secure link reaches no one.",
		Fix:     "Write the contact as mailto:security@example.com or https://example.com/security/report.",
		Example: "[disclosure]\ncontact = \"mailto:security@acme-locks.eu\"",
	})
	ruleContactPlaceholder = rule(finding.Rule{
		ID: "disclosure-contact-placeholder", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refContact,
		Summary: "disclosure.contact, reporting.contact and security.txt's Contact fields are real addresses, not placeholders (example.com, *.example, *.test, *.invalid, \"yourdomain\").",
		Why:     "A contact on a domain reserved for examples reaches no one: reports of vulnerabilities, and the Article 14 notifications, would be lost. The same definition makes such an address in the policy's text no channel.",
		Fix:     "Write the address the security team reads.",
		Example: "[disclosure]\ncontact = \"mailto:security@acme-locks.eu\"   # not security@acme.example",
	})
	ruleAcknowledgeInvalid = rule(finding.Rule{
		ID: "disclosure-acknowledge-invalid", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refPolicy,
		Summary: "disclosure.acknowledge_days, when declared, is a positive number of days.",
		Why:     "A promised first response of zero or negative days is a typo, and the policy's promise to reporters must be real.",
		Fix:     "Set acknowledge_days to the number of days within which reporters get a first response (for example 5).",
		Example: "acknowledge_days = 5",
	})
	ruleAcknowledgeSlow = rule(finding.Rule{
		ID: "disclosure-acknowledge-slow", Check: finding.CheckDisclosure, Severity: finding.Warning, Reference: refPolicy + "; the 14 days: " + refConvention,
		Summary: "The promised first response to a vulnerability report is at most 14 days (gate.acknowledge_max_days).",
		Why:     "The CRA sets no time for acknowledging a report. Annex I Part II(5) asks manufacturers to \"put in place and enforce a policy on coordinated vulnerability disclosure\", and the response time it promises is the reporters' measure of it. The 14 days are the gate's convention, a common ceiling for a first response (most policies promise 2 to 7); set another with gate.acknowledge_max_days.",
		Fix:     "Promise a first response within 14 days or less (most projects say 2 to 7), and staff for it; or set the ceiling your organisation works to in [gate] acknowledge_max_days.",
		Example: "[disclosure]\nacknowledge_days = 5\n\n[gate]\nacknowledge_max_days = 7   # optional; default 14",
	})
	ruleReportingMissing = rule(finding.Rule{
		ID: "disclosure-reporting-missing", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: "Article 14, " + refApplies + "; Article 24(3) for a steward",
		Summary: "[reporting] names the CSIRT and the contact who files Article 14 notifications (an error from 11 September 2026, a warning before; for a steward from 11 December 2027).",
		Why:     quoteArt14Apply + " From then a manufacturer notifies every actively exploited vulnerability and severe incident it becomes aware of \"simultaneously to the CSIRT designated as coordinator, in accordance with paragraph 7 of this Article, and to ENISA\", \"via the single reporting platform\" (Article 14(1), (3)), for units placed on the market before 11 December 2027 too. An open-source software steward owes Article 14(1), (3) and (8) under Article 24(3), which applies from 11 December 2027 (Article 71(2); Commission FAQ 5.5).",
		Fix:     "Add a [reporting] table with csirt (the member state of main establishment) and contact (who files the 24 h early warning).",
		Example: "[reporting]\ncsirt = \"DE\"\ncontact = \"mailto:psirt-oncall@acme-locks.eu\"",
	})
	ruleReportingCSIRT = rule(finding.Rule{
		ID: "disclosure-reporting-csirt", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: "Article 14(7); " + refApplies,
		Summary: "reporting.csirt is the ISO 3166-1 code of an EU or EEA member state.",
		Why:     "Article 14(7): notifications are submitted through the single reporting platform \"using the electronic notification end-point of the CSIRT designated as coordinator of the Member State where the manufacturers have their main establishment in the Union\", the state where \"the decisions related to the cybersecurity of its products with digital elements are predominantly taken\" (failing that, the establishment with the most employees in the Union). A manufacturer with no main establishment in the Union takes, in this order, the member state of its authorised representative, of its importer, of its distributor, and of most of its users (the order as ENISA's reporting-platform FAQ gives it; the Regulation's own wording of that subparagraph was not available to quote). Article 14 applies from 11 September 2026 (Article 71(2)), to products placed before 11 December 2027 too (Article 69(3)).",
		Fix:     "Set csirt to the two-letter code of that member state, for example DE, FR or NL.",
		Example: "csirt = \"NL\"",
	})
	ruleReportingContact = rule(finding.Rule{
		ID: "disclosure-reporting-contact", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: "Article 14(1)-(4); " + refApplies,
		Summary: "reporting.contact is a mailto: or https: contact of whoever files the notifications.",
		Why:     "Article 14(2)(a): the early warning comes \"without undue delay and in any event within 24 hours of the manufacturer becoming aware\"; there is no slack to find out who files it, so the person or team must be named in advance (naming them in cra.toml is the gate's convention). Article 14 applies from 11 September 2026 (Article 71(2)), to products placed before 11 December 2027 too (Article 69(3)).",
		Fix:     "Set reporting.contact to the on-call address of your PSIRT.",
		Example: "contact = \"mailto:psirt-oncall@acme-locks.eu\"",
	})
	ruleReportingDeadlines = rule(finding.Rule{
		ID: "disclosure-reporting-deadlines", Check: finding.CheckDisclosure, Severity: finding.Notice, Reference: "Article 14(2), 14(4), 14(7), 14(8); " + refApplies,
		Summary: "A reminder of the Article 14 deadlines, channel and user information for whoever files the notifications.",
		Why:     "Article 14(2) (actively exploited vulnerability): early warning within 24 hours and notification within 72 hours of becoming aware, and a final report \"no later than 14 days after a corrective or mitigating measure is available\" (14(2)(c)). Article 14(4) (severe incident): early warning within 24 hours, notification within 72 hours, and a final report \"within one month after the submission of the incident notification\" (14(4)(c)), not from awareness. Article 14(7): through the single reporting platform, to the end-point of the CSIRT designated as coordinator, simultaneously accessible to ENISA; without a main establishment in the Union, the CSIRT of the authorised representative's member state, else the importer's, else the distributor's, else where most users are. Article 14(8): \"the manufacturer shall inform the impacted users of the product with digital elements, and where appropriate all users\", and of the mitigations they can deploy.",
		Fix:     "Make sure the on-call process (reporting.contact) can meet these deadlines, has access to the single reporting platform, and can tell users.",
		Example: "[reporting]\ncsirt = \"DE\"\ncontact = \"mailto:psirt-oncall@acme-locks.eu\"",
	})
	ruleContactFormOnly = rule(finding.Rule{
		ID: "disclosure-contact-form-only", Check: finding.CheckDisclosure, Severity: finding.Warning, Reference: "Article 13(17)",
		Summary: "The vulnerability contact is not only a web form: an email address is offered too (in disclosure.contact, the policy or security.txt).",
		Why:     "Article 13(17): manufacturers \"shall designate a single point of contact to enable users to communicate directly and rapidly with them, including in order to facilitate reporting on vulnerabilities\", and \"the single point of contact shall allow users to choose their preferred means of communication and shall not limit such means to automated tools\". A report form alone (GitHub private vulnerability reporting, a web form) is one means, and an automated one.",
		Fix:     "Offer an email address beside the form: in the policy (\"or email security@...\"), in security.txt, or as disclosure.contact.",
		Example: "# in SECURITY.md, beside the form:\nReport privately through GitHub's \"Report a vulnerability\" button, or email security@acme-locks.eu.",
	})
)

var _ = check(Check{
	ID: finding.CheckDisclosure, Order: 40, Title: "Disclosure policy",
	Summary: "a real coordinated vulnerability disclosure policy with a private channel and a process, " +
		"a valid contact, security.txt per RFC 9116, Article 14 reporting readiness",
	Reference: "Annex I Part II(5)-(6), Annex II(2), Art. 13(17), Art. 14",
	apply:     (*run).checkDisclosure,
})

func (c *run) checkDisclosure() string {
	d := c.m.Disclosure
	switch {
	case d.Contact != "" && !validContact(d.Contact):
		c.report(ruleContactInvalid, c.key("disclosure", "contact"), "disclosure.contact %q is not a mailto: address or an https: URL", d.Contact)
	case d.Contact != "" && cvd.PlaceholderContact(d.Contact):
		c.report(ruleContactPlaceholder, c.key("disclosure", "contact"), "disclosure.contact %q is a placeholder on a domain reserved for examples: reports sent there reach no one", d.Contact)
	}
	if n := d.AcknowledgeDays; n != nil {
		switch {
		case *n <= 0:
			c.report(ruleAcknowledgeInvalid, c.key("disclosure", "acknowledge_days"), "disclosure.acknowledge_days = %d: promise a first response within a positive number of days", *n)
		case *n > c.acknowledgeMaxDays():
			c.report(ruleAcknowledgeSlow, c.key("disclosure", "acknowledge_days"), "disclosure.acknowledge_days = %d: a first response after more than %d days is slow for vulnerability reports (the gate's convention, gate.acknowledge_max_days)", *n, c.acknowledgeMaxDays())
		}
	}
	c.checkPolicy()
	c.checkSecurityTxt()
	c.checkContactForm()
	c.checkReporting()
	return ""
}

func (c *run) acknowledgeMaxDays() int {
	if n := c.m.Gate.AcknowledgeMaxDays; n != nil && *n >= 1 && *n <= manifest.MaxAcknowledgeMaxDays {
		return *n
	}
	return defaultAcknowledgeMaxDays
}

// checkContactForm warns when an https contact (a form) is the only means of
// reporting: neither the policy nor security.txt offers an email address.
func (c *run) checkContactForm() {
	contact := strings.TrimSpace(c.m.Disclosure.Contact)
	if !validContact(contact) || !strings.HasPrefix(strings.ToLower(contact), "https:") || c.facts.emailOffered() {
		return
	}
	c.report(ruleContactFormOnly, c.key("disclosure", "contact"), "disclosure.contact %s is a web address and neither the policy nor security.txt offers an email address: the single point of contact must not limit reporters to automated tools (Article 13(17))", contact)
}

// validContact accepts mailto: with a well-formed address, and https: URLs with a host.
func validContact(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "mailto":
		addr := u.Opaque
		if addr == "" {
			addr = u.Path
		}
		if i := strings.IndexByte(addr, '?'); i >= 0 {
			addr = addr[:i]
		}
		a, err := mail.ParseAddress(addr)
		return err == nil && a.Address == addr && strings.Contains(addr[strings.IndexByte(addr, '@'):], ".")
	case "https":
		return u.Host != ""
	}
	return false
}

func (c *run) checkReporting() {
	r := c.m.Reporting
	now := c.opt.Now
	if r == nil && c.m.HasTODO("reporting") {
		return // manifest-todo
	}
	if r == nil {
		start, what := article14Start, "Article 14 reporting"
		if c.m.Product.Steward() {
			start, what = generalApplication, "a steward's Article 14 reporting (Article 24(3))"
		}
		sev, when := finding.Error, "applies since "+start.Format("2 January 2006")
		if now.Before(start) {
			sev, when = finding.Warning, "applies from "+start.Format("2 January 2006")
		}
		loc := location{file: c.m.File, line: 1}
		c.reportAs(ruleReportingMissing, sev, loc, "no [reporting] table: %s %s; name the CSIRT of your main establishment and who files the 24 h early warning", what, when)
		return
	}
	code := strings.ToUpper(strings.TrimSpace(r.CSIRT))
	switch {
	case code == "" && c.m.HasTODO("reporting", "csirt"):
	case code == "":
		c.report(ruleReportingCSIRT, c.key("reporting", "csirt"), "reporting.csirt is not set: give the two-letter code of the member state of main establishment")
	case code == "EL":
		c.report(ruleReportingCSIRT, c.key("reporting", "csirt"), "reporting.csirt = %q is the EU's abbreviation for Greece; use the ISO 3166-1 code \"GR\"", r.CSIRT)
	case memberStates[code] == "":
		c.report(ruleReportingCSIRT, c.key("reporting", "csirt"), "reporting.csirt = %q is not an EU or EEA member state (ISO 3166-1 alpha-2, for example DE, FR, NL)", r.CSIRT)
	}
	switch {
	case strings.TrimSpace(r.Contact) == "" && c.m.HasTODO("reporting", "contact"):
	case strings.TrimSpace(r.Contact) == "":
		c.report(ruleReportingContact, c.key("reporting", "contact"), "reporting.contact is not set: name who files the Article 14 notifications")
	case !validContact(r.Contact):
		c.report(ruleReportingContact, c.key("reporting", "contact"), "reporting.contact %q is not a mailto: address or an https: URL", r.Contact)
	case cvd.PlaceholderContact(r.Contact):
		c.report(ruleContactPlaceholder, c.key("reporting", "contact"), "reporting.contact %q is a placeholder on a domain reserved for examples: nobody would file the 24 h early warning", r.Contact)
	}
	c.report(ruleReportingDeadlines, c.key("reporting"), "%s", deadlinesNotice(code, c.m.Product.Steward()))
}

// deadlinesNotice is the Article 14 reminder, naming the CSIRT's member state
// when it is a known one. A steward owes Article 14(1), (3) and (8) (Article
// 24(3)); whether the timelines of 14(2) and 14(4) bind it is not settled
// here, so the reminder gives them as the safe reading.
func deadlinesNotice(code string, steward bool) string {
	csirt := "the CSIRT designated as coordinator"
	if name := memberStates[code]; name != "" {
		csirt += " for " + code + " (" + name + ")"
	}
	lead := "Article 14, from"
	if steward {
		lead = "Article 24(3) applies Article 14(1), (3) and (8) to a steward from 11 December 2027 (whether the timelines of 14(2) and 14(4) bind a steward is not confirmed here: plan for them); from"
	}
	return lead + " becoming aware of an actively exploited vulnerability or a severe incident: early warning within 24 h and notification within 72 h; final report no later than 14 days after a corrective or mitigating measure is available (vulnerability, 14(2)(c)) or within one month after the incident notification (incident, 14(4)(c)); all through the single reporting platform to " + csirt + ", simultaneously accessible to ENISA (14(7)); with no main establishment in the Union, the CSIRT is that of the authorised representative, else the importer, else the distributor, else where most users are (14(7)); inform impacted users, and where appropriate all users, and of the measures they can take (14(8))"
}
