package deps

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const requirementsFixture = "\ufeff" + `# Production requirements, compiled by pip-compile.
-r base.txt
-c constraints.txt
--index-url https://pypi.org/simple
--extra-index-url https://pypi.internal.example/simple
-e git+https://github.com/acme/tooling.git#egg=acme-tooling

Django==4.2.9
requests[security,socks] >= 2.31, < 3   # HTTP
zope.interface===6.1
numpy==1.24.4; python_version < "3.9"
numpy==1.26.3 ; python_version >= "3.9"
pywin32==306 ; sys_platform == "win32"
cryptography==41.0.7 \
    --hash=sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef \
    --hash=sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
    # via requests
typing_extensions
celery[redis] (>=5.3,<6)
Flask-Login~=0.6.3
urllib3==2.1.*
pip @ https://github.com/pypa/pip/archive/22.0.2.zip
my_lib @ file:///opt/wheels/my_lib-1.0-py3-none-any.whl ; os_name == "posix"
https://files.example.com/pkgs/other-2.0.tar.gz#egg=other-pkg
./vendor/localpkg
attrs==23.2.0 \
  # trailing comment ends the continuation
six==1.16.0`

func TestParseRequirements(t *testing.T) {
	got, err := ParseRequirements("requirements.txt", []byte(strings.ReplaceAll(requirementsFixture, "\n", "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	m := "requirements.txt"
	want := []Dependency{
		{Ecosystem: PyPI, Name: "Django", Version: "4.2.9", Pinned: true, Manifest: m, Line: 8},
		{Ecosystem: PyPI, Name: "requests", Version: ">=2.31,<3", Manifest: m, Line: 9},
		{Ecosystem: PyPI, Name: "zope.interface", Version: "6.1", Pinned: true, Manifest: m, Line: 10},
		{Ecosystem: PyPI, Name: "numpy", Version: "1.24.4", Pinned: true, Condition: `python_version < "3.9"`, Manifest: m, Line: 11},
		{Ecosystem: PyPI, Name: "numpy", Version: "1.26.3", Pinned: true, Condition: `python_version >= "3.9"`, Manifest: m, Line: 12},
		{Ecosystem: PyPI, Name: "pywin32", Version: "306", Pinned: true, Condition: `sys_platform == "win32"`, Manifest: m, Line: 13},
		{Ecosystem: PyPI, Name: "cryptography", Version: "41.0.7", Pinned: true, Manifest: m, Line: 14},
		{Ecosystem: PyPI, Name: "typing_extensions", Manifest: m, Line: 18},
		{Ecosystem: PyPI, Name: "celery", Version: ">=5.3,<6", Manifest: m, Line: 19},
		{Ecosystem: PyPI, Name: "Flask-Login", Version: "~=0.6.3", Manifest: m, Line: 20},
		{Ecosystem: PyPI, Name: "urllib3", Version: "==2.1.*", Manifest: m, Line: 21},
		{Ecosystem: PyPI, Name: "pip", Manifest: m, Line: 22},
		{Ecosystem: PyPI, Name: "my_lib", Condition: `os_name == "posix"`, Manifest: m, Line: 23},
		{Ecosystem: PyPI, Name: "other-pkg", Manifest: m, Line: 24},
		{Ecosystem: PyPI, Name: "attrs", Version: "23.2.0", Pinned: true, Manifest: m, Line: 26},
		{Ecosystem: PyPI, Name: "six", Version: "1.16.0", Pinned: true, Manifest: m, Line: 28},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", fmtDeps(got), fmtDeps(want))
	}
}

func TestParseRequirementsEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "# only comments\n  # indented\n", "-r other.txt\n", `\`} {
		got, err := ParseRequirements("r.txt", []byte(src))
		if err != nil || len(got) != 0 {
			t.Errorf("%q: got %v, %v; want nothing", src, got, err)
		}
	}
}

func TestParseRequirementsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
	}{
		{"bad operator", "flask==2.0\nrequests => 2\n", 2},
		{"unclosed extras", "\n\nrequests[security==2.0\n", 3},
		{"missing URL", "pip @   \n", 1},
		{"text after URL", "pip @ https://x/y.zip extra\n", 1},
		{"garbage", "flask==2.0\n!!!\n", 2},
		{"space in version", "flask==2.0 beta\n", 1},
		{"empty marker", "flask==2.0 ;\n", 1},
		{"continued error", "ok==1\nbad \\\n  ==\n", 2},
		{"unclosed parenthesis", "celery (>=5\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRequirements("py/requirements.txt", []byte(tc.src))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.File != "py/requirements.txt" || pe.Line != tc.line {
				t.Errorf("error at %s:%d, want line %d (%v)", pe.File, pe.Line, tc.line, err)
			}
		})
	}
}

func TestPep508NameLen(t *testing.T) {
	for s, want := range map[string]int{
		"django": 6, "zope.interface==1": 14, "a": 1, "a-": 1, "-a": 0, "_x": 0,
		"typing_extensions[x]": 17, "pkg.-_.x y": 8, "": 0, "é": 0,
	} {
		if got := pep508NameLen(s); got != want {
			t.Errorf("pep508NameLen(%q) = %d, want %d", s, got, want)
		}
	}
}
