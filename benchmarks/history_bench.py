#!/usr/bin/env python3
"""The import of a Spotify data export, timed against what a user would otherwise write, in one run:
pandas (read every file, concat, drop duplicates, write Parquet) and DuckDB (read_json over the files,
DISTINCT, COPY ... TO parquet). The export is generated: an extended streaming history of --rows streams in
files of 15,000 rows as Spotify cuts them, unsorted, with about one row in two hundred an exact duplicate.

    python3 benchmarks/history_bench.py --rows 1000000     # writes the figures into docs/benchmarks.md
    python3 benchmarks/history_bench.py --smoke            # 3,000 rows, every path once, nothing written (make test)

Each path runs --repeat times (3 by default), the paths taking turns so that load from other work weighs on each
alike; the table gives the median of the elapsed seconds and of the CPU seconds (user and system, every thread).
"""
import statistics
import argparse
import datetime
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time

from dotnet_env import dotnet_environment

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = os.path.join(ROOT, ".lake", "bench-history")
NATIVE_CLI = os.path.join(ROOT, "artifacts", "cli", "spotify-etl")
BUILT_CLI = os.path.join(ROOT, "functions", "SpotifyEtl.Cli", "bin", "Release", "net10.0", "spotify-etl")
DOC = os.path.join(ROOT, "docs", "benchmarks.md")
START, END = "<!-- history-bench:start -->", "<!-- history-bench:end -->"
ROWS_PER_FILE = 15_000


def generate(rows, folder, first=datetime.date(2016, 1, 1), days=10 * 365):
    """The export's extended history: rows streams over the days from first, made once per size and span and reused."""
    stamp = os.path.join(folder, ".rows")
    wanted = f"{rows} from {first} for {days} days"
    if os.path.exists(stamp) and open(stamp).read() == wanted:
        return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".json"))
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    rng = random.Random(7)
    tracks = [(f"spotify:track:{i:022d}", f"Song {i}", f"Artist {i % 700}", f"Album {i % 2000}") for i in range(20_000)]
    platforms = ["ios", "android", "windows", "osx", "web_player", "Partner android_tv Amazon;AFTMM;7f3c2a91e4b8d605;;tpapi"]
    start = int(datetime.datetime(first.year, first.month, first.day, tzinfo=datetime.timezone.utc).timestamp())
    span = days * 86_400
    years = f"{first.year}-{(first + datetime.timedelta(days=days - 1)).year}"
    streams = []
    for _ in range(rows):
        uri, name, artist, album = tracks[min(len(tracks) - 1, int(rng.random() ** 2 * len(tracks)))]
        ts = start + rng.randrange(span)
        skipped = rng.random() < 0.2
        streams.append({
            "ts": datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "platform": rng.choice(platforms), "ms_played": rng.randrange(0, 30_000) if skipped else rng.randrange(30_000, 300_000),
            "conn_country": "SE", "ip_addr": f"203.0.113.{rng.randrange(255)}",
            "master_metadata_track_name": name, "master_metadata_album_artist_name": artist, "master_metadata_album_album_name": album,
            "spotify_track_uri": uri, "episode_name": None, "episode_show_name": None, "spotify_episode_uri": None,
            "audiobook_title": None, "audiobook_uri": None, "audiobook_chapter_uri": None, "audiobook_chapter_title": None,
            "reason_start": "clickrow", "reason_end": "fwdbtn" if skipped else "trackdone", "shuffle": rng.random() < 0.3,
            "skipped": skipped, "offline": False, "offline_timestamp": 0, "incognito_mode": False,
        })
    streams += rng.sample(streams, rows // 200)  # exact duplicates
    rng.shuffle(streams)  # rows are not sorted in real files
    files = []
    for index in range(0, len(streams), ROWS_PER_FILE):
        path = os.path.join(folder, f"Streaming_History_Audio_{years}_{index // ROWS_PER_FILE}.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(streams[index:index + ROWS_PER_FILE], handle, ensure_ascii=False)
        files.append(path)
    with open(stamp, "w") as handle:
        handle.write(wanted)
    return files


def cpu_model():
    try:
        with open("/proc/cpuinfo") as handle:
            return next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.machine()


def measured(command, cwd=ROOT, env=None):
    """Elapsed seconds, CPU seconds, peak resident memory in bytes, and standard output of a whole process."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, env=dict(dotnet_environment(), **(env or {})))
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 3):
            raise SystemExit(f"{' '.join(command[:3])} ... failed ({code}):\n{out.read()[-2000:]}\n{err.read()[-2000:]}")
        return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--smoke", action="store_true", help="3,000 rows, every path once, nothing written")
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each path; the medians are reported")
    args = parser.parse_args()
    repeat = 1 if args.smoke else max(1, args.repeat)
    rows = 3_000 if args.smoke else args.rows
    cli = NATIVE_CLI if os.path.exists(NATIVE_CLI) else BUILT_CLI
    if not os.path.exists(cli):
        raise SystemExit(f"{cli} is missing: run make build (or make cli) first")
    # A smoke (make test) works in a temporary folder, removed at its end: it writes nothing into the checkout.
    work = tempfile.mkdtemp(prefix="history-bench-", dir=os.environ.get("SPOTIFY_TESTS_SCRATCH") or None) if args.smoke else WORK
    try:
        measure(args, cli, repeat, rows, work)
    finally:
        if args.smoke:
            shutil.rmtree(work, ignore_errors=True)


def measure(args, cli, repeat, rows, work):
    os.makedirs(work, exist_ok=True)
    files = generate(rows, os.path.join(work, f"export-{rows}"))
    size = sum(os.path.getsize(f) for f in files)
    print(f"export: {rows:,} streams (+{rows // 200:,} duplicates) in {len(files)} files, {size / 1e6:,.0f} MB", flush=True)

    lake = os.path.join(work, "lake")
    out = os.path.join(work, "pandas-out")
    duck_out = os.path.join(work, "duckdb.parquet")
    paths = {
        "ours": lambda: measured([cli, "import", *files, "--lake", lake, "--json"]),
        "pandas": lambda: measured(["/usr/bin/python3", os.path.join(ROOT, "benchmarks", "history-pandas.py"), out, *files]),
        "duckdb": lambda: measured(["node", os.path.join(ROOT, "benchmarks", "history-duckdb.mjs"), duck_out, *files],
                                   cwd=os.path.join(ROOT, "infra")),
    }
    runs = {name: [] for name in paths}
    load = os.getloadavg()[0]
    for turn in range(repeat):
        for name, run in paths.items():
            if name == "ours" and os.path.exists(lake):
                # A fresh lake, every file landing, without deleting the last one first: on ext4 a folder of files just
                # deleted slows the next files made beside them (docs/benchmarks.md); the old lakes go at the end.
                os.rename(lake, os.path.join(work, f"lake-set-aside-{time.time_ns()}"))
            seconds, cpu, rss, output = run()
            counted = json.loads(output)["history_rows"] if name == "ours" else int(output.strip())
            if counted != rows:
                raise SystemExit(f"{name} kept {counted:,} rows of {rows:,} distinct streams")
            runs[name].append((seconds, cpu, rss))
            print(f"  run {turn + 1}/{repeat} {name}: {seconds:.1f} s, {cpu:.1f} s of CPU", flush=True)
    for name in os.listdir(work):
        if name.startswith("lake-set-aside-"):
            shutil.rmtree(os.path.join(work, name), ignore_errors=True)
    median = {name: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs), statistics.median(r[2] for r in rs)) for name, rs in runs.items()}
    ours, ours_cpu, ours_rss = median["ours"]
    pandas, pandas_cpu, pandas_rss = median["pandas"]
    duck, duck_cpu, duck_rss = median["duckdb"]
    writes = "Parquet" if os.path.exists(out + ".parquet") else "CSV (no pyarrow or fastparquet here)"

    kind = ("ReadyToRun (make cli, its NativeAOT build failed)" if os.path.exists(NATIVE_CLI + ".dll") else "NativeAOT (make cli)") \
        if cli == NATIVE_CLI else "dotnet build output"
    lines = [
        f"_Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {len(os.sched_getaffinity(0))} cores "
        f"({cpu_model()}), load average {load:.1f} at the start and {os.getloadavg()[0]:.1f} at the end; "
        f"medians of {repeat} runs of each path, taking turns._",
        "",
        f"A generated extended history: {rows:,} streams and {rows // 200:,} exact duplicates, unsorted, in {len(files)} files of "
        f"{ROWS_PER_FILE:,} rows, {size / 1e6:,.0f} MB of JSON. Each path keeps the {rows:,} distinct streams.",
        "",
        "| path | seconds | CPU seconds | peak memory | time against ours | CPU against ours |",
        "|---|---:|---:|---:|---:|---:|",
        f"| `spotify-etl import` ({kind}): recognise, land under raw/, merge, a Parquet file per month | {ours:.1f} | {ours_cpu:.1f} | {ours_rss / 1e6:,.0f} MB | 1.0 | 1.0 |",
        f"| pandas: read_json per file, concat, drop_duplicates, write {writes} | {pandas:.1f} | {pandas_cpu:.1f} | {pandas_rss / 1e6:,.0f} MB | {pandas / ours:.1f} times | {pandas_cpu / ours_cpu:.1f} times |",
        f"| DuckDB: read_json over the files, DISTINCT, COPY TO parquet | {duck:.1f} | {duck_cpu:.1f} | {duck_rss / 1e6:,.0f} MB | {duck / ours:.1f} times | {duck_cpu / ours_cpu:.1f} times |",
    ]
    print("\n".join(lines))
    if not args.smoke and not args.no_doc:
        with open(DOC, encoding="utf-8") as handle:
            text = handle.read()
        if START not in text or END not in text:
            raise SystemExit(f"{DOC} has no {START} ... {END} block")
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        with open(DOC, "w", encoding="utf-8") as handle:
            handle.write(f"{head}{START}\n" + "\n".join(lines) + f"\n{END}{tail}")
        print(f"Figures written to {os.path.relpath(DOC, ROOT)}.")


if __name__ == "__main__":
    sys.exit(main())
