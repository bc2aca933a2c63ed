package sbom

import (
	"bytes"
	"encoding/xml"
	"strings"
)

// locate fills in the lines of components (from their bom-ref or SPDXID) and of
// the CycloneDX vulnerabilities entries, with one forward scan of the bytes per
// kind. An identifier written more than once leaves its component at line 0.
func locate(doc *Document, data []byte) {
	var ids []idAt
	switch {
	case doc.Format == CycloneDX && doc.Encoding == JSON:
		ids = jsonStringValues(data, `"bom-ref"`)
	case doc.Format == CycloneDX && doc.Encoding == XML:
		ids = xmlAttrValues(data, "bom-ref=")
	case doc.Format == SPDX && doc.Encoding == JSON && doc.SPDX3():
		ids = jsonStringValues(data, `"spdxId"`)
	case doc.Format == SPDX && doc.Encoding == JSON:
		ids = jsonStringValues(data, `"SPDXID"`)
	case doc.Format == SPDX && doc.Encoding == TagValue:
		ids = tagValues(data, "SPDXID:")
	}
	lines := map[string]int{}
	if len(ids) > 0 && len(doc.Components)+len(doc.BuildTime)+len(doc.Vulnerabilities) > 0 {
		for _, id := range ids {
			if _, dup := lines[id.value]; dup {
				lines[id.value] = 0
			} else {
				lines[id.value] = id.line
			}
		}
		for _, cs := range [][]Component{doc.Components, doc.BuildTime} {
			for i := range cs {
				if c := &cs[i]; c.Ref != "" {
					c.Line = lines[c.Ref]
				}
			}
		}
	}
	if len(doc.Vulnerabilities) == 0 {
		return
	}
	if doc.SPDX3() { // assessments are elements of the graph
		for i := range doc.Vulnerabilities {
			v := &doc.Vulnerabilities[i]
			v.Line = lines[v.ref]
		}
		return
	}
	var starts []int
	switch doc.Encoding {
	case JSON:
		starts = jsonArrayElements(data, "vulnerabilities")
	case XML:
		starts = xmlElements(data, "vulnerability")
	}
	for i := range doc.Vulnerabilities {
		if v := &doc.Vulnerabilities[i]; v.entry < len(starts) {
			v.Line = starts[v.entry]
		}
	}
}

// idAt is an identifier and the line it is written on.
type idAt struct {
	value string
	line  int
}

// lineCounter turns increasing offsets into lines in linear time overall.
type lineCounter struct {
	data       []byte
	off, lines int
}

func (lc *lineCounter) at(off int) int {
	if off < lc.off { // not increasing: count from the start
		lc.off, lc.lines = 0, 0
	}
	lc.lines += bytes.Count(lc.data[lc.off:off], []byte{'\n'})
	lc.off = off
	return lc.lines + 1
}

// jsonStringValues finds every key (quoted) followed by a colon and a string
// value, wherever it is nested.
func jsonStringValues(data []byte, key string) []idAt {
	var out []idAt
	lc := lineCounter{data: data}
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(key))
		if i < 0 {
			return out
		}
		start := off + i
		j := skipWS(data, start+len(key))
		off = start + len(key)
		if j >= len(data) || data[j] != ':' {
			continue
		}
		j = skipWS(data, j+1)
		if j >= len(data) || data[j] != '"' {
			continue
		}
		v, next, ok := scanString(data, j)
		if !ok {
			return out
		}
		out = append(out, idAt{value: v, line: lc.at(start)})
		off = next
	}
}

// xmlAttrValues finds every attribute attr ("bom-ref=") with a quoted value.
func xmlAttrValues(data []byte, attr string) []idAt {
	var out []idAt
	lc := lineCounter{data: data}
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(attr))
		if i < 0 {
			return out
		}
		start := off + i
		off = start + len(attr)
		if start == 0 || !isSpace(data[start-1]) || off >= len(data) || (data[off] != '"' && data[off] != '\'') {
			continue
		}
		end := bytes.IndexByte(data[off+1:], data[off])
		if end < 0 {
			return out
		}
		out = append(out, idAt{value: xmlUnescape(data[off+1 : off+1+end]), line: lc.at(start)})
		off += end + 2
	}
}

// xmlUnescape decodes the five predefined entities and character references.
func xmlUnescape(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var s string
	if err := xmlUnmarshalText(b, &s); err != nil {
		return string(b)
	}
	return s
}

// tagValues finds every line "TAG: value" of a tag-value document.
func tagValues(data []byte, tag string) []idAt {
	var out []idAt
	line := 1
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n')
		l := data
		if end >= 0 {
			l = data[:end]
		}
		if bytes.HasPrefix(l, []byte(tag)) {
			out = append(out, idAt{value: string(bytes.TrimSpace(l[len(tag):])), line: line})
		}
		if end < 0 {
			break
		}
		data = data[end+1:]
		line++
	}
	return out
}

// jsonArrayElements returns the line of each element of the array that is the
// value of the top-level key, or nil.
func jsonArrayElements(data []byte, key string) []int {
	elems, _ := topArrayElements(data, key)
	if elems == nil {
		return nil
	}
	out := make([]int, len(elems))
	lc := lineCounter{data: data}
	for k, e := range elems {
		out[k] = lc.at(e.start)
	}
	return out
}

// span is the byte range [start, end) of a JSON value.
type span struct{ start, end int }

// topArrayElements returns the span of each element of the array that is the
// value of the top-level key. exact is false when the answer may not be what a
// decoder reads: the key is written twice, or in another case (encoding/json
// matches names without regard to case), or the top level cannot be walked;
// elems is then the first array found, if any. It checks bracket balance only:
// for a document the decoder accepts, the spans are exact.
func topArrayElements(data []byte, key string) (elems []span, exact bool) {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	found := 0
	i++
	for {
		i = skipWS(data, i)
		if i >= len(data) {
			return elems, false
		}
		if data[i] == '}' {
			return elems, found <= 1
		}
		k, next, ok := scanString(data, i)
		if !ok {
			return elems, false
		}
		i = skipWS(data, next)
		if i >= len(data) || data[i] != ':' {
			return elems, false
		}
		i = skipWS(data, i+1)
		if i >= len(data) {
			return elems, false
		}
		if strings.EqualFold(k, key) {
			found++
			if k != key || data[i] != '[' {
				return elems, false
			}
		}
		if found == 1 && k == key {
			// Walk the array once: its elements' spans, and its end.
			if elems, i, ok = arrayElements(data, i); !ok {
				return elems, false
			}
		} else if i, ok = skipValue(data, i); !ok {
			return elems, false
		}
		i = skipWS(data, i)
		if i < len(data) && data[i] == ',' {
			i++
		}
	}
}

// arrayElements returns the span of each element of the array at
// data[i] == '[', and the offset after the array.
func arrayElements(data []byte, i int) ([]span, int, bool) {
	out := []span{}
	i++
	for {
		i = skipWS(data, i)
		if i >= len(data) {
			return out, i, false
		}
		if data[i] == ']' {
			return out, i + 1, true
		}
		next, ok := skipValue(data, i)
		if !ok {
			return out, next, false
		}
		out = append(out, span{i, next})
		i = skipWS(data, next)
		if i < len(data) && data[i] == ',' {
			i++
		}
	}
}

// xmlElements returns the line of each start tag <name ...> or <prefix:name ...>.
func xmlElements(data []byte, name string) []int {
	var out []int
	lc := lineCounter{data: data}
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte(name))
		if i < 0 {
			return out
		}
		start := off + i
		off = start + len(name)
		lt := start - 1
		if lt >= 0 && data[lt] == ':' { // a namespace prefix
			for lt > 0 && data[lt] != '<' && !isSpace(data[lt]) {
				lt--
			}
		}
		if lt < 0 || data[lt] != '<' || off >= len(data) || !(isSpace(data[off]) || data[off] == '>' || data[off] == '/') {
			continue
		}
		out = append(out, lc.at(lt))
	}
}

// xmlUnmarshalText decodes XML character data.
func xmlUnmarshalText(b []byte, s *string) error {
	var v struct {
		S string `xml:",chardata"`
	}
	if err := xml.Unmarshal(append(append([]byte("<v>"), b...), []byte("</v>")...), &v); err != nil {
		return err
	}
	*s = v.S
	return nil
}
