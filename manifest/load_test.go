package manifest

import (
	"strings"
	"testing"
)

func TestParseOddLayouts(t *testing.T) {
	src := strings.Join([]string{
		"schema = 1",
		"product = { name = \"Lock\", manufacturer = \"Acme\", functions = [\"unlock\"], nmae = 1 }",
		"support.end = 2031-03-01",
		"third_party = [",
		"  { name = \"sms\", kind = \"saas\", rationale = \"x\" },",
		"  { name = \"cdn\", knd = \"saas\" },",
		"]",
		"[disclosure] # comment",
		"policy = 'SECURITY.md'",
		"contact = \"\"\"mailto:a@b.example\"\"\"",
	}, "\r\n")
	m, probs := Parse("cra.toml", []byte(src))
	if m == nil {
		t.Fatalf("parse failed: %+v", probs)
	}
	if m.Product.Name != "Lock" || m.Support.End == nil || len(m.ThirdParty) != 2 || m.Disclosure.Contact != "mailto:a@b.example" {
		t.Fatalf("decoded %+v", m)
	}
	want := []Problem{
		{Kind: UnknownKey, Pos: Pos{2, 75}, Msg: `unknown key "nmae" in [product]; did you mean "name"?`},
		{Kind: UnknownKey, Pos: Pos{6, 19}, Msg: `unknown key "knd" in [[third_party]] #2; did you mean "kind"?`},
	}
	if len(probs) != len(want) {
		t.Fatalf("problems: %+v", probs)
	}
	for i := range want {
		if probs[i] != want[i] {
			t.Errorf("problem %d:\n got  %+v\n want %+v", i, probs[i], want[i])
		}
	}
	if m.Line(10) != `contact = """mailto:a@b.example"""` {
		t.Errorf("CRLF not stripped from lines: %q", m.Line(10))
	}
	if p := m.Pos("third_party", 1, "name"); p != (Pos{6, 5}) {
		t.Errorf("array of inline tables: %v", p)
	}
}

func TestParseProblems(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		kind      ProblemKind
		pos       Pos
		msg       string
	}{
		{"unterminated string", "schema = 1\n[product]\nname = \"x\n", Syntax, Pos{3, 0}, "strings cannot contain newlines"},
		{"duplicate key", "[product]\nname = \"a\"\nname = \"b\"\n", Syntax, Pos{3, 0}, "already been defined"},
		{"date in quotes", "[support]\nend = \"2031-03-01\"\n", WrongType, Pos{2, 1}, "without quotes (2031-03-01)"},
		{"number as string", "schema = \"1\"\n", WrongType, Pos{1, 1}, "must be a whole number, not a string"},
		{"table as string", "product = \"x\"\n", WrongType, Pos{1, 1}, "must be a table"},
		{"list item type", "[product]\nfunctions = [\"a\", 2]\n", WrongType, Pos{2, 1}, "item 2 is a number"},
		{"array of tables as table", "[rdps]\nname = \"x\"\n", WrongType, Pos{1, 1}, "a list of tables, written [[rdps]]"},
		{"not UTF-8", "schema = 1\nname = \"\xff\"\n", Syntax, Pos{2, 9}, "not valid UTF-8"},
		{"unknown top-level table", "[prodcut]\nname = \"x\"\n", UnknownKey, Pos{1, 1}, `did you mean "product"?`},
		{"too large", "# " + strings.Repeat("x", MaxSize) + "\n", Syntax, Pos{}, "at most 1048576"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := Parse("cra.toml", []byte(tc.src))
			if len(probs) != 1 {
				t.Fatalf("want one problem, got %+v", probs)
			}
			p := probs[0]
			if p.Kind != tc.kind || p.Pos.Line != tc.pos.Line || (tc.pos.Col != 0 && p.Pos.Col != tc.pos.Col) || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("got %+v, want kind %v at %v containing %q", p, tc.kind, tc.pos, tc.msg)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	for in, want := range map[string]string{"rationle": "rationale", "sbom": "sbom", "SBOM": "sbom", "developed-by": "developed_by", "xyz": ""} {
		if got := Closest(in, []string{"rationale", "sbom", "developed_by", "name"}); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParse checks that no input makes the loader panic, and that every
// problem is positioned within the file and says something.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"schema = 1\n[product]\nname = \"x\"\n",
		"[[rdps]]\nname = 'a'\nfunctions = [\"x\",\n  \"y\"]\n[[rdps]]\nnmae = 1\n",
		"a = { b = { c = [ { d = 1 } ] } }\r\n",
		"s = \"\"\"\nmulti\n\"\"\"\nt = '''x'''\n",
		"[support]\nend = \"2031\"\n",
		"x.\"y.z\".w = 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		m, probs := Parse("cra.toml", src)
		lines := strings.Count(string(src), "\n") + 1
		for _, p := range probs {
			if p.Msg == "" || p.Pos.Line < 0 || p.Pos.Line > lines {
				t.Fatalf("bad problem %+v for %q", p, src)
			}
		}
		if m == nil && len(probs) == 0 {
			t.Fatalf("no manifest and no problem for %q", src)
		}
		if m != nil {
			for _, p := range probs {
				if p.Fatal() {
					t.Fatalf("fatal problem but a manifest for %q", src)
				}
			}
		}
	})
}
