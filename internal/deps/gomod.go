package deps

import (
	"errors"
	"fmt"

	"golang.org/x/mod/modfile"
)

// ParseGoMod returns the direct requirements of a go.mod file: require lines
// not marked "// indirect", in file order, with their replace directive if
// any. name is used in errors and Dependency.Manifest. A file the strict
// parser rejects, for example for a directive newer than golang.org/x/mod,
// is read leniently for its requirements, without replacements.
func ParseGoMod(name string, data []byte) ([]Dependency, error) {
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		lax, laxErr := modfile.ParseLax(name, data, nil)
		if laxErr != nil {
			return nil, goModErr(name, err)
		}
		f = lax
	}
	exact := map[string]*modfile.Replace{}  // "path@version"
	byPath := map[string]*modfile.Replace{} // "path", version-less replace
	for _, r := range f.Replace {
		if r.Old.Version == "" {
			byPath[r.Old.Path] = r
		} else {
			exact[r.Old.Path+"@"+r.Old.Version] = r
		}
	}
	seen := map[string]bool{}
	var out []Dependency
	for _, r := range f.Require {
		if r.Indirect || r.Mod.Path == "" || seen[r.Mod.Path] {
			continue
		}
		seen[r.Mod.Path] = true
		d := Dependency{
			Ecosystem: Golang,
			Name:      r.Mod.Path,
			Version:   r.Mod.Version,
			Pinned:    true,
			Manifest:  name,
		}
		if r.Syntax != nil {
			d.Line = r.Syntax.Start.Line
		}
		rep := exact[r.Mod.Path+"@"+r.Mod.Version]
		if rep == nil {
			rep = byPath[r.Mod.Path]
		}
		if rep != nil {
			d.Replace, d.ReplaceVersion = rep.New.Path, rep.New.Version
			if rep.New.Version == "" {
				d.Pinned = false // local directory: the required version is not what ships
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func goModErr(name string, err error) error {
	var list modfile.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		msg := ""
		if e.Err != nil {
			msg = e.Err.Error()
		}
		if e.ModPath != "" {
			msg = fmt.Sprintf("%s %s: %s", e.Verb, e.ModPath, msg)
		} else if e.Verb != "" {
			msg = e.Verb + ": " + msg
		}
		if len(list) > 1 {
			msg += fmt.Sprintf(" (and %d more errors)", len(list)-1)
		}
		col := 0
		if e.Pos.LineRune > 1 {
			col = e.Pos.LineRune
		}
		return &ParseError{File: name, Line: e.Pos.Line, Col: col, Msg: msg, Err: err}
	}
	return &ParseError{File: name, Msg: err.Error(), Err: err}
}
