package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cra-gate/cra-gate/internal/runnersim"
)

// hostileRepo writes a repository a pull request author could send: a
// cra.toml quoting workflow commands, an SBOM named like one, the checkout's
// credential in .git/config named as the security.txt, and a link into .git.
func hostileRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	sbomName := "  ::notice title=x::pwned.json"
	files := map[string]string{
		".git/config": "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX1NFQ1JFVA==\n",
		"cra.toml": "schema = 1\nx = 1 # ##[set-output name=passed;]true\n[product]\nname = " +
			"\"##[warning]pwned\"\nmanufacturer = \"M\"\nfunctions = [\"f\"]\nsbom = [" +
			`"` + sbomName + `", "docs/leak.json"]` + "\n[support]\nend = 2031-01-01\n[disclosure]\npolicy = \"SECURITY.md\"\ncontact = " +
			"\"mailto:a@b.eu\"\nsecurity_txt = \".git/config\"\n",
		sbomName:      "::error::pwned too\n##[set-output name=passed;]true\n",
		"SECURITY.md": "Report to a@b.eu.\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../.git/config", filepath.Join(dir, "docs", "leak.json")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCheckOnAHostileRepository: under GitHub Actions, `cra-gate check` in a
// run: step gives the runner no command of the repository's, in any format;
// the credential in .git never reaches any output; and the gate fails.
func TestCheckOnAHostileRepository(t *testing.T) {
	dir := hostileRepo(t)
	env := map[string]string{"GITHUB_ACTIONS": "true", "CRA_GATE_NOW": "2026-12-01"}
	for _, format := range []string{"text", "json", "sarif", "markdown"} {
		t.Run(format, func(t *testing.T) {
			out, stderr, status := runMain(env, false, "check", "--format", format, dir)
			if status != ExitFail {
				t.Fatalf("status %d, want 1\n%s", status, stderr)
			}
			cmds := runnersim.Commands(out + stderr)
			if format == "text" {
				if len(cmds) != 1 || cmds[0] != "stop-commands" || !strings.Contains(out, "::cra-gate-") {
					t.Errorf("text: commands %q; want only the stop-commands wrapper", cmds)
				}
			} else if len(cmds) > 0 {
				t.Errorf("%s: commands %q in\n%s", format, cmds, out)
			}
			for _, secret := range []string{"extraheader", "AUTHORIZATION", "eC1hY2Nlc3MtdG9rZW4"} {
				if strings.Contains(out+stderr, secret) {
					t.Errorf("%s: output quotes .git/config (%s)", format, secret)
				}
			}
			if format == "json" {
				var doc struct {
					Findings []struct{ Rule, File string } `json:"findings"`
				}
				if err := json.Unmarshal([]byte(out), &doc); err != nil {
					t.Fatalf("the JSON no longer parses: %v", err)
				}
				rules := map[string]bool{}
				for _, f := range doc.Findings {
					rules[f.Rule] = true
				}
				for _, want := range []string{"manifest-path", "disclosure-securitytxt-not-found", "sbom-not-found", "manifest-unknown-key"} {
					if !rules[want] {
						t.Errorf("no %s finding: %v", want, rules)
					}
				}
			}
		})
	}
	// Redirected to a file, the text has no wrapper to confuse a reader.
	out, _, _ := Main2(env, true, "check", dir)
	if strings.Contains(out, "stop-commands") {
		t.Errorf("text redirected to a file is wrapped:\n%s", out)
	}
}

// Main2 runs the command line with stdout reported as a regular file.
func Main2(env map[string]string, file bool, args ...string) (string, string, int) {
	var out, errb strings.Builder
	status := Main(args, IO{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, StdoutIsFile: file})
	return out.String(), errb.String(), status
}

// TestCheckFIFOs: FIFOs where cra.toml, an SBOM or go.mod belong are
// findings, at once; opening one for reading would block the gate forever
// (this test would hang, not fail).
func TestCheckFIFOs(t *testing.T) {
	for _, name := range []string{"cra.toml", "sbom/app.cdx.json", "go.mod"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			must := func(err error) {
				if err != nil {
					t.Fatal(err)
				}
			}
			must(os.MkdirAll(filepath.Join(dir, "sbom"), 0o755))
			must(os.WriteFile(filepath.Join(dir, "cra.toml"), []byte("schema = 1\n[product]\nname = \"n\"\nmanufacturer = \"m\"\nfunctions = [\"f\"]\nsbom = "+
				"[\"sbom/app.cdx.json\"]\n"), 0o644))
			must(os.WriteFile(filepath.Join(dir,
				"sbom",
				"app.cdx.json"), []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a","version":"1"}]}`), 0o644))
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skipf("no FIFOs: %v", err)
			}
			out, stderr, status := runMain(map[string]string{"CRA_GATE_NOW": "2026-12-01"}, false, "check", "--format", "json", dir)
			if status != ExitFail || !strings.Contains(out, "FIFO") {
				t.Errorf("status %d, want a failing gate naming the FIFO\n%s%s", status, out, stderr)
			}
		})
	}
}

// TestInitOnAHostileRepository: a FIFO named SECURITY.md, a huge file that
// starts like an SBOM, an SBOM whose name is a workflow command, a link to a
// file outside: init neither blocks nor reads outside, says what it did not
// use, and nothing it prints or writes issues a workflow command.
func TestInitOnAHostileRepository(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "repo")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sbom"), 0o755))
	must(os.WriteFile(filepath.Join(base,
		"secret.cdx.json"), []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"TOP-SECRET","version":"1"}]}`), 0o644))
	must(os.Symlink(filepath.Join(base, "secret.cdx.json"), filepath.Join(dir, "sbom", "leak.json")))
	must(os.WriteFile(filepath.Join(dir,
		"sbom",
		"  ::notice title=x::pwned ##[error]x.json"), []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a","version":"1"}]}`), 0o644))
	if err := syscall.Mkfifo(filepath.Join(dir, "SECURITY.md"), 0o644); err != nil {
		t.Skipf("no FIFOs: %v", err)
	}
	huge, err := os.Create(filepath.Join(dir, "sbom", "huge.json"))
	must(err)
	_, err = huge.WriteString(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [`)
	must(err)
	must(huge.Truncate(300 << 20))
	must(huge.Close())

	stdout, stderr, status := runMain(nil, false, "init", "--stdout", dir)
	if status != ExitPass {
		t.Fatalf("status %d: %s", status, stderr)
	}
	for _, want := range []string{`"SECURITY.md" is a FIFO`, `sbom/huge.json looks like an SBOM, but: is 300 MiB, more than the 128 MiB`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stdout+stderr, "TOP-SECRET") || strings.Contains(stdout, "leak.json") {
		t.Errorf("a file outside the repository was used:\n%s", stdout)
	}
	if !strings.Contains(stdout, `::notice title=x::pwned ##\u005B`) {
		t.Errorf("the oddly named SBOM is not listed, escaped:\n%s", stdout)
	}
	if cmds := runnersim.Commands(stdout + stderr); len(cmds) > 0 {
		t.Errorf("init output issues workflow commands: %q", cmds)
	}
}
