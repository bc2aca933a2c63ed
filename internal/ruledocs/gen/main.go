// Command gen writes the rule documentation pages (docs/rules) from the rule
// registry. It is run by `go generate ./...` from the //go:generate line in
// checks/generate.go:
//
//	go run ../internal/ruledocs/gen -out ../docs/rules
//
// It lives outside package checks because it imports it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/internal/ruledocs"
)

func main() {
	out := flag.String("out", "", "folder to write the pages to (docs/rules)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -out DIR")
		os.Exit(2)
	}
	if err := ruledocs.Write(*out, checks.Rules()); err != nil {
		fmt.Fprintln(os.Stderr, "ruledocs:", err)
		os.Exit(1)
	}
}
