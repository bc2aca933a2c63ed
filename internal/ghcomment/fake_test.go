package ghcomment

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testToken is distinctive so that a leak is easy to spot.
const testToken = "ghs_SECRETtoken1234567890abcdefXYZ"

// fakeGitHub answers like GitHub's REST API for issue comments.
type fakeGitHub struct {
	t      *testing.T
	srv    *httptest.Server
	prefix string // path prefix, e.g. "/api/v3"

	mu       sync.Mutex
	comments []*fakeComment
	checks   []*fakeCheckRun
	nextID   int64
	reqs     []string // "METHOD path?query"
	// hook may answer a request itself (return true); n counts requests from 0.
	hook func(w http.ResponseWriter, r *http.Request, n int) bool
}

type fakeComment struct {
	ID       int64
	Body     string
	Login    string
	UserType string
	Created  time.Time
}

func newFake(t *testing.T, prefix string) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{t: t, prefix: prefix, nextID: 1000}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) opts(sl *sleeper, logs *logSink) Options {
	return Options{
		Token:  testToken,
		APIURL: f.srv.URL + f.prefix,
		Owner:  "acme",
		Repo:   "widget",
		PR:     7,
		Key:    "cra.toml",
		RunURL: "https://github.com/acme/widget/actions/runs/42",
		Sleep:  sl.sleep,
		Logf:   logs.logf,
	}
}

// add appends a comment; created times increase with insertion order.
func (f *fakeGitHub) add(body, login, typ string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.comments = append(f.comments, &fakeComment{
		ID: f.nextID, Body: body, Login: login, UserType: typ,
		Created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(f.nextID) * time.Minute),
	})
	return f.nextID
}

func (f *fakeGitHub) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reqs...)
}

// writes returns the POST and PATCH requests.
func (f *fakeGitHub) writes() []string {
	var w []string
	for _, r := range f.requests() {
		if strings.HasPrefix(r, "POST ") || strings.HasPrefix(r, "PATCH ") {
			w = append(w, r)
		}
	}
	return w
}

func (f *fakeGitHub) comment(id int64) *fakeComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.comments {
		if c.ID == id {
			cc := *c
			return &cc
		}
	}
	return nil
}

func (f *fakeGitHub) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.comments)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func ghError(w http.ResponseWriter, status int, msg, doc string) {
	writeJSON(w, status, map[string]string{"message": msg, "documentation_url": doc})
}

func (f *fakeGitHub) toJSON(c *fakeComment) map[string]any {
	return map[string]any{
		"id":         c.ID,
		"body":       c.Body,
		"html_url":   fmt.Sprintf("https://github.com/acme/widget/pull/7#issuecomment-%d", c.ID),
		"user":       map[string]any{"login": c.Login, "type": c.UserType},
		"created_at": c.Created.Format(time.RFC3339),
		"updated_at": c.Created.Format(time.RFC3339),
	}
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, r.Method+" "+r.URL.RequestURI())
	hook := f.hook
	f.mu.Unlock()

	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4999")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		ghError(w, http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest")
		return
	}
	if hook != nil && hook(w, r, n) {
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, f.prefix+"/")
	if !ok {
		ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest")
		return
	}
	parts := strings.Split(path, "/")
	switch {
	case len(parts) == 6 && parts[0] == "repos" && parts[1] == "acme" && parts[2] == "widget" &&
		parts[3] == "issues" && parts[4] == "7" && parts[5] == "comments":
		if r.Method == http.MethodGet {
			f.list(w, r)
			return
		}
		if r.Method == http.MethodPost {
			var in struct{ Body string }
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
				ghError(w, http.StatusBadRequest, "Problems parsing JSON", "")
				return
			}
			id := f.add(in.Body, "github-actions[bot]", "Bot")
			writeJSON(w, http.StatusCreated, f.toJSON(f.comment(id)))
			return
		}
	case len(parts) == 6 && parts[0] == "repos" && parts[1] == "acme" && parts[2] == "widget" &&
		parts[3] == "issues" && parts[4] == "comments" && r.Method == http.MethodPatch:
		id, _ := strconv.ParseInt(parts[5], 10, 64)
		var in struct{ Body string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			ghError(w, http.StatusBadRequest, "Problems parsing JSON", "")
			return
		}
		f.mu.Lock()
		var found *fakeComment
		for _, c := range f.comments {
			if c.ID == id {
				c.Body = in.Body
				found = c
			}
		}
		f.mu.Unlock()
		if found == nil {
			ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/issues/comments#update-an-issue-comment")
			return
		}
		writeJSON(w, http.StatusOK, f.toJSON(found))
		return
	}
	if len(parts) >= 4 && parts[0] == "repos" && parts[1] == "acme" && parts[2] == "widget" && parts[3] == "check-runs" {
		f.checkRuns(w, r, parts[4:])
		return
	}
	ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest")
}

// fakeCheckRun is a check run as the fake keeps it.
type fakeCheckRun struct {
	ID                          int64
	Name, HeadSHA, Status, Conc string
	Title, Summary              string
	Annotations                 []map[string]any
}

// checkRuns answers POST /check-runs and PATCH /check-runs/{id} as GitHub
// does: at most 50 annotations a request (else 422), each with a path, a
// start and end line and a level; an update appends its annotations.
func (f *fakeGitHub) checkRuns(w http.ResponseWriter, r *http.Request, rest []string) {
	var in struct {
		Name       string `json:"name"`
		HeadSHA    string `json:"head_sha"`
		Status     string `json:"status"`
		Conclusion string `json:"conclusion"`
		Output     struct {
			Title       string           `json:"title"`
			Summary     string           `json:"summary"`
			Annotations []map[string]any `json:"annotations"`
		} `json:"output"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		ghError(w, http.StatusBadRequest, "Problems parsing JSON", "")
		return
	}
	if len(in.Output.Annotations) > 50 {
		ghError(w, http.StatusUnprocessableEntity, "Invalid request.\n\nFor 'properties/annotations', is too long (maximum is 50 items).",
			"https://docs.github.com/rest/checks/runs")
		return
	}
	for _, a := range in.Output.Annotations {
		if a["path"] == nil || a["start_line"] == nil || a["end_line"] == nil || a["annotation_level"] == nil || a["message"] == nil {
			ghError(w, http.StatusUnprocessableEntity, "Invalid request.\n\nannotation is missing a required field", "")
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && len(rest) == 0:
		if in.Name == "" || len(in.HeadSHA) != 40 {
			ghError(w, http.StatusUnprocessableEntity, "Invalid request.\n\nname and head_sha are required", "")
			return
		}
		f.nextID++
		c := &fakeCheckRun{ID: f.nextID, Name: in.Name, HeadSHA: in.HeadSHA, Status: in.Status, Conc: in.Conclusion, Title: in.Output.Title,
			Summary: in.Output.Summary, Annotations: in.Output.Annotations}
		f.checks = append(f.checks, c)
		writeJSON(w, http.StatusCreated, map[string]any{"id": c.ID, "head_sha": c.HeadSHA, "name": c.Name,
			"html_url": fmt.Sprintf("https://github.com/acme/widget/runs/%d", c.ID)})
		return
	case r.Method == http.MethodPatch && len(rest) == 1:
		id, _ := strconv.ParseInt(rest[0], 10, 64)
		for _, c := range f.checks {
			if c.ID == id {
				c.Annotations = append(c.Annotations, in.Output.Annotations...)
				writeJSON(w, http.StatusOK, map[string]any{"id": c.ID, "head_sha": c.HeadSHA, "name": c.Name,
					"html_url": fmt.Sprintf("https://github.com/acme/widget/runs/%d", c.ID)})
				return
			}
		}
	}
	ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/checks/runs")
}

// list pages like GitHub, with a Link header carrying absolute URLs.
func (f *fakeGitHub) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	f.mu.Lock()
	total := len(f.comments)
	last := max((total+per-1)/per, 1)
	var out []map[string]any
	for i := (page - 1) * per; i < total && i < page*per; i++ {
		out = append(out, f.toJSON(f.comments[i]))
	}
	f.mu.Unlock()
	link := func(p int, rel string) string {
		return fmt.Sprintf(`<%s%s?per_page=%d&page=%d>; rel="%s"`, f.srv.URL, r.URL.Path, per, p, rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(page-1, "prev"), link(1, "first"))
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, out)
}

// sleeper records requested waits instead of sleeping.
type sleeper struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeper) sleep(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
}

func (s *sleeper) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// logSink collects Logf output.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
