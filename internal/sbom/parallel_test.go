package sbom

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
	"github.com/cra-gate/cra-gate/internal/sbomgen"
)

// parseSerial parses with one CPU, so that the components are decoded in one
// piece with the rest.
func parseSerial(t *testing.T, data []byte) (*Document, error) {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	return Parse(data)
}

// TestParallelDecodeSameDocument decodes SBOMs in parts on several CPUs and in
// one piece on one, and measures their coverage both ways: the documents and
// the coverage are the same. The real SBOMs are small, so
// the threshold is lowered for them.
func TestParallelDecodeSameDocument(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	defer func(n int) { parallelMinComponents = n }(parallelMinComponents)
	parallelMinComponents = 2
	t.Run("generated", func(t *testing.T) {
		sameDocument(t, map[string][]byte{
			"generated 5000":      sbomgen.CycloneDXJSON(5000),
			"generated lean 4001": sbomgen.CycloneDXJSONLean(4001),
		}, 2)
	})
	t.Run("realdata", func(t *testing.T) {
		inputs := map[string][]byte{}
		for _, dir := range []string{"sbom", "sbom-corpus"} {
			files, err := filepath.Glob(filepath.Join(realdata.Dir(t, dir), "*.json"))
			if err != nil || len(files) == 0 {
				t.Fatalf("no real SBOMs in %s: %v", dir, err)
			}
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				inputs[dir+"/"+filepath.Base(f)] = data
			}
		}
		sameDocument(t, inputs, 20)
	})
}

// sameDocument decodes each input in parts and in one piece and compares the
// documents and their coverage; at least minSplit inputs must be split.
func sameDocument(t *testing.T, inputs map[string][]byte, minSplit int) {
	t.Helper()
	split := 0
	for name, data := range inputs {
		if elems, exact := topArrayElements(data, "components"); exact && len(elems) >= parallelMinComponents {
			split++
		}
		par, perr := Parse(data)
		ser, serr := parseSerial(t, data)
		if fmt.Sprint(perr) != fmt.Sprint(serr) {
			t.Errorf("%s: errors differ:\n  parallel %v\n  serial   %v", name, perr, serr)
			continue
		}
		if !reflect.DeepEqual(par, ser) {
			t.Errorf("%s: the parallel decode differs", name)
		}
		if par == nil {
			continue
		}
		qp := Coverage(par)
		restore := runtime.GOMAXPROCS(1)
		qs := Coverage(ser)
		runtime.GOMAXPROCS(restore)
		if !reflect.DeepEqual(qp, qs) {
			t.Errorf("%s: the coverage measured in parts differs:\n%+v\n%+v", name, qp, qs)
		}
	}
	if split < minSplit {
		t.Errorf("only %d of %d documents were decoded in parts", split, len(inputs))
	}
}

// TestParallelDecodeErrors puts a wrong type and a syntax error in the last
// part, bad separators between the parts, a syntax error after the array and
// a truncation: the error and its position are those of the decode in one
// piece.
func TestParallelDecodeErrors(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2)) // two parts: 0-1499, 1500-2999
	good := string(sbomgen.CycloneDXJSONLean(3000))
	last := `"name": "pkg-2999"`
	boundary := `@1.4.20"},` + "\n" + `    {"type": "library", "bom-ref": "pkg:npm/%40scope45/pkg-1500`
	if !strings.Contains(good, boundary) {
		t.Fatal("the generated SBOM changed: update the part boundary")
	}
	for k, bad := range []string{
		strings.Replace(good, last, `"name": 2999`, 1),                                  // wrong type
		strings.Replace(good, last, `"name": "pkg-2999", "version": }`, 1),              // syntax
		strings.Replace(good, boundary, strings.Replace(boundary, "},", "}", 1), 1),     // no comma between the parts
		strings.Replace(good, boundary, strings.Replace(boundary, "},", "},,", 1), 1),   // two
		strings.Replace(good, boundary, strings.Replace(boundary, "},", "}, 7,", 1), 1), // a value between
		strings.Replace(good, "]\n}", "], 1: 2\n}", 1),                                  // syntax after the array
		strings.Replace(good, last, `"name": 2999`, 1)[:len(good)-40],                   // and a truncated document
	} {
		if bad == good {
			t.Fatal("the generated SBOM changed: a replacement did not apply")
		}
		_, perr := Parse([]byte(bad))
		_, serr := parseSerial(t, []byte(bad))
		pe, ok1 := perr.(*Error)
		se, ok2 := serr.(*Error)
		if !ok1 || !ok2 || pe.Kind != Malformed || pe.Line != se.Line || pe.Column != se.Column || pe.Msg != se.Msg {
			t.Errorf("parallel %v\n  serial %v", perr, serr)
		}
		if k < 2 && ok1 && pe.Line < 5900 {
			t.Errorf("error at line %d, not in the last component", pe.Line)
		}
	}
}

// TestParallelDecodeFallsBack decodes in one piece what the top-level walk
// cannot delimit as a decoder reads it: "components" twice (the last wins in
// encoding/json), or as "Components".
func TestParallelDecodeFallsBack(t *testing.T) {
	var comps []string
	for i := range 2500 {
		comps = append(comps, fmt.Sprintf(`{"type":"library","name":"c%d","version":"1"}`, i))
	}
	list := "[" + strings.Join(comps, ",") + "]"
	for name, doc := range map[string]string{
		"twice":      `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"first","version":"1"}],"components":` + list + `}`,
		"other case": `{"bomFormat":"CycloneDX","specVersion":"1.6","Components":` + list + `}`,
		"both":       `{"bomFormat":"CycloneDX","specVersion":"1.6","components":` + list + `,"COMPONENTS":[]}`,
	} {
		par, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ser, _ := parseSerial(t, []byte(doc))
		if !reflect.DeepEqual(par, ser) {
			t.Errorf("%s: %d components in parts, %d in one piece", name, len(par.Components), len(ser.Components))
		}
	}
}
