//go:build unix

package repo

import (
	"io/fs"
	"os"
	"syscall"
)

// openFlags opens without blocking: a FIFO swapped in after the lstat check
// opens at once, and is then refused by the fstat.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// hardLinks is the file's link count.
func hardLinks(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
