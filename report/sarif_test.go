package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/realdata"
)

func renderSARIF(t *testing.T, r *finding.Result, rs []finding.Rule) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := SARIF(&b, []*finding.Result{r}, rs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSARIFGolden(t *testing.T) {
	golden(t, "sarif_failing.sarif", renderSARIF(t, failing(), rules()))
}

// TestSARIFSchema validates output against the OASIS SARIF 2.1.0 schema (a
// draft-04 JSON Schema) from the shared corpus, with format assertions on.
func TestSARIFSchema(t *testing.T) {
	path := realdata.File(t, "schemas", "sarif-schema-2.1.0.json")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	vulns := vulnResult(finding.Vulnerability{File: "sbom/a.json", Purl: "pkg:npm/qs@6.0.0", ID: "GHSA-q", Score: 9.8, Level: "critical"})
	for name, r := range map[string]*finding.Result{"failing": failing(), "passing": passing(), "skipped": skipped(), "hostile": hostile(),
		"vulnerabilities": vulns, "empty": {}} {
		t.Run(name, func(t *testing.T) {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(renderSARIF(t, r, rules())))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(doc); err != nil {
				t.Errorf("SARIF does not validate: %v", err)
			}
		})
	}
	// The validator does catch what code scanning would reject.
	bad := strings.Replace(string(renderSARIF(t, failing(), rules())), `"startLine": 52`, `"startLine": 0`, 1)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if sch.Validate(doc) == nil {
		t.Error("schema accepted startLine 0")
	}
}

type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID                   string `json:"id"`
					Name                 string `json:"name"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties struct {
						Tags []string `json:"tags"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, b []byte) sarifDoc {
	t.Helper()
	var d sarifDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(d.Runs))
	}
	return d
}

func TestSARIFContent(t *testing.T) {
	r := failing()
	d := parseSARIF(t, renderSARIF(t, r, append(rules(), rules()[0]))) // a repeated rule is ignored
	run := d.Runs[0]
	rs := run.Tool.Driver.Rules
	if run.Tool.Driver.Name != "cra-gate" || run.Tool.Driver.Version != "0.1.0" {
		t.Errorf("driver %+v", run.Tool.Driver)
	}
	if len(rs) != len(rules())+1 {
		t.Fatalf("%d rules, want %d given + 1 for the undocumented rule", len(rs), len(rules()))
	}
	if rs[0].ID != "manifest-unknown-key" || rs[0].Name != "ManifestUnknownKey" || rs[0].DefaultConfiguration.Level != "error" ||
		strings.Join(rs[0].Properties.Tags, ",") != "cra,manifest" {
		t.Errorf("first rule %+v", rs[0])
	}
	if last := rs[len(rs)-1]; last.ID != "disclosure-policy-external" || last.DefaultConfiguration.Level != "note" {
		t.Errorf("synthesised rule %+v", last)
	}
	if len(run.Results) != len(r.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(r.Findings))
	}
	seen := map[string]bool{}
	for i, res := range run.Results {
		f := r.Findings[i]
		if rs[res.RuleIndex].ID != res.RuleID || res.RuleID != f.Rule {
			t.Errorf("result %d: ruleIndex %d names %s, ruleId %s", i, res.RuleIndex, rs[res.RuleIndex].ID, res.RuleID)
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.Region.StartLine < 1 || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: location %+v", i, loc)
		}
		want := map[finding.Severity]string{finding.Error: "error", finding.Warning: "warning", finding.Notice: "note"}[f.Severity]
		if res.Level != want {
			t.Errorf("result %d: level %s, want %s", i, res.Level, want)
		}
		fp := res.PartialFingerprints["cra-gate/v1"]
		if len(strings.Split(fp, ":")[0]) != 32 || seen[fp] {
			t.Errorf("result %d: fingerprint %q missing or repeated", i, fp)
		}
		seen[fp] = true
		switch f.Rule {
		case "disclosure-policy-external": // no file: placed at the manifest, line 1
			if loc.ArtifactLocation.URI != "cra.toml" || loc.Region.StartLine != 1 || loc.Region.StartColumn != 0 {
				t.Errorf("file-less finding at %+v", loc)
			}
		case "sbom-no-dependencies": // file, no line
			if loc.ArtifactLocation.URI != "sbom/app.cdx.json" || loc.Region.StartLine != 1 {
				t.Errorf("line-less finding at %+v", loc)
			}
		case "scope-unknown-function":
			if loc.Region.StartLine != 51 || loc.Region.StartColumn != 28 {
				t.Errorf("region %+v", loc.Region)
			}
		}
	}
	// The fingerprint ignores the line, so moving a finding keeps its alert.
	moved := failing()
	for i := range moved.Findings {
		moved.Findings[i].Line += 3
	}
	d2 := parseSARIF(t, renderSARIF(t, moved, rules()))
	if a, b := run.Results[1].PartialFingerprints, d2.Runs[0].Results[1].PartialFingerprints; a["cra-gate/v1"] != b["cra-gate/v1"] {
		t.Error("fingerprint changed when the line moved")
	}
}

// TestSARIFFingerprintsStable: the fingerprint comes from the rule, the file
// and the finding's Key, never the message, so a finding whose message holds
// a date or a count keeps its alert from day to day; findings about other
// items of one file get their own; repeats get an ordinal.
func TestSARIFFingerprintsStable(t *testing.T) {
	day := func(msg string) *finding.Result {
		return &finding.Result{Config: "cra.toml", Findings: []finding.Finding{
			{Check: "support", Rule: "support-ending-soon", Severity: finding.Warning, File: "cra.toml", Line: 12, Key: "support.end", Message: msg},
			{Check: "sbom", Rule: "sbom-field-coverage", Severity: finding.Warning, File: "sbom/a.json", Key: "hash", Message: "hash on 2 of 9"},
			{Check: "sbom", Rule: "sbom-field-coverage", Severity: finding.Warning, File: "sbom/a.json", Key: "license", Message: "license on 2 of 9"},
			{Check: "disclosure", Rule: "disclosure-securitytxt-invalid", Severity: finding.Error, File: "security.txt", Line: 3, Key: "bad-line", Message: "x"},
			{Check: "disclosure", Rule: "disclosure-securitytxt-invalid", Severity: finding.Error, File: "security.txt", Line: 7, Key: "bad-line", Message: "y"},
		}}
	}
	fps := func(r *finding.Result) []string {
		var out []string
		for _, res := range parseSARIF(t, renderSARIF(t, r, nil)).Runs[0].Results {
			out = append(out, res.PartialFingerprints["cra-gate/v1"])
		}
		return out
	}
	a, b := fps(day("support ends on 2027-06-30, within 12 months of today (2026-12-01)")), fps(day("support ends on 2027-06-30, within 12 "+
		"months of today (2026-12-02)"))
	if strings.Join(a, " ") != strings.Join(b, " ") {
		t.Errorf("fingerprints changed with the date:\n%v\n%v", a, b)
	}
	seen := map[string]bool{}
	for _, fp := range a {
		if seen[fp] {
			t.Errorf("fingerprint %s repeated: %v", fp, a)
		}
		seen[fp] = true
	}
	if !strings.HasSuffix(a[4], ":2") || strings.TrimSuffix(a[4], ":2") != a[3] {
		t.Errorf("a repeat gets an ordinal: %v", a)
	}
}

// TestSARIFRunPerConfig: a monorepo's configs are separate runs, each named
// by automationDetails, so code scanning keeps their alerts apart.
func TestSARIFRunPerConfig(t *testing.T) {
	a, b := failing(), passing()
	a.Config, b.Config = "camera/cra.toml", "lock/cra.toml"
	var buf bytes.Buffer
	if err := SARIF(&buf, []*finding.Result{a, b}, rules()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
			Results           []json.RawMessage
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 2 ||
		doc.Runs[0].AutomationDetails.ID != "cra-gate/camera/cra.toml/" ||
		doc.Runs[1].AutomationDetails.ID != "cra-gate/lock/cra.toml/" ||
		len(doc.Runs[0].Results) != len(a.Findings) {
		t.Errorf("runs %+v", doc.Runs)
	}
}

func TestSARIFEmpty(t *testing.T) {
	out := string(renderSARIF(t, &finding.Result{}, nil))
	for _, want := range []string{`"results": []`, `"rules": []`, `"name": "cra-gate"`, `"version": "2.1.0"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
}

func TestSARIFURIAndColumn(t *testing.T) {
	r := &finding.Result{Config: "products/lock/cra.toml", Findings: []finding.Finding{
		{Check: "manifest", Rule: "x", File: `docs\a b%.md`, Line: 2, Column: 12, Source: `k = "äö" x`},
		{Check: "manifest", Rule: "x", File: "./a:b.toml", Line: 1, Column: 3},
		{Check: "manifest", Rule: "x", File: "ü.txt", Line: 1, Column: 5, Source: "😀x"},
		{Check: "manifest", Rule: "x"},
	}}
	d := parseSARIF(t, renderSARIF(t, r, nil))
	for i, want := range []struct {
		uri string
		col int
	}{{"docs/a%20b%25.md", 10}, {"./a:b.toml", 3}, {"%C3%BC.txt", 3}, {"products/lock/cra.toml", 0}} {
		loc := d.Runs[0].Results[i].Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != want.uri || loc.Region.StartColumn != want.col {
			t.Errorf("finding %d: uri %q col %d, want %q col %d", i, loc.ArtifactLocation.URI, loc.Region.StartColumn, want.uri, want.col)
		}
	}
	// Byte column 12 of `k = "äö" x` is "x", after 9 characters; byte column 5
	// of "😀x" is "x", after a surrogate pair.
}

func TestSARIFMessage(t *testing.T) {
	for in, want := range map[string]string{
		`unknown key in [[rdps]] "api"`: `unknown key in [[rdps]] "api"`,
		"[x](http://evil)":              `[x\](http://evil)`,
		`[x\](http://evil)`:             `[x\](http://evil)`,
		`[x\\](http://evil)`:            `[x\\\](http://evil)`,
		"a\nb\tc\x1b[2J":                "a\nb\tc\\x1b[2J",
	} {
		if got := sarifMessage(in); got != want {
			t.Errorf("sarifMessage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCamelCase(t *testing.T) {
	for in, want := range map[string]string{"manifest-unknown-key": "ManifestUnknownKey", "sbom": "Sbom", "a--b_c": "ABC", "": ""} {
		if got := camelCase(in); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSARIFAdvisoryRules: each advisory is a rule of its own, named by the
// advisory (an alert title under 100 characters), ranked by the record's
// CVSS score or the lowest score of its level, tagged "security"; every
// rule's short description is at most 100 characters, the full statement in
// fullDescription.
func TestSARIFAdvisoryRules(t *testing.T) {
	long := strings.Repeat("a very long advisory summary ", 10)
	r := vulnResult(
		finding.Vulnerability{File: "sbom/a.json", Purl: "pkg:npm/qs@6.0.0", Name: "qs", Version: "6.0.0", ID: "GHSA-q", Summary: long,
			Score: 9.8, Level: "critical"},
		finding.Vulnerability{File: "sbom/b.json", Purl: "pkg:npm/qs@6.0.0", Name: "qs", Version: "6.0.0", ID: "GHSA-q", Summary: long,
			Score: 9.8, Level: "critical"},
		finding.Vulnerability{File: "sbom/a.json", Purl: "pkg:npm/ws@7.0.0", Name: "ws", Version: "7.0.0", ID: "GHSA-w", Summary: "DoS",
			Level: "medium", KEV: true},
		finding.Vulnerability{File: "sbom/a.json", Name: "busybox", Version: "1.36.1", ID: "CVE-2023-42363", Source: "NVD"},
	)
	var rules []finding.Rule
	for _, id := range []string{"vulns-known", "vulns-kev"} {
		rules = append(rules, finding.Rule{ID: id, Check: "vulns", Severity: finding.Error, Summary: "No shipped component has an " +
			"unanswered known vulnerability, stated at a length well over what an alert's title may hold, so that it must be cut short",
			Title: "No unanswered known vulnerability", Why: "Annex I Part I(2)(a).", Fix: "Update it."})
	}
	var doc struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID               string                `json:"id"`
						ShortDescription struct{ Text string } `json:"shortDescription"`
						FullDescription  struct{ Text string } `json:"fullDescription"`
						HelpURI          string                `json:"helpUri"`
						Properties       struct {
							Tags             []string `json:"tags"`
							SecuritySeverity string   `json:"security-severity"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(renderSARIF(t, r, rules), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	got := map[string]string{}
	for _, rule := range run.Tool.Driver.Rules {
		if n := len([]rune(rule.ShortDescription.Text)); n > maxShortDescription || n == 0 {
			t.Errorf("%s: short description of %d characters", rule.ID, n)
		}
		got[rule.ID] = rule.ShortDescription.Text + " | " + rule.Properties.SecuritySeverity + " | " + strings.Join(rule.Properties.Tags, ",") +
			" | " + rule.HelpURI
	}
	for id, want := range map[string]string{
		"vulns-known": "No unanswered known vulnerability |  | cra,vulns | https://github.com/cra-gate/cra-gate/blob/main/docs/rules/vulns-known.md",
		"vulns-known/GHSA-q": "GHSA-q: a very long advisory summary a very long advisory summary a very long advisory summary a… | 9.8 | " +
			"cra,vulns,security | https://osv.dev/vulnerability/GHSA-q",
		"vulns-kev/GHSA-w":           "GHSA-w: DoS | 4.0 | cra,vulns,security | https://osv.dev/vulnerability/GHSA-w",
		"vulns-known/CVE-2023-42363": "CVE-2023-42363 |  | cra,vulns,security | https://nvd.nist.gov/vuln/detail/CVE-2023-42363",
	} {
		if got[id] != want {
			t.Errorf("rule %s:\n got %q\nwant %q", id, got[id], want)
		}
	}
	if len(run.Results) != 4 {
		t.Fatalf("%d results, want one per finding (4)", len(run.Results))
	}
	for _, res := range run.Results {
		if run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result of %s points at rule %s", res.RuleID, run.Tool.Driver.Rules[res.RuleIndex].ID)
		}
	}
}
