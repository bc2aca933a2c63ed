package nvdapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeNVD answers as the CVE API 2.0 does: pages of {"cve": ...} records
// under resultsPerPage/startIndex/totalResults, 403 with a "message" header
// when busy, the apiKey header read.
type fakeNVD struct {
	mu       sync.Mutex
	records  map[string]int // product -> how many records name it
	busy     int            // answer the next busy requests with 403
	reqs     []*http.Request
	keys     []string
	garbage  bool
	srv      *httptest.Server
	retryHdr string
}

func newFake(t *testing.T) *fakeNVD {
	f := &fakeNVD{records: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeNVD) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, r)
	f.keys = append(f.keys, r.Header.Get("apiKey"))
	if f.busy > 0 {
		f.busy--
		if f.retryHdr != "" {
			w.Header().Set("Retry-After", f.retryHdr)
		}
		w.Header().Set("message", "Request forbidden by administrative rules.")
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if f.garbage {
		fmt.Fprint(w, "<html>maintenance</html>")
		return
	}
	match := r.URL.Query().Get("virtualMatchString")
	product := match[strings.LastIndexByte(match, ':')+1:]
	per, _ := strconv.Atoi(r.URL.Query().Get("resultsPerPage"))
	start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
	total := f.records[product]
	var recs []string
	for i := start; i < total && i < start+per; i++ {
		recs = append(recs, fmt.Sprintf(`{"cve":{"id":"CVE-2024-%d","lastModified":"2024-01-01T00:00:00.000","configurations":[{"nodes":[`+
			`{"operator":"OR","cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:a:x:%s:*:*:*:*:*:*:*:*","versionEndExcluding":"2.0"}]}]}]}}`,
			10000+i, product))
	}
	fmt.Fprintf(w, `{"resultsPerPage":%d,"startIndex":%d,"totalResults":%d,"format":"NVD_CVE","version":"2.0","vulnerabilities":[%s]}`,
		len(recs), start, total, strings.Join(recs, ","))
}

// instant records the waits instead of sleeping.
type instant struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *instant) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return nil
}

func TestFetchPagesAndPace(t *testing.T) {
	f := newFake(t)
	f.records["busybox"], f.records["zlib"] = 5, 1
	var sl instant
	c := &Client{BaseURL: f.srv.URL, PageSize: 2, Sleep: sl.sleep}
	recs, errs := c.Fetch(context.Background(), []Product{{"busybox", "busybox"}, {"*", "zlib"}})
	if len(errs) != 0 || len(recs) != 6 {
		t.Fatalf("%d records, errors %v", len(recs), errs)
	}
	// Three pages of busybox (2, 2, 1), one of zlib; a pause before each but the first.
	if len(f.reqs) != 4 || f.reqs[0].URL.Query().Get("virtualMatchString") != "cpe:2.3:*:busybox:busybox" ||
		f.reqs[3].URL.Query().Get("virtualMatchString") != "cpe:2.3:*:*:zlib" || f.reqs[2].URL.Query().Get("startIndex") != "4" {
		t.Errorf("requests: %v", f.reqs)
	}
	if len(sl.waits) != 3 || sl.waits[0] < 5*time.Second {
		t.Errorf("waits %v: without a key, 6 s between requests", sl.waits)
	}
}

func TestFetchKeyInHeaderFasterPace(t *testing.T) {
	f := newFake(t)
	f.records["x"] = 1
	var sl instant
	c := &Client{BaseURL: f.srv.URL, APIKey: "k-123", Sleep: sl.sleep}
	c.Fetch(context.Background(), []Product{{"*", "x"}, {"*", "y"}})
	if f.keys[0] != "k-123" || strings.Contains(f.reqs[0].URL.String(), "k-123") {
		t.Errorf("the key must go in the apiKey header, never the URL: %v %v", f.keys, f.reqs[0].URL)
	}
	if len(sl.waits) != 1 || sl.waits[0] > time.Second {
		t.Errorf("waits %v: with a key, 0.6 s", sl.waits)
	}
}

func TestFetchRetriesWhenBusy(t *testing.T) {
	f := newFake(t)
	f.records["x"], f.busy, f.retryHdr = 1, 2, "30"
	var sl instant
	c := &Client{BaseURL: f.srv.URL, Sleep: sl.sleep}
	recs, errs := c.Fetch(context.Background(), []Product{{"*", "x"}})
	if len(errs) != 0 || len(recs) != 1 || len(f.reqs) != 3 {
		t.Fatalf("%d records, %v, %d requests", len(recs), errs, len(f.reqs))
	}
	if len(sl.waits) != 2 || sl.waits[0] != 30*time.Second {
		t.Errorf("waits %v: Retry-After", sl.waits)
	}
	// Busy for longer than the retries: an error naming NVD's message, not a hang.
	f.busy = 10
	_, errs = c.Fetch(context.Background(), []Product{{"*", "x"}})
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "HTTP 403 (Request forbidden by administrative rules.)") {
		t.Errorf("errors %v", errs)
	}
}

func TestFetchBudgetAndGarbage(t *testing.T) {
	f := newFake(t)
	var sl instant
	c := &Client{BaseURL: f.srv.URL, MaxRequests: 2, Sleep: sl.sleep}
	_, errs := c.Fetch(context.Background(), []Product{{"*", "a"}, {"*", "b"}, {"*", "c"}, {"*", "d"}})
	if len(errs) != 2 || errs[0].Product.Product != "c" || !strings.Contains(errs[0].Msg, "requests were spent") {
		t.Errorf("errors %v", errs)
	}
	f.garbage = true
	_, errs = (&Client{BaseURL: f.srv.URL, Sleep: sl.sleep}).Fetch(context.Background(), []Product{{"*", "a"}})
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "not a CVE API answer") {
		t.Errorf("errors %v", errs)
	}
}
