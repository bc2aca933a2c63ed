package finding

import (
	"net/url"
	"testing"
)

func TestRuleDocURL(t *testing.T) {
	got := RuleDocURL("scope-unknown-function")
	want := "https://github.com/cra-gate/cra-gate/blob/main/docs/rules/scope-unknown-function.md"
	if got != want {
		t.Fatalf("RuleDocURL = %q, want %q", got, want)
	}
	u, err := url.Parse(got)
	if err != nil || u.Scheme != "https" || u.Host != "github.com" {
		t.Fatalf("RuleDocURL %q is not an https github.com URL (%v)", got, err)
	}
}
