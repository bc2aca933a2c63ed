// Package records reads a vulnerability database the operator gives the
// gate: a directory tree of JSON records, a .zip of them, or one record file
// (OSV records, NVD CVE records). It reads every record once, in parallel
// and within limits, letting the caller note what each mentions (a scan),
// then reads again only the records the caller picks, to decode them.
// Memory holds what the scan keeps and one record per worker in flight.
package records

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Limits bound what a Scan reads. The database is operator-given, not
// repository content, but a wrong path or a hostile archive must not exhaust
// the runner.
type Limits struct {
	// RecordBytes is the largest record read (a file, or a zip entry once
	// decompressed).
	RecordBytes int64
	// TotalBytes bounds the bytes read over all sources, after decompression.
	TotalBytes int64
	// Records bounds the record files and zip entries over all sources.
	Records int
}

// Or returns l with each unset (zero or negative) limit taken from def.
func (l Limits) Or(def Limits) Limits {
	if l.RecordBytes <= 0 {
		l.RecordBytes = def.RecordBytes
	}
	if l.TotalBytes <= 0 {
		l.TotalBytes = def.TotalBytes
	}
	if l.Records <= 0 {
		l.Records = def.Records
	}
	return l
}

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

// maxProblemsPerSource bounds the problems reported for one source; the rest are
// counted in a final problem.
const maxProblemsPerSource = 20

// Kind names a database for messages: what its records are, the flag that
// gives its sources.
type Kind struct {
	What string // "OSV records"
	Flag string // "--vuln-db"
}

// ScanFunc notes what one record mentions (package names, CPE products):
// keys; always when the record cannot be scanned and must be decoded
// whatever it names; a problem (non-empty) leaves the record unread.
type ScanFunc func(data []byte) (keys []string, always bool, problem string)

// Scan is a database being read: Start reads every record once in the
// background, so that the reading overlaps with the SBOMs' decoding.
type Scan struct {
	l       *loader
	done    chan struct{}
	sources []scannedSource
	read    atomic.Int64
}

type scannedSource struct {
	path    string
	entries []entry
	state   []entryState // what the scan made of each entry
	close   func()
}

type entryState struct {
	read   bool
	always bool
	keys   []string
}

// Start begins reading every source in parallel, one worker per CPU. Every
// byte is read once, within lim; records are not decoded yet.
func Start(sources []string, lim Limits, kind Kind, scan ScanFunc) *Scan {
	s := &Scan{l: &loader{lim: lim, kind: kind}, done: make(chan struct{})}
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
			s.l.readAll(src, len(ss.entries), func(k int) (Problem, bool) {
				data, release, p, ok := s.l.readEntry(src, ss.entries[k], true)
				if !ok {
					return p, false
				}
				defer release()
				s.read.Add(1)
				keys, always, msg := scan(data)
				if msg != "" {
					return Problem{Source: src, Entry: ss.entries[k].name, Msg: msg}, false
				}
				ss.state[k] = entryState{read: true, always: always, keys: keys}
				return Problem{}, true
			})
		}
	}()
	return s
}

// EachKey waits for the scan and gives every key it noted (once per record
// that noted it) to fn.
func (s *Scan) EachKey(fn func(string)) {
	<-s.done
	for _, ss := range s.sources {
		for _, st := range ss.state {
			for _, k := range st.keys {
				fn(k)
			}
		}
	}
}

// Read waits for the scan and returns the records it read.
func (s *Scan) Read() int {
	<-s.done
	return int(s.read.Load())
}

// Decode waits for the scan, then reads again every record for which pick
// returns true given the keys its scan noted (always-records are picked
// whatever they name), and gives its bytes to decode, which may report a
// problem (non-empty). It closes the sources: a Scan is decoded once. The
// problems are the scan's and the decoding's, by source.
func (s *Scan) Decode(pick func(keys []string) bool, decode func(data []byte) string) []Problem {
	<-s.done
	l := s.l
	defer func() {
		for _, ss := range s.sources {
			ss.close()
		}
	}()
	for _, ss := range s.sources {
		var picked []int
		for k := range ss.state {
			if st := &ss.state[k]; st.read && (st.always || pick(st.keys)) {
				picked = append(picked, k)
			}
		}
		l.readAll(ss.path, len(picked), func(k int) (Problem, bool) {
			e := ss.entries[picked[k]]
			data, release, p, ok := l.readEntry(ss.path, e, false)
			if !ok {
				return p, false
			}
			defer release()
			if msg := decode(data); msg != "" {
				return Problem{Source: ss.path, Entry: e.name, Msg: msg}, false
			}
			return Problem{}, true
		})
	}
	sort.SliceStable(l.problems, func(i, j int) bool { return l.problems[i].Source < l.problems[j].Source })
	return l.problems
}

// Opened is a database whose sources are being opened in the background
// (a zip read into memory, a directory listed), to be read in one pass by
// ReadAll once the caller knows what it wants.
type Opened struct {
	l       *loader
	done    chan struct{}
	sources []scannedSource
}

// Open starts opening the sources.
func Open(sources []string, lim Limits, kind Kind) *Opened {
	o := &Opened{l: &loader{lim: lim, kind: kind}, done: make(chan struct{})}
	go func() {
		defer close(o.done)
		for _, src := range sources {
			if ss, ok := o.l.open(src); ok {
				o.sources = append(o.sources, ss)
			}
		}
	}()
	return o
}

// ReadAll reads every record of the opened sources once, in parallel, and
// decodes those for which pick returns true given what scan noted (or that
// scan could not read): one pass, for a caller that knows what it wants
// before the reading starts. It returns the records read and the problems,
// and closes the sources.
func (o *Opened) ReadAll(scan ScanFunc, pick func(keys []string) bool, decode func(data []byte) string) (int, []Problem) {
	<-o.done
	l := o.l
	var read atomic.Int64
	for _, ss := range o.sources {
		src := ss.path
		l.readAll(src, len(ss.entries), func(k int) (Problem, bool) {
			e := ss.entries[k]
			data, release, p, ok := l.readEntry(src, e, true)
			if !ok {
				return p, false
			}
			defer release()
			read.Add(1)
			keys, always, msg := scan(data)
			if msg == "" && (always || pick(keys)) {
				msg = decode(data)
			}
			if msg != "" {
				return Problem{Source: src, Entry: e.name, Msg: msg}, false
			}
			return Problem{}, true
		})
		ss.close()
	}
	sort.SliceStable(l.problems, func(i, j int) bool { return l.problems[i].Source < l.problems[j].Source })
	return int(read.Load()), l.problems
}

// loader is the state of one Scan.
type loader struct {
	lim     Limits
	kind    Kind
	bytes   atomic.Int64 // read so far, all sources
	entries atomic.Int64 // record files and zip entries seen, all sources

	mu       sync.Mutex
	problems []Problem
}

// entry is one record file or zip entry to read.
type entry struct {
	name string
	size int64 // as the zip header states it; -1 for a file, whose size is read when it is opened
	open func() (io.ReadCloser, error)
	path string // a record file: read by readFile
}

// open lists one source's records, reporting why when it cannot.
func (l *loader) open(src string) (scannedSource, bool) {
	ss := scannedSource{path: src, close: func() {}}
	fi, err := os.Stat(src)
	if err != nil {
		l.fatal(src, "cannot be read: "+unwrap(err).Error()+": pass a directory of "+l.kind.What+", a .zip of them or a .json record")
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
		ss.entries = []entry{{name: filepath.Base(src), size: fi.Size(), path: src}}
	}
	if err != nil {
		l.fatal(src, "cannot be read: "+unwrap(err).Error())
		ss.close()
		return ss, false
	}
	if n := l.entries.Add(int64(len(ss.entries))); n > int64(l.lim.Records) {
		l.fatal(src, fmt.Sprintf("holds %d records; the gate reads at most %d over all %s sources", len(ss.entries), l.lim.Records, l.kind.Flag))
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
// database once, and only what its scan keeps outlives the read.
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
	var err error
	if e.path != "" {
		err = l.readFile(e.path, buf)
	} else {
		var rc io.ReadCloser
		if rc, err = e.open(); err != nil {
			release()
			return bad("cannot be read: " + unwrap(err).Error())
		}
		buf.Grow(int(min(max(e.size, 512), l.lim.RecordBytes) + 1))
		_, err = buf.ReadFrom(io.LimitReader(rc, l.lim.RecordBytes+1))
		rc.Close()
	}
	data = buf.Bytes()
	if count {
		if total := l.bytes.Add(int64(len(data))); total > l.lim.TotalBytes {
			release()
			return nil, nil, Problem{Source: src,
				Fatal: true,
				Msg: fmt.Sprintf("more than %d bytes of records (after decompression) over all %s sources: the rest "+
					"of this source was not read; is it a zip bomb?", l.lim.TotalBytes, l.kind.Flag)}, false
		}
	}
	if err != nil {
		release()
		return bad("cannot be read: " + err.Error())
	}
	if int64(len(data)) > l.lim.RecordBytes {
		release()
		if e.size < 0 {
			return bad(fmt.Sprintf("is over the %d bytes the gate reads per record", l.lim.RecordBytes))
		}
		return bad(fmt.Sprintf("is over the %d bytes the gate reads per record (its header claimed %d)", l.lim.RecordBytes, e.size))
	}
	return data, release, Problem{}, true
}

// readFile reads a record file into buf with four system calls (open,
// fstat, one read of the size it states, close): a database of 250,000
// files spends most of its time in them. A file that changed size between
// fstat and read is read as far as it states, and then fails to decode.
func (l *loader) readFile(path string, buf *bytes.Buffer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	size := fi.Size()
	if size > l.lim.RecordBytes {
		size = l.lim.RecordBytes + 1 // read past the limit: the caller reports it
	}
	buf.Grow(int(size))
	b := buf.AvailableBuffer()[:size]
	n, err := io.ReadFull(f, b)
	buf.Write(b[:n])
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil // shorter than stated: decoding says what is wrong
	}
	return err
}

func (l *loader) fatal(src, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.problems = append(l.problems, Problem{Source: src, Msg: msg, Fatal: true})
}

// dirEntries lists the *.json files under dir, in path order.
func dirEntries(dir string) ([]entry, error) {
	var out []entry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// The type is readdir's (no stat per file): links and special files
		// are skipped as before; the size is read when the file is opened.
		if d.IsDir() || !d.Type().IsRegular() || !strings.EqualFold(filepath.Ext(p), ".json") {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, entry{name: filepath.ToSlash(rel), size: -1, path: p})
		return nil
	})
	return out, err
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
