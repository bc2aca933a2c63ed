package deps

import (
	"net/url"
	"strings"
)

// Component is an SBOM component as matching needs it.
type Component struct {
	Name    string
	Version string
	Purl    string
	// Group is the CycloneDX group (an npm scope such as "@angular"); it
	// prefixes Name, with a slash, when the component is matched by name.
	Group string
}

// Mismatch is a dependency the SBOM lists at other versions only.
type Mismatch struct {
	Dependency
	// SBOMVersions holds the first MaxListedVersions distinct versions listed
	// under its name, in SBOM order; SBOMVersionCount counts them all.
	SBOMVersions     []string
	SBOMVersionCount int
}

// MaxListedVersions bounds Mismatch.SBOMVersions, so that a name listed at
// thousands of versions costs its count, not a copy per dependency.
const MaxListedVersions = 5

// Drift is how the SBOM disagrees with the declared dependencies.
type Drift struct {
	Missing    []Dependency // declared, absent from the SBOM
	Mismatched []Mismatch   // declared at a pinned version the SBOM does not list
}

// Match reports the dependencies the components do not list, and those
// listed only at other versions, in the order of deps. It runs in
// O(len(deps)+len(comps)).
func Match(deps []Dependency, comps []Component) Drift {
	ecos := map[string]bool{}
	for _, d := range deps {
		ecos[d.Ecosystem] = true
	}
	idx := buildIndex(comps, ecos)

	type status int
	const (
		ok status = iota
		missing
		mismatched
	)
	st := make([]status, len(deps))
	found := make([][]*entry, len(deps))
	satisfied := map[string]bool{} // manifest, ecosystem, name of pins found
	for i, d := range deps {
		hits := idx.lookup(d.Ecosystem, d.Name)
		if d.Replace != "" {
			hits = append(hits, idx.lookup(d.Ecosystem, d.Replace)...)
		}
		switch {
		case len(hits) == 0:
			st[i] = missing
		case !d.Pinned || d.Version == "":
		case hasVersion(hits, d):
			satisfied[groupKey(d)] = true
		default:
			st[i], found[i] = mismatched, hits
		}
	}

	var dr Drift
	for i, d := range deps {
		switch st[i] {
		case missing:
			dr.Missing = append(dr.Missing, d)
		case mismatched:
			if d.Condition != "" && satisfied[groupKey(d)] {
				continue
			}
			dr.Mismatched = append(dr.Mismatched, mismatch(d, found[i]))
		}
	}
	return dr
}

// mismatch lists the versions the hits give d: the first MaxListedVersions
// and the count. A dependency has one hit, or two (the module and its
// replacement): the count adds up their distinct versions.
func mismatch(d Dependency, hits []*entry) Mismatch {
	m := Mismatch{Dependency: d}
	seen := map[string]bool{}
	for i, e := range hits {
		if i > 0 && e == hits[0] {
			continue // the replacement is the module itself
		}
		m.SBOMVersionCount += len(e.list)
		for _, v := range e.list {
			if len(m.SBOMVersions) == MaxListedVersions {
				break
			}
			if !seen[v] {
				seen[v] = true
				m.SBOMVersions = append(m.SBOMVersions, v)
			}
		}
	}
	return m
}

func groupKey(d Dependency) string {
	return d.Manifest + "\x00" + d.Ecosystem + "\x00" + normName(d.Ecosystem, d.Name)
}

// hasVersion reports whether any hit lists d's version (or its replacement
// version), or lists no version at all, which cannot contradict it.
func hasVersion(hits []*entry, d Dependency) bool {
	want := normVersion(d.Ecosystem, d.Version)
	alt := ""
	if d.ReplaceVersion != "" {
		alt = normVersion(d.Ecosystem, d.ReplaceVersion)
	}
	for _, e := range hits {
		if e.unversioned || e.has(want) || alt != "" && e.has(alt) {
			return true
		}
	}
	return false
}

// entry gathers the components indexed under one key.
type entry struct {
	norm        []string            // distinct normalised versions
	list        []string            // the same versions as written
	set         map[string]struct{} // norm as a set, once it is long
	unversioned bool
}

func (e *entry) has(nv string) bool {
	if e.set != nil {
		_, ok := e.set[nv]
		return ok
	}
	for _, v := range e.norm {
		if v == nv {
			return true
		}
	}
	return false
}

func (e *entry) addVersion(raw, nv string) {
	if e.has(nv) {
		return
	}
	e.norm = append(e.norm, nv)
	e.list = append(e.list, raw)
	if e.set != nil {
		e.set[nv] = struct{}{}
	} else if len(e.norm) > 8 {
		e.set = make(map[string]struct{}, 2*len(e.norm))
		for _, v := range e.norm {
			e.set[v] = struct{}{}
		}
	}
}

type index struct {
	exact map[string]*entry // ecosystem NUL normalised name
	fold  map[string]*entry // golang: ecosystem NUL lowercased path
}

func buildIndex(comps []Component, ecos map[string]bool) *index {
	idx := &index{exact: make(map[string]*entry, len(comps)), fold: map[string]*entry{}}
	for _, c := range comps {
		if p, ok := parsePurl(c.Purl); ok {
			if !ecos[p.typ] {
				continue
			}
			v := p.version
			if v == "" {
				v = c.Version
			}
			idx.add(p.typ, p.name, v)
			continue
		}
		if strings.TrimSpace(c.Name) == "" {
			continue
		}
		name := c.Name
		if c.Group != "" {
			name = strings.TrimSuffix(c.Group, "/") + "/" + name
		}
		for eco := range ecos {
			idx.add(eco, name, c.Version)
		}
	}
	return idx
}

func (idx *index) add(eco, name, version string) {
	version = strings.TrimSpace(version)
	nv := normVersion(eco, version)
	put := func(m map[string]*entry, key string) {
		e := m[key]
		if e == nil {
			e = &entry{}
			m[key] = e
		}
		if version == "" {
			e.unversioned = true
		} else {
			e.addVersion(version, nv)
		}
	}
	put(idx.exact, eco+"\x00"+normName(eco, name))
	if eco == Golang {
		put(idx.fold, eco+"\x00"+strings.ToLower(name))
	}
}

// lookup returns the entry for a name: exact, else for Go case-folded.
func (idx *index) lookup(eco, name string) []*entry {
	if e := idx.exact[eco+"\x00"+normName(eco, name)]; e != nil {
		return []*entry{e}
	}
	if eco == Golang {
		if e := idx.fold[eco+"\x00"+strings.ToLower(name)]; e != nil {
			return []*entry{e}
		}
	}
	return nil
}

// normName normalises a package name as its ecosystem compares names.
func normName(eco, name string) string {
	name = strings.TrimSpace(name)
	switch eco {
	case Npm:
		return strings.ToLower(name)
	case PyPI:
		return PEP503(name)
	case Cargo:
		return cargoNorm(name)
	}
	return name
}

// cargoNorm lowercases a crate name and treats "_" as "-".
func cargoNorm(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), "_", "-")
}

// PEP503 normalises a PyPI project name as PEP 503 does,
// re.sub(r"[-_.]+", "-", name).lower(): lowercased, each run of -, _ and .
// one -. The vulns check keys OSV records with it too.
func PEP503(name string) string {
	clean := true
	for i := 0; i < len(name); i++ {
		if c := name[i]; c == '_' || c == '.' || (c >= 'A' && c <= 'Z') || (c == '-' && i > 0 && name[i-1] == '-') {
			clean = false
			break
		}
	}
	if clean {
		return name
	}
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// normVersion normalises a version for equality: no leading "v" or "=", no
// Go "+incompatible", and PyPI versions per pep440Norm.
func normVersion(eco, v string) string {
	v = strings.TrimSpace(v)
	switch eco {
	case Golang:
		return strings.TrimPrefix(strings.TrimSuffix(v, "+incompatible"), "v")
	case PyPI:
		return pep440Norm(v)
	}
	return strings.TrimPrefix(strings.TrimPrefix(v, "="), "v")
}

// pep440Norm lowercases, drops a "v" prefix and a "0!" epoch, strips leading
// zeros from release numbers and drops trailing zero release segments, so
// "1.0", "1.0.0" and "V01" compare equal.
func pep440Norm(v string) string {
	v = strings.TrimPrefix(strings.ToLower(v), "v")
	v = strings.TrimPrefix(v, "0!")
	end := 0
	for end < len(v) && (v[end] >= '0' && v[end] <= '9' || v[end] == '.') {
		end++
	}
	release := strings.TrimRight(v[:end], ".")
	rest := v[len(release):]
	if release == "" {
		return v
	}
	segs := strings.Split(release, ".")
	for i, s := range segs {
		s = strings.TrimLeft(s, "0")
		if s == "" {
			s = "0"
		}
		segs[i] = s
	}
	for len(segs) > 1 && segs[len(segs)-1] == "0" {
		segs = segs[:len(segs)-1]
	}
	return strings.Join(segs, ".") + rest
}

// purl is what matching needs from a package URL.
type purl struct{ typ, name, version string }

// parsePurl reads pkg:type/namespace/name@version?qualifiers#subpath,
// percent-decoding each part. The name is the full package name: namespace
// and name joined with "/", an npm scope always starting with "@".
func parsePurl(s string) (purl, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 4 || !strings.EqualFold(s[:4], "pkg:") {
		return purl{}, false
	}
	s = strings.TrimLeft(s[4:], "/")
	s, _, _ = strings.Cut(s, "#")
	s, _, _ = strings.Cut(s, "?")
	typ, rest, ok := strings.Cut(s, "/")
	if !ok || typ == "" {
		return purl{}, false
	}
	p := purl{typ: strings.ToLower(typ)}
	// The version follows the last "@" that does not start a segment (an
	// unencoded npm scope does).
	for i := len(rest) - 1; i > 0; i-- {
		if rest[i] == '@' && rest[i-1] != '/' {
			v, err := url.PathUnescape(rest[i+1:])
			if err != nil {
				return purl{}, false
			}
			p.version, rest = v, rest[:i]
			break
		}
	}
	var segs []string
	for _, seg := range strings.Split(rest, "/") {
		if seg == "" {
			continue
		}
		d, err := url.PathUnescape(seg)
		if err != nil || d == "" {
			return purl{}, false
		}
		segs = append(segs, d)
	}
	if len(segs) == 0 {
		return purl{}, false
	}
	if p.typ == Npm && len(segs) > 1 && !strings.HasPrefix(segs[0], "@") {
		segs[0] = "@" + segs[0]
	}
	p.name = strings.Join(segs, "/")
	return p, true
}
