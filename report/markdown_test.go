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
	return renderMarkdowns(t, []*finding.Result{r}, opt)
}

func renderMarkdowns(t *testing.T, rs []*finding.Result, opt MarkdownOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := Markdown(&b, rs, opt); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// testLinks is a pull request head on github.com.
var testLinks = Links{Server: "https://github.com", Repo: "acme/lock", Commit: "5d41402abc4b2a76b9719d911017c592aabbccdd"}

func TestMarkdownGolden(t *testing.T) {
	run := "https://github.com/acme/lock/actions/runs/42"
	withCommit := failing()
	withCommit.Commit = testLinks.Commit
	for _, tc := range []struct {
		name string
		rs   []*finding.Result
		opt  MarkdownOptions
	}{
		{"md_failing.md", []*finding.Result{withCommit}, MarkdownOptions{Marker: marker, RunURL: run, Links: testLinks, State: true}},
		{"md_passing.md", []*finding.Result{passing()}, MarkdownOptions{}},
		{"md_skipped.md", []*finding.Result{skipped()}, MarkdownOptions{Marker: marker}},
		{"md_hostile.md", []*finding.Result{hostile()}, MarkdownOptions{}},
		{"md_truncated.md", []*finding.Result{failing()}, MarkdownOptions{Marker: marker, RunURL: run, MaxBytes: 2500}},
		{"md_monorepo.md", monorepo(), MarkdownOptions{Marker: marker, RunURL: run, Links: testLinks}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, []byte(renderMarkdowns(t, tc.rs, tc.opt)))
		})
	}
}

// monorepo is two products of one repository, the passing one first.
func monorepo() []*finding.Result {
	lock := passing()
	lock.Config = "lock/cra.toml"
	cam := failing()
	cam.Config = "camera/cra.toml"
	cam.Product = finding.Product{Name: "Brightcam Indoor 2", Manufacturer: "Brightcam Ltd"}
	for _, r := range []*finding.Result{lock, cam} {
		r.Commit = testLinks.Commit
		for i := range r.Findings {
			if r.Findings[i].File != "" {
				r.Findings[i].File = strings.TrimSuffix(r.Config, "cra.toml") + r.Findings[i].File
			}
		}
	}
	return []*finding.Result{lock, cam}
}
func TestMarkdownVerdicts(t *testing.T) {
	never := failing()
	never.Evaluate(finding.FailOnNever, allChecks, nil)
	clean := &finding.Result{Passed: true, FailOn: "error", Findings: []finding.Finding{}}
	withCommit := failing()
	withCommit.Commit = testLinks.Commit
	for _, tc := range []struct {
		r     *finding.Result
		links Links
		want  string
	}{
		{failing(), Links{}, "### ❌ CRA gate failed · Acme Smart Lock"},
		{passing(), Links{}, "### ✅ CRA gate passed · Acme Smart Lock"},
		{never, Links{}, "### ⚠️ CRA gate: report only · Acme Smart Lock"},
		{clean, Links{}, "### ✅ CRA gate passed"},
		{withCommit, Links{}, "### ❌ CRA gate failed · Acme Smart Lock · checked <code>5d41402</code>"},
		{withCommit, testLinks, "### ❌ CRA gate failed · Acme Smart Lock · checked " +
			"[<code>5d41402</code>](https://github.com/acme/lock/commit/5d41402abc4b2a76b9719d911017c592aabbccdd)"},
	} {
		out := renderMarkdown(t, tc.r, MarkdownOptions{Links: tc.links})
		if first, _, _ := strings.Cut(out, "\n"); first != tc.want {
			t.Errorf("heading\n got %q\nwant %q", first, tc.want)
		}
	}
	out := renderMarkdown(t, failing(), MarkdownOptions{Marker: marker})
	if !strings.HasPrefix(out, marker+"\n### ") {
		t.Errorf("marker is not the first line:\n%s", out)
	}
	if !strings.Contains(out, "<details><summary>ℹ️ 3 notices</summary>") {
		t.Errorf("notices not folded:\n%s", out)
	}
	// Errors come before warnings, each one list item; warnings that do not
	// fail the gate are folded, and written out when they do.
	e, w := strings.Index(out, "**❌ 3 errors**"),
		strings.Index(out, "<details><summary>⚠️ 3 warnings (not failing: the gate fails on errors)</summary>")
	if e < 0 || w < e || strings.Count(out[e:strings.Index(out, "<details><summary>ℹ️")], "\n- ") != 6 {
		t.Errorf("want 3 errors then 3 folded warnings as list items:\n%s", out)
	}
	strict := failing()
	strict.Evaluate(finding.FailOnWarning, allChecks, nil)
	out = renderMarkdown(t, strict, MarkdownOptions{})
	e, w = strings.Index(out, "**❌ 3 errors**"), strings.Index(out, "**⚠️ 3 warnings**")
	if e < 0 || w < e || strings.Count(out[e:strings.Index(out, "<details>")], "\n- ") != 6 {
		t.Errorf("at fail-on warning, want 3 errors then 3 warnings written out:\n%s", out)
	}
}

// TestMarkdownItems: a finding is a list item with its location linked to
// the line at the commit, the fix with its code spans intact at the text's
// size, then the rule linked to its page and the CRA reference.
func TestMarkdownItems(t *testing.T) {
	r := failing()
	r.Commit = testLinks.Commit
	r.Findings[0].Fix = "Add `schema = 1` as the first line; see `cra-gate rules`."
	r.Findings[0].File = "fw dir/cra.toml"
	out := renderMarkdown(t, r, MarkdownOptions{Links: testLinks})
	want := "- [<code>fw " +
		"dir/cra.toml:52</code>](https://github.com/acme/lock/blob/5d41402abc4b2a76b9719d911017c592aabbccdd/fw%20dir/cra.toml#L52) " +
		"unknown key \"rationle\" in \\[\\[rdps\\]\\] \"acme-cloud-api\"; did you mean " +
		"\"rationale\"?" +
		"<br>**Fix:** Add <code>schema = 1</code> as the first line; see <code>cra-gate rules</code>." +
		"<br><sub>[<code>manifest-unknown-key</code>](https://github.com/cra-gate/cra-gate/blob/main/docs/rules/manifest-unknown-key.md) " +
		"· Annex VII</sub>\n"
	if !strings.Contains(out, want) {
		t.Errorf("item not found; want\n%s\nin\n%s", want, out)
	}
	// Without a valid commit, locations are plain.
	r.Commit = "not-a-sha"
	if out := renderMarkdown(t,
		r,
		MarkdownOptions{Links: Links{Server: "https://github.com", Repo: "acme/lock", Commit: "main"}}); strings.Contains(out,
		"acme/lock/blob") {
		t.Errorf("linked to a branch name:\n%s", out)
	}
}

// TestMarkdownSinceLastPush: the comment remembers its gaps; the next run
// counts what is new (marked 🆕) and names what was fixed; a re-run at the
// same commit renders the very same body, so the comment is not written again.
func TestMarkdownSinceLastPush(t *testing.T) {
	first := failing()
	first.Commit = "1111111111111111111111111111111111111111"
	body1 := renderMarkdown(t, first, MarkdownOptions{Marker: marker, State: true})
	if strings.Contains(body1, "Since the last push") || strings.Contains(body1, "🆕") {
		t.Errorf("a first comment has nothing to compare with:\n%s", body1)
	}
	second := failing()
	second.Commit = "2222222222222222222222222222222222222222"
	fixed := second.Findings[1] // scope-unknown-function
	second.Findings = append(second.Findings[:1], second.Findings[2:]...)
	second.Findings = append(second.Findings,
		finding.Finding{Check: "sbom",
			Rule:     "sbom-drift-missing",
			Severity: finding.Warning,
			File:     "go.mod",
			Line:     9,
			Item:     "golang.org/x/net",
			Key:      "golang.org/x/net",
			Message:  "golang.org/x/net v0.31.0 is not in the SBOM"})
	second.Evaluate(finding.FailOnError, allChecks, nil)
	body2 := renderMarkdown(t, second, MarkdownOptions{Marker: marker, State: true, Previous: ParseState(body1)})
	if !strings.Contains(body2, "Since the last push: **1 new**, **1 fixed** ([<code>"+fixed.Rule+"</code>]") {
		t.Errorf("since line:\n%s", body2)
	}
	if strings.Count(body2, "🆕") != 1 || !strings.Contains(body2, "golang.org/x/net v0.31.0 is not in the SBOM 🆕") {
		t.Errorf("want the one new finding marked:\n%s", body2)
	}
	rerun := renderMarkdown(t, second, MarkdownOptions{Marker: marker, State: true, Previous: ParseState(body2)})
	if rerun != body2 {
		t.Errorf("a re-run at the same commit changed the body:\n%s\n---\n%s", body2, rerun)
	}
	// The block survives hostile names: it is base64, and names are escaped
	// when shown.
	h := hostile()
	h.Commit = "3333333333333333333333333333333333333333"
	hb := renderMarkdown(t, h, MarkdownOptions{State: true})
	if st := ParseState(hb); st == nil || len(st.open) == 0 || strings.Count(hb, "-->") != 1 {
		t.Errorf("state block of a hostile report: %v\n%s", st, hb)
	}
	clean := passing()
	clean.Commit = "4444444444444444444444444444444444444444"
	if out := renderMarkdown(t,
		clean,
		MarkdownOptions{State: true, Previous: ParseState(hb)}); !strings.Contains(out,
		"**1 fixed** ([<code>manifest-unknown-key</code>]") || strings.Contains(out,
		"<!--\x20x") {
		t.Errorf("fixed hostile findings:\n%s", out)
	}
}

// TestMarkdownMonorepo: one comment for several products, worst first, each
// with its section.
func TestMarkdownMonorepo(t *testing.T) {
	out := renderMarkdowns(t, monorepo(), MarkdownOptions{})
	if first, _, _ := strings.Cut(out,
		"\n"); first != "### ❌ CRA gate failed · 2 products · checked <code>5d41402</code>" || !strings.Contains(out,
		"\n**3 errors, 4 warnings**\n") {
		t.Errorf("heading %q", first)
	}
	cam, lock := strings.Index(out, "#### ❌ **Brightcam Indoor 2**"), strings.Index(out, "#### ⚠️ **Acme Smart Lock**")
	if cam < 0 || lock < cam {
		t.Errorf("want the failing product's section first:\n%s", out)
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
		"[x](http://evil)":      "\\[x\\](`http://evil`)",
		"see https://github.com/OWNER/REPO/security/advisories/new.": "see `https://github.com/OWNER/REPO/security/advisories/new`.",
		"HTTPS://a.example/?q=1&b=`x`":                               "`HTTPS://a.example/?q=1&b=`\\`x\\`",
		"xhttps://a https:// http://@u":                              "xhttps:&#8203;//a https:&#8203;// http:&#8203;//@&#8203;u",
		"(https://a.example/x), 12":                                  "(`https://a.example/x`), 12",
		"![img](i.png)":                                              "\\!\\[img\\](i.png)",
		"`code` ```":                                                 "\\`code\\` \\`\\`\\`",
		`C:\dir\`:                                                    `C:\\dir\\`,
		"*b* _i_ ~~s~~":                                              `\*b\* \_i\_ \~\~s\~\~`,
		"# heading":                                                  `\# heading`,
		"- item":                                                     `\- item`,
		"+ item":                                                     `\+ item`,
		"= underline":                                                `\= underline`,
		"12. item":                                                   `12\. item`,
		"v3.2.0, 3.2.0 and 1.":                                       `v3.2.0, 3.2.0 and 1.`,
		"1.":                                                         `1\.`,
		"3)x":                                                        "3)x",
		"3) item":                                                    `3\) item`,
		"v1.2":                                                       "v1.2",
		"::error::x %0A %25":                                         "::error::x %0A %25",
		"$x^2$":                                                      "&#36;x^2&#36;",
		"\x1b[31m":                                                   `\\x1b\[31m`,
		"issue #12 is fine":                                          `issue \#&#8203;12 is fine`,
		"o/r#7 and GH-12":                                            `o/r\#&#8203;7 and GH-&#8203;12`,
		"gh-1 GH-x":                                                  `gh-&#8203;1 GH-x`,
		"é@octocat":                                                  `é@&#8203;octocat`,
		"a.@b (@c)":                                                  `a.@&#8203;b (@&#8203;c)`,
		"www.evil.example":                                           `www&#8203;.evil.example`,
		"a-b+c=d":                                                    "a-b+c=d",
		"":                                                           "",
	} {
		if got := escapeMarkdown(in); got != want {
			t.Errorf("escapeMarkdown(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

// allowedTags are the only HTML tags the Markdown renderer writes itself.
var allowedTags = regexp.MustCompile(`</?(details|summary|code|sub)>|<br>`)

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
	for _, bad := range []string{"<!--", "<script", "![", "@user", "@octocat", "@admin", "\x1b", "::error::pwned\n", "`code`"} {
		if strings.Contains(out, bad) && !strings.Contains(out, `\`+bad) {
			t.Errorf("output contains %q unescaped:\n%s", bad, out)
		}
	}
	if regexp.MustCompile(`[^\\]\]\((?:[^h]|h[^t])`).MatchString(out) {
		t.Errorf("an unescaped ]( could form a link:\n%s", out)
	}
	// Every line starts with our own syntax, never with repository text.
	for _, line := range strings.Split(out, "\n") {
		if line == "" {
			continue
		}
		ok := false
		for _, p := range []string{"### ", "#### ", "| ", "<details>", "</details>", "- ", "**", "<sub>", "manifest ", "\n"} {
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
		big.Findings = append(big.Findings, finding.Finding{Check: "sbom", Rule: "sbom-drift-missing", Severity: sev, File: "go.mod", Line: i + 1,
			Message: fmt.Sprintf("direct dependency example.com/mod%d v1.0.0 is not in sbom/app.cdx.json", i), Reference: "Annex I Part II(1)"})
	}
	big.Evaluate(finding.FailOnError, allChecks, nil)
	full := renderMarkdown(t, big, MarkdownOptions{})
	run := "https://github.com/acme/lock/actions/runs/42"
	items := func(out, sev string) int {
		i := strings.Index(out, sev)
		if i < 0 {
			return 0
		}
		j := strings.Index(out[i:], "\n\n**")
		if k := strings.Index(out[i+1:], "\n\n<"); j < 0 || (k >= 0 && k+1 < j) {
			j = k + 1
		}
		if j <= 0 {
			j = len(out) - i
		}
		return shownFindings(out[i : i+j])
	}

	for _, limit := range []int{2500, 5000, 20000, len(full) / 2} {
		out := renderMarkdown(t, big, MarkdownOptions{Marker: marker, RunURL: run, MaxBytes: limit, State: true})
		if len(out) > limit {
			t.Errorf("limit %d: %d bytes", limit, len(out))
		}
		if !utf8.ValidString(out) || !strings.HasPrefix(out, marker+"\n") || !strings.Contains(out, statePrefix) {
			t.Errorf("limit %d: invalid UTF-8, or marker or state lost", limit)
		}
		if strings.Contains(out, "<details><summary>ℹ️") {
			t.Errorf("limit %d: notices kept although gaps were cut", limit)
		}
		if strings.Count(out, "<details>") != strings.Count(out, "</details>") {
			t.Errorf("limit %d: a folded block left open:\n%s", limit, out)
		}
		errs, warns := items(out, "**❌"), items(out, "<summary>⚠️")
		if warns > 0 && errs != big.Summary.Errors {
			t.Errorf("limit %d: %d of %d errors and %d warnings shown: errors must be kept before warnings", limit, errs, big.Summary.Errors, warns)
		}
		note := fmt.Sprintf("> **%d more findings not shown** here: this report is longer than a comment can hold. See "+
			"the full report [in the workflow run](%s).", big.Summary.Errors+big.Summary.Warnings+big.Summary.Notices-errs-warns, run)
		if !strings.Contains(out, note) {
			t.Errorf("limit %d: note %q missing:\n%s", limit, note, out[max(0, len(out)-400):])
		}
	}

	// A limit one byte short drops the coverage block first: it comes last,
	// and it is no finding.
	out := renderMarkdown(t, big, MarkdownOptions{MaxBytes: len(full) - 1})
	if strings.Contains(out, "📦 SBOM coverage") || !strings.Contains(out, "<details><summary>ℹ️") {
		t.Errorf("coverage should go first:\n%s", out[max(0, len(out)-300):])
	}
	// Without coverage, a limit the gaps fit in drops only the notices.
	big.SBOMs = nil
	full = renderMarkdown(t, big, MarkdownOptions{})
	out = renderMarkdown(t, big, MarkdownOptions{MaxBytes: len(full) - 1})
	if strings.Contains(out, "<details><summary>ℹ️") || !strings.Contains(out, fmt.Sprintf("**%d more findings not shown** here", big.Summary.Notices)) {
		t.Errorf("notices should go first:\n%s", out[max(0, len(out)-300):])
	}
	if out := renderMarkdown(t, big, MarkdownOptions{MaxBytes: len(full)}); out != full {
		t.Error("output at exactly the limit was changed")
	}
}

func TestMarkdownCoverage(t *testing.T) {
	r := failing()
	r.SBOMs = []finding.SBOMCoverage{{File: "sbom/a|b.json", Format: "CycloneDX", SpecVersion: "1.6", Components: 10,
		Fields: []finding.FieldCoverage{{Field: "name", Present: 10, Percent: 100, Threshold: 100}, {Field: "hash", Present: 2, Percent: 20, Threshold: 80}}}}
	out := renderMarkdown(t, r, MarkdownOptions{})
	for _, want := range []string{"📦 SBOM coverage: 1 SBOM, 1 field under the threshold",
		"- <code>sbom/a&#124;b.json</code> (CycloneDX 1.6, 10 components): name 100% · ⚠️ hash 20% " +
			"(under 80%)"} {
		if !strings.Contains(out, want) {
			t.Errorf("coverage table lacks %q:\n%s", want, out)
		}
	}
	// A field below its threshold that a waiver accepted says so, and is not
	// counted as under the threshold.
	r.SBOMs[0].Fields[1].Waived = true
	out = renderMarkdown(t, r, MarkdownOptions{})
	for _, want := range []string{"📦 SBOM coverage: 1 SBOM, the other fields at their thresholds, 1 field waived", "🙈 hash 20% (under 80%, waived)"} {
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
		if err := Markdown(&b, []*finding.Result{r}, MarkdownOptions{MaxBytes: max}); err != nil {
			t.Fatalf("MaxBytes %d: %v", max, err)
		}
		out := b.String()
		if len(out) > max || !strings.HasPrefix(out, "### ❌ CRA gate failed · ") || !strings.Contains(out, "more findings not shown") {
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
	for _, s := range []string{"é@octocat", "@team", "a@b.c", "#12", "GH-7", "x|y", "<!-- -->", "http://x", "www.x", "1. a", "\r\n@x",
		"\u202e@x", "https://a.example/@u#1 x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := escapeMarkdown(s)
		text := outsideURLSpans(t, out)    // GitHub links nothing inside a code span
		plain := html.UnescapeString(text) // what GitHub's autolinker sees, backslash escapes aside
		switch {
		case liveMention.MatchString(plain):
			t.Fatalf("live mention in %q from %q", out, s)
		case issueRef.MatchString(plain):
			t.Fatalf("issue reference in %q from %q", out, s)
		case strings.ContainsAny(out, "<>|\n\r"):
			t.Fatalf("HTML, a cell break or a line break in %q from %q", out, s)
		case strings.Contains(text, "://") || strings.Contains(strings.ToLower(text), "www."):
			t.Fatalf("autolink in %q from %q", out, s)
		}
	})
}

// urlSpan is what escapeMarkdown makes of a URL: a code span of URL characters.
var urlSpan = regexp.MustCompile("^`(?i:https?)://[A-Za-z0-9][A-Za-z0-9._~:/?#@!$&'*+,;=%-]*`")

// outsideURLSpans returns escaped text without its URL code spans, failing
// the test on a backtick that neither is escaped nor opens one: then a code
// span could hold or cut off other text.
func outsideURLSpans(t *testing.T, out string) string {
	var b strings.Builder
	for i := 0; i < len(out); i++ {
		switch out[i] {
		case '\\':
			b.WriteByte(out[i])
			if i+1 < len(out) {
				i++
				b.WriteByte(out[i])
			}
		case '`':
			m := urlSpan.FindString(out[i:])
			if m == "" {
				t.Fatalf("a backtick that opens no URL span in %q", out)
			}
			i += len(m) - 1
		default:
			b.WriteByte(out[i])
		}
	}
	return b.String()
}

// shownFindings counts the findings a part of a comment shows: a list item
// is one, a grouped item ("**3 findings:**") one per line under it.
func shownFindings(md string) int {
	n := 0
	for _, line := range strings.Split(md, "\n") {
		switch {
		case !strings.HasPrefix(line, "- "):
		case strings.Contains(line, " findings:**"):
			n += strings.Count(line, "<br>• ")
		default:
			n++
		}
	}
	return n
}
