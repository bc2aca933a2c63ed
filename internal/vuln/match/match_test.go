package match

import (
	"errors"
	"testing"

	"github.com/cra-gate/cra-gate/internal/vuln/osv"
)

func TestFromPurl(t *testing.T) {
	for purl, want := range map[string]Package{
		"pkg:npm/%40babel/core@7.1.0":                           {"npm", "@babel/core", "7.1.0"},
		"pkg:maven/org.yaml/snakeyaml@1.26?type=jar":            {"Maven", "org.yaml:snakeyaml", "1.26"},
		"pkg:golang/github.com/foo/bar@v2.0.1#v2":               {"Go", "github.com/foo/bar/v2", "v2.0.1"},
		"pkg:golang/golang.org/x/net/http2@v0.1.0?type=package": {"Go", "golang.org/x/net/http2", "v0.1.0"},
		"pkg:pypi/Django_REST.framework@3.0": {"PyPI",
			"django-rest.framework",
			"3.0"}, // packageurl-go lowercases, osv.NewKey normalizes the rest
		"pkg:gem/nokogiri@1.15.5-x86_64-linux":                                {"RubyGems", "nokogiri", "1.15.5"},
		"pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12.4&upstream=openssl": {"Debian:12", "openssl", "3.0.11-1"},
		"pkg:apk/alpine/busybox@1.36.1-r2?distro=3.18.4":                      {"Alpine:v3.18", "busybox", "1.36.1-r2"},
	} {
		got, err := FromPurl(purl)
		if err != nil || got != want {
			t.Errorf("%s: %+v %v, want %+v", purl, got, err, want)
		}
	}
	for purl, want := range map[string]error{
		"":                      ErrNoPurl,
		"npm/lodash":            ErrInvalid,
		"pkg:generic/fw@1":      ErrUnsupported,
		"pkg:deb/debian/curl@1": ErrUnsupported,
		"pkg:npm/lodash":        ErrNoVersion,
	} {
		if _, err := FromPurl(purl); !errors.Is(err, want) {
			t.Errorf("%q: %v, want %v", purl, err, want)
		}
	}
	if NewKeyOf("PyPI", "Django_REST.framework") != osv.NewKey("PyPI", "django-rest-framework") {
		t.Error("PyPI names are normalized")
	}
}

// NewKeyOf is the key of a package named as given.
func NewKeyOf(eco, name string) osv.Key { return Package{Ecosystem: eco, Name: name}.Key() }

func TestAffects(t *testing.T) {
	rec, err := osv.ParseRecord([]byte(`{"id":"GO-1","affected":[
 {"package":{"ecosystem":"Go","name":"example.com/m"},"ranges":[
   {"type":"GIT","repo":"https://example.com/m","events":[{"introduced":"0"}]},
   {"type":"SEMVER","events":[{"introduced":"0.8.0"},{"fixed":"0.8.1"},{"introduced":"0"},{"fixed":"0.7.0"},{"introduced":"1.0.0"},` +
		`{"last_affected":"1.2.0"}]}]},
 {"package":{"ecosystem":"npm","name":"p"},"versions":["2.0.0"],"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"3.0.0"},` +
		`{"fixed":"3.1.0"},{"fixed":"3.2.0"}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pkg   Package
		hit   bool
		fixed string
	}{
		{Package{"Go", "example.com/m", "v0.6.9"}, true, "0.7.0"},
		{Package{"Go", "example.com/m", "v0.7.0"}, false, ""}, // fixed is exclusive
		{Package{"Go", "example.com/m", "v0.8.0"}, true, "0.8.1"},
		{Package{"Go", "example.com/m", "v0.9.0"}, false, ""},
		{Package{"Go", "example.com/m", "v1.2.0"}, true, ""}, // last_affected is inclusive
		{Package{"Go", "example.com/m", "v1.2.1"}, false, ""},
		{Package{"npm", "p", "2.0.0"}, true, "3.1.0"}, // listed; the lowest fix above it
		{Package{"npm", "p", "3.0.5"}, true, "3.1.0"},
		{Package{"npm", "q", "3.0.5"}, false, ""},
	} {
		h, ok, err := Affects(rec, tc.pkg)
		if err != nil || ok != tc.hit || h.Fixed != tc.fixed {
			t.Errorf("%+v: hit %v fixed %q err %v; want %v %q", tc.pkg, ok, h.Fixed, err, tc.hit, tc.fixed)
		}
	}
}
