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

var (
	rulePolicyNotFound        = rule("disclosure-policy-not-found")
	rulePolicyNoChannel       = rule("disclosure-policy-no-channel")
	rulePolicyNoProcess       = rule("disclosure-policy-no-process")
	rulePolicyExternal        = rule("disclosure-policy-external")
	ruleContactMismatch       = rule("disclosure-contact-mismatch")
	ruleSecurityTxtNotFound   = rule("disclosure-securitytxt-not-found")
	ruleSecurityTxtInvalid    = rule("disclosure-securitytxt-invalid")
	ruleSecurityTxtExpired    = rule("disclosure-securitytxt-expired")
	ruleSecurityTxtExpiresFar = rule("disclosure-securitytxt-expires-far")
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
		c.report(rulePolicyExternal,
			c.key("disclosure", "policy"),
			"disclosure.policy is an external page (%s): accepted as given; the gate cannot check what it says",
			d.Policy)
		return
	case r.missing():
		c.report(rulePolicyNotFound, c.key("disclosure", "policy"), "disclosure.policy %q does not exist in the repository%s", d.Policy, c.rootHint(d.Policy))
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
			loc, why = at(r.path, p.TemplateLine), "it still holds GitHub's template text (\"Use this section to tell people how to report a "+
				"vulnerability\") and names no contact"
		case p.PublicOnly && p.PublicIssue != nil:
			loc, why = at(r.path, p.PublicIssue.Line), "it asks reporters to open a public issue, which discloses the vulnerability before a fix exists"
		case len(p.Placeholders) > 0:
			why += " (only placeholders such as " + quoteList(p.Placeholders, 2) + ")"
		}
		c.report(rulePolicyNoChannel, loc, "%s gives reporters no private channel: %s", r.path, why)
	} else if p.ExternalPolicy != "" {
		c.report(rulePolicyExternal,
			at(r.path, p.Channels[0].Line),
			"%s defers to an external policy (%s): accepted as given; the gate cannot check what it says",
			r.path,
			p.ExternalPolicy)
	}
	if p.Process == nil && p.ExternalPolicy == "" {
		c.report(rulePolicyNoProcess, at(r.path, 1), "%s does not say what happens after a report: state a response time (\"we acknowledge "+
			"reports within 5 days\") or the process (triage, fix, coordinated disclosure)", r.path)
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
		c.report(ruleSecurityTxtNotFound,
			c.key("disclosure", "security_txt"),
			"disclosure.security_txt %q does not exist in the repository%s",
			d.SecurityTxt,
			c.rootHint(d.SecurityTxt))
		return
	case st.err != nil:
		c.report(ruleSecurityTxtNotFound,
			c.key("disclosure", "security_txt"),
			"disclosure.security_txt %q cannot be read: %v",
			d.SecurityTxt,
			describeReadError(st.err, "a security.txt"))
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
			c.report(ruleSecurityTxtExpired,
				at(r.path, f.ExpiresLine),
				"%s expired on %s (today is %s): its contacts must be treated as stale",
				r.path,
				date(exp),
				date(now))
		case exp.After(now.AddDate(1, 0, 0)):
			c.report(ruleSecurityTxtExpiresFar,
				at(r.path, f.ExpiresLine),
				"%s expires on %s, more than a year after today (%s): RFC 9116 recommends less than a year",
				r.path,
				date(exp),
				date(now))
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
