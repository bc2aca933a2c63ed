package sbomgen

import (
	"encoding/json"
	"testing"
)

// TestGeneratedDocumentsAreJSON: the templates stay valid JSON, whatever
// their line breaks.
func TestGeneratedDocumentsAreJSON(t *testing.T) {
	for name, data := range map[string][]byte{"spdx3": SPDX3Image(3), "nvd": NVDRecord("CVE-2024-1", Product(1), "9.0.0")} {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
