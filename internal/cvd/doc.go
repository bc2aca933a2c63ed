// Package cvd analyses a coordinated vulnerability disclosure policy
// (SECURITY.md and the like) written in Markdown: where to report privately,
// what happens after a report, and whether the file is still GitHub's
// template or only points elsewhere. It reports what it finds with line
// numbers; the disclosure check turns that into findings.
//
// # Reading the text
//
// The first 32 KiB of the text are read (goldmark's time grows faster than
// the input on some hostile Markdown; a policy is a few kilobytes). HTML
// comments are not rendered and are blanked first (curl's copyright e-mail
// is not a contact); a carriage return counts as a space, so line numbers
// (1-based) count LF line ends. github.com/yuin/goldmark parses the text as
// CommonMark with GitHub's tables and extended autolinks, and the rules run
// on its leaf blocks: paragraphs, headings, list items, table rows, code
// blocks and HTML blocks, each as the whole source lines it covers. Heading
// text sets the current section.
//
// Links are goldmark's: inline and reference links (an unused reference
// definition is none), images (never channels), <autolinks>, bare http(s)
// URLs and www. names. Where goldmark reads no Markdown, in code spans, code
// blocks and HTML, bare URLs and <a href> anchors are found by pattern. A
// URL in a code span may be a channel; in a code block (fenced or indented)
// it only counts for [Policy.MentionsContact] and the block's sentences are
// no evidence, but its e-mail addresses are read like any other.
//
// Keyword rules run on sentences of a block, with Markdown emphasis, HTML
// tags, URLs, link targets and e-mail addresses blanked out, so words inside
// a URL never count. A block ending in ":" introduces the next block (and
// the list items that follow it), and its last sentence is context for them.
// Matching is ASCII case-insensitive; non-ASCII text is carried through
// untouched, so other languages yield their URLs, addresses and quoted
// English phrases.
//
// # Channels
//
//   - email: every address (plain, mailto: link, <autolink>, or obfuscated as
//     "name [at] host [dot] tld") is listed in [Policy.Emails]. It is a
//     channel unless it is a placeholder (see below) or sits in an
//     acknowledgements section (a heading with "hall of fame",
//     "acknowledg", "thanks", "credits", "contributors", "sponsors"), and
//     only when its local part names a security role (security, secure,
//     psirt, csirt, cert, vuln..., disclos...) or its block speaks of
//     reporting (report, disclose, vulnerability, security, send, e-mail,
//     contact, reach, forward, submit, notify, write to). A name in a list of
//     people the project notifies is therefore not a channel.
//   - github-private-reporting: a link to github.com/OWNER/REPO/security/advisories/new;
//     a link to the repository's Security tab (/security or
//     /security/advisories) in a sentence that asks to report; or, without a
//     link, an instruction naming the feature: "Report a vulnerability" in
//     quotes or followed by button/tab/form, "private vulnerability
//     reporting", "privately report ... via GitHub", or a sentence asking to
//     report/submit/open/draft through a GitHub security advisory or the
//     Security tab. Such a link-less channel has the quoted words as Value and
//     is dropped when a link-based one exists; the check should confirm the
//     feature is enabled on the repository.
//   - url: a report form or bug-bounty programme (hackerone.com/PROGRAM,
//     bugcrowd.com, intigriti, yeswehack, huntr, hackenproof, immunefi,
//     bughunters.google.com/report, msrc.microsoft.com/create-report, or a
//     path with both "report" and "vuln"/"secur"), whether the link target or
//     its visible text is that URL; or any other absolute link that is the
//     object of a reporting instruction: its link text says report/submit, or
//     the sentence before it does ("report it [here](...)", "submit via
//     https://..."), or it is followed by "to report".
//   - Never channels: GitHub's and GitLab's documentation (so a link to
//     GitHub's generic "privately reporting a security vulnerability" page is
//     not one), Q&A and chat sites (Stack Overflow, Stack Exchange, Discord,
//     Gitter, Reddit), social networks, keyservers and key files, images,
//     CWE/CAPEC, GitHub issues, pull requests, discussions, releases, user
//     profiles and repository pages, and anything inside an
//     acknowledgements section. A sentence that says "do not report ..." does
//     not make its link a channel.
//   - Placeholders: an address or URL on example.com/.net/.org, a *.example,
//     *.test, *.invalid or *.localhost name, or a domain such as
//     yourdomain.com is never a channel; it is listed in
//     [Policy.Placeholders] so the check can say so.
//   - External policy: when the file gives no e-mail, no GitHub private
//     reporting and no report form, but links (absolutely) to a page that is
//     the object of a reporting instruction or that it points at as the
//     policy ("see", "can be found", "read", "refer", ... with "security",
//     "vuln", "disclos", "polic" or "advisor" in the URL or link text), the
//     first such URL is [Policy.ExternalPolicy] and is also a url channel:
//     the policy lives there (prometheus, django, curl). Relative links and
//     code spans naming an in-repository policy document are listed in
//     [Policy.RelatedDocs] for the check to follow.
//
// Channels are in line order, one per kind and (case-insensitive) value.
//
// # After a report
//
// [Policy.Process] is the first response-time statement if there is one,
// else the first described process step. A response time ("timeline") is a
// duration ("within 5 days", "48 hours", "two business days", "a week",
// "24-48h") in a sentence about responding, acknowledging, triage, fixing,
// disclosure, publication or notification. A process step ("process") is one
// of: triage; acknowledging the report or its receipt; coordinating
// disclosure, release, fix or remediation; an embargo; assigning or
// requesting a CVE; releasing, shipping, preparing or submitting a fix or
// patch ("a patch is released"); publishing or announcing advisories,
// security fixes or a summary; keeping the reporter informed; a named report
// handler; or a sentence saying the security process is described elsewhere.
// Negated phrases ("do not assign CVEs") and sentences that start with
// "please" (asks of the reporter) are not process evidence. Vague courtesy
// ("we will make every effort to acknowledge your contributions", "will be
// promptly addressed") is not evidence. Headings are never evidence.
// [Policy.ResponseDays] is the first duration in the first sentence about
// responding, acknowledging, replying, hearing back, confirming receipt or
// triage, in days (hours/24, weeks*7, months*30; business days count as
// days; for a range, its upper end).
//
// # Template and public-only
//
// [Policy.Template] is set when GitHub's default SECURITY.md placeholder text
// is present ("Use this section to tell people ..." or "Tell them where to
// go, how often they can expect to get an update ..."); those blocks are
// otherwise ignored, so the template's "how to report a vulnerability" is
// not a channel. [Policy.PublicIssue] is the first sentence telling
// reporters to open, create, file, submit or raise an issue, or to report
// via the issue tracker, unless negated ("do not open a public issue") or
// about something else (questions, features, suggestions, non-security
// bugs). [Policy.PublicOnly] is that with no channel at all.
package cvd
