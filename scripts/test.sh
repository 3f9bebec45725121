#!/usr/bin/env bash
# Runs every test runner of the project, then prints one line that adds them up:
# "N passed, N failed". Exits non-zero when any runner or check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
configuration="${1:-Release}"
# The runners' summaries are read below in English: VSTest prints its own in the user's language ("Fehler: 2,
# erfolgreich: 0" under LANG=de_DE.UTF-8), which would leave every C# test uncounted.
export DOTNET_CLI_UI_LANGUAGE=en
# And in the plain form they take in a pipe: MSBuild's terminal logger, when a user's environment forces it on, prints
# its own summary instead of VSTest's, and a forced colour wraps node's summary lines in escape sequences.
export MSBUILDTERMINALLOGGER=off
unset FORCE_COLOR
logs="$(mktemp -d)"
# Where the tests make their files: a folder of a tmpfs (/dev/shm) where the machine has one with room, else the machine's
# temporary folder. The suites make and remove a few hundred thousand files. On ext4 without a journal (this project's CI
# machines) each new file's inode is searched for past every inode freed in the last minutes, which took a third of the
# C# suite's CPU there (recently_deleted, find_inode_bit). The C# suite gets it as TMPDIR, for the processes its tests
# start too; the node tests only for the folders they make themselves (SPOTIFY_TESTS_SCRATCH, read by
# tests/infra/helpers/scratch.ts): the build servers `dotnet build` leaves running keep the machine's temporary folder.
# Tests run programs they write there (stand-ins for make, sudo, gh), so a /dev/shm mounted noexec (Docker's) is passed over.
scratch=""
if [[ -d /dev/shm && -w /dev/shm && "$(stat -f -c %T /dev/shm 2> /dev/null)" == tmpfs ]] \
   && (( $(df -Pk /dev/shm | awk 'NR == 2 { print $4 }') >= 4 * 1024 * 1024 )); then
  scratch="$(mktemp -d /dev/shm/etl-tests.XXXXXX)"
  printf '#!/bin/sh\nexit 0\n' > "$scratch/runs" && chmod +x "$scratch/runs"
  if ! "$scratch/runs" 2> /dev/null; then
    rm -rf "$scratch"; scratch=""
  fi
  rm -f ${scratch:+"$scratch/runs"}
fi
# The benchmark smoke and the typecheck, started in the background below, end before their log folder is removed.
bench_pid="" typecheck_pid=""
trap '${bench_pid:+wait "$bench_pid"}; ${typecheck_pid:+wait "$typecheck_pid"}; rm -rf "$logs" ${scratch:+"$scratch"}' EXIT
passed=0 failed=0 status=0
# A runner that hangs is stopped (exit 124, then counted as a failure) before CI's own limit, so that the count is still
# printed: minutes per runner, two to ten times what each takes on two cores (C# about 8.5, node 4, the benchmark smoke
# 1.5, the typecheck 0.5). Together with the build they stay inside the workflows' `timeout-minutes` for `make test`
# (tests/infra/workflows.test.ts checks the sum). At a terminal the runner stays in
# the foreground, where Ctrl-C reaches it (timeout otherwise puts it in a process group of its own).
# Not in CI, where a runner's children must be stopped with it.
foreground=()
[[ -t 0 && -z "${CI:-}" ]] && foreground=(--foreground)
limit() { local minutes="$1"; shift; timeout "${foreground[@]}" --kill-after=30s "${minutes}m" "$@"; }

# The Debian packages some tests need (chromium, python3-pandas, tzdata, strace, jq, shellcheck): make test starts their install before it
# builds; this waits for it, or installs them itself when run alone.
bash scripts/test-packages.sh finish

# The suites run one after another: the node suite keeps both cores busy, and side by side on two cores the C# and
# node suites took 1,196 s against 955 s one after the other. Only the benchmark smoke and the typecheck run beside the
# C# suite (below).
# Within the C# suite, xunit runs as many test classes at once as there are cores: four at once on two cores took 614 s
# (744 s of user CPU) against 593 s (631 s) for its default. Once the test host's thread pool no longer starved (its
# csproj), three took 486 s against 505 s: too little to load the tests' timing with a third.
echo "== C#: dotnet test (xunit)"
# The tests that run spotify-etl as a process run the native build of `make cli` when there is one.
if [[ -x artifacts/cli/spotify-etl ]]; then
  export SPOTIFY_ETL_CLI="$PWD/artifacts/cli/spotify-etl"
  echo "process tests run $SPOTIFY_ETL_CLI"
fi
# The benchmark smoke runs beside the C# suite, which leaves about a quarter of two cores idle while its tests wait on
# processes and sockets: the two took 521 s side by side against 583 s one after the other. Its output is printed after
# the node suite, in its place.
bench_status_file="$logs/bench.status"
{ limit 10 /usr/bin/python3 benchmarks/bench.py --smoke; echo $? > "$bench_status_file"; } > "$logs/bench.log" 2>&1 &
bench_pid=$!
# The TypeScript typecheck (one core, about 30 s) goes beside it too; its output is printed in its place.
typecheck_status_file="$logs/tsc.status"
{ limit 5 npm run --prefix infra --silent typecheck; echo $? > "$typecheck_status_file"; } > "$logs/tsc.log" 2>&1 &
typecheck_pid=$!
TMPDIR="${scratch:-${TMPDIR:-/tmp}}" limit 20 dotnet test SpotifyStack.sln -c "$configuration" --no-build --nologo 2>&1 | tee "$logs/dotnet.log"
dotnet_status=$?
# VSTest prints, per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
dotnet_fail=0
while read -r f p; do passed=$((passed + p)); dotnet_fail=$((dotnet_fail + f)); done < <(
  sed -nE 's/.*Failed:[[:space:]]*([0-9]+), Passed:[[:space:]]*([0-9]+),.*/\1 \2/p' "$logs/dotnet.log")
if ! grep -qE 'Passed:[[:space:]]*[0-9]+' "$logs/dotnet.log"; then
  echo "dotnet test printed no summary (exit $dotnet_status; 124: stopped after 20 minutes): counting it as one failure"; dotnet_fail=$((dotnet_fail + 1))
elif (( dotnet_status != 0 && dotnet_fail == 0 )); then
  echo "dotnet test failed (exit $dotnet_status) with no failing test counted (a test host that crashed, or a run stopped): counting it as one failure"; dotnet_fail=1
fi
if (( dotnet_status != 0 || dotnet_fail > 0 )); then status=1; fi
failed=$((failed + dotnet_fail))

echo "== TypeScript: tsc --noEmit (strict)"
wait "$typecheck_pid"
cat "$logs/tsc.log"
typecheck_status="$(cat "$typecheck_status_file" 2> /dev/null)"
if [[ "$typecheck_status" != 0 ]]; then
  status=1; failed=$((failed + 1)); echo "typecheck failed (exit ${typecheck_status:-unknown}; 124: stopped after 5 minutes)" | tee -a "$logs/tsc.log"
fi

echo "== TypeScript: node --test"
# The test files run one more at a time than the machine has cores (the test script in infra/package.json): many wait
# on the processes they start (chromium, dotnet, spotify-etl), and node's default, one fewer than the cores, ran them
# one at a time on two cores, which took half as long again. Each file may take ten minutes (--test-timeout): the
# package-determinism test publishes the functions twice (25 s alone on two cores), and took more than five minutes
# on a machine busy with another build.
node_status=0
SPOTIFY_TESTS_SCRATCH="$scratch" limit 15 npm test --prefix infra --silent 2>&1 | tee "$logs/node.log" || { node_status=$?; status=1; }
node_pass=$(sed -nE 's/^ℹ pass ([0-9]+)$/\1/p' "$logs/node.log" | tail -n 1)
node_fail=$(sed -nE 's/^ℹ fail ([0-9]+)$/\1/p' "$logs/node.log" | tail -n 1)
# A test whose suite's set-up failed is reported cancelled, not failed: it did not pass, so it counts as failed.
node_cancelled=$(sed -nE 's/^ℹ cancelled ([0-9]+)$/\1/p' "$logs/node.log" | tail -n 1)
node_fail=$(( ${node_fail:-0} + ${node_cancelled:-0} ))
if [[ -z "$node_pass" ]]; then
  echo "node --test printed no summary (exit $node_status): counting it as one failure"; node_fail=$(( node_fail > 0 ? node_fail : 1 )); node_pass=0; status=1
elif (( node_status != 0 && node_fail == 0 )); then
  echo "node --test failed with no failing test counted (an error outside every test): counting it as one failure"; node_fail=1
fi
passed=$((passed + node_pass)); failed=$((failed + ${node_fail:-0}))

echo "== spotify-etl alone: the native executable in an empty folder, without Node.js"
if [[ -x artifacts/cli/spotify-etl ]]; then
  alone_status=0
  limit 5 bash scripts/cli-alone.sh artifacts/cli/spotify-etl 2>&1 | tee "$logs/alone.log" || { status=1; alone_status=1; }
  read -r alone_pass alone_fail < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$logs/alone.log" | tail -n 1)
  alone_fail=${alone_fail:-1}
  if (( alone_status != 0 && alone_fail == 0 )); then
    echo "the tests of spotify-etl alone failed with no failing test counted: counting it as one failure"; alone_fail=1
  fi
  passed=$((passed + ${alone_pass:-0})); failed=$((failed + alone_fail))
else
  echo "artifacts/cli/spotify-etl is missing: run 'make cli' (make test does)"; failed=$((failed + 1)); status=1
fi

echo "== Benchmarks: every section of make bench once, on tiny samples (bench.py --smoke)"
# A smoke, not a measurement: it checks that every benchmark path still runs with the tool's current options. It ran
# beside the C# suite; its output comes here.
wait "$bench_pid"
cat "$logs/bench.log"
bench_status=0
[[ "$(cat "$bench_status_file" 2> /dev/null)" == 0 ]] || { status=1; bench_status=1; }
bench_pass=$(sed -nE 's/^bench smoke: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$logs/bench.log" | tail -n 1)
bench_fail=$(sed -nE 's/^bench smoke: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$logs/bench.log" | tail -n 1)
if [[ -z "$bench_pass" ]]; then
  echo "the benchmark smoke printed no summary: counting it as one failure"; bench_fail=$(( ${bench_fail:-0} + 1 )); bench_pass=0; status=1
elif (( bench_status != 0 && bench_fail == 0 )); then
  echo "the benchmark smoke failed with no failing path counted: counting it as one failure"; bench_fail=1
fi
passed=$((passed + bench_pass)); failed=$((failed + ${bench_fail:-0}))

# CI keeps only the end of the output: name what failed right above the count.
if (( failed > 0 )); then
  echo "== what failed (the output above has each one's details)"
  {
    # VSTest's line for a failing test, two spaces in: a theory's name holds its arguments, colons among them
    # ("  Failed Ns.Class.Method(seed: 1) [12 s]"); the lines of its error message and output are indented further.
    grep -hE '^  Failed .+ \[[^]]+\]$' "$logs/dotnet.log" | sed -E 's/^  Failed /dotnet: /'
    sed -n '/^✖ failing tests:/,$p' "$logs/node.log" | grep -E '^✖ ' | grep -v '^✖ failing tests:' | sed -E 's/^✖ /node: /'
    grep -h '^FAILED: ' "$logs/alone.log" 2>/dev/null | sed -E 's/^FAILED: /spotify-etl alone: /'
    grep -h '^FAILED bench smoke ' "$logs/bench.log" | cut -c1-200
    grep -h '^typecheck failed' "$logs/tsc.log" 2>/dev/null
  } | sort -u
fi
if (( failed > 0 )); then status=1; fi
# The runners' own counts have the same shape: .ci/run takes the line after this one.
echo "== every runner"
echo "$passed passed, $failed failed"
exit "$status"
