// Package schematest validates cra.toml documents against the generated JSON
// Schema, for the tests that hold the schema and the gate to one verdict.
package schematest

import (
	"bytes"
	"fmt"
	"github.com/cra-gate/cra-gate/internal/craschema"
	"math"
	"os"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Validator validates cra.toml documents against the schema as an editor
// does: under its own draft (2020-12) and under draft-07, the draft Taplo's
// validator applies to it, with format assertions on. Only tests use it.
type Validator struct{ drafts [2]*jsonschema.Schema }

// Load reads the schema file at path.
func Load(path string) (*Validator, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return New(data)
}

// New compiles a schema.
func New(schema []byte) (*Validator, error) {
	var v Validator
	for i, draft := range []*jsonschema.Draft{jsonschema.Draft2020, jsonschema.Draft7} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
		if err != nil {
			return nil, err
		}
		if m, ok := doc.(map[string]any); ok && draft == jsonschema.Draft7 {
			m["$schema"] = "http://json-schema.org/draft-07/schema#"
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(craschema.ID, doc); err != nil {
			return nil, err
		}
		if v.drafts[i], err = c.Compile(craschema.ID); err != nil {
			return nil, fmt.Errorf("compiling the schema as %v: %w", draft, err)
		}
	}
	return &v, nil
}

// Invalid is a document the schema rejects.
type Invalid struct {
	// Err is the 2020-12 validation error.
	Err error
	// DateTimes says the document holds a TOML date-time or time, which the
	// gate reads where a date belongs and the schema does not.
	DateTimes bool
}

func (e *Invalid) Error() string { return e.Err.Error() }

// DraftsDisagree is a document one draft accepts and the other rejects: the
// schema uses a keyword whose meaning changed after draft-07.
type DraftsDisagree struct{ Draft2020, Draft7 error }

func (e *DraftsDisagree) Error() string {
	return fmt.Sprintf("the schema's verdict differs between draft 2020-12 (%v) and draft-07 (%v)", e.Draft2020, e.Draft7)
}

// Validate decodes src as TOML and validates it: nil when the schema accepts
// it, a TOML decoding error, an *Invalid, or a *DraftsDisagree.
func (v *Validator) Validate(src []byte) error {
	var doc map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(src)).Decode(&doc); err != nil {
		return err
	}
	inst, dt := JSON(doc)
	var errs [2]error
	for i, s := range v.drafts {
		errs[i] = s.Validate(inst)
	}
	switch {
	case (errs[0] == nil) != (errs[1] == nil):
		return &DraftsDisagree{errs[0], errs[1]}
	case errs[0] != nil:
		return &Invalid{Err: errs[0], DateTimes: dt}
	}
	return nil
}

// JSON converts a document as BurntSushi/toml decodes it into the JSON value
// Taplo validates: TOML dates, date-times and times become strings as Taplo
// writes them ("2031-03-01", "2031-03-01T10:00:00", RFC 3339, "10:00:00"),
// and a float that is not a number or infinite becomes null. dateTimes
// reports a date-time or time.
func JSON(v any) (out any, dateTimes bool) {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			var dt bool
			m[k], dt = JSON(e)
			dateTimes = dateTimes || dt
		}
		return m, dateTimes
	case []map[string]any:
		l := make([]any, len(x))
		for i, e := range x {
			var dt bool
			l[i], dt = JSON(e)
			dateTimes = dateTimes || dt
		}
		return l, dateTimes
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			var dt bool
			l[i], dt = JSON(e)
			dateTimes = dateTimes || dt
		}
		return l, dateTimes
	case time.Time:
		frac := ""
		if x.Nanosecond() > 0 {
			frac = ".999999999"
		}
		// BurntSushi/toml marks local values by their location's name.
		switch x.Location().String() {
		case "date-local":
			return x.Format(time.DateOnly), false
		case "datetime-local":
			return x.Format("2006-01-02T15:04:05" + frac), true
		case "time-local":
			return x.Format("15:04:05" + frac), true
		}
		return x.Format(time.RFC3339Nano), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
	}
	return v, false
}
