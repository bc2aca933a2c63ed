package sbom

import (
	"strconv"
	"testing"

	"github.com/cra-gate/cra-gate/internal/sbomgen"
)

// benchSizes are the component counts benchmarked; the gate's budget is set on
// a 50k-component SBOM, between the two larger sizes.
var benchSizes = []int{1_000, 10_000, 100_000}

// BenchmarkParseCoverage measures what the gate does with a CycloneDX JSON SBOM:
// Parse followed by Coverage.
func BenchmarkParseCoverage(b *testing.B) {
	for _, n := range benchSizes {
		data := sbomgen.CycloneDXJSON(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				d, err := Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				if q := Coverage(d); q.Components != n {
					b.Fatalf("%d components, want %d", q.Components, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/component")
		})
	}
}

// BenchmarkBaselineUnmarshalAny is the reference cost: one json.Unmarshal of
// the same bytes into an any.
func BenchmarkBaselineUnmarshalAny(b *testing.B) { sbomgen.BenchmarkDecodeAny(b, benchSizes) }

// TestGeneratedSBOM checks that the benchmark input is what it claims to be.
func TestGeneratedSBOM(t *testing.T) {
	d, err := Parse(sbomgen.CycloneDXJSON(200))
	if err != nil {
		t.Fatal(err)
	}
	q := Coverage(d)
	if q.Components != 200 || !d.HasDependencyFromPrimary() {
		t.Fatalf("components %d, dependency from primary %v", q.Components, d.HasDependencyFromPrimary())
	}
	for _, fc := range q.Fields {
		switch fc.Field {
		case FieldCreator, FieldHashSHA512, FieldFilename, FieldLicenseEvidence, FieldSourceURI, FieldFileKinds:
			continue // BSI TR-03183-2 fields the generator does not write
		}
		if fc.Present != 200 {
			t.Errorf("%s: %d of 200 (missing e.g. %q)", fc.Field, fc.Present, fc.Missing)
		}
	}
}

// BenchmarkFastPaths compares Parse and Coverage of a 50,000-component SBOM
// with the split decode and the coverage in parts (the default on several
// CPUs) against both in one piece, as the standard library alone would do:
// the fast paths stay only while they show the user-visible gain
// docs/performance.md states.
func BenchmarkFastPaths(b *testing.B) {
	data := sbomgen.CycloneDXJSON(50_000)
	for _, tc := range []struct {
		name string
		min  int
	}{{"split", parallelMinComponents}, {"one-piece", 1 << 30}} {
		b.Run(tc.name, func(b *testing.B) {
			defer func(n int) { parallelMinComponents = n }(parallelMinComponents)
			parallelMinComponents = tc.min
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				d, err := Parse(data)
				if err != nil {
					b.Fatal(err)
				}
				Coverage(d)
			}
		})
	}
}
