// Compares the tables the DuckDB peer wrote with spotify-etl's, value by value: for each table, the rows of one
// that the other lacks (as multisets), over the columns both write, each value read as the peer's type (read_json
// types a timestamp as TIMESTAMP, where the lake keeps the text Spotify sent). Two things spotify-etl writes
// differently on purpose are set apart: a line break in a text is a space there (and other control characters are
// removed), so texts are compared as it writes them; and an album's release is read with its precision
// (release_date the first day of its period, "1969" as 1969-01-01, and no date at all for "0000"), so those three
// columns are left out of the comparison, and the rows that differ only in them or in a text's line breaks are
// counted apart. popularity, which the peer cannot fill, is left out (docs/benchmarks.md).
// Prints one JSON object, by table: { rows, columns, differ (rows either lacks), by_design (spotify-etl's rows that
// differ only in those ways) }.
//   node benchmarks/duckdb-peer/same-rows.mjs TRANSFORMED_FOLDER PEER_OUT_FOLDER TABLE...
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "..", "..", "infra", "package.json"));
const { DuckDBInstance } = require("@duckdb/node-api");

const unfilled = new Set(["popularity"]);
const byDesign = new Set(["release_date", "release_date_precision", "release_year"]);

const [ours, peer, ...tables] = process.argv.slice(2);
if (!ours || !peer || tables.length === 0) {
    process.stderr.write("usage: same-rows.mjs TRANSFORMED_FOLDER PEER_OUT_FOLDER TABLE...\n");
    process.exit(2);
}
const quoted = (value) => path.resolve(value).replace(/'/g, "''");
/** A text as the lake keeps it: each line break one space, other control characters (tab aside) removed. */
const asLakeText = (column) =>
    `regexp_replace(regexp_replace(${column}, '\\r\\n|[\\r\\n\\x{85}\\x{2028}\\x{2029}]', ' ', 'g'), '[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x{9f}]', '', 'g')`;

const instance = await DuckDBInstance.create(":memory:");
const connection = await instance.connect();
const result = {};
for (const table of tables) {
    const source = (folder) => `read_parquet('${quoted(folder)}/${table}/*/*.parquet', hive_partitioning = true, hive_types_autocast = false)`;
    const describe = async (folder) => new Map((await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source(folder)}`))
        .getRows().map((row) => [String(row[0]), String(row[1])]));
    const [mine, theirs] = [await describe(ours), await describe(peer)];
    const columns = [...theirs.keys()].filter((column) => mine.has(column) && !unfilled.has(column)).sort();
    const value = (column, normalized) => {
        const typed = `TRY_CAST("${column}" AS ${theirs.get(column)})`;
        return normalized && theirs.get(column) === "VARCHAR" ? asLakeText(typed) : typed;
    };
    const select = (folder, normalized) => `SELECT ${columns.filter((c) => !normalized || !byDesign.has(c))
        .map((c) => `${value(c, normalized)} AS "${c}"`).join(", ")} FROM ${source(folder)}`;
    const count = async (sql) => Number((await connection.runAndReadAll(`SELECT count(*) FROM (${sql})`)).getRows()[0][0]);
    const onlyIn = async (one, other, normalized) => await count(`${select(one, normalized)} EXCEPT ALL ${select(other, normalized)}`);
    const onlyOurs = await onlyIn(ours, peer, true);
    result[table] = {
        rows: await count(select(ours, false)),
        columns,
        differ: onlyOurs + await onlyIn(peer, ours, true),
        by_design: await onlyIn(ours, peer, false) - onlyOurs,
    };
}
connection.closeSync();
instance.closeSync();
process.stdout.write(JSON.stringify(result) + "\n");
