# The cra-gate GitHub Action (action.yml: runs.using docker) and a standalone image.
#
# The builder is pinned by version tag only: no registry was reachable when this
# file was written to look up its digest. Pin golang:1.26-bookworm@sha256:... when
# you can.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The same command as the build step of .ci/run; only the version value and the
# output path differ. Keep the two in step.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/cra-gate/cra-gate/cli.Version=${VERSION}" -o /cra-gate ./cmd/cra-gate

# distroless/static: CA certificates, no shell. Its default user is root, which
# GitHub expects of a Docker action (no USER): it must read the workspace and
# write the file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) that the runner
# mounts. GitHub sets the working directory (/github/workspace); nothing here
# relies on one.
FROM gcr.io/distroless/static-debian12
COPY --from=build /cra-gate /cra-gate
ENTRYPOINT ["/cra-gate"]
