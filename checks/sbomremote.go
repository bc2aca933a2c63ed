package checks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cra-gate/cra-gate/finding"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/sbom"
)

var ruleSBOMRemote = rule("sbom-rdps-remote")

// Limits of the SBOMs an [[rdps]] entry names by URL, which the run fetches
// only when Options.FetchSBOMs is set.
const (
	// maxRemoteSBOMs bounds how many are fetched in one run; the rest are
	// declared, not verified.
	maxRemoteSBOMs = 16
	// remoteSBOMTimeout bounds each download, redirects included.
	remoteSBOMTimeout = 60 * time.Second
)

// remoteSBOMs are the SBOMs r names by URL.
func remoteSBOMs(r manifest.RDPS) []manifest.SBOMRef {
	var out []manifest.SBOMRef
	for _, s := range r.SBOM {
		if s.Remote() {
			out = append(out, s)
		}
	}
	return out
}

// checkRemoteSBOMs verifies the SBOMs [[rdps]] entries name by URL: an RDPS
// built in another repository. Offline, each is a notice, declared and not
// verified; online, the file is downloaded (https only, within MaxSBOMSize
// and remoteSBOMTimeout) and its SHA-256 compared with the one declared: a
// different digest is an error, a failed download a warning, a match a
// notice saying what the SBOM holds. Its components are not checked further
// here: the repository that builds the RDPS gates them.
func (c *run) checkRemoteSBOMs() {
	fetched := 0
	for i, r := range c.m.RDPS {
		label := manifest.Entry{Section: "rdps", Index: i, Name: r.Name}.Label()
		for _, ref := range remoteSBOMs(r) {
			loc := c.key("rdps", i, "sbom").on(ref.URL)
			if c.opt.FetchSBOMs == nil {
				c.reportAs(ruleSBOMRemote, finding.Notice, loc, "the SBOM of %s is declared at %s (sha256 %s), not verified: this run does "+
					"not fetch (the Action does; cra-gate check --fetch-sboms)", label, ref.URL, ref.SHA256)
				continue
			}
			if fetched == maxRemoteSBOMs {
				c.reportAs(ruleSBOMRemote, finding.Notice, loc, "the SBOM of %s at %s was not fetched: a run fetches at most %d; declared, "+
					"not verified", label, ref.URL, maxRemoteSBOMs)
				continue
			}
			fetched++
			data, err := fetchSBOM(c.opt.FetchSBOMs, ref.URL, c.opt.MaxSBOMSize)
			if err != nil {
				c.report(ruleSBOMRemote, loc, "the SBOM of %s could not be verified: %s %v", label, ref.URL, err)
				continue
			}
			sum := sha256.Sum256(data)
			if got := hex.EncodeToString(sum[:]); got != ref.SHA256 {
				c.reportAs(ruleSBOMRemote, finding.Error, loc, "the SBOM of %s at %s has sha256 %s, not the %s declared: what is "+
					"published is not the SBOM declared (a new release, or a changed file); update sha256 to the SBOM of the "+
					"version in operation", label, ref.URL, got, ref.SHA256)
				continue
			}
			if _, err := c.budget.Take(data); err != nil {
				c.report(ruleSBOMRemote, loc, "the SBOM of %s at %s was not decoded: %v", label, ref.URL, err)
				continue
			}
			doc, err := sbom.Parse(data)
			if err != nil {
				c.reportAs(ruleSBOMRemote, finding.Error, loc, "the file of %s at %s matches its sha256 but is not an SBOM the gate "+
					"reads: %v", label, ref.URL, err)
				continue
			}
			c.reportAs(ruleSBOMRemote, finding.Notice, loc, "the SBOM of %s at %s is verified: sha256 matches; %s %s, %d %s; its "+
				"components are checked in the repository that builds it", label, ref.URL, doc.Format, doc.SpecVersion,
				len(doc.Components), plural(len(doc.Components), "component", "components"))
		}
	}
}

// fetchSBOM downloads url: https only, redirects included, at most limit
// bytes.
func fetchSBOM(client *http.Client, url string, limit int64) ([]byte, error) {
	cl := *client
	cl.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return errors.New("redirected to a non-https address")
		}
		if len(via) >= 5 {
			return errors.New("more than 5 redirects")
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), remoteSBOMTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := cl.Do(req)
	if err != nil {
		return nil, fmt.Errorf("(%v)", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("answered %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("(%v)", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("is larger than the %s the gate reads of an SBOM (--max-sbom-size)", byteSize(limit))
	}
	return data, nil
}
