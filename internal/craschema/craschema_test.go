package craschema_test

import (
	"bytes"
	"errors"
	"github.com/cra-gate/cra-gate/internal/craschema/schematest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/craschema"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/repo"
)

// root is the repository root, seen from this package.
const root = "../.."

// now is the date the gate runs on in these tests.
var now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// TestSchemaCurrent fails when schema/cra.schema.json is not what the
// manifest model generates.
func TestSchemaCurrent(t *testing.T) {
	want, err := craschema.Generate(checks.Waivable())
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile(filepath.Join(root, craschema.File))
	if err != nil {
		t.Fatalf("%v: run %s", err, craschema.Regenerate)
	}
	if !bytes.Equal(have, want) {
		t.Errorf("%s is out of step with the manifest model; run %s and commit the result", craschema.File, craschema.Regenerate)
	}
	ref, err := craschema.Reference(want)
	if err != nil {
		t.Fatal(err)
	}
	if have, _ := os.ReadFile(filepath.Join(root, craschema.ReferenceFile)); !bytes.Equal(have, ref) {
		t.Errorf("%s is out of step with internal/manifest/keys.md; run %s and commit the result", craschema.ReferenceFile, craschema.Regenerate)
	}
}

// TestGenerateNeedsEveryDescription: a key without a description, and a
// description without a key, stop the generator.
func TestGenerateNeedsEveryDescription(t *testing.T) {
	saved := manifest.KeyDocs["support.rationale"]
	delete(manifest.KeyDocs, "support.rationale")
	manifest.KeyDocs["support.rationael"] = saved
	defer func() {
		delete(manifest.KeyDocs, "support.rationael")
		manifest.KeyDocs["support.rationale"] = saved
	}()
	_, err := craschema.Generate(checks.Waivable())
	if err == nil || !strings.Contains(err.Error(),
		`key "support.rationale" has no description`) || !strings.Contains(err.Error(),
		`documents "support.rationael", which is no key`) {
		t.Fatalf("Generate: %v", err)
	}
}

// validator is the schema as the repository holds it.
func validator(t *testing.T) *schematest.Validator {
	t.Helper()
	v, err := schematest.Load(filepath.Join(root, craschema.File))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// compared are the manifest check's error rules the schema expresses. The
// others are judged by the gate alone: manifest-path (where a path leads in
// the repository), manifest-duplicate-name (names unique across three
// sections, whatever their case), waiver-expired (today's date).
var compared = map[string]bool{
	"manifest-syntax": true, "manifest-limit": true, "manifest-type": true, "manifest-unknown-key": true,
	"manifest-schema-unsupported": true, "manifest-required": true, "manifest-invalid-value": true, "waiver-invalid": true,
}

// gate runs cra-gate on a repository holding only cra.toml = src, and
// returns its findings of the compared rules.
type gate struct {
	dir  string
	r    *repo.Repo
	runs int
}

func newGate(t *testing.T) *gate {
	dir := t.TempDir()
	r, err := repo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &gate{dir: dir, r: r}
}

func (g *gate) reject(t *testing.T, src []byte) []string {
	t.Helper()
	return g.errors(t, src, compared)
}

// rejectAll returns the findings of every error rule of the manifest check.
func (g *gate) rejectAll(t *testing.T, src []byte) []string { t.Helper(); return g.errors(t, src, nil) }

func (g *gate) errors(t *testing.T, src []byte, rules map[string]bool) []string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(g.dir, "cra.toml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	g.runs++
	res, err := checks.Run(g.r, "cra.toml", checks.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		if f.Check == finding.CheckManifest && f.Severity == finding.Error && (rules == nil || rules[f.Rule]) {
			out = append(out, f.Rule+": "+f.Message)
		}
	}
	return out
}

// schemaRejects validates src; the two drafts must agree.
func schemaRejects(t *testing.T, v *schematest.Validator, src []byte) error {
	t.Helper()
	err := v.Validate(src)
	var dd *schematest.DraftsDisagree
	if errors.As(err, &dd) {
		t.Errorf("%v\n%s", err, src)
	}
	return err
}

// TestFilesAgree: the bundled examples and the project's own cra.toml are
// judged alike by the schema and the gate (examples/camera-gaps has an
// unknown key on purpose), both accept testdata/every-table.toml, and every
// cra.toml the manifest fuzz corpus holds that the gate reads without an
// error the schema expresses, the schema accepts.
func TestFilesAgree(t *testing.T) {
	v, g := validator(t), newGate(t)
	files, err := filepath.Glob(filepath.Join(root, "examples", "*", "cra.toml"))
	if err != nil || len(files) < 3 {
		t.Fatalf("examples not found: %v %v", files, err)
	}
	files = append(files, filepath.Join(root, "cra.toml"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		gateErrs, schemaErr := g.reject(t, src), schemaRejects(t, v, src)
		if (len(gateErrs) > 0) != (schemaErr != nil) {
			t.Errorf("%s: the gate says %q, the schema %v", f, gateErrs, schemaErr)
		}
		// The examples are copied into other repositories: they name the
		// schema by URL. The project's own cra.toml names the checkout's.
		want := "#:schema " + craschema.ID
		if filepath.Dir(f) == root {
			want = "#:schema ./" + craschema.File
		}
		if first, _, _ := strings.Cut(string(src), "\n"); first != want {
			t.Errorf("%s: the first line is %q, want %q", f, first, want)
		}
	}
	// An annotated cra.toml that writes every table.
	every, err := os.ReadFile(filepath.Join("testdata", "every-table.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if gateErrs, schemaErr := g.reject(t, every), schemaRejects(t, v, every); len(gateErrs) > 0 || schemaErr != nil {
		t.Errorf("testdata/every-table.toml: the gate says %q, the schema %v", gateErrs, schemaErr)
	}
	corpus, err := filepath.Glob(filepath.Join(root, "internal", "manifest", "testdata", "fuzz", "*", "*"))
	if err != nil || len(corpus) == 0 {
		t.Fatalf("no fuzz corpus: %v", err)
	}
	for _, f := range corpus {
		src := fuzzInput(t, f)
		if len(g.reject(t, src)) == 0 {
			if err := schemaRejects(t, v, src); err != nil {
				t.Errorf("%s: the gate accepts it, the schema says %v", f, err)
			}
		}
	}
}

// fuzzInput reads the single []byte input of a Go fuzz corpus file.
func fuzzInput(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") {
		t.Fatalf("%s: not a corpus file of one []byte", path)
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}

// TestSchemaKeysAreTheModels: the schema's keys are the model's, found by
// reflection over manifest.Manifest independently of the generator; the keys
// of a map (gate.sbom_thresholds) are the gate's to judge, in TestAgreement.
func TestSchemaKeysAreTheModels(t *testing.T) {
	model, maps := map[string]bool{}, map[string]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for i := range t.NumField() {
			k := t.Field(i).Tag.Get("toml")
			if k == "" || k == "-" {
				continue
			}
			p := strings.TrimPrefix(path+"."+k, ".")
			model[p] = true
			ft := t.Field(i).Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			switch {
			case ft.Kind() == reflect.Map:
				maps[p] = true
			case ft.Kind() == reflect.Struct &&
				ft != reflect.TypeOf(time.Time{}) &&
				!reflect.PointerTo(ft).Implements(reflect.TypeOf((*manifest.Unmarshaler)(nil)).Elem()):
				walk(ft, p)
			}
		}
	}
	walk(reflect.TypeOf(manifest.Manifest{}), "")
	schema := map[string]bool{}
	for _, n := range nodes(t, loadSchema(t)) {
		if n.path != "" && !maps[parent(n.path)] {
			schema[n.path] = true
		}
	}
	if !reflect.DeepEqual(schema, model) {
		t.Errorf("schema keys %v\nmodel keys %v", sortedKeys(schema), sortedKeys(model))
	}
}

func parent(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// TestSBOMTableAgrees: an [[rdps]] SBOM named by { url, sha256 } is accepted
// by both when well-formed, refused by both when not.
func TestSBOMTableAgrees(t *testing.T) {
	v, g := validator(t), newGate(t)
	every, err := os.ReadFile(filepath.Join("testdata", "every-table.toml"))
	if err != nil {
		t.Fatal(err)
	}
	const rdpsSBOM = "sbom = [\"sbom/cloud-api.cdx.json\","
	if !strings.Contains(string(every), rdpsSBOM) {
		t.Fatalf("testdata/every-table.toml has no %s", rdpsSBOM)
	}
	const sum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	for table, ok := range map[string]bool{
		`{ url = "https://example.com/s.cdx.json", sha256 = "` + sum + `" }`:                  true,
		`{ url = "https://example.com/s.cdx.json", sha256 = "` + strings.ToUpper(sum) + `" }`: true,
		`{ url = "http://example.com/s.cdx.json", sha256 = "` + sum + `" }`:                   false,
		`{ url = "https://example.com/s.cdx.json", sha256 = "` + sum[:63] + `" }`:             false,
		`{ url = "https://example.com/s.cdx.json" }`:                                          false,
		`{ url = "https://example.com/s.cdx.json", sha256 = "` + sum + `", size = 3 }`:        false,
		`{ url = "https://user@example.com/s.cdx.json", sha256 = "` + sum + `" }`:             false,
		`3`: false,
	} {
		start := strings.Index(string(every), rdpsSBOM)
		end := start + strings.Index(string(every[start:]), "}]\n") + 3
		src := []byte(string(every[:start]) + "sbom = [" + table + "]\n" + string(every[end:]))
		gateErrs, schemaErr := g.reject(t, src), schemaRejects(t, v, src)
		if (len(gateErrs) == 0) != ok || (schemaErr == nil) != ok {
			t.Errorf("sbom = [%s]: the gate says %q, the schema %v; want accepted %v", table, gateErrs, schemaErr, ok)
		}
	}
}
