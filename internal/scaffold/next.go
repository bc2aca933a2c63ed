package scaffold

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/cra-gate/cra-gate/internal/manifest"
)

// generator is a command that writes an SBOM to out, run at the repository root.
type generator struct{ out, cmd string }

// cycloneDXGomod is the Go SBOM generator, pinned. Its flags are those of
// v1.10.0's README: app -json -licenses -assert-licenses -main DIR -output
// FILE MODULE_PATH (mod for a module without a main package).
const cycloneDXGomod = "go run github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@v1.10.0"

// generators are the commands that write the product's SBOM when none was
// found and the dependency manifests say which ecosystem the product is in.
func generators(p *Plan) []generator {
	if len(p.SBOMs) > 0 || p.Ecosystem == "" {
		return nil
	}
	dir := p.Source
	if dir == "" {
		dir = p.Dir
	}
	mkdir := "mkdir -p " + shellQuote(p.sbomDir()) + " && "
	out := path.Join(p.sbomDir(), slug(p.Name.Value)+".cdx.json")
	switch p.Ecosystem {
	case "go":
		var gs []generator
		for i, m := range p.GoMains {
			if i == maxListed {
				break
			}
			o := out
			if len(p.GoMains) > 1 {
				o = path.Join(p.sbomDir(), slug(path.Base(m))+".cdx.json")
			}
			gs = append(gs,
				generator{o, mkdir + cycloneDXGomod + " app -json -licenses -assert-licenses -main " + shellQuote(m) + " -output " + shellQuote(o) + " " + shellQuote(dir)})
		}
		if len(gs) > 0 {
			return gs
		}
		mode := "mod"
		if p.GoRootMain {
			mode = "app"
		}
		return []generator{{out, mkdir + cycloneDXGomod + " " + mode + " -json -licenses -assert-licenses -output " + shellQuote(out) + " " + shellQuote(dir)}}
	case "npm":
		if p.PackageManager == "pnpm" || p.PackageManager == "yarn" {
			// cyclonedx-npm reads npm's tree only; cdxgen reads pnpm-lock.yaml
			// and yarn.lock (classic and berry) without an install.
			return []generator{{out, mkdir + cdxgen + " -t js --required-only -o " + shellQuote(out) + " " + shellQuote(dir)}}
		}
		return []generator{{out,
			mkdir + cyclonedxNPM + " --omit dev --output-format JSON --output-file " + shellQuote(out) + " " + shellQuote(path.Join(dir,
				"package.json"))}}
	case "python":
		return []generator{{out,
			mkdir + "cyclonedx-py requirements " + shellQuote(path.Join(dir, "requirements.txt")) + " --output-format JSON --output-file " + shellQuote(out)}}
	case "cargo":
		return []generator{{out, mkdir + "syft scan dir:" + shellQuote(dir) + " -o cyclonedx-json=" + shellQuote(out)}}
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:@=+,", c)) {
			return "'" + strings.ReplaceAll(oneLine(s), "'", `'\''`) + "'"
		}
	}
	return s
}

// shown renders a repository value for the terminal: as it is when plain,
// else quoted (no control character reaches the terminal).
func shown(s string) string {
	if s != "" && s == oneLine(s) && !strings.ContainsAny(s, " \"'") {
		return s
	}
	return strconv.Quote(s)
}

// Where says how the user named the repository and where the file went,
// for NextSteps.
type Where struct {
	Dir     string // the DIR argument, "" for the working directory
	Written bool   // false: printed (--stdout)
}

// NextSteps tells what was found, lists the TODOs (as the gate will report
// them: the rendered file's own), and says what to do next.
func NextSteps(p *Plan, todos []manifest.TODO, w Where) string {
	var b strings.Builder
	pr := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if w.Written {
		pr("Wrote %s.", shown(p.Config))
	} else {
		pr("Printed %s (nothing written).", shown(p.Config))
	}
	pr("")
	type row struct{ key, value string }
	var found []row
	if p.Name.Value != "" {
		found = append(found, row{"product.name", fmt.Sprintf("%s (from %s)", strconv.Quote(p.Name.Value), shown(p.Name.From))})
	}
	for _, s := range p.SBOMs {
		found = append(found, row{"product.sbom", fmt.Sprintf("%s: %s, %d components", shown(s.Path), s.Format, s.Components)})
	}
	switch {
	case p.Source == ".":
		found = append(found, row{"product.source", fmt.Sprintf("the root (%s), the default", strings.Join(dirFiles(p, p.Source), ", "))})
	case p.Source != "":
		found = append(found, row{"product.source", fmt.Sprintf("%s (%s)", shown(p.Source), strings.Join(dirFiles(p, p.Source), ", "))})
	}
	if p.Policy.Value != "" {
		found = append(found, row{"disclosure.policy", shown(p.Policy.Value)})
	}
	if p.Contact.Value != "" {
		found = append(found, row{"disclosure.contact", fmt.Sprintf("%s (from %s)", shown(p.Contact.Value), shown(p.Contact.From))})
	}
	if p.SecurityTxt != "" {
		found = append(found, row{"disclosure.security_txt", shown(p.SecurityTxt)})
	}
	for _, v := range p.VEX {
		found = append(found, row{"vulnerabilities.vex", shown(v.Path)})
	}
	if len(found) == 0 {
		pr("Found nothing to fill in: no SBOM, dependency manifest, SECURITY.md or security.txt.")
	} else {
		pr("Found in the repository:")
		for _, r := range found {
			pr("  %-24s %s", r.key, r.value)
		}
	}
	var unused []string
	for _, r := range p.Refused {
		unused = append(unused, fmt.Sprintf("%s looks like an SBOM, but: %s", shown(r.Path), oneLine(clip(r.Reason, 200))))
	}
	unused = append(unused, p.Notes...)
	if p.Unexamined > 0 {
		unused = append(unused, fmt.Sprintf("%d more files that look like SBOMs were not read (init reads %d at most)", p.Unexamined, MaxSBOMCandidates))
	}
	if p.Truncated {
		unused = append(unused, "the search stopped after 100,000 entries: SBOMs beyond them were not looked for")
	}
	if len(p.ManifestDirs) > 1 {
		unused = append(unused, fmt.Sprintf("dependency manifests are in %d folders: set product.source to the one the product's SBOMs "+
			"cover (the comment in %s lists them)", len(p.ManifestDirs), shown(p.Config)))
	}
	if len(unused) > 0 {
		pr("Not used:")
		for i, u := range unused {
			if i == 2*maxListed {
				pr("  and %d more", len(unused)-i)
				break
			}
			pr("  %s", u)
		}
	}
	pr("")
	pr("To decide: %d TODOs. `cra-gate check` fails (manifest-todo) until each is replaced:", len(todos))
	for _, t := range todos {
		pr("  %-14s %-28s %s", fmt.Sprintf("%s:%d", shown(p.Config), t.Pos.Line), t.Path, oneLine(clip(t.Text, 90)))
	}
	pr("")
	pr("Next steps:")
	n := 0
	step := func(format string, args ...any) {
		n++
		pr("  %d. "+format, append([]any{n}, args...)...)
	}
	step("Replace each TODO in %s: `cra-gate rules manifest-todo` says how, the key reference", shown(p.Config))
	pr("     what each key means (https://github.com/cra-gate/cra-gate/blob/main/docs/config.md).")
	if gs := generators(p); len(gs) > 0 {
		step("Generate the SBOM (none was found), at the repository root%s:", generatorNote(p))
		for _, g := range gs {
			pr("       %s", g.cmd)
		}
	} else if len(p.SBOMs) == 0 {
		step("Generate an SBOM of what the product ships (CycloneDX or SPDX JSON; cyclonedx-gomod, cyclonedx-npm,")
		pr("     syft, trivy) and list it in product.sbom, for example: syft scan dir:. -o cyclonedx-json=sbom/product.cdx.json")
	}
	if p.Policy.Value == "" {
		step("Write a SECURITY.md: how to report a vulnerability privately (an email address) and what happens")
		pr("     next (when you answer, how you fix and disclose); then set disclosure.policy and disclosure.contact.")
	}
	check := "cra-gate check"
	if w.Dir != "" && w.Dir != "." {
		check += " " + shellQuote(w.Dir)
	}
	if p.Config != "cra.toml" {
		check += " --config " + shellQuote(p.Config)
	}
	step("Check: %s", check)
	step("Gate every pull request: .github/workflows/cra.yml")
	for _, l := range actionSnippet(p) {
		pr("       %s", l)
	}
	return b.String()
}

// The JavaScript generators, pinned (npm's registry, 2026-12-06).
const (
	cyclonedxNPM = "npx --yes @cyclonedx/cyclonedx-npm@6.0.1"
	cdxgen       = "npx --yes @cyclonedx/cdxgen@12.8.4"
)

// generatorNote says what the generator needs first.
func generatorNote(p *Plan) string {
	switch {
	case p.Ecosystem == "npm" && p.PackageManager != "npm" && p.PackageManager != "":
		return " (it reads " + p.PackageManager + "'s lockfile; no install needed)"
	case p.Ecosystem == "npm":
		return ", after npm ci"
	case p.Ecosystem == "go":
		return " of a git clone (cyclonedx-gomod takes the version from git, and cannot read a git worktree's)"
	case p.Ecosystem == "python":
		return " (pip install cyclonedx-bom)"
	}
	return ""
}

// actionUses names the Action as the examples' workflows do (TestActionSnippet).
const actionUses = "uses: cra-gate/cra-gate@v1"

// The actions the snippet uses, pinned by commit as the examples pin them
// (TestActionSnippet holds them equal).
const (
	checkoutAction = "actions/checkout@de0fac2e4500dabe0009e67214ff5f5447ce83dd # v6.0.2"
	setupGoAction  = "actions/setup-go@7a3fe6cf4cb3a834922a1244abfce67bcef6a0c5 # v6.2.0"
)

// actionSnippet is the smallest workflow that runs the gate on pull
// requests: the checkout, the base beside it (what the pull request
// introduces), the SBOM generated first when the repository holds none
// (pinned generators, per ecosystem), then the gate.
func actionSnippet(p *Plan) []string {
	lines := []string{
		"on: pull_request",
		"permissions: {contents: read, pull-requests: write, checks: write}",
		"jobs:",
		"  cra:",
		"    runs-on: ubuntu-latest",
		"    steps:",
		"      - uses: " + checkoutAction,
		"        with: {persist-credentials: false}",
		"      - uses: " + checkoutAction,
		"        with:",
		"          ref: ${{ github.event.pull_request.base.sha }}",
		"          path: .cra-gate/base",
		"          persist-credentials: false",
	}
	if gs := generators(p); len(gs) > 0 {
		switch p.Ecosystem {
		case "go":
			mod := p.Source
			if mod == "" {
				mod = p.Dir
			}
			lines = append(lines, "      - uses: "+setupGoAction, "        with: {go-version-file: "+shown(path.Join(mod, "go.mod"))+"}")
		case "npm":
			if p.PackageManager == "npm" || p.PackageManager == "" {
				lines = append(lines, "      - run: npm ci")
			}
		}
		for _, g := range gs {
			lines = append(lines, "      - run: "+g.cmd)
		}
	}
	with := "base-path: .cra-gate/base"
	if p.Config != "cra.toml" {
		with += ", config: " + shown(p.Config)
	}
	return append(lines, "      - "+actionUses, "        with: {"+with+"}")
}
