// What a user would write with DuckDB to turn the export into one Parquet file: read_json over every file,
// DISTINCT, COPY ... TO parquet. Run by history_bench.py from infra/ (whose node_modules hold DuckDB):
// node ../benchmarks/history-duckdb.mjs OUT.parquet FILE...
import { createRequire } from "node:module";
import * as path from "node:path";

const { DuckDBInstance } = createRequire(path.join(process.cwd(), "package.json"))("@duckdb/node-api");

const [out, ...files] = process.argv.slice(2);
const list = files.map(f => `'${f.replace(/'/g, "''")}'`).join(", ");
const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
await connection.run(`COPY (SELECT DISTINCT * FROM read_json([${list}], format = 'array', union_by_name = true)) TO '${out}' (FORMAT parquet)`);
const reader = await connection.runAndReadAll(`SELECT count(*) FROM '${out}'`);
console.log(String(reader.getRows()[0][0]));
connection.closeSync();
instance.closeSync();
