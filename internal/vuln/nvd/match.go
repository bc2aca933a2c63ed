package nvd

import (
	"strings"

	"github.com/cra-gate/cra-gate/internal/version"
)

// Component is what a component offers to matching.
type Component struct {
	CPE CPE
	// Version is the component's version, for a CPE that gives none (ANY or
	// NA); for a distribution package, its upstream version.
	Version string
	// Ecosystem is the component's purl type ("cargo", "golang", "npm"),
	// "" for a native (C/C++) component: a criterion for another target
	// software ("cpe:...:*:*:rust:*:*", a Rust crate of the same name) does
	// not apply to it.
	Ecosystem string
}

// Hit is one record whose configuration applies to a component.
type Hit struct {
	Record *Record
	// Match is the vulnerable criterion the component met.
	Match CPEMatch
	// Fixed is the version that ends the range (versionEndExcluding), "" when
	// the record names none.
	Fixed string
	// ProductOnly is set when the component's CPE vendor was a guess or
	// ANY and the criterion's vendor was taken on the product's name.
	ProductOnly bool
}

// Match returns the records with a configuration that applies to c: one of
// its vulnerable criteria matches c, and the configuration holds as a whole,
// where a criterion that is not vulnerable (the platform of an AND
// configuration: an operating system, a device) holds when platform says
// the product has it. At most one hit per record.
func (db *DB) Match(c Component, platform func(CPEMatch) bool) []Hit {
	if db == nil {
		return nil
	}
	var out []Hit
	for _, r := range db.byProduct[c.CPE.Product] {
		for ci := range r.Configurations {
			if h, ok := r.Configurations[ci].applies(c, platform); ok {
				out = append(out, Hit{Record: r, Match: *h, Fixed: h.VersionEndExcluding, ProductOnly: h.cpe.Vendor != c.CPE.Vendor})
				break
			}
		}
	}
	return out
}

func (cfg *Configuration) applies(c Component, platform func(CPEMatch) bool) (*CPEMatch, bool) {
	and := strings.EqualFold(cfg.Operator, "AND")
	var hit *CPEMatch
	result := and
	for ni := range cfg.Nodes {
		ok, h := cfg.Nodes[ni].holds(c, platform)
		if h != nil && hit == nil {
			hit = h
		}
		if and {
			result = result && ok
		} else {
			result = result || ok && h != nil
		}
	}
	if cfg.Negate {
		return nil, false
	}
	return hit, result && hit != nil
}

// holds evaluates a node; h is the vulnerable criterion c matched in it.
func (n *Node) holds(c Component, platform func(CPEMatch) bool) (bool, *CPEMatch) {
	and := strings.EqualFold(n.Operator, "AND")
	result := and
	var hit *CPEMatch
	// The vulnerable criteria first: in an OR node (most), a hit settles it
	// and the platforms need not be looked up.
	for mi := range n.CPEMatch {
		if m := &n.CPEMatch[mi]; m.Vulnerable && m.matches(c) {
			hit = m
			break
		}
	}
	if !and && hit != nil && !n.Negate {
		return true, hit
	}
	for mi := range n.CPEMatch {
		m := &n.CPEMatch[mi]
		ok := m == hit
		switch {
		case ok:
		case m.Vulnerable:
			ok = and && m.matches(c) // another criterion of an AND node must hold too
		default:
			ok = platform != nil && platform(*m)
		}
		if and {
			result = result && ok
		} else {
			result = result || ok
		}
	}
	if n.Negate {
		return !result, nil
	}
	return result, hit
}

// targetEcosystems maps a criterion's target software onto the purl types
// whose packages it means.
var targetEcosystems = map[string][]string{
	"rust": {"cargo"}, "go": {"golang"}, "golang": {"golang"}, "node.js": {"npm"}, "nodejs": {"npm"}, "python": {"pypi"},
	"ruby": {"gem"}, "php": {"composer"}, "java": {"maven"}, ".net": {"nuget"}, "perl": {"cpan"}, "wordpress": {},
}

// Matches reports whether the criterion m names c (its product, vendor,
// target software and version range), vulnerable or not.
func (m CPEMatch) Matches(c Component) bool { return m.matches(c) }

// matches reports whether the criterion m applies to c.
func (m *CPEMatch) matches(c Component) bool {
	if !m.ok { // parsed by Load, read-only since
		return false
	}
	e := m.cpe
	if e.Product != c.CPE.Product {
		return false
	}
	// A vendor the SBOM's generator guessed (syft writes the product's name)
	// or left ANY is taken on the product's name.
	if e.Vendor != c.CPE.Vendor && !anyValue(c.CPE.Vendor) && c.CPE.Vendor != c.CPE.Product && !anyValue(e.Vendor) {
		return false
	}
	if !anyValue(c.CPE.Part) && !anyValue(e.Part) && c.CPE.Part != e.Part {
		return false
	}
	if t := e.TargetSW; !anyValue(t) && t != "-" {
		ok := false
		for _, eco := range targetEcosystems[t] {
			ok = ok || eco == c.Ecosystem
		}
		if !ok {
			return false
		}
	}
	v := c.CPE.Version
	if anyValue(v) || v == "-" {
		v = c.Version
	}
	if v == "" {
		return false // no version: a range cannot be decided
	}
	switch ev := e.Version; {
	case ev == "-":
		return false // the criterion names a version-less product
	case !anyValue(ev):
		return version.Compare(v, ev) == 0
	}
	if s := m.VersionStartIncluding; s != "" && version.Compare(v, s) < 0 {
		return false
	}
	if s := m.VersionStartExcluding; s != "" && version.Compare(v, s) <= 0 {
		return false
	}
	if s := m.VersionEndIncluding; s != "" && version.Compare(v, s) > 0 {
		return false
	}
	if s := m.VersionEndExcluding; s != "" && version.Compare(v, s) >= 0 {
		return false
	}
	return true
}

// Range writes the criterion's versions: "from 2.0.0 up to 2.0.11", "2.39",
// "all versions".
func (m CPEMatch) Range() string {
	var parts []string
	switch {
	case m.VersionStartIncluding != "":
		parts = append(parts, "from "+m.VersionStartIncluding)
	case m.VersionStartExcluding != "":
		parts = append(parts, "after "+m.VersionStartExcluding)
	}
	switch {
	case m.VersionEndIncluding != "":
		parts = append(parts, "up to "+m.VersionEndIncluding)
	case m.VersionEndExcluding != "":
		parts = append(parts, "before "+m.VersionEndExcluding)
	}
	if len(parts) > 0 {
		return strings.Join(parts, " ")
	}
	if c, ok := ParseCPE(m.Criteria); ok && !anyValue(c.Version) {
		return c.Version
	}
	return "all versions"
}
