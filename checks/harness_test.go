package checks

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/cra-gate/cra-gate/internal/craschema/schematest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/craschema"
	"github.com/cra-gate/cra-gate/internal/repo"
)

// testNow is the date the rule tests run on.
var testNow = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

// baseManifest passes every check given baseFiles.
const baseManifest = `schema = 1

[product]
name = "Test Lock"
manufacturer = "Test GmbH"
class = "default"
conformity = "module-a"
kind = "hardware"
placed_on_market = 2028-03-01
functions = ["unlock", "remote-unlock", "onboarding"]
sbom = ["sbom/app.cdx.json"]

[support]
end = 2033-03-01
published = "docs/support.md"

[disclosure]
policy = "SECURITY.md"
contact = "mailto:security@testlock.eu"

[reporting]
csirt = "DE"
contact = "mailto:psirt@testlock.eu"

[[rdps]]
name = "test-cloud"
developed_by = "manufacturer"
hosting = "iaas"
functions = ["remote-unlock"]
rationale = "Remote unlock cannot work without this API, which we design and develop."
sbom = ["sbom/cloud.cdx.json"]

[documentation]
description = "docs/tech/description.md"
design = "docs/tech/architecture.md"
vulnerability_handling = "docs/tech/vuln-handling.md"
risk_assessment = "docs/tech/risk-assessment.md"
support_period_basis = "docs/tech/support-period.md"
standards = "n/a: no harmonised standard for smart locks is cited in the Official Journal yet"
test_reports = "docs/tech/tests/"
declaration_of_conformity = "https://testlock.eu/eu-doc"
user_information = "docs/user/security.md"
`

// cdx is a small, complete CycloneDX SBOM.
func cdx(name string, comps ...string) string {
	var cs, deps []string
	for _, c := range comps {
		cs = append(cs,
			fmt.Sprintf(`{"type":"library","bom-ref":%q,"name":%q,"version":"1.0.0","purl":"pkg:golang/example.com/%s@v1.0.0","supplier":{"name":"X"},`+
				`"hashes":[{"alg":"SHA-256","content":"%x"}],"licenses":[{"license":{"id":"MIT"}}]}`,

				c,
				c,
				c,
				sha256.Sum256([]byte(c))))
		deps = append(deps, fmt.Sprintf("%q", c))
	}
	return fmt.Sprintf(`{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,
"metadata":{"timestamp":"2026-11-01T10:00:00Z","tools":{"components":[{"type":"application","name":"gen","version":"1"}]},
"component":{"type":"application","bom-ref":"root","name":%q,"version":"1.0.0"}},
"components":[%s],
"dependencies":[{"ref":"root","dependsOn":[%s]}]}`, name, strings.Join(cs, ","), strings.Join(deps, ","))
}

// baseFiles completes baseManifest.
func baseFiles() map[string]string {
	return map[string]string{
		"sbom/app.cdx.json":   cdx("test-lock", "a", "b"),
		"sbom/cloud.cdx.json": cdx("test-cloud", "c"),
		"docs/support.md":     "Security updates until March 2033.\n",
		// [documentation]
		"docs/tech/description.md":        "# Test Lock\n",
		"docs/tech/architecture.md":       "# Architecture\n",
		"docs/tech/vuln-handling.md":      "# Vulnerability handling\n",
		"docs/tech/risk-assessment.md":    "# Risk assessment\n",
		"docs/tech/support-period.md":     "# Support period\n",
		"docs/tech/tests/pentest-2028.md": "# Penetration test\n",
		"docs/user/security.md":           testUserInfo,
		"SECURITY.md": "# Security\n\nReport vulnerabilities privately to security@testlock.eu.\nWe acknowledge " +
			"reports within 3 days and coordinate disclosure with you.\n",
	}
}

// testUserInfo is a user-information document that names everything Annex II
// asks the documentation check to look for.
const testUserInfo = "# Security information\n" +
	"\n" +
	"The Test Lock is intended to lock and unlock a door, locally and through the Test app.\n" +
	"Risks: do not expose the lock's local interface to the internet.\n" +
	"Secure use: change the default password at first use.\n" +
	"Test GmbH supports the Test Lock with security updates until March 2033.\n" +
	"Security updates are installed automatically; to turn automatic updates off, use the app's settings.\n" +
	"Decommissioning: a factory reset erases all user data.\n" +
	"Report vulnerabilities to security@testlock.eu; our disclosure policy is in SECURITY.md.\n" +
	"The EU declaration of conformity is at https://testlock.eu/eu-doc.\n"

// writeRepo creates a repository from a map of slash paths to contents.
func writeRepo(t *testing.T, files map[string]string) *repo.Repo { return writeRepoB(t, files) }

func writeRepoB(t testing.TB, files map[string]string) *repo.Repo {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// runRepo runs the gate on files with cra.toml = manifest.
func runRepo(t *testing.T, manifest string, files map[string]string) *finding.Result {
	t.Helper()
	all := baseFiles()
	for k, v := range files {
		if v == "" {
			delete(all, k)
			continue
		}
		all[k] = v
	}
	if manifest != "" {
		all["cra.toml"] = manifest
	}
	res, err := Run(writeRepo(t, all), "cra.toml", Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, all["cra.toml"], res)
	return res
}

// schema is schema/cra.schema.json, compiled once.
var schema = sync.OnceValues(func() (*schematest.Validator, error) {
	return schematest.Load(filepath.Join("..", craschema.File))
})

// checkSchema fails t when the gate read src without an error of the manifest
// check and the schema rejects it: every cra.toml these tests run that the
// gate accepts, editors accept too. (internal/craschema tests the other way
// round, and lists where the two part.)
func checkSchema(t testing.TB, src string, res *finding.Result) {
	t.Helper()
	for _, f := range res.Findings {
		if f.Check == finding.CheckManifest && f.Severity == finding.Error {
			return
		}
	}
	v, err := schema()
	if err != nil {
		t.Fatal(err)
	}
	err = v.Validate([]byte(src))
	var inv *schematest.Invalid
	if errors.As(err, &inv) && inv.DateTimes {
		return // the gate reads a TOML date-time where a date belongs; the schema asks for a date
	}
	if err != nil {
		t.Errorf("the gate reads this cra.toml without a manifest error, but %s rejects it: %v\n%s", craschema.File, err, src)
	}
}

// hits renders findings as "rule@file:line" (line omitted when 0), sorted.
// The vulns check's notice that it was skipped for want of a source, in every
// run of these tests, is left out.
func hits(fs []finding.Finding, keepNotices bool) []string {
	var out []string
	for _, f := range fs {
		if (f.Severity == finding.Notice && !keepNotices) || f.Rule == ruleVulnsNoSource.ID {
			continue
		}
		s := f.Rule + "@" + f.File
		if f.Line > 0 {
			s += fmt.Sprintf(":%d", f.Line)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// replace edits baseManifest, failing the test if old is not in it.
func replace(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("test setup: %q not in manifest", old)
	}
	return strings.Replace(s, old, new, 1)
}

// lineOf returns the 1-based line of the first occurrence of needle in s.
func lineOf(t *testing.T, s, needle string) int {
	t.Helper()
	i := strings.Index(s, needle)
	if i < 0 {
		t.Fatalf("test setup: %q not found", needle)
	}
	return strings.Count(s[:i], "\n") + 1
}

func TestBaseManifestPasses(t *testing.T) {
	res := runRepo(t, baseManifest, nil)
	if got := hits(res.Findings, false); len(got) != 0 || !res.Passed {
		t.Fatalf("base repository should pass cleanly, got %v", got)
	}
}

// checkStatus returns the result of check id in res.
func checkStatus(res *finding.Result, id string) finding.CheckResult {
	for _, c := range res.Checks {
		if c.ID == id {
			return c
		}
	}
	return finding.CheckResult{}
}

// findingsOf returns the findings of rule.
func findingsOf(res *finding.Result, rule string) []finding.Finding {
	var out []finding.Finding
	for _, f := range res.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}
