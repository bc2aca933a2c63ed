package sbom

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

// corpusEntry is one row of realdata/sbom-corpus/INDEX.md.
type corpusEntry struct {
	file, kind string
	comps      int // by INDEX.md's definition; -1 when the table gives none
}

// readCorpusIndex reads the files table of INDEX.md: the file name (column
// 1), "comps (top)" (column 7: "840" or "1115 (837)") and the kind (column
// 10).
func readCorpusIndex(t *testing.T, dir string) []corpusEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "INDEX.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusEntry
	inFiles := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "## "):
			inFiles = line == "## Files"
			continue
		case !inFiles || !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| file ") || strings.HasPrefix(line, "|---"):
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 12 {
			t.Fatalf("INDEX.md row with %d cells: %q", len(cells), line)
		}
		e := corpusEntry{file: strings.TrimSpace(cells[1]), kind: strings.TrimSpace(cells[10]), comps: -1}
		num, _, _ := strings.Cut(strings.TrimSpace(cells[7]), " ")
		if n, err := strconv.Atoi(num); err == nil {
			e.comps = n
		}
		out = append(out, e)
	}
	return out
}

// TestCorpus80 reads every file of realdata/sbom-corpus as its INDEX.md
// says: valid files read, with the component count INDEX.md gives (and
// CycloneDX 1.0/1.1 as legacy); lenient ones read with that count or refused
// as malformed; unsupported encodings and versions reported as such, never as
// "not an SBOM" or malformed; syft's native JSON as not an SBOM.
func TestCorpus80(t *testing.T) {
	dir := realdata.Dir(t, "sbom-corpus")
	entries := readCorpusIndex(t, dir)
	if len(entries) != 80 {
		t.Fatalf("INDEX.md lists %d files, want 80", len(entries))
	}
	for _, e := range entries {
		// INDEX.md was written before the gate read SPDX 3 (issue 19): the
		// sample is now read, with its 267 software_Package elements.
		if e.file == "edge-spdx30-sbom-tool-sample.json" {
			e.kind, e.comps = "valid", 267
		}
		t.Run(e.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, e.file))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(data)
			var se *Error
			errors.As(err, &se)
			switch e.kind {
			case "valid":
				if err != nil {
					t.Fatalf("a valid SBOM was not read: %v", err)
				}
				// INDEX.md counts every package; build tools are reported apart.
				if n := len(d.Components) + len(d.BuildTime); n != e.comps {
					t.Errorf("%d components (%d build-time), INDEX.md counts %d", n, len(d.BuildTime), e.comps)
				}
				if legacy := strings.HasPrefix(e.file, "cdx10") || strings.HasPrefix(e.file, "cdx11"); d.Legacy() != legacy {
					t.Errorf("legacy %v, want %v", d.Legacy(), legacy)
				}
			case "lenient":
				if err != nil && (se == nil || se.Kind != Malformed) {
					t.Errorf("refused as %v, want it read or refused as malformed", err)
				}
				if err == nil && len(d.Components)+len(d.BuildTime) != e.comps {
					t.Errorf("read with %d components, INDEX.md counts %d", len(d.Components)+len(d.BuildTime), e.comps)
				}
			case "unsupported":
				if se == nil || (se.Kind != UnsupportedVersion && se.Kind != UnsupportedEncoding) {
					t.Errorf("got %v, want an unsupported version or encoding", err)
				}
			case "not-sbom":
				if se == nil || (se.Kind != NotSBOM && se.Kind != UnsupportedVersion) {
					t.Errorf("got %v, want not an SBOM", err)
				}
			case "robust":
				// Any outcome but a panic (which fails the test by itself).
			default:
				t.Fatalf("INDEX.md kind %q", e.kind)
			}
		})
	}
}

// TestWithoutSnippets: snippet sections, multi-line values included, become
// blank lines; nothing else changes.
func TestWithoutSnippets(t *testing.T) {
	in := "PackageName: a\nSnippetSPDXID: SPDXRef-S\nSnippetComment: " +
		"<text>one\ntwo</text>\nLicenseInfoInSnippet: MIT\nPackageName: b\nPackageComment: " +
		"<text>SnippetSPDXID: not a tag\n</text>\n"
	want := "PackageName: a\n\n\n\n\nPackageName: b\nPackageComment: <text>SnippetSPDXID: not a tag\n</text>\n"
	if got := string(withoutSnippets([]byte(in))); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
