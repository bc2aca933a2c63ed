package report

import (
	"fmt"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
)

// mdIntroduced writes the line that leads a run compared with its base:
// how many errors and warnings the pull request introduces.
func mdIntroduced(errs, warns int) string {
	if errs+warns == 0 {
		return "**✅ This pull request introduces no errors or warnings.**\n\n"
	}
	var counts []string
	if errs > 0 {
		counts = append(counts, plural(errs, "error"))
	}
	if warns > 0 {
		counts = append(counts, plural(warns, "warning"))
	}
	return "**🆕 Introduced by this pull request: " + strings.Join(counts, ", ") + "**\n\n"
}

// mdMaxDeclarationChanges bounds the declaration changes listed; those that
// weaken the gate come first.
const mdMaxDeclarationChanges = 20

// declarationPhrases say what each kind of change did.
var declarationPhrases = map[string]string{
	"waiver-added":          "waiver added",
	"waiver-removed":        "waiver removed",
	"waiver-changed":        "waiver changed",
	"vex-answered":          "answered by a VEX statement",
	"vex-document-added":    "VEX document added",
	"vex-document-removed":  "VEX document removed",
	"rdps-added":            "[[rdps]] added",
	"rdps-removed":          "[[rdps]] removed",
	"third-party-added":     "[[third_party]] added",
	"third-party-removed":   "[[third_party]] removed",
	"excluded-added":        "[[excluded]] added (out of scope)",
	"excluded-removed":      "[[excluded]] removed",
	"sbom-added":            "SBOM added",
	"sbom-removed":          "SBOM removed",
	"support-end-changed":   "changed",
	"class-changed":         "changed",
	"gate-settings-changed": "changed",
}

// mdDeclarationChanges lists the pull request's declaration changes, those
// that weaken the gate first and marked ⚠️: shown whatever the verdict.
func mdDeclarationChanges(cs []finding.DeclarationChange, links *Links) string {
	if len(cs) == 0 {
		return ""
	}
	weak := 0
	for _, c := range cs {
		if c.Weakens {
			weak++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**📝 Declarations this pull request changes: %d", len(cs))
	if weak > 0 {
		fmt.Fprintf(&b, ", %d of them accept a gap or narrow what is checked", weak)
	}
	b.WriteString("**\n\n")
	n := 0
	for pass := range 2 {
		for _, c := range cs {
			if c.Weakens != (pass == 0) {
				continue
			}
			if n == mdMaxDeclarationChanges {
				fmt.Fprintf(&b, "- and %d more in the JSON report\n", len(cs)-n)
				b.WriteString("\n")
				return b.String()
			}
			n++
			b.WriteString("- ")
			if c.Weakens {
				b.WriteString("⚠️ ")
			}
			if loc := mdLocation(finding.Finding{File: c.File, Line: c.Line}, links); loc != "" {
				b.WriteString(loc + " ")
			}
			phrase, ok := declarationPhrases[c.Kind]
			if !ok {
				phrase = c.Kind
			}
			b.WriteString(escapeMarkdownMax(phrase, 64) + ": " + escapeMarkdownMax(c.Subject, 200))
			switch {
			case c.Before != "" && c.After != "":
				b.WriteString(" (" + escapeMarkdownMax(c.Before, 100) + " → " + escapeMarkdownMax(c.After, 100) + ")")
			case c.After != "":
				b.WriteString(" (" + escapeMarkdownMax(c.After, 100) + ")")
			case c.Before != "":
				b.WriteString(" (was " + escapeMarkdownMax(c.Before, 100) + ")")
			}
			if c.Config != "" {
				b.WriteString(" · " + mdCode(c.Config))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}
