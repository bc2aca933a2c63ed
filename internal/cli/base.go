package cli

import (
	"fmt"
	"os"

	"github.com/cra-gate/cra-gate/checks"
	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/baseline"
	"github.com/cra-gate/cra-gate/internal/repo"
)

// evaluate runs the gate on dir and, when base is set, on base too with the
// same config and options, and marks what the change introduces
// (internal/baseline). The report names the base checkout baseName at
// baseCommit. The verdict is the change's own: the base only labels findings.
func evaluate(dir, base, baseName, baseCommit, config string, opt checks.Options) (*finding.Result, error) {
	res, err := checks.Evaluate(dir, config, opt)
	if err != nil || base == "" {
		return res, err
	}
	head, err := repo.Open(dir)
	if err != nil {
		return nil, err
	}
	defer head.Close()
	sides := baseline.Sides{Head: head, BasePath: baseName}
	var baseRes *finding.Result
	if _, err := os.Stat(base); err == nil {
		// The folder is missing on the base when the change adds it: then
		// everything is new.
		if baseRes, err = checks.Evaluate(base, config, opt); err != nil {
			return nil, fmt.Errorf("base %s: %v", baseName, err)
		}
		b, err := repo.Open(base)
		if err != nil {
			return nil, fmt.Errorf("base %s: %v", baseName, err)
		}
		defer b.Close()
		sides.Base, sides.BaseCommit = b, baseCommit
	}
	return baseline.Apply(res, baseRes, sides), nil
}
