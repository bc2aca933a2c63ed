package sbom

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

// ends returns what a caller reading a file through repo.ReadEnds(p,
// SniffLen) gives Sniff.
func ends(data []byte) (head, tail []byte) {
	if len(data) <= SniffLen {
		return data, nil
	}
	return data[:SniffLen], data[max(len(data)-SniffLen, SniffLen):]
}

// TestSniffRealSBOMs: every real SBOM Parse reads is recognised, as its
// format, from its first and last 8 KiB alone, including those whose
// generators sort their keys so that bomFormat or spdxVersion come last
// (cyclonedx-py, Microsoft sbom-tool); the encodings Parse refuses are still
// named as SBOMs, and what Parse calls not an SBOM is not one either.
func TestSniffRealSBOMs(t *testing.T) {
	var files []string
	for _, sub := range []string{"sbom", "sbom-corpus"} {
		dir := realdata.Dir(t, sub)
		matches, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			if !strings.HasSuffix(m, ".md") {
				files = append(files, m)
			}
		}
	}
	if len(files) < 100 {
		t.Fatalf("only %d real SBOM files found", len(files))
	}
	late := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got := Sniff(ends(data))
		doc, perr := Parse(data)
		var pe *Error
		errors.As(perr, &pe)
		switch {
		case perr == nil && got != doc.Format:
			t.Errorf("%s: Sniff = %q, Parse reads it as %s", filepath.Base(f), got, doc.Format)
		case pe != nil && pe.Kind == NotSBOM && got != "":
			t.Errorf("%s: Sniff = %q, Parse: %v", filepath.Base(f), got, perr)
		case pe != nil && pe.Kind != NotSBOM && got == "":
			t.Errorf("%s: not sniffed, though Parse recognises an SBOM: %v", filepath.Base(f), perr)
		}
		if perr == nil && len(data) > SniffLen && !strings.Contains(string(data[:SniffLen]),
			`"bomFormat"`) && !strings.Contains(string(data[:SniffLen]),
			`"spdxVersion"`) && data[0] == '{' {
			late++
		}
	}
	if late < 4 {
		t.Errorf("only %d real JSON SBOMs write their format key past the first %d bytes; the test no longer covers sorted keys", late, SniffLen)
	}
}

func TestSniffNotSBOMs(t *testing.T) {
	for name, text := range map[string]string{
		"package.json":      `{"name": "quill", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}}`,
		"package-lock.json": `{"name": "quill", "lockfileVersion": 3, "packages": {"": {"name": "quill"}, "node_modules/left-pad": {"version": "1.3.0"}}}`,
		"truncated-config":  `{"compilerOptions": {"strict": true, "paths": {"a": ["` + strings.Repeat("x", 2*SniffLen),
		"array":             `[{"bomFormat": "CycloneDX"}]`,
		"other bomFormat":   `{"bomFormat": "Acme", "specVersion": "1.6"}`,
		"openvex":           `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "statements": []}`,
		"pom.xml":           `<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion></project>`,
		"bom other ns":      `<bom xmlns="http://example.org/bom"/>`,
		"go.mod":            "module example.com/x\n\ngo 1.22\n",
		"markdown":          "# SPDX notes\n\nWe write SPDXVersion: in our SBOMs.\n",
		"empty":             "",
		"binary":            "\x00\x01\x02\xff\xfe",
		"utf-16":            "\xff\xfe{\x00",
	} {
		if got := Sniff(ends([]byte(text))); got != "" {
			t.Errorf("%s: Sniff = %q, want not an SBOM", name, got)
		}
	}
}

func TestSniffShapes(t *testing.T) {
	components := `"components": [` + strings.Repeat(`{"bom-ref": "pkg:npm/a@1", "name": "a", "version": "1"},`, 400) + `{"name": "z"}]`
	packages := `"packages": [` + strings.Repeat(`{"SPDXID": "SPDXRef-a", "name": "a"},`, 400) + `{"SPDXID": "SPDXRef-z"}]`
	for name, tc := range map[string]struct {
		text string
		want Format
	}{
		"cdx json":            {`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}`, CycloneDX},
		"cdx json, bom":       {"\xEF\xBB\xBF  \n" + `{"$schema": "x", "bomFormat": "cyclonedx", "specVersion": "1.5"}`, CycloneDX},
		"cdx sorted keys":     {`{` + components + `, "specVersion": "1.4", "bomFormat": "CycloneDX"}`, CycloneDX},
		"spdx sorted keys":    {`{` + packages + `, "spdxVersion": "SPDX-2.3"}`, SPDX},
		"cdx format at end":   {`{"x": "` + strings.Repeat("y", 3*SniffLen) + `", "bomFormat": "CycloneDX", "specVersion": "1.6"}`, CycloneDX},
		"cdx format between":  {`{` + components + `, "bomFormat": "CycloneDX", "specVersion": "1.4", "x": "` + strings.Repeat("y", 2*SniffLen) + `"}`, CycloneDX},
		"spdx format between": {`{` + packages + `, "spdxVersion": "SPDX-2.3", "x": "` + strings.Repeat("y", 2*SniffLen) + `"}`, SPDX},
		"spdx json":           {`{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}`, SPDX},
		"spdx 3.0":            {`{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.json", "@graph": []}`, SPDX},
		"cdx xml": {`<?xml version="1.0" encoding="UTF-8"?>` + "\n<!-- made by hand -->\n" + `<bom xmlns="http://cyclonedx.org/schema/bom/1.6" ` +
			`version="1"><components/></bom>`,

			CycloneDX},
		"spdx tag-value":      {"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n", SPDX},
		"spdx tag-value late": {"## generated\n\nSPDXVersion: SPDX-2.2\n", SPDX},
		"spdx yaml":           {"---\nSPDXID: \"SPDXRef-DOCUMENT\"\nspdxVersion: \"SPDX-2.3\"\n", SPDX},
	} {
		if got := Sniff(ends([]byte(tc.text))); got != tc.want {
			t.Errorf("%s: Sniff = %q, want %q", name, got, tc.want)
		}
	}
}

// FuzzSniff: Sniff never panics, and recognises every document Parse reads
// as its format when the document fits in what Sniff is given.
func FuzzSniff(f *testing.F) {
	for _, seed := range []string{
		`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "a", "version": "1"}]}`,
		`{"components": [{"bom-ref": "a", "name": "a"}], "specVersion": "1.4", "bomFormat": "CycloneDX"}`,
		`{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "x", "dataLicense": "CC0-1.0", ` +
			`"documentNamespace": "https://x.test/x", "creationInfo": {"created": "2026-01-01T00:00:00Z", ` +
			`"creators": ["Tool: x"]}}`,
		`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components/></bom>`,
		"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: " +
			"x\nDocumentNamespace: https://x.test/x\nCreator: Tool: x\nCreated: 2026-01-01T00:00:00Z\n",
		`{"name": "package", "version": "1.0.0"}`,
		"\xEF\xBB\xBF[1, 2]",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		head, tail := ends(data)
		got := Sniff(head, tail)
		if len(data) > SniffLen {
			return
		}
		if doc, err := Parse(data); err == nil && got != doc.Format {
			t.Fatalf("Sniff = %q, Parse reads %s: %q", got, doc.Format, data)
		}
	})
}
