/**
 * The two skip questions on lakes written here: skip_rate estimates skips from the API's plays, whose
 * played_at is when a play ended; history_skip_rate_by_hour counts the skips the data export records,
 * over the streams whose rows record them.
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

const songRow = (id: string, durationMs: number): Row => ({ song_id: id, song_name: id, duration_ms: durationMs, album_id: "album", primary_artist_id: "artist" });

describe("skip_rate: a play is heard from the previous play's end to its own", () => {
    it("counts only the play that ended sooner after the previous one than half its length", async () => {
        // Monday 2026-03-02. 10:10:00 is the lake's first play: nothing says when it began. 10:13:00 ended
        // 180 s after it, the whole of its 180 s song; 10:13:40 ended 40 s after that, under half of its
        // 200 s; 10:17:00 ended 200 s later, its whole song. Measured to the next play instead, the 600 s
        // song (next play 180 s later) and the 180 s one (40 s later) would count as the skips.
        const answers = await answersOf(lake => {
            lake.write("songs", "2026-03-02", [
                songRow("song_long", 600_000), songRow("song_short", 180_000),
                songRow("song_skipped", 200_000), songRow("song_whole", 200_000),
            ]);
            lake.write("plays", "2026-03-02", [
                { played_at: "2026-03-02T10:10:00Z", song_id: "song_long" },
                { played_at: "2026-03-02T10:13:00Z", song_id: "song_short" },
                { played_at: "2026-03-02T10:13:40Z", song_id: "song_skipped" },
                { played_at: "2026-03-02T10:17:00Z", song_id: "song_whole" },
            ]);
        });
        const result = answer(answers, "skip_rate");
        assert.deepEqual(result.columns, ["week_start", "play_count", "skipped_count", "skip_percent"]);
        assert.deepEqual(result.rows, [["2026-03-02", "3", "1", "33.3"]]);
    });

    it("on generated plays: skips, whole plays, pauses, plays ending in the same second, repeats across days", async () => {
        // Plays from late 2027 into March 2028 (a year's end, a leap day), each ending some time after the
        // previous one: under half its song (a skip), exactly half (no skip), its whole song, a pause of up to
        // three days, or the same second as the previous play (another song). One play in five is stored
        // under the next day's snapshot too; a few songs have no songs row (never counted as skipped).
        const next = seeded(20280229);
        const durations = new Map<string, number>(Array.from({ length: 7 }, (_, i) => [`song_${i}`, 61_000 + next(400_000)]));
        const songIds = [...durations.keys(), "song_unknown"];
        const plays: { playedAt: string; songId: string; second: number }[] = [];
        let second = Date.UTC(2027, 11, 24, 18, 0, 0) / 1000;
        for (let i = 0; i < 500; i++) {
            const songId = songIds[next(songIds.length)]!;
            const halfSeconds = Math.ceil((durations.get(songId) ?? 200_000) / 2000);
            const kind = next(20);
            const gap = i === 0 ? 0
                : kind < 6 ? 30 + next(halfSeconds - 30)
                : kind < 8 ? halfSeconds
                : kind < 15 ? 2 * halfSeconds + next(5)
                : kind < 18 ? 2 * halfSeconds + next(3 * 86400)
                : 0;
            second += gap;
            const millis = next(3) === 0 ? "" : `.${String(next(1000)).padStart(3, "0")}`;
            const playedAt = `${new Date(second * 1000).toISOString().slice(0, 19)}${millis}Z`;
            if (!plays.some(p => p.playedAt === playedAt && p.songId === songId)) {
                plays.push({ playedAt, songId, second });
            }
        }
        const expected = new Map<string, { plays: number; skipped: number }>();
        const ends = [...new Set(plays.map(p => p.second))].sort((a, b) => a - b);
        for (const play of plays) {
            const previous = ends[ends.indexOf(play.second) - 1];
            if (previous === undefined) {
                continue;
            }
            const week = weekStart(new Date(play.second * 1000));
            const count = expected.get(week) ?? { plays: 0, skipped: 0 };
            const duration = durations.get(play.songId);
            count.plays += 1;
            count.skipped += duration !== undefined && (play.second - previous) * 2000 < duration ? 1 : 0;
            expected.set(week, count);
        }
        const answers = await answersOf(lake => writePlays(lake, plays, durations, next));
        const rows = answer(answers, "skip_rate").rows;
        assert.deepEqual(rows.map(r => [r[0], r[1], r[2]]),
            [...expected.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([week, c]) => [week, String(c.plays), String(c.skipped)]));
        for (const [week, , , percent] of rows) {
            const { plays: counted, skipped } = expected.get(week!)!;
            assert.ok(Math.abs(Number(percent) - (100 * skipped) / counted) <= 0.05 + 1e-9, `${week}: ${percent}% of ${skipped}/${counted}`);
        }
        assert.ok(rows.length >= 10 && [...expected.values()].reduce((n, c) => n + c.skipped, 0) > 50, "the plays span weeks and hold skips");
    });
});

/** Each play under the snapshot date of its end, one in five under the next day's too; the songs under the first day. */
function writePlays(lake: LakeFolder, plays: readonly { playedAt: string; songId: string }[], durations: ReadonlyMap<string, number>,
    next: (n: number) => number): void {
    const byDay = new Map<string, Row[]>();
    for (const play of plays) {
        const day = play.playedAt.slice(0, 10);
        const following = new Date(Date.parse(`${day}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
        for (const snapshot of next(5) === 0 ? [day, following] : [day]) {
            byDay.set(snapshot, [...byDay.get(snapshot) ?? [], { played_at: play.playedAt, song_id: play.songId }]);
        }
    }
    for (const [day, rows] of byDay) {
        lake.write("plays", day, rows);
    }
    lake.write("songs", [...byDay.keys()].sort()[0]!, [...durations].map(([id, ms]) => songRow(id, ms)));
}

describe("history_skip_rate_by_hour: the skips the export records, over the streams that record them", () => {
    it("on generated streams of every source: rows without skip information are left out, not counted as played through", async () => {
        // Streams from December 2023 to February 2026 (a leap day among them). Extended-history rows say
        // skipped true, false or nothing, with an end reason or none; account-data rows (to the minute) and
        // the API's plays say neither, whatever their skipped reads as. A skip is skipped = true or an end by the forward
        // or back button.
        const next = seeded(2024);
        const from = Date.UTC(2023, 11, 1) / 1000;
        const to = Date.UTC(2026, 2, 1) / 1000;
        const reasons = ["trackdone", "fwdbtn", "backbtn", "endplay", "unexpected-exit", ""];
        const rows: Row[] = [];
        for (let i = 0; i < 600; i++) {
            const source = ["extended", "extended", "extended", "account", "api"][next(5)]!;
            const second = from + next(to - from);
            const endedAt = new Date((source === "account" ? second - (second % 60) : second) * 1000).toISOString().slice(0, 19) + "Z";
            const extended = source === "extended";
            rows.push({
                ended_at: endedAt, ms_played: 1000 * next(300), content_type: "track", track_name: `track ${next(20)}`,
                artist_name: "artist", source,
                // An account or API row's empty skipped as an engine may read a CSV lake's empty boolean: NULL, or false.
                skipped: extended ? [true, false, null][next(3)] : [null, false][next(2)],
                reason_end: extended ? reasons[next(reasons.length)] : "",
            });
        }
        const weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const expected = new Map<string, { weekday: number; hour: number; streams: number; skips: number }>();
        for (const row of rows) {
            if (row.source !== "extended" || (row.skipped === null && row.reason_end === "")) {
                continue;
            }
            const at = new Date(String(row.ended_at));
            const weekday = (at.getUTCDay() + 6) % 7;
            const slot = expected.get(`${weekday} ${at.getUTCHours()}`) ?? { weekday, hour: at.getUTCHours(), streams: 0, skips: 0 };
            slot.streams += 1;
            slot.skips += row.skipped === true || row.reason_end === "fwdbtn" || row.reason_end === "backbtn" ? 1 : 0;
            expected.set(`${weekday} ${at.getUTCHours()}`, slot);
        }
        const answers = await answersOf(lake => {
            const months = new Map<string, Row[]>();
            for (const row of rows) {
                const month = String(row.ended_at).slice(0, 7);
                months.set(month, [...months.get(month) ?? [], row]);
            }
            for (const [month, monthRows] of months) {
                lake.write("listening_history", month, monthRows);
            }
        });
        const result = answer(answers, "history_skip_rate_by_hour");
        assert.deepEqual(result.columns, ["weekday", "weekday_name", "hour_of_day", "streams_with_skip_info", "skips", "skip_percent"]);
        const slots = [...expected.values()].sort((a, b) => a.weekday - b.weekday || a.hour - b.hour);
        assert.deepEqual(result.rows.map(r => r.slice(0, 5)),
            slots.map(s => [String(s.weekday), weekdays[s.weekday], String(s.hour), String(s.streams), String(s.skips)]));
        for (const [row, slot] of result.rows.map((r, i) => [r, slots[i]!] as const)) {
            // A percentage to the tenth, exact halves up: tenths counted in integers, so no floating point decides a half.
            const tenths = Math.floor((2000 * slot.skips + slot.streams) / (2 * slot.streams));
            assert.equal(Number(row[5]), tenths / 10, `${row.join(" ")}: ${slot.skips}/${slot.streams}`);
        }
        assert.ok(rows.length - slots.reduce((n, s) => n + s.streams, 0) > 100, "many streams carry no skip information");
    });
});
