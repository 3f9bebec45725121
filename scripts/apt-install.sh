#!/usr/bin/env bash
# Installs Debian packages the build or the tests need, quietly, saying why; apt-get's own lines only when it fails.
#   scripts/apt-install.sh "why they are needed" PACKAGE...
# As root it runs apt-get; otherwise through sudo when sudo needs no password here (a terminal's prompt would hang a
# make run). Else, or when apt-get fails (no registry in reach), it prints the command to run and exits 1, and the
# caller says what goes without the packages.
set -uo pipefail
why="$1"; shift
echo "== installing $* (apt-get): $why"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
  # sudo resets the environment: the non-interactive front end is passed through it, or tzdata's question would wait
  # unseen (its output goes to the log) and hang the run.
  sudo=(sudo -n env DEBIAN_FRONTEND=noninteractive)
else
  echo "could not install $*: this needs root. Run: sudo apt-get install -y $*" >&2
  exit 1
fi
log="$(mktemp)"
export DEBIAN_FRONTEND=noninteractive
# The package lists are refreshed only when the install does not find what it needs with the lists it has. A machine
# just started often has apt's daily update or unattended-upgrades holding a lock: the install waits for the package
# lock (up to five minutes), where by default apt-get gives up at once; the update, whose lists lock has no such wait,
# is tried again every five seconds for as long.
lock=(-o DPkg::Lock::Timeout=300)
update() {
  local tries
  for (( tries = 1; ; tries++ )); do
    "${sudo[@]}" apt-get "${lock[@]}" update -qq > "$log.update" 2>&1 && { cat "$log.update"; return 0; }
    cat "$log.update"
    grep -q "Could not get lock" "$log.update" && (( tries < 60 )) || return 1
    sleep 5
  done
}
if { "${sudo[@]}" apt-get "${lock[@]}" install -y -qq "$@" || { update && "${sudo[@]}" apt-get "${lock[@]}" install -y -qq "$@"; }; } < /dev/null > "$log" 2>&1; then
  rm -f "$log" "$log.update"
  exit 0
fi
cat "$log" >&2
rm -f "$log" "$log.update"
echo "could not install $* with apt-get (its output is above; a package registry out of reach?). Run: sudo apt-get install -y $*" >&2
exit 1
