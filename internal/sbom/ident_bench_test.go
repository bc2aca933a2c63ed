package sbom

import "testing"

// identSamples are purls as generators write them.
var identSamples = []string{
	"pkg:npm/%40angular/core@16.0.0",
	"pkg:maven/org.apache.commons/commons-lang3@3.17.0?type=jar",
	"pkg:golang/github.com/CiscoDevNet/terraform-provider-aci/v2@v2.13.2",
	"pkg:deb/debian/bash@5.0-4?arch=amd64&distro=debian-10.2",
}

// BenchmarkValidPurl measures one purl validation, as field coverage does
// for every component.
func BenchmarkValidPurl(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range identSamples {
			ValidPurl(s)
		}
	}
}
