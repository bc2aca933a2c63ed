// Package osv reads OSV vulnerability records (https://ossf.github.io/osv-schema/)
// into the OSV schema's own Go types, and builds the offline database the vulns
// check matches SBOM components against: a directory tree, a .zip as osv.dev
// publishes per ecosystem, or single record files, read once within stated size
// limits and indexed by ecosystem and package name.
package osv

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	osvpb "github.com/ossf/osv-schema/bindings/go/osvschema"
	"google.golang.org/protobuf/encoding/protojson"
)

// Record is one OSV vulnerability record, as the OSV schema's bindings define it.
type Record = osvpb.Vulnerability

// unmarshal decodes records leniently about what this build does not know:
// fields and enum values added to the schema later are ignored.
var unmarshal = protojson.UnmarshalOptions{DiscardUnknown: true}

// ParseRecord decodes one OSV JSON record. It fails on invalid JSON, on values
// of the wrong type and on a record without an id, with a message that says
// which.
func ParseRecord(data []byte) (*Record, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("not valid UTF-8")
	}
	rec := &Record{}
	if err := unmarshal.Unmarshal(data, rec); err != nil {
		return nil, fmt.Errorf("not an OSV record: %s", strings.TrimPrefix(err.Error(), "proto: "))
	}
	if strings.TrimSpace(rec.GetId()) == "" {
		return nil, errors.New(`not an OSV record: no "id"`)
	}
	return rec, nil
}

// CVEs returns the record's aliases that are CVE ids, the record's own id
// first when it is one.
func CVEs(rec *Record) []string {
	var out []string
	if isCVE(rec.GetId()) {
		out = append(out, rec.GetId())
	}
	for _, a := range rec.GetAliases() {
		if isCVE(a) {
			out = append(out, a)
		}
	}
	return out
}

func isCVE(id string) bool { return strings.HasPrefix(id, "CVE-") }

// Severity renders the record's severity as it gives it: the database's label
// (GitHub's "HIGH", "MODERATE", ...) and each score with its type
// ("CVSS_V3 CVSS:3.1/AV:N/..."), joined by "; ". Empty when the record has none.
func Severity(rec *Record) string {
	var parts []string
	if ds := rec.GetDatabaseSpecific(); ds != nil {
		if v, ok := ds.GetFields()["severity"]; ok {
			if s := strings.TrimSpace(v.GetStringValue()); s != "" {
				parts = append(parts, s)
			}
		}
	}
	for _, s := range rec.GetSeverity() {
		if score := strings.TrimSpace(s.GetScore()); score != "" {
			parts = append(parts, s.GetType().String()+" "+score)
		}
	}
	return strings.Join(parts, "; ")
}
