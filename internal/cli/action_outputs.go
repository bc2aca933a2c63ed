package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/report"
)

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
// directory here (a binary run on the runner), else
// .cra-gate/cra-gate-report.json relative to the workspace: Docker actions get
// the host's RUNNER_TEMP, which is not mounted in the container, but the
// workspace is, and later steps run in it. Never the checkout's root, where it
// could be committed by accident.
func (a *actionRun) writeReport(res *finding.Result) string {
	var b bytes.Buffer
	if err := report.JSON(&b, res); err != nil {
		a.fail("writing the JSON report: %v", err)
		return ""
	}
	dir, rel, out := a.workspace, reportDir+"/"+reportName, reportDir+"/"+reportName
	if t := a.std.Getenv("RUNNER_TEMP"); t != "" && filepath.IsAbs(t) && isDir(t) && !strings.ContainsAny(t, "\r\n") {
		dir, rel, out = t, reportName, filepath.Join(t, reportName)
	}
	if err := writeInside(dir, rel, b.Bytes()); err != nil {
		a.fail("writing the JSON report to %s: %v", out, err)
		return ""
	}
	return out
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// writeSummary appends the Markdown report to the job summary, and a last
// line that says how the findings were annotated.
func (a *actionRun) writeSummary(res *finding.Result, runURL, note, annotated string) {
	if a.std.Getenv("GITHUB_STEP_SUMMARY") == "" {
		a.gha.Debugf("GITHUB_STEP_SUMMARY is not set; no job summary written")
		return
	}
	var b strings.Builder
	if err := report.Markdown(&b,
		products(res),
		report.MarkdownOptions{RunURL: runURL, MaxBytes: summaryMaxBytes, Links: linksFrom(a.std.Getenv, res.Commit), Note: note}); err != nil {
		a.fail("writing the job summary: %v", err)
		return
	}
	if annotated != "" {
		b.WriteString("\n<sub>" + annotated + "</sub>\n")
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
	a.gha.Group("cra-gate report")
	err := withCommandsStopped(a.gha, func() error { return writeText(a.std.Stdout, res, report.TextOptions{Verbose: true}) })
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

// linksFrom says where the checked files can be seen: the server and
// repository of the run, at commit.
func linksFrom(getenv Env, commit string) report.Links {
	server := strings.TrimRight(getenv("GITHUB_SERVER_URL"), "/")
	if server == "" {
		server = "https://github.com"
	}
	return report.Links{Server: server, Repo: getenv("GITHUB_REPOSITORY"), Commit: commit}
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
