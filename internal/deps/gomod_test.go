package deps

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const goModFixture = `// Service module.
module github.com/acme/payments

go 1.22.3

toolchain go1.22.5

require github.com/spf13/cobra v1.8.0

require (
	github.com/Azure/azure-sdk-for-go/sdk/azcore v1.11.1
	github.com/go-chi/chi/v5 v5.0.12 // router
	github.com/pkg/errors v0.9.1
	golang.org/x/sys v0.20.0 // indirect
	gopkg.in/yaml.v3 v3.0.1
	github.com/docker/docker v24.0.9+incompatible
	example.com/internal/auth v0.0.0-00010101000000-000000000000
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.5 // indirect
)

replace github.com/pkg/errors => github.com/acme/errors v0.9.2-acme.1

replace example.com/internal/auth => ../auth

exclude github.com/go-chi/chi/v5 v5.0.11

retract v0.1.0 // published by mistake
`

func TestParseGoMod(t *testing.T) {
	got, err := ParseGoMod("go.mod", []byte(goModFixture))
	if err != nil {
		t.Fatal(err)
	}
	want := []Dependency{
		{Ecosystem: Golang, Name: "github.com/spf13/cobra", Version: "v1.8.0", Pinned: true, Manifest: "go.mod", Line: 8},
		{Ecosystem: Golang, Name: "github.com/Azure/azure-sdk-for-go/sdk/azcore", Version: "v1.11.1", Pinned: true, Manifest: "go.mod", Line: 11},
		{Ecosystem: Golang, Name: "github.com/go-chi/chi/v5", Version: "v5.0.12", Pinned: true, Manifest: "go.mod", Line: 12},
		{Ecosystem: Golang, Name: "github.com/pkg/errors", Version: "v0.9.1", Pinned: true, Manifest: "go.mod", Line: 13,
			Replace: "github.com/acme/errors", ReplaceVersion: "v0.9.2-acme.1"},
		{Ecosystem: Golang, Name: "gopkg.in/yaml.v3", Version: "v3.0.1", Pinned: true, Manifest: "go.mod", Line: 15},
		{Ecosystem: Golang, Name: "github.com/docker/docker", Version: "v24.0.9+incompatible", Pinned: true, Manifest: "go.mod", Line: 16},
		{Ecosystem: Golang, Name: "example.com/internal/auth", Version: "v0.0.0-00010101000000-000000000000", Manifest: "go.mod", Line: 17,
			Replace: "../auth"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseGoMod:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseGoModVersionSpecificReplace(t *testing.T) {
	src := "module m\n\nrequire (\n\ta.example/x v1.2.0\n\tb.example/y v1.0.0\n)\n\n" +
		"replace a.example/x v1.1.0 => a.example/fork v1.1.1\n" +
		"replace a.example/x v1.2.0 => a.example/fork v1.2.1\n" +
		"replace b.example/y v0.9.0 => b.example/fork v0.9.1\n"
	got, err := ParseGoMod("go.mod", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Replace != "a.example/fork" || got[0].ReplaceVersion != "v1.2.1" {
		t.Errorf("x: replacement %s %s, want a.example/fork v1.2.1", got[0].Replace, got[0].ReplaceVersion)
	}
	if got[1].Replace != "" {
		t.Errorf("y: a replace of another version applied: %+v", got[1])
	}
}

func TestParseGoModNoRequirements(t *testing.T) {
	got, err := ParseGoMod("go.mod", []byte("module example.com/tool\n\ngo 1.21\n"))
	if err != nil || len(got) != 0 {
		t.Errorf("got %v, %v; want none, nil", got, err)
	}
}

func TestParseGoModUnknownDirective(t *testing.T) {
	// A directive from a future Go release must not break the gate.
	src := "module m\n\ngo 1.30\n\nfrobnicate on\n\nrequire a.example/x v1.0.0\n"
	got, err := ParseGoMod("go.mod", []byte(src))
	if err != nil || len(got) != 1 {
		t.Errorf("got %v, %v; want one requirement", got, err)
	}
}

func TestParseGoModErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		msg       string
	}{
		{"unclosed block", "module m\n\nrequire (\n\ta.example/x v1.0.0\n", 5, ""},
		{"bad version", "module m\n\nrequire a.example/x 1.0\n", 3, "a.example/x"},
		{"missing version", "module m\nrequire (\n\ta.example/x\n)\n", 3, "usage"},
		{"stray quote", "module m\nrequire \"a.example/x v1.0.0\n", 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseGoMod("svc/go.mod", []byte(tc.src))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.File != "svc/go.mod" || pe.Line != tc.line {
				t.Errorf("error at %s:%d, want svc/go.mod:%d (%v)", pe.File, pe.Line, tc.line, err)
			}
			if !strings.HasPrefix(err.Error(), "svc/go.mod:") || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q does not name the file and %q", err, tc.msg)
			}
		})
	}
}
