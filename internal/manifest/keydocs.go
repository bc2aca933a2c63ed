package manifest

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

// KeyDoc is what schema/cra.schema.json says of one cra.toml key beyond its
// Go type in the model: its description, and the facts the manifest check
// enforces in code (values, ranges, required keys).
type KeyDoc struct {
	// Doc says what the key means and which CRA provision it serves (or that
	// it is the gate's convention).
	Doc string
	// Values are the values a string key, or each item of a list of strings,
	// accepts (manifest-invalid-value; an empty string reads as not
	// written); for a map, the keys it accepts.
	Values []string
	// Range bounds a number (manifest-invalid-value); nil: the type's bounds.
	Range *Range
	// Words is the fewest words a text must have, as strings.Fields counts
	// them (waiver-invalid).
	Words int
	// Required says whether manifest-required asks for the key.
	Required Requirement
}

// Range is an inclusive range of numbers.
type Range struct{ Min, Max float64 }

// Requirement says whether a key must be written.
type Requirement int

const (
	// Optional keys may be left out.
	Optional Requirement = iota
	// Required keys must be written: a string that is not blank, a list with
	// an item that is not blank, a date.
	Required
	// RequiredUnlessSteward keys are required unless product.role is
	// RoleSteward.
	RequiredUnlessSteward
)

// KeyDocs documents every key of the model, by its path: "product.name";
// "rdps.name" for a key of every [[rdps]] entry; "gate.sbom_thresholds.name"
// for a key of a map; "" for the file itself. The schema generator
// (internal/craschema) fails on a key without a KeyDoc and on a KeyDoc
// without a key.
var KeyDocs = keyDocs()

func keyDocs() map[string]KeyDoc {
	// What the manifest check enforces of each key; keys.md says what each
	// means, and lists the keys.
	d := map[string]KeyDoc{
		"schema": {Range: &Range{SchemaVersion, SchemaVersion}},

		"product.name":         {Required: Required},
		"product.manufacturer": {Required: Required},
		"product.class":        {Values: Classes},
		"product.conformity":   {Values: Conformities},
		"product.functions":    {Required: Required},
		"product.role":         {Values: Roles},
		"product.kind":         {Values: Kinds},
		"product.category":     {Values: Categories},

		"reporting.basis": {Values: ReportingBases},

		"modification.version":   {Required: Required},
		"modification.date":      {Required: Required},
		"modification.rationale": {Required: Required},

		"support.end": {Required: RequiredUnlessSteward},

		"disclosure.policy":  {Required: Required},
		"disclosure.contact": {Required: Required},

		"rdps.name":         {Required: Required},
		"rdps.developed_by": {Values: DevelopedBy},
		"rdps.hosting":      {Values: Hostings},

		"third_party.name":          {Required: Required},
		"third_party.kind":          {Values: ThirdPartyKinds},
		"third_party.developed_by":  {Values: DevelopedBy},
		"third_party.due_diligence": {Values: DueDiligence},

		"excluded.name":   {Required: Required},
		"excluded.reason": {Values: ExcludedReasons},

		"gate.support_warning_months": {Range: &Range{0, MaxSupportWarningMonths}},
		"gate.acknowledge_max_days":   {Range: &Range{1, MaxAcknowledgeMaxDays}},
		"gate.sbom_profile":           {Values: SBOMProfiles},
		"gate.sbom_thresholds":        {Values: SBOMFields, Range: &Range{0, MaxThreshold}},

		"waiver.rule":   {Required: Required},
		"waiver.reason": {Required: Required, Words: MinWords},
		"waiver.until":  {Required: Required},
	}
	docs, err := parseKeyDocs(keysMD)
	if err != nil {
		panic("manifest: keys.md: " + err.Error()) // a programming error, caught by any test
	}
	for p := range d {
		if _, ok := docs[p]; !ok {
			panic("manifest: keys.md does not describe " + p)
		}
	}
	for p, doc := range docs {
		kd := d[p]
		kd.Doc = doc
		d[p] = kd
	}
	return d
}

// keysMD says what every key means: one "## path" section per key ("(file)"
// for the file itself), in the order the reference lists them.
//
//go:embed keys.md
var keysMD string

// KeyOrder lists the key paths in the order keys.md gives them.
var KeyOrder = keyOrder(keysMD)

// parseKeyDocs reads keys.md: each section's paragraphs, their lines joined
// with a space, by key path.
func parseKeyDocs(src string) (map[string]string, error) {
	out := map[string]string{}
	for _, sec := range strings.Split(src, "\n## ")[1:] {
		head, text, _ := strings.Cut(sec, "\n")
		path := strings.TrimSpace(head)
		if path == "(file)" {
			path = ""
		}
		if _, dup := out[path]; dup {
			return nil, fmt.Errorf("%q is described twice", head)
		}
		var paras []string
		for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
			paras = append(paras, strings.Join(strings.Fields(p), " "))
		}
		doc := strings.ReplaceAll(strings.Join(paras, "\n\n"), "{MinWords}", strconv.Itoa(MinWords))
		if doc == "" {
			return nil, fmt.Errorf("%q has no text", head)
		}
		out[path] = doc
	}
	return out, nil
}

func keyOrder(src string) []string {
	var order []string
	for _, sec := range strings.Split(src, "\n## ")[1:] {
		head, _, _ := strings.Cut(sec, "\n")
		if head = strings.TrimSpace(head); head == "(file)" {
			head = ""
		}
		order = append(order, head)
	}
	return order
}
