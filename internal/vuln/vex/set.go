package vex

import (
	"strings"

	ovex "github.com/openvex/go-vex/pkg/vex"
	"github.com/package-url/packageurl-go"
)

// Component is an SBOM component as statements may name it.
type Component struct {
	File   string // the SBOM's repository path
	Purl   string
	Ref    string // bom-ref or SPDXID
	Serial string // the SBOM's CycloneDX serialNumber, for BOM-links
}

// Set indexes statements by the vulnerability ids they name.
type Set struct {
	byVuln map[string][]*Statement
}

// NewSet indexes the statements, in the order given (later ones win ties of
// time).
func NewSet(stmts []Statement) *Set {
	s := &Set{byVuln: map[string][]*Statement{}}
	for i := range stmts {
		st := &stmts[i]
		st.order = i
		seen := map[string]bool{}
		for _, id := range append([]string{st.Vulnerability}, st.Aliases...) {
			k := strings.ToUpper(strings.TrimSpace(id))
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			s.byVuln[k] = append(s.byVuln[k], st)
		}
	}
	return s
}

// Answer returns the statement that answers whether the vulnerability known by
// any of ids affects comp, or nil: of the statements naming one of the ids and
// applying to comp (directly, through a subcomponent, or through the product
// the SBOM is about, primary), the latest; at equal times the one read last.
func (s *Set) Answer(ids []string, comp, primary Component) *Statement {
	if s == nil {
		return nil
	}
	var cands []*Statement
	seen := map[*Statement]bool{}
	for _, id := range ids {
		for _, st := range s.byVuln[strings.ToUpper(strings.TrimSpace(id))] {
			if !seen[st] && applies(st, comp, primary) {
				seen[st] = true
				cands = append(cands, st)
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	sortByTime(cands)
	return cands[len(cands)-1]
}

// applies reports whether a statement speaks of comp: a product is comp, or
// is the SBOM's primary component and has no subcomponents (the whole
// product), or a subcomponent is comp. The SBOM's own vulnerabilities speak
// only of that SBOM.
func applies(st *Statement, comp, primary Component) bool {
	if st.SBOMScoped && st.File != comp.File {
		return false
	}
	for _, p := range st.Products {
		if names(p.Subject, comp) {
			return true
		}
		if len(p.Subcomponents) == 0 {
			if (primary.Purl != "" || primary.Ref != "") && names(p.Subject, primary) {
				return true
			}
			continue
		}
		for _, sc := range p.Subcomponents {
			if names(sc, comp) {
				return true
			}
		}
	}
	return false
}

// names reports whether a subject identifies comp: by its bom-ref (also inside
// a BOM-link, urn:cdx:serial/version#ref, of the same SBOM) or its purl (a
// purl without version or qualifiers names every version or variant, as
// go-vex matches them).
func names(subj Subject, comp Component) bool {
	if subj.ID == "" {
		return false
	}
	if comp.Ref != "" && (subj.ID == comp.Ref || bomLinkRef(subj.ID, comp.Serial) == comp.Ref) {
		return true
	}
	if comp.Purl == "" {
		return false
	}
	if subj.ID == comp.Purl {
		return true
	}
	for _, p := range subj.Purls {
		if ovex.PurlMatches(p, comp.Purl) {
			return true
		}
	}
	return false
}

// bomLinkRef returns the bom-ref of a CycloneDX BOM-link
// (urn:cdx:<serial>/<version>#<bom-ref>) when it links into the SBOM whose
// serialNumber is serial ("urn:uuid:<serial>"), else "".
func bomLinkRef(id, serial string) string {
	rest, ok := strings.CutPrefix(id, "urn:cdx:")
	if !ok {
		return ""
	}
	doc, ref, ok := strings.Cut(rest, "#")
	if !ok {
		return ""
	}
	uuid, _, _ := strings.Cut(doc, "/")
	if serial != "" && !strings.EqualFold("urn:uuid:"+uuid, serial) {
		return ""
	}
	return ref
}

// Inventory holds every component of every SBOM, to tell which statement
// subjects no SBOM contains.
type Inventory struct {
	refs    map[string]bool            // bom-refs over all SBOMs
	byFile  map[string]map[string]bool // bom-refs per SBOM
	purls   map[string][]Component     // by purl type/namespace/name
	serials map[string]string          // SBOM file -> serialNumber
}

// NewInventory returns an empty inventory.
func NewInventory() *Inventory {
	return &Inventory{refs: map[string]bool{}, byFile: map[string]map[string]bool{}, purls: map[string][]Component{}, serials: map[string]string{}}
}

// Add records a component (primary components included).
func (inv *Inventory) Add(c Component) {
	if c.Ref != "" {
		inv.refs[c.Ref] = true
		if inv.byFile[c.File] == nil {
			inv.byFile[c.File] = map[string]bool{}
		}
		inv.byFile[c.File][c.Ref] = true
	}
	if c.Serial != "" {
		inv.serials[c.File] = c.Serial
	}
	if k := purlName(c.Purl); k != "" {
		inv.purls[k] = append(inv.purls[k], c)
	}
}

// Contains reports whether some SBOM holds the subject of statement st.
func (inv *Inventory) Contains(st *Statement, subj Subject) bool {
	refs := inv.refs
	if st.SBOMScoped {
		refs = inv.byFile[st.File]
	}
	if refs[subj.ID] {
		return true
	}
	if r, ok := strings.CutPrefix(subj.ID, "urn:cdx:"); ok {
		if _, ref, ok := strings.Cut(r, "#"); ok && refs[ref] {
			return true
		}
	}
	for _, p := range append([]string{subj.ID}, subj.Purls...) {
		for _, c := range inv.purls[purlName(p)] {
			if (!st.SBOMScoped || c.File == st.File) && (p == c.Purl || ovex.PurlMatches(p, c.Purl)) {
				return true
			}
		}
	}
	return false
}

// purlName is a purl's type/namespace/name, "" when it is not a purl.
func purlName(s string) string {
	if !strings.HasPrefix(s, "pkg:") {
		return ""
	}
	p, err := packageurl.FromString(s)
	if err != nil {
		return ""
	}
	return p.Type + "/" + p.Namespace + "/" + p.Name
}
