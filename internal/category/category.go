// Package category holds the categories of important (Annex III) and critical
// (Annex IV) products with digital elements as data, from Regulation (EU)
// 2024/2847 and the technical descriptions of Implementing Regulation (EU)
// 2025/2392, and finds the ones a product's own words suggest.
package category

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Category is one point of Annex III or IV.
type Category struct {
	ID    string `toml:"id"`    // annex-iii-i-17
	Point string `toml:"point"` // Annex III, class I, point 17
	Title string `toml:"title"`
	// Vocabulary are phrases that, anywhere in the product's name,
	// description or functions, suggest the category; Names only in its name
	// and function names.
	Vocabulary []string `toml:"vocabulary"`
	Names      []string `toml:"names"`

	vocabulary, names *regexp.Regexp
}

// Class is the product class the category belongs to.
func (c Category) Class() string {
	switch {
	case strings.HasPrefix(c.ID, "annex-iii-i-"):
		return "important-1"
	case strings.HasPrefix(c.ID, "annex-iii-ii-"):
		return "important-2"
	case strings.HasPrefix(c.ID, "annex-iv-"):
		return "critical"
	}
	return "default"
}

// None is the category of a default product.
const None = "none"

//go:embed categories.toml
var data string

var table = mustLoad()

// Source says where the categories come from; Date when they were read.
var (
	Source string
	Date   time.Time
)

func mustLoad() []Category {
	var doc struct {
		Source     string     `toml:"source"`
		Date       time.Time  `toml:"date"`
		Categories []Category `toml:"category"`
	}
	if _, err := toml.Decode(data, &doc); err != nil {
		panic("category: categories.toml: " + err.Error()) // a programming error, caught by any test
	}
	Source, Date = doc.Source, doc.Date
	for i := range doc.Categories {
		c := &doc.Categories[i]
		c.vocabulary, c.names = phrases(c.Vocabulary), phrases(c.Names)
	}
	return doc.Categories
}

// phrases compiles a list of phrases (in lower case) into one pattern of whole
// words, plurals in -s and -es included; nil for none.
func phrases(list []string) *regexp.Regexp {
	if len(list) == 0 {
		return nil
	}
	var alts []string
	for _, p := range list {
		alts = append(alts, regexp.QuoteMeta(strings.ToLower(p)))
	}
	return regexp.MustCompile(`(^|[^\p{L}\p{N}])(` + strings.Join(alts, "|") + `)(?:s|es)?($|[^\p{L}\p{N}])`)
}

// All lists the categories in the order of the annexes.
func All() []Category { return append([]Category(nil), table...) }

// IDs lists the values product.category accepts: none, then every id.
func IDs() []string {
	ids := []string{None}
	for _, c := range table {
		ids = append(ids, c.ID)
	}
	return ids
}

// Lookup returns the category with the given id.
func Lookup(id string) (Category, bool) {
	for _, c := range table {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// Match is a category a product's words suggest, with the words.
type Match struct {
	Category Category
	Term     string // as found, lower case
	Where    string // "name", "description" or "functions"
}

func (m Match) String() string {
	return fmt.Sprintf("%s (%s, %q in its %s)", m.Category.ID, m.Category.Point, m.Term, m.Where)
}

// onlyUses are the words that, just before a term, say that the product works
// with the thing rather than being it: "connects to your router".
var onlyUses = map[string]bool{
	"your": true, "to": true, "via": true, "through": true, "behind": true, "with": true, "over": true,
	"using": true, "from": true, "compatible": true, "supports": true, "existing": true,
	"any": true, "other": true, "third-party": true, "into": true, "on": true, "by": true,
}

// Suggest returns the categories a product's name, description and function
// names suggest, in the annexes' order, one match each.
func Suggest(name, description string, functions []string) []Match {
	name, description = strings.ToLower(name), strings.ToLower(description)
	fns := strings.ToLower(strings.NewReplacer("-", " ", "_", " ").Replace(strings.Join(functions, ", ")))
	var out []Match
	for _, c := range table {
		for _, in := range []struct{ text, where string }{{name, "name"}, {description, "description"}, {fns, "functions"}} {
			term := find(c.vocabulary, in.text)
			if term == "" && in.where == "functions" || term == "" && in.where == "name" && !packageName(name) {
				term = find(c.names, in.text)
			}
			if term != "" {
				out = append(out, Match{Category: c, Term: term, Where: in.where})
				break
			}
		}
	}
	return out
}

// packageName reports whether a name is written like a package or a path
// ("vue-router", "@koa/router", "ca-certificates-pki"): one token with
// separators. A bare word such as "router" in it names what the package
// handles, not what a product is: the short names of categories do not count
// there. Measured on the 6,849 distinct component names of the real SBOMs in
// ../shared/realdata: without this, 6 got a category, all wrongly; with it, 1
// (a package named just "router").
func packageName(name string) bool {
	return !strings.ContainsAny(strings.TrimSpace(name), " \t") && strings.ContainsAny(name, "-_./@:")
}

// find returns the first term of re in text not preceded by a word that says
// the product only works with it.
func find(re *regexp.Regexp, text string) string {
	if re == nil {
		return ""
	}
	for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
		start, end := m[4], m[5]
		before := strings.Fields(text[:start])
		used := false
		for k := len(before) - 1; k >= 0 && k >= len(before)-3; k-- {
			if onlyUses[strings.Trim(before[k], ",;:.()")] {
				used = true
				break
			}
		}
		if !used {
			return text[start:end]
		}
	}
	return ""
}
