package deps

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/cra-gate/cra-gate/internal/tomlscan"
)

// The shape limits of Cargo.toml and Cargo.lock, checked in one linear scan
// before the TOML decoder runs (whose time grows with the square of key depth).
// Real manifests stay far below: a Cargo.toml nests 5 deep at most
// (target.'cfg(...)'.dependencies.crate.features), a Cargo.lock of a large
// workspace lists a few thousand [[package]] tables.
var (
	cargoTomlLimits = tomlscan.Limits{MaxDepth: 12, MaxKeys: 20000, MaxItems: 10000, MaxKeyLen: 1024, MaxPathBytes: 8 << 20}
	cargoLockLimits = tomlscan.Limits{MaxDepth: 6, MaxKeys: 400000, MaxItems: 50000, MaxKeyLen: 1024, MaxPathBytes: 64 << 20}
)

// scanTOML scans a Cargo file within its limits, returning its key index or
// a *ParseError at the first limit exceeded.
func scanTOML(name string, data []byte, lim tomlscan.Limits) (*tomlscan.Index, error) {
	ix, err := tomlscan.Scan(data, lim)
	var le *tomlscan.LimitError
	if errors.As(err, &le) {
		return nil, &ParseError{File: name,
			Line: le.Pos.Line,
			Col:  le.Pos.Col,
			Msg:  "has " + le.What + ", more than the gate reads; its dependencies were not compared with the SBOM",
			Err:  err}
	}
	return ix, nil
}

// ParseCargo returns [dependencies] and [target.*.dependencies] (and dev-
// and build-dependencies with IncludeDev), in file order. A crate declared
// twice with one requirement, as for target-specific features, is reported
// once, preferring the unconditional, non-dev declaration.
func (o Options) ParseCargo(name string, data []byte, lockName string, lockData []byte) ([]Dependency, error) {
	ix, err := scanTOML(name, data, cargoTomlLimits)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, tomlErr(name, data, err)
	}
	lineOf := func(p ...string) int {
		segs := make([]any, len(p))
		for i, s := range p {
			segs[i] = s
		}
		pos, _ := ix.Lookup(tomlscan.Path(segs...))
		return pos.Line
	}

	type table struct {
		path []string
		dev  bool
		cond string
	}
	kinds := []struct {
		key string
		dev bool
	}{{"dependencies", false}, {"dev-dependencies", true}, {"dev_dependencies", true}, {"build-dependencies", true}, {"build_dependencies", true}}
	var tables []table
	targets, _ := doc["target"].(map[string]any)
	if _, ok := doc["target"]; ok && targets == nil {
		return nil, parseErr(name, lineOf("target"), "target must be a table")
	}
	cfgs := make([]string, 0, len(targets))
	for c := range targets {
		cfgs = append(cfgs, c)
	}
	sort.Strings(cfgs)
	for _, dev := range []bool{false, true} {
		if dev && !o.IncludeDev {
			break
		}
		for _, k := range kinds {
			if k.dev == dev {
				tables = append(tables, table{path: []string{k.key}, dev: dev})
			}
		}
		for _, c := range cfgs {
			t, ok := targets[c].(map[string]any)
			if !ok {
				return nil, parseErr(name, lineOf("target", c), "target.%q must be a table", c)
			}
			for _, k := range kinds {
				if k.dev == dev && t[k.key] != nil {
					tables = append(tables, table{path: []string{"target", c, k.key}, dev: dev, cond: c})
				}
			}
		}
	}

	wsDeps, _ := lookup(doc, "workspace", "dependencies").(map[string]any)
	var out []Dependency
	for _, t := range tables {
		v := lookup(doc, t.path...)
		if v == nil {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, parseErr(name, lineOf(t.path...), "%s must be a table", strings.Join(t.path, "."))
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			line := lineOf(append(slices.Clone(t.path), key)...)
			real, req, msg := cargoSpec(key, m[key], wsDeps)
			if strings.TrimSpace(key) == "" {
				msg = "empty crate name"
			}
			if msg != "" {
				return nil, parseErr(name, line, "dependency %q: %s", key, msg)
			}
			d := Dependency{Ecosystem: Cargo, Name: real, Version: req, Condition: t.cond, Dev: t.dev, Manifest: name, Line: line}
			if v, ok := strings.CutPrefix(req, "="); ok && isExactSemver(v) {
				d.Version, d.Pinned = strings.TrimSpace(v), true
			}
			out = append(out, d)
		}
	}
	if lockData != nil {
		pkgName, _ := lookup(doc, "package", "name").(string)
		pkgVersion, _ := lookup(doc, "package", "version").(string)
		if err := applyCargoLock(out, lockName, lockData, pkgName, pkgVersion); err != nil {
			return nil, err
		}
	}
	// Tables were read unconditional and non-dev first, so the first
	// declaration of a crate at one version is the one kept.
	seen := map[string]bool{}
	kept := out[:0]
	for _, d := range out {
		id := cargoNorm(d.Name) + "\x00" + d.Version
		if !seen[id] {
			seen[id] = true
			kept = append(kept, d)
		}
	}
	out = kept
	sort.SliceStable(out, func(i, j int) bool {
		li, lj := out[i].Line, out[j].Line
		if (li == 0) != (lj == 0) {
			return lj == 0
		}
		return li < lj
	})
	return out, nil
}

// cargoSpec reads one dependency entry: its real crate name and version
// requirement, or a message saying why it is malformed.
func cargoSpec(key string, spec any, wsDeps map[string]any) (real, req, msg string) {
	real = key
	switch s := spec.(type) {
	case string:
		return real, strings.TrimSpace(s), ""
	case map[string]any:
		if w, ok := s["workspace"]; ok {
			b, isBool := w.(bool)
			if !isBool {
				return "", "", "workspace must be a boolean"
			}
			if b {
				if ws, ok := wsDeps[key]; ok {
					// The workspace entry supplies package and version.
					return cargoSpec(key, ws, nil)
				}
				return real, "", ""
			}
		}
		if p, ok := s["package"]; ok {
			ps, isStr := p.(string)
			if !isStr || strings.TrimSpace(ps) == "" {
				return "", "", "package must be a crate name"
			}
			real = strings.TrimSpace(ps)
		}
		if v, ok := s["version"]; ok {
			vs, isStr := v.(string)
			if !isStr {
				return "", "", "version must be a string"
			}
			req = strings.TrimSpace(vs)
		}
		return real, req, ""
	}
	return "", "", fmt.Sprintf("expected a version string or a table, found %T", spec)
}

// applyCargoLock pins deps to the versions Cargo.lock records. The root
// package's dependency list ("name" or "name version") decides between
// several locked versions of one crate; without it a crate locked at one
// version only is pinned to it.
func applyCargoLock(deps []Dependency, name string, data []byte, pkgName, pkgVersion string) error {
	var lock struct {
		Package []struct {
			Name         string   `toml:"name"`
			Version      string   `toml:"version"`
			Source       string   `toml:"source"`
			Dependencies []string `toml:"dependencies"`
		} `toml:"package"`
	}
	if _, err := scanTOML(name, data, cargoLockLimits); err != nil {
		return err
	}
	if _, err := toml.Decode(string(data), &lock); err != nil {
		return tomlErr(name, data, err)
	}
	locked := map[string]map[string]bool{} // normalised name → distinct versions
	rootIdx := -1
	for i, p := range lock.Package {
		n := cargoNorm(p.Name)
		if locked[n] == nil {
			locked[n] = map[string]bool{}
		}
		locked[n][p.Version] = true
		if pkgName != "" && p.Name == pkgName && p.Source == "" &&
			(rootIdx < 0 || p.Version == pkgVersion) {
			rootIdx = i
		}
	}
	rootVer := map[string]string{} // from the root's list; "" if unstated
	ambiguous := map[string]bool{}
	if rootIdx >= 0 {
		for _, e := range lock.Package[rootIdx].Dependencies {
			f := strings.Fields(e)
			if len(f) == 0 {
				continue
			}
			n, v := cargoNorm(f[0]), ""
			if len(f) > 1 {
				v = f[1]
			}
			if old, ok := rootVer[n]; ok && old != v {
				ambiguous[n] = true
			}
			rootVer[n] = v
		}
	}
	for i := range deps {
		n := cargoNorm(deps[i].Name)
		v := ""
		if rv := rootVer[n]; rv != "" && !ambiguous[n] {
			v = rv
		} else if vs := locked[n]; len(vs) == 1 && !ambiguous[n] {
			for only := range vs {
				v = only
			}
		}
		if v != "" {
			deps[i].Version, deps[i].Pinned = v, true
		}
	}
	return nil
}

// tomlErr converts a toml error into a ParseError with the line (and column)
// it names.
func tomlErr(name string, data []byte, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		line, col := pe.Position.Line, pe.Position.Col
		// The lexer may count the newline ending the faulty line; the byte
		// offset is exact.
		if s := pe.Position.Start; s > 0 && s < len(data) {
			line, col = lineCol(data, int64(s))
		}
		return &ParseError{File: name, Line: line, Col: col, Msg: pe.Message, Err: err}
	}
	// Decoding errors are plain: "toml: line N (last key ...): message".
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		n := 0
		i := 0
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9' && n < 1<<30; i++ {
			n = n*10 + int(rest[i]-'0')
		}
		if i > 0 {
			line, msg = n, strings.TrimLeft(rest[i:], " ")
		}
	}
	return &ParseError{File: name, Line: line, Msg: msg, Err: err}
}

// lookup walks nested tables; nil when a step is missing or not a table.
func lookup(doc map[string]any, path ...string) any {
	var cur any = doc
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}
