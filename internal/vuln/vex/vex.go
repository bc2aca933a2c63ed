// Package vex reads VEX statements, the manufacturer's answers to known
// vulnerabilities: OpenVEX documents (through github.com/openvex/go-vex),
// CycloneDX VEX documents and the vulnerabilities an SBOM carries with an
// analysis (through the sbom package, itself on cyclonedx-go). It normalizes
// them to one Statement, finds the statement that answers a (component,
// vulnerability) pair, and tells which statement subjects no SBOM contains.
package vex

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	json "github.com/go-json-experiment/json/v1"

	ovex "github.com/openvex/go-vex/pkg/vex"
	"github.com/package-url/packageurl-go"

	"github.com/cra-gate/cra-gate/internal/sbom"
)

// Status is a VEX status, in OpenVEX's words.
type Status string

// The four VEX statuses.
const (
	NotAffected        Status = "not_affected"
	Affected           Status = "affected"
	Fixed              Status = "fixed"
	UnderInvestigation Status = "under_investigation"
)

// MaxStatements bounds the statements read from one document.
const MaxStatements = 100_000

// MaxSubjects bounds the products and subcomponents over one document's statements.
const MaxSubjects = 1_000_000

// Subject is a product or subcomponent a statement is about.
type Subject struct {
	// ID is how the document names it: a purl, a bom-ref, a BOM-link, an IRI.
	ID string
	// Purls are the purls it may be matched by (its @id when a purl, and its
	// purl identifier).
	Purls []string
	// Sub marks an OpenVEX subcomponent; the others are products.
	Sub bool
}

// Statement is one VEX statement.
type Statement struct {
	File string // the document's repository path (the SBOM's, for its own vulnerabilities)
	Line int    // where the statement starts, 0 when unknown
	// Vulnerability is the id the statement names; Aliases the others it gives.
	Vulnerability string
	Aliases       []string
	Status        Status
	// Justification is OpenVEX's justification or CycloneDX's
	// analysis.justification; Impact the impact statement (CycloneDX detail).
	Justification string
	Impact        string
	// Action is what the manufacturer does about an affected vulnerability:
	// OpenVEX's action_statement, CycloneDX's analysis.response.
	Action string
	// Timestamp is when the statement was made or last updated; zero when the
	// document does not say.
	Timestamp time.Time
	// Products are what the statement is about; an OpenVEX product may carry
	// subcomponents, which narrow it.
	Products []Product
	// SBOMScoped marks the SBOM's own vulnerabilities: they speak only of
	// that SBOM's components, by bom-ref.
	SBOMScoped bool
	// Serial is the CycloneDX serialNumber of the document, for BOM-links.
	Serial string
	// order is the statement's position among all statements read, so later
	// ones win ties.
	order int
}

// Product is a statement's product and its subcomponents.
type Product struct {
	Subject
	Subcomponents []Subject
}

// Justified reports whether a not_affected statement says why: a
// justification or an impact statement.
func (s *Statement) Justified() bool {
	return strings.TrimSpace(s.Justification) != "" || strings.TrimSpace(s.Impact) != ""
}

// Subjects lists what the statement is about: each product without
// subcomponents, and each subcomponent (a product with subcomponents is the
// container they are in, such as an image the SBOM does not name).
func (s *Statement) Subjects() []Subject {
	var out []Subject
	for _, p := range s.Products {
		if len(p.Subcomponents) == 0 {
			out = append(out, p.Subject)
		}
		out = append(out, p.Subcomponents...)
	}
	return out
}

// Problem is something wrong with a VEX document: unreadable, not VEX, a
// statement without what the format requires, a limit reached.
type Problem struct {
	File string
	Line int
	Msg  string
}

// Parse reads a VEX document (OpenVEX JSON, or CycloneDX JSON or XML) from a
// repository file. Statements it cannot use are left out, each with a problem;
// a document it cannot read at all is a single problem.
func Parse(file string, data []byte) ([]Statement, []Problem) {
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))
	if len(trimmed) == 0 {
		return nil, []Problem{{File: file, Msg: "is empty: a VEX document is OpenVEX or CycloneDX JSON"}}
	}
	if trimmed[0] == '{' && isOpenVEX(trimmed) {
		return parseOpenVEX(file, data)
	}
	doc, err := sbom.Parse(data)
	if err != nil {
		var se *sbom.Error
		if errors.As(err, &se) && se.Kind == sbom.NotSBOM {
			return nil, []Problem{{File: file, Msg: "is neither OpenVEX (an @context of https://openvex.dev/ns) nor CycloneDX VEX (bomFormat " +
				"CycloneDX with vulnerabilities): " + se.Msg}}
		}
		line := 0
		if errors.As(err, &se) {
			line = se.Line
		}
		return nil, []Problem{{File: file, Line: line, Msg: "cannot be read as CycloneDX VEX: " + err.Error()}}
	}
	if doc.Format != sbom.CycloneDX {
		return nil, []Problem{{File: file, Msg: "is an SPDX document: VEX statements are OpenVEX or CycloneDX vulnerabilities with an analysis"}}
	}
	stmts, probs := FromSBOM(file, doc)
	for i := range stmts {
		stmts[i].SBOMScoped = false
	}
	if len(stmts) == 0 && len(probs) == 0 {
		probs = append(probs, Problem{File: file, Msg: "is CycloneDX without vulnerabilities that carry an analysis.state: it answers nothing"})
	}
	return stmts, probs
}

// isOpenVEX reports whether a JSON object's @context is OpenVEX's.
func isOpenVEX(data []byte) bool {
	var head struct {
		Context any `json:"@context"`
	}
	if json.Unmarshal(data, &head) != nil {
		return bytes.Contains(data[:min(len(data), 4096)], []byte("openvex.dev/ns"))
	}
	s, _ := head.Context.(string)
	return strings.HasPrefix(s, "https://openvex.dev/ns")
}

// parseOpenVEX reads an OpenVEX document with go-vex.
func parseOpenVEX(file string, data []byte) ([]Statement, []Problem) {
	doc, err := ovex.Parse(data)
	if err != nil {
		return nil, []Problem{{File: file, Line: syntaxLine(data, err), Msg: "is not valid OpenVEX JSON: " + strings.TrimPrefix(err.Error(), "error: ")}}
	}
	if len(doc.Statements) > MaxStatements {
		return nil, []Problem{{File: file,
			Msg: fmt.Sprintf("has %d statements; the gate reads at most %d per document: split it", len(doc.Statements), MaxStatements)}}
	}
	lines := statementLines(data)
	var docTime time.Time
	if doc.Timestamp != nil {
		docTime = *doc.Timestamp
	}
	if doc.LastUpdated != nil {
		docTime = *doc.LastUpdated
	}
	var out []Statement
	var probs []Problem
	subjects := 0
	for i := range doc.Statements {
		st := &doc.Statements[i]
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		bad := func(msg string) { probs = append(probs, Problem{File: file, Line: line, Msg: msg}) }
		s := Statement{File: file, Line: line, Status: Status(st.Status), Justification: string(st.Justification), Impact: st.ImpactStatement,
			Action: strings.TrimSpace(st.ActionStatement)}
		s.Vulnerability = strings.TrimSpace(string(st.Vulnerability.Name))
		if s.Vulnerability == "" {
			s.Vulnerability = strings.TrimSpace(st.Vulnerability.ID)
		}
		for _, a := range st.Vulnerability.Aliases {
			if a := strings.TrimSpace(string(a)); a != "" {
				s.Aliases = append(s.Aliases, a)
			}
		}
		switch {
		case s.Vulnerability == "":
			bad("statement without a vulnerability name: it answers nothing")
			continue
		case !st.Status.Valid():
			bad(fmt.Sprintf("statement about %s has status %q; OpenVEX statuses are not_affected, affected, fixed and under_investigation", s.Vulnerability, st.Status))
			continue
		case len(st.Products) == 0:
			bad(fmt.Sprintf("statement about %s names no products: it answers nothing", s.Vulnerability))
			continue
		}
		s.Timestamp = docTime
		if st.Timestamp != nil {
			s.Timestamp = *st.Timestamp
		}
		if st.LastUpdated != nil {
			s.Timestamp = *st.LastUpdated
		}
		for _, p := range st.Products {
			prod := Product{Subject: subject(p.Component, false)}
			for _, sc := range p.Subcomponents {
				prod.Subcomponents = append(prod.Subcomponents, subject(sc.Component, true))
			}
			subjects += 1 + len(prod.Subcomponents)
			s.Products = append(s.Products, prod)
		}
		if subjects > MaxSubjects {
			return nil, []Problem{{File: file, Line: line, Msg: fmt.Sprintf("names more than %d products and subcomponents; the gate reads at most that many per "+
				"document: split it", MaxSubjects)}}
		}
		out = append(out, s)
	}
	return out, probs
}

// subject reads an OpenVEX component.
func subject(c ovex.Component, sub bool) Subject {
	s := Subject{ID: strings.TrimSpace(c.ID), Sub: sub}
	if strings.HasPrefix(s.ID, "pkg:") {
		s.Purls = append(s.Purls, goPurl(s.ID))
	}
	if p := strings.TrimSpace(c.Identifiers[ovex.PURL]); p != "" && p != s.ID {
		s.Purls = append(s.Purls, goPurl(p))
		if s.ID == "" {
			s.ID = p
		}
	}
	return s
}

// goPurl writes a golang purl with the module path split as SBOMs write it
// (namespace golang.org/x, name net): govulncheck's OpenVEX output escapes
// the whole path into the name ("pkg:golang/golang.org%2Fx%2Fnet@v0.1.0"),
// which names the same module. Other purls are returned as they are.
func goPurl(s string) string {
	if !strings.HasPrefix(s, "pkg:golang/") || !strings.Contains(s, "%2F") && !strings.Contains(s, "%2f") {
		return s
	}
	p, err := packageurl.FromString(s)
	if err != nil {
		return s
	}
	full := strings.Trim(p.Namespace+"/"+p.Name, "/")
	i := strings.LastIndexByte(full, '/')
	if i < 0 {
		return s
	}
	p.Namespace, p.Name = full[:i], full[i+1:]
	return p.ToString()
}

// FromSBOM turns a CycloneDX document's vulnerabilities with an analysis into
// statements about its components. CycloneDX states map onto VEX statuses:
// resolved and resolved_with_pedigree are fixed, exploitable is affected,
// in_triage is under_investigation, not_affected and false_positive are
// not_affected (false_positive counts as its own justification).
//
// An analysis of build-time components only (sbom.Document.BuildTime: a
// Buildroot host package, a Yocto -native recipe) is not a statement about
// the product and is left out, as those components are. SPDX 3 documents
// carry their VEX assessments the same way (sbom maps them onto these states).
func FromSBOM(file string, doc *sbom.Document) ([]Statement, []Problem) {
	var out []Statement
	var probs []Problem
	buildTime := map[string]bool{}
	for _, c := range doc.BuildTime {
		buildTime[c.Ref] = true
	}
	for _, v := range doc.Vulnerabilities {
		if len(v.Affects) > 0 && len(buildTime) > 0 {
			var shipped []string
			for _, ref := range v.Affects {
				if !buildTime[ref] {
					shipped = append(shipped, ref)
				}
			}
			if len(shipped) == 0 {
				continue
			}
			v.Affects = shipped
		}
		bad := func(msg string) { probs = append(probs, Problem{File: file, Line: v.Line, Msg: msg}) }
		s := Statement{File: file,
			Line:          v.Line,
			Vulnerability: v.ID,
			Aliases:       v.References,
			Justification: v.Justification,
			Impact:        v.Detail,
			Action:        strings.Join(v.Responses, ", "),
			SBOMScoped:    true,
			Serial:        doc.Metadata.SerialNumber}
		switch v.State {
		case "resolved", "resolved_with_pedigree":
			s.Status = Fixed
		case "exploitable":
			s.Status = Affected
		case "in_triage":
			s.Status = UnderInvestigation
		case "not_affected":
			s.Status = NotAffected
		case "false_positive":
			s.Status = NotAffected
			if s.Justification == "" {
				s.Justification = "false_positive"
			}
		default:
			bad(fmt.Sprintf("vulnerability %s has analysis.state %q; CycloneDX states are resolved, "+
				"resolved_with_pedigree, exploitable, in_triage, false_positive and not_affected", v.ID, v.State))
			continue
		}
		if v.ID == "" {
			bad("vulnerability with an analysis but no id: it answers nothing")
			continue
		}
		if len(v.Affects) == 0 {
			bad(fmt.Sprintf("vulnerability %s has an analysis but no affects[].ref: it answers nothing", v.ID))
			continue
		}
		if t, err := time.Parse(time.RFC3339, v.Updated); err == nil {
			s.Timestamp = t
		}
		for _, ref := range v.Affects {
			subj := Subject{ID: ref}
			if strings.HasPrefix(ref, "pkg:") {
				subj.Purls = []string{ref}
			}
			s.Products = append(s.Products, Product{Subject: subj})
		}
		out = append(out, s)
	}
	if len(out) > MaxStatements {
		return nil, []Problem{{File: file,
			Msg: fmt.Sprintf("has %d vulnerabilities with an analysis; the gate reads at most %d per document", len(out), MaxStatements)}}
	}
	return out, probs
}

// statementLines returns the line of each element of the top-level
// "statements" array.
func statementLines(data []byte) []int {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	counter := lineCounter{data: data}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		if key, _ := t.(string); key != "statements" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return nil
		}
		var lines []int
		for dec.More() {
			off := int(dec.InputOffset())
			for off < len(data) && (data[off] == ',' || data[off] == ' ' || data[off] == '\t' || data[off] == '\n' || data[off] == '\r') {
				off++
			}
			lines = append(lines, counter.at(off))
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return lines
			}
		}
		return lines
	}
	return nil
}

// lineCounter turns increasing offsets into 1-based lines in linear time.
type lineCounter struct {
	data       []byte
	off, lines int
}

func (lc *lineCounter) at(off int) int {
	off = min(max(off, lc.off), len(lc.data))
	lc.lines += bytes.Count(lc.data[lc.off:off], []byte{'\n'})
	lc.off = off
	return lc.lines + 1
}

// syntaxLine is the line of a JSON syntax or type error, 0 when unknown.
func syntaxLine(data []byte, err error) int {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return 0
	}
	lc := lineCounter{data: data}
	return lc.at(int(off))
}

// sortByTime orders statements oldest first, document order breaking ties.
func sortByTime(stmts []*Statement) {
	sort.SliceStable(stmts, func(i, j int) bool {
		a, b := stmts[i], stmts[j]
		if !a.Timestamp.Equal(b.Timestamp) {
			return a.Timestamp.Before(b.Timestamp)
		}
		return a.order < b.order
	})
}
