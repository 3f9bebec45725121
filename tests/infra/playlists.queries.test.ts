/**
 * The playlist questions on lakes written here: playlists that share a name, a playlist the extraction
 * no longer sees, and days_on_playlist on generated playlists whose songs were added before their
 * extraction began.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { answersOf, LakeFolder, Row, seeded } from "./helpers/handMadeLake";
import { QueryResult } from "./helpers/cliQueries";

const answer = (answers: Map<string, QueryResult>, name: string): QueryResult => {
    const result = answers.get(name);
    assert.ok(result, `${name} ran`);
    return result;
};

const day = (first: string, offset: number): string => new Date(Date.parse(`${first}T00:00:00Z`) + offset * 86400_000).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string): number => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400_000;

/** A playlist's extraction days and versions, as a test lake holds them. */
interface GeneratedPlaylist {
    readonly id: string;
    readonly name: string;
    /** Snapshot date → the snapshot id its playlists row names. */
    readonly days: Map<string, string>;
    /** Snapshot id → its entries (song id, added_at), in position order. */
    readonly versions: Map<string, [string, string][]>;
    /** Snapshot date → the snapshot ids whose entries were landed that day. */
    readonly landed: Map<string, string[]>;
}

function writePlaylists(lake: LakeFolder, playlists: readonly GeneratedPlaylist[], songs: ReadonlyMap<string, string>, firstDay: string): void {
    const playlistRows = new Map<string, Row[]>();
    const entryRows = new Map<string, Row[]>();
    for (const playlist of playlists) {
        for (const [date, snapshot] of playlist.days) {
            playlistRows.set(date, [...playlistRows.get(date) ?? [],
                { playlist_id: playlist.id, playlist_name: playlist.name, playlist_snapshot_id: snapshot, owner_id: "user_ana" }]);
        }
        for (const [date, snapshots] of playlist.landed) {
            for (const snapshot of snapshots) {
                entryRows.set(date, [...entryRows.get(date) ?? [], ...playlist.versions.get(snapshot)!.map(([songId, addedAt], position) => ({
                    playlist_id: playlist.id, playlist_name: playlist.name, playlist_snapshot_id: snapshot, position: position + 1,
                    song_id: songId, added_at: addedAt, added_by: "user_ana",
                }))]);
            }
        }
    }
    for (const [date, rows] of playlistRows) {
        lake.write("playlists", date, rows);
    }
    for (const [date, rows] of entryRows) {
        lake.write("playlist_entries", date, rows);
    }
    lake.write("songs", firstDay, [...songs].map(([id, name]) => ({ song_id: id, song_name: name, duration_ms: 200_000, album_id: "album", primary_artist_id: "artist" })));
}

describe("playlists that share a name", () => {
    it("keep their rows apart in the current top songs and the changes, in the order of their ids", async () => {
        // Two playlists named Mix, each changed on 2026-04-02: playlist_a drops song_2 for song_3 at
        // position 2, playlist_b drops song_4 for song_6 at position 1.
        const mix = (id: string, first: [string, string][], second: [string, string][]): GeneratedPlaylist => ({
            id, name: "Mix", days: new Map([["2026-04-01", `${id}_v1`], ["2026-04-02", `${id}_v2`]]),
            versions: new Map([[`${id}_v1`, first], [`${id}_v2`, second]]),
            landed: new Map([["2026-04-01", [`${id}_v1`]], ["2026-04-02", [`${id}_v2`]]]),
        });
        const at = "2026-04-01T08:00:00Z";
        const songs = new Map(Array.from({ length: 6 }, (_, i) => [`song_${i + 1}`, `Song ${i + 1}`] as const));
        const answers = await answersOf(lake => writePlaylists(lake, [
            mix("playlist_b", [["song_4", at], ["song_5", at]], [["song_6", at], ["song_5", at]]),
            mix("playlist_a", [["song_1", at], ["song_2", at]], [["song_1", at], ["song_3", at]]),
        ], songs, "2026-04-01"));
        assert.deepEqual(answer(answers, "playlist_top_songs").rows.map(r => r.slice(0, 3)), [
            ["Mix", "1", "Song 1"], ["Mix", "2", "Song 3"],
            ["Mix", "1", "Song 6"], ["Mix", "2", "Song 5"],
        ]);
        assert.deepEqual(answer(answers, "playlist_changes").rows.map(r => r.slice(0, 4)), [
            ["Mix", "drop_out", "2", "Song 2"], ["Mix", "new_entry", "2", "Song 3"],
            ["Mix", "drop_out", "1", "Song 4"], ["Mix", "new_entry", "1", "Song 6"],
        ]);
    });
});

describe("a playlist missing from the latest extraction day", () => {
    it("is no current playlist: its songs leave the top songs and the artists' counts", async () => {
        // The fixture lake plus 2026-11-21, on which Morning Mix and 日本のヒット were extracted unchanged and
        // Quiet Hours was not (deleted, unfollowed or taken out of the sources): playlists_current still holds
        // its row of the 20th.
        const answers = await answersOf(lake => lake.write("playlists", "2026-11-21", [
            { playlist_id: "playlist_morning", playlist_name: "Morning Mix", playlist_snapshot_id: "snap_m3", owner_id: "user_ana" },
            { playlist_id: "playlist_japan", playlist_name: "日本のヒット", playlist_snapshot_id: "snap_j2", owner_id: "user_kenji" },
        ]), path.resolve(__dirname, "fixtures/lake"));
        assert.deepEqual(answer(answers, "playlist_top_songs").rows.map(r => [r[0], r[1], r[2], r[5]]), [
            ["Morning Mix", "1", "Shakira: Bzrp Music Sessions, Vol. 53", "2026-11-21"],
            ["Morning Mix", "2", "Say \"Cheese\"", "2026-11-21"],
            ["Morning Mix", "3", "Bohemian Rhapsody", "2026-11-21"],
            ["Morning Mix", "4", "Love of My Life", "2026-11-21"],
            ["日本のヒット", "1", "KICK BACK", "2026-11-21"],
            ["日本のヒット", "2", "Shakira: Bzrp Music Sessions, Vol. 53", "2026-11-21"],
        ]);
        // Quiet Hours held KICK BACK and Bohemian Rhapsody: each now reaches one playlist.
        assert.deepEqual(answer(answers, "artists_with_most_songs").rows, [
            ["Queen", "2", "1"],
            ["Bizarrap", "1", "2"],
            ["Shakira", "1", "2"],
            ["Tyler, The Creator", "1", "1"],
            ["米津玄師", "1", "1"],
        ]);
    });
});

describe("a credit taken off a song", () => {
    it("no longer counts for its artist: a song's credits are those of its latest day", async () => {
        // The fixture lake plus 2026-11-21, on which every playlist was extracted unchanged and Bzrp Music
        // Sessions, Vol. 53 came back crediting Bizarrap alone: song_artists_current still holds Shakira's
        // credit, under the 20th.
        const answers = await answersOf(lake => {
            lake.write("playlists", "2026-11-21", [
                { playlist_id: "playlist_morning", playlist_name: "Morning Mix", playlist_snapshot_id: "snap_m3", owner_id: "user_ana" },
                { playlist_id: "playlist_japan", playlist_name: "日本のヒット", playlist_snapshot_id: "snap_j2", owner_id: "user_kenji" },
                { playlist_id: "playlist_quiet", playlist_name: "Quiet Hours", playlist_snapshot_id: "snap_q1", owner_id: "user_ana" },
            ]);
            lake.write("songs", "2026-11-21", [{
                song_id: "song_bzrp53", song_name: "Shakira: Bzrp Music Sessions, Vol. 53", duration_ms: 218000, explicit: false,
                album_id: "album_bzrp53", primary_artist_id: "artist_bizarrap",
            }]);
            lake.write("song_artists", "2026-11-21", [{ song_id: "song_bzrp53", artist_id: "artist_bizarrap", artist_position: 0 }]);
        }, path.resolve(__dirname, "fixtures/lake"));
        assert.deepEqual(answer(answers, "artists_with_most_songs").rows, [
            ["Queen", "2", "2"],
            ["Bizarrap", "1", "2"],
            ["米津玄師", "1", "2"],
            ["Tyler, The Creator", "1", "1"],
        ]);
        // The song is named with the artists it credits now, wherever a ranking lists it.
        for (const name of ["playlist_top_songs", "top_tracks", "top_items_now", "days_on_playlist"]) {
            const rows = answer(answers, name).rows.filter(r => r.includes("Shakira: Bzrp Music Sessions, Vol. 53"));
            assert.ok(rows.length > 0, `${name} lists the song`);
            assert.deepEqual(rows.map(r => r[answer(answers, name).columns.indexOf("artist_names")]), rows.map(() => "Bizarrap"), name);
        }
    });
});

describe("days_on_playlist: a song already on a playlist when its extraction began counts from the day it was added", () => {
    it("puts the song added two years before the first extraction above the one added the day before", async () => {
        // Both are on the playlist from its first extraction, 2026-04-01, to the third day: extraction alone
        // gives them three days each and an alphabetical order.
        const playlist: GeneratedPlaylist = {
            id: "playlist_road", name: "Road", days: new Map([["2026-04-01", "v1"], ["2026-04-02", "v1"], ["2026-04-03", "v1"]]),
            versions: new Map([["v1", [["song_a", "2026-03-31T20:00:00Z"], ["song_z", "2024-04-01T08:00:00Z"]]]]),
            landed: new Map([["2026-04-01", ["v1"]]]),
        };
        const answers = await answersOf(lake => writePlaylists(lake, [playlist], new Map([["song_a", "Aria"], ["song_z", "Zenith"]]), "2026-04-01"));
        const result = answer(answers, "days_on_playlist");
        assert.deepEqual(result.columns, ["playlist_name", "song_name", "artist_names", "days_on_playlist", "on_playlist_since", "first_seen", "last_seen"]);
        assert.deepEqual(result.rows, [
            // 730 days from 2024-04-01 to 2026-04-01, then the three extraction days.
            ["Road", "Zenith", "", "733", "2024-04-01", "2026-04-01", "2026-04-03"],
            ["Road", "Aria", "", "4", "2026-03-31", "2026-04-01", "2026-04-03"],
        ]);
    });

    it("on generated playlists: songs added long before, the day before or on the first day, removed, re-added, missed days", async () => {
        // Fourteen days from 2026-04-01. Each playlist starts being extracted on one of the first four days and
        // is missed on some days after. Its first version holds songs added years before (or on 1970-01-01, as
        // Spotify dates some entries, or with no date), one sometimes listed twice; later versions remove songs
        // and add or re-add others on the day they change, a change on a missed day being first seen later. Some
        // days also land a version no playlists row names (an earlier run of the day) that dates a song in 2010; the first
        // day's version of some (Road's always) lands no entries at all:
        // it belongs to no day. Two playlists share a name and two songs a name, so ties need the ids.
        const next = seeded(733);
        const firstDay = "2026-04-01";
        const songs = new Map(Array.from({ length: 12 }, (_, i) => [`song_${String(i).padStart(2, "0")}`, i < 2 ? "Intro" : `Song ${i}`] as const));
        const songIds = [...songs.keys()];
        const stamp = (date: string) => `${date}T${String(next(24)).padStart(2, "0")}:${String(next(60)).padStart(2, "0")}:00Z`;
        const playlists: GeneratedPlaylist[] = [["playlist_a", "Mix"], ["playlist_b", "Mix"], ["playlist_c", "Road"], ["playlist_d", "Calm"]]
            .map(([id, name]) => {
                const playlist: GeneratedPlaylist = { id: id!, name: name!, days: new Map(), versions: new Map(), landed: new Map() };
                const start = next(4);
                // The first day's version landing no entries (its run stopped before them, and the playlist changed before
                // the next): the songs already there are first seen on a later day, yet were there before it.
                const firstLost = id === "playlist_c" || next(3) === 0;
                let entries: [string, string][] = [];
                for (const songId of songIds.filter(() => next(3) === 0)) {
                    const kind = next(6);
                    const addedAt = kind === 0 ? "" : kind === 1 ? "1970-01-01T00:00:00Z" : kind === 2 ? stamp(day(firstDay, start))
                        : stamp(day(firstDay, start - 1 - next(kind === 3 ? 2 : 2000)));
                    entries.push([songId, addedAt]);
                    if (next(6) === 0) {
                        entries.push([songId, ""]);
                    }
                }
                let version = 0;
                let changed = true;
                for (let offset = start; offset < 14; offset++) {
                    const date = day(firstDay, offset);
                    if (offset > start) {
                        if (next(3) === 0 && entries.length > 1) {
                            const gone = entries[next(entries.length)]![0];
                            entries = entries.filter(([songId]) => songId !== gone);
                            changed = true;
                        }
                        if (next(3) === 0) {
                            const absent = songIds.filter(songId => !entries.some(([s]) => s === songId));
                            entries = [...entries, [absent[next(absent.length)]!, next(5) === 0 ? "" : stamp(date)]];
                            changed = true;
                        }
                        if (next(6) === 0) {
                            continue; // not extracted that day
                        }
                    }
                    if (offset === start && firstLost) {
                        playlist.versions.set(`${id}_lost`, []);
                        playlist.days.set(date, `${id}_lost`);
                        continue;
                    }
                    if (changed) {
                        version += 1;
                        playlist.versions.set(`${id}_v${version}`, entries);
                        playlist.landed.set(date, [`${id}_v${version}`]);
                        changed = false;
                    }
                    playlist.days.set(date, `${id}_v${version}`);
                    if (next(5) === 0) {
                        const stray = `${id}_stray${offset}`;
                        playlist.versions.set(stray, entries.map(([songId]) => [songId, "2010-01-01T00:00:00Z"]));
                        playlist.landed.set(date, [...playlist.landed.get(date) ?? [], stray]);
                    }
                }
                return playlist;
            });

        const expected = playlists.flatMap(playlist => {
            const extracted = [...playlist.days.keys()].sort();
            return songIds.flatMap(songId => {
                const seen = extracted.filter(date => playlist.versions.get(playlist.days.get(date)!)!.some(([s]) => s === songId));
                if (seen.length === 0) {
                    return [];
                }
                const added = [...new Set(seen.map(date => playlist.days.get(date)!))]
                    .flatMap(snapshot => playlist.versions.get(snapshot)!.filter(([s, at]) => s === songId && at >= "2008").map(([, at]) => at.slice(0, 10)))
                    .sort()[0];
                const since = added !== undefined && added < extracted[0]! ? added : seen[0]!;
                return [{ playlist, songId, days: seen.length + daysBetween(since, seen[0]!), since, first: seen[0]!, last: seen[seen.length - 1]! }];
            });
        });
        const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
        expected.sort((a, b) => b.days - a.days || byName(a.playlist.name, b.playlist.name) || byName(songs.get(a.songId)!, songs.get(b.songId)!)
            || byName(a.playlist.id, b.playlist.id) || byName(a.songId, b.songId));

        const answers = await answersOf(lake => writePlaylists(lake, playlists, songs, firstDay));
        assert.deepEqual(answer(answers, "days_on_playlist").rows,
            expected.slice(0, 25).map(e => [e.playlist.name, songs.get(e.songId)!, "", String(e.days), e.since, e.first, e.last]));
        assert.ok(expected.length > 25 && expected.filter(e => e.since < e.first).length >= 5, "the lake has more than 25 stays, several begun before");
        assert.ok(expected.slice(0, 25).some(e => e.since < e.first && e.first > [...e.playlist.days.keys()].sort()[0]!),
            "a stay begun before the first extraction and first seen after it is among the answers");
    });
});
