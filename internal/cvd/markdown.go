package cvd

import (
	"bytes"
	"sort"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// markdown reads CommonMark with GitHub's tables and extended autolinks (bare
// URLs and www. names). A goldmark parser is safe for concurrent use.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Linkify)).Parser()

// document is the policy text with the offset where each line starts.
type document struct {
	src    []byte
	starts []int
}

func newDocument(text string) *document {
	d := &document{src: []byte(text), starts: []int{0}}
	for i, c := range d.src {
		if c == '\n' {
			d.starts = append(d.starts, i+1)
		}
	}
	return d
}

// lineOf returns the 0-based line holding offset off.
func (d *document) lineOf(off int) int {
	return max(sort.Search(len(d.starts), func(i int) bool { return d.starts[i] > off })-1, 0)
}

// lineEnd returns the offset just past line i's last character, "\n" excluded.
func (d *document) lineEnd(i int) int {
	if i+1 < len(d.starts) {
		return d.starts[i+1] - 1
	}
	return len(d.src)
}

// line returns line i without its "\n".
func (d *document) line(i int) []byte { return d.src[d.starts[i]:d.lineEnd(i)] }

// leafKind says how a block's inline content is read.
type leafKind int

const (
	leafText leafKind = iota // paragraph, heading or table row: Markdown inlines
	leafCode                 // code block: no Markdown, bare URLs only
	leafHTML                 // HTML block: no Markdown, HTML anchors and bare URLs
)

// blockReader turns a goldmark document into blocks, in document order.
type blockReader struct {
	doc    *document
	blocks []*block
	thanks bool // inside an acknowledgements section
}

// readBlocks parses d and returns its blocks, each introduced by the block
// before it where that one ends in ":".
func readBlocks(d *document) []*block {
	r := &blockReader{doc: d}
	r.children(markdown.Parse(text.NewReader(d.src)))
	linkIntros(r.blocks)
	return r.blocks
}

// children reads the blocks below container n: the document, lists, list
// items and block quotes.
func (r *blockReader) children(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.Kind() {
		case ast.KindHeading:
			if b := r.leaf(c, c, leafText); b != nil {
				b.heading, b.thanks = true, false
				r.thanks = thanksRE.MatchString(b.raw)
			}
		case ast.KindParagraph, ast.KindTextBlock:
			if b := r.leaf(c, c, leafText); b != nil {
				p := c.Parent()
				b.list = p.Kind() == ast.KindListItem && p.FirstChild() == c
			}
		case extast.KindTable:
			for row := c.FirstChild(); row != nil; row = row.NextSibling() {
				r.leaf(row, row, leafText)
			}
		case ast.KindCodeBlock, ast.KindFencedCodeBlock:
			r.leaf(c, nil, leafCode)
		case ast.KindHTMLBlock:
			r.leaf(c, nil, leafHTML)
		case ast.KindThematicBreak:
		default:
			r.children(c)
		}
	}
}

// lineSpan returns the first and last line of block n, or false when it has
// no lines (an empty code block).
func (r *blockReader) lineSpan(n ast.Node) (first, last int, ok bool) {
	lines := n.Lines()
	switch {
	case lines != nil && lines.Len() > 0:
		first, last = r.doc.lineOf(lines.At(0).Start), r.doc.lineOf(lines.At(lines.Len()-1).Start)
	case n.Pos() >= 0: // a table row, an empty heading
		first = r.doc.lineOf(n.Pos())
		last = first
	default:
		return 0, 0, false
	}
	if h, isHTML := n.(*ast.HTMLBlock); isHTML && h.HasClosure() {
		last = r.doc.lineOf(h.ClosureLine.Start)
	}
	return first, last, true
}

// leaf adds the block of whole lines that node n covers; inlines, when not
// nil, holds its Markdown inline content.
func (r *blockReader) leaf(n, inlines ast.Node, kind leafKind) *block {
	first, last, ok := r.lineSpan(n)
	if !ok {
		return nil
	}
	d := r.doc
	base := d.starts[first]
	raw := string(d.src[base:d.lineEnd(last)])
	starts := make([]int, 0, last-first+1)
	for i := first; i <= last; i++ {
		starts = append(starts, d.starts[i]-base)
	}
	il := inlineLinks{src: d.src, raw: raw, base: base, end: base + len(raw), top: inlines}
	switch kind {
	case leafText:
		il.walk()
		if il.html {
			il.links = addUncovered(il.links, len(raw), htmlAnchors(raw))
		}
	case leafHTML:
		il.links = addUncovered(htmlAnchors(raw), len(raw), bareURLs(raw, 0, len(raw)))
	case leafCode:
		il.links = bareURLs(raw, 0, len(raw))
	}
	sort.SliceStable(il.links, func(i, j int) bool { return il.links[i].start < il.links[j].start })
	b := newBlock(raw, starts, first+1, il.links, il.codeSpans, kind == leafCode, r.thanks)
	r.blocks = append(r.blocks, b)
	return b
}

// inlineLinks collects the links and code spans of one block's inlines; all
// offsets it records are relative to base, where the block's first line starts.
type inlineLinks struct {
	src       []byte
	raw       string   // the block's lines
	base, end int      // the block's first and past-last source offsets
	top       ast.Node // the block node; nil for none
	links     []link
	codeSpans []string
	html      bool // raw HTML seen: look for <a href> anchors
}

// walk visits each inline node once.
func (il *inlineLinks) walk() {
	if il.top == nil {
		return
	}
	_ = ast.Walk(il.top, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			il.link(n, string(n.Destination))
		case *ast.Image:
			il.image(n)
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			il.autoLink(n)
		case *ast.CodeSpan:
			il.codeSpan(n)
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			il.html = true
		}
		return ast.WalkContinue, nil
	})
}

// rel converts a source offset to one in the block, clamped to the block.
func (il *inlineLinks) rel(off int) int { return min(max(off, il.base), il.end) - il.base }

// startOf returns where inline n starts in the source, or -1 when unknown.
func startOf(n ast.Node) int {
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	return n.Pos()
}

// limitOf returns where the inline after n starts: the next sibling of n or
// of its closest inline ancestor that has one, else the end of the block.
func (il *inlineLinks) limitOf(n ast.Node) int {
	for ; n != nil && n != il.top; n = n.Parent() {
		for s := n.NextSibling(); s != nil; s = s.NextSibling() {
			if p := startOf(s); p >= 0 {
				return p
			}
		}
	}
	return il.end
}

// lastTextStop returns the end of the last text inside n, or -1.
func lastTextStop(n ast.Node) int {
	stop := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			stop = max(stop, t.Segment.Stop)
		}
		return ast.WalkContinue, nil
	})
	return stop
}

// span returns the source span of link or image n ("[text](dest)",
// "[text][ref]", "[text]") and the end of its text (its "]"), which comes
// after textFrom. The span ends at the last ")" or "]" before the next inline.
func (il *inlineLinks) span(n ast.Node, textFrom int) (start, textEnd, end int) {
	start = n.Pos()
	limit := il.limitOf(n)
	textEnd = max(lastTextStop(n), textFrom)
	if textEnd >= limit {
		return start, limit, limit
	}
	if i := bytes.IndexByte(il.src[textEnd:limit], ']'); i >= 0 {
		textEnd += i
	}
	end = limit
	if i := bytes.LastIndexAny(il.src[textEnd:limit], ")]"); i >= 0 {
		end = textEnd + i + 1
	}
	return start, textEnd, end
}

// link records a Markdown link, inline or by reference.
func (il *inlineLinks) link(n *ast.Link, dest string) {
	textFrom := n.Pos() + 1
	if img, ok := n.LastChild().(*ast.Image); ok { // a linked badge: the text ends after the image
		_, _, textFrom = il.span(img, img.Pos()+2)
	}
	start, textEnd, end := il.span(n, textFrom)
	if start < 0 {
		return
	}
	hrefStart, hrefEnd := end, end // a reference link writes no target
	if textEnd+1 < end && il.src[textEnd+1] == '(' {
		hrefStart, hrefEnd = textEnd+2, end-1
	}
	il.links = append(il.links, makeLink(il.raw, il.rel(start), il.rel(end), il.rel(start+1), il.rel(textEnd), il.rel(hrefStart), il.rel(hrefEnd), dest))
}

// image records an image: never a channel, its text and target no prose.
func (il *inlineLinks) image(n *ast.Image) {
	start, _, end := il.span(n, n.Pos()+2)
	if start < 0 {
		return
	}
	s, e := il.rel(start), il.rel(end)
	il.links = append(il.links, link{start: s, end: e, textStart: s, textEnd: s, hrefStart: s, hrefEnd: e, cat: catIgnore, bare: true})
}

// autoLink records a URL autolink, "<https://...>" or a bare URL; e-mail
// autolinks are left to the address scan.
func (il *inlineLinks) autoLink(n *ast.AutoLink) {
	if n.AutoLinkType != ast.AutoLinkURL || n.Pos() < 0 {
		return
	}
	label := n.Label(il.src)
	s := n.Pos()
	if !bytes.HasPrefix(il.src[s:], label) {
		s++ // the trigger character or "<" before the URL
	}
	e := s + len(label)
	start, end := s, e
	if s > 0 && il.src[s-1] == '<' && e < len(il.src) && il.src[e] == '>' {
		start, end = s-1, e+1
	}
	l := makeLink(il.raw, il.rel(start), il.rel(end), il.rel(start), il.rel(start), il.rel(s), il.rel(e), string(n.URL(il.src)))
	l.bare = true
	il.links = append(il.links, l)
}

// codeSpan records the span's text and the bare URLs in it.
func (il *inlineLinks) codeSpan(n *ast.CodeSpan) {
	var content []byte
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			content = append(content, t.Segment.Value(il.src)...)
			il.links = append(il.links, bareURLs(il.raw, il.rel(t.Segment.Start), il.rel(t.Segment.Stop))...)
		}
	}
	il.codeSpans = append(il.codeSpans, string(content))
}
