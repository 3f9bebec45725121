#!/usr/bin/env bash
# make bench: installs the peers the benchmarks compare against, builds Release and `make cli` (NativeAOT), then runs
# benchmarks/bench.py, which prints every figure with its target and writes them to docs/benchmarks.md.
# Arguments go to bench.py, e.g. `benchmarks/bench.sh --only compare,lambda`; with --history first, the rest go to
# history_bench.py instead (the data-export import against pandas and DuckDB), e.g. `benchmarks/bench.sh --history --rows 1000000`.
# Peers it installs when missing, saying so: python3-pandas (Debian, for the tutorials' pandas transform) and the npm
# packages of infra/ (DuckDB's @duckdb/node-api for the DuckDB SQL peer and the named queries, fauxqs for the Lambda path).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
/usr/bin/python3 -c "import pandas" 2>/dev/null || missing+=(python3-pandas)
command -v taskset >/dev/null || missing+=(util-linux)
if (( ${#missing[@]} > 0 )); then
  bash scripts/apt-install.sh "the pandas peer runs the tutorials' code, taskset pins one core" "${missing[@]}" \
    || { echo "bench.sh: the benchmarks cannot run without ${missing[*]}" >&2; exit 1; }
fi
command -v node >/dev/null || { echo "node is missing: the DuckDB peer and the Lambda benchmark's S3 emulator run on Node.js" >&2; exit 1; }
if [[ ! -f infra/node_modules/fauxqs/dist/app.js || ! -d infra/node_modules/@duckdb/node-api ]]; then
  echo "== installing infra/'s npm packages (npm ci): DuckDB (@duckdb/node-api) for the DuckDB peer, fauxqs for the Lambda path"
  npm ci --prefix infra --no-audit --no-fund --loglevel=error
fi

echo "== building Release, and spotify-etl as make cli publishes it (NativeAOT)"
for project in functions/SpotifyEtl.Cli benchmarks/SpotifyEtl.Floor benchmarks/SpotifyEtl.LambdaBench; do
  dotnet build "$project" -c Release -nologo -clp:ErrorsOnly
done
make --no-print-directory cli
echo "== the floor, compiled as make cli compiles spotify-etl"
rm -rf artifacts/bench-floor
dotnet publish benchmarks/SpotifyEtl.Floor -c Release --use-current-runtime -p:CliPackage=true -p:PublishAot=true \
  -p:IlcInstructionSet=native -p:OptimizationPreference=Speed \
  -o artifacts/bench-floor -nologo -clp:ErrorsOnly || { echo "the floor's NativeAOT build failed: it runs JIT-compiled"; rm -rf artifacts/bench-floor; }

if [[ "${1:-}" == "--history" ]]; then
  shift
  exec /usr/bin/python3 benchmarks/history_bench.py "$@"
fi
/usr/bin/python3 benchmarks/bench.py "$@"
