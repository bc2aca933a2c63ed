// Package rulefixture runs the gate on a rule's fixture: a small repository
// that breaks the rule ("fail") and the same repository fixed ("pass"),
// written as a txtar archive in checks/testdata/rules/<id>.txtar over the
// shared compliant repository base.txtar. The rule fixture test holds every
// rule to its fixture, and the rule pages show the failing input and the
// gate's real output on it.
//
// An archive's comment holds options, one per line as "key: value", for both
// variants or, prefixed "fail " or "pass ", for one: now (the date, default
// DefaultNow), vuln-db and kev (paths in the repository), max-sbom-size (in
// bytes), fail-on, delete (base files the variant does not have). Its files
// are "fail/PATH" and "pass/PATH", laid over the base, or edits of a base
// file: "fail/PATH (append)" adds its lines at the end, "fail/PATH
// (replace)" holds the old lines, a line "=>" and the new lines, which
// replace the old exactly once. "fail.want" lists the rule's findings on the
// failing variant, one Line each.
package rulefixture

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/ruledocs"
	"github.com/cra-gate/cra-gate/report"
)

// Dir is where the fixtures are, relative to the checks package.
const Dir = "testdata/rules"

// Base is the compliant repository every fixture is laid over.
const Base = "base.txtar"

// DefaultNow is the date a fixture runs on unless it says otherwise.
var DefaultNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// Variants are the two repositories of a fixture.
var Variants = []string{"fail", "pass"}

// Fixture is one rule's archive over the base.
type Fixture struct {
	Rule    string
	base    *txtar.Archive
	archive *txtar.Archive
	options map[string]string // "key" or "fail key" / "pass key"
}

// Load reads dir/<id>.txtar and dir/base.txtar.
func Load(dir, id string) (*Fixture, error) {
	base, err := txtar.ParseFile(filepath.Join(dir, Base))
	if err != nil {
		return nil, err
	}
	a, err := txtar.ParseFile(filepath.Join(dir, id+".txtar"))
	if err != nil {
		return nil, err
	}
	f := &Fixture{Rule: id, base: base, archive: a, options: map[string]string{}}
	for _, line := range strings.Split(string(a.Comment), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s.txtar: option %q is not key: value", id, line)
		}
		f.options[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	for k := range f.options {
		key := k
		if v, rest, ok := strings.Cut(k, " "); ok && (v == "fail" || v == "pass") {
			key = rest
		}
		switch key {
		case "now", "vuln-db", "kev", "max-sbom-size", "fail-on", "delete":
		default:
			return nil, fmt.Errorf("%s.txtar: unknown option %q", id, k)
		}
	}
	for _, v := range Variants {
		if _, err := f.tree(v); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// option is a variant's value of key: its own, else the shared one.
func (f *Fixture) option(variant, key string) string {
	if v, ok := f.options[variant+" "+key]; ok {
		return v
	}
	return f.options[key]
}

// Edit is one file of a variant: a whole file, or an edit of a base file.
type Edit struct {
	Path string
	Kind string // "file", "append" or "replace"
	Data string // the file, the lines appended, or the new lines
	Old  string // the lines replaced
}

// Edits are the variant's own files and edits, in archive order.
func (f *Fixture) Edits(variant string) ([]Edit, error) {
	var out []Edit
	for _, file := range f.archive.Files {
		name, ok := strings.CutPrefix(file.Name, variant+"/")
		if !ok {
			continue
		}
		e := Edit{Path: name, Kind: "file", Data: string(file.Data)}
		if p, ok := strings.CutSuffix(name, " (append)"); ok {
			e.Path, e.Kind = p, "append"
		} else if p, ok := strings.CutSuffix(name, " (replace)"); ok {
			old, new, found := strings.Cut(string(file.Data), "\n=>\n")
			if !found {
				return nil, fmt.Errorf("%s.txtar: %s has no line \"=>\" between the old and the new lines", f.Rule, file.Name)
			}
			e.Path, e.Kind, e.Old, e.Data = p, "replace", old+"\n", new
		}
		out = append(out, e)
	}
	return out, nil
}

// Files are the variant's repository files that differ from the base, with
// their content.
func (f *Fixture) Files(variant string) map[string]string {
	files, err := f.tree(variant)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	edits, _ := f.Edits(variant)
	for _, e := range edits {
		out[e.Path] = files[e.Path]
	}
	return out
}

// tree is the variant's whole repository.
func (f *Fixture) tree(variant string) (map[string]string, error) {
	files := map[string]string{}
	for _, file := range f.base.Files {
		files[file.Name] = string(file.Data)
	}
	for _, d := range strings.Fields(f.option(variant, "delete")) {
		if _, ok := files[d]; !ok {
			return nil, fmt.Errorf("%s.txtar: delete: the base has no %s", f.Rule, d)
		}
		delete(files, d)
	}
	edits, err := f.Edits(variant)
	if err != nil {
		return nil, err
	}
	for _, e := range edits {
		switch e.Kind {
		case "file":
			files[e.Path] = e.Data
		case "append":
			files[e.Path] += e.Data
		case "replace":
			if strings.Count(files[e.Path], e.Old) != 1 {
				return nil, fmt.Errorf("%s.txtar: %s (replace): the old lines are not in the base's %s exactly once:\n%s", f.Rule, variant, e.Path, e.Old)
			}
			files[e.Path] = strings.Replace(files[e.Path], e.Old, e.Data, 1)
		}
	}
	return files, nil
}

// Want is the expected findings of the rule on the failing variant.
func (f *Fixture) Want() []string {
	for _, file := range f.archive.Files {
		if file.Name == "fail.want" {
			return nonEmptyLines(string(file.Data))
		}
	}
	return nil
}

// Options is the variant's run, as the command line would give it.
func (f *Fixture) Options(variant string) []string {
	var out []string
	for _, k := range []string{"now", "vuln-db", "kev", "max-sbom-size", "fail-on"} {
		if v := f.option(variant, k); v != "" {
			out = append(out, "--"+k+" "+v)
		}
	}
	return out
}

// Write lays the variant's repository out in dir.
func (f *Fixture) Write(dir, variant string) error {
	files, err := f.tree(variant)
	if err != nil {
		return err
	}
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Run lays the variant out in dir and runs the gate on it.
func (f *Fixture) Run(dir, variant string) (*finding.Result, error) {
	if err := f.Write(dir, variant); err != nil {
		return nil, err
	}
	opt := checks.Options{Now: DefaultNow, ToolVersion: "fixture"}
	if v := f.option(variant, "now"); v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return nil, fmt.Errorf("%s: now: %v", f.Rule, err)
		}
		opt.Now = t
	}
	if v := f.option(variant, "vuln-db"); v != "" {
		opt.Vulns.DB = []string{filepath.Join(dir, filepath.FromSlash(v))}
	}
	if v := f.option(variant, "kev"); v != "" {
		opt.Vulns.KEV = filepath.Join(dir, filepath.FromSlash(v))
	}
	if v := f.option(variant, "max-sbom-size"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: max-sbom-size: %v", f.Rule, err)
		}
		opt.MaxSBOMSize = n
	}
	if v := f.option(variant, "fail-on"); v != "" {
		l, err := finding.ParseFailLevel(v)
		if err != nil {
			return nil, err
		}
		opt.FailOn = l
	}
	return checks.Evaluate(dir, "cra.toml", opt)
}

// Lines are the findings of rule in res, as "file:line:col: severity:
// message", waived ones marked, in report order.
func Lines(res *finding.Result, rule string) []string {
	var out []string
	for _, fd := range res.Findings {
		if fd.Rule != rule {
			continue
		}
		loc := fd.Location()
		if loc != "" {
			loc += ": "
		}
		line := loc + fd.Severity.String() + ": " + fd.Message
		if fd.Waived != nil {
			line += " (waived)"
		}
		out = append(out, line)
	}
	return out
}

// SetWant replaces the archive's fail.want and returns it formatted, for
// the test's -update flag.
func (f *Fixture) SetWant(lines []string) []byte {
	data := []byte(strings.Join(lines, "\n") + "\n")
	for i, file := range f.archive.Files {
		if file.Name == "fail.want" {
			f.archive.Files[i].Data = data
			return txtar.Format(f.archive)
		}
	}
	f.archive.Files = append(f.archive.Files, txtar.File{Name: "fail.want", Data: data})
	return txtar.Format(f.archive)
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// RunBase runs the gate on the base repository alone, laid out in dir.
func RunBase(fixtures, dir string) (*finding.Result, error) {
	base, err := txtar.ParseFile(filepath.Join(fixtures, Base))
	if err != nil {
		return nil, err
	}
	f := &Fixture{Rule: "base", base: base, archive: &txtar.Archive{}, options: map[string]string{}}
	return f.Run(dir, "base")
}

// Seen runs a rule's fixture for its documentation page: the changes of each
// variant, its options, and the rule's findings on the failing repository as
// the terminal shows them.
func Seen(fixtures string, rule string) (ruledocs.Seen, error) {
	f, err := Load(fixtures, rule)
	if err != nil {
		return ruledocs.Seen{}, err
	}
	dir, err := os.MkdirTemp("", "cra-gate-fixture-")
	if err != nil {
		return ruledocs.Seen{}, err
	}
	defer os.RemoveAll(dir)
	res, err := f.Run(dir, "fail")
	if err != nil {
		return ruledocs.Seen{}, err
	}
	var mine []finding.Finding
	for _, fd := range res.Findings {
		if fd.Rule == rule {
			mine = append(mine, fd)
		}
	}
	var out strings.Builder
	if err := report.TextFindings(&out, mine, report.TextOptions{}); err != nil {
		return ruledocs.Seen{}, err
	}
	seen := ruledocs.Seen{Output: out.String(), FailOptions: f.Options("fail"), PassOptions: f.Options("pass")}
	for _, v := range Variants {
		var es []ruledocs.Edit
		for _, d := range strings.Fields(f.option(v, "delete")) {
			es = append(es, ruledocs.Edit{Path: d, Kind: "delete"})
		}
		edits, err := f.Edits(v)
		if err != nil {
			return ruledocs.Seen{}, err
		}
		for _, e := range edits {
			es = append(es, ruledocs.Edit{Path: e.Path, Kind: e.Kind, Old: e.Old, New: e.Data})
		}
		if v == "fail" {
			seen.Fail = es
		} else {
			seen.Pass = es
		}
	}
	return seen, nil
}

// SeenAll is Seen for every rule.
func SeenAll(fixtures string, rules []finding.Rule) (map[string]ruledocs.Seen, error) {
	out := make(map[string]ruledocs.Seen, len(rules))
	for _, r := range rules {
		s, err := Seen(fixtures, r.ID)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.ID, err)
		}
		out[r.ID] = s
	}
	return out, nil
}
