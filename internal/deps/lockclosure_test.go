package deps

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The lockfiles under testdata/lockfiles were written by pnpm 9.9.0
// (lockfileVersion 9.0), pnpm 8.15.9 (6.0), yarn 1.22.22 and yarn 4.18.1
// (berry, __metadata version 10) for one workspace project: production
// dependencies with an npm alias, peers and an optional native module,
// development dependencies (jest, typescript; eslint in the workspace
// package) and a workspace package depending on debug. npm 10 wrote a
// package-lock.json for the same project; npm-production-closure.json is
// every package it marks neither dev nor devOptional: the oracle.

func productionClosure(t *testing.T, dir string) []Dependency {
	t.Helper()
	res, err := Find(readerOf(os.DirFS("testdata/lockfiles")), dir)
	if err != nil {
		t.Fatal(err)
	}
	return res.Deps
}

func TestLockfileClosureMatchesNpm(t *testing.T) {
	var oracle [][2]string
	b, err := os.ReadFile("testdata/lockfiles/npm-production-closure.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &oracle); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, p := range oracle {
		want[p[0]+"@"+p[1]] = true
	}
	for _, dir := range []string{"pnpm9", "pnpm6", "yarn1", "yarn4"} {
		t.Run(dir, func(t *testing.T) {
			got := map[string]bool{}
			for _, d := range productionClosure(t, dir) {
				k := d.Name + "@" + d.Version
				if got[k] {
					t.Errorf("%s listed twice", k)
				}
				got[k] = true
				if !d.Pinned || d.Ecosystem != Npm || d.Line == 0 || !strings.HasSuffix(d.Manifest, ".yaml") && !strings.HasSuffix(d.Manifest, ".lock") {
					t.Errorf("%+v: want a pinned npm dependency placed in its lockfile", d)
				}
			}
			for k := range want {
				if !got[k] {
					t.Errorf("production package %s (npm's closure) is missing", k)
				}
			}
			for k := range got {
				if !want[k] {
					t.Errorf("%s is not in npm's production closure", k)
				}
			}
		})
	}
}

func TestLockfileClosureOrderAndVia(t *testing.T) {
	// bufferutil is an optional dependency of the product; pnpm 8 records
	// it, as a resolved peer of ws, as a plain dependency too: there it is
	// reached first, required, through mqtt.
	for dir, optional := range map[string]bool{"pnpm9": true, "pnpm6": false, "yarn1": true, "yarn4": true} {
		t.Run(dir, func(t *testing.T) {
			ds := productionClosure(t, dir)
			byName := map[string]Dependency{}
			firstTransitive := slices.IndexFunc(ds, func(d Dependency) bool { return d.Via != "" })
			for i, d := range ds {
				byName[d.Name+"@"+d.Version] = d
				if i > firstTransitive && d.Via == "" {
					t.Errorf("direct %s listed after a transitive one", d.Name)
				}
			}
			for _, direct := range []string{"express", "mqtt", "react", "react-dom", "string-width"} {
				found := false
				for _, d := range ds {
					found = found || d.Name == direct && d.Via == ""
				}
				if !found {
					t.Errorf("%s is not reported as a direct dependency", direct)
				}
			}
			if d := byName["bufferutil@4.1.0"]; (d.Condition == "optional") != optional || optional && d.Via != "" {
				t.Errorf("bufferutil: condition %q via %q, want optional %v", d.Condition, d.Via, optional)
			}
			if d := byName["body-parser@1.20.9"]; d.Via != "express" {
				t.Errorf("body-parser via %q, want express", d.Via)
			}
			if _, ok := byName["ms@2.0.0"]; !ok {
				t.Error("ms@2.0.0 (express -> debug 2.6.9 -> ms) missing")
			}
		})
	}
}

func TestLockfileErrors(t *testing.T) {
	pj := &fstest.MapFile{Data: []byte(`{"dependencies": {"a": "^1"}}`)}
	for name, tc := range map[string]struct {
		files      fstest.MapFS
		file, want string
		line       int
	}{
		"pnpm 7 writes 5.4": {fstest.MapFS{"pnpm-lock.yaml": {Data: []byte("lockfileVersion: 5.4\n")}},
			"pnpm-lock.yaml", `lockfileVersion "5.4" is not read (6.0 to 9.0 are`, 1},
		"no version": {fstest.MapFS{"pnpm-lock.yaml": {Data: []byte("importers: {}\n")}}, "pnpm-lock.yaml", `lockfileVersion "" is not read`, 0},
		"bad YAML": {fstest.MapFS{"pnpm-lock.yaml": {Data: []byte("lockfileVersion: '9.0'\npackages:\n  a: [\n")}},
			"pnpm-lock.yaml", "not valid YAML", 3},
		"not a mapping": {fstest.MapFS{"pnpm-lock.yaml": {Data: []byte("- a\n")}}, "pnpm-lock.yaml", "not a YAML mapping", 0},
		"yarn classic garbage": {fstest.MapFS{"package.json": pj, "yarn.lock": {Data: []byte("# yarn lockfile v1\n\nnot an entry\n")}},
			"yarn.lock", "not a yarn.lock entry", 3},
		"yarn classic dependency": {fstest.MapFS{"package.json": pj, "yarn.lock": {Data: []byte("a@^1:\n  version \"1.0.0\"\n  dependencies:\n    b\n")}},
			"yarn.lock", "a dependency line must be a name and a range", 4},
		"yarn without package.json": {fstest.MapFS{"yarn.lock": {Data: []byte("a@^1:\n  version \"1.0.0\"\n")}},
			"yarn.lock", "has no package.json beside it", 0},
		"berry bad YAML": {fstest.MapFS{"package.json": pj, "yarn.lock": {Data: []byte("__metadata:\n  version: 8\n\"a@npm:^1\": [\n")}},
			"yarn.lock", "not valid YAML", 3},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Find(readerOf(tc.files), ".")
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != tc.file || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.want) {
				t.Errorf("err = %#v (%v), want %s:%d %q", pe, err, tc.file, tc.line, tc.want)
			}
		})
	}
}

// TestLockfileAliasesNotExpanded: YAML aliases are kept as alias nodes and
// never followed, so ten nested ones (10^10 nodes expanded) cost their bytes.
func TestLockfileAliasesNotExpanded(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for c := 'b'; c <= 'k'; c++ {
		p := "*" + string(c-1)
		bomb += string(c) + ": &" + string(c) + " [" + strings.Repeat(p+", ", 9) + p + "]\n"
	}
	lock := "lockfileVersion: '9.0'\n" + bomb + "importers:\n  .:\n    dependencies: *k\nsnapshots: *k\npackages: *k\n"
	res, err := Find(readerOf(fstest.MapFS{"pnpm-lock.yaml": {Data: []byte(lock)}}), ".")
	if err != nil || len(res.Deps) != 0 {
		t.Errorf("deps %+v, err %v; want none, no error", res.Deps, err)
	}
}

// TestLockfilePlatformPackages: a package restricted to an os or cpu (pnpm)
// or by conditions (berry) is left out: an SBOM built on another platform
// does not list it.
func TestLockfilePlatformPackages(t *testing.T) {
	pnpm := `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      esbuild:
        specifier: ^0.20.0
        version: 0.20.2
packages:
  esbuild@0.20.2:
    resolution: {integrity: x}
  '@esbuild/darwin-arm64@0.20.2':
    resolution: {integrity: x}
    cpu: [arm64]
    os: [darwin]
snapshots:
  esbuild@0.20.2:
    optionalDependencies:
      '@esbuild/darwin-arm64': 0.20.2
  '@esbuild/darwin-arm64@0.20.2':
    optional: true
`
	berry := `__metadata:
  version: 8
"esbuild@npm:^0.20.0":
  version: 0.20.2
  resolution: "esbuild@npm:0.20.2"
  dependencies:
    "@esbuild/darwin-arm64": "npm:0.20.2"
"@esbuild/darwin-arm64@npm:0.20.2":
  version: 0.20.2
  resolution: "@esbuild/darwin-arm64@npm:0.20.2"
  conditions: os=darwin & cpu=arm64
`
	pj := &fstest.MapFile{Data: []byte(`{"dependencies": {"esbuild": "^0.20.0"}}`)}
	for name, files := range map[string]fstest.MapFS{
		"pnpm":  {"pnpm-lock.yaml": {Data: []byte(pnpm)}},
		"berry": {"package.json": pj, "yarn.lock": {Data: []byte(berry)}},
	} {
		res, err := Find(readerOf(files), ".")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Deps) != 1 || res.Deps[0].Name != "esbuild" || res.Deps[0].Version != "0.20.2" || res.Deps[0].Line == 0 {
			t.Errorf("%s: %+v, want esbuild 0.20.2 alone", name, res.Deps)
		}
	}
}

// TestLockfileIncludeDev: with IncludeDev the development dependencies of
// the project's own packages come too, marked Dev; never without it.
func TestLockfileIncludeDev(t *testing.T) {
	for _, dir := range []string{"pnpm9", "pnpm6", "yarn1"} {
		res, err := Options{IncludeDev: true}.Find(readerOf(os.DirFS("testdata/lockfiles")), dir)
		if err != nil {
			t.Fatal(err)
		}
		dev := map[string]bool{}
		for _, d := range res.Deps {
			if d.Dev {
				dev[d.Name] = true
			}
			if d.Name == "express" && d.Dev {
				t.Errorf("%s: express (production) marked Dev", dir)
			}
		}
		if !dev["typescript"] || !dev["jest"] || !dev["@babel/core"] {
			t.Errorf("%s: dev packages %d, want typescript, jest and jest's @babel/core among them", dir, len(dev))
		}
	}
}
