/**
 * The listening-history questions on a generated listening_history: each answer is computed here from the
 * generated rows by the rules the query's header and docs/history.md state (each row one stream; a play is
 * a stream of at least 30,000 ms; UTC months and years by the stream's end; hours of every stream rounded
 * half up to a tenth; ties share a rank).
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { answersOf, Row, seeded } from "./helpers/handMadeLake";
import { QueryResult } from "./helpers/cliQueries";

const answer = (answers: Map<string, QueryResult>, name: string): QueryResult => {
    const result = answers.get(name);
    assert.ok(result, `${name} ran`);
    return result;
};

/** SQL's ORDER BY on text: by code point (no astral characters are generated). */
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Milliseconds as hours rounded half up to a tenth (360,000 ms each), shown as the runner shows a DOUBLE. */
const tenths = (ms: number): string => {
    const value = Math.floor((ms + 180_000) / 360_000);
    return `${Math.floor(value / 10)}.${value % 10}`;
};

const iso = (millis: number): string => `${new Date(millis).toISOString().slice(0, 19)}Z`;

interface Stream {
    readonly endedAt: string;
    readonly ms: number;
    readonly contentType: string;
    readonly track: string;
    readonly artist: string;
}

/** Ranks with ties sharing a rank (1, 1, 3), ties ordered by `tieOrder`, the first `count` kept (a tie at the last place cut). */
function top<T>(count: number, items: readonly T[], plays: (item: T) => number, tieOrder: (a: T, b: T) => number): { item: T; rank: number }[] {
    return items.map(item => ({ item, rank: 1 + items.filter(other => plays(other) > plays(item)).length }))
        .sort((a, b) => a.rank - b.rank || tieOrder(a.item, b.item))
        .slice(0, count);
}

/** Whether some items tie across the `count`th place, so that a cut there leaves some of them out. */
const tiedAcross = (count: number, playsOfEach: readonly number[]): boolean => {
    const sorted = [...playsOfEach].sort((a, b) => b - a);
    return sorted.length > count && sorted[count - 1] === sorted[count];
};

describe("the listening-history questions on a generated history", () => {
    // Streams from 2023-12-01 to 2025-02-28: two year ends, a leap day, an empty month (July 2024), streams
    // ending at a year's last and first second (one begun the year before), to the second or, as account
    // data has them, to the minute. Tracks, podcast episodes, audiobook chapters (some naming their author
    // as artist_name) and rows with no metadata. ms_played is often 0, often right at the 30 s threshold, up
    // to hours for episodes. Some tracks lack an artist or a track name; one track name belongs to two
    // artists; artist names differ only in case. Each month gets one episode whose length brings the month's
    // hours to exactly a half tenth, and each year one nameless track that does the same for its music hours.
    const next = seeded(3);
    const from = Date.UTC(2023, 11, 1);
    const to = Date.UTC(2025, 2, 1);
    const artists = ["Queen", "queen", "Nova", "ABBA", "米津玄師", "Tyler, The Creator", "Say \"Hi\"", "Zed", "Aurora", "Ólafur", "Björk", "Bizarrap", "Shakira", "Ava"];
    const tracks = ["Intro", "Outro", "Hello", "Home", "Río", "夜に駆ける", "Say \"Cheese\"", "One, Two"];
    const streams: Stream[] = [];
    const add = (endedAt: string, ms: number, contentType: string, track = "", artist = ""): void => {
        streams.push({ endedAt, ms, contentType, track, artist });
    };
    const length = (): number => {
        const kind = next(10);
        return kind === 0 ? 0 : kind === 1 ? 29_999 : kind === 2 ? 30_000 : kind === 3 ? 30_001 : 1000 * next(400);
    };
    for (let i = 0; i < 900; i++) {
        const at = from + next(to - from);
        if (iso(at).startsWith("2024-07")) {
            continue;
        }
        const source = next(6);
        // Account data is to the minute.
        const endedAt = iso(source === 0 ? at - (at % 60_000) : at - (at % 1000));
        const kind = next(20);
        if (kind < 14) {
            // Popular artists first, so counts differ and tie.
            const artist = next(15) === 0 ? "" : artists[Math.min(next(artists.length), next(artists.length))]!;
            const track = next(15) === 0 ? "" : tracks[next(tracks.length)]!;
            add(endedAt, length(), "track", track, artist);
        } else if (kind < 16) {
            add(endedAt, 60_000 * next(90), "episode");
        } else if (kind < 18) {
            add(endedAt, 60_000 * next(45), "audiobook", next(2) === 0 ? "Chapter 1" : "", next(2) === 0 ? "Queen" : "");
        } else {
            add(endedAt, next(3) === 0 ? 0 : length(), "unknown");
        }
    }
    // Queen's earliest stream failed to play (0 ms): it is not when Queen was first heard.
    add("2023-12-01T00:00:05Z", 0, "track", "Outro", "Queen");
    add("2023-12-31T23:59:59Z", 200_000, "track", "Intro", "Nova");
    add("2024-01-01T00:00:00Z", 30_000, "track", "Intro", "Nova");
    add("2024-02-29T23:59:59Z", 45_000, "track", "Home", "ABBA");
    add("2025-01-01T00:00:20Z", 60_000, "track", "Home", "ABBA");
    for (const year of new Set(streams.map(s => s.endedAt.slice(0, 4)))) {
        const music = streams.filter(s => s.endedAt.startsWith(year) && s.contentType === "track").reduce((n, s) => n + s.ms, 0);
        const month = streams.map(s => s.endedAt.slice(0, 7)).filter(m => m.startsWith(year)).sort(byText)[0]!;
        add(`${month}-10T12:00:00Z`, (((180_000 - music) % 360_000) + 360_000) % 360_000, "track");
    }
    for (const month of new Set(streams.map(s => s.endedAt.slice(0, 7)))) {
        const total = streams.filter(s => s.endedAt.startsWith(month)).reduce((n, s) => n + s.ms, 0);
        add(`${month}-15T12:00:00Z`, (((180_000 - total) % 360_000) + 360_000) % 360_000, "episode");
    }
    // What a row says of a skip, drawn after the streams so that they stay as they were: skipped true, false or
    // empty, and a reason_end that may name a button (older exports leave skipped empty but give the reason).
    const reasons = ["trackdone", "fwdbtn", "backbtn", "endplay", ""];
    const skips = streams.map(() => ({ skipped: [true, false, null][next(3)]!, reasonEnd: reasons[next(reasons.length)]! }));
    // The account data records neither.
    const rows: Row[] = streams.map(s => s.endedAt.endsWith(":00Z") ? "account" : "extended").map((source, i) => ({
        ended_at: streams[i]!.endedAt, started_at: iso(Date.parse(streams[i]!.endedAt) - streams[i]!.ms), ms_played: streams[i]!.ms,
        content_type: streams[i]!.contentType, track_name: streams[i]!.track, artist_name: streams[i]!.artist,
        episode_name: streams[i]!.contentType === "episode" ? "Episode" : "", audiobook_title: streams[i]!.contentType === "audiobook" ? "Book" : "",
        source, skipped: source === "account" ? null : skips[i]!.skipped, reason_end: source === "account" ? "" : skips[i]!.reasonEnd,
    }));
    const isPlay = (s: Stream): boolean => s.ms >= 30_000;

    let answering: Promise<Map<string, QueryResult>> | undefined;
    const answers = (): Promise<Map<string, QueryResult>> => (answering ??= answersOf(lake => {
        const months = new Map<string, Row[]>();
        for (const row of rows) {
            const month = String(row.ended_at).slice(0, 7);
            months.set(month, [...months.get(month) ?? [], row]);
        }
        for (const [month, monthRows] of months) {
            lake.write("listening_history", month, monthRows);
        }
    }));

    it("history_hours_per_month: every stream's time, plays of 30 s or more, UTC months, latest first", async () => {
        const months = new Map<string, Stream[]>();
        for (const s of streams) {
            months.set(s.endedAt.slice(0, 7), [...months.get(s.endedAt.slice(0, 7)) ?? [], s]);
        }
        const expected = [...months].sort(([a], [b]) => byText(b, a)).map(([month, ss]) =>
            [month, tenths(ss.reduce((n, s) => n + s.ms, 0)), String(ss.filter(isPlay).length), String(ss.length)]);
        const result = answer(await answers(), "history_hours_per_month");
        assert.deepEqual(result.columns, ["month", "hours", "plays", "streams"]);
        assert.deepEqual(result.rows, expected);
        assert.ok(!months.has("2024-07") && months.has("2024-02") && streams.some(s => s.ms === 30_000) && streams.some(s => s.ms === 29_999),
            "a month is empty; streams lie at the threshold and just below");
        assert.ok([...months.values()].every(ss => ss.reduce((n, s) => n + s.ms, 0) % 360_000 === 180_000), "every month's hours lie halfway between tenths");
    });

    it("history_hours_per_year: every stream's time and the tracks' apart, by the UTC year each stream ended", async () => {
        const years = new Map<string, Stream[]>();
        for (const s of streams) {
            years.set(s.endedAt.slice(0, 4), [...years.get(s.endedAt.slice(0, 4)) ?? [], s]);
        }
        const expected = [...years].sort(([a], [b]) => byText(b, a)).map(([year, ss]) => [year, tenths(ss.reduce((n, s) => n + s.ms, 0)),
            tenths(ss.filter(s => s.contentType === "track").reduce((n, s) => n + s.ms, 0)), String(ss.filter(isPlay).length), String(ss.length)]);
        const result = answer(await answers(), "history_hours_per_year");
        assert.deepEqual(result.columns, ["year", "hours", "music_hours", "plays", "streams"]);
        assert.deepEqual(result.rows, expected);
        assert.deepEqual(expected.map(row => row[0]), ["2025", "2024", "2023"]);
        assert.ok([...years.values()].every(ss => ss.filter(s => s.contentType === "track").reduce((n, s) => n + s.ms, 0) % 360_000 === 180_000),
            "every year's music hours lie halfway between tenths");
    });

    it("history_top_artists_per_year: plays of tracks with an artist, ties sharing a rank, ten a year at most, a tie at the tenth place cut by name", async () => {
        const perYear = new Map<string, Map<string, Stream[]>>();
        for (const s of streams.filter(s => s.contentType === "track" && s.artist !== "" && isPlay(s))) {
            const year = perYear.get(s.endedAt.slice(0, 4)) ?? new Map<string, Stream[]>();
            year.set(s.artist, [...year.get(s.artist) ?? [], s]);
            perYear.set(s.endedAt.slice(0, 4), year);
        }
        const expected = [...perYear].sort(([a], [b]) => byText(b, a)).flatMap(([year, byArtist]) =>
            top(10, [...byArtist], ([, ss]) => ss.length, ([a], [b]) => byText(a, b))
                .map(({ item: [artist, ss], rank }) => [year, String(rank), artist, String(ss.length), tenths(ss.reduce((n, s) => n + s.ms, 0))]));
        const result = answer(await answers(), "history_top_artists_per_year");
        assert.deepEqual(result.columns, ["year", "year_rank", "artist_name", "plays", "hours"]);
        assert.deepEqual(result.rows, expected);
        assert.ok([...perYear.values()].some(byArtist => tiedAcross(10, [...byArtist.values()].map(ss => ss.length))), "artists tie across the tenth place");
        assert.ok(expected.some((row, i) => i > 0 && expected[i - 1]![1] === row[1] && expected[i - 1]![0] === row[0]), "ranks are shared");
        assert.ok(streams.some(s => s.contentType === "audiobook" && s.artist === "Queen" && isPlay(s)), "an audiobook's author, no play of a track, shares an artist's name");
    });

    it("history_top_tracks_per_year: a track is its name and artist, a missing artist included (NULL, after the named), ties sharing a rank, ten a year at most", async () => {
        const perYear = new Map<string, Map<string, { track: string; artist: string; plays: number }>>();
        for (const s of streams.filter(s => s.contentType === "track" && s.track !== "" && isPlay(s))) {
            const year = perYear.get(s.endedAt.slice(0, 4)) ?? new Map<string, { track: string; artist: string; plays: number }>();
            const key = JSON.stringify([s.track, s.artist]);
            const entry = year.get(key) ?? { track: s.track, artist: s.artist, plays: 0 };
            entry.plays += 1;
            year.set(key, entry);
            perYear.set(s.endedAt.slice(0, 4), year);
        }
        const expected = [...perYear].sort(([a], [b]) => byText(b, a)).flatMap(([year, byTrack]) =>
            top(10, [...byTrack.values()], t => t.plays, (a, b) => byText(a.track, b.track)
                || Number(a.artist === "") - Number(b.artist === "") || byText(a.artist, b.artist))
                .map(({ item: t, rank }) => [year, String(rank), t.track, t.artist === "" ? null : t.artist, String(t.plays)]));
        const result = answer(await answers(), "history_top_tracks_per_year");
        assert.deepEqual(result.columns, ["year", "year_rank", "track_name", "artist_name", "plays"]);
        assert.deepEqual(result.rows, expected);
        assert.ok(expected.some(row => row[3] === null) && expected.some(row => row[1] === "10"), "a track with no artist is among the ten best ranks; a track ranks tenth");
        assert.ok(expected.some((row, i) => i > 0 && expected[i - 1]![0] === row[0] && expected[i - 1]![2] === row[2]), "one track name of two artists ranks");
    });
    it("history_first_heard: the twenty most played artists, ties sharing a rank, a tie at the twentieth place cut by name, each with its first stream that played at all", async () => {
        const plays = new Map<string, number>();
        for (const s of streams.filter(s => s.contentType === "track" && s.artist !== "" && isPlay(s))) {
            plays.set(s.artist, (plays.get(s.artist) ?? 0) + 1);
        }
        const first = new Map<string, Stream>();
        for (const s of streams.filter(s => s.contentType === "track" && s.artist !== "" && s.ms > 0)) {
            const known = first.get(s.artist);
            const earlier = known === undefined || byText(s.endedAt, known.endedAt) < 0
                || (s.endedAt === known.endedAt && (known.track === "" ? s.track !== "" : s.track !== "" && byText(s.track, known.track) < 0));
            first.set(s.artist, earlier ? s : known);
        }
        const ranked = top(20, [...plays], ([, n]) => n, ([a], [b]) => byText(a, b)).map(({ item: [artist, n], rank }) => ({ artist, n, rank }));
        const expected = ranked.map(r => [String(r.rank), r.artist, String(r.n), first.get(r.artist)!.endedAt, first.get(r.artist)!.track || null]);
        const result = answer(await answers(), "history_first_heard");
        assert.deepEqual(result.columns, ["play_rank", "artist_name", "plays", "first_heard", "first_track"]);
        assert.deepEqual(result.rows, expected);
        const silentFirst = ranked.filter(r => streams.some(s => s.contentType === "track" && s.artist === r.artist && s.ms === 0
            && byText(s.endedAt, first.get(r.artist)!.endedAt) < 0));
        assert.ok(silentFirst.length > 0, "an artist's earliest stream is one of 0 ms, which is not when it was first heard");
    });

    it("history_skip_rate_by_hour: music streams that record a skip or not, by UTC weekday (Monday 0) and hour", async () => {
        const cells = new Map<string, { weekday: number; hour: number; streams: number; skips: number }>();
        rows.forEach(row => {
            if (row.content_type !== "track" || (row.skipped === null && row.reason_end === "")) {
                return;
            }
            const ended = new Date(String(row.ended_at));
            const weekday = (ended.getUTCDay() + 6) % 7;
            const hour = ended.getUTCHours();
            const cell = cells.get(`${weekday} ${hour}`) ?? { weekday, hour, streams: 0, skips: 0 };
            cell.streams += 1;
            cell.skips += row.skipped === true || row.reason_end === "fwdbtn" || row.reason_end === "backbtn" ? 1 : 0;
            cells.set(`${weekday} ${hour}`, cell);
        });
        const names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const percent = (skips: number, count: number): string => {
            const value = Math.round((1000 * skips) / count) / 10;
            return Number.isInteger(value) ? value.toFixed(1) : String(value);
        };
        const expected = [...cells.values()].sort((a, b) => a.weekday - b.weekday || a.hour - b.hour)
            .map(c => [String(c.weekday), names[c.weekday]!, String(c.hour), String(c.streams), String(c.skips), percent(c.skips, c.streams)]);
        const result = answer(await answers(), "history_skip_rate_by_hour");
        assert.deepEqual(result.columns, ["weekday", "weekday_name", "hour_of_day", "streams_with_skip_info", "skips", "skip_percent"]);
        assert.deepEqual(result.rows, expected);
        assert.ok(rows.some(r => r.content_type === "episode" && r.reason_end === "fwdbtn"), "an episode ended with the forward button, which is no skip of music");
    });
});

describe("the history's top lists on a long tail of artists and tracks tied at the cut", () => {
    // Early in a year most artists have a play or two: dozens tie at the last place a list keeps. Each list keeps
    // ten rows a year (twenty artists in history_first_heard), ties sharing a rank, the tie at the cut resolved by name.
    for (const seed of [5, 6, 7]) {
        it(`seed ${seed}: each list keeps its count, the rows tied at its last place first by name`, async () => {
            const next = seeded(seed);
            const names = ["Ava", "ava", "Ólafur", "Zed", "Björk", "米津玄師", "Say \"Hi\"", "Tyler, The Creator"];
            const rows: Row[] = [];
            const streams: { year: string; artist: string; track: string; endedAt: string }[] = [];
            for (const year of ["2025", "2026"]) {
                const artists = 25 + next(40);
                for (let a = 0; a < artists; a++) {
                    const artist = a < names.length ? names[a]! : `Artist ${String.fromCharCode(65 + next(26))}${a}`;
                    // A few artists played often, the rest once or twice: ties across the tenth and twentieth places.
                    const plays = a < 4 ? 5 + next(6) : 1 + Number(next(4) === 0);
                    for (let p = 0; p < plays; p++) {
                        const endedAt = `${year}-0${1 + next(9)}-1${next(10)}T0${next(10)}:${10 + next(50)}:${10 + next(50)}Z`;
                        const track = `Song ${next(40)}`;
                        const named = next(12) !== 0;
                        streams.push({ year, artist: named ? artist : "", track, endedAt });
                        rows.push({
                            ended_at: endedAt, started_at: endedAt, ms_played: 31_000 + next(200_000), content_type: "track",
                            track_name: track, artist_name: named ? artist : "", source: "extended",
                        });
                    }
                }
            }
            const answers = await answersOf(lake => {
                for (const month of new Set(rows.map(r => String(r.ended_at).slice(0, 7)))) {
                    lake.write("listening_history", month, rows.filter(r => String(r.ended_at).startsWith(month)));
                }
            });
            const count = <K>(keys: readonly K[], key: (k: K) => string): Map<string, { item: K; n: number }> => {
                const counted = new Map<string, { item: K; n: number }>();
                for (const k of keys) {
                    const entry = counted.get(key(k)) ?? { item: k, n: 0 };
                    entry.n += 1;
                    counted.set(key(k), entry);
                }
                return counted;
            };
            const named = streams.filter(s => s.artist !== "");
            const years = ["2026", "2025"];

            const artistsOf = (year: string) => [...count(named.filter(s => s.year === year), s => s.artist).values()];
            const artistRows = answer(answers, "history_top_artists_per_year").rows;
            assert.deepEqual(artistRows.map(r => [r[0], r[1], r[2], r[3]]), years.flatMap(year =>
                top(10, artistsOf(year), e => e.n, (a, b) => byText(a.item.artist, b.item.artist))
                    .map(({ item, rank }) => [year, String(rank), item.item.artist, String(item.n)])));
            assert.ok(years.some(year => tiedAcross(10, artistsOf(year).map(e => e.n))), "artists tie across the tenth place");

            const tracksOf = (year: string) => [...count(streams.filter(s => s.year === year), s => JSON.stringify([s.track, s.artist])).values()];
            const trackOrder = (a: { item: { track: string; artist: string } }, b: { item: { track: string; artist: string } }): number =>
                byText(a.item.track, b.item.track) || Number(a.item.artist === "") - Number(b.item.artist === "") || byText(a.item.artist, b.item.artist);
            assert.deepEqual(answer(answers, "history_top_tracks_per_year").rows, years.flatMap(year =>
                top(10, tracksOf(year), e => e.n, trackOrder)
                    .map(({ item, rank }) => [year, String(rank), item.item.track, item.item.artist === "" ? null : item.item.artist, String(item.n)])));
            assert.ok(years.some(year => tiedAcross(10, tracksOf(year).map(e => e.n))), "tracks tie across the tenth place");

            const overall = [...count(named, s => s.artist).values()];
            assert.deepEqual(answer(answers, "history_first_heard").rows.map(r => [r[0], r[1], r[2]]),
                top(20, overall, e => e.n, (a, b) => byText(a.item.artist, b.item.artist)).map(({ item, rank }) => [String(rank), item.item.artist, String(item.n)]));
            assert.ok(tiedAcross(20, overall.map(e => e.n)), "artists tie across the twentieth place");
        });
    }
});
