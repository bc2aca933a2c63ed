// Package kev reads CISA's Known Exploited Vulnerabilities catalog
// (https://www.cisa.gov/known-exploited-vulnerabilities-catalog), from a file
// or an https URL, within a size and time bound, and looks CVE ids up in it.
package kev

import (
	"github.com/cra-gate/cra-gate/internal/budget"

	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	json "github.com/go-json-experiment/json/v1"
)

// FeedURL is CISA's JSON feed of the catalog.
const FeedURL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"

// MaxBytes bounds the catalog read: it is about 1.3 MB with 1,400 entries.
const MaxBytes = 64 << 20

// MaxItems bounds the JSON objects and arrays of the catalog, counted before
// it is decoded: 64 MiB of "{}," would otherwise be 22 million entries.
const MaxItems = 200_000

// Timeout bounds fetching the catalog from a URL, retries included.
const Timeout = 60 * time.Second

// Entry is one catalog entry: the fields the gate reports (the long
// descriptions, required action and notes are not decoded).
type Entry struct {
	CVE           string `json:"cveID"`
	VendorProject string `json:"vendorProject"`
	Product       string `json:"product"`
	Name          string `json:"vulnerabilityName"`
	DateAdded     string `json:"dateAdded"`
	DueDate       string `json:"dueDate"`
	RansomwareUse string `json:"knownRansomwareCampaignUse"`
}

// Catalog is the catalog indexed by CVE id.
type Catalog struct {
	Version  string // catalogVersion, "2025.08.25"
	Released string // dateReleased
	byCVE    map[string]Entry
}

// Len is the number of entries.
func (c *Catalog) Len() int {
	if c == nil {
		return 0
	}
	return len(c.byCVE)
}

// Lookup finds a CVE id (case-insensitive).
func (c *Catalog) Lookup(cve string) (Entry, bool) {
	if c == nil {
		return Entry{}, false
	}
	e, ok := c.byCVE[strings.ToUpper(strings.TrimSpace(cve))]
	return e, ok
}

var cveID = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

// Parse reads the catalog JSON. It fails when the document has no
// vulnerabilities list, or lists entries none of which has a CVE id. Entries
// whose fields have the wrong type are left out.
func Parse(data []byte) (*Catalog, error) {
	if n := budget.JSONItems(data, MaxItems); n > MaxItems {
		return nil, fmt.Errorf("it holds more than %s JSON objects and arrays, the most the gate reads of a KEV catalog "+
			"(the real one has about 3 per entry, some 1,500 entries): not the CISA catalog", budget.Count(MaxItems))
	}
	var doc struct {
		CatalogVersion  string   `json:"catalogVersion"`
		DateReleased    string   `json:"dateReleased"`
		Vulnerabilities *[]Entry `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, fmt.Errorf("not the KEV catalog JSON: %v", err)
		}
		return parseLenient(data)
	}
	return index(doc.CatalogVersion, doc.DateReleased, doc.Vulnerabilities)
}

// parseLenient reads a catalog with entries of the wrong shape one entry at a
// time, keeping those that decode.
func parseLenient(data []byte) (*Catalog, error) {
	var doc struct {
		CatalogVersion  string             `json:"catalogVersion"`
		DateReleased    string             `json:"dateReleased"`
		Vulnerabilities *[]json.RawMessage `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not the KEV catalog JSON: %v", err)
	}
	var entries *[]Entry
	if doc.Vulnerabilities != nil {
		list := make([]Entry, 0, len(*doc.Vulnerabilities))
		for _, raw := range *doc.Vulnerabilities {
			var e Entry
			if json.Unmarshal(raw, &e) == nil {
				list = append(list, e)
			} else {
				list = append(list, Entry{})
			}
		}
		entries = &list
	}
	return index(doc.CatalogVersion, doc.DateReleased, entries)
}

func index(version, released string, entries *[]Entry) (*Catalog, error) {
	if entries == nil {
		return nil, errors.New(`not the KEV catalog JSON: no "vulnerabilities" list`)
	}
	c := &Catalog{Version: version, Released: released, byCVE: make(map[string]Entry, len(*entries))}
	for _, e := range *entries {
		e.CVE = strings.ToUpper(strings.TrimSpace(e.CVE))
		if cveID.MatchString(e.CVE) {
			c.byCVE[e.CVE] = e
		}
	}
	if len(*entries) > 0 && len(c.byCVE) == 0 {
		return nil, errors.New("not the KEV catalog JSON: no entry has a cveID such as CVE-2021-44228")
	}
	return c, nil
}

// Load reads the catalog from a file path or an https URL. URLs are fetched
// with client (http.DefaultClient when nil) within Timeout, retrying twice on
// a 5xx or 429 answer or a connection error.
func Load(ctx context.Context, src string, client *http.Client) (*Catalog, error) {
	var data []byte
	var err error
	switch {
	case strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://"):
		data, err = fetch(ctx, src, client)
	default:
		data, err = readFile(src)
	}
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

func readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 && fi.Size() <= MaxBytes {
		buf.Grow(int(fi.Size()) + 1)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxBytes+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("larger than %d MiB; the KEV catalog is about 1.3 MB: is this the right file?", MaxBytes>>20)
	}
	return data, nil
}

func fetch(ctx context.Context, url string, client *http.Client) ([]byte, error) {
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	var lastErr error
	for attempt := range 3 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("%v (after %d attempts)", lastErr, attempt)
			case <-time.After(time.Duration(attempt) * time.Second):
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			lastErr = err
			continue
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBytes+1))
		resp.Body.Close()
		switch {
		case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
			lastErr = fmt.Errorf("the server answered %s", resp.Status)
			continue
		case resp.StatusCode != http.StatusOK:
			return nil, fmt.Errorf("the server answered %s", resp.Status)
		case err != nil:
			lastErr = err
			continue
		case len(data) > MaxBytes:
			return nil, fmt.Errorf("the answer is larger than %d MiB; the KEV catalog is about 1.3 MB", MaxBytes>>20)
		}
		return data, nil
	}
	return nil, fmt.Errorf("%v (after 3 attempts)", lastErr)
}
