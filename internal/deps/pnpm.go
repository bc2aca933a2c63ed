package deps

import (
	"path"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// parsePnpmLock reads a pnpm-lock.yaml of lockfileVersion 6 to 9 into a
// lockGraph. The roots are the dependencies and optionalDependencies of the
// importer "." (devDependencies with IncludeDev); a "link:" dependency on
// another workspace importer is followed into it, so a workspace package the
// product depends on brings its own production dependencies. Version 9
// records the edges in "snapshots" and the platform restrictions in
// "packages"; version 6 has both in "packages", keyed "/name@version".
func parsePnpmLock(name string, data []byte) (*lockGraph, error) {
	root, err := yamlMapping(name, data)
	if err != nil {
		return nil, err
	}
	version := scalar(mapGet(root, "lockfileVersion"))
	major, _, _ := strings.Cut(version, ".")
	if major != "6" && major != "7" && major != "8" && major != "9" {
		return nil, parseErr(name, line(mapGet(root, "lockfileVersion")), "lockfileVersion %q is not read (6.0 to 9.0 are: pnpm 8 and later write them); "+
			"regenerate the lock with a current pnpm", version)
	}
	slash := major == "6" // keys are "/name@version"
	g := &lockGraph{file: name, nodes: map[string]*lockNode{}}

	packages := mapGet(root, "packages")
	edgesFrom := packages
	meta := map[string]*yaml.Node{} // version 9: package entries by key
	if s := mapGet(root, "snapshots"); s != nil {
		edgesFrom = s
		eachPair(packages, func(k, v *yaml.Node) { meta[k.Value] = v })
	}
	eachPair(edgesFrom, func(k, v *yaml.Node) {
		key := k.Value
		n := &lockNode{line: k.Line}
		n.name, n.version = pnpmKeyNameVersion(key)
		m := v
		if edgesFrom != packages {
			base, _, _ := strings.Cut(key, "(")
			m = meta[base]
		}
		if s := scalar(mapGet(m, "name")); s != "" {
			n.name = s
		}
		if s := scalar(mapGet(m, "version")); s != "" && !strings.ContainsAny(s, ":/") {
			n.version = s
		}
		n.platform = mapGet(m, "os") != nil || mapGet(m, "cpu") != nil || mapGet(m, "libc") != nil
		n.edges = pnpmEdges(v, "", slash, false)
		g.nodes[key] = n
	})

	importers := mapGet(root, "importers")
	if importers == nil { // a single project: the importer is the file's top level
		g.nodes["importer:."] = &lockNode{local: true, edges: pnpmEdges(root, ".", slash, true)}
	}
	eachPair(importers, func(k, v *yaml.Node) {
		dir := path.Clean(k.Value)
		g.nodes["importer:"+dir] = &lockNode{name: dir, line: k.Line, local: true, edges: pnpmEdges(v, dir, slash, true)}
	})
	g.roots = []lockEdge{{to: "importer:."}, {to: "importer:.", dev: true}}
	return g, nil
}

// pnpmEdges lists the dependencies of an importer or a package entry. In an
// importer (from is its folder) each value is a mapping {specifier, version};
// in a package entry, the version reference itself.
func pnpmEdges(entry *yaml.Node, from string, slash, importer bool) []lockEdge {
	var out []lockEdge
	for _, f := range []struct {
		field         string
		dev, optional bool
	}{{"dependencies", false, false}, {"optionalDependencies", false, true}, {"devDependencies", true, false}} {
		if f.dev && !importer {
			continue
		}
		eachPair(mapGet(entry, f.field), func(k, v *yaml.Node) {
			ref := scalar(v)
			if importer && v.Kind == yaml.MappingNode {
				ref = scalar(mapGet(v, "version"))
			}
			if ref == "" {
				return
			}
			out = append(out, lockEdge{to: pnpmRefKey(k.Value, ref, from, slash), dev: f.dev, optional: f.optional, line: k.Line})
		})
	}
	return out
}

// pnpmRefKey turns a dependency's version reference into the key of the
// entry it names: "1.2.3(peer@1)" under name is "name@1.2.3(peer@1)" (with
// a leading slash in version 6), so is a tarball or file: reference in
// version 9, an alias "real@1.2.3" or "/real@1.2.3" is that key, and
// "link:../x" is the workspace importer it points at.
func pnpmRefKey(name, ref, from string, slash bool) string {
	if rel, ok := strings.CutPrefix(ref, "link:"); ok {
		if from == "" {
			return "" // a package linking outside the workspace: local code
		}
		return "importer:" + path.Join(from, rel)
	}
	if ref[0] >= '0' && ref[0] <= '9' || !slash && strings.Contains(ref, ":") {
		ref = name + "@" + ref
		if slash {
			ref = "/" + ref
		}
		return ref
	}
	if slash && !strings.HasPrefix(ref, "/") && strings.IndexByte(ref, '@') > 0 && !strings.Contains(ref, ":") {
		return "/" + ref
	}
	return ref
}

// pnpmKeyNameVersion splits a package key "/@scope/name@1.2.3(peer@1)" into
// its name and version.
func pnpmKeyNameVersion(key string) (string, string) {
	base, _, _ := strings.Cut(strings.TrimPrefix(key, "/"), "(")
	if i := strings.LastIndexByte(base, '@'); i > 0 {
		return base[:i], base[i+1:]
	}
	return base, ""
}
