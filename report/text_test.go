package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cra-gate/cra-gate/finding"
)

// renderText writes the full report (Verbose: notices and waived findings
// one by one); text_passing.txt is the default, folded one.
func renderText(t *testing.T, r *finding.Result, color bool) string {
	t.Helper()
	var b bytes.Buffer
	if err := Text(&b, r, TextOptions{Color: color, Verbose: true}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTextGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		r     *finding.Result
		color bool
	}{
		{"text_failing.txt", failing(), false},
		{"text_failing_color.txt", failing(), true},
		{"text_passing.txt", passing(), false},
		{"text_skipped.txt", skipped(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := renderText(t, tc.r, tc.color)
			if tc.name == "text_passing.txt" {
				var b bytes.Buffer
				if err := Text(&b, tc.r, TextOptions{}); err != nil {
					t.Fatal(err)
				}
				out = b.String()
			}
			golden(t, tc.name, []byte(out))
		})
	}
}

func TestTextLayout(t *testing.T) {
	out := renderText(t, failing(), false)
	// Checks appear in report order, each once, and only when they have findings.
	var heads []string
	for _, line := range strings.Split(out, "\n") {
		for _, c := range allChecks {
			if line == c {
				heads = append(heads, c)
			}
		}
	}
	if got, want := strings.Join(heads, ","), "manifest,scope,sbom,disclosure,support"; got != want {
		t.Errorf("check headings %s, want %s", got, want)
	}
	for _, want := range []string{
		`cra.toml:52:1: error: unknown key "rationle" in [[rdps]] "acme-cloud-api"; did you mean "rationale"? [manifest-unknown-key]`,
		"  fix: Correct the key's spelling.\n",
		"sbom/app.cdx.json: warning: SBOM has 143",
		"\nnotice: disclosure.policy is an https URL", // no file: no location
		"checks: manifest fail · scope fail · sbom warn · disclosure fail · support pass · vulns pass · documentation pass\n",
		"FAIL: 3 errors, 3 warnings, 3 notices (fails on error)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("colour codes without Color")
	}
	if out := renderText(t, skipped(), false); !strings.Contains(out, "support skip (cra.toml did not load)") {
		t.Errorf("skip reason missing:\n%s", out)
	}
	if out := renderText(t, passing(), false); !strings.HasSuffix(out, "PASS: 0 errors, 1 warning, 1 notice (fails on error)\n") {
		t.Errorf("passing verdict:\n%s", out)
	}
}

func TestTextSnippet(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      finding.Finding
		want   string // the lines after the diagnostic line
		noSnip bool
	}{
		{name: "caret", f: finding.Finding{Line: 12, Column: 3, Source: "ab = 1"},
			want: "   12 | ab = 1\n      |   ^\n"},
		{name: "tabs are copied", f: finding.Finding{Line: 4, Column: 3, Source: "\t\tkey = 1"},
			want: "    4 | \t\tkey = 1\n      | \t\t^\n"},
		{name: "tab then text", f: finding.Finding{Line: 4, Column: 4, Source: "\tk\tv"},
			want: "    4 | \tk\tv\n      | \t \t^\n"},
		{name: "no column", f: finding.Finding{Line: 9, Source: "x = 1"},
			want: "    9 | x = 1\n"},
		{name: "column past the end", f: finding.Finding{Line: 9, Column: 40, Source: "x = 1"},
			want: "    9 | x = 1\n      |      ^\n"},
		{name: "byte column after multibyte", f: finding.Finding{Line: 2, Column: 8, Source: `n = "é" x`},
			want: "    2 | n = \"é\" x\n      |       ^\n"},
		{name: "escape before the column", f: finding.Finding{Line: 1, Column: 3, Source: "\x1bk=1"},
			want: "    1 | \\x1bk=1\n      |      ^\n"},
		{name: "crlf trimmed", f: finding.Finding{Line: 100000, Column: 2, Source: "kv\r\n"},
			want: "100000 | kv\n       |  ^\n"},
		// A caret under the first column points at nothing: left out.
		{name: "column 1", f: finding.Finding{Line: 3, Column: 1, Source: "[[rdps]]"}, want: "    3 | [[rdps]]\n"},
		{name: "no source", f: finding.Finding{Line: 9, Column: 2}, noSnip: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.f
			f.Check, f.Rule, f.Message, f.File, f.Severity = "manifest", "r", "m", "cra.toml", finding.Error
			r := &finding.Result{Findings: []finding.Finding{f}}
			out := renderText(t, r, false)
			_, after, ok := strings.Cut(out, "[r]\n")
			if !ok {
				t.Fatalf("no diagnostic line:\n%s", out)
			}
			got, _, _ := strings.Cut("\n"+after, "\n\n") // up to the blank line
			got = strings.TrimPrefix(got+"\n", "\n")
			if tc.noSnip {
				tc.want = ""
			}
			if got != tc.want {
				t.Errorf("snippet\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

var sgr = regexp.MustCompile(`\x1b\[[0-9;]*m`)

func TestTextHostile(t *testing.T) {
	r := hostile()
	plain := renderText(t, r, false)
	for _, bad := range []string{"\x1b", "\r", "\a", "\u009b", "\u202e"} {
		if strings.Contains(plain, bad) {
			t.Errorf("output contains %q:\n%s", bad, plain)
		}
	}
	// The message's newline is shown, not obeyed: the diagnostic stays on one line.
	if !strings.Contains(plain, `line one\x0a::error::pwned\x0d\x0a%0A::warning::also pwned`) {
		t.Errorf("newlines not made visible:\n%s", plain)
	}
	if !strings.Contains(plain, `\x1b[31mred\x07 \u009b2J \u202eevil`) {
		t.Errorf("controls not made visible:\n%s", plain)
	}
	// With colour, every escape sequence is one of ours.
	colored := renderText(t, r, true)
	if rest := sgr.ReplaceAllString(colored, ""); strings.Contains(rest, "\x1b") {
		t.Errorf("escape from repository text survived colour output:\n%q", rest)
	}
	if sgr.ReplaceAllString(colored, "") != plain {
		t.Error("colour output differs from plain output by more than SGR sequences")
	}
}

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"plain é ü 漢":   "plain é ü 漢",
		"a\tb":          "a\tb",
		"a\nb":          `a\x0ab`,
		"\x1b[2J":       `\x1b[2J`,
		"\x7f":          `\x7f`,
		"\u0085\u009b":  `\u0085\u009b`,
		"\u202eabc":     `\u202eabc`,
		"\u2066x\u2069": `\u2066x\u2069`,
		"\xff":          `\xff`,
	} {
		if got := sanitize(in, "\t"); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTextWrapQuietAndGroups: at a terminal's width every line fits (a word
// longer than a line aside) with continuation lines indented; a run of
// findings of one rule and fix prints the fix once; --quiet drops source
// lines and tables; a minimum severity drops what is below it.
func TestTextWrapQuietAndGroups(t *testing.T) {
	r := failing()
	r.Findings = append(r.Findings,
		finding.Finding{Check: "sbom", Rule: "sbom-drift-missing", Severity: finding.Warning, File: "go.mod", Line: 8,
			Message: "direct dependency golang.org/x/mod v0.5.0 is not in sbom/firmware.cdx.json", Fix: "Regenerate the SBOM from the current dependency manifest."})
	r.Evaluate(finding.FailOnError, allChecks, nil)
	var b strings.Builder
	if err := Text(&b, r, TextOptions{Width: 60}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, line := range strings.Split(out, "\n") {
		source := strings.Contains(line, " | ") // a source line is shown as it is
		if n := utf8.RuneCountInString(line); n > 60 && !source && strings.Contains(strings.TrimSpace(line), " ") {
			t.Errorf("line of %d columns: %q", n, line)
		}
	}
	if !strings.Contains(out, "\n    ") {
		t.Errorf("no continuation line:\n%s", out)
	}
	if n := strings.Count(out, "fix (all above): Regenerate the SBOM"); n != 1 || strings.Contains(out, "  fix: Regenerate the SBOM") {
		t.Errorf("the drift fix: %d grouped, want 1 and no single:\n%s", n, out)
	}

	b.Reset()
	if err := Text(&b, r, TextOptions{Quiet: true, MinSeverity: finding.Warning}); err != nil {
		t.Fatal(err)
	}
	quiet := b.String()
	if strings.Contains(quiet, " | ") || strings.Contains(quiet, "SBOM coverage") || strings.Contains(quiet, "[scope-connectivity]") ||
		!strings.Contains(quiet, "[sbom-drift-missing]") || !strings.Contains(quiet, "FAIL: 3 errors, 4 warnings, 3 notices") {
		t.Errorf("quiet:\n%s", quiet)
	}
	b.Reset()
	if err := Text(&b, r, TextOptions{MinSeverity: finding.Error}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "warning:") || !strings.Contains(b.String(), "error:") {
		t.Errorf("min severity error:\n%s", b.String())
	}
}
