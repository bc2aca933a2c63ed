package manifest

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// SBOMRef is one entry of an [[rdps]] entry's sbom list: a repository path,
// or, for an RDPS built in another repository, a table
// { url = "https://...", sha256 = "..." } naming where its SBOM is published
// and the digest of the file declared.
type SBOMRef struct {
	Path   string
	URL    string
	SHA256 string // lower-case hex
}

// MaxSBOMURL bounds an SBOM's URL, in bytes.
const MaxSBOMURL = 2048

// Remote reports whether the SBOM is named by URL.
func (r SBOMRef) Remote() bool { return r.URL != "" }

// String is the path, or the URL.
func (r SBOMRef) String() string {
	if r.Remote() {
		return r.URL
	}
	return r.Path
}

// UnmarshalTOML reads a path, or a table with exactly url (https) and sha256
// (64 hexadecimal digits).
func (r *SBOMRef) UnmarshalTOML(v any) error {
	*r = SBOMRef{}
	switch x := v.(type) {
	case string:
		if len(x) > MaxText {
			return fmt.Errorf("is %d bytes long; a path is at most %d", len(x), MaxText)
		}
		r.Path = x
		return nil
	case map[string]any:
		var keys []string
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if k != "url" && k != "sha256" {
				return fmt.Errorf("has the key %q in an SBOM table: its keys are url and sha256", k)
			}
		}
		u, okU := x["url"].(string)
		d, okD := x["sha256"].(string)
		if !okU || !okD {
			return errors.New(`needs both url and sha256 (strings) in an SBOM table: { url = "https://...", sha256 = "<64 hex digits>" }`)
		}
		if len(u) > MaxSBOMURL {
			return fmt.Errorf("has a url of %d bytes; at most %d", len(u), MaxSBOMURL)
		}
		p, err := url.Parse(u)
		if err != nil || p.Scheme != "https" || p.Host == "" || p.User != nil {
			return fmt.Errorf("has url %q: an SBOM table's url is an https:// address without credentials", clip(u, 80))
		}
		d = strings.ToLower(strings.TrimSpace(d))
		if b, err := hex.DecodeString(d); err != nil || len(b) != 32 {
			return fmt.Errorf("has sha256 %q: the SHA-256 of the file, 64 hexadecimal digits (sha256sum prints it)", clip(d, 80))
		}
		r.URL, r.SHA256 = u, d
		return nil
	}
	return errors.New(`must hold repository paths or tables { url = "https://...", sha256 = "..." }, not ` + describe(v))
}

// SBOMPaths returns the repository paths among refs, in order, remote ones
// left out.
func SBOMPaths(refs []SBOMRef) []string {
	var out []string
	for _, r := range refs {
		if !r.Remote() {
			out = append(out, r.Path)
		}
	}
	return out
}
