package osvapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func rec(id string) string {
	return fmt.Sprintf(`{"id":%q,"modified":"2026-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"npm","name":"p"}}]}`, id)
}

// server answers querybatch with batch(queries) and vulns with vuln(id).
func server(t testing.TB, batch func(w http.ResponseWriter, n int, tokens []string), vuln func(w http.ResponseWriter, id string)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/querybatch" && r.Method == http.MethodPost {
			var req struct {
				Queries []struct {
					PageToken string `json:"page_token"`
				} `json:"queries"`
			}
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Queries) > BatchSize {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"code":3,"message":"Too many queries."}`)
				return
			}
			var tokens []string
			for _, q := range req.Queries {
				tokens = append(tokens, q.PageToken)
			}
			batch(w, len(req.Queries), tokens)
			return
		}
		if id, ok := strings.CutPrefix(r.URL.Path, "/v1/vulns/"); ok {
			vuln(w, id)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func oneEach(w http.ResponseWriter, n int, _ []string) {
	var b strings.Builder
	b.WriteString(`{"results":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"vulns":[{"id":"V-%d","modified":"2026-01-01T00:00:00Z"}]}`, i%3)
	}
	b.WriteString("]}")
	fmt.Fprint(w, b.String())
}

func records(w http.ResponseWriter, id string) { fmt.Fprint(w, rec(id)) }

func fast(srv *httptest.Server) *Client {
	return &Client{BaseURL: srv.URL, HTTP: srv.Client(), Backoff: time.Millisecond, RequestTimeout: 2 * time.Second, TotalTimeout: 10 * time.Second}
}

func TestMatchBatchesAndFetchesOnce(t *testing.T) {
	var batches, gets atomic.Int32
	srv := server(t, func(w http.ResponseWriter, n int, tok []string) { batches.Add(1); oneEach(w, n, tok) },
		func(w http.ResponseWriter, id string) { gets.Add(1); records(w, id) })
	qs := make([]Query, 2500)
	for i := range qs {
		qs[i] = Query{Ecosystem: "npm", Name: fmt.Sprintf("p%d", i), Version: "1.0.0"}
	}
	out, err := fast(srv).Match(context.Background(), qs)
	if err != nil {
		t.Fatal(err)
	}
	if batches.Load() != 3 || gets.Load() != 3 || len(out) != 2500 || out[4][0].GetId() != "V-1" {
		t.Errorf("batches %d, gets %d, %d results", batches.Load(), gets.Load(), len(out))
	}
}

func TestMatchPages(t *testing.T) {
	srv := server(t, func(w http.ResponseWriter, n int, tok []string) {
		page := 0
		fmt.Sscanf(tok[0], "t%d", &page)
		next := ""
		if page < 2 {
			next = fmt.Sprintf("t%d", page+1)
		}
		fmt.Fprintf(w, `{"results":[{"vulns":[{"id":"V-%d"}],"next_page_token":%q}]}`, page, next)
	}, records)
	out, err := fast(srv).Match(context.Background(), []Query{{Ecosystem: "npm", Name: "p", Version: "1"}})
	if err != nil || len(out[0]) != 3 {
		t.Fatalf("%v %v", out, err)
	}
}

func TestMatchFailures(t *testing.T) {
	endless := func(w http.ResponseWriter, n int, tok []string) {
		fmt.Fprintf(w, `{"results":[{"vulns":[],"next_page_token":"%s+"}]}`, tok[0])
	}
	repeat := func(w http.ResponseWriter, n int, tok []string) {
		fmt.Fprint(w, `{"results":[{"next_page_token":"same"}]}`)
	}
	short := func(w http.ResponseWriter, n int, tok []string) { fmt.Fprint(w, `{"results":[]}`) }
	var fails atomic.Int32
	flaky := func(w http.ResponseWriter, n int, tok []string) {
		if fails.Add(1) <= 2 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		oneEach(w, n, tok)
	}
	limited := func(w http.ResponseWriter, n int, tok []string) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"code":8,"message":"Quota exceeded."}`)
	}
	bad := func(w http.ResponseWriter, n int, tok []string) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"code":3,"message":"Invalid ecosystem."}`)
	}
	stall := func(w http.ResponseWriter, n int, tok []string) { time.Sleep(time.Second) }
	wrongID := func(w http.ResponseWriter, id string) { fmt.Fprint(w, rec("OTHER")) }
	for name, tc := range map[string]struct {
		batch func(http.ResponseWriter, int, []string)
		vuln  func(http.ResponseWriter, string)
		want  string
	}{
		"endless pages":     {endless, records, "after 100 pages"},
		"repeated token":    {repeat, records, "repeats the page token"},
		"missing results":   {short, records, "0 results for 1 queries"},
		"retried 503":       {flaky, records, ""},
		"429 until it ends": {limited, records, `429 Too Many Requests: "Quota exceeded." (after 4 attempts)`},
		"400 error body":    {bad, records, `400 Bad Request: "Invalid ecosystem."`},
		"stall":             {stall, records, "no answer within"},
		"wrong record":      {oneEach, wrongID, `is record "OTHER"`},
	} {
		t.Run(name, func(t *testing.T) {
			srv := server(t, tc.batch, tc.vuln)
			c := fast(srv)
			c.RequestTimeout = 200 * time.Millisecond
			start := time.Now()
			_, err := c.Match(context.Background(), []Query{{Ecosystem: "npm", Name: "p", Version: "1"}})
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("want success, got %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

func TestMatchRefusesNonHTTP(t *testing.T) {
	if _, err := (&Client{BaseURL: "file:///etc"}).Match(context.Background(), nil); err == nil {
		t.Fatal("file URL accepted")
	}
}

// BenchmarkMatchSlowAPI: a 1,000-component SBOM against an OSV stand-in on
// loopback that answers every request after 50 ms (an API across the
// internet), 150 of the components with an advisory of their own: one
// querybatch, then 150 GETs, Concurrency at a time. docs/vulns.md quotes
// the figures.
func BenchmarkMatchSlowAPI(b *testing.B) {
	const latency = 50 * time.Millisecond
	srv := server(b, func(w http.ResponseWriter, n int, _ []string) {
		time.Sleep(latency)
		var sb strings.Builder
		sb.WriteString(`{"results":[`)
		for i := range n {
			if i > 0 {
				sb.WriteString(",")
			}
			if i < 150 {
				fmt.Fprintf(&sb, `{"vulns":[{"id":"V-%d","modified":"2026-01-01T00:00:00Z"}]}`, i)
			} else {
				sb.WriteString(`{}`)
			}
		}
		sb.WriteString("]}")
		fmt.Fprint(w, sb.String())
	}, func(w http.ResponseWriter, id string) { time.Sleep(latency); records(w, id) })
	qs := make([]Query, 1000)
	for i := range qs {
		qs[i] = Query{Ecosystem: "npm", Name: fmt.Sprintf("p%d", i), Version: "1.0.0"}
	}
	for _, conc := range []int{0, 16, 32} {
		name := "concurrency=default"
		if conc > 0 {
			name = fmt.Sprintf("concurrency=%d", conc)
		}
		b.Run(name, func(b *testing.B) {
			c := fast(srv)
			c.Concurrency = conc
			for b.Loop() {
				got, err := c.Match(context.Background(), qs)
				if err != nil {
					b.Fatal(err)
				}
				if len(got[0]) != 1 || len(got[999]) != 0 {
					b.Fatalf("answers %d, %d", len(got[0]), len(got[999]))
				}
			}
		})
	}
}
