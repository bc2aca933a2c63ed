package checks

import (
	"strings"

	"github.com/cra-gate/cra-gate/internal/sbom"
)

// An SBOM profile is a published definition of what an SBOM must hold. The
// CRA asks for an SBOM "in a commonly used and machine-readable format
// covering at the very least the top-level dependencies" (Annex I Part
// II(1)); it sets no field list. The field thresholds the gate applies are a
// profile's, named in every report, never presented as the CRA's.
type sbomProfile struct {
	id, title string
	fields    []profileField
	// creatorContact: the SBOM's creator must be given as an email address or
	// URL (BSI), not only named (NTIA).
	creatorContact bool
	// minCycloneDX and minSPDX are the oldest specs the profile accepts ("":
	// any the gate reads).
	minCycloneDX, minSPDX string
	// serial: the SBOM must have a URI of its own (CycloneDX serialNumber,
	// SPDX namespace or SBOM id).
	serial bool
	// noVulnerabilities: the SBOM must not carry vulnerability information.
	noVulnerabilities bool
}

// profileField is one field a profile asks for of every component.
type profileField struct {
	field      sbom.Field
	label      string  // for messages: "supplier name"
	definition string  // what counts, as the report states it
	threshold  float64 // default minimum share of components, percent; 0: informational
}

var (
	fieldNameDef    = profileField{sbom.FieldName, "component name", "a name that is not a placeholder", 100}
	fieldVersionDef = profileField{sbom.FieldVersion, "version", "a version that is not a placeholder (NOASSERTION, UNKNOWN, ${...}, @VERSION@)", 100}
	fieldDepsDef    = profileField{sbom.FieldDependencies,
		"dependency relationships",
		"the component has an entry in the dependency graph, or is the target of one",
		80}
	fieldEvidence = profileField{sbom.FieldLicenseEvidence,
		"licence evidence",
		"licences a tool found (CycloneDX evidence.licenses): not declared licences, shown for information",
		0}

	// ntia is the NTIA's "Minimum Elements for a Software Bill of Materials"
	// (2021): supplier name, component name, version, other unique
	// identifiers, dependency relationship, author of the SBOM data,
	// timestamp.
	ntia = &sbomProfile{id: "ntia", title: "NTIA minimum elements (2021)", fields: []profileField{
		{sbom.FieldSupplier, "supplier name", "the name of an entity that creates, defines or identifies the component: CycloneDX " +
			"supplier, manufacturer, publisher or author; SPDX supplier or originator", 80},
		fieldNameDef, fieldVersionDef,
		{sbom.FieldIdentifier, "unique identifier (purl or CPE)", "a valid purl or CPE", 80},
		fieldDepsDef,
		{sbom.FieldHash, "SHA-256/384/512 hash", "a SHA-2 or SHA-3 hash of the component (not an NTIA element: shown for information)", 0},
		{sbom.FieldLicense, "SPDX licence", "every licence named is a valid SPDX expression (not an NTIA element: shown for information)", 0},
		fieldEvidence,
	}}

	fieldCreatorDef = profileField{sbom.FieldCreator, "creator (email or URL)", "an email address or URL of the component's creator: " +
		"CycloneDX supplier or manufacturer url or contact email, an author's email; the (email) of an SPDX supplier or originator. " +
		"A name alone does not count", 80}
	fieldFilenameDef = profileField{sbom.FieldFilename, "filename", "the component's file name: CycloneDX property " +
		"bsi:component:filename (or the name of a component of type file), SPDX PackageFileName", 80}
	fieldSPDXLicenceDef = profileField{sbom.FieldLicense, "SPDX licence",
		"every licence named is a valid SPDX expression (a name such as \"Apache License 2.0\" is not)", 80}
	fieldSHA512Def = profileField{sbom.FieldHashSHA512, "SHA-512 hash",
		"the SHA-512 of the deployable component (a component hash, or one on its distribution reference)", 80}

	// bsi is BSI TR-03183-2 version 2.1.0 (2025-08-20), the current one:
	// for every component its creator as an email address or URL, name,
	// version, filename, dependencies, distribution licences as SPDX
	// expressions, the SHA-512 of the deployable form, whether it is
	// executable, an archive, structured, the URIs of its source code and of
	// its deployable form, and another unique identifier (purl, CPE); for
	// the SBOM its creator (email or URL), timestamp and URI; CycloneDX 1.6
	// or SPDX 3.0.1 or later; no vulnerability information in the SBOM.
	bsi = &sbomProfile{id: "bsi-tr-03183-2", title: "BSI TR-03183-2 v2.1.0", creatorContact: true, minCycloneDX: "1.6", minSPDX: "3.0.1",
		serial: true, noVulnerabilities: true, fields: []profileField{
			fieldCreatorDef, fieldNameDef, fieldVersionDef, fieldFilenameDef, fieldDepsDef, fieldSPDXLicenceDef, fieldSHA512Def,
			{sbom.FieldFileKinds, "executable, archive and structured properties", "the component says whether it is executable, an " +
				"archive and structured: CycloneDX properties bsi:component:executable, bsi:component:archive and " +
				"bsi:component:structured, all three; SPDX 3 a primary purpose", 80},
			{sbom.FieldSourceURI, "source code URI", "where the component's source code is: CycloneDX externalReferences of type " +
				"source-distribution or vcs; SPDX 3 an externalRef sourceArtifact", 80},
			{sbom.FieldDeployURI, "URI of the deployable form", "where the component's deployable form is: CycloneDX " +
				"externalReferences of type distribution; SPDX downloadLocation, SPDX 3 an externalRef binaryArtifact", 80},
			{sbom.FieldIdentifier, "unique identifier (purl or CPE)", "a valid purl or CPE", 80},
			fieldEvidence,
		}}

	// bsi20 is version 2.0 (2024-09-20): no longer valid for new SBOMs since
	// 2026-02-20 (six months after 2.1.0), kept to judge SBOMs delivered
	// under it.
	bsi20 = &sbomProfile{id: "bsi-tr-03183-2-v2.0", title: "BSI TR-03183-2 v2.0", creatorContact: true, minCycloneDX: "1.5",
		fields: []profileField{
			fieldCreatorDef, fieldNameDef, fieldVersionDef, fieldFilenameDef, fieldDepsDef, fieldSPDXLicenceDef, fieldSHA512Def,
			{sbom.FieldIdentifier, "unique identifier (purl or CPE)", "a valid purl or CPE (an additional field in v2.0: shown for information)", 0},
			fieldEvidence,
		}}

	// sbomProfiles are the profiles `[gate] sbom_profile` may name; the
	// first is the default.
	sbomProfiles = []*sbomProfile{ntia, bsi, bsi20}
)

// profile is the run's SBOM profile: [gate] sbom_profile, else NTIA.
func (c *run) profile() *sbomProfile {
	for _, p := range sbomProfiles {
		if p.id == c.m.Gate.SBOMProfile {
			return p
		}
	}
	return ntia
}

// generatorFixes say, per generator and field, what produces the field, or
// that nothing does (then the field is a waiver's or a post-processing
// step's). Keys: the generator as its name starts in the SBOM's metadata, and
// the field.
var generatorFixes = map[string]map[sbom.Field]string{
	"cyclonedx-gomod": {
		sbom.FieldSupplier: "cyclonedx-gomod writes no supplier, and none of its flags adds one: add suppliers in a " +
			"post-processing step, or waive the field (`[[waiver]] rule = \"sbom-field-coverage\" item " +
			"= \"supplier\"`) with the reason.",
		sbom.FieldCreator: "cyclonedx-gomod writes no supplier or manufacturer contact, and none of its flags adds " +
			"one: add them in a post-processing step, or waive the field with the reason.",
		sbom.FieldLicense: "Run cyclonedx-gomod with `-licenses -assert-licenses`: `-licenses` alone detects licences " +
			"but writes them as evidence, which does not count as a declared licence.",
		sbom.FieldHashSHA512: "cyclonedx-gomod writes the go.sum hashes (SHA-256) of modules: no flag writes a SHA-512; " +
			"waive the field with the reason, or add them in a post-processing step.",
		sbom.FieldFilename: "cyclonedx-gomod writes no filename for modules: waive the field with the reason.",
	},
	"syft": {
		sbom.FieldSupplier: "syft writes no supplier for most packages, and none of its options adds one: waive the " +
			"field with the reason, or add suppliers in a post-processing step.",
		sbom.FieldCreator:    "syft writes no supplier contact: waive the field with the reason, or add it in a post-processing step.",
		sbom.FieldHash:       "syft records digests of the files it catalogs, not of most packages: no option fills this field; waive it with the reason.",
		sbom.FieldHashSHA512: "syft records no SHA-512 of packages: waive the field with the reason.",
		sbom.FieldVersion: "syft writes UNKNOWN where the lockfile or binary gives no version: generate the SBOM from " +
			"the lockfile or the built artefact, which carry versions.",
	},
	"trivy": {
		sbom.FieldSupplier: "trivy writes no supplier, and none of its options adds one: waive the field with the reason.",
		sbom.FieldLicense:  "Run trivy with `--scanners license` (and `--license-full` for licences of files) so that licences are detected.",
		sbom.FieldHash: "trivy writes package hashes only where the lockfile or package database has them: no " +
			"option fills the rest; waive the field with the reason.",
	},
	"cdxgen": {
		sbom.FieldLicense:  "Run cdxgen with the environment variable FETCH_LICENSE=true so that it looks licences up in the package registries.",
		sbom.FieldSupplier: "cdxgen writes no supplier for most packages: waive the field with the reason.",
	},
	"cyclonedx-npm": {
		sbom.FieldSupplier: "cyclonedx-npm writes a supplier only where package.json names an author or a publisher: " +
			"no option fills the rest; waive the field with the reason.",
		sbom.FieldHash: "cyclonedx-npm writes the hashes of package-lock.json's integrity fields: run it with an " +
			"up-to-date lockfile (`npm install`), not `--package-lock-only` on a stale one.",
	},
	"cyclonedx-py": {
		sbom.FieldHash: "cyclonedx-py writes hashes only where the requirements or lock file pins them " +
			"(`--hash=sha256:...`, Poetry and Pipenv locks): pin hashes there.",
		sbom.FieldLicense: "Generate the SBOM from the installed environment (`cyclonedx-py environment`), where package metadata names the licences.",
	},
	"microsoft.sbomtool": {
		sbom.FieldSupplier: "sbom-tool writes the supplier of the main package only (`-ps`): no option names the " +
			"suppliers of dependencies; waive the field with the reason.",
	},
}

// generatorAliases map how generators name themselves to generatorFixes' keys.
var generatorAliases = map[string]string{
	"@cyclonedx/cyclonedx-npm": "cyclonedx-npm", "cyclonedx-npm": "cyclonedx-npm",
	"cyclonedx-py": "cyclonedx-py", "cyclonedx-bom": "cyclonedx-py", "cyclonedx-python-lib": "cyclonedx-py",
	"cyclonedx-gomod": "cyclonedx-gomod", "syft": "syft", "trivy": "trivy", "cdxgen": "cdxgen", "@cyclonedx/cdxgen": "cdxgen",
	"microsoft.sbomtool": "microsoft.sbomtool", "microsoft sbom tool": "microsoft.sbomtool",
}

// generatorOf names the generator of d that generatorFixes knows, or "".
func generatorOf(d *sbom.Document) string {
	for _, t := range d.Metadata.Tools {
		name := strings.ToLower(strings.TrimSpace(t))
		name = strings.TrimPrefix(name, "tool: ")
		for alias, key := range generatorAliases {
			if strings.HasPrefix(name, alias) {
				return key
			}
		}
	}
	return ""
}
