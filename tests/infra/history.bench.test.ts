// The import benchmark's every path runs (spotify-etl import, pandas, DuckDB) on a small generated export and
// keeps the same distinct streams: a smoke, timing nothing. The figures come from the full run (docs/benchmarks.md).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";

const root = path.resolve(__dirname, "../..");

test("the import benchmark runs every path on 3,000 rows and each keeps the 3,000 distinct streams", () => {
    // The full benchmark's folder, which a smoke leaves as it was: it works in a temporary folder of its own.
    const benchFolder = path.join(root, ".lake", "bench-history");
    const listing = () => (fs.existsSync(benchFolder)
        ? fs.readdirSync(benchFolder).sort().map(name => `${name} ${fs.statSync(path.join(benchFolder, name)).mtimeMs}`)
        : null);
    const before = listing();
    const run = spawnSync("/usr/bin/python3", [path.join(root, "benchmarks", "history_bench.py"), "--smoke"], {
        cwd: root, encoding: "utf8", timeout: 240_000,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /Each path keeps the 3,000 distinct streams/);
    assert.match(run.stdout, /\| `spotify-etl import` .*\| pandas: .*\| DuckDB: /s);
    assert.deepEqual(listing(), before);
});
