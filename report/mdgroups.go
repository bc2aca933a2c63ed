package report

import (
	"strings"

	"github.com/cra-gate/cra-gate/finding"
)

// itemGroup is findings of one rule with the same fix: one list item, the
// fix written once.
type itemGroup []finding.Finding

// mdMaxGroup bounds a group: more findings of a rule make several items, so
// that a comment cut for size drops some of them, not all.
const mdMaxGroup = 10

// groupItems gathers fs into groups of one rule, severity and fix, of at
// most size findings, each at the place of its first finding, in the order
// of fs.
func groupItems(fs []finding.Finding, size int) []itemGroup {
	type key struct {
		rule, fix string
		sev       finding.Severity
	}
	at := map[key]int{}
	var groups []itemGroup
	for _, f := range fs {
		k := key{f.Rule, f.Fix, f.Severity}
		if i, ok := at[k]; ok && len(groups[i]) < size {
			groups[i] = append(groups[i], f)
			continue
		}
		at[k] = len(groups)
		groups = append(groups, itemGroup{f})
	}
	return groups
}

// mdGroup writes a group as one list item. One finding is an item of its
// own (mdItem); several are one item that names their place once when they
// share it, writes the text they share once ("… is not declared: ...") and
// what differs as one line each, then the fix once.
func mdGroup(r *finding.Result, g itemGroup, links *Links, cur *State) string {
	if len(g) == 1 {
		return mdItem(r, g[0], links, cur)
	}
	samePlace := true
	for _, f := range g[1:] {
		samePlace = samePlace && f.File == g[0].File && f.Line == g[0].Line
	}
	msgs := make([]string, len(g))
	for i, f := range g {
		msgs[i] = f.Message
	}
	prefix, suffix := sharedText(msgs)
	var b strings.Builder
	b.WriteString("- ")
	if loc := mdLocation(g[0], links); samePlace && loc != "" {
		b.WriteString(loc + " ")
	}
	b.WriteString("**" + plural(len(g), "finding") + ":**")
	if prefix != "" || suffix != "" {
		b.WriteString(" " + escapeMarkdown(prefix) + "…" + escapeMarkdown(suffix))
	}
	for i, f := range g {
		b.WriteString("<br>• ")
		if loc := mdLocation(f, links); !samePlace && loc != "" {
			b.WriteString(loc + " ")
		}
		b.WriteString(escapeMarkdown(msgs[i][len(prefix) : len(msgs[i])-len(suffix)]))
		if cur != nil && cur.isNew(findingID(r.Config, f)) {
			b.WriteString(" 🆕")
		}
	}
	b.WriteString("<br>" + mdFixLines(g[0]) + "\n")
	return b.String()
}

// minSharedText is the least text worth writing once for a group.
const minSharedText = 60

// sharedText returns the longest prefix and suffix every message shares,
// cut at spaces, when together they are long enough to be worth writing
// once and every message keeps text of its own; else "", "".
func sharedText(msgs []string) (prefix, suffix string) {
	if len(msgs) < 2 {
		return "", ""
	}
	prefix, suffix = msgs[0], msgs[0]
	for _, m := range msgs[1:] {
		n := 0
		for n < len(prefix) && n < len(m) && prefix[n] == m[n] {
			n++
		}
		prefix = prefix[:n]
		n = 0
		for n < len(suffix) && n < len(m) && suffix[len(suffix)-1-n] == m[len(m)-1-n] {
			n++
		}
		suffix = suffix[len(suffix)-n:]
	}
	if i := strings.LastIndexByte(prefix, ' '); i >= 0 {
		prefix = prefix[:i+1]
	} else {
		prefix = ""
	}
	if i := strings.IndexByte(suffix, ' '); i >= 0 {
		suffix = suffix[i:]
	} else {
		suffix = ""
	}
	for _, m := range msgs {
		if len(prefix)+len(suffix) >= len(m) || strings.TrimSpace(m[len(prefix):len(m)-len(suffix)]) == "" {
			return "", ""
		}
	}
	if len(prefix)+len(suffix) < minSharedText {
		return "", ""
	}
	return prefix, suffix
}
