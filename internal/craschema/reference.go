package craschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cra-gate/cra-gate/internal/manifest"
)

// ReferenceFile is the cra.toml key reference's path in the repository.
const ReferenceFile = "docs/config.md"

// Reference renders docs/config.md from the generated schema and
// manifest.KeyOrder: every key, in the order internal/manifest/keys.md gives
// them, with its type, accepted values, whether it is required, and what it
// means. It is the one hand-written key reference (keys.md) made readable.
func Reference(schema []byte) ([]byte, error) {
	var root node
	if err := json.Unmarshal(schema, &root); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("# cra.toml reference (schema 1)\n\n")
	b.WriteString("<!-- Generated from internal/manifest/keys.md and the manifest model by `" + Regenerate +
		"`. Do not edit: change keys.md and regenerate. -->\n\n")
	b.WriteString(manifest.KeyDocs[""].Doc + "\n\n")
	b.WriteString("Complete files are in [examples/](../examples); `cra-gate init` writes a first one, and " +
		"[the JSON Schema](editor.md) gives the same descriptions in an editor. " +
		"A key written `rdps.name` is the key `name` of every `[[rdps]]` entry.\n")
	for _, path := range manifest.KeyOrder {
		if path == "" {
			continue
		}
		n, parent, err := root.lookup(path)
		if err != nil {
			return nil, err
		}
		doc := manifest.KeyDocs[path]
		if !strings.Contains(path, ".") && (n.Type == "object" || n.Type == "array") {
			header := "[" + path + "]"
			if n.Type == "array" {
				header = "[[" + path + "]]"
			}
			fmt.Fprintf(&b, "\n## `%s`\n\n%s\n", header, doc.Doc)
			continue
		}
		fmt.Fprintf(&b, "\n### `%s`\n\n%s", path, n.describe())
		switch {
		case doc.Required == manifest.RequiredUnlessSteward:
			b.WriteString(" · required unless `product.role = \"steward\"`")
		case parent != nil && slices.Contains(parent.Required, path[strings.LastIndex(path, ".")+1:]):
			b.WriteString(" · required")
		}
		fmt.Fprintf(&b, "\n\n%s\n", doc.Doc)
	}
	return b.Bytes(), nil
}

// node is the part of a JSON Schema the reference reads.
type node struct {
	Type                 string           `json:"type"`
	Format               string           `json:"format"`
	Enum                 []any            `json:"enum"`
	Const                any              `json:"const"`
	Minimum              *float64         `json:"minimum"`
	Maximum              *float64         `json:"maximum"`
	MaxLength            *int             `json:"maxLength"`
	Properties           map[string]*node `json:"properties"`
	Items                *node            `json:"items"`
	AnyOf                []*node          `json:"anyOf"`
	Required             []string         `json:"required"`
	AdditionalProperties any              `json:"additionalProperties"`
}

// lookup finds a key path's node and the object node holding it; the
// entries of an array of tables are its items.
func (n *node) lookup(path string) (found, parent *node, err error) {
	cur := n
	for _, seg := range strings.Split(path, ".") {
		if cur.Type == "array" && cur.Items != nil {
			cur = cur.Items
		}
		next, ok := cur.Properties[seg]
		if !ok {
			return nil, nil, fmt.Errorf("reference: the schema has no key %s", path)
		}
		parent, cur = cur, next
	}
	return cur, parent, nil
}

// describe says a key's type and accepted values in a few words.
func (n *node) describe() string {
	if len(n.AnyOf) > 0 {
		var alts []string
		for _, a := range n.AnyOf {
			alts = append(alts, a.describe())
		}
		return strings.Join(alts, ", or ")
	}
	var s string
	switch n.Type {
	case "string":
		s = "text"
		if n.Format == "date" {
			s = "date (`2031-03-01`, no quotes)"
		}
	case "integer":
		s = "whole number"
	case "number":
		s = "number"
	case "boolean":
		s = "`true` or `false`"
	case "array":
		if n.Items != nil && n.Items.Type == "object" {
			return "array of tables"
		}
		s = "list"
		if n.Items != nil {
			s = "list of " + strings.TrimPrefix(n.Items.describe(), "a ")
		}
		return s
	case "object":
		return "table"
	default:
		s = n.Type
	}
	var values []string
	for _, v := range n.Enum {
		if v != "" {
			values = append(values, fmt.Sprintf("`%v`", v))
		}
	}
	if len(values) > 0 {
		s = "one of " + strings.Join(values, ", ")
	}
	if n.Const != nil {
		s = fmt.Sprintf("`%v`", n.Const)
	}
	if n.Minimum != nil && n.Maximum != nil && *n.Minimum > math.MinInt32 {
		s += fmt.Sprintf(" from %v to %v", *n.Minimum, *n.Maximum)
	}
	if n.MaxLength != nil && *n.MaxLength < 16<<10 {
		s += fmt.Sprintf(" of at most %d characters", *n.MaxLength)
	}
	return s
}
