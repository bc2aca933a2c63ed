package manifest

import (
	"errors"
	"fmt"
	"strings"
)

// Standards is product.harmonised_standards: the list of the references of the
// harmonised standards, common specifications or certification schemes applied
// in full (Annex VII(5)), such as ["EN 18031-1:2024"]; or true, the older form
// that claims they are applied without naming them.
type Standards struct {
	// Claimed is true when the file says harmonised_standards = true.
	Claimed bool
	// List holds the references, in the order written.
	List []string
}

// MaxStandardRef bounds one reference, in bytes: "EN 18031-1:2024" is 15.
const MaxStandardRef = 256

// UnmarshalTOML reads true, false or a list of strings.
func (s *Standards) UnmarshalTOML(v any) error {
	*s = Standards{}
	switch x := v.(type) {
	case bool:
		s.Claimed = x
		return nil
	case []any:
		for i, item := range x {
			str, ok := item.(string)
			if !ok {
				return fmt.Errorf("must be a list of the references applied, such as [\"EN 18031-1:2024\"]; item %d is %s", i+1, describe(item))
			}
			if len(str) > MaxStandardRef {
				return fmt.Errorf("item %d is %d bytes long; a standard's reference is at most %d bytes (such as \"EN 18031-1:2024\")", i+1, len(str), MaxStandardRef)
			}
			s.List = append(s.List, str)
		}
		return nil
	}
	return errors.New("must be a list of the references applied, such as [\"EN 18031-1:2024\"] (or true), not " + describe(v))
}

// Applied reports whether standards are declared as applied: a non-empty
// list, or true.
func (s Standards) Applied() bool { return s.Claimed || len(s.References()) > 0 }

// Unnamed reports whether the file says true without naming the references.
func (s Standards) Unnamed() bool { return s.Claimed && len(s.References()) == 0 }

// References returns the non-blank references of the list.
func (s Standards) References() []string {
	var out []string
	for _, r := range s.List {
		if strings.TrimSpace(r) != "" {
			out = append(out, r)
		}
	}
	return out
}
