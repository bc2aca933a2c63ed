package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/ghcomment"
	"github.com/cra-gate/cra-gate/report"
)

// runEvent is what the run needs of the event that triggered it.
type runEvent struct {
	name   string // GITHUB_EVENT_NAME
	pr     int    // the pull request's number; 0 when the event names none
	commit string // the commit checked: the pull request's head, else GITHUB_SHA
	err    error  // why the payload could not be read
	// note says, on pull_request_target, that the pull request's head was
	// not what the run checked.
	note string
}

// event reads the event's name, pull request and commit. On a pull request
// event GITHUB_SHA is the merge commit GitHub made, not one a reader knows:
// the head's SHA is what the comment names and links.
func (a *actionRun) event() runEvent {
	ev := runEvent{name: a.std.Getenv("GITHUB_EVENT_NAME")}
	var head string
	ev.pr, head, ev.err = readEvent(a.std.Getenv("GITHUB_EVENT_PATH"))
	ev.commit = head
	if ev.commit == "" {
		ev.commit = a.std.Getenv("GITHUB_SHA")
	}
	if !isSHA(ev.commit) {
		ev.commit = ""
	}
	// pull_request_target runs in the base branch's context and checks out
	// the base branch unless the workflow checks out the head: name what
	// the workspace holds, never a head it does not.
	if ev.name == "pull_request_target" && ev.commit != "" && a.workspace != "" {
		switch checked := headCommit(a.workspace); checked {
		case ev.commit:
		case "":
			ev.note = fmt.Sprintf("this run could not tell which commit the workspace holds, so it does not claim to have checked "+
				"the pull request's head %s: on pull_request_target, check out the head (actions/checkout with ref: the head's SHA) "+
				"to judge it", ev.commit[:7])
			ev.commit = ""
		default:
			ev.note = fmt.Sprintf("this run checked %s, not the pull request's head %s: pull_request_target checks out the base "+
				"branch unless the workflow checks out the head", checked[:7], ev.commit[:7])
			ev.commit = checked
		}
	}
	return ev
}

// isSHA reports a full hexadecimal commit id (SHA-1 or SHA-256).
func isSHA(s string) bool { return ghcomment.IsSHA(s) }

// cannotJudge updates an earlier pull request comment of a run that could
// not judge, so that its verdict does not stand for a commit it was not
// about. It writes no new comment (the failed job says it), and uses what
// of the inputs could be read: comment, author and key fall back to their
// defaults. Problems are warnings.
func (a *actionRun) cannotJudge(in actionInputs, reason string) {
	if in.comment == "" {
		in.comment = "auto"
		if v := strings.ToLower(strings.TrimSpace(a.gha.GetInput("comment"))); v == "never" || v == "always" {
			in.comment = v
		}
	}
	if in.author == "" {
		in.author = ghcomment.DefaultAuthor
	}
	if in.key == "" {
		path, config := a.gha.GetInput("path"), a.gha.GetInput("config")
		if config == "" {
			config = "cra.toml"
		}
		in.key = filepath.ToSlash(filepath.Clean(filepath.Join(path, config)))
	}
	ev := a.event()
	links := linksFrom(a.std.Getenv, ev.commit)
	a.upsert(in, ev, true, func(previous string) (string, error) {
		var b strings.Builder
		err := report.CannotJudge(&b, report.CannotJudgeOptions{Marker: ghcomment.Marker(in.key), Commit: ev.commit,
			Reason: reason, RunURL: a.runURL(), Links: links}, previous)
		return b.String(), err
	})
}

// comment updates the pull request comment when the event and the comment
// input call for it, and returns its URL. Problems are warnings.
func (a *actionRun) comment(in actionInputs, ev runEvent, res *finding.Result, runURL string) string {
	// A passing gate only updates an earlier comment: clean PRs get none.
	// One that accepts a gap (a waiver, a VEX statement) says so, and so
	// does one whose change weakens a declaration (--base).
	return a.upsert(in, ev, res.Passed && !res.Accepts() && !res.Weakens(), commentRenderer(res, in.key, runURL, ev.note, linksFrom(a.std.Getenv, res.Commit)))
}

// upsert writes the comment render makes, when the event and the comment
// input call for it, and returns its URL; updateOnly writes none where there
// was none. Problems are warnings.
func (a *actionRun) upsert(in actionInputs, ev runEvent, updateOnly bool, render func(previous string) (string, error)) string {
	prEvent := ev.name == "pull_request" || ev.name == "pull_request_target"
	switch {
	case in.comment == "never":
		return ""
	case in.comment == "auto" && !prEvent:
		a.gha.Debugf("comment: auto: no pull request comment on a %s event", ev.name)
		return ""
	}
	if ev.err != nil || ev.pr == 0 {
		why := "the event names no pull request"
		if ev.err != nil {
			why = ev.err.Error()
		}
		if prEvent {
			a.warn("no pull request comment: " + why)
		} else {
			a.gha.Noticef("no pull request comment on this %s event: %s", ev.name, why)
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
	ctx, cancel := context.WithTimeout(context.Background(), commentTimeout)
	defer cancel()
	r, err := ghcomment.Upsert(ctx, ghcomment.Options{
		Token:      in.token,
		APIURL:     a.std.Getenv("GITHUB_API_URL"),
		Owner:      owner,
		Repo:       name,
		PR:         ev.pr,
		Key:        in.key,
		Author:     in.author,
		RunURL:     a.runURL(),
		Logf:       func(format string, args ...any) { a.info(fmt.Sprintf(format, args...)) },
		UpdateOnly: updateOnly,
	}, render)
	switch {
	case err != nil:
		a.warn("the pull request comment was not updated: " + err.Error())
		return ""
	case r.Action == ghcomment.ActionSkipped && r.Warning == "":
		a.info("no earlier comment to update: no comment written")
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

// commentRenderer renders the Markdown comment once the previous one is
// known: the marker for key first, what changed since the previous comment's
// run (from its hidden state), the report kept under the comment size limit.
func commentRenderer(res *finding.Result, key, runURL, note string, links report.Links) func(previous string) (string, error) {
	return func(previous string) (string, error) {
		var b strings.Builder
		err := report.Markdown(&b, products(res), report.MarkdownOptions{
			Marker: ghcomment.Marker(key), RunURL: runURL, MaxBytes: ghcomment.BodyLimit, Note: note,
			Links: links, State: true, Previous: report.ParseState(previous),
		})
		return b.String(), err
	}
}

// readEvent reads pull_request.number and pull_request.head.sha from the
// event payload; 0 and "" when the event has no pull request.
func readEvent(eventPath string) (int, string, error) {
	if eventPath == "" {
		return 0, "", errors.New("GITHUB_EVENT_PATH is not set")
	}
	f, err := os.Open(eventPath)
	if err != nil {
		return 0, "", fmt.Errorf("reading the event payload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEventBytes+1))
	if err != nil {
		return 0, "", fmt.Errorf("reading the event payload: %w", err)
	}
	if len(data) > maxEventBytes {
		return 0, "", errors.New("the event payload is larger than 32 MiB")
	}
	var ev struct {
		PullRequest *struct {
			Number json.Number `json:"number"`
			Head   struct {
				SHA string `json:"sha"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return 0, "", fmt.Errorf("reading the event payload: %w", err)
	}
	if ev.PullRequest == nil || ev.PullRequest.Number == "" {
		return 0, "", nil
	}
	n, err := parsePR(ev.PullRequest.Number.String())
	if err != nil {
		return 0, "", fmt.Errorf("event payload: %w", err)
	}
	return n, ev.PullRequest.Head.SHA, nil
}
