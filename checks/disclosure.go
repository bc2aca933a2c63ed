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
	// defaultAcknowledgeMaxDays: warn when the promised first response is
	// slower (the gate's convention; gate.acknowledge_max_days).
	defaultAcknowledgeMaxDays = 14
)

// article14Start is the date Article 14's reporting obligations apply from
// (Article 71(2)).
var article14Start = time.Date(2026, 9, 11, 0, 0, 0, 0, time.UTC)

// memberStates are the 27 Member States whose CSIRTs receive Article 14
// notifications (ISO 3166-1 alpha-2; Greece as GR, not the EU's EL). The EEA
// states take part only once the Regulation is in the EEA agreement: not as
// of 2026-12-06 (eeaStates).
var memberStates = map[string]string{
	"AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "HR": "Croatia", "CY": "Cyprus", "CZ": "Czechia",
	"DK": "Denmark", "EE": "Estonia", "FI": "Finland", "FR": "France", "DE": "Germany", "GR": "Greece",
	"HU": "Hungary", "IE": "Ireland", "IT": "Italy", "LV": "Latvia", "LT": "Lithuania", "LU": "Luxembourg",
	"MT": "Malta", "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SK": "Slovakia",
	"SI": "Slovenia", "ES": "Spain", "SE": "Sweden",
}

// eeaStates are the EEA states outside the Union.
var eeaStates = map[string]string{"IS": "Iceland", "LI": "Liechtenstein", "NO": "Norway"}

var (
	ruleContactInvalid     = rule("disclosure-contact-invalid")
	ruleContactPlaceholder = rule("disclosure-contact-placeholder")
	ruleAcknowledgeInvalid = rule("disclosure-acknowledge-invalid")
	ruleAcknowledgeSlow    = rule("disclosure-acknowledge-slow")
	ruleReportingMissing   = rule("disclosure-reporting-missing")
	ruleReportingCSIRT     = rule("disclosure-reporting-csirt")
	ruleReportingContact   = rule("disclosure-reporting-contact")
	ruleReportingDeadlines = rule("disclosure-reporting-deadlines")
	ruleContactFormOnly    = rule("disclosure-contact-form-only")
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
		c.report(ruleContactPlaceholder, c.key("disclosure", "contact"), "disclosure.contact %q is a placeholder on a domain reserved for examples: reports sent "+
			"there reach no one", d.Contact)
	}
	if n := d.AcknowledgeDays; n != nil {
		switch {
		case *n <= 0:
			c.report(ruleAcknowledgeInvalid,
				c.key("disclosure", "acknowledge_days"),
				"disclosure.acknowledge_days = %d: promise a first response within a positive number of days",
				*n)
		case *n > c.acknowledgeMaxDays():
			c.report(ruleAcknowledgeSlow,
				c.key("disclosure", "acknowledge_days"),
				"disclosure.acknowledge_days = %d: a first response after more than %d days is slow for "+
					"vulnerability reports (the gate's convention, gate.acknowledge_max_days)",
				*n,
				c.acknowledgeMaxDays())
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
	c.report(ruleContactFormOnly, c.key("disclosure", "contact"), "disclosure.contact %s is a web address, and neither the policy "+
		"nor security.txt offers an email address: a form is a proper means (Recital 63); users choose theirs (Article 13(17)), "+
		"so consider an email address beside it", contact)
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
		c.reportAs(ruleReportingMissing, sev, loc, "no [reporting] table: %s %s; name the CSIRT of your main establishment and who files the "+
			"24 h early warning", what, when)
		return
	}
	code := strings.ToUpper(strings.TrimSpace(r.CSIRT))
	switch {
	case code == "" && c.m.HasTODO("reporting", "csirt"):
	case code == "":
		c.report(ruleReportingCSIRT, c.key("reporting", "csirt"), "reporting.csirt is not set: give the two-letter code of the member state of main establishment")
	case code == "EL":
		c.report(ruleReportingCSIRT, c.key("reporting", "csirt"), "reporting.csirt = %q is the EU's abbreviation for Greece; use the ISO 3166-1 code \"GR\"", r.CSIRT)
	case eeaStates[code] != "":
		c.report(ruleReportingCSIRT, c.key("reporting", "csirt"), "reporting.csirt = %q (%s) is an EEA state outside the Union: the "+
			"Regulation is not incorporated into the EEA agreement as of 6 December 2026, so no CSIRT there receives Article 14 "+
			"notifications; name the Member State Article 14(7) gives (authorised representative, importer, distributor, most "+
			"users) and record which in reporting.basis", r.CSIRT, eeaStates[code])
	case memberStates[code] == "":
		c.report(ruleReportingCSIRT,
			c.key("reporting", "csirt"),
			"reporting.csirt = %q is not one of the 27 Member States (ISO 3166-1 alpha-2, for example DE, FR, NL)",
			r.CSIRT)
	}
	switch {
	case strings.TrimSpace(r.Contact) == "" && c.m.HasTODO("reporting", "contact"):
	case strings.TrimSpace(r.Contact) == "":
		c.report(ruleReportingContact, c.key("reporting", "contact"), "reporting.contact is not set: name who files the Article 14 notifications")
	case !validContact(r.Contact):
		c.report(ruleReportingContact, c.key("reporting", "contact"), "reporting.contact %q is not a mailto: address or an https: URL", r.Contact)
	case cvd.PlaceholderContact(r.Contact):
		c.report(ruleContactPlaceholder, c.key("reporting", "contact"), "reporting.contact %q is a placeholder on a domain reserved for examples: nobody would "+
			"file the 24 h early warning", r.Contact)
	}
	c.report(ruleReportingDeadlines, c.key("reporting"), "%s", deadlinesNotice(code, strings.TrimSpace(r.Basis), c.m.Product.Steward()))
}

// basisWords says on which ground of Article 14(7) the Member State is the one.
var basisWords = map[string]string{
	"main-establishment":        "the main establishment in the Union",
	"authorised-representative": "where the authorised representative is established",
	"importer":                  "where the importer is established",
	"distributor":               "where the distributor is established",
	"most-users":                "where most users are",
}

// deadlinesNotice is the Article 14 reminder, naming the CSIRT's member state
// when it is a known one. A steward owes Article 14(1), (3) and (8) (Article
// 24(3)); whether the timelines of 14(2) and 14(4) bind it is not settled
// here, so the reminder gives them as the safe reading.
func deadlinesNotice(code, basis string, steward bool) string {
	csirt := "the CSIRT designated as coordinator"
	if name := memberStates[code]; name != "" {
		csirt += " for " + code + " (" + name + ")"
		if w := basisWords[basis]; w != "" {
			csirt += ", " + w
		}
	}
	lead := "Article 14, from"
	if steward {
		lead = "Article 24(3) applies Article 14(1), (3) and (8) to a steward from 11 December 2027 " +
			"(whether the timelines of 14(2) and 14(4) bind a steward is not confirmed here: plan for " +
			"them); from"
	}
	return lead + " becoming aware of an actively exploited vulnerability or a severe incident: early " +
		"warning within 24 h and notification within 72 h; final report no later than 14 days " +
		"after a corrective or mitigating measure is available (vulnerability, 14(2)(c)) or within " +
		"one month after the incident notification (incident, 14(4)(c)); all through the single " +
		"reporting platform to " + csirt + ", simultaneously accessible to ENISA (14(7)); with no main establishment in the Union, " +
		"the CSIRT is that of the authorised representative, else the importer, else the " +
		"distributor, else where most users are (14(7)); inform impacted users, and where " +
		"appropriate all users, and of the measures they can take (14(8))"
}
