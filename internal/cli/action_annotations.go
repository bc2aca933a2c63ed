package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/ghcomment"
	"github.com/cra-gate/cra-gate/report"
)

// annotate puts the findings on their files and lines, and returns the
// job summary's line that says how (Markdown; "" when annotations are off).
// In auto mode it publishes a check run named for the config through the
// Checks API, which takes up to 1,000 annotations; when the token may not
// write checks (a fork's pull request, a job without `checks: write`), or
// there is no token or commit, it writes workflow commands, of which GitHub
// shows 10 per level.
func (a *actionRun) annotate(in actionInputs, ev runEvent, res *finding.Result) string {
	if in.annotations == "off" {
		return ""
	}
	if in.annotations == "auto" {
		line, ok := a.checkRun(in, ev, res)
		if ok {
			return line
		}
	}
	if err := report.Annotations(a.std.Stdout, res, report.AnnotationOptions{}); err != nil {
		a.fail("writing annotations: %v", err)
		return ""
	}
	n := len(report.AnnotationOrder(res))
	return fmt.Sprintf("Annotations: workflow commands, %d per level of %d findings (the check run, which shows up to %d, needs a token "+
		"with `checks: write`).", report.DefaultMaxPerLevel, n, ghcomment.MaxCheckAnnotations)
}

// checkRun publishes the check run; ok is false when it could not, with
// the reason logged.
func (a *actionRun) checkRun(in actionInputs, ev runEvent, res *finding.Result) (line string, ok bool) {
	owner, name, repoOK := splitRepo(a.std.Getenv("GITHUB_REPOSITORY"))
	switch {
	case in.token == "":
		a.info("annotations: no token, so workflow commands")
		return "", false
	case !repoOK || !isSHA(res.Commit):
		a.info("annotations: no repository or commit to attach a check run to, so workflow commands")
		return "", false
	}
	var anns []ghcomment.Annotation
	for _, f := range report.AnnotationOrder(res) {
		path := f.File
		if path == "" {
			path = res.Config
		}
		level := map[finding.Severity]string{finding.Error: "failure", finding.Warning: "warning"}[f.Severity]
		if level == "" {
			level = "notice"
		}
		anns = append(anns, ghcomment.Annotation{Path: path, StartLine: f.Line, Level: level, Title: f.Rule, Message: report.AnnotationText(f)})
	}
	conclusion := "success"
	switch {
	case !res.Passed:
		conclusion = "failure"
	case res.Summary.Errors+res.Summary.Warnings > 0:
		conclusion = "neutral"
	}
	title := fmt.Sprintf("%d errors, %d warnings", res.Summary.Errors, res.Summary.Warnings)
	summary := "The pull request comment and the job summary have the full report"
	if u := a.runURL(); u != "" {
		summary += ": " + u
	}
	ctx, cancel := context.WithTimeout(context.Background(), commentTimeout)
	defer cancel()
	r, err := ghcomment.PublishCheckRun(ctx, ghcomment.Options{Token: in.token, APIURL: a.std.Getenv("GITHUB_API_URL"), Owner: owner,
		Repo: name, Logf: func(format string, args ...any) { a.info(fmt.Sprintf(format, args...)) }},
		ghcomment.CheckRun{Name: "cra-gate: " + in.key, HeadSHA: res.Commit, Conclusion: conclusion, Title: title, Summary: summary,
			Annotations: anns})
	switch {
	case err != nil:
		a.warn("annotations: no check run (" + err.Error() + "); workflow commands instead")
		return "", false
	case r.Action == ghcomment.ActionSkipped:
		a.info("annotations: " + r.Warning + "; workflow commands instead")
		return "", false
	}
	shown := min(len(anns), ghcomment.MaxCheckAnnotations)
	line = fmt.Sprintf("Annotations: %d of %d findings in the check run of this commit", shown, len(anns))
	if u := r.URL; strings.HasPrefix(u, "https://") && !strings.ContainsAny(u, " ()<>\"[]") {
		line = fmt.Sprintf("Annotations: %d of %d findings in the [check run](%s)", shown, len(anns), u)
	}
	return line + ".", true
}
