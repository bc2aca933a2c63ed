package report

import (
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/runnersim"
)

func TestNeutralizeCommands(t *testing.T) {
	for in, want := range map[string]string{
		"x = 1 # ##[set-output name=passed;]true": "x = 1 # ##\u200b[set-output name=passed;]true",
		"  ::notice title=x::y":                   "  :\u200b:notice title=x::y",
		"a\r::error::b":                           "a\r:\u200b:error::b",
		"\u00a0::error::b":                        "\u00a0:\u200b:error::b",
		"a ::error:: b":                           "a ::error:: b",
		"plain":                                   "plain",
	} {
		if got := NeutralizeCommands(in); got != want {
			t.Errorf("NeutralizeCommands(%q) = %q, want %q", in, got, want)
		}
	}
}

// hostileResult carries s in every field that repository text reaches.
func hostileResult(s string) *finding.Result {
	r := &finding.Result{
		Tool: finding.Tool{Name: "cra-gate", Version: "test"}, Config: s, Date: "2026-12-01", FailOn: "error",
		Product: finding.Product{Name: s, Manufacturer: s, Version: s},
		Findings: []finding.Finding{
			{Check: "manifest",
				Rule:      "manifest-unknown-key",
				Severity:  finding.Error,
				Message:   s,
				File:      s,
				Line:      2,
				Column:    1,
				Reference: "Annex VII",
				Fix:       "fix " + s,
				Source:    s,
				Item:      s,
				Key:       s},
			{Check: "sbom", Rule: "sbom-not-sbom", Severity: finding.Warning, Message: s, File: s},
			{Check: "scope", Rule: "scope-no-rdps", Severity: finding.Notice, Message: s, File: "cra.toml", Line: 3},
		},
		SBOMs: []finding.SBOMCoverage{{File: s,
			Format:      s,
			SpecVersion: s,
			Components:  1,
			Fields:      []finding.FieldCoverage{{Field: s, Present: 0, Threshold: 80, Missing: []string{s}}}}},
	}
	r.Evaluate(finding.FailOnError, allChecks, map[string]string{"support": s})
	return r
}

// FuzzCommandFree: whatever text the repository puts in a finding, no
// renderer's output issues a workflow command (annotations issue only their
// own, one a finding).
func FuzzCommandFree(f *testing.F) {
	for _, s := range []string{
		"x = 1 # ##[set-output name=passed;]true",
		"  ::notice title=x::pwned.json",
		"a\r::error::b",
		"\u2003::warning::b\n\t##[add-mask]x",
		"%0A::error::x %25",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := hostileResult(s)
		render := map[string]func(*strings.Builder) error{
			"text":  func(b *strings.Builder) error { return Text(b, r, TextOptions{Color: true}) },
			"json":  func(b *strings.Builder) error { return JSON(b, r) },
			"sarif": func(b *strings.Builder) error { return SARIF(b, []*finding.Result{r}, nil) },
			"markdown": func(b *strings.Builder) error {
				return Markdown(b, []*finding.Result{r}, MarkdownOptions{MaxBytes: 65000})
			},
		}
		for name, fn := range render {
			var b strings.Builder
			if err := fn(&b); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if cmds := runnersim.Commands(b.String()); len(cmds) > 0 {
				t.Fatalf("%s output issues %q for %q:\n%s", name, cmds, s, b.String())
			}
		}
		var b strings.Builder
		if err := Annotations(&b, r, AnnotationOptions{}); err != nil {
			t.Fatal(err)
		}
		cmds := runnersim.Commands(b.String())
		if len(cmds) != len(r.Findings) {
			t.Fatalf("annotations issue %q for %d findings (%q):\n%s", cmds, len(r.Findings), s, b.String())
		}
		for _, c := range cmds {
			if c != "error" && c != "warning" && c != "notice" {
				t.Fatalf("annotations issue %q for %q", c, s)
			}
		}
	})
}

// invisibles are characters a reader cannot see or that reorder what they see:
// LRM, RLM, ALM, ZWSP, ZWNJ, ZWJ, WJ, BOM, SHY, Hangul fillers, tag
// characters, bidi overrides and isolates, the line separator.
var invisibles = []rune{0x200e, 0x200f, 0x061c, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x115f, 0x1160, 0x3164, 0xffa0,
	0xe0001, 0xe0041, 0xe007f, 0x202e, 0x2066, 0x2069, 0x2028}

// TestInvisibleCharactersShown: every output shows each invisible character
// of repository text as a visible escape, never the character itself.
func TestInvisibleCharactersShown(t *testing.T) {
	var in strings.Builder
	for _, r := range invisibles {
		in.WriteString("a" + string(r))
	}
	r := hostileResult(in.String())
	render := map[string]func(*strings.Builder) error{
		"text":        func(b *strings.Builder) error { return Text(b, r, TextOptions{}) },
		"json":        func(b *strings.Builder) error { return JSON(b, r) },
		"sarif":       func(b *strings.Builder) error { return SARIF(b, []*finding.Result{r}, nil) },
		"markdown":    func(b *strings.Builder) error { return Markdown(b, []*finding.Result{r}, MarkdownOptions{State: true}) },
		"annotations": func(b *strings.Builder) error { return Annotations(b, r, AnnotationOptions{}) },
	}
	for name, fn := range render {
		var b strings.Builder
		if err := fn(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := b.String()
		for _, c := range invisibles {
			if strings.ContainsRune(out, c) {
				t.Errorf("%s output holds U+%04X unescaped", name, c)
			}
		}
		if name != "json" && name != "markdown" && !strings.Contains(strings.ReplaceAll(out, `\\`, `\`), `a\u200ba\u200c`) {
			t.Errorf("%s output does not show the zero-width space as \\u200b", name)
		}
		if name != "json" && !strings.Contains(out, `\U000e0041`) {
			t.Errorf("%s output does not show the tag character as \\U000e0041", name)
		}
	}
	// JSON escapes them and reads back the same text.
	var b strings.Builder
	if err := JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(strings.NewReader(b.String()))
	if err != nil || back.Findings[0].Message != in.String() {
		t.Errorf("JSON does not read back the same message: %v", err)
	}
	if !strings.Contains(b.String(), `a\u200ba\u200c`) || !strings.Contains(b.String(), `\udb40\udc41`) {
		t.Error("JSON does not escape the invisible characters")
	}
}
