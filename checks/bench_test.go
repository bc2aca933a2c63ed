package checks

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/sbomgen"
)

// gateSizes are the SBOM sizes the whole gate is benchmarked on; the goal is
// set at 50k components: at most 1.5x one bare decode of the SBOM into any.
var gateSizes = []int{1_000, 10_000, 50_000, 100_000}

// benchRepo writes a repository whose product SBOM has n components and whose
// go.mod declares 200 direct dependencies for the drift check.
func benchRepo(b *testing.B, n int) (*repo.Repo, []byte) {
	b.Helper()
	data := sbomgen.CycloneDXJSON(n)
	var req strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&req, "\texample.com/dep%d v1.%d.0\n", i, i)
	}
	files := baseFiles()
	files["sbom/app.cdx.json"] = string(data)
	files["go.mod"] = "module example.com/lock\n\ngo 1.22\n\nrequire (\n" + req.String() + ")\n"
	files["cra.toml"] = baseManifest
	r := writeRepoB(b, files)
	return r, data
}

// BenchmarkGate runs the whole gate (all five checks) on the repository.
func BenchmarkGate(b *testing.B) {
	for _, n := range gateSizes {
		r, data := benchRepo(b, n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				res, err := Run(r, "cra.toml", Options{Now: testNow})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.SBOMs) == 0 || res.SBOMs[0].Components != n {
					b.Fatalf("SBOM not read: %+v", res.SBOMs)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/component")
		})
	}
}

// BenchmarkBaselineDecodeAny is the reference: one json.Unmarshal of the same
// SBOM bytes into an any.
func BenchmarkBaselineDecodeAny(b *testing.B) { sbomgen.BenchmarkDecodeAny(b, gateSizes) }

// vulnBenchSizes are the SBOM sizes the vulns check is benchmarked at, each
// against a generated database of twice as many records (100,000 at 50,000
// components: the goal is under 2 s for the whole gate).
var vulnBenchSizes = []int{10_000, 50_000}

// BenchmarkGateVulns runs the whole gate with the vulns check matching every
// component against an offline OSV database (a deflated all.zip) and the KEV
// catalog format; compare with BenchmarkBaselineDecodeAny in the same run.
func BenchmarkGateVulns(b *testing.B) {
	for _, n := range vulnBenchSizes {
		r, data := benchRepo(b, n)
		dbPath := filepath.Join(b.TempDir(), "all.zip")
		if err := os.WriteFile(dbPath, sbomgen.OSVZip(2*n, n), 0o644); err != nil {
			b.Fatal(err)
		}
		kevPath := filepath.Join(b.TempDir(), "kev.json")
		os.WriteFile(kevPath, []byte(`{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2024-10001","dateAdded":"2024-07-01"}]}`), 0o644)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				res, err := Run(r, "cra.toml", Options{Now: testNow, Vulns: VulnSources{DB: []string{dbPath}, KEV: kevPath}})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Vulnerabilities) < n/100 {
					b.Fatalf("only %d vulnerabilities found", len(res.Vulnerabilities))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/component")
		})
	}
}
