/**
 * The playlist questions on lakes written here: playlists that share a name.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { answersOf, LakeFolder, Row } from "./helpers/handMadeLake";
import { QueryResult } from "./helpers/cliQueries";

const answer = (answers: Map<string, QueryResult>, name: string): QueryResult => {
    const result = answers.get(name);
    assert.ok(result, `${name} ran`);
    return result;
};

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
