#!/usr/bin/env bash
# make bench: installs the tools the benchmarks need (Debian packages), builds Release and `make cli` (NativeAOT), then runs
# benchmarks/bench.py, which prints every figure with its target and writes them to docs/benchmarks.md.
# Arguments go to bench.py, e.g. `benchmarks/bench.sh --only compare,lambda`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
/usr/bin/python3 -c "import pandas" 2>/dev/null || missing+=(python3-pandas)
if (( ${#missing[@]} > 0 )); then
  echo "== installing ${missing[*]} (Debian packages)"
  if [[ $(id -u) -eq 0 ]]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get install -y "${missing[@]}" || { $sudo apt-get update && $sudo apt-get install -y "${missing[@]}"; }
fi
command -v node >/dev/null || { echo "node is missing: the Lambda benchmark runs the fauxqs S3 emulator on Node.js" >&2; exit 1; }
[[ -f infra/node_modules/fauxqs/dist/app.js ]] || npm ci --prefix infra --no-audit --no-fund --loglevel=error

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

/usr/bin/python3 benchmarks/bench.py "$@"
