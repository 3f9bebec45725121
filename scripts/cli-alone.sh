#!/usr/bin/env bash
# The native spotify-etl copied alone into an empty folder, with no Node.js, no repository and an empty
# cache: demo, query and report must work. Prints "N passed, N failed" for scripts/test.sh to add up.
#   bash scripts/cli-alone.sh artifacts/cli/spotify-etl
set -uo pipefail
executable="${1:?usage: cli-alone.sh PATH-TO-spotify-etl}"
# make cli's build, where the compressed DuckDB library it embedded lies.
built="$(cd "$(dirname "$0")/.." && pwd)/artifacts/cli-build/obj/SpotifyEtl.Cli"
[[ -x "$executable" ]] || { echo "$executable is not an executable: run 'make cli'"; echo "0 passed, 1 failed"; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/alone" "$work/home" "$work/empty-path"
cp "$executable" "$work/alone/spotify-etl"
cd "$work/alone"
passed=0 failed=0
# PATH names an empty folder: no node, no dotnet; HOME is new, so DuckDB's library is unpacked afresh.
run() { env -i HOME="$work/home" PATH="$work/empty-path" LANG=C.UTF-8 ./spotify-etl "$@"; }
check() {
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok: $name"; else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
demo() { run demo --lake lake --days 3 > demo.txt 2>&1 && grep -q "playlist_top_songs: " demo.txt && grep -q "^Report: $work/alone/lake/report.html" demo.txt; }
# The query's answer, not its name alone: no error, and at least one row (the demo's plays have artists).
query() { run query --lake lake --query top_artists --json > query.json && grep -q '"name":"top_artists"' query.json \
  && grep -q '"error":null' query.json && grep -q '"rows":\[\[' query.json; }
report() { run report --lake lake --out out/report.html > report.txt && grep -q "<svg class=\"chart\"" out/report.html && grep -q "Report: " report.txt; }
# DuckDB's library is unpacked into a cache folder named by the hash make cli's build took of the compressed library it
# embedded: the name must be the start of that file's SHA-256 and the library in it that file's bytes, or a library of
# another version could be taken for one unpacked before.
unpacked() {
  local folders=("$work"/home/.cache/spotify-etl/duckdb-*) file name
  [[ ${#folders[@]} -eq 1 && -f "${folders[0]}/libduckdb.so" ]] || { echo "one unpacked library expected, found: ${folders[*]}"; return 1; }
  name="${folders[0]##*/duckdb-}"
  [[ "$name" =~ ^[0-9a-f]{16}$ ]] || { echo "the cache folder ${folders[0]} is not named by a hash"; return 1; }
  while IFS= read -r -d '' file; do
    if [[ "$(sha256sum < "$file" | cut -c1-16)" == "$name" ]]; then
      gunzip -c "$file" | cmp -s - "${folders[0]}/libduckdb.so" && return 0
      echo "${folders[0]} does not hold the library of $file"; return 1
    fi
  done < <(find "$built" -name 'libduckdb-*.so.gz' -print0 2>/dev/null)
  echo "no compressed library under $built hashes to $name"; return 1
}
check "demo runs alone, from sample to report" demo
check "the library unpacked is the one the build embedded, in the folder named by its hash" unpacked
check "query answers alone" query
check "report writes alone" report
check "only the executable was in the folder it ran from" test "$(ls -A "$work/alone" | grep -v -e '^lake$' -e '^out$' -e '\.txt$' -e '\.json$')" = "spotify-etl"
[[ $failed -eq 0 ]] || { echo "--- demo output"; cat demo.txt 2>/dev/null | tail -20; }
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
