// Package repo is the gate's only door to the repository's files. Every read
// of a file the repository holds (cra.toml, SBOMs, policies, security.txt,
// dependency manifests, documents) goes through it, and on a pull request
// every one of those bytes is written by whoever opened it. So the door:
//
//   - is confined: the repository is opened as an os.Root, paths named in
//     cra.toml are relative to it, and absolute paths, ".." escapes and
//     symbolic links that point outside are refused; nothing outside is read
//     or printed;
//   - keeps out of .git: a path with a segment ".git" (in any case, and the
//     Windows spellings ".git." and "git~1") is refused, and symbolic links
//     are resolved here, one segment at a time, so that none leads into it:
//     the checkout's credentials live in .git/config;
//   - never blocks: a FIFO, socket, device or folder where a file belongs is
//     refused from its lstat, before any open; the open itself is
//     non-blocking, and the opened file must be the regular file that was
//     checked (same device and inode), so a file swapped after the check is
//     refused too;
//   - refuses hard links: a regular file with more than one link may be a
//     second name of a file outside the repository, which no path check can
//     tell apart from the original;
//   - is bounded: every read names its limit, and a larger file is an error
//     that says so;
//   - speaks in repository paths: no error carries an absolute host path.
package repo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Limits of paths named in cra.toml.
const (
	// MaxPathLen bounds a repository path, in bytes.
	MaxPathLen = 1024
	// MaxSegments bounds the segments of a path, symbolic links expanded.
	MaxSegments = 64
	// maxLinks bounds the symbolic links followed while resolving one path.
	maxLinks = 40
)

// Repo is a repository root on disk.
type Repo struct {
	root *os.Root
	abs  string // absolute path with symbolic links resolved; only to map absolute link targets
}

// Open checks that dir is a readable directory and opens it as a Repo. dir is
// the operator's (a flag, the Action's path input), not the repository's.
func Open(dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", dir, unwrapPathError(err))
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", dir, unwrapPathError(err))
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("repository %s is not a directory", dir)
	}
	root, err := os.OpenRoot(real)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", dir, unwrapPathError(err))
	}
	return &Repo{root: root, abs: real}, nil
}

// Close releases the repository's directory handle.
func (r *Repo) Close() error { return r.root.Close() }

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// PathError says why a path named in cra.toml cannot be used. Path is the
// path as written, relative to the repository.
type PathError struct {
	Path   string
	Reason string
	// Refused is true when the path is refused as unsafe: it leaves the
	// repository, enters .git, or names something that is not a regular
	// file where one belongs (as opposed to simply not existing).
	Refused bool
	// Missing is true when the path is inside the repository but does not exist.
	Missing bool
	// Exists is true when CreateNew finds the path taken.
	Exists bool
	// tooMany is set when a folder holds more entries than a walk may list.
	tooMany bool
}

func (e *PathError) Error() string { return fmt.Sprintf("%q %s", e.Path, e.Reason) }

// Is makes a missing path match fs.ErrNotExist, a taken one fs.ErrExist.
func (e *PathError) Is(target error) bool {
	return target == fs.ErrNotExist && e.Missing || target == fs.ErrExist && e.Exists
}

// IsGitSegment reports whether a path segment names git's metadata folder, as
// any file system the repository may be checked out on would read it: ".git"
// in any case, with trailing dots or spaces (Windows drops them), or its
// 8.3 short name "git~1".
func IsGitSegment(seg string) bool {
	s := strings.TrimRight(seg, ". ")
	return strings.EqualFold(s, ".git") || strings.EqualFold(seg, "git~1")
}

const gitReason = "is inside .git: the gate never reads git's metadata (it holds the checkout's credentials); name a file of the working tree"

// Clean validates a repository-relative path lexically and returns it in clean
// slash form ("docs/a.md"). It does not touch the disk.
func Clean(p string) (string, error) {
	switch {
	case strings.TrimSpace(p) == "":
		return "", &PathError{Path: p, Reason: "is empty"}
	case len(p) > MaxPathLen:
		return "", &PathError{Path: p[:64] + "…", Reason: fmt.Sprintf("is %d bytes long; repository paths are at most %d", len(p), MaxPathLen), Refused: true}
	case strings.ContainsRune(p, 0):
		return "", &PathError{Path: p, Reason: "contains a NUL byte", Refused: true}
	case strings.Contains(p, `\`):
		return "", &PathError{Path: p, Reason: `uses backslashes: write repository paths with forward slashes`, Refused: true}
	case path.IsAbs(p) || filepath.IsAbs(p) || (len(p) >= 2 && p[1] == ':'):
		return "", &PathError{Path: p, Reason: "is absolute: write it relative to the repository root", Refused: true}
	}
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", &PathError{Path: p, Reason: "leaves the repository: write it relative to the repository root, without ..", Refused: true}
	}
	segs := strings.Split(c, "/")
	if len(segs) > MaxSegments {
		return "", &PathError{Path: p, Reason: fmt.Sprintf("has %d segments; repository paths have at most %d", len(segs), MaxSegments), Refused: true}
	}
	for _, s := range segs {
		if IsGitSegment(s) {
			return "", &PathError{Path: p, Reason: gitReason, Refused: true}
		}
	}
	return c, nil
}

// Resolve checks a repository-relative path and returns it with every
// symbolic link on the way resolved ("docs/SECURITY.md" for a SECURITY.md that
// links there). A path that does not exist is a *PathError with Missing set;
// one that leaves the repository or enters .git, with Refused set.
func (r *Repo) Resolve(p string) (string, error) {
	real, _, err := r.resolve(p)
	return real, err
}

// resolve does Resolve's work and returns the lstat of what the path names.
func (r *Repo) resolve(p string) (string, fs.FileInfo, error) {
	c, err := Clean(p)
	if err != nil {
		return "", nil, err
	}
	if c == "." {
		fi, err := r.root.Stat(".")
		if err != nil {
			return "", nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
		}
		return ".", fi, nil
	}
	todo := strings.Split(c, "/")
	var done []string
	var fi fs.FileInfo
	links := 0
	for steps := 0; len(todo) > 0; steps++ {
		if steps > 4*MaxSegments || len(done)+len(todo) > MaxSegments {
			return "", nil, &PathError{Path: p, Reason: "resolves to a path too long or too deep to follow", Refused: true}
		}
		seg := todo[0]
		todo = todo[1:]
		switch {
		case seg == "." || seg == "":
			continue
		case seg == "..":
			if len(done) == 0 {
				return "", nil, &PathError{Path: p, Reason: "is a symbolic link that points outside the repository", Refused: true}
			}
			done = done[:len(done)-1]
			continue
		case IsGitSegment(seg):
			reason := gitReason
			if links > 0 {
				reason = "is a symbolic link into .git: the gate never reads git's metadata (it holds the checkout's credentials); name a file of the working tree"
			}
			return "", nil, &PathError{Path: p, Reason: reason, Refused: true}
		}
		cur := strings.Join(append(done, seg), "/")
		fi, err = r.root.Lstat(filepath.FromSlash(cur))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", nil, &PathError{Path: p, Reason: "does not exist in the repository", Missing: true}
			}
			return "", nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if len(todo) > 0 && !fi.IsDir() {
				return "", nil, &PathError{Path: p, Reason: "does not exist in the repository (" + cur + " is not a folder)", Missing: true}
			}
			done = append(done, seg)
			continue
		}
		if links++; links > maxLinks {
			return "", nil, &PathError{Path: p, Reason: fmt.Sprintf("goes through more than %d symbolic links", maxLinks), Refused: true}
		}
		target, err := r.root.Readlink(filepath.FromSlash(cur))
		if err != nil {
			return "", nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
		}
		if filepath.IsAbs(target) {
			rel, err := filepath.Rel(r.abs, target)
			if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return "", nil, &PathError{Path: p, Reason: "is a symbolic link that points outside the repository", Refused: true}
			}
			target, done = rel, nil
		}
		todo = append(strings.Split(filepath.ToSlash(target), "/"), todo...)
	}
	if len(done) == 0 { // a link to the repository's root
		if fi, err = r.root.Stat("."); err != nil {
			return "", nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
		}
		return ".", fi, nil
	}
	return strings.Join(done, "/"), fi, nil
}

// Exists reports whether p names an existing file or folder inside the repository.
func (r *Repo) Exists(p string) bool {
	_, _, err := r.resolve(p)
	return err == nil
}

// IsDir reports whether p names a folder inside the repository.
func (r *Repo) IsDir(p string) bool {
	_, fi, err := r.resolve(p)
	return err == nil && fi.IsDir()
}

// TooLargeError is returned when a file is bigger than the limit a read allows.
type TooLargeError struct {
	Path  string
	Size  int64
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %d bytes, more than the %d allowed", e.Path, e.Size, e.Limit)
}

// TooLarge returns the file's size, for callers that describe the error in
// their own words.
func (e *TooLargeError) TooLarge() int64 { return e.Size }

// ReadFile reads a repository file of at most limit bytes.
func (r *Repo) ReadFile(p string, limit int64) ([]byte, error) {
	f, fi, err := r.open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, &TooLargeError{Path: p, Size: fi.Size(), Limit: limit}
	}
	data, err := readAtMost(f, fi.Size(), limit)
	if err != nil {
		return nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: p, Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}

// readAtMost reads r to its end or to limit+1 bytes, into one buffer of the
// size the file has (plus a byte to see it did not grow): io.ReadAll's
// doubling would copy a large SBOM several times and hold up to twice its
// size.
func readAtMost(r io.Reader, size, limit int64) ([]byte, error) {
	buf := make([]byte, 0, min(size, limit)+1)
	for int64(len(buf)) <= limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the file grew: let append choose
		}
		n, err := r.Read(buf[len(buf):min(int64(cap(buf)), limit+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// ReadEnds reads at most n bytes from the start of a repository file and, when
// the file is longer than that, at most n bytes from its end (tail is nil
// otherwise), without reading what lies between: enough to tell what a file
// is without reading a large one whole. size is the file's size.
func (r *Repo) ReadEnds(p string, n int) (head, tail []byte, size int64, err error) {
	f, fi, err := r.open(p)
	if err != nil {
		return nil, nil, 0, err
	}
	defer f.Close()
	size = fi.Size()
	head, err = readAt(f, 0, int(min(size, int64(n))))
	if err != nil {
		return nil, nil, 0, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
	}
	if size > int64(n) {
		off := max(size-int64(n), int64(n))
		if tail, err = readAt(f, off, int(size-off)); err != nil {
			return nil, nil, 0, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
		}
	}
	return head, tail, size, nil
}

// readAt reads up to n bytes at off; a file that shrank since its stat yields
// what is left.
func readAt(f *os.File, off int64, n int) ([]byte, error) {
	buf := make([]byte, n)
	got, err := f.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf[:got], nil
}

// open checks p and opens it for reading: a regular file with a single link,
// and the very file that was checked.
func (r *Repo) open(p string) (*os.File, fs.FileInfo, error) {
	real, fi, err := r.resolve(p)
	if err != nil {
		return nil, nil, err
	}
	if err := regular(p, fi); err != nil {
		return nil, nil, err
	}
	beforeOpen(real)
	f, err := r.root.OpenFile(filepath.FromSlash(real), openFlags, 0)
	if err != nil {
		return nil, nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
	}
	ofi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
	}
	if !ofi.Mode().IsRegular() || !os.SameFile(fi, ofi) {
		f.Close()
		return nil, nil, &PathError{Path: p, Reason: "changed while the gate was reading it (it is no longer the file that was checked)", Refused: true}
	}
	return f, ofi, nil
}

// CreateNew writes data to p, a file that must not exist yet: it never
// overwrites (a symbolic link at p, even a dangling one, counts as an
// existing file, and the create is exclusive, so a file appearing meanwhile is
// not overwritten either), never writes outside the repository or into .git,
// and needs the folder holding p to exist. An existing p is an error matching
// fs.ErrExist.
func (r *Repo) CreateNew(p string, data []byte, perm fs.FileMode) error {
	c, err := Clean(p)
	if err != nil {
		return err
	}
	if c == "." {
		return &PathError{Path: p, Reason: "is the repository itself, not a file", Refused: true}
	}
	dir, fi, err := r.resolve(path.Dir(c))
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return &PathError{Path: p, Reason: "cannot be created: " + path.Dir(c) + " is not a folder"}
	}
	target := path.Join(dir, path.Base(c))
	f, err := r.root.OpenFile(filepath.FromSlash(target), os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &PathError{Path: p, Reason: "exists already", Exists: true}
		}
		return &PathError{Path: p, Reason: "cannot be created: " + unwrapPathError(err).Error()}
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		r.root.Remove(filepath.FromSlash(target)) // the file this call created, never another
		return &PathError{Path: p, Reason: "cannot be written: " + unwrapPathError(werr).Error()}
	}
	return nil
}

// beforeOpen runs between the checks and the open; tests swap files there.
var beforeOpen = func(string) {}

// regular refuses what is not a regular file with a single link.
func regular(p string, fi fs.FileInfo) error {
	m := fi.Mode()
	switch {
	case m.IsDir():
		return &PathError{Path: p, Reason: "is a folder, not a file"}
	case m&fs.ModeNamedPipe != 0:
		return &PathError{Path: p, Reason: "is a FIFO (named pipe), not a regular file: the gate does not read it", Refused: true}
	case m&fs.ModeSocket != 0:
		return &PathError{Path: p, Reason: "is a socket, not a regular file: the gate does not read it", Refused: true}
	case m&fs.ModeDevice != 0:
		return &PathError{Path: p, Reason: "is a device, not a regular file: the gate does not read it", Refused: true}
	case !m.IsRegular():
		return &PathError{Path: p, Reason: "is not a regular file: the gate does not read it", Refused: true}
	}
	if n := hardLinks(fi); n > 1 {
		return &PathError{Path: p, Reason: fmt.Sprintf("has %d hard links: a second name for a file may point outside the repository, so the gate "+
			"reads only files with one; copy the file instead of linking it", n), Refused: true}
	}
	return nil
}

// ReadDir lists the folder p, without entries named like .git, refusing a
// folder of more than max entries.
func (r *Repo) ReadDir(p string, max int) ([]fs.DirEntry, error) {
	real, fi, err := r.resolve(p)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &PathError{Path: p, Reason: "is not a folder"}
	}
	f, err := r.root.Open(filepath.FromSlash(real))
	if err != nil {
		return nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
	}
	defer f.Close()
	entries, err := f.ReadDir(max + 1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
	}
	if len(entries) > max {
		return nil, &PathError{Path: p, Reason: fmt.Sprintf("holds more than %d entries, more than the gate lists", max), Refused: true, tooMany: true}
	}
	out := entries[:0]
	for _, e := range entries {
		if !IsGitSegment(e.Name()) {
			out = append(out, e)
		}
	}
	return out, nil
}

// Limits of Glob.
const (
	// MaxGlobEntries bounds the directory entries Glob looks at.
	MaxGlobEntries = 100000
	// MaxGlobMatches bounds the files one pattern may name.
	MaxGlobMatches = 1000
	// maxGlobDepth bounds how deep "**" descends.
	maxGlobDepth = 32
)

// GateDir is the gate's own folder in a workspace: the Action's report
// and the base checkout it compares with (.cra-gate/base) live there. No
// walk enters it, so that the base's files never count as the change's.
const GateDir = ".cra-gate"

// Glob returns the repository files that pattern names, sorted: a path
// ("cra.toml") is returned as it is, a pattern with * ? [ or { is matched
// (doublestar syntax: "*/cra.toml", "**/cra.toml", "products/{a,b}/cra.toml")
// against every file found by walking the repository through this door. The
// walk starts at the pattern's literal prefix, never enters .git,
// node_modules, the gate's own folder (GateDir) or a symbolic link to a
// folder, descends only as deep as the pattern can match (32 folders for "**"), and stops with an error past
// MaxGlobEntries entries or MaxGlobMatches matches.
func (r *Repo) Glob(pattern string) ([]string, error) {
	if !strings.ContainsAny(pattern, "*?[{") {
		c, err := Clean(pattern)
		if err != nil {
			return nil, err
		}
		return []string{c}, nil
	}
	if _, err := Clean(pattern); err != nil {
		return nil, err
	}
	if !doublestar.ValidatePattern(pattern) {
		return nil, &PathError{Path: pattern, Reason: "is not a valid pattern (use *, ** and {a,b}, as in **/cra.toml)"}
	}
	base, _ := doublestar.SplitPattern(pattern)
	depth := maxGlobDepth
	if !strings.Contains(pattern, "**") {
		depth = strings.Count(pattern, "/") - strings.Count(base, "/")
		if base == "." {
			depth = strings.Count(pattern, "/") + 1
		}
	}
	var matches []string
	var tooMany error
	err := r.walk(base, depth, MaxGlobEntries, nil, func(rel string, _ bool) error {
		if ok, _ := doublestar.Match(pattern, rel); ok {
			if len(matches) == MaxGlobMatches {
				tooMany = &PathError{Path: pattern, Reason: fmt.Sprintf("names more than %d files", MaxGlobMatches), Refused: true}
				return tooMany
			}
			matches = append(matches, rel)
		}
		return nil
	})
	switch {
	case tooMany != nil:
		return nil, tooMany
	case err != nil:
		return nil, fmt.Errorf("walking for %q: %w", pattern, err)
	}
	sort.Strings(matches)
	return matches, nil
}

// Walk returns the files under dir (regular files, and symbolic links that do
// not lead to a folder: reading them resolves them through this door),
// sorted. It walks as Glob does: never
// into .git, node_modules, GateDir, a symbolic link to a folder, or a folder for which
// skip (given the folder's repository path and name) returns true; at most 32
// folders deep and MaxGlobEntries entries in all. Past that bound it stops
// and returns the files found so far with truncated set: a folder too large
// to list is left out, not an error.
func (r *Repo) Walk(dir string, skip func(path, name string) bool) (files []string, truncated bool, err error) {
	return r.walkFiles(dir, skip, MaxGlobEntries)
}

// walkFiles is Walk with a bound of maxEntries entries.
func (r *Repo) walkFiles(dir string, skip func(path, name string) bool, maxEntries int) (files []string, truncated bool, err error) {
	err = r.walk(dir, maxGlobDepth, maxEntries, skip, func(rel string, link bool) error {
		if !link || !r.IsDir(rel) {
			files = append(files, rel)
		}
		return nil
	})
	var pe *PathError
	if errors.As(err, &pe) && pe.tooMany {
		truncated, err = true, nil
	}
	sort.Strings(files)
	return files, truncated, err
}

// walk visits the files under base, breadth first, each folder's entries in
// name order, descending depth folders at most. A missing base visits nothing.
// It stops at the first error visit returns, or when the entries seen would
// pass maxEntries (a *PathError with tooMany set).
func (r *Repo) walk(base string, depth, maxEntries int, skip func(path, name string) bool, visit func(rel string, link bool) error) error {
	type dir struct {
		path  string
		depth int
	}
	queue := []dir{{base, 0}}
	seen := 0
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		entries, err := r.ReadDir(d.path, maxEntries-seen)
		if err != nil {
			var pe *PathError
			if errors.As(err, &pe) && pe.Missing && d.path == base {
				return nil // nothing under a folder that does not exist
			}
			return err
		}
		seen += len(entries)
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			rel := e.Name()
			if d.path != "." {
				rel = d.path + "/" + e.Name()
			}
			switch {
			case e.IsDir():
				if d.depth+1 < depth && e.Name() != "node_modules" && e.Name() != GateDir && (skip == nil || !skip(rel, e.Name())) {
					queue = append(queue, dir{rel, d.depth + 1})
				}
			case e.Type().IsRegular() || e.Type()&fs.ModeSymlink != 0:
				if err := visit(rel, e.Type()&fs.ModeSymlink != 0); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Rel returns an operator's path (a flag's value) relative to the repository
// root, with forward slashes, when it lies inside the repository; ok is false
// otherwise. It reads nothing but the path's own links, and is for display.
func (r *Repo) Rel(p string) (rel string, ok bool) {
	if r == nil {
		return "", false
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", false
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	rel, err = filepath.Rel(r.abs, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// Confined returns the absolute path, symbolic links resolved, of p (an
// operator's path: absolute, or relative to the working directory) when it
// lies inside the repository: p then reaches what it names only through the
// repository, link by link, and must be a regular file or a folder, as every
// read of a repository file must. A path outside the repository is returned
// as it is, with inside false: it is the operator's own. A path inside that
// does not exist is returned in full, for its reader to report.
func (r *Repo) Confined(p string) (abs string, inside bool, err error) {
	full, err := filepath.Abs(p)
	if err != nil {
		return "", false, err
	}
	rel, err := filepath.Rel(r.abs, full)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		// Through a link to the repository's folder, the path is still inside.
		real, lerr := filepath.EvalSymlinks(filepath.Dir(full))
		if lerr != nil {
			return p, false, nil
		}
		if rel, err = filepath.Rel(r.abs, filepath.Join(real, filepath.Base(full))); err != nil ||
			rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return p, false, nil
		}
	}
	real, fi, err := r.resolve(filepath.ToSlash(rel))
	var pe *PathError
	if errors.As(err, &pe) && pe.Missing {
		return filepath.Join(r.abs, rel), true, nil // its reader says it is missing
	}
	if err != nil {
		return "", true, err
	}
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return "", true, &PathError{Path: p, Reason: "is not a regular file or a folder (" + fi.Mode().Type().String() + ")", Refused: true}
	}
	return filepath.Join(r.abs, filepath.FromSlash(real)), true, nil
}

// Root is the repository's absolute path, symbolic links resolved.
func (r *Repo) Root() string { return r.abs }
