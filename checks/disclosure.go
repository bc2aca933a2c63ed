package checks

import (
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/cra-gate/cra-gate/cvd"
	"github.com/cra-gate/cra-gate/finding"
)

const (
	refPolicy    = "Annex I Part II(5)"
	refContact   = "Annex I Part II(6), Annex II(2), Article 13(17)"
	refReporting = "Article 14"
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
		ID: "disclosure-contact-invalid", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refContact,
		Summary: "disclosure.contact is a mailto: address or an https: URL.",
		Why:     "Manufacturers must give a single point of contact where vulnerabilities can be reported; a contact that is not a usable address or secure link reaches no one.",
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
		ID: "disclosure-acknowledge-slow", Check: finding.CheckDisclosure, Severity: finding.Warning, Reference: "Annex I Part II(2), Article 14",
		Summary: "The promised first response to a vulnerability report is at most 14 days.",
		Why:     "Vulnerabilities must be addressed without delay, and an actively exploited one must be notified within 24 hours of becoming aware of it; a first response after two weeks leaves reporters, and users, waiting.",
		Fix:     "Promise a first response within 14 days or less (most projects say 2 to 7), and staff for it.",
		Example: "[disclosure]\nacknowledge_days = 5",
	})
	ruleReportingMissing = rule(finding.Rule{
		ID: "disclosure-reporting-missing", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refReporting,
		Summary: "[reporting] names the CSIRT and the contact who files Article 14 notifications (an error from 11 September 2026, a warning before).",
		Why:     "From 11 September 2026 manufacturers must notify actively exploited vulnerabilities and severe incidents through the single reporting platform to the CSIRT of their main establishment: early warning within 24 hours, notification within 72 hours, final report within 14 days (vulnerabilities) or one month (incidents).",
		Fix:     "Add a [reporting] table with csirt (the member state of main establishment) and contact (who files the 24 h early warning).",
		Example: "[reporting]\ncsirt = \"DE\"\ncontact = \"mailto:psirt-oncall@acme-locks.eu\"",
	})
	ruleReportingCSIRT = rule(finding.Rule{
		ID: "disclosure-reporting-csirt", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: "Article 14(7)",
		Summary: "reporting.csirt is the ISO 3166-1 code of an EU or EEA member state.",
		Why:     "Notifications go to the CSIRT designated as coordinator in the member state of the manufacturer's main establishment (or of its authorised representative).",
		Fix:     "Set csirt to the two-letter code of that member state, for example DE, FR or NL.",
		Example: "csirt = \"NL\"",
	})
	ruleReportingContact = rule(finding.Rule{
		ID: "disclosure-reporting-contact", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: "Article 14(1)-(4)",
		Summary: "reporting.contact is a mailto: or https: contact of whoever files the notifications.",
		Why:     "The 24-hour early warning has no slack: the person or team who files it must be named in advance.",
		Fix:     "Set reporting.contact to the on-call address of your PSIRT.",
		Example: "contact = \"mailto:psirt-oncall@acme-locks.eu\"",
	})
	ruleReportingDeadlines = rule(finding.Rule{
		ID: "disclosure-reporting-deadlines", Check: finding.CheckDisclosure, Severity: finding.Notice, Reference: "Article 14(2), 14(4)",
		Summary: "A reminder of the Article 14 deadlines for whoever files the notifications.",
		Why:     "The deadlines run from the moment the manufacturer becomes aware of an actively exploited vulnerability or a severe incident.",
		Fix:     "Make sure the on-call process (reporting.contact) can meet these deadlines.",
		Example: "[reporting]\ncsirt = \"DE\"\ncontact = \"mailto:psirt-oncall@acme-locks.eu\"",
	})
)

func (c *run) checkDisclosure() {
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
		case *n > 14:
			c.report(ruleAcknowledgeSlow, c.key("disclosure", "acknowledge_days"), "disclosure.acknowledge_days = %d: a first response after more than 14 days is slow for vulnerability reports", *n)
		}
	}
	c.checkPolicy()
	c.checkSecurityTxt()
	c.checkReporting()
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
	if r == nil {
		sev := finding.Error
		when := "applies since 11 September 2026"
		if now.Before(article14Start) {
			sev, when = finding.Warning, "applies from 11 September 2026"
		}
		loc := location{file: c.m.File, line: 1}
		c.reportAs(ruleReportingMissing, sev, loc, "no [reporting] table: Article 14 reporting %s; name the CSIRT of your main establishment and who files the 24 h early warning", when)
		return
	}
	code := strings.ToUpper(strings.TrimSpace(r.CSIRT))
	switch {
	case code == "":
		c.report(ruleReportingCSIRT, c.key("reporting", "csirt"), "reporting.csirt is not set: give the two-letter code of the member state of main establishment")
	case code == "EL":
		c.report(ruleReportingCSIRT, c.key("reporting", "csirt"), "reporting.csirt = %q is the EU's abbreviation for Greece; use the ISO 3166-1 code \"GR\"", r.CSIRT)
	case memberStates[code] == "":
		c.report(ruleReportingCSIRT, c.key("reporting", "csirt"), "reporting.csirt = %q is not an EU or EEA member state (ISO 3166-1 alpha-2, for example DE, FR, NL)", r.CSIRT)
	}
	switch {
	case strings.TrimSpace(r.Contact) == "":
		c.report(ruleReportingContact, c.key("reporting", "contact"), "reporting.contact is not set: name who files the Article 14 notifications")
	case !validContact(r.Contact):
		c.report(ruleReportingContact, c.key("reporting", "contact"), "reporting.contact %q is not a mailto: address or an https: URL", r.Contact)
	case cvd.PlaceholderContact(r.Contact):
		c.report(ruleContactPlaceholder, c.key("reporting", "contact"), "reporting.contact %q is a placeholder on a domain reserved for examples: nobody would file the 24 h early warning", r.Contact)
	}
	c.report(ruleReportingDeadlines, c.key("reporting"), "Article 14 deadlines, from becoming aware of an actively exploited vulnerability or severe incident: early warning within 24 h, notification within 72 h, final report within 14 days after a corrective measure is available (vulnerability) or within 1 month (incident); tell users without undue delay")
}
