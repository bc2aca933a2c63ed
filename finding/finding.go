// Package finding holds the types every part of the gate shares: the severity of a
// gap, the rule that detects it, the positioned finding a check produces, and the
// result of one run. Data flows one way: manifest -> checks -> findings -> report;
// this package is the "findings" step and depends on nothing else in the module.
package finding

import (
	"fmt"
	"sort"
	"strings"
)

// Severity ranks a finding. The zero value is Notice.
type Severity int

const (
	// Notice is information: a recorded decision, a reminder.
	Notice Severity = iota
	// Warning is a gap a release gate may choose to fail on (--fail-on warning).
	Warning
	// Error is a gap that fails the gate by default.
	Error
)

// String returns "notice", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "notice"
	}
}

// ParseSeverity reads "error", "warning" or "notice".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "notice":
		return Notice, nil
	}
	return Notice, fmt.Errorf("unknown severity %q (want error, warning or notice)", s)
}

// MarshalText writes the severity's name, so JSON carries "error", not 2.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// The ids of the gate's checks (the checks package's registry orders them).
const (
	CheckManifest      = "manifest"
	CheckScope         = "scope"
	CheckSBOM          = "sbom"
	CheckDisclosure    = "disclosure"
	CheckSupport       = "support"
	CheckVulns         = "vulns"
	CheckDocumentation = "documentation"
)

// Rule documents one thing the gate checks. Its ID is stable: SARIF output and
// user suppressions refer to it.
type Rule struct {
	ID        string   `json:"id"`
	Check     string   `json:"check"`
	Severity  Severity `json:"severity"`  // default severity; a finding may differ where the rule says so
	Reference string   `json:"reference"` // the CRA provision behind the rule, or "cra-gate convention (no CRA provision)"
	Summary   string   `json:"summary"`   // one paragraph: what is checked
	// Title names the rule in a list (SARIF's shortDescription: the alert's
	// name), at most 100 characters; empty when the summary is that short.
	Title   string `json:"title,omitempty"`
	Why     string `json:"why"`     // why the CRA asks for it, quoting the provision
	Fix     string `json:"fix"`     // how to fix it
	Example string `json:"example"` // a cra.toml snippet that passes
	// Unwaivable rules cannot be accepted by a [[waiver]]: the manifest's
	// syntax, type, limit, unknown-key and schema rules (a file the gate cannot
	// read has nothing to waive with), the waiver rules themselves, and every
	// vulns rule (a vulnerability is answered with a VEX statement).
	Unwaivable bool `json:"unwaivable,omitempty"`
}

// ShortTitle is the rule's title, or its summary when it has none.
func (r Rule) ShortTitle() string {
	if r.Title != "" {
		return r.Title
	}
	return r.Summary
}

// Finding is one gap (or notice) a check found, positioned at the file and line
// it is about. File is relative to the repository root, with forward slashes.
type Finding struct {
	Check     string   `json:"check"`
	Rule      string   `json:"rule"`
	Severity  Severity `json:"severity"`
	Message   string   `json:"message"`
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Column    int      `json:"column,omitempty"`
	Reference string   `json:"reference"`
	Fix       string   `json:"fix,omitempty"`
	// Item is the one thing the finding is about, when it is about one of
	// several: a dependency, a component, an entry's name, a function, a
	// field. Waivers match it; reports show it.
	Item string `json:"item,omitempty"`
	// Key identifies the finding within its rule and file across runs: the
	// cra.toml key path it is positioned at and the Item, joined by "#"
	// ("rdps[0].functions#live-veiw"), either alone when the other is empty,
	// or empty for a finding about a file as a whole. It never holds
	// a date, a count or a line number, so that the same gap keeps the same
	// identity from one run to the next (SARIF fingerprints, "new since the
	// last push").
	Key string `json:"key,omitempty"`
	// Config is the cra.toml the finding comes from; set only where findings
	// of several configs stand together (see Combine).
	Config string `json:"config,omitempty"`
	// Waived is set when a [[waiver]] of cra.toml accepts the finding: it
	// then does not count toward the verdict, and every output shows it apart.
	Waived *Waived `json:"waived,omitempty"`
	// Baseline is "new" when the finding is not an open gap of the pull
	// request's base (it is introduced by the change), "existing" when it
	// is; empty when the run had no base to compare with (--base).
	Baseline string `json:"baseline,omitempty"`
	// Source is the text of the line the finding points at, when the gate read it
	// (cra.toml, a policy, security.txt); the text renderer puts a caret under it.
	Source string `json:"-"`
}

// Waived is the waiver that accepts a finding.
type Waived struct {
	Reason string `json:"reason"`
	Until  string `json:"until"` // YYYY-MM-DD
	Line   int    `json:"line"`  // the [[waiver]]'s line in cra.toml
}

// Location renders file:line:col, omitting what is unknown.
func (f Finding) Location() string {
	switch {
	case f.File == "":
		return ""
	case f.Line <= 0:
		return f.File
	case f.Column <= 0:
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
}

// Status is a check's outcome.
type Status string

const (
	StatusPass Status = "pass" // no error or warning
	StatusWarn Status = "warn" // warnings, no error
	StatusFail Status = "fail" // at least one error
	StatusSkip Status = "skip" // did not run: the manifest did not load, or the check does not apply (a steward)
)

// CheckResult summarises one check.
type CheckResult struct {
	ID       string `json:"id"`
	Status   Status `json:"status"`
	Errors   int    `json:"errors"`
	Warnings int    `json:"warnings"`
	Notices  int    `json:"notices"`
	// Reason says why a check was skipped.
	Reason string `json:"reason,omitempty"`
}

// Summary counts findings by severity.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notices  int `json:"notices"`
	// Waived counts the findings waivers accept; they are not in the other counts.
	Waived int `json:"waived"`
}

// Product identifies what was checked, for report headings.
type Product struct {
	Name         string `json:"name,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Version      string `json:"version,omitempty"`
}

// FormatVersion is the version of the JSON report's shape. It changes only when a
// field is removed or changes meaning; new fields may be added within a version.
const FormatVersion = 1

// Result is one run of the gate: what the JSON report holds and every renderer reads.
type Result struct {
	Version int    `json:"version"`
	Tool    Tool   `json:"tool"`
	Passed  bool   `json:"passed"`
	FailOn  string `json:"fail_on"`
	Date    string `json:"date"`   // the date every date rule used (YYYY-MM-DD)
	Config  string `json:"config"` // cra.toml path (relative to the workspace in the Action, else to the repository)
	// Commit is the commit that was checked (the pull request's head), when
	// the run knows it.
	Commit   string        `json:"commit,omitempty"`
	Product  Product       `json:"product"`
	Summary  Summary       `json:"summary"`
	Checks   []CheckResult `json:"checks"`
	Findings []Finding     `json:"findings"`
	// SBOMs is the field coverage of every SBOM read, in the order declared.
	SBOMs []SBOMCoverage `json:"sbom_coverage,omitempty"`
	// Products holds each config's own result when one run judged several
	// (a monorepo); the fields above then combine them (see Combine).
	Products []*Result `json:"products,omitempty"`
	// Base is what the run was compared with (--base): set only then.
	Base *Base `json:"base,omitempty"`
	// DeclarationChanges are the differences between the base's cra.toml
	// and this one that change what the gate checks or accepts (waivers,
	// VEX, scope entries, SBOMs, the support end, the class); set with Base.
	DeclarationChanges []DeclarationChange `json:"declaration_changes,omitempty"`
	// Vulnerabilities lists every known vulnerability found in a component
	// when the vulns check ran (then never null, possibly empty); absent when
	// it did not run.
	Vulnerabilities []Vulnerability `json:"vulnerabilities,omitzero"`
}

// Baseline values of Finding.Baseline.
const (
	BaselineNew      = "new"
	BaselineExisting = "existing"
)

// Base is the pull request's base the run was compared with, and what the
// comparison found.
type Base struct {
	// Path is the base checkout as given (--base); Commit its HEAD, when
	// it has a readable .git.
	Path   string `json:"path"`
	Commit string `json:"commit,omitempty"`
	// New counts the open errors and warnings the change introduces,
	// Existing those already open on the base.
	New      Counts `json:"new"`
	Existing Counts `json:"existing"`
	// ChangedFiles are the files findings point at that differ from the
	// base's (added, or other bytes): annotations land there first.
	ChangedFiles []string `json:"changed_files,omitempty"`
}

// Counts counts open errors and warnings.
type Counts struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

// DeclarationChange is one difference between the base's cra.toml and the
// change's that alters what the gate checks or accepts.
type DeclarationChange struct {
	// Kind is one of waiver-added, waiver-removed, waiver-changed,
	// vex-answered, vex-document-added, vex-document-removed, rdps-added,
	// rdps-removed, third-party-added, third-party-removed, excluded-added,
	// excluded-removed, sbom-added, sbom-removed, support-end-changed,
	// class-changed, gate-settings-changed.
	Kind string `json:"kind"`
	// Subject names what changed: a waiver's rule and item, an entry's
	// name, an SBOM's path, an advisory and its component.
	Subject string `json:"subject"`
	Before  string `json:"before,omitempty"`
	After   string `json:"after,omitempty"`
	// Weakens is set when the change accepts a gap, narrows what is
	// checked or shortens a promise: a reviewer must see it even when the
	// gate passes.
	Weakens bool `json:"weakens"`
	// File and Line are where the change is written (in the change's
	// cra.toml or VEX document; the base's, for a removal, without a line).
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Config string `json:"config,omitempty"`
}

// Vulnerability is one (SBOM file, component, advisory) the vulns check found,
// answered by VEX or not.
type Vulnerability struct {
	File     string   `json:"file"`           // the SBOM
	Line     int      `json:"line,omitempty"` // the component's line in it, when known
	Purl     string   `json:"purl"`
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	ID       string   `json:"id"`      // the OSV id
	Aliases  []string `json:"aliases"` // CVE, GHSA, ... ids of the same vulnerability
	Summary  string   `json:"summary,omitempty"`
	Fixed    string   `json:"fixed"`    // the version that ends the affected range, or empty
	KEV      bool     `json:"kev"`      // listed in CISA's Known Exploited Vulnerabilities catalog
	VEX      *VEX     `json:"vex"`      // the statement that answers it, or null
	Severity string   `json:"severity"` // as the record gives it: labels and CVSS vectors
	// Score is the CVSS base score of the newest CVSS version the record
	// gives a vector for (0 when it gives none); Level is "critical",
	// "high", "medium", "low" or "none" from that score, else from the
	// record's label, else empty.
	Score float64 `json:"score,omitempty"`
	Level string  `json:"level,omitempty"`
	// Source names the database the advisory came from when it is not OSV
	// ("NVD"); Matched is how it applied: the CPE criterion and its versions.
	Source  string `json:"source,omitempty"`
	Matched string `json:"matched,omitempty"`
	// NotLinked says the advisory names the Go packages it affects and the
	// SBOM, which lists the packages linked into the binary, has none of
	// them: the finding is a notice.
	NotLinked bool `json:"not_linked,omitempty"`
}

// Subject names the component of a vulnerability in finding items and
// waivers: its purl, else name@version (a component known by CPE only).
func (v *Vulnerability) Subject() string {
	if v.Purl != "" {
		return v.Purl
	}
	return v.Name + "@" + v.Version
}

// VEX is the statement that answers a vulnerability.
type VEX struct {
	Status        string `json:"status"` // not_affected, affected, fixed, under_investigation
	Justification string `json:"justification"`
	Impact        string `json:"impact_statement,omitempty"`
	// Action is the action statement of an affected one (OpenVEX
	// action_statement, CycloneDX analysis.response).
	Action string `json:"action_statement,omitempty"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
}

// Answered reports whether the statement clears the vulnerability: fixed, or
// not_affected with a justification or impact statement.
func (v *VEX) Answered() bool {
	return v != nil && (v.Status == "fixed" || (v.Status == "not_affected" && (v.Justification != "" || v.Impact != "")))
}

// VEXAnswered counts the vulnerabilities a VEX statement answers: accepted,
// like waived findings, not fixed.
func (r *Result) VEXAnswered() int {
	n := 0
	for _, v := range r.Vulnerabilities {
		if v.VEX.Answered() {
			n++
		}
	}
	return n
}

// Accepts reports whether the run accepted a gap without fixing it: a
// finding waived, or a vulnerability answered by VEX.
func (r *Result) Accepts() bool { return r.Summary.Waived > 0 || r.VEXAnswered() > 0 }

// Weakens reports whether a declaration change of the run accepts a gap or
// narrows what the gate checks.
func (r *Result) Weakens() bool {
	for _, c := range r.DeclarationChanges {
		if c.Weakens {
			return true
		}
	}
	return false
}

// SBOMCoverage is how completely one SBOM describes its components: the share of
// components carrying each minimum field (BSI TR-03183-2), and the document's
// own metadata.
type SBOMCoverage struct {
	File        string          `json:"file"`
	Format      string          `json:"format"`
	SpecVersion string          `json:"spec_version"`
	Components  int             `json:"components"`
	Fields      []FieldCoverage `json:"fields"`
	Timestamp   bool            `json:"timestamp"`
	Creator     bool            `json:"creator"`
	Serial      bool            `json:"serial"`
	// Profile is the definition the fields are judged by ("ntia",
	// "bsi-tr-03183-2"); Generator the tool that wrote the SBOM, when the gate
	// knows its options.
	Profile   string `json:"profile,omitempty"`
	Generator string `json:"generator,omitempty"`
}

// FieldCoverage is one field's share of components, against its threshold.
type FieldCoverage struct {
	Field     string  `json:"field"`
	Present   int     `json:"present"`
	Percent   float64 `json:"percent"`   // rounded down to one decimal
	Threshold float64 `json:"threshold"` // percent; 0: shown for information, never below
	// Definition says what counts as having the field, in the profile's words.
	Definition string   `json:"definition,omitempty"`
	Missing    []string `json:"missing_examples,omitempty"`
	// Waived is set when the field's coverage finding is accepted by a
	// [[waiver]]: below its threshold, on the record.
	Waived bool `json:"waived,omitempty"`
}

// Below reports whether the field misses its threshold.
func (f FieldCoverage) Below(components int) bool {
	return components > 0 && f.Threshold > 0 && float64(f.Present)*100 < f.Threshold*float64(components)
}

// Tool names the program that produced a Result.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// FailLevel is the --fail-on setting: the lowest severity that fails the gate.
// Never means the gate only reports.
type FailLevel string

const (
	FailOnError   FailLevel = "error"
	FailOnWarning FailLevel = "warning"
	FailOnNever   FailLevel = "never"
)

// ParseFailLevel reads "error", "warning" or "never".
func ParseFailLevel(s string) (FailLevel, error) {
	switch FailLevel(strings.ToLower(strings.TrimSpace(s))) {
	case FailOnError:
		return FailOnError, nil
	case FailOnWarning:
		return FailOnWarning, nil
	case FailOnNever:
		return FailOnNever, nil
	}
	return "", fmt.Errorf("--fail-on %q: want error, warning or never", s)
}

// Fails reports whether a finding of severity s fails the gate at this level.
func (l FailLevel) Fails(s Severity) bool {
	switch l {
	case FailOnError:
		return s >= Error
	case FailOnWarning:
		return s >= Warning
	}
	return false
}

// Sort orders findings deterministically: by check (in the order of checks;
// others after them), then severity (highest first), file, line, column, rule
// and message.
func Sort(fs []Finding, checks []string) {
	order := map[string]int{}
	for i, c := range checks {
		order[c] = i + 1
	}
	for _, f := range fs {
		if order[f.Check] == 0 {
			order[f.Check] = len(order) + 1
		}
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if order[a.Check] != order[b.Check] {
			return order[a.Check] < order[b.Check]
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}

// Evaluate fills Summary, Checks and Passed from Findings. checks are the
// check ids in report order; skipped maps a check id to the reason it did not
// run.
func (r *Result) Evaluate(level FailLevel, checks []string, skipped map[string]string) {
	Sort(r.Findings, checks)
	r.FailOn = string(level)
	r.Summary = Summary{}
	r.Checks = r.Checks[:0]
	byCheck := map[string]*CheckResult{}
	for _, id := range checks {
		r.Checks = append(r.Checks, CheckResult{ID: id, Status: StatusPass})
	}
	for i := range r.Checks {
		byCheck[r.Checks[i].ID] = &r.Checks[i]
	}
	r.Passed = true
	for _, f := range r.Findings {
		c := byCheck[f.Check]
		if f.Waived != nil {
			r.Summary.Waived++
			continue
		}
		switch f.Severity {
		case Error:
			r.Summary.Errors++
			if c != nil {
				c.Errors++
			}
		case Warning:
			r.Summary.Warnings++
			if c != nil {
				c.Warnings++
			}
		default:
			r.Summary.Notices++
			if c != nil {
				c.Notices++
			}
		}
		if level.Fails(f.Severity) {
			r.Passed = false
		}
	}
	for i := range r.Checks {
		c := &r.Checks[i]
		switch {
		case c.Errors > 0:
			c.Status = StatusFail
		case skipped[c.ID] != "":
			c.Status, c.Reason = StatusSkip, skipped[c.ID]
		case c.Warnings > 0:
			c.Status = StatusWarn
		}
	}
}
