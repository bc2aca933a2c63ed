package checks

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/realdata"
	"github.com/cra-gate/cra-gate/internal/vuln/nvdapi"
)

// TestVulnsNVDDeviceSBOMs checks real device SBOMs against the real NVD
// records: C components are matched by CPE, build tools are not checked
// (nor their triage reported), and what went unchecked keeps the check
// from passing.
func TestVulnsNVDDeviceSBOMs(t *testing.T) {
	nvdDir := realdata.Dir(t, "nvd")
	read := func(name string) string {
		data, err := os.ReadFile(realdata.File(t, "sbom-embedded", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	t.Run("yocto SPDX 3 image", func(t *testing.T) {
		res := runVulns(t, "", map[string]string{"sbom/app.cdx.json": read("yocto30-core-image-minimal-qemux86-64.rootfs.spdx.json")},
			VulnSources{NVD: []string{nvdDir}})
		var busybox *finding.Finding
		for i, f := range findingsOf(res, "vulns-known") {
			if strings.Contains(f.Message, "CVE-2025-60876") && strings.Contains(f.Message, "in busybox 1.37.0") {
				busybox = &findingsOf(res, "vulns-known")[i]
			}
		}
		if busybox == nil || !strings.Contains(busybox.Message, "NVD matched cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:* (up to 1.37.0)") ||
			busybox.Item != "busybox@1.37.0#CVE-2025-60876" {
			t.Fatalf("busybox 1.37.0 and CVE-2025-60876 (<= 1.37.0): %+v", findingsOf(res, "vulns-known"))
		}
		var entry *finding.Vulnerability
		for i, v := range res.Vulnerabilities {
			if v.ID == "CVE-2025-60876" && v.Name == "busybox" {
				entry = &res.Vulnerabilities[i]
			}
		}
		if entry == nil || entry.Source != "NVD" || !strings.Contains(entry.Matched, "up to 1.37.0") || entry.Severity == "" {
			t.Errorf("JSON entry: %+v", entry)
		}
		// 37 of the 39 shipped components have a CPE; the image and a
		// package group have neither purl nor CPE.
		checked := findingsOf(res, "vulns-checked")
		np := findingsOf(res, "vulns-no-purl")
		if len(checked) == 0 || !strings.Contains(checked[0].Message, "37 of 39 components checked against 52 NVD records") ||
			len(np) != 1 || !strings.Contains(np[0].Message, "2 of 39 shipped components") {
			t.Errorf("checked %+v, no-purl %+v", checked, np)
		}
		if c := checkStatus(res, finding.CheckVulns); c.Status != finding.StatusFail {
			t.Errorf("status %+v", c)
		}
	})
	t.Run("buildroot: host packages set apart", func(t *testing.T) {
		res := runVulns(t, "", map[string]string{"sbom/app.cdx.json": read("buildroot-generate-cyclonedx-rpi4-64.cdx.json")},
			VulnSources{NVD: []string{nvdDir}})
		// host-flex 2.6.4 (CVE-2019-6293) and host-libconfuse 3.3
		// (CVE-2022-40320) are build tools: not matched, and Buildroot's
		// in_triage entries about them are not warnings.
		for _, f := range res.Findings {
			if strings.Contains(f.Message, "CVE-2019-6293") || strings.Contains(f.Message, "CVE-2022-40320") ||
				f.Rule == "vulns-vex-under-investigation" {
				t.Errorf("a build tool's vulnerability reported: %s [%s]", f.Message, f.Rule)
			}
		}
		if bt := findingsOf(res, "sbom-build-time"); len(bt) != 1 || !strings.Contains(bt[0].Message, "40 of 51 components") {
			t.Errorf("build-time notice: %+v", bt)
		}
		// Seven target packages have neither purl nor CPE: a warning, never a pass.
		if c := checkStatus(res, finding.CheckVulns); c.Status != finding.StatusWarn {
			t.Errorf("status %+v: unchecked components must make it a warning", c)
		}
	})
}

// TestVulnsEcosystemNotHeld: an OSV database of one ecosystem says nothing of
// another's packages: those are counted as unchecked, and the check warns
// instead of passing with an empty table.
func TestVulnsEcosystemNotHeld(t *testing.T) {
	db := vulnDB(t, map[string]string{"GHSA-1.json": record("GHSA-p6mc-m468-83gw", "npm", "left-pad", "9.9.9")})
	sbomDeb := strings.NewReplacer(`"purl":"pkg:golang/example.com/a@v1.0.0"`, `"purl":"pkg:deb/debian/busybox@1:1.35.0-4?distro=debian-12"`,
		`"purl":"pkg:npm/lodash@4.17.15"`, `"purl":"pkg:npm/lodash@4.17.21"`).Replace(vulnSBOM)
	res := runVulns(t, "", map[string]string{"sbom/app.cdx.json": sbomDeb}, VulnSources{DB: []string{db}})
	um := findingsOf(res, "vulns-unmatched")
	if len(um) != 2 || um[0].Severity != finding.Warning || !strings.Contains(um[0].Message, "ecosystems the given sources hold no records of (Debian: 1)") ||
		!strings.Contains(um[0].Message, "2 of 4 shipped components were not checked") {
		t.Errorf("vulns-unmatched: %+v", um)
	}
	if checked := findingsOf(res, "vulns-checked"); len(checked) == 0 || !strings.Contains(checked[0].Message, "sbom/app.cdx.json: 1 of 4 components checked") {
		t.Errorf("vulns-checked: %+v", checked)
	}
	if c := checkStatus(res, finding.CheckVulns); c.Status != finding.StatusWarn || len(res.Vulnerabilities) != 0 {
		t.Errorf("status %+v with %d vulnerabilities: want warn", c, len(res.Vulnerabilities))
	}
}

// TestVulnsNVDAPI asks a loopback stand-in of the NVD API by CPE: a product
// it answers for is checked, one it refuses counts as not checked, in a
// warning naming why; the key travels in the header.
func TestVulnsNVDAPI(t *testing.T) {
	record, err := os.ReadFile(realdata.File(t, "nvd", "CVE-2022/CVE-2022-48174.json"))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys = append(keys, r.Header.Get("apiKey"))
		m := r.URL.Query().Get("virtualMatchString")
		if strings.HasSuffix(m, ":fw") {
			w.Header().Set("message", "Request forbidden by administrative rules.")
			w.WriteHeader(http.StatusForbidden)
			return
		}
		rec := ""
		if strings.HasSuffix(m, ":busybox") {
			rec = `{"cve":` + string(record) + `}`
		}
		n := strings.Count(rec, `{"cve"`)
		fmt.Fprintf(w, `{"resultsPerPage":%d,"startIndex":0,"totalResults":%d,"vulnerabilities":[%s]}`, n, n, rec)
	}))
	defer srv.Close()
	sbomCPE := strings.NewReplacer(`"purl":"pkg:golang/example.com/a@v1.0.0"`, `"cpe":"cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*"`,
		`"purl":"pkg:generic/fw@2"`, `"cpe":"cpe:2.3:o:acme:fw:2:*:*:*:*:*:*:*"`).Replace(vulnSBOM)
	client := &nvdapi.Client{Sleep: func(context.Context, time.Duration) error { return nil }, Retries: 1}
	res := runVulns(t, "", map[string]string{"sbom/app.cdx.json": sbomCPE},
		VulnSources{NVDAPI: srv.URL, NVDAPIKey: "k-1", NVDAPIClient: client})
	known := findingsOf(res, "vulns-known")
	if len(known) != 1 || !strings.Contains(known[0].Message, "CVE-2022-48174") || !strings.Contains(known[0].Message, "(cpe:2.3:a:busybox:busybox:1.35.0:") {
		t.Errorf("vulns-known: %+v", known)
	}
	np := findingsOf(res, "vulns-no-purl")
	if len(np) != 1 || !strings.Contains(np[0].Message, "1 with a CPE the NVD API was not asked about (fw@2)") {
		t.Errorf("vulns-no-purl: %+v", np)
	}
	src := findingsOf(res, "vulns-source-unreadable")
	if len(src) != 1 || !strings.Contains(src[0].Message, "HTTP 403 (Request forbidden by administrative rules.)") {
		t.Errorf("vulns-source-unreadable: %+v", src)
	}
	for _, k := range keys {
		if k != "k-1" {
			t.Errorf("apiKey header %q", k)
		}
	}
}
