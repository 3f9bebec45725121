// The SQL the Snowflake load runs, without Snowflake: the questions' counterparts parse in Snowflake's
// dialect and read only what the load declares; the latest-load view, run on DuckDB, shows a replayed
// partition's new rows only; the COPY reads the lake's columns and the partition date from the path.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { Parser } from "node-sql-parser";
import { type TableDefinition, isPartitioned, partitionOf, tableNamed, tables } from "../../infra/catalog/tables";
import { snowflakeQuestions } from "../../infra/components/snowflake";
import { loadNamedQueries } from "../../infra/catalog/namedQueries";
import {
    copyStatement, latestLoadView, loadsTableColumns, loadsTableName, partitionFilePattern, pruneStatement, snapshotDateFromPath, viewName,
} from "../../infra/snowflake/loading";
import { repoRoot } from "./helpers/stackHarness";

const snowflakeDialect = { database: "snowflake" };
const parser = new Parser();

describe("the questions in Snowflake", () => {
    const athena = loadNamedQueries();
    const questions = snowflakeQuestions();

    test("every named query is a Snowflake view too, from the same file, with no second copy", () => {
        assert.ok(athena.length > 0);
        for (const query of athena) {
            const view = questions.find((c) => c.name === query.name);
            assert.ok(view, `${query.name} has a Snowflake view`);
            assert.equal(view.sql, query.sql, `${query.name}: Snowflake runs the same text`);
        }
        assert.equal(new Set(questions.map((q) => q.name)).size, questions.length, "no question is declared twice");
    });

    const readable = new Set([...tables.map((t) => viewName(t)), ...tables.map((t) => loadsTableName(t))]);
    for (const query of questions) {
        test(`${query.name}: one SELECT in Snowflake's dialect, reading only the lake's views and load tables`, () => {
            const ast = parser.astify(query.sql, snowflakeDialect);
            const statements = Array.isArray(ast) ? ast : [ast];
            assert.equal(statements.length, 1, "one statement per file");
            assert.equal(statements[0]?.type, "select");
            const ctes = new Set(((statements[0] as { with?: { name: { value: string } }[] }).with ?? []).map((w) => w.name.value.toUpperCase()));
            const read = parser.tableList(query.sql, snowflakeDialect).map((t) => t.split("::")[2]!.toUpperCase()).filter((t) => !ctes.has(t));
            assert.ok(read.length > 0);
            for (const name of read) {
                assert.ok(readable.has(name), `${query.name} reads ${name}, which the Snowflake load does not declare`);
            }
        });
    }
});

describe("the latest-load view", () => {
    test("parses in Snowflake's dialect for every lake table", () => {
        for (const table of tables) {
            const ast = parser.astify(latestLoadView(table, "SPOTIFY_DEV.LAKE"), snowflakeDialect);
            assert.equal((Array.isArray(ast) ? ast[0] : ast)?.type, "select", table.name);
        }
    });

    let instance: DuckDBInstance;
    let db: DuckDBConnection;
    before(async () => {
        instance = await DuckDBInstance.create(":memory:");
        db = await instance.connect();
        await db.run("ATTACH ':memory:' AS spotify_dev");
        await db.run("CREATE SCHEMA spotify_dev.lake");
    });
    after(() => {
        db.closeSync();
        instance.closeSync();
    });

    const duckType = (type: string): string => (type.startsWith("NUMBER") ? "BIGINT" : type.startsWith("TIMESTAMP") ? "TIMESTAMP" : type === "FLOAT" ? "DOUBLE" : type);

    async function loadHistory(table: TableDefinition, rows: (string | number)[][]): Promise<string[][]> {
        const columns = loadsTableColumns(table);
        await db.run(`CREATE OR REPLACE TABLE spotify_dev.lake.${loadsTableName(table)} (${columns.map((c) => `${c.name} ${duckType(c.type)}`).join(", ")})`);
        for (const row of rows) {
            await db.run(`INSERT INTO spotify_dev.lake.${loadsTableName(table)} VALUES (${row.map((v) => (typeof v === "number" ? String(v) : `'${v}'`)).join(", ")})`);
        }
        const reader = await db.runAndReadAll(`SELECT * FROM (${latestLoadView(table, "spotify_dev.lake")}) ORDER BY ALL`);
        return reader.getRows().map((r) => r.map((v) => String(v)));
    }

    test("the daily prune deletes exactly the superseded versions: the view reads the same rows before and after, over generated histories", async () => {
        const artists = tableNamed("artists");
        // mulberry32: the low bits of a power-of-two LCG repeat with a short period, which left every day one version.
        let seed = 7;
        const next = (n: number): number => {
            seed = (seed + 0x6d2b79f5) | 0;
            let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
            t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
            return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
        };
        let superseded = 0;
        for (let history = 0; history < 25; history++) {
            // Files of a few days in either format, each written in several versions (some with equal times, told
            // apart by checksum), each version loaded once or twice, with one to three rows.
            const rows: (string | number)[][] = [];
            const versions = new Map<string, number>();
            for (let day = 0; day < 1 + next(3); day++) {
                const date = `2026-11-${String(19 + day).padStart(2, "0")}`;
                for (let version = 0; version < 1 + next(4); version++) {
                    const file = `artists/snapshot_date=${date}/artists.${next(2) === 0 ? "parquet" : "csv"}`;
                    const modified = `${date} ${String(6 + next(3)).padStart(2, "0")}:00:00`;
                    const checksum = `c${day}-${version}-${next(5)}`;
                    const key = `${date}|${modified}|${checksum}`;
                    for (let load = 0; load < 1 + next(2); load++) {
                        for (let row = 1; row <= 1 + next(3); row++) {
                            versions.set(key, (versions.get(key) ?? 0) + 1);
                            rows.push([`a${row}`, `name ${day}.${version}.${row}`, `u${row}`, date, file, row, modified, checksum, `2026-11-2${load} 0${row}:00:00`]);
                        }
                    }
                }
            }
            const before = await loadHistory(artists, rows);
            await db.run(pruneStatement(artists, "spotify_dev.lake"));
            const after = (await db.runAndReadAll(`SELECT * FROM (${latestLoadView(artists, "spotify_dev.lake")}) ORDER BY ALL`)).getRows().map((r) => r.map((v) => String(v)));
            assert.deepEqual(after, before, `history ${history}`);
            const left = (await db.runAndReadAll(`SELECT COUNT(DISTINCT (REGEXP_REPLACE(LOAD_FILE, '[.](parquet|csv)$', ''), LOAD_FILE_MODIFIED, LOAD_FILE_CHECKSUM)),
                COUNT(DISTINCT REGEXP_REPLACE(LOAD_FILE, '[.](parquet|csv)$', '')) FROM spotify_dev.lake.${loadsTableName(artists)}`)).getRows()[0]!.map(Number);
            assert.equal(left[0], left[1], `history ${history}: one version of each file is left`);
            // Every load of each day's newest version (latest modified time, then the greater checksum) stays, and nothing else.
            const newest = new Map<string, string>();
            for (const key of versions.keys()) {
                const date = key.split("|")[0]!;
                const [, modified, checksum] = key.split("|");
                const current = newest.get(date)?.split("|");
                if (current === undefined || modified! > current[1]! || (modified === current[1] && checksum! > current[2]!)) {
                    newest.set(date, key);
                }
            }
            const kept = [...newest.values()].reduce((sum, key) => sum + versions.get(key)!, 0);
            const [[remaining]] = (await db.runAndReadAll(`SELECT COUNT(*) FROM spotify_dev.lake.${loadsTableName(artists)}`)).getRows();
            assert.equal(Number(remaining), kept, `history ${history}: rows left`);
            superseded += versions.size - newest.size;
        }
        assert.ok(superseded >= 25, `only ${superseded} superseded versions in the generated histories`);
    });

    test("a partition rewritten by a replay shows only its new rows; a file loaded twice shows its rows once", async () => {
        const artists = tableNamed("artists");
        const day19 = "artists/snapshot_date=2026-11-19/artists.parquet";
        const day20 = "artists/snapshot_date=2026-11-20/artists.parquet";
        // artist_id, artist_name, artist_url, snapshot_date, LOAD_FILE, LOAD_FILE_ROW, LOAD_FILE_MODIFIED, LOAD_FILE_CHECKSUM, LOADED_AT
        const rows = await loadHistory(artists, [
            // 19th: one version, loaded by the pipe and again by the first reload task run; two equal rows in the file.
            ["a1", "Ana", "u1", "2026-11-19", day19, 1, "2026-11-19 06:00:00", "c19", "2026-11-19 06:01:00"],
            ["a2", "Bo", "u2", "2026-11-19", day19, 2, "2026-11-19 06:00:00", "c19", "2026-11-19 06:01:00"],
            ["a2", "Bo", "u2", "2026-11-19", day19, 3, "2026-11-19 06:00:00", "c19", "2026-11-19 06:01:00"],
            ["a1", "Ana", "u1", "2026-11-19", day19, 1, "2026-11-19 06:00:00", "c19", "2026-11-20 08:00:00"],
            ["a2", "Bo", "u2", "2026-11-19", day19, 2, "2026-11-19 06:00:00", "c19", "2026-11-20 08:00:00"],
            ["a2", "Bo", "u2", "2026-11-19", day19, 3, "2026-11-19 06:00:00", "c19", "2026-11-20 08:00:00"],
            // 20th: three rows first, then a replay rewrote the file with two corrected rows.
            ["b1", "Cy", "u3", "2026-11-20", day20, 1, "2026-11-20 06:00:00", "c20a", "2026-11-20 06:01:00"],
            ["b2", "Di", "u4", "2026-11-20", day20, 2, "2026-11-20 06:00:00", "c20a", "2026-11-20 06:01:00"],
            ["b3", "Ed", "u5", "2026-11-20", day20, 3, "2026-11-20 06:00:00", "c20a", "2026-11-20 06:01:00"],
            ["b1", "Cy (fixed)", "u3", "2026-11-20", day20, 1, "2026-11-21 09:00:00", "c20b", "2026-11-22 08:00:00"],
            ["b2", "Di (fixed)", "u4", "2026-11-20", day20, 2, "2026-11-21 09:00:00", "c20b", "2026-11-22 08:00:00"],
        ]);
        assert.deepEqual(rows, [
            ["a1", "Ana", "u1", "2026-11-19"],
            ["a2", "Bo", "u2", "2026-11-19"],
            ["a2", "Bo", "u2", "2026-11-19"],
            ["b1", "Cy (fixed)", "u3", "2026-11-20"],
            ["b2", "Di (fixed)", "u4", "2026-11-20"],
        ]);
    });

    test("a file rewritten with the same bytes shows its rows once, whichever of its versions was loaded last", async () => {
        const artists = tableNamed("artists");
        const day20 = "artists/snapshot_date=2026-11-20/artists.parquet";
        // Two runs wrote the same bytes (nothing changed between them): the reload task loaded the newer version, and the
        // pipe, running late, the older one after it.
        const older = "2026-11-20 06:00:00", newer = "2026-11-20 07:00:00";
        for (const [first, second] of [[older, newer], [newer, older]] as const) {
            const rows = await loadHistory(artists, [
                ["b1", "Cy", "u3", "2026-11-20", day20, 1, first, "same", "2026-11-20 07:30:00"],
                ["b2", "Di", "u4", "2026-11-20", day20, 2, first, "same", "2026-11-20 07:30:00"],
                ["b1", "Cy", "u3", "2026-11-20", day20, 1, second, "same", "2026-11-20 07:45:00"],
                ["b2", "Di", "u4", "2026-11-20", day20, 2, second, "same", "2026-11-20 07:45:00"],
            ]);
            assert.deepEqual(rows, [["b1", "Cy", "u3", "2026-11-20"], ["b2", "Di", "u4", "2026-11-20"]], `the version of ${second} loaded last`);
        }
    });

    test("after tableFormat changes, a replayed day's file of the new format replaces the other format's; a day not replayed keeps its own", async () => {
        const artists = tableNamed("artists");
        const day = (date: string, extension: string) => `artists/snapshot_date=${date}/artists.${extension}`;
        // Every pairing of the two formats, either order: the lake keeps one file a day, whichever format wrote it last.
        for (const [before, after] of [["csv", "parquet"], ["parquet", "csv"], ["csv", "csv"], ["parquet", "parquet"]] as const) {
            const rows = await loadHistory(artists, [
                ["a1", "Ana", "u1", "2026-11-19", day("2026-11-19", before), 1, "2026-11-19 06:00:00", "c19", "2026-11-19 06:01:00"],
                ["b1", "Cy", "u3", "2026-11-20", day("2026-11-20", before), 1, "2026-11-20 06:00:00", "c20a", "2026-11-20 06:01:00"],
                ["b2", "Di", "u4", "2026-11-20", day("2026-11-20", before), 2, "2026-11-20 06:00:00", "c20a", "2026-11-20 06:01:00"],
                // The format changed on the 21st and the 20th was replayed: its new file, loaded by the next reload.
                ["b1", "Cy (again)", "u3", "2026-11-20", day("2026-11-20", after), 1, "2026-11-21 09:00:00", "c20b", "2026-11-22 08:00:00"],
                ["b2", "Di (again)", "u4", "2026-11-20", day("2026-11-20", after), 2, "2026-11-21 09:00:00", "c20b", "2026-11-22 08:00:00"],
            ]);
            assert.deepEqual(rows, [
                ["a1", "Ana", "u1", "2026-11-19"],
                ["b1", "Cy (again)", "u3", "2026-11-20"],
                ["b2", "Di (again)", "u4", "2026-11-20"],
            ], `${before} then ${after}`);
        }
    });

    test("the partition date comes from the file's path, whatever precedes it", async () => {
        for (const file of ["songs/snapshot_date=2026-11-20/songs.parquet", "s3://bucket/transformed/songs/snapshot_date=2026-11-20/songs.csv"]) {
            const reader = await db.runAndReadAll(`SELECT ${snapshotDateFromPath(`'${file}'`)}`);
            assert.equal(String(reader.getRows()[0]?.[0]), "2026-11-20", file);
        }
    });
});

describe("docs/snowflake.md", () => {
    // Its SQL blocks, each as its lines without trailing blanks.
    const blocks = [...fs.readFileSync(path.join(repoRoot, "docs", "snowflake.md"), "utf8").matchAll(/```sql\n([\s\S]*?)```/g)]
        .map((m) => m[1]!.trimEnd().split("\n").map((line) => line.trimEnd()));
    const songs = tableNamed("songs");

    test("shows the latest-load view the program declares, the lake's columns left out", () => {
        const declared = latestLoadView(songs, "SPOTIFY_DEV.LAKE").split("\n");
        const shown = blocks.find((b) => b[0]?.startsWith("SELECT <the lake's columns>"));
        assert.ok(shown, "a block shows the view");
        assert.deepEqual(shown.slice(1), declared.slice(1), "the view's reading of SONGS_LOADS, line for line");
        assert.ok(declared[0]!.endsWith(", SNAPSHOT_DATE") && shown[0] === "SELECT <the lake's columns>, SNAPSHOT_DATE");
    });

    test("shows the prune the program's tasks run", () => {
        const declared = pruneStatement(songs, "SPOTIFY_DEV.LAKE").split("\n");
        assert.ok(blocks.some((b) => b.join("\n") === declared.join("\n")), `a block is, line for line:\n${declared.join("\n")}`);
    });
});

describe("the COPY of pipes and reload tasks", () => {
    const target = { schema: "DB.LAKE", stage: "DB.LAKE.LAKE_STAGE" };

    test("loads every column of the load table, in order, from the table's folder of the stage", () => {
        for (const table of tables) {
            const copy = copyStatement(table, { ...target, format: "parquet" });
            const columns = loadsTableColumns(table).map((c) => c.name);
            assert.ok(copy.startsWith(`COPY INTO DB.LAKE.${loadsTableName(table)} (${columns.join(", ")})\n`), table.name);
            assert.ok(copy.includes(`FROM @DB.LAKE.LAKE_STAGE/${table.name}/)`), table.name);
            // A current-state table carries its snapshot_date in its one file; a partitioned table's comes from the path.
            const fromPath = isPartitioned(table) ? `, ${snapshotDateFromPath("METADATA$FILENAME", partitionOf(table))}` : "";
            assert.ok(copy.includes(`${fromPath}, METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, METADATA$FILE_LAST_MODIFIED, METADATA$FILE_CONTENT_KEY, METADATA$START_SCAN_TIME FROM @`), table.name);
        }
    });

    test("reads Parquet columns by name and CSV columns by position, cast to the table's types", () => {
        const songs = tableNamed("songs");
        const parquet = copyStatement(songs, { ...target, format: "parquet" });
        const csv = copyStatement(songs, { ...target, format: "csv" });
        assert.ok(parquet.includes("SELECT $1:song_id::VARCHAR, $1:song_name::VARCHAR, $1:duration_ms::NUMBER(38,0), $1:explicit::BOOLEAN,"));
        assert.ok(csv.includes("SELECT $1::VARCHAR, $2::VARCHAR, $3::NUMBER(38,0), $4::BOOLEAN,"));
        assert.ok(csv.includes(`$${songs.columns.length}::VARCHAR, SPLIT_PART(`), "the last CSV column is the last catalog column");
    });

    test("the file pattern takes each day's partition file of the table and nothing else", () => {
        const matches = (table: string, format: "parquet" | "csv", file: string) =>
            new RegExp(`^${partitionFilePattern(tableNamed(table), format)}$`).test(file);
        assert.ok(matches("songs", "parquet", "songs/snapshot_date=2026-11-20/songs.parquet"));
        assert.ok(matches("songs", "csv", "snapshot_date=2026-11-20/songs.csv"));
        assert.ok(!matches("songs", "parquet", "songs/snapshot_date=2026-11-20/songs.csv"));
        assert.ok(!matches("songs", "parquet", "songs/snapshot_date=latest/songs.parquet"));
        assert.ok(!matches("songs", "parquet", "songs/snapshot_date=2026-11-20/songs.parquet.tmp"));
        assert.ok(!matches("songs", "parquet", "song_artists/snapshot_date=2026-11-20/song_artists.parquet"));
    });

    test("a lake column named like a load-metadata column is refused with the column's name", () => {
        const clash: TableDefinition = { name: "odd", description: "", columns: [{ name: "load_file", type: "string", comment: "" }] };
        assert.throws(() => loadsTableColumns(clash), /Table odd has a column LOAD_FILE, which is reserved for load metadata/);
    });
});
