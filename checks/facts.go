package checks

import (
	"strings"

	"github.com/cra-gate/cra-gate/internal/cvd"
	"github.com/cra-gate/cra-gate/internal/manifest"
	"github.com/cra-gate/cra-gate/internal/sbom"
	"github.com/cra-gate/cra-gate/internal/securitytxt"
)

// facts are the repository files that more than one check reads, gathered
// once before any check runs (the raw data; each check evaluates it). No check
// depends on another having run, and nothing here reports: a file that cannot
// be read is recorded with why, and the check it belongs to reports it.
type facts struct {
	// productSBOMs and rdpsSBOMs are the SBOM values of product.sbom and of
	// each [[rdps]].sbom, in the order written; sboms lists each readable or
	// missing file once, in the order first named.
	productSBOMs []sbomDecl
	rdpsSBOMs    [][]sbomDecl
	sboms        []*sbomFile
	// policy is disclosure.policy, securityTxt disclosure.security_txt.
	policy      textFile
	securityTxt textFile
	// policyText is what the policy says (zero unless it was read).
	policyText cvd.Policy
	// securityTxtFile and securityTxtProblems are the parsed security.txt.
	securityTxtFile     *securitytxt.File
	securityTxtProblems []securitytxt.Problem
}

// sbomDecl is one SBOM value of cra.toml.
type sbomDecl struct {
	value string
	key   []any     // the cra.toml key naming it
	ref   ref       // its resolution
	file  *sbomFile // nil when the path was refused
	first bool      // the first value naming file: problems are reported here
}

// sbomFile is one SBOM file, read once whatever number of values name it.
type sbomFile struct {
	path    string
	missing bool
	doc     *sbom.Document // nil when missing or unreadable
	err     error          // why it could not be read or parsed
}

// textFile is a document cra.toml names that the gate reads as text.
type textFile struct {
	ref  ref
	read bool   // read from the repository
	text string // its content, when read
	err  error  // why it could not be read, when it is a repository file
}

// gather reads what the checks share: the SBOMs, the disclosure policy and
// security.txt. The vulnerability sources start reading first, so that they
// load beside the SBOMs' decoding.
func (c *run) gather() {
	c.startSources()
	f := &c.facts
	m := c.m
	byPath := map[string]*sbomFile{}
	decl := func(value string, key ...any) sbomDecl {
		d := sbomDecl{value: value, key: key, ref: c.resolve(value, false)}
		if d.ref.refused() {
			return d
		}
		id := d.ref.real // a file reached by several names is read once
		if d.ref.missing() {
			id = d.ref.path
		}
		if d.file = byPath[id]; d.file != nil {
			return d
		}
		d.file, d.first = &sbomFile{path: d.ref.path, missing: d.ref.missing()}, true
		byPath[id] = d.file
		f.sboms = append(f.sboms, d.file)
		if !d.file.missing {
			d.file.doc, d.file.err = c.readSBOM(d.ref.path)
		}
		return d
	}
	for _, v := range nonEmpty(m.Product.SBOM) {
		f.productSBOMs = append(f.productSBOMs, decl(v, "product", "sbom"))
	}
	f.rdpsSBOMs = make([][]sbomDecl, len(m.RDPS))
	for i, r := range m.RDPS {
		for _, v := range nonEmpty(manifest.SBOMPaths(r.SBOM)) {
			f.rdpsSBOMs[i] = append(f.rdpsSBOMs[i], decl(v, "rdps", i, "sbom"))
		}
	}
	f.policy = c.readTextFile(m.Disclosure.Policy, maxPolicy)
	if f.policy.read {
		f.policyText = cvd.AnalyzePolicy(f.policy.text)
	}
	f.securityTxt = c.readTextFile(m.Disclosure.SecurityTxt, maxSecurityTxt)
	if f.securityTxt.read {
		f.securityTxtFile, f.securityTxtProblems = securitytxt.Parse([]byte(f.securityTxt.text))
	}
}

// readTextFile resolves a path-or-URL value and reads it when it is a
// repository file.
func (c *run) readTextFile(value string, limit int64) textFile {
	if strings.TrimSpace(value) == "" {
		return textFile{}
	}
	t := textFile{ref: c.resolve(value, true)}
	if t.ref.url || t.ref.err != nil {
		return t
	}
	t.text, t.err = c.readText(t.ref.path, limit)
	t.read = t.err == nil
	return t
}

// readSBOMs are the SBOMs that were read, each once.
func (f *facts) readSBOMs() []*sbomFile {
	var out []*sbomFile
	for _, s := range f.sboms {
		if s.doc != nil {
			out = append(out, s)
		}
	}
	return out
}

// emailOffered reports whether the policy or security.txt offers an email
// address for vulnerability reports.
func (f *facts) emailOffered() bool {
	for _, ch := range f.policyText.Channels {
		if ch.Kind == cvd.KindEmail {
			return true
		}
	}
	if f.securityTxtFile != nil {
		for _, ct := range f.securityTxtFile.Contacts {
			if strings.HasPrefix(strings.ToLower(ct.Value), "mailto:") {
				return true
			}
		}
	}
	return false
}
