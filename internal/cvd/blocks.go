package cvd

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// block is a leaf block of the Markdown document: a paragraph, heading, list
// item's text, table row, code block or HTML block, as the whole source lines
// it covers. raw, clean, scan and ctx have the same length, so an offset means
// the same in each.
type block struct {
	raw      string // the lines joined by "\n"
	clean    string // ASCII lower case; emphasis, table bars, quote marks and HTML tags blanked
	scan     string // raw with URLs and mailto: links blanked, for finding addresses
	ctx      string // clean with URLs, link targets, ignored links and addresses blanked, for keywords
	starts   []int  // offset of each line
	first    int    // 1-based line of the first line
	heading  bool
	code     bool // a code block, fenced or indented
	list     bool // the first block of a list item
	thanks   bool // in an acknowledgements section
	template bool // GitHub's template placeholder text
	intro    string
	sents    [][2]int
	links    []link
	emails   []emailHit
	spans    []string // the text of each code span
}

type emailHit struct {
	addr string
	off  int
}

// link is a Markdown link (inline or by reference), an image, an autolink, a
// bare URL or an HTML anchor.
type link struct {
	start, end         int // the whole construct
	textStart, textEnd int // the visible text, when distinct from the URL
	hrefStart, hrefEnd int // the target as written, when written
	href, scheme, text string
	textURL            string // the visible text when it is itself a web URL
	bare               bool   // autolink, bare URL or image: blanked whole
	cat                int
}

var (
	thanksRE   = regexp.MustCompile(`(?i)hall of fame|acknowledg|thanks|thank you|credits|contributors|sponsors|supporters`)
	templateRE = regexp.MustCompile(`use this section to tell people|tell them where to go, how often they can expect to get an update`)
	htmlTagRE  = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>`)
	spaceRE    = regexp.MustCompile(`\s+`)
)

// linkIntros gives each block the sentence that introduces it: the last
// sentence of the block before when that ends in ":", or for a list item
// after a list item the same introduction.
func linkIntros(blocks []*block) {
	for i, b := range blocks {
		if i == 0 || b.heading {
			continue
		}
		prev := blocks[i-1]
		switch {
		case strings.HasSuffix(strings.TrimSpace(prev.ctx), ":") && len(prev.sents) > 0:
			s := prev.sents[len(prev.sents)-1]
			b.intro = prev.ctx[s[0]:s[1]]
		case b.list && prev.list:
			b.intro = prev.intro
		}
	}
}

// newBlock builds a block from raw, its lines starting at starts and the
// first of them being line first; links are sorted by start.
func newBlock(raw string, starts []int, first int, links []link, spans []string, code, thanks bool) *block {
	b := &block{raw: raw, starts: starts, first: first, code: code, thanks: thanks, links: links, spans: spans}
	b.clean = cleanText(b.raw, b.starts)
	b.scan = b.blankScan()
	b.emails = findEmails(b.scan)
	b.ctx = b.blankCtx()
	b.sents = splitSentences(b.clean)
	if !code && templateRE.MatchString(spaceRE.ReplaceAllString(b.clean, " ")) {
		b.template = true
	}
	return b
}

// cleanText lower-cases ASCII and blanks Markdown punctuation and HTML tags.
func cleanText(raw string, starts []int) string {
	c := []byte(raw)
	for i, ch := range c {
		switch {
		case ch >= 'A' && ch <= 'Z':
			c[i] = ch + 'a' - 'A'
		case ch == '*' || ch == '_' || ch == '`' || ch == '~' || ch == '|' || ch == '\t' || ch == '\r':
			c[i] = ' '
		}
	}
	for _, s := range starts {
		for i := s; i < len(c) && (c[i] == ' ' || c[i] == '>'); i++ {
			c[i] = ' '
		}
	}
	for _, m := range htmlTagRE.FindAllIndex(c, -1) {
		blank(c, m[0], m[1])
	}
	return string(c)
}

// blank overwrites b[s:e] with spaces, keeping line breaks.
func blank(b []byte, s, e int) {
	if s < 0 {
		s = 0
	}
	if e > len(b) {
		e = len(b)
	}
	for i := s; i < e; i++ {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
}

func (b *block) blankScan() string {
	s := []byte(b.raw)
	for _, l := range b.links {
		switch {
		case l.bare || l.scheme == "mailto":
			blank(s, l.start, l.end)
		default:
			blank(s, l.hrefStart, l.hrefEnd)
			if l.textURL != "" {
				blank(s, l.textStart, l.textEnd)
			}
		}
	}
	return string(s)
}

func (b *block) blankCtx() string {
	c := []byte(b.clean)
	for _, l := range b.links {
		switch {
		case l.bare || l.scheme == "mailto" || l.cat == catIgnore:
			blank(c, l.start, l.end)
		default:
			blank(c, l.hrefStart, l.hrefEnd)
			if l.textURL != "" {
				blank(c, l.textStart, l.textEnd)
			}
		}
	}
	for _, m := range emailRE.FindAllStringIndex(b.scan, -1) {
		blank(c, m[0], m[1])
	}
	for _, m := range obfusRE.FindAllStringIndex(b.scan, -1) {
		blank(c, m[0], m[1])
	}
	return string(c)
}

// findEmails finds plain and obfuscated addresses in scan.
func findEmails(scan string) []emailHit {
	var hits []emailHit
	for _, m := range emailRE.FindAllStringIndex(scan, -1) {
		s, e := m[0], m[1]
		for s < e && scan[s] == '.' {
			s++
		}
		addr := scan[s:e]
		if fileTLDRE.MatchString(addr) || !strings.Contains(addr, "@") || strings.HasPrefix(addr, "@") {
			continue
		}
		hits = append(hits, emailHit{addr, s})
	}
	for _, m := range obfusRE.FindAllStringSubmatchIndex(scan, -1) {
		addr := scan[m[2]:m[3]] + "@" + dotRE.ReplaceAllString(scan[m[4]:m[5]], ".")
		if emailRE.FindString(addr) == addr {
			hits = append(hits, emailHit{addr, m[0]})
		}
	}
	return hits
}

var (
	anchorRE  = regexp.MustCompile(`(?is)<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>`)
	bareURLRE = regexp.MustCompile(`(?i)\bhttps?://[A-Za-z0-9\-._~:/?#@!$&()*+,;=%]+`)
	schemeRE  = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)
)

// htmlAnchors finds <a href="..."> anchors in raw. goldmark leaves HTML as
// it is, so anchors in raw HTML and HTML blocks are found here.
func htmlAnchors(raw string) []link {
	var out []link
	for _, m := range anchorRE.FindAllStringSubmatchIndex(raw, -1) {
		out = append(out, makeLink(raw, m[0], m[1], m[4], m[5], m[2], m[3], raw[m[2]:m[3]]))
	}
	return out
}

// bareURLs finds web URLs in raw[from:to], text that is not Markdown (code
// and HTML blocks, code spans), where goldmark finds no links.
func bareURLs(raw string, from, to int) []link {
	var out []link
	for _, m := range bareURLRE.FindAllStringIndex(raw[from:to], -1) {
		s, e := from+m[0], trimURL(raw, from+m[0], from+m[1])
		if e > s {
			l := makeLink(raw, s, e, s, s, s, e, raw[s:e])
			l.bare = true
			out = append(out, l)
		}
	}
	return out
}

// addUncovered appends to links those of more that overlap none of them; n
// is the length of the text they are in.
func addUncovered(links []link, n int, more []link) []link {
	if len(more) == 0 {
		return links
	}
	mask := make([]bool, n+1) // bytes inside a link so far
	mark := func(l link) {
		for i := l.start; i < l.end; i++ {
			mask[i] = true
		}
	}
	for _, l := range links {
		mark(l)
	}
outer:
	for _, l := range more {
		for i := l.start; i < l.end; i++ {
			if mask[i] {
				continue outer
			}
		}
		links = append(links, l)
		mark(l)
	}
	return links
}

func makeLink(raw string, start, end, ts, te, hs, he int, href string) link {
	href = strings.TrimSpace(href)
	l := link{start: start, end: end, textStart: ts, textEnd: te, hrefStart: hs, hrefEnd: he, href: href}
	if te > ts {
		l.text = raw[ts:te]
	}
	if m := schemeRE.FindStringSubmatch(href); m != nil {
		l.scheme = strings.ToLower(m[1])
	}
	if l.scheme == "http" || l.scheme == "https" {
		if u, err := url.Parse(href); err == nil && u.Host != "" {
			l.cat = classify(u)
		} else {
			l.cat = catIgnore
		}
	}
	if t := strings.Trim(l.text, " \t\n*`<>"); t != "" {
		if u, err := url.Parse(t); err == nil && u.Host != "" && (strings.EqualFold(u.Scheme,
			"http") || strings.EqualFold(u.Scheme,
			"https")) && !strings.ContainsAny(t, " \n") {
			l.textURL = t
			if tc := classify(u); l.cat == catOther && (tc == catPlatform || tc == catGHNew) {
				l.cat = tc
			}
		}
	}
	return l
}

// trimURL drops trailing punctuation and unbalanced parentheses from a bare URL.
func trimURL(s string, start, end int) int {
	for end > start {
		c := s[end-1]
		switch {
		case strings.IndexByte(".,;:!?'\"*_~", c) >= 0:
			end--
			continue
		case c == ')' && strings.Count(s[start:end], "(") < strings.Count(s[start:end], ")"):
			end--
			continue
		}
		break
	}
	return end
}

// splitSentences returns sentence spans of clean text.
func splitSentences(s string) [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next := i + size
		end := false
		switch r {
		case '.', '!', '?':
			end = next == len(s) || s[next] == ' ' || s[next] == '\n'
		case '。', '！', '？':
			end = true
		}
		if end {
			out = append(out, [2]int{start, next})
			start = next
		}
		i = next
	}
	if start < len(s) {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

// lineAt returns the 1-based line of offset off.
func (b *block) lineAt(off int) int {
	i := sort.Search(len(b.starts), func(i int) bool { return b.starts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return b.first + i
}

// sentenceOf returns the span of the sentence holding off.
func (b *block) sentenceOf(off int) (int, int) {
	i := sort.Search(len(b.sents), func(i int) bool { return b.sents[i][1] > off })
	if i < len(b.sents) && off >= b.sents[i][0] {
		return b.sents[i][0], b.sents[i][1]
	}
	return 0, len(b.raw)
}

var mdStripRE = regexp.MustCompile(`!?\[([^\[\]]*)\]\([^()\s]*\)`)

// evidenceText returns the sentence holding off, Markdown stripped, shortened.
func (b *block) evidenceText(off int) string {
	s, e := b.sentenceOf(off)
	return tidy(b.raw[s:e], 200)
}

// tidy strips Markdown links, emphasis and code marks, collapses white space
// and shortens s to max runes.
func tidy(s string, max int) string {
	s = mdStripRE.ReplaceAllString(s, "$1")
	s = strings.NewReplacer("*", "", "__", "", "`", "", "\r", "").Replace(s)
	s = strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
	s = strings.TrimLeft(s, "> ")
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:max-1])) + "…"
	}
	return s
}

// phraseValue returns the original words at raw[s:e], tidied.
func (b *block) phraseValue(s, e int) string {
	return strings.Trim(tidy(b.raw[s:e], 80), ` "“”'‘’*`)
}
