package cli

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/scaffold"
	"github.com/cra-gate/cra-gate/report"
)

const initUsage = `Usage: cra-gate init [--config PATH] [--stdout] [DIR]

Writes a commented cra.toml for the repository at DIR (default .) from what it
holds: the SBOMs (recognised by their content), SECURITY.md, security.txt, the
dependency manifests and the product's name. What only you can decide is a
"TODO: ..." value, which 'cra-gate check' reports as an error until replaced.
It never overwrites a file.

Exit status: 0 written (or printed), 1 the file exists already, 2 init could not run.

Flags:
`

// runInit writes a first cra.toml: inspect the repository, render, check
// that what was rendered loads with nothing but its TODOs, create the file
// exclusively, print what was found and what is left.
func runInit(args []string, std IO) int {
	flags := flag.NewFlagSet("init", flag.ContinueOnError)
	flags.SetOutput(std.Stderr)
	flags.Usage = func() {
		fmt.Fprint(std.Stderr, initUsage)
		flags.PrintDefaults()
	}
	config := flags.String("config", "cra.toml", "the file to write, relative to DIR; the product is looked for in its folder")
	toStdout := flags.Bool("stdout", false, "print the cra.toml instead of writing it; what was found goes to stderr")
	var role scaffold.Role
	flags.BoolVar(&role.Steward, "steward", false, "an open-source software steward (Article 24): no conformity, support or documentation TODOs")
	flags.BoolVar(&role.FOSS, "foss", false, "free and open-source software: product.foss = true")
	flags.BoolVar(&role.NonCommercial, "non-commercial", false, "not made available in the course of a commercial activity: the CRA does not apply")
	pos, err := parseInterspersed(flags, args)
	if errors.Is(err, flag.ErrHelp) {
		return ExitPass
	}
	if err != nil {
		return ExitError
	}
	dir := "."
	switch len(pos) {
	case 0:
	case 1:
		dir = pos[0]
	default:
		printErr(std.Stderr, "init takes one repository directory, got %d arguments: %s", len(pos), strings.Join(pos, " "))
		return ExitError
	}
	r, err := repo.Open(dir)
	if err != nil {
		printErr(std.Stderr, "%v", err)
		return ExitError
	}
	defer r.Close()
	cfg, err := scaffold.ConfigPath(*config)
	if err != nil {
		printErr(std.Stderr, "%v", err)
		return ExitError
	}
	shownPath := filepath.Join(dir, filepath.FromSlash(cfg))
	if !*toStdout && r.Exists(cfg) { // before the search; CreateNew decides in the end
		refuseOverwrite(std, shownPath)
		return ExitFail
	}
	if role.Steward && role.NonCommercial {
		printErr(std.Stderr, "--steward and --non-commercial exclude each other: a steward supports products that are made available commercially")
		return ExitError
	}
	plan, err := scaffold.Inspect(r, scaffold.Options{Config: cfg, MaxSBOMSize: checks.DefaultMaxSBOMSize, Role: role})
	if err != nil {
		printErr(std.Stderr, "%v", err)
		return ExitError
	}
	text := scaffold.Render(plan)
	m, probs := manifest.Parse(plan.Config, text)
	for _, p := range probs {
		if p.Kind != manifest.TODOValue {
			printErr(std.Stderr, "internal error: the cra.toml init wrote does not load: %s:%d: %s", plan.Config, p.Pos.Line, p.Msg)
			return ExitError
		}
	}
	if m == nil {
		printErr(std.Stderr, "internal error: the cra.toml init wrote does not load")
		return ExitError
	}
	where := scaffold.Where{Dir: dir, Written: !*toStdout}
	next := report.NeutralizeCommands(scaffold.NextSteps(plan, m.TODOs(), where))
	if *toStdout {
		if _, err := std.Stdout.Write(text); err != nil {
			printErr(std.Stderr, "writing: %v", err)
			return ExitError
		}
		fmt.Fprint(std.Stderr, next)
		return ExitPass
	}
	if err := r.CreateNew(plan.Config, text, 0o644); err != nil {
		if errors.Is(err, fs.ErrExist) {
			refuseOverwrite(std, shownPath)
			return ExitFail
		}
		printErr(std.Stderr, "writing %s: %v", shownPath, err)
		return ExitError
	}
	fmt.Fprint(std.Stdout, next)
	return ExitPass
}

// refuseOverwrite says that the file exists and what to do instead.
func refuseOverwrite(std IO, shownPath string) {
	printErr(std.Stderr, "%s exists already; init never overwrites a file. Check it with `cra-gate check`, print a "+
		"fresh one to compare with `cra-gate init --stdout`, or move it away first", shownPath)
}
