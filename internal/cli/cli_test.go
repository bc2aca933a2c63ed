package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/cra-gate/cra-gate/checks"
)

// runMain runs the command line with env as the whole environment.
func runMain(env map[string]string, tty bool, args ...string) (stdout, stderr string, status int) {
	var out, errb bytes.Buffer
	status = Main(args, IO{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, IsTerminal: tty})
	return out.String(), errb.String(), status
}

func TestCheckExitStatus(t *testing.T) {
	fixed := map[string]string{"CRA_GATE_NOW": "2026-12-01"}
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"compliant example passes", []string{"check", "../../examples/smart-lock"}, ExitPass},
		{"flags after DIR", []string{"check", "../../examples/smart-lock", "--format", "json"}, ExitPass},
		{"gaps fail", []string{"check", "../../examples/camera-gaps"}, ExitFail},
		{"gaps pass with --fail-on never", []string{"check", "--fail-on", "never", "../../examples/camera-gaps"}, ExitPass},
		{"notices never fail, even on warning", []string{"check", "--fail-on", "warning", "../../examples/desktop-notes"}, ExitPass},
		{"missing cra.toml fails", []string{"check", "--config", "nope.toml", "../../examples/smart-lock"}, ExitFail},
		{"unreadable DIR cannot run", []string{"check", "../../examples/does-not-exist"}, ExitError},
		{"unknown flag", []string{"check", "--colour", "../../examples/smart-lock"}, ExitError},
		{"bad format", []string{"check", "--format", "yaml", "../../examples/smart-lock"}, ExitError},
		{"bad fail-on", []string{"check", "--fail-on", "notice", "../../examples/smart-lock"}, ExitError},
		{"bad --now", []string{"check", "--now", "22/11/2026", "../../examples/smart-lock"}, ExitError},
		{"bad size", []string{"check", "--max-sbom-size", "lots", "../../examples/smart-lock"}, ExitError},
		{"two directories", []string{"check", "../../examples/smart-lock", "../../examples/camera-gaps"}, ExitError},
		{"config escaping the repository", []string{"check", "--config", "../camera-gaps/cra.toml", "../../examples/smart-lock"}, ExitError},
		{"bad --output", []string{"check", "--output", "yaml=out.yaml", "../../examples/smart-lock"}, ExitError},
		{"--output without a path", []string{"check", "--output", "json", "../../examples/smart-lock"}, ExitError},
		{"bad --min-severity", []string{"check", "--min-severity", "fatal", "../../examples/smart-lock"}, ExitError},
		{"--base that is not there", []string{"check", "--base", "../../examples/none", "../../examples/smart-lock"}, ExitError},
		{"--base", []string{"check", "--base", "../../examples/camera-gaps", "../../examples/smart-lock"}, ExitPass},
		{"unknown command", []string{"lint"}, ExitError},
		{"no command", nil, ExitError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, status := runMain(fixed, false, tc.args...)
			if status != tc.want {
				t.Errorf("status %d, want %d\n%s", status, tc.want, stderr)
			}
			if tc.want == ExitError && !strings.HasPrefix(stderr, "cra-gate: ") && !strings.Contains(stderr, "Usage") {
				t.Errorf("exit 2 without a message saying why: %q", stderr)
			}
		})
	}
}

func TestCheckNowFromFlagAndEnvironment(t *testing.T) {
	// The smart lock's security.txt expires on 2027-10-31: after that the gate fails.
	late := map[string]string{"CRA_GATE_NOW": "2027-11-15"}
	if _, _, status := runMain(late, false, "check", "../../examples/smart-lock"); status != ExitFail {
		t.Errorf("CRA_GATE_NOW=2027-11-15: status %d, want the expired security.txt to fail", status)
	}
	out, _, status := runMain(late, false, "check", "--now", "2026-12-01", "--format", "json", "../../examples/smart-lock")
	if status != ExitPass {
		t.Errorf("--now must win over CRA_GATE_NOW: status %d", status)
	}
	var doc struct {
		Date   string `json:"date"`
		Passed bool   `json:"passed"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Date != "2026-12-01" || !doc.Passed {
		t.Errorf("JSON %+v, %v", doc, err)
	}
}

func TestCheckJSONContract(t *testing.T) {
	out, _, status := runMain(map[string]string{"CRA_GATE_NOW": "2026-12-01"}, false, "check", "--format", "json", "../../examples/camera-gaps")
	if status != ExitFail {
		t.Fatalf("status %d", status)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "passed", "summary", "checks", "findings", "sbom_coverage"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("JSON report lacks %q", k)
		}
	}
	got := doc["checks"].([]any)
	if len(got) != len(checks.Checks()) {
		t.Fatalf("%d checks", len(got))
	}
	for _, f := range doc["findings"].([]any) {
		m := f.(map[string]any)
		for _, k := range []string{"check", "rule", "severity", "message", "file", "line", "reference"} {
			if _, ok := m[k]; !ok {
				t.Errorf("finding %v lacks %q", m["rule"], k)
			}
		}
	}
}

func TestCheckColourOnlyOnATerminal(t *testing.T) {
	env := map[string]string{"CRA_GATE_NOW": "2026-12-01"}
	plain, _, _ := runMain(env, false, "check", "../../examples/camera-gaps")
	tty, _, _ := runMain(env, true, "check", "../../examples/camera-gaps")
	env["NO_COLOR"] = "1"
	noColor, _, _ := runMain(env, true, "check", "../../examples/camera-gaps")
	if strings.Contains(plain, "\x1b[") || strings.Contains(noColor, "\x1b[") {
		t.Error("colour written to a pipe or with NO_COLOR set")
	}
	if !strings.Contains(tty, "\x1b[") {
		t.Error("no colour on a terminal")
	}
	if !regexp.MustCompile(`(?m)^cra\.toml:\d+:1: error: `).MatchString(plain) || !regexp.MustCompile(`(?m)^FAIL: \d+ errors`).MatchString(plain) {
		t.Errorf("text output:\n%s", plain)
	}
}

func TestCheckSARIFAndMarkdown(t *testing.T) {
	env := map[string]string{"CRA_GATE_NOW": "2026-12-01"}
	out, _, _ := runMain(env, false, "check", "--format", "sarif", "../../examples/camera-gaps")
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []any `json:"results"`
		} `json:"runs"`
	}
	jsonOut, _, _ := runMain(env, false, "check", "--format", "json", "../../examples/camera-gaps")
	var rep struct{ Findings []any }
	if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil || len(rep.Findings) < 20 {
		t.Fatalf("JSON: %v, %d findings", err, len(rep.Findings))
	}
	if err := json.Unmarshal([]byte(out),
		&sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != len(rep.Findings) {
		t.Errorf("SARIF: %v, %d results for %d findings", err, len(sarif.Runs[0].Results), len(rep.Findings))
	}
	md, _, _ := runMain(env, false, "check", "--format", "markdown", "../../examples/camera-gaps")
	if !strings.HasPrefix(md, "### ❌") || !strings.Contains(md, "manifest&nbsp;❌") {
		t.Errorf("Markdown:\n%s", md)
	}
}

func TestCheckLargeSBOMRefused(t *testing.T) {
	dir := t.TempDir()
	src := "../../examples/smart-lock"
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, _, status := runMain(map[string]string{"CRA_GATE_NOW": "2026-12-01"}, false, "check", "--max-sbom-size", "1KiB", dir)
	if status != ExitFail || !strings.Contains(out, "sbom/firmware.cdx.json") || !strings.Contains(out, "--max-sbom-size") {
		t.Errorf("status %d:\n%s", status, out)
	}
}

func TestRulesCommand(t *testing.T) {
	out, _, status := runMain(nil, false, "rules")
	if status != ExitPass || !strings.Contains(out, "scope-third-party-is-rdps") || !strings.Contains(out, "support-expired") {
		t.Errorf("rules list (%d):\n%s", status, out)
	}
	out, _, status = runMain(nil, false, "rules", "support-too-short")
	for _, want := range []string{"Article 13(8)", "Why", "How to fix", "expected_use_years = 3"} {
		if status != ExitPass || !strings.Contains(out, want) {
			t.Errorf("rules support-too-short lacks %q:\n%s", want, out)
		}
	}
	_, stderr, status := runMain(nil, false, "rules", "support-to-short")
	if status != ExitError || !strings.Contains(stderr, `did you mean "support-too-short"`) {
		t.Errorf("unknown rule: %d %q", status, stderr)
	}
	out, _, status = runMain(nil, false, "version")
	if status != ExitPass || !strings.HasPrefix(out, "cra-gate ") {
		t.Errorf("version: %q", out)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"128MiB": 128 << 20, "1KiB": 1024, "500": 500, "2 GiB": 2 << 30, "10MB": 10_000_000} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "0", "12XB", "9999999999GiB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

func TestCheckVulnFlags(t *testing.T) {
	env := func(m map[string]string) Env { return func(k string) string { return m[k] } }
	dir := t.TempDir() // the checked repository: the sources below are outside it, and kept as given
	s, err := parseCheck([]string{dir}, IO{Stderr: io.Discard, Getenv: env(map[string]string{
		"CRA_GATE_VULN_DB": "a.zip" + string(filepath.ListSeparator) + "osv/", "CRA_GATE_OSV_API": "https://api.osv.dev", "CRA_GATE_KEV": "kev.json"})})
	if err != nil || strings.Join(s.opt.Vulns.DB, ",") != "a.zip,osv/" || s.opt.Vulns.API != "https://api.osv.dev" || s.opt.Vulns.KEV != "kev.json" {
		t.Fatalf("from the environment: %+v %v", s.opt.Vulns, err)
	}
	s, err = parseCheck([]string{"--vuln-db",
		"x.zip",
		dir,
		"--vuln-db",
		"y",
		"--osv-api",
		"http://127.0.0.1:8080"}, IO{Stderr: io.Discard,
		Getenv: env(map[string]string{"CRA_GATE_VULN_DB": "a.zip"})})
	if err != nil || strings.Join(s.opt.Vulns.DB, ",") != "x.zip,y" || s.opt.Vulns.API != "http://127.0.0.1:8080" {
		t.Fatalf("flags win: %+v %v", s.opt.Vulns, err)
	}
	for _, bad := range [][]string{{"--osv-api", "http://api.osv.dev"}, {"--kev", "ftp://x/kev.json"}, {"--osv-api", "api.osv.dev"}} {
		if _, err := parseCheck(bad, IO{Stderr: io.Discard, Getenv: env(nil)}); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestCheckVulnSourcesConfined reads a source inside the checked repository
// through its door: a link out of it, or to a FIFO, refuses the run; a path
// through a link inside is resolved; a missing one is left to the loader.
func TestCheckVulnSourcesConfined(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(outside, "kev.json"), []byte(`{"vulnerabilities":[]}`), 0o644))
	must(os.Symlink(filepath.Join(outside, "kev.json"), filepath.Join(dir, "leak.json")))
	must(os.Symlink("/proc/self/fd/1", filepath.Join(dir, "stdout.json")))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o644))
	must(os.Mkdir(filepath.Join(dir, "real"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "real", "kev.json"), []byte(`{"vulnerabilities":[]}`), 0o644))
	must(os.Symlink("real", filepath.Join(dir, "alias")))
	io := IO{Stderr: io.Discard, Getenv: func(string) string { return "" }}
	for _, bad := range []string{"leak.json", "stdout.json", "fifo.json"} {
		if _, err := parseCheck([]string{"--kev", filepath.Join(dir, bad), dir}, io); err == nil {
			t.Errorf("--kev %s accepted", bad)
		}
		if _, err := parseCheck([]string{"--vuln-db", filepath.Join(dir, bad), dir}, io); err == nil {
			t.Errorf("--vuln-db %s accepted", bad)
		}
	}
	s, err := parseCheck([]string{"--kev", filepath.Join(dir, "alias", "kev.json"), "--vuln-db", filepath.Join(dir, "gone"), dir}, io)
	real, _ := filepath.EvalSymlinks(filepath.Join(dir, "real", "kev.json"))
	if err != nil || s.opt.Vulns.KEV != real || !strings.HasSuffix(s.opt.Vulns.DB[0], "gone") {
		t.Errorf("%+v %v", s.opt.Vulns, err)
	}
}

func TestRulesJSON(t *testing.T) {
	out, _, status := runMain(nil, false, "rules", "--format", "json")
	var rules []map[string]any
	if err := json.Unmarshal([]byte(out), &rules); err != nil || status != ExitPass {
		t.Fatalf("status %d, %v:\n%s", status, err, out)
	}
	if len(rules) != len(checks.Rules()) {
		t.Errorf("%d rules in JSON, %d registered", len(rules), len(checks.Rules()))
	}
	for _, r := range rules {
		for _, k := range []string{"id", "check", "severity", "reference", "summary", "why", "fix", "example"} {
			if s, _ := r[k].(string); s == "" {
				t.Errorf("rule %v: %q missing or empty", r["id"], k)
			}
		}
	}
	out, _, status = runMain(nil, false, "rules", "support-later-units", "--format", "json")
	var one map[string]any
	if err := json.Unmarshal([]byte(out),
		&one); err != nil || status != ExitPass || one["id"] != "support-later-units" || one["reference"] != "Article 13(8); Commission FAQ 4.5.3" {
		t.Errorf("one rule: %d %v %v", status, err, one)
	}
	for _, args := range [][]string{{"rules", "--format", "yaml"}, {"rules", "a", "b"}, {"rules", "--format", "json", "support-to-short"}} {
		if _, stderr, status := runMain(nil, false, args...); status != ExitError || !strings.HasPrefix(stderr, "cra-gate: ") {
			t.Errorf("%v: status %d, %q", args, status, stderr)
		}
	}
}

// TestCheckOutputsAndQuiet: --output writes each format to its file beside
// the text on stdout (the same verdict in each); --quiet keeps the findings
// and the verdict; a terminal's width wraps the text.
func TestCheckOutputsAndQuiet(t *testing.T) {
	dir := t.TempDir()
	js, sarif := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif")
	env := map[string]string{"CRA_GATE_NOW": "2026-12-01"}
	stdout, stderr, status := runMain(env, false, "check", "--output", "json="+js, "--output", "sarif="+sarif, "--quiet", "../../examples/camera-gaps")
	if status != ExitFail {
		t.Fatalf("status %d\n%s", status, stderr)
	}
	var rep struct {
		Passed  bool                 `json:"passed"`
		Summary struct{ Errors int } `json:"summary"`
	}
	data, err := os.ReadFile(js)
	if err != nil || json.Unmarshal(data, &rep) != nil || rep.Passed || rep.Summary.Errors != 13 {
		t.Errorf("JSON output: %v %+v", err, rep)
	}
	if data, err := os.ReadFile(sarif); err != nil || !strings.Contains(string(data), `"version": "2.1.0"`) {
		t.Errorf("SARIF output: %v", err)
	}
	if strings.Contains(stdout, " | ") || strings.Contains(stdout, "notice:") || !strings.Contains(stdout, "FAIL: 13 errors") {
		t.Errorf("quiet text:\n%s", stdout)
	}
	var out, errb bytes.Buffer
	Main([]string{"check", "../../examples/camera-gaps"}, IO{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] },
		IsTerminal: true, Width: 72})
	for _, line := range strings.Split(out.String(), "\n") {
		plain := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(line, "")
		if len([]rune(plain)) > 72 && !strings.Contains(plain, " | ") && strings.Count(strings.TrimSpace(plain), " ") > 0 {
			t.Errorf("a line wider than the terminal: %q", plain)
		}
	}
}
