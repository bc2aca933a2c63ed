// Package cli is the cra-gate command line: it parses arguments, runs the checks
// and hands the result to a renderer. cmd/cra-gate only calls Main.
package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	githubactions "github.com/sethvargo/go-githubactions"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/budget"
	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/vuln/nvdapi"
	"github.com/cra-gate/cra-gate/report"
)

// Exit statuses.
const (
	ExitPass  = 0 // the gate passes
	ExitFail  = 1 // findings at or above the fail level (an invalid cra.toml included)
	ExitError = 2 // the gate could not run: bad flags, unreadable repository, internal error
)

// Version is the release version, set by package main from its build-time
// stamp (-ldflags "-X main.version=v1.2.3"); empty in a source build.
var Version = ""

// version returns the stamped version, else the module version, else
// "0.0.0-dev": a semantic version, so that SARIF and other tools can order it.
func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "0.0.0-dev"
}

// Env is how the CLI reads the environment (os.Getenv in production).
type Env func(string) string

// IO bundles what a command reads and writes.
type IO struct {
	Stdout, Stderr io.Writer
	Getenv         Env
	// IsTerminal reports whether Stdout is a terminal (for colour).
	IsTerminal bool
	// StdoutIsFile reports whether Stdout is a regular file (a redirect),
	// which the Actions runner does not read for workflow commands.
	StdoutIsFile bool
	// Width is the terminal's width in columns when Stdout is one (text
	// is wrapped to it), else 0.
	Width int
}

const usage = `cra-gate keeps a repository honest about the EU Cyber Resilience Act.

Usage:
  cra-gate check [flags] [DIR]   check the repository at DIR (default .) against its cra.toml
  cra-gate init [--stdout] [DIR] write a first, commented cra.toml from what the repository holds
  cra-gate rules [ID]            list every rule, or print one rule's documentation
  cra-gate action                run as the GitHub Action (inputs from INPUT_* variables)
  cra-gate comment --report FILE --pr N   post or update the pull request comment from a JSON report
  cra-gate vex --finding PURL#ID --status S [--append FILE]   write an OpenVEX statement answering a finding
  cra-gate version               print the version

Run 'cra-gate check -h' for the flags of check.
`

// Main runs the command line and returns the exit status.
func Main(args []string, std IO) int {
	if std.Getenv == nil {
		std.Getenv = os.Getenv
	}
	if len(args) == 0 {
		fmt.Fprint(std.Stderr, usage)
		return ExitError
	}
	switch args[0] {
	case "check":
		return runCheck(args[1:], std)
	case "rules":
		return runRules(args[1:], std)
	case "init":
		return runInit(args[1:], std)
	case "action":
		return runAction(args[1:], std)
	case "comment":
		return runComment(args[1:], std)
	case "vex":
		return runVEX(args[1:], std)
	case "version", "--version", "-version":
		fmt.Fprintf(std.Stdout, "cra-gate %s\n", version())
		return ExitPass
	case "help", "-h", "--help":
		fmt.Fprint(std.Stdout, usage)
		return ExitPass
	}
	fmt.Fprintf(std.Stderr, "cra-gate: unknown command %q\n\n%s", args[0], usage)
	return ExitError
}

// checkFlags are the settings of `cra-gate check`.
type checkFlags struct {
	config      string
	format      string
	failOn      string
	now         string
	maxSBOMSize string
	maxTotal    string
	maxObjects  int64
	vulnDB      listFlag
	nvd         listFlag
	nvdAPI      string
	osvAPI      string
	kev         string
	base        string
	fetchSBOMs  bool
	quiet       bool
	verbose     bool
	minSeverity string
	outputs     listFlag
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func (f *checkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "cra.toml", "path of cra.toml, relative to DIR")
	fs.StringVar(&f.format, "format", "text", "output format: text, json, markdown or sarif")
	fs.StringVar(&f.failOn, "fail-on", "error", "lowest severity that fails the gate: error, warning or never")
	fs.StringVar(&f.now, "now", "", "date the date rules use, YYYY-MM-DD (default: $CRA_GATE_NOW, else today)")
	fs.StringVar(&f.maxSBOMSize, "max-sbom-size", "128MiB", "largest SBOM file read (bytes, or with KiB/MiB/GiB)")
	fs.StringVar(&f.maxTotal, "max-total-size", "256MiB", "most bytes of SBOMs and VEX documents decoded in one run")
	fs.Int64Var(&f.maxObjects, "max-objects", budget.DefaultItems,
		"most JSON objects and arrays, XML elements or lines of SBOMs and VEX documents decoded in one run")
	fs.Var(&f.vulnDB, "vuln-db", "OSV records to match components against: a directory, .zip or .json (repeatable; default: $CRA_GATE_VULN_DB, a list)")
	fs.Var(&f.nvd, "nvd", "NVD CVE records (CVE API 2.0 JSON) to match components by CPE: a directory, .zip or .json "+
		"(repeatable; default: $CRA_GATE_NVD, a list)")
	fs.StringVar(&f.nvdAPI, "nvd-api", "", "NVD CVE API 2.0 to ask by CPE, such as "+nvdapi.DefaultURL+
		" (default: $CRA_GATE_NVD_API; its key only from $CRA_GATE_NVD_API_KEY)")
	fs.StringVar(&f.osvAPI, "osv-api", "", "OSV-compatible API to query, such as https://api.osv.dev (default: $CRA_GATE_OSV_API)")
	fs.BoolVar(&f.fetchSBOMs, "fetch-sboms", false, "download the SBOMs [[rdps]] entries name by URL and verify their sha256 "+
		"(default: declared, not verified)")
	fs.StringVar(&f.kev, "kev", "", "CISA KEV catalog JSON: a path or https URL (default: $CRA_GATE_KEV)")
	fs.BoolVar(&f.quiet, "quiet", false, "text: only the findings (errors and warnings, unless --min-severity says otherwise) and the verdict")
	fs.BoolVar(&f.verbose, "verbose", false, "text: the notices and the waived findings one by one (default: counted in a line each)")
	fs.StringVar(&f.minSeverity, "min-severity", "", "text: leave out findings below error, warning or notice (default notice; warning with --quiet)")
	fs.Var(&f.outputs, "output", "also write FORMAT (text, json, markdown or sarif) to PATH: --output json=report.json (repeatable)")
	fs.StringVar(&f.base, "base", "", "a checkout of the change's base (a pull request's base commit): findings are marked new or "+
		"existing, and changed declarations listed")
}

// parseInterspersed parses flags that may come before or after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// settings are the validated flags of a run.
type settings struct {
	dir     string
	base    string
	config  string
	format  string
	opt     checks.Options
	text    report.TextOptions
	outputs []output
}

// output is one --output FORMAT=PATH.
type output struct{ format, path string }

func parseCheck(args []string, std IO) (settings, error) {
	var f checkFlags
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(std.Stderr, "Usage: cra-gate check [flags] [DIR]\n\nChecks the repository at DIR (default .) against "+
			"its cra.toml.\nExit status: 0 pass, 1 the gate fails, 2 the gate could not "+
			"run.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	f.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return settings{}, err
	}
	s := settings{dir: ".", config: f.config, format: f.format, base: f.base}
	switch len(pos) {
	case 0:
	case 1:
		s.dir = pos[0]
	default:
		return s, fmt.Errorf("check takes one repository directory, got %d arguments: %s", len(pos), strings.Join(pos, " "))
	}
	if !validFormat(s.format) {
		return s, fmt.Errorf("--format %q: want text, json, markdown or sarif", s.format)
	}
	for _, o := range f.outputs {
		format, path, ok := strings.Cut(o, "=")
		if !ok || !validFormat(format) || strings.TrimSpace(path) == "" {
			return s, fmt.Errorf("--output %q: want FORMAT=PATH, FORMAT one of text, json, markdown, sarif (--output sarif=cra.sarif)", o)
		}
		s.outputs = append(s.outputs, output{format, path})
	}
	if s.base != "" {
		if fi, err := os.Stat(s.base); err != nil || !fi.IsDir() {
			return s, fmt.Errorf("--base %q is not a folder: check the base out there first (git worktree add %s <base commit>)", s.base, s.base)
		}
	}
	s.text.Quiet, s.text.Verbose = f.quiet, f.verbose
	if f.quiet {
		s.text.MinSeverity = finding.Warning
	}
	if f.minSeverity != "" {
		if s.text.MinSeverity, err = finding.ParseSeverity(f.minSeverity); err != nil {
			return s, fmt.Errorf("--min-severity: %w", err)
		}
	}
	if s.opt.FailOn, err = finding.ParseFailLevel(f.failOn); err != nil {
		return s, err
	}
	if s.opt.Now, err = parseNow(f.now, "--now", std.Getenv); err != nil {
		return s, err
	}
	if s.opt.MaxSBOMSize, err = parseSize(f.maxSBOMSize); err != nil {
		return s, fmt.Errorf("--max-sbom-size: %w", err)
	}
	if s.opt.MaxTotalSize, err = parseSize(f.maxTotal); err != nil {
		return s, fmt.Errorf("--max-total-size: %w", err)
	}
	if s.opt.MaxObjects = f.maxObjects; s.opt.MaxObjects <= 0 {
		return s, fmt.Errorf("--max-objects %d: want a positive number", f.maxObjects)
	}
	if f.fetchSBOMs {
		s.opt.FetchSBOMs = http.DefaultClient
	}
	s.opt.Vulns = vulnSources(f.vulnDB, f.nvd, f.osvAPI, f.kev, std.Getenv)
	s.opt.Vulns.NVDAPI = strings.TrimSpace(f.nvdAPI)
	if s.opt.Vulns.NVDAPI == "" {
		s.opt.Vulns.NVDAPI = strings.TrimSpace(std.Getenv("CRA_GATE_NVD_API"))
	}
	if err := checkVulnSources(s.opt.Vulns, "--"); err != nil {
		return s, err
	}
	if door, err := repo.Open(s.dir); err == nil { // an unreadable DIR is reported by the run
		err = confineSources(&s.opt.Vulns, door, "--")
		door.Close()
		if err != nil {
			return s, err
		}
	}
	s.opt.ToolVersion = version()
	return s, nil
}

func validFormat(f string) bool {
	switch f {
	case "text", "json", "markdown", "sarif":
		return true
	}
	return false
}

// confineSources makes the local vulnerability sources that lie inside the
// checked repository (or the Action's workspace) reach their files only
// through its door (repo.Confined): a pull request that commits one of those
// paths as a link out of the checkout, to a FIFO or to a device is refused,
// and the run with it. Sources outside are the operator's and read as given.
func confineSources(v *checks.VulnSources, door *repo.Repo, prefix string) error {
	for _, list := range []struct {
		name  string
		paths []string
	}{{"vuln-db", v.DB}, {"nvd", v.NVD}} {
		for i, p := range list.paths {
			abs, _, err := door.Confined(p)
			if err != nil {
				return fmt.Errorf("%s%s %q: %v", prefix, list.name, p, err)
			}
			list.paths[i] = abs
		}
	}
	if v.KEV != "" && !strings.Contains(v.KEV, "://") {
		abs, _, err := door.Confined(v.KEV)
		if err != nil {
			return fmt.Errorf("%skev %q: %v", prefix, v.KEV, err)
		}
		v.KEV = abs
	}
	return nil
}

// vulnSources takes each source from its flag, else its environment variable.
func vulnSources(db, nvdPaths []string, api, kevSrc string, getenv Env) checks.VulnSources {
	v := checks.VulnSources{DB: db, NVD: nvdPaths, API: strings.TrimSpace(api), KEV: strings.TrimSpace(kevSrc),
		NVDAPIKey: strings.TrimSpace(getenv("CRA_GATE_NVD_API_KEY"))}
	if len(v.DB) == 0 {
		v.DB = envList(getenv("CRA_GATE_VULN_DB"))
	}
	if len(v.NVD) == 0 {
		v.NVD = envList(getenv("CRA_GATE_NVD"))
	}
	if v.API == "" {
		v.API = strings.TrimSpace(getenv("CRA_GATE_OSV_API"))
	}
	if v.KEV == "" {
		v.KEV = strings.TrimSpace(getenv("CRA_GATE_KEV"))
	}
	return v
}

// envList splits a path list ($PATH-style) of an environment variable.
func envList(v string) []string {
	var out []string
	for _, p := range filepath.SplitList(v) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// checkVulnSources refuses an API or KEV URL that is not https (http only for
// a loopback address, as a local mirror or test server).
func checkVulnSources(v checks.VulnSources, prefix string) error {
	if v.API != "" && !secureURL(v.API) {
		return fmt.Errorf("%sosv-api %q: want an https URL, such as https://api.osv.dev", prefix, v.API)
	}
	if strings.Contains(v.KEV, "://") && !secureURL(v.KEV) {
		return fmt.Errorf("%skev %q: want a file path or an https URL", prefix, v.KEV)
	}
	if v.NVDAPI != "" && !secureURL(v.NVDAPI) {
		return fmt.Errorf("%snvd-api %q: want an https URL, such as %s", prefix, v.NVDAPI, nvdapi.DefaultURL)
	}
	return nil
}

func secureURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		return h == "localhost" || h == "::1" || strings.HasPrefix(h, "127.")
	}
	return false
}

// parseNow reads an explicit date (the --now flag or the action's now input,
// named by from in errors), else $CRA_GATE_NOW, else today's UTC date.
func parseNow(value, from string, getenv Env) (time.Time, error) {
	v := value
	if v == "" {
		v, from = getenv("CRA_GATE_NOW"), "CRA_GATE_NOW"
	}
	if v == "" {
		y, m, d := time.Now().UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse("2006-01-02", strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want a date as YYYY-MM-DD", from, v)
	}
	return t, nil
}

// parseSize reads a byte count with an optional KiB/MiB/GiB (or KB/MB/GB) suffix.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(strings.ToUpper(s), strings.ToUpper(u.suffix)) {
			s, mult = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is not a size: write bytes or a number with KiB, MiB or GiB, such as 256MiB", s)
	}
	return n * mult, nil
}

func runCheck(args []string, std IO) int {
	s, err := parseCheck(args, std)
	if errors.Is(err, flag.ErrHelp) {
		return ExitPass
	}
	if err != nil {
		printErr(std.Stderr, "%v", err)
		return ExitError
	}
	baseCommit := ""
	if s.base != "" {
		baseCommit = headCommit(s.base)
	}
	res, err := evaluate(s.dir, s.base, s.base, baseCommit, s.config, s.opt)
	if err != nil {
		printErr(std.Stderr, "%v", err)
		return ExitError
	}
	if err := render(std, s.format, res, s.text); err != nil {
		printErr(std.Stderr, "writing the report: %v", err)
		return ExitError
	}
	for _, o := range s.outputs {
		if err := writeOutput(o, res, s.text); err != nil {
			printErr(std.Stderr, "--output %s=%s: %v", o.format, o.path, err)
			return ExitError
		}
	}
	return ExitStatus(res)
}

// products lists what a result judged: its Products, or itself.
func products(res *finding.Result) []*finding.Result {
	if len(res.Products) > 0 {
		return res.Products
	}
	return []*finding.Result{res}
}

// ExitStatus maps a result to the exit status: 0 pass, 1 fail.
func ExitStatus(res *finding.Result) int {
	if res.Passed {
		return ExitPass
	}
	return ExitFail
}

// render writes the report in format. Every format is free of workflow
// commands by construction (see report.NeutralizeCommands); under GitHub
// Actions, text bound for the log (not redirected to a file) is also wrapped
// in stop-commands, as the Action's log is. JSON, SARIF and Markdown are not
// wrapped: a wrapper would corrupt them for the program or file they are
// piped to (jq, upload-sarif, the job summary).
func render(std IO, format string, res *finding.Result, topt report.TextOptions) error {
	if format != "text" {
		return renderTo(std.Stdout, format, res, topt)
	}
	topt.Color = std.IsTerminal && std.Getenv("NO_COLOR") == ""
	if std.IsTerminal {
		topt.Width = std.Width
	}
	text := func() error { return writeText(std.Stdout, res, topt) }
	if std.Getenv("GITHUB_ACTIONS") == "true" && !std.StdoutIsFile {
		return withCommandsStopped(newGHA(std), text)
	}
	return text()
}

// renderTo writes the report in a format that does not depend on the
// terminal (text without colour or wrapping).
func renderTo(w io.Writer, format string, res *finding.Result, topt report.TextOptions) error {
	switch format {
	case "json":
		return report.JSON(w, res)
	case "markdown":
		return report.Markdown(w, products(res), report.MarkdownOptions{})
	case "sarif":
		return report.SARIF(w, products(res), checks.Rules())
	}
	topt.Color, topt.Width = false, 0
	return writeText(w, res, topt)
}

// writeOutput writes one --output file: the operator's path, created or
// replaced.
func writeOutput(o output, res *finding.Result, topt report.TextOptions) error {
	var b bytes.Buffer
	if err := renderTo(&b, o.format, res, topt); err != nil {
		return err
	}
	return os.WriteFile(o.path, b.Bytes(), 0o644)
}

// writeText writes the text report of each product, and with several, a
// last line with the verdict over all.
func writeText(w io.Writer, res *finding.Result, opt report.TextOptions) error {
	ps := products(res)
	for i, p := range ps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := report.Text(w, p, opt); err != nil {
			return err
		}
	}
	if len(ps) > 1 {
		verdict := "PASS"
		if !res.Passed {
			verdict = "FAIL"
		}
		_, err := fmt.Fprintf(w,
			"\n%s: %d products (%s), %d errors, %d warnings, %d notices\n",
			verdict,
			len(ps),
			res.Config,
			res.Summary.Errors,
			res.Summary.Warnings,
			res.Summary.Notices)
		return err
	}
	return nil
}

// withCommandsStopped runs fn between stop-commands and its resume command,
// with a random token, so that nothing fn prints can issue a workflow
// command. Without a random token it refuses to print at all.
func withCommandsStopped(gha *githubactions.Action, fn func() error) error {
	var tok [16]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return fmt.Errorf("no random token to stop workflow commands: %w", err)
	}
	t := "cra-gate-" + hex.EncodeToString(tok[:])
	gha.IssueCommand(&githubactions.Command{Name: "stop-commands", Message: t})
	err := fn()
	gha.IssueCommand(&githubactions.Command{Name: t})
	return err
}
