// Command cra-gate is a CI gate for the EU Cyber Resilience Act: it checks a
// repository's cra.toml, SBOMs, disclosure policy and support period, and
// reports the gaps. See the README, or run `cra-gate help`.
package main

import (
	"os"
	"runtime/debug"

	"golang.org/x/term"

	"github.com/cra-gate/cra-gate/internal/cli"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3". Empty,
// the module version Go recorded is used (go install ...@v1.2.3), else "dev".
var version = ""

// memoryLimit is the soft limit the garbage collector keeps the heap under
// unless GOMEMLIMIT says otherwise: what a run decodes is bounded (see
// docs/limits-and-security.md) to well under it, so collecting sooner keeps
// the peak below 1 GiB instead of letting garbage double it.
const memoryLimit = 600 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	cli.Version = version
	fi, err := os.Stdout.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	file := err == nil && fi.Mode().IsRegular()
	width := 0
	if tty {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			width = w
		}
	}
	os.Exit(cli.Main(os.Args[1:], cli.IO{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, IsTerminal: tty, StdoutIsFile: file,
		Width: width}))
}
