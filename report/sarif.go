package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/cra-gate/cra-gate/finding"
)

// sarifSchema is the OASIS schema URI written into the log's $schema.
const sarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// fingerprintKey names the partial fingerprint SARIF writes for each result.
const fingerprintKey = "cra-gate/v1"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool        `json:"tool"`
	AutomationDetails *sarifAutomation `json:"automationDetails,omitempty"`
	ColumnKind        string           `json:"columnKind"`
	Results           []sarifResult    `json:"results"`
}

// sarifAutomation names the run: code scanning tells runs (configs) of one
// tool apart by its id.
type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	HelpURI              string          `json:"helpUri,omitempty"`
	FullDescription      *sarifText      `json:"fullDescription,omitempty"`
	Help                 *sarifHelp      `json:"help,omitempty"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags         []string `json:"tags"`
	CRAReference string   `json:"cra-reference,omitempty"`
	// SecuritySeverity is GitHub's security-severity: a CVSS-like score
	// ("9.8") that ranks a security alert as critical, high, medium or low.
	SecuritySeverity string `json:"security-severity,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          *sarifResultProps  `json:"properties,omitempty"`
}

// sarifSuppression records a [[waiver]]: code scanning shows the alert as
// dismissed, with the waiver's reason.
type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

type sarifResultProps struct {
	CRAReference string         `json:"cra-reference,omitempty"`
	Advisory     *sarifAdvisory `json:"advisory,omitempty"`
}

// sarifAdvisory is the known vulnerability a vulns finding is about.
type sarifAdvisory struct {
	ID       string   `json:"id"`
	Aliases  []string `json:"aliases,omitempty"`
	Purl     string   `json:"purl"`
	Severity string   `json:"severity,omitempty"`
	Fixed    string   `json:"fixed,omitempty"`
	KEV      bool     `json:"kev"`
	VEX      string   `json:"vex,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// SARIF writes a SARIF 2.1.0 log for GitHub code scanning, one run per
// config: runs[].automationDetails.id is "cra-gate/<config>/", so that the
// configs of a monorepo are separate analyses. rules become
// tool.driver.rules in the order given (the first of a repeated id wins),
// each with an https helpUri to its documentation page; a finding whose rule
// is not among them gets a minimal descriptor, so every result's ruleIndex is
// valid. Every result has a location, because code scanning requires one: the
// finding's file relative to %SRCROOT%, or the config when it has none, and
// line 1 when the line is unknown. Columns are converted from byte offsets to
// UTF-16 code units when the source line is known.
//
// partialFingerprints["cra-gate/v1"] hashes the rule, the file and the
// finding's Key (the cra.toml key path and item: the entry, component,
// dependency), never the message, line, a date or a count, so that an alert
// keeps its identity from day to day and across edits that move it, and a
// dismissal sticks.
func SARIF(w io.Writer, rs []*finding.Result, rules []finding.Rule) error {
	if len(rs) == 0 {
		return fmt.Errorf("report: no result")
	}
	log := sarifLog{Schema: sarifSchema, Version: "2.1.0"}
	for _, r := range rs {
		if r == nil {
			return fmt.Errorf("report: nil result")
		}
		log.Runs = append(log.Runs, sarifRunFor(r, rules))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return err
	}
	_, err := w.Write(commandFreeJSON(b.Bytes()))
	return err
}

func sarifRunFor(r *finding.Result, rules []finding.Rule) sarifRun {
	t := tool(r)
	// A release is tagged "v1.2.3"; SARIF asks for a version that starts with
	// a digit, so a semantic version is written without its "v".
	version := t.Version
	if sv := semver(version); sv != "" {
		version = sv
	}
	driver := sarifDriver{Name: t.Name, Version: version, SemanticVersion: semver(t.Version), InformationURI: infoURI, Rules: []sarifRule{}}
	index := map[string]int{}
	for _, rule := range rules {
		if _, dup := index[rule.ID]; dup || rule.ID == "" {
			continue
		}
		index[rule.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRuleFor(rule))
	}
	advisories := map[string]*finding.Vulnerability{}
	for i := range r.Vulnerabilities {
		v := &r.Vulnerabilities[i]
		advisories[v.File+"\x00"+v.Subject()+"#"+v.ID] = v
	}
	byID := map[string]finding.Rule{}
	for _, rule := range rules {
		if _, dup := byID[rule.ID]; !dup {
			byID[rule.ID] = rule
		}
	}
	results := []sarifResult{}
	seen := map[string]int{} // fingerprints so far: a repeat gets an ordinal
	for _, f := range r.Findings {
		ruleID := f.Rule
		v := advisories[f.File+"\x00"+f.Item]
		if v != nil && f.Check == finding.CheckVulns && isRuleID(f.Rule) && advisoryURL(v.ID, "") != "" {
			ruleID = f.Rule + "/" + v.ID // one rule per advisory: an alert title of its own
		}
		i, ok := index[ruleID]
		if !ok {
			i = len(driver.Rules)
			index[ruleID] = i
			base, known := byID[f.Rule]
			if !known {
				base = finding.Rule{ID: f.Rule, Check: f.Check, Severity: f.Severity, Reference: f.Reference}
			}
			if ruleID != f.Rule {
				driver.Rules = append(driver.Rules, sarifAdvisoryRule(ruleID, base, v))
			} else {
				driver.Rules = append(driver.Rules, sarifRuleFor(base))
			}
		}
		res := sarifResultFor(r, f, i)
		res.RuleID = ruleID
		if f.Waived != nil {
			res.Suppressions = []sarifSuppression{{Kind: "external", Justification: sanitize(f.Waived.Reason+" (waived until "+f.Waived.Until+")", "")}}
		}
		fp := res.PartialFingerprints[fingerprintKey]
		if n := seen[fp]; n > 0 {
			res.PartialFingerprints[fingerprintKey] = fmt.Sprintf("%s:%d", fp, n+1)
		}
		seen[fp]++
		if v != nil && f.Check == finding.CheckVulns {
			if res.Properties == nil {
				res.Properties = &sarifResultProps{}
			}
			a := &sarifAdvisory{ID: v.ID, Aliases: v.Aliases, Purl: v.Purl, Severity: v.Severity, Fixed: v.Fixed, KEV: v.KEV}
			if v.VEX != nil {
				a.VEX = v.VEX.Status
			}
			res.Properties.Advisory = a
		}
		results = append(results, res)
	}
	config := r.Config
	if config == "" {
		config = defaultConfig
	}
	return sarifRun{
		Tool:              sarifTool{Driver: driver},
		AutomationDetails: &sarifAutomation{ID: "cra-gate/" + sanitize(config, "") + "/"},
		ColumnKind:        "utf16CodeUnits",
		Results:           results,
	}
}

// semver returns v without a leading "v" when it is a semantic version
// (1.2.3, 1.2.3-rc.1+b): SARIF's semanticVersion; "" otherwise ("dev").
func semver(v string) string {
	v = strings.TrimPrefix(v, "v")
	core, _, _ := strings.Cut(v, "+")
	core, _, _ = strings.Cut(core, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return ""
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return ""
		}
	}
	return v
}

func sarifRuleFor(rule finding.Rule) sarifRule {
	sr := sarifRule{
		ID:                   rule.ID,
		Name:                 camelCase(rule.ID),
		ShortDescription:     sarifText{Text: shortText(rule.ShortTitle(), maxShortDescription)},
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(rule.Severity)},
		Properties:           sarifRuleProps{Tags: []string{"cra"}, CRAReference: rule.Reference},
	}
	if sr.ShortDescription.Text == "" {
		sr.ShortDescription.Text = rule.ID
	}
	if isRuleID(rule.ID) {
		sr.HelpURI = finding.RuleDocURL(rule.ID)
	}
	if rule.Check != "" {
		sr.Properties.Tags = append(sr.Properties.Tags, rule.Check)
	}
	if full := strings.TrimSpace(rule.Summary + "\n\n" + rule.Why); full != "" {
		sr.FullDescription = &sarifText{Text: full}
	}
	if rule.Fix != "" || rule.Example != "" {
		sr.Help = &sarifHelp{Text: ruleHelpText(rule), Markdown: ruleHelpMarkdown(rule)}
	}
	return sr
}

// maxShortDescription bounds a rule's shortDescription, the name code
// scanning gives its alerts, in characters.
const maxShortDescription = 100

// shortText cuts s to max characters at a word, ending in "…" when it does.
func shortText(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	s = cut(s, max)
	if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
		s = s[:i] + "…"
	}
	return s
}

// sarifAdvisoryRule describes one advisory as a rule of its own, id
// "<rule>/<advisory>": code scanning names each vulnerability alert by the
// advisory, ranks it by security-severity (the record's CVSS base score, else
// the lowest score of its level: critical 9.0, high 7.0, medium 4.0, low
// 0.1; none when the record gives neither) and tags it "security".
func sarifAdvisoryRule(id string, base finding.Rule, v *finding.Vulnerability) sarifRule {
	sr := sarifRuleFor(base)
	sr.ID, sr.Name = id, camelCase(id)
	title := v.ID
	if sum := sanitize(v.Summary, ""); sum != "" {
		title += ": " + sum
	}
	sr.ShortDescription = sarifText{Text: shortText(title, maxShortDescription)}
	full := []string{sanitize(v.ID, "")}
	if len(v.Aliases) > 0 {
		full[0] += " (" + sanitize(strings.Join(v.Aliases, ", "), "") + ")"
	}
	if v.Summary != "" {
		full = append(full, sanitize(v.Summary, ""))
	}
	if base.Summary != "" {
		full = append(full, base.Summary)
	}
	sr.FullDescription = &sarifText{Text: strings.Join(full, "\n\n")}
	sr.HelpURI = advisoryURL(v.ID, v.Source)
	sr.Properties.Tags = append(sr.Properties.Tags, "security")
	switch {
	case v.Score > 0:
		sr.Properties.SecuritySeverity = strconv.FormatFloat(v.Score, 'f', 1, 64)
	default:
		sr.Properties.SecuritySeverity = map[string]string{"critical": "9.0", "high": "7.0", "medium": "4.0", "low": "0.1"}[v.Level]
	}
	return sr
}

// ruleHelpText writes the fix, the example and the CRA reference as plain text.
func ruleHelpText(rule finding.Rule) string {
	var parts []string
	if rule.Fix != "" {
		parts = append(parts, rule.Fix)
	}
	if rule.Example != "" {
		parts = append(parts, "Example (cra.toml):\n"+strings.TrimRight(rule.Example, "\n"))
	}
	if rule.Reference != "" {
		parts = append(parts, "CRA: "+rule.Reference)
	}
	return strings.Join(parts, "\n\n")
}

// ruleHelpMarkdown writes the same as Markdown, the example in a fenced block
// whose fence is longer than any run of backticks in it. Rule text comes from
// the rule registry, not from the repository.
func ruleHelpMarkdown(rule finding.Rule) string {
	var parts []string
	if rule.Fix != "" {
		parts = append(parts, rule.Fix)
	}
	if rule.Example != "" {
		fence := strings.Repeat("`", max(3, longestRun(rule.Example, '`')+1))
		parts = append(parts, "Example (`cra.toml`):\n\n"+fence+"toml\n"+strings.TrimRight(rule.Example, "\n")+"\n"+fence)
	}
	if rule.Reference != "" {
		parts = append(parts, "**CRA:** "+rule.Reference)
	}
	return strings.Join(parts, "\n\n")
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

func sarifResultFor(r *finding.Result, f finding.Finding, ruleIndex int) sarifResult {
	file := f.File
	if file == "" {
		file = r.Config
	}
	if file == "" {
		file = defaultConfig
	}
	uri := sarifURI(file)
	region := sarifRegion{StartLine: 1}
	if f.Line > 0 {
		region.StartLine = f.Line
		region.StartColumn = utf16Column(f.Source, f.Column)
	}
	msg := sarifMessage(f.Message)
	sum := sha256.Sum256([]byte(f.Rule + "\x00" + uri + "\x00" + f.Key))
	res := sarifResult{
		RuleID:    f.Rule,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(f.Severity),
		Message:   sarifText{Text: msg},
		Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
			ArtifactLocation: sarifArtifact{URI: uri, URIBaseID: "%SRCROOT%"},
			Region:           region,
		}}},
		PartialFingerprints: map[string]string{fingerprintKey: hex.EncodeToString(sum[:16])},
	}
	if f.Reference != "" {
		res.Properties = &sarifResultProps{CRAReference: f.Reference}
	}
	return res
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "note"
}

// sarifURI turns a repository-relative path into a relative URI reference:
// forward slashes, percent-encoded, and "./"-prefixed where a colon in the first
// segment would otherwise read as a scheme.
func sarifURI(p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return (&url.URL{Path: p}).String()
}

// sarifMessage makes a message safe as a SARIF plain-text message: control
// characters become visible escapes (newlines and tabs stay), and "](", which
// would make "[text](target)" an embedded link (SARIF §3.11.6), has its "]"
// escaped with a backslash. Other brackets stay as they are, so that messages
// such as `in [[rdps]] "api"` read naturally in viewers that do not unescape.
func sarifMessage(s string) string {
	s = sanitize(s, "\t\n")
	if !strings.Contains(s, "](") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ']' && i+1 < len(s) && s[i+1] == '(' {
			n := 0 // backslashes already before "]": an odd count escapes it
			for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
				n++
			}
			if n%2 == 0 {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// utf16Column converts a 1-based byte column in src to a 1-based column in
// UTF-16 code units. Without the source line the byte column is returned as is;
// 0 means unknown.
func utf16Column(src string, col int) int {
	if col <= 0 || src == "" || col-1 > len(src) {
		return max(col, 0)
	}
	return len(utf16.Encode([]rune(src[:col-1]))) + 1
}

// camelCase turns "manifest-unknown-key" into "ManifestUnknownKey".
func camelCase(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == ' ' }) {
		r, n := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[n:])
	}
	return b.String()
}
