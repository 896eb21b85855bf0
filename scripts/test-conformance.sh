#!/usr/bin/env bash
# `npm run test:conformance`: writes what the Go suites judge (the renders out/<variant>/, see
# RENDER_VARIANTS in scripts/render.ts; the TS validators' corpus out/validator-corpus.json), then
# runs every suite of conformance/ on them.
set -euo pipefail
cd "$(dirname "$0")/.."
crds="${FLUX_GITOPS_CRDS:-../shared/crds}"
if [ ! -f "$crds/SOURCES.md" ]; then
    echo "test:conformance: the upstream reference CRDs are missing ($crds/SOURCES.md not found)." >&2
    echo "Check out the shared folder beside the repository, or set FLUX_GITOPS_CRDS to it." >&2
    exit 1
fi
if ! command -v go >/dev/null; then
    echo "test:conformance: the go command is missing (conformance/go.mod names the Go release it needs)." >&2
    exit 1
fi
npm run --silent render:conformance
npx ts-node --transpile-only scripts/validator-corpus.ts
cd conformance
go vet ./...
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
    echo "test:conformance: gofmt -l lists: $unformatted" >&2
    exit 1
fi
# -count=1: Go's test cache does not see out/, which lies outside the module.
go test -count=1 ./... "$@"
