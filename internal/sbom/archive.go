package sbom

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Limits of an SBOM archive (Yocto's IMAGE.spdx.tar.zst): what it may hold
// once inflated, whatever its compressed size.
const (
	// MaxArchiveBytes bounds the bytes of all its members.
	MaxArchiveBytes = 256 << 20
	// MaxArchiveMembers bounds its members (Yocto writes one document per
	// recipe, package and runtime: 155 for core-image-minimal).
	MaxArchiveMembers = 20_000
)

// IsArchive reports data compressed with zstd or gzip, or a tar archive: an
// image's SBOM documents as an embedded build system deploys them.
func IsArchive(data []byte) bool {
	return zstdMagic(data) || bytes.HasPrefix(data, []byte{0x1f, 0x8b}) || isTar(data)
}

// zstdMagic reports a zstd frame, or a skippable frame before one (the
// pzstd/zstdmt writers put one first).
func zstdMagic(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		return true
	}
	return len(data) >= 4 && data[0]&0xf0 == 0x50 && data[1] == 0x2a && data[2] == 0x4d && data[3] == 0x18
}

func isTar(data []byte) bool { return len(data) >= 263 && string(data[257:262]) == "ustar" }

// ParseArchive reads an SBOM archive of SPDX 2 JSON documents, as Yocto
// deploys an image's SBOM (IMAGE.spdx.tar.zst: the image document, one
// document per package, recipe and runtime, and index.json), into one
// inventory of the image: the packages the image document CONTAINS, read
// from the package documents its external document references name,
// de-duplicated, each completed with the CPE of the recipe it was built from
// when it has none itself. Members are inflated within MaxArchiveBytes and
// MaxArchiveMembers; take, when not nil, is given each member's bytes
// before it is decoded and may refuse it (the run's budget).
func ParseArchive(data []byte, take func([]byte) error) (*Document, error) {
	members, err := archiveMembers(data)
	if err != nil {
		return nil, err
	}
	docs := map[string]*archiveDoc{} // by documentNamespace
	var names []string
	for _, m := range members {
		if !strings.HasSuffix(m.name, ".spdx.json") {
			continue
		}
		if take != nil {
			if err := take(m.data); err != nil {
				return nil, err
			}
		}
		d, err := Parse(m.data)
		if err != nil {
			return nil, &Error{Kind: Malformed, Msg: fmt.Sprintf("archive member %s: %v", m.name, err), Err: err}
		}
		if d.Format != SPDX || d.SPDX3() {
			continue
		}
		ad := &archiveDoc{name: m.name, doc: d}
		docs[d.Metadata.Namespace] = ad
		names = append(names, m.name)
	}
	if len(docs) == 0 {
		return nil, &Error{Kind: NotSBOM, Msg: "an archive without SPDX JSON documents (*.spdx.json)"}
	}
	image := imageDocument(docs)
	if image == nil {
		return nil, &Error{Kind: Malformed, Msg: fmt.Sprintf("an archive of %d SPDX documents, none of which CONTAINS packages of "+
			"the others: no image document to start from", len(docs))}
	}
	out := &Document{Format: SPDX, Encoding: JSON, SpecVersion: image.doc.SpecVersion, Metadata: image.doc.Metadata,
		Dependencies: map[string][]string{}, Primary: image.doc.Primary, Described: image.doc.Described}
	out.Components = append(out.Components, image.doc.Components...)
	seen := map[string]bool{}
	for _, c := range out.Components {
		seen[c.Ref] = true
	}
	// Yocto's image document writes no DESCRIBES: its one package, the image
	// whose CONTAINS name the others, is what the SBOM is about.
	if out.Primary == nil && len(image.doc.Components) == 1 {
		p := image.doc.Components[0]
		out.Primary, out.Described = &p, []string{p.Ref}
	}
	primary := ""
	if out.Primary != nil {
		primary = out.Primary.Ref
	}
	for _, target := range image.contained {
		docRef, elem, _ := strings.Cut(target, ":")
		src := docs[image.doc.externalDocs[docRef]]
		if src == nil {
			out.Warnings = append(out.Warnings, fmt.Sprintf("the image CONTAINS %s, whose document is not in the archive", target))
			continue
		}
		c, ok := src.find(elem)
		if !ok {
			out.Warnings = append(out.Warnings, fmt.Sprintf("the image CONTAINS %s, which %s does not hold", target, src.name))
			continue
		}
		key := c.Name + "@" + c.Version
		if seen[key] {
			continue
		}
		seen[key] = true
		if c.CPE == "" && c.Purl == "" {
			c.CPE = recipeCPE(src, docs)
		}
		c.Ref = target
		out.Components = append(out.Components, c)
		if primary != "" {
			out.Dependencies[primary] = append(out.Dependencies[primary], target)
		}
	}
	sort.Strings(names)
	return out, nil
}

// archiveDoc is one SPDX document of an archive.
type archiveDoc struct {
	name      string
	doc       *Document
	contained []string // DocumentRef-x:SPDXRef-y targets of its CONTAINS
}

func (a *archiveDoc) find(ref string) (Component, bool) {
	for _, c := range a.doc.Components {
		if c.Ref == ref {
			return c, true
		}
	}
	return Component{}, false
}

// imageDocument is the document whose CONTAINS relationships name the most
// packages of other documents.
func imageDocument(docs map[string]*archiveDoc) *archiveDoc {
	var best *archiveDoc
	for _, ad := range docs {
		ad.contained = ad.doc.externalContains
		if len(ad.contained) > 0 && (best == nil || len(ad.contained) > len(best.contained) ||
			len(ad.contained) == len(best.contained) && ad.name < best.name) {
			best = ad
		}
	}
	return best
}

// recipeCPE is the CPE of the recipe a package document was built from: its
// external document reference named DocumentRef-recipe-*, whose described
// package carries it.
func recipeCPE(pkg *archiveDoc, docs map[string]*archiveDoc) string {
	for id, ns := range pkg.doc.externalDocs {
		if !strings.HasPrefix(id, "DocumentRef-recipe-") {
			continue
		}
		recipe := docs[ns]
		if recipe == nil {
			continue
		}
		name := strings.TrimPrefix(id, "DocumentRef-recipe-")
		var first string
		for _, c := range recipe.doc.Components {
			if c.CPE == "" {
				continue
			}
			if c.Name == name {
				return c.CPE
			}
			if first == "" {
				first = c.CPE
			}
		}
		if first != "" {
			return first
		}
	}
	return ""
}

type archiveMember struct {
	name string
	data []byte
}

// archiveMembers inflates data and reads its tar members, within the limits.
func archiveMembers(data []byte) ([]archiveMember, error) {
	var r io.Reader = bytes.NewReader(data)
	switch {
	case zstdMagic(data):
		dec, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(MaxArchiveBytes+1<<20))
		if err != nil {
			return nil, &Error{Kind: Malformed, Msg: "zstd: " + err.Error(), Err: err}
		}
		defer dec.Close()
		r = dec
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, &Error{Kind: Malformed, Msg: "gzip: " + err.Error(), Err: err}
		}
		defer gz.Close()
		r = gz
	}
	limited := &io.LimitedReader{R: r, N: MaxArchiveBytes + 1<<20} // tar headers and padding included
	tr := tar.NewReader(limited)
	var out []archiveMember
	total := int64(0)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if limited.N <= 0 {
				return nil, archiveTooLarge()
			}
			return nil, &Error{Kind: Malformed, Msg: "not a readable SBOM archive (tar): " + err.Error(), Err: err}
		}
		if h.Typeflag != tar.TypeReg {
			continue // links, folders: nothing to read
		}
		if len(out) == MaxArchiveMembers {
			return nil, &Error{Kind: Malformed, Msg: fmt.Sprintf("the archive holds more than %d files, the most the gate reads", MaxArchiveMembers)}
		}
		if total+h.Size > MaxArchiveBytes {
			return nil, archiveTooLarge()
		}
		b, err := io.ReadAll(io.LimitReader(tr, h.Size))
		if err != nil {
			return nil, &Error{Kind: Malformed, Msg: "archive member " + h.Name + ": " + err.Error(), Err: err}
		}
		total += int64(len(b))
		out = append(out, archiveMember{name: path.Base(h.Name), data: b})
	}
	return out, nil
}

func archiveTooLarge() error {
	return &Error{Kind: Malformed, Msg: fmt.Sprintf("the archive inflates to more than %d MiB, the most the gate reads of one", MaxArchiveBytes>>20)}
}
