package records

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
)

// ZipInMemory is the largest archive read into memory whole (its entries are
// then inflated straight from memory, without a system call each); larger
// ones are read from the file. (A variable for the tests.)
var ZipInMemory int64 = 1 << 30

// openZip opens a zip archive, in memory when it is at most ZipInMemory; mem is
// the archive's bytes then, nil otherwise.
func openZip(p string, size int64) (zr *zip.Reader, mem []byte, closer func(), err error) {
	if size <= ZipInMemory {
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
		out = append(out, zipEntry(f, mem))
	}
	return out
}

// zipEntry is one entry of a zip archive (mem: its bytes, when in memory).
func zipEntry(f *zip.File, mem []byte) entry {
	size := int64(f.UncompressedSize64)
	if f.UncompressedSize64 > 1<<62 {
		size = 1 << 62
	}
	return entry{name: f.Name, size: size, open: func() (io.ReadCloser, error) { return openZipEntry(f, mem) }}
}

// openZipEntry opens one entry as archive/zip's File.Open does (stored or
// deflated; its size, CRC-32 and data descriptor checked at the end), but, for
// an archive in memory, inflates with a pooled klauspost/compress reader
// straight from its bytes: an OSV export is some 100,000 entries of a few KiB,
// where File.Open's per-entry buffers and compress/flate's byte-at-a-time
// reads took most of the time. An archive read from the file (over
// ZipInMemory) is left to File.Open.
func openZipEntry(f *zip.File, mem []byte) (io.ReadCloser, error) {
	if mem == nil {
		return f.Open()
	}
	off, err := f.DataOffset()
	if err != nil {
		return nil, err
	}
	end := off + int64(f.CompressedSize64)
	if off < 0 || end < off || end > int64(len(mem)) || f.CompressedSize64 > 1<<62 {
		return nil, zip.ErrFormat
	}
	body := bytes.NewReader(mem[off:end])
	r := &zipEntryReader{f: f}
	if f.Flags&flagDataDescriptor != 0 {
		r.descriptor = mem[end:]
	}
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

// flagDataDescriptor is the general purpose flag saying that a data
// descriptor (CRC-32 and sizes) follows the entry's data.
const flagDataDescriptor = 0x8

// inflaters holds idle flate readers, each reset for the next entry.
var inflaters sync.Pool

// zipEntryReader reads one entry and checks its size and CRC-32 against the
// central directory, as archive/zip does.
type zipEntryReader struct {
	f        *zip.File
	r        io.Reader
	inflater io.ReadCloser // returned to inflaters on Close
	// descriptor is what follows the data when a data descriptor does.
	descriptor []byte
	n          uint64
	crc        uint32
	err        error
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
	case err == io.EOF && r.descriptor != nil:
		if derr := checkDescriptor(r.descriptor, r.f.CRC32); derr != nil {
			return 0, r.fail(derr)
		}
		if r.crc != r.f.CRC32 {
			return 0, r.fail(zip.ErrChecksum)
		}
		r.err = err
	case err == io.EOF && r.f.CRC32 != 0 && r.crc != r.f.CRC32:
		return 0, r.fail(zip.ErrChecksum)
	case err != nil:
		r.err = err
	}
	return n, err
}

// checkDescriptor reads a data descriptor (its signature optional) as
// archive/zip does: its CRC-32 must be the central directory's; its sizes are
// not read (the central directory's count). d is the archive from the end of
// the entry's data on.
func checkDescriptor(d []byte, crc uint32) error {
	if len(d) < 4 {
		return io.ErrUnexpectedEOF
	}
	if binary.LittleEndian.Uint32(d) == 0x08074b50 {
		d = d[4:]
	}
	if len(d) < 12 { // CRC-32 and the two 32-bit sizes
		return io.ErrUnexpectedEOF
	}
	if binary.LittleEndian.Uint32(d) != crc {
		return zip.ErrChecksum
	}
	return nil
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
