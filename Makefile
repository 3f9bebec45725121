# Spotify Stack: the commands a fresh machine needs.
#   make demo   restore, build, and run the whole pipeline on a local lake (no AWS, no Spotify)
#   make test   restore, build, and run every C# and TypeScript test; ends with "N passed, N failed"
#   make cli    spotify-etl compiled ahead of time (ReadyToRun) into artifacts/cli/: the fastest way to run it
#   make bench  whole-process benchmarks against the tutorials' pandas transform (never part of make test)
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

CONFIGURATION ?= Release
LAKE ?= .lake/demo
NPM_STAMP := infra/node_modules/.package-lock.json

.PHONY: demo test build cli restore typecheck bench clean

demo: build
	dotnet run --project functions/SpotifyEtl.Cli -c $(CONFIGURATION) --no-build -- demo --lake $(LAKE)

test: build
	bash scripts/test.sh $(CONFIGURATION)

build: restore
	dotnet build SpotifyStack.sln -c $(CONFIGURATION) --no-restore -nologo -clp:ErrorsOnly

# ReadyToRun for this machine's runtime identifier: no JIT at start-up, so each command starts sooner
# than from `dotnet run` (docs/benchmarks.md measures both). Run it as artifacts/cli/spotify-etl.
cli:
	dotnet publish functions/SpotifyEtl.Cli -c $(CONFIGURATION) --use-current-runtime --self-contained false \
		-p:PublishReadyToRun=true -o artifacts/cli -nologo -clp:ErrorsOnly

restore: $(NPM_STAMP)
	dotnet restore SpotifyStack.sln -nologo

# npm writes this file on every install: re-install only when the lockfile changed.
$(NPM_STAMP): infra/package-lock.json
	npm ci --prefix infra --no-audit --no-fund --loglevel=error

typecheck: $(NPM_STAMP)
	npm run --prefix infra --silent typecheck

# Whole-process benchmarks (about ten minutes on two cores): figures and targets printed, written to docs/benchmarks.md.
bench: restore
	bash benchmarks/bench.sh

clean:
	rm -rf .lake artifacts functions/*/bin functions/*/obj tests/*/bin tests/*/obj infra/node_modules
