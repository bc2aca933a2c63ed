package ghcomment

import (
	"fmt"
	"strings"
	"testing"
)

const runURL = "https://github.com/acme/widget/actions/runs/42"

func TestTruncateShortBodyUnchanged(t *testing.T) {
	body := Marker("k") + "\nshort"
	if got := Truncate(body, runURL, 1000); got != body {
		t.Fatalf("got %q", got)
	}
}

func TestTruncateCutsAtLineBoundary(t *testing.T) {
	var lines []string
	for i := 0; i < 5000; i++ {
		lines = append(lines, fmt.Sprintf("line %04d €", i))
	}
	body := Marker("k") + "\n" + strings.Join(lines, "\n") + "\n"
	const limit = 10000
	got := Truncate(body, runURL, limit)
	if n := textLen(got); n > limit {
		t.Fatalf("length %d > %d", n, limit)
	}
	if !strings.HasPrefix(got, Marker("k")+"\n") {
		t.Fatal("marker lost")
	}
	kept, note, ok := strings.Cut(got, "\n---\n")
	if !ok || !strings.Contains(note, "[workflow run]("+runURL+")") {
		t.Fatalf("note missing: %q", got[len(got)-300:])
	}
	if !strings.HasPrefix(body, kept) || !strings.HasSuffix(kept, "\n") {
		t.Fatal("kept text is not a whole-line prefix of the body")
	}
	if textLen(kept) < limit-500 {
		t.Fatalf("cut too early: kept %d", textLen(kept))
	}
}

func TestTruncateCountsAstralCharactersTwice(t *testing.T) {
	body := strings.Repeat("🔥🔥🔥🔥\n", 1000) // 5000 runes, 9000 UTF-16 units
	got := Truncate(body, "", 6000)
	if textLen(got) > 6000 || len([]rune(got)) > 6000 {
		t.Fatalf("too long: %d units", textLen(got))
	}
	if strings.Count(got, "🔥") > 2800 || !strings.Contains(got, "workflow run's log") {
		t.Fatalf("astral characters not counted conservatively")
	}
}

func TestTruncateClosesOpenBlocks(t *testing.T) {
	body := Marker("k") + "\n<details><summary>Gaps</summary>\n\n```text\n" + strings.Repeat("x = 1\n", 3000) + "```\n</details>\n"
	got := Truncate(body, runURL, 2000)
	if textLen(got) > 2000 {
		t.Fatalf("length %d", textLen(got))
	}
	kept, _, _ := strings.Cut(got, "\n---\n")
	if !strings.HasSuffix(kept, "x = 1\n```\n</details>\n") {
		t.Fatalf("open blocks not closed: %q", kept[len(kept)-60:])
	}
}

func TestTruncateNeverCutsMarker(t *testing.T) {
	m := Marker("k")
	body := m + strings.Repeat("y", 500) // no newline at all after the marker
	for _, limit := range []int{10, 60, 120, 300} {
		got := Truncate(body, runURL, limit)
		if !strings.HasPrefix(got, m+"\n") {
			t.Fatalf("limit %d: marker cut: %q", limit, got)
		}
		if strings.Contains(got, "yy") {
			t.Fatalf("limit %d: partial line kept: %q", limit, got)
		}
	}
}

func TestTruncateEscapesRunURL(t *testing.T) {
	got := Truncate(strings.Repeat("a\n", 1000), "https://x/a b)(", 400)
	if !strings.Contains(got, "(https://x/a%20b%29%28)") {
		t.Fatalf("url not escaped: %q", got)
	}
}
