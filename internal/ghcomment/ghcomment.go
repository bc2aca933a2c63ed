// Package ghcomment writes the gate's results to GitHub through its REST
// API: it keeps exactly one cra-gate summary comment per pull request (and
// per config key) up to date, and publishes a check run with the findings as
// annotations (PublishCheckRun).
//
// The comment is identified by its author and a hidden marker on its first
// line (see [Marker]). Only comments written by the identity whose token
// writes them (Options.Author) are ours: anyone can post a comment that
// starts with the marker, and such a comment is never edited, whatever it
// carries. [Upsert] lists the pull request's issue comments, edits our marked
// comment in place when it exists, creates it otherwise, and makes no write at
// all when the body is unchanged.
//
// Failures that must not break a CI gate (a read-only token on a fork pull
// request, a long rate-limit wait) are reported as Result.Action "skipped"
// with a Warning instead of an error. The token never appears in an error,
// a warning, a log line or the Result.
package ghcomment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/go-github/v60/github"
)

// Defaults and limits.
const (
	// DefaultAPIURL is used when Options.APIURL is empty.
	DefaultAPIURL = "https://api.github.com"
	// DefaultAuthor is the login of the default GITHUB_TOKEN's comments, on
	// github.com and GitHub Enterprise Server alike.
	DefaultAuthor = "github-actions[bot]"
	// DefaultTimeout bounds each HTTP request when Options.Timeout is zero.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxRetries is the retry budget for 5xx and connection errors
	// when Options.MaxRetries is zero.
	DefaultMaxRetries = 3
	// MaxRateLimitWait is the longest rate-limit wait Upsert accepts; a
	// longer one makes it give up with a warning.
	MaxRateLimitWait = 60 * time.Second
	// maxBackoff caps the exponential backoff (1s, 2s, 4s, 8s, 8s...).
	maxBackoff = 8 * time.Second
	// perPage is the page size used when listing comments (GitHub's maximum).
	perPage = 100
	// maxPages bounds pagination (10,000 comments).
	maxPages = 100
)

// Result actions.
const (
	ActionCreated   = "created"
	ActionUpdated   = "updated"
	ActionUnchanged = "unchanged"
	ActionSkipped   = "skipped"
)

// ErrTokenRejected is matched (errors.Is) by the error returned when GitHub
// answers 401.
var ErrTokenRejected = errors.New("token rejected")

// Options configures Upsert.
type Options struct {
	// Token is sent as a Bearer token only to the APIURL host. It is never
	// printed and is redacted from anything GitHub echoes back.
	Token string
	// APIURL is the REST API root as in GITHUB_API_URL (default
	// https://api.github.com; GHES: https://ghe.example/api/v3), with or
	// without a trailing slash.
	APIURL string
	// Owner and Repo name the repository; PR is the pull request number.
	Owner, Repo string
	PR          int
	// Key distinguishes comments of different config files in one pull
	// request (e.g. the cra.toml path). It is hashed into the marker.
	Key string
	// Author is the login that writes the comment: DefaultAuthor (the
	// default) for the workflow's GITHUB_TOKEN, a GitHub App's "<slug>[bot]",
	// or a personal access token's user. Only its comments are ever edited.
	Author string
	// RunURL is linked from the note appended when the body is truncated.
	RunURL string
	// Timeout bounds each HTTP request (default 10s).
	Timeout time.Duration
	// MaxRetries bounds retries on 5xx and connection errors (default 3;
	// negative disables retries).
	MaxRetries int
	// Sleep waits between retries (default: a context-aware time.Sleep).
	Sleep func(time.Duration)
	// HTTPClient is the optional base client; it is copied, not modified.
	HTTPClient *http.Client
	// Logf receives progress notes (retries, waits, duplicate comments),
	// already redacted. The final warning is returned in Result.Warning.
	Logf func(format string, args ...any)
	// UpdateOnly edits an existing comment but never creates one (Action
	// ActionSkipped when there is none): a passing gate updates an earlier
	// failure report in place without adding a comment to every clean PR.
	UpdateOnly bool
}

// Result describes what Upsert did. When Upsert returns an error, Action is
// ActionSkipped and nothing was written.
type Result struct {
	Action  string // ActionCreated, ActionUpdated, ActionUnchanged or ActionSkipped
	URL     string // html_url of the comment, when known
	ID      int64  // comment ID, when known
	Calls   int    // HTTP requests sent, retries included
	Warning string // why the comment was skipped, if it was
}

// Upsert creates or updates the pull request comment marked with
// Marker(opt.Key) so that its body is Marker(opt.Key) followed by the body
// that render returns (truncated with Truncate to BodyLimit characters if needed). If body
// already starts with the marker it is used as is.
//
// Only comments by Options.Author count. When several of them carry the
// marker, the oldest is updated and the others are left alone. Pagination
// stops at the first page holding a match (comments are listed oldest first).
//
// A normal run makes two requests (list, then create or update; list only
// when unchanged), plus one per extra page of 100 comments. 5xx responses,
// connection errors and request timeouts are retried MaxRetries times after
// 1s, 2s, 4s, 8s...; a failed create is retried only after listing again
// shows it did not land. A rate limit (403/429 with Retry-After, or
// X-RateLimit-Remaining: 0 with X-RateLimit-Reset) is waited out once if it
// ends within MaxRateLimitWait. A longer (or unspecified secondary) rate
// limit, a 403 on any request and a 404 on a write end in ActionSkipped with
// a Warning and a nil error; a 401 returns an error matching
// ErrTokenRejected.
//
// The body is rendered once the comment has been looked for: render gets
// the body of our existing comment ("" when there is none), so that the new body can say what changed since it. An error from
// render ends the run before any write.
func Upsert(ctx context.Context, opt Options, render func(previous string) (string, error)) (Result, error) {
	if opt.PR <= 0 {
		return Result{Action: ActionSkipped}, fmt.Errorf("ghcomment: invalid pull request number %d", opt.PR)
	}
	u, err := newUpserter(opt)
	if err != nil {
		return Result{Action: ActionSkipped}, err
	}
	return u.finish(u.run(ctx, render))
}

// finish completes a Result: the calls made, the URL redacted, a skip
// turned into a warning, any other error sanitized.
func (u *upserter) finish(res Result, err error) (Result, error) {
	res.Calls = int(u.calls.Load())
	res.URL = u.redact(res.URL)
	var skip *skipError
	if errors.As(err, &skip) {
		res.Action = ActionSkipped
		res.Warning = u.redact(skip.warning)
		return res, nil
	}
	if err != nil {
		res.Action = ActionSkipped
		return res, u.sanitize(err)
	}
	return res, nil
}

type upserter struct {
	opt        Options
	base       *url.URL
	http       *http.Client
	marker     string
	timeout    time.Duration
	maxRetries int
	calls      atomic.Int64
}

func newUpserter(opt Options) (*upserter, error) {
	if opt.Token == "" {
		return nil, errors.New("ghcomment: no GitHub token (set GITHUB_TOKEN)")
	}
	if !validName(opt.Owner) || !validName(opt.Repo) {
		return nil, errors.New("ghcomment: owner and repository must be plain GitHub names")
	}
	base, err := parseAPIURL(opt.APIURL)
	if err != nil {
		return nil, err
	}
	if opt.Author == "" {
		opt.Author = DefaultAuthor
	}
	u := &upserter{
		opt:        opt,
		base:       base,
		marker:     Marker(opt.Key),
		timeout:    opt.Timeout,
		maxRetries: opt.MaxRetries,
	}
	if u.timeout <= 0 {
		u.timeout = DefaultTimeout
	}
	switch {
	case u.maxRetries == 0:
		u.maxRetries = DefaultMaxRetries
	case u.maxRetries < 0:
		u.maxRetries = 0
	}
	hc := &http.Client{}
	if opt.HTTPClient != nil {
		*hc = *opt.HTTPClient
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	hc.Transport = &authTransport{next: rt, token: opt.Token, scheme: base.Scheme, host: strings.ToLower(base.Host), calls: &u.calls}
	u.http = hc
	return u, nil
}

// validName reports whether s is usable as an owner or repository name in
// a URL path.
func validName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// parseAPIURL validates the API root and gives it the trailing slash
// go-github requires.
func parseAPIURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("ghcomment: APIURL must be an http(s) URL such as https://api.github.com or https://ghe.example/api/v3")
	}
	if u.User != nil {
		return nil, errors.New("ghcomment: APIURL must not contain credentials")
	}
	u.RawQuery, u.Fragment = "", ""
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		if u.RawPath != "" {
			u.RawPath += "/"
		}
	}
	return u, nil
}

// authTransport adds the Bearer token to requests for the API host only (so
// a redirect elsewhere never carries it) and counts requests.
type authTransport struct {
	next         http.RoundTripper
	token        string
	scheme, host string
	calls        *atomic.Int64
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	r := req.Clone(req.Context())
	if r.URL.Scheme == t.scheme && strings.ToLower(r.URL.Host) == t.host {
		r.Header.Set("Authorization", "Bearer "+t.token)
	} else {
		r.Header.Del("Authorization")
	}
	return t.next.RoundTrip(r)
}

// client returns a fresh go-github client for one request attempt. A fresh
// client carries no remembered rate-limit state, so go-github never refuses
// a request locally ("not making remote request") after our own wait.
func (u *upserter) client() *github.Client {
	c := github.NewClient(u.http)
	b := *u.base
	c.BaseURL = &b
	c.UserAgent = "cra-gate"
	return c
}

func (u *upserter) run(ctx context.Context, render func(string) (string, error)) (Result, error) {
	found, err := u.find(ctx)
	if err != nil {
		return Result{}, err
	}
	body, err := render(found.GetBody())
	if err != nil {
		return Result{}, err
	}
	full := body
	if !strings.HasPrefix(body, u.marker) {
		full = u.marker + "\n" + body
	}
	full = Truncate(full, u.opt.RunURL, BodyLimit)
	if found != nil {
		return u.update(ctx, found, full)
	}
	if u.opt.UpdateOnly {
		return Result{Action: ActionSkipped}, nil
	}
	for attempt := 0; ; attempt++ {
		c, err := u.create(ctx, full)
		if err == nil {
			return Result{Action: ActionCreated, ID: c.GetID(), URL: c.GetHTMLURL()}, nil
		}
		var te *transientError
		if !errors.As(err, &te) {
			return Result{}, err
		}
		if attempt >= u.maxRetries {
			return Result{}, fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1)
		}
		// POST is not idempotent: the failed request may have created the
		// comment, so look again before posting a second one.
		d := backoff(attempt)
		u.logf("create comment failed (%s); checking for the comment and retrying in %s (retry %d/%d)", te.Error(), d, attempt+1, u.maxRetries)
		if err := u.sleep(ctx, d); err != nil {
			return Result{}, err
		}
		found, err := u.find(ctx)
		if err != nil {
			return Result{}, err
		}
		if found != nil {
			res, err := u.update(ctx, found, full)
			if err == nil {
				res.Action = ActionCreated
			}
			return res, err
		}
	}
}

// find returns our comment, or nil when there is none.
func (u *upserter) find(ctx context.Context) (*github.IssueComment, error) {
	var best *github.IssueComment
	matches := 0
	page := 0
	for n := 0; n < maxPages; n++ {
		var comments []*github.IssueComment
		var resp *github.Response
		err := u.do(ctx, "list comments", true, func(ctx context.Context, c *github.Client) (*github.Response, error) {
			var err error
			comments, resp, err = c.Issues.ListComments(ctx, u.opt.Owner, u.opt.Repo, u.opt.PR,
				&github.IssueListCommentsOptions{ListOptions: github.ListOptions{Page: page, PerPage: perPage}})
			return resp, err
		})
		if err != nil {
			var ae *APIError
			if errors.As(err, &ae) && ae.Status == http.StatusForbidden {
				return nil, &skipError{warning: fmt.Sprintf("this token cannot read the pull request's comments (%s); grant `pull-requests: read` (and "+
					"`pull-requests: write` to post)", ae.short())}
			}
			if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
				ae.Message += fmt.Sprintf(" (pull request %s/%s#%d: check the number and that the token can see the repository)", u.opt.Owner, u.opt.Repo, u.opt.PR)
			}
			return nil, err
		}
		for _, c := range comments {
			if u.isOurs(c) {
				matches++
				if older(c, best) {
					best = c
				}
			}
		}
		if best != nil || resp == nil || resp.NextPage <= page || resp.NextPage == 0 {
			break
		}
		page = resp.NextPage
	}
	if matches > 1 {
		u.logf("found %d comments with the cra-gate marker for this config; updating the oldest one (id %d)", matches, best.GetID())
	}
	return best, nil
}

// isOurs reports whether the comment was written by our author and its body
// starts with our marker; the marker anywhere else in the body does not count.
func (u *upserter) isOurs(c *github.IssueComment) bool {
	return strings.EqualFold(c.GetUser().GetLogin(), u.opt.Author) &&
		strings.HasPrefix(strings.TrimLeft(c.GetBody(), " \t\r\n"), u.marker)
}

// older reports whether c is older than best (or best is nil).
func older(c, best *github.IssueComment) bool {
	if best == nil {
		return true
	}
	ct, bt := c.GetCreatedAt().Time, best.GetCreatedAt().Time
	if !ct.Equal(bt) && !ct.IsZero() && !bt.IsZero() {
		return ct.Before(bt)
	}
	return c.GetID() < best.GetID()
}

func (u *upserter) create(ctx context.Context, body string) (*github.IssueComment, error) {
	var out *github.IssueComment
	err := u.do(ctx, "create comment", false, func(ctx context.Context, c *github.Client) (*github.Response, error) {
		var resp *github.Response
		var err error
		out, resp, err = c.Issues.CreateComment(ctx, u.opt.Owner, u.opt.Repo, u.opt.PR, &github.IssueComment{Body: github.String(body)})
		return resp, err
	})
	return out, u.writeErr(err)
}

func (u *upserter) update(ctx context.Context, found *github.IssueComment, body string) (Result, error) {
	res := Result{ID: found.GetID(), URL: found.GetHTMLURL()}
	if normalize(found.GetBody()) == normalize(body) {
		res.Action = ActionUnchanged
		return res, nil
	}
	var out *github.IssueComment
	err := u.do(ctx, "update comment", true, func(ctx context.Context, c *github.Client) (*github.Response, error) {
		var resp *github.Response
		var err error
		out, resp, err = c.Issues.EditComment(ctx, u.opt.Owner, u.opt.Repo, found.GetID(), &github.IssueComment{Body: github.String(body)})
		return resp, err
	})
	if err := u.writeErr(err); err != nil {
		return res, err
	}
	res.Action = ActionUpdated
	if out.GetHTMLURL() != "" {
		res.URL = out.GetHTMLURL()
	}
	return res, nil
}

// normalize ignores differences GitHub may introduce when storing a body.
func normalize(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), " \t\r\n")
}

// forkAdvice is the remedy for a token that cannot write to the pull request.
const forkAdvice = "this token cannot write to the pull request: on pull requests from forks GitHub gives a read-only token; " +
	"grant `pull-requests: write`, or use the workflow_run pattern: upload the JSON report as an artifact and run " +
	"`cra-gate comment --report FILE --pr N` from a workflow_run workflow"

// writeErr turns 403 (not rate limiting) and 404 on a write into a skip.
func (u *upserter) writeErr(err error) error {
	var ae *APIError
	if !errors.As(err, &ae) || (ae.Status != http.StatusForbidden && ae.Status != http.StatusNotFound) {
		return err
	}
	if strings.Contains(strings.ToLower(ae.Message), "locked") {
		return &skipError{warning: fmt.Sprintf("cannot comment (%s): the pull request conversation is locked", ae.short())}
	}
	return &skipError{warning: fmt.Sprintf("cannot comment (%s): %s", ae.short(), forkAdvice)}
}

// skipError carries a warning that ends the run without an error.
type skipError struct{ warning string }

func (e *skipError) Error() string { return e.warning }

func (u *upserter) logf(format string, args ...any) {
	if u.opt.Logf != nil {
		u.opt.Logf("%s", u.redact(fmt.Sprintf(format, args...)))
	}
}

// redact removes the token from s.
func (u *upserter) redact(s string) string {
	if u.opt.Token == "" {
		return s
	}
	return strings.ReplaceAll(s, u.opt.Token, "[REDACTED]")
}

// sanitize makes sure the token cannot be read from err or anything it wraps:
// errors built here are redacted already; anything else is flattened.
func (u *upserter) sanitize(err error) error {
	switch e := err.(type) {
	case *APIError:
		e.Message = u.redact(e.Message)
		e.DocumentationURL = u.redact(e.DocumentationURL)
		return e
	case *safeError:
		e.msg = u.redact(e.msg)
		return e
	}
	return &safeError{msg: u.redact(err.Error())}
}

// safeError is a redacted error message that unwraps only to a context
// error (so errors.Is(err, context.DeadlineExceeded) works), never to an
// error carrying response text.
type safeError struct {
	msg string
	ctx error
}

func (e *safeError) Error() string { return e.msg }
func (e *safeError) Unwrap() error { return e.ctx }
