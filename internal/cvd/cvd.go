package cvd

import (
	"bytes"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Channel kinds.
const (
	KindEmail         = "email"
	KindURL           = "url"
	KindGitHubPrivate = "github-private-reporting"
)

// Evidence kinds.
const (
	EvidenceTimeline    = "timeline"
	EvidenceProcess     = "process"
	EvidencePublicIssue = "public-issue"
)

// Channel is a private way to report a vulnerability.
type Channel struct {
	Kind  string // KindEmail, KindURL or KindGitHubPrivate
	Value string // the address, the URL, or for GitHub reporting named without a link the words used
	Line  int    // 1-based
}

// Evidence is a sentence that supports a finding.
type Evidence struct {
	Line int    // 1-based line of the matched words
	Text string // the sentence, Markdown stripped, shortened
	Kind string // EvidenceTimeline, EvidenceProcess or EvidencePublicIssue
}

// Policy is what AnalyzePolicy found in a policy document.
type Policy struct {
	Channels       []Channel // private reporting channels, in line order
	Process        *Evidence // first response time, else first process step; nil when none
	ResponseDays   float64   // promised response time in days, 0 when not stated
	Template       bool      // GitHub's default SECURITY.md placeholder text is present
	TemplateLine   int       // line of the first placeholder sentence
	PublicOnly     bool      // tells reporters to open a public issue and offers no channel
	PublicIssue    *Evidence // first instruction to open a public issue, channel or not
	ExternalPolicy string    // the URL the file defers to when it has no direct channel
	Emails         []string  // every address outside HTML comments, placeholders excluded, first spelling
	Placeholders   []string  // example/placeholder addresses and URLs, never channels
	RelatedDocs    []string  // relative links or code spans naming an in-repository policy document

	urls   []string // every absolute URL, for MentionsContact
	digits []string // each line's digits, for tel: contacts
}

// HasChannel reports whether the policy names at least one private channel.
func (p Policy) HasChannel() bool { return len(p.Channels) > 0 }

// MentionsContact reports whether the document names contact, a
// security.txt Contact value: "mailto:" addresses are compared exactly
// (case-insensitively) with the document's addresses; https: (and http:)
// URLs match a document URL on the same host (a leading "www." ignored) whose
// path equals the contact's path or lies below it, case-insensitively,
// ignoring query, fragment and trailing slashes; a GitHub private vulnerability
// reporting form (.../security/advisories/new) also matches a policy that names
// that feature in words; "tel:" numbers match a line holding the same digits.
func (p Policy) MentionsContact(contact string) bool {
	c := strings.TrimSpace(contact)
	scheme, rest, ok := strings.Cut(c, ":")
	if !ok {
		return false
	}
	switch strings.ToLower(scheme) {
	case "mailto":
		addrs, _, _ := strings.Cut(rest, "?")
		if dec, err := url.PathUnescape(addrs); err == nil {
			addrs = dec
		}
		for _, a := range strings.Split(addrs, ",") {
			a = strings.TrimSpace(a)
			for _, e := range p.Emails {
				if a != "" && strings.EqualFold(a, e) {
					return true
				}
			}
		}
	case "tel":
		d := onlyDigits(rest)
		if len(d) < 5 {
			return false
		}
		for _, l := range p.digits {
			if strings.Contains(l, d) {
				return true
			}
		}
	case "http", "https":
		host, path, ok := hostPath(c)
		if !ok {
			return false
		}
		if strings.HasSuffix(path, "/security/advisories/new") {
			for _, ch := range p.Channels {
				if ch.Kind == KindGitHubPrivate {
					return true
				}
			}
		}
		for _, u := range p.urls {
			h, pth, ok := hostPath(u)
			if ok && h == host && (pth == path || path == "" || strings.HasPrefix(pth, path+"/")) {
				return true
			}
		}
	}
	return false
}

// hostPath returns the lower-case host without "www." and the lower-case
// path without trailing slashes.
func hostPath(raw string) (string, string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", "", false
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	return host, strings.TrimRight(strings.ToLower(u.Path), "/"), true
}

func onlyDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// found is a channel candidate with its position, for ordering.
type found struct {
	Channel
	off    int  // offset in the block, for ordering within a line
	seq    int  // block index
	strong bool // e-mail, GitHub reporting or a report form
}

// analysis carries the state of one AnalyzePolicy run.
type analysis struct {
	p          Policy
	chans      []found
	pointers   []found // contextual links and policy pointers, for ExternalPolicy
	phraseGH   *found  // GitHub reporting named without a link
	timeline   *Evidence
	process    *Evidence
	emailSeen  map[string]bool
	placeSeen  map[string]bool
	relSeen    map[string]bool
	urlSeen    map[string]bool
	respSet    bool
	blockIndex int
}

// MaxText bounds the analysed text. A policy is a few kilobytes (the largest
// of 21 real ones is 9.5 KB); goldmark's time grows faster than linearly on
// some hostile Markdown (deeply nested quotes, thousands of unmatched
// emphasis or link openers in one paragraph), which this bound keeps under a
// second at worst (64 KiB of "[a](" took 2.5 s of CPU on the CI machine,
// 32 KiB about 0.6 s). The disclosure check reads no larger policy.
const MaxText = 32 << 10

// AnalyzePolicy reads a policy document in Markdown (or plain text). It never
// fails: unusable input yields an empty Policy. Only the first MaxText bytes
// are read.
func AnalyzePolicy(text string) Policy {
	if len(text) > MaxText {
		text = text[:MaxText]
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	text = maskComments(text)
	text = strings.ReplaceAll(text, "\r", " ") // CR ends no line here; offsets stay
	doc := newDocument(text)
	a := &analysis{
		emailSeen: map[string]bool{}, placeSeen: map[string]bool{},
		relSeen: map[string]bool{}, urlSeen: map[string]bool{},
	}
	a.p.digits = make([]string, len(doc.starts))
	for i := range doc.starts {
		a.p.digits[i] = onlyDigits(string(doc.line(i)))
	}
	for i, b := range readBlocks(doc) {
		a.blockIndex = i
		a.analyzeBlock(b)
	}
	a.finish()
	return a.p
}

// maskComments blanks HTML comments, keeping line breaks.
func maskComments(s string) string {
	if !strings.Contains(s, "<!--") {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], []byte("<!--"))
		if j < 0 {
			break
		}
		start := i + j
		end := len(b)
		if k := bytes.Index(b[start+4:], []byte("-->")); k >= 0 {
			end = start + 4 + k + 3
		}
		for x := start; x < end; x++ {
			if b[x] != '\n' && b[x] != '\r' {
				b[x] = ' '
			}
		}
		i = end
	}
	return string(b)
}

// finish orders and deduplicates channels and derives the summary fields.
func (a *analysis) finish() {
	strong, hasGHLink := a.phraseGH != nil, false
	for _, c := range a.chans {
		strong = strong || c.strong
		hasGHLink = hasGHLink || c.Kind == KindGitHubPrivate
	}
	if a.phraseGH != nil && !hasGHLink {
		a.chans = append(a.chans, *a.phraseGH)
	}
	if !strong && len(a.pointers) > 0 {
		sort.SliceStable(a.pointers, func(i, j int) bool { return before(a.pointers[i], a.pointers[j]) })
		ext := a.pointers[0]
		a.p.ExternalPolicy = ext.Value
		a.chans = append(a.chans, ext)
	}
	sort.SliceStable(a.chans, func(i, j int) bool { return before(a.chans[i], a.chans[j]) })
	seen := map[string]bool{}
	for _, c := range a.chans {
		k := c.Kind + "\x00" + strings.ToLower(c.Value)
		if seen[k] {
			continue
		}
		seen[k] = true
		a.p.Channels = append(a.p.Channels, c.Channel)
	}
	if a.timeline != nil {
		a.p.Process = a.timeline
	} else {
		a.p.Process = a.process
	}
	a.p.PublicOnly = a.p.PublicIssue != nil && len(a.p.Channels) == 0
}

func before(x, y found) bool {
	if x.Line != y.Line {
		return x.Line < y.Line
	}
	if x.seq != y.seq {
		return x.seq < y.seq
	}
	return x.off < y.off
}

// analyzeBlock applies every rule to one block.
func (a *analysis) analyzeBlock(b *block) {
	if b.template {
		if !a.p.Template {
			a.p.Template, a.p.TemplateLine = true, b.first
		}
		return
	}
	a.emails(b)
	a.links(b)
	if b.heading || b.code {
		return
	}
	for _, s := range b.sents {
		a.sentence(b, s[0], s[1])
	}
}

// ---- e-mail -------------------------------------------------------------

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}`)
	obfusRE = regexp.MustCompile(`(?i)([A-Za-z0-9._%+-]+)\s*[\[({<]\s*at\s*[\])}>]\s*([A-Za-z0-9-]+(?:\s*(?:[\[({<]\s*dot\s*[\])}>]|\.)\s*[A-Za-z0-9-]+)+)`)
	dotRE   = regexp.MustCompile(`(?i)\s*(?:[\[({<]\s*dot\s*[\])}>]|\.)\s*`)
	// emailCtxRE: words around an address that make it a reporting contact.
	emailCtxRE = regexp.MustCompile(`\b(?:report\w*|disclos\w*|vulnerab\w*|security|send\w*|sent|e-?mail\w*|contact\w*|reach\w*|` +
		`forward\w*|submit\w*|notify|write to)\b`)
	// introCtxRE: the sentence that introduces a list must itself ask to report.
	introCtxRE   = regexp.MustCompile(`\b(?:report\w*|disclos\w*|vulnerab\w*|send\w*|e-?mail\w*|submit\w*|forward\w*)\b`)
	roleLocalRE  = regexp.MustCompile(`(?i)secur|psirt|csirt|vuln|disclos|^cert$`)
	fileTLDRE    = regexp.MustCompile(`(?i)\.(?:png|jpe?g|gif|svg|webp|ico|css|js|ts|go|py|rs|md|txt|html?)$`)
	placeLocalRE = regexp.MustCompile(`(?i)^your[._-]?(?:e-?mail|name|address)$`)
)

func (a *analysis) emails(b *block) {
	hits := append([]emailHit(nil), b.emails...)
	for _, l := range b.links {
		if l.scheme != "mailto" {
			continue
		}
		addrs, _, _ := strings.Cut(l.href[len("mailto:"):], "?")
		if dec, err := url.PathUnescape(addrs); err == nil {
			addrs = dec
		}
		for _, ad := range strings.Split(addrs, ",") {
			if m := emailRE.FindString(strings.TrimSpace(ad)); m != "" {
				hits = append(hits, emailHit{m, l.start})
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].off < hits[j].off })
	ctxOK := -1 // whether the block speaks of reporting, computed once
	for _, h := range hits {
		local, domain, _ := strings.Cut(h.addr, "@")
		if PlaceholderHost(domain) || placeLocalRE.MatchString(local) {
			a.addPlaceholder(h.addr)
			continue
		}
		if k := strings.ToLower(h.addr); !a.emailSeen[k] {
			a.emailSeen[k] = true
			a.p.Emails = append(a.p.Emails, h.addr)
		}
		if b.thanks {
			continue
		}
		if ctxOK < 0 {
			ctxOK = 0
			if emailCtxRE.MatchString(b.ctx) || (b.intro != "" && introCtxRE.MatchString(b.intro)) {
				ctxOK = 1
			}
		}
		if roleLocalRE.MatchString(local) || ctxOK == 1 {
			a.chans = append(a.chans, found{Channel: Channel{KindEmail, h.addr, b.lineAt(h.off)}, off: h.off, seq: a.blockIndex, strong: true})
		}
	}
}

func (a *analysis) addPlaceholder(s string) {
	if k := strings.ToLower(s); !a.placeSeen[k] {
		a.placeSeen[k] = true
		a.p.Placeholders = append(a.p.Placeholders, s)
	}
}

var placeholderLabels = map[string]bool{
	"yourdomain": true, "your-domain": true, "your_domain": true, "yourcompany": true,
	"your-company": true, "yourproject": true, "your-project": true, "yourorg": true,
	"your-org": true, "yoursite": true, "your-site": true, "yourwebsite": true,
	"mydomain": true, "my-domain": true, "mycompany": true, "domain": true,
}

// PlaceholderHost reports whether host is reserved for examples (RFC 2606,
// RFC 6761: example.com/.net/.org, *.example, *.test, *.invalid, localhost)
// or an obvious "yourdomain.com" placeholder. It is the one definition the
// gate uses: in a policy's text, in disclosure.contact, reporting.contact and
// security.txt's Contact fields.
func PlaceholderHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	for _, d := range []string{"example.com", "example.net", "example.org", "localhost"} {
		if h == d || strings.HasSuffix(h, "."+d) {
			return true
		}
	}
	for _, tld := range []string{".example", ".test", ".invalid", ".localhost"} {
		if strings.HasSuffix(h, tld) {
			return true
		}
	}
	labels := strings.Split(h, ".")
	return len(labels) >= 2 && placeholderLabels[labels[len(labels)-2]]
}

// PlaceholderContact reports whether a contact (mailto:, https:, tel: or a
// bare address) points at a placeholder host, or is a "your-email@" address.
func PlaceholderContact(contact string) bool {
	c := strings.TrimSpace(contact)
	if u, err := url.Parse(c); err == nil && u.Host != "" {
		return PlaceholderHost(u.Hostname())
	}
	addr := c
	if i := strings.IndexByte(addr, ':'); i >= 0 && strings.EqualFold(addr[:i], "mailto") {
		addr = addr[i+1:]
	}
	addr, _, _ = strings.Cut(addr, "?")
	local, domain, ok := strings.Cut(addr, "@")
	return ok && (PlaceholderHost(domain) || placeLocalRE.MatchString(local))
}

// ---- links --------------------------------------------------------------

// URL categories.
const (
	catOther      = iota // any other web page
	catIgnore            // never a channel nor a policy pointer
	catIssues            // a public issue tracker
	catGHNew             // github.com/OWNER/REPO/security/advisories/new
	catGHSecurity        // the repository's Security tab
	catGHPage            // other GitHub pages: never channels, may be policy pointers
	catPlatform          // a report form or bug-bounty programme
)

var ignoredHosts = map[string]bool{
	"docs.github.com": true, "help.github.com": true, "docs.gitlab.com": true,
	"stackoverflow.com": true, "superuser.com": true, "serverfault.com": true, "askubuntu.com": true,
	"discord.gg": true, "discord.com": true, "gitter.im": true, "reddit.com": true, "slack.com": true,
	"linkedin.com": true, "in.linkedin.com": true, "twitter.com": true, "x.com": true,
	"facebook.com": true, "youtube.com": true, "mastodon.social": true,
	"keyserver.ubuntu.com": true, "keys.openpgp.org": true, "pgp.mit.edu": true, "keybase.io": true,
	"img.shields.io": true, "shields.io": true, "badgen.net": true,
	"cwe.mitre.org": true, "capec.mitre.org": true,
}

var (
	ghRepoRE      = regexp.MustCompile(`^/[^/]+/[^/]+(/.*)?$`)
	keyFileRE     = regexp.MustCompile(`(?i)\.(?:asc|gpg|pgp|pub|key|png|jpe?g|gif|svg|webp)$`)
	formPathRE    = regexp.MustCompile(`(?i)report`)
	formPathSecRE = regexp.MustCompile(`(?i)vuln|secur`)
)

// classify puts an absolute URL into a category.
func classify(u *url.URL) int {
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	path := strings.TrimRight(u.Path, "/")
	lpath := strings.ToLower(path)
	switch {
	case ignoredHosts[host] || strings.HasSuffix(host, ".stackexchange.com") || keyFileRE.MatchString(path):
		return catIgnore
	case host == "github.com" || host == "gitlab.com":
		m := ghRepoRE.FindStringSubmatch(lpath)
		if m == nil {
			return catIgnore // a user or organisation profile
		}
		rest := m[1]
		switch {
		case rest == "/security/advisories/new":
			return catGHNew
		case rest == "/security" || rest == "/security/advisories":
			return catGHSecurity
		case strings.HasPrefix(rest, "/issues") || strings.HasPrefix(rest, "/-/issues"):
			return catIssues
		case strings.HasPrefix(rest, "/pull") || strings.HasPrefix(rest, "/discussions") ||
			strings.HasPrefix(rest, "/releases") || strings.HasPrefix(rest, "/wiki") ||
			strings.HasPrefix(rest, "/actions") || strings.HasPrefix(rest, "/commit"):
			return catIgnore
		}
		return catGHPage
	case host == "hackerone.com" || host == "bugcrowd.com":
		first, _, _ := strings.Cut(strings.TrimPrefix(lpath, "/"), "/")
		switch {
		case first == "" || first == "reports" || first == "hacktivity" || first == "directory" ||
			first == "resources" || first == "blog" || strings.HasSuffix(lpath, "/thanks") || strings.HasSuffix(lpath, "/hacktivity"):
			return catOther
		}
		return catPlatform
	case strings.HasSuffix(host, "intigriti.com") && strings.Contains(lpath, "program"),
		strings.HasSuffix(host, "yeswehack.com") && strings.Contains(lpath, "program"),
		host == "huntr.dev" || host == "huntr.com",
		host == "hackenproof.com" && lpath != "",
		host == "immunefi.com" && strings.Contains(lpath, "bug-bounty"),
		host == "bughunters.google.com" && strings.Contains(lpath, "report"),
		host == "msrc.microsoft.com" && strings.Contains(lpath, "report"),
		formPathRE.MatchString(lpath) && formPathSecRE.MatchString(lpath):
		return catPlatform
	}
	return catOther
}

var (
	// reportRE: a reporting instruction before or on a link.
	reportRE = regexp.MustCompile(`\breport(?:s|ing|ed)?\b|\bsubmi(?:t|ts|tting|ssion|ssions)\b|\bdisclose\b`)
	// toReportRE: a link followed by "to report".
	toReportRE = regexp.MustCompile(`^\W{0,3}\s*(?:to|for)\s+(?:report|submit|disclos)`)
	// pointerRE: a sentence pointing at where the policy lives.
	pointerRE = regexp.MustCompile(`\b(?:see|found|find|read|refer|visit|available|described|detailed|documented|located|lives|consult|details|here)\b`)
	// policyWordRE: a URL or link text about a security policy.
	policyWordRE = regexp.MustCompile(`(?i)secur|vuln|disclos|polic|advisor|psirt`)
	negRE        = regexp.MustCompile(`\b(?:not|never|no|dont|avoid)\b|n't|instead of|rather than`)
	relDocRE     = regexp.MustCompile(`(?i)\.(?:md|markdown|rst|txt|html?|adoc)(?:#.*)?$`)
	docPathRE    = regexp.MustCompile(`^[A-Za-z0-9_./-]+/[A-Za-z0-9_.-]+\.(?:md|rst|txt|adoc)$`)
)

// negated reports whether s just before position i says "not".
func negated(s string, i int) bool {
	lo := i - 24
	if lo < 0 {
		lo = 0
	}
	return negRE.MatchString(s[lo:i])
}

// lastMatch returns the start of the last non-negated match of re in s, or -1.
func lastMatch(re *regexp.Regexp, s string) int {
	ms := re.FindAllStringIndex(s, -1)
	for i := len(ms) - 1; i >= 0; i-- {
		if !negated(s, ms[i][0]) {
			return ms[i][0]
		}
	}
	return -1
}

func (a *analysis) links(b *block) {
	for _, l := range b.links {
		if l.scheme == "mailto" {
			continue
		}
		if l.scheme == "" {
			a.relatedDoc(b, l)
			continue
		}
		if l.scheme != "http" && l.scheme != "https" {
			continue
		}
		u, err := url.Parse(l.href)
		if err != nil || u.Host == "" {
			continue
		}
		if PlaceholderHost(u.Hostname()) {
			a.addPlaceholder(l.href)
			continue
		}
		if !a.urlSeen[l.href] {
			a.urlSeen[l.href] = true
			a.p.urls = append(a.p.urls, l.href)
		}
		cat := l.cat
		if l.textURL != "" {
			if !a.urlSeen[l.textURL] {
				a.urlSeen[l.textURL] = true
				a.p.urls = append(a.p.urls, l.textURL)
			}
		}
		if b.thanks || b.code {
			continue
		}
		line := b.lineAt(l.start)
		add := func(kind string, strong bool) {
			a.chans = append(a.chans, found{Channel: Channel{kind, l.href, line}, off: l.start, seq: a.blockIndex, strong: strong})
		}
		switch cat {
		case catGHNew:
			add(KindGitHubPrivate, true)
		case catPlatform:
			add(KindURL, true)
		case catGHSecurity:
			if a.reportContext(b, l) {
				add(KindGitHubPrivate, true)
			}
		case catIssues:
			if a.reportContext(b, l) && a.p.PublicIssue == nil {
				a.p.PublicIssue = &Evidence{Line: line, Text: b.evidenceText(l.start), Kind: EvidencePublicIssue}
			}
		case catOther:
			if a.reportContext(b, l) {
				add(KindURL, false)
				a.pointers = append(a.pointers, found{Channel: Channel{KindURL, l.href, line}, off: l.start, seq: a.blockIndex})
			} else if a.pointerContext(b, l) {
				a.pointers = append(a.pointers, found{Channel: Channel{KindURL, l.href, line}, off: l.start, seq: a.blockIndex})
			}
		case catGHPage:
			if a.pointerContext(b, l) || a.reportContext(b, l) && policyWordRE.MatchString(u.Path) {
				a.pointers = append(a.pointers, found{Channel: Channel{KindURL, l.href, line}, off: l.start, seq: a.blockIndex})
			}
		}
	}
	for _, s := range b.spans {
		if docPathRE.MatchString(s) && policyWordRE.MatchString(s) {
			a.addRelated(s)
		}
	}
}

func (a *analysis) relatedDoc(b *block, l link) {
	h := l.href
	if h == "" || strings.HasPrefix(h, "#") || !relDocRE.MatchString(h) {
		return
	}
	if policyWordRE.MatchString(h) || policyWordRE.MatchString(l.text) {
		a.addRelated(h)
	}
}

func (a *analysis) addRelated(h string) {
	if !a.relSeen[h] {
		a.relSeen[h] = true
		a.p.RelatedDocs = append(a.p.RelatedDocs, h)
	}
}

// reportContext reports whether link l is the object of a reporting
// instruction: its text says report/submit, the sentence before it does, or
// "to report" follows it.
func (a *analysis) reportContext(b *block, l link) bool {
	if l.textURL == "" && l.textEnd > l.textStart {
		txt := b.ctx[l.textStart:l.textEnd]
		if lastMatch(reportRE, txt) >= 0 {
			return true
		}
	}
	ss, se := b.sentenceOf(l.start)
	lo := l.start - 300
	if lo < ss {
		lo = ss
	}
	pre := b.ctx[lo:l.start]
	if ss == 0 && b.intro != "" {
		pre = b.intro + " " + pre
	}
	if lastMatch(reportRE, pre) >= 0 {
		return true
	}
	hi := l.end + 40
	if hi > se {
		hi = se
	}
	if l.end <= hi && toReportRE.MatchString(b.ctx[l.end:hi]) {
		return true
	}
	return false
}

// pointerContext reports whether link l is presented as where the policy lives.
func (a *analysis) pointerContext(b *block, l link) bool {
	text := ""
	if l.textEnd > l.textStart {
		text = b.raw[l.textStart:l.textEnd]
	}
	u, _ := url.Parse(l.href)
	if u == nil || !(policyWordRE.MatchString(u.Host+u.Path) || policyWordRE.MatchString(text)) {
		return false
	}
	ss, se := b.sentenceOf(l.start)
	lo, hi := max(ss, l.start-300), min(se, l.end+300)
	s := b.ctx[lo:hi]
	if ss == 0 && b.intro != "" {
		s = b.intro + " " + s
	}
	return pointerRE.MatchString(s) || strings.TrimSpace(b.ctx[ss:l.start]) == "" && b.intro != ""
}

// ---- sentences ----------------------------------------------------------

var (
	numWords = `\d{1,4}(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|` +
		`fourteen|fifteen|twenty|thirty|forty-five|forty|sixty|ninety|an|a`
	durRE = regexp.MustCompile(`\b(` + numWords + `)(?:\s*(?:-|–|to|or)\s*(` + numWords + `))?(?:\s*\(\d{1,4}\))?[\s-]*(?:(?:business|working|` +
		`calendar)[\s-]+)?(hours?|hrs?|days?|weeks?|` +
		`months?)\b|\b(\d{1,4})\s?([hd])\b`)
	// domainRE: what a duration must be about to be a response time.
	domainRE = regexp.MustCompile(`respond|response|reply|replies|acknowledg|triag|confirm|hear back|hear from|get back|contact ` +
		`you|reach out|\bfix|patch|resolv|remediat|disclos|publish|advisor|notif|investigat|assess|` +
		`initial|status update|update you|keep you`)
	// responseRE: a duration about the first answer to the reporter.
	responseRE = regexp.MustCompile(`respond|response|reply|replies|acknowledg|hear back|hear from|get back to|contact you|confirm\w*\s+(?:of\s+)?receipt|` +
		`initial (?:reply|contact|assessment)|triag`)
	processRE = regexp.MustCompile(strings.Join([]string{
		`\btriag(?:e|ed|es|ing)\b`,
		`\backnowledg\w*\s+(?:\w+\s+){0,2}?(?:reports?|receipt|submissions?|e-?mails?|messages?|vulnerabilit\w*)\b`,
		`\b(?:reports?|submissions?)\s+(?:will|would|are|is|shall|should)\s+(?:\w+\s+){0,2}?acknowledged\b`,
		`\bcoordinat\w*\s+(?:\w+\s+){0,3}?(?:disclosure|release|fix|fixes|remediation|announcement|timeline|verification|next steps)\b`,
		`\bembargo\w*`,
		`\b(?:assign|request|obtain|retriev|reserv|allocat|issu|publish)\w*\s+(?:\w+\s+){0,2}?cves?\b`,
		`\bcves?\s+(?:\w+\s+){0,3}?(?:assigned|requested|obtained|published|issued|reserved)\b`,
		`\b(?:releas|ship|publish|prepar|develop|submit|deploy)\w*\s+(?:\w+\s+){0,2}?(?:fix|fixes|patch|patches|security releases?|security updates?)\b`,
		`\b(?:fix|fixes|patch|patches)\s+(?:is|are|will be|has been|have been|gets|get)\s+(?:\w+\s+)?(?:released|` +
			`prepared|published|shipped|available|ready|developed)\b`,
		`\b(?:publish|announc|post|distribut)\w*\s+(?:\w+\s+){0,5}?(?:advisor\w*|summary|security (?:fix|release|issue|notice|bulletin)\w*|remediation|cves?)\b`,
		`\badvisor(?:y|ies)\s+(?:will be|are|is)\s+(?:published|issued|created)\b`,
		`\b(?:published|announced|distributed|disclosed)\s+(?:as|via|in|through|on)\s+(?:a |an |the |our )?(?:github )?(?:security )?(?:advisor|cve|blog|bulletin)`,
		`\bkeep (?:you|the reporter|reporters)\s+(?:\w+\s+)?(?:informed|updated|up to date|up to speed|posted)`,
		`\bprimary handler\b`,
		`\b(?:security|disclosure|incident|handling|response|vulnerability) (?:handling )?process (?:is |are )?(?:described|detailed|documented|outlined|explained)`,
	}, "|"))
	askRE    = regexp.MustCompile(`^\W*please\b|\byou (?:should|must|can|may)\b`)
	publicRE = regexp.MustCompile(`\b(?:open|create|file|submit|raise|post)\w*\s+(?:an?\s+|the\s+|a\s+new\s+|new\s+)?(?:public\s+)?(?:github\s+|` +
		`gitlab\s+)?(?:issues?|bug reports?)\b|\b(?:report|submit|post|file)\w*\s+(?:\w+\s+){0,4}?(?:on|` +
		`in|via|through|to|using)\s+(?:the\s+|our\s+)?(?:public\s+)?(?:github\s+|gitlab\s+)?(?:issue ` +
		`tracker|issues?|bug tracker)\b`)
	otherRE = regexp.MustCompile(`non-security|not (?:a )?security|other (?:inquir|question|issue|bug)|question|feature|suggestion|` +
		`general bug|regular bug|documentation`)
	ghPhrase = regexp.MustCompile(`["“”'‘’]\s*report a (?:security )?vulnerability\s*["“”'’‘]|` +
		`report a (?:security )?vulnerability\W{0,4}\s*(?:button|` +
		`tab|link|form|option)|\bprivate vulnerability report\w*|\bprivately report\w*\s+(?:\w+\s+){0,4}?(?:via|` +
		`through|using|on|with)\s+github`)
	ghAdvRE  = regexp.MustCompile(`security advisor(?:y|ies)|security tab`)
	ghVerbRE = regexp.MustCompile(`\b(?:report|submit|open|create|draft|file)\b`)
)

// sentence applies the sentence rules to ctx[s:e] of block b.
func (a *analysis) sentence(b *block, s, e int) {
	txt := b.ctx[s:e]
	if strings.TrimSpace(txt) == "" {
		return
	}
	// Response time.
	if ms := durRE.FindAllStringSubmatchIndex(txt, -1); len(ms) > 0 {
		var valid [][]int
		for _, m := range ms {
			if durationDays(txt, m) > 0 {
				valid = append(valid, m)
			}
		}
		if len(valid) > 0 && domainRE.MatchString(txt) {
			if a.timeline == nil {
				a.timeline = &Evidence{Line: b.lineAt(s + valid[0][0]), Text: b.evidenceText(s + valid[0][0]), Kind: EvidenceTimeline}
			}
			if !a.respSet && responseRE.MatchString(txt) {
				a.respSet = true
				a.p.ResponseDays = durationDays(txt, valid[0])
			}
		}
	}
	// Process.
	if a.process == nil {
		ask := len(txt)
		if m := askRE.FindStringIndex(txt); m != nil {
			ask = m[0]
		}
		for _, m := range processRE.FindAllStringIndex(txt, -1) {
			if negated(txt, m[0]) || ask < m[0] {
				continue
			}
			a.process = &Evidence{Line: b.lineAt(s + m[0]), Text: b.evidenceText(s + m[0]), Kind: EvidenceProcess}
			break
		}
	}
	// Public issue.
	if a.p.PublicIssue == nil && !otherRE.MatchString(txt) {
		for _, m := range publicRE.FindAllStringIndex(txt, -1) {
			if negated(txt, m[0]) {
				continue
			}
			a.p.PublicIssue = &Evidence{Line: b.lineAt(s + m[0]), Text: b.evidenceText(s + m[0]), Kind: EvidencePublicIssue}
			break
		}
	}
	// GitHub private reporting named without a link.
	if a.phraseGH == nil && !b.thanks {
		at, atEnd := -1, -1
		for _, m := range ghPhrase.FindAllStringIndex(txt, -1) {
			if !negated(txt, m[0]) {
				at, atEnd = m[0], m[1]
				break
			}
		}
		if at < 0 && strings.Contains(txt, "github") && lastMatch(ghVerbRE, txt) >= 0 {
			if m := ghAdvRE.FindStringIndex(txt); m != nil && !negated(txt, m[0]) {
				at, atEnd = m[0], m[1]
			}
		}
		if at >= 0 {
			a.phraseGH = &found{
				Channel: Channel{KindGitHubPrivate, b.phraseValue(s+at, s+atEnd), b.lineAt(s + at)},
				off:     s + at, seq: a.blockIndex, strong: true,
			}
		}
	}
}

var numValue = map[string]float64{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
	"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "sixty": 60, "ninety": 90,
}

// durationDays converts a durRE match to days, or 0 when it is no duration.
func durationDays(s string, m []int) float64 {
	group := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return s[m[2*i]:m[2*i+1]]
	}
	num, num2, unit := group(1), group(2), group(3)
	if num == "" {
		num, unit = group(4), group(5)
	}
	val := func(w string) float64 {
		if v, ok := numValue[w]; ok {
			return v
		}
		v, err := strconv.ParseFloat(w, 64)
		if err != nil {
			return 0
		}
		return v
	}
	n := val(num)
	if (num == "a" || num == "an") && strings.HasSuffix(unit, "s") {
		return 0
	}
	if num2 != "" && val(num2) > n {
		n = val(num2)
	}
	switch {
	case strings.HasPrefix(unit, "h"):
		return n / 24
	case strings.HasPrefix(unit, "d"):
		return n
	case strings.HasPrefix(unit, "w"):
		return n * 7
	case strings.HasPrefix(unit, "m"):
		return n * 30
	}
	return 0
}
