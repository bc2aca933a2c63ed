// Package runnersim reads output the way the GitHub Actions runner reads a
// step's log for workflow commands, so that tests can check that nothing the
// gate prints issues one it did not mean to.
package runnersim

import "strings"

// Commands lists the workflow commands the runner would act on in out: lines
// end at "\r" or "\n"; after leading white space (any Unicode space, as the
// runner trims), "::name ...::" is a command, and "##[" anywhere in a line is
// one (the runner's older syntax); between "::stop-commands::TOKEN" and
// "::TOKEN::" nothing is. Each command is named by what follows its prefix
// up to its first space or "::" ("error", "stop-commands", "##[set-output").
func Commands(out string) []string {
	var cmds []string
	stop := ""
	for _, line := range strings.FieldsFunc(out, func(r rune) bool { return r == '\r' || r == '\n' }) {
		t := strings.TrimSpace(line)
		if stop != "" {
			if strings.EqualFold(t, "::"+stop+"::") {
				stop = ""
			}
			continue
		}
		switch {
		case strings.HasPrefix(t, "::stop-commands::"):
			stop = strings.TrimPrefix(t, "::stop-commands::")
			cmds = append(cmds, "stop-commands")
		case strings.HasPrefix(t, "::"):
			name, _, _ := strings.Cut(t[2:], "::")
			name, _, _ = strings.Cut(name, " ")
			cmds = append(cmds, name)
		case strings.Contains(t, "##["):
			rest := t[strings.Index(t, "##[")+3:]
			name, _, _ := strings.Cut(rest, " ")
			name, _, _ = strings.Cut(name, "]")
			cmds = append(cmds, "##["+name)
		}
	}
	return cmds
}
