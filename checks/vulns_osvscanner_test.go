package checks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/realdata"
	"github.com/cra-gate/cra-gate/internal/sbom"
	"github.com/cra-gate/cra-gate/internal/vuln/match"
	"github.com/cra-gate/cra-gate/internal/vuln/osv"
)

// scannerOutput is the part of osv-scanner's JSON the comparison reads.
type scannerOutput struct {
	Results []struct {
		Packages []struct {
			Package struct {
				Name, Version, Ecosystem string
			} `json:"package"`
			Vulnerabilities []struct {
				ID string `json:"id"`
			} `json:"vulnerabilities"`
		} `json:"packages"`
	} `json:"results"`
}

// TestVulnsMatchOSVScanner holds the gate's (component, advisory) pairs on every
// real SBOM, with realdata/osv as the database, against what osv-scanner v2.6.0
// reports offline on the same records (testdata/osv-scanner, made by
// generate.sh there). Pairs are compared as ecosystem, full package name,
// version and advisory id; osv-scanner prints Maven and npm names without group
// or scope, so its names are completed from the advisory's affected packages.
// Every difference is listed in osvScannerDifferences with its reason.
func TestVulnsMatchOSVScanner(t *testing.T) {
	osvDir := realdata.Dir(t, "osv")
	var files []string
	for _, sub := range []string{"sbom", "sbom-corpus"} {
		dir := realdata.Dir(t, sub)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "INDEX.md" {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
	}
	records := map[string]*osv.Record{}
	filepath.WalkDir(osvDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			data, _ := os.ReadFile(p)
			if rec, err := osv.ParseRecord(data); err == nil {
				records[rec.GetId()] = rec
			}
		}
		return nil
	})
	totals := map[string]int{}
	perFile := map[string]int{}
	used := map[string]bool{}
	for _, path := range files {
		name := filepath.Base(path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := sbom.Parse(data)
		if err != nil {
			continue // the gate reports it under the sbom check; no components to match
		}
		c := &run{m: &manifest.Manifest{}, opt: Options{Vulns: VulnSources{DB: []string{osvDir}}}, sources: map[string][]string{}, refs: map[string]ref{}}
		c.facts.sboms = []*sbomFile{{path: name, doc: doc}}
		if why := c.checkVulns(); why != "" {
			t.Fatalf("%s: skipped: %s", name, why)
		}
		got := map[string]bool{}
		for _, v := range c.vulns {
			pkg, err := match.FromPurl(v.Purl)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, v.Purl, err)
			}
			got[pairKey(name, pkg.Ecosystem, pkg.Name, pkg.Version, v.ID)] = true
		}
		want := map[string]bool{}
		if raw, err := os.ReadFile(filepath.Join("testdata", "osv-scanner", name+".json")); err == nil {
			var out scannerOutput
			if err := json.Unmarshal(raw, &out); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, r := range out.Results {
				for _, p := range r.Packages {
					for _, v := range p.Vulnerabilities {
						full := fullName(records[v.ID], p.Package.Ecosystem, p.Package.Name)
						want[pairKey(name, p.Package.Ecosystem, full, p.Package.Version, v.ID)] = true
					}
				}
			}
		}
		totals["osv-scanner"] += len(want)
		totals["gate"] += len(got)
		perFile[name] = len(want)
		for k := range want {
			if !got[k] {
				if _, ok := osvScannerDifferences[k]; ok {
					totals["explained"]++
					used[k] = true
					continue
				}
				t.Errorf("osv-scanner reports %s; the gate does not", k)
			}
		}
		for k := range got {
			if !want[k] {
				if _, ok := osvScannerDifferences[k]; ok {
					totals["explained"]++
					used[k] = true
					continue
				}
				t.Errorf("the gate reports %s; osv-scanner does not", k)
			}
		}
	}
	for k := range osvScannerDifferences {
		if !used[k] {
			t.Errorf("explained difference %s no longer occurs: remove it", k)
		}
	}
	// The counts the issue quotes, so that a fixture regenerated wrongly shows.
	for file, n := range map[string]int{"cdx14-juice-shop-npm-flat.json": 11, "cdx12-keycloak-10.0.2.json": 20, "cdx15-cyclonedx-gomod-minikube-mod.json": 145} {
		if perFile[file] != n {
			t.Errorf("%s: osv-scanner fixture has %d pairs, want %d", file, perFile[file], n)
		}
	}
	t.Logf("pairs: %v", totals)
}

func pairKey(file, eco, name, version, id string) string {
	return strings.Join([]string{file, eco, name, version, id}, " ")
}

// fullName completes osv-scanner's short name (Maven artifact, npm name
// without scope) from the advisory's affected package of that ecosystem.
func fullName(rec *osv.Record, eco, short string) string {
	var names []string
	for _, a := range rec.GetAffected() {
		n := a.GetPackage().GetName()
		if a.GetPackage().GetEcosystem() != eco {
			continue
		}
		if n == short || strings.HasSuffix(n, ":"+short) || strings.HasSuffix(n, "/"+short) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return short
	}
	return names[0]
}

// osvScannerDifferences explains each pair on which the gate and osv-scanner
// differ, keyed like pairKey.
var osvScannerDifferences = map[string]string{
	// The three minikube SBOMs (cyclonedx-gomod) describe k8s.io/minikube
	// v1.23.1 itself as metadata.component, with a golang purl. osv-scanner
	// reads only the components list; the gate also matches the primary
	// component, because a known vulnerability in the product itself is the
	// first one the CRA asks about. GO-2023-1961 (CVE-2018-1002103, RCE via DNS
	// rebinding) affects k8s.io/minikube from 0.3.0 on, with no fixed version.
	pairKey("cdx15-cyclonedx-gomod-minikube-app-with-files.json", "Go", "k8s.io/minikube", "v1.23.1", "GO-2023-1961"): "primary component matched",
	pairKey("cdx15-cyclonedx-gomod-minikube-bin.json", "Go", "k8s.io/minikube", "v1.23.1", "GO-2023-1961"):            "primary component matched",
	pairKey("cdx15-cyclonedx-gomod-minikube-mod.json", "Go", "k8s.io/minikube", "v1.23.1", "GO-2023-1961"):            "primary component matched",
}
