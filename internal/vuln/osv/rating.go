package osv

import (
	"strings"

	osvpb "github.com/ossf/osv-schema/bindings/go/osvschema"
	gocvss20 "github.com/pandatix/go-cvss/20"
	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

// Rating is how severe a record says its vulnerability is: the CVSS base
// score of the newest CVSS version it gives a valid vector for (4.0, then
// 3.x, then 2.0), computed by github.com/pandatix/go-cvss, and the level
// that score falls in ("critical" from 9.0, "high" from 7.0, "medium" from
// 4.0, "low" above 0, "none" at 0), as CVSS v3.1's qualitative scale and
// GitHub's code scanning read them. Without a vector, the level is the
// database's label ("MODERATE" reads as medium) and the score 0; without
// either, both are empty.
func Rating(rec *Record) (score float64, level string) {
	best := -1
	for _, s := range rec.GetSeverity() {
		sc, rank, ok := cvssScore(s.GetType(), strings.TrimSpace(s.GetScore()))
		if ok && rank > best {
			best, score = rank, sc
		}
	}
	if best >= 0 {
		return score, LevelOf(score)
	}
	if ds := rec.GetDatabaseSpecific(); ds != nil {
		if v, ok := ds.GetFields()["severity"]; ok {
			return 0, levelOfLabel(v.GetStringValue())
		}
	}
	return 0, ""
}

// cvssScore computes a vector's base score; rank orders CVSS versions.
func cvssScore(typ osvpb.Severity_Type, vector string) (score float64, rank int, ok bool) {
	switch {
	case typ == osvpb.Severity_CVSS_V4 || strings.HasPrefix(vector, "CVSS:4.0/"):
		if c, err := gocvss40.ParseVector(vector); err == nil {
			return c.Score(), 3, true
		}
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		if c, err := gocvss31.ParseVector(vector); err == nil {
			return c.BaseScore(), 2, true
		}
	case strings.HasPrefix(vector, "CVSS:3.0/"):
		if c, err := gocvss30.ParseVector(vector); err == nil {
			return c.BaseScore(), 2, true
		}
	case typ == osvpb.Severity_CVSS_V2:
		if c, err := gocvss20.ParseVector(strings.TrimPrefix(vector, "CVSS:2.0/")); err == nil {
			return c.BaseScore(), 1, true
		}
	}
	return 0, 0, false
}

// LevelOf names the level of a CVSS score.
func LevelOf(score float64) string {
	switch {
	case score >= 9:
		return "critical"
	case score >= 7:
		return "high"
	case score >= 4:
		return "medium"
	case score > 0:
		return "low"
	}
	return "none"
}

// levelOfLabel reads a database's severity label.
func levelOfLabel(label string) string {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "critical":
		return "critical"
	case "high", "important":
		return "high"
	case "moderate", "medium":
		return "medium"
	case "low", "negligible":
		return "low"
	}
	return ""
}
