package report

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cra-gate/cra-gate/finding"
)

const marker = "<!-- cra-gate:cra.toml -->"

func renderMarkdown(t *testing.T, r *finding.Result, opt MarkdownOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := Markdown(&b, r, opt); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestMarkdownGolden(t *testing.T) {
	run := "https://github.com/acme/lock/actions/runs/42"
	for _, tc := range []struct {
		name string
		r    *finding.Result
		opt  MarkdownOptions
	}{
		{"md_failing.md", failing(), MarkdownOptions{Marker: marker, RunURL: run}},
		{"md_passing.md", passing(), MarkdownOptions{}},
		{"md_skipped.md", skipped(), MarkdownOptions{Marker: marker}},
		{"md_hostile.md", hostile(), MarkdownOptions{}},
		{"md_truncated.md", failing(), MarkdownOptions{Marker: marker, RunURL: run, MaxBytes: 1700}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, []byte(renderMarkdown(t, tc.r, tc.opt)))
		})
	}
}

func TestMarkdownVerdicts(t *testing.T) {
	never := failing()
	never.Evaluate(finding.FailOnNever, nil)
	clean := &finding.Result{Passed: true, FailOn: "error", Findings: []finding.Finding{}}
	for _, tc := range []struct {
		r    *finding.Result
		want string
	}{
		{failing(), "### ❌ CRA gate · Acme Smart Lock: 3 errors, 3 warnings — fails on error\n"},
		{passing(), "### ✅ CRA gate · Acme Smart Lock: passed with 1 warning\n"},
		{never, "### ⚠️ CRA gate · Acme Smart Lock: 3 errors, 3 warnings — report only (--fail-on never)\n"},
		{clean, "### ✅ CRA gate: passed\n"},
	} {
		out := renderMarkdown(t, tc.r, MarkdownOptions{})
		if first, _, _ := strings.Cut(out, "\n"); first+"\n" != tc.want {
			t.Errorf("heading %q, want %q", first, tc.want)
		}
	}
	out := renderMarkdown(t, failing(), MarkdownOptions{Marker: marker})
	if !strings.HasPrefix(out, marker+"\n### ") {
		t.Errorf("marker is not the first line:\n%s", out)
	}
	if !strings.Contains(out, "<details><summary>3 notices</summary>") {
		t.Errorf("notices not folded:\n%s", out)
	}
	if strings.Count(out, "| ❌ error |")+strings.Count(out, "| ⚠️ warning |") != 6 {
		t.Errorf("want 6 gap rows:\n%s", out)
	}
}

func TestEscapeMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, é":         "plain text, é",
		"a\nb\r\nc\rd\te":       "a b c d e",
		"a|b":                   "a&#124;b",
		"<!-- x -->":            "&lt;\\!-- x --&gt;",
		"</details>":            "&lt;/details&gt;",
		"<script>":              "&lt;script&gt;",
		"&amp;":                 "&amp;amp;",
		"@user":                 "@&#8203;user",
		"hi @user, (@team/x)":   "hi @&#8203;user, (@&#8203;team/x)",
		"security@acme.example": "security@acme.example",
		"[x](http://evil)":      "\\[x\\](http:&#8203;//evil)",
		"![img](i.png)":         "\\!\\[img\\](i.png)",
		"`code` ```":            "\\`code\\` \\`\\`\\`",
		`C:\dir\`:               `C:\\dir\\`,
		"*b* _i_ ~~s~~":         `\*b\* \_i\_ \~\~s\~\~`,
		"# heading":             `\# heading`,
		"- item":                `\- item`,
		"+ item":                `\+ item`,
		"= underline":           `\= underline`,
		"12. item":              `12\. item`,
		"v3.2.0, 3.2.0 and 1.":  `v3.2.0, 3.2.0 and 1.`,
		"1.":                    `1\.`,
		"3)x":                   "3)x",
		"3) item":               `3\) item`,
		"v1.2":                  "v1.2",
		"::error::x %0A %25":    "::error::x %0A %25",
		"$x^2$":                 "&#36;x^2&#36;",
		"\x1b[31m":              `\\x1b\[31m`,
		"issue #12 is fine":     `issue \#&#8203;12 is fine`,
		"o/r#7 and GH-12":       `o/r\#&#8203;7 and GH-&#8203;12`,
		"gh-1 GH-x":             `gh-&#8203;1 GH-x`,
		"é@octocat":             `é@&#8203;octocat`,
		"a.@b (@c)":             `a.@&#8203;b (@&#8203;c)`,
		"www.evil.example":      `www&#8203;.evil.example`,
		"a-b+c=d":               "a-b+c=d",
		"":                      "",
	} {
		if got := escapeMarkdown(in); got != want {
			t.Errorf("escapeMarkdown(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

// allowedTags are the only HTML tags the Markdown renderer writes itself.
var allowedTags = regexp.MustCompile(`</?(details|summary|code)>`)

func TestMarkdownHostile(t *testing.T) {
	out := renderMarkdown(t, hostile(), MarkdownOptions{})
	checkTables(t, out)
	rest := allowedTags.ReplaceAllString(out, "")
	if strings.ContainsAny(rest, "<>") {
		t.Errorf("raw < or > from repository text:\n%s", out)
	}
	if n := strings.Count(out, "</details>"); n != 1 {
		t.Errorf("%d </details>, want only ours", n)
	}
	for _, bad := range []string{"<!--", "<script", "](", "![", "@user", "@octocat", "@admin", "\x1b", "::error::pwned\n", "`code`"} {
		if strings.Contains(out, bad) && !strings.Contains(out, `\`+bad) {
			t.Errorf("output contains %q unescaped:\n%s", bad, out)
		}
	}
	if strings.Contains(out, "](") && regexp.MustCompile(`[^\\]\]\(`).MatchString(out) {
		t.Errorf("an unescaped ]( could form a link:\n%s", out)
	}
	// Every line starts with our own syntax, never with repository text.
	for _, line := range strings.Split(out, "\n") {
		if line == "" {
			continue
		}
		ok := false
		for _, p := range []string{"### ", "| ", "<details>", "</details>", "ACME ", "… "} {
			ok = ok || strings.HasPrefix(line, p)
		}
		if !ok {
			t.Errorf("line starts with unexpected text: %q", line)
		}
	}
}

// checkTables asserts every table row has as many cell separators as its header.
func checkTables(t *testing.T, out string) {
	t.Helper()
	want := -1
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if want < 0 {
			want = n
		} else if n != want {
			t.Errorf("row has %d pipes, header %d: %q", n, want, line)
		}
	}
}

func TestMarkdownMaxBytes(t *testing.T) {
	big := failing()
	for i := range 300 {
		sev := finding.Warning
		if i%3 == 0 {
			sev = finding.Notice
		}
		big.Findings = append(big.Findings, finding.Finding{Check: "sbom", Rule: "sbom-drift", Severity: sev, File: "go.mod", Line: i + 1,
			Message: fmt.Sprintf("direct dependency example.com/mod%d v1.0.0 is not in sbom/app.cdx.json", i), Reference: "Annex I Part II(1)"})
	}
	big.Evaluate(finding.FailOnError, nil)
	full := renderMarkdown(t, big, MarkdownOptions{})
	run := "https://github.com/acme/lock/actions/runs/42"

	for _, limit := range []int{2000, 5000, 20000, len(full) / 2} {
		out := renderMarkdown(t, big, MarkdownOptions{Marker: marker, RunURL: run, MaxBytes: limit})
		if len(out) > limit {
			t.Errorf("limit %d: %d bytes", limit, len(out))
		}
		if !utf8.ValidString(out) || !strings.HasPrefix(out, marker+"\n") {
			t.Errorf("limit %d: invalid UTF-8 or marker lost", limit)
		}
		if strings.Contains(out, "<details>") {
			t.Errorf("limit %d: notices kept although gaps were cut", limit)
		}
		shown := strings.Count(out, "| ⚠️ warning |") + strings.Count(out, "| ❌ error |")
		if errs := strings.Count(out, "| ❌ error |"); errs != min(shown, big.Summary.Errors) {
			t.Errorf("limit %d: %d errors of %d rows shown: errors must be kept before warnings", limit, errs, shown)
		}
		note := fmt.Sprintf("… %d more findings not shown: see the full report [in the workflow run](%s).", big.Summary.Errors+big.Summary.Warnings+big.Summary.Notices-shown, run)
		if !strings.Contains(out, note) {
			t.Errorf("limit %d: note %q missing:\n%s", limit, note, out[max(0, len(out)-400):])
		}
		checkTables(t, out)
	}

	// A limit the gaps fit in drops only the notices.
	gapsOnly := len(full) - 1
	out := renderMarkdown(t, big, MarkdownOptions{MaxBytes: gapsOnly})
	if strings.Contains(out, "<details>") || !strings.Contains(out, fmt.Sprintf("… %d more findings not shown: see the full report in the job log.", big.Summary.Notices)) {
		t.Errorf("notices should go first:\n%s", out[max(0, len(out)-300):])
	}
	if strings.Count(out, "| ⚠️ warning |") != big.Summary.Warnings {
		t.Error("gap rows dropped before notices")
	}

	if out := renderMarkdown(t, big, MarkdownOptions{MaxBytes: len(full)}); out != full {
		t.Error("output at exactly the limit was changed")
	}
	if err := Markdown(&bytes.Buffer{}, big, MarkdownOptions{MaxBytes: 100}); err == nil {
		t.Error("a limit below the heading must be an error")
	}
}

func TestMarkdownCoverage(t *testing.T) {
	r := failing()
	r.SBOMs = []finding.SBOMCoverage{{File: "sbom/a|b.json", Format: "CycloneDX", SpecVersion: "1.6", Components: 10,
		Fields: []finding.FieldCoverage{{Field: "name", Present: 10, Percent: 100, Threshold: 100}, {Field: "hash", Present: 2, Percent: 20, Threshold: 80}}}}
	out := renderMarkdown(t, r, MarkdownOptions{})
	for _, want := range []string{"SBOM coverage", "| SBOM | Format | Components | name | hash |", "sbom/a&#124;b.json", "| 100% | ⚠️ 20% |"} {
		if !strings.Contains(out, want) {
			t.Errorf("coverage table lacks %q:\n%s", want, out)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/a/b/actions/runs/1?x=1&y=2#z": "https://github.com/a/b/actions/runs/1?x=1&y=2#z",
		"https://x/a b)(<>\"`|[]":                         "https://x/a%20b%29%28%3C%3E%22%60%7C%5B%5D",
		"javascript:alert(1)":                             "",
		"":                                                "",
	} {
		if got := safeURL(in); got != want {
			t.Errorf("safeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMarkdownHugeTexts: a product name of 190,000 "|" (each escaped to six
// characters) once left no summary and no comment; texts are cut before they
// are escaped, so the report always fits and always states the verdict.
func TestMarkdownHugeTexts(t *testing.T) {
	r := &finding.Result{
		Product: finding.Product{Name: strings.Repeat("|", 190000), Manufacturer: strings.Repeat("@a ", 50000)},
		Config:  "cra.toml",
		Checks:  []finding.CheckResult{{ID: "manifest", Status: finding.StatusFail, Errors: 1}},
	}
	for i := range 3000 {
		r.Findings = append(r.Findings, finding.Finding{Check: "manifest", Rule: "manifest-unknown-key", Severity: finding.Error,
			Message: strings.Repeat("|", 100000), File: strings.Repeat("<", 5000) + ".toml", Line: i + 1})
	}
	r.Summary.Errors = len(r.Findings)
	for _, max := range []int{65000, 1<<20 - 16<<10} {
		var b strings.Builder
		if err := Markdown(&b, r, MarkdownOptions{MaxBytes: max}); err != nil {
			t.Fatalf("MaxBytes %d: %v", max, err)
		}
		out := b.String()
		if len(out) > max || !strings.HasPrefix(out, "### ❌ CRA gate · ") || !strings.Contains(out, "more findings not shown") {
			t.Errorf("MaxBytes %d: %d bytes, starts %q", max, len(out), out[:min(80, len(out))])
		}
	}
}

var (
	liveMention = regexp.MustCompile(`(^|[^A-Za-z0-9])@[A-Za-z0-9_-]`)
	issueRef    = regexp.MustCompile(`(?i)(#|\bgh-)[0-9]`)
)

// FuzzEscapeMarkdown: whatever the repository text, its escaped form has no
// live @mention, no #N or GH-N reference, no autolink, no HTML tag and
// nothing that ends a table cell or a line, and it is never longer than the
// cut text escaped.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range []string{"é@octocat", "@team", "a@b.c", "#12", "GH-7", "x|y", "<!-- -->", "http://x", "www.x", "1. a", "\r\n@x", "\u202e@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := escapeMarkdown(s)
		plain := html.UnescapeString(out) // what GitHub's autolinker sees, backslash escapes aside
		switch {
		case liveMention.MatchString(plain):
			t.Fatalf("live mention in %q from %q", out, s)
		case issueRef.MatchString(plain):
			t.Fatalf("issue reference in %q from %q", out, s)
		case strings.ContainsAny(out, "<>|\n\r"):
			t.Fatalf("HTML, a cell break or a line break in %q from %q", out, s)
		case strings.Contains(out, "://") || strings.Contains(strings.ToLower(out), "www."):
			t.Fatalf("autolink in %q from %q", out, s)
		}
	})
}
