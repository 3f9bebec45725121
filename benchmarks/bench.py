#!/usr/bin/env python3
"""`make bench`: whole-process benchmarks of the transformation, each figure printed with its target,
and written with the machine and the date into docs/benchmarks.md (between the bench markers).

Run by benchmarks/bench.sh, which installs the tools and builds Release first. Sections can be chosen:
    benchmarks/bench.sh --only compare,growth
Sections: compare, growth, memory, backfill, package, startup, lambda, settings.

`--smoke` runs every section on tiny samples in a temporary folder, once, and writes no figures: make test
runs it, so that a changed option breaks a test rather than the next `make bench`. It ends with the line
"N passed, N failed" (one per section).
"""
import argparse
import concurrent.futures
import contextlib
import datetime
import functools
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from dotnet_env import dotnet_environment
from history_bench import generate as generate_export

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = os.path.join(ROOT, ".lake", "bench")
CLI = os.path.join(ROOT, "artifacts", "cli", "spotify-etl")  # as `make cli` publishes it (NativeAOT)
# `make cli` falls back to ReadyToRun where the C toolchain NativeAOT links with is missing: then a .dll sits beside it.
CLI_KIND = "ReadyToRun, NativeAOT failed" if os.path.exists(CLI + ".dll") else "NativeAOT"
BUILT_CLI = os.path.join(ROOT, "functions", "SpotifyEtl.Cli", "bin", "Release", "net10.0", "spotify-etl")  # `dotnet build` output
# The floor compiled as `make cli` compiles spotify-etl (bench.sh), or its JIT-compiled build output.
NATIVE_FLOOR = os.path.join(ROOT, "artifacts", "bench-floor", "SpotifyEtl.Floor")


def _newer_than_sources(binary: str, sources: str) -> bool:
    """Whether a compiled file exists and is newer than every source beside its project: an older one is stale."""
    if not os.path.exists(binary):
        return False
    newest = max((os.path.getmtime(os.path.join(folder, name)) for folder, _, names in os.walk(sources)
                  if os.path.relpath(folder, sources).split(os.sep)[0] not in ("bin", "obj")
                  for name in names if name.endswith((".cs", ".csproj"))), default=0)
    return os.path.getmtime(binary) > newest


# Only `make bench` compiles the native floor; a change of the floor's sources since then (its own, or any file of the
# transformation's folder, where the tokenizer it compiles in lives) runs the build output instead.
FLOOR = NATIVE_FLOOR if _newer_than_sources(NATIVE_FLOOR, os.path.join(ROOT, "benchmarks", "SpotifyEtl.Floor")) and _newer_than_sources(
    NATIVE_FLOOR, os.path.join(ROOT, "functions", "SpotifyEtl.Core", "Transformation")) else os.path.join(
    ROOT, "benchmarks", "SpotifyEtl.Floor", "bin", "Release", "net10.0", "SpotifyEtl.Floor")
FLOOR_KIND = "NativeAOT" if FLOOR == NATIVE_FLOOR else "JIT-compiled"
LAMBDA_BENCH = os.path.join(ROOT, "benchmarks", "SpotifyEtl.LambdaBench", "bin", "Release", "net10.0", "SpotifyEtl.LambdaBench")
PANDAS = os.path.join(ROOT, "benchmarks", "tutorial-pandas", "transform.py")
PROXY = os.path.join(ROOT, "benchmarks", "s3-counting-proxy.mjs")
FAUXQS = os.path.join(ROOT, "infra", "node_modules", "fauxqs", "dist", "app.js")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SECTIONS = ["compare", "growth", "memory", "backfill", "package", "startup", "lambda", "settings"]
DUCKDB_PEER = os.path.join(ROOT, "benchmarks", "duckdb-peer", "transform.mjs")
SAME_ROWS = os.path.join(ROOT, "benchmarks", "duckdb-peer", "same-rows.mjs")
QUERIES = os.path.join(ROOT, "queries")
# The bounds of `spotify-etl sample`; larger samples need its --large.
SAMPLE_DAYS, SAMPLE_ITEMS = 366, 10_000
# The cores this process may run on (a container's CPU set may leave CPU 0 out, and hold fewer than the host has):
# "every core" is all of them, "one core" the first of them.
CORES = sorted(os.sched_getaffinity(0))
ONE_CORE = ["taskset", "-c", str(CORES[0])]
# The runtime a ReadyToRun build is compiled for: this machine's, which runs it.
HOST_RID = "linux-arm64" if platform.machine() in ("aarch64", "arm64") else "linux-x64"

# The samples of each section: (days, items). --smoke swaps in SMOKE_SIZES.
SIZES = {
    "compare": (2, 10_000),
    "growth": [("1 day, 1k", 1, 1000), ("1 day, 5k", 1, 5000), ("1 day, 20k", 1, 20000), ("1 day, 50k", 1, 50000),
               ("7 days, 2k", 7, 2000)],
    "memory-days": [10, 100, 1000],
    "memory-day-items": 100,
    "memory-large-day": 100_000,
    "backfill": (1096, 500),
    # The listener's data export imported into the backfill's lake: its streams over the same three years (about ninety
    # a day, five hours of listening: a heavy listener's history).
    "backfill-streams": 100_000,
    "startup": 50,
    "lambda": [2500, 10000, 500],
    "settings": (1, 20000),
}
SMOKE_SIZES = {
    "compare": (2, 60),
    "growth": [("1 day, 20", 1, 20), ("1 day, 60", 1, 60), ("2 days, 20", 2, 20)],
    "memory-days": [2, 4],
    "memory-day-items": 10,
    # Above the sample's bound of 10,000 items, so that the smoke takes `sample --large` as the full sections do.
    "memory-large-day": 10_001,
    # Past the sample's bound of 366 days, so that the smoke takes `sample --days ... --large` as the full backfill does.
    "backfill": (367, 2),
    "backfill-streams": 300,
    "startup": 50,
    "lambda": [50, 100, 10],
    "settings": (1, 60),
}
SMOKE = False

MB = 1_000_000
S3_LATENCY_MS = 20  # the round trip the Lambda path is also measured with
lines = []  # the markdown of the section being measured
last_cpu = [0.0]  # user + system CPU seconds of the last measured process


def say(text=""):
    print(text, flush=True)
    lines.append(text)


def take_lines():
    text = "\n".join(lines).strip()
    lines.clear()
    return text


def verdict(met):
    return "**met**" if met else "**not met**"


def run(command):
    """Runs a tool (dotnet publish) whose time is not measured; stops the benchmark when it fails."""
    result = subprocess.run(command, capture_output=True, text=True, env=dotnet_environment())
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def run_measured(command, env=None):
    """Runs a whole process; returns (seconds, its peak resident set in bytes, its standard output)."""
    full_env = dotnet_environment()
    full_env.update(env or {})
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=full_env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        last_cpu[0] = usage.ru_utime + usage.ru_stime
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{out.read()}\n{err.read()}")
        return seconds, usage.ru_maxrss * 1024, out.read()


@functools.cache
def sample_generator():
    """A digest of the sample generator's sources: a sample another version of it made is made again."""
    folder = os.path.join(ROOT, "functions", "SpotifyEtl.SampleLibrary")
    digest = hashlib.sha256()
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".cs")):
        with open(os.path.join(folder, name), "rb") as source:
            digest.update(name.encode() + b"\0" + source.read())
    return digest.hexdigest()[:16]


def sample_lake(name, days, items, seed=3):
    """A lake folder holding only raw/ from `spotify-etl sample` (made once by this version of the generator, then reused)."""
    lake = os.path.join(WORK, name)
    stamp = os.path.join(lake, ".sample")
    wanted = f"days={days} items={items} seed={seed} generator={sample_generator()}"
    if not (os.path.exists(stamp) and open(stamp).read() == wanted):
        shutil.rmtree(lake, ignore_errors=True)
        large = ["--large"] if days > SAMPLE_DAYS or items > SAMPLE_ITEMS else []
        print(f"  (making the sample {name}: spotify-etl sample --days {days} --items {items} {' '.join(large)})", flush=True)
        run_measured([CLI, "sample", "--out", lake, "--days", str(days), "--items", str(items), "--seed", str(seed), *large])
        with open(stamp, "w") as handle:
            handle.write(wanted)
    return lake


def raw_size(lake):
    """Bytes, files, and playlist entries plus plays (one "added_at" or "played_at" each) under raw/."""
    total = files = items = 0
    for folder, _, names in os.walk(os.path.join(lake, "raw")):
        for name in names:
            with open(os.path.join(folder, name), "rb") as handle:
                body = handle.read()
            total += len(body)
            files += 1
            items += body.count(b'"added_at"') + body.count(b'"played_at"')
    return total, files, items


# What a measured process leaves (a lake's output, a peer's, a landing's whole lake) is moved here, not deleted, and
# removed once every section has measured: ext4 without a journal (this machine's root file system) will not hand out
# an inode freed in the last minutes (up to five), and each new file's allocation searches past every such inode of its
# group. Deleting each run's output before the next made every later process search past the last minutes' deletions,
# hundreds per round: a landing (612 new files) took twice as long, and an in-place run paid too. A user's run follows
# no such deletion. Under WORK as it is when the process runs (a smoke has its own).
def set_aside_folder():
    return os.path.join(WORK, "set-aside")


def set_aside(path):
    """Moves a file or folder out of the way into set_aside_folder(); nothing when it is not there."""
    if os.path.lexists(path):
        os.makedirs(set_aside_folder(), exist_ok=True)
        os.rename(path, os.path.join(set_aside_folder(), f"{time.time_ns()}-{os.path.basename(path)}"))


def reset(lake):
    """Everything but raw/ set aside: each transform starts from a lake with no output."""
    for entry in os.listdir(lake):
        if entry not in ("raw", ".sample"):
            set_aside(os.path.join(lake, entry))


@functools.cache
def ready_to_run_cli():
    """spotify-etl published ReadyToRun (framework-dependent, for this machine's processor), once per benchmark run."""
    return os.path.join(publish("cli-r2r"), "spotify-etl")


def transform(lake, env=None, cli=CLI, prefix=()):
    """In place: the lake's own raw/ transformed, from a lake with no output."""
    reset(lake)
    return run_measured([*prefix, cli, "transform", "--lake", lake], env=env)


def land(sample, prefix=()):
    """With landing: `--input` copies the sample's raw files into an empty lake of its own, then transforms them."""
    lake = os.path.join(set_aside_folder(), f"{time.time_ns()}-landed")
    return run_measured([*prefix, CLI, "transform", "--input", os.path.join(sample, "raw"), "--lake", lake])


@functools.cache
def raw_json(lake):
    """The .json files under raw/ and their bytes: what the pandas peer and the floor each say they read."""
    files = total = 0
    for folder, _, names in os.walk(os.path.join(lake, "raw")):
        for name in names:
            if name.endswith(".json"):
                files += 1
                total += os.path.getsize(os.path.join(folder, name))
    return files, total


def read_all(result, lake, said, who):
    """The result, once the process's own count of what it read matches the raw files: one that read less is no peer."""
    files, total = raw_json(lake)
    expected = said.format(files=files, bytes=total)
    if not result[2].startswith(expected):
        raise SystemExit(f"{who} read other files than the lake's raw/ holds: it said {result[2].strip()!r}, expected {expected!r}...")
    return result


def pandas(lake, prefix=()):
    out = os.path.join(WORK, "pandas-out")
    set_aside(out)
    return read_all(run_measured([*prefix, "/usr/bin/python3", PANDAS, os.path.join(lake, "raw"), out]), lake, "{files} files: ", "the pandas peer")


def duckdb(lake, prefix=(), threads=None):
    out = os.path.join(WORK, "duckdb-out")
    set_aside(out)  # the peer empties it otherwise
    return run_measured([*prefix, "node", DUCKDB_PEER, os.path.join(lake, "raw"), out,
                         *(["--threads", str(threads)] if threads else [])])


def floor(lake, parallel=False, prefix=(), tokenizer=False):
    """A bare pass over every raw file: the runtime's Utf8JsonReader, or the tokenizer the transform reads with."""
    return read_all(run_measured([*prefix, FLOOR, os.path.join(lake, "raw"), *(["--parallel"] if parallel else []),
                                  *(["--tokenizer"] if tokenizer else [])]), lake, "{files} files, {bytes} bytes, ", "the floor")


def has_pandas():
    return subprocess.run(["/usr/bin/python3", "-c", "import pandas"], capture_output=True).returncode == 0


# The comparison's second in-place run of a round, started right after the first; shown, not judged.
AGAIN = "spotify-etl, in place, again at once"
# The floor's pass made by the transform's own tokenizer (JsonTokens) rather than the runtime's reader; shown, not judged:
# the goal is set against a bare parse with the runtime's reader, what a user who wrote one would get.
TOKENIZER_FLOOR = "floor, the transform's tokenizer"
# The in-place run with the heap's page size forced (SPOTIFY_ETL_HUGE_PAGES); shown, not judged.
HUGE, SMALL = "spotify-etl, in place, heap on 2 MB pages", "spotify-etl, in place, heap on 4 KB pages"

# Seconds each of the comparison's processes but AGAIN waits before it starts. A virtual machine that hands the
# memory a process frees back to its host (free page reporting) gives it to the next process cold, and touching it
# again costs the host's fault on every page. This one reports freed memory about 2 s after a process frees it: a
# process started 0.5 s after the last one finds warm memory, one started 2 s after finds cold, and one started 1 to
# 1.5 s after finds either, alternating from one process to the next (docs/benchmarks.md, "The goals, and where
# they stand").
# Past that delay every judged process starts on memory as cold as a user's first run after a pause.
SETTLE = 2.5


def settle():
    """
    Before a judged process (not in a smoke): what earlier processes wrote goes to the disk first, then SETTLE seconds
    pass, so that it starts on cold memory, as every other does, and with nothing left to write back. The kernel writes
    a file back about 30 s after it was written, during whichever process then runs, and with the outputs set aside
    rather than deleted (set_aside) every process's output is written back.
    """
    if not SMOKE:
        os.sync()
        time.sleep(SETTLE)


def compare(pairs):
    say("## Against pandas, DuckDB and the floor")
    say()
    days, items = SIZES["compare"]
    lake = sample_lake(f"days-{days}-items-{items}", days=days, items=items)
    size, files, count = raw_size(lake)
    if not has_pandas():
        raise SystemExit("pandas is not installed: the comparison's peer needs python3-pandas (make bench and make test install it with apt-get)")
    cores = len(CORES)
    processes = {
        "spotify-etl, in place": lambda: transform(lake),
        # The same run at once after itself: the memory it touches is what its predecessor just freed.
        AGAIN: lambda: transform(lake),
        # The heap's page size forced each way (the transform chooses it for the machine: docs/cli.md).
        HUGE: lambda: transform(lake, env={"SPOTIFY_ETL_HUGE_PAGES": "on"}),
        SMALL: lambda: transform(lake, env={"SPOTIFY_ETL_HUGE_PAGES": "off"}),
        "spotify-etl, landing (`--input`)": lambda: land(lake),
        "DuckDB SQL peer": lambda: duckdb(lake),
        "pandas (tutorials)": lambda: pandas(lake),
        "floor": lambda: floor(lake, parallel=True),
        TOKENIZER_FLOOR: lambda: floor(lake, parallel=True, tokenizer=True),
        "spotify-etl, in place, one core": lambda: transform(lake, prefix=ONE_CORE),
        "spotify-etl, landing, one core": lambda: land(lake, prefix=ONE_CORE),
        "DuckDB SQL peer, one core": lambda: duckdb(lake, prefix=ONE_CORE, threads=1),
        "floor, one core": lambda: floor(lake, prefix=ONE_CORE),
        TOKENIZER_FLOOR + ", one core": lambda: floor(lake, prefix=ONE_CORE, tokenizer=True),
    }
    huge_by_default = same_tables(lake)
    times = {name: [] for name in processes}
    cpu = {name: [] for name in processes}
    for _ in range(pairs):
        for name, measure in processes.items():
            if name != AGAIN:
                settle()
            times[name].append(measure()[0])
            cpu[name].append(last_cpu[0])
    say(f"`spotify-etl sample --days {days} --items {items} --seed 3`: {files} raw objects, {size / MB:.1f} MB, {count:,} items. "
        f"Whole processes, {pairs} rounds, the processes alternating within a round, each but the run again at once "
        f"started {SETTLE:g} s after the one before it (\"The goals, and where they stand\", below); medians. Every core is {cores} here; "
        f"one core is `taskset -c {CORES[0]}` (and DuckDB's `threads` set to 1, since it sizes its pool by the machine's cores); "
        f"pandas runs on one core either way, and its one row serves both ratios. spotify-etl is the build of `make cli` "
        f"({CLI_KIND}{'' if CLI_KIND == 'NativeAOT' else ': slower than the native build, so every ratio here is below what it would be'}). The floor is "
        + ("compiled as `make cli` compiles spotify-etl (NativeAOT)." if FLOOR_KIND == "NativeAOT" else
           "its JIT-compiled build output (the native build failed, or is older than its sources): it starts slower than "
           "spotify-etl, so the ratios to it flatter spotify-etl."))
    say()
    say("| process | median s | CPU s (user + system) | runs (s) |")
    say("|---|---:|---:|---|")
    for name, values in times.items():
        say(f"| {name} | {statistics.median(values):.3f} | {statistics.median(cpu[name]):.3f} | {', '.join(f'{t:.3f}' for t in values)} |")
    say()

    def ratios(slow, fast):
        return sorted(a / b for a, b in zip(times[slow], times[fast]))

    def ratio(slow, fast):
        return statistics.median(ratios(slow, fast))

    def judged(slow, fast, goal, at_least=True):
        """The median of the rounds' ratios against its goal, with the middle half of the rounds: a goal inside that
        range is met in some rounds and not in others, and a quieter host may decide it."""
        values = ratios(slow, fast)
        low, _, high = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else values * 3
        median = statistics.median(values)
        met = median >= goal if at_least else median <= goal
        unsettled = ", inside the middle half of the rounds" if low < goal < high else ""
        return (f"**{median:.2f}x** (the middle half of the rounds {low:.2f} to {high:.2f}x; goal {'at least' if at_least else 'within'} "
                f"{goal:g}x): {verdict(met)}{unsettled}")

    for suffix, label in (("", "every core"), (", one core", "one core")):
        ours, landing = f"spotify-etl, in place{suffix}", f"spotify-etl, landing{suffix}" if suffix else "spotify-etl, landing (`--input`)"
        peer, bare = f"DuckDB SQL peer{suffix}", f"floor{suffix}"
        say(f"- {label}: pandas / spotify-etl in place {judged('pandas (tutorials)', ours, 10)}; "
            f"with landing {judged('pandas (tutorials)', landing, 8)}")
        ahead, ahead_landing = ratio(peer, ours), ratio(peer, landing)
        say(f"- {label}: DuckDB / spotify-etl in place **{ahead:.2f}x**, with landing **{ahead_landing:.2f}x** "
            f"(goal above 1, ahead of DuckDB): {verdict(ahead > 1 and ahead_landing > 1)}")
        say(f"- {label}: spotify-etl in place / the floor {judged(ours, bare, 2, at_least=False)}")
        say(f"- {label}, not judged: spotify-etl in place / a bare pass of its own tokenizer **{ratio(ours, TOKENIZER_FLOOR + suffix):.2f}x** "
            f"(that pass / the floor's **{ratio(TOKENIZER_FLOOR + suffix, bare):.2f}x**)")
    again, first = statistics.median(times[AGAIN]), statistics.median(times["spotify-etl, in place"])
    say(f"- every core, not judged: spotify-etl in place run again at once, after itself, **{again:.3f} s**"
        + f" (pandas / it **{ratio('pandas (tutorials)', AGAIN):.2f}x**)"
        + f", against {first:.3f} s for the first run, started like every other process {SETTLE:g} s after the one before "
        "it. A gap between the two is memory first touched: a virtual machine that hands the memory a process frees back "
        "to its host gives it to the next process cold unless that one starts at once (\"The goals, and where they "
        "stand\", below). The goals are judged on the first run.")
    say(f"- every core, not judged: the heap forced onto 2 MB pages (`SPOTIFY_ETL_HUGE_PAGES=on`) **{statistics.median(times[HUGE]):.3f} s**, "
        f"onto 4 KB pages (`off`) **{statistics.median(times[SMALL]):.3f} s**; the first run above took the page size "
        f"the transform chose for this machine ({'2 MB' if huge_by_default else '4 KB: its host takes freed memory back and a 4 KB fault is cheap'}; "
        "\"The heap's page size\", below).")
    say()


PEER_TABLES = ["songs", "albums", "artists", "song_artists", "playlists", "playlist_entries", "plays"]


def same_tables(lake):
    """The DuckDB peer writes the rows spotify-etl writes, table by table and value by value (same-rows.mjs), or the
    comparison stops here; checked once, before the timed rounds, by a process of its own. Returns whether the
    transform put its heap on huge pages, as it chose for this machine."""
    reset(lake)
    summary = json.loads(run_measured([CLI, "transform", "--lake", lake, "--json"])[2])
    duckdb(lake)
    checked = subprocess.run(["node", SAME_ROWS, os.path.join(lake, "transformed"), os.path.join(WORK, "duckdb-out"), *PEER_TABLES],
                             capture_output=True, text=True)
    if checked.returncode != 0:
        raise SystemExit(f"comparing the DuckDB peer's tables with spotify-etl's failed ({checked.returncode}):\n{checked.stderr.strip()}")
    compared = json.loads(checked.stdout)
    differ = [f"{table}: {found['differ']:,} rows one has and the other lacks" for table, found in compared.items() if found["differ"]]
    if differ:
        raise SystemExit("the DuckDB peer's tables differ from spotify-etl's: " + "; ".join(differ))
    by_design = {table: found["by_design"] for table, found in compared.items() if found["by_design"]}
    rows = ", ".join(f"{table} {found['rows']:,}" for table, found in compared.items())
    say(f"Both write the same rows, compared value by value over the columns both write: {rows}. "
        + (f"spotify-etl writes some of them differently by design ({', '.join(f'{table} {n:,}' for table, n in by_design.items())}): "
           "a line break in a text as a space, and an album's release read with its precision. " if by_design else "")
        + "The DuckDB peer leaves out the saved_tracks and top_items tables, the current-state tables and their digests, "
        "and the rest listed under the figures.")
    say()
    return summary["heap_huge_pages"]


def growth(runs):
    say("## Growth")
    say()
    say(f"Median of {runs} transforms each, one fresh process per run, each started {SETTLE:g} s after the one before it "
        "(on cold memory, as in the comparison above), from a lake with no output.")
    say()
    say("| sample | raw objects | MB | items | median s | µs per item | ms per MB |")
    say("|---|---:|---:|---:|---:|---:|---:|")
    one_day = []
    for label, days, items in SIZES["growth"]:
        lake = sample_lake(f"days-{days}-items-{items}", days=days, items=items)
        size, files, count = raw_size(lake)
        times = []
        for _ in range(runs):
            settle()
            times.append(transform(lake)[0])
        seconds = statistics.median(times)
        if days == 1:
            one_day.append((label, count, seconds))
        say(f"| {label} | {files} | {size / MB:.1f} | {count:,} | {seconds:.2f} | {seconds / count * 1e6:.1f} | {seconds / (size / MB) * 1000:.1f} |")
    # Per item including start-up falls as samples grow; the cost of each further item is what must stay flat.
    steps = [(f"{a[0].split(', ')[1]} to {b[0].split(', ')[1]}", (b[2] - a[2]) / (b[1] - a[1]) * 1e6)
             for a, b in zip(one_day, one_day[1:])]
    say()
    say("Cost of each further item between one-day samples: "
        + ", ".join(f"{span}: {value:.1f} µs" for span, value in steps) + ".")
    growth_ratio = steps[-1][1] / steps[0][1] if steps[0][1] > 0 else float("inf")
    say()
    say(f"- cost per further item at {steps[-1][0]} / at {steps[0][0]}: {growth_ratio:.2f} "
        f"(flat or falling, not growing with the input: at most 1.5): {verdict(growth_ratio <= 1.5)}")
    say()


def days_of(lake):
    """The raw bytes and objects of each snapshot date of a lake."""
    days = {}
    for folder, _, names in os.walk(os.path.join(lake, "raw")):
        date = next((part for part in folder.split(os.sep) if part.startswith("snapshot_date=")), None)
        for name in names:
            size, count = days.get(date, (0, 0))
            days[date] = (size + os.path.getsize(os.path.join(folder, name)), count + 1)
    return days


def largest_day_alone(lake):
    """A lake holding only the largest day of another one's raw/ (hard links: the bench's own copy, never changed)."""
    days = days_of(lake)
    date = max(days, key=lambda d: days[d][0])
    alone = os.path.join(WORK, "largest-day")
    shutil.rmtree(alone, ignore_errors=True)
    for folder, _, names in os.walk(os.path.join(lake, "raw")):
        if date not in folder.split(os.sep):
            continue
        target = os.path.join(alone, os.path.relpath(folder, lake))
        os.makedirs(target, exist_ok=True)
        for name in names:
            os.link(os.path.join(folder, name), os.path.join(target, name))
    return alone, days[date][0]


def peak_runs(count, *lakes):
    """Each lake transformed in place count times, the lakes alternating: per lake, its runs' (seconds, peak bytes)."""
    runs = {lake: [] for lake in lakes}
    for _ in range(count):
        for lake in lakes:
            settle()  # the sample may just have been written: its write-back runs before, not during, the timed run
            seconds, peak, _ = transform(lake)
            runs[lake].append((seconds, peak))
    return [runs[lake] for lake in lakes]


def median_of(runs, index):
    return statistics.median(run[index] for run in runs)


def span(runs, index, scale):
    values = sorted(run[index] / scale for run in runs)
    return f"{values[0]:.0f}" if round(values[0]) == round(values[-1]) else f"{values[0]:.0f} to {values[-1]:.0f}"


def memory(count):
    """Medians of count runs per row: two single runs of the 1,000-day row peaked at 69 and 56 MB."""
    say("## Peak memory")
    say()
    items = SIZES["memory-day-items"]
    say(f"Peak resident memory (max RSS) of `spotify-etl transform` in place over samples of more and more days "
        f"(`sample --items {items}`; the sample's playlists grow and shrink over the days, so longer samples have "
        f"larger largest days), against the same process transforming only the sample's largest day. Medians of {count} "
        f"runs each, the whole sample and its largest day alone alternating; two single runs of a row have differed by a fifth.")
    say()
    say("| days | raw objects | raw MB | largest day MB | seconds | peak MB | peak MB, the runs | peak MB, largest day alone | extra KB per raw object |")
    say("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    extras = []
    for days in SIZES["memory-days"]:
        lake = sample_lake(f"days-{days}-items-{items}", days=days, items=items)
        size, files, _ = raw_size(lake)
        alone, day_bytes = largest_day_alone(lake)
        whole, alone_runs = peak_runs(count, lake, alone)
        peak, alone_peak = median_of(whole, 1), median_of(alone_runs, 1)
        extra = max(0, peak - alone_peak) / files
        extras.append(extra)
        say(f"| {days:,} | {files:,} | {size / MB:,.0f} | {day_bytes / MB:.1f} | {median_of(whole, 0):.1f} | {peak / MB:.0f} | "
            f"{span(whole, 1, MB)} | {alone_peak / MB:.0f} | {extra / 1000:.1f} |")
    say()
    say(f"- memory beyond the largest day, per raw object, at {SIZES['memory-days'][-1]:,} days: **{extras[-1] / 1000:.1f} KB** "
        f"(bounded by the largest day plus a small cost per object: at most 4 KB): {verdict(extras[-1] <= 4000)}")
    big = SIZES["memory-large-day"]
    lake = sample_lake(f"days-1-items-{big}", days=1, items=big)
    size, files, items_read = raw_size(lake)
    [large] = peak_runs(count, lake)
    seconds, peak = median_of(large, 0), median_of(large, 1)
    say(f"- one large day, `sample --days 1 --items {big}`: {files} raw objects, {size / MB:.0f} MB, {items_read:,} items; "
        f"{seconds:.1f} s, peak **{peak / MB:.0f} MB** ({span(large, 1, MB)} in {count} runs), {peak / size:.2f} times the day "
        f"(target below 3x): {verdict(peak < 3 * size)}")
    say()


def named_queries():
    return sorted(f[:-4] for f in os.listdir(QUERIES) if f.endswith(".sql"))


def lake_query(lake, name, *options):
    """One named query (every one when name is None) as `spotify-etl query` runs it, in a process of its own: its
    seconds, and the bytes it read from files (the last `rchar` of /proc/PID/io seen before it exits, sampled every 10 ms)."""
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        # Output to files, not pipes: an answer larger than a pipe's buffer would block the process unread.
        started = time.perf_counter()
        process = subprocess.Popen([CLI, "query", "--lake", lake, *(("--query", name) if name else ()), "--json", *options],
                                   stdout=stdout, stderr=stderr, text=True)
        read = 0
        while process.poll() is None:
            try:
                with open(f"/proc/{process.pid}/io") as io:
                    read = max(read, int(next(l for l in io if l.startswith("rchar:")).split(":")[1]))
            except (OSError, StopIteration, ValueError):
                pass
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read(), stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"the named query {name} failed on {lake}:\n{err}")
    answers = json.loads(out)
    rows = sum(len(answer["rows"]) for answer in answers)
    return {"name": name, "seconds": seconds, "bytesRead": read, "rows": rows, "answers": answers}

def folder_bytes(folder):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(folder) for f in fs)


CURRENT_TABLES = ("songs", "albums", "artists", "song_artists", "playlists")


def last_day_object(lake):
    """One raw object of the lake's last snapshot date: transforming it rebuilds that whole day (a replay)."""
    days = sorted({d for source in os.listdir(os.path.join(lake, "raw"))
                   for d in os.listdir(os.path.join(lake, "raw", source)) if d.startswith("snapshot_date=")})
    for source in sorted(os.listdir(os.path.join(lake, "raw"))):
        folder = os.path.join(lake, "raw", source, days[-1])
        for root, _, names in os.walk(folder):
            for name in sorted(names):
                if name.endswith(".json"):
                    return days[-1].split("=")[1], os.path.join(root, name)
    raise SystemExit(f"no raw object in {lake}")


def backfill():
    say("## A three-year backfill on a laptop")
    say()
    days, items = SIZES["backfill"]
    lake = sample_lake(f"days-{days}-items-{items}", days=days, items=items)
    # The import lands the export under raw/spotify_export/: a run stopped before its end left one in the sample, which
    # is set aside so that every run measures and transforms the sample as it was made (and again at the end, below).
    export_raw = os.path.join(lake, "raw", "spotify_export")
    set_aside(export_raw)
    size, files, count = raw_size(lake)
    settle()  # a fresh clone has just written the 4.7 GB sample: its write-back runs before the timed run, not during it
    seconds, peak, _ = transform(lake)
    say(f"`spotify-etl sample --days {days} --items {items}{' --large' if days > SAMPLE_DAYS else ''}` ({files:,} raw objects, "
        f"{size / 1e9:.1f} GB, {count:,} items), then `spotify-etl transform --lake` in place: **{seconds:.0f} s**, "
        f"{size / MB / seconds:.0f} MB/s, peak resident memory **{peak / MB:.0f} MB**.")
    say()
    try:
        backfill_history_and_queries(lake)
    finally:
        set_aside(export_raw)


def backfill_history_and_queries(lake):
    """The backfill's lake once transformed: the replays, the export imported, then the named queries."""
    # The replays and the rebuild first, on the lake as the transform left it: once an export is imported, a transform
    # also rebuilds the history's months its days' plays reach, which is the import's cost, not the current tables'.
    current_cost = current_tables_cost(lake)
    dates = sorted(date for date in days_of(lake) if date)
    first, last = (datetime.date.fromisoformat(d.split("=", 1)[1]) for d in (dates[0], dates[-1]))
    streams = SIZES["backfill-streams"]
    export = generate_export(streams, os.path.join(WORK, f"export-{streams}-{first}-{last}"), first, (last - first).days + 1)
    export_bytes = sum(os.path.getsize(f) for f in export)
    settle()
    import_seconds, import_peak, out = run_measured([CLI, "import", *export, "--lake", lake, "--json"])
    imported = json.loads(out)
    say(f"A listener's data export over the same days then imported into that lake (`spotify-etl import`: an extended "
        f"streaming history generated as `benchmarks/history_bench.py` makes it, {streams:,} streams, about "
        f"{streams / ((last - first).days + 1):.0f} a day, in {len(export)} files, {export_bytes / MB:.0f} MB): "
        f"**{import_seconds:.1f} s**, peak resident memory {import_peak / MB:.0f} MB, {imported['history_rows']:,} rows of "
        f"`listening_history` (the export's streams and the API's plays, each counted once).")
    say()
    queries = []
    # Untimed: a machine that never ran a query unpacks DuckDB's library into its cache on the first one.
    lake_query(lake, named_queries()[0])
    names = named_queries()
    if SMOKE:
        # A smoke checks the paths, not the figures: every query's answers compared between the two ways of reading the
        # current state in one process each (two processes instead of two a query), and the table's path on one query.
        every, from_partitions = lake_query(lake, None), lake_query(lake, None, "--current-from-partitions")
        if every["answers"] != from_partitions["answers"]:
            raise SystemExit(f"the current-state tables answer differently from every day's partitions on {lake}")
        names = names[:1]
    for name in names:
        current = lake_query(lake, name)
        partitions = lake_query(lake, name, "--current-from-partitions")
        if current["answers"] != partitions["answers"]:
            raise SystemExit(f"{name}: the current-state tables answer differently from every day's partitions on {lake}")
        queries.append((current, partitions))
    say("Each named query on that lake with DuckDB (a fresh instance per query, the views `spotify-etl query` makes), reading "
        "the current-state tables (`songs_current`, ...) and, for comparison, computing them from every day's partition "
        "(`--current-from-partitions`: the latest row per id over every day's copy, what the queries did without those tables; "
        "the answers are the same, and the benchmark checks it). Bytes read are those the process read from files while it ran.")
    say()
    say("| query | seconds | MB read | seconds, from every day | MB read, from every day | rows |")
    say("|---|---:|---:|---:|---:|---:|")
    for current, partitions in queries:
        say(f"| {current['name']} | {current['seconds']:.2f} | {current['bytesRead'] / MB:,.1f} | "
            f"{partitions['seconds']:.2f} | {partitions['bytesRead'] / MB:,.1f} | {current['rows']} |")
    total = sum(c["seconds"] for c, _ in queries), sum(p["seconds"] for _, p in queries)
    say(f"| all | {total[0]:.2f} | {sum(c['bytesRead'] for c, _ in queries) / MB:,.1f} | {total[1]:.2f} | "
        f"{sum(p['bytesRead'] for _, p in queries) / MB:,.1f} | |")
    say()
    transformed = os.path.join(lake, "transformed")
    say("The dimension tables hold a copy per snapshot date; each current-state table holds the latest row per id once:")
    say()
    say("| table | partitions | MB, every day | MB, the latest day | MB, current-state table |")
    say("|---|---:|---:|---:|---:|")
    for table in CURRENT_TABLES:
        root = os.path.join(transformed, table)
        if not os.path.isdir(root):
            continue
        partitions = sorted(os.listdir(root))
        say(f"| {table} | {len(partitions):,} | {folder_bytes(root) / MB:,.1f} | {folder_bytes(os.path.join(root, partitions[-1])) / MB:,.2f} | "
            f"{folder_bytes(os.path.join(transformed, table + '_current')) / MB:,.2f} |")
    say()
    say(current_cost)
    say()


def current_tables_cost(lake):
    """What the current-state tables cost the transform, measured on the backfill's lake: the doc's paragraph."""
    day, one_object = last_day_object(lake)

    def replay(*options):
        settle()
        return run_measured([CLI, "transform", "--lake", lake, "--input", one_object, *options])[0]

    replays = 1 if SMOKE else 3
    without = statistics.median(replay("--no-current-tables") for _ in range(replays))
    with_current = statistics.median(replay() for _ in range(replays))
    settle()
    rebuild, _, _ = run_measured([CLI, "current", "--lake", lake])
    digests = folder_bytes(os.path.join(lake, "staging", "current"))
    return (f"What the current-state tables cost the transform: a replay of the last day ({day}, `transform --input` one of its "
            f"objects, median of {replays}) takes **{with_current:.2f} s** with them and {without:.2f} s with `--no-current-tables` "
            f"(its month rebuilt from its days' digests and the tables from the months' digests: "
            f"**{with_current - without:+.2f} s**; the day's digest is written either way); the digests under `staging/current/` hold {digests / MB:,.1f} MB. "
            f"Rebuilding them from every day's partition (`spotify-etl current`) takes {rebuild:.1f} s.")


# Publishes a smoke started ahead, by their names in PUBLISHES: the section that needs one waits for it.
PUBLISHED_AHEAD = {}


@contextlib.contextmanager
def publishing_ahead():
    """One publish at a time, beside the sections; on the way out (the smoke done, stopped or failed) the publishes not
    started yet are dropped, so that Ctrl-C does not wait for them."""
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        PUBLISHED_AHEAD.clear()


# The publishes the benchmarks make, each named by its folder under .lake/bench/publish/: the project, and whether
# ReadyToRun. The sections that use them, in the order they do.
PUBLISHES = {
    "functions": ("SpotifyEtl.Functions", False),  # package
    "functions-r2r": ("SpotifyEtl.Functions", True),  # package
    "cli-r2r": ("SpotifyEtl.Cli", True),  # startup, settings (ready_to_run_cli)
}


def publishes_needed(sections):
    """The names of PUBLISHES the sections make, in the order they make them."""
    needed = []
    if "package" in sections:
        needed += ["functions", "functions-r2r"]
    if "startup" in sections or "settings" in sections:
        needed += ["cli-r2r"]
    return needed


def publish(name):
    """The folder of one of PUBLISHES, published now, or waited for when a smoke started it ahead."""
    ahead = PUBLISHED_AHEAD.pop(name, None)
    if ahead is not None:
        ahead.result()  # raises what the publish raised
    else:
        publish_now(name)
    return os.path.join(WORK, "publish", name)


def publish_now(name):
    """Publishes in build folders of its own (artifacts/bench-build/): a benchmark never rewrites the projects' bin/ and
    obj/ that make build wrote (with symbols, analysed), which the tests read."""
    project, ready_to_run = PUBLISHES[name]
    output = os.path.join(WORK, "publish", name)
    shutil.rmtree(output, ignore_errors=True)
    command = ["dotnet", "publish", os.path.join(ROOT, "functions", project), "--configuration", "Release",
               "--output", output, "--nologo", "-p:IsolatedBuildFolder=bench-build",
               "-p:DebugType=None", "-p:DebugSymbols=false", "-p:GenerateDocumentationFile=false",
               "-p:ContinuousIntegrationBuild=true", "-p:RunAnalyzers=false"]
    if ready_to_run:
        command += ["-r", HOST_RID, "--self-contained", "false", "-p:PublishReadyToRun=true"]
    run(command)


def zip_size(folder):
    archive = shutil.make_archive(folder, "zip", folder)
    size = os.path.getsize(archive)
    os.remove(archive)
    return size


def package():
    say("## The Lambda package")
    say()
    say("`dotnet publish functions/SpotifyEtl.Functions` as the Pulumi program does (Release, no symbols), zipped.")
    say()
    say("| package | files | unzipped MB | zip MB | under 10 MB |")
    say("|---|---:|---:|---:|---|")
    for label, r2r in (("framework-dependent, portable", False), (f"ReadyToRun, {HOST_RID}", True)):
        folder = publish("functions-r2r" if r2r else "functions")
        names = [os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs]
        unzipped = sum(os.path.getsize(n) for n in names)
        zipped = zip_size(folder)
        say(f"| {label} | {len(names)} | {unzipped / MB:.1f} | {zipped / MB:.1f} | {verdict(zipped < 10 * MB)} |")
    sample_dll = [n for n in os.listdir(os.path.join(WORK, "publish", "functions")) if "Sample" in n]
    say()
    say(f"- the package holds the sample generator: {'yes (' + ', '.join(sample_dll) + ')' if sample_dll else 'no'}")
    say()


def startup(runs):
    say("## A fresh process transforming one page")
    say()
    source = sample_lake(f"days-1-items-{SIZES['startup']}", days=1, items=SIZES["startup"])
    lake = os.path.join(WORK, "one-page")
    shutil.rmtree(lake, ignore_errors=True)
    page = next(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(source, "raw")) for f in sorted(fs)
                if "playlist_items" in d)
    relative = os.path.relpath(page, source)
    os.makedirs(os.path.dirname(os.path.join(lake, relative)))
    shutil.copy(page, os.path.join(lake, relative))
    say(f"One 50-item page (`{relative}`), `spotify-etl transform` as `make cli` builds it ({CLI_KIND}), as `make build` "
        f"builds it (framework-dependent) and published framework-dependent ReadyToRun; median of {runs} fresh processes.")
    say()
    say("| publish | median s | runs (s) |")
    say("|---|---:|---|")
    clis = {f"{CLI_KIND} (`make cli`)": CLI,
            "portable (`make build`'s, the project's assemblies JIT-compiled)": BUILT_CLI,
            f"ReadyToRun, {HOST_RID}": ready_to_run_cli()}
    variants = [(label, cli, {}) for label, cli in clis.items()]
    ready_to_run = clis[f"ReadyToRun, {HOST_RID}"]
    variants += [("ReadyToRun, DOTNET_TieredPGO=1", ready_to_run, {"DOTNET_TieredPGO": "1"}),
                 ("ReadyToRun, DOTNET_TieredCompilation=0", ready_to_run, {"DOTNET_TieredCompilation": "0"}),
                 ("ReadyToRun, DOTNET_TC_QuickJitForLoops=0", ready_to_run, {"DOTNET_TC_QuickJitForLoops": "0"}),
                 ("ReadyToRun, DOTNET_TC_QuickJitForLoops=1", ready_to_run, {"DOTNET_TC_QuickJitForLoops": "1"})]
    times = {label: [] for label, _, _ in variants}
    for _ in range(runs):
        for label, cli, env in variants:
            times[label].append(transform(lake, cli=cli, env=env)[0])
    for label, values in times.items():
        say(f"| {label} | {statistics.median(values):.2f} | {', '.join(f'{t:.2f}' for t in values)} |")
    say()


def lambda_path():
    say("## The Lambda path on the S3 emulator")
    say()
    say("`benchmarks/SpotifyEtl.LambdaBench` lands one run in fauxqs (the raw objects, then `manifests/{runId}.json`) and "
        "invokes `TransformFunction` in a fresh process (the build output, JIT-compiled: the seconds include compiling the handler's code, so a warm invocation of the deployed ReadyToRun package takes less), its S3 client pointed at `benchmarks/s3-counting-proxy.mjs`, "
        "which counts the handler's requests by operation. Modes: one event for the run's manifest, as the stack's "
        "notification delivers it; or one event per raw object, as notifications of `raw/` would (the earlier design, "
        "which the stack no longer declares; shown for comparison, not judged). The last row has the proxy hold each request "
        f"{S3_LATENCY_MS} ms, as a round trip to S3 within a region takes; the others answer on loopback in microseconds.")
    say()
    say("| run | mode | pages | invocations | GET | PUT | LIST | HEAD | COPY | DELETE | requests | per page | seconds | target (at most 300) |")
    say("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    proxy = subprocess.Popen(["node", PROXY, FAUXQS], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        urls = {}
        while len(urls) < 2:
            line = proxy.stdout.readline()
            if not line:
                raise SystemExit("the S3 counting proxy exited before it listened (run npm ci --prefix infra)")
            key, _, value = line.strip().partition("=")
            urls[key] = value
        per_page = {}
        small, large, twenty = SIZES["lambda"]
        runs = [("one-playlist", small, f"1 playlist of {small:,} items", ("manifest", "per-object"), 0),
                ("one-playlist", large, f"1 playlist of {large:,} items", ("manifest", "per-object"), 0),
                ("twenty-playlists", twenty, f"20 playlists of {twenty:,} items", ("manifest", "per-object"), 0),
                # Loopback answers in microseconds; S3 in a region takes tens of milliseconds a request.
                ("one-playlist", large, f"1 playlist of {large:,} items, {S3_LATENCY_MS} ms a request", ("manifest",), S3_LATENCY_MS)]
        for scenario, items, label, modes, latency in runs:
            urllib.request.urlopen(urllib.request.Request(f"{urls['PROXY']}/__bench/latency?ms={latency}", method="POST")).close()
            for mode in modes:
                _, _, out = run_measured([LAMBDA_BENCH, "--emulator", urls["EMULATOR"], "--proxy", urls["PROXY"],
                                          "--scenario", scenario, "--mode", mode, "--items", str(items)])
                result = json.loads(out.strip().splitlines()[-1])
                counts = result["requests"]
                total = counts.get("total", 0)
                if scenario == "one-playlist" and latency == 0:
                    per_page.setdefault(mode, []).append(total / result["pages"])
                if total == 0:
                    note = "**not met** (no request: the event was ignored)"
                elif result.get("table_objects", 0) == 0 or result.get("failed_invocations", 0) > 0:
                    # The handler read the events and wrote nothing (a manifest set aside) or failed: no figure of a transform.
                    raise SystemExit(f"the Lambda path ({scenario}, {mode}) wrote no table or failed an invocation: {result}")
                elif mode == "per-object":
                    note = "not judged (earlier design)"
                else:
                    note = verdict(total <= 300)
                say(f"| {label} | {mode} | {result['pages']} | {result['invocations']} | {counts.get('GET', 0):,} | "
                    f"{counts.get('PUT', 0):,} | {counts.get('LIST', 0):,} | {counts.get('HEAD', 0):,} | {counts.get('COPY', 0):,} | "
                    f"{counts.get('DELETE', 0):,} | {total:,} | {total / result['pages']:.1f} | {result['seconds']:.1f} | {note} |")
    finally:
        proxy.stdin.close()
        proxy.wait(timeout=10)
    say()
    for mode, (small, large) in per_page.items():
        if small == 0:
            say(f"- {mode}: no requests at 50 pages (the event was ignored): **not met**")
            continue
        judged = "not judged (earlier design)" if mode == "per-object" else verdict(large / small <= 1.5)
        say(f"- {mode}: requests per page at 200 pages / at 50 pages = {large / small:.2f} "
            f"(linear in pages: at most 1.5): {judged}")
    say()


SETTINGS = [
    ("as built (the project's runtimeconfig)", {}),
    ("DOTNET_TieredPGO=1", {"DOTNET_TieredPGO": "1"}),
    ("DOTNET_TieredPGO=0", {"DOTNET_TieredPGO": "0"}),
    ("DOTNET_TieredCompilation=0", {"DOTNET_TieredCompilation": "0"}),
    ("DOTNET_TC_QuickJitForLoops=0", {"DOTNET_TC_QuickJitForLoops": "0"}),
    ("DOTNET_TC_QuickJitForLoops=1", {"DOTNET_TC_QuickJitForLoops": "1"}),
    ("DOTNET_ReadyToRun=0", {"DOTNET_ReadyToRun": "0"}),
    ("DOTNET_gcServer=1", {"DOTNET_gcServer": "1"}),
    ("DOTNET_gcServer=0", {"DOTNET_gcServer": "0"}),
    ("DOTNET_gcConcurrent=1", {"DOTNET_gcConcurrent": "1"}),
    ("DOTNET_GCgen0size=0x4000000 (64 MB)", {"DOTNET_GCgen0size": "0x4000000"}),
]


def settings(runs):
    say("## Runtime settings, measured")
    say()
    days, items = SIZES["settings"]
    lake = sample_lake(f"days-{days}-items-{items}", days=days, items=items)
    cli = ready_to_run_cli()
    say(f"The {items:,}-item transform of the ReadyToRun build under each setting (environment variables override its "
        f"runtimeconfig; the native build of `make cli` has no JIT to tune); {runs} rounds, settings alternating "
        f"within a round; medians.")
    say()
    say("| setting | median s | vs as built | peak MB | runs (s) |")
    say("|---|---:|---:|---:|---|")
    times = {label: [] for label, _ in SETTINGS}
    peaks = {label: [] for label, _ in SETTINGS}
    for _ in range(runs):
        for label, env in SETTINGS:
            seconds, peak, _ = transform(lake, env=env, cli=cli)
            times[label].append(seconds)
            peaks[label].append(peak)
    base = statistics.median(times[SETTINGS[0][0]])
    for label, _ in SETTINGS:
        median = statistics.median(times[label])
        say(f"| {label} | {median:.2f} | {median / base:.2f} | {statistics.median(peaks[label]) / MB:.0f} | "
            f"{', '.join(f'{t:.2f}' for t in times[label])} |")
    say()


def system():
    """The system, its processor and cores: what each section names beside its date."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {len(CORES)} cores"


def machine():
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    python = subprocess.run(["/usr/bin/python3", "-c", "import pandas, sys; print(sys.version.split()[0], pandas.__version__)"],
                            capture_output=True, text=True).stdout.split()
    load = os.getloadavg()
    return (f"{system()}; .NET SDK {dotnet}; "
            f"Python {python[0] if python else '?'} with pandas {python[1] if len(python) > 1 else '?'}; "
            f"load average at the start {load[0]:.1f}")


def write_doc(measured, doc=DOC):
    """Replaces, in the block between the markers, the sections just measured; keeps the others."""
    with open(doc, encoding="utf-8") as handle:
        text = handle.read()
    if START not in text or END not in text:
        raise SystemExit(f"{doc} has no {START} ... {END} block to write the figures into")
    head, rest = text.split(START, 1)
    block, tail = rest.split(END, 1)
    kept = {}
    for chunk in block.split("\n<!-- section:")[1:]:
        name, _, body = chunk.partition(" -->\n")
        kept[name.strip()] = body.strip()
    kept.update(measured)
    body = "\n\n".join(f"<!-- section: {name} -->\n{kept[name]}" for name in ["machine", *SECTIONS] if name in kept)
    with open(doc, "w", encoding="utf-8") as handle:
        handle.write(f"{head}{START}\n{body}\n{END}{tail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--pairs", type=int, default=9, help="alternating rounds for the comparison")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure elsewhere")
    parser.add_argument("--no-doc", action="store_true", help=f"print only, do not write {os.path.relpath(DOC, ROOT)}")
    parser.add_argument("--backfill-days", type=int, default=SIZES["backfill"][0], help="days of the backfill section's lake (a shorter one runs faster)")
    parser.add_argument("--smoke", action="store_true", help="every section once on tiny samples in a temporary folder; no figures written")
    args = parser.parse_args()
    sections = [s for s in args.only.split(",") if s]
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}: choose from {', '.join(SECTIONS)}")
    for tool in (CLI, FLOOR, LAMBDA_BENCH):
        if not os.path.exists(tool):
            raise SystemExit(f"{tool} is missing: build Release and run make cli first (benchmarks/bench.sh does)")
    if args.smoke:
        smoke(sections)
        return
    SIZES["backfill"] = (args.backfill_days, SIZES["backfill"][1])
    os.makedirs(WORK, exist_ok=True)

    measured = {}
    stamp = f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
    say(f"Last measured {stamp} on {machine()}. Sections measured then: {', '.join(sections)}; each section below "
        "names its own date and system, which a later run of other sections (`--only`) keeps.")
    measured["machine"] = take_lines()
    try:
        for section in SECTIONS:
            if section not in sections:
                continue
            run_section(section, args.pairs, args.runs)
            body = take_lines()
            title, _, rest = body.partition("\n")
            measured[section] = f"{title}\n\n_Measured {stamp} on {system()}._\n{rest}"
    finally:
        shutil.rmtree(set_aside_folder(), ignore_errors=True)
    if not args.no_doc:
        write_doc(measured)
        print(f"Figures written to {os.path.relpath(DOC, ROOT)}.")


def run_section(section, pairs, runs):
    if section == "compare":
        compare(pairs)
    elif section == "growth":
        growth(runs)
    elif section == "memory":
        memory(runs)
    elif section == "backfill":
        backfill()
    elif section == "package":
        package()
    elif section == "startup":
        startup(runs if SMOKE else max(runs, 5))
    elif section == "lambda":
        lambda_path()
    elif section == "settings":
        settings(runs)


def smoke(sections):
    """Each section once on tiny samples, in a temporary folder: one pass or failure per section."""
    global WORK, SIZES, SMOKE
    SIZES, SMOKE = SMOKE_SIZES, True
    passed = failed = 0
    measured = {}
    with tempfile.TemporaryDirectory(prefix="bench-smoke-") as work, publishing_ahead() as publishing:
        WORK = work
        # No section of a smoke is timed: the three `dotnet publish` runs of the package, start-up and settings sections
        # (most of a smoke's time) go on one after the other beside the sections before them, each section then
        # waiting for its own. A benchmark that is measured publishes where it stands, on a quiet machine.
        for name in publishes_needed(sections):
            PUBLISHED_AHEAD[name] = publishing.submit(publish_now, name)
        # The sections that wait for them last, so that the others run while they are made.
        for section in sorted(sections, key=lambda name: name in ("package", "startup", "settings")):
            print(f"-- bench smoke: {section}", flush=True)
            try:
                run_section(section, 1, 1)
                passed += 1
                measured[section] = take_lines()
            except (Exception, SystemExit) as error:  # a failed process raises SystemExit with its output
                failed += 1
                print(f"FAILED bench smoke {section}: {error}", flush=True)
            take_lines()
        # What make bench then does with the figures, on a copy of the doc: the machine's line, and each section
        # written into the block, the rest of the doc as it was.
        print("-- bench smoke: doc", flush=True)
        try:
            copy = os.path.join(work, "benchmarks.md")
            shutil.copyfile(DOC, copy)
            measured["machine"] = f"Smoke run on {machine()}."
            write_doc(measured, copy)
            with open(DOC, encoding="utf-8") as before, open(copy, encoding="utf-8") as after:
                old, new = before.read(), after.read()
            if old.split(START)[0] != new.split(START)[0] or old.split(END)[1] != new.split(END)[1]:
                raise SystemExit("writing the figures changed the doc outside its block")
            missing = [name for name, text in measured.items() if f"<!-- section: {name} -->\n{text}" not in new]
            if missing:
                raise SystemExit(f"writing the figures left out the section(s) {', '.join(missing)}")
            passed += 1
        except (Exception, SystemExit) as error:
            failed += 1
            print(f"FAILED bench smoke doc: {error}", flush=True)
    print(f"bench smoke: {passed} passed, {failed} failed", flush=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("bench.py: interrupted (Ctrl-C); the figures of the sections measured are not written", file=sys.stderr)
        sys.exit(130)
