// Package doclinks checks the relative links of the repository's Markdown
// documents: every link to a file names one that exists, and every #anchor
// names a heading of its target as GitHub renders it. Its test walks the
// README, the contributor documents and docs/.
package doclinks

import (
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

// Links returns the destinations of a Markdown document's links and images.
func Links(src []byte) []string {
	var out []string
	doc := md.Parser().Parse(text.NewReader(src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch l := n.(type) {
		case *ast.Link:
			out = append(out, string(l.Destination))
		case *ast.Image:
			out = append(out, string(l.Destination))
		}
		return ast.WalkContinue, nil
	})
	return out
}

// Anchors returns the ids GitHub gives a document's headings.
func Anchors(src []byte) map[string]bool {
	ids := map[string]bool{}
	seen := map[string]int{}
	doc := md.Parser().Parse(text.NewReader(src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		id := Slug(plain(h, src))
		if k := seen[id]; k > 0 {
			ids[fmt.Sprintf("%s-%d", id, k)] = true
		} else {
			ids[id] = true
		}
		seen[id]++
		return ast.WalkSkipChildren, nil
	})
	return ids
}

// plain is a heading's text without its Markdown.
func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

var notSlug = regexp.MustCompile(`[^\p{L}\p{N}\- _]`)

// Slug is GitHub's heading id: lower case, punctuation dropped, spaces as
// hyphens.
func Slug(heading string) string {
	s := notSlug.ReplaceAllString(strings.ToLower(strings.TrimSpace(heading)), "")
	return strings.ReplaceAll(s, " ", "-")
}

// Check lists the broken relative links of the Markdown file at root/file.
func Check(root, file string) ([]string, error) {
	src, err := os.ReadFile(path.Join(root, file))
	if err != nil {
		return nil, err
	}
	var broken []string
	for _, dest := range Links(src) {
		if dest == "" || strings.Contains(dest, "://") || strings.HasPrefix(dest, "mailto:") {
			continue
		}
		target, anchor, _ := strings.Cut(dest, "#")
		tpath := file
		if target != "" {
			tpath = path.Clean(path.Join(path.Dir(file), target))
		}
		if strings.HasPrefix(tpath, "../") {
			broken = append(broken, fmt.Sprintf("%s: %s leaves the repository", file, dest))
			continue
		}
		fi, err := os.Stat(path.Join(root, tpath))
		if err != nil {
			broken = append(broken, fmt.Sprintf("%s: %s: no such file", file, dest))
			continue
		}
		if anchor == "" || fi.IsDir() {
			continue
		}
		tsrc, err := os.ReadFile(path.Join(root, tpath))
		if err != nil {
			return nil, err
		}
		if !Anchors(tsrc)[anchor] {
			broken = append(broken, fmt.Sprintf("%s: %s: no heading #%s in %s", file, dest, anchor, tpath))
		}
	}
	return broken, nil
}
