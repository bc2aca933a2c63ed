// Package oj is what the Official Journal had published, as of a date, that
// the gate's rules depend on: harmonised standards cited under Regulation (EU)
// 2024/2847 and delegated acts on certification. The lists are data
// (oj.toml), dated, so that a rule resting on an empty list can say since
// when it is empty, and a publication is one edit.
package oj

import (
	_ "embed"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed oj.toml
var data string

// Journal is oj.toml.
type Journal struct {
	Date                      time.Time `toml:"date"`
	Source                    string    `toml:"source"`
	CRAStandards              []string  `toml:"cra_standards"`
	CertificationActs         []string  `toml:"certification_acts"`
	CriticalCertificationActs []string  `toml:"critical_certification_acts"`
	NotCRA                    []NotCRA  `toml:"not_cra"`
}

// NotCRA is a well-known standard that is not a CRA harmonised standard.
type NotCRA struct {
	Prefix string `toml:"prefix"`
	What   string `toml:"what"`
	Source string `toml:"source"`
}

// J is the journal as of its date.
var J = func() Journal {
	var j Journal
	if _, err := toml.Decode(data, &j); err != nil {
		panic("oj: oj.toml: " + err.Error()) // a programming error, caught by any test
	}
	return j
}()

// AsOf writes the journal's date: "6 December 2026".
func AsOf() string { return J.Date.Format("2 January 2006") }

// CRACited reports whether a reference names a standard cited under the CRA.
func CRACited(ref string) bool {
	for _, s := range J.CRAStandards {
		if normal(ref) == normal(s) || strings.HasPrefix(normal(ref), normal(s)+":") {
			return true
		}
	}
	return false
}

// Known returns what the journal knows of a reference that is not a CRA
// standard, when it knows it.
func Known(ref string) (NotCRA, bool) {
	r := normal(ref)
	for _, n := range J.NotCRA {
		if strings.HasPrefix(r, normal(n.Prefix)) {
			return n, true
		}
	}
	return NotCRA{}, false
}

func normal(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
