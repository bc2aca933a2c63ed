// Command gen writes schema/cra.schema.json from the manifest model. It is run
// by `go generate ./...` from the //go:generate line in
// internal/craschema/craschema.go:
//
//	go run ./gen -out ../../schema/cra.schema.json
//
// It lives outside package craschema because it imports checks, for the
// rules a [[waiver]] may name, and the tests of checks import craschema.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/internal/craschema"
)

func main() {
	out := flag.String("out", "", "file to write the schema to (schema/cra.schema.json)")
	ref := flag.String("reference", "", "file to write the key reference to (docs/config.md, optional)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -out FILE")
		os.Exit(2)
	}
	schema, err := craschema.Generate(checks.Waivable())
	if err != nil {
		fail(err)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, schema, 0o644); err != nil {
		fail(err)
	}
	if *ref == "" {
		return
	}
	md, err := craschema.Reference(schema)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*ref, md, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "craschema:", err)
	os.Exit(1)
}
