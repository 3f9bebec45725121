/**
 * Stacks write Parquet by default: the named queries must answer a Parquet lake as they answer the same lake
 * in CSV. The two formats differ in one way the queries can see: a missing text value is NULL in Parquet (the
 * transformation's Parquet writer stores null) and '' in CSV (its CSV writer leaves the field empty, and
 * Athena's CSV SerDe, like the runner's CSV views, reads an empty field as ''). A displayed name that is
 * missing must come out the same either way, and sort the same.
 *
 * The CSV lake is the sample lake (fixtures/lake) plus rows whose names are missing:
 *   2026-11-21  Quiet Hours extracted without a name, as a new version snap_q2: Untitled Demo, Bohemian
 *               Rhapsody; Untitled Demo's primary artist has no name; Morning Mix and 日本のヒット unchanged
 *   2026-02     (listening_history) KICK BACK with no artist, 200 s, tying with KICK BACK by 米津玄師;
 *               Aurora first heard in two streams ending the same second, one without a track name;
 *               Björk first heard in a stream without a track name
 * The Parquet lake is that lake converted file by file: each CSV file becomes a Parquet file of the same table
 * and partition, with the contract's column types and every empty text field NULL.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { contract } from "../../infra/lakeContract";
import { loadNamedQueries } from "../../infra/catalog/namedQueries";
import { LocalLake, QueryResult } from "./helpers/cliQueries";
import { LakeFolder } from "./helpers/handMadeLake";

const fixtureLake = path.resolve(__dirname, "fixtures/lake");
const queries = loadNamedQueries();

/** Rows whose names are missing, written onto a copy of the sample lake (an omitted column is an empty field). */
function addMissingNames(lake: LakeFolder): void {
    const day = "2026-11-21";
    lake.write("artists", day, [{ artist_id: "artist_unnamed", artist_name: "", artist_url: "https://open.spotify.com/artist/artist_unnamed" }]);
    lake.write("songs", day, [{
        song_id: "song_demo", song_name: "Untitled Demo", duration_ms: 120000, explicit: false, track_number: 1, disc_number: 1,
        primary_artist_id: "artist_unnamed", song_url: "https://open.spotify.com/track/song_demo",
    }]);
    lake.write("song_artists", day, [{ song_id: "song_demo", artist_id: "artist_unnamed", artist_position: 0 }]);
    lake.write("playlists", day, [
        { playlist_id: "playlist_morning", playlist_name: "Morning Mix", playlist_snapshot_id: "snap_m3", owner_id: "user_ana" },
        { playlist_id: "playlist_japan", playlist_name: "日本のヒット", playlist_snapshot_id: "snap_j2", owner_id: "user_kenji" },
        { playlist_id: "playlist_quiet", playlist_name: "", playlist_snapshot_id: "snap_q2", owner_id: "user_ana" },
    ]);
    lake.write("playlist_entries", day, [
        { playlist_id: "playlist_quiet", playlist_snapshot_id: "snap_q2", position: 0, song_id: "song_demo", added_at: "2026-11-21T06:00:00Z", added_by: "user_ana" },
        { playlist_id: "playlist_quiet", playlist_snapshot_id: "snap_q2", position: 1, song_id: "song_bohemian", added_at: "2026-11-17T00:00:00Z", added_by: "user_ana" },
    ]);
    const stream = (endedAt: string, ms: number, track: string, artist: string) => ({
        ended_at: endedAt, ms_played: ms, content_type: "track", track_name: track, artist_name: artist,
        shuffle: false, skipped: false, offline: false, incognito_mode: false, platform: "ios", conn_country: "SE", source: "extended",
    });
    lake.write("listening_history", "2026-02", [
        stream("2026-02-01T10:00:00Z", 200000, "KICK BACK", ""),
        stream("2026-02-02T09:00:00Z", 10000, "", "Aurora"),
        stream("2026-02-02T09:00:00Z", 40000, "Runaway", "Aurora"),
        stream("2026-02-04T10:00:00Z", 100000, "", "Björk"),
        stream("2026-02-05T10:00:00Z", 100000, "Hyperballad", "Björk"),
    ]);
}

const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const identifier = (name: string): string => `"${name.replace(/"/g, "\"\"")}"`;
const sqlType = (type: string): string => type === "int" ? "INTEGER" : type === "boolean" ? "BOOLEAN" : "VARCHAR";

/** Every file under a folder, as paths relative to it. */
function filesUnder(folder: string): string[] {
    return fs.readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter(entry => entry.isFile())
        .map(entry => path.relative(folder, path.join(entry.parentPath, entry.name)))
        .sort();
}

/**
 * Writes a Parquet copy of a CSV lake into `target`: transformed/<table>/[<partition>=<value>/]<table>.parquet for
 * each <table>.csv, the table's columns in the contract's order and types, an empty text field NULL.
 */
async function writeParquetCopy(db: DuckDBConnection, csvLake: string, target: string): Promise<string[]> {
    const written: string[] = [];
    const transformed = path.join(csvLake, "transformed");
    for (const file of filesUnder(transformed)) {
        const table = file.split(path.sep)[0]!;
        const definition = contract.tables.find(t => t.name === table);
        assert.ok(definition, `${file} belongs to a table of the contract`);
        assert.equal(path.basename(file), `${table}.csv`, `${file} is a CSV file of its table`);
        const columns = definition.columns;
        const types = columns.map(c => `${sqlString(c.name)}: ${sqlString(sqlType(c.type))}`).join(", ");
        const select = columns.map(c => c.type === "string"
            ? `NULLIF(${identifier(c.name)}, '') AS ${identifier(c.name)}`
            : identifier(c.name)).join(", ");
        const parquet = path.join(target, "transformed", file.replace(/\.csv$/, ".parquet"));
        fs.mkdirSync(path.dirname(parquet), { recursive: true });
        await db.run(`COPY (SELECT ${select} FROM read_csv(${sqlString(path.join(transformed, file))}, header = true, delim = ',', ` +
            `quote = '"', escape = '"', auto_detect = false, columns = {${types}})) TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION snappy)`);
        written.push(parquet);
    }
    return written;
}

describe("named queries answer a Parquet lake as they answer the same lake in CSV", () => {
    let csvLake: string;
    let parquetLake: string;
    let parquetFiles: string[];
    let nullTextValues: number;
    const csvAnswers = new Map<string, QueryResult>();
    const parquetAnswers = new Map<string, QueryResult>();

    before(async () => {
        csvLake = fs.mkdtempSync(path.join(os.tmpdir(), "lake-csv-"));
        fs.cpSync(fixtureLake, csvLake, { recursive: true });
        addMissingNames(new LakeFolder(csvLake));
        parquetLake = fs.mkdtempSync(path.join(os.tmpdir(), "lake-parquet-"));
        const instance = await DuckDBInstance.create(":memory:");
        const db = await instance.connect();
        try {
            parquetFiles = await writeParquetCopy(db, csvLake, parquetLake);
            // How many text values the copy stores as NULL: the values a CSV view reads as ''.
            nullTextValues = 0;
            for (const file of parquetFiles) {
                const table = path.basename(file, ".parquet");
                const text = contract.tables.find(t => t.name === table)!.columns.filter(c => c.type === "string");
                const counted = await db.runAndReadAll(`SELECT ${text.map(c => `COUNT(*) - COUNT(${identifier(c.name)})`).join(" + ")} ` +
                    `FROM read_parquet(${sqlString(file)})`);
                nullTextValues += Number(counted.getRows()[0]![0]);
            }
        } finally {
            db.closeSync();
            instance.closeSync();
        }
        const [csv, parquet] = [await LocalLake.open(csvLake), await LocalLake.open(parquetLake)];
        try {
            for (const result of await csv.runAll(queries)) {
                csvAnswers.set(result.name, result);
            }
            for (const result of await parquet.runAll(queries)) {
                parquetAnswers.set(result.name, result);
            }
        } finally {
            csv.close();
            parquet.close();
        }
    });
    after(() => {
        fs.rmSync(csvLake, { recursive: true, force: true });
        fs.rmSync(parquetLake, { recursive: true, force: true });
    });

    it("the copy is Parquet only: every CSV file of the lake became a Parquet file, and missing text values are NULL", () => {
        const csvFiles = filesUnder(path.join(csvLake, "transformed"));
        const copied = filesUnder(path.join(parquetLake, "transformed"));
        assert.deepEqual(copied, csvFiles.map(f => f.replace(/\.csv$/, ".parquet")));
        assert.ok(copied.every(f => f.endsWith(".parquet")), "no CSV file is left for the runner to read");
        for (const file of parquetFiles) {
            const bytes = fs.readFileSync(file);
            assert.equal(bytes.subarray(0, 4).toString("latin1"), "PAR1", `${file} is a Parquet file`);
        }
        // Without empty text fields (the sample lake's and the rows added to it) this comparison would check nothing.
        assert.ok(nullTextValues > 20, `the Parquet copy holds NULL text values (${nullTextValues})`);
    });

    for (const query of queries) {
        it(`${query.name}: the same columns and rows, in the same order`, () => {
            const csv = csvAnswers.get(query.name);
            const parquet = parquetAnswers.get(query.name);
            assert.ok(csv && parquet, `${query.name} ran on both lakes`);
            assert.deepEqual(parquet.columns, csv.columns);
            assert.deepEqual(parquet.rows, csv.rows);
        });
    }

    it("a missing name is NULL in both formats, listed after the named ones, and a stream naming its track is an artist's first", () => {
        for (const [format, answers] of [["CSV", csvAnswers], ["Parquet", parquetAnswers]] as const) {
            const rows = (name: string) => answers.get(name)!.rows;
            assert.deepEqual(rows("playlist_top_songs").slice(-2), [
                [null, "1", "Untitled Demo", null, "2026-11-21", "2026-11-21"],
                [null, "2", "Bohemian Rhapsody", "Queen", "2026-11-21", "2026-11-21"],
            ], format);
            assert.deepEqual(rows("playlist_changes").slice(-2), [
                [null, "drop_out", "0", "KICK BACK", "米津玄師", "2026-11-19", "2026-11-21"],
                [null, "new_entry", "0", "Untitled Demo", null, "2026-11-19", "2026-11-21"],
            ], format);
            // Ties on the number of days: the unnamed playlist's KICK BACK after every named playlist's song.
            assert.deepEqual(rows("days_on_playlist").filter(r => r[3] === "2").map(r => [r[0], r[1]]), [
                ["Morning Mix", "KICK BACK"], ["Morning Mix", "Love of My Life"], ["Morning Mix", "Say \"Cheese\""],
                ["日本のヒット", "Love of My Life"], ["日本のヒット", "Shakira: Bzrp Music Sessions, Vol. 53"], [null, "KICK BACK"],
            ], format);
            assert.deepEqual(rows("history_top_tracks_per_year").filter(r => r[0] === "2026" && r[2] === "KICK BACK").map(r => r[3]),
                ["米津玄師", null], format);
            assert.deepEqual(rows("history_first_heard").filter(r => r[1] === "Aurora" || r[1] === "Björk").map(r => [r[1], r[4]]),
                [["Björk", null], ["Aurora", "Runaway"]], format);
        }
    });
});
