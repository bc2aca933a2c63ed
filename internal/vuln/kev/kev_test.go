package kev

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

func TestRealCatalog(t *testing.T) {
	c, err := Load(context.Background(), realdata.File(t, "kev", "known_exploited_vulnerabilities.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 1404 || c.Version != "2025.08.25" {
		t.Errorf("%d entries, version %s", c.Len(), c.Version)
	}
	if e, ok := c.Lookup("cve-2022-22965"); !ok || e.DateAdded != "2022-04-04" || !strings.Contains(e.Product, "Spring") {
		t.Errorf("Spring4Shell: %+v %v", e, ok)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{`[]`, `{}`, `{"vulnerabilities":[{"cveID":"nope"}]}`, `{"vulnerabilities":"x"}`} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s parsed", in)
		}
	}
	c, err := Parse([]byte(`{"vulnerabilities":[{"cveID":5},{"cveID":"CVE-2021-44228","dateAdded":"2021-12-10"}]}`))
	if err != nil || c.Len() != 1 {
		t.Errorf("%v %v", c, err)
	}
}

func TestFetchRetries(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.Write([]byte(`{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2021-44228"}]}`))
	}))
	defer srv.Close()
	c, err := Load(context.Background(), srv.URL, srv.Client())
	if err != nil || c.Len() != 1 || n.Load() != 2 {
		t.Fatalf("%v %v after %d requests", c, err, n.Load())
	}
	srv404 := httptest.NewServer(http.NotFoundHandler())
	defer srv404.Close()
	if _, err := Load(context.Background(), srv404.URL, srv404.Client()); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
}
