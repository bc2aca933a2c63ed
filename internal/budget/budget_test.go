package budget

import (
	"errors"
	"strings"
	"testing"
)

func TestItems(t *testing.T) {
	for in, want := range map[string]int64{
		`{"a": [1, {"b": "{[{["}], "c": {}}`:               4, // brackets in strings do not count
		`{"a": "\"{"}`:                                     1, // nor after an escaped quote
		"\xEF\xBB\xBF \n[{}, {}]":                          3,
		`<?xml version="1.0"?><bom><c/><!-- <x> --></bom>`: 3, // an upper bound: inside a comment counts
		"SPDXVersion: SPDX-2.3\nPackageName: a\nlast":      3,
		"": 0,
	} {
		if got := Items([]byte(in), 1<<40); got != want {
			t.Errorf("Items(%q) = %d, want %d", in, got, want)
		}
	}
	flood := []byte("[" + strings.Repeat("{},", 1000) + "{}]")
	if got := Items(flood, 10); got != 11 {
		t.Errorf("Items stopped at %d, want max+1", got)
	}
}

func TestTake(t *testing.T) {
	r := New(100, 5)
	if _, err := r.Take([]byte(`[{}, {}]`)); err != nil {
		t.Fatal(err)
	}
	var ex *Exceeded
	_, err := r.Take([]byte(`[{}, {}, {}]`)) // 4 items: 3 + 4 > 5
	if !errors.As(err, &ex) || !strings.Contains(err.Error(), "with the 3 of the SBOMs and VEX documents decoded before it") ||
		!strings.Contains(err.Error(), "--max-objects") {
		t.Fatalf("%v", err)
	}
	if _, err := r.Take([]byte(`[{}]`)); err != nil { // the refused one took nothing
		t.Fatal(err)
	}
	if _, err := r.Take([]byte(strings.Repeat(" ", 100))); err == nil || !strings.Contains(err.Error(), "--max-total-size") {
		t.Fatalf("bytes: %v", err)
	}
	if _, err := New(0, 0).Take([]byte("[" + strings.Repeat("{},", DefaultItems) + "{}]")); err == nil ||
		!strings.Contains(err.Error(), "more than 1,000,000") {
		t.Fatalf("a flood: %v", err)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q", n, got)
		}
	}
}

// FuzzItems holds the counters to their contract on any input: never fewer
// JSON objects and arrays than a decoder builds, and never past max+1.
func FuzzItems(f *testing.F) {
	f.Add([]byte(`{"a":[{},{"b":"x"}]}`), int64(3))
	f.Add([]byte(`<bom><a/></bom>`), int64(1))
	f.Fuzz(func(t *testing.T, data []byte, max int64) {
		if max < 0 || max > 1<<20 {
			return
		}
		if n := Items(data, max); n > max+1 || n < 0 {
			t.Fatalf("Items = %d with max %d", n, max)
		}
		if n, all := JSONItems(data, max), JSONItems(data, 1<<40); n > max+1 || (all <= max && n != all) {
			t.Fatalf("JSONItems = %d, uncapped %d, max %d", n, all, max)
		}
	})
}
