# The cra-gate image. The release workflow (.github/workflows/release.yml)
# builds it for linux/amd64 and linux/arm64 and pushes it to
# ghcr.io/cra-gate/cra-gate, which the Action runs (action.yml: runs.image);
# locally: docker build --build-arg VERSION=v1.2.3 -t cra-gate .
#
# Base images are pinned by tag and digest; the tag only says what the digest
# is. Both digests are multi-arch index digests (so each platform pulls its
# own image) taken from public Dockerfiles and build records that pin the same
# tags and agree on them. They were NOT resolved against the registries where
# this file was written (no registry was reachable there): the Image workflow
# (.github/workflows/image.yml) is the check. Refresh a digest with
#   docker buildx imagetools inspect golang:1.26.8-bookworm --format '{{.Manifest.Digest}}'
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:latest --format '{{.Manifest.Digest}}'
# and keep go-version in .github/workflows/release.yml at the same Go.

# The builder runs on the build machine's own platform and cross-compiles for
# the image's (TARGETOS/TARGETARCH, set by BuildKit): a static Go binary needs
# no emulation to build for arm64.
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS TARGETARCH
ENV GOOS=$TARGETOS GOARCH=$TARGETARCH
# The same command as the build step of .ci/run, which checks that the two
# agree; only the version value and the output path differ.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /cra-gate ./cmd/cra-gate

# distroless/static (the default "latest" tag, not "nonroot"): CA
# certificates, no shell. Its default user is root, which GitHub expects of a
# Docker action (no USER): it must read the workspace and write the file
# commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) that the runner mounts. GitHub
# sets the working directory (/github/workspace); nothing here relies on one.
FROM gcr.io/distroless/static-debian12:latest@sha256:d75cdd72874d4790092fcb1b058493ecf6bb5bf2b2b897045b00ff01d91843f2
ARG VERSION=dev
# org.opencontainers.image.source links the GHCR package to the repository.
LABEL org.opencontainers.image.source="https://github.com/cra-gate/cra-gate" \
      org.opencontainers.image.title="cra-gate" \
      org.opencontainers.image.description="CI gate for the EU Cyber Resilience Act" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /cra-gate /cra-gate
ENTRYPOINT ["/cra-gate"]
