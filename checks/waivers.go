package checks

import (
	"fmt"
	"path"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

// maxWaiverMonths: a waiver until more than this many months ahead is a
// warning: a known gap accepted for more than a year is a decision to revisit,
// not a waiver.
const maxWaiverMonths = 12

var (
	ruleWaiverInvalid = rule("waiver-invalid")
	ruleWaiverExpired = rule("waiver-expired")
	ruleWaiverUnused  = rule("waiver-unused")
	ruleWaiverTooLong = rule("waiver-too-long")
)

// activeWaiver is a valid waiver, with its position and whether it matched.
type activeWaiver struct {
	w    manifest.Waiver
	file string // cleaned
	line int
	used bool
}

// applyWaivers checks every [[waiver]] and marks the findings the valid ones
// accept. It runs last, over the findings of every check; the findings of the
// waiver rules themselves, and of unwaivable rules, are never waived.
func (c *run) applyWaivers() {
	byRule := map[string][]*activeWaiver{}
	var active []*activeWaiver
	for i, w := range c.m.Waivers {
		if c.m.HasTODO("waiver", i) {
			continue // a waiver not yet written waives nothing (manifest-todo)
		}
		if a := c.checkWaiver(i, w); a != nil {
			byRule[w.Rule] = append(byRule[w.Rule], a)
			active = append(active, a)
		}
	}
	if len(active) == 0 {
		return
	}
	for i := range c.findings {
		f := &c.findings[i]
		if r, ok := Lookup(f.Rule); !ok || unwaivable(r) {
			continue
		}
		for _, a := range byRule[f.Rule] {
			if (a.file == "" || a.file == f.File) && (a.w.Item == "" || a.w.Item == f.Item) {
				f.Waived = &finding.Waived{Reason: a.w.Reason, Until: date(*a.w.Until), Line: a.line}
				a.used = true
				if f.Rule == ruleSBOMFieldCoverage.ID {
					c.markCoverageWaived(f.File, f.Item)
				}
				break
			}
		}
	}
	for _, a := range active {
		if !a.used {
			what := fmt.Sprintf("no %s finding", a.w.Rule)
			if a.file != "" {
				what += " about " + a.file
			}
			if a.w.Item != "" {
				what += fmt.Sprintf(" for %q", a.w.Item)
			}
			c.report(ruleWaiverUnused,
				at(c.m.File, a.line).on(a.w.Rule+" "+a.file+" "+a.w.Item),
				"this waiver matches %s: remove it if the gap is closed, or correct its rule, file or item",
				what)
		}
	}
}

// unwaivable reports a rule no waiver may accept.
func unwaivable(r finding.Rule) bool { return r.Unwaivable || r.Check == finding.CheckVulns }

// Waivable lists the ids of the rules a [[waiver]] may name, in the order of
// Rules: every rule but the unwaivable ones and those of the vulns check.
func Waivable() []string {
	var ids []string
	for _, r := range Rules() {
		if !unwaivable(r) {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// checkWaiver reports what is wrong with the i-th waiver and returns it when
// it may be applied.
func (c *run) checkWaiver(i int, w manifest.Waiver) *activeWaiver {
	key := func(k string) location {
		l := c.key("waiver", i, k)
		if l.line == 0 {
			l.line = 1
		}
		return l.on(w.Rule)
	}
	valid := true
	bad := func(k, format string, args ...any) {
		valid = false
		c.report(ruleWaiverInvalid, key(k), format, args...)
	}
	r, known := Lookup(w.Rule)
	switch {
	case strings.TrimSpace(w.Rule) == "":
		bad("rule", "[[waiver]] #%d names no rule: set rule to the id of the rule whose findings it accepts", i+1)
	case !known:
		msg := fmt.Sprintf("[[waiver]] #%d names rule %q, which does not exist", i+1, w.Rule)
		if s := c.closest(w.Rule, ruleIDs()); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		bad("rule", "%s", msg)
	case unwaivable(r):
		why := "a cra.toml the gate cannot read has nothing to waive with"
		if r.Check == finding.CheckVulns {
			why = "answer a vulnerability with a VEX statement ([vulnerabilities] vex), which states the product's exposure"
		} else if strings.HasPrefix(r.ID, "waiver-") {
			why = "a waiver cannot waive the waiver rules"
		} else if r.ID == ruleManifestTODO.ID {
			why = "a TODO is a decision not yet taken, not a gap to accept for a while: replace it with the value"
		}
		bad("rule", "[[waiver]] #%d: %s cannot be waived: %s", i+1, w.Rule, why)
	}
	switch n := words(w.Reason); {
	case n == 0:
		bad("reason", "[[waiver]] #%d has no reason: say why the gap is acceptable until then", i+1)
	case n < minRationaleWd:
		bad("reason", "the reason of [[waiver]] #%d is only %d %s: say why the gap is acceptable until then, in a sentence", i+1, n, plural(n, "word", "words"))
	}
	now := c.opt.Now
	switch {
	case w.Until == nil:
		bad("until", "[[waiver]] #%d has no until date: a waiver accepts a gap for a while, not for ever", i+1)
	case !w.Until.After(now):
		valid = false
		c.report(ruleWaiverExpired,
			key("until"),
			"[[waiver]] #%d of %s expired on %s (today is %s): its findings count again",
			i+1,
			w.Rule,
			date(*w.Until),
			date(now))
	case w.Until.After(now.AddDate(0, maxWaiverMonths, 0)):
		c.report(ruleWaiverTooLong, key("until"), "[[waiver]] #%d of %s runs until %s, more than %d months ahead", i+1, w.Rule, date(*w.Until), maxWaiverMonths)
	}
	if !valid {
		return nil
	}
	file := strings.TrimSpace(w.File)
	if file != "" {
		file = path.Clean(strings.TrimPrefix(file, "./"))
	}
	return &activeWaiver{w: w, file: file, line: c.key("waiver", i).line}
}

// ruleIDs lists every rule id, for "did you mean".
func ruleIDs() []string {
	ids := make([]string, len(registry))
	for i, r := range registry {
		ids[i] = r.ID
	}
	return ids
}

// markCoverageWaived marks the field of the SBOM's coverage row whose finding
// a waiver accepted, so that the coverage tables say so.
func (c *run) markCoverageWaived(file, field string) {
	for i := range c.sboms {
		if c.sboms[i].File != file {
			continue
		}
		for k := range c.sboms[i].Fields {
			if c.sboms[i].Fields[k].Field == field {
				c.sboms[i].Fields[k].Waived = true
			}
		}
	}
}
