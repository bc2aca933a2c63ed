package finding

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
		out.SBOMs = append(out.SBOMs, r.SBOMs...)
		if r.Vulnerabilities != nil {
			out.Vulnerabilities = append(append([]Vulnerability{}, out.Vulnerabilities...), r.Vulnerabilities...)
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
