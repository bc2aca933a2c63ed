package checks

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/cra-gate/cra-gate/internal/repo"
)

// ref is a value from cra.toml that names a repository path or, where allowed, an
// https URL.
type ref struct {
	value string
	url   bool   // an https URL, accepted as given
	path  string // clean repository-relative path, when not a URL
	real  string // path with its symbolic links resolved: the file's one name
	err   error  // why the path cannot be used (outside, invalid or missing)
}

// missing reports whether the value is a well-formed repository path that does
// not exist (the owning check reports that with its own rule).
func (r ref) missing() bool {
	var pe *repo.PathError
	return errors.As(r.err, &pe) && pe.Missing
}

// refused reports whether the path was refused as unsafe or malformed. The
// manifest check reports why (manifest-path); the check the value serves
// counts it as absent too (an SBOM that may not be read is no SBOM), in
// words from refusal.
func (r ref) refused() bool { return r.err != nil && !r.missing() }

// refusal says, for the check a refused value serves, that it was not read
// and why in a word: `"../x.json" was not read: it leaves the repository (see
// manifest-path)`.
func (r ref) refusal() string {
	why := r.err.Error()
	var pe *repo.PathError
	if errors.As(r.err, &pe) {
		why, _, _ = strings.Cut(pe.Reason, ":")
		why = "it " + why
	}
	return fmt.Sprintf("%q was not read: %s (see manifest-path)", r.value, why)
}

// resolve checks a path value from cra.toml, with or without URL support.
func (c *run) resolve(value string, urlOK bool) ref {
	key := value
	if urlOK {
		key = "url:" + value
	}
	if r, ok := c.refs[key]; ok {
		return r
	}
	r := ref{value: value}
	lower := strings.ToLower(value)
	switch {
	case strings.HasPrefix(lower, "https://"):
		if urlOK && len(value) > len("https://") {
			r.url = true
		} else if urlOK {
			r.err = &repo.PathError{Path: value, Reason: "is not a complete https URL"}
		} else {
			r.err = &repo.PathError{Path: value, Reason: "must be a path in the repository, not a URL"}
		}
	case strings.HasPrefix(lower, "http://"):
		r.err = &repo.PathError{Path: value, Reason: "uses http: link to an https URL instead (or a file in the repository)"}
	case strings.Contains(value, "://"):
		reason := "is a URL of a kind the gate does not accept: use a repository path"
		if urlOK {
			reason += " or an https URL"
		}
		r.err = &repo.PathError{Path: value, Reason: reason}
	default:
		r.path, r.err = repo.Clean(value)
		if r.err == nil {
			r.real, r.err = c.repo.Resolve(r.path)
		}
	}
	c.refs[key] = r
	return r
}

// rootHint says, for a path from a cra.toml in a subfolder that does not
// exist but does relative to that folder, which path was meant: paths in
// cra.toml are relative to the repository root, and a monorepo's products
// are often written as if they were relative to their own folder.
func (c *run) rootHint(p string) string {
	if c.m == nil || strings.Contains(p, "://") {
		return ""
	}
	dir := path.Dir(c.m.File)
	if dir == "." || dir == "" {
		return ""
	}
	guess, err := repo.Clean(path.Join(dir, p))
	if err != nil || !c.repo.Exists(guess) {
		return ""
	}
	return fmt.Sprintf("; did you mean %q? Paths in %s are relative to the repository root, not to %s/", guess, c.m.File, dir)
}
