// Command gen writes the rule documentation pages (docs/rules) from the rule
// registry. It is run by `go generate ./...` from the //go:generate line in
// checks/generate.go:
//
//	go run ../internal/ruledocs/gen -out ../docs/rules -readme ../README.md
//
// -readme rewrites the "What it checks" table of README.md, between its
// checks:begin and checks:end markers.
//
// It runs in the checks folder (rulefixture.Dir is relative to it) and lives
// outside package checks because it imports it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/internal/ruledocs"
	"github.com/cra-gate/cra-gate/internal/rulefixture"
)

func main() {
	out := flag.String("out", "", "folder to write the pages to (docs/rules)")
	readme := flag.String("readme", "", "README.md whose checks table to rewrite (optional)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -out DIR [-readme README.md]")
		os.Exit(2)
	}
	seen, err := rulefixture.SeenAll(rulefixture.Dir, checks.Rules())
	if err != nil {
		fail(err)
	}
	if err := ruledocs.Write(*out, checks.Rules(), seen); err != nil {
		fail(err)
	}
	if *readme == "" {
		return
	}
	have, err := os.ReadFile(*readme)
	if err != nil {
		fail(err)
	}
	updated, err := ruledocs.WithChecksTable(have, checks.Checks())
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*readme, updated, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ruledocs:", err)
	os.Exit(1)
}
