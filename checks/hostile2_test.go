package checks

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/budget"
	"github.com/cra-gate/cra-gate/internal/vuln/kev"
)

// The shapes a hostile pull request committed in round 2, each at the size
// that broke the gate (gigabytes of memory from a few megabytes, most of it
// compressible to kilobytes in git): every one is now refused before it is
// decoded, with the limit named, or read within the budget.

// flood repeats item to about size bytes between head and tail.
func flood(size int, head, item, tail string) string {
	return head + strings.Repeat(item, (size-len(head)-len(tail))/len(item)) + strings.TrimSuffix(item, ",") + tail
}

const (
	cdxHead  = `{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"bom-ref":"root","name":"x"}},"components":[`
	spdxHead = `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","dataLicense":"CC0-1.0",` +
		`"documentNamespace":"https://x.example/x","creationInfo":{"created":"2026-01-01T00:00:00Z","creators":["Tool: x"]},"packages":[`
	xmlHead = `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components>`
)

// TestHostileFloodsRefused: 8 MiB of empty components (CycloneDX or SPDX
// JSON) and a VEX document of empty statements at its 16 MiB limit hold
// millions of objects: refused by the budget before the decoder sees them.
func TestHostileFloodsRefused(t *testing.T) {
	vexDecl := "\n[vulnerabilities]\nvex = [\"vex/flood.openvex.json\"]\n"
	for name, tc := range map[string]struct {
		file, data, manifest, rule string
	}{
		"cyclonedx json": {"sbom/app.cdx.json", flood(8<<20, cdxHead, "{},", "]}"), "", "sbom-too-large"},
		"spdx json":      {"sbom/app.cdx.json", flood(8<<20, spdxHead, "{},", "]}"), "", "sbom-too-large"},
		"vex": {"vex/flood.openvex.json", flood(16<<20-1024, `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[`, "{},", "]}"),
			baseManifest + vexDecl, "vulns-vex-invalid"},
	} {
		t.Run(name, func(t *testing.T) {
			all := baseFiles()
			all[tc.file] = tc.data
			m := tc.manifest
			if m == "" {
				m = baseManifest
			}
			all["cra.toml"] = m
			opt := Options{Now: testNow}
			if tc.rule == "vulns-vex-invalid" {
				opt.Vulns.DB = []string{t.TempDir()}
			}
			repo := writeRepo(t, all)
			var res *finding.Result
			var err error
			alloc := allocated(func() { res, err = Run(repo, "cra.toml", opt) })
			if err != nil {
				t.Fatal(err)
			}
			// Decoding the flood took 2.6-3.4 GB; refused unread it costs
			// about two copies of the file.
			if limit := uint64(2*len(tc.data)) + 16<<20; alloc > limit {
				t.Errorf("allocated %d MiB, more than %d MiB: the flood was decoded", alloc>>20, limit>>20)
			}
			t.Logf("%s: %d MiB allocated for a %d MiB file", name, alloc>>20, len(tc.data)>>20)
			f := firstOf(res, tc.rule)
			if f == nil || f.File != tc.file || !strings.Contains(f.Message, "more than 1,000,000") || !strings.Contains(f.Message, "--max-objects") {
				t.Fatalf("no %s naming the limit: %+v", tc.rule, res.Findings)
			}
		})
	}
}

// TestHostileBudgetOverSeveralSBOMs: SBOMs each within the limit spend the
// run's budget together; the one that would pass it is refused, named.
func TestHostileBudgetOverSeveralSBOMs(t *testing.T) {
	all := baseFiles()
	var names []string
	for i := range 3 {
		p := fmt.Sprintf("sbom/part-%d.cdx.json", i)
		all[p] = flood(int(budget.DefaultItems)*9/5, cdxHead, "{},", "]}") // about 600,000 objects each
		names = append(names, fmt.Sprintf("%q", p))
	}
	all["cra.toml"] = strings.Replace(baseManifest, `sbom = ["sbom/app.cdx.json"]`, "sbom = ["+strings.Join(names, ", ")+"]", 1)
	res, err := Run(writeRepo(t, all), "cra.toml", Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var refused []string
	for _, f := range res.Findings {
		if f.Rule == "sbom-too-large" {
			refused = append(refused, f.File)
			if !strings.Contains(f.Message, "decoded before it") {
				t.Errorf("%s: %s", f.File, f.Message)
			}
		}
	}
	if strings.Join(refused, ",") != "sbom/part-1.cdx.json,sbom/part-2.cdx.json" || len(res.SBOMs) != 2 {
		t.Errorf("refused %v, coverage rows %d", refused, len(res.SBOMs))
	}
}

// TestHostileManyNames: 100 symbolic links to one SBOM, all in product.sbom,
// are one file: read and decoded once, one coverage row.
func TestHostileManyNames(t *testing.T) {
	all := baseFiles()
	all["cra.toml"] = baseManifest
	r := writeRepo(t, all)
	root := r.Root()
	var names []string
	for i := range 100 {
		p := fmt.Sprintf("sbom/alias-%03d.json", i)
		if err := os.Symlink("app.cdx.json", filepath.Join(root, filepath.FromSlash(p))); err != nil {
			t.Skip("symlinks unavailable:", err)
		}
		names = append(names, fmt.Sprintf("%q", p))
	}
	m := strings.Replace(baseManifest, `sbom = ["sbom/app.cdx.json"]`, "sbom = ["+strings.Join(names, ", ")+"]", 1)
	if err := os.WriteFile(filepath.Join(root, "cra.toml"), []byte(m), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(r, "cra.toml", Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.SBOMs) != 2 || res.SBOMs[0].File != "sbom/alias-000.json" { // the product's, under its first name, and the cloud's
		t.Errorf("%d coverage rows: %+v", len(res.SBOMs), res.SBOMs)
	}
}

// TestHostileKEVFlood: a KEV catalog of empty entries at its 64 MiB limit
// (22 million entries) is refused before it is decoded.
func TestHostileKEVFlood(t *testing.T) {
	data := []byte(flood(kev.MaxBytes, `{"vulnerabilities":[`, "{},", "]}"))
	var err error
	alloc := allocated(func() { _, err = kev.Parse(data) })
	if err == nil || !strings.Contains(err.Error(), "200,000") {
		t.Fatalf("%v", err)
	}
	if alloc > 16<<20 { // decoding it took 9.5 GB
		t.Errorf("allocated %d MiB counting a refused catalog", alloc>>20)
	}
}

// TestHostileOSVNames: a 1 MB zip whose records are 16 MiB of "name":"a"
// (512 MiB inflated) is reported record by record, not indexed.
func TestHostileOSVNames(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	rec := `{"id":"X-%d","affected":[` + strings.Repeat(`{"package":{"ecosystem":"npm","name":"a%d"}},`, 1) + `{}]}`
	for i := range 32 {
		w, _ := zw.Create(fmt.Sprintf("X-%d.json", i))
		fmt.Fprintf(w, rec, i, i)
		names := strings.Repeat(`{"name":"b"},`, 1200) // one name, repeated: deduplicated
		for j := 0; j < 1200; j++ {
			names += fmt.Sprintf(`{"name":"n%d"},`, j) // 1,200 distinct names: over the limit
		}
		w2, _ := zw.Create(fmt.Sprintf("Y-%d.json", i))
		fmt.Fprintf(w2, `{"id":"Y-%d","credits":[%s{}]}`, i, names)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	z := filepath.Join(t.TempDir(), "all.zip")
	if err := os.WriteFile(z, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	all := baseFiles()
	all["cra.toml"] = baseManifest
	res, err := Run(writeRepo(t, all), "cra.toml", Options{Now: testNow, Vulns: VulnSources{DB: []string{z}}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range res.Findings {
		if f.Rule == "vulns-source-unreadable" && strings.Contains(f.Message, "names more than 1000 packages") {
			n++
		}
	}
	if n == 0 {
		t.Errorf("no problem reported: %+v", res.Findings)
	}
}

// TestHostileLatin1Converted: an XML SBOM declared ISO-8859-1 is converted
// once, as it reads, and decodes as its UTF-8 twin does.
func TestHostileLatin1Converted(t *testing.T) {
	body := `<component type="library"><name>caf` + "\xe9" + `</name><version>1</version></component>`
	all := baseFiles()
	all["cra.toml"] = baseManifest
	all["sbom/app.cdx.json"] = strings.Replace(xmlHead, `<?xml version="1.0"?>`, `<?xml version="1.0" encoding="ISO-8859-1"?>`, 1) +
		body + `</components></bom>`
	res, err := Run(writeRepo(t, all), "cra.toml", Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.SBOMs) == 0 || res.SBOMs[0].Components != 1 {
		t.Fatalf("%+v %+v", res.SBOMs, res.Findings)
	}
	for _, f := range res.Findings {
		if f.Rule == "sbom-invalid" || f.Rule == "sbom-unsupported-version" {
			t.Errorf("%s: %s", f.Rule, f.Message)
		}
	}
}

// firstOf returns the first finding of rule, or nil.
func firstOf(res *finding.Result, rule string) *finding.Finding {
	for i := range res.Findings {
		if res.Findings[i].Rule == rule {
			return &res.Findings[i]
		}
	}
	return nil
}

// allocated returns the bytes the process allocated while f ran: a bound on
// memory that does not depend on the machine's speed.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// BenchmarkHostileRound2 runs the gate on each round-2 shape at the size
// that broke it, beside the plain base repository, in the same run: B/op is
// the regression measure (2.6 GB to 9.5 GB before the budget).
func BenchmarkHostileRound2(b *testing.B) {
	vexDecl := "\n[vulnerabilities]\nvex = [\"vex/flood.openvex.json\"]\n"
	cases := []struct {
		name, file, data, manifest string
	}{
		{"baseline-plain-repository", "", "", ""},
		{"cyclonedx-json-8MiB-empty-objects", "sbom/app.cdx.json", flood(8<<20, cdxHead, "{},", "]}"), ""},
		{"spdx-json-8MiB-empty-objects", "sbom/app.cdx.json", flood(8<<20, spdxHead, "{},", "]}"), ""},
		{"cyclonedx-xml-8MiB-empty-components", "sbom/app.cdx.json", flood(8<<20, xmlHead, "<component/>", "</components></bom>"), ""},
		{"vex-16MiB-empty-statements", "vex/flood.openvex.json",
			flood(16<<20-1024, `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[`, "{},", "]}"), baseManifest + vexDecl},
	}
	for _, tc := range cases {
		all := baseFiles()
		if tc.file != "" {
			all[tc.file] = tc.data
		}
		all["cra.toml"] = baseManifest
		if tc.manifest != "" {
			all["cra.toml"] = tc.manifest
		}
		r := writeRepoB(b, all)
		opt := Options{Now: testNow}
		if strings.HasPrefix(tc.name, "vex") {
			opt.Vulns.DB = []string{b.TempDir()}
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(r, "cra.toml", opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	kevFlood := []byte(flood(kev.MaxBytes, `{"vulnerabilities":[`, "{},", "]}"))
	b.Run("kev-64MiB-empty-entries", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := kev.Parse(kevFlood); err == nil {
				b.Fatal("accepted")
			}
		}
	})
}
