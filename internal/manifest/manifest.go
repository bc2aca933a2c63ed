// Package manifest is the cra.toml model and its loader: it reads the file, reports
// syntax errors, wrong types and unknown keys at their line and column, and keeps an
// index of where every key is written so that the checks can position their findings.
package manifest

import (
	"strings"
	"time"

	"github.com/cra-gate/cra-gate/internal/tomlscan"
)

// Pos is a 1-based line and column in cra.toml (bytes, as the TOML parser
// counts); the zero Pos means the file as a whole.
type Pos = tomlscan.Pos

// Path joins key segments into an index path; ints become array indices:
// Path("rdps", 1, "functions") is "rdps[1].functions".
func Path(segs ...any) string { return tomlscan.Path(segs...) }

// SchemaVersion is the cra.toml schema this gate understands.
const SchemaVersion = 1

// Manifest is one cra.toml, schema 1. Field tags are the file's keys.
type Manifest struct {
	Schema     *int         `toml:"schema"`
	Product    Product      `toml:"product"`
	Support    Support      `toml:"support"`
	Disclosure Disclosure   `toml:"disclosure"`
	Reporting  *Reporting   `toml:"reporting"`
	RDPS       []RDPS       `toml:"rdps"`
	ThirdParty []ThirdParty `toml:"third_party"`
	Excluded   []Excluded   `toml:"excluded"`
	// Vulnerabilities configures the vulns check.
	Vulnerabilities Vulnerabilities `toml:"vulnerabilities"`
	// Documentation is the technical documentation (Annex VII) and user
	// information (Annex II); nil when the table is not written.
	Documentation *Documentation `toml:"documentation"`
	Gate          Gate           `toml:"gate"`
	// Waivers accept known gaps for a while, on the record.
	Waivers []Waiver `toml:"waiver"`
	// Modifications are the product's versions placed on the market since,
	// substantial or not (Article 3(30)).
	Modifications []Modification `toml:"modification"`

	// File is the manifest's path relative to the repository root.
	File string `toml:"-"`
	// Lines holds the source, one entry per line, without line ends.
	Lines []string `toml:"-"`
	index *tomlscan.Index
	// todos are the values still holding the TODO marker; todoPaths holds
	// their paths and every path containing one.
	todos     []TODO
	todoPaths map[string]struct{}
}

// Product is the product with digital elements.
type Product struct {
	Name                string     `toml:"name" max:"256"`
	Manufacturer        string     `toml:"manufacturer" max:"256"`
	Version             string     `toml:"version"`
	Description         string     `toml:"description"`
	Class               string     `toml:"class"`
	Conformity          string     `toml:"conformity"`
	PlacedOnMarket      *time.Time `toml:"placed_on_market"`
	Functions           []string   `toml:"functions" max:"256"`
	SBOM                []string   `toml:"sbom"`
	Source              string     `toml:"source"`
	HarmonisedStandards Standards  `toml:"harmonised_standards"`
	// CertificationScheme names the European cybersecurity certification
	// scheme of conformity = "eu-certification" (Article 27(9), 32(1)(d)).
	CertificationScheme string `toml:"certification_scheme" max:"256"`
	FOSS                bool   `toml:"foss"`
	// Role is "manufacturer" (the default) or "steward", an open-source
	// software steward (Article 3(14), Article 24).
	Role string `toml:"role"`
	// Kind is "hardware" or "software": how units are placed on the market
	// (copies of software at once, guidance points 13-16).
	Kind string `toml:"kind"`
	// Category is the Annex III or IV category whose technical description
	// (Implementing Regulation (EU) 2025/2392) the core functionality meets,
	// or "none"; CategoryRationale says why (guidance points 143-146).
	Category          string `toml:"category"`
	CategoryRationale string `toml:"category_rationale"`
	// NotifiedBody is the notified body of module-b-c or module-h.
	NotifiedBody *NotifiedBody `toml:"notified_body"`
	// Commercial = false records that the product is not made available in
	// the course of a commercial activity (Article 3(22), Recitals 15-19):
	// the CRA does not apply; CommercialRationale says why.
	Commercial          *bool  `toml:"commercial"`
	CommercialRationale string `toml:"commercial_rationale"`
}

// NonCommercial reports whether product.commercial = false.
func (p Product) NonCommercial() bool { return p.Commercial != nil && !*p.Commercial }

// NotifiedBody names the notified body of a conformity assessment with one
// (Annex V(7)): its name, four-digit identification number and certificate.
type NotifiedBody struct {
	Name        string `toml:"name" max:"256"`
	Number      string `toml:"number" max:"256"`
	Certificate string `toml:"certificate" max:"256"`
}

// Software reports whether product.kind says the product is software;
// absent, the rules that depend on it assume hardware (and say so).
func (p Product) Software() bool { return p.Kind == KindSoftware }

// Steward reports whether the product is declared by an open-source software
// steward (Article 24) rather than a manufacturer.
func (p Product) Steward() bool { return p.Role == RoleSteward }

// Route is the conformity assessment route with the alias "eucc" read as
// "eu-certification".
func (p Product) Route() string {
	if p.Conformity == "eucc" {
		return "eu-certification"
	}
	return p.Conformity
}

// Scheme is the certification scheme of an "eu-certification" route:
// product.certification_scheme, or "EUCC" for the alias conformity = "eucc".
func (p Product) Scheme() string {
	if s := strings.TrimSpace(p.CertificationScheme); s != "" {
		return s
	}
	if p.Conformity == "eucc" {
		return "EUCC"
	}
	return ""
}

// Support is the support period (Article 13(8), 13(19), Annex II(7)).
type Support struct {
	Start            *time.Time `toml:"start"`
	End              *time.Time `toml:"end"`
	ExpectedUseYears *int       `toml:"expected_use_years"`
	Rationale        string     `toml:"rationale"`
	Published        string     `toml:"published"`
}

// Disclosure is the coordinated vulnerability disclosure set-up (Annex I Part II(5)-(6)).
type Disclosure struct {
	Policy          string `toml:"policy"`
	Contact         string `toml:"contact"`
	SecurityTxt     string `toml:"security_txt"`
	AcknowledgeDays *int   `toml:"acknowledge_days"`
	Advisories      string `toml:"advisories"`
}

// Reporting is the Article 14 reporting set-up.
type Reporting struct {
	CSIRT   string `toml:"csirt"`
	Contact string `toml:"contact"`
	// Basis says why csirt is that member state (Article 14(7)): the main
	// establishment, or for a manufacturer without one in the Union its
	// authorised representative, importer, distributor, or most users.
	Basis string `toml:"basis"`
}

// RDPS is a remote data processing solution (Article 3(2)).
type RDPS struct {
	Name        string    `toml:"name" max:"256"`
	DevelopedBy string    `toml:"developed_by"`
	Hosting     string    `toml:"hosting"`
	OperatedBy  string    `toml:"operated_by"`
	Functions   []string  `toml:"functions" max:"256"`
	Rationale   string    `toml:"rationale"`
	SBOM        []SBOMRef `toml:"sbom"`
	Source      string    `toml:"source"`
}

// ThirdParty is a service the product relies on that the manufacturer did not
// design or commission.
type ThirdParty struct {
	Name         string   `toml:"name" max:"256"`
	Kind         string   `toml:"kind"`
	DevelopedBy  string   `toml:"developed_by"`
	Functions    []string `toml:"functions" max:"256"`
	Rationale    string   `toml:"rationale"`
	DueDiligence []string `toml:"due_diligence"`
	Evidence     []string `toml:"evidence"`
}

// Excluded is a service the manufacturer ruled out of scope, with the reason.
type Excluded struct {
	Name      string   `toml:"name" max:"256"`
	Reason    string   `toml:"reason"`
	Functions []string `toml:"functions" max:"256"`
	Rationale string   `toml:"rationale"`
}

// Vulnerabilities lists the manufacturer's answers to known vulnerabilities.
type Vulnerabilities struct {
	// VEX are repository paths of OpenVEX or CycloneDX VEX documents.
	VEX []string `toml:"vex"`
}

// Documentation names where each part of the technical documentation (Annex
// VII) and the user information (Annex II) is: a repository path, an https
// URL, or "n/a: reason". Field order is DocumentationItems' order.
type Documentation struct {
	Description             string `toml:"description"`
	Design                  string `toml:"design"`
	VulnerabilityHandling   string `toml:"vulnerability_handling"`
	RiskAssessment          string `toml:"risk_assessment"`
	SupportPeriodBasis      string `toml:"support_period_basis"`
	Standards               string `toml:"standards"`
	TestReports             string `toml:"test_reports"`
	DeclarationOfConformity string `toml:"declaration_of_conformity"`
	UserInformation         string `toml:"user_information"`
}

// Value returns the value of the item with the given key ("design"), "" when
// d is nil or the item is not written.
func (d *Documentation) Value(key string) string {
	if d == nil {
		return ""
	}
	switch key {
	case "description":
		return d.Description
	case "design":
		return d.Design
	case "vulnerability_handling":
		return d.VulnerabilityHandling
	case "risk_assessment":
		return d.RiskAssessment
	case "support_period_basis":
		return d.SupportPeriodBasis
	case "standards":
		return d.Standards
	case "test_reports":
		return d.TestReports
	case "declaration_of_conformity":
		return d.DeclarationOfConformity
	case "user_information":
		return d.UserInformation
	}
	return ""
}

// Gate holds settings of the gate itself rather than facts about the product.
// It is cra-gate's extension of the schema; every key is optional.
type Gate struct {
	// SupportWarningMonths: warn when support ends within this many months (default 12).
	SupportWarningMonths *int `toml:"support_warning_months"`
	// AcknowledgeMaxDays: warn when disclosure.acknowledge_days is above it
	// (default 14; the gate's convention, the CRA sets no such time).
	AcknowledgeMaxDays *int `toml:"acknowledge_max_days"`
	// SBOMThresholds overrides the minimum share (0-100) of SBOM components that
	// must carry a field, by field name (name, version, supplier, hash, license,
	// identifier, dependencies).
	SBOMThresholds map[string]float64 `toml:"sbom_thresholds"`
	// SBOMProfile names the definition SBOM fields are judged by: "ntia"
	// (the default: the NTIA minimum elements) or "bsi-tr-03183-2".
	SBOMProfile string `toml:"sbom_profile"`
}

// Pos returns where the key at path (see Path) is written, or its nearest written
// ancestor. Line 0 means nowhere in particular: the file as a whole.
func (m *Manifest) Pos(segs ...any) Pos {
	if m.index == nil {
		return Pos{}
	}
	return m.index.Nearest(Path(segs...))
}

// Has reports whether the key at path is written in the file.
func (m *Manifest) Has(segs ...any) bool {
	if m.index == nil {
		return false
	}
	_, ok := m.index.Lookup(Path(segs...))
	return ok
}

// Line returns the text of a 1-based line, or "".
func (m *Manifest) Line(n int) string {
	if n < 1 || n > len(m.Lines) {
		return ""
	}
	return m.Lines[n-1]
}

// Entries lists every [[rdps]], [[third_party]] and [[excluded]] entry with the
// section it is in, in that order: names must be unique across all three.
func (m *Manifest) Entries() []Entry {
	var out []Entry
	for i, e := range m.RDPS {
		out = append(out, Entry{Section: "rdps", Index: i, Name: e.Name, Functions: e.Functions, Rationale: e.Rationale})
	}
	for i, e := range m.ThirdParty {
		out = append(out, Entry{Section: "third_party", Index: i, Name: e.Name, Functions: e.Functions, Rationale: e.Rationale})
	}
	for i, e := range m.Excluded {
		out = append(out, Entry{Section: "excluded", Index: i, Name: e.Name, Functions: e.Functions, Rationale: e.Rationale})
	}
	return out
}

// Entry is the part every scope entry has in common.
type Entry struct {
	Section   string // rdps, third_party or excluded
	Index     int
	Name      string
	Functions []string
	Rationale string
}

// Label names an entry for messages: [[rdps]] "acme-cloud-api", or [[rdps]] #2.
func (e Entry) Label() string {
	if e.Name != "" {
		return "[[" + e.Section + "]] " + quote(e.Name)
	}
	return "[[" + e.Section + "]] #" + itoa(e.Index+1)
}

// Modification is a version of the product placed on the market after the
// first: a substantial modification needs a support period of its own
// (Article 13(8); guidance point 128), a non-substantial one keeps the
// original.
type Modification struct {
	Version          string     `toml:"version" max:"256"`
	Date             *time.Time `toml:"date"`
	Substantial      bool       `toml:"substantial"`
	Rationale        string     `toml:"rationale"`
	SupportEnd       *time.Time `toml:"support_end"`
	ExpectedUseYears *int       `toml:"expected_use_years"`
}

// Waiver accepts the findings of one rule (about one file, about one item)
// until a date, with the reason on the record.
type Waiver struct {
	Rule       string     `toml:"rule"`
	File       string     `toml:"file"`
	Item       string     `toml:"item" max:"1024"`
	Reason     string     `toml:"reason"`
	Until      *time.Time `toml:"until"`
	ApprovedBy string     `toml:"approved_by" max:"256"`
}
