package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	githubactions "github.com/sethvargo/go-githubactions"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/ghcomment"
	"github.com/cra-gate/cra-gate/report"
	"github.com/cra-gate/cra-gate/vuln/kev"
	"github.com/cra-gate/cra-gate/vuln/osvapi"
)

// Limits of the Action.
const (
	// summaryMaxBytes keeps the job summary under GitHub's 1 MiB per step.
	summaryMaxBytes = 1<<20 - 16<<10
	// maxEventBytes bounds the event payload read (GitHub caps payloads at 25 MB).
	maxEventBytes = 32 << 20
	// reportFile is the name of the JSON report the Action writes.
	reportFile = "cra-gate-report.json"
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

// actionInputs are the validated inputs of `cra-gate action`.
type actionInputs struct {
	dir         string // repository directory (absolute)
	config      string
	key         string // comment key: the config path relative to the workspace
	prefix      string // dir relative to the workspace, slash form; "" for the workspace or outside it
	opt         checks.Options
	comment     string // auto, always or never
	token       string
	sarif       string // workspace-relative slash path; "" writes none
	summary     bool
	annotations bool
}

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
	if err != nil {
		a.errorf("%v", err)
		return ExitError
	}
	in.token = token

	res, err := Evaluate(in.dir, in.config, in.opt)
	if err != nil {
		a.errorf("%s", strings.Replace(err.Error(), "--config ", "input config ", 1))
		return ExitError
	}
	a.logReport(res)
	// Annotations and SARIF name files relative to the workspace (the checkout).
	located := relocate(res, in.prefix)
	if in.annotations {
		if err := report.Annotations(a.std.Stdout, located, report.AnnotationOptions{}); err != nil {
			a.fail("writing annotations: %v", err)
		}
	}
	reportPath := a.writeReport(res)
	sarifPath := ""
	if in.sarif != "" {
		var b bytes.Buffer
		err := report.SARIF(&b, located, checks.Rules())
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
		a.writeSummary(res, runURL)
	}
	commentURL := a.comment(in, res, runURL)

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

// inputs reads and validates the Action's inputs.
func (a *actionRun) inputs() (actionInputs, error) {
	var in actionInputs
	ws, err := a.workspaceDir()
	if err != nil {
		return in, err
	}
	a.workspace = ws

	get := func(name, def string) string {
		if v := a.gha.GetInput(name); v != "" {
			return v
		}
		return def
	}
	dir := get("path", ".")
	in.dir = dir
	if !filepath.IsAbs(dir) {
		in.dir = filepath.Join(ws, dir)
	}
	if r, err := filepath.Rel(ws, in.dir); err == nil && r != "." && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		in.prefix = filepath.ToSlash(r)
	}
	in.config = get("config", "cra.toml")
	rel, err := filepath.Rel(ws, filepath.Join(in.dir, in.config))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		rel = filepath.Join(in.dir, in.config)
	}
	in.key = filepath.ToSlash(filepath.Clean(rel))

	if in.opt.FailOn, err = finding.ParseFailLevel(get("fail-on", "error")); err != nil {
		return in, fmt.Errorf("input fail-on %q: want error, warning or never", get("fail-on", ""))
	}
	switch in.comment = strings.ToLower(get("comment", "auto")); in.comment {
	case "auto", "always", "never":
	default:
		return in, fmt.Errorf("input comment %q: want auto, always or never", in.comment)
	}
	if in.summary, err = boolInput("summary", get("summary", "true")); err != nil {
		return in, err
	}
	if in.annotations, err = boolInput("annotations", get("annotations", "true")); err != nil {
		return in, err
	}
	if in.opt.Now, err = parseNow(get("now", ""), "input now", a.std.Getenv); err != nil {
		return in, err
	}
	if in.opt.MaxSBOMSize, err = parseSize(get("max-sbom-size", "128MiB")); err != nil {
		return in, fmt.Errorf("input max-sbom-size: %w", err)
	}
	vulnsOn, err := boolInput("vulnerabilities", get("vulnerabilities", "true"))
	if err != nil {
		return in, err
	}
	if vulnsOn {
		var db []string
		if v := get("vuln-db", ""); v != "" {
			for _, p := range strings.Split(v, "\n") {
				if p = strings.TrimSpace(p); p != "" {
					if !filepath.IsAbs(p) {
						p = filepath.Join(ws, p)
					}
					db = append(db, p)
				}
			}
		}
		in.opt.Vulns = vulnSources(db, get("osv-api", osvapi.DefaultURL), get("kev", kev.FeedURL), a.std.Getenv)
		if err := checkVulnSources(in.opt.Vulns, "input "); err != nil {
			return in, err
		}
	}
	if s := get("sarif", ""); s != "" {
		if in.sarif, err = insideWorkspace(ws, s); err != nil {
			return in, fmt.Errorf("input sarif: %w", err)
		}
	}
	in.opt.ToolVersion = version()
	return in, nil
}

// workspaceDir is $GITHUB_WORKSPACE (/github/workspace in a Docker action),
// else the working directory.
func (a *actionRun) workspaceDir() (string, error) {
	ws := a.std.Getenv("GITHUB_WORKSPACE")
	if ws == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("finding the workspace: %w", err)
		}
		ws = wd
	}
	abs, err := filepath.Abs(ws)
	if err != nil {
		return "", fmt.Errorf("workspace %s: %w", ws, err)
	}
	return abs, nil
}

// boolInput reads a boolean input as the Actions toolkit does.
func boolInput(name, v string) (bool, error) {
	switch v {
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("input %s %q: want true or false", name, v)
}

// insideWorkspace validates a path to write: relative to the workspace (or
// absolute inside it), not leaving it, on one line. It returns the path in clean
// slash form relative to the workspace.
func insideWorkspace(ws, p string) (string, error) {
	if strings.ContainsAny(p, "\x00\r\n") {
		return "", fmt.Errorf("%q contains a NUL or line break", p)
	}
	rel := p
	if filepath.IsAbs(p) {
		r, err := filepath.Rel(ws, p)
		if err != nil {
			return "", fmt.Errorf("%q is outside the workspace %s: write it relative to the workspace", p, ws)
		}
		rel = r
	}
	rel = filepath.Clean(rel)
	switch {
	case rel == ".":
		return "", fmt.Errorf("%q names the workspace itself, not a file", p)
	case rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel):
		return "", fmt.Errorf("%q is outside the workspace %s: write it relative to the workspace", p, ws)
	}
	return filepath.ToSlash(rel), nil
}

// relocate returns res with its file paths prefixed by prefix (the repository
// directory relative to the workspace), for the surfaces GitHub maps onto the
// checkout. res is not changed.
func relocate(res *finding.Result, prefix string) *finding.Result {
	if prefix == "" {
		return res
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
	if res.Vulnerabilities != nil {
		out.Vulnerabilities = make([]finding.Vulnerability, len(res.Vulnerabilities))
		for i, v := range res.Vulnerabilities {
			v.File = path.Join(prefix, v.File)
			out.Vulnerabilities[i] = v
		}
	}
	return &out
}

// writeInside writes data to rel (a clean slash path) under dir, creating parent
// directories. Through os.Root, no symbolic link can lead the write outside dir;
// an existing file or link at rel is replaced, never followed.
func writeInside(dir, rel string, data []byte) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	name := filepath.FromSlash(rel)
	if d := filepath.Dir(name); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := root.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeReport writes the JSON report and returns the path the workflow's later
// steps can use: $RUNNER_TEMP/cra-gate-report.json when RUNNER_TEMP is a
// directory here, else cra-gate-report.json relative to the workspace. (Docker
// actions get the host's RUNNER_TEMP, which is not mounted in the container,
// but the workspace is, and later steps run in it.)
func (a *actionRun) writeReport(res *finding.Result) string {
	var b bytes.Buffer
	if err := report.JSON(&b, res); err != nil {
		a.fail("writing the JSON report: %v", err)
		return ""
	}
	dir, out := a.workspace, reportFile
	if t := a.std.Getenv("RUNNER_TEMP"); t != "" && filepath.IsAbs(t) && isDir(t) && !strings.ContainsAny(t, "\r\n") {
		dir, out = t, filepath.Join(t, reportFile)
	}
	if err := writeInside(dir, reportFile, b.Bytes()); err != nil {
		a.fail("writing the JSON report to %s: %v", out, err)
		return ""
	}
	return out
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// writeSummary appends the Markdown report to the job summary.
func (a *actionRun) writeSummary(res *finding.Result, runURL string) {
	if a.std.Getenv("GITHUB_STEP_SUMMARY") == "" {
		a.gha.Debugf("GITHUB_STEP_SUMMARY is not set; no job summary written")
		return
	}
	var b strings.Builder
	if err := report.Markdown(&b, res, report.MarkdownOptions{RunURL: runURL, MaxBytes: summaryMaxBytes}); err != nil {
		a.fail("writing the job summary: %v", err)
		return
	}
	if err := fileCommand(func() { a.gha.AddStepSummary(b.String()) }); err != nil {
		a.fail("writing the job summary: %v", err)
	}
}

// setOutputs writes the step outputs to GITHUB_OUTPUT. Every value is one line
// (numbers, booleans, validated paths, the comment URL), so the heredoc format
// go-githubactions writes cannot be broken out of.
func (a *actionRun) setOutputs(kv [][2]string) {
	if a.std.Getenv("GITHUB_OUTPUT") == "" {
		a.gha.Debugf("GITHUB_OUTPUT is not set; no outputs written")
		return
	}
	for _, p := range kv {
		v := p[1]
		if strings.ContainsAny(v, "\r\n") {
			v = ""
		}
		if err := fileCommand(func() { a.gha.SetOutput(p[0], v) }); err != nil {
			a.fail("writing output %s: %v", p[0], err)
			return
		}
	}
}

// fileCommand runs a go-githubactions file command, turning its panic on a
// write failure into an error.
func fileCommand(fn func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(error); ok {
				err = e
			} else {
				err = fmt.Errorf("%v", p)
			}
		}
	}()
	fn()
	return nil
}

// logReport prints the text report in a collapsed group. Workflow commands are
// stopped around it with a random token, so repository text in the report
// cannot issue a command of its own.
func (a *actionRun) logReport(res *finding.Result) {
	var tok [16]byte
	if _, err := rand.Read(tok[:]); err != nil {
		return // no unguessable token: leave the report to the summary
	}
	t := "cra-gate-" + hex.EncodeToString(tok[:])
	a.gha.Group("cra-gate report")
	a.gha.IssueCommand(&githubactions.Command{Name: "stop-commands", Message: t})
	err := report.Text(a.std.Stdout, res, report.TextOptions{})
	a.gha.IssueCommand(&githubactions.Command{Name: t})
	a.gha.EndGroup()
	if err != nil {
		a.fail("writing the report: %v", err)
	}
}

// runURL is $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID,
// or "" when the runner does not say.
func (a *actionRun) runURL() string {
	return runURLFrom(a.std.Getenv)
}

func runURLFrom(getenv Env) string {
	server := strings.TrimRight(getenv("GITHUB_SERVER_URL"), "/")
	if server == "" {
		server = "https://github.com"
	}
	owner, name, ok := splitRepo(getenv("GITHUB_REPOSITORY"))
	id := getenv("GITHUB_RUN_ID")
	if !ok || !isDecimal(id) || (!strings.HasPrefix(server, "https://") && !strings.HasPrefix(server, "http://")) {
		return ""
	}
	return server + "/" + owner + "/" + name + "/actions/runs/" + id
}

// comment updates the pull request comment when the event and the comment
// input call for it, and returns its URL. Problems are warnings.
func (a *actionRun) comment(in actionInputs, res *finding.Result, runURL string) string {
	event := a.std.Getenv("GITHUB_EVENT_NAME")
	prEvent := event == "pull_request" || event == "pull_request_target"
	switch {
	case in.comment == "never":
		return ""
	case in.comment == "auto" && !prEvent:
		a.gha.Debugf("comment: auto: no pull request comment on a %s event", event)
		return ""
	}
	pr, err := prNumber(a.std.Getenv("GITHUB_EVENT_PATH"))
	if err != nil || pr == 0 {
		why := "the event names no pull request"
		if err != nil {
			why = err.Error()
		}
		if prEvent {
			a.warn("no pull request comment: " + why)
		} else {
			a.gha.Noticef("no pull request comment on this %s event: %s", event, why)
		}
		return ""
	}
	if in.token == "" {
		a.warn("no pull request comment: no token; set the token input (default ${{ github.token }})")
		return ""
	}
	owner, name, ok := splitRepo(a.std.Getenv("GITHUB_REPOSITORY"))
	if !ok {
		a.warn("no pull request comment: GITHUB_REPOSITORY is not owner/name")
		return ""
	}
	body, err := commentBody(res, in.key, runURL)
	if err != nil {
		a.warn("no pull request comment: " + err.Error())
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), commentTimeout)
	defer cancel()
	r, err := ghcomment.Upsert(ctx, ghcomment.Options{
		Token:  in.token,
		APIURL: a.std.Getenv("GITHUB_API_URL"),
		Owner:  owner,
		Repo:   name,
		PR:     pr,
		Key:    in.key,
		RunURL: runURL,
		Logf:   func(format string, args ...any) { a.info(fmt.Sprintf(format, args...)) },
		// A passing gate only updates an earlier comment: clean PRs get none.
		UpdateOnly: res.Passed,
	}, body)
	switch {
	case err != nil:
		a.warn("the pull request comment was not updated: " + err.Error())
		return ""
	case r.Action == ghcomment.ActionSkipped && r.Warning == "":
		a.info("the gate passed and there is no earlier comment to update: no comment written")
		return ""
	case r.Action == ghcomment.ActionSkipped:
		a.warn("the pull request comment was not updated: " + r.Warning)
		return ""
	}
	url := r.URL
	if strings.ContainsAny(url, "\r\n") {
		url = ""
	}
	a.info(fmt.Sprintf("pull request comment %s: %s", r.Action, url))
	return url
}

// commentBody renders the Markdown comment: the marker for key first, the
// report kept under the comment size limit.
func commentBody(res *finding.Result, key, runURL string) (string, error) {
	var b strings.Builder
	err := report.Markdown(&b, res, report.MarkdownOptions{Marker: ghcomment.Marker(key), RunURL: runURL, MaxBytes: ghcomment.BodyLimit})
	return b.String(), err
}

// prNumber reads pull_request.number from the event payload; 0 when the event
// has no pull request.
func prNumber(eventPath string) (int, error) {
	if eventPath == "" {
		return 0, errors.New("GITHUB_EVENT_PATH is not set")
	}
	f, err := os.Open(eventPath)
	if err != nil {
		return 0, fmt.Errorf("reading the event payload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEventBytes+1))
	if err != nil {
		return 0, fmt.Errorf("reading the event payload: %w", err)
	}
	if len(data) > maxEventBytes {
		return 0, errors.New("the event payload is larger than 32 MiB")
	}
	var ev struct {
		PullRequest *struct {
			Number json.Number `json:"number"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return 0, fmt.Errorf("reading the event payload: %w", err)
	}
	if ev.PullRequest == nil || ev.PullRequest.Number == "" {
		return 0, nil
	}
	n, err := parsePR(ev.PullRequest.Number.String())
	if err != nil {
		return 0, fmt.Errorf("event payload: %w", err)
	}
	return n, nil
}

// parsePR reads a pull request number: decimal digits, greater than 0.
func parsePR(s string) (int, error) {
	if !isDecimal(s) {
		return 0, fmt.Errorf("pull request number %q: want a positive decimal number", s)
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("pull request number %q: want a positive decimal number", s)
	}
	return int(n), nil
}

func isDecimal(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// splitRepo splits "owner/name" and checks both are plain GitHub names.
func splitRepo(s string) (owner, name string, ok bool) {
	owner, name, found := strings.Cut(s, "/")
	if !found || !plainName(owner) || !plainName(name) {
		return "", "", false
	}
	return owner, name, true
}

func plainName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// errorf prints an error annotation (escaped by go-githubactions).
func (a *actionRun) errorf(format string, args ...any) {
	a.gha.IssueCommand(&githubactions.Command{Name: "error", Message: fmt.Sprintf(format, args...), Properties: githubactions.CommandProperties{"title": "cra-gate"}})
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
