package deps

import (
	"bytes"
	"maps"
	"path"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// yarnBerryHeader marks a yarn.lock written by yarn 2 or later (YAML, with
// a __metadata entry); yarn 1 writes its own format, "# yarn lockfile v1".
var yarnBerryHeader = []byte("__metadata:")

// parseYarnLock reads a yarn.lock, classic (yarn 1) or berry (yarn 2 and
// later), into a lockGraph whose roots are the production dependencies pj
// (the package.json beside it) declares. Neither format says which
// dependencies are for development: package.json does.
func parseYarnLock(name string, data []byte, pj npmPkg, readWorkspace func(dir string) (npmPkg, bool)) (*lockGraph, error) {
	if bytes.Contains(data, yarnBerryHeader) {
		return parseYarnBerry(name, data, pj, readWorkspace)
	}
	return parseYarnClassic(name, data, pj)
}

// yarnRoots lists pj's dependencies and optionalDependencies (and
// devDependencies) as edges to the descriptors "name@range", each built by
// key.
func yarnRoots(pj npmPkg, key func(name, spec string) string) []lockEdge {
	var out []lockEdge
	for _, f := range []struct {
		m             map[string]string
		dev, optional bool
	}{{pj.Dependencies, false, false}, {pj.OptionalDependencies, false, true}, {pj.DevDependencies, true, false}} {
		for _, n := range slices.Sorted(maps.Keys(f.m)) {
			out = append(out, lockEdge{to: key(n, f.m[n]), dev: f.dev, optional: f.optional})
		}
	}
	return out
}

// parseYarnClassic reads yarn 1's format: entries at column 0 name one or
// more descriptors ("name@range", comma-separated, quoted or not) and hold
// indented "version" and "dependencies"/"optionalDependencies" blocks. Every
// descriptor is a key of the same node. A workspace package is not in the
// lock: a dependency on one is not followed.
func parseYarnClassic(name string, data []byte, pj npmPkg) (*lockGraph, error) {
	g := &lockGraph{file: name, nodes: map[string]*lockNode{}}
	var cur *lockNode
	block := "" // the field whose indented block the lines are in
	lines := strings.Split(string(data), "\n")
	for i, raw := range lines {
		ln := strings.TrimRight(raw, "\r")
		trimmed := strings.TrimSpace(ln)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(ln) - len(strings.TrimLeft(ln, " "))
		switch {
		case indent == 0:
			if !strings.HasSuffix(trimmed, ":") {
				return nil, parseErr(name, i+1, "not a yarn.lock entry: a line at the start must list descriptors and end with \":\"")
			}
			cur = &lockNode{line: i + 1}
			for _, d := range strings.Split(strings.TrimSuffix(trimmed, ":"), ",") {
				d = unquote(strings.TrimSpace(d))
				if cur.name == "" {
					cur.name = yarnDescriptorName(d)
				}
				g.nodes[d] = cur
			}
			block = ""
		case cur == nil:
			return nil, parseErr(name, i+1, "an indented line before the first entry")
		case indent == 2:
			field, value, _ := strings.Cut(trimmed, " ")
			block = ""
			switch {
			case strings.HasSuffix(field, ":") && value == "":
				block = strings.TrimSuffix(field, ":")
			case field == "version":
				cur.version = unquote(value)
			}
		case indent >= 4 && (block == "dependencies" || block == "optionalDependencies"):
			dep, spec, ok := cutYarnPair(trimmed)
			if !ok {
				return nil, parseErr(name, i+1, "a dependency line must be a name and a range")
			}
			cur.edges = append(cur.edges, lockEdge{to: dep + "@" + spec, optional: block == "optionalDependencies"})
		}
	}
	g.roots = yarnRoots(pj, func(n, spec string) string { return n + "@" + spec })
	return g, nil
}

// cutYarnPair splits `"@s/name" "^1.0"` or `name ^1.0` into its two parts.
func cutYarnPair(s string) (string, string, bool) {
	var first string
	if strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return "", "", false
		}
		first, s = s[1:end+1], s[end+2:]
	} else {
		var ok bool
		if first, s, ok = strings.Cut(s, " "); !ok {
			return "", "", false
		}
	}
	second := unquote(strings.TrimSpace(s))
	return first, second, first != "" && second != ""
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// yarnDescriptorName is the package a descriptor resolves to: "name@^1" is
// name, an alias "alias@npm:real@^1" is real, "@s/n@npm:^1" is @s/n.
func yarnDescriptorName(d string) string {
	at := strings.IndexByte(d[min(1, len(d)):], '@') + min(1, len(d))
	if at <= 0 {
		return d
	}
	if rest, ok := strings.CutPrefix(d[at+1:], "npm:"); ok && strings.IndexByte(rest[min(1, len(rest)):], '@') >= 0 {
		return yarnDescriptorName(rest)
	}
	return d[:at]
}

// parseYarnBerry reads yarn 2+'s YAML lock. Keys are comma-separated
// descriptors "name@npm:range"; "resolution" names the package resolved
// ("real@npm:1.2.3", "x@workspace:packages/x", patches); "conditions"
// restricts it to a platform. The project's own workspaces are entries too:
// their dependencies mix production and development, so each is narrowed to
// what its package.json declares for production.
func parseYarnBerry(name string, data []byte, pj npmPkg, readWorkspace func(dir string) (npmPkg, bool)) (*lockGraph, error) {
	root, err := yamlMapping(name, data)
	if err != nil {
		return nil, err
	}
	g := &lockGraph{file: name, nodes: map[string]*lockNode{}}
	rootKey := ""
	eachPair(root, func(k, v *yaml.Node) {
		if k.Value == "__metadata" {
			return
		}
		res := scalar(mapGet(v, "resolution"))
		n := &lockNode{line: k.Line, version: scalar(mapGet(v, "version"))}
		n.name = yarnDescriptorName(res)
		n.platform = mapGet(v, "conditions") != nil
		ws, isWS := cutAfter(res, "@workspace:")
		n.local = isWS || strings.Contains(res, "@link:") || strings.Contains(res, "@portal:")
		var allow npmPkg
		narrow := false
		if isWS {
			ws = path.Clean(ws)
			if ws == "." {
				allow, narrow = pj, true
			} else {
				allow, narrow = readWorkspace(ws)
			}
		}
		for _, f := range []struct {
			field    string
			optional bool
		}{{"dependencies", false}, {"optionalDependencies", true}} {
			eachPair(mapGet(v, f.field), func(dk, dv *yaml.Node) {
				dep := dk.Value
				if dep == "node-gyp" && scalar(dv) == "npm:latest" {
					return // yarn's own build tool for a native module, added by yarn
				}
				_, opt := allow.OptionalDependencies[dep]
				if _, prod := allow.Dependencies[dep]; narrow && !prod && !opt {
					return // a development dependency of the workspace
				}
				n.edges = append(n.edges, lockEdge{to: dep + "@" + scalar(dv), optional: f.optional || narrow && opt, line: dk.Line})
			})
		}
		for _, d := range strings.Split(k.Value, ",") {
			d = strings.TrimSpace(d)
			g.nodes[d] = n
			if isWS && ws == "." {
				rootKey = d
			}
		}
	})
	if rootKey == "" {
		// No entry for the root workspace: take the roots from package.json.
		g.roots = yarnRoots(pj, func(n, spec string) string {
			if !strings.Contains(spec, ":") {
				spec = "npm:" + spec
			}
			return n + "@" + spec
		})
		return g, nil
	}
	g.roots = []lockEdge{{to: rootKey}}
	return g, nil
}

// cutAfter returns what follows sep in s.
func cutAfter(s, sep string) (string, bool) {
	i := strings.Index(s, sep)
	if i < 0 {
		return "", false
	}
	return s[i+len(sep):], true
}
