package sbom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	jsonv1 "github.com/go-json-experiment/json/v1"
	"golang.org/x/text/encoding/charmap"
)

// Parse reads an SBOM (the bytes of a file) into a Document. The format is
// sniffed from the content: after an optional UTF-8 byte-order mark and white
// space, '{' or '[' means JSON (CycloneDX by its bomFormat, SPDX by its
// spdxVersion), '<' means XML (a CycloneDX <bom> by its namespace), and a line
// starting "SPDXVersion:" means SPDX tag-value. CycloneDX is decoded by
// cyclonedx-go, SPDX (JSON and tag-value) by spdx/tools-golang.
// Components and CycloneDX vulnerabilities get the line they are written on.
// Every error is an *Error.
func Parse(data []byte) (doc *Document, err error) {
	defer func() {
		if r := recover(); r != nil { // a library's panic on hostile input is an unreadable SBOM, not a crash
			doc, err = nil, &Error{Kind: Malformed, Msg: fmt.Sprintf("the SBOM could not be decoded: %v", r)}
		}
	}()
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")) // positions count from after the byte-order mark
	skip, err := skipPreamble(data)
	if err != nil {
		return nil, err
	}
	if skip == len(data) {
		return nil, &Error{Kind: NotSBOM, Msg: "empty input"}
	}
	if IsArchive(data) {
		return ParseArchive(data, nil)
	}
	switch data[skip] {
	case '{', '[':
		doc, err = parseJSON(data, skip)
	case '<':
		doc, err = parseXML(data)
	default:
		doc, err = parseText(data, skip)
	}
	if err != nil {
		return nil, err
	}
	separateBuildTime(doc)
	locate(doc, data)
	return doc, nil
}

// skipPreamble returns the offset of the first byte after white space; UTF-16
// input is refused.
func skipPreamble(data []byte) (int, error) {
	if len(data) >= 2 && (data[0] == 0xFE && data[1] == 0xFF || data[0] == 0xFF && data[1] == 0xFE) ||
		len(data) >= 2 && data[0] != 0 && data[1] == 0 {
		return 0, &Error{Kind: Malformed, Msg: "input is UTF-16 encoded; SBOMs must be UTF-8"}
	}
	i := 0
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// parseText reads input that is neither JSON nor XML: SPDX tag-value, or an
// error saying what it is.
func parseText(data []byte, skip int) (*Document, error) {
	if v, ok := lineValue(data, "SPDXVersion:"); ok {
		version, err := checkSPDXVersion(strings.TrimSpace(v))
		if err != nil {
			return nil, err
		}
		return parseSPDXTagValue(data, version)
	}
	if v, ok := lineValue(data, "spdxVersion:"); ok {
		return nil, &Error{Kind: UnsupportedEncoding,
			Msg: fmt.Sprintf("SPDX YAML (%s) is not supported; provide the SBOM as SPDX JSON or tag-value, or CycloneDX JSON/XML", v)}
	}
	head := data[skip:]
	if len(head) > 24 {
		head = head[:24]
	}
	return nil, &Error{Kind: NotSBOM, Msg: fmt.Sprintf("neither JSON, XML nor SPDX tag-value (starts with %q)", head)}
}

// lineValue finds a line starting with tag and returns the rest of that line.
func lineValue(data []byte, tag string) (string, bool) {
	for off := 0; off < len(data); {
		i := bytes.Index(data[off:], []byte(tag))
		if i < 0 {
			return "", false
		}
		i += off
		if i == 0 || data[i-1] == '\n' || data[i-1] == '\r' {
			rest := data[i+len(tag):]
			if j := bytes.IndexAny(rest, "\r\n"); j >= 0 {
				rest = rest[:j]
			}
			v := strings.TrimSpace(string(rest))
			if len(v) > 40 {
				v = v[:40]
			}
			return v, true
		}
		off = i + len(tag)
	}
	return "", false
}

// parseJSON dispatches on the top-level keys of a JSON document.
func parseJSON(data []byte, skip int) (*Document, error) {
	top, ok := scanJSONTop(data, skip)
	if !ok {
		return nil, jsonSyntaxError(data)
	}
	switch {
	case top.kind != '{':
		return nil, rejectJSON(data, &Error{Kind: NotSBOM, Msg: "JSON array, not an SBOM object"})
	case top.hasBOMFormat:
		if !strings.EqualFold(top.bomFormat, "CycloneDX") {
			return nil, rejectJSON(data, &Error{Kind: NotSBOM, Msg: fmt.Sprintf("JSON with bomFormat %q, not CycloneDX", top.bomFormat)})
		}
		if top.versionNotString >= 0 {
			line, col := lineCol(data, top.versionNotString)
			return nil, rejectJSON(data, &Error{Kind: Malformed, Line: line, Column: col,
				Msg: fmt.Sprintf("specVersion is the JSON value %s where the schema wants a string (\"%s\"): the SBOM does "+
					"not follow its schema", top.specVersion, top.specVersion)})
		}
		if top.hasSpecVersion {
			if err := checkCycloneDXVersion(top.specVersion); err != nil {
				return nil, rejectJSON(data, err)
			}
		}
		return parseCycloneDXJSON(data, top.specVersion)
	case top.hasSPDXVersion:
		v, err := checkSPDXVersion(top.spdxVersion)
		if err != nil {
			return nil, rejectJSON(data, err)
		}
		return parseSPDXJSON(data, v)
	case strings.Contains(strings.ToLower(top.context), "spdx"):
		v, err := spdx3Version(top.context)
		if err != nil {
			return nil, rejectJSON(data, err)
		}
		return parseSPDX3(data, v)
	}
	msg := "JSON without bomFormat or spdxVersion"
	if len(top.keys) > 0 {
		msg += " (top-level keys: " + strings.Join(top.keys, ", ")
		if top.moreKeys {
			msg += ", …"
		}
		msg += ")"
	}
	return nil, rejectJSON(data, &Error{Kind: NotSBOM, Msg: msg})
}

// rejectJSON returns err for a document that will not be decoded, unless the
// document is not even valid JSON: a syntax error is the more useful finding.
func rejectJSON(data []byte, err error) error {
	if !jsonv1.Valid(data) {
		return jsonSyntaxError(data)
	}
	return err
}

// checkCycloneDXVersion accepts the spec versions 1.0 to 1.7.
func checkCycloneDXVersion(v string) error {
	switch v {
	case "1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7":
		return nil
	case "":
		return &Error{Kind: Malformed, Msg: "CycloneDX document without specVersion"}
	}
	return &Error{Kind: UnsupportedVersion, Msg: fmt.Sprintf("CycloneDX specVersion %q (%s)", v, supportedVersions)}
}

// checkSPDXVersion accepts "SPDX-2.2" and "SPDX-2.3" and returns "2.2"/"2.3".
func checkSPDXVersion(v string) (string, error) {
	switch v {
	case "SPDX-2.2", "SPDX-2.3":
		return v[len("SPDX-"):], nil
	}
	if strings.HasPrefix(v, "SPDX-") {
		return "", &Error{Kind: UnsupportedVersion, Msg: fmt.Sprintf("SPDX version %q (%s)", v, supportedVersions)}
	}
	return "", &Error{Kind: Malformed, Msg: fmt.Sprintf("spdxVersion %q is not of the form SPDX-M.N", v)}
}

// decodeJSON unmarshals data into v with the v1 API of encoding/json/v2
// (github.com/go-json-experiment/json/v1, the module that mirrors the
// standard library's encoding/json/v2: encoding/json's semantics, on the
// faster v2 decoder; about a third less time than encoding/json on large
// SBOMs). A syntax error is returned as a Malformed *Error with its position,
// as is a value of the wrong type.
func decodeJSON(data []byte, v any) (warning string, err error) {
	return decodeJSONAt(data, jsonPart{bytes: data}, v)
}

// jsonPart is a part of a document decoded on its own: bytes are the
// document's from offset shift on (but for a '[' put in front), the elements
// first to first+n-1 of the array at key array (see decodeCycloneDXJSON).
type jsonPart struct {
	bytes []byte
	shift int
	array string
	first int
}

// field names a field of the part as in the whole document:
// "1499.name" -> "components.2999.name".
func (p jsonPart) field(f string) string {
	if p.array == "" {
		return f
	}
	n, rest, _ := strings.Cut(f, ".")
	if i, err := strconv.Atoi(n); err == nil {
		n = strconv.Itoa(p.first + i)
	}
	if rest != "" {
		rest = "." + rest
	}
	return p.array + "." + n + rest
}

// decodeJSONAt decodes part, positioning errors in data.
func decodeJSONAt(data []byte, part jsonPart, v any) (warning string, err error) {
	shift := part.shift
	err = jsonv1.Unmarshal(part.bytes, v)
	if err == nil {
		return "", nil
	}
	// A value of the wrong type is fatal: cyclonedx-go's own unmarshalers abort
	// on one, so what was decoded cannot be trusted to be complete.
	var te *jsonv1.UnmarshalTypeError
	if errors.As(err, &te) {
		line, col := lineCol(data, shift+int(te.Offset))
		field := part.field(te.Field)
		if te.Field == "" {
			field = "a value"
		}
		return "", &Error{Kind: Malformed, Line: line, Column: col, Err: err,
			Msg: fmt.Sprintf("%s is a JSON %s where %s is expected: the SBOM does not follow its schema", field, te.Value, te.Type)}
	}
	// cyclonedx-go's own unmarshalers (specVersion, metadata.tools, ...) use
	// encoding/json: their errors name neither the field nor its place.
	var inner *json.UnmarshalTypeError
	if errors.As(err, &inner) {
		return "", &Error{Kind: Malformed, Err: err,
			Msg: fmt.Sprintf("a value is a JSON %s where %s is expected: the SBOM does not follow its schema", inner.Value, inner.Type)}
	}
	var se *jsonv1.SyntaxError
	if errors.As(err, &se) {
		return "", syntaxError(data, shift+int(se.Offset), "JSON: "+se.Error(), err)
	}
	return "", &Error{Kind: Malformed, Msg: "JSON: " + err.Error(), Err: err}
}

// jsonSyntaxError reports where data stops being valid JSON.
func jsonSyntaxError(data []byte) error {
	var v struct{}
	if _, err := decodeJSON(data, &v); err != nil {
		return err
	}
	return &Error{Kind: Malformed, Msg: "JSON: unreadable top level"}
}

// syntaxError builds a Malformed error positioned at the byte before offset
// (encoding/json and encoding/xml report the offset just past the offending
// byte or token).
func syntaxError(data []byte, offset int, msg string, cause error) *Error {
	if offset > 0 {
		offset--
	}
	line, col := lineCol(data, offset)
	return &Error{Kind: Malformed, Msg: msg, Line: line, Column: col, Err: cause}
}

// lineCol converts a byte offset into a 1-based line and character column.
func lineCol(data []byte, offset int) (line, col int) {
	if offset > len(data) {
		offset = len(data)
	}
	if offset < 0 {
		offset = 0
	}
	head := data[:offset]
	line = 1 + bytes.Count(head, []byte{'\n'})
	lineStart := bytes.LastIndexByte(head, '\n') + 1
	return line, 1 + utf8.RuneCount(head[lineStart:])
}

// jsonTop is what scanJSONTop learns from the top level of a JSON document.
type jsonTop struct {
	kind                                         byte // first byte: '{' or '['
	bomFormat, specVersion, spdxVersion, context string
	hasBOMFormat, hasSpecVersion, hasSPDXVersion bool
	keys                                         []string // first top-level keys, for messages
	moreKeys                                     bool
	// versionNotString is the offset of a specVersion or spdxVersion that is
	// not a JSON string (the schemas want one), or -1.
	versionNotString int
}

// scanJSONTop walks the top-level keys of a JSON object without decoding the
// values, stopping as soon as it knows the format: at spdxVersion, or after
// bomFormat once specVersion is seen or a non-scalar value follows. ok is false
// when the bytes it read are not JSON; the caller then runs the real decoder
// for a positioned error.
func scanJSONTop(data []byte, i int) (top jsonTop, ok bool) {
	top.kind = data[i]
	top.versionNotString = -1
	if top.kind != '{' {
		return top, true
	}
	i++
	for {
		i = skipWS(data, i)
		if i >= len(data) {
			return top, false
		}
		if data[i] == '}' {
			return top, true
		}
		key, next, ok := scanString(data, i)
		if !ok {
			return top, false
		}
		i = skipWS(data, next)
		if i >= len(data) || data[i] != ':' {
			return top, false
		}
		i = skipWS(data, i+1)
		if i >= len(data) {
			return top, false
		}
		if len(top.keys) < 8 {
			top.keys = append(top.keys, key)
		} else {
			top.moreKeys = true
		}
		var val string
		isString := data[i] == '"'
		if isString {
			val, next, ok = scanString(data, i)
		} else {
			next, ok = skipValue(data, i)
			if ok && (key == "specVersion" || key == "spdxVersion") && data[i] != '{' && data[i] != '[' {
				val = string(data[i:next]) // a number such as 1.6
				isString = true
				top.versionNotString = i
			}
		}
		if !ok {
			return top, false
		}
		if isString {
			switch key {
			case "bomFormat":
				top.bomFormat, top.hasBOMFormat = val, true
			case "specVersion":
				top.specVersion, top.hasSpecVersion = val, true
			case "spdxVersion":
				top.spdxVersion, top.hasSPDXVersion = val, true
				return top, true
			case "@context":
				top.context = val
			}
		} else if key == "@context" {
			// SPDX 3.0 JSON-LD writes its context as an array of URLs: keep the
			// raw text, which names them.
			top.context = string(data[i:min(next, i+1024)])
		}
		if top.hasBOMFormat && (top.hasSpecVersion || data[i] == '{' || data[i] == '[') {
			return top, true
		}
		i = skipWS(data, next)
		if i >= len(data) {
			return top, false
		}
		switch data[i] {
		case ',':
			i++
		case '}':
			return top, true
		default:
			return top, false
		}
	}
}

func skipWS(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

// scanString reads the JSON string starting at data[i] == '"' and returns its
// value and the offset after the closing quote.
func scanString(data []byte, i int) (string, int, bool) {
	if i >= len(data) || data[i] != '"' {
		return "", i, false
	}
	escaped := false
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return string(data[i+1 : j]), j + 1, true
			}
			var s string
			if jsonv1.Unmarshal(data[i:j+1], &s) != nil {
				return "", j + 1, false
			}
			return s, j + 1, true
		}
	}
	return "", len(data), false
}

// skipValue returns the offset after the JSON value starting at data[i]. It
// checks only bracket balance; the real decoder validates the rest.
func skipValue(data []byte, i int) (int, bool) {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			case '"':
				next, ok := skipString(data, j)
				if !ok {
					return next, false
				}
				j = next - 1
			}
		}
		return len(data), false
	}
	j := i
	for j < len(data) && !isSpace(data[j]) && data[j] != ',' && data[j] != '}' && data[j] != ']' {
		j++
	}
	return j, j > i
}

// skipString returns the offset after the JSON string starting at data[i].
func skipString(data []byte, i int) (int, bool) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return len(data), false
}

// parseXML reads the root element and dispatches on its name and namespace.
func parseXML(data []byte) (*Document, error) {
	data, err := toUTF8(data)
	if err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = identityCharset
	start, err := xmlRoot(dec)
	if err != nil {
		if err == io.EOF {
			return nil, &Error{Kind: Malformed, Msg: "XML without a root element"}
		}
		return nil, xmlError(dec, data, err)
	}
	switch {
	case isCycloneDXRoot(start):
		v := strings.TrimPrefix(start.Name.Space, cdxNS)
		if err := checkCycloneDXVersion(v); err != nil {
			return nil, err
		}
		return parseCycloneDXXML(dec, data, start, v)
	case isSPDXRDF(start, data):
		return nil, &Error{Kind: UnsupportedEncoding, Msg: "SPDX RDF/XML is not supported; provide the SBOM as SPDX JSON or CycloneDX JSON/XML"}
	case start.Name.Local == "bom":
		return nil, &Error{Kind: NotSBOM, Msg: fmt.Sprintf("XML <bom> in namespace %q; CycloneDX uses %s1.x", start.Name.Space, cdxNS)}
	case start.Name.Local == "Document" && isSPDXXML(dec):
		return nil, &Error{Kind: UnsupportedEncoding, Msg: "SPDX XML is not supported; provide the SBOM as SPDX JSON or tag-value, or CycloneDX JSON/XML"}
	}
	name := start.Name.Local
	if start.Name.Space != "" {
		name += " xmlns=" + start.Name.Space
	}
	return nil, &Error{Kind: NotSBOM, Msg: fmt.Sprintf("XML with root element <%s>, not a CycloneDX <bom>", name)}
}

// isCycloneDXRoot reports whether the root element is a CycloneDX <bom>.
func isCycloneDXRoot(start xml.StartElement) bool {
	return start.Name.Local == "bom" && strings.HasPrefix(start.Name.Space, cdxNS)
}

// isSPDXRDF reports whether the root element starts SPDX's RDF/XML.
func isSPDXRDF(start xml.StartElement, data []byte) bool {
	return start.Name.Local == "RDF" && bytes.Contains(data, []byte("spdx.org/rdf/terms"))
}

// cdxNS is the prefix of CycloneDX's XML namespaces; the spec version follows.
const cdxNS = "http://cyclonedx.org/schema/bom/"

// xmlRoot reads up to the document's root element.
func xmlRoot(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if start, ok := tok.(xml.StartElement); ok {
			return start, nil
		}
	}
}

// isSPDXXML reports whether the <Document> just opened is SPDX's XML
// serialisation: one of its first child elements is <spdxVersion> or
// <SPDXID>. It reads at most a few elements.
func isSPDXXML(dec *xml.Decoder) bool {
	for range 16 {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if el, ok := tok.(xml.StartElement); ok {
			if el.Name.Local == "spdxVersion" || el.Name.Local == "SPDXID" {
				return true
			}
			if err := dec.Skip(); err != nil {
				return false
			}
		}
	}
	return false
}

// xmlError converts a decoder error into a Malformed *Error positioned at the
// last byte the decoder read.
func xmlError(dec *xml.Decoder, data []byte, err error) *Error {
	return syntaxError(data, int(dec.InputOffset()), "XML: "+err.Error(), err)
}

// charsetReader lets encoding/xml read documents declared as Latin-1 or
// ASCII, converting them to UTF-8 as it reads (the sniffer reads a document's
// first bytes this way).
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	if !latin1(charset) {
		return nil, fmt.Errorf("unsupported XML encoding %q (use UTF-8)", charset)
	}
	return charmap.ISO8859_1.NewDecoder().Reader(input), nil
}

// latin1 reports whether an XML encoding name is one the gate reads as
// ISO 8859-1 (US-ASCII is its subset).
func latin1(charset string) bool {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii":
		return true
	}
	return false
}

// identityCharset reads a document toUTF8 has already converted: its
// declaration still names the original encoding.
func identityCharset(charset string, input io.Reader) (io.Reader, error) {
	if !latin1(charset) {
		return nil, fmt.Errorf("unsupported XML encoding %q (use UTF-8)", charset)
	}
	return input, nil
}

// xmlDeclEncoding matches the encoding of an XML declaration.
var xmlDeclEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// toUTF8 converts a document declared as Latin-1 or ASCII to UTF-8, once
// (at most twice its size), so that the decoders' byte offsets are those of
// the text they decode; a UTF-8 document is returned as is, an encoding the
// gate does not read is an error.
func toUTF8(data []byte) ([]byte, error) {
	head := data[:min(len(data), 256)]
	m := xmlDeclEncoding.FindSubmatch(head)
	if m == nil || strings.EqualFold(string(m[1]), "utf-8") || strings.EqualFold(string(m[1]), "utf8") {
		return data, nil
	}
	if !latin1(string(m[1])) {
		return nil, &Error{Kind: Malformed, Line: 1, Msg: fmt.Sprintf("XML: unsupported XML encoding %q (use UTF-8)", m[1])}
	}
	out, err := charmap.ISO8859_1.NewDecoder().Bytes(data)
	if err != nil {
		return nil, &Error{Kind: Malformed, Msg: "XML: " + err.Error()}
	}
	return out, nil
}
