package sbom

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

// corpusCase is what Parse and Coverage must report for one corpus file.
// Component counts follow INDEX.md ("comps", recursive) except where noted.
type corpusCase struct {
	format      Format
	enc         Encoding
	spec        string
	comps       int
	services    int
	primary     bool // a primary component is identified
	primaryDeps bool // HasDependencyFromPrimary
	names       int  // components with a real name
	versions    int  // components with a real version
	legacy      bool
}

var corpus = map[string]corpusCase{
	// 1.1 has no metadata and no dependencies: legacy, no primary.
	"cdx11-laravel-7.12.0.xml": {CycloneDX, XML, "1.1", 62, 0, false, false, 62, 62, true},
	// Maven plugin 2.0.2 lists the parent POM but gives it no dependencies entry.
	"cdx12-dropwizard-1.3.15.xml": {CycloneDX, XML, "1.2", 167, 0, true, false, 167, 167, false},
	// Same generator: 899 entries, none for the metadata component.
	"cdx12-keycloak-10.0.2.json": {CycloneDX, JSON, "1.2", 903, 0, true, false, 903, 903, false},
	// The same BOM in XML must read identically.
	"cdx12-keycloak-10.0.2.xml": {CycloneDX, XML, "1.2", 903, 0, true, false, 903, 903, false},
	// 837 top-level components with nested ones: 1115 flattened; juice-shop@14.1.1 depends on 71.
	"cdx13-juice-shop-npm-bare.json": {CycloneDX, JSON, "1.3", 1115, 0, true, true, 1115, 1115, false},
	// XML 1.3 with nested <dependency> elements from the metadata component.
	"cdx13-laravel-7.12.0.xml": {CycloneDX, XML, "1.3", 62, 0, true, true, 62, 62, false},
	// Flat variant of the bare BOM: same count.
	"cdx14-juice-shop-npm-flat.json": {CycloneDX, JSON, "1.4", 1115, 0, true, true, 1115, 1115, false},
	// XML 1.4 like the 1.3 file.
	"cdx14-laravel-7.12.0.xml": {CycloneDX, XML, "1.4", 62, 0, true, true, 62, 62, false},
	// Services only: zero components, 1 top-level service with 5 nested ones.
	"cdx14-saasbom-services-only.json": {CycloneDX, JSON, "1.4", 0, 6, true, true, 0, 0, false},
	// 1.5 tools object form; 471 top-level components, 1027 flattened.
	"cdx15-openregister-cyclonedx-npm.json": {CycloneDX, JSON, "1.5", 1027, 0, true, true, 1027, 1027, false},
	// Black Duck export: 4 dependency entries, the metadata component's lists 109.
	"cdx15-sbomqs-sample.json": {CycloneDX, JSON, "1.5", 116, 0, true, true, 116, 116, false},
	// INDEX.md says 4: it also counts a pedigree ancestor, which is provenance
	// of tomcat-catalina, not a component of this BOM. The metadata component has no bom-ref.
	"cdx16-cyclonedx-go-valid-bom.xml": {CycloneDX, XML, "1.6", 3, 0, true, false, 3, 3, false},
	// trivy image scan: the container depends on 56 packages.
	"cdx16-trivy-fluentd-image.json": {CycloneDX, JSON, "1.6", 161, 0, true, true, 161, 161, false},
	// Spec 1.7 reads like 1.6.
	"cdx17-trivy-fluentd-image.json": {CycloneDX, JSON, "1.7", 161, 0, true, true, 161, 161, false},
	// Unexpanded template: @VCS_VERSION@ is not a version; no metadata component.
	"edge-cdx16-libspdm-template-placeholders.json": {CycloneDX, JSON, "1.6", 1, 0, false, false, 1, 0, false},
	// Fails the 1.6 JSON schema but is readable: 2 top-level, 21 flattened.
	"edge-cdx16-schema-invalid.json": {CycloneDX, JSON, "1.6", 21, 0, true, true, 21, 21, false},
	// Described package CONTAINS the layer; the layer package has no version.
	"spdx22-tern-photon.json": {SPDX, JSON, "2.2", 38, 0, true, true, 38, 37, false},
	// syft 0.83 DESCRIBES SPDXRef-DOCUMENT itself: no primary; only OTHER relationships.
	"spdx23-syft-kong-atc-router.json": {SPDX, JSON, "2.3", 44, 0, false, false, 44, 44, false},
	// Directory root CONTAINS all modules; the main module's version is UNKNOWN, the root has none.
	"spdx23-syft-terraform-provider-aci.json": {SPDX, JSON, "2.3", 63, 0, true, true, 63, 61, false},
	// Filesystem root CONTAINS the two conda packages and has no version itself.
	"spdx23-trivy-conda.json": {SPDX, JSON, "2.3", 3, 0, true, true, 3, 2, false},
}

func TestCorpus(t *testing.T) {
	dir := realdata.Dir(t, "sbom")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || name == "INDEX.md" {
			continue
		}
		want, ok := corpus[name]
		if !ok {
			t.Errorf("%s: corpus file without an expectation", name)
			continue
		}
		seen++
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			q := Coverage(d)
			got := corpusCase{d.Format, d.Encoding, d.SpecVersion, len(d.Components), d.Services,
				d.Primary != nil, d.HasDependencyFromPrimary(),
				q.Field(FieldName).Present, q.Field(FieldVersion).Present, d.Legacy()}
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if q.Components != len(d.Components) || q.Document.SpecVersion != d.SpecVersion {
				t.Errorf("quality totals %d/%q disagree with the document", q.Components, q.Document.SpecVersion)
			}
			if len(d.Warnings) != 0 {
				t.Errorf("warnings: %q", d.Warnings)
			}
		})
	}
	if seen != len(corpus) {
		t.Errorf("%d expectations, %d corpus files matched", len(corpus), seen)
	}
}

// TestCorpusDetails pins figures beyond the table, each checked by hand
// against the file.
func TestCorpusDetails(t *testing.T) {
	dir := realdata.Dir(t, "sbom")
	read := func(t *testing.T, name string) (*Document, Quality) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		return d, Coverage(d)
	}

	t.Run("libspdm placeholders", func(t *testing.T) {
		d, q := read(t, "edge-cdx16-libspdm-template-placeholders.json")
		if v := q.Field(FieldVersion); v.Present != 0 || !slices.Equal(v.Missing, []string{"libspdm@@VCS_VERSION@"}) {
			t.Errorf("version coverage %+v", v)
		}
		// The CPE is well formed but carries @VCS_TAG@.
		if !ValidCPE(d.Components[0].CPE) || q.Field(FieldIdentifier).Present != 0 {
			t.Errorf("identifier: CPE %q, coverage %+v", d.Components[0].CPE, q.Field(FieldIdentifier))
		}
		// Authors is only "@VCS_SBOM_AUTHORS@" and there are no tools.
		if q.Document.Creator || q.Document.TimestampPresent || q.Document.SerialNumber {
			t.Errorf("document quality %+v", q.Document)
		}
		if q.Field(FieldSupplier).Present != 1 || q.Field(FieldLicense).Present != 1 {
			t.Errorf("supplier DMTF and BSD-3-Clause should count: %+v", q.Fields)
		}
	})

	t.Run("keycloak json and xml agree", func(t *testing.T) {
		dj, qj := read(t, "cdx12-keycloak-10.0.2.json")
		dx, qx := read(t, "cdx12-keycloak-10.0.2.xml")
		for i, f := range qj.Fields {
			if f.Field == FieldSourceURI {
				continue // the two files differ: 832 components with a vcs reference in the JSON, 794 in the XML
			}
			if f.Present != qx.Fields[i].Present {
				t.Errorf("%s: json %d, xml %d", f.Field, f.Present, qx.Fields[i].Present)
			}
		}
		if len(dj.Dependencies) != 899 || len(dx.Dependencies) != 899 {
			t.Errorf("dependency entries json %d, xml %d, want 899", len(dj.Dependencies), len(dx.Dependencies))
		}
		if !slices.Equal(dj.Components[10].Hashes, dx.Components[10].Hashes) || !slices.Equal(dj.Components[10].Licenses, dx.Components[10].Licenses) {
			t.Errorf("component 10 differs:\n%+v\n%+v", dj.Components[10], dx.Components[10])
		}
	})

	t.Run("openregister distribution hashes", func(t *testing.T) {
		// cyclonedx-npm puts the SHA-512 integrity only on the distribution reference.
		d, q := read(t, "cdx15-openregister-cyclonedx-npm.json")
		if q.Field(FieldHash).Present != 1027 {
			t.Errorf("hash coverage %+v", q.Field(FieldHash))
		}
		if !slices.Equal(d.Metadata.Tools, []string{"npm 10.9.4", "cyclonedx-npm 4.2.1", "cyclonedx-library 10.0.0"}) {
			t.Errorf("tools %q", d.Metadata.Tools)
		}
		if !q.Document.Timestamp || !q.Document.SerialNumber || !q.Document.Creator {
			t.Errorf("document quality %+v", q.Document)
		}
	})

	t.Run("juice-shop has no timestamp or serial", func(t *testing.T) {
		_, q := read(t, "cdx13-juice-shop-npm-bare.json")
		if q.Document.TimestampPresent || q.Document.SerialNumber || !q.Document.Creator {
			t.Errorf("document quality %+v", q.Document)
		}
	})

	t.Run("aci relationships", func(t *testing.T) {
		d, q := read(t, "spdx23-syft-terraform-provider-aci.json")
		root := d.Dependencies["SPDXRef-DocumentRoot-Directory-.-"]
		if d.Primary == nil || d.Primary.Name != "./" || len(root) != 62 {
			t.Fatalf("primary %+v with %d dependencies", d.Primary, len(root))
		}
		// 106 DEPENDENCY_OF edges, inverted onto the depending module.
		edges := 0
		for _, ts := range d.Dependencies {
			edges += len(ts)
		}
		if edges != 62+106 {
			t.Errorf("%d edges, want 168 (62 CONTAINS + 106 DEPENDENCY_OF)", edges)
		}
		if q.Field(FieldDependencies).Present != 63 || q.Field(FieldSupplier).Present != 0 {
			t.Errorf("coverage %+v", q.Fields)
		}
		if !slices.Equal(d.Metadata.Tools, []string{"syft-1.42.3"}) || !slices.Equal(d.Metadata.Authors, []string{"Anchore, Inc"}) {
			t.Errorf("creators: tools %q authors %q", d.Metadata.Tools, d.Metadata.Authors)
		}
		if !strings.HasPrefix(d.Metadata.Namespace, "https://") || !q.Document.SerialNumber {
			t.Errorf("namespace %q", d.Metadata.Namespace)
		}
	})

	t.Run("photon describes twice", func(t *testing.T) {
		// documentDescribes and a DESCRIBES relationship name the same package.
		d, q := read(t, "spdx22-tern-photon.json")
		if !slices.Equal(d.Described, []string{"SPDXRef-photon-3.0"}) {
			t.Errorf("described %q", d.Described)
		}
		if q.Field(FieldHash).Present != 1 || q.Field(FieldIdentifier).Present != 0 {
			t.Errorf("coverage %+v", q.Fields)
		}
	})

	t.Run("laravel 1.1 xml licences and purls", func(t *testing.T) {
		_, q := read(t, "cdx11-laravel-7.12.0.xml")
		if q.Field(FieldLicense).Present != 62 || q.Field(FieldIdentifier).Present != 62 || q.Field(FieldDependencies).Present != 0 {
			t.Errorf("coverage %+v", q.Fields)
		}
	})
}
