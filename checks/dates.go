package checks

import (
	"time"

	"github.com/cra-gate/cra-gate/finding"
)

// generalApplication is the date the Regulation applies from, Article 14 and
// Chapter IV aside (Article 71(2): "This Regulation shall apply from 11
// December 2027").
var generalApplication = time.Date(2027, 12, 11, 0, 0, 0, 0, time.UTC)

// deferred says why the support-period and documentation obligations
// (Articles 13 and 31) do not bind the product on the run's date, or "": they
// apply from 11 December 2027 (Article 71(2)), and to a product placed on the
// market before then only from a substantial modification (Article 69(2)),
// which for software means a substantially modified version placed from then,
// since its copies are placed at the same time (guidance points 13-16).
func (c *run) deferred() string {
	if c.opt.Now.Before(generalApplication) {
		return "Articles 13 and 31 apply from 11 December 2027 (Article 71(2))"
	}
	p := c.m.Product
	if !p.Software() || p.PlacedOnMarket == nil || !p.PlacedOnMarket.Before(generalApplication) {
		return ""
	}
	for _, mod := range c.m.Modifications {
		if mod.Substantial && mod.Date != nil && !mod.Date.Before(generalApplication) {
			return ""
		}
	}
	return "software placed on the market before 11 December 2027 is subject to Articles 13 and 31 only from a " +
		"substantial modification (Article 69(2); guidance points 13-16)"
}

// deferrable are the checks whose errors deferred makes warnings.
var deferrable = map[string]bool{finding.CheckSupport: true, finding.CheckDocumentation: true}
