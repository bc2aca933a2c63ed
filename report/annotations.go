package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	githubactions "github.com/sethvargo/go-githubactions"

	"github.com/cra-gate/cra-gate/finding"
)

// AnnotationOptions configure Annotations.
type AnnotationOptions struct {
	// MaxPerLevel caps the annotations of each level; 0 or less means 10, what GitHub
	// shows per step for each of error, warning and notice.
	MaxPerLevel int
}

// DefaultMaxPerLevel is GitHub's per-step limit for each annotation level.
const DefaultMaxPerLevel = 10

// Annotations writes one GitHub workflow command per finding, such as
//
//	::error col=3,file=cra.toml,line=12,title=manifest-unknown-key::message
//
// in AnnotationOrder and at most MaxPerLevel of each level. When findings
// are left out, a final ::notice:: says how many and points to the job
// summary; to keep that notice within GitHub's limit, one fewer finding
// notice is emitted.
//
// Commands are built with go-githubactions, whose escaping matches the Actions
// toolkit: data escapes %, CR and LF; properties also escape : and ,. So a
// message or file name can neither end the line nor add a property or command.
// Other control characters are made visible first (sanitize).
func Annotations(w io.Writer, r *finding.Result, opt AnnotationOptions) error {
	if r == nil {
		return fmt.Errorf("report: nil result")
	}
	limit := opt.MaxPerLevel
	if limit <= 0 {
		limit = DefaultMaxPerLevel
	}
	levels := []string{"error", "warning", "notice"}
	by := map[string][]finding.Finding{}
	for _, f := range AnnotationOrder(r) {
		by[f.Severity.String()] = append(by[f.Severity.String()], f)
	}
	over := false
	for _, l := range levels {
		over = over || len(by[l]) > limit
	}
	bw := bufio.NewWriter(w)
	var left []string
	for _, l := range levels {
		n := limit
		if over && l == "notice" {
			n = limit - 1 // room for the summary notice
		}
		fs := by[l]
		for i, f := range fs {
			if i == n {
				left = append(left, plural(len(fs)-n, "more "+l))
				break
			}
			fmt.Fprintln(bw, annotation(f))
		}
	}
	if len(left) > 0 {
		cmd := githubactions.Command{
			Name:       "notice",
			Message:    joinAnd(left) + " not annotated (GitHub shows " + strconv.Itoa(limit) + " per level): see the job summary",
			Properties: githubactions.CommandProperties{"title": "cra-gate"},
		}
		fmt.Fprintln(bw, cmd.String())
	}
	return bw.Flush()
}

// AnnotationOrder lists the findings to annotate: errors, then warnings,
// then notices (a waived finding is a notice that says so), each in Result
// order, except that in a run compared with its base the findings it
// introduces come first, then those in files it changed. Workflow commands
// and the check run take them in this order, so that a cap hides the least
// relevant.
func AnnotationOrder(r *finding.Result) []finding.Finding {
	changed := map[string]bool{}
	if r.Base != nil {
		for _, f := range r.Base.ChangedFiles {
			changed[f] = true
		}
	}
	rank := func(f finding.Finding) int {
		switch {
		case r.Base == nil:
			return 0
		case f.Baseline == finding.BaselineNew:
			return 0
		case changed[f.File]:
			return 1
		}
		return 2
	}
	out := make([]finding.Finding, 0, len(r.Findings))
	for _, f := range r.Findings {
		if f.Waived != nil {
			// A waived finding is annotated as a notice that says so: it is
			// on the record, not a gap of this run.
			f.Severity = finding.Notice
			f.Message = "waived until " + f.Waived.Until + " (" + f.Waived.Reason + "): " + f.Message
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		return rank(out[i]) < rank(out[j])
	})
	return out
}

// AnnotationText is an annotation's message: the finding's message, its CRA
// reference and its fix, with control characters made visible (line breaks
// and tabs kept) and no workflow command inside.
func AnnotationText(f finding.Finding) string {
	msg := f.Message
	if f.Reference != "" {
		msg += " (CRA: " + f.Reference + ")"
	}
	if fix := strings.TrimSpace(f.Fix); fix != "" {
		msg += "\nFix: " + fix
	}
	return neutralizeInline(sanitize(msg, "\t\r\n"))
}

// annotation builds the workflow command for one finding.
func annotation(f finding.Finding) string {
	props := githubactions.CommandProperties{}
	if f.Rule != "" {
		props["title"] = neutralizeInline(sanitize(f.Rule, ""))
	}
	if f.File != "" {
		props["file"] = neutralizeInline(sanitize(f.File, "\t\r\n"))
		if f.Line > 0 {
			props["line"] = strconv.Itoa(f.Line)
			if f.Column > 0 {
				props["col"] = strconv.Itoa(f.Column)
			}
		}
	}
	cmd := githubactions.Command{Name: f.Severity.String(), Message: AnnotationText(f), Properties: props}
	return cmd.String()
}

// joinAnd writes "a", "a and b", "a, b and c", with "is"/"are" to follow.
func joinAnd(items []string) string {
	verb := " are"
	if len(items) == 1 && strings.HasPrefix(items[0], "1 ") {
		verb = " is"
	}
	switch len(items) {
	case 1:
		return items[0] + verb
	case 2:
		return items[0] + " and " + items[1] + verb
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1] + verb
}
