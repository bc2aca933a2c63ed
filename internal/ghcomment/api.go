package ghcomment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
)

// APIError is a GitHub API error response. Its text names the operation,
// the status and GitHub's message; it never contains the token.
type APIError struct {
	Op               string // "list comments", "create comment" or "update comment"
	Status           int    // HTTP status code
	Message          string // GitHub's "message" (and validation details), redacted
	DocumentationURL string // GitHub's "documentation_url"
}

func (e *APIError) Error() string {
	if e.Status == http.StatusUnauthorized {
		return fmt.Sprintf("ghcomment: %s: token rejected by GitHub (%s); check that GITHUB_TOKEN is set and valid", e.Op, e.short())
	}
	s := fmt.Sprintf("ghcomment: %s: GitHub API %s", e.Op, e.short())
	if e.DocumentationURL != "" {
		s += " (see " + e.DocumentationURL + ")"
	}
	return s
}

// Is makes errors.Is(err, ErrTokenRejected) true for a 401.
func (e *APIError) Is(target error) bool {
	return target == ErrTokenRejected && e.Status == http.StatusUnauthorized
}

func (e *APIError) short() string {
	s := strconv.Itoa(e.Status)
	if e.Message != "" {
		s += " " + e.Message
	} else if t := http.StatusText(e.Status); t != "" {
		s += " " + t
	}
	return s
}

// transientError is a 5xx or connection failure of a request that was not
// retried here (non-idempotent) or ran out of retries.
type transientError struct {
	op  string
	msg string
}

func (e *transientError) Error() string { return "ghcomment: " + e.op + ": " + e.msg }

// failure is the classification of one failed attempt.
type failure struct {
	kind int
	wait time.Duration // rateLimited: how long GitHub asks to wait; <0 when unknown
	err  error
}

const (
	kindFatal = iota
	kindTransient
	kindRateLimited
)

// call is one API request; it returns go-github's response (possibly nil).
type call func(ctx context.Context, c *github.Client) (*github.Response, error)

// do runs fn with a per-request timeout. Transient failures (5xx, connection
// errors, request timeouts) of idempotent requests are retried up to
// maxRetries times with exponential backoff; a rate limit is waited out once
// if GitHub asks for at most MaxRateLimitWait, otherwise do gives up with a
// skipError.
func (u *upserter) do(ctx context.Context, op string, idempotent bool, fn call) error {
	retries := 0
	waitedRate := false
	for {
		if err := ctx.Err(); err != nil {
			return &safeError{msg: "ghcomment: " + op + ": " + err.Error(), ctx: err}
		}
		actx, cancel := context.WithTimeout(ctx, u.timeout)
		resp, err := fn(actx, u.client())
		timedOut := actx.Err() != nil
		cancel()
		if err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return &safeError{msg: "ghcomment: " + op + ": " + cerr.Error(), ctx: cerr}
		}
		f := u.classify(op, resp, err, timedOut)
		switch f.kind {
		case kindRateLimited:
			if f.wait < 0 || f.wait > MaxRateLimitWait || waitedRate {
				return &skipError{warning: rateWarning(op, f.wait, waitedRate)}
			}
			waitedRate = true
			u.logf("GitHub rate limit on %s; waiting %s before retrying", op, f.wait)
			if err := u.sleep(ctx, f.wait); err != nil {
				return err
			}
		case kindTransient:
			if !idempotent {
				return f.err
			}
			if retries >= u.maxRetries {
				return fmt.Errorf("%w (gave up after %d attempts)", f.err, retries+1)
			}
			d := backoff(retries)
			retries++
			u.logf("%s; retrying in %s (retry %d/%d)", f.err.Error(), d, retries, u.maxRetries)
			if err := u.sleep(ctx, d); err != nil {
				return err
			}
		default:
			return f.err
		}
	}
}

func rateWarning(op string, wait time.Duration, again bool) string {
	switch {
	case again:
		return fmt.Sprintf("GitHub rate limit hit again on %s after waiting; the pull request comment was not updated, re-run the job later", op)
	case wait < 0:
		return fmt.Sprintf("GitHub secondary rate limit on %s (GitHub asks to wait at least a minute); the pull "+
			"request comment was not updated, re-run the job later", op)
	default:
		return fmt.Sprintf("GitHub rate limit on %s: GitHub asks to wait %s, more than the %s cra-gate waits; the "+
			"pull request comment was not updated, re-run the job later",
			op, wait.Round(time.Second), MaxRateLimitWait)
	}
}

// classify sorts a failed attempt into rate limit, transient or fatal.
func (u *upserter) classify(op string, resp *github.Response, err error, timedOut bool) failure {
	var hr *http.Response
	if resp != nil {
		hr = resp.Response
	}
	var (
		msg, doc string
		rle      *github.RateLimitError
		abuse    *github.AbuseRateLimitError
		er       *github.ErrorResponse
	)
	switch {
	case errors.As(err, &rle):
		msg = rle.Message
		if hr == nil {
			hr = rle.Response
		}
	case errors.As(err, &abuse):
		msg = abuse.Message
		if hr == nil {
			hr = abuse.Response
		}
	case errors.As(err, &er):
		msg, doc = er.Message, er.DocumentationURL
		for _, e := range er.Errors {
			if e.Message != "" {
				msg += "; " + e.Message
			} else if e.Code != "" {
				msg += "; " + e.Field + " " + e.Code
			}
		}
		if hr == nil {
			hr = er.Response
		}
	}

	if hr == nil || hr.StatusCode == 0 {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) || errors.As(err, &te) {
			return failure{kind: kindFatal, err: &safeError{msg: fmt.Sprintf("ghcomment: %s: unexpected response: %s", op, u.redact(err.Error()))}}
		}
		what := u.redact(err.Error())
		if timedOut {
			what = fmt.Sprintf("request timed out after %s", u.timeout)
		}
		return failure{kind: kindTransient, err: &transientError{op: op, msg: what}}
	}

	status := hr.StatusCode
	ae := &APIError{Op: op, Status: status, Message: clip(u.redact(strings.TrimSpace(msg)), 400), DocumentationURL: clip(u.redact(doc), 200)}
	switch {
	case status >= 200 && status < 300:
		// The request succeeded but the body could not be decoded.
		return failure{kind: kindFatal, err: &safeError{msg: fmt.Sprintf("ghcomment: %s: unexpected response: %s", op, u.redact(err.Error()))}}
	case status >= 500:
		return failure{kind: kindTransient, err: &transientError{op: op, msg: "GitHub API " + ae.short()}}
	case status == http.StatusForbidden || status == http.StatusTooManyRequests:
		if wait, ok := u.rateLimitWait(hr, rle); ok {
			return failure{kind: kindRateLimited, wait: wait, err: ae}
		}
		if status == http.StatusTooManyRequests || abuse != nil || rle != nil || strings.Contains(strings.ToLower(msg), "rate limit") {
			return failure{kind: kindRateLimited, wait: -1, err: ae}
		}
	}
	return failure{kind: kindFatal, err: ae}
}

// rateLimitWait reads how long GitHub asks to wait: Retry-After (seconds or
// HTTP date), else X-RateLimit-Reset when X-RateLimit-Remaining is 0. Times
// are measured against the response's Date header when present, so a skewed
// local clock does not matter.
func (u *upserter) rateLimitWait(hr *http.Response, rle *github.RateLimitError) (time.Duration, bool) {
	now := time.Now()
	if d, err := http.ParseTime(hr.Header.Get("Date")); err == nil {
		now = d
	}
	if v := strings.TrimSpace(hr.Header.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			if secs > int64(24*time.Hour/time.Second) {
				secs = int64(24 * time.Hour / time.Second)
			}
			return time.Duration(secs) * time.Second, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	var reset time.Time
	remaining := strings.TrimSpace(hr.Header.Get("X-RateLimit-Remaining"))
	if remaining == "0" {
		if secs, err := strconv.ParseInt(strings.TrimSpace(hr.Header.Get("X-RateLimit-Reset")), 10, 64); err == nil && secs > 0 {
			reset = time.Unix(secs, 0)
		}
	}
	if reset.IsZero() && rle != nil && rle.Rate.Remaining == 0 && !rle.Rate.Reset.Time.IsZero() {
		// go-github's own view (e.g. a locally refused request).
		reset, now = rle.Rate.Reset.Time, time.Now()
		remaining = "0"
	}
	if remaining != "0" || reset.IsZero() {
		return 0, false
	}
	// One second of slack: the reset time has one-second resolution.
	return max(reset.Sub(now), 0) + time.Second, true
}

// backoff returns the wait before retry n (0-based): 1s, 2s, 4s, 8s, 8s...
func backoff(n int) time.Duration {
	if n >= 3 {
		return maxBackoff
	}
	return time.Second << n
}

// sleep waits d using Options.Sleep or a timer, and stops early (with an
// error) when ctx ends.
func (u *upserter) sleep(ctx context.Context, d time.Duration) error {
	if u.opt.Sleep != nil {
		u.opt.Sleep(d)
	} else if d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	if err := ctx.Err(); err != nil {
		return &safeError{msg: "ghcomment: " + err.Error(), ctx: err}
	}
	return nil
}

// clip shortens s to n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
