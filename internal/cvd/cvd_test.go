package cvd

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cra-gate/cra-gate/internal/realdata"
)

// chans renders channels as "kind@line".
func chans(p Policy) []string {
	out := []string{}
	for _, c := range p.Channels {
		out = append(out, fmt.Sprintf("%s@%d", c.Kind, c.Line))
	}
	return out
}

const (
	em = KindEmail
	gh = KindGitHubPrivate
	ur = KindURL
)

func TestCorpus(t *testing.T) {
	dir := realdata.Dir(t, "policies")
	tests := []struct {
		file     string
		why      string
		channels []string // kind@line
		process  string   // "kind@line", "" for none
		days     float64
		template bool
		public   bool // PublicOnly
		external string
	}{
		{"curl__curl__SECURITY.md", "only a \"report it\" link to curl.se's disclosure policy (external policy); copyright " +
			"e-mail in an HTML comment ignored; no timeline",
			[]string{ur + "@14"}, "", 0, false, false, "https://curl.se/dev/vuln-disclosure.html"},
		{"tailscale__tailscale__SECURITY.md", "mailto security@; staff will triage → process",
			[]string{em + "@6"}, "process@7", 0, false, false, ""},
		{"Mbed-TLS__mbedtls__SECURITY.md", "<autolink> list address; \"security process is detailed in\" the security center → process (pointer)",
			[]string{em + "@5"}, "process@9", 0, false, false, ""},
		{"nodejs__undici__SECURITY.md", "advisories/new + HackerOne; acknowledged within 5 days → timeline",
			[]string{gh + "@6", ur + "@7"}, "timeline@9", 5, false, false, ""},
		{"psf__requests__SECURITY.md", "draft advisory link; respond within two days; packager address is not a channel",
			[]string{gh + "@4"}, "timeline@34", 2, false, false, ""},
		{"tokio-rs__tokio__SECURITY.md", "security@tokio.rs (twice, listed once); coordinates remediation → process",
			[]string{em + "@3"}, "process@7", 0, false, false, ""},
		{"caddyserver__caddy__SECURITY.md", "private vulnerability report link; only \"a patch is released\" → process; public issue only for dependency bumps",
			[]string{gh + "@56"}, "process@62", 0, false, false, ""},
		{"vuejs__core__SECURITY.md", "plain security@vuejs.org; hall-of-fame addresses are not channels; no process",
			[]string{em + "@3"}, "", 0, false, false, ""},
		{"prometheus__prometheus__SECURITY.md", "only a pointer to prometheus.io's policy → external policy",
			[]string{ur + "@6"}, "", 0, false, false, "https://prometheus.io/docs/operating/security/"},
		{"nodejs__nodejs.org__SECURITY.md", "advisories/new, escalation to tsc@; acknowledge within 7 business days",
			[]string{gh + "@6", em + "@12"}, "timeline@10", 7, false, false, ""},
		{"microsoft__markitdown__SECURITY.md", "MSRC create-report (link text) + secure@; response within 24 hours",
			[]string{ur + "@13", em + "@15"}, "timeline@17", 1, false, false, ""},
		{"ohmyzsh__ohmyzsh__SECURITY.md", "advisories/new + security@ohmyz.sh; submit a patch as soon as possible → process",
			[]string{gh + "@20", em + "@21"}, "process@23", 0, false, false, ""},
		{"Leaflet__Leaflet__SECURITY.md", "personal gmail is the reporting address; \"acknowledge your contributions ... promptly\" " +
			"is courtesy, not process; Q&A links ignored",
			[]string{em + "@6"}, "", 0, false, false, ""},
		{"sadmann7__skateshop__SECURITY.md", "template sentence left; \"create an issue\" and no private channel → public only",
			[]string{}, "", 0, true, true, ""},
		{"DrDead0__G-Orbit_Gaming-Community__SECURITY.md", "GitHub template with <b> tags, no contact",
			[]string{}, "", 0, true, false, ""},
		{"kierun__pynpc__SECURITY.md", "template placeholder sentences, custom versions table, no contact",
			[]string{}, "", 0, true, false, ""},
		{"froazin__winode__SECURITY.md", "asks to use GitHub's private vulnerability reporting (a channel, named without a link); the docs link is not one",
			[]string{gh + "@3"}, "", 0, false, false, ""},
		{"webfx-project__webfx__SECURITY.md", "\"Report a vulnerability\" button on the linked Security tab; no final newline",
			[]string{gh + "@11"}, "", 0, false, false, ""},
		{"TUR1412__GameKnowledge-Base__SECURITY.md", "Chinese; quoted “Report a vulnerability” private channel; in-repo docs/SECURITY.md",
			[]string{gh + "@8"}, "", 0, false, false, ""},
		{"grafana__grafana__SECURITY.md", "mailto security@grafana.com; blog posts a summary and remediation → process; keyserver link ignored",
			[]string{em + "@3"}, "process@12", 0, false, false, ""},
		{"django__django__SECURITY.md", "one line: \"Please see\" djangoproject.com/security/ → external policy",
			[]string{ur + "@3"}, "", 0, false, false, "https://www.djangoproject.com/security/"},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		seen[tc.file] = true
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			p := AnalyzePolicy(string(data))
			if got := chans(p); !reflect.DeepEqual(got, tc.channels) {
				t.Errorf("channels %v, want %v (%s)", got, tc.channels, tc.why)
			}
			if p.HasChannel() != (len(tc.channels) > 0) {
				t.Errorf("HasChannel %v", p.HasChannel())
			}
			proc := ""
			if p.Process != nil {
				proc = fmt.Sprintf("%s@%d", p.Process.Kind, p.Process.Line)
				if p.Process.Text == "" {
					t.Error("Process without text")
				}
			}
			if proc != tc.process {
				t.Errorf("process %q, want %q (%s)", proc, tc.process, tc.why)
			}
			if p.ResponseDays != tc.days {
				t.Errorf("ResponseDays %v, want %v", p.ResponseDays, tc.days)
			}
			if p.Template != tc.template {
				t.Errorf("Template %v, want %v (%s)", p.Template, tc.template, tc.why)
			}
			if p.PublicOnly != tc.public {
				t.Errorf("PublicOnly %v, want %v (%s)", p.PublicOnly, tc.public, tc.why)
			}
			if p.ExternalPolicy != tc.external {
				t.Errorf("ExternalPolicy %q, want %q", p.ExternalPolicy, tc.external)
			}
		})
	}
	all, err := filepath.Glob(filepath.Join(dir, "*SECURITY.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range all {
		if !seen[filepath.Base(fn)] {
			t.Errorf("corpus file %s has no row in this table", filepath.Base(fn))
		}
	}
}

func TestCorpusDetails(t *testing.T) {
	dir := realdata.Dir(t, "policies")
	read := func(name string) Policy {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return AnalyzePolicy(string(data))
	}
	p := read("vuejs__core__SECURITY.md")
	if want := []string{"security@vuejs.org", "jeetpal2007@gmail.com", "redyetidev@gmail.com", "kernelrocks@proton.me"}; !reflect.DeepEqual(p.Emails, want) {
		t.Errorf("vue Emails %q", p.Emails)
	}
	if p := read("curl__curl__SECURITY.md"); len(p.Emails) != 0 || !reflect.DeepEqual(p.RelatedDocs, []string{"docs/VULN-DISCLOSURE-POLICY.md"}) {
		t.Errorf("curl: Emails %q (comment must be ignored), RelatedDocs %q", p.Emails, p.RelatedDocs)
	}
	if p := read("TUR1412__GameKnowledge-Base__SECURITY.md"); !reflect.DeepEqual(p.RelatedDocs,
		[]string{"docs/SECURITY.md"}) || p.Channels[0].Value != "Report a vulnerability" {
		t.Errorf("TUR: RelatedDocs %q, channels %+v", p.RelatedDocs, p.Channels)
	}
	if p := read("psf__requests__SECURITY.md"); !reflect.DeepEqual(p.Emails, []string{"python-maint@redhat.com"}) {
		t.Errorf("requests Emails %q", p.Emails)
	}
	if p := read("microsoft__markitdown__SECURITY.md"); !p.MentionsContact("https://msrc.microsoft.com/create-report") ||
		!p.MentionsContact("mailto:SECURE@microsoft.com") {
		t.Error("markitdown does not mention its MSRC contacts")
	}
	if p := read("sadmann7__skateshop__SECURITY.md"); p.PublicIssue == nil || p.PublicIssue.Line != 7 || p.TemplateLine != 5 {
		t.Errorf("skateshop PublicIssue %+v TemplateLine %d", p.PublicIssue, p.TemplateLine)
	}
	if p := read("caddyserver__caddy__SECURITY.md"); p.PublicIssue == nil || p.PublicIssue.Line != 26 || p.PublicOnly {
		t.Errorf("caddy PublicIssue %+v PublicOnly %v", p.PublicIssue, p.PublicOnly)
	}
	// Security.txt contacts of the same projects.
	if p := read("nodejs__undici__SECURITY.md"); !p.MentionsContact("https://hackerone.com/nodejs") {
		t.Error("undici does not mention HackerOne")
	}
	if p := read("prometheus__prometheus__SECURITY.md"); !p.MentionsContact("https://prometheus.io/docs/operating/security") {
		t.Error("prometheus does not mention its policy page")
	}
}

func analyze(s string) Policy { return AnalyzePolicy(s) }

func TestEmailForms(t *testing.T) {
	tests := map[string]string{
		"plain":         "Please report vulnerabilities to security@foo.org.",
		"mailto link":   "Report to [the team](mailto:security@foo.org?subject=vuln).",
		"address link":  "Report to [security@foo.org](mailto:security@foo.org).",
		"autolink":      "Send an e-mail to <security@foo.org>.",
		"mailto auto":   "Send an e-mail to <mailto:security@foo.org>.",
		"obfuscated":    "Write to security [at] foo [dot] org please.",
		"obfuscated2":   "Write to security(at)foo.org please.",
		"html anchor":   `Report to <a href="mailto:security@foo.org">us</a>.`,
		"role, no verb": "- security@foo.org",
		"reference":     "Report to [the team][sec].\n\n[sec]: mailto:security@foo.org",
	}
	for name, in := range tests {
		p := analyze(in)
		if len(p.Channels) != 1 || p.Channels[0] != (Channel{KindEmail, "security@foo.org", 1}) {
			t.Errorf("%s: channels %+v", name, p.Channels)
		}
		if !reflect.DeepEqual(p.Emails, []string{"security@foo.org"}) {
			t.Errorf("%s: Emails %q", name, p.Emails)
		}
	}
}

func TestEmailContext(t *testing.T) {
	tests := []struct {
		name, in string
		channel  bool
	}{
		{"code of conduct line is still a contact", "For code of conduct issues, contact conduct@foo.org.", true},
		{"personal address asked for reports", "To report a security issue, please send your report to alice@gmail.com.", true},
		{"copyright line", "Copyright 2024 Alice <alice@foo.org>", false},
		{"hall of fame", "## Hall of Fame\n\nThanks to these researchers for reporting issues:\n\n- Bob <bob@foo.org>", false},
		{"people we notify", "The people we notify ahead of a release are:\n\n- Red Hat (maint@redhat.com)", false},
		{"list introduced by a reporting sentence", "Report vulnerabilities to one of:\n\n- Alice (alice@foo.org)\n- Bob (bob@foo.org)", true},
		{"HTML comment", "<!-- security@foo.org -->\nNothing here.", false},
		{"address inside a URL path", "Our key: https://foo.org/keys/security@foo.org.asc", false},
		{"file name", "See logo@2x.png for the security logo.", false},
	}
	for _, tc := range tests {
		p := analyze(tc.in)
		if p.HasChannel() != tc.channel {
			t.Errorf("%s: channels %+v, want channel=%v", tc.name, p.Channels, tc.channel)
		}
	}
	p := analyze("Report vulnerabilities to one of:\n\n- Alice (alice@foo.org)\n- Bob (bob@foo.org)")
	if got := chans(p); !reflect.DeepEqual(got, []string{"email@3", "email@4"}) {
		t.Errorf("list channels %v", got)
	}
	if p := analyze("<!-- security@foo.org -->"); len(p.Emails) != 0 {
		t.Errorf("comment address listed: %q", p.Emails)
	}
}

func TestPlaceholders(t *testing.T) {
	for _, in := range []string{
		"Report vulnerabilities to security@example.com.",
		"Report vulnerabilities to security@yourdomain.com.",
		"Report vulnerabilities to [us](mailto:security@corp.example).",
		"Report vulnerabilities at https://example.org/report-vulnerability.",
		"Report vulnerabilities to your-email@foo.org.",
	} {
		p := analyze(in)
		if p.HasChannel() || len(p.Placeholders) != 1 || len(p.Emails) != 0 {
			t.Errorf("%q: channels %+v placeholders %q emails %q", in, p.Channels, p.Placeholders, p.Emails)
		}
	}
}

func TestURLChannels(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Channel
	}{
		{"advisories/new alone", "See https://github.com/o/r/security/advisories/new",
			[]Channel{{gh, "https://github.com/o/r/security/advisories/new", 1}}},
		{"security tab with report", "Please report it using the [Security tab](https://github.com/o/r/security).",
			[]Channel{{gh, "https://github.com/o/r/security", 1}}},
		{"advisories list without report", "Advisories are listed at [GitHub Security Advisories](https://github.com/o/r/security/advisories).", nil},
		{"hackerone", "We run [a programme](https://hackerone.com/foo).", []Channel{{ur, "https://hackerone.com/foo", 1}}},
		{"hackerone thanks", "Thanks page: https://hackerone.com/foo/thanks", nil},
		{"link text names a form", "Go to [https://msrc.microsoft.com/create-report](https://aka.ms/x).",
			[]Channel{{ur, "https://aka.ms/x", 1}}},
		{"link text says report", "You can [report it here](https://foo.org/contact), with an e-mail fallback at security@foo.org.",
			[]Channel{{ur, "https://foo.org/contact", 1}, {em, "security@foo.org", 1}}},
		{"report before link", "Report vulnerabilities through https://foo.org/sec-form please.",
			[]Channel{{ur, "https://foo.org/sec-form", 1}}},
		{"to report after link", "Use [this form](https://foo.org/form) to report vulnerabilities.",
			[]Channel{{ur, "https://foo.org/form", 1}}},
		{"negated", "Please do not report vulnerabilities on [the forum](https://forum.foo.org). Email security@foo.org.",
			[]Channel{{em, "security@foo.org", 1}}},
		{"docs page only",
			"For more information, see [GitHub's private vulnerability reporting " +
				"documentation](https://docs.github.com/en/code-security/security-advisories/" +
				"guidance-on-reporting-and-writing-information-about-vulnerabilities/privately-reporting-a-security-vulnerability).",
			nil},
		{"Q&A site", "Report usage problems on [Stack Overflow](https://stackoverflow.com/questions/tagged/foo).", nil},
		{"definition link", "If you found a vulnerability that meets [our definition](https://foo.org/def), please report it to security@foo.org.",
			[]Channel{{em, "security@foo.org", 1}}},
		{"profile link", "Report it to [@alice](https://github.com/alice) or security@foo.org.",
			[]Channel{{em, "security@foo.org", 1}}},
		{"hall of fame link", "## Acknowledgements\n\nThanks to [Bob](https://hackerone.com/bob) for reporting.", nil},
		{"issues link", "Report vulnerabilities [here](https://github.com/o/r/issues/new).", nil},
		{"form path", "See https://foo.org/security/report for details.", []Channel{{ur, "https://foo.org/security/report", 1}}},
	}
	for _, tc := range tests {
		p := analyze(tc.in)
		if !reflect.DeepEqual(p.Channels, tc.want) {
			t.Errorf("%s: channels %+v, want %+v", tc.name, p.Channels, tc.want)
		}
	}
}

func TestGitHubPrivateReportingPhrase(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // Value, "" for no channel
	}{
		{"quoted button", `Use the "Report a vulnerability" button on the Security tab.`, "Report a vulnerability"},
		{"bold quoted", `Click "**Report a vulnerability**" please.`, "Report a vulnerability"},
		{"feature name", "Please use GitHub's private vulnerability reporting feature.", "private vulnerability reporting"},
		{"privately via GitHub", "Privately report the issue via GitHub.", "Privately report the issue via GitHub"},
		{"advisory", "Please report it by opening a draft GitHub Security Advisory.", "Security Advisory"},
		{"heading only", "## Report a vulnerability", ""},
		{"template sentence", "Use this section to tell people how to report a vulnerability.", ""},
		{"announcement", "Fixes are announced through GitHub Security Advisories.", ""},
		{"negated", "We do not use private vulnerability reporting.", ""},
	}
	for _, tc := range tests {
		p := analyze(tc.in)
		got := ""
		if len(p.Channels) == 1 && p.Channels[0].Kind == gh {
			got = p.Channels[0].Value
		} else if len(p.Channels) > 0 {
			got = fmt.Sprint(p.Channels)
		}
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	// A link-based channel makes the phrase redundant.
	p := analyze("Use \"Report a vulnerability\".\n\nOr go to https://github.com/o/r/security/advisories/new.")
	if got := chans(p); !reflect.DeepEqual(got, []string{gh + "@3"}) {
		t.Errorf("phrase and link: %v", got)
	}
}

func TestExternalPolicy(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"see", "# Security\n\nPlease see https://foo.org/security/.", "https://foo.org/security/"},
		{"found here", "Our security policy can be found here:\n\n[https://foo.org/policy](https://foo.org/policy)", "https://foo.org/policy"},
		{"GitHub blob", "Read our [security policy](https://github.com/o/.github/blob/main/SECURITY.md).", "https://github.com/o/.github/blob/main/SECURITY.md"},
		{"not with an e-mail", "Please see https://foo.org/security/. Or e-mail security@foo.org.", ""},
		{"unrelated link", "See https://foo.org/blog for news.", ""},
		{"announcement channel", "Security fixes are posted to [our blog](https://foo.org/security-blog).", ""},
	}
	for _, tc := range tests {
		p := analyze(tc.in)
		if p.ExternalPolicy != tc.want {
			t.Errorf("%s: ExternalPolicy %q, want %q", tc.name, p.ExternalPolicy, tc.want)
		}
		if tc.want != "" && (len(p.Channels) != 1 || p.Channels[0].Value != tc.want || p.Channels[0].Kind != ur) {
			t.Errorf("%s: channels %+v", tc.name, p.Channels)
		}
	}
}

func TestRelatedDocs(t *testing.T) {
	p := analyze("Read our [policy](docs/VULN-POLICY.md) and `docs/SECURITY.md`; see [install](INSTALL.md) and `SECURITY.md`.")
	if want := []string{"docs/VULN-POLICY.md", "docs/SECURITY.md"}; !reflect.DeepEqual(p.RelatedDocs, want) {
		t.Errorf("RelatedDocs %q, want %q", p.RelatedDocs, want)
	}
}

func TestTimeline(t *testing.T) {
	tests := []struct {
		in   string
		days float64
		line int
	}{
		{"We will acknowledge your report within 48 hours.", 2, 1},
		{"You will get a response within two business days.", 2, 1},
		{"Expect a reply within 1-2 weeks.", 14, 1},
		{"We aim to respond within a week.", 7, 1},
		{"We usually reply in 24-48h.", 2, 1},
		{"We triage reports within three (3) days.", 3, 1},
		{"Intro.\n\nWe will get back to you within 5 working days.", 5, 3},
	}
	for _, tc := range tests {
		p := analyze(tc.in)
		if p.Process == nil || p.Process.Kind != EvidenceTimeline || p.Process.Line != tc.line || p.ResponseDays != tc.days {
			t.Errorf("%q: Process %+v, ResponseDays %v; want timeline on line %d, %v days", tc.in, p.Process, p.ResponseDays, tc.line, tc.days)
		}
	}
	// A fix deadline is a timeline but not a response time.
	p := analyze("We aim to release a fix within 90 days.")
	if p.Process == nil || p.Process.Kind != EvidenceTimeline || p.ResponseDays != 0 {
		t.Errorf("fix deadline: %+v %v", p.Process, p.ResponseDays)
	}
	// Durations about other things are not timelines.
	for _, in := range []string{
		"Version 2 is supported for 12 months.",
		"This takes a few days.",
		"Within days, we were famous.",
		"5.1.x is supported.",
	} {
		if p := analyze(in); p.Process != nil || p.ResponseDays != 0 {
			t.Errorf("%q: %+v %v", in, p.Process, p.ResponseDays)
		}
	}
	// A timeline later in the text wins over an earlier process step.
	p = analyze("Staff will triage the issue.\n\nWe respond within 3 days.")
	if p.Process == nil || p.Process.Kind != EvidenceTimeline || p.Process.Line != 3 {
		t.Errorf("preference: %+v", p.Process)
	}
}

func TestProcess(t *testing.T) {
	yes := []string{
		"Staff will triage the issue.",
		"We will acknowledge receipt of your report.",
		"Your report will be acknowledged and investigated.",
		"We coordinate disclosure with you.",
		"Details stay under embargo until the release.",
		"We will request a CVE identifier.",
		"A CVE is assigned for each issue.",
		"We will release a fix as soon as possible.",
		"Once the patch is released, we credit you.",
		"We publish a security advisory for every confirmed issue.",
		"Confirmed issues are published as GitHub Security Advisories.",
		"We will keep you informed of our progress.",
		"The report is assigned a primary handler.",
		"Our security process is documented on the website.",
	}
	for _, in := range yes {
		p := analyze(in)
		if p.Process == nil || p.Process.Kind != EvidenceProcess || p.Process.Line != 1 {
			t.Errorf("%q: no process evidence (%+v)", in, p.Process)
		}
	}
	no := []string{
		"We will make every effort to acknowledge your contributions and handle them promptly.",
		"All security vulnerabilities will be promptly addressed.",
		"We do not assign CVEs for unreleased code.",
		"Please submit a patch with your report.",
		"## Disclosure process",
		"All vulnerabilities found by the scanner have been fixed.",
		"Thank you for responsibly disclosing security issues to us.",
	}
	for _, in := range no {
		if p := analyze(in); p.Process != nil {
			t.Errorf("%q: unexpected evidence %+v", in, p.Process)
		}
	}
}

func TestPublicOnly(t *testing.T) {
	tests := []struct {
		in             string
		public, issued bool // PublicOnly, PublicIssue != nil
	}{
		{"If you find a vulnerability, please create an issue.", true, true},
		{"Report security bugs on our GitHub issue tracker.", true, true},
		{"Do not open a public issue. Email security@foo.org.", false, false},
		{"Security issues should not be reported via the public GitHub issue tracker.", false, false},
		{"Please open an issue. Or e-mail security@foo.org.", false, true},
		{"For questions, open an issue.", false, false},
		{"If you have suggestions on this policy, please open an issue.", false, false},
		{"Report it [here](https://github.com/o/r/issues/new).", true, true},
		{"Nothing useful.", false, false},
	}
	for _, tc := range tests {
		p := analyze(tc.in)
		if p.PublicOnly != tc.public || (p.PublicIssue != nil) != tc.issued {
			t.Errorf("%q: PublicOnly %v PublicIssue %+v, want %v/%v", tc.in, p.PublicOnly, p.PublicIssue, tc.public, tc.issued)
		}
		if p.PublicIssue != nil && p.PublicIssue.Kind != EvidencePublicIssue {
			t.Errorf("%q: kind %q", tc.in, p.PublicIssue.Kind)
		}
	}
}

func TestTemplate(t *testing.T) {
	tmpl := "# Security Policy\n\n## Supported Versions\n\nUse this section to tell people about which " +
		"versions of your project are\ncurrently being supported with security updates.\n\n## " +
		"Reporting a Vulnerability\n\nUse this section to tell people how to report a " +
		"vulnerability.\n\nTell them where to go, how often they can expect to get an update on " +
		"a\nreported vulnerability, what to expect if the vulnerability is accepted or\ndeclined, " +
		"etc.\n"
	p := analyze(tmpl)
	if !p.Template || p.TemplateLine != 5 || p.HasChannel() || p.Process != nil || p.PublicIssue != nil {
		t.Errorf("template: %+v", p)
	}
	p = analyze(strings.Replace(tmpl, "Use this section to tell people how to report a vulnerability.", "Email security@foo.org; we reply within 3 days.", 1))
	if !p.Template || !p.HasChannel() || p.ResponseDays != 3 {
		t.Errorf("partly filled template: %+v", p)
	}
	if p := analyze("We tell people how to report in this section."); p.Template {
		t.Error("false template")
	}
}

func TestMentionsContact(t *testing.T) {
	p := analyze("Email [Security@Foo.org](mailto:Security@Foo.org) or use " +
		"https://www.foo.org/security/report/ or https://hackerone.com/foo?type=team. Phone +1 " +
		"(201) 555-0123.")
	tests := map[string]bool{
		"mailto:security@foo.org":                 true,
		"MAILTO:SECURITY@FOO.ORG?subject=x":       true,
		"mailto:other@foo.org,security@foo.org":   true,
		"mailto:sec@foo.org":                      false,
		"mailto:security@foo.org.evil":            false,
		"https://foo.org/security":                true,
		"https://foo.org/security/":               true,
		"https://FOO.org/Security/Report":         true,
		"https://foo.org/security/report/form":    false,
		"https://foo.org/sec":                     false,
		"https://hackerone.com/foo":               true,
		"https://hackerone.com/foobar":            false,
		"https://bar.org/security":                false,
		"tel:+1-201-555-0123":                     true,
		"tel:+1-201-555-9999":                     false,
		"security@foo.org":                        false,
		"":                                        false,
		"https://":                                false,
		"ftp://foo.org/security":                  false,
		"https://foo.org":                         true,
		"  mailto:security@foo.org  ":             true,
		"mailto:%53ecurity@foo.org":               true,
		"https://www.foo.org/security/report?x=1": true,
	}
	for c, want := range tests {
		if got := p.MentionsContact(c); got != want {
			t.Errorf("MentionsContact(%q) = %v, want %v", c, got, want)
		}
	}
}

func TestMentionsGitHubReportingInWords(t *testing.T) {
	p := analyze("Please use GitHub's private vulnerability reporting (the \"Report a vulnerability\" button on the Security tab).")
	if !p.MentionsContact("https://github.com/acme/lock/security/advisories/new") {
		t.Error("the reporting form's URL should match the feature named in words")
	}
	if p.MentionsContact("https://github.com/acme/lock/issues") ||
		analyze("Mail security@acme-locks.eu.").MentionsContact("https://github.com/acme/lock/security/advisories/new") {
		t.Error("only the reporting form, and only when the policy names the feature")
	}
}

func TestLinesAndEncodings(t *testing.T) {
	p := analyze("# Security\r\n\r\nReport to security@foo.org.\r\n")
	if got := chans(p); !reflect.DeepEqual(got, []string{"email@3"}) {
		t.Errorf("CRLF: %v", got)
	}
	p = analyze("# 安全策略\n\n漏洞请发送至 security@foo.cn 。也可以使用 https://foo.cn/security/report 报告。\n\xff\xfe invalid")
	if got := chans(p); !reflect.DeepEqual(got, []string{"email@3", "url@3"}) {
		t.Errorf("Chinese: %v %+v", got, p.Channels)
	}
	// A link split across lines reports the line where it starts.
	p = analyze("Our security process is detailed in our [security\ncenter](https://foo.org/sc). Report to\n[security@foo.org](mailto:security@foo.org).")
	if got := chans(p); !reflect.DeepEqual(got, []string{"email@3"}) {
		t.Errorf("multi-line: %v", got)
	}
	if p.Process == nil || p.Process.Line != 1 {
		t.Errorf("multi-line process: %+v", p.Process)
	}
	if p := analyze(""); p.HasChannel() || p.Process != nil || p.Template || p.PublicOnly {
		t.Errorf("empty: %+v", p)
	}
}

func TestEvidenceText(t *testing.T) {
	p := analyze("We will **respond** within [two days](https://x.org) *at the outside*.")
	if p.Process == nil || p.Process.Text != "We will respond within two days at the outside." {
		t.Errorf("text %+v", p.Process)
	}
	long := "We respond within 2 days " + strings.Repeat("and more ", 60) + "."
	if p := analyze(long); p.Process == nil || len([]rune(p.Process.Text)) > 200 {
		t.Errorf("long text not shortened: %+v", p.Process)
	}
}

// TestMarkdownReading pins what goldmark's CommonMark reading decides. The
// first three differ from the hand-written splitter this package had before:
// each follows what GitHub renders.
func TestMarkdownReading(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string // kind@line
	}{
		{"a www. name is a link (GFM autolink)", "Report at www.hackerone.com/foo please.", []string{ur + "@1"}},
		{"an indented code block is code, like a fenced one", "Intro.\n\n    https://hackerone.com/foo\n", []string{}},
		{"an unused reference definition is not rendered", "[h1]: https://hackerone.com/foo", []string{}},
		{"a used reference definition links where it is used", "Intro.\n\nReport it via [HackerOne][h1].\n\n[h1]: https://hackerone.com/foo", []string{ur + "@3"}},
		{"parentheses in a link target", "Report via [our form](https://foo.org/security/report_(v2)).", []string{ur + "@1"}},
		{"a linked badge", "[![badge](https://img.shields.io/x.svg)](https://hackerone.com/foo)", []string{ur + "@1"}},
		{"a table row is a block of its own", "| Contact | Where |\n|---|---|\n| Report | [form](https://hackerone.com/foo) |", []string{ur + "@3"}},
		{"block quote lines", "> Report vulnerabilities\n> to security@foo.org.", []string{em + "@2"}},
		{"a nested list item keeps the list's introduction",
			"Report vulnerabilities to one of:\n\n- Alice\n  - alice@foo.org\n- Bob (bob@foo.org)",
			[]string{em + "@4", em + "@5"}},
		{"an HTML block", "<p>Report to <a href=\"mailto:security@foo.org\">us</a>.</p>", []string{em + "@1"}},
		{"a URL in a code span", "Report at `https://hackerone.com/foo`.", []string{ur + "@1"}},
		{"links in a fenced block are no channels", "```\n[report](https://hackerone.com/foo)\n```", []string{}},
		{"a link target on its own line", "Report it [here](\nhttps://foo.org/form\n).", []string{ur + "@1"}},
	}
	for _, tc := range tests {
		if got := chans(AnalyzePolicy(tc.in)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: channels %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestHostileMarkdownBounded checks that input goldmark reads in more than
// linear time (unmatched link openers) costs no more past MaxText.
func TestHostileMarkdownBounded(t *testing.T) {
	cost := func(n int) time.Duration {
		in := strings.Repeat("[", n)
		best := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			AnalyzePolicy(in)
			best = min(best, time.Since(start))
		}
		return best
	}
	// Unbounded, four times the input would cost about 16 times as much.
	if at, past := cost(MaxText), cost(4*MaxText); past > 4*at {
		t.Errorf("%v for MaxText, %v for four times as much", at, past)
	}
}

// BenchmarkAnalyzePolicy reads every real SECURITY.md of the corpus once.
func BenchmarkAnalyzePolicy(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(realdata.Dir(b, "policies"), "*SECURITY.md"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no policies: %v", err)
	}
	var texts []string
	size := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(data))
		size += len(data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range texts {
			AnalyzePolicy(s)
		}
	}
}

func FuzzAnalyzePolicy(f *testing.F) {
	f.Add("# Security\n\nReport to security@foo.org; we respond within 2 days.\n")
	f.Add("Use this section to tell people how to report a vulnerability.\n\nPlease create an issue.")
	f.Add("[x](https://github.com/o/r/security/advisories/new)\n[y]: https://hackerone.com/z\n<!-- a@b.c")
	f.Add("请使用 “Report a vulnerability”。\r\n> see https://foo.org/security/ :\n\n- a [at] b [dot] c")
	f.Add("```\nsecurity@foo.org\n```\n---\nTitle\n===\n| a | b@c.de |")
	f.Add("| a | b |\n|---|---|\n| [x][r] | `https://h.org/x` |\n\n[r]: <https://hackerone.com/y>\n> " +
		"- [![i](j)](www.k.org)\n>   <a href='mailto:s@t.org'>u</a>\n\n    " +
		"https://code.org\n<p>\nhttps://html.org\n</p>")
	f.Fuzz(func(t *testing.T, text string) {
		p := AnalyzePolicy(text)
		lines := strings.Count(text, "\n") + 1
		for _, c := range p.Channels {
			if c.Line < 1 || c.Line > lines {
				t.Errorf("channel line %d outside 1..%d: %+v", c.Line, lines, c)
			}
			if c.Kind != KindEmail && c.Kind != KindURL && c.Kind != KindGitHubPrivate {
				t.Errorf("bad kind %+v", c)
			}
		}
		for _, e := range []*Evidence{p.Process, p.PublicIssue} {
			if e != nil && (e.Line < 1 || e.Line > lines) {
				t.Errorf("evidence line %d outside 1..%d", e.Line, lines)
			}
		}
		if p.Template && (p.TemplateLine < 1 || p.TemplateLine > lines) {
			t.Errorf("template line %d", p.TemplateLine)
		}
		if p.PublicOnly && p.HasChannel() {
			t.Error("PublicOnly with a channel")
		}
		for _, c := range p.Channels {
			p.MentionsContact(c.Value)
			p.MentionsContact("mailto:" + c.Value)
		}
	})
}

func TestHugeInput(t *testing.T) {
	in := "Report to security@foo.org.\n" + strings.Repeat("x", MaxText) + "\nsecurity2@foo.org"
	p := AnalyzePolicy(in)
	if got := chans(p); !reflect.DeepEqual(got, []string{"email@1"}) {
		t.Errorf("channels %v", got)
	}
}
