// Package match decides which OSV records affect an SBOM component: it turns
// the component's purl into an OSV package (ecosystem, name, version) and
// evaluates the record's affected versions and ranges with the ecosystem's own
// version ordering (osv-scalibr's semantic package). It reads nothing and
// reports nothing: inputs in, matches out.
package match

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/semantic"
	"github.com/ossf/osv-schema/bindings/go/osvconstants"
	osvpb "github.com/ossf/osv-schema/bindings/go/osvschema"
	"github.com/package-url/packageurl-go"

	"github.com/cra-gate/cra-gate/internal/vuln/osv"
)

// Package is an SBOM component as OSV names it.
type Package struct {
	Ecosystem string // OSV ecosystem: "npm", "Go", "Maven", "Debian:12", ...
	Name      string // OSV package name: "@babel/core", "org.yaml:snakeyaml", ...
	Version   string
}

// Key is the package's index key in the offline database.
func (p Package) Key() osv.Key { return osv.NewKey(p.Ecosystem, p.Name) }

// ErrNoPurl, ErrUnsupported and ErrNoVersion say why a component cannot be
// matched; FromPurl wraps them with details.
var (
	ErrNoPurl      = errors.New("no purl")
	ErrInvalid     = errors.New("invalid purl")
	ErrUnsupported = errors.New("purl type without an OSV ecosystem")
	ErrNoVersion   = errors.New("no version")
)

// ecosystems maps purl types to OSV ecosystems (for the types where the purl
// alone names the ecosystem).
var ecosystems = map[string]osvconstants.Ecosystem{
	packageurl.TypeNPM:      osvconstants.EcosystemNPM,
	packageurl.TypeGolang:   osvconstants.EcosystemGo,
	packageurl.TypeMaven:    osvconstants.EcosystemMaven,
	packageurl.TypePyPi:     osvconstants.EcosystemPyPI,
	packageurl.TypeGem:      osvconstants.EcosystemRubyGems,
	packageurl.TypeCargo:    osvconstants.EcosystemCratesIO,
	packageurl.TypeNuget:    osvconstants.EcosystemNuGet,
	packageurl.TypeComposer: osvconstants.EcosystemPackagist,
	packageurl.TypeHex:      osvconstants.EcosystemHex,
	packageurl.TypePub:      osvconstants.EcosystemPub,
	packageurl.TypeSwift:    osvconstants.EcosystemSwiftURL,
	packageurl.TypeHackage:  osvconstants.EcosystemHackage,
	packageurl.TypeCran:     osvconstants.EcosystemCRAN,
	packageurl.TypeConan:    osvconstants.EcosystemConanCenter,
	"bitnami":               osvconstants.EcosystemBitnami,
}

var (
	goMajorSuffix = regexp.MustCompile(`^v[0-9]+$`)
	distroVersion = regexp.MustCompile(`([0-9]+)(\.([0-9]+))?`)
)

// FromPurl reads a component's purl as an OSV package. The errors wrap
// ErrNoPurl, ErrInvalid, ErrUnsupported or ErrNoVersion.
//
// Names follow OSV: npm "@scope/name", Maven "group:artifact", Go the module
// path (a package-level purl, qualifier type=package, names a package path and
// so matches no Go advisory, which OSV keys by module), PyPI the PEP 503 name,
// Debian and Alpine the source package (the upstream qualifier when given) in
// "Debian:<major>" / "Alpine:v<major>.<minor>" from the distro qualifier. A
// RubyGems platform suffix ("1.15.5-x86_64-linux") is dropped from the version.
func FromPurl(s string) (Package, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Package{}, ErrNoPurl
	}
	p, err := packageurl.FromString(s)
	if err != nil {
		return Package{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	pkg := Package{Version: p.Version}
	switch p.Type {
	case packageurl.TypeDebian, packageurl.TypeApk:
		pkg.Ecosystem, pkg.Name = distroPackage(p)
		if pkg.Ecosystem == "" {
			return Package{}, fmt.Errorf("%w: %s/%s without a distro qualifier naming a Debian or Alpine release", ErrUnsupported, p.Type, p.Namespace)
		}
	default:
		eco, ok := ecosystems[p.Type]
		if !ok {
			return Package{}, fmt.Errorf("%w: %s", ErrUnsupported, p.Type)
		}
		pkg.Ecosystem = string(eco)
		pkg.Name = p.Name
		if p.Namespace != "" {
			sep := "/"
			if eco == osvconstants.EcosystemMaven {
				sep = ":"
			}
			pkg.Name = p.Namespace + sep + p.Name
		}
		switch eco {
		case osvconstants.EcosystemGo:
			if goMajorSuffix.MatchString(p.Subpath) {
				pkg.Name += "/" + p.Subpath
			}
		case osvconstants.EcosystemRubyGems:
			pkg.Version, _, _ = strings.Cut(pkg.Version, "-")
		}
	}
	if pkg.Version == "" {
		return pkg, fmt.Errorf("%w in the purl", ErrNoVersion)
	}
	return pkg, nil
}

// distroPackage names a Debian or Alpine package the way OSV does: the source
// package in the release's ecosystem.
func distroPackage(p packageurl.PackageURL) (ecosystem, name string) {
	q := p.Qualifiers.Map()
	name = p.Name
	if up := q["upstream"]; up != "" {
		name, _, _ = strings.Cut(up, "@")
	}
	m := distroVersion.FindStringSubmatch(q["distro"])
	switch {
	case m == nil:
		return "", ""
	case p.Type == packageurl.TypeDebian && strings.EqualFold(p.Namespace, "debian"):
		return "Debian:" + m[1], name
	case p.Type == packageurl.TypeApk && strings.EqualFold(p.Namespace, "alpine") && m[3] != "":
		return "Alpine:v" + m[1] + "." + m[3], name
	}
	return "", ""
}

// Hit is one record affecting one package.
type Hit struct {
	Record *osvpb.Vulnerability
	// Fixed is the version that ends the affected range the package's version
	// is in, "" when the record names none (no fix yet, or a last_affected
	// bound).
	Fixed string
	// Imports are the Go packages the affected entry names as vulnerable
	// (ecosystem_specific.imports[].path, golang/vulndb's records): the
	// module is affected only where one of them is linked in. Empty when the
	// record does not narrow it down.
	Imports []string
}

// Affects reports whether rec affects pkg: an affected entry for the same
// ecosystem and name whose versions list holds the version, or one of whose
// ECOSYSTEM or SEMVER ranges contains it. GIT ranges need commits, which an
// SBOM does not give, and are not evaluated. An error means a version that the
// ecosystem's ordering cannot read.
func Affects(rec *osvpb.Vulnerability, pkg Package) (Hit, bool, error) {
	key := pkg.Key()
	var (
		parsed semantic.Version
		perr   error
		tried  bool
	)
	for _, a := range rec.GetAffected() {
		if osv.NewKey(a.GetPackage().GetEcosystem(), a.GetPackage().GetName()) != key {
			continue
		}
		if !tried {
			parsed, perr = semantic.Parse(pkg.Version, pkg.Ecosystem)
			tried = true
		}
		listed := inVersions(a.GetVersions(), pkg.Version)
		if perr != nil {
			if listed {
				return Hit{Record: rec, Imports: goImports(a)}, true, nil
			}
			return Hit{}, false, fmt.Errorf("version %q: %v", pkg.Version, perr)
		}
		fixed, inRange := "", false
		for _, r := range a.GetRanges() {
			if r.GetType() != osvpb.Range_ECOSYSTEM && r.GetType() != osvpb.Range_SEMVER {
				continue
			}
			if f, ok := rangeContains(r, parsed, pkg); ok {
				fixed, inRange = f, true
				break
			}
		}
		if listed || inRange {
			if !inRange {
				fixed = firstFixedAbove(a, parsed, pkg.Ecosystem)
			}
			return Hit{Record: rec, Fixed: fixed, Imports: goImports(a)}, true, nil
		}
	}
	return Hit{}, false, nil
}

// goImports lists the package paths of a Go affected entry's
// ecosystem_specific.imports.
func goImports(a *osvpb.Affected) []string {
	if a.GetPackage().GetEcosystem() != string(osvconstants.EcosystemGo) {
		return nil
	}
	var out []string
	for _, v := range a.GetEcosystemSpecific().GetFields()["imports"].GetListValue().GetValues() {
		if p := v.GetStructValue().GetFields()["path"].GetStringValue(); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// inVersions reports whether the versions list names v, with or without a
// leading "v" (Go lists "1.2.0" for the module version "v1.2.0").
func inVersions(versions []string, v string) bool {
	bare := strings.TrimPrefix(v, "v")
	for _, x := range versions {
		if x == v || strings.TrimPrefix(x, "v") == bare {
			return true
		}
	}
	return false
}

// event is a range event with its version parsed once.
type event struct {
	kind    byte // 'i' introduced, 'f' fixed, 'l' last_affected, 'x' limit
	version string
	parsed  semantic.Version
	zero    bool // introduced "0": before every version
}

// rangeContains walks the range's events in version order, as the OSV schema
// describes: introduced opens an affected interval, fixed (exclusive) and
// last_affected (inclusive) close it. It returns the fixed version closing the
// interval that contains v.
func rangeContains(r *osvpb.Range, v semantic.Version, pkg Package) (string, bool) {
	events := make([]event, 0, len(r.GetEvents()))
	for _, e := range r.GetEvents() {
		ev := event{}
		switch {
		case e.GetIntroduced() != "":
			ev.kind, ev.version, ev.zero = 'i', e.GetIntroduced(), e.GetIntroduced() == "0"
		case e.GetFixed() != "":
			ev.kind, ev.version = 'f', e.GetFixed()
		case e.GetLastAffected() != "":
			ev.kind, ev.version = 'l', e.GetLastAffected()
		case e.GetLimit() != "":
			ev.kind, ev.version = 'x', e.GetLimit()
		default:
			continue
		}
		if !ev.zero {
			p, err := semantic.Parse(ev.version, pkg.Ecosystem)
			if err != nil {
				continue // an unreadable bound is ignored, as osv-scanner does
			}
			ev.parsed = p
		}
		events = append(events, ev)
	}
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if a.zero || b.zero {
			return a.zero && !b.zero
		}
		c, err := a.parsed.Compare(b.parsed)
		return err == nil && c < 0
	})
	affected := false
	for _, e := range events {
		switch {
		case affected && e.kind == 'f':
			if c, err := v.Compare(e.parsed); err == nil && c >= 0 {
				affected = false
			} else {
				return e.version, true
			}
		case affected && e.kind == 'l':
			if c, err := v.Compare(e.parsed); err == nil && c > 0 && e.version != pkg.Version {
				affected = false
			} else {
				return "", true
			}
		case !affected && e.kind == 'i':
			if e.zero {
				affected = true
			} else if c, err := v.Compare(e.parsed); err == nil && c >= 0 {
				affected = true
			}
		}
	}
	return "", affected
}

// firstFixedAbove is the lowest fixed version above v in the entry's ranges,
// for a version matched by the versions list alone.
func firstFixedAbove(a *osvpb.Affected, v semantic.Version, ecosystem string) string {
	best, bestParsed := "", semantic.Version(nil)
	for _, r := range a.GetRanges() {
		for _, e := range r.GetEvents() {
			f := e.GetFixed()
			if f == "" {
				continue
			}
			p, err := semantic.Parse(f, ecosystem)
			if err != nil {
				continue
			}
			if c, err := p.Compare(v); err != nil || c <= 0 {
				continue
			}
			if bestParsed == nil {
				best, bestParsed = f, p
			} else if c, err := p.Compare(bestParsed); err == nil && c < 0 {
				best, bestParsed = f, p
			}
		}
	}
	return best
}
