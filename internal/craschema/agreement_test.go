package craschema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/cra-gate/cra-gate/internal/craschema/schematest"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/cra-gate/cra-gate/internal/craschema"
	"github.com/cra-gate/cra-gate/internal/manifest"
)

// node is one key of the schema: its path ("rdps.name"), where it sits in a
// document (segments, 0 for the first entry of an array of tables) and its
// schema.
type node struct {
	path   string
	segs   []any
	schema map[string]any
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, craschema.File))
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// nodes lists the schema's keys depth first, the file itself first.
func nodes(t *testing.T, schema map[string]any) []node {
	var out []node
	var walk func(s map[string]any, path string, segs []any)
	walk = func(s map[string]any, path string, segs []any) {
		out = append(out, node{path, segs, s})
		if isTables(s) {
			s = s["items"].(map[string]any)
			segs = append(segs[:len(segs):len(segs)], 0)
		}
		props, _ := s["properties"].(map[string]any)
		for _, k := range sortedProps(props) {
			walk(props[k].(map[string]any), strings.TrimPrefix(path+"."+k, "."), append(segs[:len(segs):len(segs)], k))
		}
	}
	walk(schema, "", nil)
	return out
}

func sortedProps(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func isTables(s map[string]any) bool {
	items, _ := s["items"].(map[string]any)
	return s["type"] == "array" && items["type"] == "object"
}

// localDate is a TOML local date, as BurntSushi/toml decodes and encodes one.
func localDate(y int, m time.Month, d int) time.Time {
	var doc map[string]any
	if _, err := toml.Decode("d = 2000-01-01", &doc); err != nil {
		panic(err)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, doc["d"].(time.Time).Location())
}

// sample is a value the schema accepts for s at path: every key of a table,
// one entry of an array of tables, the first of an enum, a text of six words
// that names its key (so that entry names differ).
func sample(s map[string]any, path string) any {
	if alts, ok := s["anyOf"].([]any); ok {
		return sample(alts[len(alts)-1].(map[string]any), path)
	}
	if c, ok := s["const"]; ok {
		return number(s, c.(float64))
	}
	if e, ok := s["enum"].([]any); ok {
		return e[0]
	}
	switch s["type"] {
	case "object":
		m := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for k, p := range props {
			m[k] = sample(p.(map[string]any), path+"."+k)
		}
		return m
	case "array":
		items := s["items"].(map[string]any)
		if items["type"] == "object" {
			return []map[string]any{sample(items, path).(map[string]any)}
		}
		return []any{sample(items, path)}
	case "string":
		if s["format"] == "date" {
			return localDate(2027, 6, 30)
		}
		switch s["pattern"] { // the patterns a text in words does not meet
		case "^[0-9a-fA-F]{64}$":
			return strings.Repeat("5e", 32)
		case "^https://[^/@]+(/.*)?$":
			return "https://example.com/" + strings.TrimPrefix(path, ".") + ".cdx.json"
		}
		return "a sample value of " + strings.TrimPrefix(path, ".") + " in words"
	case "integer":
		return number(s, clamp(s, 1))
	case "number":
		return clamp(s, 50)
	case "boolean":
		return true
	}
	panic(fmt.Sprintf("%s: no sample for %v", path, s))
}

func clamp(s map[string]any, v float64) float64 {
	if lo, ok := s["minimum"].(float64); ok && v < lo {
		v = lo
	}
	if hi, ok := s["maximum"].(float64); ok && v > hi {
		v = hi
	}
	return v
}

// number is v as the TOML decoder would give it for schema s.
func number(s map[string]any, v float64) any {
	if s["type"] == "integer" {
		return int64(v)
	}
	return v
}

// deepCopy copies a document.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []map[string]any:
		l := make([]map[string]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e).(map[string]any)
		}
		return l
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// container returns the table that holds the key at segs.
func container(doc map[string]any, segs []any) map[string]any {
	var cur any = doc
	for _, s := range segs[:len(segs)-1] {
		switch k := s.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]map[string]any)[k]
		}
	}
	return cur.(map[string]any)
}

// with returns a copy of doc with the key at segs set to v, or removed when
// v is remove.
func with(doc map[string]any, segs []any, v any) map[string]any {
	out := deepCopy(doc).(map[string]any)
	c := container(out, segs)
	k := segs[len(segs)-1].(string)
	if v == remove {
		delete(c, k)
	} else {
		c[k] = v
	}
	return out
}

// remove is the value that removes a key.
var remove = &struct{}{}

func encode(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// probe is a value to try at a key.
type probe struct {
	name  string
	value any
}

// spaces are the runes strings.TrimSpace cuts, and U+FEFF, which it does not
// (JavaScript's \s does).
func spaces() []rune {
	var rs []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.IsSpace(r) {
			rs = append(rs, r)
		}
	}
	return append(rs, '\ufeff')
}

// probes are the values tried at the key of schema s: its accepted values
// and their edges, wrong values and wrong types. Which of them each side
// accepts is not written here: the gate and the schema must agree.
func probes(s map[string]any, path string, seen map[string]bool) []probe {
	p := []probe{{"string",
		"x"}, {"integer",
		int64(7)}, {"boolean",
		true}, {"date",
		localDate(2031, 3, 1)}, {"table",
		map[string]any{"a": "b"}}, {"list",
		[]any{"x"}}}
	if _, ok := s["anyOf"]; ok { // product.harmonised_standards
		long := strings.Repeat("s", int(manifestMaxStandardRef()))
		return append(p, probe{"false", false}, probe{"empty list", []any{}}, probe{"a reference", []any{"EN 18031-1:2024"}},
			probe{"an empty reference", []any{""}}, probe{"a blank reference", []any{" \t"}}, probe{"a number", []any{int64(7)}},
			probe{"reference at the limit", []any{long}}, probe{"reference past the limit", []any{long + "s"}})
	}
	switch s["type"] {
	case "object":
		return append(p, probe{"empty table", map[string]any{}})
	case "array":
		items := s["items"].(map[string]any)
		if items["type"] == "object" {
			one := sample(items, path).(map[string]any)
			many := make([]map[string]any, manifest.MaxItems+1)
			for i := range many {
				many[i] = deepCopy(one).(map[string]any)
				if _, ok := one["name"]; ok {
					many[i]["name"] = fmt.Sprintf("entry %d", i)
				}
			}
			return append(p, probe{"no entries", []map[string]any{}}, probe{"a table, not a list", one},
				probe{"1000 entries", many[:manifest.MaxItems]}, probe{"1001 entries", many})
		}
		for _, ip := range stringProbes(items, path, seen) {
			p = append(p, probe{"item " + ip.name, []any{ip.value}})
		}
		full := make([]any, manifest.MaxItems+1)
		for i := range full {
			full[i] = sample(items, path)
		}
		return append(p, probe{"empty list", []any{}}, probe{"a number", []any{int64(7)}}, probe{"a list of lists", []any{[]any{"x"}}},
			probe{"1000 items", full[:manifest.MaxItems]}, probe{"1001 items", full}, probe{"a blank item beside one", []any{" ", sample(items, path)}})
	case "string":
		if s["format"] == "date" {
			return p
		}
		return append(p, stringProbes(s, path, seen)...)
	case "integer", "number":
		var vs []float64
		if c, ok := s["const"].(float64); ok {
			vs = []float64{c, c - 1, c + 1}
		} else {
			lo, hi := s["minimum"].(float64), s["maximum"].(float64)
			vs = []float64{lo, hi, lo - 1, hi + 1}
		}
		vs = append(vs, 0, -1, 1000, math.MaxInt32+1, math.MinInt32-1)
		for _, v := range vs {
			p = append(p, probe{fmt.Sprint(v), number(s, v)})
		}
		p = append(p, probe{"1.5", 1.5}, probe{"nan", math.NaN()}, probe{"inf", math.Inf(1)}, probe{"-inf", math.Inf(-1)})
		if s["type"] == "number" {
			p = append(p, probe{"50.5", 50.5}, probe{"integer 7", int64(7)})
		}
		return p
	case "boolean":
		return append(p, probe{"false", false})
	}
	panic("no probes for " + path)
}

// stringProbes tries white space of every kind once for each pattern (seen).
func stringProbes(s map[string]any, path string, seen map[string]bool) []probe {
	p := []probe{{"empty", ""}, {"blank", " "}, {"not a value", "zz-not-a-value"}}
	if e, ok := s["enum"].([]any); ok {
		for _, v := range e {
			p = append(p, probe{fmt.Sprintf("%q", v), v})
		}
		first := e[0].(string)
		return append(p, probe{"upper case", strings.ToUpper(first)}, probe{"padded", " " + first})
	}
	if n, ok := s["maxLength"].(float64); ok {
		p = append(p, probe{"at the limit", strings.Repeat("x", int(n))}, probe{"past the limit", strings.Repeat("x", int(n)+1)})
	}
	if pat, _ := s["pattern"].(string); pat != "" && !seen[pat] {
		seen[pat] = true
		for _, r := range spaces() {
			p = append(p, probe{fmt.Sprintf("U+%04X alone", r), string(r)},
				probe{fmt.Sprintf("six words apart by U+%04X", r), strings.Join(strings.Fields("one two three four five six"), string(r))})
		}
		p = append(p, probe{"five words", "one two three four five"}, probe{"six words", "one two three four five six"})
	}
	return p
}

func manifestMaxStandardRef() float64 { return manifest.MaxStandardRef }

// TestAgreement: for every key of the schema, the gate and the schema agree
// on a document that writes every key (both accept it), and on that document
// with the key removed, with an unknown key beside it, and with each probe
// value in its place; the same with product.role = "steward" for removals.
// The cases come from the schema, so a new key, value or range is tested
// without a new line here; TestSchemaKeysAreTheModels ties the schema's keys
// to the model's.
func TestAgreement(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the gate some thousand times")
	}
	v, g := validator(t), newGate(t)
	schema := loadSchema(t)
	base := sample(schema, "").(map[string]any)
	steward := with(base, []any{"product", "role"}, manifest.RoleSteward)
	cases, seen := 0, map[string]bool{}
	// dateForString: JSON has no dates, so a TOML date where a string
	// belongs reaches the schema as a string ("2031-03-01"), which a string
	// key may accept; the gate rejects it (TestKnownGaps).
	check := func(n node, what string, doc map[string]any, dateForString bool) {
		t.Helper()
		cases++
		src := encode(t, doc)
		gateErrs, schemaErr := g.reject(t, src), schemaRejects(t, v, src)
		switch {
		case dateForString && len(gateErrs) == 0:
			t.Errorf("%s, %s: the gate accepts a date for a string\n%s", display(n.path), what, clip(src))
		case !dateForString && (len(gateErrs) > 0) != (schemaErr != nil):
			t.Errorf("%s, %s: the gate says %q; the schema says %v\n%s", display(n.path), what, gateErrs, schemaErr, clip(src))
		}
	}
	check(node{}, "every key written", base, false)
	check(node{}, "every key written, steward", steward, false)
	for _, n := range nodes(t, schema) {
		if n.path == "" {
			continue
		}
		check(n, "removed", with(base, n.segs, remove), false)
		check(n, "removed, steward", with(steward, n.segs, remove), false)
		last := n.segs[len(n.segs)-1].(string)
		sibling := append(append([]any(nil), n.segs[:len(n.segs)-1]...), last+"_x")
		check(n, "beside an unknown key "+last+"_x", with(base, sibling, container(base, n.segs)[last]), false)
		for _, p := range probes(n.schema, n.path, seen) {
			check(n, "= "+p.name, with(base, n.segs, p.value), p.name == "date" && n.schema["type"] == "string" && n.schema["format"] == nil)
		}
	}
	t.Logf("%d documents, each judged by the gate and by the schema (draft 2020-12 and draft-07)", cases)
}

func display(path string) string {
	if path == "" {
		return "the file"
	}
	return path
}

func clip(src []byte) string {
	if len(src) > 2000 {
		return string(src[:2000]) + "..."
	}
	return string(src)
}

// TestKnownGaps pins where the schema and the gate part, as the README's
// "Editor support" section lists them: if one of these starts to agree,
// update the list.
func TestKnownGaps(t *testing.T) {
	v, g := validator(t), newGate(t)
	base := sample(loadSchema(t), "").(map[string]any)
	if errs, err := g.rejectAll(t, encode(t, base)), schemaRejects(t, v, encode(t, base)); len(errs) > 0 || err != nil {
		t.Fatalf("the document with every key: the gate says %q, the schema %v", errs, err)
	}
	offset := time.Date(2031, 3, 1, 10, 0, 0, 0, time.UTC)
	var local map[string]any
	if _, err := toml.Decode("dt = 2031-03-01T10:00:00\nt = 10:00:00", &local); err != nil {
		t.Fatal(err)
	}
	// 1,000 [[excluded]] and 1,000 [[third_party]] entries: 13,000 keys and tables.
	big := deepCopy(base).(map[string]any)
	for _, section := range []string{"excluded", "third_party"} {
		entries := make([]map[string]any, manifest.MaxItems)
		for i := range entries {
			entries[i] = deepCopy(base[section].([]map[string]any)[0]).(map[string]any)
			entries[i]["name"] = fmt.Sprintf("%s %d", section, i)
		}
		big[section] = entries
	}
	for _, tc := range []struct {
		name             string
		doc              map[string]any
		gate, schema     bool // rejects
		dateTimes        bool
		gateRule, reason string
	}{
		{name: "a date in quotes",
			doc:      with(base, []any{"support", "end"}, "2031-03-01"),
			gate:     true,
			gateRule: "manifest-type",
			reason:   "JSON has no dates: Taplo gives the schema a TOML date as a string"},
		{name: "a date where a string belongs",
			doc:      with(base, []any{"product", "version"}, localDate(2031, 3, 1)),
			gate:     true,
			gateRule: "manifest-type",
			reason:   "the same, the other way round"},
		{name: "an offset date-time for a date",
			doc:       with(base, []any{"support", "end"}, offset),
			schema:    true,
			dateTimes: true,
			reason:    "the gate reads any TOML date-time or time as a date; the contract says dates"},
		{name: "a local date-time for a date", doc: with(base, []any{"support", "end"}, local["dt"]), schema: true, dateTimes: true, reason: "as above"},
		{name: "a local time for a date", doc: with(base, []any{"support", "end"}, local["t"]), schema: true, dateTimes: true, reason: "as above"},
		{name: "a float with no fraction for a whole number",
			doc:      with(base, []any{"disclosure", "acknowledge_days"}, 5.0),
			gate:     true,
			gateRule: "manifest-type",
			reason:   "JSON Schema's integer is a mathematical one: 5.0 is an integer"},
		{name: "a name of 256 characters and 512 bytes",
			doc:      with(base, []any{"product", "name"}, strings.Repeat("é", manifest.MaxName)),
			gate:     true,
			gateRule: "manifest-limit",
			reason:   "maxLength counts characters, the gate bytes"},
		{name: "a name used twice",
			doc:      with(base, []any{"excluded", 0, "name"}, base["rdps"].([]map[string]any)[0]["name"]),
			gate:     true,
			gateRule: "manifest-duplicate-name",
			reason:   "unique across three lists, whatever the case"},
		{name: "a path out of the repository",
			doc:      with(base, []any{"product", "source"}, "../elsewhere"),
			gate:     true,
			gateRule: "manifest-path",
			reason:   "where a path leads is the repository's"},
		{name: "an expired waiver",
			doc:      with(base, []any{"waiver", 0, "until"}, localDate(2026, 1, 1)),
			gate:     true,
			gateRule: "waiver-expired",
			reason:   "it depends on the day"},
		{name: "more than 10,000 keys", doc: big, gate: true, gateRule: "manifest-limit", reason: "the schema counts no keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := encode(t, tc.doc)
			gateErrs := g.rejectAll(t, src)
			if got := len(gateErrs) > 0; got != tc.gate {
				t.Errorf("the gate rejects: %v, want %v (%q); the gap was: %s", got, tc.gate, gateErrs, tc.reason)
			}
			if tc.gateRule != "" && !slices.ContainsFunc(gateErrs, func(s string) bool { return strings.HasPrefix(s, tc.gateRule+":") }) {
				t.Errorf("the gate says %q, want %s", gateErrs, tc.gateRule)
			}
			err := schemaRejects(t, v, src)
			if got := err != nil; got != tc.schema {
				t.Errorf("the schema rejects: %v, want %v (%v); the gap was: %s", got, tc.schema, err, tc.reason)
			}
			var inv *schematest.Invalid
			if errors.As(err, &inv) && inv.DateTimes != tc.dateTimes {
				t.Errorf("DateTimes = %v", inv.DateTimes)
			}
		})
	}
}
