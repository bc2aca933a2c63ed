package deps

import (
	"cmp"
	"slices"
)

// lockGraph is a lockfile's resolved packages as the production closure
// needs them: nodes by the lockfile's own key, and the edges each declares.
// pnpm-lock.yaml and yarn.lock (classic and berry) are read into one.
type lockGraph struct {
	file  string
	nodes map[string]*lockNode
	roots []lockEdge // the project's own declared dependencies
}

// lockNode is one resolved package, or a workspace package of the project
// itself (local: followed, never reported).
type lockNode struct {
	name, version string
	line          int
	local         bool
	// platform is set for a package restricted to some os, cpu or libc
	// (pnpm's os/cpu/libc, berry's conditions): a build on another platform
	// leaves it out, so it is not reported.
	platform bool
	edges    []lockEdge
}

// lockEdge is a dependency on the node with key to; dev and optional say how
// it was declared.
type lockEdge struct {
	to            string
	dev, optional bool
	line          int // where the edge is declared, when the lockfile says
}

// closure walks the graph from its roots: first the required edges, then the
// optional ones, then (with IncludeDev) the development roots, so a package
// reached both ways keeps the strongest reason it ships. It returns each
// package once: the direct dependencies, then the transitive ones with Via
// naming the direct dependency that brings them in, each in breadth-first
// order.
// An edge to a key the lockfile does not define is skipped. The walk is
// linear in nodes and edges.
func (o Options) closure(g *lockGraph) []Dependency {
	reported := map[*lockNode]bool{}
	var out []Dependency
	type step struct {
		key, via string
		direct   bool
		line     int
	}
	walk := func(optional, dev bool) {
		seen := map[*lockNode]bool{} // this pass's, so a later one walks on through
		var queue []step
		for _, e := range g.roots {
			if e.dev == dev && (optional || !e.optional) {
				queue = append(queue, step{key: e.to, direct: true, line: e.line})
			}
		}
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			n := g.nodes[s.key]
			if n == nil || seen[n] || n.platform {
				continue
			}
			seen[n] = true
			via := s.via
			if s.direct {
				via = n.name
			}
			if !n.local && !reported[n] {
				reported[n] = true
				d := npmDep(n.name, n.version, dev, g.file)
				d.Line = n.line
				if s.direct && s.line > 0 {
					d.Line = s.line // a direct one where the project declares it
				}
				if optional {
					d.Condition = "optional"
				}
				if !s.direct {
					d.Via = via
				}
				out = append(out, d)
			}
			for _, e := range n.edges {
				// A development edge is followed only from the project's own
				// packages, in the development pass.
				if (optional || !e.optional) && (!e.dev || dev && n.local && s.direct) {
					// A workspace package's dependencies are direct ones of
					// the product too.
					queue = append(queue, step{key: e.to, via: via, direct: n.local && s.direct, line: e.line})
				}
			}
		}
	}
	walk(false, false)
	walk(true, false)
	if o.IncludeDev {
		walk(true, true)
	}
	slices.SortStableFunc(out, func(a, b Dependency) int {
		return cmp.Compare(min(len(a.Via), 1), min(len(b.Via), 1)) // direct ones first
	})
	return out
}
