/**
 * The listening-history questions answer correctly on the fixture lake's listening_history
 * (fixtures/lake/transformed/listening_history/ended_month=2025-12 and =2026-01, eleven streams):
 *   Mon 2025-12-01 08:00 Bohemian Rhapsody (Queen) 200 s; 08:05 KICK BACK 10 s, skipped
 *   Tue 2025-12-02 21:10 Say "Cheese" 240 s; 21:20 a podcast episode, one hour
 *   Wed 2025-12-31 23:59 Bohemian Rhapsody, account data (to the minute), 60 s
 *   Mon 2026-01-05 08:10 Bohemian Rhapsody 200 s; 08:15 Love of My Life 25 s, ended with the back button
 *   Tue 2026-01-06 21:00 an audiobook chapter, half an hour
 *   Wed 2026-01-07 12:00 Say "Cheese" from the API (its duration); 12:30 a row with no metadata, 0 ms;
 *                  12:31 KICK BACK exactly 30 s (a play: the threshold is inclusive)
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { loadNamedQueries } from "../../infra/catalog/namedQueries";
import { LocalLake, QueryResult } from "./helpers/cliQueries";

const fixtureLake = path.resolve(__dirname, "fixtures/lake");
const history = loadNamedQueries().filter(q => q.name.startsWith("history_"));

describe("the listening-history questions on the fixture lake", () => {
    let lake: LocalLake;
    const results = new Map<string, QueryResult>();
    before(async () => {
        lake = await LocalLake.open(fixtureLake);
        for (const result of await lake.runAll(history)) {
            results.set(result.name, result);
        }
    });
    after(() => lake.close());
    const answer = (name: string): QueryResult => {
        const result = results.get(name);
        assert.ok(result, `${name} ran`);
        return result;
    };

    it("hours per month count every stream's time; plays only streams of 30 s or more", () => {
        const result = answer("history_hours_per_month");
        assert.deepEqual(result.columns, ["month", "hours", "plays", "streams"]);
        // December: 200 + 10 + 240 + 3600 + 60 s = 1.14 h; plays: all but the 10 s skip.
        // January: 200 + 25 + 1800 + 180 + 0 + 30 s = 0.62 h; plays: the 200 s, the chapter, the API play, the 30 s.
        assert.deepEqual(result.rows, [["2026-01", "0.6", "4", "6"], ["2025-12", "1.1", "4", "5"]]);
    });

    it("hours per year split music from podcasts and audiobooks", () => {
        const result = answer("history_hours_per_year");
        assert.deepEqual(result.columns, ["year", "hours", "music_hours", "plays", "streams"]);
        assert.deepEqual(result.rows, [["2026", "0.6", "0.1", "4", "6"], ["2025", "1.1", "0.1", "4", "5"]]);
    });

    it("top artists per year count plays of every source, account and API rows included", () => {
        const result = answer("history_top_artists_per_year");
        assert.deepEqual(result.columns, ["year", "year_rank", "artist_name", "plays", "hours"]);
        assert.deepEqual(result.rows.map(r => r.slice(0, 4)), [
            // 2026: Love of My Life (25 s) is no play; the API's Say "Cheese" and the 30 s KICK BACK are.
            ["2026", "1", "Queen", "1"], ["2026", "1", "Tyler, The Creator", "1"], ["2026", "1", "米津玄師", "1"],
            // 2025: the account-data Bohemian Rhapsody counts; the 10 s skip of KICK BACK does not.
            ["2025", "1", "Queen", "2"], ["2025", "2", "Tyler, The Creator", "1"],
        ]);
    });

    it("top tracks per year join account rows (names only) and extended rows (with a URI) of one song", () => {
        const result = answer("history_top_tracks_per_year");
        assert.deepEqual(result.rows, [
            ["2026", "1", "Bohemian Rhapsody", "Queen", "1"], ["2026", "1", "KICK BACK", "米津玄師", "1"],
            ["2026", "1", "Say \"Cheese\"", "Tyler, The Creator", "1"],
            ["2025", "1", "Bohemian Rhapsody", "Queen", "2"], ["2025", "2", "Say \"Cheese\"", "Tyler, The Creator", "1"],
        ]);
    });

    it("skip rate by weekday and hour counts skipped rows and forward/back endings over the rows that record them, Monday first", () => {
        const result = answer("history_skip_rate_by_hour");
        assert.deepEqual(result.columns, ["weekday", "weekday_name", "hour_of_day", "streams_with_skip_info", "skips", "skip_percent"]);
        assert.deepEqual(result.rows, [
            // Mondays 08h: the skipped KICK BACK and Love of My Life (backbtn, skipped empty) of four streams.
            ["0", "Mon", "8", "4", "2", "50.0"],
            // Tuesdays 21h: Say "Cheese"; the podcast episode and the audiobook chapter are no music.
            ["1", "Tue", "21", "1", "0", "0.0"],
            // The API's Say "Cheese" records no skip, and the row with no metadata is no music: one stream, the
            // 30 s KICK BACK. The account-data stream of Wednesday 23h records none either: no row.
            ["2", "Wed", "12", "1", "0", "0.0"],
        ]);
    });

    it("first heard is an artist's first stream that played, of any length, for the artists with the most plays", () => {
        const result = answer("history_first_heard");
        assert.deepEqual(result.columns, ["play_rank", "artist_name", "plays", "first_heard", "first_track"]);
        assert.deepEqual(result.rows, [
            ["1", "Queen", "3", "2025-12-01T08:00:00Z", "Bohemian Rhapsody"],
            ["2", "Tyler, The Creator", "2", "2025-12-02T21:10:00Z", "Say \"Cheese\""],
            // First heard in a 10 s skip, which is no play.
            ["3", "米津玄師", "1", "2025-12-01T08:05:00Z", "KICK BACK"],
        ]);
    });

    it("podcast and audiobook time per year", () => {
        const result = answer("history_podcast_audiobook_time");
        assert.deepEqual(result.columns, ["year", "content_type", "hours", "streams", "titles"]);
        assert.deepEqual(result.rows, [["2026", "audiobook", "0.5", "1", "1"], ["2025", "episode", "1.0", "1", "1"]]);
    });
});

describe("the play threshold", () => {
    const threshold = /SELECT (\d+) AS min_play_ms/;
    it("is one setting: every history question that counts plays states the same min_play_ms", () => {
        const stated = history.filter(q => /\bplays\b/.test(q.sql)).map(q => [q.file, threshold.exec(q.sql)?.[1]]);
        assert.ok(stated.length >= 4, "the questions that count plays were found");
        for (const [file, value] of stated) {
            assert.equal(value, "30000", `${file} states min_play_ms = 30000 in its settings`);
        }
    });
});
