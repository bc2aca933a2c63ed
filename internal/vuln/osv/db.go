package osv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cra-gate/cra-gate/internal/deps"
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

// Limits bound what Load reads. The database is operator-given, not repository
// content, but a wrong path or a hostile archive must not exhaust the runner.
type Limits struct {
	// RecordBytes is the largest record read (a file, or a zip entry once
	// decompressed).
	RecordBytes int64
	// TotalBytes bounds the bytes read over all sources, after decompression.
	TotalBytes int64
	// Records bounds the record files and zip entries over all sources.
	Records int
}

// DefaultLimits: 16 MiB per record (the largest osv.dev records are a few
// MiB), 8 GiB in all (osv.dev's all-ecosystem export is about 6 GiB
// uncompressed), 2,000,000 records (osv.dev holds about 600,000).
var DefaultLimits = Limits{RecordBytes: 16 << 20, TotalBytes: 8 << 30, Records: 2_000_000}

// Problem is something wrong with a source: a record that does not parse, an
// entry over a limit, or a source that could not be read at all (Fatal).
type Problem struct {
	Source string // the path as given
	Entry  string // the file or zip entry within it; "" for the source as a whole
	Msg    string
	Fatal  bool // the source was abandoned (unreadable, or a limit reached)
}

func (p Problem) Error() string {
	if p.Entry == "" {
		return p.Source + ": " + p.Msg
	}
	return p.Source + ": " + p.Entry + ": " + p.Msg
}

// DB is the offline database: the records that name a wanted package, indexed
// by Key.
type DB struct {
	index map[Key][]*Record
	// Read counts the records read, Kept those indexed, Withdrawn those left
	// out because they are withdrawn.
	Read, Kept, Withdrawn int
}

// Lookup returns the records that list the package among their affected
// packages, in id order.
func (db *DB) Lookup(k Key) []*Record {
	if db == nil {
		return nil
	}
	return db.index[k]
}

// maxProblemsPerSource bounds the problems reported for one source; the rest are
// counted in a final problem.
const maxProblemsPerSource = 20

// Scan is a database being read: Start reads every record once in the
// background and notes the package names it mentions, so that the reading
// overlaps with the SBOMs' decoding; Load then decodes the records that
// mention a wanted name.
type Scan struct {
	l       *loader
	done    chan struct{}
	sources []scannedSource
}

type scannedSource struct {
	path    string
	entries []entry
	// state[k] is what the scan made of entries[k]: unread (a problem was
	// reported), read with the "name" values it holds, or read but to be
	// decoded whatever it names (its names could not be scanned).
	state []entryState
	close func()
}

type entryState struct {
	read   bool
	always bool
	names  []string // every "name" value, as written
}

// Start begins reading every source (a directory tree of *.json records, a
// .zip of them, or one .json record) in parallel, one worker per CPU. Every
// byte is read once, within lim; records are not decoded yet.
func Start(sources []string, lim Limits) *Scan {
	if lim.RecordBytes <= 0 {
		lim.RecordBytes = DefaultLimits.RecordBytes
	}
	if lim.TotalBytes <= 0 {
		lim.TotalBytes = DefaultLimits.TotalBytes
	}
	if lim.Records <= 0 {
		lim.Records = DefaultLimits.Records
	}
	s := &Scan{l: &loader{lim: lim, byID: map[string]*Record{}}, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for _, src := range sources {
			ss, ok := s.l.open(src)
			if !ok {
				continue
			}
			ss.state = make([]entryState, len(ss.entries))
			s.sources = append(s.sources, ss)
			// each worker writes the states of its own entries
			s.l.readAll(src, len(ss.entries), func(k int) (Problem, bool) { return s.l.scanEntry(src, ss.entries[k], &ss.state[k]) })
		}
	}()
	return s
}

// mentions reports whether the entry names one of names, as written or in
// its PEP 503 form (names holds PyPI names normalized).
func (st *entryState) mentions(names map[string]bool) bool {
	if st.always {
		return true
	}
	for _, n := range st.names {
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
// reported only when it could concern a wanted package. Memory holds the
// indexed records, the names each record mentions, one record per worker in
// flight and, for a zip, the archive (in memory up to 1 GiB, else its central
// directory).
func (s *Scan) Load(want func(Key) bool, names map[string]bool) (*DB, []Problem) {
	<-s.done
	l := s.l
	l.want = want
	defer func() {
		for _, ss := range s.sources {
			ss.close()
		}
	}()
	for _, ss := range s.sources {
		var picked []int
		for k := range ss.state {
			if st := &ss.state[k]; st.read && (names == nil || st.mentions(names)) {
				picked = append(picked, k)
			}
		}
		l.readAll(ss.path, len(picked), func(k int) (Problem, bool) { return l.decodeEntry(ss.path, ss.entries[picked[k]]) })
	}
	db := &DB{index: map[Key][]*Record{}, Read: int(l.read.Load()), Withdrawn: int(l.withdrawn.Load())}
	ids := make([]string, 0, len(l.byID))
	for id := range l.byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rec := l.byID[id]
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
	sort.SliceStable(l.problems, func(i, j int) bool { return l.problems[i].Source < l.problems[j].Source })
	return db, l.problems
}

// loader is the state of one Scan.
type loader struct {
	lim       Limits
	want      func(Key) bool
	read      atomic.Int64
	withdrawn atomic.Int64
	bytes     atomic.Int64 // read so far, all sources
	entries   atomic.Int64 // record files and zip entries seen, all sources

	mu       sync.Mutex
	byID     map[string]*Record
	problems []Problem
}

// entry is one record file or zip entry to read.
type entry struct {
	name string
	size int64 // as the directory or zip header states it
	open func() (io.ReadCloser, error)
}

// open lists one source's records, reporting why when it cannot.
func (l *loader) open(src string) (scannedSource, bool) {
	ss := scannedSource{path: src, close: func() {}}
	fi, err := os.Stat(src)
	if err != nil {
		l.fatal(src, "cannot be read: "+unwrap(err).Error()+": pass a directory of OSV records, a .zip of them or a .json record")
		return ss, false
	}
	switch {
	case fi.IsDir():
		ss.entries, err = dirEntries(src)
	case strings.EqualFold(filepath.Ext(src), ".zip") || isZip(src):
		zr, mem, closer, err := openZip(src, fi.Size())
		if err != nil {
			l.fatal(src, "is not a readable zip archive: "+err.Error())
			return ss, false
		}
		ss.close, ss.entries = closer, zipEntries(zr, mem)
	default:
		ss.entries = []entry{{name: filepath.Base(src), size: fi.Size(), open: func() (io.ReadCloser, error) { return os.Open(src) }}}
	}
	if err != nil {
		l.fatal(src, "cannot be read: "+unwrap(err).Error())
		ss.close()
		return ss, false
	}
	if n := l.entries.Add(int64(len(ss.entries))); n > int64(l.lim.Records) {
		l.fatal(src, fmt.Sprintf("holds %d records; the gate reads at most %d over all --vuln-db sources", len(ss.entries), l.lim.Records))
		ss.close()
		return ss, false
	}
	return ss, true
}

// readAll runs do on entries 0..n-1 of one source with one worker per CPU,
// collecting at most maxProblemsPerSource problems; a fatal one stops it.
func (l *loader) readAll(src string, n int, do func(int) (Problem, bool)) {
	var (
		next    atomic.Int64
		stop    atomic.Bool
		wg      sync.WaitGroup
		mu      sync.Mutex
		probs   []Problem
		dropped int
	)
	report := func(p Problem) {
		mu.Lock()
		defer mu.Unlock()
		if p.Fatal {
			stop.Store(true)
		}
		if len(probs) < maxProblemsPerSource || p.Fatal {
			probs = append(probs, p)
		} else {
			dropped++
		}
	}
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if p, ok := do(i); !ok {
					report(p)
				}
			}
		}()
	}
	wg.Wait()
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Entry < probs[j].Entry })
	if dropped > 0 {
		probs = append(probs, Problem{Source: src, Msg: fmt.Sprintf("and %d more records that could not be read", dropped)})
	}
	l.mu.Lock()
	l.problems = append(l.problems, probs...)
	l.mu.Unlock()
}

// recordBuffers holds read buffers for reuse: a scan reads every record of a
// database once, and only the names it holds outlive the read.
var recordBuffers sync.Pool

// maxPooledBuffer is the largest buffer kept for reuse.
const maxPooledBuffer = 1 << 20

// readEntry reads one record within the limits; count adds it to the total.
// The data is valid until release is called.
func (l *loader) readEntry(src string, e entry, count bool) (data []byte, release func(), p Problem, ok bool) {
	bad := func(msg string) ([]byte, func(), Problem, bool) {
		return nil, nil, Problem{Source: src, Entry: e.name, Msg: msg}, false
	}
	if e.size > l.lim.RecordBytes {
		return bad(fmt.Sprintf("is %d bytes, over the %d bytes the gate reads per record", e.size, l.lim.RecordBytes))
	}
	rc, err := e.open()
	if err != nil {
		return bad("cannot be read: " + unwrap(err).Error())
	}
	var buf *bytes.Buffer
	if b, ok := recordBuffers.Get().(*bytes.Buffer); ok {
		buf = b
	} else {
		buf = new(bytes.Buffer)
	}
	release = func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			recordBuffers.Put(buf)
		}
	}
	buf.Grow(int(min(max(e.size, 512), l.lim.RecordBytes) + 1))
	_, err = buf.ReadFrom(io.LimitReader(rc, l.lim.RecordBytes+1))
	data = buf.Bytes()
	rc.Close()
	if count {
		if total := l.bytes.Add(int64(len(data))); total > l.lim.TotalBytes {
			release()
			return nil, nil, Problem{Source: src,
				Fatal: true,
				Msg: fmt.Sprintf("more than %d bytes of records (after decompression) over all --vuln-db sources: the rest "+
					"of this source was not read; is it a zip bomb?", l.lim.TotalBytes)}, false
		}
	}
	if err != nil {
		release()
		return bad("cannot be read: " + err.Error())
	}
	if int64(len(data)) > l.lim.RecordBytes {
		release()
		return bad(fmt.Sprintf("is over the %d bytes the gate reads per record (its header claimed %d)", l.lim.RecordBytes, e.size))
	}
	return data, release, Problem{}, true
}

// scanEntry reads one record and notes in st the names it mentions.
func (l *loader) scanEntry(src string, e entry, st *entryState) (Problem, bool) {
	data, release, p, ok := l.readEntry(src, e, true)
	if !ok {
		return p, false
	}
	defer release()
	l.read.Add(1)
	st.read = true
	st.names, ok = scanNames(data)
	if len(st.names) > MaxNamesPerRecord {
		st.names, st.read = nil, false
		return Problem{Source: src, Entry: e.name, Msg: fmt.Sprintf("names more than %d packages, the most the gate reads of "+
			"one record (a real record names a few): not read", MaxNamesPerRecord)}, false
	}
	st.always = !ok
	return Problem{}, true
}

// MaxNamesPerRecord bounds the distinct package names one record may name:
// osv.dev's records name a few, a hostile one millions.
const MaxNamesPerRecord = 1000

// decodeEntry reads, checks and keeps one record; ok is false with the
// problem when it cannot.
func (l *loader) decodeEntry(src string, e entry) (Problem, bool) {
	data, release, p, ok := l.readEntry(src, e, false)
	if !ok {
		return p, false
	}
	defer release()
	bad := func(msg string) (Problem, bool) { return Problem{Source: src, Entry: e.name, Msg: msg}, false }
	var head recordHead
	if err := json.Unmarshal(data, &head); err != nil {
		return bad("not an OSV record: " + jsonError(data, err))
	}
	if strings.TrimSpace(head.ID) == "" {
		return bad(`not an OSV record: no "id"`)
	}
	if head.Withdrawn != "" {
		l.withdrawn.Add(1)
		return Problem{}, true
	}
	if !head.wanted(l.want) {
		return Problem{}, true
	}
	rec, err := ParseRecord(data)
	if err != nil {
		return bad(err.Error())
	}
	l.keep(rec)
	return Problem{}, true
}

// keep adds rec, or replaces a record of the same id modified earlier.
func (l *loader) keep(rec *Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if have, dup := l.byID[rec.GetId()]; dup && !have.GetModified().AsTime().Before(rec.GetModified().AsTime()) {
		return
	}
	l.byID[rec.GetId()] = rec
}

func (l *loader) fatal(src, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.problems = append(l.problems, Problem{Source: src, Msg: msg, Fatal: true})
}

// scanNames returns every distinct "name" key's string value in data, at most
// MaxNamesPerRecord+1 of them. It scans bytes, so it also finds names
// outside affected[] (a credit's name): those records are then decoded and
// checked properly. ok is false when a value cannot be read (the record is
// then decoded whatever it names, so that the decoder reports it).
func scanNames(data []byte) (names []string, ok bool) {
	const key = `"name"`
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

// dirEntries lists the *.json files under dir, in path order.
func dirEntries(dir string) ([]entry, error) {
	var out []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".json") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, entry{name: filepath.ToSlash(rel), size: info.Size(), open: func() (io.ReadCloser, error) { return os.Open(p) }})
		return nil
	})
	return out, err
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

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
