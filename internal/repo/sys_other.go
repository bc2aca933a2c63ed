//go:build !unix

package repo

import (
	"io/fs"
	"os"
)

// openFlags: file systems outside Unix have no FIFOs in a working tree.
const openFlags = os.O_RDONLY

// hardLinks is not known from a FileInfo here; the check is Unix-only.
func hardLinks(fs.FileInfo) uint64 { return 1 }
