package ghcomment

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// upsert runs Upsert and checks that the token leaks nowhere.
func upsert(t *testing.T, opt Options, logs *logSink, body string) (Result, error) {
	t.Helper()
	res, err := upsertBody(context.Background(), opt, body)
	assertNoToken(t, res, err, logs)
	return res, err
}

func assertNoToken(t *testing.T, res Result, err error, logs *logSink) {
	t.Helper()
	out := fmt.Sprintf("%+v %#v", res, res) + logs.String()
	if err != nil {
		out += err.Error() + fmt.Sprintf("%+v %#v", err, err)
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			out += e.Error()
		}
	}
	for _, s := range []string{testToken, testToken[4:20]} {
		if strings.Contains(out, s) {
			t.Fatalf("token leaked in output: %s", out)
		}
	}
}

func countPrefix(reqs []string, prefix string) int {
	n := 0
	for _, r := range reqs {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

func TestCreateUpdateUnchanged(t *testing.T) {
	f := newFake(t, "")
	f.add("LGTM", "alice", "User")
	var sl sleeper
	var logs logSink
	opt := f.opts(&sl, &logs)

	res, err := upsert(t, opt, &logs, "## cra-gate\n3 gaps")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != ActionCreated || res.Calls != 2 || res.ID == 0 {
		t.Fatalf("first run: %+v", res)
	}
	if got := f.requests(); countPrefix(got, "GET ") != 1 || countPrefix(got, "POST /repos/acme/widget/issues/7/comments") != 1 {
		t.Fatalf("requests: %v", got)
	}
	c := f.comment(res.ID)
	if want := Marker("cra.toml") + "\n## cra-gate\n3 gaps"; c.Body != want {
		t.Fatalf("posted body %q, want %q", c.Body, want)
	}
	if !strings.HasSuffix(res.URL, "#issuecomment-"+strconv.FormatInt(res.ID, 10)) {
		t.Fatalf("URL %q", res.URL)
	}

	res2, err := upsert(t, opt, &logs, "## cra-gate\n1 gap")
	if err != nil {
		t.Fatal(err)
	}
	if res2.Action != ActionUpdated || res2.ID != res.ID || res2.Calls != 2 {
		t.Fatalf("second run: %+v (first id %d)", res2, res.ID)
	}
	wantPatch := fmt.Sprintf("PATCH /repos/acme/widget/issues/comments/%d", res.ID)
	if w := f.writes(); len(w) != 2 || w[1] != wantPatch {
		t.Fatalf("writes %v, want second %q", w, wantPatch)
	}
	if f.count() != 2 || !strings.HasSuffix(f.comment(res.ID).Body, "1 gap") {
		t.Fatalf("comment not updated in place")
	}

	res3, err := upsert(t, opt, &logs, "## cra-gate\n1 gap")
	if err != nil {
		t.Fatal(err)
	}
	if res3.Action != ActionUnchanged || res3.ID != res.ID || res3.Calls != 1 || len(f.writes()) != 2 {
		t.Fatalf("third run: %+v, writes %v", res3, f.writes())
	}
	if len(sl.got()) != 0 {
		t.Fatalf("slept: %v", sl.got())
	}
}

func TestBodyAlreadyMarkedIsNotDoubled(t *testing.T) {
	f := newFake(t, "")
	var sl sleeper
	var logs logSink
	body := Marker("cra.toml") + "\nhello"
	res, err := upsert(t, f.opts(&sl, &logs), &logs, body)
	if err != nil || res.Action != ActionCreated {
		t.Fatal(res, err)
	}
	if got := f.comment(res.ID).Body; got != body {
		t.Fatalf("body %q", got)
	}
}

func TestFindsMarkerOnSecondPage(t *testing.T) {
	f := newFake(t, "")
	var ours int64
	for i := 0; i < 130; i++ {
		if i == 120 {
			ours = f.add(Marker("cra.toml")+"\nold", "github-actions[bot]", "Bot")
			continue
		}
		f.add(fmt.Sprintf("comment %d", i), "alice", "User")
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "new")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != ActionUpdated || res.ID != ours || res.Calls != 3 {
		t.Fatalf("%+v, want updated id %d with 3 calls", res, ours)
	}
	reqs := f.requests()
	var lists []string
	for _, r := range reqs {
		if strings.HasPrefix(r, "GET ") {
			lists = append(lists, r)
		}
	}
	if len(lists) != 2 {
		t.Fatalf("list requests %v", lists)
	}
	for _, r := range lists {
		if !strings.Contains(r, "per_page=100") {
			t.Fatalf("list without per_page=100: %s", r)
		}
	}
	if !strings.Contains(lists[1], "page=2") {
		t.Fatalf("second list did not follow Link rel=next: %s", lists[1])
	}
	if f.count() != 130 {
		t.Fatal("a comment was created")
	}
}

func TestMarkerNotAtStartIsIgnored(t *testing.T) {
	f := newFake(t, "")
	m := Marker("cra.toml")
	f.add("quoting the bot:\n"+m+"\nold report", "github-actions[bot]", "Bot")
	f.add("> "+m, "mallory", "User")
	f.add(Marker("other/cra.toml")+"\nreport for another config", "github-actions[bot]", "Bot")
	f.add("x"+m, "github-actions[bot]", "Bot")
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "report")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != ActionCreated || f.count() != 5 {
		t.Fatalf("%+v; comments %d", res, f.count())
	}
}

// TestOnlyOurAuthorsComments: a comment by anyone else is never ours,
// whatever marker it starts with, even one posted first to bait the gate
// into editing it (which its author could then edit back to "passed").
func TestOnlyOurAuthorsComments(t *testing.T) {
	f := newFake(t, "")
	m := Marker("cra.toml")
	bait := f.add(m+"\n### ✅ CRA gate: passed", "mallory", "User")
	app := f.add(m+"\nby another bot", "some-app[bot]", "Bot")
	bot1 := f.add(m+"\nfirst", "github-actions[bot]", "Bot")
	f.add(m+"\nduplicate", "github-actions[bot]", "Bot")
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "new")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != ActionUpdated || res.ID != bot1 {
		t.Fatalf("%+v, want update of %d", res, bot1)
	}
	if f.comment(bait).Body != m+"\n### ✅ CRA gate: passed" || f.comment(app).Body != m+"\nby another bot" {
		t.Fatal("someone else's comment was edited")
	}
	if !strings.Contains(logs.String(), "found 2 comments") {
		t.Fatalf("no duplicate note in logs: %q", logs.String())
	}
}

// TestBaitAloneGetsOurOwnComment: with only someone else's marked comment,
// the gate posts its own.
func TestBaitAloneGetsOurOwnComment(t *testing.T) {
	f := newFake(t, "")
	bait := f.add(Marker("cra.toml")+"\nfake", "mallory", "User")
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "report")
	if err != nil || res.Action != ActionCreated || res.ID == bait || f.count() != 2 {
		t.Fatalf("%+v, %v; comments %d", res, err, f.count())
	}
}

func TestNamedAuthor(t *testing.T) {
	// A PAT posts as its user, an App as "<slug>[bot]": Options.Author names it.
	f := newFake(t, "")
	f.add(Marker("cra.toml")+"\nby the default bot", "github-actions[bot]", "Bot")
	id := f.add(Marker("cra.toml")+"\nold", "Release-Bot-Account", "User")
	var sl sleeper
	var logs logSink
	opt := f.opts(&sl, &logs)
	opt.Author = "release-bot-account"
	res, err := upsert(t, opt, &logs, "new")
	if err != nil || res.Action != ActionUpdated || res.ID != id {
		t.Fatal(res, err)
	}
}

func TestForkReadOnlyTokenSkips(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodPost {
			ghError(w, http.StatusForbidden, "Resource not accessible by integration",
				"https://docs.github.com/rest/issues/comments#create-an-issue-comment")
			return true
		}
		return false
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "report")
	if err != nil {
		t.Fatalf("want no error, got %v", err)
	}
	if res.Action != ActionSkipped || res.Calls != 2 {
		t.Fatalf("%+v", res)
	}
	for _, want := range []string{"Resource not accessible by integration",
		"forks",
		"pull-requests: write",
		"workflow_run",
		"cra-gate comment --report FILE --pr N"} {
		if !strings.Contains(res.Warning, want) {
			t.Errorf("warning %q lacks %q", res.Warning, want)
		}
	}
	if len(sl.got()) != 0 {
		t.Errorf("403 was retried: %v", sl.got())
	}
}

func TestNotFoundOnWriteSkips(t *testing.T) {
	f := newFake(t, "")
	f.add(Marker("cra.toml")+"\nold", "github-actions[bot]", "Bot")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodPatch {
			ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest")
			return true
		}
		return false
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "new")
	if err != nil || res.Action != ActionSkipped || !strings.Contains(res.Warning, "pull-requests: write") {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestListForbiddenSkipsAndListNotFoundErrors(t *testing.T) {
	f := newFake(t, "")
	status := http.StatusForbidden
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		ghError(w, status, "Resource not accessible by integration", "https://docs.github.com/rest")
		return true
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
	if err != nil || res.Action != ActionSkipped || !strings.Contains(res.Warning, "pull-requests: read") {
		t.Fatalf("403 on list: %+v %v", res, err)
	}
	status = http.StatusNotFound
	_, err = upsert(t, f.opts(&sl, &logs), &logs, "x")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 404 || !strings.Contains(err.Error(), "acme/widget#7") {
		t.Fatalf("404 on list: %v", err)
	}
}

func TestUnauthorizedIsError(t *testing.T) {
	f := newFake(t, "")
	var sl sleeper
	var logs logSink
	opt := f.opts(&sl, &logs)
	opt.Token = "ghp_wrongTOKENvalue0000000000000000"
	res, err := upsertBody(context.Background(), opt, "x")
	if err == nil || !errors.Is(err, ErrTokenRejected) || !strings.Contains(err.Error(), "token rejected") ||
		!strings.Contains(err.Error(), "Bad credentials") {
		t.Fatalf("want token rejected error, got %v", err)
	}
	if strings.Contains(err.Error()+logs.String(), opt.Token) {
		t.Fatal("token leaked")
	}
	if res.Calls != 1 || len(sl.got()) != 0 {
		t.Fatalf("401 retried: %+v %v", res, sl.got())
	}
}

func TestServerErrorsRetriedWithBackoff(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n < 2 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html>Bad Gateway</html>")
			return true
		}
		return false
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
	if err != nil || res.Action != ActionCreated || res.Calls != 4 {
		t.Fatalf("%+v %v", res, err)
	}
	if want := []time.Duration{time.Second, 2 * time.Second}; !reflect.DeepEqual(sl.got(), want) {
		t.Fatalf("sleeps %v, want %v", sl.got(), want)
	}
	if !strings.Contains(logs.String(), "502") {
		t.Fatalf("retry not logged: %q", logs.String())
	}
}

func TestServerErrorsGiveUp(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		ghError(w, http.StatusServiceUnavailable, "Service Unavailable", "")
		return true
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "4 attempts") {
		t.Fatalf("want 503 error, got %v", err)
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !reflect.DeepEqual(sl.got(), want) || res.Calls != 4 {
		t.Fatalf("sleeps %v calls %d", sl.got(), res.Calls)
	}

	// MaxRetries < 0 disables retries.
	sl = sleeper{}
	opt := f.opts(&sl, &logs)
	opt.MaxRetries = -1
	res, err = upsert(t, opt, &logs, "x")
	if err == nil || res.Calls != 1 || len(sl.got()) != 0 {
		t.Fatalf("%+v %v %v", res, err, sl.got())
	}
}

func TestConnectionErrorRetried(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return true
			}
			conn.Close()
			return true
		}
		return false
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
	if err != nil || res.Action != ActionCreated {
		t.Fatalf("%+v %v", res, err)
	}
	if len(sl.got()) != 1 || sl.got()[0] != time.Second {
		t.Fatalf("sleeps %v", sl.got())
	}
}

func TestRequestTimeoutRetried(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 0 {
			<-r.Context().Done() // hang until the client gives up
			return true
		}
		return false
	}
	var sl sleeper
	var logs logSink
	opt := f.opts(&sl, &logs)
	opt.Timeout = 50 * time.Millisecond
	res, err := upsert(t, opt, &logs, "x")
	if err != nil || res.Action != ActionCreated || len(sl.got()) != 1 {
		t.Fatalf("%+v %v %v", res, err, sl.got())
	}
	if !strings.Contains(logs.String(), "timed out") {
		t.Fatalf("logs %q", logs.String())
	}
}

func TestCreateFailureDoesNotDuplicate(t *testing.T) {
	for _, applied := range []bool{true, false} {
		t.Run(fmt.Sprintf("applied=%v", applied), func(t *testing.T) {
			f := newFake(t, "")
			var posts atomic.Int32
			f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
				if r.Method == http.MethodPost && posts.Add(1) == 1 {
					if applied {
						f.add(Marker("cra.toml")+"\nreport", "github-actions[bot]", "Bot")
					}
					ghError(w, http.StatusBadGateway, "Server Error", "")
					return true
				}
				return false
			}
			var sl sleeper
			var logs logSink
			res, err := upsert(t, f.opts(&sl, &logs), &logs, "report")
			if err != nil || res.Action != ActionCreated {
				t.Fatalf("%+v %v", res, err)
			}
			wantPosts := int32(2)
			if applied {
				wantPosts = 1
			}
			if posts.Load() != wantPosts || f.count() != 1 {
				t.Fatalf("posts %d, comments %d; requests %v", posts.Load(), f.count(), f.requests())
			}
		})
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	cases := []struct {
		name   string
		status int
		doc    string
	}{
		{"429", http.StatusTooManyRequests, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"},
		{"403 secondary", http.StatusForbidden, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, "")
			f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
				if n == 0 {
					w.Header().Set("Retry-After", "2")
					ghError(w, tc.status, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", tc.doc)
					return true
				}
				return false
			}
			var sl sleeper
			var logs logSink
			res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
			if err != nil || res.Action != ActionCreated || res.Calls != 3 {
				t.Fatalf("%+v %v", res, err)
			}
			if want := []time.Duration{2 * time.Second}; !reflect.DeepEqual(sl.got(), want) {
				t.Fatalf("sleeps %v, want %v", sl.got(), want)
			}
		})
	}
}

func TestRetryAfterTooLongGivesUp(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Retry-After", "120")
		ghError(w, http.StatusTooManyRequests, "slow down", "")
		return true
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
	if err != nil || res.Action != ActionSkipped || !strings.Contains(res.Warning, "2m0s") || len(sl.got()) != 0 || res.Calls != 1 {
		t.Fatalf("%+v %v %v", res, err, sl.got())
	}
}

func TestRateLimitAgainAfterWaitGivesUp(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Retry-After", "1")
		ghError(w, http.StatusTooManyRequests, "slow down", "")
		return true
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
	if err != nil || res.Action != ActionSkipped || res.Calls != 2 || len(sl.got()) != 1 {
		t.Fatalf("%+v %v %v", res, err, sl.got())
	}
}

func TestSecondaryLimitWithoutHintGivesUp(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodPost {
			ghError(w, http.StatusForbidden, "You have exceeded a secondary rate limit.",
				"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits")
			return true
		}
		return false
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
	if err != nil || res.Action != ActionSkipped || !strings.Contains(res.Warning, "secondary rate limit") || len(sl.got()) != 0 {
		t.Fatalf("%+v %v %v", res, err, sl.got())
	}
	if strings.Contains(res.Warning, "forks") {
		t.Fatalf("rate limit reported as a permission problem: %q", res.Warning)
	}
}

func TestPrimaryRateLimitResetFarGivesUp(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(45*time.Minute).Unix(), 10))
		ghError(w, http.StatusForbidden, "API rate limit exceeded for installation ID 1234.",
			"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting")
		return true
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
	if err != nil || res.Action != ActionSkipped || res.Calls != 1 || len(sl.got()) != 0 {
		t.Fatalf("%+v %v %v", res, err, sl.got())
	}
	if !strings.Contains(res.Warning, "rate limit") || !strings.Contains(res.Warning, "not updated") {
		t.Fatalf("warning %q", res.Warning)
	}
}

func TestPrimaryRateLimitResetSoonWaits(t *testing.T) {
	// The wait is computed from the server's Date header. After the
	// (injected, instant) wait the request must really be sent again:
	// go-github's remembered rate limit must not refuse it locally.
	f := newFake(t, "")
	date := time.Now().UTC().Truncate(time.Second)
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodPost && countPrefix(f.requests(), "POST ") == 1 {
			w.Header().Set("Date", date.Format(http.TimeFormat))
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(date.Add(5*time.Second).Unix(), 10))
			ghError(w, http.StatusForbidden, "API rate limit exceeded for installation ID 1234.",
				"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting")
			return true
		}
		return false
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
	if err != nil || res.Action != ActionCreated || res.Calls != 3 || countPrefix(f.requests(), "POST ") != 2 {
		t.Fatalf("%+v %v %v", res, err, f.requests())
	}
	if want := []time.Duration{6 * time.Second}; !reflect.DeepEqual(sl.got(), want) {
		t.Fatalf("sleeps %v, want %v", sl.got(), want)
	}
}

func TestLongBodyTruncated(t *testing.T) {
	f := newFake(t, "")
	var b strings.Builder
	for i := 0; b.Len() < 200000; i++ {
		fmt.Fprintf(&b, "- gap %d: missing SBOM entry ✗\n", i)
	}
	var sl sleeper
	var logs logSink
	res, err := upsert(t, f.opts(&sl, &logs), &logs, b.String())
	if err != nil || res.Action != ActionCreated {
		t.Fatal(res, err)
	}
	got := f.comment(res.ID).Body
	if n := len([]rune(got)); n >= MaxBodyChars || textLen(got) > BodyLimit {
		t.Fatalf("body has %d characters", n)
	}
	if !strings.HasPrefix(got, Marker("cra.toml")+"\n") {
		t.Fatal("marker lost")
	}
	if !strings.Contains(got, "(https://github.com/acme/widget/actions/runs/42)") {
		t.Fatal("no link to the run")
	}

	// The same long body again is recognised as unchanged.
	res, err = upsert(t, f.opts(&sl, &logs), &logs, b.String())
	if err != nil || res.Action != ActionUnchanged {
		t.Fatal(res, err)
	}
}

func TestTokenNeverLeaks(t *testing.T) {
	// A hostile or buggy server echoes the Authorization header everywhere.
	for _, status := range []int{400, 401, 403, 404, 422, 429, 500} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			f := newFake(t, "")
			f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
				auth := r.Header.Get("Authorization")
				w.Header().Set("X-Echo", auth)
				if status == 429 {
					w.Header().Set("Retry-After", "1")
				}
				writeJSON(w, status, map[string]any{
					"message":           "you sent " + auth,
					"documentation_url": "https://docs.github.com/?t=" + auth,
					"errors":            []map[string]string{{"resource": "IssueComment", "code": "custom", "message": "header " + auth}},
				})
				return true
			}
			var sl sleeper
			var logs logSink
			res, err := upsert(t, f.opts(&sl, &logs), &logs, "x")
			if err == nil && res.Warning == "" {
				t.Fatalf("no error or warning: %+v", res)
			}
			if err != nil && !strings.Contains(err.Error(), "[REDACTED]") && status != 401 {
				t.Fatalf("message not kept (redacted): %v", err)
			}
		})
	}
}

func TestRedirectElsewhereDropsToken(t *testing.T) {
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Store(true)
		}
		writeJSON(w, http.StatusOK, []any{})
	}))
	defer other.Close()
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			return true
		}
		return false
	}
	var sl sleeper
	var logs logSink
	if _, err := upsert(t, f.opts(&sl, &logs), &logs, "x"); err != nil {
		t.Fatal(err)
	}
	if leaked.Load() {
		t.Fatal("token sent to another host")
	}
}

func TestEnterpriseBaseURL(t *testing.T) {
	for _, suffix := range []string{"", "/"} {
		t.Run("suffix="+suffix, func(t *testing.T) {
			f := newFake(t, "/api/v3")
			var sl sleeper
			var logs logSink
			opt := f.opts(&sl, &logs)
			opt.APIURL += suffix
			res, err := upsert(t, opt, &logs, "one")
			if err != nil || res.Action != ActionCreated {
				t.Fatal(res, err)
			}
			res, err = upsert(t, opt, &logs, "two")
			if err != nil || res.Action != ActionUpdated {
				t.Fatal(res, err)
			}
			for _, r := range f.requests() {
				if !strings.HasPrefix(strings.SplitN(r, " ", 2)[1], "/api/v3/repos/acme/widget/issues/") {
					t.Fatalf("request outside /api/v3/: %s", r)
				}
			}
		})
	}
}

func TestInvalidOptions(t *testing.T) {
	good := Options{Token: testToken, Owner: "acme", Repo: "widget", PR: 1}
	cases := map[string]func(*Options){
		"no token":    func(o *Options) { o.Token = "" },
		"bad owner":   func(o *Options) { o.Owner = "ac/me" },
		"empty repo":  func(o *Options) { o.Repo = "" },
		"zero pr":     func(o *Options) { o.PR = 0 },
		"bad url":     func(o *Options) { o.APIURL = "ftp://x" },
		"credentials": func(o *Options) { o.APIURL = "https://user:" + testToken + "@ghe.example/api/v3" },
	}
	for name, mod := range cases {
		opt := good
		mod(&opt)
		res, err := upsertBody(context.Background(), opt, "x")
		if err == nil || res.Calls != 0 {
			t.Errorf("%s: want error without calls, got %+v %v", name, res, err)
		} else if strings.Contains(err.Error(), testToken) {
			t.Errorf("%s: token leaked: %v", name, err)
		}
	}
}

func TestContextCanceled(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		ghError(w, http.StatusBadGateway, "Server Error", "")
		return true
	}
	ctx, cancel := context.WithCancel(context.Background())
	var logs logSink
	opt := f.opts(nil, &logs)
	opt.Sleep = func(time.Duration) { cancel() }
	res, err := upsertBody(ctx, opt, "x")
	if !errors.Is(err, context.Canceled) || res.Calls != 1 {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestMarker(t *testing.T) {
	a, b := Marker("cra.toml"), Marker("sub/cra.toml")
	if a == b || a != Marker("cra.toml") {
		t.Fatal("marker not deterministic per key")
	}
	if !strings.HasPrefix(a, "<!-- cra-gate:comment key=") || !strings.HasSuffix(a, " -->") || len(a) != len(markerPrefix)+16+len(markerSuffix) {
		t.Fatalf("marker %q", a)
	}
	if m := Marker("x --> <script>"); strings.Count(m, "-->") != 1 || strings.Contains(m, "script") {
		t.Fatalf("key not hashed: %q", m)
	}
}

func TestUpdateOnly(t *testing.T) {
	f := newFake(t, "")
	f.add("LGTM", "alice", "User")
	var sl sleeper
	var logs logSink
	opt := f.opts(&sl, &logs)
	opt.UpdateOnly = true

	res, err := upsert(t, opt, &logs, "## cra-gate passed")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != ActionSkipped || res.Warning != "" || len(f.writes()) != 0 {
		t.Fatalf("no earlier comment: want a quiet skip and no write, got %+v, writes %v", res, f.writes())
	}

	opt.UpdateOnly = false
	first, err := upsert(t, opt, &logs, "## cra-gate\n3 gaps")
	if err != nil {
		t.Fatal(err)
	}
	opt.UpdateOnly = true
	res, err = upsert(t, opt, &logs, "## cra-gate passed")
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != ActionUpdated || res.ID != first.ID || !strings.HasSuffix(f.comment(first.ID).Body, "passed") {
		t.Fatalf("an earlier comment must be updated in place: %+v", res)
	}
}

// upsertBody is Upsert with a fixed body.
func upsertBody(ctx context.Context, opt Options, body string) (Result, error) {
	return Upsert(ctx, opt, func(string) (string, error) { return body, nil })
}
