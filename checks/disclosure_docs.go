package checks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/cvd"
	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/securitytxt"
)

const refSecurityTxt = "Annex I Part II(6); RFC 9116"

var (
	rulePolicyNotFound = rule(finding.Rule{
		ID: "disclosure-policy-not-found", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refPolicy,
		Summary: "The disclosure policy named by disclosure.policy exists (a repository file, or an https URL accepted as given).",
		Why:     "Manufacturers must put in place and enforce a policy on coordinated vulnerability disclosure; a policy that points nowhere is no policy.",
		Fix:     "Add the policy file (SECURITY.md is where GitHub and most tools look), or correct the path.",
		Example: "[disclosure]\npolicy = \"SECURITY.md\"",
	})
	rulePolicyNoChannel = rule(finding.Rule{
		ID: "disclosure-policy-no-channel", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refPolicy + ", " + refContact,
		Summary: "The policy says how to report a vulnerability privately: an email address, a report form URL, or GitHub private vulnerability reporting.",
		Why:     "Reporters need a private channel; GitHub's template text, placeholder addresses or \"open an issue\" would make vulnerabilities public before a fix exists.",
		Fix:     "Name a private channel in the policy: a security@ address, a report form, or GitHub private vulnerability reporting (link https://github.com/OWNER/REPO/security/advisories/new).",
		Example: "# in SECURITY.md:\n## Reporting a vulnerability\n\nReport vulnerabilities privately to security@acme-locks.eu.\nWe acknowledge reports within 5 days.",
	})
	rulePolicyNoProcess = rule(finding.Rule{
		ID: "disclosure-policy-no-process", Check: finding.CheckDisclosure, Severity: finding.Warning, Reference: refPolicy,
		Summary: "The policy says what happens after a report: a response time, or the process (triage, fix, coordinated disclosure, advisory).",
		Why:     "A coordinated vulnerability disclosure policy tells reporters what to expect; without it they cannot tell when to escalate or disclose.",
		Fix:     "Add a sentence such as \"We acknowledge reports within 5 days, agree a disclosure date with you, and publish an advisory with the fix.\"",
		Example: "# in SECURITY.md:\nWe acknowledge reports within 5 days, agree a disclosure date with you,\nand publish an advisory with the fixed version.",
	})
	rulePolicyExternal = rule(finding.Rule{
		ID: "disclosure-policy-external", Check: finding.CheckDisclosure, Severity: finding.Notice, Reference: refPolicy,
		Summary: "A policy that lives outside the repository (an https URL) is accepted as given, not checked.",
		Why:     "The gate reads only the repository; it cannot judge a page on the web.",
		Fix:     "Nothing to fix; keep the external page current, or keep the policy in the repository so the gate can check it.",
		Example: "[disclosure]\npolicy = \"SECURITY.md\"   # kept in the repository so the gate can check it",
	})
	ruleContactMismatch = rule(finding.Rule{
		ID: "disclosure-contact-mismatch", Check: finding.CheckDisclosure, Severity: finding.Warning, Reference: refContact,
		Summary: "The policy (and security.txt, when declared) name the contact declared in disclosure.contact.",
		Why:     "Reporters follow the policy; if it names another address than the one the manufacturer monitors, reports get lost.",
		Fix:     "Write the same contact in the policy, security.txt and cra.toml.",
		Example: "[disclosure]\ncontact = \"mailto:security@acme-locks.eu\"   # and SECURITY.md says: report to security@acme-locks.eu",
	})
	ruleSecurityTxtNotFound = rule(finding.Rule{
		ID: "disclosure-securitytxt-not-found", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refSecurityTxt,
		Summary: "The security.txt named by disclosure.security_txt exists.",
		Why:     "security.txt (RFC 9116) is where researchers and tools look for a security contact; a declared but absent file misleads them.",
		Fix:     "Add the file (usually .well-known/security.txt) or remove the key.",
		Example: "[disclosure]\nsecurity_txt = \".well-known/security.txt\"",
	})
	ruleSecurityTxtInvalid = rule(finding.Rule{
		ID: "disclosure-securitytxt-invalid", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refSecurityTxt,
		Summary: "security.txt follows RFC 9116: Contact at least once (mailto:, tel: or https:), Expires exactly once in RFC 3339, every line a field or comment, a complete signature when signed.",
		Why:     "Tools parse security.txt strictly; a malformed file is a contact nobody finds. A template source (placeholders, Liquid) is not the file that gets served.",
		Fix:     "Fix the line shown; write Expires like 2027-06-30T00:00:00Z. Generate from templates at build time and point security_txt at the generated file.",
		Example: "# in .well-known/security.txt:\nContact: mailto:security@acme-locks.eu\nExpires: 2027-06-30T00:00:00Z\nPolicy: https://acme-locks.eu/security-policy",
	})
	ruleSecurityTxtExpired = rule(finding.Rule{
		ID: "disclosure-securitytxt-expired", Check: finding.CheckDisclosure, Severity: finding.Error, Reference: refSecurityTxt,
		Summary: "security.txt has not expired.",
		Why:     "An expired security.txt must be treated as stale: its contact may no longer be monitored (RFC 9116 §2.5.5).",
		Fix:     "Confirm the contacts and move Expires forward (less than a year ahead).",
		Example: "# in .well-known/security.txt:\nExpires: 2027-10-31T23:00:00Z",
	})
	ruleSecurityTxtExpiresFar = rule(finding.Rule{
		ID: "disclosure-securitytxt-expires-far", Check: finding.CheckDisclosure, Severity: finding.Warning, Reference: refSecurityTxt,
		Summary: "security.txt expires less than a year ahead.",
		Why:     "RFC 9116 recommends an Expires less than a year in the future so that the file is reviewed regularly.",
		Fix:     "Set Expires within the next 12 months and renew it as part of the release routine.",
		Example: "# in .well-known/security.txt (less than a year ahead):\nExpires: 2027-10-31T23:00:00Z",
	})
)

// readText reads a document of at most limit bytes and keeps it for quoting.
// It reports nothing: callers decide which rule a failure breaks.
func (c *run) readText(p string, limit int64) (string, error) {
	data, err := c.repo.ReadFile(p, limit)
	if err != nil {
		return "", err
	}
	c.remember(p, data)
	return string(data), nil
}

func (c *run) checkPolicy() {
	d, pf := c.m.Disclosure, c.facts.policy
	r := pf.ref
	switch {
	case strings.TrimSpace(d.Policy) == "":
		return // manifest-required
	case r.refused():
		c.report(rulePolicyNotFound, c.key("disclosure", "policy"), "disclosure.policy %s", r.refusal())
		return
	case r.url:
		c.report(rulePolicyExternal, c.key("disclosure", "policy"), "disclosure.policy is an external page (%s): accepted as given; the gate cannot check what it says", d.Policy)
		return
	case r.missing():
		c.report(rulePolicyNotFound, c.key("disclosure", "policy"), "disclosure.policy %q does not exist in the repository", d.Policy)
		return
	case pf.err != nil:
		c.report(rulePolicyNotFound, c.key("disclosure", "policy"), "disclosure.policy %q cannot be read: %v", d.Policy, describeReadError(pf.err, "a policy"))
		return
	}
	p := c.facts.policyText
	if !p.HasChannel() {
		loc, why := at(r.path, 1), "it names no email address, report form or GitHub private vulnerability reporting"
		switch {
		case p.Template:
			loc, why = at(r.path, p.TemplateLine), "it still holds GitHub's template text (\"Use this section to tell people how to report a vulnerability\") and names no contact"
		case p.PublicOnly && p.PublicIssue != nil:
			loc, why = at(r.path, p.PublicIssue.Line), "it asks reporters to open a public issue, which discloses the vulnerability before a fix exists"
		case len(p.Placeholders) > 0:
			why += " (only placeholders such as " + quoteList(p.Placeholders, 2) + ")"
		}
		c.report(rulePolicyNoChannel, loc, "%s gives reporters no private channel: %s", r.path, why)
	} else if p.ExternalPolicy != "" {
		c.report(rulePolicyExternal, at(r.path, p.Channels[0].Line), "%s defers to an external policy (%s): accepted as given; the gate cannot check what it says", r.path, p.ExternalPolicy)
	}
	if p.Process == nil && p.ExternalPolicy == "" {
		c.report(rulePolicyNoProcess, at(r.path, 1), "%s does not say what happens after a report: state a response time (\"we acknowledge reports within 5 days\") or the process (triage, fix, coordinated disclosure)", r.path)
	}
	if p.HasChannel() && p.ExternalPolicy == "" && validContact(d.Contact) && !p.MentionsContact(d.Contact) {
		c.report(ruleContactMismatch, at(r.path, p.Channels[0].Line), "%s does not name the declared contact %s (it names %s)", r.path, d.Contact, channelList(p))
	}
}

func channelList(p cvd.Policy) string {
	var vals []string
	for _, ch := range p.Channels {
		vals = append(vals, ch.Value)
	}
	return quoteList(vals, 3)
}

// describeReadError words a failed read of a document (what, "a policy").
func describeReadError(err error, what string) error {
	var tl *repo.TooLargeError
	if errors.As(err, &tl) {
		return fmt.Errorf("it is %s, over the %s the gate reads of %s, which is a short document", byteSize(tl.Size), byteSize(tl.Limit), what)
	}
	return err
}

func (c *run) checkSecurityTxt() {
	d, st := c.m.Disclosure, c.facts.securityTxt
	r := st.ref
	switch {
	case strings.TrimSpace(d.SecurityTxt) == "", r.url:
		return
	case r.refused():
		c.report(ruleSecurityTxtNotFound, c.key("disclosure", "security_txt"), "disclosure.security_txt %s", r.refusal())
		return
	case r.missing():
		c.report(ruleSecurityTxtNotFound, c.key("disclosure", "security_txt"), "disclosure.security_txt %q does not exist in the repository", d.SecurityTxt)
		return
	case st.err != nil:
		c.report(ruleSecurityTxtNotFound, c.key("disclosure", "security_txt"), "disclosure.security_txt %q cannot be read: %v", d.SecurityTxt, describeReadError(st.err, "a security.txt"))
		return
	}
	f := c.facts.securityTxtFile
	for _, p := range c.facts.securityTxtProblems {
		sev := finding.Error
		if p.Severity == securitytxt.Warning {
			sev = finding.Warning
		}
		c.reportAs(ruleSecurityTxtInvalid, sev, at(r.path, p.Line).on(p.Code), "%s: %s", r.path, p.Msg)
	}
	for _, ct := range contactsOf(f) {
		if cvd.PlaceholderContact(ct.Value) {
			c.report(ruleContactPlaceholder, at(r.path, ct.Line).on(ct.Value), "%s: Contact %q is a placeholder on a domain reserved for examples", r.path, ct.Value)
		}
	}
	if exp, ok := f.ExpiresAt(); ok {
		now := c.opt.Now
		switch {
		case !exp.After(now):
			c.report(ruleSecurityTxtExpired, at(r.path, f.ExpiresLine), "%s expired on %s (today is %s): its contacts must be treated as stale", r.path, date(exp), date(now))
		case exp.After(now.AddDate(1, 0, 0)):
			c.report(ruleSecurityTxtExpiresFar, at(r.path, f.ExpiresLine), "%s expires on %s, more than a year after today (%s): RFC 9116 recommends less than a year", r.path, date(exp), date(now))
		}
	}
	if validContact(d.Contact) && f != nil && len(f.Contacts) > 0 && !securityTxtNames(f, d.Contact) {
		c.report(ruleContactMismatch, at(r.path, f.Contacts[0].Line), "%s does not list the declared contact %s among its Contact fields", r.path, d.Contact)
	}
}

func contactsOf(f *securitytxt.File) []securitytxt.Field {
	if f == nil {
		return nil
	}
	return f.Contacts
}

func securityTxtNames(f *securitytxt.File, contact string) bool {
	want := strings.TrimRight(strings.ToLower(strings.TrimSpace(contact)), "/")
	for _, ct := range f.Contacts {
		if strings.TrimRight(strings.ToLower(ct.Value), "/") == want {
			return true
		}
	}
	return false
}
