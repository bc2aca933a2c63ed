package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/report"
)

const rulesUsage = "cra-gate: usage: cra-gate rules [--format text|json] [ID]"

// runRules lists the rules, or documents one, as text or JSON.
func runRules(args []string, std IO) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "text", "text or json")
	ids, err := parseInterspersed(fs, args)
	if err != nil || len(ids) > 1 {
		fmt.Fprintln(std.Stderr, rulesUsage)
		return ExitError
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(std.Stderr, "cra-gate: rules --format %q: want text or json\n", *format)
		return ExitError
	}
	rules := checks.Rules()
	if len(ids) == 1 {
		r, ok := lookupRule(ids[0], std)
		if !ok {
			return ExitError
		}
		rules = []finding.Rule{r}
	}
	switch {
	case *format == "json" && len(ids) == 1:
		err = report.RuleJSON(std.Stdout, rules[0])
	case *format == "json":
		err = report.RulesJSON(std.Stdout, rules)
	case len(ids) == 1:
		describeRule(std.Stdout, rules[0])
	default:
		listRules(std.Stdout, rules)
	}
	if err != nil {
		fmt.Fprintf(std.Stderr, "cra-gate: %v\n", err)
		return ExitError
	}
	return ExitPass
}

// lookupRule finds a rule by id, or says on stderr which one was meant.
func lookupRule(id string, std IO) (finding.Rule, bool) {
	r, ok := checks.Lookup(id)
	if ok {
		return r, true
	}
	ids := make([]string, 0)
	for _, r := range checks.Rules() {
		ids = append(ids, r.ID)
	}
	msg := fmt.Sprintf("cra-gate: no rule %q", id)
	if s := manifest.Closest(id, ids); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; 'cra-gate rules' lists them all"
	}
	fmt.Fprintln(std.Stderr, msg)
	return finding.Rule{}, false
}

func listRules(w io.Writer, rules []finding.Rule) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tCHECK\tSEVERITY\tWHAT IT CHECKS")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Check, r.Severity, r.Summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\n'cra-gate rules ID' explains a rule: why the CRA asks for it and how to fix it; --format json prints them for tools.")
}

func describeRule(w io.Writer, r finding.Rule) {
	fmt.Fprintf(w, "%s  (check %s, %s)\n\n", r.ID, r.Check, r.Severity)
	fmt.Fprintf(w, "What:  %s\n", r.Summary)
	fmt.Fprintf(w, "CRA:   %s\n\n", r.Reference)
	fmt.Fprintf(w, "Why\n%s\n\n", wrap(r.Why, 88))
	fmt.Fprintf(w, "How to fix\n%s\n", wrap(r.Fix, 88))
	if r.Example != "" {
		fmt.Fprintf(w, "\nExample (cra.toml unless it says which file)\n")
		for _, l := range strings.Split(r.Example, "\n") {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
}

// wrap breaks text into lines of at most width characters, indented by two spaces.
func wrap(text string, width int) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, "  "+line)
			line = word
			continue
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, "  "+line)
	}
	return strings.Join(lines, "\n")
}
