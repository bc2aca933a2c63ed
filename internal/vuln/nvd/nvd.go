// Package nvd reads NVD CVE records (the CVE API 2.0 JSON: one bare CVE
// object per file as fkie-cad/nvd-json-data-feeds stores them, {"cve": ...}
// as the API returns one, or an API page of them) and matches components by
// their CPE against the records' configurations: the source for C and C++
// components, which have no package ecosystem, and for what embedded build
// systems describe by CPE (Yocto's cve-check, Buildroot's pkg-stats and
// cve-bin-tool work the same way).
package nvd

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/cra-gate/cra-gate/internal/vuln/records"
	json "github.com/go-json-experiment/json/v1"
)

// Record is the part of a CVE record matching and reporting use.
type Record struct {
	ID             string          `json:"id"`
	VulnStatus     string          `json:"vulnStatus"`
	LastModified   string          `json:"lastModified"`
	Descriptions   []description   `json:"descriptions"`
	Metrics        metrics         `json:"metrics"`
	Configurations []Configuration `json:"configurations"`
}

type description struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

type metrics struct {
	V40 []metric `json:"cvssMetricV40"`
	V31 []metric `json:"cvssMetricV31"`
	V30 []metric `json:"cvssMetricV30"`
	V2  []metric `json:"cvssMetricV2"`
}

type metric struct {
	Type         string `json:"type"` // Primary (NVD's), Secondary (the CNA's)
	BaseSeverity string `json:"baseSeverity"`
	Data         struct {
		Version      string  `json:"version"`
		Vector       string  `json:"vectorString"`
		BaseScore    float64 `json:"baseScore"`
		BaseSeverity string  `json:"baseSeverity"`
	} `json:"cvssData"`
}

// Configuration is one applicability statement: its nodes combined by
// Operator (OR when empty).
type Configuration struct {
	Operator string `json:"operator"`
	Negate   bool   `json:"negate"`
	Nodes    []Node `json:"nodes"`
}

// Node combines its CPE matches by Operator (OR when empty).
type Node struct {
	Operator string     `json:"operator"`
	Negate   bool       `json:"negate"`
	CPEMatch []CPEMatch `json:"cpeMatch"`
}

// CPEMatch is one criterion: a CPE with a version range.
type CPEMatch struct {
	Vulnerable            bool   `json:"vulnerable"`
	Criteria              string `json:"criteria"`
	VersionStartIncluding string `json:"versionStartIncluding"`
	VersionStartExcluding string `json:"versionStartExcluding"`
	VersionEndIncluding   string `json:"versionEndIncluding"`
	VersionEndExcluding   string `json:"versionEndExcluding"`
	cpe                   CPE
	ok                    bool
}

// Summary is the record's English description.
func (r *Record) Summary() string {
	for _, d := range r.Descriptions {
		if d.Lang == "en" {
			return d.Value
		}
	}
	if len(r.Descriptions) > 0 {
		return r.Descriptions[0].Value
	}
	return ""
}

// compact drops what the report does not use from a record kept in
// memory: descriptions but the English one, cut to 400 bytes; metrics but
// the one Severity reads.
func (r *Record) compact() {
	if sum := r.Summary(); sum != "" {
		if len(sum) > 400 {
			sum = sum[:400]
		}
		r.Descriptions = []description{{Lang: "en", Value: sum}}
	}
	for _, ms := range []*[]metric{&r.Metrics.V40, &r.Metrics.V31, &r.Metrics.V30, &r.Metrics.V2} {
		if len(*ms) == 0 {
			continue
		}
		best := (*ms)[0]
		for _, m := range *ms {
			if m.Type == "Primary" {
				best = m
			}
		}
		r.Metrics = metrics{}
		*ms = []metric{best}
		return
	}
}

// Severity is the base severity of the newest CVSS version the record gives,
// NVD's own (Primary) before the CNA's, with its vector: "HIGH (CVSS 3.1
// CVSS:3.1/AV:N/...)"; "" when it gives none.
func (r *Record) Severity() (label, vector string) {
	for _, ms := range [][]metric{r.Metrics.V40, r.Metrics.V31, r.Metrics.V30, r.Metrics.V2} {
		var best *metric
		for i := range ms {
			if best == nil || ms[i].Type == "Primary" && best.Type != "Primary" {
				best = &ms[i]
			}
		}
		if best == nil {
			continue
		}
		sev := best.Data.BaseSeverity
		if sev == "" {
			sev = best.BaseSeverity
		}
		return strings.ToUpper(sev), best.Data.Vector
	}
	return "", ""
}

// Limits of an NVD source: records of at most 4 MiB (the largest real ones,
// with thousands of configurations, are under 2 MiB), 8 GiB and 2,000,000
// records in all (NVD holds about 300,000).
var DefaultLimits = records.Limits{RecordBytes: 4 << 20, TotalBytes: 8 << 30, Records: 2_000_000}

// MaxProductsPerRecord bounds the distinct CPE products one record names: a
// real record names a few dozen at most, a hostile one millions.
const MaxProductsPerRecord = 5000

// Scan is a database to read: Load reads every record once, notes the CPE
// products it names, and decodes it there and then when one is wanted. (NVD
// is read after the SBOMs, in one pass, rather than scanned beside them and
// read again as OSV records are: a record is a few KiB in a zip of hundreds
// of thousands, and inflating the wanted ones twice cost more than the
// overlap gained.)
type Scan struct{ o *records.Opened }

// Start begins opening the sources (directories of *.json records, zips of
// them, single files): a zip is read into memory, beside the SBOMs' decoding.
func Start(sources []string, lim records.Limits) *Scan {
	lim = lim.Or(DefaultLimits)
	return &Scan{records.Open(sources, lim, records.Kind{What: "NVD CVE records", Flag: "--nvd"})}
}

// scanProducts notes the products of a record's "criteria" CPEs, from the
// bytes: a record is decoded only when it names a product an SBOM has.
func scanProducts(data []byte) (keys []string, always bool, problem string) {
	const key = `"criteria"`
	seen := map[string]bool{}
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(key))
		if i < 0 {
			break
		}
		j := off + i + len(key)
		off = j
		for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r' || data[j] == ':') {
			j++
		}
		if j >= len(data) || data[j] != '"' {
			continue
		}
		end := bytes.IndexByte(data[j+1:], '"')
		if end < 0 {
			return nil, true, "" // let the decoder say what is wrong
		}
		raw := data[j+1 : j+1+end]
		off = j + 1 + end
		if bytes.IndexByte(raw, '\\') >= 0 {
			always = true // an escaped criterion: decode and read it properly
			continue
		}
		product, ok := cpeProduct(raw)
		if !ok {
			continue
		}
		p := strings.ToLower(string(product))
		if seen[p] {
			continue
		}
		seen[p] = true
		if keys = append(keys, p); len(keys) > MaxProductsPerRecord {
			return nil, false, fmt.Sprintf("names more than %d CPE products, the most the gate reads of one record: not read", MaxProductsPerRecord)
		}
	}
	return keys, always, ""
}

// cpeProduct returns the product field of a CPE 2.3 formatted string
// without escapes ("cpe:2.3:a:gnu:glibc:..." gives "glibc"), as ParseCPE
// would, without its allocations: the scan reads every criterion of every
// record.
func cpeProduct(raw []byte) ([]byte, bool) {
	const prefix = "cpe:2.3:"
	if !bytes.HasPrefix(raw, []byte(prefix)) {
		if c, ok := ParseCPE(string(raw)); ok { // a CPE 2.2 URI
			return []byte(c.Product), true
		}
		return nil, false
	}
	rest := raw[len(prefix):]
	for range 2 { // part, vendor
		i := bytes.IndexByte(rest, ':')
		if i < 0 {
			return nil, false
		}
		rest = rest[i+1:]
	}
	if i := bytes.IndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	if len(rest) == 0 || string(rest) == "*" || string(rest) == "-" {
		return nil, false
	}
	return rest, true
}

// DB is the records that name a wanted product, indexed by product.
type DB struct {
	byProduct map[string][]*Record
	// Read counts the records read, Kept those indexed, Unanalysed those
	// read that carry no configuration (NVD's backlog: Received, Awaiting
	// Analysis), which no CPE can match.
	Read, Kept int
}

// Load waits for the scan and decodes the records that name one of products
// (lower case) in their criteria; the problems are the sources'.
func (s *Scan) Load(products map[string]bool) (*DB, []records.Problem) {
	var mu sync.Mutex
	byID := map[string]*Record{}
	pick := func(keys []string) bool {
		for _, k := range keys {
			if products[k] {
				return true
			}
		}
		return false
	}
	read, probs := s.o.ReadAll(scanProducts, pick,
		func(data []byte) string {
			recs, err := parseRecords(data)
			if err != "" {
				return err
			}
			for _, r := range recs {
				r.compact()
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range recs {
				if have, dup := byID[r.ID]; !dup || have.LastModified < r.LastModified {
					byID[r.ID] = r
				}
			}
			return ""
		})
	recs := make([]*Record, 0, len(byID))
	for _, r := range byID {
		recs = append(recs, r)
	}
	db := NewDB(recs, products)
	db.Read = read
	return db, probs
}

// NewDB indexes records (from files or the API) by the products they name
// among products; a record of an id given twice is kept once, the one
// modified last.
func NewDB(recs []*Record, products map[string]bool) *DB {
	byID := map[string]*Record{}
	for _, r := range recs {
		if have, dup := byID[r.ID]; !dup || have.LastModified < r.LastModified {
			r.compact()
			byID[r.ID] = r
		}
	}
	db := &DB{byProduct: map[string][]*Record{}, Read: len(recs), Kept: len(byID)}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := byID[id]
		seen := map[string]bool{}
		for ci := range r.Configurations {
			for ni := range r.Configurations[ci].Nodes {
				for mi := range r.Configurations[ci].Nodes[ni].CPEMatch {
					m := &r.Configurations[ci].Nodes[ni].CPEMatch[mi]
					m.cpe, m.ok = ParseCPE(m.Criteria)
					if m.ok && products[m.cpe.Product] && !seen[m.cpe.Product] {
						seen[m.cpe.Product] = true
						db.byProduct[m.cpe.Product] = append(db.byProduct[m.cpe.Product], r)
					}
				}
			}
		}
	}
	return db
}

// parseRecords reads a file: a bare CVE object, {"cve": {...}}, or an API
// page {"vulnerabilities": [{"cve": {...}}, ...]}.
func parseRecords(data []byte) ([]*Record, string) {
	var doc struct {
		Record
		CVE             *Record `json:"cve"`
		Vulnerabilities []struct {
			CVE *Record `json:"cve"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, "not an NVD CVE record: " + err.Error()
	}
	var out []*Record
	switch {
	case doc.CVE != nil:
		out = append(out, doc.CVE)
	case len(doc.Vulnerabilities) > 0:
		for _, v := range doc.Vulnerabilities {
			if v.CVE != nil {
				out = append(out, v.CVE)
			}
		}
	default:
		r := doc.Record
		out = append(out, &r)
	}
	for _, r := range out {
		if !strings.HasPrefix(r.ID, "CVE-") {
			return nil, fmt.Sprintf("not an NVD CVE record: id %q", r.ID)
		}
	}
	return out, ""
}
