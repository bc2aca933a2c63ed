package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/ghcomment"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/report"
)

// testToken is distinctive so that a leak is easy to find.
const testToken = "ghs_CRAgateTESTtoken0123456789SECRETxyz"

// fakeGitHub answers like GitHub's REST API for the issue comments of
// acme/widget#7, and records every request.
type fakeGitHub struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	comments []*fakeComment
	nextID   int64
	reqs     []string
	// denyWrites answers POST and PATCH with 403, as GitHub does for the
	// read-only token of a pull request from a fork. The message echoes the
	// Authorization header, to prove cra-gate never prints what GitHub sends back.
	denyWrites bool
	// allowChecks lets the token write check runs (a job with `checks:
	// write`); without it GitHub answers 403, as it does for the default
	// token of a job that does not ask for that permission.
	allowChecks bool
	checkRuns   []fakeCheckRun
}

type fakeCheckRun struct {
	Name, HeadSHA, Conclusion string
	Annotations               []map[string]any
}

type fakeComment struct {
	ID   int64
	Body string
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{t: t, nextID: 5000}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGitHub) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reqs...)
}

func (f *fakeGitHub) reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = nil
}

func (f *fakeGitHub) all() []fakeComment {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeComment
	for _, c := range f.comments {
		out = append(out, *c)
	}
	return out
}

func ghJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeGitHub) commentJSON(c *fakeComment) map[string]any {
	return map[string]any{
		"id":         c.ID,
		"body":       c.Body,
		"html_url":   fmt.Sprintf("https://github.com/acme/widget/pull/7#issuecomment-%d", c.ID),
		"user":       map[string]any{"login": "github-actions[bot]", "type": "Bot"},
		"created_at": "2026-11-30T10:00:00Z",
		"updated_at": "2026-11-30T10:00:00Z",
	}
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Method+" "+r.URL.RequestURI())
	deny := f.denyWrites
	f.mu.Unlock()
	w.Header().Set("X-RateLimit-Remaining", "4999")
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		ghJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	if deny && (r.Method == http.MethodPost || r.Method == http.MethodPatch) {
		ghJSON(w, http.StatusForbidden, map[string]string{
			"message":           "Resource not accessible by integration (" + r.Header.Get("Authorization") + ")",
			"documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
		})
		return
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/repos/acme/widget/check-runs"):
		f.checkRun(w, r)
	case r.URL.Path == "/repos/acme/widget/issues/7/comments" && r.Method == http.MethodGet:
		f.list(w, r)
	case r.URL.Path == "/repos/acme/widget/issues/7/comments" && r.Method == http.MethodPost:
		var in struct{ Body string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			ghJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
			return
		}
		f.mu.Lock()
		f.nextID++
		c := &fakeComment{ID: f.nextID, Body: in.Body}
		f.comments = append(f.comments, c)
		f.mu.Unlock()
		ghJSON(w, http.StatusCreated, f.commentJSON(c))
	case strings.HasPrefix(r.URL.Path, "/repos/acme/widget/issues/comments/") && r.Method == http.MethodPatch:
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.URL.Path, "/repos/acme/widget/issues/comments/"), 10, 64)
		var in struct{ Body string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			ghJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
			return
		}
		f.mu.Lock()
		var found *fakeComment
		for _, c := range f.comments {
			if c.ID == id {
				c.Body, found = in.Body, c
			}
		}
		f.mu.Unlock()
		if found == nil {
			ghJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		ghJSON(w, http.StatusOK, f.commentJSON(found))
	default:
		ghJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// checkRun answers POST /check-runs (403 without allowChecks) and PATCH
// /check-runs/{id}, at most 50 annotations a request, as GitHub does.
func (f *fakeGitHub) checkRun(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.allowChecks {
		ghJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration",
			"documentation_url": "https://docs.github.com/rest/checks/runs#create-a-check-run"})
		return
	}
	var in struct {
		Name       string `json:"name"`
		HeadSHA    string `json:"head_sha"`
		Conclusion string `json:"conclusion"`
		Output     struct {
			Annotations []map[string]any `json:"annotations"`
		} `json:"output"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Output.Annotations) > 50 {
		ghJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Invalid request."})
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/repos/acme/widget/check-runs":
		f.checkRuns = append(f.checkRuns, fakeCheckRun{Name: in.Name, HeadSHA: in.HeadSHA, Conclusion: in.Conclusion, Annotations: in.Output.Annotations})
		ghJSON(w, http.StatusCreated, map[string]any{"id": len(f.checkRuns), "html_url": fmt.Sprintf("https://github.com/acme/widget/runs/%d", len(f.checkRuns))})
	case r.Method == http.MethodPatch && len(f.checkRuns) > 0:
		c := &f.checkRuns[len(f.checkRuns)-1]
		c.Annotations = append(c.Annotations, in.Output.Annotations...)
		ghJSON(w, http.StatusOK, map[string]any{"id": len(f.checkRuns)})
	default:
		ghJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
	}
}

// list pages like GitHub, with a Link header of absolute URLs.
func (f *fakeGitHub) list(w http.ResponseWriter, r *http.Request) {
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 {
		per = 30
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page <= 0 {
		page = 1
	}
	f.mu.Lock()
	out := []map[string]any{}
	for i := (page - 1) * per; i < len(f.comments) && i < page*per; i++ {
		out = append(out, f.commentJSON(f.comments[i]))
	}
	last := max((len(f.comments)+per-1)/per, 1)
	f.mu.Unlock()
	if page < last {
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?per_page=%d&page=%d>; rel="next", <%s%s?per_page=%d&page=%d>; rel="last"`,
			f.srv.URL, r.URL.Path, per, page+1, f.srv.URL, r.URL.Path, per, last))
	}
	ghJSON(w, http.StatusOK, out)
}

// runner is a runner-like environment for `cra-gate action`: a workspace, the
// file commands, an event payload and INPUT_* variables.
type runner struct {
	t       *testing.T
	ws      string
	temp    string
	env     map[string]string
	output  string
	summary string
}

func newRunner(t *testing.T, gh *fakeGitHub, event string) *runner {
	t.Helper()
	root := t.TempDir()
	r := &runner{t: t, ws: filepath.Join(root, "workspace"), temp: filepath.Join(root, "runner-temp")}
	for _, d := range []string{r.ws, r.temp, filepath.Join(root, "files")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r.output = filepath.Join(root, "files", "output")
	r.summary = filepath.Join(root, "files", "summary")
	eventPath := filepath.Join(root, "files", "event.json")
	r.env = map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_WORKSPACE":    r.ws,
		"GITHUB_EVENT_NAME":   event,
		"GITHUB_EVENT_PATH":   eventPath,
		"GITHUB_OUTPUT":       r.output,
		"GITHUB_STEP_SUMMARY": r.summary,
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_REPOSITORY":   "acme/widget",
		"GITHUB_RUN_ID":       "1001",
		"RUNNER_TEMP":         r.temp,
		"INPUT_PATH":          ".",
		"INPUT_CONFIG":        "cra.toml",
		"INPUT_FAIL-ON":       "error",
		"INPUT_COMMENT":       "auto",
		"INPUT_TOKEN":         testToken,
		"INPUT_SARIF":         "",
		"INPUT_SUMMARY":       "true",
		"INPUT_ANNOTATIONS":   "true",
		"INPUT_NOW":           "2026-12-01",
		// The Action's vulnerability sources are online by default; tests
		// never reach the internet (TestActionVulnInputs uses a loopback API).
		"INPUT_VULNERABILITIES": "false",
	}
	if gh != nil {
		r.env["GITHUB_API_URL"] = gh.srv.URL
	}
	payload := `{"ref":"refs/heads/main","repository":{"full_name":"acme/widget"}}`
	if strings.HasPrefix(event, "pull_request") {
		payload = `{"action":"synchronize","number":7,"pull_request":{"number":7,"head":{"sha":"abc"}},"repository":{"full_name":"acme/widget"}}`
	}
	if err := os.WriteFile(eventPath, []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

// load replaces the workspace's content with examples/<name>.
func (r *runner) load(name string) {
	r.t.Helper()
	if err := os.RemoveAll(r.ws); err != nil {
		r.t.Fatal(err)
	}
	if err := os.CopyFS(r.ws, os.DirFS(filepath.Join("..", "..", "examples", name))); err != nil {
		r.t.Fatal(err)
	}
}

func (r *runner) getenv(k string) string { return r.env[k] }

// run runs `cra-gate action` in process. Like the runner, it gives each run
// (step) a fresh GITHUB_OUTPUT file.
func (r *runner) run() (stdout, stderr string, status int) {
	_ = os.Remove(r.output)
	var out, errb bytes.Buffer
	status = Main([]string{"action"}, IO{Stdout: &out, Stderr: &errb, Getenv: r.getenv})
	return out.String(), errb.String(), status
}

// outputs parses GITHUB_OUTPUT in the heredoc format go-githubactions writes;
// each name must appear once.
func (r *runner) outputs() map[string]string {
	r.t.Helper()
	return parseOutputs(r.t, r.output)
}

func parseOutputs(t *testing.T, file string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading GITHUB_OUTPUT: %v", err)
	}
	const delim = "_GitHubActionsFileCommandDelimeter_"
	out := map[string]string{}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		name, ok := strings.CutSuffix(lines[i], "<<"+delim)
		if !ok {
			t.Fatalf("GITHUB_OUTPUT line %d is not name<<delimiter: %q\n%s", i+1, lines[i], data)
		}
		var val []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			val = append(val, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("GITHUB_OUTPUT: output %s is not closed:\n%s", name, data)
		}
		if _, dup := out[name]; dup {
			t.Fatalf("GITHUB_OUTPUT: output %s set twice", name)
		}
		out[name] = strings.Join(val, "\n")
	}
	return out
}

func (r *runner) readSummary() string {
	r.t.Helper()
	data, err := os.ReadFile(r.summary)
	if err != nil {
		r.t.Fatalf("reading the job summary: %v", err)
	}
	return string(data)
}

// commandRE matches a workflow command line: ::name[ properties]::message.
var commandRE = regexp.MustCompile(`^::([A-Za-z0-9_.-]+)(?: ([^:]*))?::(.*)$`)

// checkCommands reads stdout as the runner would and fails when a line could
// run a workflow command cra-gate did not mean to issue: outside the region
// between ::stop-commands::TOKEN and ::TOKEN::, every line starting with ::
// must be one of cra-gate's commands, annotations must carry a title property
// and only known properties, and add-mask may only mask the token.
func checkCommands(t *testing.T, stdout string) {
	t.Helper()
	stop := ""
	for i, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		if stop != "" {
			if trimmed == "::"+stop+"::" {
				stop = ""
			}
			continue
		}
		if !strings.HasPrefix(trimmed, "::") {
			continue
		}
		m := commandRE.FindStringSubmatch(trimmed)
		if m == nil {
			t.Errorf("stdout line %d starts with :: but is not a well-formed command: %q", i+1, line)
			continue
		}
		name, props, msg := m[1], m[2], m[3]
		switch name {
		case "add-mask":
			if msg != testToken {
				t.Errorf("stdout line %d masks something other than the token: %q", i+1, line)
			}
		case "stop-commands":
			if !strings.HasPrefix(msg, "cra-gate-") || len(msg) < 20 {
				t.Errorf("stdout line %d: stop-commands token %q is guessable", i+1, msg)
			}
			stop = msg
		case "group", "endgroup", "debug":
		case "error", "warning", "notice":
			if !strings.Contains(props, "title=") {
				t.Errorf("stdout line %d: %s command without a title property (not one of cra-gate's): %q", i+1, name, line)
			}
			for _, p := range strings.Split(props, ",") {
				k, _, _ := strings.Cut(p, "=")
				switch k {
				case "title", "file", "line", "col":
				default:
					t.Errorf("stdout line %d: unexpected annotation property %q: %q", i+1, k, line)
				}
			}
		default:
			t.Errorf("stdout line %d: unexpected workflow command %q: %q", i+1, name, line)
		}
	}
	if stop != "" {
		t.Errorf("stdout ends with workflow commands still stopped (token %s)", stop)
	}
}

// checkNoToken fails when the token appears anywhere but the ::add-mask:: line.
func checkNoToken(t *testing.T, where, text string) {
	t.Helper()
	text = strings.ReplaceAll(text, "::add-mask::"+testToken+"\n", "")
	if strings.Contains(text, testToken) || strings.Contains(text, testToken[4:20]) {
		t.Errorf("the token appears in %s:\n%s", where, text)
	}
}

func annotationLines(stdout string) []string {
	var out []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "::error ") || strings.HasPrefix(l, "::warning ") || strings.HasPrefix(l, "::notice ") {
			out = append(out, l)
		}
	}
	return out
}

func TestActionPullRequestCreatesThenEditsComment(t *testing.T) {
	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request")
	r.load("camera-gaps")

	stdout, stderr, status := r.run()
	if status != ExitFail {
		t.Fatalf("status %d, want %d (camera-gaps fails)\nstdout:\n%s\nstderr:\n%s", status, ExitFail, stdout, stderr)
	}
	checkCommands(t, stdout)
	cs := gh.all()
	if len(cs) != 1 {
		t.Fatalf("after the first run: %d comments, want 1", len(cs))
	}
	first := cs[0]
	if !strings.HasPrefix(first.Body, ghcomment.Marker("cra.toml")+"\n") {
		t.Errorf("comment does not start with the marker line:\n%.200s", first.Body)
	}
	if !strings.Contains(first.Body, "❌ CRA gate") || !strings.Contains(first.Body, "manifest-unknown-key") {
		t.Errorf("comment is not the failing report:\n%s", first.Body)
	}
	if !strings.Contains(first.Body, "https://github.com/acme/widget/actions/runs/1001") {
		t.Errorf("comment does not link the run:\n%s", first.Body)
	}
	if n := len(gh.requests()); n > 3 {
		t.Errorf("first run made %d API calls, want at most 3: %v", n, gh.requests())
	}
	if got, want := r.outputs()["comment-url"], fmt.Sprintf("https://github.com/acme/widget/pull/7#issuecomment-%d", first.ID); got != want {
		t.Errorf("comment-url = %q, want %q", got, want)
	}

	// A re-run of a later push (a new run id) edits the same comment.
	gh.reset()
	r.env["GITHUB_RUN_ID"] = "1002"
	if _, _, status := r.run(); status != ExitFail {
		t.Fatalf("second run: status %d, want %d", status, ExitFail)
	}
	cs = gh.all()
	if len(cs) != 1 || cs[0].ID != first.ID {
		t.Fatalf("after the second run: comments %+v, want the one comment %d", cs, first.ID)
	}
	if !strings.Contains(cs[0].Body, "/actions/runs/1002") {
		t.Errorf("the comment was not edited to the second run's report")
	}
	var posts, patches int
	for _, q := range gh.requests() {
		posts += b2i(strings.HasPrefix(q, "POST "))
		patches += b2i(strings.HasPrefix(q, "PATCH "))
	}
	if posts != 0 || patches != 1 {
		t.Errorf("second run: %d POST and %d PATCH requests, want 0 and 1: %v", posts, patches, gh.requests())
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestActionPassAfterFailUpdatesComment(t *testing.T) {
	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request_target")
	r.load("camera-gaps")
	if _, _, status := r.run(); status != ExitFail {
		t.Fatalf("failing run: status %d, want %d", status, ExitFail)
	}
	r.load("smart-lock") // the pull request fixes its gaps
	stdout, stderr, status := r.run()
	if status != ExitPass {
		t.Fatalf("passing run: status %d, want %d\nstdout:\n%s\nstderr:\n%s", status, ExitPass, stdout, stderr)
	}
	cs := gh.all()
	if len(cs) != 1 {
		t.Fatalf("%d comments, want the same one updated", len(cs))
	}
	if !strings.Contains(cs[0].Body, "✅ CRA gate") || strings.Contains(cs[0].Body, "❌") {
		t.Errorf("the comment still shows the failure:\n%s", cs[0].Body)
	}
	if r.outputs()["passed"] != "true" {
		t.Errorf("passed output = %q, want true", r.outputs()["passed"])
	}
}

func TestActionNoCommentCallOutsidePullRequests(t *testing.T) {
	for _, tc := range []struct{ event, mode string }{
		{"push", "auto"},
		{"push", "always"}, // a push names no pull request
		{"workflow_dispatch", "auto"},
		{"schedule", "auto"},
		{"pull_request", "never"},
	} {
		t.Run(tc.event+"/"+tc.mode, func(t *testing.T) {
			gh := newFakeGitHub(t)
			r := newRunner(t, gh, tc.event)
			r.env["INPUT_COMMENT"] = tc.mode
			r.load("camera-gaps")
			stdout, _, status := r.run()
			if status != ExitFail {
				t.Errorf("status %d, want %d", status, ExitFail)
			}
			if reqs := gh.requests(); len(reqs) != 0 {
				t.Errorf("made %d API calls, want none: %v", len(reqs), reqs)
			}
			if strings.Contains(stdout, "::warning title=cra-gate::") {
				t.Errorf("a run that should not comment warns:\n%s", stdout)
			}
			if got := r.outputs()["comment-url"]; got != "" {
				t.Errorf("comment-url = %q, want empty", got)
			}
		})
	}
}

func TestActionForkForbiddenIsAWarning(t *testing.T) {
	for _, tc := range []struct {
		example string
		want    int
		// warned: a failing gate tries to create the comment and is refused; a
		// passing one with no earlier comment writes nothing, so nothing is refused.
		warned bool
	}{{"camera-gaps", ExitFail, true}, {"smart-lock", ExitPass, false}} {
		t.Run(tc.example, func(t *testing.T) {
			gh := newFakeGitHub(t)
			gh.denyWrites = true
			r := newRunner(t, gh, "pull_request")
			r.load(tc.example)
			stdout, stderr, status := r.run()
			if status != tc.want {
				t.Fatalf("status %d, want the verdict %d\nstdout:\n%s", status, tc.want, stdout)
			}
			checkCommands(t, stdout)
			var warning string
			for _, l := range strings.Split(stdout, "\n") {
				if strings.HasPrefix(l, "::warning title=cra-gate::") {
					warning = l
				}
			}
			if tc.warned && (!strings.Contains(warning, "403") || !strings.Contains(warning, "workflow_run")) {
				t.Errorf("no ::warning:: explaining the 403 and the workflow_run pattern:\n%s", stdout)
			}
			if !tc.warned && warning != "" {
				t.Errorf("a passing gate with no earlier comment must not warn: %s", warning)
			}
			checkNoToken(t, "stdout", stdout)
			checkNoToken(t, "stderr", stderr)
			if got := r.outputs()["comment-url"]; got != "" {
				t.Errorf("comment-url = %q, want empty", got)
			}
			if len(gh.all()) != 0 {
				t.Errorf("a comment was stored despite the 403")
			}
		})
	}
}

func TestActionTokenNeverPrinted(t *testing.T) {
	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request")
	r.env["INPUT_SARIF"] = "cra.sarif"
	r.load("camera-gaps")
	stdout, stderr, _ := r.run()
	if first, _, _ := strings.Cut(stdout, "\n"); first != "::add-mask::"+testToken {
		t.Errorf("first stdout line = %q, want the token masked before anything else", first)
	}
	checkNoToken(t, "stdout", stdout)
	checkNoToken(t, "stderr", stderr)
	out := r.outputs()
	for _, f := range []struct{ where, path string }{
		{"GITHUB_OUTPUT", r.output},
		{"the job summary", r.summary},
		{"the JSON report", out["report"]},
		{"the SARIF file", filepath.Join(r.ws, "cra.sarif")},
	} {
		data, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatalf("%s: %v", f.where, err)
		}
		checkNoToken(t, f.where, string(data))
	}
	for _, c := range gh.all() {
		checkNoToken(t, "the comment", c.Body)
	}
}

func TestActionOutputsSummaryReportAndSARIF(t *testing.T) {
	r := newRunner(t, nil, "push")
	r.env["INPUT_SARIF"] = "reports/cra.sarif"
	r.load("camera-gaps")
	if err := os.WriteFile(r.summary, []byte("# Earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, status := r.run()
	if status != ExitFail {
		t.Fatalf("status %d, want %d\nstdout:\n%s\nstderr:\n%s", status, ExitFail, stdout, stderr)
	}
	checkCommands(t, stdout)

	out := r.outputs()
	for _, name := range []string{"passed", "errors", "warnings", "notices", "report", "sarif", "comment-url"} {
		if _, ok := out[name]; !ok {
			t.Errorf("output %s not set", name)
		}
	}
	if len(out) != 7 {
		t.Errorf("outputs %v, want exactly the seven of action.yml", out)
	}
	if want := filepath.Join(r.temp, "cra-gate-report.json"); out["report"] != want {
		t.Errorf("report output = %q, want %q", out["report"], want)
	}
	f, err := os.Open(out["report"])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := report.ReadJSON(f)
	if err != nil {
		t.Fatalf("the JSON report does not read back: %v", err)
	}
	if out["passed"] != "false" || res.Passed {
		t.Errorf("passed output %q, report passed %v; want false", out["passed"], res.Passed)
	}
	for name, n := range map[string]int{"errors": res.Summary.Errors, "warnings": res.Summary.Warnings, "notices": res.Summary.Notices} {
		if out[name] != strconv.Itoa(n) {
			t.Errorf("%s output = %q, want %d (the report's count)", name, out[name], n)
		}
	}
	if res.Summary.Errors == 0 {
		t.Errorf("camera-gaps reports no errors")
	}
	if res.Date != "2026-12-01" {
		t.Errorf("report date %q, want the now input 2026-12-01", res.Date)
	}

	summary := r.readSummary()
	if !strings.HasPrefix(summary, "# Earlier step\n") {
		t.Errorf("the summary of earlier steps was not kept")
	}
	for _, want := range []string{"### ❌ CRA gate", "manifest&nbsp;❌", "manifest-unknown-key", "https://github.com/acme/widget/actions/runs/1001"} {
		if !strings.Contains(summary, want) {
			t.Errorf("job summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(summary, "<!--") {
		t.Errorf("job summary carries the comment marker")
	}

	if out["sarif"] != "reports/cra.sarif" {
		t.Errorf("sarif output = %q, want reports/cra.sarif", out["sarif"])
	}
	data, err := os.ReadFile(filepath.Join(r.ws, "reports", "cra.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &sarif); err != nil {
		t.Fatalf("the SARIF file does not parse: %v", err)
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != res.Summary.Errors+res.Summary.Warnings+res.Summary.Notices {
		t.Errorf("SARIF version %q with %d runs; want 2.1.0 with one result per finding", sarif.Version, len(sarif.Runs))
	}
}

// cameraTypoLine is the line of the misspelt key "rationle" in
// examples/camera-gaps/cra.toml.
func cameraTypoLine(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "camera-gaps", "cra.toml"))
	if err != nil {
		t.Fatal(err)
	}
	before, _, ok := strings.Cut(string(data), "rationle =")
	if !ok {
		t.Fatal("examples/camera-gaps/cra.toml no longer misspells rationale")
	}
	return strconv.Itoa(strings.Count(before, "\n") + 1)
}

func TestActionAnnotations(t *testing.T) {
	r := newRunner(t, nil, "push")
	r.load("camera-gaps")
	stdout, _, _ := r.run()
	anns := annotationLines(stdout)
	if len(anns) == 0 {
		t.Fatalf("no annotations on stdout:\n%s", stdout)
	}
	line := cameraTypoLine(t)
	want := regexp.MustCompile(`^::error col=1,file=cra\.toml,line=` + line + `,title=manifest-unknown-key::unknown key "rationle"`)
	found := false
	for _, a := range anns {
		found = found || want.MatchString(a)
	}
	if !found {
		t.Errorf("no annotation for the misspelt key at cra.toml:%s:\n%s", line, strings.Join(anns, "\n"))
	}

	// With the repository in a subdirectory, annotations name files from the
	// workspace root, where GitHub looks for them.
	r = newRunner(t, nil, "push")
	r.load("camera-gaps")
	sub := filepath.Join(r.ws, "firmware")
	if err := os.CopyFS(sub, os.DirFS(filepath.Join("..", "..", "examples", "camera-gaps"))); err != nil {
		t.Fatal(err)
	}
	r.env["INPUT_PATH"] = "firmware"
	stdout, _, _ = r.run()
	for _, a := range annotationLines(stdout) {
		if strings.Contains(a, "file=") && !strings.Contains(a, "file=firmware/") {
			t.Errorf("annotation names a file outside the repository directory: %s", a)
		}
	}

	// annotations: false turns them off.
	r.env["INPUT_ANNOTATIONS"] = "false"
	stdout, _, _ = r.run()
	if anns := annotationLines(stdout); len(anns) != 0 {
		t.Errorf("annotations: false still annotates:\n%s", strings.Join(anns, "\n"))
	}
}

func TestActionBadInputs(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"fail-on":         {"INPUT_FAIL-ON": "sometimes"},
		"comment":         {"INPUT_COMMENT": "yes"},
		"comment-author":  {"INPUT_COMMENT-AUTHOR": "mallory<script>"},
		"summary":         {"INPUT_SUMMARY": "maybe"},
		"annotations":     {"INPUT_ANNOTATIONS": "1"},
		"now":             {"INPUT_NOW": "2026-13-01"},
		"max-sbom-size":   {"INPUT_MAX-SBOM-SIZE": "big"},
		"missing path":    {"INPUT_PATH": "no-such-dir"},
		"config escapes":  {"INPUT_CONFIG": "../cra.toml"},
		"sarif escapes":   {"INPUT_SARIF": "../cra.sarif"},
		"sarif absolute":  {"INPUT_SARIF": "/etc/cra.sarif"},
		"sarif newline":   {"INPUT_SARIF": "a\nb.sarif"},
		"vulnerabilities": {"INPUT_VULNERABILITIES": "maybe"},
		"osv-api http":    {"INPUT_VULNERABILITIES": "true", "INPUT_OSV-API": "http://api.osv.dev"},
		"kev ftp":         {"INPUT_VULNERABILITIES": "true", "INPUT_OSV-API": "https://127.0.0.1:1", "INPUT_KEV": "ftp://example.org/kev.json"},
	} {
		t.Run(name, func(t *testing.T) {
			gh := newFakeGitHub(t)
			r := newRunner(t, gh, "pull_request")
			r.load("smart-lock")
			for k, v := range env {
				r.env[k] = v
			}
			stdout, _, status := r.run()
			if status != ExitError {
				t.Fatalf("status %d, want %d\n%s", status, ExitError, stdout)
			}
			if !strings.HasPrefix(stdout, "::add-mask::"+testToken+"\n") {
				t.Errorf("the token was not masked first")
			}
			if !strings.Contains(stdout, "::error title=cra-gate::") {
				t.Errorf("no ::error:: saying what is wrong:\n%s", stdout)
			}
			checkCommands(t, stdout)
			for _, req := range gh.requests() {
				if !strings.HasPrefix(req, "GET ") {
					t.Errorf("a run that could not start and had no earlier comment wrote one: %s", req)
				}
			}
			// With an earlier comment (a passing verdict), the comment says
			// the gate could not judge, instead of letting the pass stand.
			config := env["INPUT_CONFIG"]
			if config == "" {
				config = "cra.toml"
			}
			key := filepath.ToSlash(filepath.Clean(filepath.Join(env["INPUT_PATH"], config)))
			gh.comments = []*fakeComment{{ID: 1, Body: ghcomment.Marker(key) + "\n### ✅ CRA gate passed\n"}}
			if _, _, status := r.run(); status != ExitError {
				t.Fatalf("status %d", status)
			}
			if cs := gh.all(); len(cs) != 1 || !strings.Contains(cs[0].Body, "⚠️ CRA gate could not judge") ||
				strings.Contains(cs[0].Body, "✅") {
				t.Errorf("the earlier comment was not replaced: %+v", cs)
			}
		})
	}
}

func TestActionSARIFSymlinkEscape(t *testing.T) {
	r := newRunner(t, nil, "push")
	r.load("smart-lock")
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(r.ws, "out")); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	r.env["INPUT_SARIF"] = "out/cra.sarif"
	stdout, _, status := r.run()
	if status != ExitError {
		t.Errorf("status %d, want %d", status, ExitError)
	}
	if _, err := os.Stat(filepath.Join(outside, "cra.sarif")); err == nil {
		t.Errorf("SARIF was written outside the workspace through a symlink")
	}
	if !strings.Contains(stdout, "::error title=cra-gate::writing SARIF") {
		t.Errorf("no error about the SARIF path:\n%s", stdout)
	}
	if r.outputs()["sarif"] != "" {
		t.Errorf("sarif output set for a file not written")
	}
}

func TestActionReportInWorkspaceWithoutRunnerTemp(t *testing.T) {
	r := newRunner(t, nil, "push")
	r.load("smart-lock")
	// In a Docker action, RUNNER_TEMP names a host directory the container lacks.
	r.env["RUNNER_TEMP"] = filepath.Join(r.temp, "not-mounted")
	if _, _, status := r.run(); status != ExitPass {
		t.Fatalf("status %d, want %d", status, ExitPass)
	}
	got := r.outputs()["report"]
	if got != ".cra-gate/cra-gate-report.json" {
		t.Fatalf("report output = %q, want the workspace-relative .cra-gate/cra-gate-report.json (never the checkout root)", got)
	}
	if _, err := os.Stat(filepath.Join(r.ws, got)); err != nil {
		t.Errorf("report not in the workspace: %v", err)
	}
}

func TestActionFileCommandFailureIsExitError(t *testing.T) {
	for _, v := range []string{"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"} {
		t.Run(v, func(t *testing.T) {
			r := newRunner(t, nil, "push")
			r.load("smart-lock")
			r.env[v] = filepath.Join(r.temp, "no-such-dir", "file")
			stdout, _, status := r.run()
			if status != ExitError {
				t.Errorf("status %d, want %d when %s cannot be written", status, ExitError, v)
			}
			if !strings.Contains(stdout, "::error title=cra-gate::writing") {
				t.Errorf("no ::error:: about the failed write:\n%s", stdout)
			}
		})
	}
}

// hostile is text a pull request could put in cra.toml to break out of a surface.
const hostile = `::error::pwned\n%0A::warning file=x::y <!-- --> </details> @user | x`

func TestActionHostileRepository(t *testing.T) {
	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request")
	dir := "r,e:p%0Ao\n::error::pwned"
	repoDir := filepath.Join(r.ws, dir)
	if err := os.MkdirAll(repoDir, 0o755); err != nil {
		t.Skip("file system refuses the hostile directory name:", err)
	}
	toml := fmt.Sprintf(`schema = 1
[product]
name = "Evil %[1]s"
manufacturer = "@user %[1]s"
version = "1.0\r\n::error::pwned"
"%[1]s" = "x"
sbom = ["%[1]s.json"]
functions = ["a\n::error::pwned"]
`, hostile)
	if err := os.WriteFile(filepath.Join(repoDir, "cra.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	r.env["INPUT_PATH"] = dir
	stdout, stderr, status := r.run()
	if status != ExitFail {
		t.Fatalf("status %d, want %d\nstdout:\n%s\nstderr:\n%s", status, ExitFail, stdout, stderr)
	}
	checkCommands(t, stdout)
	if strings.Contains(stderr, "::") {
		t.Errorf("stderr carries repository text that could be a command:\n%s", stderr)
	}
	if len(annotationLines(stdout)) == 0 {
		t.Errorf("no annotations")
	}
	for _, a := range annotationLines(stdout) {
		if strings.Contains(a, "file=") && !strings.Contains(a, "file=r%2Ce%3Ap%250Ao%0A%3A%3Aerror%3A%3Apwned/") {
			t.Errorf("annotation file property not escaped: %s", a)
		}
	}

	checkMarkdown := func(where, body string, markers int) {
		t.Helper()
		if n := strings.Count(body, "<!--"); n != markers {
			t.Errorf("%s: %d raw <!-- (want %d, the marker and the state block only):\n%s", where, n, markers, body)
		}
		if strings.Count(body, "<details>") != strings.Count(body, "</details>") {
			t.Errorf("%s: <details> and </details> do not pair:\n%s", where, body)
		}
		if strings.Contains(body, "@user") {
			t.Errorf("%s: mentions @user:\n%s", where, body)
		}
		for _, line := range strings.Split(body, "\n") {
			if strings.HasPrefix(line, "|") {
				if n := strings.Count(line, "|"); n != 6 && n != 7 {
					t.Errorf("%s: table row with %d cell separators: %s", where, n, line)
				}
			}
			if strings.HasPrefix(strings.TrimSpace(line), "::") {
				t.Errorf("%s: a line starts with repository text: %s", where, line)
			}
		}
	}
	checkMarkdown("job summary", r.readSummary(), 0)
	cs := gh.all()
	if len(cs) != 1 {
		t.Fatalf("%d comments, want 1", len(cs))
	}
	checkMarkdown("comment", cs[0].Body, 2)
	if st := report.ParseState(cs[0].Body); st == nil {
		t.Errorf("the comment's state block does not read back")
	}
	if !strings.HasPrefix(cs[0].Body, ghcomment.Marker(dir+"/cra.toml")+"\n") {
		t.Errorf("comment does not start with this config's marker")
	}
	out := r.outputs()
	if len(out) != 7 {
		t.Errorf("outputs %v: repository text added or removed an output", out)
	}
}

// TestActionBinary runs the built binary as the Docker action would: in the
// workspace, with only the runner's environment.
func TestActionBinary(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not on PATH")
	}
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "cra-gate")
	build := exec.Command(goBin, "build", "-o", bin, "./cmd/cra-gate")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request")
	r.load("camera-gaps")
	r.env["INPUT_SARIF"] = "cra.sarif"
	delete(r.env, "RUNNER_TEMP") // as in a Docker action: the report goes to the workspace
	cmd := exec.Command(bin, "action")
	cmd.Dir = r.ws
	cmd.Env = []string{}
	for k, v := range r.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if err == nil || !errors.As(err, &ee) || ee.ExitCode() != ExitFail {
		t.Fatalf("cra-gate action: %v, want exit status %d\nstdout:\n%s\nstderr:\n%s", err, ExitFail, stdout.String(), stderr.String())
	}
	checkCommands(t, stdout.String())
	checkNoToken(t, "stdout", stdout.String())
	checkNoToken(t, "stderr", stderr.String())
	if line := cameraTypoLine(t); !regexp.MustCompile(`(?m)^::error col=1,file=cra\.toml,line=` + line + `,title=manifest-unknown-key::`).
		MatchString(stdout.String()) {
		t.Errorf("no annotation for cra.toml:%s on stdout:\n%s", line, stdout.String())
	}
	out := r.outputs()
	if out["passed"] != "false" || out["report"] != ".cra-gate/cra-gate-report.json" || out["sarif"] != "cra.sarif" || out["comment-url"] == "" {
		t.Errorf("outputs = %v", out)
	}
	for _, f := range []string{".cra-gate/cra-gate-report.json", "cra.sarif"} {
		if _, err := os.Stat(filepath.Join(r.ws, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if s := r.readSummary(); !strings.Contains(s, "### ❌ CRA gate") {
		t.Errorf("job summary:\n%s", s)
	}
	cs := gh.all()
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Body, ghcomment.Marker("cra.toml")) {
		t.Fatalf("comments on the fake GitHub: %+v", cs)
	}
	if out["comment-url"] != fmt.Sprintf("https://github.com/acme/widget/pull/7#issuecomment-%d", cs[0].ID) {
		t.Errorf("comment-url %q does not name the comment", out["comment-url"])
	}
}

// setHead writes a pull request event whose head is sha.
func (r *runner) setHead(sha string) {
	r.t.Helper()
	payload := `{"action":"synchronize","number":7,"pull_request":{"number":7,"head":{"sha":"` + sha + `"}},"repository":{"full_name":"acme/widget"}}`
	if err := os.WriteFile(r.env["GITHUB_EVENT_PATH"], []byte(payload), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// TestActionCommentTracksPushes: the comment names and links the head commit
// checked (not the merge commit GITHUB_SHA), links each location to its line
// at that commit, says what changed since the last push, and is not written
// again when a re-run at the same commit finds the same.
func TestActionCommentTracksPushes(t *testing.T) {
	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request")
	r.load("camera-gaps")
	shaA, shaB := strings.Repeat("a", 40), strings.Repeat("b", 40)
	r.env["GITHUB_SHA"] = strings.Repeat("f", 40) // the merge commit
	r.setHead(shaA)
	if _, _, status := r.run(); status != ExitFail {
		t.Fatalf("status %d", status)
	}
	body := gh.all()[0].Body
	for _, want := range []string{
		"checked [<code>aaaaaaa</code>](https://github.com/acme/widget/commit/" + shaA + ")",
		"](https://github.com/acme/widget/blob/" + shaA + "/cra.toml#L",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("first comment lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Since the last push") || strings.Contains(body, "ffffff") {
		t.Errorf("first comment compares with nothing and names the head, not the merge commit:\n%s", body)
	}

	// A re-run at the same commit: nothing to write.
	gh.reset()
	if _, _, status := r.run(); status != ExitFail {
		t.Fatalf("re-run: status %d", status)
	}
	for _, q := range gh.requests() {
		if !strings.HasPrefix(q, "GET ") && !strings.Contains(q, "/check-runs") { // every run has its check run
			t.Errorf("a re-run with the same findings wrote: %v", gh.requests())
		}
	}

	// The next push fixes one typo.
	toml := filepath.Join(r.ws, "cra.toml")
	data, err := os.ReadFile(toml)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"live-veiw"`)) {
		t.Fatal("test setup: camera-gaps no longer has the live-veiw typo")
	}
	if err := os.WriteFile(toml, bytes.Replace(data, []byte(`"live-veiw"`), []byte(`"live-view"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	r.setHead(shaB)
	if _, _, status := r.run(); status != ExitFail {
		t.Fatalf("second push: status %d", status)
	}
	body = gh.all()[0].Body
	if !strings.Contains(body, "Since the last push: **0 new**, **1 fixed** ([<code>scope-unknown-function</code>]") || !strings.Contains(body, "/commit/"+shaB) {
		t.Errorf("second comment:\n%s", body)
	}
}

// TestActionMonorepo: a config glob judges every product in one run: one
// comment and one summary with a section per product, worst first, SARIF
// with a run per config, every path relative to the workspace.
func TestActionMonorepo(t *testing.T) {
	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request")
	r.setHead(strings.Repeat("c", 40))
	product := func(dir, name, extra string) {
		files := map[string]string{
			dir + "/cra.toml": "schema = 1\n" + extra + "[product]\nname = \"" + name + "\"\nmanufacturer = \"Acme GmbH\"\nclass = \"default\"\nconformity = " +
				"\"module-a\"\nplaced_on_market = 2026-03-01\nfunctions = [\"unlock\"]\nsbom = [\"" + dir + "/sbom.cdx.json\"]\nsource = " +
				"\"" + dir + "\"\n\n[support]\nend = 2033-03-01\npublished = " +
				"\"https://acme-locks.eu/support\"\n\n[disclosure]\npolicy = \"SECURITY.md\"\ncontact = " +
				"\"mailto:security@acme-locks.eu\"\n\n[reporting]\ncsirt = \"DE\"\ncontact = " +
				"\"mailto:psirt@acme-locks.eu\"\n" + documentedAt("https://acme-locks.eu/tech"),
			dir + "/sbom.cdx.json": `{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",` +
				`"version":1,"metadata":{"timestamp":"2026-11-01T10:00:00Z","tools":{"components":[{"name":"gen","version":"1"}]},` +
				`"component":{"bom-ref":"root","name":"` + name + `","version":"1"}},"components":[{"type":"library","bom-ref":"a","name":"a",` +
				`"version":"1.0.0","purl":"pkg:golang/example.com/a@v1.0.0","supplier":{"name":"X"},"hashes":[{"alg":"SHA-256","content":"` + strings.Repeat("ab",

				32) + `"}],"licenses":[{"license":{"id":"MIT"}}]}],"dependencies":[{"ref":"root","dependsOn":["a"]}]}`,
		}
		for name, content := range files {
			p := filepath.Join(r.ws, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	product("lock", "Acme Lock", "")
	product("camera", "Acme Camera", "colour = \"blue\"\n")
	if err := os.WriteFile(filepath.Join(r.ws, "SECURITY.md"), []byte("Report vulnerabilities privately to security@acme-locks.eu.\nWe acknowledge reports "+
		"within 3 days and coordinate disclosure.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.env["INPUT_CONFIG"] = "*/cra.toml"
	r.env["INPUT_SARIF"] = "cra.sarif"
	stdout, stderr, status := r.run()
	if status != ExitFail {
		t.Fatalf("status %d\n%s\n%s", status, stdout, stderr)
	}
	cs := gh.all()
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Body, ghcomment.Marker("*/cra.toml")+"\n") {
		t.Fatalf("want one comment for the pattern, got %d", len(cs))
	}
	body := cs[0].Body
	camera, lock := strings.Index(body, "#### ❌ **Acme Camera**"), strings.Index(body, "#### ✅ **Acme Lock**")
	if camera < 0 || lock < camera || !strings.Contains(body, "2 products") || !strings.Contains(body, "/blob/"+strings.Repeat("c", 40)+"/camera/cra.toml#L2") {
		t.Errorf("comment:\n%s", body)
	}
	if s := r.readSummary(); !strings.Contains(s, "#### ❌ **Acme Camera**") || strings.Count(s, "### ❌ CRA gate failed") != 1 {
		t.Errorf("summary:\n%s", s)
	}
	var sarif struct {
		Runs []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
		}
	}
	data, err := os.ReadFile(filepath.Join(r.ws, "cra.sarif"))
	if err != nil || json.Unmarshal(data, &sarif) != nil || len(sarif.Runs) != 2 || sarif.Runs[0].AutomationDetails.ID != "cra-gate/camera/cra.toml/" {
		t.Errorf("SARIF runs %+v (%v)", sarif.Runs, err)
	}
	if !regexp.MustCompile(`(?m)^::error col=1,file=camera/cra\.toml,line=2,`).MatchString(stdout) {
		t.Errorf("annotation not at camera/cra.toml:2:\n%s", stdout)
	}
}

// TestActionPathPrefixEverywhere: with path: a subfolder, every output names
// files relative to the workspace: annotations, summary, comment, JSON, SARIF.
func TestActionPathPrefixEverywhere(t *testing.T) {
	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request")
	if err := os.CopyFS(filepath.Join(r.ws, "camera"), os.DirFS(filepath.Join("..", "..", "examples", "camera-gaps"))); err != nil {
		t.Fatal(err)
	}
	r.env["INPUT_PATH"] = "camera"
	r.env["INPUT_SARIF"] = "cra.sarif"
	stdout, _, _ := r.run()
	sarif, _ := os.ReadFile(filepath.Join(r.ws, "cra.sarif"))
	rep, _ := os.ReadFile(r.outputs()["report"])
	for where, text := range map[string]string{"annotations": stdout,
		"summary": r.readSummary(),
		"comment": gh.all()[0].Body,
		"SARIF":   string(sarif),
		"JSON":    string(rep)} {
		if !strings.Contains(text, "camera/cra.toml") {
			t.Errorf("%s does not name camera/cra.toml", where)
		}
		if regexp.MustCompile(`(^|[^/a-z])cra\.toml:[0-9]`).MatchString(text) {
			t.Errorf("%s names cra.toml without its folder", where)
		}
	}
}

// TestActionVulnInputs runs the Action with the vulns check on, against a
// loopback OSV API and a KEV file in the workspace: the report carries the
// vulnerabilities table and the finding, with the advisory in SARIF.
func TestActionVulnInputs(t *testing.T) {
	var queried atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/querybatch":
			queried.Add(1)
			var req struct{ Queries []json.RawMessage }
			json.NewDecoder(r.Body).Decode(&req)
			var results []string
			for _, q := range req.Queries {
				if strings.Contains(string(q), `"golang.org/x/crypto"`) {
					results = append(results, `{"vulns":[{"id":"GO-2026-9999"}]}`)
				} else {
					results = append(results, `{}`)
				}
			}
			fmt.Fprintf(w, `{"results":[%s]}`, strings.Join(results, ","))
		case r.URL.Path == "/v1/vulns/GO-2026-9999":
			fmt.Fprint(w,
				`{"id":"GO-2026-9999","aliases":["CVE-2026-9999"],"summary":"Bad crypto","affected":[{"package":{"ecosystem":"Go",`+
					`"name":"golang.org/x/crypto"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"9.0.0"}]}]}]}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer api.Close()
	r := newRunner(t, nil, "push")
	r.load("smart-lock")
	os.WriteFile(filepath.Join(r.ws, "kev.json"), []byte(`{"vulnerabilities":[{"cveID":"CVE-2026-9999","dateAdded":"2026-11-01"}]}`), 0o644)
	r.env["INPUT_VULNERABILITIES"] = "true"
	r.env["INPUT_OSV-API"] = api.URL
	r.env["INPUT_KEV"] = filepath.Join(r.ws, "kev.json")
	r.env["INPUT_SARIF"] = "cra.sarif"
	stdout, _, status := r.run()
	if status != ExitFail || queried.Load() == 0 {
		t.Fatalf("status %d, %d queries\n%s", status, queried.Load(), stdout)
	}
	data, err := os.ReadFile(filepath.Join(r.temp, "cra-gate-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.ReadJSON(bytes.NewReader(data))
	if err != nil || len(rep.Vulnerabilities) == 0 || !rep.Vulnerabilities[0].KEV || rep.Vulnerabilities[0].Fixed != "9.0.0" {
		t.Fatalf("report: %v %+v", err, rep)
	}
	sarif, _ := os.ReadFile(filepath.Join(r.ws, "cra.sarif"))
	if !strings.Contains(string(sarif), `"advisory"`) || !strings.Contains(string(sarif), `"vulns-kev"`) {
		t.Errorf("SARIF lacks the advisory:\n%s", sarif)
	}
	if !strings.Contains(stdout, "vulns-kev") {
		t.Errorf("no annotation for the KEV finding:\n%s", stdout)
	}
}

// documentedAt is a [documentation] table whose every item is a page under base.
func documentedAt(base string) string {
	var b strings.Builder
	b.WriteString("\n[documentation]\n")
	for _, it := range manifest.DocumentationItems {
		fmt.Fprintf(&b, "%s = %q\n", it.Key, base+"/"+it.Key)
	}
	return b.String()
}

// TestActionInputsConfined refuses a checked folder or a vulnerability source
// that a pull request turned into a link out of the workspace or to a FIFO:
// the run stops before it reads anything outside.
func TestActionInputsConfined(t *testing.T) {
	for name, tc := range map[string]struct {
		link, target string
		env          map[string]string
	}{
		"path to the parent":   {"products", "..", map[string]string{"INPUT_PATH": "products"}},
		"path absolute":        {"products", "/etc", map[string]string{"INPUT_PATH": "products"}},
		"kev to stdout":        {"kev.json", "/proc/self/fd/1", vulnsInputs("INPUT_KEV", "kev.json")},
		"vuln-db outside":      {"osv", "/etc", vulnsInputs("INPUT_VULN-DB", "osv")},
		"vuln-db via the link": {"up", "..", vulnsInputs("INPUT_VULN-DB", "up/secrets")},
	} {
		t.Run(name, func(t *testing.T) {
			r := newRunner(t, nil, "push")
			r.load("smart-lock")
			if err := os.Symlink(tc.target, filepath.Join(r.ws, tc.link)); err != nil {
				t.Skip("symlinks unavailable:", err)
			}
			for k, v := range tc.env {
				r.env[k] = v
			}
			stdout, _, status := r.run()
			if status != ExitError || !strings.Contains(stdout, "::error title=cra-gate::input ") {
				t.Errorf("status %d, want %d with the input named:\n%s", status, ExitError, stdout)
			}
		})
	}
}

// vulnsInputs are the Action inputs of a vulns run with input key = value,
// the OSV API pointed at a closed loopback port.
func vulnsInputs(key, value string) map[string]string {
	return map[string]string{key: value, "INPUT_OSV-API": "https://127.0.0.1:1", "INPUT_VULNERABILITIES": "true"}
}

// TestActionFirstPushAcceptingComments: a passing run that accepts a gap by
// a waiver posts a comment on its first push, saying so; one that accepts
// nothing posts none.
func TestActionFirstPushAcceptingComments(t *testing.T) {
	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request")
	r.load("smart-lock")
	if _, _, status := r.run(); status != ExitPass || len(gh.all()) != 0 {
		t.Fatalf("a clean pass: status %d, %d comments; want 0 and none", status, len(gh.all()))
	}
	path := filepath.Join(r.ws, "cra.toml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := strings.Replace(string(data), "acknowledge_days = 5", "acknowledge_days = 30", 1) +
		"\n[[waiver]]\nrule = \"disclosure-acknowledge-slow\"\nreason = \"The new on-call rota answers within 10 days from March.\"\nuntil = 2027-03-31\n"
	if err := os.WriteFile(path, []byte(m), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, status := r.run(); status != ExitPass {
		t.Fatalf("a pass with a waiver: status %d", status)
	}
	cs := gh.all()
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "✅ CRA gate passed") || !strings.Contains(cs[0].Body, "(1 waived)") ||
		!strings.Contains(cs[0].Body, "🙈 1 waived finding") {
		t.Fatalf("want one comment naming the waived finding, got %d:\n%v", len(cs), cs)
	}
}

// TestActionPullRequestTargetNamesTheCheckout: on pull_request_target the
// workspace holds the base branch unless the workflow checked out the head:
// the comment names the commit the workspace holds and says the head was not
// checked, or names the head when it was.
func TestActionPullRequestTargetNamesTheCheckout(t *testing.T) {
	head, base := strings.Repeat("a", 40), strings.Repeat("b", 40)
	for _, tc := range []struct {
		name      string
		git       map[string]string // files of .git
		want      string            // in the comment's heading
		note      string            // in the comment, "" for none
		wantLinks string
	}{
		{"head checked out (detached)", map[string]string{"HEAD": head + "\n"}, "checked [<code>aaaaaaa</code>]", "", head},
		{"base branch (loose ref)", map[string]string{"HEAD": "ref: refs/heads/main\n", "refs/heads/main": base + "\n"},
			"checked [<code>bbbbbbb</code>]", "this run checked bbbbbbb, not the pull request's head aaaaaaa", base},
		{"base branch (packed ref)", map[string]string{"HEAD": "ref: refs/heads/main\n", "packed-refs": "# pack-refs\n" + base + " refs/heads/main\n"},
			"checked [<code>bbbbbbb</code>]", "this run checked bbbbbbb, not the pull request's head aaaaaaa", base},
		{"no .git", nil, "### ❌ CRA gate failed · Brightcam Indoor 2\n", "does not claim to have checked the pull request's head aaaaaaa", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh := newFakeGitHub(t)
			r := newRunner(t, gh, "pull_request_target")
			r.load("camera-gaps")
			r.setHead(head)
			for name, content := range tc.git {
				p := filepath.Join(r.ws, ".git", filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			stdout, _, status := r.run()
			if status != ExitFail {
				t.Fatalf("status %d", status)
			}
			cs := gh.all()
			if len(cs) != 1 || !strings.Contains(cs[0].Body, tc.want) {
				t.Fatalf("want %q in the comment:\n%v", tc.want, cs)
			}
			body := cs[0].Body
			switch {
			case tc.note == "" && strings.Contains(body, "> ⚠️"):
				t.Errorf("a note although the head was checked:\n%s", body)
			case tc.note != "" && (!strings.Contains(body, "> ⚠️ this run") || !strings.Contains(body, tc.note) ||
				!strings.Contains(stdout, "::warning")):
				t.Errorf("want the note %q in the comment and a warning:\n%s", tc.note, body)
			}
			if tc.wantLinks != "" && !strings.Contains(body, "/commit/"+tc.wantLinks) {
				t.Errorf("the heading does not link %s", tc.wantLinks)
			}
			if strings.Contains(body, "/commit/"+head) && tc.wantLinks != head {
				t.Errorf("the comment links the head it did not check")
			}
		})
	}
}

// TestActionNVDKeyMasked: the NVD API key is masked before anything else
// could print it, and an http NVD API is refused.
func TestActionNVDKeyMasked(t *testing.T) {
	r := newRunner(t, nil, "push")
	r.load("smart-lock")
	r.env["INPUT_VULNERABILITIES"] = "true"
	r.env["INPUT_OSV-API"] = "https://127.0.0.1:1"
	r.env["INPUT_NVD-API"] = "http://services.nvd.example/rest/json/cves/2.0"
	r.env["INPUT_NVD-API-KEY"] = "nvd-key-0123456789"
	stdout, _, status := r.run()
	if !strings.Contains(stdout, "::add-mask::nvd-key-0123456789") {
		t.Errorf("the NVD key was not masked:\n%s", stdout)
	}
	if status != ExitError || !strings.Contains(stdout, "nvd-api") {
		t.Errorf("an http NVD API: status %d\n%s", status, stdout)
	}
}

// TestActionBaseComparison: the base checked out to .cra-gate/base
// (base-path). A passing pull request that adds a waiver (for a rule that
// finds nothing: the waiver-unused warning it introduces) still gets a
// comment, which leads with what it introduces and lists the waiver; the
// JSON report marks findings; the base's folder is never taken for a
// product of the change (a glob config finds no cra.toml under it).
func TestActionBaseComparison(t *testing.T) {
	gh := newFakeGitHub(t)
	r := newRunner(t, gh, "pull_request")
	r.load("smart-lock")
	base := filepath.Join(r.ws, ".cra-gate", "base")
	if err := os.CopyFS(base, os.DirFS(filepath.Join("..", "..", "examples", "smart-lock"))); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(r.ws, "cra.toml")
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, "\n[[waiver]]\nrule = \"sbom-drift-missing\"\nreason = \"The BLE library ships in the next firmware SBOM.\"\n"+
		"until = 2027-01-31\n"...)
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
	r.env["INPUT_BASE-PATH"] = ".cra-gate/base"
	stdout, stderr, status := r.run()
	if status != ExitPass {
		t.Fatalf("status %d, want %d\nstdout:\n%s\nstderr:\n%s", status, ExitPass, stdout, stderr)
	}
	cs := gh.all()
	if len(cs) != 1 {
		t.Fatalf("%d comments, want one: a passing change that weakens a declaration is shown to the reviewer", len(cs))
	}
	for _, want := range []string{"**🆕 Introduced by this pull request: 1 warning**", "waiver-unused",
		"- ⚠️ <code>cra.toml:", "waiver added: sbom-drift-missing (until 2027-01-31)"} {
		if !strings.Contains(cs[0].Body, want) {
			t.Errorf("comment lacks %q:\n%s", want, cs[0].Body)
		}
	}
	data, err := os.ReadFile(r.outputs()["report"])
	if err != nil {
		t.Fatal(err)
	}
	var rep finding.Result
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Base == nil || rep.Base.Path != ".cra-gate/base" || len(rep.DeclarationChanges) != 1 || rep.DeclarationChanges[0].Kind != "waiver-added" {
		t.Errorf("report base %+v, changes %+v", rep.Base, rep.DeclarationChanges)
	}

	// A glob finds the change's products only, never the base's copy.
	r.env["INPUT_CONFIG"] = "**/cra.toml"
	if stdout, _, _ := r.run(); strings.Contains(stdout, ".cra-gate/base/cra.toml") {
		t.Errorf("the base's cra.toml was checked as a product:\n%s", stdout)
	}

	// A base-path outside the workspace is refused.
	r.env["INPUT_CONFIG"] = "cra.toml"
	r.env["INPUT_BASE-PATH"] = "../elsewhere"
	if _, stderr, status := r.run(); status != ExitError {
		t.Errorf("base-path outside the workspace: status %d, want %d\n%s", status, ExitError, stderr)
	}
}

// TestActionCheckRun: with a token that may write checks, the findings go
// to one check run (all of them, introduced ones first), not to workflow
// commands, and the job summary says so; without, workflow commands, and
// the summary says why.
func TestActionCheckRun(t *testing.T) {
	gh := newFakeGitHub(t)
	gh.allowChecks = true
	r := newRunner(t, gh, "pull_request")
	r.load("camera-gaps")
	r.setHead(strings.Repeat("ab", 20))
	stdout, stderr, status := r.run()
	if status != ExitFail {
		t.Fatalf("status %d\n%s\n%s", status, stdout, stderr)
	}
	if len(gh.checkRuns) != 1 {
		t.Fatalf("%d check runs, want 1", len(gh.checkRuns))
	}
	c := gh.checkRuns[0]
	if c.Name != "cra-gate: cra.toml" || c.HeadSHA != strings.Repeat("ab", 20) || c.Conclusion != "failure" || len(c.Annotations) < 30 {
		t.Errorf("check run %s on %s, %s, %d annotations", c.Name, c.HeadSHA, c.Conclusion, len(c.Annotations))
	}
	if c.Annotations[0]["annotation_level"] != "failure" || c.Annotations[len(c.Annotations)-1]["annotation_level"] != "notice" {
		t.Errorf("errors first, notices last: %v ... %v", c.Annotations[0], c.Annotations[len(c.Annotations)-1])
	}
	if len(annotationLines(stdout)) != 0 {
		t.Errorf("workflow commands written beside the check run:\n%s", strings.Join(annotationLines(stdout), "\n"))
	}
	if sum := r.readSummary(); !strings.Contains(sum, fmt.Sprintf("Annotations: %d of %d findings in the [check run](https://github.com/acme/widget/runs/1)",
		len(c.Annotations), len(c.Annotations))) {
		t.Errorf("summary does not say where the annotations are:\n%s", sum[max(0, len(sum)-400):])
	}

	gh.allowChecks = false
	stdout, _, _ = r.run()
	if n := len(annotationLines(stdout)); n == 0 || n > 31 {
		t.Errorf("%d workflow commands, want the capped fallback", n)
	}
	if sum := r.readSummary(); !strings.Contains(sum, "Annotations: workflow commands, 10 per level") || !strings.Contains(sum, "`checks: write`") {
		t.Errorf("summary does not say why workflow commands:\n%s", sum[max(0, len(sum)-400):])
	}
}
