package deps

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Ecosystems, spelled as purl types.
const (
	Golang = "golang"
	Npm    = "npm"
	Cargo  = "cargo"
	PyPI   = "pypi"
)

// Dependency is one dependency declared in a manifest, or locked in a
// lockfile's production closure.
type Dependency struct {
	Ecosystem string // Golang, Npm, Cargo or PyPI
	// Name as the ecosystem spells it: "github.com/x/y", "@scope/pkg", the
	// real crate name after a package = rename, the PyPI name as written.
	Name string
	// Version as declared or locked: "v1.2.3", "1.2.3", a Cargo requirement
	// "1.0", a pip specifier ">=2"; empty when none is given.
	Version string
	// Pinned reports that Version is one exact version; only pinned
	// versions are compared with the SBOM.
	Pinned bool
	// Condition is the platform condition the dependency is declared under
	// (a PEP 508 marker, a Cargo target cfg; "optional" for a lockfile
	// package reached only through optional dependencies); empty when
	// unconditional.
	Condition string
	// Dev marks a development- or build-only dependency; reported only with
	// Options.IncludeDev.
	Dev bool
	// Replace and ReplaceVersion are the module a go.mod replace directive
	// substitutes; ReplaceVersion is empty for a local directory.
	Replace        string
	ReplaceVersion string
	// Via is, for a transitive dependency read from a lockfile's production
	// closure, the direct dependency that brings it in; empty for a direct one.
	Via      string
	Manifest string // the file name the parser was given
	Line     int    // 1-based line in Manifest, 0 when unknown
}

// Options tunes which dependencies are reported.
type Options struct {
	// IncludeDev also reports npm devDependencies and Cargo dev- and
	// build-dependencies, with Dependency.Dev set.
	IncludeDev bool
}

// Result is what Find read in one folder.
type Result struct {
	Deps      []Dependency
	Manifests []string // slash paths of the files read, within the FS
}

// ParseError reports malformed manifest content.
type ParseError struct {
	File string
	Line int // 1-based, 0 when unknown
	Col  int // 1-based, 0 when unknown
	Msg  string
	Err  error // underlying error, if any
}

func (e *ParseError) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

func (e *ParseError) Unwrap() error { return e.Err }

func parseErr(file string, line int, format string, args ...any) *ParseError {
	return &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Reader reads a repository file of at most limit bytes (repo.Repo does, for
// the gate). A file that does not exist is an error matching fs.ErrNotExist;
// one over the limit, an error with a TooLarge() int64 method giving its size.
type Reader interface {
	ReadFile(path string, limit int64) ([]byte, error)
}

// MaxTotal bounds the bytes of dependency manifests one Budget reads, over
// every source folder: a cra.toml names up to a thousand of them.
const MaxTotal = 24 << 20

// Budget is a Reader that reads at most MaxTotal bytes through r in all.
// Past it, a manifest is an error saying the run's budget is spent.
type Budget struct {
	r    Reader
	used int64
}

// NewBudget returns a Budget over r.
func NewBudget(r Reader) *Budget { return &Budget{r: r} }

// ReadFile reads path within both limit and what is left of the budget.
func (b *Budget) ReadFile(path string, limit int64) ([]byte, error) {
	left := MaxTotal - b.used
	data, err := b.r.ReadFile(path, min(limit, left))
	var tl interface{ TooLarge() int64 }
	if errors.As(err, &tl) && left < limit && tl.TooLarge() <= limit {
		return nil, fmt.Errorf("%q was not read: with it the dependency manifests of this run would pass the %d MiB the gate reads in all", path, MaxTotal>>20)
	}
	b.used += int64(len(data))
	return data, err
}

// The largest manifest of each kind Find reads. A dependency manifest is
// written by whoever opens a pull request: the limits are well above real
// files (the largest lockfiles of big monorepos are a few MiB) and bound the
// time and memory their parse takes. A larger file is an error naming it and
// its limit; its dependencies are not compared.
const (
	MaxGoMod        = 1 << 20
	MaxPackageLock  = 16 << 20 // package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock
	MaxPackageJSON  = 1 << 20
	MaxCargoToml    = 1 << 20
	MaxCargoLock    = 4 << 20
	MaxRequirements = 1 << 20
)

// maxSize is the limit for a manifest's base name.
func maxSize(base string) int64 {
	switch base {
	case "go.mod":
		return MaxGoMod
	case "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock":
		return MaxPackageLock
	case "package.json":
		return MaxPackageJSON
	case "Cargo.toml":
		return MaxCargoToml
	case "Cargo.lock":
		return MaxCargoLock
	}
	return MaxRequirements
}

// Find reads the dependency manifests directly in dir, a slash path within
// the repository ("." for its root), with default Options.
func Find(r Reader, dir string) (Result, error) {
	return Options{}.Find(r, dir)
}

// Find reads go.mod, npm-shrinkwrap.json or package-lock.json (package.json
// beside a v1 lock or alone), Cargo.toml (with Cargo.lock) and
// requirements.txt directly in dir. Missing files are skipped. On errors it
// still returns what the other manifests gave, with the errors joined.
// Dependency.Manifest is the file's slash path within the repository. Each
// file is read once, within its limit (MaxGoMod, ...); a file that cannot be
// read is a *ParseError naming it.
func (o Options) Find(r Reader, dir string) (Result, error) {
	var res Result
	if dir == "" {
		dir = "."
	}
	dir = path.Clean(dir)
	if !fs.ValidPath(dir) {
		return res, fmt.Errorf("deps: invalid folder %q", dir)
	}
	var errs []error
	read := func(base string) (string, []byte, bool) {
		name := path.Join(dir, base)
		limit := maxSize(base)
		data, err := r.ReadFile(name, limit)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, readErr(name, limit, err))
			}
			return name, nil, false
		}
		res.Manifests = append(res.Manifests, name)
		return name, data, true
	}
	add := func(ds []Dependency, err error) {
		res.Deps = append(res.Deps, ds...)
		if err != nil {
			errs = append(errs, err)
		}
	}

	if name, data, ok := read("go.mod"); ok {
		add(ParseGoMod(name, data))
	}

	lockName, lockData, haveLock := read("npm-shrinkwrap.json")
	if !haveLock {
		lockName, lockData, haveLock = read("package-lock.json")
	}
	var lock *npmLock
	if haveLock {
		var err error
		if lock, err = decodeLock(lockName, lockData); err != nil {
			errs = append(errs, err)
		}
	}
	switch {
	case lock != nil && lock.Packages != nil:
		add(o.lockDeps(lock))
	case lock != nil:
		// A lockfileVersion 1 lock does not say which packages are direct:
		// package.json does.
		if pjName, pj, ok := read("package.json"); ok {
			add(o.lockV1WithPackageJSON(lock, pjName, pj))
		} else {
			add(o.lockDeps(lock))
		}
	case !haveLock:
		add(o.findPnpmOrYarn(r, dir, read))
	}

	if name, data, ok := read("Cargo.toml"); ok {
		lname, ldata, lok := read("Cargo.lock")
		if !lok {
			lname, ldata = "", nil
		}
		add(o.ParseCargo(name, data, lname, ldata))
	}

	if name, data, ok := read("requirements.txt"); ok {
		add(ParseRequirements(name, data))
	}
	return res, errors.Join(errs...)
}

// readErr describes a manifest that could not be read, without the path the
// reader puts first.
func readErr(name string, limit int64, err error) *ParseError {
	var tl interface{ TooLarge() int64 }
	if errors.As(err, &tl) {
		return &ParseError{File: name, Msg: fmt.Sprintf("is %d bytes, more than the %d MiB the gate reads of a %s; its dependencies were not "+
			"compared with the SBOM", tl.TooLarge(), limit>>20, path.Base(name)), Err: err}
	}
	msg := err.Error()
	if q := fmt.Sprintf("%q ", name); strings.HasPrefix(msg, q) {
		msg = strings.TrimPrefix(msg, q)
	}
	return &ParseError{File: name, Msg: msg, Err: err}
}

// lineCol converts a byte offset in data to a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	if off < 0 {
		return 0, 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
