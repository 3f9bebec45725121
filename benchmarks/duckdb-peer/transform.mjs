// Runs transform.sql with DuckDB (the @duckdb/node-api package the project's query runner uses, from
// infra/node_modules) over a folder of raw files, and nothing more: bench.py compares what it wrote with
// spotify-etl's tables (same-rows.mjs) before the timed rounds, outside the processes it times.
//   node benchmarks/duckdb-peer/transform.mjs RAW_FOLDER OUT_FOLDER [--threads N]
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "infra", "package.json"));
const { DuckDBInstance } = require("@duckdb/node-api");

const [raw, out, flag, threads] = process.argv.slice(2);
if (!raw || !out || (flag !== undefined && (flag !== "--threads" || !/^\d+$/.test(threads ?? "")))) {
    process.stderr.write("usage: transform.mjs RAW_FOLDER OUT_FOLDER [--threads N]\n");
    process.exit(2);
}
const quoted = value => path.resolve(value).replace(/'/g, "''");
const sql = readFileSync(path.join(here, "transform.sql"), "utf8")
    .replaceAll("{raw}", quoted(raw))
    .replaceAll("{out}", quoted(out));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const instance = await DuckDBInstance.create(":memory:", threads ? { threads } : {});
const connection = await instance.connect();
await connection.run(sql);
connection.closeSync();
instance.closeSync();
