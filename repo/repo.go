// Package repo is the gate's only door to the repository's files. Paths named in
// cra.toml are relative to the repository root and must stay inside it after
// symbolic links are resolved: absolute paths, ".." escapes and links pointing
// outside are refused, so nothing outside the repository is ever read or printed.
// Reads are bounded.
package repo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Repo is a repository root on disk.
type Repo struct {
	root string // absolute, symlinks resolved
}

// Open checks that dir is a readable directory and returns it as a Repo.
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
	f, err := os.Open(real)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", dir, unwrapPathError(err))
	}
	f.Close()
	return &Repo{root: real}, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Root returns the repository's absolute path.
func (r *Repo) Root() string { return r.root }

// PathError says why a path named in cra.toml cannot be used.
type PathError struct {
	Path   string
	Reason string
	// Outside is true when the path is refused because it leaves the repository
	// (as opposed to simply not existing).
	Outside bool
	// Missing is true when the path is inside the repository but does not exist.
	Missing bool
}

func (e *PathError) Error() string { return fmt.Sprintf("%q %s", e.Path, e.Reason) }

// Clean validates a repository-relative path lexically and returns it in clean
// slash form ("docs/a.md"). It does not touch the disk.
func Clean(p string) (string, error) {
	switch {
	case strings.TrimSpace(p) == "":
		return "", &PathError{Path: p, Reason: "is empty"}
	case strings.ContainsRune(p, 0):
		return "", &PathError{Path: p, Reason: "contains a NUL byte", Outside: true}
	case strings.Contains(p, `\`):
		return "", &PathError{Path: p, Reason: `uses backslashes: write repository paths with forward slashes`, Outside: true}
	case path.IsAbs(p) || filepath.IsAbs(p) || (len(p) >= 2 && p[1] == ':'):
		return "", &PathError{Path: p, Reason: "is absolute: write it relative to the repository root", Outside: true}
	}
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", &PathError{Path: p, Reason: "leaves the repository: write it relative to the repository root, without ..", Outside: true}
	}
	return c, nil
}

// Resolve returns the absolute on-disk path of a repository-relative path after
// checking that it, and every symbolic link on the way, stays inside the
// repository. A path that does not exist is a *PathError with Missing set.
func (r *Repo) Resolve(p string) (string, error) {
	c, err := Clean(p)
	if err != nil {
		return "", err
	}
	joined := filepath.Join(r.root, filepath.FromSlash(c))
	real, err := filepath.EvalSymlinks(joined)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// A dangling link that points outside must still read as "outside".
			if target, lerr := r.linkEscapes(c); lerr == nil && target {
				return "", &PathError{Path: p, Reason: "is a symbolic link that points outside the repository", Outside: true}
			}
			return "", &PathError{Path: p, Reason: "does not exist in the repository", Missing: true}
		}
		return "", &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
	}
	if !r.inside(real) {
		return "", &PathError{Path: p, Reason: "is a symbolic link that points outside the repository", Outside: true}
	}
	return real, nil
}

// linkEscapes walks c component by component and reports whether a link on the
// way points outside the repository.
func (r *Repo) linkEscapes(c string) (bool, error) {
	cur := r.root
	for _, part := range strings.Split(c, "/") {
		next := filepath.Join(cur, part)
		fi, err := os.Lstat(next)
		if err != nil {
			return false, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(next)
			if err != nil {
				return false, err
			}
			if !filepath.IsAbs(target) {
				target = filepath.Join(cur, target)
			}
			if !r.inside(filepath.Clean(target)) {
				return true, nil
			}
			next = filepath.Clean(target)
		}
		cur = next
	}
	return false, nil
}

func (r *Repo) inside(abs string) bool {
	rel, err := filepath.Rel(r.root, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// Exists reports whether p names an existing file or folder inside the repository.
func (r *Repo) Exists(p string) bool {
	_, err := r.Resolve(p)
	return err == nil
}

// IsDir reports whether p names a folder inside the repository.
func (r *Repo) IsDir(p string) bool {
	abs, err := r.Resolve(p)
	if err != nil {
		return false
	}
	fi, err := os.Stat(abs)
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

// ReadFile reads a repository file of at most limit bytes.
func (r *Repo) ReadFile(p string, limit int64) ([]byte, error) {
	abs, err := r.Resolve(p)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, &PathError{Path: p, Reason: "cannot be read: " + unwrapPathError(err).Error()}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, &PathError{Path: p, Reason: "is a folder, not a file"}
	}
	if !fi.Mode().IsRegular() {
		return nil, &PathError{Path: p, Reason: "is not a regular file"}
	}
	if fi.Size() > limit {
		return nil, &TooLargeError{Path: p, Size: fi.Size(), Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &PathError{Path: p, Reason: "cannot be read: " + err.Error()}
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: p, Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}

// FS returns a read-only fs.FS of the repository that applies the same boundary:
// opening a path that leaves the repository, directly or through a link, fails.
func (r *Repo) FS() fs.FS { return repoFS{r} }

type repoFS struct{ r *Repo }

func (f repoFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	abs, err := f.r.Resolve(name)
	if err != nil {
		var pe *PathError
		if errors.As(err, &pe) && pe.Missing {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return os.Open(abs)
}
