package osv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cra-gate/cra-gate/internal/sbomgen"
	"github.com/cra-gate/cra-gate/internal/vuln/records"
)

// BenchmarkZipReader reads a 100,000-record zip, as osv.dev publishes one per
// ecosystem, through the zip-entry reader (klauspost/compress inflating from
// memory, the default) and through archive/zip's File.Open (the standard
// library alone, which the reader uses for archives over records.ZipInMemory): the
// fast path stays only while it shows the gain docs/performance.md states.
func BenchmarkZipReader(b *testing.B) {
	p := filepath.Join(b.TempDir(), "all.zip")
	if err := os.WriteFile(p, sbomgen.OSVZip(100_000, 50_000), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		inMemory int64
	}{{"entry-reader", records.ZipInMemory}, {"file-open", 0}} {
		b.Run(tc.name, func(b *testing.B) {
			defer func(n int64) { records.ZipInMemory = n }(records.ZipInMemory)
			records.ZipInMemory = tc.inMemory
			for b.Loop() {
				db, probs := loadDB([]string{p}, nil, map[string]bool{"@scope1/pkg-1": true}, Limits{})
				if len(probs) > 0 || db.Read != 100_000 {
					b.Fatalf("%d records, %v", db.Read, probs)
				}
			}
		})
	}
}
