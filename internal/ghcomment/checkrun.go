package ghcomment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/google/go-github/v60/github"
)

// Check-run limits: GitHub takes at most 50 annotations per request; a run
// publishes at most MaxCheckAnnotations (21 requests), each message cut to
// 64 KiB and each title to 255 characters, as GitHub accepts them.
const (
	CheckAnnotationsPerRequest = 50
	MaxCheckAnnotations        = 1000
	maxAnnotationMessage       = 64 << 10
	maxAnnotationTitle         = 255
	maxCheckSummary            = 60 << 10
)

// CheckRun is what a check run shows: its name (one per config), the
// commit it is about, its conclusion and its annotations.
type CheckRun struct {
	Name       string
	HeadSHA    string
	Conclusion string // success, failure or neutral
	Title      string
	Summary    string // Markdown
	// Annotations in the order GitHub should list them; past
	// MaxCheckAnnotations the rest are left out (Summary should say so).
	Annotations []Annotation
}

// Annotation is one finding on a line of a file.
type Annotation struct {
	Path      string // repository-relative, forward slashes
	StartLine int    // 1-based; 0 is taken as 1
	Level     string // notice, warning or failure
	Title     string
	Message   string
}

// PublishCheckRun creates the check run with its first 50 annotations and
// adds the rest 50 at a time (updates), at most MaxCheckAnnotations. A token
// that may not write checks (403, 404: a fork's token, or a job without
// `checks: write`) gives Action ActionSkipped with a Warning, so that the
// caller falls back to workflow commands. Result.URL is the run's page.
func PublishCheckRun(ctx context.Context, opt Options, run CheckRun) (Result, error) {
	u, err := newUpserter(opt)
	if err != nil {
		return Result{Action: ActionSkipped}, err
	}
	if !IsSHA(run.HeadSHA) {
		return Result{Action: ActionSkipped}, fmt.Errorf("ghcomment: check run: %q is not a commit SHA", run.HeadSHA)
	}
	anns := run.Annotations
	if len(anns) > MaxCheckAnnotations {
		anns = anns[:MaxCheckAnnotations]
	}
	return u.finish(u.publish(ctx, run, anns))
}

func (u *upserter) publish(ctx context.Context, run CheckRun, anns []Annotation) (Result, error) {
	output := func(batch []Annotation) *github.CheckRunOutput {
		out := &github.CheckRunOutput{Title: github.String(clip(run.Title, maxAnnotationTitle)),
			Summary: github.String(clip(run.Summary, maxCheckSummary))}
		for _, a := range batch {
			line := max(a.StartLine, 1)
			out.Annotations = append(out.Annotations, &github.CheckRunAnnotation{Path: github.String(a.Path),
				StartLine: github.Int(line), EndLine: github.Int(line), AnnotationLevel: github.String(a.Level),
				Title: github.String(clip(a.Title, maxAnnotationTitle)), Message: github.String(clipBytes(a.Message, maxAnnotationMessage))})
		}
		return out
	}
	first := anns[:min(len(anns), CheckAnnotationsPerRequest)]
	var created *github.CheckRun
	err := u.do(ctx, "create check run", false, func(ctx context.Context, c *github.Client) (*github.Response, error) {
		var resp *github.Response
		var err error
		created, resp, err = c.Checks.CreateCheckRun(ctx, u.opt.Owner, u.opt.Repo, github.CreateCheckRunOptions{
			Name: run.Name, HeadSHA: run.HeadSHA, Status: github.String("completed"), Conclusion: github.String(run.Conclusion),
			Output: output(first)})
		return resp, err
	})
	if err != nil {
		return Result{}, u.checksErr(err)
	}
	res := Result{Action: ActionCreated, ID: created.GetID(), URL: created.GetHTMLURL()}
	for rest := anns[len(first):]; len(rest) > 0; {
		batch := rest[:min(len(rest), CheckAnnotationsPerRequest)]
		rest = rest[len(batch):]
		err := u.do(ctx, "update check run", true, func(ctx context.Context, c *github.Client) (*github.Response, error) {
			_, resp, err := c.Checks.UpdateCheckRun(ctx, u.opt.Owner, u.opt.Repo, created.GetID(), github.UpdateCheckRunOptions{
				Name: run.Name, Output: output(batch)})
			return resp, err
		})
		if err != nil {
			return res, u.checksErr(err)
		}
	}
	return res, nil
}

// checksErr turns 403 (not rate limiting) and 404 into a skip: the token
// may not write checks.
func (u *upserter) checksErr(err error) error {
	var ae *APIError
	if !errors.As(err, &ae) || (ae.Status != http.StatusForbidden && ae.Status != http.StatusNotFound) {
		return err
	}
	return &skipError{warning: fmt.Sprintf("cannot create a check run (%s): the token may not write checks; give the job "+
		"`checks: write` (a fork's pull request never can)", ae.short())}
}

// clipBytes cuts s to at most n bytes at a character boundary.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// IsSHA reports a full hexadecimal commit id (SHA-1 or SHA-256).
func IsSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
