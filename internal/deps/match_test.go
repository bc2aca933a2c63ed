package deps

import (
	"fmt"
	"reflect"
	"testing"
)

func pinned(eco, name, version string) Dependency {
	return Dependency{Ecosystem: eco, Name: name, Version: version, Pinned: true, Manifest: "m"}
}

func names(ds []Dependency) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Name)
	}
	return out
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		name     string
		dep      Dependency
		comps    []Component
		missing  bool
		versions []string // SBOM versions of a mismatch; nil for none
	}{
		{"go v prefix in SBOM", pinned(Golang, "github.com/pkg/errors", "v0.9.1"),
			[]Component{{Name: "errors", Version: "0.9.1", Purl: "pkg:golang/github.com/pkg/errors@0.9.1"}}, false, nil},
		{"go v prefix in purl", pinned(Golang, "github.com/pkg/errors", "v0.9.1"),
			[]Component{{Purl: "pkg:golang/github.com/pkg/errors@v0.9.1"}}, false, nil},
		{"go +incompatible", pinned(Golang, "github.com/docker/docker", "v24.0.9+incompatible"),
			[]Component{{Purl: "pkg:golang/github.com/docker/docker@v24.0.9%2Bincompatible"}, {Purl: "pkg:golang/github.com/docker/docker@v24.0.9"}}, false, nil},
		{"go major version suffix is part of the path", pinned(Golang, "github.com/go-chi/chi/v5", "v5.0.12"),
			[]Component{{Purl: "pkg:golang/github.com/go-chi/chi@v5.0.12"}}, true, nil},
		{"go lowercased purl", pinned(Golang, "github.com/Azure/go-autorest", "v14.2.0+incompatible"),
			[]Component{{Purl: "pkg:golang/github.com/azure/go-autorest@v14.2.0+incompatible"}}, false, nil},
		{"go path by name without purl", pinned(Golang, "gopkg.in/yaml.v3", "v3.0.1"),
			[]Component{{Name: "gopkg.in/yaml.v3", Version: "v3.0.1"}}, false, nil},
		{"go replacement listed instead",
			Dependency{Ecosystem: Golang, Name: "github.com/pkg/errors", Version: "v0.9.1", Pinned: true, Replace: "github.com/acme/errors", ReplaceVersion: "v0.9.2"},

			[]Component{{Purl: "pkg:golang/github.com/acme/errors@v0.9.2"}}, false, nil},
		{"go original listed at replacement version",
			Dependency{Ecosystem: Golang, Name: "github.com/pkg/errors", Version: "v0.9.1", Pinned: true, Replace: "github.com/acme/errors", ReplaceVersion: "v0.9.2"},

			[]Component{{Purl: "pkg:golang/github.com/pkg/errors@v0.9.2"}}, false, nil},
		{"go version mismatch", pinned(Golang, "github.com/spf13/cobra", "v1.8.0"),
			[]Component{{Purl: "pkg:golang/github.com/spf13/cobra@v1.7.0"}}, false, []string{"v1.7.0"}},
		{"npm scope percent-encoded", pinned(Npm, "@angular/core", "17.0.0"),
			[]Component{{Name: "core", Group: "@angular", Version: "17.0.0", Purl: "pkg:npm/%40angular/core@17.0.0"}}, false, nil},
		{"npm scope unencoded", pinned(Npm, "@angular/core", "17.0.0"),
			[]Component{{Purl: "pkg:npm/@angular/core@17.0.0?vcs_url=x#packages/core"}}, false, nil},
		{"npm scope without purl via group", pinned(Npm, "@angular/core", "17.0.0"),
			[]Component{{Name: "core", Group: "@angular", Version: "17.0.0"}}, false, nil},
		{"npm scope is significant", pinned(Npm, "@angular/core", "17.0.0"),
			[]Component{{Purl: "pkg:npm/core@17.0.0"}}, true, nil},
		{"npm case", pinned(Npm, "JSONStream", "1.3.5"),
			[]Component{{Purl: "pkg:npm/jsonstream@1.3.5"}}, false, nil},
		{"npm several versions, one matches", pinned(Npm, "debug", "4.3.4"),
			[]Component{{Purl: "pkg:npm/debug@2.6.9"}, {Purl: "pkg:npm/debug@4.3.4"}}, false, nil},
		{"npm several versions, none matches", pinned(Npm, "debug", "4.3.5"),
			[]Component{{Purl: "pkg:npm/debug@2.6.9"}, {Purl: "pkg:npm/debug@4.3.4"}, {Purl: "pkg:npm/debug@2.6.9"}}, false, []string{"2.6.9", "4.3.4"}},
		{"pypi case", pinned(PyPI, "Django", "4.2.9"),
			[]Component{{Purl: "pkg:pypi/django@4.2.9"}}, false, nil},
		{"pypi separators", pinned(PyPI, "zope.interface", "6.1"),
			[]Component{{Purl: "pkg:pypi/zope-interface@6.1"}}, false, nil},
		{"pypi separators by name", pinned(PyPI, "typing_extensions", "4.9.0"),
			[]Component{{Name: "Typing.Extensions", Version: "4.9.0"}}, false, nil},
		{"pypi version zero padding", pinned(PyPI, "six", "1.16"),
			[]Component{{Purl: "pkg:pypi/six@1.16.0"}}, false, nil},
		{"cargo rename resolved to real crate", pinned(Cargo, "serde_json", "1.0.111"),
			[]Component{{Purl: "pkg:cargo/serde_json@1.0.111"}}, false, nil},
		{"cargo dash and underscore", pinned(Cargo, "serde_json", "1.0.111"),
			[]Component{{Purl: "pkg:cargo/serde-json@1.0.111"}}, false, nil},
		{"cargo mismatch", pinned(Cargo, "tokio", "1.35.1"),
			[]Component{{Purl: "pkg:cargo/tokio@1.34.0"}}, false, []string{"1.34.0"}},
		{"missing", pinned(Npm, "left-pad", "1.3.0"),
			[]Component{{Purl: "pkg:npm/right-pad@1.3.0"}}, true, nil},
		{"other ecosystem with the same name", pinned(PyPI, "requests", "2.31.0"),
			[]Component{{Name: "requests", Version: "2.31.0", Purl: "pkg:npm/requests@2.31.0"}}, true, nil},
		{"unversioned dependency never mismatched", Dependency{Ecosystem: PyPI, Name: "typing_extensions"},
			[]Component{{Purl: "pkg:pypi/typing-extensions@4.9.0"}}, false, nil},
		{"range never mismatched", Dependency{Ecosystem: Cargo, Name: "serde", Version: "1.0"},
			[]Component{{Purl: "pkg:cargo/serde@1.0.195"}}, false, nil},
		{"pip range never mismatched", Dependency{Ecosystem: PyPI, Name: "requests", Version: ">=2"},
			[]Component{{Purl: "pkg:pypi/requests@2.31.0"}}, false, nil},
		{"unversioned component cannot contradict", pinned(Npm, "express", "4.18.2"),
			[]Component{{Purl: "pkg:npm/express"}}, false, nil},
		{"component version field when purl has none", pinned(Npm, "express", "4.18.2"),
			[]Component{{Version: "4.18.1", Purl: "pkg:npm/express"}}, false, []string{"4.18.1"}},
		{"unparseable purl falls back to name", pinned(Npm, "express", "4.18.2"),
			[]Component{{Name: "express", Version: "4.18.2", Purl: "not a purl"}}, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dr := Match([]Dependency{tc.dep}, tc.comps)
			if got := len(dr.Missing) == 1; got != tc.missing {
				t.Errorf("missing = %v, want %v (%+v)", got, tc.missing, dr)
			}
			var versions []string
			if len(dr.Mismatched) == 1 {
				versions = dr.Mismatched[0].SBOMVersions
				if dr.Mismatched[0].Dependency != tc.dep {
					t.Errorf("mismatch carries %+v, want %+v", dr.Mismatched[0].Dependency, tc.dep)
				}
			}
			if !reflect.DeepEqual(versions, tc.versions) {
				t.Errorf("mismatched SBOM versions %v, want %v", versions, tc.versions)
			}
		})
	}
}

func TestMatchConditionalPins(t *testing.T) {
	deps, err := ParseRequirements("requirements.txt", []byte(
		"numpy==1.24.4; python_version < \"3.9\"\nnumpy==1.26.3; python_version >= \"3.9\"\n"+
			"pywin32==306; sys_platform == \"win32\"\nrequests==2.31.0\nrequests==2.30.0; python_version < \"3.8\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	dr := Match(deps, []Component{
		{Purl: "pkg:pypi/numpy@1.26.3"},
		{Purl: "pkg:pypi/requests@2.29.0"},
	})
	// numpy: the declaration for this environment matched. requests: no
	// declaration matched, so both are reported.
	if got := names(dr.Missing); !reflect.DeepEqual(got, []string{"pywin32"}) {
		t.Errorf("missing %v, want [pywin32]", got)
	}
	var mm []string
	for _, m := range dr.Mismatched {
		mm = append(mm, m.Name+"=="+m.Version)
	}
	if want := []string{"requests==2.31.0", "requests==2.30.0"}; !reflect.DeepEqual(mm, want) {
		t.Errorf("mismatched %v, want %v", mm, want)
	}
	if dr.Mismatched[0].Line != 4 || dr.Mismatched[0].Manifest != "requirements.txt" {
		t.Errorf("mismatch lost its position: %+v", dr.Mismatched[0].Dependency)
	}
}

func TestMatchManyVersions(t *testing.T) {
	var comps []Component
	for i := 20; i > 0; i-- {
		comps = append(comps, Component{Purl: fmt.Sprintf("pkg:npm/debug@4.3.%d", i)}, Component{Purl: "pkg:npm/debug@4.3.1"})
	}
	dr := Match([]Dependency{pinned(Npm, "debug", "4.3.1"), pinned(Npm, "debug", "4.3.0")}, comps)
	if len(dr.Missing) != 0 || len(dr.Mismatched) != 1 || dr.Mismatched[0].Version != "4.3.0" {
		t.Fatalf("got %+v, want only 4.3.0 mismatched", dr)
	}
	m := dr.Mismatched[0]
	if v := m.SBOMVersions; len(v) != MaxListedVersions || v[0] != "4.3.20" || v[1] != "4.3.1" || v[4] != "4.3.17" || m.SBOMVersionCount != 20 {
		t.Errorf("SBOM versions %v (%d in all), want the first 5 of the 20 distinct ones in SBOM order", v, m.SBOMVersionCount)
	}
}

// TestMatchVersionBomb is the regression test for drift that copied every
// SBOM version into every mismatch (10,000 pins of one name against 10,000
// versions: 32 s and 4.2 GB): each mismatch now costs its first versions and
// a count.
func TestMatchVersionBomb(t *testing.T) {
	const n = 20000
	comps := make([]Component, n)
	ds := make([]Dependency, n)
	for i := range n {
		comps[i] = Component{Purl: fmt.Sprintf("pkg:pypi/requests@%d.0.0", i)}
		ds[i] = pinned(PyPI, "requests", fmt.Sprintf("%d.1.0", i))
		ds[i].Manifest = "requirements.txt"
	}
	dr := Match(ds, comps)
	if len(dr.Mismatched) != n || dr.Mismatched[n-1].SBOMVersionCount != n || len(dr.Mismatched[n-1].SBOMVersions) != MaxListedVersions {
		t.Fatalf("got %d mismatches, last %+v", len(dr.Mismatched), dr.Mismatched[n-1].SBOMVersionCount)
	}
}

func TestMatchOrderAndEmpty(t *testing.T) {
	deps := []Dependency{pinned(Npm, "b", "1.0.0"), pinned(Npm, "a", "1.0.0"), pinned(Npm, "c", "1.0.0")}
	dr := Match(deps, nil)
	if got := names(dr.Missing); !reflect.DeepEqual(got, []string{"b", "a", "c"}) {
		t.Errorf("missing %v, want deps order [b a c]", got)
	}
	if dr := Match(nil, []Component{{Purl: "pkg:npm/a@1"}}); dr.Missing != nil || dr.Mismatched != nil {
		t.Errorf("no deps: got %+v", dr)
	}
}

func TestParsePurl(t *testing.T) {
	for s, want := range map[string]purl{
		"pkg:npm/%40angular/core@17.0.0":                        {Npm, "@angular/core", "17.0.0"},
		"pkg:npm/@angular/core":                                 {Npm, "@angular/core", ""},
		"pkg:npm/angular/core@1":                                {Npm, "@angular/core", "1"},
		"PKG:NPM/left-pad@1.3.0?x=y#sub/path":                   {Npm, "left-pad", "1.3.0"},
		"pkg:golang/github.com/go-chi/chi/v5@v5.0.12":           {Golang, "github.com/go-chi/chi/v5", "v5.0.12"},
		"pkg:golang/github.com/docker/docker@v1%2Bincompatible": {Golang, "github.com/docker/docker", "v1+incompatible"},
		"pkg://pypi/Django@4.2":                                 {PyPI, "Django", "4.2"},
		"pkg:cargo/serde@1.0.195":                               {Cargo, "serde", "1.0.195"},
		"pkg:generic/x@release/1.0":                             {"generic", "x", "release/1.0"},
	} {
		got, ok := parsePurl(s)
		if !ok || got != want {
			t.Errorf("parsePurl(%q) = %+v, %v; want %+v", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "pkg:", "pkg:npm", "pkg:npm/", "npm/x@1", "pkg:/x", "pkg:npm/%zz@1", "pkg:npm/x@%zz"} {
		if p, ok := parsePurl(s); ok {
			t.Errorf("parsePurl(%q) = %+v, want failure", s, p)
		}
	}
}

func TestNormalisation(t *testing.T) {
	for _, tc := range []struct{ eco, a, b string }{
		{PyPI, "Django", "django"}, {PyPI, "zope.interface", "zope-interface"}, {PyPI, "a__b..c", "A-B-C"},
		{Cargo, "serde_json", "serde-json"}, {Npm, "@Scope/Pkg", "@scope/pkg"},
	} {
		if normName(tc.eco, tc.a) != normName(tc.eco, tc.b) {
			t.Errorf("%s: %q and %q differ", tc.eco, tc.a, tc.b)
		}
	}
	if normName(Golang, "github.com/Azure/x") == normName(Golang, "github.com/azure/x") {
		t.Error("Go module paths must be compared exactly first")
	}
	for _, tc := range []struct{ eco, a, b string }{
		{Golang, "v1.2.3", "1.2.3"}, {Golang, "v2.0.0+incompatible", "v2.0.0"}, {Npm, "v1.0.0", "1.0.0"},
		{PyPI, "1.0", "1.0.0"}, {PyPI, "V2.01", "2.1"}, {PyPI, "0!1.0rc1", "1rc1"}, {PyPI, "10", "10.0"},
	} {
		if normVersion(tc.eco, tc.a) != normVersion(tc.eco, tc.b) {
			t.Errorf("%s versions %q and %q differ: %q vs %q", tc.eco, tc.a, tc.b, normVersion(tc.eco, tc.a), normVersion(tc.eco, tc.b))
		}
	}
	if normVersion(PyPI, "1.10") == normVersion(PyPI, "1.1") || normVersion(PyPI, "1.0.1") == normVersion(PyPI, "1.1") {
		t.Error("distinct PyPI versions compared equal")
	}
}

// benchData builds n components (a quarter of each ecosystem) and m deps,
// half of them present, a tenth at another version.
func benchData(n, m int) ([]Dependency, []Component) {
	ecos := []string{Golang, Npm, Cargo, PyPI}
	comps := make([]Component, n)
	for i := range comps {
		eco := ecos[i%4]
		name := fmt.Sprintf("pkg%d", i)
		if eco == Golang {
			name = "github.com/org/" + name
		}
		comps[i] = Component{Name: name, Version: "1.0.0", Purl: fmt.Sprintf("pkg:%s/%s@1.0.0", eco, name)}
	}
	deps := make([]Dependency, m)
	for i := range deps {
		j := i * (n / m)
		if i%2 == 1 {
			j = n + i
		}
		eco := ecos[j%4]
		name := fmt.Sprintf("pkg%d", j)
		if eco == Golang {
			name = "github.com/org/" + name
		}
		v := "1.0.0"
		if i%10 == 0 {
			v = "2.0.0"
		}
		deps[i] = Dependency{Ecosystem: eco, Name: name, Version: v, Pinned: true}
	}
	return deps, comps
}

func TestMatchLarge(t *testing.T) {
	deps, comps := benchData(100_000, 1_000)
	dr := Match(deps, comps)
	if len(dr.Missing) != 500 || len(dr.Mismatched) != 100 {
		t.Errorf("missing %d, mismatched %d; want 500, 100", len(dr.Missing), len(dr.Mismatched))
	}
}

func BenchmarkMatch(b *testing.B) {
	deps, comps := benchData(100_000, 1_000)
	b.ReportAllocs()
	for b.Loop() {
		Match(deps, comps)
	}
}
