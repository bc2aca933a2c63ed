package checks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/vuln/osvapi"
)

// vulnSBOM has one component per line: a (line 5), b (line 6), a component
// without purl (line 7), a generic purl (line 8).
const vulnSBOM = `{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,
"metadata":{"timestamp":"2026-11-01T10:00:00Z","tools":{"components":[{"type":"application","name":"gen","version":"1"}]},
"component":{"type":"application","bom-ref":"root","name":"test-lock","version":"1.0.0"}},
"components":[
{"type":"library","bom-ref":"a","name":"example.com/a","version":"v1.0.0","purl":"pkg:golang/example.com/a@v1.0.0"},
{"type":"library","bom-ref":"b","name":"lodash","version":"4.17.15","purl":"pkg:npm/lodash@4.17.15"},
{"type":"library","bom-ref":"c","name":"blob","version":"1"},
{"type":"library","bom-ref":"d","name":"fw","version":"2","purl":"pkg:generic/fw@2"}
],
"dependencies":[{"ref":"root","dependsOn":["a","b","c","d"]}]}`

// record is a small OSV record for name (ecosystem eco) fixed at fixed.
func record(id, eco, name, fixed string, aliases ...string) string {
	al, _ := json.Marshal(aliases)
	return fmt.Sprintf(`{"schema_version":"1.6.0","id":%q,"modified":"2026-01-01T00:00:00Z","aliases":%s,"summary":"Bad thing in %s",
"database_specific":{"severity":"HIGH"},
"affected":[{"package":{"ecosystem":%q,"name":%q},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":%q}]}]}]}`, id, al,
		name, eco, name, fixed)
}

// vulnDB writes records into a temporary directory and returns it.
func vulnDB(t *testing.T, records map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, rec := range records {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(rec), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const kevCatalog = `{"catalogVersion":"2026.11.01","dateReleased":"2026-11-01T00:00:00Z","count":1,"vulnerabilities":[
{"cveID":"CVE-2020-8203","vendorProject":"lodash","product":"lodash","vulnerabilityName":"Prototype pollution","dateAdded":"2026-10-01"}]}`

// runVulns runs the gate with the vulns sources on baseManifest plus extra.
func runVulns(t *testing.T, extra string, files map[string]string, src VulnSources) *finding.Result {
	t.Helper()
	all := map[string]string{"sbom/app.cdx.json": vulnSBOM}
	for k, v := range files {
		all[k] = v
	}
	m := baseManifest + extra
	merged := baseFiles()
	for k, v := range all {
		merged[k] = v
	}
	merged["cra.toml"] = m
	res, err := Run(writeRepo(t, merged), "cra.toml", Options{Now: testNow, Vulns: src})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestVulnsNoSourceSkips(t *testing.T) {
	res := runVulns(t, "", nil, VulnSources{KEV: "kev.json"})
	c := checkStatus(res, finding.CheckVulns)
	if c.Status != finding.StatusSkip || !strings.Contains(c.Reason, "no vulnerability source") || !strings.Contains(c.Reason, "--kev alone") {
		t.Fatalf("vulns check: %+v", c)
	}
	if len(findingsOf(res, "vulns-no-source")) != 1 || res.Vulnerabilities != nil {
		t.Fatalf("want one notice and no table: %+v %v", res.Findings, res.Vulnerabilities)
	}
}

func TestVulnsKnownAndKEV(t *testing.T) {
	db := vulnDB(t, map[string]string{
		"GO-1.json":   record("GO-2026-0001", "Go", "example.com/a", "1.2.0", "CVE-2026-1111"),
		"GHSA-1.json": record("GHSA-p6mc-m468-83gw", "npm", "lodash", "4.17.19", "CVE-2020-8203"),
		"other.json":  record("GHSA-xxxx", "npm", "left-pad", "1.0.0"),
		"fixed.json":  record("GO-2026-0002", "Go", "example.com/a", "1.0.0"), // fixed at the version shipped
	})
	kevFile := filepath.Join(t.TempDir(), "kev.json")
	os.WriteFile(kevFile, []byte(kevCatalog), 0o644)
	res := runVulns(t, "", nil, VulnSources{DB: []string{db}, KEV: kevFile})

	known := findingsOf(res, "vulns-known")
	if len(known) != 1 {
		t.Fatalf("vulns-known: %+v", known)
	}
	k := known[0]
	if k.File != "sbom/app.cdx.json" || k.Line != 5 || k.Severity != finding.Error || k.Item != "pkg:golang/example.com/a@v1.0.0#GO-2026-0001" ||
		!strings.Contains(k.Message,
			"GO-2026-0001 (CVE-2026-1111, severity HIGH)") || !strings.Contains(k.Message,
		"fixed in 1.2.0") || !strings.Contains(k.Message,
		"no VEX statement") {
		t.Errorf("vulns-known finding: %+v", k)
	}
	kevs := findingsOf(res, "vulns-kev")
	if len(kevs) != 1 || kevs[0].Line != 6 || !strings.Contains(kevs[0].Message,
		"within 24 hours") || !strings.Contains(kevs[0].Message,
		"CSIRT of DE (reporting.csirt)") ||
		!strings.Contains(kevs[0].Message, "single reporting platform") || kevs[0].Item != "pkg:npm/lodash@4.17.15#GHSA-p6mc-m468-83gw" {
		t.Errorf("vulns-kev: %+v", kevs)
	}
	if len(res.Vulnerabilities) != 2 {
		t.Fatalf("table: %+v", res.Vulnerabilities)
	}
	var lodash finding.Vulnerability
	for _, v := range res.Vulnerabilities {
		if v.ID == "GHSA-p6mc-m468-83gw" {
			lodash = v
		}
	}
	if !lodash.KEV || lodash.Fixed != "4.17.19" || lodash.VEX != nil || lodash.Severity != "HIGH" || lodash.Purl != "pkg:npm/lodash@4.17.15" || lodash.Line != 6 {
		t.Errorf("lodash entry: %+v", lodash)
	}
	np := findingsOf(res, "vulns-no-purl")
	if len(np) != 1 || !strings.Contains(np[0].Message, "1 of 4 shipped components (25.0%)") || !strings.Contains(np[0].Message, "blob@1") {
		t.Errorf("vulns-no-purl: %+v", np)
	}
	um := findingsOf(res, "vulns-unmatched")
	if len(um) != 1 || !strings.Contains(um[0].Message, "generic: 1") {
		t.Errorf("vulns-unmatched: %+v", um)
	}
	if c := checkStatus(res, finding.CheckVulns); c.Status != finding.StatusFail || res.Passed {
		t.Errorf("status %+v", c)
	}
	// The JSON table is present, and null-free where the contract says so.
	data, _ := json.Marshal(res)
	if !strings.Contains(string(data), `"vulnerabilities":[`) || !strings.Contains(string(data), `"vex":null`) {
		t.Errorf("JSON: %s", data)
	}
}

func TestVulnsCleanRunHasEmptyTable(t *testing.T) {
	db := vulnDB(t, map[string]string{"other.json": record("GHSA-xxxx", "npm", "left-pad", "1.0.0")})
	res := runVulns(t, "", nil, VulnSources{DB: []string{db}})
	data, _ := json.Marshal(res)
	if res.Vulnerabilities == nil || !strings.Contains(string(data), `"vulnerabilities":[]`) {
		t.Fatalf("want an empty table: %s", data)
	}
	if len(findingsOf(res, "vulns-known")) != 0 || len(findingsOf(res, "vulns-checked")) != 2 {
		t.Errorf("findings: %v", hits(res.Findings, true))
	}
}

const openVEXDoc = `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://testlock.eu/vex/1",
  "author": "Test GmbH",
  "timestamp": "2026-11-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": {"name": "GO-2026-0001"},
      "products": [{"@id": "pkg:golang/example.com/a@v1.0.0"}],
      "status": %q%s
    },
    {
      "vulnerability": {"name": "CVE-2020-8203"},
      "products": [{"@id": "pkg:oci/test-lock", "subcomponents": [{"@id": "pkg:npm/lodash"}]}],
      "status": "under_investigation"
    },
    {
      "vulnerability": {"name": "CVE-2024-0001"},
      "products": [{"@id": "pkg:npm/left-pad@1.3.0"}],
      "status": "not_affected",
      "justification": "component_not_present"
    }
  ]
}`

func TestVulnsVEX(t *testing.T) {
	db := vulnDB(t, map[string]string{
		"GO-1.json":   record("GO-2026-0001", "Go", "example.com/a", "1.2.0", "CVE-2026-1111"),
		"GHSA-1.json": record("GHSA-p6mc-m468-83gw", "npm", "lodash", "4.17.19", "CVE-2020-8203"),
	})
	vexTOML := "\n[vulnerabilities]\nvex = [\"vex/app.openvex.json\"]\n"
	for _, tc := range []struct {
		name, status, extra string
		wantKnown           int
		wantUnjustified     int
	}{
		// lodash stays an error in every case: under_investigation answers nothing.
		{"justified not_affected answers", "not_affected", `, "justification": "vulnerable_code_not_in_execute_path"`, 1, 0},
		{"impact statement answers", "not_affected", `, "impact_statement": "The parser is never called."`, 1, 0},
		{"fixed answers", "fixed", "", 1, 0},
		{"unjustified does not", "not_affected", "", 2, 1},
		{"affected does not", "affected", `, "action_statement": "Update in 1.1"`, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := fmt.Sprintf(openVEXDoc, tc.status, tc.extra)
			res := runVulns(t, vexTOML, map[string]string{"vex/app.openvex.json": doc}, VulnSources{DB: []string{db}})
			if got := len(findingsOf(res, "vulns-known")); got != tc.wantKnown {
				t.Errorf("vulns-known: %d, want %d: %v", got, tc.wantKnown, hits(res.Findings, false))
			}
			un := findingsOf(res, "vulns-vex-unjustified")
			if len(un) != tc.wantUnjustified {
				t.Errorf("vulns-vex-unjustified: %+v", un)
			}
			if len(un) == 1 && (un[0].File != "vex/app.openvex.json" || un[0].Line != 8 || un[0].Item != "pkg:golang/example.com/a@v1.0.0") {
				t.Errorf("unjustified finding: %+v", un[0])
			}
			// lodash: under investigation through a subcomponent of an image the SBOM does not name.
			ui := findingsOf(res, "vulns-vex-under-investigation")
			if len(ui) != 1 || ui[0].Line != 13 || ui[0].Item != "pkg:npm/lodash" {
				t.Errorf("under investigation: %+v", ui)
			}
			for _, f := range findingsOf(res, "vulns-known") {
				want := map[int]string{5: "VEX statement at vex/app.openvex.json:8 says " + tc.status,
					6: "VEX statement at vex/app.openvex.json:13 says under_investigation"}[f.Line]
				if !strings.Contains(f.Message, want) {
					t.Errorf("the error names the statement (%q): %s", want, f.Message)
				}
			}
			stale := findingsOf(res, "vulns-vex-stale")
			if len(stale) != 1 || stale[0].Item != "pkg:npm/left-pad@1.3.0" || stale[0].Line != 18 {
				t.Errorf("stale: %+v", stale)
			}
			for _, v := range res.Vulnerabilities {
				if v.ID == "GO-2026-0001" && (v.VEX == nil || v.VEX.Status != tc.status) {
					t.Errorf("table entry: %+v", v)
				}
			}
		})
	}
}

func TestVulnsSBOMOwnAnalysis(t *testing.T) {
	db := vulnDB(t, map[string]string{"GO-1.json": record("GO-2026-0001", "Go", "example.com/a", "1.2.0", "CVE-2026-1111")})
	sb := strings.Replace(vulnSBOM, `"dependencies":`, `"vulnerabilities":[{"id":"CVE-2026-1111","analysis":{"state":"not_affected",`+
		`"justification":"code_not_reachable"},"affects":[{"ref":"a"}]},
{"id":"CVE-2026-9999","analysis":{"state":"in_triage"},"affects":[{"ref":"gone"}]}],
"dependencies":`, 1)
	res := runVulns(t, "", map[string]string{"sbom/app.cdx.json": sb}, VulnSources{DB: []string{db}})
	if n := len(findingsOf(res, "vulns-known")); n != 0 {
		t.Errorf("the SBOM's own analysis answers it: %v", hits(res.Findings, false))
	}
	stale := findingsOf(res, "vulns-vex-stale")
	if len(stale) != 1 || stale[0].Item != "gone" || stale[0].File != "sbom/app.cdx.json" || stale[0].Line != 11 {
		t.Errorf("stale: %+v", stale)
	}
	if len(res.Vulnerabilities) != 1 || res.Vulnerabilities[0].VEX == nil || res.Vulnerabilities[0].VEX.Justification != "code_not_reachable" {
		t.Errorf("table: %+v", res.Vulnerabilities)
	}
}

func TestVulnsBadSources(t *testing.T) {
	db := vulnDB(t, map[string]string{
		"GO-1.json":   record("GO-2026-0001", "Go", "example.com/a", "1.2.0"),
		"broken.json": `{"id": "GO-BROKEN", "affected": [{"package": {"ecosystem": "Go", "name": "example.com/a"`,
		"typed.json":  `{"id": 42, "affected": [{"package": {"ecosystem": "Go", "name": "example.com/a"}}]}`,
		// Not about a package of the SBOMs: not decoded, so not reported.
		"elsewhere.json": `{"id": "GO-OTHER", "affected": [{"package": {"ecosystem": "Go", "name": "example.com/zzz"`,
	})
	res := runVulns(t, "", nil, VulnSources{DB: []string{db}})
	src := findingsOf(res, "vulns-source-unreadable")
	if len(src) != 2 || !strings.Contains(src[0].Message,
		"broken.json") || !strings.Contains(src[0].Message,
		"invalid JSON") || !strings.Contains(src[1].Message,
		"typed.json") {
		t.Errorf("record problems: %+v", src)
	}
	if len(findingsOf(res, "vulns-known")) != 1 {
		t.Errorf("the readable record still matches: %v", hits(res.Findings, false))
	}

	res = runVulns(t, "", nil, VulnSources{DB: []string{filepath.Join(t.TempDir(), "missing")}})
	c := checkStatus(res, finding.CheckVulns)
	if c.Status != finding.StatusSkip || len(findingsOf(res, "vulns-source-unreadable")) != 1 || res.Vulnerabilities != nil {
		t.Errorf("missing database: %+v %v", c, hits(res.Findings, false))
	}

	res = runVulns(t,
		"\n[vulnerabilities]\nvex = [\"vex/none.json\", \"vex/bad.json\"]\n",
		map[string]string{"vex/bad.json": "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": 3}"},
		VulnSources{DB: []string{db}})
	inv := findingsOf(res, "vulns-vex-invalid")
	if len(inv) != 2 || !strings.Contains(inv[0].Message+inv[1].Message,
		"does not exist") || !strings.Contains(inv[0].Message+inv[1].Message,
		"not valid OpenVEX") {
		t.Errorf("vex problems: %+v", inv)
	}
}

func TestVulnsRelatedKEVIsNotKEV(t *testing.T) {
	rec := strings.Replace(record("GO-2023-2102", "Go", "example.com/a", "1.2.0", "CVE-2023-39325"), `"summary"`, `"related":["CVE-2023-44487"],"summary"`, 1)
	db := vulnDB(t, map[string]string{"r.json": rec})
	kevFile := filepath.Join(t.TempDir(), "kev.json")
	os.WriteFile(kevFile, []byte(strings.Replace(kevCatalog, "CVE-2020-8203", "CVE-2023-44487", 1)), 0o644)
	res := runVulns(t, "", nil, VulnSources{DB: []string{db}, KEV: kevFile})
	known := findingsOf(res, "vulns-known")
	if len(findingsOf(res, "vulns-kev")) != 0 || len(known) != 1 || !strings.Contains(known[0].Message, "related to KEV-listed CVE-2023-44487") {
		t.Errorf("related KEV: %v", res.Findings)
	}
	if res.Vulnerabilities[0].KEV {
		t.Errorf("table says KEV")
	}
}

// fakeOSV answers as api.osv.dev does: querybatch results in query order with
// next_page_token paging, vulns by id, 404 with an error body.
func fakeOSV(t *testing.T, records map[string]string, affects map[string][]string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/querybatch":
			var req struct {
				Queries []struct {
					Package   struct{ Name, Ecosystem string }
					Version   string
					PageToken string `json:"page_token"`
				}
			}
			json.NewDecoder(r.Body).Decode(&req)
			type vuln struct {
				ID       string `json:"id"`
				Modified string `json:"modified"`
			}
			type result struct {
				Vulns []vuln `json:"vulns,omitempty"`
				Next  string `json:"next_page_token,omitempty"`
			}
			var out struct {
				Results []result `json:"results"`
			}
			for _, q := range req.Queries {
				ids := affects[q.Package.Ecosystem+"/"+q.Package.Name+"@"+q.Version]
				res := result{}
				// One advisory a page, as a paging stress.
				page := 0
				if q.PageToken != "" {
					fmt.Sscanf(q.PageToken, "p%d", &page)
				}
				if page < len(ids) {
					res.Vulns = []vuln{{ID: ids[page], Modified: "2026-01-01T00:00:00Z"}}
					if page+1 < len(ids) {
						res.Next = fmt.Sprintf("p%d", page+1)
					}
				}
				out.Results = append(out.Results, res)
			}
			json.NewEncoder(w).Encode(out)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/vulns/"):
			rec, ok := records[strings.TrimPrefix(r.URL.Path, "/v1/vulns/")]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprint(w, `{"code":5,"message":"Bug not found."}`)
				return
			}
			fmt.Fprint(w, rec)
		default:
			w.WriteHeader(http.StatusNotImplemented)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVulnsOSVAPI(t *testing.T) {
	records := map[string]string{
		"GO-2026-0001":        record("GO-2026-0001", "Go", "example.com/a", "1.2.0"),
		"GO-2026-0002":        record("GO-2026-0002", "Go", "example.com/a", "1.1.0"),
		"GHSA-p6mc-m468-83gw": record("GHSA-p6mc-m468-83gw", "npm", "lodash", "4.17.19", "CVE-2020-8203"),
	}
	srv := fakeOSV(t, records, map[string][]string{
		"Go/example.com/a@v1.0.0": {"GO-2026-0001", "GO-2026-0002"},
		"npm/lodash@4.17.15":      {"GHSA-p6mc-m468-83gw"},
	})
	res := runVulns(t, "", nil, VulnSources{API: srv.URL, HTTP: srv.Client()})
	if n := len(findingsOf(res, "vulns-known")); n != 3 || len(res.Vulnerabilities) != 3 {
		t.Fatalf("want 3 pairs over two pages: %v", hits(res.Findings, false))
	}
	for _, v := range res.Vulnerabilities {
		if v.ID == "GO-2026-0002" && v.Fixed != "1.1.0" {
			t.Errorf("fixed from the fetched record: %+v", v)
		}
	}

	// An API that names an advisory it does not have: a warning, and the check skips.
	srv = fakeOSV(t, map[string]string{}, map[string][]string{"npm/lodash@4.17.15": {"GHSA-gone"}})
	res = runVulns(t, "", nil, VulnSources{API: srv.URL, HTTP: srv.Client(), APIClient: &osvapi.Client{Retries: 1, Backoff: time.Millisecond}})
	src := findingsOf(res, "vulns-source-unreadable")
	if c := checkStatus(res,
		finding.CheckVulns); c.Status != finding.StatusSkip || len(src) != 1 || !strings.Contains(src[0].Message,
		"404") || !strings.Contains(src[0].Message,
		"Bug not found.") {
		t.Errorf("lying API: %+v %+v", c, src)
	}
}
