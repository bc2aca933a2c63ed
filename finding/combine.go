package finding

import (
	"fmt"
	"slices"
)

// Combine folds the results of several configs (a monorepo's products) into
// one: the verdict fails when any product's does, the summary adds up, each
// check takes its worst status, and the findings of all stand together, each
// naming its config. results[i].Config must be set; results are not changed.
// pattern names what was asked for (a glob such as "*/cra.toml").
func Combine(pattern string, results []*Result) *Result {
	out := &Result{Version: FormatVersion, Passed: true, Config: pattern, Findings: []Finding{}, Products: results}
	if len(results) > 0 {
		out.Tool, out.FailOn, out.Date, out.Commit = results[0].Tool, results[0].FailOn, results[0].Date, results[0].Commit
	}
	byCheck := map[string]int{}
	for _, r := range results {
		out.Passed = out.Passed && r.Passed
		out.Summary.Errors += r.Summary.Errors
		out.Summary.Warnings += r.Summary.Warnings
		out.Summary.Notices += r.Summary.Notices
		out.Summary.Waived += r.Summary.Waived
		for _, c := range r.Checks {
			i, seen := byCheck[c.ID]
			if !seen {
				byCheck[c.ID] = len(out.Checks)
				out.Checks = append(out.Checks, CheckResult{ID: c.ID, Status: StatusPass})
				i = len(out.Checks) - 1
			}
			w := &out.Checks[i]
			w.Errors += c.Errors
			w.Warnings += c.Warnings
			w.Notices += c.Notices
			if statusRank(c.Status) > statusRank(w.Status) {
				w.Status, w.Reason = c.Status, c.Reason
			}
		}
		for _, f := range r.Findings {
			f.Config = r.Config
			out.Findings = append(out.Findings, f)
		}
		for _, c := range r.DeclarationChanges {
			c.Config = r.Config
			out.DeclarationChanges = append(out.DeclarationChanges, c)
		}
		if r.Base != nil {
			if out.Base == nil {
				out.Base = &Base{Path: r.Base.Path, Commit: r.Base.Commit}
			}
			out.Base.New.Errors += r.Base.New.Errors
			out.Base.New.Warnings += r.Base.New.Warnings
			out.Base.Existing.Errors += r.Base.Existing.Errors
			out.Base.Existing.Warnings += r.Base.Existing.Warnings
			for _, f := range r.Base.ChangedFiles {
				if !slices.Contains(out.Base.ChangedFiles, f) {
					out.Base.ChangedFiles = append(out.Base.ChangedFiles, f)
				}
			}
		}
		out.SBOMs = append(out.SBOMs, r.SBOMs...)
		if r.Vulnerabilities != nil {
			if out.Vulnerabilities == nil {
				out.Vulnerabilities = []Vulnerability{}
			}
			out.Vulnerabilities = append(out.Vulnerabilities, r.Vulnerabilities...)
		}
	}
	return out
}

// statusRank orders statuses from best to worst: pass, skip, warn, fail.
func statusRank(s Status) int {
	switch s {
	case StatusFail:
		return 3
	case StatusWarn:
		return 2
	case StatusSkip:
		return 1
	}
	return 0
}

// Worse reports whether a reads worse than b: failed before passed, then more
// errors, then more warnings. Reports list products worst first.
func Worse(a, b *Result) bool {
	if a.Passed != b.Passed {
		return !a.Passed
	}
	if a.Summary.Errors != b.Summary.Errors {
		return a.Summary.Errors > b.Summary.Errors
	}
	return a.Summary.Warnings > b.Summary.Warnings
}

// Verify recomputes the verdict, the counts and the check statuses of a
// report read from a file (its products' first, when it has several) from
// its findings, and returns an error naming the first field the report
// states otherwise: a report whose verdict its findings do not support is
// refused, not shown.
func (r *Result) Verify() error {
	if len(r.Products) > 0 {
		for i, p := range r.Products {
			if p == nil {
				return fmt.Errorf("product %d is null", i+1)
			}
			if err := p.Verify(); err != nil {
				return fmt.Errorf("product %s: %w", p.Config, err)
			}
		}
		c := Combine(r.Config, r.Products)
		if c.Passed != r.Passed || c.Summary != r.Summary {
			return fmt.Errorf("it says passed = %v with %s, but its products make passed = %v with %s", r.Passed,
				summaryText(r.Summary), c.Passed, summaryText(c.Summary))
		}
		return nil
	}
	level, err := ParseFailLevel(r.FailOn)
	if err != nil {
		return fmt.Errorf("fail_on: %w", err)
	}
	ids := make([]string, len(r.Checks))
	skipped := map[string]string{}
	for i, c := range r.Checks {
		ids[i] = c.ID
		if c.Status == StatusSkip {
			skipped[c.ID] = c.Reason
		}
	}
	stated := *r
	stated.Checks = append([]CheckResult(nil), r.Checks...)
	r.Evaluate(level, ids, skipped)
	switch {
	case r.Passed != stated.Passed:
		return fmt.Errorf("it says passed = %v, but its findings at fail_on %q make it %v", stated.Passed, stated.FailOn, r.Passed)
	case r.Summary != stated.Summary:
		return fmt.Errorf("it counts %s, but its findings are %s", summaryText(stated.Summary), summaryText(r.Summary))
	}
	if r.Base != nil {
		var fresh, old Counts
		for _, f := range r.Findings {
			c := map[string]*Counts{BaselineNew: &fresh, BaselineExisting: &old}[f.Baseline]
			switch {
			case f.Waived != nil || f.Severity == Notice:
				if f.Baseline != "" {
					return fmt.Errorf("finding %s is marked %q, but only open errors and warnings are", f.Rule, f.Baseline)
				}
			case c == nil:
				return fmt.Errorf("finding %s has no baseline mark, though the report has a base", f.Rule)
			case f.Severity == Error:
				c.Errors++
			default:
				c.Warnings++
			}
		}
		if fresh != r.Base.New || old != r.Base.Existing {
			return fmt.Errorf("its base counts %+v new and %+v existing, but its findings are marked %+v and %+v", r.Base.New, r.Base.Existing, fresh, old)
		}
	}
	for i, c := range r.Checks {
		if s := stated.Checks[i]; s.Status != c.Status || s.Errors != c.Errors || s.Warnings != c.Warnings {
			return fmt.Errorf("check %s: it says %s (%d errors, %d warnings), but its findings make it %s (%d, %d)", c.ID, s.Status,
				s.Errors, s.Warnings, c.Status, c.Errors, c.Warnings)
		}
	}
	return nil
}

func summaryText(s Summary) string {
	return fmt.Sprintf("%d errors, %d warnings, %d notices, %d waived", s.Errors, s.Warnings, s.Notices, s.Waived)
}
