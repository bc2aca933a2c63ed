package manifest

import (
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
	ix := BuildIndex([]byte(src))
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
	if occ := ix.Occurrences("rdps.name"); len(occ) != 2 || occ[1].Path != "rdps[1].name" {
		t.Errorf("Occurrences(rdps.name) = %+v", occ)
	}
	if p := ix.Nearest("rdps[0].rationale"); p != (Pos{9, 1}) {
		t.Errorf("Nearest falls back to the entry header: got %v", p)
	}
	if p := ix.Nearest("reporting.csirt"); p != (Pos{}) {
		t.Errorf("Nearest of an unwritten table: got %v, want zero", p)
	}
}

func TestIndexNonASCIIColumns(t *testing.T) {
	ix := BuildIndex([]byte("[product]\nname = \"Schloß\"; \ndescription = \"ü\" ; x = 1\n\"ключ\" = 1\n"))
	if p, _ := ix.Lookup(`product."ключ"`); p != (Pos{4, 1}) {
		t.Errorf("quoted unicode key: %v", p)
	}
}

func TestPathRoundTrip(t *testing.T) {
	if got := Path("rdps", 2, "functions"); got != "rdps[2].functions" {
		t.Fatal(got)
	}
	if got := parentPath("rdps[2].functions"); got != "rdps[2]" {
		t.Fatal(got)
	}
	if got := parentPath("rdps[2]"); got != "rdps" {
		t.Fatal(got)
	}
	if got := parentPath(`a."b.c".d`); got != `a."b.c"` {
		t.Fatal(got)
	}
}
