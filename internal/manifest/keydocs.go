package manifest

import "fmt"

// KeyDoc is what schema/cra.schema.json says of one cra.toml key beyond its
// Go type in the model: its description, and the facts the manifest check
// enforces in code (values, ranges, required keys).
type KeyDoc struct {
	// Doc says what the key means and which CRA provision it serves (or that
	// it is the gate's convention).
	Doc string
	// Values are the values a string key, or each item of a list of strings,
	// accepts (manifest-invalid-value; an empty string reads as not
	// written); for a map, the keys it accepts.
	Values []string
	// Range bounds a number (manifest-invalid-value); nil: the type's bounds.
	Range *Range
	// Words is the fewest words a text must have, as strings.Fields counts
	// them (waiver-invalid).
	Words int
	// Required says whether manifest-required asks for the key.
	Required Requirement
}

// Range is an inclusive range of numbers.
type Range struct{ Min, Max float64 }

// Requirement says whether a key must be written.
type Requirement int

const (
	// Optional keys may be left out.
	Optional Requirement = iota
	// Required keys must be written: a string that is not blank, a list with
	// an item that is not blank, a date.
	Required
	// RequiredUnlessSteward keys are required unless product.role is
	// RoleSteward.
	RequiredUnlessSteward
)

// KeyDocs documents every key of the model, by its path: "product.name";
// "rdps.name" for a key of every [[rdps]] entry; "gate.sbom_thresholds.name"
// for a key of a map; "" for the file itself. The schema generator
// (internal/craschema) fails on a key without a KeyDoc and on a KeyDoc
// without a key.
var KeyDocs = keyDocs()

func keyDocs() map[string]KeyDoc {
	d := map[string]KeyDoc{
		"": {Doc: "cra.toml, schema 1: one product's facts under the EU Cyber Resilience Act (Regulation (EU) 2024/2847), as cra-gate checks them. Keys are snake_case; dates are TOML dates without quotes (2031-03-01); paths are relative to the repository root. See https://github.com/cra-gate/cra-gate#cratoml."},
		"schema": {Doc: "The cra.toml schema the file is written for: 1. Missing, schema 1 is assumed with a warning (manifest-schema-missing); another number is an error (manifest-schema-unsupported). The gate's convention.",
			Range: &Range{SchemaVersion, SchemaVersion}},

		"product":              {Doc: "The product with digital elements (Article 3(1)): who places it on the market, what it does, its class and conformity assessment route, and its SBOMs."},
		"product.name":         {Doc: "The product's name, as the user information (Annex II(1)) and the EU declaration of conformity name it.", Required: Required},
		"product.manufacturer": {Doc: "Who places the product on the market under its own name (Annex II(1)): the manufacturer, or for role = \"steward\" the open-source software steward (Article 3(14)). The documentation check looks for it in the user information.", Required: Required},
		"product.version":      {Doc: "The product's version the file describes; shown in every report (informative)."},
		"product.description":  {Doc: "What the product is and does, in a sentence (informative; the general description of Annex VII(1) is [documentation] description)."},
		"product.class": {Doc: "The product's class: default, important-1 or important-2 (Article 7, Annex III) or critical (Article 8, Annex IV). It decides which conformity routes the product may use (Article 32). Not written: default, with a notice (scope-class-missing).",
			Values: Classes},
		"product.conformity": {Doc: "The conformity assessment route (Article 32): module-a (internal control), module-b-c (EU-type examination and conformity to type), module-h (full quality assurance) or eu-certification (a European cybersecurity certification scheme, Article 27(9)); \"eucc\" reads as eu-certification with certification_scheme = \"EUCC\". The route must fit product.class (scope-conformity-route).",
			Values: Conformities},
		"product.placed_on_market":     {Doc: "The date the first unit was made available on the EU market: the start of the support period unless support.start is set (Article 13(8)); before 11 December 2027 the legacy-product notice applies (Article 69)."},
		"product.functions":            {Doc: "What the product does, one name per function, supporting functions included (onboarding, updates, remote commands): the functions the Article 3(2) test of every [[rdps]], [[third_party]] and [[excluded]] entry names.", Required: Required},
		"product.sbom":                 {Doc: "Repository paths of the product's SBOMs (CycloneDX 1.2-1.7 JSON or XML, SPDX 2.2/2.3), covering at the very least the top-level dependencies (Annex I Part II(1), Annex VII(2)(b))."},
		"product.source":               {Doc: "The repository folder whose dependency manifests (go.mod, package-lock.json, Cargo.toml, requirements.txt) the product's SBOMs must cover (drift check; default: the repository root)."},
		"product.harmonised_standards": {Doc: "The references of the harmonised standards, common specifications or certification schemes applied in full, such as [\"EN 18031-1:2024\"] (Annex VII(5)); they allow module-a for an important class I product (Article 32(2)). true still reads, with a warning asking for the references (scope-standards-unnamed)."},
		"product.certification_scheme": {Doc: "With conformity = \"eu-certification\": the European cybersecurity certification scheme applied, such as \"EUCC\" (Article 27(9), Article 32(1)(d))."},
		"product.foss":                 {Doc: "true: free and open-source software whose technical documentation is public, which may use module-a in class important-1 or important-2 (Article 32(5))."},
		"product.role": {Doc: "manufacturer (the default) or steward: an open-source software steward (Article 3(14)) has the obligations of Article 24; the conformity, support-period and documentation rules are skipped for it, and support.end is not required.",
			Values: Roles},

		"support":                    {Doc: "The support period, during which vulnerabilities are handled and security updates provided (Article 13(8)); its end date is stated to users (Article 13(19), Annex II(7))."},
		"support.start":              {Doc: "The start of the support period; default product.placed_on_market (Article 13(8))."},
		"support.end":                {Doc: "The end of the support period: the date security updates end (Article 13(8)). At least five years after the start, unless the product is expected to be in use for less (expected_use_years and rationale).", Required: RequiredUnlessSteward},
		"support.expected_use_years": {Doc: "The time the product is expected to be in use, in years: with a rationale, a period shorter than five years must match it (Article 13(8)); a five-year period shorter than it is a warning."},
		"support.rationale":          {Doc: "Why the product is expected to be in use for expected_use_years (Article 13(8); the basis belongs in the technical documentation, Annex VII(4))."},
		"support.published":          {Doc: "Where users can read the end of the support period with at least month and year (Article 13(19), Annex II(7)): a repository path (it must exist) or an https URL."},

		"disclosure":                  {Doc: "Coordinated vulnerability disclosure: the policy and the contact for reporting vulnerabilities (Annex I Part II(5)-(6), Annex II(2))."},
		"disclosure.policy":           {Doc: "The coordinated vulnerability disclosure policy (Annex I Part II(5)): a repository path (the gate reads it for a reporting channel and what happens next) or an https URL accepted as given.", Required: Required},
		"disclosure.contact":          {Doc: "The contact for reporting vulnerabilities (Annex I Part II(6), Annex II(2), Article 13(17)): a mailto: address or an https: URL, named in the policy too; a web form alone is a warning.", Required: Required},
		"disclosure.security_txt":     {Doc: "An RFC 9116 security.txt in the repository, or an https URL, checked for Contact and Expires (Annex I Part II(6))."},
		"disclosure.acknowledge_days": {Doc: "The promised first response to a vulnerability report, in days: a positive number; more than gate.acknowledge_max_days (default 14, the gate's convention) is a warning (Annex I Part II(5))."},
		"disclosure.advisories":       {Doc: "Where security advisories are published (informative; Annex I Part II(4))."},

		"reporting":         {Doc: "The Article 14 reporting set-up: notifications of actively exploited vulnerabilities and severe incidents, from 11 September 2026 (Article 71(2)); for a steward from 11 December 2027 (Article 24(3)). Missing: an error from that date, a warning before."},
		"reporting.csirt":   {Doc: "The ISO 3166-1 alpha-2 code of the EU or EEA member state of main establishment, whose CSIRT receives the notifications (Article 14(7)); Greece is GR."},
		"reporting.contact": {Doc: "A mailto: or https: contact of whoever files the 24-hour early warning and the notifications (Article 14(1)-(4))."},

		"rdps":              {Doc: "Remote data processing solutions (Article 3(2)): remote processing designed and developed by the manufacturer or under its responsibility, whose absence would prevent the product from performing one of its functions. Names are unique across [[rdps]], [[third_party]] and [[excluded]]."},
		"rdps.name":         {Doc: "The RDPS's name, unique across [[rdps]], [[third_party]] and [[excluded]]; a product SBOM component with this name covers it.", Required: Required},
		"rdps.developed_by": {Doc: "Who designed and developed it: manufacturer, or commissioned (built solely on the manufacturer's behalf to its specifications); third-party is an error here, such a service belongs in [[third_party]] (Article 3(2)).", Values: DevelopedBy},
		"rdps.hosting":      {Doc: "Where it runs (informative): who operates it is not decisive for the Article 3(2) test.", Values: Hostings},
		"rdps.operated_by":  {Doc: "Who operates it (informative: not decisive for the Article 3(2) test)."},
		"rdps.functions":    {Doc: "The product functions that cannot work without it, each one of product.functions; an RDPS needs at least one (Article 3(2))."},
		"rdps.rationale":    {Doc: "Why it is RDPS, by the Article 3(2) test (Recitals 11-12); a few words is a warning, none an error."},
		"rdps.sbom":         {Doc: "Repository paths of its own SBOMs (Annex I Part II(1)); without them a product SBOM must list a component with its name."},
		"rdps.source":       {Doc: "The repository folder whose dependency manifests its SBOMs must cover (drift check)."},

		"third_party":               {Doc: "Remote services the product relies on that the manufacturer neither designed nor commissioned: not RDPS, but third-party components that get due diligence (Article 13(5), by analogy; Commission RDPS guidance)."},
		"third_party.name":          {Doc: "The service's name, unique across [[rdps]], [[third_party]] and [[excluded]].", Required: Required},
		"third_party.kind":          {Doc: "What kind of service it is; a connectivity provider belongs in [[excluded]] with reason connectivity (a notice).", Values: ThirdPartyKinds},
		"third_party.developed_by":  {Doc: "Who developed it: third-party. manufacturer or commissioned with functions is RDPS by Article 3(2) (an error: move it to [[rdps]]).", Values: DevelopedBy},
		"third_party.functions":     {Doc: "The product functions that rely on it, each one of product.functions; with any, due_diligence and evidence are required (Article 13(5), by analogy)."},
		"third_party.rationale":     {Doc: "Why it is a third-party service and not RDPS (Article 3(2), Recitals 11-12)."},
		"third_party.due_diligence": {Doc: "The due diligence exercised on the service (Article 13(5), by analogy): certifications, regulatory regimes or contractual terms it rests on.", Values: DueDiligence},
		"third_party.evidence":      {Doc: "Where the due diligence is recorded: repository paths (they must exist) or https URLs (Article 13(5), Article 31(1))."},

		"excluded":           {Doc: "Remote services ruled out of scope, with the reason: not needed by any product function, a network that carries them, or a segregated back-end (Article 3(2), Recitals 11-12)."},
		"excluded.name":      {Doc: "The service's name, unique across [[rdps]], [[third_party]] and [[excluded]].", Required: Required},
		"excluded.reason":    {Doc: "Why it is out of scope: connectivity (a network that only carries the product's traffic) and backend (a segregated back-end that does not interact with the product directly) may name functions; the others may not (Article 3(2)).", Values: ExcludedReasons},
		"excluded.functions": {Doc: "Only for reason connectivity (the functions the network carries) or backend: a notice. For any other reason a function that needs the service makes it RDPS or a third-party service (an error)."},
		"excluded.rationale": {Doc: "Why the service is out of scope (Article 3(2), Recitals 11-12)."},

		"vulnerabilities":     {Doc: "The vulns check's inputs: the answers to known vulnerabilities (Annex I Part I(2)(a), Annex I Part II(2)-(4))."},
		"vulnerabilities.vex": {Doc: "Repository paths of OpenVEX or CycloneDX VEX documents: statements that a known vulnerability does not affect the product (not_affected, with a justification) or is fixed."},

		"documentation": {Doc: "Where the technical documentation (Article 31, Annex VII) and the user information (Annex II) are. Each item: a repository path (a file or folder; it must exist), an https URL, or \"n/a: reason\". A missing item is a warning before 11 December 2027 and an error from then (Article 71(2))."},

		"gate": {Doc: "cra-gate's own settings, not facts about the product; every key is optional."},
		"gate.support_warning_months": {Doc: "Warn when support.end is less than this many months ahead (default 12; the gate's convention).",
			Range: &Range{0, MaxSupportWarningMonths}},
		"gate.acknowledge_max_days": {Doc: "Warn when disclosure.acknowledge_days is above it (default 14; the gate's convention: the CRA sets no time).",
			Range: &Range{1, MaxAcknowledgeMaxDays}},
		"gate.sbom_profile": {Doc: "The SBOM profile whose field list applies: ntia (the default: NTIA minimum elements, 2021) or bsi-tr-03183-2 (BSI TR-03183-2 v2.0). The CRA names no fields (Annex I Part II(1)).",
			Values: SBOMProfiles},
		"gate.sbom_thresholds": {Doc: "Minimum share of SBOM components, in percent, that must carry each field; overrides the profile's default. 0 makes a field informational.",
			Values: SBOMFields, Range: &Range{0, MaxThreshold}},
		"gate.sbom_thresholds.name":             {Doc: "Components with a name that is not a placeholder, in percent."},
		"gate.sbom_thresholds.version":          {Doc: "Components with a version that is not a placeholder, in percent."},
		"gate.sbom_thresholds.supplier":         {Doc: "Components that name their supplier (CycloneDX supplier, manufacturer, publisher or author; SPDX supplier or originator), in percent."},
		"gate.sbom_thresholds.hash":             {Doc: "Components with a SHA-2 or SHA-3 hash, in percent."},
		"gate.sbom_thresholds.license":          {Doc: "Components whose every licence is a valid SPDX expression, in percent."},
		"gate.sbom_thresholds.identifier":       {Doc: "Components with a valid purl or CPE, in percent."},
		"gate.sbom_thresholds.dependencies":     {Doc: "Components in the dependency graph, in percent."},
		"gate.sbom_thresholds.creator":          {Doc: "Components whose creator is given as an email address or URL (BSI TR-03183-2), in percent."},
		"gate.sbom_thresholds.hash-sha512":      {Doc: "Components with the SHA-512 of their deployable form (BSI TR-03183-2), in percent."},
		"gate.sbom_thresholds.filename":         {Doc: "Components with their file name (BSI TR-03183-2), in percent."},
		"gate.sbom_thresholds.license-evidence": {Doc: "Components with licences a tool found (CycloneDX evidence.licenses), in percent."},

		"waiver":      {Doc: "A known gap accepted for a while, on the record: the findings of one rule (about one file, about one item) do not count toward the verdict until the date, and stay in every report, marked. The gate's convention."},
		"waiver.rule": {Doc: "The id of the rule whose findings it accepts (cra-gate rules). Not the manifest check's rules that mean cra.toml could not be read, the waiver rules, nor the vulns check's rules (answer those with VEX statements).", Required: Required},
		"waiver.file": {Doc: "Only the findings about this repository file (as the report names it)."},
		"waiver.item": {Doc: "Only the finding about this item (the JSON report's findings[].item): a dependency, a component, an entry's name, a function or a field."},
		"waiver.reason": {Doc: fmt.Sprintf("Why the gap is acceptable until then: a sentence of at least %d words.", MinWords),
			Required: Required, Words: MinWords},
		"waiver.until":       {Doc: "The date the waiver expires: from then its findings count again and the waiver fails the gate (waiver-expired); more than 12 months ahead is a warning.", Required: Required},
		"waiver.approved_by": {Doc: "Who approved the waiver (informative)."},
	}
	for _, it := range DocumentationItems {
		d["documentation."+it.Key] = KeyDoc{Doc: fmt.Sprintf("Points to %s (%s): a repository path (a file or folder; it must exist), an https URL, or \"n/a: reason\".", it.What, it.Reference)}
	}
	ui := d["documentation.user_information"]
	ui.Doc += " The gate reads the document for the manufacturer, the vulnerability contact, the end of support with month and year, and where the EU declaration of conformity is (Annex II(1), (2), (6), (7), Article 13(19))."
	d["documentation.user_information"] = ui
	return d
}
