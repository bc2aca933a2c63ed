package cli

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	githubactions "github.com/sethvargo/go-githubactions"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/report"
)

// Limits of the Action.
const (
	// summaryMaxBytes keeps the job summary under GitHub's 1 MiB per step.
	summaryMaxBytes = 1<<20 - 16<<10
	// maxEventBytes bounds the event payload read (GitHub caps payloads at 25 MB).
	maxEventBytes = 32 << 20
	// reportName is the JSON report's name, in $RUNNER_TEMP or reportDir.
	reportName = "cra-gate-report.json"
	// reportDir is the workspace folder the report goes to where RUNNER_TEMP
	// is not mounted (Docker actions): never the checkout's root.
	// docs/action.md asks users to ignore it (.gitignore).
	reportDir = ".cra-gate"
	// commentTimeout bounds the whole pull request comment update.
	commentTimeout = 2 * time.Minute
)

const actionUsage = `Usage: cra-gate action

Runs cra-gate as the GitHub Action. It takes no arguments: it reads the inputs
of action.yml from INPUT_* variables (INPUT_PATH, INPUT_CONFIG, INPUT_FAIL-ON,
INPUT_COMMENT, INPUT_TOKEN, INPUT_SARIF, INPUT_SUMMARY, INPUT_ANNOTATIONS,
INPUT_NOW, INPUT_MAX-SBOM-SIZE, INPUT_VULNERABILITIES, INPUT_OSV-API,
INPUT_KEV, INPUT_VULN-DB) and the runner's GITHUB_* variables, then writes
annotations, the job summary, the outputs, the JSON report, SARIF (when asked)
and the pull request comment.
Exit status: 0 pass, 1 the gate fails, 2 the gate could not run.
`

// actionRun is one run of `cra-gate action`.
type actionRun struct {
	gha       *githubactions.Action
	std       IO
	workspace string // absolute
	failed    bool   // a requested file could not be written
}

// runAction runs the GitHub Action. The exit status is the gate's verdict; 2
// only when the gate could not run (bad input, unreadable repository) or a file
// the workflow relies on (report, SARIF, outputs, summary) could not be written.
// Comment problems are warnings.
func runAction(args []string, std IO) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help" {
			fmt.Fprint(std.Stdout, actionUsage)
			return ExitPass
		}
		fmt.Fprintf(std.Stderr, "cra-gate: action takes no arguments (got %q); set the INPUT_* variables instead\n\n%s", strings.Join(args, " "), actionUsage)
		return ExitError
	}
	a := &actionRun{std: std, gha: newGHA(std)}
	return a.run()
}

// newGHA returns a go-githubactions Action that reads std.Getenv and writes
// workflow commands to std.Stdout.
func newGHA(std IO) *githubactions.Action {
	return githubactions.New(githubactions.WithGetenv(githubactions.GetenvFunc(std.Getenv)), githubactions.WithWriter(std.Stdout))
}

func (a *actionRun) run() int {
	// Mask the token before anything else is printed.
	token := a.gha.GetInput("token")
	if token == "" {
		token = strings.TrimSpace(a.std.Getenv("GITHUB_TOKEN"))
	}
	if token != "" {
		a.gha.AddMask(token)
	}
	in, err := a.inputs()
	in.token = token
	if err != nil {
		a.errorf("%v", err)
		a.cannotJudge(in, err.Error())
		return ExitError
	}

	res, err := evaluate(in.dir, in.base, in.baseName, in.baseCommit, in.config, in.opt)
	if err != nil {
		msg := strings.Replace(err.Error(), "--config ", "input config ", 1)
		a.errorf("%s", msg)
		a.cannotJudge(in, msg)
		return ExitError
	}
	ev := a.event()
	setCommit(res, ev.commit)
	if ev.note != "" {
		a.warn(ev.note)
	}
	// Every output names files the same way: relative to the workspace (the
	// checkout), as GitHub maps annotations, SARIF and links.
	res = relocate(res, in.prefix)
	a.logReport(res)
	annotated := a.annotate(in, ev, res)
	reportPath := a.writeReport(res)
	sarifPath := ""
	if in.sarif != "" {
		var b bytes.Buffer
		err := report.SARIF(&b, products(res), checks.Rules())
		if err == nil {
			err = writeInside(a.workspace, in.sarif, b.Bytes())
		}
		if err != nil {
			a.fail("writing SARIF to %s: %v", in.sarif, err)
		} else {
			sarifPath = in.sarif
		}
	}
	runURL := a.runURL()
	if in.summary {
		a.writeSummary(res, runURL, ev.note, annotated)
	}
	commentURL := a.comment(in, ev, res, runURL)

	a.setOutputs([][2]string{
		{"passed", strconv.FormatBool(res.Passed)},
		{"errors", strconv.Itoa(res.Summary.Errors)},
		{"warnings", strconv.Itoa(res.Summary.Warnings)},
		{"notices", strconv.Itoa(res.Summary.Notices)},
		{"report", reportPath},
		{"sarif", sarifPath},
		{"comment-url", commentURL},
	})

	verdict := "PASS"
	if !res.Passed {
		verdict = "FAIL"
	}
	fmt.Fprintf(a.std.Stdout, "cra-gate: %s · errors %d · warnings %d · notices %d · fail-on %s\n",
		verdict, res.Summary.Errors, res.Summary.Warnings, res.Summary.Notices, in.opt.FailOn)
	if a.failed {
		return ExitError
	}
	return ExitStatus(res)
}

// setCommit records the commit checked in the result and its products.
func setCommit(res *finding.Result, commit string) {
	res.Commit = commit
	for _, p := range res.Products {
		p.Commit = commit
	}
}

// relocate returns res with its file paths prefixed by prefix (the repository
// directory relative to the workspace). res is not changed.
func relocate(res *finding.Result, prefix string) *finding.Result {
	if prefix == "" {
		return res
	}
	if len(res.Products) > 0 {
		ps := make([]*finding.Result, len(res.Products))
		for i, p := range res.Products {
			ps[i] = relocate(p, prefix)
		}
		return finding.Combine(path.Join(prefix, res.Config), ps)
	}
	out := *res
	if out.Config != "" {
		out.Config = path.Join(prefix, out.Config)
	}
	out.Findings = make([]finding.Finding, len(res.Findings))
	for i, f := range res.Findings {
		if f.File != "" {
			f.File = path.Join(prefix, f.File)
		}
		out.Findings[i] = f
	}
	if res.Base != nil {
		b := *res.Base
		b.ChangedFiles = make([]string, len(res.Base.ChangedFiles))
		for i, f := range res.Base.ChangedFiles {
			b.ChangedFiles[i] = path.Join(prefix, f)
		}
		out.Base = &b
	}
	out.DeclarationChanges = make([]finding.DeclarationChange, len(res.DeclarationChanges))
	for i, c := range res.DeclarationChanges {
		if c.File != "" {
			c.File = path.Join(prefix, c.File)
		}
		out.DeclarationChanges[i] = c
	}
	out.SBOMs = make([]finding.SBOMCoverage, len(res.SBOMs))
	for i, s := range res.SBOMs {
		s.File = path.Join(prefix, s.File)
		out.SBOMs[i] = s
	}
	if res.Vulnerabilities != nil {
		out.Vulnerabilities = make([]finding.Vulnerability, len(res.Vulnerabilities))
		for i, v := range res.Vulnerabilities {
			v.File = path.Join(prefix, v.File)
			out.Vulnerabilities[i] = v
		}
	}
	return &out
}

// errorf prints an error annotation (escaped by go-githubactions).
func (a *actionRun) errorf(format string, args ...any) {
	a.gha.IssueCommand(&githubactions.Command{Name: "error",
		Message:    fmt.Sprintf(format, args...),
		Properties: githubactions.CommandProperties{"title": "cra-gate"}})
}

// fail reports a file the workflow relies on that could not be written; the
// run ends with ExitError.
func (a *actionRun) fail(format string, args ...any) {
	a.failed = true
	a.errorf(format, args...)
}

// warn prints a warning annotation.
func (a *actionRun) warn(msg string) {
	a.gha.IssueCommand(&githubactions.Command{Name: "warning", Message: msg, Properties: githubactions.CommandProperties{"title": "cra-gate"}})
}

// info prints a plain log line that cannot start a workflow command.
func (a *actionRun) info(msg string) {
	fmt.Fprintf(a.std.Stdout, "cra-gate: %s\n", oneLine(msg))
}
