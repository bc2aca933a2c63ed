// Command perf measures the gate as its users feel it: whole processes, the
// release binary checking a compliant repository whose SBOM has N components,
// against the baseline of one encoding/json decode of the same SBOM into an
// any, also in a process of its own. The two run in turn, several times; perf
// prints the medians of wall time, CPU time (user+sys) and peak memory, and
// their ratios. See docs/performance.md.
//
//	go build -o /tmp/perf ./internal/perf
//	CGO_ENABLED=0 go build -trimpath -o /tmp/cra-gate ./cmd/cra-gate
//	/tmp/perf -gate /tmp/cra-gate -n 50000,200000 -runs 11 [-lean]
//
// perf decode FILE is the baseline process; perf mkrepo -n N DIR writes the
// repository (examples/smart-lock with a generated SBOM and a lockfile whose
// 200 direct dependencies are in it). For a device: perf mkdevice -n 5000
// -nvd 250000 DIR writes an SPDX 3 image SBOM and NVD records under DIR/nvd,
// perf decodeall FILE DIR is its baseline (every file decoded into an any).
package main

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cra-gate/cra-gate/internal/sbomgen"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "decode":
			if len(os.Args) != 3 {
				fail(errors.New("usage: perf decode FILE"))
			}
			fail(decode(os.Args[2]))
			return
		case "decodeall":
			if len(os.Args) < 3 {
				fail(errors.New("usage: perf decodeall FILE or DIR, several"))
			}
			fail(decodeAll(os.Args[2:]))
			return
		case "mkdevice":
			fs := flag.NewFlagSet("mkdevice", flag.ExitOnError)
			n := fs.Int("n", 5_000, "packages of the SPDX 3 image SBOM")
			records := fs.Int("nvd", 250_000, "NVD records, written under DIR/nvd")
			example := fs.String("example", "examples/smart-lock", "the compliant example to start from")
			fs.Parse(os.Args[2:])
			if fs.NArg() != 1 {
				fail(errors.New("usage: perf mkdevice [-n N] [-nvd N] DIR"))
			}
			fail(mkdevice(*example, fs.Arg(0), *n, *records))
			return
		case "mkrepo":
			fs := flag.NewFlagSet("mkrepo", flag.ExitOnError)
			n := fs.Int("n", 50_000, "components")
			example := fs.String("example", "examples/smart-lock", "the compliant example to start from")
			lean := fs.Bool("lean", false, "lean components (about 480 bytes each, not 1,200)")
			fs.Parse(os.Args[2:])
			if fs.NArg() != 1 {
				fail(errors.New("usage: perf mkrepo [-n N] [-lean] DIR"))
			}
			fail(mkrepo(*example, fs.Arg(0), *n, *lean))
			return
		}
	}
	gate := flag.String("gate", "", "the cra-gate binary to measure (required)")
	sizes := flag.String("n", "50000", "component counts, comma-separated")
	runs := flag.Int("runs", 11, "runs of each process per size")
	example := flag.String("example", "examples/smart-lock", "the compliant example to start from")
	lean := flag.Bool("lean", false, "lean components (about 480 bytes each, not 1,200)")
	flag.Parse()
	if *gate == "" {
		fail(errors.New("-gate is required"))
	}
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	fmt.Printf("%-10s %-8s %10s %10s %9s\n", "components", "process", "wall", "cpu", "peak RSS")
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fail(fmt.Errorf("-n: %q is not a count", s))
		}
		dir, err := os.MkdirTemp("", "cra-gate-perf-")
		if err != nil {
			fail(err)
		}
		if err := mkrepo(*example, dir, n, *lean); err != nil {
			fail(err)
		}
		sbomFile := filepath.Join(dir, "sbom", "firmware.cdx.json")
		gateCmd := []string{*gate, "check", "--now", "2026-12-01", dir}
		baseCmd := []string{self, "decode", sbomFile}
		var g, b []sample
		for range *runs {
			// In turn, so that both see the same machine.
			s, err := measure(gateCmd)
			if err != nil {
				fail(fmt.Errorf("the gate: %w", err))
			}
			g = append(g, s)
			if s, err = measure(baseCmd); err != nil {
				fail(fmt.Errorf("the decode: %w", err))
			}
			b = append(b, s)
		}
		os.RemoveAll(dir)
		mg, mb := median(g), median(b)
		fmt.Printf("%-10d %-8s %10s %10s %8.0fM\n", n, "gate", mg.wall.Round(time.Millisecond), mg.cpu.Round(time.Millisecond), mg.rssMB)
		fmt.Printf("%-10d %-8s %10s %10s %8.0fM\n", n, "decode", mb.wall.Round(time.Millisecond), mb.cpu.Round(time.Millisecond), mb.rssMB)
		fmt.Printf("%-10d %-8s %10.2f %10.2f %9.2f\n", n, "ratio", float64(mg.wall)/float64(mb.wall), float64(mg.cpu)/float64(mb.cpu), mg.rssMB/mb.rssMB)
	}
}

// decode is the baseline: read the file and decode it into an any.
func decode(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var v any
	return json.Unmarshal(data, &v)
}

// decodeAll is the baseline of a device run: read every file given, and
// every *.json under the directories given, and decode each into an any, on
// every CPU as the gate reads them.
func decodeAll(paths []string) error {
	var files []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (f == p || strings.HasSuffix(f, ".json") || strings.HasSuffix(f, ".zip")) {
				files = append(files, f)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	errs := make(chan error, runtime.GOMAXPROCS(0))
	next := make(chan func() ([]byte, error))
	for range cap(errs) {
		go func() {
			var first error
			for read := range next {
				data, err := read()
				if err == nil {
					var v any
					err = json.Unmarshal(data, &v)
				}
				if err != nil && first == nil {
					first = err
				}
			}
			errs <- first
		}()
	}
	for _, f := range files {
		if !strings.HasSuffix(f, ".zip") {
			next <- func() ([]byte, error) { return os.ReadFile(f) }
			continue
		}
		zr, err := zip.OpenReader(f) // each entry decoded, as the gate reads a zip of records
		if err != nil {
			return err
		}
		for _, e := range zr.File {
			next <- func() ([]byte, error) {
				rc, err := e.Open()
				if err != nil {
					return nil, err
				}
				defer rc.Close()
				return io.ReadAll(rc)
			}
		}
		defer zr.Close()
	}
	close(next)
	var first error
	for range cap(errs) {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// mkdevice copies the example to dir with an SPDX 3 image SBOM of n
// packages as its firmware SBOM (sbomgen.SPDX3Image) and writes records NVD
// records under dir/nvd and the same in dir/nvd.zip, one product in four of
// them the image's.
func mkdevice(example, dir string, n, records int) error {
	if err := copyTree(example, dir); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "sbom", "firmware.cdx.json"), sbomgen.SPDX3Image(n), 0o644); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dir, "firmware", "go.mod")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := sbomgen.WriteNVD(filepath.Join(dir, "nvd"), records, 4*n, 7); err != nil {
		return err
	}
	return sbomgen.WriteNVDZip(filepath.Join(dir, "nvd.zip"), records, 4*n, 7)
}

// mkrepo copies the example to dir, replaces its firmware SBOM with a
// generated one of n components (lean: sbomgen.CycloneDXJSONLean) and its go.mod with a package-lock.json whose
// 200 direct dependencies are the SBOM's first 200 components.
func mkrepo(example, dir string, n int, lean bool) error {
	if err := copyTree(example, dir); err != nil {
		return err
	}
	gen := sbomgen.CycloneDXJSON
	if lean {
		gen = sbomgen.CycloneDXJSONLean
	}
	if err := os.WriteFile(filepath.Join(dir, "sbom", "firmware.cdx.json"), gen(n), 0o644); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dir, "firmware", "go.mod")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "firmware", "package-lock.json"), sbomgen.PackageLock(min(n, 200)), 0o644)
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

// sample is one process's cost.
type sample struct {
	wall, cpu time.Duration
	rssMB     float64
}

// measure runs argv with its output discarded. The gate's exit status 1 (a
// failing gate) would mean the repository is not compliant: an error too.
func measure(argv []string) (sample, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%v: %s", err, stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return sample{}, errors.New("no resource usage on this system")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall, cpu: cpu, rssMB: float64(ru.Maxrss) / 1024}, nil
}

// median takes the median of each measure on its own.
func median(s []sample) sample {
	pick := func(f func(sample) float64) float64 {
		v := make([]float64, len(s))
		for i := range s {
			v[i] = f(s[i])
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return sample{
		wall:  time.Duration(pick(func(x sample) float64 { return float64(x.wall) })),
		cpu:   time.Duration(pick(func(x sample) float64 { return float64(x.cpu) })),
		rssMB: pick(func(x sample) float64 { return x.rssMB }),
	}
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		os.Exit(1)
	}
}
