package checks

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

// defaultSupportWarningMonths: warn when support ends within this many months.
const defaultSupportWarningMonths = 12

var (
	ruleSupportStartMissing     = rule("support-start-missing")
	ruleSupportEndBeforeStart   = rule("support-end-before-start")
	ruleSupportTooShort         = rule("support-too-short")
	ruleSupportExpired          = rule("support-expired")
	ruleSupportEndingSoon       = rule("support-ending-soon")
	ruleSupportNotPublished     = rule("support-not-published")
	ruleSupportPublishedMissing = rule("support-published-missing")
	ruleSupportEndNotStated     = rule("support-end-not-stated")
	ruleSupportShorterThanUse   = rule("support-shorter-than-use")
	ruleSupportLaterUnits       = rule("support-later-units")
	ruleSupportModification     = rule("support-modification")
)

var _ = check(Check{
	ID: finding.CheckSupport, Order: 50, Title: "Support period",
	Summary: "support period declared, at least five years or justified by a shorter expected use, " +
		"not shorter than the expected use, long enough for units placed later, not expired or ending soon, " +
		"published to users with month and year",
	Reference: "Art. 13(8), 13(19), Annex II(7)",
	skip:      stewardSkip,
	apply:     func(c *run) string { c.checkSupport(); return "" },
})

// stewardSkip skips the checks an open-source software steward has no duty
// for.
func stewardSkip(c *run) string {
	if c.m.Product.Steward() {
		return "product.role = \"steward\": an open-source software steward has no support period or technical documentation to declare (Article 24)"
	}
	return ""
}

func (c *run) checkSupport() {
	m := c.m
	s := m.Support
	c.checkPublished()
	c.checkModifications()
	if s.End == nil {
		return // manifest-required
	}
	end := *s.End
	now := c.opt.Now
	switch warnMonths := c.supportWarningMonths(); {
	case now.After(end):
		c.report(ruleSupportExpired, c.key("support", "end"), "support ended on %s (today is %s): the product gets no more security updates", date(end), date(now))
	case now.AddDate(0, warnMonths, 0).After(end):
		c.report(ruleSupportEndingSoon, c.key("support", "end"), "support ends on %s, within %d months of today (%s)", date(end), warnMonths, date(now))
	}
	start, startKey := s.Start, []any{"support", "start"}
	if start == nil {
		start, startKey = m.Product.PlacedOnMarket, []any{"product", "placed_on_market"}
	}
	if start == nil && (m.HasTODO("support", "start") || m.HasTODO("product", "placed_on_market")) {
		return // manifest-todo
	}
	if start == nil {
		c.report(ruleSupportStartMissing, c.key("support", "end"), "the support period has no start: set product.placed_on_market (or support.start)")
		return
	}
	if !end.After(*start) {
		c.report(ruleSupportEndBeforeStart,
			c.key("support", "end"),
			"support.end %s is not after the start %s (%s)",
			date(end),
			date(*start),
			manifest.Path(startKey...))
		return
	}
	period := years(*start, end)
	use := s.ExpectedUseYears
	if !start.AddDate(5, 0, 0).After(end) { // five years or more
		if use != nil && *use <= 0 {
			c.report(ruleSupportShorterThanUse,
				c.key("support", "expected_use_years"),
				"support.expected_use_years = %d: give the number of years the product is expected to be in use",
				*use)
		} else if use != nil && start.AddDate(*use, 0, 0).After(end) {
			c.report(ruleSupportShorterThanUse,
				c.key("support", "expected_use_years"),
				"the support period is %s (%s to %s), shorter than the expected time of use (%d years): "+
					"the period should reflect how long the product is expected to be in use; five years is a "+
					"minimum, not a default",
				period,
				date(*start),
				date(end),
				*use)
		}
		c.checkLaterUnits(*start, end, 5)
		return
	}
	if m.HasTODO("support", "expected_use_years") || m.HasTODO("support", "rationale") {
		return // a period under five years is judged once its justification is written
	}
	switch {
	case use == nil:
		c.report(ruleSupportTooShort, c.key("support", "end"), "the support period is %s (%s to %s), under five years: extend it, or set "+
			"support.expected_use_years and a rationale if the product is expected to be in use for "+
			"less", period, date(*start), date(end))
	case *use >= 5:
		c.report(ruleSupportTooShort,
			c.key("support", "expected_use_years"),
			"the support period is %s, but the product is expected to be in use for %d years: support "+
				"must cover at least five years",
			period,
			*use)
	case *use <= 0:
		c.report(ruleSupportTooShort,
			c.key("support", "expected_use_years"),
			"support.expected_use_years = %d: give the number of years the product is expected to be in use",
			*use)
	case start.AddDate(*use, 0, 0).After(end):
		c.report(ruleSupportTooShort, c.key("support", "end"), "the support period is %s, shorter than the expected time of use (%d years): support must "+
			"last as long as the product is expected to be used", period, *use)
	case words(s.Rationale) < minRationaleWd:
		loc := c.key("support", "rationale")
		if !c.m.Has("support", "rationale") {
			loc = c.key("support", "expected_use_years")
		}
		c.report(ruleSupportTooShort, loc, "the support period is %s, under five years: support.rationale must explain why the "+
			"product is expected to be in use for only %d years", period, *use)
	default:
		c.checkLaterUnits(*start, end, *use)
	}
}

// checkLaterUnits warns when a unit placed on the market now (or on 11
// December 2027, when Article 13(8) starts to apply to new units, if that is
// later) would get less than the minimum years of support before end. The
// first unit, at start, is judged by the rules above.
func (c *run) checkLaterUnits(start, end time.Time, minYears int) {
	if c.m.Product.Software() {
		return // copies are placed at the same time; versions are [[modification]]s
	}
	from, when := c.opt.Now, "from today ("+date(c.opt.Now)+")"
	if from.Before(generalApplication) {
		from, when = generalApplication, "from 11 December 2027, when Article 13(8) applies to them,"
	}
	if !from.After(start) || !from.Before(end) || !from.AddDate(minYears, 0, 0).After(end) {
		return
	}
	c.report(ruleSupportLaterUnits, c.key("support", "end"), "units placed on the market %s get support only until %s, %s: each unit newly placed needs "+
		"a support period of its own of at least %d years (Article 13(8); Commission FAQ 4.5.3); "+
		"move support.end to %s or later, or stop placing new units", when, date(end), years(from, end), minYears, date(from.AddDate(minYears, 0, 0)))
}

// checkModifications holds each [[modification]] to Article 13(8): a
// substantial one placed from 11 December 2027 has a support period of its
// own (guidance point 128).
func (c *run) checkModifications() {
	for i, mod := range c.m.Modifications {
		if c.m.HasTODO("modification", i) || mod.Date == nil {
			continue // manifest-todo, manifest-required
		}
		label := fmt.Sprintf("[[modification]] %q", mod.Version)
		if words(mod.Rationale) > 0 && words(mod.Rationale) < minRationaleWd {
			c.reportAs(ruleSupportModification, finding.Warning, c.key("modification", i, "rationale"), "the rationale of %s is "+
				"only %d %s: say why it is, or is not, a substantial modification (Article 3(30))",
				label, words(mod.Rationale), plural(words(mod.Rationale), "word", "words"))
		}
		if !mod.Substantial || mod.Date.Before(generalApplication) {
			continue // keeps the original period; or before the Regulation applies (Article 69(2))
		}
		start := *mod.Date
		switch use := mod.ExpectedUseYears; {
		case mod.SupportEnd == nil:
			c.report(ruleSupportModification, c.key("modification", i), "%s is a substantial modification placed on the market on "+
				"%s: it needs a support period of its own (guidance point 128): set support_end, at least five years after it "+
				"(%s) or as long as it is expected to be in use", label, date(start), date(start.AddDate(5, 0, 0)))
		case !mod.SupportEnd.After(start):
			c.report(ruleSupportModification, c.key("modification", i, "support_end"), "%s: support_end %s is not after its date %s",
				label, date(*mod.SupportEnd), date(start))
		case use != nil && *use > 0 && start.AddDate(*use, 0, 0).After(*mod.SupportEnd):
			c.report(ruleSupportModification, c.key("modification", i, "support_end"), "%s: its support period is %s, shorter "+
				"than the %d years it is expected to be in use (Article 13(8))", label, years(start, *mod.SupportEnd), *use)
		case (use == nil || *use <= 0) && start.AddDate(5, 0, 0).After(*mod.SupportEnd):
			c.report(ruleSupportModification, c.key("modification", i, "support_end"), "%s: its support period is %s (%s to %s), "+
				"under five years: extend support_end, or set expected_use_years with the reason in rationale (Article 13(8))",
				label, years(start, *mod.SupportEnd), date(start), date(*mod.SupportEnd))
		}
	}
}

func (c *run) supportWarningMonths() int {
	if n := c.m.Gate.SupportWarningMonths; n != nil && *n >= 0 && *n <= manifest.MaxSupportWarningMonths {
		return *n
	}
	return defaultSupportWarningMonths
}

// years renders a period for messages: "4 years 11 months".
func years(from, to time.Time) string {
	months := (to.Year()-from.Year())*12 + int(to.Month()-from.Month())
	if to.Day() < from.Day() {
		months--
	}
	y, mo := months/12, months%12
	switch {
	case mo == 0:
		return fmt.Sprintf("%d years", y)
	case y == 0:
		return fmt.Sprintf("%d months", mo)
	}
	return fmt.Sprintf("%d years %d months", y, mo)
}

func (c *run) checkPublished() {
	s := c.m.Support
	if strings.TrimSpace(s.Published) == "" {
		if c.m.HasTODO("support", "published") {
			return
		}
		c.report(ruleSupportNotPublished, c.key("support"), "support.published is not set: say where users can read the end date of support (a "+
			"repository document or https page)")
		return
	}
	r := c.resolve(s.Published, true)
	switch {
	case r.url:
		return
	case r.refused():
		c.report(ruleSupportPublishedMissing, c.key("support", "published"), "support.published %s", r.refusal())
		return
	case r.missing():
		c.report(ruleSupportPublishedMissing,
			c.key("support", "published"),
			"support.published %q does not exist in the repository%s",
			s.Published,
			c.rootHint(s.Published))
		return
	}
	if s.End == nil {
		return
	}
	data, err := c.repo.ReadFile(r.path, maxDocument)
	if err != nil {
		c.report(ruleSupportPublishedMissing,
			c.key("support", "published"),
			"support.published %q cannot be read: %v",
			s.Published,
			describeReadError(err, "a support document"))
		return
	}
	if !statesMonthYear(string(data), *s.End) {
		c.report(ruleSupportEndNotStated,
			at(r.path, 1),
			"%s does not state the end of support (%s) with month and year, for example %q or %q",
			r.path,
			date(*s.End),
			s.End.Format("January 2006"),
			s.End.Format("2006-01"))
	}
}

// statesMonthYear reports whether text names the month and year of t in a common
// form: 2031-03, 2031/03, 03/2031, 03.2031, 3/2031, "March 2031", "Mar 2031",
// "1 March 2031", "March 1, 2031".
func statesMonthYear(text string, t time.Time) bool {
	y, mo := t.Year(), int(t.Month())
	lower := strings.ToLower(text)
	name := strings.ToLower(t.Month().String())
	pats := []string{
		fmt.Sprintf(`\b%d[-/.]0?%d\b`, y, mo),
		fmt.Sprintf(`\b0?%d[-/.]%d\b`, mo, y),
		fmt.Sprintf(`\b(%s|%s\.?)(\s+\d{1,2}(st|nd|rd|th)?,?)?\s+%d\b`, name, name[:3], y),
	}
	for _, p := range pats {
		if regexp.MustCompile(p).MatchString(lower) {
			return true
		}
	}
	return false
}
