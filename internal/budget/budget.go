// Package budget bounds what one run decodes: the bytes and the structural
// items (JSON objects and arrays, XML elements, lines of a text format) of
// the documents it reads. Memory and time follow what a document holds, not
// its size: a few megabytes of "{}," are millions of objects, each a decoded
// struct. So every document is counted by a linear scan before it is decoded,
// and refused, with the limit named, when it would take the run past its
// budget.
package budget

import (
	"fmt"
	"sync"
)

// Defaults of a run's budget over all its SBOMs and VEX documents.
const (
	// DefaultBytes bounds the bytes of all SBOMs and VEX documents a run
	// decodes (each SBOM is also bounded by --max-sbom-size).
	DefaultBytes = 256 << 20
	// DefaultItems bounds their structural items: a real SBOM has about 7 per
	// component (the component, its supplier, hashes, licences), so a million
	// is about 140,000 fully described components.
	DefaultItems = 1_000_000
)

// Run is one run's budget, shared by the documents it reads; safe for
// concurrent use.
type Run struct {
	mu                 sync.Mutex
	maxBytes, maxItems int64
	bytes, items       int64
}

// New returns a budget of maxBytes and maxItems (zero or less: the default).
func New(maxBytes, maxItems int64) *Run {
	if maxBytes <= 0 {
		maxBytes = DefaultBytes
	}
	if maxItems <= 0 {
		maxItems = DefaultItems
	}
	return &Run{maxBytes: maxBytes, maxItems: maxItems}
}

// Exceeded is a document the budget cannot take.
type Exceeded struct {
	Bytes, Items       int64 // the document's
	UsedBytes          int64 // what earlier documents took
	UsedItems          int64
	MaxBytes, MaxItems int64
}

func (e *Exceeded) Error() string {
	const items = "JSON objects and arrays, XML elements or lines"
	switch {
	case e.Items > e.MaxItems:
		return fmt.Sprintf("it holds more than %s %s, the most the gate decodes in one run (--max-objects)", Count(e.MaxItems), items)
	case e.UsedItems+e.Items > e.MaxItems:
		return fmt.Sprintf("it holds %s %s; with the %s of the SBOMs and VEX documents decoded before it, that is over the %s "+
			"the gate decodes in one run (--max-objects)", Count(e.Items), items, Count(e.UsedItems), Count(e.MaxItems))
	}
	return fmt.Sprintf("it is %s bytes; with the %s bytes of the SBOMs and VEX documents decoded before it, that is over the %s "+
		"the gate decodes in one run (--max-total-size)", Count(e.Bytes), Count(e.UsedBytes), Count(e.MaxBytes))
}

// Count writes n with thousands separators: 1,000,000.
func Count(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Take counts data's items and takes them and its bytes from the budget, or
// returns an *Exceeded and takes nothing.
func (r *Run) Take(data []byte) (items int64, err error) {
	items = Items(data, r.maxItems+1)
	r.mu.Lock()
	defer r.mu.Unlock()
	n := int64(len(data))
	if r.bytes+n > r.maxBytes || r.items+items > r.maxItems {
		return items, &Exceeded{Bytes: n, Items: items, UsedBytes: r.bytes, UsedItems: r.items, MaxBytes: r.maxBytes, MaxItems: r.maxItems}
	}
	r.bytes += n
	r.items += items
	return items, nil
}

// Items counts a document's structural items, stopping once it passes max:
// JSON objects and arrays when it starts (after a byte-order mark and white
// space) with '{' or '[', XML start tags when it starts with '<', lines
// otherwise. Strings and comments are not skipped for XML, so an item inside
// one counts too: an upper bound, never less than the decoder builds.
func Items(data []byte, max int64) int64 {
	i := 0
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		i = 3
	}
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	if i == len(data) {
		return 0
	}
	switch data[i] {
	case '{', '[':
		return JSONItems(data[i:], max)
	case '<':
		return XMLItems(data[i:], max)
	}
	return Lines(data, max)
}

// JSONItems counts the objects and arrays of JSON text (strings skipped),
// stopping once it passes max.
func JSONItems(data []byte, max int64) int64 {
	var n int64
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			if n++; n > max {
				return n
			}
		}
	}
	return n
}

// XMLItems counts the start tags of XML text ('<' and a name), stopping once
// it passes max.
func XMLItems(data []byte, max int64) int64 {
	var n int64
	for i := 0; i+1 < len(data); i++ {
		if data[i] != '<' {
			continue
		}
		if c := data[i+1]; c != '/' && c != '!' && c != '?' {
			if n++; n > max {
				return n
			}
		}
	}
	return n
}

// Lines counts the lines of text, stopping once it passes max.
func Lines(data []byte, max int64) int64 {
	var n int64
	for i, c := range data {
		if c == '\n' || i == len(data)-1 {
			if n++; n > max {
				return n
			}
		}
	}
	return n
}
