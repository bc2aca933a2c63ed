package proftmp

import (
	"io"
	"testing"

	"github.com/cra-gate/cra-gate/cli"
)

func TestProf(t *testing.T) {
	cli.Main([]string{"check", "--now", "2026-12-01", "/tmp/lim/w"}, cli.IO{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }})
}
