package checks

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/sbomgen"
)

// BenchmarkGateNVD runs the gate on a device repository: a 5,000-package SPDX
// 3 image SBOM against NVD records, 25,000 by default, 250,000 with
// CRA_GATE_BENCH_NVD=250000 (it writes 1.3 GB of records once). Whole
// processes against a bare decode: docs/performance.md (perf mkdevice).
func BenchmarkGateNVD(b *testing.B) {
	n := 25_000
	if v := os.Getenv("CRA_GATE_BENCH_NVD"); v == "250000" {
		n = 250_000
	}
	zipped := os.Getenv("CRA_GATE_BENCH_NVD_ZIP") != ""
	dir := b.TempDir()
	all := baseFiles()
	all["sbom/app.cdx.json"] = string(sbomgen.SPDX3Image(5_000))
	all["cra.toml"] = baseManifest
	for name, content := range all {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	nvdDir := filepath.Join(b.TempDir(), "nvd")
	write := sbomgen.WriteNVD
	if zipped {
		nvdDir += ".zip"
		write = sbomgen.WriteNVDZip
	}
	if err := write(nvdDir, n, 20_000, 7); err != nil {
		b.Fatal(err)
	}
	r, err := repo.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(r, "cra.toml", Options{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), FailOn: finding.FailOnError,
			Vulns: VulnSources{NVD: []string{nvdDir}}})
		if err != nil || len(res.Vulnerabilities) == 0 {
			b.Fatalf("%v, %d vulnerabilities", err, len(res.Vulnerabilities))
		}
	}
}
