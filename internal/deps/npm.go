package deps

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	json "github.com/go-json-experiment/json/v1"
)

// npmPkg is a package.json file or a package entry of a v2/v3 lockfile.
type npmPkg struct {
	Name                 string            `json:"name"`
	Version              string            `json:"version"`
	Link                 bool              `json:"link"`
	Dependencies         map[string]string `json:"dependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	PeerDependencies     map[string]string `json:"peerDependencies"`
	DevDependencies      map[string]string `json:"devDependencies"`
}

// npmV1Dep is an entry of a lockfileVersion 1 "dependencies" map.
type npmV1Dep struct {
	Version string `json:"version"`
	Dev     bool   `json:"dev"`
}

// npmLock is a package-lock.json or npm-shrinkwrap.json, decoded once: its
// entries are kept as raw JSON and only those a direct dependency needs are
// decoded (a lockfile of a large project holds tens of thousands). Packages
// is nil in a lockfileVersion 1 file, which has only Dependencies.
type npmLock struct {
	LockfileVersion int                        `json:"lockfileVersion"`
	Packages        map[string]json.RawMessage `json:"packages"`
	Dependencies    json.RawMessage            `json:"dependencies"`

	name string // the file, for errors
	data []byte // its bytes, to place an entry's decoding error
}

// pkg decodes the packages entry key, if there is one.
func (l *npmLock) pkg(key string) (npmPkg, bool, error) {
	raw, ok := l.Packages[key]
	if !ok {
		return npmPkg{}, false, nil
	}
	var p npmPkg
	if err := json.Unmarshal(raw, &p); err != nil {
		// The raw entry is a copy of the file's bytes: find where it stands
		// to place the error (on this error path only).
		return p, true, jsonErr(l.name, l.data, err, int64(max(bytes.Index(l.data, raw), 0)))
	}
	return p, true, nil
}

// v1 decodes the top-level entries of a lockfileVersion 1 file.
func (l *npmLock) v1() (map[string]npmV1Dep, error) {
	var deps map[string]npmV1Dep
	if len(l.Dependencies) == 0 || bytes.Equal(bytes.TrimSpace(l.Dependencies), []byte("null")) {
		return deps, nil
	}
	if err := json.Unmarshal(l.Dependencies, &deps); err != nil {
		return nil, jsonErr(l.name, l.data, err, int64(max(bytes.Index(l.data, l.Dependencies), 0)))
	}
	return deps, nil
}

// npmDecl is one dependency a package declares.
type npmDecl struct {
	key, spec   string
	dev         bool
	maybeAbsent bool // optional or peer: not installed is not an error
}

// lockDeps returns the root package's dependencies, optionalDependencies and
// peerDependencies (and devDependencies with IncludeDev) at their locked
// versions, sorted by declared name. A lockfileVersion 1 file does not say
// which packages are direct, so every top-level entry that is not dev is
// returned.
func (o Options) lockDeps(lock *npmLock) ([]Dependency, error) {
	name := lock.name
	if lock.Packages == nil {
		return o.lockV1(lock, nil, true)
	}
	root, ok, err := lock.pkg("")
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, parseErr(name, 0, `lockfileVersion %d has no root package (packages[""])`, lock.LockfileVersion)
	}
	var out []Dependency
	for _, d := range o.npmDecls(root) {
		dep := Dependency{Ecosystem: Npm, Dev: d.dev, Manifest: name}
		pkg, found, err := lock.pkg("node_modules/" + d.key)
		if err != nil {
			return nil, err
		}
		switch {
		case found && pkg.Link:
			continue // workspace or file: link, the project's own code
		case found:
			dep.Name = d.key
			if real, _, local := npmSpec(d.key, d.spec); !local {
				dep.Name = real
			}
			if pkg.Name != "" {
				dep.Name = pkg.Name
			}
			dep.Version = pkg.Version
		case d.maybeAbsent:
			continue // optional or peer dependency not installed
		default:
			real, spec, local := npmSpec(d.key, d.spec)
			if local {
				continue
			}
			dep.Name, dep.Version = real, spec
		}
		dep.Pinned = isExactSemver(dep.Version)
		if dep.Pinned {
			dep.Version = strings.TrimLeft(dep.Version, "=v")
		}
		out = append(out, dep)
	}
	return out, nil
}

// ParsePackageJSON returns dependencies, optionalDependencies and
// peerDependencies (and devDependencies with IncludeDev), sorted by name.
func (o Options) ParsePackageJSON(name string, data []byte) ([]Dependency, error) {
	var pj npmPkg
	if err := decodeJSONObject(name, data, &pj); err != nil {
		return nil, err
	}
	var out []Dependency
	for _, d := range o.npmDecls(pj) {
		real, spec, local := npmSpec(d.key, d.spec)
		if local {
			continue
		}
		out = append(out, npmDep(real, spec, d.dev, name))
	}
	return out, nil
}

// lockV1WithPackageJSON takes the direct dependency names from package.json
// and their versions from a lockfileVersion 1 lock.
func (o Options) lockV1WithPackageJSON(lock *npmLock, pjName string, pjData []byte) ([]Dependency, error) {
	var pj npmPkg
	if err := decodeJSONObject(pjName, pjData, &pj); err != nil {
		return nil, err
	}
	ds, err := o.lockV1(lock, o.npmDecls(pj), false)
	for i := range ds {
		ds[i].Manifest = pjName
	}
	return ds, err
}

// lockV1 resolves decls against a v1 lock, or with all every top-level
// entry.
func (o Options) lockV1(lock *npmLock, decls []npmDecl, all bool) ([]Dependency, error) {
	entries, err := lock.v1()
	if err != nil {
		return nil, err
	}
	if all {
		for k, e := range entries {
			if k == "" || e.Dev && !o.IncludeDev {
				continue
			}
			decls = append(decls, npmDecl{key: k, spec: e.Version, dev: e.Dev})
		}
		sort.Slice(decls, func(i, j int) bool { return decls[i].key < decls[j].key })
	}
	var out []Dependency
	for _, d := range decls {
		e, found := entries[d.key]
		if !found && d.maybeAbsent {
			continue
		}
		spec := d.spec
		if found {
			spec = e.Version
		}
		real, ver, local := npmSpec(d.key, spec)
		if local {
			continue
		}
		out = append(out, npmDep(real, ver, d.dev, lock.name))
	}
	return out, nil
}

func npmDep(name, version string, dev bool, manifest string) Dependency {
	d := Dependency{Ecosystem: Npm, Name: name, Version: version, Dev: dev, Manifest: manifest}
	if isExactSemver(version) {
		d.Pinned = true
		d.Version = strings.TrimLeft(version, "=v")
	}
	return d
}

// npmDecls lists a package's declared dependencies, sorted by key; a name
// declared twice is taken from the first of dependencies,
// optionalDependencies, peerDependencies, devDependencies.
func (o Options) npmDecls(p npmPkg) []npmDecl {
	seen := map[string]bool{}
	var out []npmDecl
	add := func(m map[string]string, dev, maybeAbsent bool) {
		for k, v := range m {
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, npmDecl{key: k, spec: v, dev: dev, maybeAbsent: maybeAbsent})
		}
	}
	add(p.Dependencies, false, false)
	add(p.OptionalDependencies, false, true)
	add(p.PeerDependencies, false, true)
	if o.IncludeDev {
		add(p.DevDependencies, true, false)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// npmSpec interprets a declared version spec: an alias "npm:real@range"
// names the real package; local reports file:, link:, workspace: and
// portal: specs, which are the project's own code.
func npmSpec(key, spec string) (name, version string, local bool) {
	spec = strings.TrimSpace(spec)
	for _, p := range []string{"file:", "link:", "workspace:", "portal:"} {
		if strings.HasPrefix(spec, p) {
			return key, spec, true
		}
	}
	if rest, ok := strings.CutPrefix(spec, "npm:"); ok {
		if i := strings.LastIndexByte(rest, '@'); i > 0 {
			return rest[:i], rest[i+1:], false
		}
		if rest != "" {
			return rest, "", false
		}
	}
	return key, spec, false
}

// isExactSemver reports whether v is one semver version, optionally
// prefixed by "=" or "v": "1.2.3", "1.2.3-rc.1+build".
func isExactSemver(v string) bool {
	v = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(v), "="), "v")
	core, _, _ := strings.Cut(v, "+")
	core, pre, hasPre := strings.Cut(core, "-")
	if hasPre && pre == "" {
		return false
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return strings.Trim(pre, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == ""
}

func decodeLock(name string, data []byte) (*npmLock, error) {
	lock := npmLock{name: name, data: data}
	if err := decodeJSONObject(name, data, &lock); err != nil {
		return nil, err
	}
	return &lock, nil
}

func decodeJSONObject(name string, data []byte, v any) error {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return parseErr(name, 0, "not a JSON object")
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		return jsonErr(name, data, err, int64(len(data)-len(trimmed)))
	}
	return nil
}

// jsonErr converts an encoding/json error, whose offsets count from base in
// data, into a ParseError with line and column.
func jsonErr(name string, data []byte, err error, base int64) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off := base + se.Offset
		if off < int64(len(data)) && off > base {
			off-- // Offset counts the offending byte
		}
		l, c := lineCol(data, off)
		return &ParseError{File: name, Line: l, Col: c, Msg: se.Error(), Err: err}
	case errors.As(err, &te):
		l, c := lineCol(data, base+te.Offset)
		field := te.Field
		if field == "" {
			field = "value"
		}
		return &ParseError{File: name, Line: l, Col: c, Msg: fmt.Sprintf("%s: JSON %s where %s expected", field, te.Value, te.Type), Err: err}
	}
	return &ParseError{File: name, Msg: err.Error(), Err: err}
}

// findPnpmOrYarn reads pnpm-lock.yaml, else yarn.lock with the package.json
// beside it, for the production closure; with neither, package.json alone.
func (o Options) findPnpmOrYarn(r Reader, dir string, read func(string) (string, []byte, bool)) ([]Dependency, error) {
	if name, data, ok := read("pnpm-lock.yaml"); ok {
		g, err := parsePnpmLock(name, data)
		if err != nil {
			return nil, err
		}
		return o.closure(g), nil
	}
	pjName, pjData, havePJ := read("package.json")
	var pj npmPkg
	if havePJ {
		if err := decodeJSONObject(pjName, pjData, &pj); err != nil {
			return nil, err
		}
	}
	name, data, ok := read("yarn.lock")
	switch {
	case !ok && havePJ:
		return o.ParsePackageJSON(pjName, pjData)
	case !ok:
		return nil, nil
	case !havePJ:
		return nil, parseErr(name, 0, "has no package.json beside it to say which dependencies are for production; add it")
	}
	readWorkspace := func(ws string) (npmPkg, bool) {
		var p npmPkg
		f := path.Join(dir, ws, "package.json")
		if !fs.ValidPath(f) {
			return p, false
		}
		b, err := r.ReadFile(f, MaxPackageJSON)
		return p, err == nil && decodeJSONObject(f, b, &p) == nil
	}
	g, err := parseYarnLock(name, data, pj, readWorkspace)
	if err != nil {
		return nil, err
	}
	return o.closure(g), nil
}
