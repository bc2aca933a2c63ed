package osv

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"github.com/cra-gate/cra-gate/internal/vuln/records"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

const rec1 = `{"id":"GHSA-1","modified":"2026-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"versions":["1.0.0"]}]}`

func writeZip(t *testing.T, entries map[string][]byte, method uint16) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "all.zip")
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	os.WriteFile(p, b.Bytes(), 0o644)
	return p
}

func TestLoadRealRecords(t *testing.T) {
	dir := realdata.Dir(t, "osv")
	db, probs := loadDB([]string{dir}, nil, nil, Limits{})
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	// 294 records, 3 of them withdrawn (INDEX.md).
	if db.Read != 294 || db.Withdrawn != 3 || db.Kept != 291 {
		t.Errorf("read %d, withdrawn %d, kept %d", db.Read, db.Withdrawn, db.Kept)
	}
	got := db.Lookup(NewKey("Maven", "org.springframework:spring-beans"))
	if len(got) != 1 || got[0].GetId() != "GHSA-36p3-wjmg-h94x" {
		t.Errorf("spring-beans: %v", got)
	}
	// Only wanted packages are kept.
	db, _ = loadDB([]string{dir}, func(k Key) bool { return k == NewKey("npm", "minimist") }, map[string]bool{"minimist": true}, Limits{})
	if db.Kept != 2 || len(db.Lookup(NewKey("npm", "lodash"))) != 0 {
		t.Errorf("wanted minimist only: kept %d", db.Kept)
	}
}

func TestLoadZipAndDuplicates(t *testing.T) {
	newer := strings.Replace(rec1, "2026-01-01", "2026-06-01", 1)
	newer = strings.Replace(newer, `"1.0.0"`, `"2.0.0"`, 1)
	z := writeZip(t, map[string][]byte{"GHSA-1.json": []byte(rec1), "README.txt": []byte("not a record")}, zip.Deflate)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "GHSA-1.json"), []byte(newer), 0o644)
	db, probs := loadDB([]string{z, dir}, nil, nil, Limits{})
	if len(probs) != 0 || db.Kept != 1 {
		t.Fatalf("kept %d, problems %v", db.Kept, probs)
	}
	if v := db.Lookup(NewKey("npm", "lodash"))[0].GetAffected()[0].GetVersions()[0]; v != "2.0.0" {
		t.Errorf("the record modified last wins, got versions %s", v)
	}
}

func TestLoadZipBomb(t *testing.T) {
	// 64 MiB of spaces compress to a few KiB: over the per-record limit.
	bomb := append([]byte(`{"id":"X",`), bytes.Repeat([]byte(" "), 64<<20)...)
	z := writeZip(t, map[string][]byte{"bomb.json": append(bomb, '}'), "ok.json": []byte(rec1)}, zip.Deflate)
	if fi, _ := os.Stat(z); fi.Size() > 1<<20 {
		t.Fatalf("test zip is %d bytes", fi.Size())
	}
	db, probs := loadDB([]string{z}, nil, nil, Limits{RecordBytes: 1 << 20})
	if len(probs) != 1 || probs[0].Entry != "bomb.json" || !strings.Contains(probs[0].Msg, "over the 1048576 bytes") {
		t.Fatalf("problems: %v", probs)
	}
	if db.Kept != 1 {
		t.Errorf("the other record is still read: %d", db.Kept)
	}
	// A total limit stops the source.
	_, probs = loadDB([]string{z}, nil, nil, Limits{RecordBytes: 128 << 20, TotalBytes: 8 << 20})
	if len(probs) == 0 || !probs[len(probs)-1].Fatal && !probs[0].Fatal {
		t.Fatalf("total limit: %v", probs)
	}
}

func TestLoadProblems(t *testing.T) {
	dir := t.TempDir()
	for i := range 30 {
		os.WriteFile(filepath.Join(dir, "bad"+string(rune('a'+i%26))+string(rune('a'+i/26))+".json"), []byte("{"), 0o644)
	}
	os.WriteFile(filepath.Join(dir,
		"wrong.json"), []byte(`{"id":"X","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"NOPE","events":"x"}]}]}`), 0o644)
	_, probs := loadDB([]string{dir, filepath.Join(dir, "missing")}, nil, nil, Limits{})
	if len(probs) != 20+2 { // 20 per source (records), then "and N more", then the missing source
		t.Fatalf("%d problems: %v", len(probs), probs)
	}
	last := probs[len(probs)-1]
	if !last.Fatal || !strings.Contains(last.Msg, "cannot be read") {
		t.Errorf("missing source: %+v", last)
	}
	if !strings.Contains(probs[len(probs)-2].Msg, "and 11 more") {
		t.Errorf("counted rest: %+v", probs[len(probs)-2])
	}
}

func TestParseRecord(t *testing.T) {
	for _, bad := range []string{``, `[]`, `{"id": ""}`, `{"id": 1}`, `{"id":"X","modified":"yesterday"}`, "{\"id\":\"\xff\"}"} {
		if _, err := ParseRecord([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	rec, err := ParseRecord([]byte(`{"id":"X","aliases":["CVE-2021-1","GHSA-a"],"unknown_field":{"a":1},"severity":[{"type":"CVSS_V9",` +
		`"score":"x"},{"type":"CVSS_V3","score":"CVSS:3.1/AV:N"}],"database_specific":{"severity":"HIGH"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := Severity(rec); got != "HIGH; CVSS_V3 CVSS:3.1/AV:N" && got != "HIGH; UNSPECIFIED x; CVSS_V3 CVSS:3.1/AV:N" {
		t.Errorf("severity %q", got)
	}
	if c := CVEs(rec); len(c) != 1 || c[0] != "CVE-2021-1" {
		t.Errorf("CVEs %v", c)
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(rec1))
	f.Add([]byte(`{"id":"X","affected":[{"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := ParseRecord(data)
		if err == nil && rec.GetId() == "" {
			t.Fatal("record without id accepted")
		}
		Severity(rec)
		CVEs(rec)
	})
}

func TestPEP503(t *testing.T) {
	for in, want := range map[string]string{"Django_REST.framework": "django-rest-framework",
		"a--b":           "a-b",
		"requests":       "requests",
		"Zope.Interface": "zope-interface",
		"x__":            "x-"} {
		if got := NewKey("PyPI", in).Name; got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	if NewKey("npm", "Left_Pad").Name != "Left_Pad" {
		t.Error("only PyPI names are normalized")
	}
}

// TestZipEntryChecks: the zip reader checks what archive/zip's File.Open
// does (method, size, CRC-32), from memory and from the file alike, and names
// the entry that fails.
func TestZipEntryChecks(t *testing.T) {
	crc := func(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
	deflated := func(b []byte) []byte {
		var out bytes.Buffer
		fw, _ := flate.NewWriter(&out, flate.DefaultCompression)
		fw.Write(b)
		fw.Close()
		return out.Bytes()
	}
	rec := []byte(rec1)
	type raw struct {
		method       uint16
		data         []byte
		crc          uint32
		uncompressed int
	}
	entries := map[string]raw{
		"ok-stored.json": {zip.Store, rec, crc(rec), len(rec)},
		"ok-deflated.json": {zip.Deflate,
			deflated([]byte(strings.Replace(rec1, "GHSA-1", "GHSA-2", 1))),
			crc([]byte(strings.Replace(rec1, "GHSA-1", "GHSA-2", 1))),
			len(rec)},
		"bad-crc.json":     {zip.Store, rec, crc(rec) ^ 1, len(rec)},
		"bad-deflate.json": {zip.Deflate, []byte{0xff, 0xff, 0xff, 0xff}, 1, len(rec)},
		"short.json":       {zip.Deflate, deflated(rec[:20]), crc(rec), len(rec)},
		"long.json":        {zip.Store, rec, crc(rec[:10]), 10},
		"bzip2.json":       {12, rec, crc(rec), len(rec)},
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, e := range entries {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: e.method, CRC32: e.crc,
			CompressedSize64: uint64(len(e.data)), UncompressedSize64: uint64(e.uncompressed)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	zw.Close()
	p := filepath.Join(t.TempDir(), "all.zip")
	os.WriteFile(p, b.Bytes(), 0o644)
	want := map[string]string{
		"bad-crc.json":     "checksum error",
		"bad-deflate.json": "cannot be read",
		"short.json":       "unexpected EOF",
		"long.json":        "not a valid zip file",
		"bzip2.json":       "unsupported compression algorithm",
	}
	for _, inMemory := range []bool{true, false} {
		t.Run(fmt.Sprint("in memory ", inMemory), func(t *testing.T) {
			if !inMemory {
				defer func(v int64) { records.ZipInMemory = v }(records.ZipInMemory)
				records.ZipInMemory = 0
			}
			db, probs := loadDB([]string{p}, nil, nil, Limits{})
			if db.Kept != 2 || len(db.Lookup(NewKey("npm", "lodash"))) != 2 {
				t.Errorf("kept %d records, want the two good ones", db.Kept)
			}
			got := map[string]string{}
			for _, pr := range probs {
				got[pr.Entry] = pr.Msg
			}
			for entry, msg := range want {
				if !strings.Contains(got[entry], msg) {
					t.Errorf("%s: problem %q, want it to say %q", entry, got[entry], msg)
				}
			}
			if len(probs) != len(want) {
				t.Errorf("%d problems, want %d: %v", len(probs), len(want), probs)
			}
		})
	}
}

// loadDB reads the sources and indexes the records wanted: Start, then Load.
func loadDB(sources []string, want func(Key) bool, names map[string]bool, lim Limits) (*DB, []Problem) {
	return Start(sources, lim).Load(want, names)
}

// TestNewestAndUndated: the database knows the newest "modified" time of
// the records it read, and how many give none (golang/vulndb's own files
// write the zero time).
func TestNewestAndUndated(t *testing.T) {
	dir := t.TempDir()
	for id, mod := range map[string]string{"GO-1": "0001-01-01T00:00:00Z", "GO-2": "", "GHSA-3": "2024-05-01T10:00:00Z",
		"GHSA-4": "2025-02-03T04:05:06.789Z"} {
		field := ""
		if mod != "" {
			field = fmt.Sprintf(`"modified": %q, `, mod)
		}
		rec := fmt.Sprintf(`{"id": %q, %s"affected": [{"package": {"ecosystem": "Go", "name": "example.com/x"}}]}`, id, field)
		if err := os.WriteFile(filepath.Join(dir, id+".json"), []byte(rec), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db, probs := Start([]string{dir}, Limits{}).Load(nil, nil)
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	if want := time.Date(2025, 2, 3, 4, 5, 6, 789_000_000, time.UTC); !db.Newest.Equal(want) || db.Undated != 2 || db.Read != 4 {
		t.Errorf("newest %v, undated %d of %d; want %v, 2 of 4", db.Newest, db.Undated, db.Read, want)
	}
}
