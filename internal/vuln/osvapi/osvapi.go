// Package osvapi queries an OSV-compatible API (https://google.github.io/osv.dev/api/):
// POST /v1/querybatch with up to 1,000 package versions a request, following
// next_page_token, then GET /v1/vulns/{id} once for each advisory found. Every
// request has a timeout, 5xx and 429 answers are retried with backoff, the whole
// run has a deadline, and answers are read within a size bound and checked for
// consistency, so an API that stalls, lies or pages forever ends in an error,
// never a hang.
package osvapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cra-gate/cra-gate/internal/vuln/osv"
)

// DefaultURL is osv.dev's API.
const DefaultURL = "https://api.osv.dev"

// Client is an OSV API client. The zero value of each setting means its default.
type Client struct {
	BaseURL string       // e.g. https://api.osv.dev
	HTTP    *http.Client // default: a client without its own timeout (each request has one)
	// RequestTimeout bounds one request (default 30 s).
	RequestTimeout time.Duration
	// TotalTimeout bounds the whole Match (default 5 min).
	TotalTimeout time.Duration
	// Retries is how often a 5xx, 429 or connection error is retried (default 3),
	// after Backoff, then twice, four times as long (default 1 s).
	Retries int
	Backoff time.Duration
	// MaxPages bounds the pages followed for one query (default 100).
	MaxPages int
	// MaxBody bounds one answer (default 32 MiB).
	MaxBody int64
	// MaxVulns bounds the distinct advisories fetched (default 20,000).
	MaxVulns int
	// Concurrency is the number of advisories fetched at once (default 16).
	Concurrency int
	// UserAgent is sent with every request.
	UserAgent string
}

// BatchSize is the most queries one querybatch request carries (the API's limit).
const BatchSize = 1000

// Query is one package version to look up.
type Query struct {
	Ecosystem, Name, Version string
}

// Error is why the API could not answer: the gate reports it and skips.
type Error struct {
	URL string
	Msg string
}

func (e *Error) Error() string { return e.URL + ": " + e.Msg }

func (c *Client) settings() Client {
	s := *c
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	if s.HTTP == nil {
		s.HTTP = &http.Client{}
	}
	if s.RequestTimeout <= 0 {
		s.RequestTimeout = 30 * time.Second
	}
	if s.TotalTimeout <= 0 {
		s.TotalTimeout = 5 * time.Minute
	}
	if s.Retries <= 0 {
		s.Retries = 3
	}
	if s.Backoff <= 0 {
		s.Backoff = time.Second
	}
	if s.MaxPages <= 0 {
		s.MaxPages = 100
	}
	if s.MaxBody <= 0 {
		s.MaxBody = 32 << 20
	}
	if s.MaxVulns <= 0 {
		s.MaxVulns = 20_000
	}
	if s.Concurrency <= 0 {
		s.Concurrency = 16
	}
	return s
}

// Match returns, for each query in order, the records of the advisories the
// API says affect it.
func (c *Client) Match(ctx context.Context, queries []Query) ([][]*osv.Record, error) {
	s := c.settings()
	if !strings.HasPrefix(s.BaseURL, "https://") && !strings.HasPrefix(s.BaseURL, "http://") {
		return nil, &Error{URL: s.BaseURL, Msg: "not an http(s) URL"}
	}
	ctx, cancel := context.WithTimeout(ctx, s.TotalTimeout)
	defer cancel()
	ids := make([][]string, len(queries))
	for start := 0; start < len(queries); start += BatchSize {
		end := min(start+BatchSize, len(queries))
		if err := s.batch(ctx, queries[start:end], ids[start:end]); err != nil {
			return nil, err
		}
	}
	var unique []string
	seen := map[string]bool{}
	for _, list := range ids {
		for _, id := range list {
			if !seen[id] {
				seen[id] = true
				unique = append(unique, id)
			}
		}
	}
	if len(unique) > s.MaxVulns {
		return nil, &Error{URL: s.BaseURL + "/v1/querybatch",
			Msg: fmt.Sprintf("the API names %d distinct advisories; the gate fetches at most %d", len(unique), s.MaxVulns)}
	}
	records, err := s.fetchAll(ctx, unique)
	if err != nil {
		return nil, err
	}
	out := make([][]*osv.Record, len(queries))
	for i, list := range ids {
		for _, id := range list {
			out[i] = append(out[i], records[id])
		}
	}
	return out, nil
}

type batchQuery struct {
	Package   batchPackage `json:"package"`
	Version   string       `json:"version,omitempty"`
	PageToken string       `json:"page_token,omitempty"`
}

type batchPackage struct {
	Name      string `json:"name"`
	Ecosystem string `json:"ecosystem"`
}

type batchAnswer struct {
	Results []struct {
		Vulns []struct {
			ID string `json:"id"`
		} `json:"vulns"`
		NextPageToken string `json:"next_page_token"`
	} `json:"results"`
}

// batch runs one querybatch request for up to BatchSize queries and follows
// the page tokens of those that have more.
func (s *Client) batch(ctx context.Context, queries []Query, ids [][]string) error {
	endpoint := s.BaseURL + "/v1/querybatch"
	pending := make([]int, len(queries))
	tokens := make([]string, len(queries))
	for i := range pending {
		pending[i] = i
	}
	for page := 0; len(pending) > 0; page++ {
		if page == s.MaxPages {
			return &Error{URL: endpoint,
				Msg: fmt.Sprintf("still answers next_page_token after %d pages for %s %s@%s: the gate stops there",
					s.MaxPages,
					queries[pending[0]].Ecosystem,
					queries[pending[0]].Name,
					queries[pending[0]].Version)}
		}
		req := struct {
			Queries []batchQuery `json:"queries"`
		}{}
		for _, i := range pending {
			q := queries[i]
			req.Queries = append(req.Queries, batchQuery{Package: batchPackage{Name: q.Name, Ecosystem: q.Ecosystem}, Version: q.Version, PageToken: tokens[i]})
		}
		body, _ := json.Marshal(req)
		data, err := s.do(ctx, http.MethodPost, endpoint, body)
		if err != nil {
			return err
		}
		var ans batchAnswer
		if err := json.Unmarshal(data, &ans); err != nil {
			return &Error{URL: endpoint, Msg: "the answer is not querybatch JSON: " + err.Error()}
		}
		if len(ans.Results) != len(pending) {
			return &Error{URL: endpoint, Msg: fmt.Sprintf("the answer has %d results for %d queries", len(ans.Results), len(pending))}
		}
		var next []int
		for k, r := range ans.Results {
			i := pending[k]
			for _, v := range r.Vulns {
				id := strings.TrimSpace(v.ID)
				if id == "" {
					return &Error{URL: endpoint, Msg: "the answer lists an advisory without an id"}
				}
				ids[i] = append(ids[i], id)
			}
			if r.NextPageToken != "" {
				if r.NextPageToken == tokens[i] {
					return &Error{URL: endpoint, Msg: "the answer repeats the page token it was asked for: it would page forever"}
				}
				tokens[i] = r.NextPageToken
				next = append(next, i)
			}
		}
		pending = next
	}
	for i := range ids {
		ids[i] = dedupe(ids[i])
	}
	return nil
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// fetchAll gets every advisory's record, Concurrency at a time; the first
// error stops the rest.
func (s *Client) fetchAll(ctx context.Context, ids []string) (map[string]*osv.Record, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
		records  = make(map[string]*osv.Record, len(ids))
		work     = make(chan string)
	)
	for range min(s.Concurrency, max(len(ids), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				rec, err := s.fetch(ctx, id)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				if err == nil {
					records[id] = rec
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, id := range ids {
		select {
		case work <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{URL: s.BaseURL, Msg: "stopped: " + err.Error()}
	}
	return records, nil
}

// fetch gets one advisory and checks that it is the one asked for.
func (s *Client) fetch(ctx context.Context, id string) (*osv.Record, error) {
	endpoint := s.BaseURL + "/v1/vulns/" + url.PathEscape(id)
	data, err := s.do(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return nil, err
	}
	rec, err := osv.ParseRecord(data)
	if err != nil {
		return nil, &Error{URL: endpoint, Msg: err.Error()}
	}
	if rec.GetId() != id {
		return nil, &Error{URL: endpoint, Msg: fmt.Sprintf("the answer is record %q, not %q", rec.GetId(), id)}
	}
	return rec, nil
}

// do sends one request, retrying 5xx, 429 and connection errors with backoff,
// and returns the body of a 200 answer.
func (s *Client) do(ctx context.Context, method, endpoint string, body []byte) ([]byte, error) {
	var last string
	wait := s.Backoff
	for attempt := 0; ; attempt++ {
		data, status, retryAfter, err := s.once(ctx, method, endpoint, body)
		switch {
		case err == nil && status == http.StatusOK:
			return data, nil
		case ctx.Err() != nil:
			return nil, &Error{URL: endpoint, Msg: fmt.Sprintf("no answer within the time allowed (%s in all, %s per request)", s.TotalTimeout, s.RequestTimeout)}
		case err != nil:
			last = err.Error()
		case status == http.StatusTooManyRequests || status >= 500:
			last = fmt.Sprintf("answered %d %s%s", status, http.StatusText(status), apiMessage(data))
		default:
			return nil, &Error{URL: endpoint, Msg: fmt.Sprintf("answered %d %s%s", status, http.StatusText(status), apiMessage(data))}
		}
		if attempt == s.Retries {
			return nil, &Error{URL: endpoint, Msg: fmt.Sprintf("%s (after %d attempts)", last, attempt+1)}
		}
		pause := wait
		if retryAfter > pause && retryAfter <= 30*time.Second {
			pause = retryAfter
		}
		select {
		case <-ctx.Done():
			return nil, &Error{URL: endpoint, Msg: fmt.Sprintf("%s; no time left to retry", last)}
		case <-time.After(pause):
		}
		wait *= 2
	}
}

func (s *Client) once(ctx context.Context, method, endpoint string, body []byte) (data []byte, status int, retryAfter time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, s.RequestTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, rd)
	if err != nil {
		return nil, 0, 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if s.UserAgent != "" {
		req.Header.Set("User-Agent", s.UserAgent)
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, 0, 0, fmt.Errorf("no answer within %s", s.RequestTimeout)
		}
		return nil, 0, 0, err
	}
	defer resp.Body.Close()
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
		retryAfter = time.Duration(secs) * time.Second
	}
	data, err = io.ReadAll(io.LimitReader(resp.Body, s.MaxBody+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, 0, 0, fmt.Errorf("the answer did not complete within %s", s.RequestTimeout)
		}
		return nil, 0, 0, err
	}
	if int64(len(data)) > s.MaxBody {
		return nil, resp.StatusCode, 0, fmt.Errorf("the answer is larger than %d MiB", s.MaxBody>>20)
	}
	return data, resp.StatusCode, retryAfter, nil
}

// apiMessage quotes the message of an OSV error body ({"code": 3, "message":
// "..."}), shortened, or "".
func apiMessage(data []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &e) != nil || strings.TrimSpace(e.Message) == "" {
		return ""
	}
	m := strings.Join(strings.Fields(e.Message), " ")
	if len(m) > 200 {
		m = m[:200] + "…"
	}
	return ": " + strconv.Quote(m)
}
