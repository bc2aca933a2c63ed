package cli

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxRefBytes bounds HEAD and a loose ref; maxPackedRefs packed-refs.
const (
	maxRefBytes   = 1 << 10
	maxPackedRefs = 8 << 20
)

// headCommit returns the commit checked out in dir (its .git folder): HEAD's
// SHA when detached, else the SHA of the branch it names, loose or packed;
// "" when it cannot tell (no .git folder, a worktree's .git file, a ref it
// cannot find). It reads through an os.Root on .git, regular files only,
// bounded: the workspace is the pull request's to shape.
func headCommit(dir string) string {
	root, err := os.OpenRoot(filepath.Join(dir, ".git"))
	if err != nil {
		return ""
	}
	defer root.Close()
	head := strings.TrimSpace(readSmall(root, "HEAD", maxRefBytes))
	if isSHA(head) {
		return head
	}
	ref, ok := strings.CutPrefix(head, "ref: ")
	if !ok || !strings.HasPrefix(ref, "refs/") || strings.Contains(ref, "..") {
		return ""
	}
	if sha := strings.TrimSpace(readSmall(root, ref, maxRefBytes)); isSHA(sha) {
		return sha
	}
	sc := bufio.NewScanner(strings.NewReader(readSmall(root, "packed-refs", maxPackedRefs)))
	for sc.Scan() {
		if sha, name, ok := strings.Cut(sc.Text(), " "); ok && name == ref && isSHA(sha) {
			return sha
		}
	}
	return ""
}

// readSmall reads a regular file of at most max bytes; "" otherwise.
func readSmall(root *os.Root, name string, max int64) string {
	f, err := root.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() > max {
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(f, max))
	if err != nil {
		return ""
	}
	return string(b)
}
