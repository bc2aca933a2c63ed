package sbom

import (
	"strings"
	"testing"

	"github.com/github/go-spdx/v2/spdxexp"
)

// licenseSamples are expressions as SBOM generators write them.
var licenseSamples = map[string]string{
	"id":       "Apache-2.0",
	"compound": "(MIT OR Apache-2.0) AND BSD-3-Clause",
	"with":     "GPL-2.0-only WITH Classpath-exception-2.0",
	"name":     "The Apache Software License, Version 2.0", // not an expression
}

// BenchmarkLicenseExpression puts ValidLicenseExpression next to go-spdx's
// own expression parser, which it does not use (see its doc comment).
func BenchmarkLicenseExpression(b *testing.B) {
	for name, s := range licenseSamples {
		b.Run("grammar/"+name, func(b *testing.B) {
			for b.Loop() {
				ValidLicenseExpression(s)
			}
		})
		b.Run("go-spdx/"+name, func(b *testing.B) {
			for b.Loop() {
				spdxexp.ValidateLicenses([]string{s})
			}
		})
	}
}

// TestLicenseExpressionLinear checks that validation work grows no faster
// than the expression (a hostile SBOM may hold many long ones), counted in
// allocations, which do not depend on the machine's load; the time is in
// BenchmarkLicenseExpression.
func TestLicenseExpressionLinear(t *testing.T) {
	cost := func(n int) float64 {
		long := strings.Repeat("MIT OR (ISC AND Apache-2.0+) OR ", n) + "ISC"
		if !ValidLicenseExpression(long) {
			t.Fatalf("a valid expression of %d terms is rejected", n)
		}
		return testing.AllocsPerRun(3, func() { ValidLicenseExpression(long) })
	}
	// Linear: 8 times the length costs about 8 times as much; quadratic: 64.
	if small, large := cost(1_000), cost(8_000); large > 12*max(small, 1) {
		t.Errorf("8 times the expression costs %.0f times as many allocations", large/max(small, 1))
	}
}

// FuzzLicenseExpression checks that ValidLicenseExpression never panics and
// that a valid expression stays valid as an operand of OR and AND.
func FuzzLicenseExpression(f *testing.F) {
	for _, s := range licenseSamples {
		f.Add(s)
	}
	f.Add("DocumentRef-a:LicenseRef-b+ WITH AdditionRef-c")
	f.Add("((MIT)")
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidLicenseExpression(s) {
			return
		}
		if !ValidLicenseExpression("ISC OR "+s) || !ValidLicenseExpression(s+" AND ISC") {
			t.Errorf("%q is valid, but not as an operand", s)
		}
	})
}
