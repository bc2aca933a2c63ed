package sbom

import (
	"slices"
	"strings"
	"testing"
)

func TestValidLicenseExpression(t *testing.T) {
	valid := []string{
		"MIT", "mit", "Apache-2.0", " BSD-3-Clause ", "Unicode-3.0", "0BSD",
		"Apache-2.0 OR MIT",
		"(MIT OR Apache-2.0) AND BSD-3-Clause",
		"((MIT))",
		"GPL-2.0-only WITH Classpath-exception-2.0",
		"GPL-2.0-or-later WITH LLVM-exception OR MIT",
		"(GPL-2.0-only WITH Classpath-exception-2.0) AND (LGPL-2.1+ OR MIT)",
		"GPL-2.0+", "LGPL-2.1+", "GPL-2.0", // deprecated ids remain valid
		"LicenseRef-scancode-proprietary", "LicenseRef-1.2-x",
		"DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
		"MIT AND LicenseRef-x WITH AdditionRef-y",
		"MIT\tOR\nISC",
	}
	invalid := []string{
		"", " ", "NOASSERTION", "NONE", "noassertion",
		"MIT AND", "AND MIT", "MIT OR OR ISC", "(MIT", "MIT)", "()", "MIT ISC",
		"Apache 2.0", "MIT License", "The Apache Software License, Version 2.0",
		"MIT and Apache-2.0", // operators are upper case
		"MIT WITH", "MIT WITH MIT", "Classpath-exception-2.0", "WITH Classpath-exception-2.0",
		"MIT WITH Classpath-exception-2.0 WITH LLVM-exception",
		"LicenseRef-", "LicenseRef-a_b", "DocumentRef-:LicenseRef-x", "DocumentRef-x:MIT",
		"MIT++", "+", "NotALicense-1.0",
		strings.Repeat("(", 100) + "MIT" + strings.Repeat(")", 100), // deeper than maxExprDepth
	}
	checkValidator(t, "ValidLicenseExpression", ValidLicenseExpression, valid, invalid)
}

// TestLicenseLists checks that the library's lists hold every OSI-approved
// licence in common use and the usual exceptions, each in its own role.
func TestLicenseLists(t *testing.T) {
	for _, id := range strings.Fields(`0BSD AFL-3.0 AGPL-3.0-only AGPL-3.0-or-later Apache-1.1 Apache-2.0 APSL-2.0
		Artistic-2.0 BlueOak-1.0.0 BSD-1-Clause BSD-2-Clause BSD-2-Clause-Patent BSD-3-Clause BSL-1.0 CDDL-1.0
		CECILL-2.1 ECL-2.0 EFL-2.0 EPL-1.0 EPL-2.0 EUPL-1.1 EUPL-1.2 GPL-2.0-only GPL-2.0-or-later GPL-3.0-only
		GPL-3.0-or-later ISC LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0-only LGPL-3.0-or-later LPL-1.02 MIT MIT-0
		MPL-1.1 MPL-2.0 MS-PL MS-RL MulanPSL-2.0 NCSA OFL-1.1 OSL-3.0 PostgreSQL Python-2.0 UPL-1.0 Unlicense
		Unicode-DFS-2016 W3C Zlib ZPL-2.1 CC0-1.0 CC-BY-4.0 CC-BY-SA-4.0 WTFPL OpenSSL curl BSD-3-Clause-Clear`) {
		if !ValidLicenseExpression(id) || !ValidLicenseExpression(id+" AND MIT") {
			t.Errorf("licence id %s not accepted", id)
		}
	}
	for _, id := range strings.Fields(`Classpath-exception-2.0 LLVM-exception GCC-exception-3.1 Linux-syscall-note
		Autoconf-exception-3.0 Bison-exception-2.2 OpenJDK-assembly-exception-1.0 Qt-LGPL-exception-1.1`) {
		if !ValidLicenseExpression("GPL-2.0-only WITH "+id) || ValidLicenseExpression(id) {
			t.Errorf("exception id %s: not accepted after WITH, or accepted as a licence", id)
		}
	}
	if ValidLicenseExpression("MIT WITH MIT") {
		t.Error("a licence accepted as an exception")
	}
	// Identifiers the hand-kept list of SPDX License List 3.26 lacked.
	for _, s := range []string{"OpenMDW-1.0", "ESA-PL-permissive-2.4", "HDF5", "MIT OR UnRAR", "GPL-2.0-only WITH sqlitestudio-OpenSSL-exception"} {
		if !ValidLicenseExpression(s) {
			t.Errorf("%q: a current SPDX identifier is rejected", s)
		}
	}
}

func TestValidPurl(t *testing.T) {
	valid := []string{
		"pkg:npm/%40angular/core@16.0.0",
		"pkg:npm/@angular/core@16.0.0", // unencoded scope, common in the wild
		"pkg:npm/lodash",
		"pkg:maven/org.apache.commons/commons-lang3@3.17.0?type=jar",
		"pkg:deb/debian/bash@5.0-4?arch=amd64&distro=debian-10.2",
		"pkg:golang/github.com/CiscoDevNet/terraform-provider-aci/v2",
		"pkg:github/DMTF/libspdm@1.0#src/lib",
		"pkg://npm/x@1",
		"pkg:NPM/x@1",
		"pkg:c++/x@1", "pkg:my.type-2/x",
		// As the specification's parsing procedure reads them (packageurl-go):
		"PKG:npm/x",       // the scheme is lower-cased
		"pkg:npm/x@",      // an empty version is no version
		"pkg:npm/x?type",  // a qualifier without a value is absent
		"pkg:npm/x?type=", // likewise
	}
	invalid := []string{
		"", "npm/lodash", "pkg:", "pkg:npm", "pkg:npm/", "pkg:npm//",
		"pkg:1npm/x", "pkg:np_m/x", "pkg:/x",
		"pkg:npm/@scope/",
		"pkg:npm/x?=jar", "pkg:npm/x?1a=b", "pkg:npm/x?a b=c", "pkg:npm/x?a=1&a=2",
		"pkg:npm/x%zz", "pkg:npm/x%4", "pkg:npm/x y", "pkg:npm/x\n", "pkg:npm/x#a/../b",
		"cpe:2.3:a:x:y:1:*:*:*:*:*:*:*",
		// Type-specific rules of the specification.
		"pkg:julia/Flux@0.14.0", // no uuid qualifier
		"pkg:swift/Alamofire@5", // no namespace
		"pkg:cpan/Some::Module", // a distribution name with "::"
	}
	checkValidator(t, "ValidPurl", ValidPurl, valid, invalid)
}

func TestValidCPE(t *testing.T) {
	valid := []string{
		"cpe:2.3:a:apache:tomcat:9.0.14:*:*:*:*:*:*:*",
		`cpe:2.3:a:CiscoDevNet:terraform-provider-aci\/v2:*:*:*:*:*:*:*:*`,
		`cpe:2.3:a:vendor:prod\:uct:1:*:*:*:*:*:*:*`, // escaped colon
		"cpe:2.3:o:*:linux:-:*:*:*:*:*:*:*",
		"cpe:/a:apache:tomcat:9.0.14",
		"cpe:/o:microsoft:windows_10",
		"cpe:/h:cisco",
	}
	invalid := []string{
		"", "cpe:2.3:a:apache:tomcat:9.0.14:*:*:*:*:*:*", // 12 components
		"cpe:2.3:a:apache:tomcat:9.0.14:*:*:*:*:*:*:*:*", // 14 components
		"cpe:2.3:x:apache:tomcat:9.0.14:*:*:*:*:*:*:*",   // bad part
		"cpe:2.3:a:apache::9.0.14:*:*:*:*:*:*:*",         // empty product
		"cpe:2.3:a:apache:*:9.0.14:*:*:*:*:*:*:*",        // wildcard product
		"cpe:2.3:a:apache:tom cat:9.0.14:*:*:*:*:*:*:*",  // space
		"cpe:/", "cpe:/x:foo", "cpe:/a:a:b:c:d:e:f:g", "cpe:a:b", // 2.2 shapes
		"CPE:2.3:a:apache:tomcat:9.0.14:*:*:*:*:*:*:*",
	}
	checkValidator(t, "ValidCPE", ValidCPE, valid, invalid)
}

func TestIsPlaceholder(t *testing.T) {
	for _, s := range []string{"", "  ", "NOASSERTION", "noassertion", "NONE", "None", "UNKNOWN", "unknown",
		"@VCS_VERSION@", "1.0-@BUILD_NUMBER@", "@version@", "${project.version}", "v${VERSION}-rc", "{{ .Version }}",
		"pkg:github/DMTF/libspdm@@VCS_TAG@"} {
		if !IsPlaceholder(s) {
			t.Errorf("IsPlaceholder(%q) = false", s)
		}
	}
	for _, s := range []string{"1.2.3", "0", "none-such", "@angular/core", "pkg:npm/@angular/core@16.0.0",
		"user@example.com", "a@1.0@", "@_@", "$HOME", "{x}", "${", "Unknown Corp"} {
		if IsPlaceholder(s) {
			t.Errorf("IsPlaceholder(%q) = true", s)
		}
	}
}

func TestHashStrong(t *testing.T) {
	sha256 := "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
	sha512 := strings.Repeat("ab", 64)
	for _, h := range []Hash{{"SHA-256", sha256}, {"SHA256", strings.ToUpper(sha256)}, {"sha-512", sha512},
		{"SHA-384", strings.Repeat("1", 96)}, {"SHA3-256", sha256}, {"SHA3-512", sha512}, {"sha3_384", strings.Repeat("f", 96)}} {
		if !h.Strong() {
			t.Errorf("%+v not strong", h)
		}
	}
	for _, h := range []Hash{{"SHA-1", strings.Repeat("a", 40)}, {"MD5", strings.Repeat("a", 32)},
		{"SHA-256", sha256[:63]}, {"SHA-256", sha512}, {"SHA-512", sha256}, {"SHA-256", "g" + sha256[1:]},
		{"SHA-256", strings.Repeat("0", 64)}, {"BLAKE3", sha256}, {"", sha256}, {"SHA-256", ""},
		{"SHA-256-AND-A-VERY-LONG-NAME", sha256}} {
		if h.Strong() {
			t.Errorf("%+v strong", h)
		}
	}
}

func TestCoverage(t *testing.T) {
	good := Component{Ref: "r0", Name: "good", Version: "1", Supplier: "S",
		Hashes:   []Hash{{"SHA-1", strings.Repeat("a", 40)}, {"SHA-256", strings.Repeat("a", 64)}},
		Licenses: []string{"Custom Licence", "MIT"}, Purl: "pkg:npm/good@1"}
	d := &Document{
		Format: CycloneDX, SpecVersion: "1.6",
		Components: []Component{
			good,
			{Ref: "r1", Name: "authored", Version: "NOASSERTION", Authors: []string{"NONE", "Ann"}, Licenses: []string{"MIT"}, CPE: "cpe:/a:x:y"},
			{Ref: "r2", Name: "published", Version: "${v}", Publisher: "P", Licenses: []string{"Custom Licence"}, Purl: "pkg:npm/x@${v}"},
			{Ref: "r3", Group: "g", Name: "made", Version: "2", Manufacturer: "M"},
			{Name: "", Ref: "ref-only", Version: "3"},
			{Name: "@NAME@", Version: "4", Supplier: "NOASSERTION"},
			{Name: "n6", Version: "5"},
			{Name: "n7", Version: "6"},
		},
		Dependencies: map[string][]string{"r0": {"r1"}, "r3": nil, "elsewhere": {"r2"}},
		Metadata: Metadata{Timestamp: "2024-02-30 10:00",
			Tools:        []string{"@TOOL@"},
			Authors:      []string{"Ann"},
			SerialNumber: "urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79"},
	}
	q := Coverage(d)
	if q.Components != 8 || len(q.Fields) != len(Fields) {
		t.Fatalf("quality %+v", q)
	}
	want := map[Field]struct {
		present int
		missing []string
	}{
		FieldName:     {6, []string{"ref-only@3", "@NAME@@4"}},
		FieldVersion:  {6, []string{"authored@NOASSERTION", "published@${v}"}},
		FieldSupplier: {4, []string{"ref-only@3", "@NAME@@4", "n6@5", "n7@6"}},
		FieldHash:     {1, []string{"authored@NOASSERTION", "published@${v}", "g/made@2", "ref-only@3", "@NAME@@4"}},
		// "good" names "Custom Licence" beside MIT: not every licence is SPDX.
		FieldLicense:      {1, []string{"good@1", "published@${v}", "g/made@2", "ref-only@3", "@NAME@@4"}},
		FieldIdentifier:   {2, []string{"published@${v}", "g/made@2", "ref-only@3", "@NAME@@4", "n6@5"}},
		FieldDependencies: {4, []string{"ref-only@3", "@NAME@@4", "n6@5", "n7@6"}},
	}
	none := []string{"good@1", "authored@NOASSERTION", "published@${v}", "g/made@2", "ref-only@3"}
	for _, f := range []Field{FieldCreator, FieldHashSHA512, FieldFilename, FieldLicenseEvidence, FieldSourceURI, FieldDeployURI, FieldFileKinds} {
		want[f] = struct {
			present int
			missing []string
		}{0, none}
	}
	for i, fc := range q.Fields {
		if fc.Field != Fields[i] {
			t.Errorf("field %d is %s, want %s", i, fc.Field, Fields[i])
		}
		w := want[fc.Field]
		if fc.Present != w.present || !slices.Equal(fc.Missing, w.missing) {
			t.Errorf("%s: %d %q, want %d %q", fc.Field, fc.Present, fc.Missing, w.present, w.missing)
		}
	}
	wantDoc := DocumentQuality{SpecVersion: "1.6", Creator: true, TimestampPresent: true, Timestamp: false, SerialNumber: true}
	if q.Document != wantDoc {
		t.Errorf("document %+v, want %+v", q.Document, wantDoc)
	}
	if fc := q.Field("nonsense"); fc.Present != 0 || fc.Field != "nonsense" {
		t.Errorf("unknown field %+v", fc)
	}

	d.Metadata = Metadata{Timestamp: "2024-02-03T04:05:06.789+01:00", Tools: []string{"${TOOL}"}, SerialNumber: "urn:uuid:not-a-uuid"}
	d.Primary = &d.Components[0]
	d.Described = []string{"r0"}
	got := Coverage(d).Document
	wantDoc = DocumentQuality{SpecVersion: "1.6", TimestampPresent: true, Timestamp: true, Primary: true, PrimaryDependencies: true}
	if got != wantDoc {
		t.Errorf("document %+v, want %+v", got, wantDoc)
	}

	d.Format = SPDX
	for ns, want := range map[string]bool{"https://example.org/doc-1": true, "doc-1": false, "https://x/@NS@": false, "": false} {
		d.Metadata.Namespace = ns
		if got := Coverage(d).Document.SerialNumber; got != want {
			t.Errorf("namespace %q counted %v", ns, got)
		}
	}
}

func TestCoverageEmpty(t *testing.T) {
	q := Coverage(&Document{Format: CycloneDX})
	if q.Components != 0 || len(q.Fields) != len(Fields) || q.Document.Creator || q.Document.Primary {
		t.Errorf("%+v", q)
	}
	for _, fc := range q.Fields {
		if fc.Present != 0 || fc.Missing != nil {
			t.Errorf("%+v", fc)
		}
	}
}

// checkValidator holds a validator named name to its valid and invalid
// inputs.
func checkValidator(t *testing.T, name string, valid func(string) bool, yes, no []string) {
	t.Helper()
	for _, s := range yes {
		if !valid(s) {
			t.Errorf("%s(%q) = false", name, s)
		}
	}
	for _, s := range no {
		if valid(s) {
			t.Errorf("%s(%q) = true", name, s)
		}
	}
}
