package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/finding"
)

// TestRemoteSBOMVerified: an [[rdps]] SBOM named by URL is downloaded (from
// a TLS server on the loopback, as a release server answers) and its digest
// compared: a match is a notice saying what it holds, a different digest or
// a file that is no SBOM an error, a failed download a warning; offline it
// is declared, not verified.
func TestRemoteSBOMVerified(t *testing.T) {
	cloud := cdx("test-cloud", "c", "d")
	notSBOM := "<html>Release notes</html>"
	digest := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }
	mux := http.NewServeMux()
	mux.HandleFunc("/cloud.cdx.json", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(cloud)) })
	mux.HandleFunc("/notes.html", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(notSBOM)) })
	mux.HandleFunc("/big.cdx.json", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(strings.Repeat(" ", 4096) + cloud))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+r.Host+"/cloud.cdx.json", http.StatusFound)
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()

	for _, tc := range []struct {
		name, path, sum string
		offline         bool
		severity        finding.Severity
		want            string
	}{
		{"verified", "/cloud.cdx.json", digest(cloud), false, finding.Notice, "is verified: sha256 matches; CycloneDX 1.6, 2 components"},
		{"another file", "/cloud.cdx.json", digest("v1.0.0"), false, finding.Error, "has sha256 " + digest(cloud) + ", not the " + digest("v1.0.0") + " declared"},
		{"not an SBOM", "/notes.html", digest(notSBOM), false, finding.Error, "matches its sha256 but is not an SBOM the gate reads"},
		{"not found", "/gone.cdx.json", digest(cloud), false, finding.Warning, "could not be verified: " + srv.URL + "/gone.cdx.json answered 404 Not Found"},
		{"redirect to http", "/moved", digest(cloud), false, finding.Warning, "redirected to a non-https address"},
		{"too large", "/big.cdx.json", digest(cloud), false, finding.Warning, "is larger than the 4.0 KiB the gate reads of an SBOM"},
		{"offline", "/cloud.cdx.json", digest(cloud), true, finding.Notice, "not verified: this run does not fetch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := baseFiles()
			files["cra.toml"] = replace(t, baseManifest, `sbom = ["sbom/cloud.cdx.json"]`,
				`sbom = [{ url = "`+srv.URL+tc.path+`", sha256 = "`+tc.sum+`" }]`)
			opt := Options{Now: testNow, MaxSBOMSize: 4096}
			if !tc.offline {
				opt.FetchSBOMs = srv.Client()
			}
			res, err := Run(writeRepo(t, files), "cra.toml", opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []finding.Finding
			for _, f := range res.Findings {
				if f.Rule == "sbom-rdps-remote" {
					got = append(got, f)
				}
				if f.Rule == "sbom-rdps-uncovered" {
					t.Errorf("the RDPS named its SBOM: %s", f.Message)
				}
			}
			if len(got) != 1 || got[0].Severity != tc.severity || !strings.Contains(got[0].Message, tc.want) || got[0].File != "cra.toml" || got[0].Line == 0 {
				t.Errorf("got %+v; want one %s containing %q at its cra.toml line", got, tc.severity, tc.want)
			}
		})
	}
}
