package checks

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

type ruleCase struct {
	name     string
	manifest string
	files    map[string]string
	want     []string // "rule@file:line", sorted; notices included only when notices is set
	notices  bool
}

func runCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runRepo(t, tc.manifest, tc.files)
			got := hits(res.Findings, tc.notices)
			want := append([]string(nil), tc.want...)
			if want == nil {
				want = []string{}
			}
			if got == nil {
				got = []string{}
			}
			sortStrings(want)
			if !reflect.DeepEqual(got, want) {
				var msgs []string
				for _, f := range res.Findings {
					msgs = append(msgs, fmt.Sprintf("  %s: %s: %s [%s]", f.Location(), f.Severity, f.Message, f.Rule))
				}
				t.Errorf("findings\n got  %v\n want %v\n%s", got, want, strings.Join(msgs, "\n"))
			}
		})
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// at formats an expected hit on cra.toml at the line of needle in m.
func hit(t *testing.T, rule, m, needle string) string {
	t.Helper()
	return fmt.Sprintf("%s@cra.toml:%d", rule, lineOf(t, m, needle))
}

func TestManifestRules(t *testing.T) {
	b := baseManifest
	noSchema := replace(t, b, "schema = 1\n", "")
	schema2 := replace(t, b, "schema = 1", "schema = 2")
	typo := replace(t, b, `rationale = "Remote`, `rationle = "Remote`)
	unknownTable := replace(t, b, "[support]", "[suport]\nx = 1\n[support]")
	wrongDate := replace(t, b, "end = 2033-03-01", `end = "2031-03-01"`)
	wrongList := replace(t, b, `functions = ["unlock", "remote-unlock", "onboarding"]`, `functions = "unlock"`)
	manyTypes := replace(t, wrongDate, "csirt = \"DE\"", "csirt = 49")
	syntax := replace(t, b, `manufacturer = "Test GmbH"`, `manufacturer = "Test GmbH`)
	missing := replace(t, replace(t, b, `name = "Test Lock"`+"\n", ""), `contact = "mailto:security@testlock.eu"`+"\n", "")
	dup := b + "\n[[excluded]]\nname = \"Test-Cloud\"\nreason = \"analytics\"\nrationale = \"Only counts installs; every function works without it at all.\"\n"
	badEnum := replace(t, b, `hosting = "iaas"`, `hosting = "iass"`)
	outside := replace(t, b, `published = "docs/support.md"`, `published = "../../etc/passwd"`)
	absolute := replace(t, b, `policy = "SECURITY.md"`, `policy = "/etc/passwd"`)
	httpURL := replace(t, b, `policy = "SECURITY.md"`, `policy = "http://testlock.eu/security"`)
	gate := b + "\n[gate]\nsupport_warning_months = 200\nsbom_thresholds = { licence = 50, hash = 120, supplier = nan }\n"
	runCases(t, []ruleCase{
		{name: "schema missing", manifest: noSchema, want: []string{"manifest-schema-missing@cra.toml:1"}},
		{name: "schema unsupported", manifest: schema2, want: []string{hit(t, "manifest-schema-unsupported", schema2, "schema")}},
		{name: "unknown key with typo", manifest: typo, want: []string{
			hit(t, "manifest-unknown-key", typo, "rationle"),
			hit(t, "scope-rationale-missing", typo, "[[rdps]]"),
		}},
		{name: "unknown table reported once", manifest: unknownTable, want: []string{hit(t, "manifest-unknown-key", unknownTable, "[suport]")}},
		{name: "date as string", manifest: wrongDate, want: []string{hit(t, "manifest-type", wrongDate, "end =")}},
		{name: "string for a list", manifest: wrongList, want: []string{hit(t, "manifest-type", wrongList, "functions = \"unlock\"")}},
		{name: "every type error at once",
			manifest: manyTypes,
			want:     []string{hit(t, "manifest-type", manyTypes, "end ="), hit(t, "manifest-type", manyTypes, "csirt")}},
		{name: "syntax error", manifest: syntax, want: []string{hit(t, "manifest-syntax", syntax, "manufacturer")}},
		{name: "required keys", manifest: missing, want: []string{
			hit(t, "manifest-required", missing, "[product]"),
			hit(t, "manifest-required", missing, "[disclosure]"),
		}},
		{name: "duplicate names across sections", manifest: dup, want: []string{hit(t, "manifest-duplicate-name", dup, `name = "Test-Cloud"`)}},
		{name: "enumerated value", manifest: badEnum, want: []string{hit(t, "manifest-invalid-value", badEnum, "hosting")}},
		// A refused path is reported once by the manifest check, and counts as
		// absent for the check it serves.
		{name: "path leaves the repository",
			manifest: outside,
			want:     []string{hit(t, "manifest-path", outside, "published"), hit(t, "support-published-missing", outside, "published")}},
		{name: "absolute path",
			manifest: absolute,
			want:     []string{hit(t, "manifest-path", absolute, "policy"), hit(t, "disclosure-policy-not-found", absolute, "policy")}},
		{name: "http URL", manifest: httpURL, want: []string{hit(t, "manifest-path", httpURL, "policy"), hit(t, "disclosure-policy-not-found", httpURL, "policy")}},
		{name: "gate settings", manifest: gate, want: []string{
			hit(t, "manifest-invalid-value", gate, "support_warning_months"),
			hit(t, "manifest-invalid-value", gate, "sbom_thresholds"),
			hit(t, "manifest-invalid-value", gate, "sbom_thresholds"),
			// nan is no percentage: compared with it, every share would pass.
			hit(t, "manifest-invalid-value", gate, "sbom_thresholds"),
		}},
		{name: "no cra.toml", files: map[string]string{"cra.toml": ""}, manifest: "", want: []string{"manifest-missing@cra.toml"}},
	})
}

func TestManifestMessages(t *testing.T) {
	typo := replace(t, baseManifest, `rationale = "Remote`, `rationle = "Remote`)
	res := runRepo(t, typo, nil)
	var msg string
	for _, f := range res.Findings {
		if f.Rule == "manifest-unknown-key" {
			msg = f.Message
			if f.Column != 1 || !strings.Contains(f.Source, "rationle") {
				t.Errorf("position/source: col %d source %q", f.Column, f.Source)
			}
		}
	}
	if !strings.Contains(msg, `did you mean "rationale"`) {
		t.Errorf("no suggestion: %q", msg)
	}
	wrongDate := replace(t, baseManifest, "end = 2033-03-01", `end = "2031-03-01"`)
	res = runRepo(t, wrongDate, nil)
	if len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Message, "without quotes") {
		t.Errorf("type message: %+v", res.Findings)
	}
	for _, c := range res.Checks[1:] {
		if c.Status != "skip" {
			t.Errorf("check %s ran on an unreadable manifest: %s", c.ID, c.Status)
		}
	}
	if res.Passed {
		t.Error("an invalid cra.toml must fail the gate")
	}
}
