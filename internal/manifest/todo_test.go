package manifest

import (
	"strings"
	"testing"
)

// TestTODOEveryType: a TODO string stands in for a value of any type; each
// is one TODOValue problem at the value, never a wrong type, and the value
// reads as absent.
func TestTODOEveryType(t *testing.T) {
	src := strings.Join([]string{
		`schema = 1`,
		`[product]`,
		`name = "Lock"`,
		`manufacturer = "TODO: the legal name of the manufacturer"`,
		`placed_on_market = "TODO: the date the first unit is made available in the EU"`,
		`functions = ["unlock", "TODO: more functions", 'TODO: and more']`,
		`harmonised_standards = "TODO"`,
		`foss = "TODO: true or false"`,
		`[support]`,
		`end = "   TODO: the date security updates end"`,
		`expected_use_years = "TODO: years"`,
		`[disclosure]`,
		`policy = "SECURITY.md"`,
		`contact = "todo: lower case is a value"`,
		`acknowledge_days = "TODO:"`,
		`reporting = "TODO: a table"`,
		`[[rdps]]`,
		`name = "TODO: name each remote data processing solution, or delete this entry"`,
		`rationale = "TODOs are tracked in the risk assessment"`,
		`[[rdps]]`,
		`name = "cloud"`,
		`functions = [`,
		`  "TODO: which functions need it",`,
		`]`,
		`[gate]`,
		`sbom_thresholds = { supplier = "TODO: a percentage" }`,
	}, "\n")
	m, probs := Parse("cra.toml", []byte(src))
	if m == nil {
		t.Fatalf("not loaded: %+v", probs)
	}
	want := []struct {
		path string
		pos  Pos
		msg  string
	}{
		{"product.manufacturer", Pos{Line: 4, Col: 16}, `key "product.manufacturer" is still a TODO: the legal name of the manufacturer`},
		{"product.placed_on_market", Pos{Line: 5, Col: 20}, "(write a date without quotes, such as 2031-03-01)"},
		{"product.functions[1]", Pos{Line: 6, Col: 24}, "more functions"},
		{"product.functions[2]", Pos{Line: 6, Col: 48}, "and more"},
		{"product.harmonised_standards", Pos{Line: 7, Col: 24}, "decide its value"},
		{"product.foss", Pos{Line: 8, Col: 8}, "(write true or false)"},
		{"support.end", Pos{Line: 10, Col: 7}, "the date security updates end (write a date"},
		{"support.expected_use_years", Pos{Line: 11, Col: 22}, "(write a number without quotes)"},
		{"disclosure.acknowledge_days", Pos{Line: 15, Col: 20}, "decide its value"},
		{"disclosure.reporting", Pos{Line: 16, Col: 1}, ""}, // an unknown key, not a TODO
		{"rdps[0].name", Pos{Line: 18, Col: 8}, "or delete this entry"},
		{"rdps[1].functions[0]", Pos{Line: 23, Col: 3}, "which functions need it"},
		{"gate.sbom_thresholds.supplier", Pos{Line: 26, Col: 32}, "(write a number without quotes)"},
	}
	if len(probs) != len(want) {
		t.Fatalf("got %d problems, want %d: %+v", len(probs), len(want), probs)
	}
	for i, w := range want {
		p := probs[i]
		wantKind := TODOValue
		if w.path == "disclosure.reporting" {
			wantKind = UnknownKey
		}
		if p.Kind != wantKind || p.Path != w.path || p.Pos != w.pos || !strings.Contains(p.Msg, w.msg) {
			t.Errorf("problem %d: %+v\n want kind %v at %s %v with %q", i, p, wantKind, w.path, w.pos, w.msg)
		}
	}
	if m.Product.Manufacturer != "" ||
		m.Product.PlacedOnMarket != nil ||
		m.Support.End != nil ||
		m.Support.ExpectedUseYears != nil ||
		m.Disclosure.AcknowledgeDays != nil ||
		m.Product.HarmonisedStandards.Applied() {
		t.Errorf("TODO values were not read as absent: %+v %+v", m.Product, m.Support)
	}
	if strings.Join(m.Product.Functions, ",") != "unlock" || len(m.RDPS[1].Functions) != 0 || m.RDPS[0].Name != "" || m.RDPS[1].Name != "cloud" {
		t.Errorf("TODO items kept: %q %+v", m.Product.Functions, m.RDPS)
	}
	if m.Disclosure.Contact != "todo: lower case is a value" || m.RDPS[0].Rationale != "TODOs are tracked in the risk assessment" {
		t.Errorf("values that are not TODOs were dropped: %q %q", m.Disclosure.Contact, m.RDPS[0].Rationale)
	}
	for _, tc := range []struct {
		segs []any
		want bool
	}{
		{[]any{"product", "manufacturer"}, true},
		{[]any{"product", "functions"}, true},
		{[]any{"product"}, true},
		{[]any{"rdps", 0}, true},
		{[]any{"rdps", 1}, true},
		{[]any{"rdps", 0, "rationale"}, false},
		{[]any{"product", "name"}, false},
		{[]any{"disclosure"}, true},
		{[]any{"disclosure", "policy"}, false},
		{[]any{"reporting"}, false},
	} {
		if got := m.HasTODO(tc.segs...); got != tc.want {
			t.Errorf("HasTODO(%v) = %v, want %v", tc.segs, got, tc.want)
		}
	}
	if n := len(m.TODOs()); n != 12 {
		t.Errorf("TODOs() = %d, want 12", n)
	}
}

func TestIsTODO(t *testing.T) {
	for s, want := range map[string]bool{
		"TODO: x": true, "  TODO:x": true, "TODO": true, "TODO:": true,
		"todo: x": false, "TODOs are tracked": false, "A TODO: x": false, "": false, "TODO x": false,
	} {
		if got := IsTODO(s); got != want {
			t.Errorf("IsTODO(%q) = %v, want %v", s, got, want)
		}
	}
}
