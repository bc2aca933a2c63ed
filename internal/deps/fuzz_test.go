package deps

import (
	"errors"
	"testing"
)

// checkParse asserts what every parser promises for any input: an error is
// a *ParseError naming the file, and every dependency has a name, its
// ecosystem and the manifest.
func checkParse(t *testing.T, eco string, ds []Dependency, err error) {
	t.Helper()
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != "f" {
			t.Fatalf("error %v is not a ParseError for file f", err)
		}
		return
	}
	for _, d := range ds {
		if d.Name == "" || d.Ecosystem != eco || d.Manifest != "f" || d.Line < 0 {
			t.Fatalf("bad dependency %+v", d)
		}
	}
	Match(ds, []Component{{Name: "x", Purl: "pkg:npm/x@1"}})
}

func FuzzParseRequirements(f *testing.F) {
	f.Add(requirementsFixture)
	for _, s := range []string{"a==1", "a[b](==1);c", "a @ u ; m", "x://y#egg=z", `a\`, "a==1 \\\n# c\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ds, err := ParseRequirements("f", []byte(s))
		checkParse(t, PyPI, ds, err)
	})
}

func FuzzParsePackageLock(f *testing.F) {
	f.Add(lockV3Fixture)
	f.Add(lockV1Fixture)
	f.Add(`{"packages": {"": {"dependencies": {"a": "npm:@s/b@1"}}}}`)
	f.Add(`{"lockfileVersion": 2, "packages": null, "dependencies": {"a": {"version": "npm:@"}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		for _, o := range []Options{{}, {IncludeDev: true}} {
			ds, err := o.parsePackageLock("f", []byte(s))
			checkParse(t, Npm, ds, err)
			ds, err = o.ParsePackageJSON("f", []byte(s))
			checkParse(t, Npm, ds, err)
		}
	})
}

func FuzzParseCargo(f *testing.F) {
	f.Add(cargoTomlFixture, cargoLockFixture)
	f.Add("[dependencies]\na = { workspace = true }\n[workspace.dependencies]\na = { package = \"b\" }", "")
	f.Add("[target.'x'.dependencies]\n'a.b' = \"=1.0.0\"", "[[package]]\nname='a.b'\nversion='1'")
	f.Fuzz(func(t *testing.T, toml, lock string) {
		ds, err := Options{IncludeDev: true}.ParseCargo("f", []byte(toml), "f", []byte(lock))
		checkParse(t, Cargo, ds, err)
	})
}

func FuzzParseGoMod(f *testing.F) {
	f.Add(goModFixture)
	f.Add("module m\nrequire a.b/c v1.0.0\nreplace a.b/c => ./x")
	f.Add("module m\nrequire \"\" v1.0.0\n")
	f.Fuzz(func(t *testing.T, s string) {
		ds, err := ParseGoMod("f", []byte(s))
		checkParse(t, Golang, ds, err)
	})
}

func FuzzMatchPurl(f *testing.F) {
	for _, s := range []string{"pkg:npm/%40a/b@1", "pkg:golang/x/y@v1%2Bincompatible", "pkg:pypi/A.b@1.0", "pkg:/@/@"} {
		f.Add(s, "a", "1")
	}
	f.Fuzz(func(t *testing.T, p, name, version string) {
		parsePurl(p)
		deps := []Dependency{}
		for _, eco := range []string{Golang, Npm, Cargo, PyPI, ""} {
			deps = append(deps, Dependency{Ecosystem: eco, Name: name, Version: version, Pinned: true, Replace: name})
		}
		dr := Match(deps, []Component{{Name: name, Version: version, Purl: p}, {Name: name, Group: version}})
		if len(dr.Missing)+len(dr.Mismatched) > len(deps) {
			t.Fatalf("more drift than dependencies: %+v", dr)
		}
	})
}
