package osv

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cra-gate/cra-gate/internal/deps"
	"github.com/cra-gate/cra-gate/internal/vuln/records"
	json "github.com/go-json-experiment/json/v1"
)

// Key identifies a package within an OSV ecosystem, as affected[].package
// names it. Build it with NewKey so that both sides of a lookup are normalized
// alike.
type Key struct {
	Ecosystem string // "npm", "Go", "Maven", "Debian:12", ...
	Name      string // "@babel/core", "golang.org/x/net", "org.yaml:snakeyaml", ...
}

// NewKey trims both parts and normalizes the name where the ecosystem compares
// names loosely (PyPI: PEP 503, case-insensitive with -, _ and . alike).
func NewKey(ecosystem, name string) Key {
	ecosystem, name = strings.TrimSpace(ecosystem), strings.TrimSpace(name)
	if ecosystem == "PyPI" {
		name = deps.PEP503(name)
	}
	return Key{Ecosystem: ecosystem, Name: name}
}

// Limits bound what Load reads (see records.Limits).
type Limits = records.Limits

// DefaultLimits: 16 MiB per record (the largest osv.dev records are a few
// MiB), 8 GiB in all (osv.dev's all-ecosystem export is about 6 GiB
// uncompressed), 2,000,000 records (osv.dev holds about 600,000).
var DefaultLimits = Limits{RecordBytes: 16 << 20, TotalBytes: 8 << 30, Records: 2_000_000}

// Problem is something wrong with a source (see records.Problem).
type Problem = records.Problem

// DB is the offline database: the records that name a wanted package, indexed
// by Key.
type DB struct {
	index map[Key][]*Record
	// Read counts the records read, Kept those indexed, Withdrawn those left
	// out because they are withdrawn.
	Read, Kept, Withdrawn int
	// Newest is the latest "modified" time of the records read: how
	// current the database is (zero when no record gives one).
	Newest time.Time
	// Undated counts the records read that give no "modified" time (or the
	// zero time golang/vulndb's own files carry).
	Undated int
	// ecosystems are those the records read name (before any ':').
	ecosystems map[string]bool
}

// HoldsEcosystem reports whether a record read names the ecosystem ("Debian"
// for "Debian:12"): a package of one it does not hold was not checked,
// whatever the lookup finds.
func (db *DB) HoldsEcosystem(ecosystem string) bool {
	base, _, _ := strings.Cut(ecosystem, ":")
	return db != nil && db.ecosystems[base]
}

// Ecosystems lists them, sorted.
func (db *DB) Ecosystems() []string {
	var out []string
	for e := range db.ecosystems {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the records that list the package among their affected
// packages, in id order.
func (db *DB) Lookup(k Key) []*Record {
	if db == nil {
		return nil
	}
	return db.index[k]
}

// Scan is a database being read: Start reads every record once in the
// background and notes the package names it mentions; Load then decodes the
// records that mention a wanted name.
type Scan struct{ s *records.Scan }

// Start begins reading every source (a directory tree of *.json records, a
// .zip of them, or one .json record) in parallel, one worker per CPU. Every
// byte is read once, within lim; records are not decoded yet.
func Start(sources []string, lim Limits) *Scan {
	lim = lim.Or(DefaultLimits)
	return &Scan{records.Start(sources, lim, records.Kind{What: "OSV records", Flag: "--vuln-db"}, scanRecord)}
}

// scanRecord notes the package names a record mentions, and the ecosystems
// (as keys ecosystemKey + the ecosystem's name before any ':').
func scanRecord(data []byte) (keys []string, always bool, problem string) {
	names, ok := scanValues(data, `"name"`)
	if len(names) > MaxNamesPerRecord {
		return nil, false, fmt.Sprintf("names more than %d packages, the most the gate reads of one record (a real record "+
			"names a few): not read", MaxNamesPerRecord)
	}
	ecos, _ := scanValues(data, `"ecosystem"`)
	for _, e := range ecos {
		if base, _, _ := strings.Cut(e, ":"); base != "" && !slices.Contains(names, ecosystemKey+base) {
			names = append(names, ecosystemKey+base)
		}
	}
	// golang/vulndb's own files carry the zero time: no time at all.
	if mods, _ := scanValues(data, `"modified"`); len(mods) > 0 && !strings.HasPrefix(slices.Max(mods), "0001-") {
		names = append(names, modifiedKey+slices.Max(mods))
	}
	return names, !ok, ""
}

// ecosystemKey marks a scan key that is an ecosystem, not a package name
// (no name starts with a NUL); modifiedKey one that is the record's
// "modified" time, as written (RFC 3339 in UTC: its order is the time's).
const (
	ecosystemKey = "\x00"
	modifiedKey  = "\x01"
)

// MaxNamesPerRecord bounds the distinct package names one record may name:
// osv.dev's records name a few, a hostile one millions.
const MaxNamesPerRecord = 1000

// mentions reports whether the names a record mentions hold one of names, as
// written or in its PEP 503 form (names holds PyPI names normalized).
func mentions(recordNames []string, names map[string]bool) bool {
	for _, n := range recordNames {
		if names[n] || names[NewKey("PyPI", n).Name] {
			return true
		}
	}
	return false
}

// Load waits for the scan, then decodes every record that mentions one of
// names (nil: every record) as a JSON "name" value, and indexes those that
// list a package for which want returns true (nil: every package). Withdrawn
// records are left out. A record whose id appears twice is kept once: the one
// modified last.
//
// A record that is decoded is checked to be JSON with an id and affected
// packages of the right shape, then decoded in full into the OSV types; a
// record that mentions no wanted name is not decoded, so a malformed record is
// reported only when it could concern a wanted package.
func (s *Scan) Load(want func(Key) bool, names map[string]bool) (*DB, []Problem) {
	var (
		mu        sync.Mutex
		byID      = map[string]*Record{}
		withdrawn atomic.Int64
	)
	probs := s.s.Decode(func(keys []string) bool { return names == nil || mentions(keys, names) }, func(data []byte) string {
		var head recordHead
		if err := json.Unmarshal(data, &head); err != nil {
			return "not an OSV record: " + jsonError(data, err)
		}
		if strings.TrimSpace(head.ID) == "" {
			return `not an OSV record: no "id"`
		}
		if head.Withdrawn != "" {
			withdrawn.Add(1)
			return ""
		}
		if !head.wanted(want) {
			return ""
		}
		rec, err := ParseRecord(data)
		if err != nil {
			return err.Error()
		}
		mu.Lock()
		defer mu.Unlock()
		if have, dup := byID[rec.GetId()]; !dup || have.GetModified().AsTime().Before(rec.GetModified().AsTime()) {
			byID[rec.GetId()] = rec
		}
		return ""
	})
	db := &DB{index: map[Key][]*Record{}, Read: s.s.Read(), Withdrawn: int(withdrawn.Load()), ecosystems: map[string]bool{}}
	newest, dated := "", 0
	s.s.EachKey(func(k string) {
		if e, ok := strings.CutPrefix(k, ecosystemKey); ok {
			db.ecosystems[e] = true
		}
		if m, ok := strings.CutPrefix(k, modifiedKey); ok {
			dated++
			newest = max(newest, m)
		}
	})
	if t, err := time.Parse(time.RFC3339, newest); err == nil {
		db.Newest = t.UTC()
	}
	db.Undated = max(db.Read-dated, 0)
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rec := byID[id]
		seen := map[Key]bool{}
		for _, a := range rec.GetAffected() {
			k := NewKey(a.GetPackage().GetEcosystem(), a.GetPackage().GetName())
			if k.Name == "" || seen[k] || (want != nil && !want(k)) {
				continue
			}
			seen[k] = true
			db.index[k] = append(db.index[k], rec)
		}
	}
	db.Kept = len(ids)
	return db, probs
}

// scanValues returns every distinct string value of key ("\"name\"") in data, at most
// MaxNamesPerRecord+1 of them. It scans bytes, so it also finds names
// outside affected[] (a credit's name): those records are then decoded and
// checked properly. ok is false when a value cannot be read (the record is
// then decoded whatever it names, so that the decoder reports it).
func scanValues(data []byte, key string) (names []string, ok bool) {
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(key))
		if i < 0 {
			return names, true
		}
		j := off + i + len(key)
		off = j
		for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
			j++
		}
		if j >= len(data) || data[j] != ':' {
			continue
		}
		j++
		for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
			j++
		}
		if j >= len(data) || data[j] != '"' {
			continue
		}
		end := j + 1
		escaped := false
		for end < len(data) && data[end] != '"' {
			if data[end] == '\\' {
				escaped = true
				end++
			}
			end++
		}
		if end >= len(data) {
			return nil, false
		}
		raw := data[j+1 : end]
		off = end + 1
		if !escaped && slices.ContainsFunc(names, func(n string) bool { return n == string(raw) }) {
			continue
		}
		v := string(raw)
		if escaped && json.Unmarshal(data[j:end+1], &v) != nil {
			return nil, false
		}
		if !slices.Contains(names, v) {
			if names = append(names, v); len(names) > MaxNamesPerRecord {
				return names, true
			}
		}
	}
}

// recordHead is what every record is checked for before the few that name a
// wanted package are decoded in full.
type recordHead struct {
	ID        string `json:"id"`
	Withdrawn string `json:"withdrawn"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
	} `json:"affected"`
}

func (h *recordHead) wanted(want func(Key) bool) bool {
	for _, a := range h.Affected {
		if want == nil || want(NewKey(a.Package.Ecosystem, a.Package.Name)) {
			return true
		}
	}
	return false
}

// jsonError describes a decoding error with its line.
func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at line %d: %s", lineAt(data, se.Offset), se.Error())
	case errors.As(err, &te):
		return fmt.Sprintf("%s is a JSON %s at line %d, where the OSV schema has %s", te.Field, te.Value, lineAt(data, te.Offset), te.Type)
	}
	return err.Error()
}

func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:max(off, 0)], []byte{'\n'})
}
