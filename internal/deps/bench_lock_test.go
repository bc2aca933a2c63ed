package deps

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// bigPnpmLock is a pnpm 9 lock of n packages in a chain, each depending on
// the next, the first a direct dependency.
func bigPnpmLock(n int) []byte {
	var b strings.Builder
	b.WriteString("lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      p0:\n        specifier: ^1.0.0\n        version: 1.0.0\n\npackages:\n\n")
	for i := range n {
		fmt.Fprintf(&b, "  p%d@1.0.0:\n    resolution: {integrity: sha512-%064d}\n    engines: {node: '>=18'}\n\n", i, i)
	}
	b.WriteString("snapshots:\n\n")
	for i := range n {
		fmt.Fprintf(&b, "  p%d@1.0.0:\n    dependencies:\n      p%d: 1.0.0\n\n", i, i+1)
	}
	return []byte(b.String())
}

// benchPackages makes bigPnpmLock 12 MB, near MaxPackageLock.
const benchPackages = 60000

// BenchmarkPnpmLockClosure reads a pnpm lock near the 16 MiB limit and walks
// its closure (here: 1.2 s, 348 MB allocated; a quarter of it, 0.28 s and
// 86 MB: linear).
func BenchmarkPnpmLockClosure(b *testing.B) {
	lock := bigPnpmLock(benchPackages)
	b.SetBytes(int64(len(lock)))
	fsys := fstest.MapFS{"pnpm-lock.yaml": {Data: lock}}
	b.ReportAllocs()
	for b.Loop() {
		res, err := Find(readerOf(fsys), ".")
		if err != nil || len(res.Deps) != benchPackages {
			b.Fatalf("%d deps, %v", len(res.Deps), err)
		}
	}
}
