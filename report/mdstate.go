package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/cra-gate/cra-gate/finding"
)

// State is what a pull-request comment remembers of its run, in a hidden
// block at its end, so that the next run can say what is new since the last
// push, what is gone and why: every open error and warning, and every finding
// accepted by a waiver or answered by VEX, each as a 128-bit id with its
// product and check; the rule, file and item of the first ones, to name them.
//
// It also keeps what the run was compared with (the previous push's open
// findings, as the difference from its own), so that a re-run at the same
// commit renders the same comment, compared with the same earlier push, and
// makes no write.
type State struct {
	Commit string
	open   []stateEntry // errors first, then warnings
	openAt map[fid]int
	// waived and vexed are the findings accepted by a [[waiver]] and the
	// vulnerabilities answered by a VEX statement.
	waived, vexed map[fid]bool
	// skipped are the (product, check) pairs the run could not judge: a
	// finding of one that is no longer reported was not fixed.
	skipped map[scopeKey]bool
	// Partial is set when the run had more findings than the block holds:
	// what is new against it cannot be told exactly.
	Partial bool
	base    *State
	// newIDs are the open findings that were not open in base.
	newIDs map[fid]bool
	// room is how many more entries the block holds: the base's findings
	// that are gone take it.
	room int
}

// fid is a finding's id: 128 bits of SHA-256 over its identity.
type fid [16]byte

// scopeKey is a finding's product (a hash of its config path) and check.
type scopeKey struct {
	product [6]byte
	check   byte
}

type stateEntry struct {
	id    fid
	scope scopeKey
	name  *stateName // nil when the block had no room for it
}

type stateName struct{ Rule, File, Item string }

const (
	statePrefix = "<!-- cra-gate:state v2 "
	stateSuffix = " -->"
	// maxStateBytes bounds the block. At 23 bytes an entry once encoded,
	// about 700 findings fit with their names' budget; a run with more is
	// remembered in part (Partial).
	maxStateBytes = 20 << 10
	// maxNameBytes bounds the names kept (rule, file and item of the first
	// open findings, errors first), which name what a later push fixed.
	maxNameBytes = 3 << 10
	// maxStateText bounds the file and item kept to name a finding.
	maxStateText = 80
	// entryBytes is one entry: product hash, check index, id.
	entryBytes = 6 + 1 + 16
)

// stateChecks numbers the checks in the block; a check not in the list is
// numbered 255 (never skipped).
var stateChecks = []string{"manifest", "scope", "sbom", "disclosure", "support", "vulns", "documentation"}

func checkIndex(id string) byte {
	if i := slices.Index(stateChecks, id); i >= 0 {
		return byte(i)
	}
	return 255
}

func productHash(config string) (h [6]byte) {
	sum := sha256.Sum256([]byte("product\x00" + config))
	copy(h[:], sum[:])
	return h
}

// findingID identifies a finding across runs: its config, rule, file and Key
// (never its message, line, a date or a count), hashed to 128 bits.
func findingID(config string, f finding.Finding) fid {
	return hashID(config, f.Rule, f.File, f.Key)
}

func hashID(config, rule, file, key string) (id fid) {
	sum := sha256.Sum256([]byte(config + "\x00" + rule + "\x00" + file + "\x00" + key))
	copy(id[:], sum[:])
	return id
}

// vexFindingID is the id the finding of an answered vulnerability would have
// had: the rule the vulns check reports it under, the SBOM, purl#advisory.
func vexFindingID(config string, v finding.Vulnerability) fid {
	rule := "vulns-known"
	if v.KEV {
		rule = "vulns-kev"
	}
	return hashID(config, rule, v.File, v.Subject()+"#"+v.ID)
}

// stateOf records the results: open errors, then open warnings, then the
// accepted findings, each once, within maxStateBytes.
func stateOf(rs []*finding.Result) *State {
	s := &State{Commit: rs[0].Commit, openAt: map[fid]int{}, waived: map[fid]bool{}, vexed: map[fid]bool{},
		skipped: map[scopeKey]bool{}}
	s.room = (maxStateBytes - 600 - 2*maxNameBytes) / 4 * 3 / entryBytes // entries that fit, once base64 and JSON
	names := 0
	add := func(e stateEntry, to map[fid]bool) {
		if s.room == 0 {
			s.Partial = true
			return
		}
		s.room--
		if to != nil {
			to[e.id] = true
			return
		}
		s.openAt[e.id] = len(s.open)
		s.open = append(s.open, e)
	}
	for _, r := range rs {
		p := productHash(r.Config)
		for _, c := range r.Checks {
			if c.Status == finding.StatusSkip {
				s.skipped[scopeKey{p, checkIndex(c.ID)}] = true
			}
		}
	}
	for _, sev := range []finding.Severity{finding.Error, finding.Warning} {
		for _, r := range rs {
			p := productHash(r.Config)
			for _, f := range r.Findings {
				if f.Severity != sev || f.Waived != nil {
					continue
				}
				e := stateEntry{id: findingID(r.Config, f), scope: scopeKey{p, checkIndex(f.Check)}}
				if _, dup := s.openAt[e.id]; dup {
					continue
				}
				n := &stateName{Rule: cut(f.Rule, maxStateText), File: cut(f.File, maxStateText), Item: cut(f.Item, maxStateText)}
				if size := nameSize(n); names+size <= maxNameBytes {
					e.name, names = n, names+size
				}
				add(e, nil)
			}
		}
	}
	for _, r := range rs {
		for _, f := range r.Findings {
			if f.Waived != nil && f.Severity >= finding.Warning {
				add(stateEntry{id: findingID(r.Config, f)}, s.waived)
			}
		}
		for _, v := range r.Vulnerabilities {
			if v.VEX.Answered() {
				add(stateEntry{id: vexFindingID(r.Config, v)}, s.vexed)
			}
		}
	}
	return s
}

// nameSize is a name's size in the block, escapes included.
func nameSize(n *stateName) int {
	b, _ := json.Marshal([]any{100000, n.Rule, n.File, n.Item})
	return len(b) + 1
}

// has reports whether the finding was open.
func (s *State) has(id fid) bool { _, ok := s.openAt[id]; return ok }

// isNew reports whether an open finding is new since the state this one was
// compared with; false when that cannot be told (no base, or a partial one).
func (s *State) isNew(id fid) bool {
	return s.base != nil && !s.base.Partial && s.newIDs[id]
}

// compare sets base as what s is compared with, and which open findings are
// new against it.
func (s *State) compare(base *State) {
	s.base, s.newIDs = base, map[fid]bool{}
	if base == nil {
		return
	}
	for _, e := range s.open {
		if !base.has(e.id) {
			s.newIDs[e.id] = true
		}
	}
}

// stateJSON is the block's content. Entries are packed (entryBytes each) and
// base64 encoded; names point into the open entries by index.
type stateJSON struct {
	V       int         `json:"v"`
	Commit  string      `json:"c,omitempty"`
	Partial bool        `json:"p,omitempty"`
	Checks  []string    `json:"k"`
	Open    string      `json:"o"`
	Names   [][]any     `json:"n,omitempty"`
	Waived  string      `json:"w,omitempty"`
	VEX     string      `json:"x,omitempty"`
	Skipped string      `json:"s,omitempty"`
	Base    *stateDelta `json:"b,omitempty"`
}

// stateDelta is the base as a difference from the state that holds it: which
// of its open entries were new (a bit each), and the base's entries that are
// no longer open, with their names. The base is (open - new) + gone.
type stateDelta struct {
	Commit  string  `json:"c,omitempty"`
	Partial bool    `json:"p,omitempty"`
	New     string  `json:"new"`
	Gone    string  `json:"g,omitempty"`
	Names   [][]any `json:"n,omitempty"`
}

func pack(es []stateEntry) string {
	b := make([]byte, 0, len(es)*entryBytes)
	for _, e := range es {
		b = append(b, e.scope.product[:]...)
		b = append(b, e.scope.check)
		b = append(b, e.id[:]...)
	}
	return base64.RawStdEncoding.EncodeToString(b)
}

func unpack(s string) []stateEntry {
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil || len(b)%entryBytes != 0 {
		return nil
	}
	out := make([]stateEntry, 0, len(b)/entryBytes)
	for ; len(b) > 0; b = b[entryBytes:] {
		var e stateEntry
		copy(e.scope.product[:], b[:6])
		e.scope.check = b[6]
		copy(e.id[:], b[7:entryBytes])
		out = append(out, e)
	}
	return out
}

func idSet(m map[fid]bool) []stateEntry {
	es := make([]stateEntry, 0, len(m))
	for id := range m {
		es = append(es, stateEntry{id: id})
	}
	slices.SortFunc(es, func(a, b stateEntry) int { return strings.Compare(string(a.id[:]), string(b.id[:])) })
	return es
}

func namesOf(es []stateEntry) [][]any {
	var out [][]any
	for i, e := range es {
		if e.name != nil {
			out = append(out, []any{i, e.name.Rule, e.name.File, e.name.Item})
		}
	}
	return out
}

func setNames(es []stateEntry, rows [][]any) {
	for _, row := range rows {
		if len(row) != 4 {
			continue
		}
		i, ok := row[0].(float64)
		rule, ok1 := row[1].(string)
		file, ok2 := row[2].(string)
		item, ok3 := row[3].(string)
		if !ok || !ok1 || !ok2 || !ok3 || i < 0 || int(i) >= len(es) || float64(int(i)) != i {
			continue
		}
		es[int(i)].name = &stateName{Rule: cut(rule, maxStateText), File: cut(file, maxStateText), Item: cut(item, maxStateText)}
	}
}

func (s *State) toJSON() *stateJSON {
	var skipped []stateEntry
	for k := range s.skipped {
		skipped = append(skipped, stateEntry{scope: k})
	}
	slices.SortFunc(skipped, func(a, b stateEntry) int {
		return strings.Compare(string(a.scope.product[:])+string(a.scope.check), string(b.scope.product[:])+string(b.scope.check))
	})
	j := &stateJSON{V: 2, Commit: s.Commit, Partial: s.Partial, Checks: stateChecks, Open: pack(s.open), Names: namesOf(s.open),
		Waived: pack(idSet(s.waived)), VEX: pack(idSet(s.vexed)), Skipped: pack(skipped)}
	if s.base != nil {
		bits := make([]byte, (len(s.open)+7)/8)
		for i, e := range s.open {
			if s.newIDs[e.id] {
				bits[i/8] |= 1 << (i % 8)
			}
		}
		// The base's findings no longer open, as many as the block holds,
		// named within the names' budget.
		var gone []stateEntry
		partial, names := s.base.Partial, 0
		for _, e := range s.base.open {
			switch {
			case s.has(e.id):
				continue
			case len(gone) == s.room:
				partial = true
				continue
			}
			if e.name != nil {
				if size := nameSize(e.name); names+size <= maxNameBytes {
					names += size
				} else {
					e.name = nil
				}
			}
			gone = append(gone, e)
		}
		j.Base = &stateDelta{Commit: s.base.Commit, Partial: partial, New: base64.RawStdEncoding.EncodeToString(bits),
			Gone: pack(gone), Names: namesOf(gone)}
	}
	return j
}

// fromJSON reads a block; nil when it is not one this version reads.
func fromJSON(j *stateJSON) *State {
	if j.V != 2 || !slices.Equal(j.Checks, stateChecks) {
		return nil
	}
	// room: what was stored fits again as it was.
	s := &State{Partial: j.Partial, openAt: map[fid]int{}, waived: map[fid]bool{}, vexed: map[fid]bool{}, skipped: map[scopeKey]bool{},
		room: 1 << 30}
	if isHex(j.Commit) {
		s.Commit = j.Commit
	}
	s.open = unpack(j.Open)
	setNames(s.open, j.Names)
	for i, e := range s.open {
		s.openAt[e.id] = i
	}
	for _, e := range unpack(j.Waived) {
		s.waived[e.id] = true
	}
	for _, e := range unpack(j.VEX) {
		s.vexed[e.id] = true
	}
	for _, e := range unpack(j.Skipped) {
		s.skipped[e.scope] = true
	}
	if d := j.Base; d != nil {
		bits, err := base64.RawStdEncoding.DecodeString(d.New)
		if err != nil || len(bits) != (len(s.open)+7)/8 {
			return s
		}
		base := &State{Partial: d.Partial, openAt: map[fid]int{}}
		if isHex(d.Commit) {
			base.Commit = d.Commit
		}
		for i, e := range s.open {
			if bits[i/8]&(1<<(i%8)) == 0 {
				base.openAt[e.id] = len(base.open)
				base.open = append(base.open, e)
			}
		}
		gone := unpack(d.Gone)
		setNames(gone, d.Names)
		for _, e := range gone {
			base.openAt[e.id] = len(base.open)
			base.open = append(base.open, e)
		}
		s.compare(base)
	}
	return s
}

// encode writes the hidden block. JSON escapes < > & in strings, so
// repository text in it cannot end the HTML comment ("-->"); invisible
// characters are escaped too.
func (s *State) encode() string {
	b, _ := json.Marshal(s.toJSON())
	// '@' and '#' stand only inside strings: escaped, no name in the block
	// reads as a mention or a reference, even to a tool that reads raw text.
	b = bytes.ReplaceAll(bytes.ReplaceAll(b, []byte("@"), []byte(`\u0040`)), []byte("#"), []byte(`\u0023`))
	return statePrefix + string(escapeInvisibleJSON(b)) + stateSuffix
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
	if j < 0 || j > 2*maxStateBytes {
		return nil
	}
	var doc stateJSON
	if json.Unmarshal([]byte(strings.ReplaceAll(rest[:j], zwsp, "")), &doc) != nil {
		return nil
	}
	return fromJSON(&doc)
}

// maxNamed bounds the findings named in each part of the line, and
// maxNamedBytes their Markdown, so that the line stays a line.
const (
	maxNamed      = 5
	maxNamedBytes = 1500
)

// change is what became of the earlier push's open findings, and what is new.
type change struct {
	added                          int
	fixed, waived, vexed, unjudged []stateEntry
}

func diff(prev, cur *State) change {
	var c change
	for _, e := range cur.open {
		if !prev.has(e.id) {
			c.added++
		}
	}
	for _, e := range prev.open {
		switch {
		case cur.has(e.id):
		case cur.waived[e.id]:
			c.waived = append(c.waived, e)
		case cur.vexed[e.id]:
			c.vexed = append(c.vexed, e)
		case cur.skipped[e.scope]:
			c.unjudged = append(c.unjudged, e)
		default:
			c.fixed = append(c.fixed, e)
		}
	}
	return c
}

// sinceLastPush writes what changed since the previous push: "Since the last
// push: **2 new**, **1 fixed** (...), **1 accepted by a waiver** (...)."
// "No change" only when nothing changed and both states are whole.
func sinceLastPush(prev, cur *State) string {
	c := diff(prev, cur)
	approx := prev.Partial || cur.Partial
	if !approx && c.added == 0 && len(c.fixed)+len(c.waived)+len(c.vexed)+len(c.unjudged) == 0 {
		return "Since the last push: no change."
	}
	parts := []string{fmt.Sprintf("**%d new**", c.added), fmt.Sprintf("**%d fixed**", len(c.fixed)) + named(c.fixed)}
	if len(c.waived) > 0 {
		parts = append(parts, fmt.Sprintf("**%d accepted by a waiver**", len(c.waived))+named(c.waived)+", not fixed")
	}
	if len(c.vexed) > 0 {
		parts = append(parts, fmt.Sprintf("**%d answered by a VEX statement**", len(c.vexed))+named(c.vexed)+", not fixed")
	}
	if len(c.unjudged) > 0 {
		parts = append(parts, fmt.Sprintf("**%d not checked this time**", len(c.unjudged))+named(c.unjudged)+" (their check was skipped)")
	}
	line := "Since the last push: " + strings.Join(parts, ", ") + "."
	if approx {
		line += " (Approximate: a run had more findings than a comment remembers, so none is marked new.)"
	}
	return line
}

// named writes ": `rule` in `file` (item), ... and 2 more" for entries with
// names, "" for none.
func named(es []stateEntry) string {
	var names []string
	size := 0
	for _, e := range es {
		if e.name == nil || len(names) == maxNamed || size > maxNamedBytes {
			continue
		}
		name := mdRule(e.name.Rule)
		if e.name.File != "" {
			name += " in " + mdCode(e.name.File)
		}
		if e.name.Item != "" {
			name += " (" + escapeMarkdown(e.name.Item) + ")"
		}
		names = append(names, name)
		size += len(name)
	}
	if len(names) == 0 {
		return ""
	}
	out := " (" + strings.Join(names, ", ")
	if len(es) > len(names) {
		out += fmt.Sprintf(" and %d more", len(es)-len(names))
	}
	return out + ")"
}
