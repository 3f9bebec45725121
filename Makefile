# Spotify Stack: the commands a fresh machine needs.
#   make demo   restore, build, run the whole pipeline on a local lake and write the listening report (no AWS, no Spotify);
#               the lake is .lake/demo, or the folder LAKE names (make demo LAKE=~/my-lake)
#   make test   restore, build (make cli too), and run every test: C#, TypeScript, the native tool alone and a smoke of
#               every benchmark path; the tests' last line is "N passed, N failed" (make adds its own error line when one failed)
#   make cli    spotify-etl compiled to native code (NativeAOT) into artifacts/cli/: the fastest way to run it
#   make readme rewrite the README's demo output from a fresh demo run
#   make bench  whole-process benchmarks against the tutorials' pandas transform, a DuckDB SQL peer and a parse floor
#               (make test smoke-runs each path on tiny samples; only make bench measures)
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

# Release alone: the tests, the benchmarks and the stack's package read the Release build (a Debug one would leave them without it).
override CONFIGURATION := Release
LAKE ?= .lake/demo
NPM_STAMP := infra/node_modules/.package-lock.json

.PHONY: demo test test-packages build cli restore typecheck bench readme contract clean

demo: build
	dotnet run --project functions/SpotifyEtl.Cli -c $(CONFIGURATION) --no-build -- demo --lake '$(subst ','\'',$(LAKE))'

# The tests need infra/'s npm packages (the TypeScript tests, the S3 emulator, DuckDB's library); the demo does not.
# The steps that wait on the network overlap those that compute: the Debian packages the tests need install in the
# background (test-packages), and the npm packages beside the .NET build. The native build of make cli builds in folders
# of its own (artifacts/cli-build/), so it runs beside make build too: each leaves the other's idle moments to it.
test: test-packages
	$(MAKE) --no-print-directory -j3 build cli $(NPM_STAMP)
	bash scripts/test.sh $(CONFIGURATION)

test-packages:
	@bash scripts/test-packages.sh start

build: restore
	@echo "make: building the .NET projects (Release; two to three minutes on a fresh clone, quiet unless something fails)"
	dotnet build SpotifyStack.sln -c $(CONFIGURATION) --no-restore -nologo -clp:ErrorsOnly

# NativeAOT for this machine: one executable with no JIT, compiled for this processor's instruction set
# (rebuild it on the machine that runs it): a one-page transform takes 0.03 s against 0.96 s JIT-compiled and 0.56 s
# ReadyToRun (docs/benchmarks.md, "A fresh process transforming one page"). NativeAOT links with the system's C toolchain, clang or gcc (clang is installed with
# apt-get where neither is); where the build still fails, ReadyToRun (precompiled, still needing the .NET runtime) is
# published instead, which the tests of the tool alone in an empty folder do not pass.
# Run it as artifacts/cli/spotify-etl.
# Without the analyzers, which judge the code and change none of its bytes: make build runs them (80 s against 97 s on two cores).
CLI_PUBLISH := dotnet publish functions/SpotifyEtl.Cli -c $(CONFIGURATION) --use-current-runtime -p:CliPackage=true \
	-p:RunAnalyzers=false -o artifacts/cli -nologo -clp:ErrorsOnly
cli:
	@echo "make cli: compiling spotify-etl to native code (two to four minutes, quiet unless something fails)"
	rm -rf artifacts/cli
	command -v clang > /dev/null || command -v gcc > /dev/null || ! command -v apt-get > /dev/null \
	  || bash scripts/apt-install.sh "NativeAOT links spotify-etl with the system's C toolchain" clang \
	  || echo "without clang or gcc the native build will fail and ReadyToRun be published" >&2
	$(CLI_PUBLISH) -p:PublishAot=true -p:IlcInstructionSet=native -p:OptimizationPreference=Speed || { \
	  echo "make cli: the NativeAOT build failed (its error is above; without clang or gcc it cannot link: apt-get install clang); publishing ReadyToRun instead" >&2; \
	  rm -rf artifacts/cli; $(CLI_PUBLISH) --self-contained false -p:PublishReadyToRun=true; }

# The C# constants of infra/contract.json (functions/SpotifyEtl.Core/StackContract.g.cs); run after editing it.
contract: $(NPM_STAMP)
	npx --prefix infra tsx infra/build/generateContract.ts

restore:
	dotnet restore SpotifyStack.sln -nologo

# npm writes this file on every install: re-install only when the lockfile changed.
$(NPM_STAMP): infra/package-lock.json
	npm ci --prefix infra --no-audit --no-fund --loglevel=error

# Rewrites what the README shows of `make demo` from a fresh demo run (a test compares the two). Quiet, but for the
# test's own report when it fails.
readme: build $(NPM_STAMP)
	mkdir -p artifacts
	cd infra && UPDATE_README=1 NODE_PATH=$$PWD/node_modules node --require ../tests/infra/helpers/typescript.cjs --test --test-name-pattern="README shows of make demo" ../tests/infra/readme.test.ts > ../artifacts/readme.log 2>&1 \
	  || { cat ../artifacts/readme.log; exit 1; }

typecheck: $(NPM_STAMP)
	npm run --prefix infra --silent typecheck

# Whole-process benchmarks (about twenty minutes on two cores): figures and targets printed, written to docs/benchmarks.md.
bench: restore $(NPM_STAMP)
	bash benchmarks/bench.sh

clean:
	rm -rf .lake artifacts functions/*/bin functions/*/obj tests/*/bin tests/*/obj infra/node_modules
