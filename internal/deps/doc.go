// Package deps reads the direct dependencies a repository declares in its
// dependency manifests and matches them against SBOM components, so the SBOM
// check can report drift: a declared dependency the SBOM does not list (a
// stale SBOM), or one it lists at another version.
//
// # Manifests
//
// [Find] reads the manifests directly in one folder (never subfolders):
//
//   - go.mod ([ParseGoMod]): require lines without "// indirect". A replace
//     directive does not change the reported module path; the replacement is
//     kept in [Dependency.Replace] and Match accepts a component under either
//     path, at either version, because SBOM tools differ (syft lists the
//     replacement, others the original). A module replaced by a local
//     directory has no comparable version. A go.mod the strict parser
//     rejects (say, a directive newer than golang.org/x/mod) is read
//     leniently: requirements only, without replacements.
//   - npm-shrinkwrap.json, else package-lock.json (the lock is read whole): for
//     lockfileVersion 2 and 3, the root package's dependencies,
//     optionalDependencies and peerDependencies, at the version locked in
//     node_modules/<name>. Optional and peer dependencies that were not
//     installed are skipped. A lockfileVersion 1 file does not record which
//     packages are direct: with package.json beside it, Find takes the names
//     from package.json and the versions from the lock; alone, every
//     top-level non-dev entry is reported, a superset that includes hoisted
//     transitive packages. With no lock, package.json ([ParsePackageJSON]) is
//     read for names, with ranges as versions. npm aliases ("npm:real@1") are
//     reported under the real package name; links and file:/workspace:
//     dependencies are the project's own code and are not reported.
//   - Cargo.toml, with Cargo.lock beside it for exact versions
//     ([Options.ParseCargo]): [dependencies] and
//     [target.*.dependencies], under the real crate name when renamed with
//     package = "...", workspace = true entries resolved from the same file's
//     [workspace.dependencies] when present (name from the key otherwise). A
//     virtual workspace root has no dependencies. Path and git dependencies
//     are reported too. Target-specific entries carry their cfg in
//     [Dependency.Condition].
//   - requirements.txt ([ParseRequirements]): PEP 508 lines with extras,
//     markers (kept in [Dependency.Condition]), backslash continuations,
//     comments and per-requirement options such as --hash. Option lines (-r,
//     -c, -e, -i, --index-url, ...) are skipped: included files are not
//     followed and editable installs are local code. Plain URLs and paths are
//     reported only when they name the package with #egg=.
//
// Development-only dependencies (npm devDependencies, Cargo dev- and
// build-dependencies) are not shipped, so they are excluded unless
// [Options.IncludeDev] is set; then they are reported with Dev set.
//
//   - pnpm-lock.yaml (lockfileVersion 6.0 to 9.0), else yarn.lock (yarn 1's
//     format, or yarn 2+'s YAML) with the package.json beside it: the
//     production closure, every package the importer "." (pnpm) or
//     package.json (yarn) brings in through dependencies and
//     optionalDependencies, transitively, with [Dependency.Via] naming the
//     direct dependency for a transitive one and Condition "optional" for a
//     package reached only through optional dependencies. Workspace
//     packages are followed (pnpm link:, yarn workspace:; yarn 1 does not
//     record workspaces, so there they are not), and each yarn 2+ workspace
//     entry is narrowed to its package.json's production dependencies.
//     Platform-restricted packages (pnpm os/cpu/libc, yarn conditions) and
//     yarn's implicit node-gyp are left out. IncludeDev adds development
//     roots for pnpm and yarn 1.
//
// pyproject.toml, Pipfile and poetry.lock are not read.
//
// # Matching
//
// [Match] indexes the components once and looks each dependency up, so it is
// O(n+m). A component whose purl parses (pkg:type/namespace/name@version,
// percent-decoded, qualifiers and subpath ignored) is matched on the purl
// type and full name: the golang name is namespace/name (the module path),
// the npm name is @scope/name whether the scope is written %40scope or
// @scope. A component without a usable purl is matched on its name (prefixed
// by its group, such as an npm scope) in every ecosystem; a component whose
// purl has another type matches nothing.
//
// Names are compared as each ecosystem does: Go module paths exactly, falling
// back to a case-insensitive match because the purl specification lowercases
// golang purls; npm names lowercased (scope kept); PyPI names by PEP 503
// (runs of "-", "_", "." are one "-", lowercased); Cargo names lowercased
// with "-" and "_" equal, as crates.io treats them.
//
// Only exact pins are compared ([Dependency.Pinned]): Go versions, npm lock
// versions, Cargo.lock versions and Cargo "=x" requirements, pip "==x" and
// "===x". Ranges such as Cargo "1.0" or pip ">=2" never produce a mismatch,
// nor does a dependency or component without a version. Versions compare
// ignoring a leading "v", Go's "+incompatible", and for PyPI case and
// trailing ".0" release segments ("1.0" == "1"). A dependency matches when
// any component under its name has its version; a conditional dependency is
// also not reported as mismatched when another declaration of the same
// package in the same manifest was found at its version (requirements.txt
// often pins per Python version).
package deps
