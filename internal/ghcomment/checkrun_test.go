package ghcomment

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const headSHA = "5d41402abc4b2a76b9719d911017c592aabbccdd"

func annotations(n int) []Annotation {
	var out []Annotation
	for i := range n {
		out = append(out, Annotation{Path: "cra.toml", StartLine: i, Level: "failure", Title: "scope-x", Message: fmt.Sprintf("gap %d", i)})
	}
	return out
}

// TestPublishCheckRun: 120 annotations go out as one create of 50 and two
// updates (50, 20), in order; the run names the commit and its conclusion.
func TestPublishCheckRun(t *testing.T) {
	f := newFake(t, "")
	res, err := PublishCheckRun(context.Background(), f.opts(&sleeper{}, &logSink{}), CheckRun{Name: "cra-gate: cra.toml", HeadSHA: headSHA,
		Conclusion: "failure", Title: "3 errors", Summary: "see the comment", Annotations: annotations(120)})
	if err != nil || res.Action != ActionCreated || res.Warning != "" {
		t.Fatalf("result %+v, err %v", res, err)
	}
	if got := strings.Join(f.writes(), "\n"); got != "POST /repos/acme/widget/check-runs\nPATCH /repos/acme/widget/check-runs/1001\n"+
		"PATCH /repos/acme/widget/check-runs/1001" {
		t.Errorf("requests:\n%s", got)
	}
	c := f.checks[0]
	if c.HeadSHA != headSHA || c.Conc != "failure" || c.Status != "completed" || len(c.Annotations) != 120 {
		t.Fatalf("check run %+v with %d annotations", c, len(c.Annotations))
	}
	if c.Annotations[0]["start_line"].(float64) != 1 || c.Annotations[119]["message"] != "gap 119" {
		t.Errorf("first %v, last %v: line 0 becomes 1, order kept", c.Annotations[0], c.Annotations[119])
	}
	if res.URL != "https://github.com/acme/widget/runs/1001" || res.Calls != 3 {
		t.Errorf("url %q, %d calls", res.URL, res.Calls)
	}
}

// TestPublishCheckRunBounded: past MaxCheckAnnotations nothing more is sent.
func TestPublishCheckRunBounded(t *testing.T) {
	f := newFake(t, "")
	res, err := PublishCheckRun(context.Background(), f.opts(&sleeper{}, &logSink{}), CheckRun{Name: "cra-gate", HeadSHA: headSHA,
		Conclusion: "failure", Annotations: annotations(MaxCheckAnnotations + 500)})
	if err != nil || len(f.checks[0].Annotations) != MaxCheckAnnotations || res.Calls != MaxCheckAnnotations/CheckAnnotationsPerRequest {
		t.Errorf("%d annotations in %d calls (err %v)", len(f.checks[0].Annotations), res.Calls, err)
	}
}

// TestPublishCheckRunForbidden: a token that may not write checks (GitHub's
// 403 "Resource not accessible by integration") is a skip with a warning
// that says what to grant, never an error and never the token.
func TestPublishCheckRunForbidden(t *testing.T) {
	f := newFake(t, "")
	f.hook = func(w http.ResponseWriter, r *http.Request, n int) bool {
		ghError(w, http.StatusForbidden, "Resource not accessible by integration", "https://docs.github.com/rest/checks/runs#create-a-check-run")
		return true
	}
	res, err := PublishCheckRun(context.Background(), f.opts(&sleeper{}, &logSink{}), CheckRun{Name: "cra-gate", HeadSHA: headSHA,
		Conclusion: "failure", Annotations: annotations(3)})
	if err != nil || res.Action != ActionSkipped || !strings.Contains(res.Warning, "checks: write") || strings.Contains(res.Warning, testToken) {
		t.Errorf("result %+v, err %v", res, err)
	}
	if _, err := PublishCheckRun(context.Background(), f.opts(&sleeper{}, &logSink{}), CheckRun{Name: "x", HeadSHA: "main"}); err == nil {
		t.Error("a branch name was taken for a commit")
	}
}
