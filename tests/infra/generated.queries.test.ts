/**
 * The questions on plays, top-item rankings and playlist versions, on lakes generated from fixed seeds:
 * each answer is computed here from the generated rows by the rules the query's header and
 * docs/analytics.md state, not by the query's own steps.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { answersOf, LakeFolder, Row, seeded, weekStart } from "./helpers/handMadeLake";
import { QueryResult } from "./helpers/cliQueries";

const answer = (answers: Map<string, QueryResult>, name: string): QueryResult => {
    const result = answers.get(name);
    assert.ok(result, `${name} ran`);
    return result;
};

const day = (first: string, offset: number): string => new Date(Date.parse(`${first}T00:00:00Z`) + offset * 86400_000).toISOString().slice(0, 10);

/** SQL's ORDER BY on text: by code point, as both engines compare VARCHAR (no astral characters are generated). */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** A count's rank among a year's counts as SQL's RANK() gives it: one more than how many are larger. */
const rankAmong = (counts: number[], count: number): number => 1 + counts.filter(c => c > count).length;

/** A DOUBLE as the runner shows it: the shortest decimal that reads back, and a whole number with ".0". */
const shownDouble = (value: number): string => (Number.isInteger(value) ? value.toFixed(1) : String(value));

/** A lake being generated: the rows of every partition, kept to write the lake and to compute the answers from. */
class GeneratedLake {
    readonly tables = new Map<string, Map<string, Row[]>>();

    add(table: string, partition: string, ...rows: Row[]): void {
        const partitions = this.tables.get(table) ?? new Map<string, Row[]>();
        partitions.set(partition, [...partitions.get(partition) ?? [], ...rows]);
        this.tables.set(table, partitions);
    }

    /** The current state of a dimension: per key, the row of the latest partition that holds it. */
    current(table: string, key: (row: Row) => string): Map<string, Row> {
        const latest = new Map<string, Row>();
        for (const [, rows] of [...this.tables.get(table) ?? []].sort(([a], [b]) => byText(a, b))) {
            for (const row of rows) {
                latest.set(key(row), row);
            }
        }
        return latest;
    }

    write(lake: LakeFolder): void {
        for (const [table, partitions] of this.tables) {
            for (const [partition, rows] of partitions) {
                lake.write(table, partition, rows);
            }
        }
    }
}

/** The names that dimension rows give, as the queries look them up in the current-state tables. */
interface Names {
    readonly songs: Map<string, Row>;
    readonly artists: Map<string, Row>;
    /** Each song's credits as the song's latest day saw them (song_artists_current also keeps credits taken off since). */
    readonly credits: Map<string, Set<string>>;
    /** The same credits in Spotify's order (artist_position, then artist id). */
    readonly creditOrder: Map<string, string[]>;
}

/**
 * A song's artists as the rankings name them: the artists of its credits now that have a name, in order, the first three
 * joined by ", " and then how many more ("A, B, C and 2 more"); undefined where none is named.
 */
function creditedNames(names: Names, songId: string): string | undefined {
    const named = (names.creditOrder.get(songId) ?? []).map(id => String(names.artists.get(id)?.artist_name ?? "")).filter(name => name !== "");
    return named.length === 0 ? undefined : named.slice(0, 3).join(", ") + (named.length > 3 ? ` and ${named.length - 3} more` : "");
}

function namesOf(lake: GeneratedLake): Names {
    const songs = lake.current("songs", r => String(r.song_id));
    const latestDay = new Map<string, string>();
    for (const [partition, rows] of lake.tables.get("songs") ?? []) {
        for (const row of rows) {
            latestDay.set(String(row.song_id), [latestDay.get(String(row.song_id)) ?? "", partition].sort(byText)[1]!);
        }
    }
    const credits = new Map<string, Set<string>>();
    const ordered = new Map<string, Row[]>();
    for (const [partition, rows] of lake.tables.get("song_artists") ?? []) {
        for (const row of rows.filter(r => latestDay.get(String(r.song_id)) === partition)) {
            credits.set(String(row.song_id), (credits.get(String(row.song_id)) ?? new Set()).add(String(row.artist_id)));
            ordered.set(String(row.song_id), [...ordered.get(String(row.song_id)) ?? [], row]);
        }
    }
    const creditOrder = new Map([...ordered].map(([songId, rows]) => [songId, rows
        .sort((a, b) => Number(a.artist_position) - Number(b.artist_position) || byText(String(a.artist_id), String(b.artist_id)))
        .map(row => String(row.artist_id))]));
    return {
        songs,
        artists: lake.current("artists", r => String(r.artist_id)),
        credits,
        creditOrder,
    };
}

describe("the questions on plays, on generated plays over a year's end and a leap day", () => {
    // Plays from 2026-12-21 to 2027-01-10 (the week of Monday 2026-12-28 spans two years), a sparse ten weeks
    // from May 2027 and 2028-02-21 to 2028-03-05 (a leap day), with empty days, plays at 23:59:59 and
    // 00:00:00, two songs played at the same instant, milliseconds or none. A play is stored under its own
    // day's snapshot and one in four under the next day's as well. Songs and artists change names or lengths
    // on the last day, and credits are added; some songs have no songs row, no credits or a primary artist
    // with no artists row; some artists have no artists row; artists and songs share names, or differ only in
    // case. Song lengths are whole multiples of 18 s (half a hundredth of an hour), so weekly hours often end
    // in a 5 in the third decimal.
    const next = seeded(20261228);
    const first = "2026-12-20";
    const last = "2028-03-06";
    const lake = new GeneratedLake();

    const artistNames = ["Nova", "Nova", "ABBA", "abba", "米津玄師", "Tyler, The Creator", "Say \"Hi\"", "Zed", "Aurora", "Ólafur",
        "Björk", "Queen", "Bizarrap", "Shakira"];
    const artistIds = artistNames.map((_, i) => `artist_${String(i).padStart(2, "0")}`);
    // artist_12 and artist_13 are credited but have no artists row: they are named by their ids.
    lake.add("artists", first, ...artistIds.slice(0, 12).map((id, i) => ({ artist_id: id, artist_name: artistNames[i], artist_url: "" })));
    lake.add("artists", last, { artist_id: "artist_07", artist_name: "Zedd", artist_url: "" },
        { artist_id: "artist_04", artist_name: "米津玄師", artist_url: "" });

    // Songs are played the more often the lower their number, so these cases reach the top ten: song_01 has
    // no songs row and no credits (named by its id, no hours), song_02's primary artist has no artists row,
    // song_03 has no credits (its plays count for no artist). Songs 04 and 05 are both "Intro".
    const songIds = Array.from({ length: 22 }, (_, i) => `song_${String(i).padStart(2, "0")}`);
    const songName = (i: number): string => (i === 4 || i === 5 ? "Intro" : i === 6 ? "echo" : i === 7 ? "Echo" : `Track ${String.fromCharCode(65 + ((i * 7) % 26))}${i}`);
    for (const [i, id] of songIds.entries()) {
        if (i === 1) {
            continue;
        }
        // Ólafur (artist_09) is credited only on songs 14 to 17, which are played only in 2028: first heard then.
        const late = i >= 14 && i <= 17;
        const others = artistIds.filter(a => a !== "artist_09");
        const primary = i === 2 ? "artist_13" : late ? "artist_09" : others[next(11)]!;
        const song = (name: string, durationMs: number): Row => ({ song_id: id, song_name: name, duration_ms: durationMs, album_id: "album", primary_artist_id: primary });
        lake.add("songs", first, song(songName(i), 18_000 * (4 + next(19))));
        // As the transform writes them: a day that holds a song's row holds its credits of that day.
        const credit = (date: string, artists: readonly string[]): void =>
            lake.add("song_artists", date, ...artists.map((artistId, position) => ({ song_id: id, artist_id: artistId, artist_position: position + 1 })));
        // song_00 credits six artists, two of them with no artists row: named as the first three named, and one more.
        const credited = i === 3 ? [] : i === 0 ? [primary, ...["artist_12", "artist_05", "artist_13", "artist_06", "artist_10", "artist_11"].filter(a => a !== primary).slice(0, 5)]
            : [primary, ...others.filter(a => a !== primary && next(5) === 0).slice(0, 2)];
        credit(first, credited);
        // Credits changed on the last day (one added, or one taken off): the song's latest day says which count.
        const recredited = i !== 3 && next(4) === 0;
        if (i % 4 === 1 || recredited) {
            // Renamed and re-measured, or seen again with new credits, on the last day: the current row is that day's.
            lake.add("songs", last, song(i % 4 === 1 ? `${songName(i)} (Remastered)` : songName(i), 18_000 * (4 + next(19))));
            const added = others.find(a => !credited.includes(a) && next(3) === 0) ?? "artist_12";
            credit(last, !recredited ? credited : credited.length > 1 && next(2) === 0 ? credited.slice(0, -1) : [...credited.filter(a => a !== added), added]);
        }
    }

    const plays: { playedAt: string; songId: string }[] = [];
    const stamp = (date: string, second: number): string =>
        `${new Date(Date.parse(`${date}T00:00:00Z`) + second * 1000).toISOString().slice(0, 19)}${next(3) === 0 ? "" : `.${String(next(1000)).padStart(3, "0")}`}Z`;
    const pick = (date: string): string => {
        const i = Math.min(next(songIds.length), next(songIds.length));
        return songIds[i >= 14 && i <= 17 && date < "2028" ? i - 10 : i]!;
    };
    for (const [from, days, quiet, most] of [["2026-12-21", 21, 4, 14], ["2027-05-03", 70, 2, 3], ["2028-02-21", 14, 4, 14]] as const) {
        for (let offset = 0; offset < days; offset++) {
            const date = day(from, offset);
            if (next(quiet) === 0 && !["2026-12-31", "2027-01-01", "2028-02-29"].includes(date)) {
                continue;
            }
            const count = 1 + next(most);
            for (let i = 0; i < count; i++) {
                const edge = next(8);
                const playedAt = stamp(date, edge === 0 ? 86399 : edge === 1 ? 0 : next(86400));
                plays.push({ playedAt, songId: pick(date) });
                if (next(15) === 0) {
                    plays.push({ playedAt, songId: pick(date) });
                }
            }
        }
    }
    // The last and first instants of a year, and of a leap day.
    for (const playedAt of ["2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00Z", "2028-02-29T00:00:00.000Z", "2028-02-29T23:59:59Z"]) {
        plays.push({ playedAt, songId: pick(playedAt) });
    }
    // A week of one play, its last instant, of an 8:42 song: 0.145 h, which ROUND(x, 2) of the DOUBLE quotient
    // shows as 0.14 (0.145 is stored a little below it).
    lake.add("songs", first, { song_id: "song_long", song_name: "Long Song", duration_ms: 522_000, album_id: "album", primary_artist_id: "artist_02" });
    lake.add("song_artists", first, { song_id: "song_long", artist_id: "artist_02", artist_position: 1 });
    plays.push({ playedAt: "2027-09-19T23:59:59.999Z", songId: "song_long" });
    for (const play of plays) {
        const date = play.playedAt.slice(0, 10);
        const row = { played_at: play.playedAt, song_id: play.songId, context_type: "", context_uri: "" };
        lake.add("plays", date, row);
        if (next(4) === 0) {
            lake.add("plays", day(date, 1), row);
        }
    }

    // A play is a (played_at, song_id) pair, however many rows hold it.
    const distinct = [...new Map(plays.map(p => [`${p.playedAt} ${p.songId}`, p])).values()];
    const names = namesOf(lake);
    const artistName = (id: string): string => String(names.artists.get(id)?.artist_name ?? id);
    let answering: Promise<Map<string, QueryResult>> | undefined;
    const answers = (): Promise<Map<string, QueryResult>> => (answering ??= answersOf(l => lake.write(l)));

    it("the generated lake holds what the questions must handle", () => {
        const stored = [...lake.tables.get("plays")!.values()].flat().length;
        assert.ok(stored - distinct.length >= 40, `${stored - distinct.length} plays stored twice`);
        const songsRows = [...lake.tables.get("songs")!.values()].flat();
        assert.ok(!songsRows.some(r => r.song_id === "song_01") && songsRows.some(r => r.song_id === "song_02" && r.primary_artist_id === "artist_13"),
            "song_01 has no songs row; song_02's primary artist has no artists row");
        assert.ok(distinct.some(p => p.playedAt.startsWith("2028-02-29")) && distinct.some(p => p.playedAt.startsWith("2027-01-01")), "a leap day and a new year's day have plays");
        const creditsOn = (date: string, songId: string): string[] =>
            (lake.tables.get("song_artists")!.get(date) ?? []).filter(r => r.song_id === songId).map(r => String(r.artist_id));
        const played = new Set(distinct.map(p => p.songId));
        const changed = songIds.filter(id => creditsOn(last, id).length > 0);
        assert.ok(changed.some(id => played.has(id) && creditsOn(first, id).some(a => !creditsOn(last, id).includes(a))), "a played song had a credit taken off");
        assert.ok(changed.some(id => played.has(id) && creditsOn(last, id).some(a => !creditsOn(first, id).includes(a))), "a played song had a credit added");
    });

    it("listening_per_week: each play once, its song's current full length, Monday weeks in UTC, hours rounded half up", async () => {
        const weeks = new Map<string, { plays: number; ms: number }>();
        for (const play of distinct) {
            const week = weekStart(new Date(`${play.playedAt.slice(0, 10)}T00:00:00Z`));
            const total = weeks.get(week) ?? { plays: 0, ms: 0 };
            total.plays += 1;
            total.ms += Number(names.songs.get(play.songId)?.duration_ms ?? 0);
            weeks.set(week, total);
        }
        // Hundredths of an hour are 36,000 ms: the exact count, rounded half up, in whole numbers.
        const hundredths = (ms: number): number => Math.floor((ms + 18_000) / 36_000);
        const result = answer(await answers(), "listening_per_week");

        assert.deepEqual(result.columns, ["week_start", "play_count", "hours"]);
        assert.deepEqual(result.rows, [...weeks].sort(([a], [b]) => byText(a, b))
            .map(([week, t]) => [week, String(t.plays), shownDouble(hundredths(t.ms) / 100)]));
        const halfway = [...weeks.values()].filter(t => t.ms % 36_000 === 18_000);
        assert.ok(weeks.has("2026-12-28") && halfway.length >= 3 && halfway.some(t => Math.round((t.ms / 3_600_000) * 100) !== hundredths(t.ms)),
            "a week spans two years; several weeks' hours end in a 5 in the third decimal, one where the DOUBLE quotient lies below the half");
    });

    it("plays_per_artist_week: each play once for every artist its song credits now, named as now or by id", async () => {
        const counts = new Map<string, { week: string; artistId: string; plays: number }>();
        for (const play of distinct) {
            const week = weekStart(new Date(`${play.playedAt.slice(0, 10)}T00:00:00Z`));
            for (const artistId of names.credits.get(play.songId) ?? []) {
                const count = counts.get(`${week} ${artistId}`) ?? { week, artistId, plays: 0 };
                count.plays += 1;
                counts.set(`${week} ${artistId}`, count);
            }
        }
        const expected = [...counts.values()].map(c => [c.week, artistName(c.artistId), String(c.plays)] as const)
            .sort((a, b) => byText(b[0], a[0]) || Number(b[2]) - Number(a[2]) || byText(a[1], b[1]));
        const result = answer(await answers(), "plays_per_artist_week");
        assert.deepEqual(result.columns, ["week_start", "artist_name", "play_count"]);
        assert.deepEqual(result.rows, expected.map(e => [...e]));
        assert.ok(expected.some(e => e[1] === "artist_13") && expected.some(e => e[1] === "Zedd"), "an artist is named by id, one by its new name");
    });

    it("top_artists: the ten most played per UTC year, ties sharing a rank and ordered by name then id, first heard in any year", async () => {
        const firstHeard = new Map<string, string>();
        const perYear = new Map<string, Map<string, number>>();
        for (const play of distinct) {
            for (const artistId of names.credits.get(play.songId) ?? []) {
                const heard = firstHeard.get(artistId);
                firstHeard.set(artistId, heard === undefined || play.playedAt < heard ? play.playedAt : heard);
                const year = perYear.get(play.playedAt.slice(0, 4)) ?? new Map<string, number>();
                year.set(artistId, (year.get(artistId) ?? 0) + 1);
                perYear.set(play.playedAt.slice(0, 4), year);
            }
        }
        const expected = [...perYear].sort(([a], [b]) => byText(b, a)).flatMap(([year, counts]) =>
            [...counts].sort(([a, x], [b, y]) => y - x || byText(artistName(a), artistName(b)) || byText(a, b)).slice(0, 10)
                .map(([artistId, plays]) => [year, String(rankAmong([...counts.values()], plays)), artistName(artistId), String(plays), firstHeard.get(artistId)!.slice(0, 10)]));
        const result = answer(await answers(), "top_artists");
        assert.deepEqual(result.columns, ["play_year", "year_rank", "artist_name", "play_count", "first_heard"]);
        assert.deepEqual(result.rows, expected);
        assert.ok([...perYear.values()].some(counts => counts.size > 10), "a year has more than ten artists");
        assert.ok(expected.some((row, i) => i > 0 && expected[i - 1]![0] === row[0] && expected[i - 1]![1] === row[1]), "ranks are tied");
        assert.ok(expected.some(row => row[4]!.slice(0, 4) < row[0]!), "an artist was first heard in an earlier year");
    });

    it("top_tracks: the ten most played per UTC year, ties sharing a rank and ordered by current name then id, with the artists credited now and the year's first play", async () => {
        const perYear = new Map<string, Map<string, { plays: number; first: string }>>();
        for (const play of distinct) {
            const year = perYear.get(play.playedAt.slice(0, 4)) ?? new Map<string, { plays: number; first: string }>();
            const track = year.get(play.songId) ?? { plays: 0, first: play.playedAt };
            track.plays += 1;
            track.first = play.playedAt < track.first ? play.playedAt : track.first;
            year.set(play.songId, track);
            perYear.set(play.playedAt.slice(0, 4), year);
        }
        const songName = (id: string): string => String(names.songs.get(id)?.song_name ?? id);
        const expected = [...perYear].sort(([a], [b]) => byText(b, a)).flatMap(([year, tracks]) =>
            [...tracks].sort(([a, x], [b, y]) => y.plays - x.plays || byText(songName(a), songName(b)) || byText(a, b)).slice(0, 10)
                .map(([songId, t]) => [year, String(rankAmong([...tracks.values()].map(x => x.plays), t.plays)), songName(songId), creditedNames(names, songId) ?? "", String(t.plays), t.first.slice(0, 10)]));
        const result = answer(await answers(), "top_tracks");
        assert.deepEqual(result.columns, ["play_year", "year_rank", "song_name", "artist_names", "play_count", "first_played"]);
        assert.deepEqual(result.rows, expected);
        assert.ok(expected.some(row => row[2] === "song_01") && expected.some(row => row[3] === "" && row[2] !== "song_01"),
            "a song with no songs row and one none of whose artists has a name are among the ten");
        assert.ok(expected.some(row => row[3]!.endsWith(" more")) && expected.some(row => /^[^,]+, [^,]+$/.test(row[3]!)),
            "a song credits more than three named artists, one exactly two");
        assert.ok(expected.some((row, i) => i > 0 && expected[i - 1]![0] === row[0] && expected[i - 1]![1] === row[1]), "ranks are tied");
    });
});

describe("top_tracks_movement on generated rankings", () => {
    it("compares each time range's latest track ranking with the latest one before it that differs, a day with none (304) or with only artists skipped, a range ranked once left out", async () => {
        // Ten days from 2027-03-01. short_term and medium_term are ranked on some days each (a ranking moves a
        // few tracks, drops some and brings in others); long_term once, so it has nothing to compare with. The
        // last day ranks no tracks in short_term, only artists. song_00 has no songs row (named by its id);
        // song_01 is renamed on the last day.
        const next = seeded(304);
        const firstDay = "2027-03-01";
        const lake = new GeneratedLake();
        const pool = Array.from({ length: 16 }, (_, i) => `song_${String(i).padStart(2, "0")}`);
        const song = (id: string, name: string): Row => ({ song_id: id, song_name: name, duration_ms: 200_000, album_id: "album", primary_artist_id: "artist" });
        lake.add("songs", firstDay, ...pool.slice(1).map(id => song(id, `Name of ${id}`)));
        lake.add("songs", day(firstDay, 9), song("song_01", "Renamed"));
        // Each song but song_00 (no songs row) and song_02 credits one to five of six artists, artist_f without a name; song_01's
        // credits come with its new name.
        const artists = ["artist_a", "artist_b", "artist_c", "artist_d", "artist_e", "artist_f"];
        lake.add("artists", firstDay, ...artists.map(id => ({ artist_id: id, artist_name: id === "artist_f" ? "" : `Name of ${id}` })));
        for (const id of pool.filter(id => id !== "song_00" && id !== "song_02")) {
            const credited = artists.filter(() => next(2) === 0).slice(0, 5);
            lake.add("song_artists", id === "song_01" ? day(firstDay, 9) : firstDay, ...(credited.length > 0 ? credited : [artists[next(6)]!]).map((artistId, position) =>
                ({ song_id: id, artist_id: artistId, artist_position: position })));
        }
        const rankings = new Map<string, Map<string, string[]>>();
        for (const range of ["short_term", "medium_term", "long_term"]) {
            let list = pool.filter(() => next(2) === 0);
            for (let offset = 0; offset < 10; offset++) {
                const date = day(firstDay, offset);
                const ranked = range === "long_term" ? offset === 4 : range === "short_term" ? offset < 9 && next(3) > 0 : next(2) === 0;
                if (next(3) === 0 || (range === "short_term" && offset === 9)) {
                    lake.add("top_items", date, ...["artist_a", "artist_b", "artist_c"].map((id, i) => ({ item_type: "artist", time_range: range, rank: i + 1, item_id: id })));
                }
                if (!ranked) {
                    continue;
                }
                // Now and then the same ranking lands again (an extraction keeps a raw copy before the lifecycle expires the last).
                const again = (rankings.get(range)?.size ?? 0) > 0 && next(4) === 0;
                // Move two tracks, drop one, bring in one.
                for (let moves = 0; moves < (again ? 0 : 2); moves++) {
                    const from = next(list.length);
                    const [moved] = list.splice(from, 1);
                    list.splice(next(list.length + 1), 0, moved!);
                }
                if (!again) {
                    list = list.filter((_, i) => i !== next(list.length + 3));
                    const absent = pool.filter(id => !list.includes(id));
                    if (absent.length > 0) {
                        list.splice(next(list.length + 1), 0, absent[next(absent.length)]!);
                    }
                }
                if (list.length === 0) {
                    continue;
                }
                lake.add("top_items", date, ...list.map((id, i) => ({ item_type: "track", time_range: range, rank: i + 1, item_id: id })));
                rankings.set(range, (rankings.get(range) ?? new Map()).set(date, [...list]));
            }
            if (range === "medium_term") {
                // Its latest ranking landed again, unchanged, the day after the ten: the movement stays that of its last change.
                const byDay = rankings.get(range)!;
                const last = byDay.get([...byDay.keys()].sort((a, b) => byText(b, a))[0]!)!;
                lake.add("top_items", day(firstDay, 10), ...last.map((id, i) => ({ item_type: "track", time_range: range, rank: i + 1, item_id: id })));
                byDay.set(day(firstDay, 10), [...last]);
            }
        }

        const names = namesOf(lake);
        // The latest ranking against the latest one before it that differs: one landed again unchanged is no move.
        const previousOf = (byDay: Map<string, string[]>): string[] | undefined => {
            const [latest, ...earlier] = [...byDay.keys()].sort((a, b) => byText(b, a));
            const current = byDay.get(latest!)!.join();
            return earlier.map(d => byDay.get(d)!).find(list => list.join() !== current);
        };
        const compared = [...rankings].filter(([, byDay]) => previousOf(byDay) !== undefined);
        const expected = compared.sort(([a], [b]) => byText(a, b)).flatMap(([range, byDay]) => {
            const current = byDay.get([...byDay.keys()].sort((a, b) => byText(b, a))[0]!)!;
            const before = previousOf(byDay)!;
            const rows = [...new Set([...current, ...before])].map(id => {
                const now = current.indexOf(id) + 1 || null;
                const then = before.indexOf(id) + 1 || null;
                const change = then === null ? "new" : now === null ? "dropped" : String(then - now);
                return { now, then, row: [range, now === null ? null : String(now), then === null ? null : String(then), change, String(names.songs.get(id)?.song_name ?? id),
                    creditedNames(names, id) ?? ""] };
            });
            return rows.sort((a, b) => (a.now ?? Infinity) - (b.now ?? Infinity) || (a.then ?? Infinity) - (b.then ?? Infinity)).map(r => r.row);
        });
        const answers = await answersOf(l => lake.write(l));
        const result = answer(answers, "top_tracks_movement");
        assert.deepEqual(result.columns, ["time_range", "current_rank", "previous_rank", "rank_change", "song_name", "artist_names"]);
        assert.deepEqual(result.rows, expected);
        assert.ok(expected.some(row => row[5] === "") && expected.some(row => row[5]!.includes(" more")) && expected.some(row => row[5]!.includes(", ")),
            "a track credits no named artist, one more than three, one two or three");
        const changes = new Set(expected.map(row => row[3] === "new" || row[3] === "dropped" ? row[3] : Math.sign(Number(row[3]))));
        assert.deepEqual([...changes].sort(), [-1, 0, 1, "dropped", "new"].sort(), "tracks climb, fall, stay, enter and drop out");
        assert.ok(expected.some(row => row[4] === "song_00") && expected.some(row => row[4] === "Renamed"), "a track is named by its id, one by its new name");
        assert.equal(rankings.get("long_term")?.size, 1, "one time range is ranked once");
        const relanded = [...rankings.values()].flatMap(byDay => {
            const lists = [...byDay].sort(([a], [b]) => byText(a, b)).map(([, list]) => list.join());
            return lists.slice(1).filter((list, i) => list === lists[i]);
        });
        assert.ok(relanded.length >= 2, "rankings land again unchanged, the latest of one of them too");
        assert.deepEqual([...new Set(result.rows.map(row => row[0]))].sort(), ["medium_term", "short_term"], "the range ranked once has no rows");
    });
});

describe("top_items_now and top_tracks_movement on rankings served empty", () => {
    for (const seed of [11, 12, 13]) {
        it(`a list whose latest snapshot is served empty (its one row of rank 0) is gone now, its tracks dropped out (seed ${seed})`, async () => {
            // Eight days from 2027-04-01: each list is ranked on some days; some lists' latest ranking is served empty
            // (no listening in the range), one of them with no ranking before it; the others end with items.
            const next = seeded(seed);
            const firstDay = "2027-04-01";
            const lake = new GeneratedLake();
            const pool = Array.from({ length: 12 }, (_, i) => `item_${String(i).padStart(2, "0")}`);
            const latest = new Map<string, { date: string; items: string[] }>();
            const previous = new Map<string, string[]>();
            const ranges = ["short_term", "medium_term", "long_term"];
            // Two or three of the track lists end empty; the first of them never had a ranking before.
            const shuffled = ranges.map(r => ({ r, k: next(100) })).sort((a, b) => a.k - b.k).map(x => x.r);
            const emptied = new Set(shuffled.slice(0, 2 + next(2)));
            for (const type of ["track", "artist"]) {
                for (const range of ranges) {
                    const list = `${type}/${range}`;
                    const endsEmpty = type === "track" ? emptied.has(range) : next(2) === 0;
                    const onlyEmpty = type === "track" && range === shuffled[0];
                    const days = [...new Set([0, 1, 2, 3, 4, 5, 6].filter(() => next(2) === 0))].sort((a, b) => a - b);
                    const rankedDays = onlyEmpty ? [] : days.length > 0 ? days : [next(7)];
                    for (const offset of rankedDays) {
                        const items = pool.filter(() => next(2) === 0).slice(0, 1 + next(6));
                        const ranked = items.length > 0 ? items : [pool[next(pool.length)]!];
                        lake.add("top_items", day(firstDay, offset), ...ranked.map((id, i) => ({ item_type: type, time_range: range, rank: i + 1, item_id: id })));
                        if (latest.has(list)) {
                            previous.set(list, latest.get(list)!.items);
                        }
                        latest.set(list, { date: day(firstDay, offset), items: ranked });
                    }
                    if (endsEmpty) {
                        lake.add("top_items", day(firstDay, 7), { item_type: type, time_range: range, rank: 0, item_id: "" });
                        if (latest.has(list)) {
                            previous.set(list, latest.get(list)!.items);
                        }
                        latest.set(list, { date: day(firstDay, 7), items: [] });
                    }
                }
            }
            const answers = await answersOf(l => lake.write(l));

            const now = answer(answers, "top_items_now");
            const expectedNow = [...latest].filter(([, l]) => l.items.length > 0).sort(([a], [b]) => byText(a, b))
                .flatMap(([list, l]) => l.items.map((id, i) => [...list.split("/"), String(i + 1), id, "", l.date]));
            assert.deepEqual(now.rows, expectedNow);
            assert.ok(!now.rows.some(row => row[2] === "0"), "no row of rank 0");

            const movement = answer(answers, "top_tracks_movement");
            for (const range of emptied) {
                const before = previous.get(`track/${range}`);
                const rows = movement.rows.filter(row => row[0] === range);
                assert.deepEqual(rows, (before ?? []).map((id, i) => [range, null, String(i + 1), "dropped", id, ""]),
                    `${range}, served empty last: every track ranked before drops out`);
            }
            assert.ok([...emptied].some(range => (previous.get(`track/${range}`) ?? []).length > 0), "a list with tracks before it is served empty");
        });
    }
});

describe("playlist_changes on generated playlists", () => {
    it("compares each playlist's two latest versions, not days, whatever days their entries were landed", async () => {
        // Twelve days from 2027-05-01. Each playlist is first extracted on one of the first three days and
        // missed on some days after; it changes on some days (songs dropped, added, moved), a change on a missed
        // day being first seen later; unchanged days name the same version. A version's entries land on the day
        // it is first seen and sometimes again later; some days land a version no playlists row names (an
        // earlier run of the day). Two playlists share a name, one is renamed, one never changes, one stops
        // being extracted. Songs are sometimes listed twice; song_00 has no songs row, song_01's primary artist
        // no artists row, and song_02 and song_03 share a name.
        const next = seeded(5);
        const firstDay = "2027-05-01";
        const lake = new GeneratedLake();
        const songIds = Array.from({ length: 16 }, (_, i) => `song_${String(i).padStart(2, "0")}`);
        lake.add("songs", firstDay, ...songIds.slice(1).map((id, i) => ({
            song_id: id, song_name: id === "song_02" || id === "song_03" ? "Intro" : `Name of ${id}`, duration_ms: 200_000, album_id: "album",
            primary_artist_id: id === "song_01" ? "artist_unknown" : `artist_${i % 4}`,
        })));
        lake.add("artists", firstDay, ...[0, 1, 2, 3].map(i => ({ artist_id: `artist_${i}`, artist_name: `Artist ${"DCBA"[i]}`, artist_url: "" })));

        interface Playlist { readonly id: string; readonly days: Map<string, { name: string; snapshot: string }>; readonly versions: Map<string, string[]> }
        const playlists: Playlist[] = [["playlist_b", "Mix"], ["playlist_a", "Mix"], ["playlist_c", "Road"], ["playlist_d", "Calm"], ["playlist_e", "Gone"], ["playlist_f", "Solo"]]
            .map(([id, name]) => {
                const playlist: Playlist = { id: id!, days: new Map(), versions: new Map() };
                let songs = songIds.filter(() => next(3) === 0);
                if (next(2) === 0) {
                    songs.splice(next(songs.length + 1), 0, songs[next(songs.length)]!);
                }
                const start = next(3);
                let dirty = true;
                let snapshot = "";
                for (let offset = start; offset < (id === "playlist_e" ? 7 : 12); offset++) {
                    const date = day(firstDay, offset);
                    if (offset > start && id !== "playlist_d" && next(3) === 0) {
                        const gone = new Set(Array.from({ length: 1 + next(2) }, () => songs[next(songs.length)]));
                        songs = songs.filter(s => !gone.has(s));
                        for (let added = 1 + next(2); added > 0; added--) {
                            const absent = songIds.filter(s => !songs.includes(s));
                            const song = absent[next(absent.length)]!;
                            for (let copies = next(3) === 0 ? 2 : 1; copies > 0; copies--) {
                                songs.splice(next(songs.length + 1), 0, song);
                            }
                        }
                        if (next(2) === 0) {
                            const [moved] = songs.splice(next(songs.length), 1);
                            songs.splice(next(songs.length + 1), 0, moved!);
                        }
                        dirty = true;
                    }
                    if (offset > start && next(5) === 0) {
                        continue; // not extracted that day
                    }
                    const today = id === "playlist_c" && offset >= 6 ? "Road trip" : name!;
                    const land = (version: string, entries: string[]) => lake.add("playlist_entries", date, ...entries.map((songId, position) => ({
                        playlist_id: id, playlist_name: today, playlist_snapshot_id: version, position: position + 1, song_id: songId, added_at: "", added_by: "",
                    })));
                    if (dirty) {
                        snapshot = `${id}_v${playlist.versions.size + 1}`;
                        playlist.versions.set(snapshot, [...songs]);
                        land(snapshot, songs);
                        dirty = false;
                    } else if (next(6) === 0) {
                        land(snapshot, playlist.versions.get(snapshot)!);
                    }
                    if (next(6) === 0) {
                        land(`${id}_stray${offset}`, songIds.filter(() => next(2) === 0));
                    }
                    playlist.days.set(date, { name: today, snapshot });
                    lake.add("playlists", date, { playlist_id: id, playlist_name: today, playlist_snapshot_id: snapshot, owner_id: "user_ana" });
                }
                return playlist;
            });
        // A version seen again after a newer one (an answer from a lagging copy of the playlist): v1 on the
        // first three days and the sixth, v2 on the fourth and fifth. Ordered by the last day each was seen,
        // v1 is the latest version and v2 the previous one.
        const flip: Playlist = { id: "playlist_g", days: new Map(), versions: new Map([["flip_v1", ["song_04", "song_06"]], ["flip_v2", ["song_06", "song_07"]]]) };
        for (const [offset, snapshot] of [[0, "flip_v1"], [1, "flip_v1"], [2, "flip_v1"], [3, "flip_v2"], [4, "flip_v2"], [5, "flip_v1"]] as const) {
            flip.days.set(day(firstDay, offset), { name: "Flip", snapshot });
            lake.add("playlists", day(firstDay, offset), { playlist_id: flip.id, playlist_name: "Flip", playlist_snapshot_id: snapshot, owner_id: "user_ana" });
            if (offset === 0 || offset === 3) {
                lake.add("playlist_entries", day(firstDay, offset), ...flip.versions.get(snapshot)!.map((songId, position) => ({
                    playlist_id: flip.id, playlist_name: "Flip", playlist_snapshot_id: snapshot, position: position + 1, song_id: songId, added_at: "", added_by: "",
                })));
            }
        }
        playlists.push(flip);
        // Each song credits its primary artist; some but song_01 credit up to four more, artist_unknown among them (no artists row).
        for (const [i, id] of songIds.slice(1).entries()) {
            const primary = id === "song_01" ? "artist_unknown" : `artist_${i % 4}`;
            const more = ["artist_unknown", "artist_0", "artist_1", "artist_2", "artist_3"].filter(a => a !== primary).slice(0, id === "song_01" ? 0 : next(5));
            lake.add("song_artists", firstDay, ...[primary, ...more].map((artistId, position) => ({ song_id: id, artist_id: artistId, artist_position: position + 1 })));
        }

        const names = namesOf(lake);
        const expected = playlists.flatMap(playlist => {
            const dates = [...playlist.days.keys()].sort(byText);
            const seen = new Map<string, { first: string; last: string }>();
            for (const date of dates) {
                const snapshot = playlist.days.get(date)!.snapshot;
                seen.set(snapshot, { first: seen.get(snapshot)?.first ?? date, last: date });
            }
            const [latest, previous] = [...seen].sort(([, a], [, b]) => byText(b.last, a.last));
            if (previous === undefined) {
                return [];
            }
            const now = playlist.versions.get(latest![0])!;
            const before = playlist.versions.get(previous[0])!;
            const name = playlist.days.get(dates[dates.length - 1]!)!.name;
            const row = (change: string, songId: string, position: number) => ({
                name, id: playlist.id, change, position, songId, snapshot: change === "new_entry" ? latest![0] : previous[0],
                row: [name, change, String(position), String(names.songs.get(songId)?.song_name ?? songId),
                    creditedNames(names, songId) ?? null, previous[1].first, latest![1].first],
            });
            return [
                ...[...new Set(now)].filter(s => !before.includes(s)).map(s => row("new_entry", s, now.indexOf(s) + 1)),
                ...[...new Set(before)].filter(s => !now.includes(s)).map(s => row("drop_out", s, before.indexOf(s) + 1)),
            ];
        }).sort((a, b) => byText(a.name, b.name) || byText(a.id, b.id) || byText(a.change, b.change) || a.position - b.position);

        assert.ok(new Set(expected.filter(e => e.name === "Mix").map(e => e.id)).size === 2 && expected.some(e => e.name === "Road trip")
            && expected.some(e => e.id === "playlist_e"), "both Mix playlists, the renamed one and the one no longer extracted changed");
        const listedTwice = (e: (typeof expected)[number]) => playlists.find(p => p.id === e.id)!.versions.get(e.snapshot)!.filter(s => s === e.songId).length > 1;
        assert.ok(expected.some(e => e.change === "new_entry" && listedTwice(e)) && expected.some(e => e.change === "drop_out" && listedTwice(e)),
            "a song listed twice enters one playlist and drops out of one");
        assert.ok(expected.some(e => e.row[3] === "song_00") && expected.some(e => e.row[4] === null && e.row[3] !== "song_00"),
            "a song is named by its id, one has no artist name");
        assert.ok(expected.some(e => e.row[4]?.endsWith(" more")) && expected.some(e => e.row[4]?.includes(", ") && !e.row[4].endsWith(" more")),
            "a changed song credits more than three named artists, one two or three");
        const answers = await answersOf(l => lake.write(l));
        const result = answer(answers, "playlist_changes");
        assert.deepEqual(result.columns, ["playlist_name", "change_type", "position", "song_name", "artist_names",
            "previous_version_first_seen", "latest_version_first_seen"]);
        assert.deepEqual(result.rows, expected.map(e => e.row));
    });
});
