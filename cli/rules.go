package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/manifest"
)

// runRules lists the rules, or documents one.
func runRules(args []string, std IO) int {
	switch len(args) {
	case 0:
		listRules(std.Stdout, checks.Rules())
		return ExitPass
	case 1:
		r, ok := checks.Lookup(args[0])
		if !ok {
			ids := make([]string, 0)
			for _, r := range checks.Rules() {
				ids = append(ids, r.ID)
			}
			msg := fmt.Sprintf("cra-gate: no rule %q", args[0])
			if s := manifest.Closest(args[0], ids); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += "; 'cra-gate rules' lists them all"
			}
			fmt.Fprintln(std.Stderr, msg)
			return ExitError
		}
		describeRule(std.Stdout, r)
		return ExitPass
	}
	fmt.Fprintln(std.Stderr, "cra-gate: usage: cra-gate rules [ID]")
	return ExitError
}

func listRules(w io.Writer, rules []finding.Rule) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tCHECK\tSEVERITY\tWHAT IT CHECKS")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Check, r.Severity, r.Summary)
	}
	tw.Flush()
	fmt.Fprintln(w, "\n'cra-gate rules ID' explains a rule: why the CRA asks for it and how to fix it.")
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
