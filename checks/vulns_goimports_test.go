package checks

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/realdata"
)

// goPackagesSBOM is a cyclonedx-gomod -packages SBOM: module example.com/m
// with its packages example.com/m/client and example.com/m/util nested in
// it, and module example.com/n listed without packages.
const goPackagesSBOM = `{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
"metadata":{"timestamp":"2026-11-01T10:00:00Z","component":{"type":"application","bom-ref":"root","name":"app","version":"v1.0.0"}},
"components":[
{"type":"library","bom-ref":"m","name":"example.com/m","version":"v1.0.0","purl":"pkg:golang/example.com/m@v1.0.0?type=module",
 "components":[
  {"type":"library","name":"example.com/m/client","version":"v1.0.0","purl":"pkg:golang/example.com/m/client@v1.0.0?type=package"},
  {"type":"library","name":"example.com/m/util","version":"v1.0.0","purl":"pkg:golang/example.com/m/util@v1.0.0?type=package"}]},
{"type":"library","bom-ref":"n","name":"example.com/n","version":"v1.0.0","purl":"pkg:golang/example.com/n@v1.0.0?type=module"}
]}`

// goRecord is a golang/vulndb record for module fixed at v1.1.0 that names
// the vulnerable packages.
func goRecord(id, module string, imports ...string) string {
	var im []string
	for _, p := range imports {
		im = append(im, `{"path":"`+p+`","symbols":["Do"]}`)
	}
	return `{"schema_version":"1.3.1","id":"` + id + `","modified":"2026-11-01T00:00:00Z","summary":"Bad thing",
"affected":[{"package":{"ecosystem":"Go","name":"` + module + `"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.1.0"}]}],
"ecosystem_specific":{"imports":[` + strings.Join(im, ",") + `]}}]}`
}

// TestVulnsGoPackagesNotLinked: an advisory that names its vulnerable Go
// packages is a notice when the package-level SBOM lists none of them, and
// stays an error when it lists one, when the record names none, or when the
// SBOM lists no package of the module.
func TestVulnsGoPackagesNotLinked(t *testing.T) {
	db := vulnDB(t, map[string]string{
		"GO-1.json": goRecord("GO-2026-0001", "example.com/m", "example.com/m/server"),
		"GO-2.json": goRecord("GO-2026-0002", "example.com/m", "example.com/m/server", "example.com/m/client"),
		"GO-3.json": goRecord("GO-2026-0003", "example.com/m"),
		"GO-4.json": goRecord("GO-2026-0004", "example.com/n", "example.com/n/server"),
	})
	res := runVulns(t, "", map[string]string{"sbom/app.cdx.json": goPackagesSBOM}, VulnSources{DB: []string{db}})
	got := map[string]finding.Severity{}
	for _, f := range res.Findings {
		if f.Rule == "vulns-known" {
			id := f.Item[strings.LastIndex(f.Item, "#")+1:]
			got[id] = f.Severity
			if id == "GO-2026-0001" && !strings.Contains(f.Message, "affects only the packages example.com/m/server (OSV imports)") {
				t.Errorf("message: %s", f.Message)
			}
		}
	}
	want := map[string]finding.Severity{
		"GO-2026-0001": finding.Notice, "GO-2026-0002": finding.Error, "GO-2026-0003": finding.Error, "GO-2026-0004": finding.Error,
	}
	for id, sev := range want {
		if got[id] != sev {
			t.Errorf("%s: %q, want %q", id, got[id], sev)
		}
	}
	for _, v := range res.Vulnerabilities {
		if v.NotLinked != (v.ID == "GO-2026-0001") {
			t.Errorf("%s: not_linked %v", v.ID, v.NotLinked)
		}
	}
}

// TestVulnsGoPackagesMinikube: cyclonedx-gomod's own app -files example
// of minikube lists the packages linked in; of golang/vulndb's records for
// it, those whose vulnerable packages minikube does not import are notices
// (GO-2022-0635: aws-sdk-go's s3crypto), the rest stay errors.
func TestVulnsGoPackagesMinikube(t *testing.T) {
	osvDir := filepath.Join(realdata.Dir(t, "osv"), "Go")
	sb, err := os.ReadFile(filepath.Join(realdata.Dir(t, "sbom-corpus"), "cdx15-cyclonedx-gomod-minikube-app-with-files.json"))
	if err != nil {
		t.Fatal(err)
	}
	res := runVulns(t, "", map[string]string{"sbom/app.cdx.json": string(sb)}, VulnSources{DB: []string{osvDir}})
	sev := map[finding.Severity]int{}
	var s3crypto finding.Severity
	for _, f := range res.Findings {
		if f.Rule == "vulns-known" {
			sev[f.Severity]++
			if strings.HasSuffix(f.Item, "#GO-2022-0635") {
				s3crypto = f.Severity
			}
		}
	}
	t.Logf("vulns-known: %v", sev)
	if s3crypto != finding.Notice || sev[finding.Notice] == 0 || sev[finding.Error] == 0 {
		t.Errorf("GO-2022-0635 %q; %v, want notices for unlinked packages and errors for the rest", s3crypto, sev)
	}
}

// TestGovulncheckVEX: govulncheck's OpenVEX for a program answers, in the
// gate, exactly the advisories govulncheck found not reachable; the three it
// calls affected stay errors. Its purls escape the module path
// ("golang.org%2Fx%2Fnet"), which names the same module as the SBOM's
// "golang.org/x/net". testdata/govulncheck/README.md says how the files
// were made.
func TestGovulncheckVEX(t *testing.T) {
	goDir := filepath.Join(realdata.Dir(t, "osv"), "Go")
	db := t.TempDir()
	entries, err := os.ReadDir(goDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries { // the records govulncheck was given: x/net, x/text, stdlib
		b, err := os.ReadFile(filepath.Join(goDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), `"name": "golang.org/x/net"`) || strings.Contains(string(b), `"name": "golang.org/x/text"`) {
			if err := os.WriteFile(filepath.Join(db, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "govulncheck", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	res := runVulns(t, "\n[vulnerabilities]\nvex = [\"vex/doorbell.openvex.json\"]\n", map[string]string{
		"sbom/app.cdx.json":         read("doorbell.cdx.json"),
		"vex/doorbell.openvex.json": read("doorbell.govulncheck.openvex.json"),
	}, VulnSources{DB: []string{db}})
	var open []string
	for _, f := range res.Findings {
		if f.Rule == "vulns-known" && f.Severity == finding.Error {
			open = append(open, f.Item[strings.LastIndex(f.Item, "#")+1:])
		}
		if strings.HasPrefix(f.Rule, "vulns-vex") {
			t.Errorf("%s: %s", f.Rule, f.Message) // no statement is stale or unjustified
		}
	}
	answered := 0
	for _, v := range res.Vulnerabilities {
		if v.VEX.Answered() {
			answered++
			if v.VEX.File != "vex/doorbell.openvex.json" {
				t.Errorf("%s answered by %s", v.ID, v.VEX.File)
			}
		}
	}
	slices.Sort(open)
	if want := []string{"GO-2021-0113", "GO-2026-5026", "GO-2026-5970"}; !slices.Equal(open, want) || answered != 22 || len(res.Vulnerabilities) != 25 {
		t.Errorf("open %v (want %v, govulncheck's affected), %d of %d answered (want 22 of 25)", open, want, answered, len(res.Vulnerabilities))
	}
}
