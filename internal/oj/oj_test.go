package oj

import "testing"

func TestJournal(t *testing.T) {
	if J.Date.IsZero() || J.Source == "" || len(J.NotCRA) == 0 {
		t.Fatalf("%+v", J)
	}
	if len(J.CRAStandards) != 0 || CRACited("EN 18031-1:2024") {
		t.Errorf("no CRA standard is cited as of %s", AsOf())
	}
	for ref, want := range map[string]string{
		"EN 18031-1:2024": "Radio Equipment Directive", "en  18031-2": "Radio Equipment Directive",
		"ETSI EN 303 645 V2.1.1": "consumer IoT", "prEN 40000-1-2": "draft",
	} {
		if n, ok := Known(ref); !ok || !contains(n.What, want) || n.Source == "" {
			t.Errorf("Known(%q) = %+v, %v", ref, n, ok)
		}
	}
	if _, ok := Known("EN 12345"); ok {
		t.Error("an unknown standard is known")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
