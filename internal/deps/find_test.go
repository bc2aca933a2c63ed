package deps

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFind(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":               {Data: []byte(goModFixture)},
		"package-lock.json":    {Data: []byte(lockV3Fixture)},
		"package.json":         {Data: []byte(`{"dependencies": {"not-read": "1.0.0"}}`)},
		"Cargo.toml":           {Data: []byte("[package]\nname = \"edge-proxy\"\nversion = \"0.7.0\"\n\n[dependencies]\nserde = \"1\"\n")},
		"Cargo.lock":           {Data: []byte(cargoLockFixture)},
		"requirements.txt":     {Data: []byte("Django==4.2.9\n")},
		"sub/go.mod":           {Data: []byte("module sub\nrequire a.example/nested v1.0.0\n")},
		"sub/requirements.txt": {Data: []byte("nested==1\n")},
	}
	res, err := Find(readerOf(fsys), ".")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"go.mod", "package-lock.json", "Cargo.toml", "Cargo.lock", "requirements.txt"}; !reflect.DeepEqual(res.Manifests, want) {
		t.Errorf("manifests %v, want %v", res.Manifests, want)
	}
	count := map[string]int{}
	for _, d := range res.Deps {
		count[d.Ecosystem]++
		if strings.Contains(d.Name, "nested") || d.Name == "not-read" {
			t.Errorf("read %s from a file it should not read", d.Name)
		}
		if d.Name == "serde" && (d.Version != "1.0.195" || !d.Pinned) {
			t.Errorf("serde not pinned from Cargo.lock: %+v", d)
		}
	}
	if want := map[string]int{Golang: 7, Npm: 5, Cargo: 1, PyPI: 1}; !reflect.DeepEqual(count, want) {
		t.Errorf("dependencies per ecosystem %v, want %v", count, want)
	}

	sub, err := Find(readerOf(fsys), "sub")
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Deps) != 2 || sub.Deps[0].Manifest != "sub/go.mod" || sub.Deps[1].Manifest != "sub/requirements.txt" {
		t.Errorf("sub: %+v", sub)
	}
}

func TestFindNPMFallbacks(t *testing.T) {
	pj := `{"dependencies": {"express": "^4.17.0", "lodash": "^4.17.0"}, "devDependencies": {"jest": "^26"}}`
	for _, tc := range []struct {
		name      string
		fsys      fstest.MapFS
		manifests []string
		deps      []string
	}{
		{"v1 lock with package.json", fstest.MapFS{
			"package-lock.json": {Data: []byte(lockV1Fixture)},
			"package.json":      {Data: []byte(pj)},
		}, []string{"package-lock.json", "package.json"}, []string{"express@4.17.1", "lodash@4.17.21"}},
		{"package.json alone", fstest.MapFS{
			"package.json": {Data: []byte(pj)},
		}, []string{"package.json"}, []string{"express@^4.17.0", "lodash@^4.17.0"}},
		{"shrinkwrap wins", fstest.MapFS{
			"npm-shrinkwrap.json": {Data: []byte(`{"lockfileVersion": 3, "packages": {"": {"dependencies": {"a": "1.0.0"}}, "node_modules/a": {"version": "1.0.0"}}}`)},
			"package-lock.json":   {Data: []byte(lockV3Fixture)},
		}, []string{"npm-shrinkwrap.json"}, []string{"a@1.0.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Find(readerOf(tc.fsys), "")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Manifests, tc.manifests) {
				t.Errorf("manifests %v, want %v", res.Manifests, tc.manifests)
			}
			var got []string
			for _, d := range res.Deps {
				got = append(got, d.Name+"@"+d.Version)
			}
			if !reflect.DeepEqual(got, tc.deps) {
				t.Errorf("deps %v, want %v", got, tc.deps)
			}
		})
	}
}

func TestFindErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"go.mod":           {Data: []byte("module m\nrequire (\n")},
		"requirements.txt": {Data: []byte("ok==1\n")},
		"Cargo.toml":       {Data: []byte("[dependencies]\nserde = \"1\"\n")},
		"Cargo.lock":       {Data: []byte("[[package]\n")},
	}
	res, err := Find(readerOf(fsys), ".")
	if err == nil {
		t.Fatal("no error for a malformed go.mod and Cargo.lock")
	}
	for _, want := range []string{"go.mod:3", "Cargo.lock:1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if len(res.Deps) != 1 || res.Deps[0].Name != "ok" {
		t.Errorf("the valid manifest's dependencies were lost: %+v", res.Deps)
	}

	for _, dir := range []string{"../up", "/abs"} {
		if _, err := Find(readerOf(fsys), dir); err == nil {
			t.Errorf("no error for folder %q outside the FS", dir)
		}
	}
	if res, err := Find(readerOf(fstest.MapFS{"a/go.mod": {Data: []byte("module a\nrequire x.y/z v1.0.0\n")}}), "a/"); err != nil || len(res.Deps) != 1 {
		t.Errorf("folder with a trailing slash: %+v, %v", res, err)
	}
	res, err = Find(readerOf(fstest.MapFS{}), "absent")
	if err != nil || len(res.Deps) != 0 || len(res.Manifests) != 0 {
		t.Errorf("empty folder: %+v, %v", res, err)
	}
	// A read failure other than absence is reported.
	_, err = Find(readerOf(fstest.MapFS{"go.mod/x": {Data: []byte("dir")}}), ".")
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("go.mod as a folder: %v, want a read error", err)
	}
}

// mapReader reads an fstest.MapFS as Find's Reader.
type mapReader struct{ fsys fs.FS }

func readerOf(fsys fs.FS) Reader { return mapReader{fsys} }

type tooLarge struct{ size int64 }

func (e tooLarge) Error() string   { return "too large" }
func (e tooLarge) TooLarge() int64 { return e.size }

func (r mapReader) ReadFile(name string, limit int64) ([]byte, error) {
	data, err := fs.ReadFile(r.fsys, name)
	if err == nil && int64(len(data)) > limit {
		return nil, tooLarge{int64(len(data))}
	}
	return data, err
}

// TestFindBounded: a manifest over its limit is an error naming the file and
// the limit, and is not parsed (a 3 GB go.mod once took 22 s and 3.1 GB, and
// the gate passed).
func TestFindBounded(t *testing.T) {
	big := "module m\n" + strings.Repeat("// padding\n", MaxGoMod/11+1)
	res, err := Find(readerOf(fstest.MapFS{"go.mod": {Data: []byte(big)}, "requirements.txt": {Data: []byte("Django==4.2.9\n")}}), ".")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != "go.mod" || !strings.Contains(pe.Msg, "more than the 1 MiB the gate reads of a go.mod") {
		t.Fatalf("err = %v", err)
	}
	if len(res.Deps) != 1 || res.Deps[0].Name != "Django" {
		t.Errorf("the other manifests are still read: %+v", res.Deps)
	}
}

// TestBudget: over many source folders, the manifests read in all stay
// within MaxTotal; past it a manifest is refused unread, with a message that
// says why.
func TestBudget(t *testing.T) {
	lock := `{"lockfileVersion":3,"packages":{"":{"dependencies":{"a":"1.0.0"}},"node_modules/a":{"version":"1.0.0"}},"pad":"` + strings.Repeat("x", 10<<20) + `"}`
	fsys := fstest.MapFS{}
	for _, d := range []string{"a", "b", "c"} {
		fsys[d+"/package-lock.json"] = &fstest.MapFile{Data: []byte(lock)}
	}
	b := NewBudget(readerOf(fsys))
	for i, d := range []string{"a", "b", "c"} {
		res, err := Find(b, d)
		if i < 2 && (err != nil || len(res.Deps) != 1) {
			t.Fatalf("%s: %+v, %v", d, res, err)
		}
		var pe *ParseError
		if i == 2 && (!errors.As(err, &pe) || !strings.Contains(pe.Msg, "would pass the 24 MiB the gate reads in all")) {
			t.Fatalf("%s: err = %v", d, err)
		}
	}
}
