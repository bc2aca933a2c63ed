package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/ghcomment"
	"github.com/cra-gate/cra-gate/internal/runnersim"
	"github.com/cra-gate/cra-gate/report"
)

// savedReport writes the JSON report of an example, as the pull_request job
// of the fork-safe pattern uploads it.
func savedReport(t *testing.T, example string) string {
	t.Helper()
	res, err := checks.Evaluate(filepath.Join("..", "..", "examples", example), "cra.toml", checks.Options{
		Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), FailOn: finding.FailOnError,
	})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.JSON(&b, res); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCommentCmd(env map[string]string, args ...string) (stdout, stderr string, status int) {
	var out, errb bytes.Buffer
	status = Main(append([]string{"comment"}, args...), IO{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }})
	return out.String(), errb.String(), status
}

func commentEnv(gh *fakeGitHub) map[string]string {
	return map[string]string{
		"GITHUB_TOKEN":      testToken,
		"GITHUB_API_URL":    gh.srv.URL,
		"GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_REPOSITORY": "acme/widget",
		"GITHUB_RUN_ID":     "2002",
	}
}

func TestCommentPostsTheActionsComment(t *testing.T) {
	gh := newFakeGitHub(t)
	env := commentEnv(gh)
	stdout, stderr, status := runCommentCmd(env, "--report", savedReport(t, "camera-gaps"), "--pr", "7",
		"--run-url", "https://github.com/acme/widget/actions/runs/1999")
	if status != ExitPass {
		t.Fatalf("status %d, want %d\nstdout:\n%s\nstderr:\n%s", status, ExitPass, stdout, stderr)
	}
	cs := gh.all()
	if len(cs) != 1 {
		t.Fatalf("%d comments, want 1", len(cs))
	}
	if !strings.HasPrefix(cs[0].Body, ghcomment.Marker("cra.toml")+"\n") || !strings.Contains(cs[0].Body, "❌ CRA gate") {
		t.Errorf("comment is not the failing report under the Action's marker:\n%s", cs[0].Body)
	}
	if !strings.Contains(cs[0].Body, "/actions/runs/1999") {
		t.Errorf("comment does not link the --run-url")
	}
	if !strings.Contains(stdout, "pull request comment created: https://github.com/acme/widget/pull/7#issuecomment-") {
		t.Errorf("stdout does not say where the comment is:\n%s", stdout)
	}
	checkNoToken(t, "stdout", stdout)
	checkNoToken(t, "stderr", stderr)

	// The Action on the same pull request updates that comment, not a second one.
	r := newRunner(t, gh, "pull_request")
	r.load("smart-lock")
	if _, _, status := r.run(); status != ExitPass {
		t.Fatalf("action: status %d", status)
	}
	if cs2 := gh.all(); len(cs2) != 1 || cs2[0].ID != cs[0].ID || !strings.Contains(cs2[0].Body, "✅ CRA gate") {
		t.Errorf("the Action did not update the comment posted by cra-gate comment: %+v", cs2)
	}

	// A passing report under another config key has no earlier comment to update: none is created.
	if _, stderr, status := runCommentCmd(env,
		"--report",
		savedReport(t, "smart-lock"),
		"--pr",
		"7",
		"--config-key",
		"firmware/cra.toml"); status != ExitPass || len(gh.all()) != 1 {
		t.Fatalf("status %d, %d comments\n%s", status, len(gh.all()), stderr)
	}
	// A failing one gets its own comment; the default run URL is this run.
	if _, stderr, status := runCommentCmd(env, "--report", savedReport(t, "camera-gaps"), "--pr", "7", "--config-key", "firmware/cra.toml"); status != ExitPass {
		t.Fatalf("status %d\n%s", status, stderr)
	}
	cs = gh.all()
	if len(cs) != 2 || !strings.HasPrefix(cs[1].Body, ghcomment.Marker("firmware/cra.toml")+"\n") {
		t.Fatalf("want a second comment under the firmware/cra.toml marker: %+v", cs)
	}
	if !strings.Contains(cs[1].Body, "https://github.com/acme/widget/actions/runs/2002") {
		t.Errorf("default run URL not linked:\n%s", cs[1].Body)
	}
}

func TestCommentTokenFromInput(t *testing.T) {
	gh := newFakeGitHub(t)
	env := commentEnv(gh)
	delete(env, "GITHUB_TOKEN")
	env["INPUT_TOKEN"] = testToken
	env["GITHUB_ACTIONS"] = "true"
	stdout, stderr, status := runCommentCmd(env, "--report", savedReport(t, "camera-gaps"), "--pr", "7")
	if status != ExitPass || len(gh.all()) != 1 {
		t.Fatalf("status %d, %d comments\nstdout:\n%s\nstderr:\n%s", status, len(gh.all()), stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "::add-mask::"+testToken+"\n") {
		t.Errorf("in Actions the token is not masked first:\n%s", stdout)
	}
	checkCommands(t, stdout)
}

func TestCommentForbiddenIsAWarning(t *testing.T) {
	for _, actions := range []bool{false, true} {
		gh := newFakeGitHub(t)
		gh.denyWrites = true
		env := commentEnv(gh)
		if actions {
			env["GITHUB_ACTIONS"] = "true"
		}
		stdout, stderr, status := runCommentCmd(env, "--report", savedReport(t, "camera-gaps"), "--pr", "7")
		if status != ExitPass {
			t.Errorf("actions=%v: status %d, want %d (GitHub refusing is a warning)", actions, status, ExitPass)
		}
		where := stderr
		if actions {
			where = stdout
			checkCommands(t, stdout)
		}
		if !strings.Contains(where, "403") || !strings.Contains(where, "warning") {
			t.Errorf("actions=%v: no warning about the 403\nstdout:\n%s\nstderr:\n%s", actions, stdout, stderr)
		}
		checkNoToken(t, "stdout", stdout)
		checkNoToken(t, "stderr", stderr)
	}
}

func TestCommentRejectsBadArguments(t *testing.T) {
	good := savedReport(t, "smart-lock")
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	huge := filepath.Join(dir, "huge.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxReportBytes + 1); err != nil { // sparse: nothing is written
		t.Fatal(err)
	}
	f.Close()

	for name, tc := range map[string]struct {
		args    []string
		noToken bool
		want    string
	}{
		"no report":        {args: []string{"--pr", "7"}, want: "--report"},
		"no pr":            {args: []string{"--report", good}, want: "--pr"},
		"pr zero":          {args: []string{"--report", good, "--pr", "0"}, want: "--pr"},
		"pr negative":      {args: []string{"--report", good, "--pr", "-7"}, want: "--pr"},
		"pr hex":           {args: []string{"--report", good, "--pr", "0x7"}, want: "--pr"},
		"pr exponent":      {args: []string{"--report", good, "--pr", "7e2"}, want: "--pr"},
		"pr text":          {args: []string{"--report", good, "--pr", "7; rm -rf /"}, want: "--pr"},
		"pr overflow":      {args: []string{"--report", good, "--pr", "99999999999999"}, want: "--pr"},
		"repo no slash":    {args: []string{"--report", good, "--pr", "7", "--repo", "acme"}, want: "--repo"},
		"repo three parts": {args: []string{"--report", good, "--pr", "7", "--repo", "acme/widget/x"}, want: "--repo"},
		"repo dot-dot":     {args: []string{"--report", good, "--pr", "7", "--repo", "../widget"}, want: "--repo"},
		"repo space":       {args: []string{"--report", good, "--pr", "7", "--repo", "acme/wid get"}, want: "--repo"},
		"positional":       {args: []string{"--report", good, "--pr", "7", "extra"}, want: "no arguments"},
		"no token":         {args: []string{"--report", good, "--pr", "7"}, noToken: true, want: "token"},
		"missing file":     {args: []string{"--report", filepath.Join(dir, "nope.json"), "--pr", "7"}, want: "--report"},
		"directory":        {args: []string{"--report", dir, "--pr", "7"}, want: "not a regular file"},
		"too large":        {args: []string{"--report", huge, "--pr", "7"}, want: "more than"},
		"not json":         {args: []string{"--report", write("bad.json", "<html>"), "--pr", "7"}, want: "not a cra-gate JSON report"},
		"future version":   {args: []string{"--report", write("v9.json", `{"version": 9}`), "--pr", "7"}, want: "version 9"},
	} {
		t.Run(name, func(t *testing.T) {
			gh := newFakeGitHub(t)
			env := commentEnv(gh)
			if tc.noToken {
				delete(env, "GITHUB_TOKEN")
			}
			_, stderr, status := runCommentCmd(env, tc.args...)
			if status != ExitError {
				t.Errorf("status %d, want %d", status, ExitError)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr does not mention %q:\n%s", tc.want, stderr)
			}
			if n := len(gh.requests()); n != 0 {
				t.Errorf("%d API calls, want none", n)
			}
		})
	}
}

func TestLogReportStopsCommands(t *testing.T) {
	// Text output that would run commands if it reached the log unguarded.
	res := &finding.Result{
		Passed: false,
		Findings: []finding.Finding{{
			Check: finding.CheckManifest, Rule: "r", Severity: finding.Error,
			File: "  ::error::pwned", Line: 1, Message: "m\n::error::pwned again ##[set-output name=passed;]true",
			Source: "x = 1 # ##[set-output name=passed;]true",
		}},
	}
	var ids []string
	for _, c := range checks.Checks() {
		ids = append(ids, c.ID)
	}
	res.Evaluate(finding.FailOnError, ids, nil)
	var out bytes.Buffer
	r := newRunner(t, nil, "push")
	a := &actionRun{std: IO{Stdout: &out, Getenv: r.getenv}}
	a.gha = newGHA(a.std)
	a.logReport(res)
	// Two guards: the report is wrapped in stop-commands, and is command-free
	// even without them.
	lines := strings.Split(out.String(), "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[1], "::stop-commands::cra-gate-") {
		t.Fatalf("the report is not wrapped in stop-commands:\n%s", out.String())
	}
	inner := strings.Join(lines[2:len(lines)-3], "\n")
	if cmds := runnersim.Commands(inner); len(cmds) > 0 {
		t.Errorf("the report alone issues %q:\n%s", cmds, inner)
	}
	checkCommands(t, out.String())
}

// TestCommentRefusesInconsistentReport: the report of a fork's run is not
// trusted: a verdict, a count or a check status its findings do not support
// is refused before any API call.
func TestCommentRefusesInconsistentReport(t *testing.T) {
	for name, forge := range map[string]func(map[string]any){
		"passed flipped": func(m map[string]any) { m["passed"] = true },
		"errors hidden":  func(m map[string]any) { m["summary"].(map[string]any)["errors"] = 0.0 },
		"check passed": func(m map[string]any) {
			for _, c := range m["checks"].([]any) {
				c.(map[string]any)["status"] = "pass"
			}
		},
		"fail_on never claimed": func(m map[string]any) { m["fail_on"] = "sometimes" },
	} {
		t.Run(name, func(t *testing.T) {
			p := savedReport(t, "camera-gaps")
			data, _ := os.ReadFile(p)
			var m map[string]any
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			forge(m)
			data, _ = json.Marshal(m)
			os.WriteFile(p, data, 0o644)
			gh := newFakeGitHub(t)
			_, stderr, status := runCommentCmd(commentEnv(gh), "--report", p, "--pr", "7")
			if status != ExitError || !strings.Contains(stderr, "is inconsistent, so no comment was written") {
				t.Errorf("status %d, want %d refusing:\n%s", status, ExitError, stderr)
			}
			if reqs := gh.requests(); len(reqs) != 0 {
				t.Errorf("%d API calls for a refused report", len(reqs))
			}
		})
	}
	// Dropping findings and their counts together is consistent: what the
	// comment cannot verify, it cannot refuse (the pull_request job's own
	// status check is the verdict of record).
}
