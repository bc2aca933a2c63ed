// Package craschema generates schema/cra.schema.json, the JSON Schema of
// cra.toml, from the manifest model, and validates cra.toml documents against
// it (validate.go, for tests).
//
// The schema is generated, never edited: `go generate ./...` runs
// internal/craschema/gen, which calls Generate with the rules a waiver may
// name; a test fails when the file is not current. Keys, types and string
// limits come from the model's struct types and their toml and max tags;
// descriptions, accepted values, ranges and required keys from
// manifest.KeyDocs. The schema says it is draft 2020-12 but uses only
// keywords that mean the same in draft-07, the draft Taplo's validator
// applies to a schema it does not know, and no $ref.
package craschema

//go:generate go run ./gen -out ../../schema/cra.schema.json -reference ../../docs/config.md

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"github.com/cra-gate/cra-gate/internal/manifest"
)

// ID is the schema's $id, the address editors fetch it from.
const ID = "https://raw.githubusercontent.com/cra-gate/cra-gate/main/schema/cra.schema.json"

// File is the schema's path in the repository.
const File = "schema/cra.schema.json"

// Regenerate is the command that brings File in step with the model.
const Regenerate = "go generate ./..."

// Generate renders the schema. waivable lists the rule ids a [[waiver]] may
// name (checks.Waivable).
func Generate(waivable []string) ([]byte, error) {
	g := &gen{used: map[string]bool{}, waivable: waivable}
	root := g.table(reflect.TypeOf(manifest.Manifest{}), "", true)
	head := obj{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"$id", ID},
		{"title", "cra.toml"},
	}
	root = append(head, root...)
	if len(g.steward) > 0 {
		root = append(root, g.stewardClause()...)
	}
	for p := range manifest.KeyDocs {
		if !g.used[p] {
			g.fail("manifest.KeyDocs documents %q, which is no key of the model", p)
		}
	}
	if len(g.errs) > 0 {
		sort.Strings(g.errs)
		return nil, errors.New(strings.Join(g.errs, "\n"))
	}
	var b bytes.Buffer
	write(&b, root)
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// gen walks the model; errs collects what it cannot express.
type gen struct {
	used     map[string]bool
	waivable []string
	steward  []string // paths required unless product.role = "steward"
	errs     []string
}

func (g *gen) fail(format string, args ...any) { g.errs = append(g.errs, fmt.Sprintf(format, args...)) }

// doc returns the KeyDoc of path, which must exist.
func (g *gen) doc(path string) manifest.KeyDoc {
	d, ok := manifest.KeyDocs[path]
	if !ok || strings.TrimSpace(d.Doc) == "" {
		g.fail("key %q has no description: add it to manifest.KeyDocs", display(path))
	}
	g.used[path] = true
	return d
}

func display(path string) string {
	if path == "" {
		return "(the file)"
	}
	return path
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var (
	timeType        = reflect.TypeOf(time.Time{})
	unmarshalerType = reflect.TypeOf((*manifest.Unmarshaler)(nil)).Elem()
	// custom are the schemas of model types that read several shapes
	// (manifest.Unmarshaler): one each, beside what the type's UnmarshalTOML reads.
	custom = map[reflect.Type]func(g *gen, path string) obj{
		reflect.TypeOf(manifest.Standards{}): standards,
		reflect.TypeOf(manifest.SBOMRef{}):   sbomRef,
	}
)

// sbomRef is one [[rdps]] sbom entry (manifest.SBOMRef.UnmarshalTOML): a
// repository path, or a table { url, sha256 } for an SBOM published
// elsewhere.
func sbomRef(g *gen, path string) obj {
	return obj{{"anyOf", []any{
		obj{
			{"type", "object"},
			{"properties", obj{
				{"url", obj{{"type", "string"}, {"pattern", "^https://[^/@]+(/.*)?$"}, {"maxLength", manifest.MaxSBOMURL}}},
				{"sha256", obj{{"type", "string"}, {"pattern", "^[0-9a-fA-F]{64}$"}}},
			}},
			{"required", []string{"url", "sha256"}},
			{"additionalProperties", false},
		},
		obj{{"type", "string"}, {"maxLength", manifest.MaxText}},
	}}}
}

// standards is product.harmonised_standards: true or false, or a list of
// references (manifest.Standards.UnmarshalTOML); a blank reference is a
// manifest-invalid-value.
func standards(g *gen, path string) obj {
	return obj{{"anyOf", []any{
		obj{{"type", "boolean"}},
		obj{
			{"type", "array"},
			{"items", obj{{"type", "string"}, {"maxLength", manifest.MaxStandardRef}, {"pattern", notBlank}}},
			{"maxItems", manifest.MaxItems},
		},
	}}}
}

// table is the schema of a struct: a TOML table whose keys are its fields'
// toml tags, and no others (manifest-unknown-key). The items of an array of
// tables leave the description to the array.
func (g *gen) table(t reflect.Type, path string, describe bool) obj {
	d := g.doc(path)
	props := obj{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		key := f.Tag.Get("toml")
		if key == "" || key == "-" {
			continue
		}
		sub := join(path, key)
		maxLen := manifest.MaxText
		if s := f.Tag.Get("max"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				g.fail("%s: max tag %q is not a number", sub, s)
			}
			maxLen = n
		}
		props = append(props, kv{key, g.field(f.Type, sub, maxLen)})
		if g.required(f.Type, sub) {
			required = append(required, key)
		}
	}
	o := obj{{"type", "object"}, {"properties", props}, {"additionalProperties", false}}
	if describe {
		o = append(obj{{"description", d.Doc}}, o...)
	}
	if len(required) > 0 {
		o = append(o, kv{"required", required})
	}
	return o
}

// required reports whether the key at path must be written: its KeyDoc says
// so, or it is a table with a required key. Keys required unless the product
// is a steward's are collected for the conditional clause.
func (g *gen) required(t reflect.Type, path string) bool {
	switch manifest.KeyDocs[path].Required {
	case manifest.Required:
		return true
	case manifest.RequiredUnlessSteward:
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t != timeType || strings.Count(path, ".") != 1 {
			g.fail("%s: RequiredUnlessSteward is supported for dates in a top-level table only", path)
		}
		g.steward = append(g.steward, path)
		return false
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType {
		return false
	}
	for i := range t.NumField() {
		if k := t.Field(i).Tag.Get("toml"); k != "" && k != "-" && manifest.KeyDocs[join(path, k)].Required == manifest.Required {
			return true
		}
	}
	return false
}

// field is the schema of one key: its description, then its value's.
func (g *gen) field(t reflect.Type, path string, maxLen int) obj {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct && t != timeType {
		if _, ok := custom[t]; !ok {
			return g.table(t, path, true)
		}
	}
	d := g.doc(path)
	desc := d.Doc
	switch d.Required {
	case manifest.Required:
		desc += " Required."
	case manifest.RequiredUnlessSteward:
		desc += " Required, unless product.role = \"" + manifest.RoleSteward + "\"."
	}
	return append(obj{{"description", desc}}, g.value(t, path, maxLen, d)...)
}

// value is the schema of a key's value, without its description.
func (g *gen) value(t reflect.Type, path string, maxLen int, d manifest.KeyDoc) obj {
	if build, ok := custom[t]; ok {
		return build(g, path)
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		g.fail("%s: %s reads its own shapes (UnmarshalTOML): add its schema to craschema.custom", path, t)
		return obj{}
	}
	if d.Range != nil && t.Kind() != reflect.Int && t.Kind() != reflect.Float64 && t.Kind() != reflect.Map {
		g.fail("%s: a Range on a key that is not a number", path)
	}
	switch {
	case t == timeType:
		// Taplo gives a TOML local date to the validator as "2031-03-01".
		return obj{{"type", "string"}, {"format", "date"}}
	case t.Kind() == reflect.String:
		return g.str(path, maxLen, d, d.Required == manifest.Required)
	case t.Kind() == reflect.Int:
		lo, hi := float64(math.MinInt32), float64(math.MaxInt32)
		if d.Range != nil {
			lo, hi = d.Range.Min, d.Range.Max
		}
		if lo == hi {
			return obj{{"type", "integer"}, {"const", lo}}
		}
		return obj{{"type", "integer"}, {"minimum", lo}, {"maximum", hi}}
	case t.Kind() == reflect.Float64:
		o := obj{{"type", "number"}}
		if d.Range != nil {
			o = append(o, kv{"minimum", d.Range.Min}, kv{"maximum", d.Range.Max})
		}
		return o
	case t.Kind() == reflect.Bool:
		return obj{{"type", "boolean"}}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		item := g.str(path, maxLen, d, false)
		o := obj{{"type", "array"}, {"items", item}, {"maxItems", manifest.MaxItems}}
		if d.Required == manifest.Required {
			// manifest-required: at least one function that is not blank.
			o = append(o, kv{"contains", obj{{"type", "string"}, {"pattern", notBlank}}})
		}
		return o
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		if build, ok := custom[t.Elem()]; ok {
			return obj{{"type", "array"}, {"items", build(g, path)}, {"maxItems", manifest.MaxItems}}
		}
		return obj{{"type", "array"}, {"items", g.table(t.Elem(), path, false)}, {"maxItems", manifest.MaxItems}}
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		if len(d.Values) == 0 {
			g.fail("%s: a map needs its keys in manifest.KeyDocs Values", path)
		}
		props := obj{}
		for _, k := range d.Values {
			sub := join(path, k)
			vd := g.doc(sub)
			vd.Range = d.Range
			props = append(props, kv{k, append(obj{{"description", vd.Doc}}, g.value(t.Elem(), sub, manifest.MaxText, vd)...)})
		}
		return obj{{"type", "object"}, {"properties", props}, {"additionalProperties", false}}
	}
	g.fail("%s: no schema for Go type %s", path, t)
	return obj{}
}

// str is the schema of a string (or of each string of a list): its limit,
// its values, and whether it must not be blank. waiver.rule takes the
// waivable rules; a string with Values also takes "", which the manifest
// check reads as not written.
func (g *gen) str(path string, maxLen int, d manifest.KeyDoc, nonBlank bool) obj {
	o := obj{{"type", "string"}}
	switch {
	case path == "waiver.rule":
		if len(g.waivable) == 0 {
			g.fail("waiver.rule: no waivable rules given")
		}
		o = append(o, kv{"enum", g.waivable})
		return o
	case len(d.Values) > 0:
		o = append(o, kv{"enum", append(append([]string(nil), d.Values...), "")})
		return o
	}
	o = append(o, kv{"maxLength", maxLen})
	switch {
	case d.Words > 0:
		o = append(o, kv{"pattern", words(d.Words)})
	case nonBlank:
		o = append(o, kv{"pattern", notBlank})
	}
	return o
}

// stewardClause requires the keys that are required unless product.role =
// "steward", with their tables, when the role is not "steward".
func (g *gen) stewardClause() obj {
	tables := obj{}
	var names []string
	for _, p := range g.steward {
		table, key, _ := strings.Cut(p, ".")
		names = append(names, table)
		tables = append(tables, kv{table, obj{{"required", []string{key}}}})
	}
	return obj{
		{"if", obj{
			{"properties", obj{{"product", obj{
				{"properties", obj{{"role", obj{{"const", manifest.RoleSteward}}}}},
				{"required", []string{"role"}},
			}}}},
			{"required", []string{"product"}},
		}},
		{"else", obj{{"required", names}, {"properties", tables}}},
	}
}

// space is a regular expression class of the white space strings.TrimSpace
// and strings.Fields cut (unicode.IsSpace), written out so that every
// regular expression engine (ECMA 262, RE2, Rust's) reads it alike.
var space = func() string {
	var b strings.Builder
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.IsSpace(r) {
			continue
		}
		end := r
		for end+1 <= unicode.MaxRune && unicode.IsSpace(end+1) {
			end++
		}
		b.WriteRune(r)
		if end > r {
			if end > r+1 {
				b.WriteByte('-')
			}
			b.WriteRune(end)
		}
		r = end
	}
	return b.String()
}()

// notBlank matches a string with a character that is not white space.
var notBlank = "[^" + space + "]"

// words matches a string of at least n words, as strings.Fields counts them.
func words(n int) string {
	w, s := "[^"+space+"]", "["+space+"]"
	return w + "(" + s + "+" + w + "+){" + strconv.Itoa(n-1) + "}"
}

// obj is a JSON object whose members keep their order.
type obj []kv

type kv struct {
	k string
	v any
}

// write renders v as compact JSON, every character outside ASCII escaped.
func write(b *bytes.Buffer, v any) {
	switch x := v.(type) {
	case obj:
		b.WriteByte('{')
		for i, m := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, m.k)
			b.WriteByte(':')
			write(b, m.v)
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			write(b, e)
		}
		b.WriteByte(']')
	case []string:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, e)
		}
		b.WriteByte(']')
	case string:
		writeString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	default:
		panic(fmt.Sprintf("craschema: cannot write %T", v))
	}
}

func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
				continue
			}
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}
