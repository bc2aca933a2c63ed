package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	githubactions "github.com/sethvargo/go-githubactions"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/ghcomment"
	"github.com/cra-gate/cra-gate/report"
)

// maxReportBytes bounds the JSON report `cra-gate comment` reads: in the
// workflow_run pattern it comes from an artifact, which is untrusted.
const maxReportBytes = 32 << 20

// commentSettings are the validated flags of `cra-gate comment`.
type commentSettings struct {
	report string
	pr     int
	owner  string
	repo   string
	key    string // "" = the report's config path
	author string
	commit string // the commit the report checked; "" = the report's own
	runURL string
	token  string
	apiURL string
}

func parseComment(args []string, std IO) (commentSettings, error) {
	var s commentSettings
	var pr, repoFlag string
	fs := flag.NewFlagSet("comment", flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(std.Stderr, "Usage: cra-gate comment --report FILE --pr N [flags]\n\n"+
			"Posts or updates the cra-gate comment on pull request N from a JSON report saved by\n"+
			"`cra-gate check --format json` or the Action's report output: the fork-safe\n"+
			"workflow_run pattern. The token comes from GITHUB_TOKEN (or INPUT_TOKEN), the API\n"+
			"root from GITHUB_API_URL.\n"+
			"Exit status: 0 the comment is current or GitHub refused it (a warning), 2 it could not run.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&s.report, "report", "", "JSON report to post (required)")
	fs.StringVar(&pr, "pr", "", "pull request number (required)")
	fs.StringVar(&repoFlag, "repo", "", "repository as owner/name (default $GITHUB_REPOSITORY)")
	fs.StringVar(&s.key, "config-key", "", "key that tells this config's comment apart (default: the report's config path, as the Action uses)")
	fs.StringVar(&s.author, "comment-author", ghcomment.DefaultAuthor, "login whose comment is updated: github-actions[bot] for GITHUB_TOKEN, <app>[bot] for an "+
		"App, the user for a PAT")
	fs.StringVar(&s.commit, "commit", "", "full SHA of the commit the report checked, for the comment's links (default: the "+
		"report's; in the workflow_run pattern pass github.event.workflow_run.head_sha)")
	fs.StringVar(&s.runURL, "run-url", "", "workflow run to link (default: this run, from GITHUB_SERVER_URL, GITHUB_REPOSITORY and GITHUB_RUN_ID)")
	if err := fs.Parse(args); err != nil {
		return s, err
	}
	if fs.NArg() > 0 {
		return s, fmt.Errorf("comment takes no arguments, got %q", strings.Join(fs.Args(), " "))
	}
	if s.report == "" {
		return s, errors.New("--report FILE is required")
	}
	var err error
	if pr == "" {
		return s, errors.New("--pr N is required")
	}
	if s.pr, err = parsePR(strings.TrimSpace(pr)); err != nil {
		return s, fmt.Errorf("--pr: %w", err)
	}
	if repoFlag == "" {
		repoFlag = std.Getenv("GITHUB_REPOSITORY")
		if repoFlag == "" {
			return s, errors.New("--repo owner/name is required when GITHUB_REPOSITORY is not set")
		}
	}
	var ok bool
	if s.owner, s.repo, ok = splitRepo(repoFlag); !ok {
		return s, fmt.Errorf("--repo %q: want owner/name", repoFlag)
	}
	if s.author, err = commentAuthor(s.author, "--comment-author"); err != nil {
		return s, err
	}
	if s.commit != "" && !isSHA(s.commit) {
		return s, fmt.Errorf("--commit %q: want a full commit SHA (40 hex digits)", s.commit)
	}
	if s.runURL == "" {
		s.runURL = runURLFrom(std.Getenv)
	}
	s.token = strings.TrimSpace(std.Getenv("GITHUB_TOKEN"))
	if s.token == "" {
		s.token = strings.TrimSpace(std.Getenv("INPUT_TOKEN"))
	}
	if s.token == "" {
		return s, errors.New("no GitHub token: set GITHUB_TOKEN")
	}
	s.apiURL = std.Getenv("GITHUB_API_URL")
	return s, nil
}

// runComment posts or updates the pull request comment from a saved report.
func runComment(args []string, std IO) int {
	s, err := parseComment(args, std)
	if errors.Is(err, flag.ErrHelp) {
		return ExitPass
	}
	if err != nil {
		printErr(std.Stderr, "%v", err)
		return ExitError
	}
	inActions := std.Getenv("GITHUB_ACTIONS") == "true"
	gha := newGHA(std)
	if inActions {
		gha.AddMask(s.token)
	}
	res, err := readReportFile(s.report)
	if err != nil {
		printErr(std.Stderr, "%v", err)
		return ExitError
	}
	key := s.key
	if key == "" {
		key = res.Config
	}
	if key == "" {
		key = "cra.toml"
	}
	if s.commit != "" {
		setCommit(res, s.commit)
	} else if !isSHA(res.Commit) {
		setCommit(res, "")
	}
	ctx, cancel := context.WithTimeout(context.Background(), commentTimeout)
	defer cancel()
	r, err := ghcomment.Upsert(ctx, ghcomment.Options{
		Token:  s.token,
		APIURL: s.apiURL,
		Owner:  s.owner,
		Repo:   s.repo,
		PR:     s.pr,
		Key:    key,
		Author: s.author,
		RunURL: s.runURL,
		Logf: func(format string, args ...any) {
			printErr(std.Stderr, format, args...)
		},
		UpdateOnly: res.Passed && !res.Accepts(), // as in the action: clean PRs get no comment
	}, commentRenderer(res, key, s.runURL, "", linksFrom(std.Getenv, res.Commit)))
	if err != nil {
		printErr(std.Stderr, "%s", err.Error())
		return ExitError
	}
	if r.Action == ghcomment.ActionSkipped && r.Warning == "" {
		fmt.Fprintln(std.Stderr, "cra-gate: the report passed and there is no earlier comment to update: no comment written")
		return ExitPass
	}
	if r.Action == ghcomment.ActionSkipped {
		msg := "the pull request comment was not updated: " + r.Warning
		if inActions {
			gha.IssueCommand(&githubactions.Command{Name: "warning", Message: msg, Properties: githubactions.CommandProperties{"title": "cra-gate"}})
		} else {
			printErr(std.Stderr, "warning: %s", msg)
		}
		return ExitPass
	}
	fmt.Fprintf(std.Stdout, "cra-gate: pull request comment %s: %s\n", r.Action, oneLine(r.URL))
	return ExitPass
}

// readReportFile reads a JSON report of at most maxReportBytes.
func readReportFile(name string) (*finding.Result, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--report: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("--report: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("--report %s is not a regular file", name)
	}
	if fi.Size() > maxReportBytes {
		return nil, fmt.Errorf("--report %s is %d bytes, more than the %d a cra-gate report can be", name, fi.Size(), maxReportBytes)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxReportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("--report: %w", err)
	}
	if len(data) > maxReportBytes {
		return nil, fmt.Errorf("--report %s is more than the %d bytes a cra-gate report can be", name, maxReportBytes)
	}
	res, err := report.ReadJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("--report %s: %w", name, err)
	}
	// The report may come from an untrusted run: what the comment says is
	// recomputed from the findings, and a report that says otherwise is
	// refused.
	if err := res.Verify(); err != nil {
		return nil, fmt.Errorf("--report %s is inconsistent, so no comment was written: %w", name, err)
	}
	return res, nil
}

// printErr prints one line to w, "cra-gate: " first, as it could reach a
// workflow log: line breaks joined, workflow commands broken.
func printErr(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "cra-gate: %s\n", report.NeutralizeCommands(oneLine(fmt.Sprintf(format, args...))))
}

// oneLine joins the lines of s with spaces and shows every other control or
// invisible character as an escape (report.Visible).
func oneLine(s string) string {
	return report.Visible(strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s))
}
