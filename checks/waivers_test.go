package checks

import (
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

// waiverManifest adds a drift source with two missing modules to the base
// repository, and the waivers given.
func waiverManifest(t *testing.T, waivers string) (string, map[string]string) {
	m := replace(t, baseManifest, `sbom = ["sbom/app.cdx.json"]`, "sbom = [\"sbom/app.cdx.json\"]\nsource = \"fw\"")
	files := map[string]string{"fw/go.mod": "module x\n\nrequire (\n\tgithub.com/stretchr/testify v1.9.0\n\tgolang.org/x/net v0.31.0\n)\n"}
	return m + waivers, files
}

func TestWaiverAcceptsOneItem(t *testing.T) {
	m, files := waiverManifest(t, `
[[waiver]]
rule = "sbom-drift-missing"
file = "fw/go.mod"
item = "github.com/stretchr/testify"
reason = "Test-only module; the shipped binary does not contain it."
until = 2027-06-30
approved_by = "security@testlock.eu"
`)
	res := runRepo(t, m, files)
	var waived, open []string
	for _, f := range res.Findings {
		if f.Rule != "sbom-drift-missing" {
			continue
		}
		if f.Waived != nil {
			waived = append(waived, f.Item)
			if f.Waived.Until != "2027-06-30" || f.Waived.Line != lineOf(t, m, "[[waiver]]") || !strings.HasPrefix(f.Waived.Reason, "Test-only") {
				t.Errorf("waived %+v", f.Waived)
			}
		} else {
			open = append(open, f.Item)
		}
	}
	if strings.Join(waived,
		" ") != "github.com/stretchr/testify" || strings.Join(open,
		" ") != "golang.org/x/net" || res.Summary.Waived != 1 || res.Summary.Warnings != 1 {
		t.Fatalf("waived %v, open %v, summary %+v", waived, open, res.Summary)
	}
	// With the other one waived too, a release gate (fail on warning) passes.
	both := m + `
[[waiver]]
rule = "sbom-drift-missing"
item = "golang.org/x/net"
reason = "Linked only into the debug tool, which is not shipped; removed with release 4.1."
until = 2027-03-31
`
	res, err := Run(writeRepo(t, merge(baseFiles(), files, map[string]string{"cra.toml": both})), "cra.toml", Options{Now: testNow, FailOn: finding.FailOnWarning})
	if err != nil || !res.Passed || res.Summary.Waived != 2 {
		t.Fatalf("release gate: passed %v, summary %+v, %v\n%v", res.Passed, res.Summary, err, hits(res.Findings, true))
	}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func TestWaiverRules(t *testing.T) {
	w := func(rule, reason, until string) string {
		s := "\n[[waiver]]\nrule = \"" + rule + "\"\nreason = \"" + reason + "\"\n"
		if until != "" {
			s += "until = " + until + "\n"
		}
		return s
	}
	good := "Test-only module; the shipped binary does not contain it."
	cases := []struct {
		name, waivers string
		want          []string // rules of the findings at the waiver's lines
	}{
		{"unknown rule, suggested", w("sbom-drift-misssing", good, "2027-06-30"), []string{"waiver-invalid"}},
		{"few words", w("sbom-drift-missing", "test only", "2027-06-30"), []string{"waiver-invalid"}},
		{"no until", w("sbom-drift-missing", good, ""), []string{"waiver-invalid"}},
		{"expired", w("sbom-drift-missing", good, "2026-11-01"), []string{"waiver-expired"}},
		{"too long", w("sbom-drift-missing", good, "2028-06-30"), []string{"waiver-too-long"}},
		{"unused", w("support-expired", good, "2027-06-30"), []string{"waiver-unused"}},
		{"unwaivable manifest rule", w("manifest-unknown-key", good, "2027-06-30"), []string{"waiver-invalid"}},
		{"unwaivable vulns rule", w("vulns-known", good, "2027-06-30"), []string{"waiver-invalid"}},
		{"waiver rules themselves", w("waiver-unused", good, "2027-06-30"), []string{"waiver-invalid"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, files := waiverManifest(t, tc.waivers)
			res := runRepo(t, m, files)
			line := lineOf(t, m, "[[waiver]]")
			var got []string
			waivedAny := false
			for _, f := range res.Findings {
				if strings.HasPrefix(f.Rule, "waiver-") {
					if f.Line < line || f.File != "cra.toml" {
						t.Errorf("%s at %s:%d, not at the waiver (line %d)", f.Rule, f.File, f.Line, line)
					}
					got = append(got, f.Rule)
				}
				waivedAny = waivedAny || f.Waived != nil
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			if tc.want[0] != "waiver-too-long" && waivedAny {
				t.Errorf("an invalid, expired or unused waiver waived a finding")
			}
			if tc.want[0] == "waiver-expired" && res.Passed {
				t.Errorf("an expired waiver must fail the gate")
			}
		})
	}
	m, files := waiverManifest(t, w("sbom-drift-misssing", good, "2027-06-30"))
	for _, f := range runRepo(t, m, files).Findings {
		if f.Rule == "waiver-invalid" && !strings.Contains(f.Message, `did you mean "sbom-drift-missing"?`) {
			t.Errorf("no suggestion: %s", f.Message)
		}
	}
}

// TestWaiverByEntryName waives a finding about an [[rdps]] entry by the
// entry's name, which is the item of every finding about the entry.
func TestWaiverByEntryName(t *testing.T) {
	short := replace(t, baseManifest, `rationale = "Remote unlock cannot work without this API, which we design and develop."`, `rationale = "Our own API."`)
	res := runRepo(t, short, nil)
	var got []finding.Finding
	for _, f := range res.Findings {
		if f.Rule == "scope-rationale-short" {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].Item != "test-cloud" || got[0].Key != "rdps[0].rationale#test-cloud" {
		t.Fatalf("findings about the entry: %+v", got)
	}
	waived := short + `
[[waiver]]
rule = "scope-rationale-short"
item = "test-cloud"
reason = "The full Article 3(2) analysis is in docs/tech/rdps.md, reviewed by legal."
until = 2027-03-31
`
	res = runRepo(t, waived, nil)
	for _, f := range res.Findings {
		if f.Rule == "scope-rationale-short" && f.Waived == nil {
			t.Errorf("not waived: %+v", f)
		}
		if f.Rule == "waiver-unused" {
			t.Errorf("the waiver matched nothing: %s", f.Message)
		}
	}
	if res.Summary.Waived != 1 {
		t.Errorf("summary %+v", res.Summary)
	}
}

// TestWaivedCoverageField marks the coverage row of a waived field, and only
// that field of that SBOM.
func TestWaivedCoverageField(t *testing.T) {
	noSupplier := strings.ReplaceAll(cdx("test-lock", "a", "b"), `"supplier":{"name":"X"}`, `"x-supplier":{"name":"X"}`)
	m := baseManifest + `
[[waiver]]
rule = "sbom-field-coverage"
file = "sbom/app.cdx.json"
item = "supplier"
reason = "The generator writes no supplier and no flag adds one; tracked upstream."
until = 2027-06-30
`
	res := runRepo(t, m, map[string]string{"sbom/app.cdx.json": noSupplier})
	waived := map[string]bool{}
	for _, s := range res.SBOMs {
		for _, f := range s.Fields {
			if f.Waived {
				waived[s.File+" "+f.Field] = true
			}
		}
	}
	if len(waived) != 1 || !waived["sbom/app.cdx.json supplier"] || !res.Passed {
		t.Fatalf("waived rows %v, passed %v", waived, res.Passed)
	}
}
