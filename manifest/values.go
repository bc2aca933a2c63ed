package manifest

// The values that enumerated keys accept, in the order the docs list them.
var (
	Classes         = []string{"default", "important-1", "important-2", "critical"}
	Conformities    = []string{"module-a", "module-b-c", "module-h", "eucc"}
	DevelopedBy     = []string{"manufacturer", "commissioned", "third-party"}
	Hostings        = []string{"on-premises", "iaas", "paas", "edge", "other"}
	ThirdPartyKinds = []string{"saas", "paas", "iaas", "connectivity", "component-service", "other"}
	ExcludedReasons = []string{"analytics", "internal", "connectivity", "information-only", "other"}
	DueDiligence    = []string{"ce-marking", "eu-2024-2690", "dora", "eu-certification", "iso27017", "iso27001", "sla-vulnerability-notice", "other"}
	SBOMFields      = []string{"name", "version", "supplier", "hash", "license", "identifier", "dependencies", "creator", "hash-sha512", "filename", "license-evidence"}
	SBOMProfiles    = []string{"ntia", "bsi-tr-03183-2"}
)
