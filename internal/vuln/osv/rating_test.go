package osv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
	osvpb "github.com/ossf/osv-schema/bindings/go/osvschema"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestRating(t *testing.T) {
	label := func(s string) *structpb.Struct {
		st, _ := structpb.NewStruct(map[string]any{"severity": s})
		return st
	}
	sev := func(typ osvpb.Severity_Type, v string) []*osvpb.Severity {
		return []*osvpb.Severity{{Type: typ, Score: v}}
	}
	for _, tc := range []struct {
		name  string
		rec   *Record
		score float64
		level string
	}{
		{"CVSS 3.1", &Record{Severity: sev(osvpb.Severity_CVSS_V3, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")}, 9.8, "critical"},
		{"CVSS 3.0", &Record{Severity: sev(osvpb.Severity_CVSS_V3, "CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N")}, 3.1, "low"},
		{"CVSS 4.0", &Record{Severity: sev(osvpb.Severity_CVSS_V4, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")}, 9.3, "critical"},
		{"CVSS 2.0", &Record{Severity: sev(osvpb.Severity_CVSS_V2, "AV:N/AC:L/Au:N/C:P/I:P/A:P")}, 7.5, "high"},
		{"4.0 before 3.1", &Record{Severity: append(sev(osvpb.Severity_CVSS_V3, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
			sev(osvpb.Severity_CVSS_V4, "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N")...)}, 4.8, "medium"},
		{"a broken vector falls back to the label", &Record{Severity: sev(osvpb.Severity_CVSS_V3, "CVSS:3.1/AV:X"),
			DatabaseSpecific: label("MODERATE")}, 0, "medium"},
		{"label only", &Record{DatabaseSpecific: label("HIGH")}, 0, "high"},
		{"unknown label", &Record{DatabaseSpecific: label("severe-ish")}, 0, ""},
		{"nothing", &Record{}, 0, ""},
	} {
		score, level := Rating(tc.rec)
		if score != tc.score || level != tc.level {
			t.Errorf("%s: %v %q, want %v %q", tc.name, score, level, tc.score, tc.level)
		}
	}
}

// TestRatingAgreesWithGitHubLabels: on the real GitHub advisories among the
// stored OSV records, the level computed from the CVSS 3 vector is the
// label GitHub gave (GitHub derives it from that score).
func TestRatingAgreesWithGitHubLabels(t *testing.T) {
	dir := realdata.Dir(t, "osv")
	checked, disagree := 0, 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		data, _ := os.ReadFile(p)
		rec, err := ParseRecord(data)
		if err != nil || !strings.HasPrefix(rec.GetId(), "GHSA-") || len(rec.GetSeverity()) != 1 ||
			rec.GetSeverity()[0].GetType() != osvpb.Severity_CVSS_V3 || rec.GetDatabaseSpecific() == nil {
			return nil
		}
		want := levelOfLabel(rec.GetDatabaseSpecific().GetFields()["severity"].GetStringValue())
		if _, got := Rating(rec); got != want {
			disagree++
			t.Logf("%s: %s from %s, GitHub says %s", rec.GetId(), got, rec.GetSeverity()[0].GetScore(), want)
		} else {
			checked++
		}
		return nil
	})
	if checked < 10 || disagree > 0 {
		t.Errorf("%d agree, %d disagree (want at least 10 and none)", checked, disagree)
	}
}
