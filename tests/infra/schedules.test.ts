// Schedule expressions: what EventBridge and Glue accept passes, what they refuse is named before anything is created.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { cronProblem, glueCronProblem, scheduleProblem } from "../../infra/schedules";

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
        "cron(59 23 31 12 ? 2199)", "cron(0 9 ? jan-mar mon-fri *)",
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
