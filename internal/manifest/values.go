package manifest

import "github.com/cra-gate/cra-gate/internal/category"

// The values that enumerated keys accept, in the order the docs list them.
var (
	Classes = []string{"default", "important-1", "important-2", "critical"}
	// Conformities: "eucc" is the alias of "eu-certification" with
	// certification_scheme = "EUCC" (see Product.Route).
	Conformities    = []string{"module-a", "module-b-c", "module-h", "eu-certification", "eucc"}
	Roles           = []string{"manufacturer", "steward"}
	DevelopedBy     = []string{"manufacturer", "commissioned", "third-party"}
	Hostings        = []string{"on-premises", "iaas", "paas", "edge", "other"}
	ThirdPartyKinds = []string{"saas", "paas", "iaas", "connectivity", "component-service", "other"}
	ExcludedReasons = []string{"analytics", "internal", "connectivity", "backend", "user-operated", "information-only", "other"}
	DueDiligence    = []string{"ce-marking", "eu-2024-2690", "dora", "eu-certification", "iso27017", "iso27001", "sla-vulnerability-notice", "other"}
	SBOMFields      = []string{"name",
		"version",
		"supplier",
		"hash",
		"license",
		"identifier",
		"dependencies",
		"creator",
		"hash-sha512",
		"filename",
		"license-evidence"}
	SBOMProfiles = []string{"ntia", "bsi-tr-03183-2", "bsi-tr-03183-2-v2.0"}
	Kinds        = []string{KindHardware, KindSoftware}
	// Categories: none, then the points of Annex III (class I, class II) and IV.
	Categories = category.IDs()
	// ReportingBases are the grounds Article 14(7) gives for the CSIRT.
	ReportingBases = []string{"main-establishment", "authorised-representative", "importer", "distributor", "most-users"}
)

// The values of product.kind.
const (
	KindHardware = "hardware"
	KindSoftware = "software"
)

// RoleSteward is the product.role of an open-source software steward
// (Article 24).
const RoleSteward = "steward"

// The ranges of the numeric [gate] settings; the manifest check reports a
// value outside them (manifest-invalid-value).
const (
	// MaxSupportWarningMonths bounds gate.support_warning_months (from 0).
	MaxSupportWarningMonths = 120
	// MaxAcknowledgeMaxDays bounds gate.acknowledge_max_days (from 1).
	MaxAcknowledgeMaxDays = 365
	// MaxThreshold bounds each gate.sbom_thresholds value (from 0): a percentage.
	MaxThreshold = 100
)

// MinWords is the gate's convention for texts that explain a decision: a
// rationale, a waiver's reason or an "n/a: reason" of fewer words is "a few
// words".
const MinWords = 6

// DocItem is one item of the [documentation] table.
type DocItem struct {
	Key       string // the cra.toml key under [documentation]
	What      string // what it holds, for messages
	Reference string // the provision that asks for it
}

// DocumentationItems lists the [documentation] items in the order the docs list them.
var DocumentationItems = []DocItem{
	{"description", "the general description of the product", "Annex VII(1)"},
	{"design", "the design and development information, including the system architecture and its RDPS", "Annex VII(2)(a)"},
	{"vulnerability_handling", "the vulnerability handling processes", "Annex VII(2)(b)"},
	{"risk_assessment", "the cybersecurity risk assessment", "Annex VII(3), Article 13(2)-(4)"},
	{"support_period_basis", "the information taken into account to determine the support period", "Annex VII(4), Article 13(8)"},
	{"standards", "the harmonised standards, common specifications or certification schemes applied, or the solutions adopted instead", "Annex VII(5)"},
	{"test_reports", "the reports of the tests verifying conformity", "Annex VII(6)"},
	{"declaration_of_conformity", "the EU declaration of conformity", "Annex VII(7), Annex V or VI"},
	{"user_information", "the information and instructions to the user", "Annex II"},
}
