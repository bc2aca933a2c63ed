package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	govex "github.com/openvex/go-vex/pkg/vex"
)

const vexUsage = `Usage: cra-gate vex --vuln ID --component PURL --status STATUS [flags]
       cra-gate vex --finding PURL#ID --status STATUS [flags]

Writes an OpenVEX 0.2.0 statement answering one known vulnerability of one
component: printed as a new document, or appended to --append FILE (created
when missing). List the file in cra.toml's [vulnerabilities] vex.

Flags:
`

// maxVEXAppend bounds the document --append reads and rewrites (the gate
// reads VEX documents of up to 16 MiB).
const maxVEXAppend = 16 << 20

// runVEX writes one OpenVEX statement.
func runVEX(args []string, std IO) int {
	fs := flag.NewFlagSet("vex", flag.ContinueOnError)
	fs.SetOutput(std.Stderr)
	fs.Usage = func() { fmt.Fprint(std.Stderr, vexUsage); fs.PrintDefaults() }
	find := fs.String("finding", "", "the finding's item, component purl#advisory id (the JSON report's item)")
	vuln := fs.String("vuln", "", "the advisory id (GO-2024-2687, CVE-2023-45288, GHSA-...)")
	component := fs.String("component", "", "the component's purl as the SBOM gives it")
	product := fs.String("product", "", "the product's purl or id; the component becomes its subcomponent (default: the statement is about the component)")
	status := fs.String("status", "", "not_affected, affected, fixed or under_investigation")
	justification := fs.String("justification", "", "for not_affected: "+strings.Join(govex.Justifications(), ", "))
	impact := fs.String("impact", "", "for not_affected: why, in words, for the technical documentation")
	action := fs.String("action", "", "for affected: what the manufacturer does about it")
	author := fs.String("author", "", "who makes the statement (a PSIRT's name and address); required for a new document")
	appendTo := fs.String("append", "", "the OpenVEX document to append the statement to (created when missing)")
	if _, err := parseInterspersed(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitPass
		}
		return ExitError
	}
	if *find != "" {
		i := strings.LastIndexByte(*find, '#')
		if i <= 0 || i == len(*find)-1 || *vuln != "" || *component != "" {
			fmt.Fprintln(std.Stderr, "cra-gate vex: --finding is a finding's item, PURL#ID (as the JSON report gives it), instead of --vuln and --component")
			return ExitError
		}
		*component, *vuln = (*find)[:i], (*find)[i+1:]
	}
	stmt := govex.Statement{
		Vulnerability:   govex.Vulnerability{Name: govex.VulnerabilityID(strings.TrimSpace(*vuln))},
		Status:          govex.Status(strings.TrimSpace(*status)),
		Justification:   govex.Justification(strings.TrimSpace(*justification)),
		ImpactStatement: strings.TrimSpace(*impact),
		ActionStatement: strings.TrimSpace(*action),
	}
	comp := govex.Component{ID: strings.TrimSpace(*component)}
	if p := strings.TrimSpace(*product); p != "" {
		stmt.Products = []govex.Product{{Component: govex.Component{ID: p}, Subcomponents: []govex.Subcomponent{{Component: comp}}}}
	} else {
		stmt.Products = []govex.Product{{Component: comp}}
	}
	if stmt.Vulnerability.Name == "" || comp.ID == "" {
		fmt.Fprintln(std.Stderr, "cra-gate vex: name the vulnerability and the component: --vuln ID --component PURL, or --finding PURL#ID")
		return ExitError
	}
	if err := stmt.Validate(); err != nil {
		fmt.Fprintf(std.Stderr, "cra-gate vex: %v\n", err)
		return ExitError
	}
	now, err := sourceDate(std.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		fmt.Fprintf(std.Stderr, "cra-gate vex: %v\n", err)
		return ExitError
	}
	stmt.Timestamp = now

	doc, existed, err := readVEXToAppend(*appendTo)
	if err != nil {
		fmt.Fprintf(std.Stderr, "cra-gate vex: %v\n", err)
		return ExitError
	}
	if existed {
		doc.Version++
		doc.LastUpdated = now
	} else {
		if strings.TrimSpace(*author) == "" {
			fmt.Fprintln(std.Stderr, "cra-gate vex: a new document needs --author (who makes the statement: a PSIRT's name and address)")
			return ExitError
		}
		doc.Author = strings.TrimSpace(*author)
		doc.Timestamp = now
	}
	doc.Statements = append(doc.Statements, stmt)
	if !existed {
		if _, err := doc.GenerateCanonicalID(); err != nil {
			fmt.Fprintf(std.Stderr, "cra-gate vex: %v\n", err)
			return ExitError
		}
	}
	var out bytes.Buffer
	if err := doc.ToJSON(&out); err != nil {
		fmt.Fprintf(std.Stderr, "cra-gate vex: %v\n", err)
		return ExitError
	}
	if *appendTo == "" {
		_, err = std.Stdout.Write(out.Bytes())
	} else {
		err = writeFileReplacing(*appendTo, out.Bytes())
	}
	if err != nil {
		fmt.Fprintf(std.Stderr, "cra-gate vex: %v\n", err)
		return ExitError
	}
	if *appendTo != "" {
		fmt.Fprintf(std.Stderr, "cra-gate vex: %s now holds %d statement(s) (version %d)\n", *appendTo, len(doc.Statements), doc.Version)
	}
	return ExitPass
}

// sourceDate is the time statements are dated: SOURCE_DATE_EPOCH (Unix
// seconds or RFC 3339, as vexctl reads it) for reproducible documents, else
// now.
func sourceDate(env string) (*time.Time, error) {
	env = strings.TrimSpace(env)
	if env == "" {
		t := time.Now().UTC().Truncate(time.Second)
		return &t, nil
	}
	if secs, err := strconv.ParseInt(env, 10, 64); err == nil {
		t := time.Unix(secs, 0).UTC()
		return &t, nil
	}
	t, err := time.Parse(time.RFC3339, env)
	if err != nil {
		return nil, fmt.Errorf("SOURCE_DATE_EPOCH %q is neither Unix seconds nor an RFC 3339 time", env)
	}
	return &t, nil
}

// readVEXToAppend reads the OpenVEX document at path, or starts a new one
// when path is empty or does not exist.
func readVEXToAppend(path string) (*govex.VEX, bool, error) {
	doc := govex.New()
	doc.Statements = nil
	if path == "" {
		return &doc, false, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &doc, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxVEXAppend+1))
	if err != nil {
		return nil, false, err
	}
	if len(data) > maxVEXAppend {
		return nil, false, fmt.Errorf("%s is over %d MiB: start a new document", path, maxVEXAppend>>20)
	}
	parsed, err := govex.Parse(data)
	if err != nil || !strings.Contains(parsed.Context, "openvex") {
		return nil, false, fmt.Errorf("%s is not an OpenVEX document (%v): --append adds to OpenVEX JSON only", path, orNot(err))
	}
	return parsed, true, nil
}

func orNot(err error) any {
	if err == nil {
		return "no OpenVEX @context"
	}
	return err
}

// writeFileReplacing writes data to path through a temporary file in the
// same folder, so a failed write leaves the old document whole.
func writeFileReplacing(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".cra-gate-vex-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
