// Package sbomgen generates realistic CycloneDX SBOMs of any size for the
// benchmarks of the sbom and checks packages.
package sbomgen

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkDecodeAny is the speed baseline the gate is held against: one
// json.Unmarshal into an any of the generated SBOM at each size. Benchmarks call
// it beside their own so that both are measured in the same run.
func BenchmarkDecodeAny(b *testing.B, sizes []int) {
	for _, n := range sizes {
		data := CycloneDXJSON(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var v any
				if err := json.Unmarshal(data, &v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/component")
		})
	}
}

// licenses is the licence mix of the generated components.
var licenses = []string{"MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "GPL-3.0-or-later", "MPL-2.0"}

// CycloneDXJSON returns a realistic CycloneDX 1.6 JSON SBOM with n components
// shaped like cyclonedx-npm output: purl, SHA-256 hash, licence, supplier,
// distribution reference with SHA-512, properties and a dependency graph in which
// every component depends on up to three later ones.
func CycloneDXJSON(n int) []byte { return cycloneDXJSON(n, false) }

// CycloneDXJSONLean is CycloneDXJSON with about 480 bytes per component
// instead of 1,200: bom-ref, name, group, version, purl, supplier name, one
// SHA-256 hash and a licence (no description, author, external references or
// properties), the shape of cyclonedx-gomod or trivy output. 50,000
// components make 24 MB.
func CycloneDXJSONLean(n int) []byte { return cycloneDXJSON(n, true) }

func cycloneDXJSON(n int, lean bool) []byte {
	var b strings.Builder
	b.Grow(n * 1600)
	b.WriteString(`{
  "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "version": 1,
  "metadata": {
    "timestamp": "2025-01-02T03:04:05Z",
    "tools": {"components": [{"type": "application", "group": "@cyclonedx", "name": "cyclonedx-npm", "version": "4.2.1"}]},
    "authors": [{"name": "Example Builder"}],
    "component": {"type": "application", "bom-ref": "app@1.0.0", "name": "app", "version": "1.0.0", "purl": "pkg:npm/app@1.0.0"}
  },
  "components": [`)
	ref := func(i int) string {
		return fmt.Sprintf("pkg:npm/%%40scope%d/pkg-%d@%d.%d.%d", i%97, i, i%7, i%13, i%29)
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		var seed [8]byte
		binary.LittleEndian.PutUint64(seed[:], uint64(i))
		s256 := sha256.Sum256(seed[:])
		s512 := sha512.Sum512(seed[:])
		lic := licenses[i%len(licenses)]
		licJSON := `{"license": {"id": "` + lic + `"}}`
		if i%10 == 0 {
			licJSON = `{"expression": "` + lic + ` OR Apache-2.0"}`
		}
		if lean {
			fmt.Fprintf(&b, `
    {"type": "library", "bom-ref": "%[1]s", "supplier": {"name": "Example Org %[2]d"}, "group": "@scope%[3]d", "name": "pkg-%[2]d", `+
				`"version": "%[4]d.%[5]d.%[6]d",
      "hashes": [{"alg": "SHA-256", "content": "%[7]s"}], "licenses": [%[8]s], "purl": "%[1]s"}`, ref(i), i, i%97, i%7, i%13, i%29,
				hex.EncodeToString(s256[:]), licJSON)
			continue
		}
		fmt.Fprintf(&b, `
    {
      "type": "library",
      "bom-ref": "%[1]s",
      "supplier": {"name": "Example Org %[2]d", "url": ["https://example.org/%[2]d"]},
      "author": "Jane Doe %[2]d",
      "group": "@scope%[3]d",
      "name": "pkg-%[2]d",
      "version": "%[4]d.%[5]d.%[6]d",
      "description": "Package number %[2]d of the generated benchmark SBOM.",
      "hashes": [{"alg": "SHA-256", "content": "%[7]s"}],
      "licenses": [%[8]s],
      "purl": "%[1]s",
      "externalReferences": [
        {"type": "vcs", "url": "git+https://github.com/example/pkg-%[2]d.git"},
        {"type": "distribution", "url": "https://registry.npmjs.org/@scope%[3]d/pkg-%[2]d/-/pkg-%[2]d-%[4]d.%[5]d.%[6]d.tgz", "hashes": `+
			`[{"alg": "SHA-512", "content": "%[9]s"}]}
      ],
      "properties": [{"name": "cdx:npm:package:path", "value": "node_modules/@scope%[3]d/pkg-%[2]d"}]
    }`, ref(i), i, i%97, i%7, i%13, i%29, hex.EncodeToString(s256[:]), licJSON, hex.EncodeToString(s512[:]))
	}
	b.WriteString("\n  ],\n  \"dependencies\": [")
	b.WriteString("\n    {\"ref\": \"app@1.0.0\", \"dependsOn\": [")
	for i := 0; i < n && i < 50; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(ref(i)))
	}
	b.WriteString("]}")
	for i := 0; i < n; i++ {
		b.WriteString(",\n    {\"ref\": ")
		b.WriteString(strconv.Quote(ref(i)))
		b.WriteString(", \"dependsOn\": [")
		for k := 1; k <= i%4 && i+k*7 < n; k++ {
			if k > 1 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(ref(i + k*7)))
		}
		b.WriteString("]}")
	}
	b.WriteString("\n  ]\n}\n")
	return []byte(b.String())
}

// OSVZip returns a zip of n OSV records, deflated as osv.dev publishes its
// per-ecosystem all.zip. Every 20th record (5%, a realistic share) is about a
// component of CycloneDXJSON (record 20*i about component i, while i is below
// components); the others name packages no SBOM has. Each is affected from 0
// up to a fixed version, so about half of the named components are hit. Records are about 900 bytes, shaped like GitHub
// advisories (aliases, summary, details, severity, references).
func OSVZip(n, components int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for k := 0; k < n; k++ {
		name := fmt.Sprintf("@other%d/lib-%d", k%89, k)
		if c := k * 20; k%20 == 0 && c < components*20 && k/20 < components {
			name = fmt.Sprintf("@scope%d/pkg-%d", (k/20)%97, k/20)
		}
		id := fmt.Sprintf("GHSA-%04x-%04x-%04x", k>>16, k&0xffff, (k*7919)&0xffff)
		w, err := zw.Create(id + ".json")
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(w, `{
  "schema_version": "1.6.0",
  "id": %q,
  "modified": "2025-01-02T03:04:05Z",
  "published": "2024-06-01T00:00:00Z",
  "aliases": ["CVE-2024-%d"],
  "summary": "Prototype pollution in %s",
  "details": "Versions of %s before %d.%d.15 let an attacker who controls an object key modify Object.prototype.",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"}],
  "affected": [{
    "package": {"ecosystem": "npm", "name": %q, "purl": "pkg:npm/%s"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "%d.%d.15"}]}],
    "database_specific": {"source": "https://github.com/github/advisory-database"}
  }],
  "references": [{"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2024-%d"}, {"type": "PACKAGE", "url": "https://www.npmjs.com/package/%s"}],
  "database_specific": {"severity": "HIGH", "github_reviewed": true, "cwe_ids": ["CWE-1321"]}
}`, id, 10000+k, name, name, k%7, k%13, name, name, k%7, k%13, 10000+k, name)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// PackageLock returns a package-lock.json (lockfileVersion 3) whose direct
// dependencies are the first n components of CycloneDXJSON, at their versions:
// a lockfile the generated SBOM is current against.
func PackageLock(n int) []byte {
	var deps, pkgs strings.Builder
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("@scope%d/pkg-%d", i%97, i)
		version := fmt.Sprintf("%d.%d.%d", i%7, i%13, i%29)
		if i > 0 {
			deps.WriteString(",")
		}
		fmt.Fprintf(&deps, "\n        %q: %q", name, "^"+version)
		fmt.Fprintf(&pkgs, ",\n    %q: {\"version\": %q}", "node_modules/"+name, version)
	}
	return []byte(fmt.Sprintf(`{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "app",
      "version": "1.0.0",
      "dependencies": {%s
      }
    }%s
  }
}
`, deps.String(), pkgs.String()))
}
