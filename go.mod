module github.com/cra-gate/cra-gate

go 1.25.0

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/CycloneDX/cyclonedx-go v0.12.0
	github.com/github/go-spdx/v2 v2.8.0
	github.com/google/go-github/v60 v60.0.0
	github.com/package-url/packageurl-go v0.1.7
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.2
	github.com/sethvargo/go-githubactions v1.3.1
	github.com/spdx/tools-golang v0.5.5
	github.com/yuin/goldmark v1.8.7
	golang.org/x/mod v0.30.0
)

require (
	github.com/anchore/go-struct-converter v0.0.0-20221118182256-c68fdcfa2092 // indirect
	github.com/bmatcuk/doublestar/v4 v4.10.4 // indirect
	github.com/google/go-querystring v1.1.0 // indirect
	golang.org/x/text v0.14.0 // indirect
)
