package sbom

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	spdx3lib "github.com/carabiner-dev/spdx3"
	"github.com/carabiner-dev/spdx3/profiles/security"
	"github.com/carabiner-dev/spdx3/profiles/software"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

// TestEmbeddedCorpus reads every device build SBOM of realdata/sbom-embedded
// (Yocto SPDX 2.2, 3.0.1 and its image archive, Zephyr, Buildroot, AOSP,
// OpenWrt, FreeRTOS, syft on a rootfs, a hardware BOM): each is read, with
// as many components as the file itself holds (counted here independently
// of the parser), build-time ones set apart, and the identifiers the
// generators wrote.
func TestEmbeddedCorpus(t *testing.T) {
	dir := realdata.Dir(t, "sbom-embedded")
	for _, tc := range []struct {
		file             string
		count            func(t *testing.T, data []byte) int // the file's own count of packages
		buildTime, ident int                                 // components set apart; with a purl or CPE
		vulns            int                                 // VEX statements of the document
		primary          bool
	}{
		{"yocto30-core-image-minimal-qemux86-64.rootfs.spdx.json", oraclePackages, 103, 37, 72, true},
		{"spdx30-examples-example1-hello-c.json", oraclePackages, 0, 0, 0, true},
		{"spdx30-examples-example6-bin.json", oraclePackages, 0, 0, 0, true},
		{"yocto22-image-core-image-minimal-beaglebone.spdx.json", jsonArrayLen("packages"), 0, 0, 0, false},
		{"yocto22-recipe-libssh.spdx.json", jsonArrayLen("packages"), 0, 1, 0, true},
		// The image's 33 packages (CONTAINS of the image document) and the image.
		{"yocto22-image-archive.rootfs.spdx.tar.zst", func(*testing.T, []byte) int { return 34 }, 0, 32, 0, true},
		{"zephyr22-west-charge-controller-build.spdx", tagCount("PackageName:"), 0, 0, 0, true},
		{"zephyr22-west-charge-controller-zephyr.spdx", tagCount("PackageName:"), 0, 0, 0, true},
		{"zephyr22-west-hello-world-app.spdx", tagCount("PackageName:"), 0, 0, 0, true},
		{"aosp-sbom-writer-expected.spdx", tagCount("PackageName:"), 0, 1, 0, true},
		{"freertos22-iot-reference-stm32u5.spdx", tagCount("PackageName:"), 0, 0, 0, false},
		{"buildroot-generate-cyclonedx-rpi4-64.cdx.json", jsonArrayLen("components"), 40, 4, 9, true},
		{"yocto-meta-cyclonedx-cdx14-bom.json", jsonArrayLen("components"), 0, 97, 0, false},
		{"openwrt-sbom-generator-cdx14.json", jsonArrayLen("components"), 0, 15, 0, false},
		{"syft-debian-gateway-rootfs.cdx.json", jsonArrayLen("components"), 0, 108, 0, true},
		// Hardware parts: a package identifier does not apply (counted as had).
		{"cdx14-hbom-pcie-sata-adapter-board.json", jsonArrayLen("components"), 0, 6, 0, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(data)
			if err != nil {
				t.Fatalf("not read: %v", err)
			}
			want := tc.count(t, data)
			if got := len(d.Components) + len(d.BuildTime); got != want {
				t.Errorf("%d components (%d shipped, %d build-time), the file holds %d", got, len(d.Components), len(d.BuildTime), want)
			}
			if len(d.BuildTime) != tc.buildTime {
				t.Errorf("%d build-time components, want %d", len(d.BuildTime), tc.buildTime)
			}
			q := Coverage(d)
			if got := q.Field(FieldIdentifier).Present; got != tc.ident {
				t.Errorf("%d components with a purl or CPE, want %d", got, tc.ident)
			}
			if len(d.Vulnerabilities) != tc.vulns {
				t.Errorf("%d VEX statements, want %d", len(d.Vulnerabilities), tc.vulns)
			}
			if (d.Primary != nil) != tc.primary {
				t.Errorf("primary component %v, want %v", d.Primary != nil, tc.primary)
			}
		})
	}
}

// oraclePackages counts an SPDX 3 document's packages, and checks its VEX
// assessments, with github.com/carabiner-dev/spdx3: a reader written apart
// from the gate's.
func oraclePackages(t *testing.T, data []byte) int {
	t.Helper()
	env, err := spdx3lib.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the oracle cannot read it: %v", err)
	}
	n := 0
	for _, node := range env.Graph {
		if _, ok := node.(*software.Package); ok {
			n++
		}
	}
	return n
}

func jsonArrayLen(key string) func(*testing.T, []byte) int {
	return func(t *testing.T, data []byte) int {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		var a []json.RawMessage
		if err := json.Unmarshal(m[key], &a); err != nil {
			t.Fatal(err)
		}
		return len(a)
	}
}

func tagCount(tag string) func(*testing.T, []byte) int {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(tag))
	return func(_ *testing.T, data []byte) int { return len(re.FindAll(data, -1)) }
}

// TestSPDX3VEXMatchesOracle: the Yocto SPDX 3 image's 72 assessments, 63 not
// affected and 9 fixed, as the oracle counts them, each naming its CVE.
func TestSPDX3VEXMatchesOracle(t *testing.T) {
	data, err := os.ReadFile(realdata.File(t, "sbom-embedded", "yocto30-core-image-minimal-qemux86-64.rootfs.spdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	env, err := spdx3lib.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, node := range env.Graph {
		switch node.(type) {
		case *security.VexNotAffectedVulnAssessmentRelationship:
			want["not_affected"]++
		case *security.VexFixedVulnAssessmentRelationship:
			want["resolved"]++
		}
	}
	d, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, v := range d.Vulnerabilities {
		got[v.State]++
		if !strings.HasPrefix(v.ID, "CVE-") || len(v.Affects) == 0 || v.Line == 0 {
			t.Errorf("statement %+v", v)
		}
	}
	if got["not_affected"] != 63 || got["resolved"] != 9 || got["not_affected"] != want["not_affected"] || got["resolved"] != want["resolved"] {
		t.Errorf("states %v, the oracle counts %v (want 63 not affected, 9 fixed)", got, want)
	}
}

// TestHardwareAndPlaceholderVersions: hardware parts are judged on name and
// supplier; a version a build system writes where it knows none is a gap.
func TestHardwareAndPlaceholderVersions(t *testing.T) {
	d := &Document{Components: []Component{
		{Ref: "r1", Type: "device", Name: "47155-4001", Supplier: "Molex"},
		{Ref: "r2", Type: "device", Name: "MP000003"},
		{Ref: "s1", Type: "library", Name: "uboot", Version: "custom", Purl: "pkg:generic/uboot"},
		{Ref: "s2", Type: "library", Name: "busybox", Version: "1.36.1", Purl: "pkg:generic/busybox@1.36.1"},
	}, Dependencies: map[string][]string{}}
	q := Coverage(d)
	for f, want := range map[Field]int{FieldSupplier: 1, FieldVersion: 3, FieldIdentifier: 4, FieldHash: 2, FieldDependencies: 2} {
		if got := q.Field(f).Present; got != want {
			t.Errorf("%s on %d of 4, want %d", f, got, want)
		}
	}
	for _, v := range []string{"custom", "master", "latest", "NOASSERTION", "${PV}", "-"} {
		if !PlaceholderVersion(v) {
			t.Errorf("%q is a real version?", v)
		}
	}
	for _, v := range []string{"1.36.1", "2024.05.30", "0.12.21rc", "1:1.35.0-4+deb12u1", "git+a1b2c3"} {
		if PlaceholderVersion(v) {
			t.Errorf("%q taken for a placeholder", v)
		}
	}
}
