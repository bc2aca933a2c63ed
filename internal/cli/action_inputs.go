package cli

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/ghcomment"
	"github.com/cra-gate/cra-gate/internal/repo"
	"github.com/cra-gate/cra-gate/internal/vuln/kev"
	"github.com/cra-gate/cra-gate/internal/vuln/osvapi"
)

// actionInputs are the validated inputs of `cra-gate action`.
type actionInputs struct {
	dir         string // repository directory (absolute)
	config      string
	key         string // comment key: the config path relative to the workspace
	prefix      string // dir relative to the workspace, slash form; "" for the workspace or outside it
	opt         checks.Options
	comment     string // auto, always or never
	author      string // the login whose comments are ours
	token       string
	sarif       string // workspace-relative slash path; "" writes none
	base        string // the base checkout's folder that matches dir; "" compares with nothing
	baseName    string // base-path as given, for the report
	baseCommit  string // the base checkout's HEAD
	summary     bool
	annotations string // auto (a check run when the token may, else commands), commands or off
}

// inputs reads and validates the Action's inputs.
func (a *actionRun) inputs() (actionInputs, error) {
	var in actionInputs
	ws, err := a.workspaceDir()
	if err != nil {
		return in, err
	}
	a.workspace = ws

	get := func(name, def string) string {
		if v := a.gha.GetInput(name); v != "" {
			return v
		}
		return def
	}
	// The workspace's door: the checked folder and the workspace paths of the
	// vulnerability sources resolve through it, link by link.
	door, err := repo.Open(ws)
	if err != nil {
		return in, fmt.Errorf("workspace: %w", err)
	}
	defer door.Close()
	dir := get("path", ".")
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(ws, dir)
	}
	abs, inside, err := door.Confined(dir)
	switch {
	case err != nil:
		return in, fmt.Errorf("input path %q: %v", get("path", "."), err)
	case !inside:
		return in, fmt.Errorf("input path %q is outside the workspace %s: name a folder of the checkout", get("path", "."), ws)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return in, fmt.Errorf("input path %q is not a folder of the checkout", get("path", "."))
	}
	in.dir = abs
	if r, ok := door.Rel(abs); ok && r != "." {
		in.prefix = r
	}
	if bp := get("base-path", ""); bp != "" {
		b := bp
		if !filepath.IsAbs(b) {
			b = filepath.Join(ws, b)
		}
		babs, inside, err := door.Confined(b)
		switch {
		case err != nil:
			return in, fmt.Errorf("input base-path %q: %v", bp, err)
		case !inside:
			return in, fmt.Errorf("input base-path %q is outside the workspace %s: check the base out into it (.cra-gate/base)", bp, ws)
		}
		if fi, err := os.Stat(babs); err != nil || !fi.IsDir() {
			return in, fmt.Errorf("input base-path %q is not a folder: check out the pull request's base commit there first", bp)
		}
		in.base, in.baseName, in.baseCommit = filepath.Join(babs, filepath.FromSlash(in.prefix)), filepath.ToSlash(bp), headCommit(babs)
	}
	in.config = get("config", "cra.toml")
	in.key = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.FromSlash(in.prefix), in.config)))

	if in.opt.FailOn, err = finding.ParseFailLevel(get("fail-on", "error")); err != nil {
		return in, fmt.Errorf("input fail-on %q: want error, warning or never", get("fail-on", ""))
	}
	switch in.comment = strings.ToLower(get("comment", "auto")); in.comment {
	case "auto", "always", "never":
	default:
		return in, fmt.Errorf("input comment %q: want auto, always or never", in.comment)
	}
	if in.author, err = commentAuthor(get("comment-author", ghcomment.DefaultAuthor), "input comment-author"); err != nil {
		return in, err
	}
	if in.summary, err = boolInput("summary", get("summary", "true")); err != nil {
		return in, err
	}
	switch v := strings.ToLower(get("annotations", "true")); v {
	case "true", "auto":
		in.annotations = "auto"
	case "commands":
		in.annotations = "commands"
	case "false":
		in.annotations = "off"
	default:
		return in, fmt.Errorf("input annotations %q: want true, commands or false", v)
	}
	if in.opt.Now, err = parseNow(get("now", ""), "input now", a.std.Getenv); err != nil {
		return in, err
	}
	if in.opt.MaxSBOMSize, err = parseSize(get("max-sbom-size", "128MiB")); err != nil {
		return in, fmt.Errorf("input max-sbom-size: %w", err)
	}
	fetch, err := boolInput("fetch-sboms", get("fetch-sboms", "true"))
	if err != nil {
		return in, err
	}
	if fetch {
		in.opt.FetchSBOMs = http.DefaultClient
	}
	vulnsOn, err := boolInput("vulnerabilities", get("vulnerabilities", "true"))
	if err != nil {
		return in, err
	}
	if vulnsOn {
		var db []string
		if v := get("vuln-db", ""); v != "" {
			for _, p := range strings.Split(v, "\n") {
				if p = strings.TrimSpace(p); p != "" {
					if !filepath.IsAbs(p) {
						p = filepath.Join(ws, p)
					}
					db = append(db, p)
				}
			}
		}
		var nvdPaths []string
		for _, p := range strings.Split(get("nvd", ""), "\n") {
			if p = strings.TrimSpace(p); p != "" {
				if !filepath.IsAbs(p) {
					p = filepath.Join(ws, p)
				}
				nvdPaths = append(nvdPaths, p)
			}
		}
		in.opt.Vulns = vulnSources(db, nvdPaths, get("osv-api", osvapi.DefaultURL), get("kev", kev.FeedURL), a.std.Getenv)
		in.opt.Vulns.NVDAPI = strings.TrimSpace(get("nvd-api", ""))
		if key := strings.TrimSpace(get("nvd-api-key", "")); key != "" {
			a.gha.AddMask(key)
			in.opt.Vulns.NVDAPIKey = key
		}
		if err := checkVulnSources(in.opt.Vulns, "input "); err != nil {
			return in, err
		}
		if k := in.opt.Vulns.KEV; k != "" && !strings.Contains(k, "://") && !filepath.IsAbs(k) {
			in.opt.Vulns.KEV = filepath.Join(ws, k)
		}
		if err := confineSources(&in.opt.Vulns, door, "input "); err != nil {
			return in, err
		}
	}
	if s := get("sarif", ""); s != "" {
		if in.sarif, err = insideWorkspace(ws, s); err != nil {
			return in, fmt.Errorf("input sarif: %w", err)
		}
	}
	in.opt.ToolVersion = version()
	return in, nil
}

// workspaceDir is $GITHUB_WORKSPACE (/github/workspace in a Docker action),
// else the working directory.
func (a *actionRun) workspaceDir() (string, error) {
	ws := a.std.Getenv("GITHUB_WORKSPACE")
	if ws == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", fmt.Errorf("finding the workspace: %w", err)
		}
		ws = wd
	}
	abs, err := filepath.Abs(ws)
	if err != nil {
		return "", fmt.Errorf("workspace %s: %w", ws, err)
	}
	return abs, nil
}

// boolInput reads a boolean input as the Actions toolkit does.
func boolInput(name, v string) (bool, error) {
	switch v {
	case "true", "True", "TRUE":
		return true, nil
	case "false", "False", "FALSE":
		return false, nil
	}
	return false, fmt.Errorf("input %s %q: want true or false", name, v)
}

// insideWorkspace validates a path to write: relative to the workspace (or
// absolute inside it), not leaving it, on one line. It returns the path in clean
// slash form relative to the workspace.
func insideWorkspace(ws, p string) (string, error) {
	if strings.ContainsAny(p, "\x00\r\n") {
		return "", fmt.Errorf("%q contains a NUL or line break", p)
	}
	rel := p
	if filepath.IsAbs(p) {
		r, err := filepath.Rel(ws, p)
		if err != nil {
			return "", fmt.Errorf("%q is outside the workspace %s: write it relative to the workspace", p, ws)
		}
		rel = r
	}
	rel = filepath.Clean(rel)
	switch {
	case rel == ".":
		return "", fmt.Errorf("%q names the workspace itself, not a file", p)
	case rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel):
		return "", fmt.Errorf("%q is outside the workspace %s: write it relative to the workspace", p, ws)
	}
	return filepath.ToSlash(rel), nil
}

// parsePR reads a pull request number: decimal digits, greater than 0.
func parsePR(s string) (int, error) {
	if !isDecimal(s) {
		return 0, fmt.Errorf("pull request number %q: want a positive decimal number", s)
	}
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("pull request number %q: want a positive decimal number", s)
	}
	return int(n), nil
}

func isDecimal(s string) bool {
	if s == "" || len(s) > 19 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// commentAuthor validates a login: a GitHub user or bot name, as the
// comment input names it (from says which).
func commentAuthor(login, from string) (string, error) {
	login = strings.TrimSpace(login)
	name := strings.TrimSuffix(login, "[bot]")
	if !plainName(name) || strings.ContainsAny(name, "._") {
		return "", fmt.Errorf("%s %q: want a GitHub login such as github-actions[bot], my-app[bot] or octocat", from, login)
	}
	return login, nil
}

// splitRepo splits "owner/name" and checks both are plain GitHub names.
func splitRepo(s string) (owner, name string, ok bool) {
	owner, name, found := strings.Cut(s, "/")
	if !found || !plainName(owner) || !plainName(name) {
		return "", "", false
	}
	return owner, name, true
}

func plainName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}
