package cvd

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// block is a paragraph, heading, list item or table row. raw, clean, scan
// and ctx have the same length, so an offset means the same in each.
type block struct {
	raw      string // the lines joined by "\n"
	clean    string // ASCII lower case; emphasis, table bars, quote marks and HTML tags blanked
	scan     string // raw with URLs and mailto: links blanked, for finding addresses
	ctx      string // clean with URLs, link targets, ignored links and addresses blanked, for keywords
	starts   []int  // offset of each line
	first    int    // 1-based line of the first line
	heading  bool
	code     bool // inside a fenced code block
	list     bool // a list item
	thanks   bool // in an acknowledgements section
	template bool // GitHub's template placeholder text
	intro    string
	sents    [][2]int
	links    []link
	emails   []emailHit
}

type emailHit struct {
	addr string
	off  int
}

// link is a Markdown, HTML, reference, autolink or bare URL.
type link struct {
	start, end         int // the whole construct
	textStart, textEnd int // the visible text, when distinct from the URL
	hrefStart, hrefEnd int // the target as written, when written
	href, scheme, text string
	textURL            string // the visible text when it is itself a web URL
	bare               bool   // autolink or bare URL
	cat                int
}

var (
	headingRE  = regexp.MustCompile(`^ {0,3}#{1,6}(?:\s|$)`)
	setextRE   = regexp.MustCompile(`^ {0,3}(?:=+|-+)\s*$`)
	hrRE       = regexp.MustCompile(`^ {0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$`)
	listItemRE = regexp.MustCompile(`^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+`)
	tableRE    = regexp.MustCompile(`^\s*\|`)
	fenceRE    = regexp.MustCompile("^\\s{0,3}(?:```|~~~)")
	thanksRE   = regexp.MustCompile(`(?i)hall of fame|acknowledg|thanks|thank you|credits|contributors|sponsors|supporters`)
	templateRE = regexp.MustCompile(`use this section to tell people|tell them where to go, how often they can expect to get an update`)
	htmlTagRE  = regexp.MustCompile(`</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>`)
	spaceRE    = regexp.MustCompile(`\s+`)
)

// splitBlocks groups lines into blocks; refs resolves reference links.
func splitBlocks(lines []string, refs map[string]string) []*block {
	var blocks []*block
	var cur []int
	thanks, inFence := false, false
	flush := func(heading bool) {
		if len(cur) > 0 {
			blocks = append(blocks, newBlock(lines, cur, heading, inFence, thanks, refs))
			cur = nil
		}
	}
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case fenceRE.MatchString(l):
			flush(false)
			inFence = !inFence
			continue
		case inFence:
			cur = append(cur, i)
			continue
		case t == "":
			flush(false)
		case headingRE.MatchString(l):
			flush(false)
			thanks = thanksRE.MatchString(t)
			cur = []int{i}
			flush(true)
		case setextRE.MatchString(l) && len(cur) == 1 && !listItemRE.MatchString(lines[cur[0]]):
			thanks = thanksRE.MatchString(lines[cur[0]])
			flush(true)
		case hrRE.MatchString(l):
			flush(false)
		case tableRE.MatchString(l):
			flush(false)
			cur = []int{i}
			flush(false)
		default:
			if listItemRE.MatchString(l) {
				flush(false)
			}
			cur = append(cur, i)
		}
	}
	flush(false)
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
	return blocks
}

// newBlock builds a block from the lines at idx.
func newBlock(lines []string, idx []int, heading, code, thanks bool, refs map[string]string) *block {
	b := &block{first: idx[0] + 1, heading: heading, code: code, thanks: thanks && !heading}
	var sb strings.Builder
	for k, i := range idx {
		if k > 0 {
			sb.WriteByte('\n')
		}
		b.starts = append(b.starts, sb.Len())
		sb.WriteString(lines[i])
	}
	b.raw = sb.String()
	b.list = listItemRE.MatchString(b.raw)
	b.clean = cleanText(b.raw, b.starts)
	b.links = findLinks(b.raw, refs)
	b.scan = b.blankScan()
	b.emails = findEmails(b.scan)
	b.ctx = b.blankCtx()
	b.sents = splitSentences(b.clean)
	if !heading && !code && templateRE.MatchString(spaceRE.ReplaceAllString(b.clean, " ")) {
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
	mdLinkRE   = regexp.MustCompile(`(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^\s<>()]*(?:\([^\s<>()]*\)[^\s<>()]*)*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)`)
	refLinkRE  = regexp.MustCompile(`\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\[([^\[\]]*)\]`)
	anchorRE   = regexp.MustCompile(`(?is)<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>`)
	autoLinkRE = regexp.MustCompile(`<((?i:https?|mailto):[^\s<>]+)>`)
	bareURLRE  = regexp.MustCompile(`(?i)\bhttps?://[A-Za-z0-9\-._~:/?#@!$&()*+,;=%]+`)
	schemeRE   = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)
)

// findLinks extracts links in raw, earliest first.
func findLinks(raw string, refs map[string]string) []link {
	var out []link
	mask := make([]bool, len(raw)) // bytes inside a link found so far
	covered := func(s, e int) bool {
		for i := s; i < e; i++ {
			if mask[i] {
				return true
			}
		}
		return false
	}
	add := func(l link) {
		out = append(out, l)
		for i := l.start; i < l.end; i++ {
			mask[i] = true
		}
	}
	for _, m := range mdLinkRE.FindAllStringSubmatchIndex(raw, -1) {
		if m[3] > m[2] { // an image: no link, but its text and target are not prose links
			add(link{start: m[0], end: m[1], textStart: m[0], textEnd: m[0], hrefStart: m[6], hrefEnd: m[7], cat: catIgnore, bare: true})
			continue
		}
		add(makeLink(raw, m[0], m[1], m[4], m[5], m[6], m[7], raw[m[6]:m[7]]))
	}
	for _, m := range refLinkRE.FindAllStringSubmatchIndex(raw, -1) {
		if covered(m[0], m[1]) {
			continue
		}
		label := raw[m[4]:m[5]]
		if strings.TrimSpace(label) == "" {
			label = raw[m[2]:m[3]]
		}
		if href, ok := refs[strings.ToLower(strings.TrimSpace(label))]; ok {
			add(makeLink(raw, m[0], m[1], m[2], m[3], m[1], m[1], href))
		}
	}
	for _, m := range anchorRE.FindAllStringSubmatchIndex(raw, -1) {
		if !covered(m[0], m[1]) {
			add(makeLink(raw, m[0], m[1], m[4], m[5], m[2], m[3], raw[m[2]:m[3]]))
		}
	}
	for _, m := range autoLinkRE.FindAllStringSubmatchIndex(raw, -1) {
		if !covered(m[0], m[1]) {
			l := makeLink(raw, m[0], m[1], m[0], m[0], m[2], m[3], raw[m[2]:m[3]])
			l.bare = true
			add(l)
		}
	}
	for _, m := range bareURLRE.FindAllStringIndex(raw, -1) {
		s, e := m[0], trimURL(raw, m[0], m[1])
		if e > s && !covered(s, e) {
			l := makeLink(raw, s, e, s, s, s, e, raw[s:e])
			l.bare = true
			add(l)
		}
	}
	// Reference definitions ("[label]: url") at the start of a line.
	for off := 0; off < len(raw); {
		end := strings.IndexByte(raw[off:], '\n')
		if end < 0 {
			end = len(raw)
		} else {
			end += off
		}
		if m := refDefRE.FindStringSubmatchIndex(raw[off:end]); m != nil {
			for i := range m {
				if m[i] >= 0 {
					m[i] += off
				}
			}
			// The bare URL scan may already hold this target; replace it.
			kept, dropped := out[:0], false
			for _, l := range out {
				if l.bare && l.start >= m[4] && l.start < m[5] {
					dropped = true
					continue
				}
				kept = append(kept, l)
			}
			out = kept
			if dropped || !covered(m[0], m[1]) {
				add(makeLink(raw, m[0], m[1], m[2], m[3], m[4], m[5], raw[m[4]:m[5]]))
			}
		}
		off = end + 1
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
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
		if u, err := url.Parse(t); err == nil && u.Host != "" && (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https")) && !strings.ContainsAny(t, " \n") {
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
