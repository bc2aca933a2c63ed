package osv

import (
	"archive/zip"
	"bufio"
	"bytes"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
)

// zipInMemory is the largest archive read into memory whole (its entries are
// then inflated straight from memory, without a system call each); larger
// ones are read from the file. (A variable for the tests.)
var zipInMemory int64 = 1 << 30

// openZip opens a zip archive, in memory when it is at most zipInMemory; mem is
// the archive's bytes then, nil otherwise.
func openZip(p string, size int64) (zr *zip.Reader, mem []byte, closer func(), err error) {
	if size <= zipInMemory {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, nil, err
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, nil, nil, err
		}
		return zr, data, func() {}, nil
	}
	rc, err := zip.OpenReader(p)
	if err != nil {
		return nil, nil, nil, err
	}
	return &rc.Reader, nil, func() { rc.Close() }, nil
}

// zipEntries lists the *.json entries of a zip archive (mem: its bytes, when
// in memory).
func zipEntries(zr *zip.Reader, mem []byte) []entry {
	var out []entry
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.EqualFold(filepath.Ext(f.Name), ".json") {
			continue
		}
		size := int64(f.UncompressedSize64)
		if f.UncompressedSize64 > 1<<62 {
			size = 1 << 62
		}
		out = append(out, entry{name: f.Name, size: size, open: func() (io.ReadCloser, error) { return openZipEntry(f, mem) }})
	}
	return out
}

// openZipEntry opens one entry as archive/zip's File.Open does (stored or
// deflated, its size and CRC-32 checked at the end), but inflates with a
// pooled klauspost/compress reader straight from the archive's bytes: an OSV
// export is some 100,000 entries of a few KiB, where File.Open's per-entry
// buffers and compress/flate's byte-at-a-time reads took most of the time.
func openZipEntry(f *zip.File, mem []byte) (io.ReadCloser, error) {
	var body io.Reader
	if mem != nil {
		off, err := f.DataOffset()
		if err != nil {
			return nil, err
		}
		end := off + int64(f.CompressedSize64)
		if off < 0 || end < off || end > int64(len(mem)) || f.CompressedSize64 > 1<<62 {
			return nil, zip.ErrFormat
		}
		body = bytes.NewReader(mem[off:end])
	} else {
		raw, err := f.OpenRaw()
		if err != nil {
			return nil, err
		}
		body = bufio.NewReader(raw)
	}
	r := &zipEntryReader{f: f}
	switch f.Method {
	case zip.Store:
		r.r = body
	case zip.Deflate:
		fr, _ := inflaters.Get().(io.ReadCloser)
		if fr == nil {
			fr = flate.NewReader(body)
		} else if err := fr.(flate.Resetter).Reset(body, nil); err != nil {
			return nil, err
		}
		r.r, r.inflater = fr, fr
	default:
		return nil, zip.ErrAlgorithm
	}
	return r, nil
}

// inflaters holds idle flate readers, each reset for the next entry.
var inflaters sync.Pool

// zipEntryReader reads one entry and checks its size and CRC-32 against the
// central directory, as archive/zip does.
type zipEntryReader struct {
	f        *zip.File
	r        io.Reader
	inflater io.ReadCloser // returned to inflaters on Close
	n        uint64
	crc      uint32
	err      error
}

func (r *zipEntryReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.r.Read(p)
	r.crc = crc32.Update(r.crc, crc32.IEEETable, p[:n])
	r.n += uint64(n)
	switch {
	case r.n > r.f.UncompressedSize64:
		return 0, r.fail(zip.ErrFormat)
	case err == io.EOF && r.n != r.f.UncompressedSize64:
		return 0, r.fail(io.ErrUnexpectedEOF)
	case err == io.EOF && r.f.CRC32 != 0 && r.crc != r.f.CRC32:
		return 0, r.fail(zip.ErrChecksum)
	case err != nil:
		r.err = err
	}
	return n, err
}

func (r *zipEntryReader) fail(err error) error {
	r.err = err
	return err
}

func (r *zipEntryReader) Close() error {
	if r.inflater != nil {
		inflaters.Put(r.inflater)
		r.inflater = nil
	}
	r.err = io.ErrClosedPipe
	return nil
}

// isZip reports whether the file starts like a zip archive.
func isZip(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	return n == 4 && bytes.Equal(magic[:], []byte("PK\x03\x04"))
}
