package records

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"testing"
)

// FuzzZipEntries: on any archive, the zip reader reads an entry exactly when
// archive/zip's File.Open does, and the same bytes.
func FuzzZipEntries(f *testing.F) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i, method := range []uint16{zip.Deflate, zip.Store} {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("r%d.json", i), Method: method})
		w.Write([]byte(`{"id":"X-1"}`))
	}
	zw.Close()
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		l := &loader{lim: Limits{RecordBytes: 1 << 20, TotalBytes: 1 << 30, Records: 100}}
		for i, zf := range zr.File {
			if i == 20 {
				break
			}
			got, release, _, ok := l.readEntry("fuzz.zip", zipEntry(zf, data), true)
			var want []byte
			rc, err := zf.Open()
			if err == nil {
				want, err = io.ReadAll(io.LimitReader(rc, 1<<20+1))
				rc.Close()
			}
			stdOK := err == nil && len(want) <= 1<<20
			if ok != stdOK || ok && !bytes.Equal(got, want) {
				t.Fatalf("%s: read %v (%d bytes), archive/zip %v (%d bytes, %v)", zf.Name, ok, len(got), stdOK, len(want), err)
			}
			if ok {
				release()
			}
		}
	})
}
