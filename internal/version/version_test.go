package version

import "testing"

func TestCompare(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.35.0", "1.35.0", 0}, {"1.35.0", "1.36.1", -1}, {"2.0.11", "2.0.9", 1}, {"0.12.21rc", "0.12.20", 1},
		{"1.0rc1", "1.0", -1}, {"1.0", "1.0.1", -1}, {"1:1.35.0", "1.35.0", 0}, {"6.4-20230418", "6.4", 1},
		{"3.45.1", "3.39.2", 1}, {"8.7.1", "8.9.0", -1}, {"1.0beta", "1.0alpha", 1}, {"010", "9", 1},
	} {
		if got := Compare(tc.a, tc.b); got != tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Compare(tc.b, tc.a); got != -tc.want {
			t.Errorf("Compare(%q, %q) = %d, want %d (antisymmetry)", tc.b, tc.a, got, -tc.want)
		}
	}
}
