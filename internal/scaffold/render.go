package scaffold

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cra-gate/cra-gate/internal/manifest"
)

// The TODOs Render writes: each names what to decide. The gate adds how a
// date is written (manifest-todo).
const (
	todoName             = "TODO: the product's name"
	todoManufacturer     = "TODO: the legal name of the manufacturer"
	todoPlaced           = "TODO: the date the first unit is (or was) made available in the EU"
	todoFunctions        = "TODO: what the product does, as short names such as unlock or updates"
	todoEnd              = "TODO: the date security updates end"
	todoCommercial       = "TODO: who makes it, how it is distributed, and that nothing is charged for it or for services around it"
	todoPolicy           = "TODO: the disclosure policy: a repository path such as SECURITY.md, or an https URL"
	todoContact          = "TODO: where to report vulnerabilities: mailto:security@... or an https form"
	todoCSIRT            = "TODO: the two-letter code of the member state of main establishment, such as DE"
	todoReportingContact = "TODO: who files Article 14 notifications: mailto: or https:"
	todoRDPS             = "TODO: name each remote data processing solution, or delete this entry if there is none"
	todoThirdParty       = "TODO: name each third-party service a function needs, or delete this entry if there is none"
	todoExcluded         = "TODO: name each remote service ruled out of scope, or delete this entry if there is none"
)

// schemaDirective is the first line: editors that read it (Taplo, Even
// Better TOML) check the file against the gate's JSON Schema, by URL as the
// examples name it, since the file is for another repository
// (TestSchemaDirective holds it to internal/craschema.ID).
const schemaDirective = "#:schema https://raw.githubusercontent.com/cra-gate/cra-gate/main/schema/cra.schema.json"

// commentColumn is where a comment after a value starts.
const commentColumn = 46

// text builds the cra.toml.
type text struct{ b strings.Builder }

// line writes a line as it is.
func (t *text) line(format string, args ...any) { fmt.Fprintf(&t.b, format+"\n", args...) }

// comment writes each of lines as a comment line, made safe (oneLine).
func (t *text) comment(lines ...string) {
	for _, l := range lines {
		t.b.WriteString(strings.TrimRight("# "+oneLine(l), " ") + "\n")
	}
}

// kv writes key = value with an optional comment after it.
func (t *text) kv(key, value, comment string) {
	t.b.WriteString(aligned(key+" = "+value, comment) + "\n")
}

// item writes an item of a multi-line list with an optional comment.
func (t *text) item(value, comment string) {
	t.b.WriteString(aligned("  "+value+",", comment) + "\n")
}

// aligned appends a comment to l at commentColumn (or a space after l).
func aligned(l, comment string) string { return alignedAt(l, comment, commentColumn) }

// example writes a commented-out key = value line, its comment aligned
// with those of the keys written.
func (t *text) example(l, comment string) {
	t.comment(alignedAt(l, comment, commentColumn-2))
}

func alignedAt(l, comment string, col int) string {
	if comment == "" {
		return l
	}
	return l + strings.Repeat(" ", max(1, col-utf8.RuneCountInString(l)-1)) + "# " + oneLine(comment)
}

// Render writes the commented cra.toml for p: schema 1, the values found,
// a TODO for each value only a person can decide, and the optional keys as
// comments. What it writes loads with no other problem than its TODOs.
func Render(p *Plan) []byte {
	var t text
	t.line(schemaDirective)
	t.comment(
		"cra.toml: this product's facts under the EU Cyber Resilience Act (Regulation (EU) 2024/2847),",
		"checked by `cra-gate check` against the repository. Written by `cra-gate init` from what the",
		"repository holds; each \"TODO: ...\" is a decision only you can take, and the gate fails",
		"(manifest-todo) until every one is replaced. Paths are relative to the repository root.",
		"Every key: https://github.com/cra-gate/cra-gate/blob/main/docs/config.md",
	)
	t.line("schema = 1")
	t.line("")
	renderProduct(&t, p)
	// A steward declares no support period or technical documentation
	// (Article 24); to a non-commercial product the CRA does not apply, and
	// only the disclosure set-up is asked for, as good practice.
	manufacturer := !p.Role.Steward && !p.Role.NonCommercial
	if manufacturer {
		renderSupport(&t)
	}
	renderDisclosure(&t, p)
	if !p.Role.NonCommercial {
		renderScope(&t)
	}
	renderVEX(&t, p)
	if manufacturer {
		renderDocumentation(&t)
	}
	return []byte(t.b.String())
}

func renderProduct(t *text, p *Plan) {
	t.line(aligned("[product]", "the product with digital elements (Article 3(1))"))
	if p.Name.Value != "" {
		t.kv("name", tomlString(p.Name.Value), "from "+p.Name.From)
	} else {
		t.kv("name", tomlString(todoName), "")
	}
	t.comment("Who places the product on the market under its name (Article 3(13)); users see it (Annex II(1)).")
	t.kv("manufacturer", tomlString(todoManufacturer), "")
	if p.Version.Value != "" {
		t.example("version = "+tomlString(p.Version.Value), "optional; from "+p.Version.From)
	}
	switch {
	case p.Role.NonCommercial:
		t.comment("Not made available in the course of a commercial activity (Article 3(22), Recitals 15-19):",
			"the CRA does not apply. Say why; remove both keys once the product is monetised.")
		t.kv("commercial", "false", "cra-gate init --non-commercial")
		t.kv("commercial_rationale", tomlString(todoCommercial), "")
	case p.Role.Steward:
		t.comment("An open-source software steward (Article 3(14)): the obligations of Article 24 apply,",
			"a cybersecurity policy and Article 14 reporting; no conformity route or support period.")
		t.kv("role", tomlString("steward"), "cra-gate init --steward")
	default:
		if p.Role.FOSS {
			t.kv("foss", "true", "free and open-source software (cra-gate init --foss)")
		}
		t.comment("Important (Annex III: class I or II) or critical (Annex IV) product, or neither (default).")
		t.kv("class", tomlString("TODO: "+oneOf("product.class")), "")
		t.comment("The conformity assessment route (Article 32); module-a (internal control) suits a default product.")
		t.kv("conformity", tomlString("TODO: "+oneOf("product.conformity", "eucc")), "")
		t.comment("First unit made available in the EU: the support period starts here (Article 13(8)).")
		t.kv("placed_on_market", tomlString(todoPlaced), "")
	}
	t.comment("What the product does, as short names: the Article 3(2) test weighs each remote service against them.")
	t.kv("functions", "["+tomlString(todoFunctions)+"]", "")
	renderSBOMs(t, p)
	renderSource(t, p)
	t.line("")
}

func renderSBOMs(t *text, p *Plan) {
	t.comment("The product's SBOMs (Annex I Part II(1)): CycloneDX or SPDX, recognised by their content.")
	switch {
	case len(p.SBOMs) > 0:
		t.line("sbom = [")
		for _, s := range p.SBOMs {
			t.item(tomlString(s.Path), fmt.Sprintf("%s, %d components", s.Format, s.Components))
		}
		t.line("]")
		if len(p.SBOMs) > 1 {
			t.comment("Move the SBOM of a remote data processing solution to its [[rdps]] entry's sbom.")
		}
	case len(generators(p)) > 0:
		t.line(aligned("sbom = [", "none found: generate them (see below)"))
		for _, g := range generators(p) {
			t.item(tomlString(g.out), "")
		}
		t.line("]")
		if len(generators(p)) > 1 {
			t.comment("One SBOM per binary: move the SBOM of a server that is a remote data processing solution",
				"(a discovery or relay server you run for the product) to its [[rdps]] entry's sbom.")
		}
		t.comment("cra-gate init found no SBOM; at the repository root, generate it with:")
		for _, g := range generators(p) {
			t.comment("  " + g.cmd)
		}
	default:
		t.kv("sbom", "[]", "none found: generate one and list it here")
	}
	if len(p.Refused) > 0 {
		t.comment("These look like SBOMs but the gate cannot read them (regenerate them, then list them):")
		for i, r := range p.Refused {
			if i == maxListed {
				t.comment(fmt.Sprintf("  and %d more", len(p.Refused)-maxListed))
				break
			}
			t.comment("  " + tomlString(r.Path) + ": " + clip(r.Reason, 160))
		}
	}
	if p.Unexamined > 0 {
		t.comment(fmt.Sprintf("%d more files that look like SBOMs were not read (init reads %d at most).", p.Unexamined, MaxSBOMCandidates))
	}
}

func renderSource(t *text, p *Plan) {
	switch {
	case p.Source != "" && p.Source != ".":
		t.comment("The folder whose dependency manifests the SBOMs must cover (sbom-drift-*).")
		t.kv("source", tomlString(p.Source), "holds "+strings.Join(dirFiles(p, p.Source), ", "))
	case p.Source == ".":
		t.example(`source = "."`, "the default: the root's "+strings.Join(dirFiles(p, "."), ", ")+" must match the SBOMs")
	case len(p.ManifestDirs) > 1:
		t.comment("source: the folder whose dependency manifests the product's SBOMs cover. They are in:")
		for i, d := range p.ManifestDirs {
			if i == maxListed {
				t.comment(fmt.Sprintf("  and %d more folders", len(p.ManifestDirs)-maxListed))
				break
			}
			t.comment("  " + tomlString(d.Dir) + " (" + strings.Join(d.Files, ", ") + ")")
		}
		t.comment(`Name the product's (source = "firmware"); give an [[rdps]] built from another folder its own source.`)
	}
}

func dirFiles(p *Plan, dir string) []string {
	for _, d := range p.ManifestDirs {
		if d.Dir == dir {
			return d.Files
		}
	}
	return nil
}

func renderSupport(t *text) {
	t.line(aligned("[support]", "the support period (Article 13(8), 13(19), Annex II(7))"))
	t.comment("The end of security updates: at least five years after placed_on_market, or as long as the",
		"product is expected to be in use if that is shorter (then expected_use_years and rationale).")
	t.kv("end", tomlString(todoEnd), "")
	t.example(`expected_use_years = 3`, "with rationale, when the period is under five years")
	t.example(`rationale = "..."`, "")
	t.comment("Where users read the end date (Article 13(19)): a repository path or an https URL.")
	t.example(`published = "docs/support.md"`, "")
	t.line("")
}

func renderDisclosure(t *text, p *Plan) {
	t.line(aligned("[disclosure]", "coordinated vulnerability disclosure (Annex I Part II(5)-(6))"))
	if p.Policy.Value != "" {
		t.kv("policy", tomlString(p.Policy.Value), "found in the repository")
	} else {
		t.comment("The policy: how to report a vulnerability privately and what happens next. None was found",
			"in the product's folder, .github/ or docs/: write a SECURITY.md, or link the policy's page.")
		t.kv("policy", tomlString(todoPolicy), "")
	}
	t.comment("Where to report vulnerabilities (Annex II(2), Article 13(17)): mailto: or https:.")
	if p.Contact.Value != "" {
		t.kv("contact", tomlString(p.Contact.Value), "from "+p.Contact.From)
	} else {
		t.kv("contact", tomlString(todoContact), "")
	}
	if p.SecurityTxt != "" {
		t.kv("security_txt", tomlString(p.SecurityTxt), "RFC 9116")
	} else {
		t.example(`security_txt = ".well-known/security.txt"`, "optional: RFC 9116")
	}
	t.example(`acknowledge_days = 5`, "optional: the first response you promise, in days")
	t.line("")
	t.line(aligned("[reporting]", "Article 14, from 11 September 2026"))
	t.comment("Actively exploited vulnerabilities and severe incidents: early warning within 24 hours to the",
		"CSIRT of the member state of main establishment, through ENISA's single reporting platform.")
	t.kv("csirt", tomlString(todoCSIRT), "")
	t.kv("contact", tomlString(todoReportingContact), "")
	t.line("")
}

func renderScope(t *text) {
	t.comment(
		"Remote services (Article 3(2)): each one the product relies on is one decision, in one section.",
		"[[rdps]]: remote processing you design and develop, or commission, without which a function",
		"cannot work (your cloud API, your update server). [[third_party]]: someone else's service a",
		"function needs. [[excluded]]: ruled out of scope (analytics, a network, a segregated back-end).",
		"Complete an entry per service, or delete the entry when there is none.",
	)
	t.line("[[rdps]]")
	t.kv("name", tomlString(todoRDPS), "")
	t.example(`developed_by = "manufacturer"`, choices("rdps.developed_by", "third-party"))
	t.example(`hosting = "iaas"`, choices("rdps.hosting"))
	t.example(`functions = ["remote-unlock"]`, "the product functions that need it")
	t.example(`rationale = "..."`, "why it is RDPS: the Article 3(2) test, in a sentence")
	t.example(`sbom = ["sbom/cloud-api.cdx.json"]`, "its SBOM, unless a product SBOM lists it by name")
	t.example(`source = "cloud-api"`, "the folder its SBOM covers")
	t.line("")
	t.line("[[third_party]]")
	t.kv("name", tomlString(todoThirdParty), "")
	t.example(`kind = "saas"`, choices("third_party.kind", "connectivity"))
	t.example(`developed_by = "third-party"`, "")
	t.example(`functions = ["onboarding"]`, "")
	t.example(`rationale = "..."`, "why it is not RDPS")
	dd := choices("third_party.due_diligence")
	cut := strings.LastIndex(dd[:min(len(dd), 60)], " | ")
	t.example(`due_diligence = ["iso27001"]`, dd[:cut+2])
	t.example(``, dd[cut+3:]+" (Article 13(5) by analogy)")
	t.example(`evidence = ["docs/vendors/sms.md"]`, "repository paths or https URLs")
	t.line("")
	t.line("[[excluded]]")
	t.kv("name", tomlString(todoExcluded), "")
	t.example(`reason = "analytics"`, choices("excluded.reason"))
	t.example(`rationale = "..."`, "why no product function needs it")
	t.line("")
}

func renderVEX(t *text, p *Plan) {
	if len(p.VEX) == 0 {
		return
	}
	t.line(aligned("[vulnerabilities]", "answers to known vulnerabilities (Annex I Part II(2)-(4))"))
	t.line("vex = [")
	for _, v := range p.VEX {
		t.item(tomlString(v.Path), "CycloneDX VEX, found by content")
	}
	t.line("]")
	t.line("")
}

func renderDocumentation(t *text) {
	t.comment(
		"The technical documentation (Annex VII) and the user information (Annex II): each item a",
		`repository path, an https URL or "n/a: reason". Missing items are warnings until`,
		"11 December 2027 and errors from then (Article 71(2)).",
		"[documentation]",
	)
	t.example(`description = "docs/tech/description.md"`, "Annex VII(1)")
	t.example(`design = "docs/tech/architecture.md"`, "Annex VII(2)(a), the RDPS included")
	t.example(`vulnerability_handling = "SECURITY.md"`, "Annex VII(2)(b)")
	t.example(`risk_assessment = "docs/tech/risk.md"`, "Annex VII(3)")
	t.example(`support_period_basis = "docs/support.md"`, "Annex VII(4)")
	t.example(`standards = "n/a: ..."`, "Annex VII(5)")
	t.example(`test_reports = "docs/tech/tests/"`, "Annex VII(6)")
	t.example(`declaration_of_conformity = "https://..."`, "Annex VII(7)")
	t.example(`user_information = "docs/user/security.md"`, "Annex II")
}

// sbomDir is the folder a generated SBOM goes to: sbom/ in the product's folder.
func (p *Plan) sbomDir() string { return path.Join(p.Dir, "sbom") }

// slug makes a file name from the product's name.
func slug(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteRune(c)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-.")
	if s == "" || len(s) > 64 {
		return "product"
	}
	return s
}

// tomlString quotes s as a TOML basic string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced, and the "[" of "##["
// escaped so that no line of the file can issue a workflow command.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case c == '"':
			b.WriteString(`\"`)
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, c)
		case c == '[' && strings.HasSuffix(b.String(), "##"):
			b.WriteString(`\u005B`) // the same text, and no "##[" workflow command on the line
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// clip shortens s to at most n bytes at a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// choices lists the values a key accepts (manifest.KeyDocs), but those
// left out, as "a | b | c": the registry that the gate checks them against.
func choices(path string, leaveOut ...string) string {
	return strings.Join(accepted(path, leaveOut), " | ")
}

// oneOf is choices as a sentence: "a, b or c".
func oneOf(path string, leaveOut ...string) string {
	vs := accepted(path, leaveOut)
	if len(vs) < 2 {
		return strings.Join(vs, "")
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
}

func accepted(path string, leaveOut []string) []string {
	var out []string
	for _, v := range manifest.KeyDocs[path].Values {
		if !slices.Contains(leaveOut, v) {
			out = append(out, v)
		}
	}
	return out
}
