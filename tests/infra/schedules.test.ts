// Schedule expressions: what EventBridge and Glue accept passes, what they refuse is named before anything is created.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { cronRunsOn } from "../../infra/cronCalendar";
import { crawlerScheduleProblem, cronProblem, extractScheduleProblem, glueCronProblem, longestGapMinutes, scheduleProblem } from "../../infra/schedules";

test("rates EventBridge accepts pass: a whole number from 1, singular for 1 and plural above", () => {
    for (const unit of ["minute", "hour", "day"]) {
        assert.equal(scheduleProblem(`rate(1 ${unit})`), undefined);
        for (const value of [2, 5, 12, 60, 365]) {
            assert.equal(scheduleProblem(`rate(${value} ${unit}s)`), undefined);
        }
    }
});

test("rates EventBridge refuses are named with the form it wants", () => {
    for (const unit of ["minute", "hour", "day"]) {
        for (const value of [2, 5, 30]) {
            assert.match(scheduleProblem(`rate(${value} ${unit})`)!, new RegExp(`rate\\(<n> ${unit}s\\) for n above 1`));
        }
        assert.match(scheduleProblem(`rate(1 ${unit}s)`)!, new RegExp(`must be rate\\(1 ${unit}\\)`));
        assert.match(scheduleProblem(`rate(0 ${unit}s)`)!, /n at least 1/);
    }
    for (const text of ["rate(1.5 hours)", "rate(-1 days)", "rate(5  minutes)", "rate(5 weeks)", "rate(five minutes)", "every day"]) {
        assert.notEqual(scheduleProblem(text), undefined, text);
    }
});

test("cron expressions AWS accepts pass", () => {
    for (const text of [
        "cron(0 7 * * ? *)", "cron(0/15 * ? * MON-FRI *)", "cron(0 12 L * ? *)", "cron(0 10 ? * 6#3 *)", "cron(30 6 ? * SUN,WED *)",
        "cron(0 0 1 JAN ? 2027)", "cron(5,35 14 * * ? *)", "cron(0 8 15W * ? *)", "cron(0 18 ? * 6L *)", "cron(0 */2 ? * * *)",
        "cron(59 23 31 12 ? 2199)", "cron(0 9 ? jan-mar mon-fri *)", "cron(0 8 31W * ? *)", "cron(0 8 1W * ? *)", "cron(0 10 ? * 7#5 *)", "cron(0 18 ? * 1L *)",
    ]) {
        assert.equal(cronProblem(text), undefined, text);
        assert.equal(scheduleProblem(text), undefined, text);
    }
});

test("cron expressions AWS refuses are named: both day fields or neither with ?, a field out of range, a field missing", () => {
    const cases: [string, RegExp][] = [
        ["cron(0 7 * * * *)", /\? in exactly one of day-of-month and day-of-week/],
        ["cron(0 7 ? * ? *)", /\? in exactly one/],
        ["cron(0 7 1 * 2 *)", /\? in exactly one/],
        ["cron(60 7 * * ? *)", /minutes field has 60, outside 0-59/],
        ["cron(0 24 * * ? *)", /hours field has 24, outside 0-23/],
        ["cron(0 7 32 * ? *)", /day-of-month field has 32/],
        ["cron(0 7 0 * ? *)", /day-of-month field has 0/],
        ["cron(0 7 ? 13 MON *)", /month field has 13/],
        ["cron(0 7 ? * 8 *)", /day-of-week field has 8/],
        ["cron(0 7 ? * FUN *)", /day-of-week field has FUN/],
        ["cron(0 7 * * ? 1969)", /year field has 1969/],
        ["cron(0 7 * * ?)", /six fields/],
        ["cron(0 7 * * ? * *)", /six fields/],
        ["cron(0  7 * * ? *)", /six fields/],
        ["cron(0/0 7 * * ? *)", /minutes field steps by 0/],
        ["cron(0 7 ? * MON,? *)", /mixes \? with other values/],
        // Cron of Unix habit: 0 for Sunday before L or #, a day 0 or past 31 before W; two nth weekdays in one list.
        ["cron(0 7 ? * 0L *)", /day-of-week field has 0L/],
        ["cron(0 7 ? * 0#1 *)", /day-of-week field has 0#1/],
        ["cron(0 7 ? * 8L *)", /day-of-week field has 8L/],
        ["cron(0 7 0W * ? *)", /day-of-month field has 0W/],
        ["cron(0 7 32W * ? *)", /day-of-month field has 32W/],
        ["cron(0 7 ? * 3#1,6#3 *)", /more than one nth weekday/],
    ];
    for (const [text, expected] of cases) {
        assert.match(cronProblem(text) ?? "(accepted)", expected, text);
    }
});

/** Whether a value is one a numeric cron field names, read part by part (the oracle walks every minute of a day with it). */
function matches(field: string, value: number, max: number): boolean {
    return field.split(",").some((part) => {
        const [base, step] = part.split("/") as [string, string | undefined];
        const [from, to] = base === "*" ? [0, max] : base.includes("-") ? base.split("-").map(Number) as [number, number] : [Number(base), step ? max : Number(base)];
        return value >= from && value <= to && (value - from) % Number(step ?? 1) === 0;
    });
}

test("a crawler's schedule is refused when two runs of a day would be less than five minutes apart, and only then (generated)", () => {
    let seed = 11;
    const next = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const field = (max: number): string => {
        const parts = Array.from({ length: 1 + next(3) }, () => {
            const a = next(max + 1);
            const b = Math.min(max, a + next(max + 1 - a));
            return [String(a), `${a}-${b}`, `*/${1 + next(max)}`, `${a}/${1 + next(max)}`, "*"][next(5)]!;
        });
        return parts.join(",");
    };
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
        const expression = `cron(${field(59)} ${next(4) === 0 ? "*" : field(23)} * * ? *)`;
        assert.equal(cronProblem(expression), undefined, expression);
        const times = Array.from({ length: 1440 }, (_, t) => t).filter((t) => matches(expression.slice(5).split(" ")[0]!, t % 60, 59)
            && matches(expression.split(" ")[1]!, Math.floor(t / 60), 23));
        const gap = times.slice(1).reduce((least, t, k) => Math.min(least, t - times[k]!), Number.POSITIVE_INFINITY);
        const problem = glueCronProblem(expression);
        assert.equal(problem !== undefined, gap < 5, `${expression}: runs ${gap} minutes apart at least, Glue check says ${problem ?? "fine"}`);
        refused += problem === undefined ? 0 : 1;
    }
    assert.ok(refused > 300 && refused < 2700, `${refused} of 3000 refused: the generator should give both kinds`);
    assert.match(glueCronProblem("cron(0 10 ? * 6#3 *)")!, /# \(the nth weekday of the month\) is EventBridge's/);
    assert.equal(glueCronProblem("cron(0 7 * * ? *)"), undefined);
});

/** A random number source of its own for each generated test, so that one test's cases do not shift another's. */
function generator(seed: number): (n: number) => number {
    return (n) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
    };
}

/** The minutes of the day a cron expression's minutes and hours fields name, read by the oracle above. */
function timesOf(minutes: string, hours: string): number[] {
    return Array.from({ length: 1440 }, (_, t) => t).filter((t) => matches(minutes, t % 60, 59) && matches(hours, Math.floor(t / 60), 23));
}

/** Minutes and hours fields for the generated gap tests: one to three runs a day, or one every few hours. */
function timesFields(next: (n: number) => number): [string, string] {
    const minutes = [String(next(60)), `${next(30)},${30 + next(30)}`][next(2)]!;
    const hours = [String(next(24)), `${next(12)},${12 + next(12)}`, `${next(6)}/${1 + next(8)}`][next(3)]!;
    return [minutes, hours];
}

const weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

test("the longest gap of a schedule on some weekdays spans the days it skips: the weekend of a weekday-only one (generated)", () => {
    const next = generator(29);
    for (let i = 0; i < 400; i++) {
        // Weekdays 0 (Sunday) to 6, written as cron counts them (1-7 or SUN-SAT): a list, or a range that may wrap (FRI-MON).
        let days: number[];
        let text: string;
        if (next(3) === 0) {
            const from = next(7);
            const length = 1 + next(7);
            days = Array.from({ length }, (_, k) => (from + k) % 7);
            const name = (d: number) => next(2) === 0 ? weekdayNames[d]! : String(d + 1);
            text = length === 7 ? "*" : `${name(from)}-${name(days[length - 1]!)}`;
        } else {
            days = [...new Set(Array.from({ length: 1 + next(4) }, () => next(7)))].sort((a, b) => a - b);
            text = days.map((d) => next(2) === 0 ? weekdayNames[d]! : String(d + 1)).join(",");
        }
        const [minutes, hours] = timesFields(next);
        const expression = `cron(${minutes} ${hours} ? * ${text} *)`;
        assert.equal(cronProblem(expression), undefined, expression);
        const times = timesOf(minutes, hours);
        const sorted = [...new Set(days)].sort((a, b) => a - b);
        const between = sorted.map((d, k) => (k + 1 < sorted.length ? sorted[k + 1]! - d : sorted[0]! + 7 - d));
        const expected = Math.max(
            ...times.slice(1).map((t, k) => t - times[k]!),
            ...between.map((d) => d * 1440 + times[0]! - times[times.length - 1]!));
        assert.equal(longestGapMinutes(expression), expected, expression);
    }
});

test("the longest gap of a schedule on some days of some months spans the months it skips (generated)", () => {
    const next = generator(31);
    for (let i = 0; i < 60; i++) {
        const days = [...new Set(Array.from({ length: 1 + next(3) }, () => 1 + next(31)))];
        const months = [...new Set(Array.from({ length: 6 + next(7) }, () => 1 + next(12)))];
        const [minutes, hours] = timesFields(next);
        const expression = `cron(${minutes} ${hours} ${days.join(",")} ${months.join(",")} ? *)`;
        const times = timesOf(minutes, hours);
        // The oracle walks the 28 years from 2026 one day at a time, by the date's own fields.
        const runs: number[] = [];
        for (let at = Date.UTC(2026, 0, 1); at < Date.UTC(2054, 0, 1); at += 86_400_000) {
            const date = new Date(at);
            if (days.includes(date.getUTCDate()) && months.includes(date.getUTCMonth() + 1)) {
                runs.push(at / 60_000);
            }
        }
        const expected = Math.max(
            ...times.slice(1).map((t, k) => t - times[k]!),
            ...runs.slice(1).map((r, k) => r - runs[k]! + times[0]! - times[times.length - 1]!));
        assert.equal(longestGapMinutes(expression), runs.length < 2 ? undefined : expected, expression);
    }
});

test("the days of the month's last day, nearest weekday and n-th weekday fall where the calendar puts them", () => {
    const cases: [string, string[], string[]][] = [
        // 2026-11-15 is a Sunday, 2026-08-15 and 2026-08-01 Saturdays, 2026-10-31 a Saturday, 2026-11 has 30 days.
        ["cron(0 8 15W * ? *)", ["2026-11-16", "2026-08-14", "2026-07-15"], ["2026-11-15", "2026-08-15"]],
        ["cron(0 8 1W * ? *)", ["2026-08-03"], ["2026-08-01", "2026-07-31"]],
        ["cron(0 8 31W * ? *)", ["2026-05-29", "2026-03-31"], ["2026-05-31", "2026-11-30", "2026-06-01"]],
        ["cron(0 8 LW * ? *)", ["2026-10-30", "2026-11-30"], ["2026-10-31"]],
        ["cron(0 8 L * ? *)", ["2026-02-28", "2028-02-29", "2026-11-30"], ["2028-02-28", "2026-11-29"]],
        ["cron(0 8 ? * 6#3 *)", ["2026-11-20"], ["2026-11-13", "2026-11-27"]],
        ["cron(0 8 ? * FRIL *)", ["2026-11-27"], ["2026-11-20"]],
        ["cron(0 8 ? * L *)", ["2026-11-28", "2026-10-31"], ["2026-11-27", "2026-11-29"]],
        ["cron(0 8 ? * FRI-MON *)", ["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"], ["2026-11-26", "2026-12-01"]],
        ["cron(0 8 ? jan-mar mon-fri 2027)", ["2027-01-04", "2027-03-31"], ["2027-04-01", "2026-01-05", "2027-01-02"]],
    ];
    for (const [expression, runs, not] of cases) {
        assert.equal(cronProblem(expression), undefined, expression);
        for (const date of runs) {
            assert.ok(cronRunsOn(expression, date), `${expression} should run on ${date}`);
        }
        for (const date of not) {
            assert.ok(!cronRunsOn(expression, date), `${expression} should not run on ${date}`);
        }
    }
    // Their gaps: a weekly or monthly schedule's are days long, a weekday-only one's the weekend.
    assert.equal(longestGapMinutes("cron(0 12 L * ? *)"), 31 * 1440);
    assert.equal(longestGapMinutes("cron(0 6 ? * MON-FRI *)"), 3 * 1440);
    assert.equal(longestGapMinutes("cron(0 6 ? * MON *)"), 7 * 1440);
    assert.equal(longestGapMinutes("cron(0 0 1 JAN ? 2027)"), undefined);
});

/** The years a year field names, read part by part: a year, a range, `*`, and increments of either or of a year. */
function namedYears(field: string): Set<number> {
    const years = new Set<number>();
    for (const part of field.split(",")) {
        const [base, step] = part.split("/") as [string, string | undefined];
        const [from, to] = base === "*" ? [1970, 2199] : base.includes("-") ? base.split("-").map(Number) as [number, number] : [Number(base), step ? 2199 : Number(base)];
        for (let year = from; year <= to; year += Number(step ?? 1)) {
            years.add(year);
        }
    }
    return years;
}

/** A year field of one of AWS's forms whose years all lie between `from` and `to` (the increments' first years do, and some of their later ones). */
function yearField(next: (n: number) => number, from: number, to: number): string {
    const year = () => from + next(to - from + 1);
    const range = () => {
        const a = year();
        return `${a}-${a + next(to - a + 1)}`;
    };
    switch (next(5)) {
        case 0: return String(year());
        case 1: return range();
        case 2: return [...new Set(Array.from({ length: 2 + next(3) }, year))].join(",");
        case 3: return `${range()}/${1 + next(4)}`;
        default: return to === 2199 ? [`${year()}/${1 + next(4)}`, `*/${1 + next(3)}`][next(2)]! : `${year()},${range()}`;
    }
}

/**
 * Year fields around twelve presents: the first minute of a year, a December evening, a summer noon, and nine generated
 * ones (none in a year's last hour, when an hourly schedule of that year alone has one run left); for each, thirty fields
 * in turn naming only years past, years from the past to the present's or beyond, and only years to come.
 */
function yearFieldsAroundPresents(next: (n: number) => number): { now: Date; thisYear: number; fields: string[] }[] {
    const presents = [Date.UTC(2027, 0, 1), Date.UTC(2026, 11, 5, 22, 30), Date.UTC(2031, 5, 15, 12)];
    for (let i = 0; i < 9; i++) {
        presents.push(Date.UTC(1975 + next(215), next(12), 1 + next(28), next(24), next(60)));
    }
    return presents.map((at) => {
        const now = new Date(at);
        const thisYear = now.getUTCFullYear();
        const fields = Array.from({ length: 30 }, (_, i) => {
            const kind = (["past", "spanning", "future"] as const)[i % 3]!;
            return kind === "past" ? yearField(next, 1970, thisYear - 1)
                : kind === "spanning" ? `${1970 + next(thisYear - 1970)}-${thisYear + next(3)}${next(2) === 0 ? "" : `,${thisYear + 3 + next(2199 - thisYear - 2)}`}`
                    : yearField(next, thisYear + 1, 2199);
        });
        return { now, thisYear, fields };
    });
}

test("an extract schedule whose years are all past is refused, saying EventBridge never runs it again and what to write, and one whose years reach the present or later is not (generated year fields, pinned presents)", () => {
    const next = generator(37);
    const kinds = { past: 0, spanning: 0, future: 0 };
    for (const { now, thisYear, fields } of yearFieldsAroundPresents(next)) {
        for (const field of fields) {
            const expression = `cron(0 * * * ? ${field})`;
            assert.equal(cronProblem(expression), undefined, expression);
            const years = [...namedYears(field)].sort((a, b) => a - b);
            const ahead = years.filter((y) => y >= thisYear);
            const problem = extractScheduleProblem(expression, now);
            const where = `${expression} on ${now.toISOString()}: ${problem ?? "accepted"}`;
            if (ahead.length === 0) {
                kinds.past += 1;
                assert.match(problem ?? "", new RegExp(`^names no year from ${thisYear} on \\(its last is ${years[years.length - 1]}\\): EventBridge never runs it again, `
                    + "and the silence alarms .* would fire for good; write \\* as its year, as in cron\\(0 \\* \\* \\* \\? \\*\\)$"), where);
                assert.equal(extractScheduleProblem("cron(0 * * * ? *)", now), undefined);
            } else {
                kinds[ahead[0] === thisYear ? "spanning" : "future"] += 1;
                // Hourly in every year it names from the present's on: refused only for a year it skips on the way.
                const skips = ahead.some((y, k) => k > 0 && y !== ahead[k - 1]! + 1);
                if (skips) {
                    assert.match(problem ?? "", /^runs \d+ hours apart: .* look back at most seven days/, where);
                } else {
                    assert.equal(problem, undefined, where);
                }
            }
        }
    }
    assert.ok(kinds.past > 100 && kinds.spanning > 50 && kinds.future > 50, JSON.stringify(kinds));
});

test("a crawler's schedule whose years are all past is refused, saying Glue never runs it again and what to write, and one whose years reach the present or later is not (generated year fields, pinned presents)", () => {
    const next = generator(43);
    const kinds = { past: 0, spanning: 0, future: 0 };
    for (const { now, thisYear, fields } of yearFieldsAroundPresents(next)) {
        for (const field of fields) {
            // Once a day, or every few hours: runs Glue takes, on days still to come in every year the field names from now on.
            const [minute, hour] = [String(next(60)), [String(next(24)), `${next(6)}/${1 + next(8)}`][next(2)]!];
            const expression = `cron(${minute} ${hour} * * ? ${field})`;
            assert.equal(glueCronProblem(expression), undefined, expression);
            const years = [...namedYears(field)].sort((a, b) => a - b);
            const problem = crawlerScheduleProblem(expression, now);
            const where = `${expression} on ${now.toISOString()}: ${problem ?? "accepted"}`;
            if (years.every((y) => y < thisYear)) {
                kinds.past += 1;
                const everyYear = `cron(${minute} ${hour} * * ? *)`.replace(/[()*?/]/g, "\\$&");
                assert.match(problem ?? "", new RegExp(`^names no year from ${thisYear} on \\(its last is ${years[years.length - 1]}\\): Glue never runs it again, `
                    + `and the crawler would add no new day's partitions .*; write \\* as its year, as in ${everyYear}$`), where);
            } else {
                kinds[years.includes(thisYear) ? "spanning" : "future"] += 1;
                assert.equal(problem, undefined, where);
            }
        }
    }
    assert.ok(kinds.past > 100 && kinds.spanning > 50 && kinds.future > 50, JSON.stringify(kinds));
});

test("a crawler's schedule Glue refuses is refused for that first, and one with no day left says what else would do", () => {
    const today = new Date(Date.UTC(2026, 11, 5, 22, 30));
    assert.match(crawlerScheduleProblem("cron(0/2 * * * ? 2020)", today) ?? "", /^runs 2 minutes after a run: Glue runs a crawler at most every 5 minutes$/);
    assert.match(crawlerScheduleProblem("rate(1 day)", today) ?? "", /^must be cron\(/);
    assert.match(crawlerScheduleProblem("cron(0 7 30 FEB ? *)", today) ?? "",
        /^has no run from 2026-12-05 22:30 UTC on: Glue never runs it again, .*; give a schedule that runs from now on and repeats, e.g. cron\(0 7 \* \* \? \*\), or "" to run it on demand only$/);
    assert.equal(crawlerScheduleProblem("cron(0 7 * * ? *)", today), undefined);
    assert.equal(crawlerScheduleProblem("cron(30 6 * * ? 2025-2026)", today), undefined);
    assert.match(crawlerScheduleProblem("cron(30 6 * * ? 2025-2026)", new Date(Date.UTC(2027, 0, 1))) ?? "", /^names no year from 2027 on \(its last is 2026\)/);
});

test("an extract schedule whose last run is past is refused, whatever its year, saying from when it has no run; one with a run still to come is not (generated around pinned presents)", () => {
    const next = generator(41);
    const month = (m: number) => ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"][m]!;
    for (let i = 0; i < 120; i++) {
        const now = new Date(Date.UTC(1980 + next(210), next(12), 1 + next(28), next(24), next(60)));
        const thisYear = now.getUTCFullYear();
        const written = now.toISOString().slice(0, 16).replace("T", " ");
        // One run, a minute to a year before or after the present: past, and the schedule is over.
        const offset = [-1, 0, 1, -(1 + next(600_000)), next(600_000)][next(5)]!;
        const run = new Date(now.getTime() + offset * 60_000);
        const once = `cron(${run.getUTCMinutes()} ${run.getUTCHours()} ${run.getUTCDate()} ${month(run.getUTCMonth())} ? ${run.getUTCFullYear()})`;
        const problem = extractScheduleProblem(once, now);
        if (offset < 0) {
            const when = run.getUTCFullYear() < thisYear ? `names no year from ${thisYear} on \\(its last is ${run.getUTCFullYear()}\\)` : `has no run from ${written} UTC on`;
            assert.match(problem ?? "", new RegExp(`^${when}: EventBridge never runs it again, .* give a schedule that runs from now on and repeats, e.g. rate\\(1 hour\\)$`), `${once} on ${written}`);
        } else {
            assert.match(problem ?? "", /^runs on one day at most: /, `${once} on ${written}`);
        }
        // Every day of this year's months before the present's, and never a day that no month has: no run from now on.
        if (now.getUTCMonth() > 0) {
            const over = `cron(0 6 * JAN-${month(now.getUTCMonth() - 1)} ? ${thisYear})`;
            assert.match(extractScheduleProblem(over, now) ?? "", new RegExp(`^has no run from ${written} UTC on: EventBridge never runs it again`), `${over} on ${written}`);
            // The same months of every year: that would do.
            const yearly = `cron(0 6 * JAN-${month(now.getUTCMonth() - 1)} ? *)`;
            assert.match(extractScheduleProblem(over.replace(/ \d+\)$/, ` ${thisYear - 1 - next(5)})`), now) ?? "", /^names no year from/);
            assert.doesNotMatch(extractScheduleProblem(yearly, now) ?? "", /never runs it again/, yearly);
        }
        const rest = `cron(0 6 * ${month(now.getUTCMonth())}-DEC ? ${thisYear})`;
        assert.doesNotMatch(extractScheduleProblem(rest, now) ?? "", /never runs it again/, `${rest} on ${written}`);
    }
    assert.match(extractScheduleProblem("cron(0 6 30 FEB ? *)", new Date(Date.UTC(2026, 11, 5))) ?? "", /^has no run from 2026-12-05 00:00 UTC on: EventBridge never runs it again/);
});

test("on 2026-12-05, cron(0 * * * ? 2020) is refused and cron(0 * * * ? 2025-2026) runs hourly to the year's end; from 2027 on both are refused", () => {
    const today = new Date(Date.UTC(2026, 11, 5, 22, 30));
    assert.match(extractScheduleProblem("cron(0 * * * ? 2020)", today) ?? "", /^names no year from 2026 on \(its last is 2020\): EventBridge never runs it again, .* write \* as its year, as in cron\(0 \* \* \* \? \*\)$/);
    assert.equal(extractScheduleProblem("cron(0 * * * ? 2025-2026)", today), undefined);
    assert.equal(longestGapMinutes("cron(0 * * * ? 2025-2026)", today), 60);
    const nextYear = new Date(Date.UTC(2027, 0, 1));
    assert.match(extractScheduleProblem("cron(0 * * * ? 2025-2026)", nextYear) ?? "", /^names no year from 2027 on \(its last is 2026\)/);
    // Past years before the present's do not count in the gap: the years from now on run hourly.
    assert.equal(extractScheduleProblem("cron(0 * * * ? 2020,2026-2030)", today), undefined);
    assert.equal(extractScheduleProblem("rate(1 hour)", nextYear), undefined);
});
