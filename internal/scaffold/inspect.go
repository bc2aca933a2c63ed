// Package scaffold writes a first cra.toml for a repository, for `cra-gate
// init`. Inspect reads what the repository holds, through the repository
// door and within stated limits, into a Plan; Render turns the Plan into the
// commented cra.toml text; NextSteps says what was found and what is left.
// Nothing only a person can decide is guessed: those values are TODOs
// (manifest.TODOMarker), which the gate reports until they are replaced.
package scaffold

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	json "github.com/go-json-experiment/json/v1"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/cra-gate/cra-gate/internal/cvd"
	"github.com/cra-gate/cra-gate/internal/deps"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/sbom"
	"github.com/cra-gate/cra-gate/internal/securitytxt"
)

// Limits of Inspect, beyond those of the repository door (repo.Walk looks at
// 100,000 entries at most). Every file is first sniffed from its first and
// last sbom.SniffLen bytes; only those that look like SBOMs are read whole,
// within these bounds.
const (
	// MaxSBOMCandidates bounds the files read whole to confirm an SBOM.
	MaxSBOMCandidates = 100
	// MaxConfirmBytes bounds the bytes read to confirm SBOMs, over all of them.
	MaxConfirmBytes = 1 << 30
	// maxSecurityTxt is the most of security.txt the gate reads (checks).
	maxSecurityTxt = 32 << 10
	// maxListed bounds the candidates a comment lists.
	maxListed = 10
	// maxValue bounds a value found in a file that init writes (a name, a
	// contact): longer ones are not used.
	maxValue = manifest.MaxName
)

// Options say where the product is and how large an SBOM the gate reads.
type Options struct {
	// Config is the cra.toml to write, relative to the repository root
	// (default "cra.toml"). The product is looked for in its folder; the
	// disclosure files also at the repository root.
	Config string
	// MaxSBOMSize is the largest SBOM the gate reads (its --max-sbom-size).
	MaxSBOMSize int64
	// Role is what the maker says it is (init --steward, --foss,
	// --non-commercial): the file then holds only the TODOs that apply.
	Role Role
}

// Role is what init was told about who makes the product and how.
type Role struct {
	// Steward: an open-source software steward (Article 24): no conformity,
	// support period or technical documentation to declare.
	Steward bool
	// FOSS: free and open-source software (product.foss = true).
	FOSS bool
	// NonCommercial: not made available in the course of a commercial
	// activity (Article 3(22)): the CRA does not apply.
	NonCommercial bool
}

// Found is a value found in the repository and the file it came from.
type Found struct {
	Value string
	From  string
}

// SBOM is a file confirmed as an SBOM by the sbom package's parser.
type SBOM struct {
	Path       string
	Format     string // "CycloneDX 1.6 JSON"
	Components int
}

// Refused is a file that looks like an SBOM but that the gate cannot read.
type Refused struct {
	Path   string
	Reason string
}

// ManifestDir is a folder holding dependency manifests the drift check reads.
type ManifestDir struct {
	Dir   string
	Files []string // base names: go.mod, package-lock.json, ...
}

// Plan is what Inspect found, for Render and NextSteps.
type Plan struct {
	Config string // the cra.toml to write
	Dir    string // the product's folder ("." for the root)
	Role   Role

	Name    Found // product.name, from go.mod, package.json or Cargo.toml
	Version Found // from package.json or Cargo.toml, shown as a comment

	SBOMs      []SBOM    // confirmed SBOMs, in path order
	VEX        []SBOM    // CycloneDX documents with vulnerabilities and no components
	Refused    []Refused // look like SBOMs, but the gate cannot read them
	Unexamined int       // candidates past MaxSBOMCandidates or MaxConfirmBytes

	ManifestDirs []ManifestDir // folders holding dependency manifests, in path order
	Source       string        // the one such folder, "" when none or several
	Ecosystem    string        // "go", "cargo", "npm", "python" or ""
	// PackageManager is the JavaScript package manager: "npm", "pnpm" or
	// "yarn" (package.json's packageManager, else the lockfile present).
	PackageManager string
	GoMains        []string // Go: the cmd/* folders of the module, relative to it
	GoRootMain     bool     // Go: the module's folder holds a main.go

	Policy      Found // disclosure.policy: a SECURITY.md
	SecurityTxt string
	Contact     Found // disclosure.contact, from security.txt or the policy

	Notes     []string // files that could not be used, and why
	Truncated bool     // the walk stopped at its bound
}

// skipDirs are folders never searched: dependencies, build output, test
// fixtures and examples, whose SBOMs and manifests are not the product's.
var skipDirs = map[string]bool{
	"node_modules": true, "vendor": true, "bower_components": true, "target": true,
	"__pycache__": true, "venv": true,
	"testdata": true, "fixtures": true, "__fixtures__": true, "examples": true,
}

// skipDir reports whether the walk leaves a folder out: those of skipDirs,
// and hidden folders (.venv, .cache, .idea, ...) other than .github and
// .well-known. .git is never entered by the door itself.
func skipDir(_, name string) bool {
	if skipDirs[name] {
		return true
	}
	return strings.HasPrefix(name, ".") && name != ".github" && name != ".well-known"
}

// manifestFiles are the dependency manifests the drift check reads (deps.Find).
var manifestFiles = map[string]bool{
	"go.mod": true, "package-lock.json": true, "npm-shrinkwrap.json": true, "package.json": true,
	"pnpm-lock.yaml": true, "yarn.lock": true, "Cargo.toml": true, "requirements.txt": true,
}

// Inspect looks at the repository for what a cra.toml at opt.Config can be
// filled with. It fails only when opt.Config cannot name a file; whatever
// the repository holds that cannot be used is a note in the Plan.
func Inspect(r *repo.Repo, opt Options) (*Plan, error) {
	cfg, err := ConfigPath(opt.Config)
	if err != nil {
		return nil, err
	}
	if opt.MaxSBOMSize <= 0 {
		opt.MaxSBOMSize = 128 << 20
	}
	p := &Plan{Config: cfg, Dir: path.Dir(cfg), Role: opt.Role}
	files, truncated, err := r.Walk(p.Dir, skipDir)
	if err != nil {
		p.note("the folder %s could not be searched: %v", p.Dir, err)
	}
	p.Truncated = truncated
	in := inspector{r: r, opt: opt, p: p, files: files}
	in.findSBOMs(files)
	in.findManifests(files)
	in.findDisclosure()
	return p, nil
}

// ConfigPath checks the path of the cra.toml to write (relative to the
// repository root; "" is "cra.toml") and returns it clean.
func ConfigPath(config string) (string, error) {
	if config == "" {
		config = "cra.toml"
	}
	if strings.ContainsAny(config, "*?[{") {
		return "", fmt.Errorf("--config %q: init writes one file; name it without a pattern", config)
	}
	cfg, err := repo.Clean(config)
	if err != nil {
		return "", fmt.Errorf("--config %w", err)
	}
	if cfg == "." {
		return "", fmt.Errorf("--config %q names the repository, not a file", config)
	}
	return cfg, nil
}

type inspector struct {
	r     *repo.Repo
	opt   Options
	p     *Plan
	files []string // what the walk found, sorted
}

func (p *Plan) note(format string, args ...any) {
	p.Notes = append(p.Notes, oneLine(fmt.Sprintf(format, args...)))
}

// usablePath reports whether a path can be written into cra.toml as it is:
// valid UTF-8 without control characters (a TOML file is UTF-8 text).
func usablePath(p string) bool {
	if !utf8.ValidString(p) {
		return false
	}
	for _, c := range p {
		if unicode.IsControl(c) {
			return false
		}
	}
	return true
}

// findSBOMs sniffs every file and confirms those that look like SBOMs with
// the parser the gate uses, within the gate's SBOM size limit.
func (in *inspector) findSBOMs(files []string) {
	p := in.p
	var candidates []string
	for _, f := range files {
		if f == p.Config {
			continue
		}
		head, tail, _, err := in.r.ReadEnds(f, sbom.SniffLen)
		if err != nil || sbom.Sniff(head, tail) == "" && !sbomArchiveName(f) {
			continue // unreadable files (FIFOs, hard links) are no SBOM candidates
		}
		if !usablePath(f) {
			p.note("%q looks like an SBOM, but its name holds characters cra.toml cannot name it by: rename it", f)
			continue
		}
		candidates = append(candidates, f)
	}
	var budget int64 = MaxConfirmBytes
	for i, f := range candidates {
		if i == MaxSBOMCandidates || budget <= 0 {
			p.Unexamined = len(candidates) - i
			break
		}
		data, err := in.r.ReadFile(f, in.opt.MaxSBOMSize)
		var tl *repo.TooLargeError
		switch {
		case errors.As(err, &tl):
			p.Refused = append(p.Refused, Refused{f, fmt.Sprintf("is %s, more than the %s the gate reads (--max-sbom-size)", size(tl.Size), size(in.opt.MaxSBOMSize))})
			continue
		case err != nil:
			p.Refused = append(p.Refused, Refused{f, err.Error()})
			continue
		}
		budget -= int64(len(data))
		doc, err := sbom.Parse(data)
		var se *sbom.Error
		switch {
		case errors.As(err, &se) && se.Kind == sbom.NotSBOM:
			continue // the sniff's guess, which the parser does not confirm
		case err != nil:
			p.Refused = append(p.Refused, Refused{f, err.Error()})
			continue
		}
		found := SBOM{Path: f, Format: fmt.Sprintf("%s %s %s", doc.Format, doc.SpecVersion, encodingName(doc.Encoding)), Components: len(doc.Components)}
		if doc.Format == sbom.CycloneDX && len(doc.Components) == 0 && len(doc.Vulnerabilities) > 0 {
			p.VEX = append(p.VEX, found)
			continue
		}
		p.SBOMs = append(p.SBOMs, found)
	}
}

func encodingName(e sbom.Encoding) string {
	switch e {
	case sbom.JSON:
		return "JSON"
	case sbom.XML:
		return "XML"
	}
	return string(e)
}

// size renders a byte count for messages.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// findManifests lists the folders holding dependency manifests, picks the
// one source folder when there is just one, and reads the product's name.
func (in *inspector) findManifests(files []string) {
	p := in.p
	byDir := map[string][]string{}
	for _, f := range files {
		if base := path.Base(f); manifestFiles[base] && usablePath(f) {
			byDir[path.Dir(f)] = append(byDir[path.Dir(f)], base)
		}
	}
	for d, fs := range byDir {
		sort.Strings(fs)
		p.ManifestDirs = append(p.ManifestDirs, ManifestDir{Dir: d, Files: fs})
	}
	sort.Slice(p.ManifestDirs, func(i, j int) bool { return p.ManifestDirs[i].Dir < p.ManifestDirs[j].Dir })
	nameDir := p.Dir
	if len(p.ManifestDirs) == 1 {
		p.Source = p.ManifestDirs[0].Dir
		nameDir = p.Source
	}
	have := map[string]bool{}
	for _, f := range byDir[nameDir] {
		have[f] = true
	}
	switch {
	case have["go.mod"]:
		p.Ecosystem = "go"
	case have["Cargo.toml"]:
		p.Ecosystem = "cargo"
	case have["package.json"], have["package-lock.json"], have["npm-shrinkwrap.json"], have["pnpm-lock.yaml"], have["yarn.lock"]:
		p.Ecosystem = "npm"
		p.PackageManager = in.packageManager(nameDir, have)
	case have["requirements.txt"]:
		p.Ecosystem = "python"
	}
	for _, read := range []func(string) (name, version Found, ok bool){in.goModName, in.packageJSONName, in.cargoName} {
		if name, version, ok := read(nameDir); ok {
			p.Name, p.Version = name, version
			break
		}
	}
	if p.Ecosystem == "go" {
		in.findGoMains(nameDir)
	}
}

func (in *inspector) goModName(dir string) (name, version Found, ok bool) {
	f := path.Join(dir, "go.mod")
	data, err := in.readIfPresent(f, deps.MaxGoMod)
	if data == nil || err != nil {
		return name, version, false
	}
	mod := modfile.ModulePath(data)
	if mod == "" {
		return name, version, false
	}
	prefix, _, ok := module.SplitPathVersion(mod)
	if !ok {
		prefix = mod
	}
	name = usableValue(path.Base(prefix), f)
	return name, Found{}, name.Value != ""
}

func (in *inspector) packageJSONName(dir string) (name, version Found, ok bool) {
	f := path.Join(dir, "package.json")
	data, err := in.readIfPresent(f, deps.MaxPackageJSON)
	if data == nil || err != nil {
		return name, version, false
	}
	var pj struct {
		Name    any `json:"name"`
		Version any `json:"version"`
	}
	if err := json.Unmarshal(data, &pj); err != nil {
		in.p.note("%s does not parse as JSON (%v): the product name is not taken from it", f, err)
		return name, version, false
	}
	n, _ := pj.Name.(string)
	v, _ := pj.Version.(string)
	name = usableValue(n, f)
	return name, usableValue(v, f), name.Value != ""
}

// packageManager names the JavaScript package manager of dir:
// package.json's "packageManager" ("pnpm@9.12.0"), else the lockfile that
// is there.
func (in *inspector) packageManager(dir string, have map[string]bool) string {
	if data, err := in.readIfPresent(path.Join(dir, "package.json"), deps.MaxPackageJSON); data != nil && err == nil {
		var pj struct {
			PackageManager any `json:"packageManager"`
		}
		if json.Unmarshal(data, &pj) == nil {
			if pm, _ := pj.PackageManager.(string); pm != "" {
				switch name, _, _ := strings.Cut(pm, "@"); name {
				case "npm", "pnpm", "yarn":
					return name
				}
			}
		}
	}
	switch {
	case have["pnpm-lock.yaml"]:
		return "pnpm"
	case have["yarn.lock"]:
		return "yarn"
	}
	return "npm"
}

// cargoKey matches `name = "x"` and `version = "x"` lines of a TOML table.
var cargoKey = regexp.MustCompile(`^\s*(name|version)\s*=\s*"([^"\\]*)"\s*(#.*)?$`)

// cargoName reads [package] name and version from Cargo.toml with a line
// scan, in linear time whatever the file's shape.
func (in *inspector) cargoName(dir string) (name, version Found, ok bool) {
	f := path.Join(dir, "Cargo.toml")
	data, err := in.readIfPresent(f, deps.MaxCargoToml)
	if data == nil || err != nil {
		return name, version, false
	}
	inPackage := false
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if strings.HasPrefix(t, "[") {
			inPackage = t == "[package]" || strings.HasPrefix(t, "[package]") && strings.HasPrefix(strings.TrimSpace(t[len("[package]"):]), "#")
			continue
		}
		if m := cargoKey.FindStringSubmatch(line); inPackage && m != nil {
			switch m[1] {
			case "name":
				name = usableValue(m[2], f)
			case "version":
				version = usableValue(m[2], f)
			}
		}
	}
	return name, version, name.Value != ""
}

// usableValue keeps a value found in a file when init can write it: short,
// printable, one line.
func usableValue(v, from string) Found {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > maxValue || !usablePath(v) {
		return Found{}
	}
	return Found{Value: v, From: from}
}

// readIfPresent reads a file within limit; a missing file is (nil, nil), any
// other failure a note and the error.
func (in *inspector) readIfPresent(f string, limit int64) ([]byte, error) {
	data, err := in.r.ReadFile(f, limit)
	var pe *repo.PathError
	switch {
	case errors.As(err, &pe) && pe.Missing:
		return nil, nil
	case err != nil:
		in.p.note("%s was not read: %v", f, err)
		return nil, err
	}
	return data, nil
}

// findGoMains lists the main packages under the Go module's cmd/ folder,
// at any depth (cmd/infra/stdiscosrv): the folders holding a non-test .go
// file whose package clause says main. A folder of mains is not itself
// one. At most maxGoMainFiles files are read, 4 KiB of each.
func (in *inspector) findGoMains(dir string) {
	in.p.GoRootMain = in.isMainFile(path.Join(dir, "main.go"))
	prefix := path.Join(dir, "cmd") + "/"
	if dir == "." {
		prefix = "cmd/"
	}
	seen, read := map[string]bool{}, 0
	for _, f := range in.files {
		folder := path.Dir(f)
		if !strings.HasPrefix(f, prefix) || !strings.HasSuffix(f, ".go") || strings.HasSuffix(f, "_test.go") || seen[folder] {
			continue
		}
		if read == maxGoMainFiles {
			in.p.note("more Go files under %s than init reads (%d): the list of main packages may be short", prefix, maxGoMainFiles)
			break
		}
		read++
		if in.isMainFile(f) {
			seen[folder] = true
			rel := strings.TrimPrefix(folder, path.Clean(dir)+"/")
			if dir == "." {
				rel = folder
			}
			in.p.GoMains = append(in.p.GoMains, rel)
		}
	}
	sort.Strings(in.p.GoMains)
}

// maxGoMainFiles bounds the Go files init opens to find main packages.
const maxGoMainFiles = 2000

// isMainFile reports whether a Go file's package clause, past comments and
// build constraints, is "package main".
func (in *inspector) isMainFile(f string) bool {
	head, _, _, err := in.r.ReadEnds(f, 4<<10)
	if err != nil {
		return false
	}
	inBlock := false
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case inBlock:
			if i := strings.Index(line, "*/"); i >= 0 {
				inBlock, line = false, strings.TrimSpace(line[i+2:])
			} else {
				continue
			}
		case strings.HasPrefix(line, "/*"):
			if i := strings.Index(line[2:], "*/"); i < 0 {
				inBlock = true
				continue
			} else {
				line = strings.TrimSpace(line[2+i+2:])
			}
		}
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		fields := strings.Fields(line)
		return len(fields) >= 2 && fields[0] == "package" && fields[1] == "main"
	}
	return false
}

// findDisclosure finds the policy, security.txt and a contact: in the
// product's folder, then at the repository root.
func (in *inspector) findDisclosure() {
	p := in.p
	dirs := []string{p.Dir}
	if p.Dir != "." {
		dirs = append(dirs, ".")
	}
	var policy *cvd.Policy
	for _, d := range dirs {
		// GitHub's order for a security policy: .github, the root, docs.
		for _, sub := range []string{".github", ".", "docs"} {
			if p.Policy.Value != "" {
				break
			}
			f := in.findFile(path.Join(d, sub), "SECURITY.md")
			if f == "" {
				continue
			}
			data, err := in.r.ReadFile(f, cvd.MaxText)
			var tl *repo.TooLargeError
			switch {
			case errors.As(err, &tl):
				p.note("%s is %s, more than the %s of a policy the gate reads: shorten it (or link the full text) "+
					"and set disclosure.policy", f, size(tl.Size), size(cvd.MaxText))
				continue
			case err != nil:
				p.note("%s was not used as the disclosure policy: %v", f, err)
				continue
			}
			pol := cvd.AnalyzePolicy(string(data))
			policy = &pol
			p.Policy = Found{Value: f, From: f}
		}
	}
	var txt *securitytxt.File
	for _, d := range dirs {
		for _, f := range []string{path.Join(d, ".well-known", "security.txt"), path.Join(d, "security.txt")} {
			if p.SecurityTxt != "" {
				break
			}
			data, err := in.readIfPresent(f, maxSecurityTxt)
			if data == nil || err != nil {
				continue
			}
			if !usablePath(f) {
				continue
			}
			txt, _ = securitytxt.Parse(data)
			p.SecurityTxt = f
		}
	}
	p.Contact = chooseContact(txt, p.SecurityTxt, policy, p.Policy.Value)
}

// findFile returns the path of the file named name (in any case, the exact
// case first) directly in dir, or "".
func (in *inspector) findFile(dir, name string) string {
	entries, err := in.r.ReadDir(dir, 10000)
	if err != nil {
		return ""
	}
	found := ""
	for _, e := range entries {
		switch {
		case e.Name() == name:
			return path.Join(dir, e.Name())
		case strings.EqualFold(e.Name(), name) && found == "" && usablePath(e.Name()):
			found = path.Join(dir, e.Name())
		}
	}
	return found
}

// chooseContact picks disclosure.contact: a security.txt Contact the policy
// also names (so that the gate finds them in agreement), else an email
// address (security.txt's, then the policy's) before a web form (Article
// 13(17): not only automated tools), never a placeholder.
func chooseContact(txt *securitytxt.File, txtPath string, policy *cvd.Policy, policyPath string) Found {
	type candidate struct{ value, from string }
	var fromTxt, fromPolicy []candidate
	usable := func(c string) bool {
		l := strings.ToLower(c)
		return (strings.HasPrefix(l, "mailto:") || strings.HasPrefix(l, "https:")) && !cvd.PlaceholderContact(c) && usableValue(c, "").Value != ""
	}
	if txt != nil {
		for _, c := range txt.Values("Contact") {
			if c = strings.TrimSpace(c); usable(c) {
				fromTxt = append(fromTxt, candidate{c, txtPath})
			}
		}
	}
	if policy != nil {
		for _, ch := range policy.Channels {
			v := ch.Value
			switch ch.Kind {
			case cvd.KindEmail:
				v = "mailto:" + v
			case cvd.KindURL:
			default:
				continue
			}
			if usable(v) {
				fromPolicy = append(fromPolicy, candidate{v, policyPath})
			}
		}
		for _, c := range fromTxt {
			if policy.MentionsContact(c.value) {
				return Found{Value: c.value, From: c.from}
			}
		}
	}
	all := append(append([]candidate(nil), fromTxt...), fromPolicy...)
	for _, mail := range []bool{true, false} {
		for _, c := range all {
			if strings.HasPrefix(strings.ToLower(c.value), "mailto:") == mail {
				return Found{Value: c.value, From: c.from}
			}
		}
	}
	return Found{}
}

// oneLine makes text from the repository safe for a comment or a terminal
// line: control characters (line breaks included) become spaces, and "##["
// is broken with a zero-width space so that it cannot issue a workflow
// command.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.ReplaceAll(s, "##[", "##\u200b[")
}

// sbomArchiveName reports the name of an SBOM archive as an embedded build
// system deploys it (Yocto: IMAGE.spdx.tar.zst).
func sbomArchiveName(name string) bool {
	for _, ext := range []string{".spdx.tar.zst", ".spdx.tar.gz", ".spdx.tgz", ".spdx.tar"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
