/**
 * data_quality on generated lakes: every table's rows and distinct keys per snapshot date, each key
 * being the one docs/transformation.md gives the table (plays: `(played_at, song_id)`), computed here
 * from the generated rows. Keys are drawn from small sets, so rows repeat a key, share a part of one
 * (two songs played at one instant, one song saved twice), or differ in every part.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { answersOf, Row, seeded } from "./helpers/handMadeLake";

/** Each table data_quality checks, the parts of its key, and a generator of one row from a few choices per column. */
const tables: Readonly<Record<string, { key: readonly string[]; row: (pick: (n: number) => number) => Row }>> = {
    albums: { key: ["album_id"], row: pick => ({ album_id: `album_${pick(6)}`, album_name: `Album ${pick(3)}` }) },
    artists: { key: ["artist_id"], row: pick => ({ artist_id: `artist_${pick(6)}`, artist_name: `Artist ${pick(3)}` }) },
    playlist_entries: {
        key: ["playlist_id", "playlist_snapshot_id", "position"],
        // An entry whose day has no playlist metadata has no snapshot id: empty here, one key.
        row: pick => ({
            playlist_id: `playlist_${pick(2)}`, playlist_snapshot_id: ["", "snap_a", "snap_b"][pick(3)],
            position: pick(3), song_id: `song_${pick(4)}`,
        }),
    },
    playlists: { key: ["playlist_id"], row: pick => ({ playlist_id: `playlist_${pick(4)}`, playlist_snapshot_id: `snap_${pick(2)}` }) },
    plays: {
        key: ["played_at", "song_id"],
        row: pick => ({ played_at: `2026-11-20T07:0${pick(3)}:00Z`, song_id: `song_${pick(3)}`, context_type: "" }),
    },
    saved_tracks: {
        key: ["song_id", "saved_at"],
        row: pick => ({ song_id: `song_${pick(3)}`, saved_at: `2026-11-1${pick(3)}T10:00:00Z`, full_pass: pick(2) === 0 }),
    },
    song_artists: {
        key: ["song_id", "artist_id"],
        row: pick => ({ song_id: `song_${pick(3)}`, artist_id: `artist_${pick(3)}`, artist_position: pick(3) }),
    },
    songs: { key: ["song_id"], row: pick => ({ song_id: `song_${pick(6)}`, song_name: `Song ${pick(3)}` }) },
    top_items: {
        key: ["item_type", "time_range", "rank"],
        row: pick => ({
            item_type: ["track", "artist"][pick(2)], time_range: ["short_term", "long_term"][pick(2)],
            rank: 1 + pick(3), item_id: `item_${pick(5)}`,
        }),
    },
};

const days = ["2026-11-19", "2026-11-20"];
const seeds = [1, 2, 3, 4, 5];

const keyOf = (table: string, row: Row): string => tables[table].key.map(part => String(row[part])).join("\u0000");

/**
 * A seed's lake: per day and table, 1 to 9 rows, and now and then no file for the table that day. A row drawn with a
 * key the day already holds repeats that row whole, as a duplicate written twice does: two rows of one key that differ
 * would leave the other questions' answers to the order the engine reads them in.
 */
function generate(seed: number): [string, string, Row[]][] {
    const pick = seeded(seed);
    const written: [string, string, Row[]][] = [];
    for (const date of days) {
        for (const [table, { row }] of Object.entries(tables)) {
            const count = pick(5) === 0 ? 0 : 1 + pick(9);
            const byKey = new Map<string, Row>();
            const rows = Array.from({ length: count }, () => {
                const drawn = row(pick);
                const first = byKey.get(keyOf(table, drawn)) ?? drawn;
                byKey.set(keyOf(table, drawn), first);
                return first;
            });
            if (count > 0) {
                written.push([table, date, rows]);
            }
        }
    }
    return written;
}

describe("data_quality on generated lakes", () => {
    for (const seed of seeds) {
        it(`counts each table's rows and its distinct keys per day, seed ${seed}`, async () => {
            const written = generate(seed);
            const expected = written
                .map(([table, date, rows]) => [date, table, String(rows.length), String(new Set(rows.map(r => keyOf(table, r))).size)])
                .sort((a, b) => (a[0] + "/" + a[1] < b[0] + "/" + b[1] ? -1 : 1));
            const answers = await answersOf(lake => {
                for (const [table, date, rows] of written) {
                    lake.write(table, date, rows);
                }
            });
            assert.deepEqual(answers.get("data_quality")?.rows, expected);
        });
    }

    it("the seeds hold plays of two songs at one instant and rows that repeat a whole key", () => {
        const plays = seeds.flatMap(seed => generate(seed).filter(([table]) => table === "plays").map(([, , rows]) => rows));
        const sharedInstant = plays.filter(rows => new Set(rows.map(r => keyOf("plays", r))).size > new Set(rows.map(r => r.played_at)).size);
        const repeatedKey = plays.filter(rows => new Set(rows.map(r => keyOf("plays", r))).size < rows.length);
        assert.ok(sharedInstant.length > 0 && repeatedKey.length > 0,
            `${sharedInstant.length} days share an instant, ${repeatedKey.length} repeat a key`);
    });
});
