// Package nvdapi queries the NVD CVE API 2.0
// (https://services.nvd.nist.gov/rest/json/cves/2.0) for the records whose
// configurations name a CPE product: GET ?virtualMatchString=cpe:2.3:*:V:P,
// resultsPerPage 2000, following startIndex to totalResults. NVD allows 5
// requests in 30 s without an API key and 50 with one (sent in the apiKey
// header, never in the URL): the client keeps to that pace, retries 403,
// 429 and 5xx answers (NVD answers a rate excess with 403) after
// Retry-After or a backoff, bounds the requests of a run, and ends in an
// error, never a hang. "This product uses data from the NVD API but is not
// endorsed or certified by the NVD."
package nvdapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cra-gate/cra-gate/internal/vuln/nvd"
	json "github.com/go-json-experiment/json/v1"
)

// DefaultURL is NVD's CVE API 2.0.
const DefaultURL = "https://services.nvd.nist.gov/rest/json/cves/2.0"

// Client is an NVD API client; the zero value of each setting is its default.
type Client struct {
	BaseURL string
	// APIKey raises the rate limit from 5 to 50 requests in 30 seconds.
	APIKey string
	HTTP   *http.Client
	// Interval is the pause between two requests (default: 6 s without a
	// key, 0.6 s with one: NVD's limits).
	Interval time.Duration
	// RequestTimeout bounds one request (default 60 s: NVD is slow), and
	// TotalTimeout the whole Fetch (default 10 min).
	RequestTimeout, TotalTimeout time.Duration
	// Retries of a 403, 429, 5xx or connection error (default 3), after
	// Retry-After or Backoff (default 10 s), then twice, four times that.
	Retries int
	Backoff time.Duration
	// MaxRequests bounds the requests of one Fetch (default 200): an image
	// of thousands of packages is for a local copy of the records (--nvd).
	MaxRequests int
	// MaxBody bounds one answer (default 64 MiB).
	MaxBody int64
	// PageSize is the records asked per request (default 2,000, the API's
	// most).
	PageSize  int
	UserAgent string
	// Sleep waits (default: a timer); tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Product is one CPE vendor and product to look up; Vendor "*" is any.
type Product struct{ Vendor, Product string }

// Error is why the API could not answer for a product: the gate counts its
// components as unchecked and says why.
type Error struct {
	Product Product
	Msg     string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%s: %s", e.Product.Vendor, e.Product.Product, e.Msg)
}

func (c *Client) settings() Client {
	s := *c
	s.BaseURL = strings.TrimRight(s.BaseURL, "/")
	if s.BaseURL == "" {
		s.BaseURL = DefaultURL
	}
	if s.HTTP == nil {
		s.HTTP = &http.Client{}
	}
	if s.Interval <= 0 {
		s.Interval = 6 * time.Second
		if s.APIKey != "" {
			s.Interval = 600 * time.Millisecond
		}
	}
	if s.RequestTimeout <= 0 {
		s.RequestTimeout = time.Minute
	}
	if s.TotalTimeout <= 0 {
		s.TotalTimeout = 10 * time.Minute
	}
	if s.Retries <= 0 {
		s.Retries = 3
	}
	if s.Backoff <= 0 {
		s.Backoff = 10 * time.Second
	}
	if s.MaxRequests <= 0 {
		s.MaxRequests = 200
	}
	if s.MaxBody <= 0 {
		s.MaxBody = 64 << 20
	}
	if s.PageSize <= 0 || s.PageSize > maxPageSize {
		s.PageSize = maxPageSize
	}
	if s.Sleep == nil {
		s.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	return s
}

// maxPageSize is the most records one answer carries (the API's limit).
const maxPageSize = 2000

// Fetch returns the records whose configurations name each product, and an
// error for each product that could not be looked up (the requests ran out,
// the API failed). Products are asked in order, one after the other, at the
// pace of the rate limit.
func (c *Client) Fetch(ctx context.Context, products []Product) ([]*nvd.Record, []*Error) {
	s := c.settings()
	ctx, cancel := context.WithTimeout(ctx, s.TotalTimeout)
	defer cancel()
	var (
		out      []*nvd.Record
		failed   []*Error
		requests int
		last     time.Time
	)
	for i, p := range products {
		for start, total := 0, 1; start < total; start += s.PageSize {
			if requests == s.MaxRequests {
				for _, q := range products[i:] {
					failed = append(failed, &Error{Product: q, Msg: fmt.Sprintf("not looked up: the run's %d NVD API requests were "+
						"spent (use a local copy of the records with --nvd for a large SBOM)", s.MaxRequests)})
				}
				return out, failed
			}
			if wait := s.Interval - time.Since(last); !last.IsZero() && wait > 0 {
				if err := s.Sleep(ctx, wait); err != nil {
					return out, append(failed, &Error{Product: p, Msg: err.Error()})
				}
			}
			requests++
			page, err := s.get(ctx, p, start)
			last = time.Now()
			if err != nil {
				failed = append(failed, &Error{Product: p, Msg: err.Error()})
				break
			}
			if page.TotalResults < 0 || page.TotalResults > 1_000_000 || page.StartIndex != start {
				failed = append(failed, &Error{Product: p, Msg: fmt.Sprintf("an inconsistent answer (startIndex %d for %d, "+
					"totalResults %d)", page.StartIndex, start, page.TotalResults)})
				break
			}
			total = page.TotalResults
			for _, v := range page.Vulnerabilities {
				if v.CVE != nil {
					out = append(out, v.CVE)
				}
			}
			if len(page.Vulnerabilities) == 0 && start+s.PageSize < total {
				failed = append(failed, &Error{Product: p, Msg: "an empty page before the end of the results"})
				break
			}
		}
	}
	return out, failed
}

type page struct {
	StartIndex      int `json:"startIndex"`
	TotalResults    int `json:"totalResults"`
	Vulnerabilities []struct {
		CVE *nvd.Record `json:"cve"`
	} `json:"vulnerabilities"`
}

// get asks for one page, retrying what NVD answers when it is busy.
func (s *Client) get(ctx context.Context, p Product, start int) (*page, error) {
	q := url.Values{}
	q.Set("virtualMatchString", "cpe:2.3:*:"+cpeValue(p.Vendor)+":"+cpeValue(p.Product))
	q.Set("resultsPerPage", strconv.Itoa(s.PageSize))
	q.Set("startIndex", strconv.Itoa(start))
	u := s.BaseURL + "?" + q.Encode()
	backoff := s.Backoff
	for attempt := 0; ; attempt++ {
		pg, retryAfter, err := s.once(ctx, u)
		if err == nil {
			return pg, nil
		}
		var re *retryable
		if !errors.As(err, &re) || attempt == s.Retries {
			return nil, err
		}
		wait := backoff
		if retryAfter > 0 {
			wait = retryAfter
		}
		if err := s.Sleep(ctx, wait); err != nil {
			return nil, err
		}
		backoff *= 2
	}
}

// retryable is an answer worth asking again.
type retryable struct{ msg string }

func (r *retryable) Error() string { return r.msg }

func (s *Client) once(ctx context.Context, u string) (*page, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, s.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	if s.APIKey != "" {
		req.Header.Set("apiKey", s.APIKey)
	}
	if s.UserAgent != "" {
		req.Header.Set("User-Agent", s.UserAgent)
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, 0, &retryable{"no answer within " + s.RequestTimeout.String()}
		}
		msg := err.Error()
		var ue *url.Error
		if errors.As(err, &ue) {
			msg = ue.Err.Error() // without the URL, which the caller names
		}
		return nil, 0, &retryable{"cannot be reached: " + msg}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, s.MaxBody+1))
	if err != nil {
		return nil, 0, &retryable{"the answer broke off: " + err.Error()}
	}
	retryAfter := time.Duration(0)
	if v, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && v > 0 && v <= 600 {
		retryAfter = time.Duration(v) * time.Second
	}
	switch {
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, retryAfter, &retryable{fmt.Sprintf("HTTP %d%s", resp.StatusCode, nvdMessage(resp))}
	case resp.StatusCode != http.StatusOK:
		return nil, 0, fmt.Errorf("HTTP %d%s", resp.StatusCode, nvdMessage(resp))
	case int64(len(body)) > s.MaxBody:
		return nil, 0, fmt.Errorf("an answer over %d MiB", s.MaxBody>>20)
	}
	var pg page
	if err := json.Unmarshal(body, &pg); err != nil {
		return nil, 0, fmt.Errorf("not a CVE API answer: %v", err)
	}
	return &pg, 0, nil
}

// nvdMessage is NVD's reason for an error: it puts it in a "message" header.
func nvdMessage(resp *http.Response) string {
	m := strings.TrimSpace(resp.Header.Get("message"))
	if m == "" {
		return ""
	}
	if len(m) > 200 {
		m = m[:200]
	}
	return " (" + strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, m) + ")"
}

// cpeValue writes a CPE attribute: "*" stays ANY, other characters CPE 2.3
// escapes.
func cpeValue(v string) string {
	if v == "" || v == "*" {
		return "*"
	}
	var b strings.Builder
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') && r < 0x80 {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
