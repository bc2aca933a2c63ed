package manifest

import (
	"fmt"
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
		{Kind: UnknownKey, Pos: Pos{Line: 2, Col: 75}, Msg: `unknown key "nmae" in [product]; did you mean "name"?`, Path: "product.nmae"},
		{Kind: UnknownKey, Pos: Pos{Line: 6, Col: 19}, Msg: `unknown key "knd" in [[third_party]] #2; did you mean "kind"?`, Path: "third_party[1].knd"},
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
	if p := m.Pos("third_party", 1, "name"); p != (Pos{Line: 6, Col: 5}) {
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
		{"unterminated string", "schema = 1\n[product]\nname = \"x\n", Syntax, Pos{Line: 3, Col: 0}, "strings cannot contain newlines"},
		{"duplicate key", "[product]\nname = \"a\"\nname = \"b\"\n", Syntax, Pos{Line: 3, Col: 0}, "already been defined"},
		{"date in quotes", "[support]\nend = \"2031-03-01\"\n", WrongType, Pos{Line: 2, Col: 1}, "without quotes (2031-03-01)"},
		{"number as string", "schema = \"1\"\n", WrongType, Pos{Line: 1, Col: 1}, "must be a whole number, not a string"},
		{"table as string", "product = \"x\"\n", WrongType, Pos{Line: 1, Col: 1}, "must be a table"},
		{"list item type", "[product]\nfunctions = [\"a\", 2]\n", WrongType, Pos{Line: 2, Col: 1}, "item 2 is a number"},
		{"array of tables as table", "[rdps]\nname = \"x\"\n", WrongType, Pos{Line: 1, Col: 1}, "a list of tables, written [[rdps]]"},
		{"not UTF-8", "schema = 1\nname = \"\xff\"\n", Syntax, Pos{Line: 2, Col: 9}, "not valid UTF-8"},
		{"unknown top-level table", "[prodcut]\nname = \"x\"\n", UnknownKey, Pos{Line: 1, Col: 1}, `did you mean "product"?`},
		{"too large", "# " + strings.Repeat("x", MaxSize) + "\n", Limit, Pos{}, "at most 1048576"},
		{"dotted key bomb", "[product]\nx." + strings.Repeat("a.", 20000) + "b = 1\n", Limit, Pos{Line: 2, Col: 17}, "nested more than 8 deep"},
		{"inline table bomb", "a = " + strings.Repeat("{b=", 16000) + "1" + strings.Repeat("}", 16000) + "\n", Limit, Pos{Line: 1}, "nested more than 8 deep"},
		{"too many entries", strings.Repeat("[[rdps]]\n", MaxItems+1), Limit, Pos{Line: MaxItems + 1, Col: 1}, "more than 1000 [[rdps]] tables"},
		{"too many keys", manyKeys(MaxKeys + 1), Limit, Pos{Line: MaxKeys, Col: 1}, "more than 10000 keys"},
		{"name too long", "[product]\nname = \"" + strings.Repeat("n", MaxName+1) + "\"\n", TooLong, Pos{Line: 2, Col: 1}, "at most 256 bytes"},
		{"function too long", "[product]\nfunctions = [\"" + strings.Repeat("f", MaxName+1) + "\"]\n", TooLong, Pos{Line: 2, Col: 1}, "at most 256 bytes"},
		{"text too long", "[support]\nrationale = \"" + strings.Repeat("r", MaxText+1) + "\"\n", TooLong, Pos{Line: 2, Col: 1}, "at most 16384 bytes"},
		{"number out of range", "schema = 99999999999\n", WrongType, Pos{Line: 1, Col: 1}, "between -2147483648 and 2147483647"},
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

func manyKeys(n int) string {
	var b strings.Builder
	b.WriteString("[gate.sbom_thresholds]\n")
	for i := range n - 2 {
		fmt.Fprintf(&b, "f%d = 1\n", i)
	}
	return b.String()
}

// TestUnknownKeysEverywhere: an unknown key is reported at each entry that
// writes it, found through the index by its full path (one map lookup each,
// not a scan per key), and an unknown table once, not once per key in it.
func TestUnknownKeysEverywhere(t *testing.T) {
	var b strings.Builder
	b.WriteString("[prodcut]\na = 1\nb = 2\n")
	for range 3 {
		b.WriteString("[[rdps]]\nnmae = \"x\"\n")
	}
	_, probs := Parse("cra.toml", []byte(b.String()))
	var got []string
	for _, p := range probs {
		got = append(got, fmt.Sprintf("%d:%s", p.Pos.Line, p.Msg))
	}
	want := []string{
		`1:unknown key "prodcut"; did you mean "product"?`,
		`5:unknown key "nmae" in [[rdps]] #1; did you mean "name"?`,
		`7:unknown key "nmae" in [[rdps]] #2; did you mean "name"?`,
		`9:unknown key "nmae" in [[rdps]] #3; did you mean "name"?`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestManyUnknownKeys is the regression test for unknown keys looked up one
// by one (100,000 keys took 50 s): the file is refused at MaxKeys, and 9,000
// unknown keys within it are each reported.
func TestManyUnknownKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString("[product]\n")
	for i := range 9000 {
		fmt.Fprintf(&b, "unknown_%d = 1\n", i)
	}
	_, probs := Parse("cra.toml", []byte(b.String()))
	if len(probs) != 9000 || probs[8999].Pos.Line != 9001 {
		t.Fatalf("got %d problems, last %+v", len(probs), probs[len(probs)-1])
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

// TestClosestBounded: long strings get no suggestion (two 200,000-character
// names took 88 s), and the banded distance agrees with the full one.
func TestClosestBounded(t *testing.T) {
	long := strings.Repeat("a", 200000)
	if got := Closest(long, []string{long + "b", "unlock"}); got != "" {
		t.Errorf("long string suggested %q", got[:10])
	}
	if got := Closest("unlok", []string{strings.Repeat("u", 100000), "unlock"}); got != "unlock" {
		t.Errorf("a long candidate must not hide the close one: %q", got)
	}
	words := []string{"", "a", "ab", "ba", "abc", "acb", "kitten", "sitting", "remote-unlock", "remote_unlok", "onboarding", "onbaording", "updates", "upd"}
	for _, a := range words {
		for _, b := range words {
			full := fullDistance(a, b)
			for k := 0; k <= 3; k++ {
				want := full
				if want > k {
					want = k + 1
				}
				if got := boundedDistance(a, b, k); got != want {
					t.Errorf("boundedDistance(%q, %q, %d) = %d, want %d", a, b, k, got, want)
				}
			}
		}
	}
}

// fullDistance is the unbanded optimal-string-alignment distance.
func fullDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
