package tomlscan

import (
	"strconv"
	"strings"
	"testing"
)

func TestIndexPositions(t *testing.T) {
	src := strings.Join([]string{
		`# comment with [brackets] and key = "value"`, // 1
		`schema = 1`,                               // 2
		`product.name = "Lock" # trailing`,         // 3
		`[support]`,                                // 4
		`  end = 2031-03-01`,                       // 5
		`rationale = """`,                          // 6
		`not_a_key = "inside a multi-line string"`, // 7
		`"""`,                // 8
		`[[rdps]]`,           // 9
		`name = 'a'`,         // 10
		`[[rdps]]`,           // 11
		`"name" = "b"`,       // 12
		`functions = [`,      // 13
		`  "x", # comment ]`, // 14
		`]`,                  // 15
		`[rdps.extra]`,       // 16
		`k = 1`,              // 17
		`third_party = [ { name = "sms", kind = "saas" },`,                // 18
		`  { name = "cdn" } ]`,                                            // 19
		`disclosure = { policy = 'SECURITY.md', contact = "mailto:a@b" }`, // 20
		`literal = '''`,              // 21
		`x = 1'''`,                   // 22
		`after = "esc \" quote = 1"`, // 23
	}, "\r\n")
	ix, err := Scan([]byte(src), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Pos{
		"schema":                            {2, 1},
		"product":                           {3, 1},
		"product.name":                      {3, 1},
		"support":                           {4, 1},
		"support.end":                       {5, 3},
		"support.rationale":                 {6, 1},
		"rdps":                              {9, 1},
		"rdps[0]":                           {9, 1},
		"rdps[0].name":                      {10, 1},
		"rdps[1]":                           {11, 1},
		"rdps[1].name":                      {12, 1},
		"rdps[1].functions":                 {13, 1},
		"rdps[1].extra":                     {16, 1},
		"rdps[1].extra.k":                   {17, 1},
		"rdps[1].extra.literal":             {21, 1},
		"rdps[1].extra.after":               {23, 1},
		"rdps[1].extra.third_party":         {18, 1},
		"rdps[1].extra.third_party[0].name": {18, 19},
		"rdps[1].extra.third_party[0].kind": {18, 33},
		"rdps[1].extra.third_party[1].name": {19, 5},
		"rdps[1].extra.disclosure.policy":   {20, 16},
		"rdps[1].extra.disclosure.contact":  {20, 40},
	}
	for path, p := range want {
		got, ok := ix.Lookup(path)
		if !ok || got != p {
			t.Errorf("%s: got %v (found %v), want %v", path, got, ok, p)
		}
	}
	for _, absent := range []string{"support.not_a_key", "rdps[1].extra.x", "not_a_key", "quote"} {
		for path := range ix.pos {
			if strings.HasSuffix(path, absent) {
				t.Errorf("index recorded %q, which is inside a string", path)
			}
		}
	}
	if p := ix.Nearest("rdps[0].rationale"); p != (Pos{9, 1}) {
		t.Errorf("Nearest falls back to the entry header: got %v", p)
	}
	if p := ix.Nearest("reporting.csirt"); p != (Pos{}) {
		t.Errorf("Nearest of an unwritten table: got %v, want zero", p)
	}
}

func TestIndexNonASCIIColumns(t *testing.T) {
	ix, _ := Scan([]byte("[product]\nname = \"Schloß\"; \ndescription = \"ü\" ; x = 1\n\"ключ\" = 1\n"), Limits{})
	if p, _ := ix.Lookup(`product."ключ"`); p != (Pos{4, 1}) {
		t.Errorf("quoted unicode key: %v", p)
	}
}

func TestPathRoundTrip(t *testing.T) {
	if got := Path("rdps", 2, "functions"); got != "rdps[2].functions" {
		t.Fatal(got)
	}
	if got := Parent("rdps[2].functions"); got != "rdps[2]" {
		t.Fatal(got)
	}
	if got := Parent("rdps[2]"); got != "rdps" {
		t.Fatal(got)
	}
	if got := Parent(`a."b.c".d`); got != `a."b.c"` {
		t.Fatal(got)
	}
}

// TestLimits: each limit stops the scan at the first place the document
// exceeds it, with its position, and the documents that took the TOML decoder
// minutes are refused here in a single linear pass.
func TestLimits(t *testing.T) {
	lim := Limits{MaxDepth: 8, MaxKeys: 100, MaxItems: 50, MaxKeyLen: 64, MaxPathBytes: 4096}
	cases := []struct {
		name, src string
		pos       Pos
		what      string
	}{
		{"dotted key", "ok = 1\nx." + strings.Repeat("a.", 20000) + "b = 1\n", Pos{2, 17}, "nested more than 8 deep"},
		{"inline tables", "a = " + strings.Repeat("{b=", 16000) + "1" + strings.Repeat("}", 16000) + "\n", Pos{1, 27}, "nested more than 8 deep"},
		{"arrays", "a = " + strings.Repeat("[", 16000) + strings.Repeat("]", 16000) + "\n", Pos{1, 13}, "nested more than 8 deep"},
		{"table header", "[" + strings.Repeat("t.", 9) + "x]\n", Pos{1, 18}, "nested more than 8 deep"},
		{"keys", keysDoc(101), Pos{101, 1}, "more than 100 keys"},
		{"items", "f = [" + strings.Repeat(`"x",`, 51) + "]\n", Pos{1, 206}, "more than 50 items"},
		{"array of tables", strings.Repeat("[[rdps]]\n", 51), Pos{51, 1}, "more than 50 [[rdps]]"},
		{"key length", strings.Repeat("k", 65) + " = 1\n", Pos{1, 1}, "longer than 64 bytes"},
		{"path bytes", "[" + strings.Repeat("h", 60) + "." + strings.Repeat("i", 60) + "]\n" + keysDoc(60), Pos{33, 1}, "longer than 4096 bytes in all"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Scan([]byte(tc.src), lim)
			le, ok := err.(*LimitError)
			if !ok {
				t.Fatalf("err = %v, want a *LimitError", err)
			}
			if !strings.Contains(le.What, tc.what) || le.Pos != tc.pos {
				t.Errorf("got %q at %v, want %q at %v", le.What, le.Pos, tc.what, tc.pos)
			}
		})
	}
	// Within the limits nothing is refused.
	if _, err := Scan([]byte("[a.b]\nc.d = [[1, [2]], {g = {h = 1}}]\n"+keysDoc(40)), lim); err != nil {
		t.Errorf("a document within the limits: %v", err)
	}
}

func keysDoc(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("k" + strconv.Itoa(i) + " = 1\n")
	}
	return b.String()
}

// BenchmarkScanBombs scans the documents that cost the TOML decoder seconds
// to minutes, next to a plain document of the same size.
func BenchmarkScanBombs(b *testing.B) {
	lim := Limits{MaxDepth: 8, MaxKeys: 10000, MaxItems: 1000, MaxKeyLen: 128, MaxPathBytes: 8 << 20}
	docs := map[string]string{
		"dotted-20000":  "x." + strings.Repeat("a.", 20000) + "b = 1\n",
		"inline-16000":  "a = " + strings.Repeat("{b=", 16000) + "1" + strings.Repeat("}", 16000) + "\n",
		"baseline-keys": keysDoc(4000),
	}
	for name, src := range docs {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				Scan([]byte(src), lim)
			}
		})
	}
}
