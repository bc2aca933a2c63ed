package sbomgen

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SPDX3Image returns an SPDX 3.0.1 JSON-LD image SBOM shaped like Yocto's
// (create-spdx, SPDX 3): n installed packages, each with a CPE, a version, a
// concluded licence and two files, contained by the image package, plus one
// source package per installed one (a build input). Package i's CPE product
// is Product(i).
func SPDX3Image(n int) []byte {
	var b strings.Builder
	b.Grow(n * 2200)
	const ns = "http://spdx.org/spdxdocs/image-0b1c/"
	b.WriteString(`{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[
{"type":"CreationInfo","@id":"_:ci","specVersion":"3.0.1","created":"2026-11-01T10:00:00Z","createdBy":["` + ns + `org/oe"],` +
		`"createdUsing":["` + ns + `tool/oe-spdx-creator"]},
{"type":"Organization","spdxId":"` + ns + `org/oe","creationInfo":"_:ci","name":"OpenEmbedded"},
{"type":"Tool","spdxId":"` + ns + `tool/oe-spdx-creator","creationInfo":"_:ci","name":"oe-spdx-creator 1.0"},
{"type":"SpdxDocument","spdxId":"` + ns + `document","creationInfo":"_:ci","name":"image","rootElement":["` + ns + `sbom"]},
{"type":"software_Sbom","spdxId":"` + ns + `sbom","creationInfo":"_:ci","rootElement":["` + ns + `package/image"],"software_sbomType":["build"]},
{"type":"simplelicensing_LicenseExpression","spdxId":"` + ns + `license/mit","creationInfo":"_:ci","simplelicensing_licenseExpression":"MIT"},
{"type":"software_Package","spdxId":"` + ns + `package/image","creationInfo":"_:ci","name":"core-image-gateway","software_packageVersion":"1.0",` +
		`"software_primaryPurpose":"archive"}`)
	var contains []string
	for i := range n {
		pkg := fmt.Sprintf("%spackage/p%d", ns, i)
		contains = append(contains, `"`+pkg+`"`)
		fmt.Fprintf(&b, `,
{"type":"software_Package","spdxId":"%s","creationInfo":"_:ci","name":"%s","summary":"Package %d of the image",`+
			`"description":"A library or tool installed in the image, as the build describes it.",`+
			`"externalIdentifier":[{"type":"ExternalIdentifier","externalIdentifierType":"cpe23","identifier":"cpe:2.3:*:*:%s:%d.%d.%d:*:*:*:*:*:*:*"}],`+
			`"software_primaryPurpose":"install","software_packageVersion":"%d.%d.%d","software_homePage":"https://example.org/%s"},
{"type":"software_Package","spdxId":"%ssrc/p%d","creationInfo":"_:ci","name":"%s-%d.%d.%d.tar.gz","software_primaryPurpose":"source",`+
			`"verifiedUsing":[{"type":"Hash","algorithm":"sha256","hashValue":"%064x"}]},
{"type":"software_File","spdxId":"%sfile/p%d-a","creationInfo":"_:ci","name":"/usr/lib/lib%s.so.%d","verifiedUsing":[{"type":"Hash",
  "algorithm":"sha256","hashValue":"%064x"}]},
{"type":"software_File","spdxId":"%sfile/p%d-b","creationInfo":"_:ci","name":"/usr/share/doc/%s/copyright","verifiedUsing":[{"type":"Hash",
  "algorithm":"sha256","hashValue":"%064x"}]},
{"type":"Relationship","spdxId":"%srel/p%d-lic","creationInfo":"_:ci","from":"%s","relationshipType":"hasConcludedLicense","to":["%slicense/mit"]},
{"type":"Relationship","spdxId":"%srel/p%d-files","creationInfo":"_:ci","from":"%s","relationshipType":"contains","to":["%sfile/p%d-a","%sfile/p%d-b"]}`,
			pkg, Product(i), i, Product(i), i%7, i%13, i%5, i%7, i%13, i%5, Product(i),
			ns, i, Product(i), i%7, i%13, i%5, i,
			ns, i, Product(i), i%7, i+1,
			ns, i, Product(i), i+2,
			ns, i, pkg, ns,
			ns, i, pkg, ns, i, ns, i)
	}
	fmt.Fprintf(&b, `,
{"type":"Relationship","spdxId":"%srel/image","creationInfo":"_:ci","from":"%spackage/image","relationshipType":"contains","to":[%s]}
]}`, ns, ns, strings.Join(contains, ","))
	return []byte(b.String())
}

// Product is the CPE product of the i-th generated package.
func Product(i int) string { return fmt.Sprintf("libdevice%d", i) }

// NVDRecord returns a CVE API 2.0 record (the bare CVE object, about 2.5 KB,
// with the fields real records carry) of the given id whose one
// configuration makes product's versions before fixed vulnerable.
func NVDRecord(id, product, fixed string) []byte {
	return []byte(fmt.Sprintf(`{
  "id": "%s",
  "sourceIdentifier": "cve@mitre.org",
  "published": "2024-03-01T15:15:08.000",
  "lastModified": "2025-11-04T19:16:02.917",
  "vulnStatus": "Modified",
  "cveTags": [],
  "descriptions": [
    {"lang": "en", "value": "A buffer overflow in the parser of %s before %s allows remote attackers to execute code."},
    {"lang": "es", "value": "Un desbordamiento de búfer en el analizador permite a atacantes remotos causar una denegación de servicio."}
  ],
  "metrics": {
    "cvssMetricV31": [{"source": "nvd@nist.gov", "type": "Primary", "cvssData": {"version": "3.1",
      "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "baseScore": 9.8, "baseSeverity": "CRITICAL",
      "attackVector": "NETWORK", "attackComplexity": "LOW", "privilegesRequired": "NONE", "userInteraction": "NONE", "scope": "UNCHANGED",
      "confidentialityImpact": "HIGH", "integrityImpact": "HIGH", "availabilityImpact": "HIGH"}, "exploitabilityScore": 3.9, "impactScore": 5.9}]
  },
  "weaknesses": [{"source": "nvd@nist.gov", "type": "Primary", "description": [{"lang": "en", "value": "CWE-787"}]}],
  "configurations": [{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
    {"vulnerable": true, "criteria": "cpe:2.3:a:%s_project:%s:*:*:*:*:*:*:*:*", "versionEndExcluding": "%s",
  "matchCriteriaId": "0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0"},
    {"vulnerable": false, "criteria": "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*", "matchCriteriaId": "703AF700-7A70-47E2-BC3A-7FD03B3CA9C1"}
  ]}]}],
  "references": [
    {"url": "https://example.org/%s/security/advisory-1", "source": "cve@mitre.org", "tags": ["Vendor Advisory"]},
    {"url": "https://example.org/%s/commit/0b1c2d3e", "source": "cve@mitre.org", "tags": ["Patch"]},
    {"url": "https://lists.debian.org/debian-lts-announce/2024/03/msg00001.html", "source": "cve@mitre.org", "tags": ["Mailing List"]}
  ]
}
`, id, product, fixed, product, product, fixed, product, product))
}

// WriteNVDZip writes the records WriteNVD would into one zip archive, as an
// operator keeps a database that is read often: one file to open.
func WriteNVDZip(path string, n, products, step int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for k := range n {
		id, fixed := nvdID(k), nvdFixed(k)
		w, err := zw.Create(id + ".json")
		if err != nil {
			return err
		}
		if _, err := w.Write(NVDRecord(id, Product(k*step%products), fixed)); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func nvdID(k int) string { return fmt.Sprintf("CVE-%d-%d", 2000+k%26, 10000+k) }

// nvdFixed: one record in a hundred is about a version still shipped (fixed
// in 9.0.0); the others were fixed long ago: a few dozen vulnerabilities for
// a 5,000-package image, as real ones have.
func nvdFixed(k int) string {
	if k%100 == 0 {
		return "9.0.0"
	}
	return "0.0.1"
}

// WriteNVD writes n NVD records under dir as fkie-cad/nvd-json-data-feeds
// lays them out (CVE-YYYY/CVE-YYYY-NNxx/CVE-YYYY-NNNN.json): record k is
// about Product(k*step % products), fixed in 0.0.1 but for one in a hundred.
func WriteNVD(dir string, n, products, step int) error {
	for k := range n {
		year, num := 2000+k%26, 10000+k
		id := nvdID(k)
		sub := filepath.Join(dir, fmt.Sprintf("CVE-%d", year), fmt.Sprintf("CVE-%d-%dxx", year, num/100))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(sub, id+".json"), NVDRecord(id, Product(k*step%products), nvdFixed(k)), 0o644); err != nil {
			return err
		}
	}
	return nil
}
