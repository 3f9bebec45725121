/**
 * The named queries answer their questions correctly on a small, hand-readable lake
 * (fixtures/lake), answered by spotify-etl's in-process DuckDB, and stay in the SQL subset Athena
 * (Trino) and DuckDB share. How the runner's views match the catalog is tested beside it, in C#
 * (tests/SpotifyEtl.Tests/Queries).
 *
 * Fixture, three snapshot dates (2026-11-18, -19, -20). Playlists are versioned: `playlists` has one
 * row per playlist per day it was extracted, naming that day's version (snapshot id);
 * `playlist_entries` holds a version's items only on the day(s) they were landed.
 *   Morning Mix  (a new version every day)
 *     18 snap_m1: Bohemian, Bzrp53, KICK BACK   19 snap_m2: Bzrp53, Bohemian, KICK BACK, Bohemian (listed twice)
 *     20 snap_m3: Bzrp53, Say "Cheese", Bohemian, Love of My Life
 *   日本のヒット  18 snap_j1: KICK BACK, Love of My Life
 *                19 snap_j1 UNCHANGED: a playlists row, no entries that day
 *                20 snap_j2: KICK BACK, Bzrp53
 *   Quiet Hours  18 snap_q0: Bohemian        19 snap_q1: KICK BACK, Bohemian
 *                20 snap_q1 again, its entries landed a second time (identical): must not double
 *   Bzrp53 is by Bizarrap and Shakira; albums have day, month (1975) and year (2004) precision;
 *   the 2026-11-17T08:03:30.500Z play of Bohemian Rhapsody is stored under two snapshot dates.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadNamedQueries, parseNamedQuery } from "../../infra/catalog/namedQueries";
import { LocalLake, query, QueryResult } from "./helpers/cliQueries";
import { checkCommonDialect } from "./helpers/dialect";

const fixtureLake = path.resolve(__dirname, "fixtures/lake");
const queries = loadNamedQueries();

describe("named queries on the sample lake", () => {
    let lake: LocalLake;
    const results = new Map<string, QueryResult>();

    before(async () => {
        lake = await LocalLake.open(fixtureLake);
        for (const result of await lake.runAll(queries)) {
            results.set(result.name, result);
        }
    });
    after(() => lake.close());

    const answer = (name: string): QueryResult => {
        const result = results.get(name);
        assert.ok(result, `query ${name} exists and ran`);
        return result;
    };

    it("every question the product answers exists, each stated in its header", () => {
        assert.deepEqual(queries.map(q => q.name), [
            "artists_with_most_songs",
            "data_quality",
            "days_on_playlist",
            "history_first_heard",
            "history_hours_per_month",
            "history_hours_per_year",
            "history_podcast_audiobook_time",
            "history_skip_rate_by_hour",
            "history_top_artists_per_year",
            "history_top_tracks_per_year",
            "listening_clock",
            "listening_per_week",
            "playlist_changes",
            "playlist_top_songs",
            "plays_per_artist_week",
            "release_year_distribution",
            "saved_tracks_per_week",
            "skip_rate",
            "top_artists",
            "top_items_now",
            "top_tracks",
            "top_tracks_movement",
        ]);
        for (const query of queries) {
            assert.match(query.question, /\?$/, `${query.name} states its question`);
            assert.ok(query.description.length > 40, `${query.name} describes how it answers`);
        }
    });

    it("every header fits whole in the description Athena's console shows (1,024 characters; a longer one is cut)", () => {
        for (const query of queries) {
            const shown = `${query.question} ${query.description}`;
            assert.ok(shown.length <= 1024, `${query.name}: ${shown.length} characters`);
        }
    });

    it("saves are counted once per week however many passes listed them, with the week's first save named", () => {
        const result = answer("saved_tracks_per_week");
        assert.deepEqual(result.columns, ["week_start", "songs_saved", "first_saved_at", "first_song_saved"]);
        assert.deepEqual(result.rows, [
            ["2026-11-16", "3", "2026-11-16T08:30:00Z", "KICK BACK"],
            ["2026-11-02", "2", "2026-11-02T09:00:00Z", "Bohemian Rhapsody"],
        ]);
    });

    it("listening per week counts each play once with its song's full length, in Monday weeks", () => {
        const result = answer("listening_per_week");
        assert.deepEqual(result.columns, ["week_start", "play_count", "hours"]);
        // Week of the 16th: KICK BACK 193.0 s, Bohemian 354.32 s (stored twice, counted once), Bzrp53 twice
        // 218 s each, Love of My Life 219 s, Say "Cheese" 181.5 s = 1,383.82 s = 0.38 h.
        assert.deepEqual(result.rows, [["2026-11-09", "1", "0.06"], ["2026-11-16", "6", "0.38"]]);
    });

    it("top artists per year credit every artist of a multi-artist song, ties sharing a rank and ordered by name, with the first play", () => {
        const result = answer("top_artists");
        assert.deepEqual(result.columns, ["play_year", "year_rank", "artist_name", "play_count", "first_heard"]);
        assert.deepEqual(result.rows, [
            ["2026", "1", "Bizarrap", "3", "2026-11-15"],
            ["2026", "1", "Shakira", "3", "2026-11-15"],
            ["2026", "3", "Queen", "2", "2026-11-17"],
            ["2026", "4", "Tyler, The Creator", "1", "2026-11-19"],
            ["2026", "4", "米津玄師", "1", "2026-11-17"],
        ]);
    });

    it("top tracks per year name every artist the song credits, in order, and count a play stored twice once", () => {
        const result = answer("top_tracks");
        assert.deepEqual(result.rows.map(r => [r[1], r[2], r[3], r[4]]), [
            ["1", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "3"],
            ["2", "Bohemian Rhapsody", "Queen", "1"],
            ["2", "KICK BACK", "米津玄師", "1"],
            ["2", "Love of My Life", "Queen", "1"],
            ["2", "Say \"Cheese\"", "Tyler, The Creator", "1"],
        ]);
    });

    it("the listening clock puts each play on its UTC weekday and hour", () => {
        // 2026-11-15 is a Sunday; the 17th a Tuesday, the 18th a Wednesday, the 19th a Thursday.
        assert.deepEqual(answer("listening_clock").rows, [
            ["1", "Tue", "8", "2"], ["2", "Wed", "19", "2"], ["3", "Thu", "7", "2"], ["6", "Sun", "22", "1"],
        ]);
    });

    it("the skip estimate leaves out the first play and counts none when every play ended after half its song since the previous one", () => {
        // The 2026-11-15 play is the lake's first: its week has no play left to count.
        assert.deepEqual(answer("skip_rate").rows, [["2026-11-16", "6", "0", "0.0"]]);
    });

    it("top items now are the latest ranking of each list, tracks named with every artist they credit", () => {
        assert.deepEqual(answer("top_items_now").rows, [
            ["artist", "long_term", "1", "Queen", "", "2026-11-19"],
            ["track", "short_term", "1", "KICK BACK", "米津玄師", "2026-11-19"],
            ["track", "short_term", "2", "Bohemian Rhapsody", "Queen", "2026-11-19"],
            ["track", "short_term", "3", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "2026-11-19"],
        ]);
    });

    it("top tracks move between the two latest rankings: climbs, falls, new entries and drop-outs", () => {
        const result = answer("top_tracks_movement");
        assert.deepEqual(result.columns, ["time_range", "current_rank", "previous_rank", "rank_change", "song_name", "artist_names"]);
        assert.deepEqual(result.rows, [
            ["short_term", "1", "2", "1", "KICK BACK", "米津玄師"],
            ["short_term", "2", "1", "-1", "Bohemian Rhapsody", "Queen"],
            ["short_term", "3", null, "new", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira"],
            ["short_term", null, "3", "dropped", "Love of My Life", "Queen"],
        ]);
    });

    it("current top songs come from each playlist's current version, ranked by position, a version landed twice listed once", () => {
        const result = answer("playlist_top_songs");
        assert.deepEqual(result.columns, [
            "playlist_name", "playlist_rank", "song_name", "artist_names", "version_first_seen", "snapshot_date",
        ]);
        assert.deepEqual(result.rows, [
            ["Morning Mix", "1", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "2026-11-20", "2026-11-20"],
            ["Morning Mix", "2", "Say \"Cheese\"", "Tyler, The Creator", "2026-11-20", "2026-11-20"],
            ["Morning Mix", "3", "Bohemian Rhapsody", "Queen", "2026-11-20", "2026-11-20"],
            ["Morning Mix", "4", "Love of My Life", "Queen", "2026-11-20", "2026-11-20"],
            // snap_q1, first seen on the 19th; its entries exist on the 19th and the 20th: two rows, not four.
            ["Quiet Hours", "1", "KICK BACK", "米津玄師", "2026-11-19", "2026-11-20"],
            ["Quiet Hours", "2", "Bohemian Rhapsody", "Queen", "2026-11-19", "2026-11-20"],
            ["日本のヒット", "1", "KICK BACK", "米津玄師", "2026-11-20", "2026-11-20"],
            ["日本のヒット", "2", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "2026-11-20", "2026-11-20"],
        ]);
    });

    it("artists are credited once per distinct current song, every artist of a multi-artist song included", () => {
        const result = answer("artists_with_most_songs");
        assert.deepEqual(result.columns, ["artist_name", "song_count", "playlist_count"]);
        // Current versions: Morning Mix snap_m3 {Bzrp53, Say "Cheese", Bohemian, Love of My Life},
        // Quiet Hours snap_q1 {KICK BACK, Bohemian} (landed twice, counted once), 日本のヒット snap_j2 {KICK BACK, Bzrp53}.
        // Queen: Bohemian (Morning Mix, Quiet Hours) and Love of My Life (Morning Mix): 2 songs, 2 playlists.
        assert.deepEqual(result.rows, [
            ["Queen", "2", "2"],
            ["Bizarrap", "1", "2"],
            ["Shakira", "1", "2"],
            ["米津玄師", "1", "2"],
            ["Tyler, The Creator", "1", "1"],
        ]);
    });

    it("days on a playlist count the days whose version held the song, unchanged days included, never rows", () => {
        const result = answer("days_on_playlist");
        assert.deepEqual(result.columns, ["playlist_name", "song_name", "artist_names", "days_on_playlist", "on_playlist_since", "first_seen", "last_seen"]);
        assert.deepEqual(result.rows, [
            // On Quiet Hours from its first extraction (snap_q0, the 18th), added on the 17th: that day counts too.
            // snap_q1 on the 19th and 20th (its entries landed on both): 4 days, not 5.
            ["Quiet Hours", "Bohemian Rhapsody", "Queen", "4", "2026-11-17", "2026-11-18", "2026-11-20"],
            // Bohemian Rhapsody is listed twice on the 19th: still 3 days, not 4.
            ["Morning Mix", "Bohemian Rhapsody", "Queen", "3", "2026-11-18", "2026-11-18", "2026-11-20"],
            ["Morning Mix", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "3", "2026-11-18", "2026-11-18", "2026-11-20"],
            // The 19th counts although 日本のヒット landed no entries that day (unchanged, snap_j1).
            ["日本のヒット", "KICK BACK", "米津玄師", "3", "2026-11-18", "2026-11-18", "2026-11-20"],
            ["Morning Mix", "KICK BACK", "米津玄師", "2", "2026-11-18", "2026-11-18", "2026-11-19"],
            ["Quiet Hours", "KICK BACK", "米津玄師", "2", "2026-11-19", "2026-11-19", "2026-11-20"],
            // snap_j1 on the 18th and, unchanged, on the 19th.
            ["日本のヒット", "Love of My Life", "Queen", "2", "2026-11-18", "2026-11-18", "2026-11-19"],
            ["Morning Mix", "Love of My Life", "Queen", "1", "2026-11-20", "2026-11-20", "2026-11-20"],
            ["Morning Mix", "Say \"Cheese\"", "Tyler, The Creator", "1", "2026-11-20", "2026-11-20", "2026-11-20"],
            ["日本のヒット", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "1", "2026-11-20", "2026-11-20", "2026-11-20"],
        ]);
    });

    it("changes compare each playlist's two latest distinct versions, not its two latest days", () => {
        const result = answer("playlist_changes");
        assert.deepEqual(result.columns, [
            "playlist_name", "change_type", "position", "song_name", "artist_names",
            "previous_version_first_seen", "latest_version_first_seen",
        ]);
        assert.deepEqual(result.rows, [
            // snap_m2 (first seen 19th) -> snap_m3 (20th).
            ["Morning Mix", "drop_out", "2", "KICK BACK", "米津玄師", "2026-11-19", "2026-11-20"],
            ["Morning Mix", "new_entry", "1", "Say \"Cheese\"", "Tyler, The Creator", "2026-11-19", "2026-11-20"],
            ["Morning Mix", "new_entry", "3", "Love of My Life", "Queen", "2026-11-19", "2026-11-20"],
            // The 19th and 20th both hold snap_q1 (identical entries): the comparison is with snap_q0 of the 18th.
            ["Quiet Hours", "new_entry", "0", "KICK BACK", "米津玄師", "2026-11-18", "2026-11-19"],
            // The 19th holds snap_j1 unchanged: snap_j2 is compared with snap_j1, first seen on the 18th.
            ["日本のヒット", "drop_out", "1", "Love of My Life", "Queen", "2026-11-18", "2026-11-20"],
            ["日本のヒット", "new_entry", "1", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "2026-11-18", "2026-11-20"],
        ]);
    });

    it("plays per artist per week count a play stored under two snapshot dates once", () => {
        const result = answer("plays_per_artist_week");
        assert.deepEqual(result.columns, ["week_start", "artist_name", "play_count"]);
        // Week of Monday 2026-11-16: Bzrp53 x2 (both artists), Bohemian (once, despite two snapshots),
        // Love of My Life, Say "Cheese", KICK BACK. Sunday 2026-11-15 belongs to the week of the 9th.
        assert.deepEqual(result.rows, [
            ["2026-11-16", "Bizarrap", "2"],
            ["2026-11-16", "Queen", "2"],
            ["2026-11-16", "Shakira", "2"],
            ["2026-11-16", "Tyler, The Creator", "1"],
            ["2026-11-16", "米津玄師", "1"],
            ["2026-11-09", "Bizarrap", "1"],
            ["2026-11-09", "Shakira", "1"],
        ]);
    });

    it("release years keep year- and month-precision albums and count each song once", () => {
        const result = answer("release_year_distribution");
        assert.deepEqual(result.columns, ["release_year", "song_count", "album_count"]);
        assert.deepEqual(result.rows, [
            ["1975", "2", "1"], // A Night at the Opera, month precision, two songs
            ["2004", "1", "1"], // Greatest "Takes", Vol. 1, year precision
            ["2022", "1", "1"],
            ["2023", "1", "1"],
        ]);
    });

    it("data quality lists rows and distinct keys per table per snapshot date", () => {
        const result = answer("data_quality");
        assert.deepEqual(result.columns, ["snapshot_date", "table_name", "row_count", "distinct_keys"]);
        // Per day; null where the day has no file for the table.
        const counts: Record<string, [number | null, number | null, number | null]> = {
            albums: [3, 3, 4],
            artists: [4, 4, 5],
            // 18: m1 3 + j1 2 + q0 1; 19: m2 4 + q1 2 (j1 unchanged, none); 20: m3 4 + j2 2 + q1 2 (landed again).
            playlist_entries: [6, 6, 8],
            playlists: [3, 3, 3],
            plays: [3, 3, 2],
            // 18: a full pass of three saves; 19 and 20: incremental passes of the newest.
            saved_tracks: [3, 1, 2],
            song_artists: [5, 4, 6],
            songs: [4, 3, 5],
            // One artist and three tracks ranked on the 18th and 19th; no ranking landed on the 20th.
            top_items: [4, 4, null],
        };
        const expected = ["2026-11-18", "2026-11-19", "2026-11-20"].flatMap((date, day) =>
            Object.entries(counts).filter(([, perDay]) => perDay[day] !== null)
                .map(([table, perDay]) => [date, table, String(perDay[day]), String(perDay[day])]));
        assert.deepEqual(result.rows, expected);
    });
});

describe("no query double counts across snapshot dates", () => {
    it("another day repeating the latest dimensions and plays changes no answer but data_quality", async () => {
        // What a rerun or an overlapping extraction produces: the same songs, albums, artists and
        // plays again under a new snapshot date (no playlist was extracted that day).
        const lakeCopy = fs.mkdtempSync(path.join(os.tmpdir(), "lake-"));
        fs.cpSync(fixtureLake, lakeCopy, { recursive: true });
        for (const table of ["songs", "albums", "artists", "song_artists", "plays"]) {
            const from = path.join(lakeCopy, "transformed", table, "snapshot_date=2026-11-20");
            const to = path.join(lakeCopy, "transformed", table, "snapshot_date=2026-11-21");
            fs.cpSync(from, to, { recursive: true });
        }
        const original = await LocalLake.open(fixtureLake);
        const repeated = await LocalLake.open(lakeCopy);
        try {
            for (const query of queries.filter(q => q.name !== "data_quality")) {
                assert.deepEqual((await repeated.run(query)).rows, (await original.run(query)).rows, query.name);
            }
            const quality = await repeated.run(queries.find(q => q.name === "data_quality")!);
            assert.deepEqual(quality.rows.filter(r => r[0] === "2026-11-21").map(r => r[1]),
                ["albums", "artists", "plays", "song_artists", "songs"]);
        } finally {
            original.close();
            repeated.close();
            fs.rmSync(lakeCopy, { recursive: true, force: true });
        }
    });
});

describe("playlists are read by version, whatever day their entries were landed", () => {
    const playlistsHeader = "playlist_id,playlist_name,playlist_snapshot_id,owner_id";
    const entriesHeader = "playlist_id,playlist_name,playlist_snapshot_id,position,song_id,added_at,added_by";

    /** A copy of the fixture lake plus one more day, 2026-11-21, of playlists (and optionally entries) rows. */
    async function withExtraDay(playlists: string[], entries: string[], check: (lake: LocalLake) => Promise<void>): Promise<void> {
        const lakeCopy = fs.mkdtempSync(path.join(os.tmpdir(), "lake-"));
        fs.cpSync(fixtureLake, lakeCopy, { recursive: true });
        const write = (table: string, lines: string[]) => {
            const folder = path.join(lakeCopy, "transformed", table, "snapshot_date=2026-11-21");
            fs.mkdirSync(folder, { recursive: true });
            fs.writeFileSync(path.join(folder, `${table}.csv`), lines.map(l => l + "\r\n").join(""));
        };
        write("playlists", [playlistsHeader, ...playlists]);
        if (entries.length > 0) {
            write("playlist_entries", [entriesHeader, ...entries]);
        }
        const lake = await LocalLake.open(lakeCopy);
        try {
            await check(lake);
        } finally {
            lake.close();
            fs.rmSync(lakeCopy, { recursive: true, force: true });
        }
    }
    const run = (lake: LocalLake, name: string) => lake.run(queries.find(q => q.name === name)!);

    it("a day on which every playlist was extracted unchanged adds a day on the playlist and changes nothing else", async () => {
        // 2026-11-21: the three current versions again (snap_m3, snap_j2, snap_q1), no entries landed.
        await withExtraDay([
            "playlist_morning,Morning Mix,snap_m3,user_ana",
            "playlist_japan,日本のヒット,snap_j2,user_kenji",
            "playlist_quiet,Quiet Hours,snap_q1,user_ana",
        ], [], async lake => {
            assert.deepEqual((await run(lake, "days_on_playlist")).rows, [
                // Every song of a current version gains the 21st; the others keep their days.
                ["Quiet Hours", "Bohemian Rhapsody", "Queen", "5", "2026-11-17", "2026-11-18", "2026-11-21"],
                ["Morning Mix", "Bohemian Rhapsody", "Queen", "4", "2026-11-18", "2026-11-18", "2026-11-21"],
                ["Morning Mix", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "4", "2026-11-18", "2026-11-18", "2026-11-21"],
                ["日本のヒット", "KICK BACK", "米津玄師", "4", "2026-11-18", "2026-11-18", "2026-11-21"],
                ["Quiet Hours", "KICK BACK", "米津玄師", "3", "2026-11-19", "2026-11-19", "2026-11-21"],
                ["Morning Mix", "KICK BACK", "米津玄師", "2", "2026-11-18", "2026-11-18", "2026-11-19"],
                ["Morning Mix", "Love of My Life", "Queen", "2", "2026-11-20", "2026-11-20", "2026-11-21"],
                ["Morning Mix", "Say \"Cheese\"", "Tyler, The Creator", "2", "2026-11-20", "2026-11-20", "2026-11-21"],
                ["日本のヒット", "Love of My Life", "Queen", "2", "2026-11-18", "2026-11-18", "2026-11-19"],
                ["日本のヒット", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "2", "2026-11-20", "2026-11-20", "2026-11-21"],
            ]);
            // The current versions' entries were landed on earlier days; the top songs still come from them.
            const top = await run(lake, "playlist_top_songs");
            assert.deepEqual(top.rows.map(r => [r[0], r[1], r[2], r[4], r[5]]), [
                ["Morning Mix", "1", "Shakira: Bzrp Music Sessions, Vol. 53", "2026-11-20", "2026-11-21"],
                ["Morning Mix", "2", "Say \"Cheese\"", "2026-11-20", "2026-11-21"],
                ["Morning Mix", "3", "Bohemian Rhapsody", "2026-11-20", "2026-11-21"],
                ["Morning Mix", "4", "Love of My Life", "2026-11-20", "2026-11-21"],
                ["Quiet Hours", "1", "KICK BACK", "2026-11-19", "2026-11-21"],
                ["Quiet Hours", "2", "Bohemian Rhapsody", "2026-11-19", "2026-11-21"],
                ["日本のヒット", "1", "KICK BACK", "2026-11-20", "2026-11-21"],
                ["日本のヒット", "2", "Shakira: Bzrp Music Sessions, Vol. 53", "2026-11-20", "2026-11-21"],
            ]);
            const original = await LocalLake.open(fixtureLake);
            try {
                for (const name of ["artists_with_most_songs", "playlist_changes"]) {
                    assert.deepEqual((await run(lake, name)).rows, (await run(original, name)).rows,
                        `${name}: an unchanged day is no new version`);
                }
            } finally {
                original.close();
            }
        });
    });

    it("when two runs of one day saw two versions, the day's playlists row decides which one counts", async () => {
        // 2026-11-21: an early run landed snap_m4 (Bohemian), a later one snap_m5 (Love of My Life,
        // Bohemian); the playlists row names snap_m5, the version the day's latest run saw.
        await withExtraDay([
            "playlist_morning,Morning Mix,snap_m5,user_ana",
        ], [
            "playlist_morning,Morning Mix,snap_m4,0,song_bohemian,2026-11-18T00:00:00Z,user_ana",
            "playlist_morning,Morning Mix,snap_m5,0,song_loveofmylife,2026-11-21T05:00:00Z,user_ana",
            "playlist_morning,Morning Mix,snap_m5,1,song_bohemian,2026-11-18T00:00:00Z,user_ana",
        ], async lake => {
            const top = await run(lake, "playlist_top_songs");
            assert.deepEqual(top.rows.filter(r => r[0] === "Morning Mix"), [
                ["Morning Mix", "1", "Love of My Life", "Queen", "2026-11-21", "2026-11-21"],
                ["Morning Mix", "2", "Bohemian Rhapsody", "Queen", "2026-11-21", "2026-11-21"],
            ]);
            // snap_m5 against snap_m3 (20th): snap_m4 was never a day's version.
            const changes = await run(lake, "playlist_changes");
            assert.deepEqual(changes.rows.filter(r => r[0] === "Morning Mix"), [
                ["Morning Mix", "drop_out", "0", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "2026-11-20", "2026-11-21"],
                ["Morning Mix", "drop_out", "1", "Say \"Cheese\"", "Tyler, The Creator", "2026-11-20", "2026-11-21"],
            ]);
            const days = await run(lake, "days_on_playlist");
            assert.deepEqual(days.rows.filter(r => r[0] === "Morning Mix"), [
                ["Morning Mix", "Bohemian Rhapsody", "Queen", "4", "2026-11-18", "2026-11-18", "2026-11-21"],
                ["Morning Mix", "Shakira: Bzrp Music Sessions, Vol. 53", "Bizarrap, Shakira", "3", "2026-11-18", "2026-11-18", "2026-11-20"],
                ["Morning Mix", "KICK BACK", "米津玄師", "2", "2026-11-18", "2026-11-18", "2026-11-19"],
                ["Morning Mix", "Love of My Life", "Queen", "2", "2026-11-20", "2026-11-20", "2026-11-21"],
                ["Morning Mix", "Say \"Cheese\"", "Tyler, The Creator", "1", "2026-11-20", "2026-11-20", "2026-11-20"],
            ]);
        });
    });
});

describe("the artist queries while songs_current and song_artists_current are a transform apart", () => {
    // The two tables are files of their own, rewritten one after the other (and a transform that fails between them leaves
    // them so until the next one): whichever is a day behind, every song keeps the credits of its latest day.
    const artistQueries = ["top_artists", "artists_with_most_songs", "plays_per_artist_week", "top_tracks", "top_items_now",
        "playlist_top_songs", "playlist_changes"];

    async function answersWith(table: "songs_current" | "song_artists_current", behind: boolean): Promise<Map<string, QueryResult>> {
        const lakeCopy = fs.mkdtempSync(path.join(os.tmpdir(), "lake-"));
        fs.cpSync(fixtureLake, lakeCopy, { recursive: true });
        if (behind) {
            // The table as the transform before the last one wrote it: the rows of the newest day dated the day before.
            const file = path.join(lakeCopy, "transformed", table, `${table}.csv`);
            const text = fs.readFileSync(file, "utf8");
            assert.match(text, /,2026-11-20\r?\n/, `${table} holds rows of the newest day`);
            fs.writeFileSync(file, text.replace(/,2026-11-20(\r?\n)/g, ",2026-11-19$1"));
        }
        try {
            // The tables as they stand, not rebuilt from the partitions (as LocalLake would).
            return new Map(query(lakeCopy).filter(a => artistQueries.includes(a.name)).map(a => [a.name, a]));
        } finally {
            fs.rmSync(lakeCopy, { recursive: true, force: true });
        }
    }

    for (const table of ["songs_current", "song_artists_current"] as const) {
        it(`with ${table} a day behind, every artist query answers as it does with both tables of the same transform`, async () => {
            const whole = await answersWith(table, false);
            const apart = await answersWith(table, true);
            for (const name of artistQueries) {
                assert.ok(whole.get(name)!.rows.length > 0, `${name} answers the fixture lake`);
                assert.deepEqual(apart.get(name)!.rows, whole.get(name)!.rows, name);
            }
        });
    }
});

describe("queries stay in the SQL that Athena (Trino) and DuckDB share", () => {
    for (const query of queries) {
        it(`${query.name} parses as Trino SQL and uses only functions and types both engines share`, () => {
            const report = checkCommonDialect(query.sql);
            assert.deepEqual(report.problems, [], query.file);
            assert.ok(report.functions.length > 0, "the check saw the query's functions");
        });
    }

    it("the check refuses dialect-only SQL", () => {
        const problems = (sql: string) => checkCommonDialect(sql).problems.join("\n");
        assert.match(problems("SELECT a FROM t QUALIFY row_number() OVER (ORDER BY a) = 1"), /Trino|QUALIFY/);
        assert.match(problems("SELECT a::int FROM t"), /'::' casts/);
        assert.match(problems("SELECT from_iso8601_timestamp(played_at) FROM plays"), /from_iso8601_timestamp\(\)/);
        assert.match(problems("SELECT strftime(x, '%Y') FROM t"), /strftime/);
        assert.match(problems("SELECT CAST(x AS TIMESTAMP) FROM t"), /casts to TIMESTAMP/);
        assert.match(problems("SELECT 1;"), /semicolon/);
        assert.match(problems("SELECT CASE WHEN a THEN 1 ELSE 0 END AS skip FROM t"), /skip, a reserved keyword in Trino/);
        assert.match(problems("SELECT SUM(skip) FROM t"), /skip, a reserved keyword/);
        assert.match(problems("SELECT SUM(t.skip) AS skips FROM t"), /skip, a reserved keyword/);
        assert.deepEqual(problems("SELECT SUM(\"skip\") AS \"values\" FROM t WHERE name = 'skip'"), "");
        assert.deepEqual(checkCommonDialect("SELECT count(*) FROM t -- a comment; with ::").problems, []);
    });

    it("a query file without a question header is refused", () => {
        assert.throws(() => parseNamedQuery("x/untitled.sql", "SELECT 1"), /-- Question:/);
        assert.throws(() => parseNamedQuery("x/Bad-Name.sql", "-- Question: Why?\nSELECT 1"), /snake case/);
    });
});
