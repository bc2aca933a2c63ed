package report

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
)

// State is what a pull-request comment remembers of its run, in a hidden
// block at its end, so that the next run can say what is new since the last
// push and what was fixed: the identity of each error and warning, with the
// rule, file and item that name it.
//
// It also keeps the commit it judged and the state it was compared with
// (base), so that a re-run at the same commit renders the same comment,
// compared with the same earlier push, and makes no write.
type State struct {
	Commit  string
	entries []stateEntry
	ids     map[string]bool
	// Partial is set when the run had more gaps than the block holds; counts
	// against it are then approximate.
	Partial bool
	base    *State
}

type stateEntry struct {
	ID, Rule, File, Item string
}

const (
	statePrefix = "<!-- cra-gate:state v1 "
	stateSuffix = " -->"
	// maxStateBytes bounds the JSON of each of the two sets the block holds
	// (this run's gaps and its base's); base64 adds a third. It keeps the
	// block from crowding the findings out of a comment.
	maxStateBytes = 6 << 10
	// maxStateText bounds the file and item kept to name a fixed finding.
	maxStateText = 80
)

// findingID identifies a finding across runs: its config, rule, file and Key
// (never its message, line, a date or a count), hashed.
func findingID(config string, f finding.Finding) string {
	sum := sha256.Sum256([]byte(config + "\x00" + f.Rule + "\x00" + f.File + "\x00" + f.Key))
	return hex.EncodeToString(sum[:6])
}

// stateOf records the errors and warnings of the results, errors first,
// within maxStateBytes once encoded.
func stateOf(rs []*finding.Result) *State {
	s := &State{ids: map[string]bool{}, Commit: rs[0].Commit}
	size := len(`{"v":1,"partial":true,"f":[]}`)
	for _, sev := range []finding.Severity{finding.Error, finding.Warning} {
		for _, r := range rs {
			for _, f := range r.Findings {
				if f.Severity != sev || f.Waived != nil {
					continue
				}
				e := stateEntry{ID: findingID(r.Config, f), Rule: cut(f.Rule, maxStateText), File: cut(f.File, maxStateText), Item: cut(f.Item, maxStateText)}
				if s.ids[e.ID] {
					continue
				}
				b, _ := json.Marshal([]string{e.ID, e.Rule, e.File, e.Item})
				if size+len(b)+1 > maxStateBytes {
					s.Partial = true
					continue
				}
				size += len(b) + 1
				s.entries = append(s.entries, e)
				s.ids[e.ID] = true
			}
		}
	}
	return s
}

func (s *State) has(id string) bool { return s.ids[id] }

// stateJSON is the block's content.
type stateJSON struct {
	V       int        `json:"v"`
	Commit  string     `json:"commit,omitempty"`
	Partial bool       `json:"partial,omitempty"`
	F       [][]string `json:"f"`
	Base    *stateJSON `json:"base,omitempty"`
}

func (s *State) toJSON(withBase bool) *stateJSON {
	j := &stateJSON{V: 1, Commit: s.Commit, Partial: s.Partial, F: make([][]string, len(s.entries))}
	for i, e := range s.entries {
		j.F[i] = []string{e.ID, e.Rule, e.File, e.Item}
	}
	if withBase && s.base != nil {
		j.Base = s.base.toJSON(false)
	}
	return j
}

func fromJSON(j *stateJSON) *State {
	s := &State{ids: map[string]bool{}, Partial: j.Partial}
	if isHex(j.Commit) {
		s.Commit = j.Commit
	}
	for _, row := range j.F {
		if len(row) != 4 || !isHex(row[0]) {
			continue
		}
		s.entries = append(s.entries, stateEntry{ID: row[0], Rule: cut(row[1], maxStateText), File: cut(row[2], maxStateText), Item: cut(row[3], maxStateText)})
		s.ids[row[0]] = true
	}
	return s
}

// encode writes the hidden block. Base64 cannot contain "-->", so repository
// text in it cannot end the HTML comment.
func (s *State) encode() string {
	b, _ := json.Marshal(s.toJSON(true))
	return statePrefix + base64.StdEncoding.EncodeToString(b) + stateSuffix
}

// baseline is what this run is compared with, given the previous comment's
// state: the previous run, or, when that run judged the same commit (a
// re-run), the run it was itself compared with.
func baseline(prev *State, commit string) *State {
	if prev != nil && commit != "" && prev.Commit == commit {
		return prev.base
	}
	return prev
}

// ParseState reads the state block of a previous comment body; nil when the
// body has none (a first comment, or one written by an older cra-gate) or it
// does not decode.
func ParseState(body string) *State {
	i := strings.LastIndex(body, statePrefix)
	if i < 0 {
		return nil
	}
	rest := body[i+len(statePrefix):]
	j := strings.Index(rest, stateSuffix)
	if j < 0 || j > 4*maxStateBytes {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(rest[:j])
	if err != nil {
		return nil
	}
	var doc stateJSON
	if json.Unmarshal(raw, &doc) != nil || doc.V != 1 {
		return nil
	}
	s := fromJSON(&doc)
	if doc.Base != nil {
		s.base = fromJSON(doc.Base)
	}
	return s
}

// maxFixedNamed bounds the fixed findings named in the line.
const maxFixedNamed = 5

// sinceLastPush writes "Since the last push: 2 new, 1 fixed (...)".
func sinceLastPush(prev, cur *State) string {
	added := 0
	for _, e := range cur.entries {
		if !prev.has(e.ID) {
			added++
		}
	}
	var fixed []string
	nFixed := 0
	for _, e := range prev.entries {
		if cur.has(e.ID) {
			continue
		}
		nFixed++
		if len(fixed) < maxFixedNamed {
			name := mdRule(e.Rule)
			if e.File != "" {
				name += " in " + mdCode(e.File)
			}
			if e.Item != "" {
				name += " (" + escapeMarkdown(e.Item) + ")"
			}
			fixed = append(fixed, name)
		}
	}
	if added == 0 && nFixed == 0 {
		return "Since the last push: no change."
	}
	line := fmt.Sprintf("Since the last push: **%d new**, **%d fixed**", added, nFixed)
	if len(fixed) > 0 {
		line += ": " + strings.Join(fixed, ", ")
		if nFixed > len(fixed) {
			line += fmt.Sprintf(" and %d more", nFixed-len(fixed))
		}
	}
	line += "."
	if prev.Partial || cur.Partial {
		line += " (Approximate: one of the reports had more gaps than a comment remembers.)"
	}
	return line
}
