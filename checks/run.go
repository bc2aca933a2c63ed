package checks

import (
	"errors"
	"fmt"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/budget"
	"github.com/cra-gate/cra-gate/internal/deps"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/repo"
)

// Evaluate opens the repository and runs the gate on config: the shared
// engine of `check` and `action`. config may be a glob ("*/cra.toml",
// "**/cra.toml", see repo.Glob) naming several products; their results are
// then combined (finding.Combine) and each stands in Products.
func Evaluate(dir, config string, opt Options) (*finding.Result, error) {
	r, err := repo.Open(dir)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	configs, err := r.Glob(config)
	if err != nil {
		return nil, fmt.Errorf("--config %v", err)
	}
	if len(configs) == 0 {
		configs = []string{config} // reported as missing, naming the pattern
	}
	var results []*finding.Result
	for _, c := range configs {
		res, err := Run(r, c, opt)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	if len(results) == 1 {
		return results[0], nil
	}
	return finding.Combine(config, results), nil
}

// Run loads the manifest at config (relative to the repository root), runs every
// check and returns the evaluated result. It fails only when the gate cannot run
// at all; everything wrong with the repository, cra.toml included, is a finding.
func Run(r *repo.Repo, config string, opt Options) (*finding.Result, error) {
	if opt.MaxSBOMSize <= 0 {
		opt.MaxSBOMSize = DefaultMaxSBOMSize
	}
	if opt.FailOn == "" {
		opt.FailOn = finding.FailOnError
	}
	cfg, err := repo.Clean(config)
	if err != nil {
		return nil, fmt.Errorf("--config %v", err)
	}
	res := &finding.Result{
		Version: finding.FormatVersion,
		Tool:    finding.Tool{Name: "cra-gate", Version: opt.ToolVersion},
		Date:    date(opt.Now),
		Config:  cfg,
	}
	c := &run{repo: r, opt: opt, sources: map[string][]string{}, refs: map[string]ref{}, depsBudget: deps.NewBudget(r),
		budget: budget.New(opt.MaxTotalSize, opt.MaxObjects)}
	skipped := map[string]string{}
	c.m = c.load(cfg)
	if c.m != nil {
		res.Product = finding.Product{Name: c.m.Product.Name, Manufacturer: c.m.Product.Manufacturer, Version: c.m.Product.Version}
		c.gather()
	}
	if c.m != nil && c.m.Product.NonCommercial() {
		c.reportNonCommercial()
	}
	for _, ch := range checkRegistry {
		why := ""
		switch {
		case c.m == nil:
			if ch.ID != finding.CheckManifest {
				why = cfg + " could not be read"
			}
		case c.m.Product.NonCommercial() && ch.ID != finding.CheckManifest && ch.ID != finding.CheckDisclosure:
			why = "product.commercial = false: the CRA does not apply (Article 3(22))"
		case ch.skip != nil && ch.skip(c) != "":
			why = ch.skip(c)
		default:
			why = ch.apply(c)
		}
		if why != "" {
			skipped[ch.ID] = why
		}
	}
	if c.m != nil {
		c.flushCapped()
		c.applyWaivers()
	}
	res.Findings = c.findings
	if res.Findings == nil {
		res.Findings = []finding.Finding{}
	}
	res.SBOMs = c.sboms
	res.Vulnerabilities = c.vulns
	res.Evaluate(opt.FailOn, checkIDs(), skipped)
	return res, nil
}

// load reads and parses cra.toml, reporting its problems; nil means the other
// checks cannot run.
func (c *run) load(cfg string) *manifest.Manifest {
	src, err := c.repo.ReadFile(cfg, manifest.MaxSize)
	if err != nil {
		var pe *repo.PathError
		var tl *repo.TooLargeError
		switch {
		case errors.As(err, &pe) && pe.Missing:
			c.report(ruleManifestMissing, location{file: cfg}, "%s not found: run `cra-gate init` to write one from what the repository holds, or pass --config", cfg)
		case errors.As(err, &tl):
			c.report(ruleManifestLimit, location{file: cfg}, "%s is %d bytes; the gate reads at most 1 MiB: a cra.toml is a few kilobytes, check that "+
				"--config names the right file", cfg, tl.Size)
		default:
			c.report(ruleManifestMissing, location{file: cfg}, "cannot read %v", err)
		}
		return nil
	}
	c.remember(cfg, src)
	m, probs := manifest.Parse(cfg, src)
	for _, p := range probs {
		r := ruleManifestUnknownKey
		switch p.Kind {
		case manifest.Syntax:
			r = ruleManifestSyntax
		case manifest.WrongType:
			r = ruleManifestType
		case manifest.Limit, manifest.TooLong:
			r = ruleManifestLimit
		case manifest.TODOValue:
			r = ruleManifestTODO
		}
		c.report(r, location{file: cfg, line: p.Pos.Line, col: p.Pos.Col, path: p.Path}, "%s", p.Msg)
	}
	return m
}
