package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goRecordFor is an OSV record affecting the Go module at every version
// before v9.
func goRecordFor(id, module string) string {
	return `{"schema_version":"1.6.0","id":"` + id + `","modified":"2026-11-01T00:00:00Z","summary":"Bad thing",
"affected":[{"package":{"ecosystem":"Go","name":"` + module + `"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"9.0.0"}]}]}]}`
}

// TestVEXAnswersTheFinding: the statement `cra-gate vex` writes for a
// finding's item answers that finding on the next run; a second one is
// appended to the same document, whose version goes up.
func TestVEXAnswersTheFinding(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../../examples/smart-lock")); err != nil {
		t.Fatal(err)
	}
	db := t.TempDir()
	for id, mod := range map[string]string{"GO-2026-0001": "github.com/go-chi/chi/v5", "GO-2026-0002": "github.com/jackc/pgx/v5"} {
		if err := os.WriteFile(filepath.Join(db, id+".json"), []byte(goRecordFor(id, mod)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"CRA_GATE_NOW": "2026-12-01", "SOURCE_DATE_EPOCH": "2026-12-01T10:00:00Z"}
	check := func() (items []string, answered int, status int) {
		out, stderr, status := runMain(env, false, "check", "--format", "json", "--vuln-db", db, dir)
		var res struct {
			Findings []struct {
				Rule, Item string
			}
			Vulnerabilities []struct {
				VEX *struct{ Status string }
			}
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		for _, f := range res.Findings {
			if f.Rule == "vulns-known" {
				items = append(items, f.Item)
			}
		}
		for _, v := range res.Vulnerabilities {
			if v.VEX != nil && v.VEX.Status == "not_affected" {
				answered++
			}
		}
		return items, answered, status
	}
	items, _, status := check()
	if status != ExitFail || len(items) != 2 {
		t.Fatalf("before: status %d, findings %q", status, items)
	}
	doc := filepath.Join(dir, "vex", "smart-lock.openvex.json")
	if err := os.Mkdir(filepath.Dir(doc), 0o755); err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(filepath.Join(dir, "cra.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m = append(m, "\n[vulnerabilities]\nvex = [\"vex/smart-lock.openvex.json\"]\n"...)
	if err := os.WriteFile(filepath.Join(dir, "cra.toml"), m, 0o644); err != nil {
		t.Fatal(err)
	}
	for i, item := range items {
		_, stderr, status := runMain(env, false, "vex", "--finding", item, "--status", "not_affected", "--justification", "vulnerable_code_not_present",
			"--impact", "the vulnerable function is not linked", "--author", "Acme PSIRT <psirt@acme-locks.eu>", "--append", doc)
		if status != ExitPass || !strings.Contains(stderr, "holds "+string(rune('1'+i))+" statement") {
			t.Fatalf("vex %s: status %d, %s", item, status, stderr)
		}
		left, answered, _ := check()
		if len(left) != 1-i || answered != i+1 {
			t.Errorf("after %d statements: findings %q, %d answered", i+1, left, answered)
		}
	}
	var written struct {
		Context    string `json:"@context"`
		Author     string
		Version    int
		Statements []struct {
			Timestamp string
			Products  []struct {
				ID string `json:"@id"`
			}
		}
	}
	b, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &written); err != nil {
		t.Fatal(err)
	}
	if written.Context != "https://openvex.dev/ns/v0.2.0" || written.Version != 2 || len(written.Statements) != 2 ||
		written.Statements[0].Timestamp != "2026-12-01T10:00:00Z" || written.Author != "Acme PSIRT <psirt@acme-locks.eu>" {
		t.Errorf("document:\n%s", b)
	}
}

func TestVEXRefusesIncompleteStatements(t *testing.T) {
	notVEX := filepath.Join(t.TempDir(), "sbom.json")
	if err := os.WriteFile(notVEX, []byte(`{"bomFormat":"CycloneDX"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no justification": {[]string{"--finding", "pkg:npm/a@1#X-1", "--status", "not_affected", "--author", "a"}, "either justification or impact statement"},
		"bad status":       {[]string{"--finding", "pkg:npm/a@1#X-1", "--status", "ok", "--author", "a"}, `invalid status value "ok"`},
		"bad finding":      {[]string{"--finding", "pkg:npm/a@1", "--status", "fixed", "--author", "a"}, "--finding is a finding's item, PURL#ID"},
		"no component":     {[]string{"--vuln", "X-1", "--status", "fixed", "--author", "a"}, "name the vulnerability and the component"},
		"affected without action": {[]string{"--finding", "pkg:npm/a@1#X-1", "--status", "affected", "--author", "a"},
			"action statement must be set"},
		"no author":         {[]string{"--finding", "pkg:npm/a@1#X-1", "--status", "fixed"}, "a new document needs --author"},
		"append to not VEX": {[]string{"--finding", "pkg:npm/a@1#X-1", "--status", "fixed", "--append", notVEX}, "is not an OpenVEX document"},
	} {
		t.Run(name, func(t *testing.T) {
			out, stderr, status := runMain(nil, false, append([]string{"vex"}, tc.args...)...)
			if status != ExitError || out != "" || !strings.Contains(stderr, tc.want) {
				t.Errorf("status %d, stdout %q, stderr %q; want 2 and %q", status, out, stderr, tc.want)
			}
		})
	}
	if b, _ := os.ReadFile(notVEX); string(b) != `{"bomFormat":"CycloneDX"}` {
		t.Errorf("the file refused was changed: %s", b)
	}
}
