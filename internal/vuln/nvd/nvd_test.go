package nvd

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
	"github.com/cra-gate/cra-gate/internal/vuln/records"
)

func TestParseCPE(t *testing.T) {
	for in, want := range map[string]CPE{
		"cpe:2.3:a:busybox:busybox:1.38.0:-:*:*:*:*:*:*": {Part: "a", Vendor: "busybox", Product: "busybox", Version: "1.38.0", Update: "-", TargetSW: "*"},
		"cpe:2.3:*:*:acl:2.3.2:*:*:*:*:*:*:*":            {Part: "*", Vendor: "*", Product: "acl", Version: "2.3.2", Update: "*", TargetSW: "*"},
		"cpe:/a:jsoncpp_project:jsoncpp:1.9.4":           {Part: "a", Vendor: "jsoncpp_project", Product: "jsoncpp", Version: "1.9.4", Update: "*", TargetSW: "*"},
		`cpe:2.3:a:gnu:gcc:*:*:*:*:*:*:arm64:*`:          {Part: "a", Vendor: "gnu", Product: "gcc", Version: "*", Update: "*", TargetSW: "*"},
		`cpe:2.3:a:x:lib\:y:1\.2:*:*:*:*:rust:*:*`:       {Part: "a", Vendor: "x", Product: "lib:y", Version: "1.2", Update: "*", TargetSW: "rust"},
	} {
		got, ok := ParseCPE(in)
		if !ok || got != want {
			t.Errorf("ParseCPE(%q) = %+v, %v; want %+v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "cpe:2.3:a", "pkg:generic/x@1", "cpe:2.3:a:v:*:1"} {
		if _, ok := ParseCPE(bad); ok {
			t.Errorf("ParseCPE(%q) accepted", bad)
		}
	}
}

// TestMatchRealRecords matches device components, as the embedded SBOMs
// describe them, against the 52 real NVD records of realdata/nvd, whose
// INDEX.md says what each should and should not match (distractors of the
// same names, boundaries, AND configurations, records without any).
func TestMatchRealRecords(t *testing.T) {
	dir := realdata.Dir(t, "nvd")
	products := map[string]bool{}
	cases := []struct {
		name string
		c    Component
		want []string
	}{
		{"busybox 1.35.0 (Debian 1:1.35.0-4+deb12u1)", comp("cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*", "", ""),
			[]string{"CVE-2022-28391", "CVE-2022-30065", "CVE-2022-48174", "CVE-2025-60876"}},
		{"busybox 1.36.1 (Yocto, vendor ANY)", comp("cpe:2.3:*:*:busybox:1.36.1:*:*:*:*:*:*:*", "", ""),
			[]string{"CVE-2022-48174", "CVE-2023-42366", "CVE-2025-60876"}},
		{"busybox 1.33.2 (OpenWrt): 1.33.1 was the end of CVE-2021-42380", comp("cpe:2.3:a:busybox:busybox:1.33.2:*:*:*:*:*:*:*", "", ""),
			[]string{"CVE-2022-28391", "CVE-2022-48174", "CVE-2023-39810", "CVE-2025-60876"}},
		{"busybox 1.38.0 (Buildroot)", comp("cpe:2.3:a:busybox:busybox:1.38.0:-:*:*:*:*:*:*", "", ""), nil},
		{"mosquitto 2.0.11, syft's guessed vendor", comp("cpe:2.3:a:mosquitto:mosquitto:2.0.11:*:*:*:*:*:*:*", "", ""),
			[]string{"CVE-2021-34434", "CVE-2023-28366"}},
		{"GNU tar 1.35: the boundary of <1.35; not the Rust or node tar", comp("cpe:2.3:a:gnu:tar:1.35:*:*:*:*:*:*:*", "", ""), nil},
		{"GNU tar 1.34", comp("cpe:2.3:a:gnu:tar:1.34:*:*:*:*:*:*:*", "", ""), []string{"CVE-2023-39804"}},
		{"the Rust tar crate 0.4.10 is another product", comp("cpe:2.3:a:tar_project:tar:0.4.10:*:*:*:*:*:*:*", "", "cargo"),
			[]string{"CVE-2018-20990"}},
		{"unzip 6.0", comp("cpe:2.3:a:unzip_project:unzip:6.0:*:*:*:*:*:*:*", "", ""),
			[]string{"CVE-2014-8139", "CVE-2019-13232", "CVE-2022-0529"}},
		{"lrzsz 0.12.21rc is past <=0.12.20", comp("cpe:2.3:a:lrzsz_project:lrzsz:0.12.21rc:*:*:*:*:*:*:*", "", ""), nil},
		{"glibc 2.39: the boundary of <2.39; version NA matches none", comp("cpe:2.3:a:gnu:glibc:2.39:*:*:*:*:*:*:*", "", ""),
			[]string{"CVE-2010-4756"}},
		{"glibc 2.37", comp("cpe:2.3:a:gnu:glibc:2.37:*:*:*:*:*:*:*", "", ""), []string{"CVE-2010-4756", "CVE-2023-6246"}},
		{"curl 8.7.1 (Yocto)", comp("cpe:2.3:a:haxx:libcurl:8.7.1:*:*:*:*:*:*:*", "", ""), []string{"CVE-2024-6197", "CVE-2024-7264"}},
		{"sqlite 3.45.1 is past both ranges; node sqlite3 is another product", comp("cpe:2.3:a:sqlite:sqlite:3.45.1:*:*:*:*:*:*:*", "", ""), nil},
		{"zlib 1.3.1 is past <=1.3", comp("cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*", "", ""), nil},
		{"expat 2.6.3: the boundary", comp("cpe:2.3:a:libexpat_project:libexpat:2.6.3:*:*:*:*:*:*:*", "", ""), nil},
		{"util-linux 2.41.5 (Buildroot) is past <2.41.4", comp("cpe:2.3:a:kernel:util-linux:2.41.5:*:*:*:*:*:*:*", "", ""), nil},
		{"a CPE without a version takes the component's", comp("cpe:2.3:a:gnu:tar:*:*:*:*:*:*:*:*", "1.30", ""), []string{"CVE-2023-39804"}},
		{"bzip2 (C) does not match the Rust crate's record", comp("cpe:2.3:a:bzip:bzip2:1.0.8:*:*:*:*:*:*:*", "", ""), nil},
	}
	for _, tc := range cases {
		products[tc.c.CPE.Product] = true
	}
	db, probs := Start([]string{dir}, records.Limits{}).Load(products)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if db.Read != 52 {
		t.Errorf("read %d records, INDEX.md lists 52", db.Read)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, h := range db.Match(tc.c, nil) {
				got = append(got, h.Record.ID)
			}
			sort.Strings(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("matched %v, want %v", got, tc.want)
			}
		})
	}
}

func comp(cpe, version, eco string) Component {
	c, ok := ParseCPE(cpe)
	if !ok {
		panic(cpe)
	}
	return Component{CPE: c, Version: version, Ecosystem: eco}
}

// TestMatchANDConfiguration: firmware on hardware holds only where the
// product has the hardware.
func TestMatchANDConfiguration(t *testing.T) {
	rec := `{"id":"CVE-2099-0001","configurations":[{"operator":"AND","nodes":[
{"operator":"OR","cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:o:acme:lock_firmware:*:*:*:*:*:*:*:*","versionEndExcluding":"3.0"}]},
{"operator":"OR","cpeMatch":[{"vulnerable":false,"criteria":"cpe:2.3:h:acme:lock:-:*:*:*:*:*:*:*"}]}]}]}`
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.json"), []byte(rec), 0o644)
	db, probs := Start([]string{dir}, records.Limits{}).Load(map[string]bool{"lock_firmware": true})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	fw := comp("cpe:2.3:o:acme:lock_firmware:2.1:*:*:*:*:*:*:*", "", "")
	for hasHW, want := range map[bool]int{true: 1, false: 0} {
		got := db.Match(fw, func(m CPEMatch) bool { return hasHW && strings.Contains(m.Criteria, ":h:acme:lock:") })
		if len(got) != want {
			t.Errorf("hardware present %v: %d hits, want %d", hasHW, len(got), want)
		}
	}
}

// TestRecordShapes: a bare record, {"cve": ...} and an API page read alike;
// other JSON is a problem, not a silent skip.
func TestRecordShapes(t *testing.T) {
	bare := `{"id":"CVE-2099-0002","configurations":[{"nodes":[{"operator":"OR","cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*"}]}]}]}`
	dir := t.TempDir()
	for name, data := range map[string]string{
		"bare.json": bare,
		"api.json":  `{"cve":` + strings.Replace(bare, "0002", "0003", 1) + `}`,
		"page.json": fmt.Sprintf(`{"resultsPerPage":1,"vulnerabilities":[{"cve":%s}]}`, strings.Replace(bare, "0002", "0004", 1)),
		"osv.json":  `{"id":"GHSA-xxxx","affected":[{"package":{"name":"y"}}],"criteria":"cpe:2.3:a:x:y:1.0:*:*:*:*:*:*:*"}`,
	} {
		os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
	}
	db, probs := Start([]string{dir}, records.Limits{}).Load(map[string]bool{"y": true})
	if db.Kept != 3 || len(probs) != 1 || !strings.Contains(probs[0].Msg, "not an NVD CVE record") {
		t.Errorf("kept %d, problems %v", db.Kept, probs)
	}
}
