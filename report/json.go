package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/cra-gate/cra-gate/finding"
)

// JSON writes the versioned JSON report: the Result as its json tags describe
// it, indented, with "version" set to finding.FormatVersion and "checks" and
// "findings" always arrays (never null). Field order and indentation are
// stable, so reports diff cleanly.
func JSON(w io.Writer, r *finding.Result) error {
	if r == nil {
		return errors.New("report: nil result")
	}
	out := *r
	out.Version = finding.FormatVersion
	out.Tool = tool(r)
	if out.Checks == nil {
		out.Checks = []finding.CheckResult{}
	}
	if out.Findings == nil {
		out.Findings = []finding.Finding{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&out); err != nil {
		return err
	}
	_, err := w.Write(commandFreeJSON(b.Bytes()))
	return err
}

// ReadJSON reads a report written by JSON. It rejects a document without a
// version or with a version this build does not know, saying which; fields added
// within the version are ignored.
func ReadJSON(rd io.Reader) (*finding.Result, error) {
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("reading report: %w", err)
	}
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("reading report: not a cra-gate JSON report: %w", err)
	}
	if probe.Version == nil {
		return nil, errors.New(`reading report: not a cra-gate JSON report (no "version" field)`)
	}
	if *probe.Version != finding.FormatVersion {
		return nil, fmt.Errorf("reading report: report format version %d is not supported: this cra-gate reads version "+
			"%d; use the cra-gate release that wrote the report", *probe.Version, finding.FormatVersion)
	}
	var r finding.Result
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("reading report: %w", err)
	}
	if r.Checks == nil {
		r.Checks = []finding.CheckResult{}
	}
	if r.Findings == nil {
		r.Findings = []finding.Finding{}
	}
	return &r, nil
}

// RulesJSON writes the rules as one JSON array, each rule with every field
// (id, check, severity, reference, summary, why, fix, example), in the
// order given, command-free like the report.
func RulesJSON(w io.Writer, rules []finding.Rule) error {
	if rules == nil {
		rules = []finding.Rule{}
	}
	return writeJSON(w, rules)
}

// RuleJSON writes one rule as a JSON object, with the fields of RulesJSON.
func RuleJSON(w io.Writer, r finding.Rule) error { return writeJSON(w, r) }

func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(commandFreeJSON(b.Bytes()))
	return err
}
