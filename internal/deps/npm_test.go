package deps

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const lockV3Fixture = `{
  "name": "storefront",
  "version": "2.4.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "storefront",
      "version": "2.4.0",
      "license": "MIT",
      "workspaces": ["packages/*"],
      "dependencies": {
        "@angular/core": "^17.0.0",
        "express": "~4.18.2",
        "string-width-cjs": "npm:string-width@^4.2.0",
        "@acme/ui": "file:packages/ui"
      },
      "optionalDependencies": {
        "fsevents": "^2.3.3",
        "@esbuild/win32-x64": "0.19.5"
      },
      "peerDependencies": {
        "rxjs": "^7.8.0",
        "zone.js": "~0.14.0"
      },
      "peerDependenciesMeta": {
        "zone.js": { "optional": true }
      },
      "devDependencies": {
        "@types/express": "^4.17.21",
        "typescript": "5.3.3",
        "express": "^4.18.0"
      },
      "engines": { "node": ">=18" }
    },
    "node_modules/@angular/core": {
      "version": "17.0.8",
      "resolved": "https://registry.npmjs.org/@angular/core/-/core-17.0.8.tgz",
      "integrity": "sha512-AAAA",
      "dependencies": { "tslib": "^2.3.0" },
      "peerDependencies": { "rxjs": "^6.5.3 || ^7.4.0", "zone.js": "~0.14.0" },
      "engines": { "node": "^18.13.0 || >=20.9.0" }
    },
    "node_modules/@acme/ui": {
      "resolved": "packages/ui",
      "link": true
    },
    "node_modules/@types/express": {
      "version": "4.17.21",
      "dev": true
    },
    "node_modules/express": {
      "version": "4.18.2",
      "license": "MIT"
    },
    "node_modules/fsevents": {
      "version": "2.3.3",
      "optional": true,
      "os": ["darwin"]
    },
    "node_modules/rxjs": {
      "version": "7.8.1",
      "dependencies": { "tslib": "^2.1.0" }
    },
    "node_modules/string-width-cjs": {
      "name": "string-width",
      "version": "4.2.3"
    },
    "node_modules/tslib": { "version": "2.6.2" },
    "node_modules/typescript": { "version": "5.3.3", "dev": true, "bin": { "tsc": "bin/tsc" } },
    "packages/ui": { "name": "@acme/ui", "version": "0.0.1" }
  }
}`

func TestParsePackageLockV3(t *testing.T) {
	got, err := parsePackageLock("package-lock.json", []byte(lockV3Fixture))
	if err != nil {
		t.Fatal(err)
	}
	m := "package-lock.json"
	want := []Dependency{
		{Ecosystem: Npm, Name: "@angular/core", Version: "17.0.8", Pinned: true, Manifest: m},
		{Ecosystem: Npm, Name: "express", Version: "4.18.2", Pinned: true, Manifest: m},
		{Ecosystem: Npm, Name: "fsevents", Version: "2.3.3", Pinned: true, Manifest: m},
		{Ecosystem: Npm, Name: "rxjs", Version: "7.8.1", Pinned: true, Manifest: m},
		{Ecosystem: Npm, Name: "string-width", Version: "4.2.3", Pinned: true, Manifest: m},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParsePackageLockIncludeDev(t *testing.T) {
	got, err := Options{IncludeDev: true}.parsePackageLock("package-lock.json", []byte(lockV3Fixture))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range got {
		names = append(names, d.Name)
		if d.Name == "typescript" && (!d.Dev || d.Version != "5.3.3") {
			t.Errorf("typescript: %+v, want dev at 5.3.3", d)
		}
		if d.Name == "express" && d.Dev {
			t.Errorf("express is a runtime dependency too, reported as dev")
		}
	}
	want := "@angular/core @types/express express fsevents rxjs string-width typescript"
	if strings.Join(names, " ") != want {
		t.Errorf("names %v, want %s", names, want)
	}
}

const lockV1Fixture = `{
  "name": "legacy-app",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "accepts": { "version": "1.3.8", "requires": { "mime-types": "~2.1.34" } },
    "express": { "version": "4.17.1", "requires": { "accepts": "~1.3.7" } },
    "jest": { "version": "26.6.3", "dev": true },
    "lodash": { "version": "4.17.21" },
    "my-strip": { "version": "npm:strip-ansi@6.0.1" },
    "local-lib": { "version": "file:../local-lib" },
    "gh-dep": { "version": "git+https://github.com/acme/gh-dep.git#0123abcd" }
  }
}`

func TestParsePackageLockV1(t *testing.T) {
	got, err := parsePackageLock("package-lock.json", []byte(lockV1Fixture))
	if err != nil {
		t.Fatal(err)
	}
	m := "package-lock.json"
	// Every top-level non-dev entry: accepts is transitive but hoisted.
	want := []Dependency{
		{Ecosystem: Npm, Name: "accepts", Version: "1.3.8", Pinned: true, Manifest: m},
		{Ecosystem: Npm, Name: "express", Version: "4.17.1", Pinned: true, Manifest: m},
		{Ecosystem: Npm, Name: "gh-dep", Version: "git+https://github.com/acme/gh-dep.git#0123abcd", Manifest: m},
		{Ecosystem: Npm, Name: "lodash", Version: "4.17.21", Pinned: true, Manifest: m},
		{Ecosystem: Npm, Name: "strip-ansi", Version: "6.0.1", Pinned: true, Manifest: m},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParsePackageJSON(t *testing.T) {
	src := `{
  "name": "web",
  "dependencies": {"react": "^18.2.0", "left-pad": "1.3.0", "utils": "workspace:*", "old": "npm:@acme/new@=2.0.0"},
  "peerDependencies": {"react": "^18"},
  "devDependencies": {"vite": "^5.0.0"}
}`
	got, err := parsePackageJSON("package.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m := "package.json"
	want := []Dependency{
		{Ecosystem: Npm, Name: "left-pad", Version: "1.3.0", Pinned: true, Manifest: m},
		{Ecosystem: Npm, Name: "@acme/new", Version: "2.0.0", Pinned: true, Manifest: m},
		{Ecosystem: Npm, Name: "react", Version: "^18.2.0", Manifest: m},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParsePackageLockErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line, col int
	}{
		{"truncated", "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n", 4, 1},
		{"syntax", "{\n  \"lockfileVersion\": 3,\n  \"packages\": {,}\n}", 3, 16},
		{"wrong type", "{\n  \"lockfileVersion\": \"3\"\n}", 2, 0},
		{"dependency not a string", "{\"lockfileVersion\": 3, \"packages\": {\"\": {\n\"dependencies\": {\"a\": 1}}}}", 2, 0},
		{"no root package", `{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0.0"}}}`, 0, 0},
		{"not an object", `["a"]`, 0, 0},
		{"empty", ``, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parsePackageLock("web/package-lock.json", []byte(tc.src))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.File != "web/package-lock.json" || pe.Line != tc.line || (tc.col > 0 && pe.Col != tc.col) {
				t.Errorf("error at %s:%d:%d, want line %d col %d (%v)", pe.File, pe.Line, pe.Col, tc.line, tc.col, err)
			}
			if !strings.HasPrefix(err.Error(), "web/package-lock.json") {
				t.Errorf("message %q does not start with the file", err)
			}
		})
	}
}

func TestIsExactSemver(t *testing.T) {
	for v, want := range map[string]bool{
		"1.2.3": true, "=1.2.3": true, "v1.2.3": true, "1.2.3-rc.1+b5": true, "0.0.0": true,
		"^1.2.3": false, "1.2": false, "1.2.x": false, "1.2.3 - 2": false, "": false, "1.2.3-": false,
		"latest": false, "git+https://x/y.git": false,
	} {
		if got := isExactSemver(v); got != want {
			t.Errorf("isExactSemver(%q) = %v, want %v", v, got, want)
		}
	}
}
