/**
 * What the alarm topic tells a person, per alarm: the Alarms component under Pulumi's mocks, its alarms evaluated as
 * CloudWatch evaluates them (helpers/alarmEvaluation.ts) over a sequence of scheduled runs.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
// The same module instance the components use (they resolve it from infra/node_modules).
import * as pulumi from "../../infra/node_modules/@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { Alarms } from "../../infra/components/alarms";
import type { LambdaFunction } from "../../infra/components/lambdaFunction";
import { contract } from "../../infra/lakeContract";
import { extractScheduleProblem } from "../../infra/schedules";
import { alarmStates, notifications, type AlarmInputs, type Datum } from "./helpers/alarmEvaluation";

const topicArn = "arn:aws:sns:eu-north-1:123456789012:spotify-test-alarms-0a1b2c3";
const recorded: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

pulumi.runtime.setMocks({
    newResource(args) {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const state = { ...(args.inputs as Record<string, unknown>), ...(args.type === "aws:sns/topic:Topic" ? { arn: topicArn } : {}) };
        return { id: `${args.name}-id`, state };
    },
    call: (args) => args.inputs as Record<string, unknown>,
}, "spotify-stack", "test", false);

const fakeFunction = (name: string): LambdaFunction =>
    ({ name: pulumi.output(name), logGroup: { name: pulumi.output(`/aws/lambda/${name}`) } }) as unknown as LambdaFunction;
const fakeQueue = (name: string): aws.sqs.Queue => ({ name: pulumi.output(name) }) as unknown as aws.sqs.Queue;

const hour = 3600;
const day = 24 * hour;

/** Schedules and the start of their k-th run (seconds), written out by hand rather than derived from the expression. */
const schedules: { expression: string; run: (k: number) => number }[] = [
    { expression: "rate(1 hour)", run: (k) => k * hour },
    { expression: "rate(15 minutes)", run: (k) => k * 15 * 60 },
    { expression: "rate(6 hours)", run: (k) => k * 6 * hour },
    { expression: "rate(1 day)", run: (k) => k * day },
    { expression: "cron(0 6 * * ? *)", run: (k) => k * day + 6 * hour },
    { expression: "cron(30 7,19 * * ? *)", run: (k) => Math.floor(k / 2) * day + (k % 2 === 0 ? 7 : 19) * hour + 30 * 60 },
];

/** The alarms a stack with this schedule declares, by the end of their logical name. */
async function alarmsFor(scheduleExpression: string, extractsRecentlyPlayed = true): Promise<Map<string, AlarmInputs & Record<string, unknown>>> {
    const start = recorded.length;
    const extract = fakeFunction("spotify-test-extract");
    const transform = fakeFunction("spotify-test-transform");
    new Alarms(`alarms-${recorded.length}`, {
        email: "",
        functions: { extract, transform },
        extract,
        transform,
        scheduleExpression,
        extractsRecentlyPlayed,
        deadLetterQueues: { extract: fakeQueue("extract-dlq") },
        metricNamespace: "SpotifyStack/spotify-test",
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const alarms = new Map<string, AlarmInputs & Record<string, unknown>>();
    for (const r of recorded.slice(start).filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")) {
        alarms.set(r.name.replace(/^alarms-\d+-/, ""), r.inputs as unknown as AlarmInputs & Record<string, unknown>);
    }
    return alarms;
}

describe("the re-authorization alarm", () => {
    test("tells once when the first run logs it, stays raised while runs keep logging it, and tells OK after the first run without it", async () => {
        for (const { expression, run } of schedules) {
            const alarm = (await alarmsFor(expression)).get("reauthorization-required")!;
            assert.equal(alarm["metricName"], contract.metrics.reauthorizationRequired);
            // Runs 10 to 15 find the token refused and log the event half a minute in; runs 16 on have a new token.
            const data: Datum[] = [10, 11, 12, 13, 14, 15].map((k) => ({ at: run(k) + 30, value: 1 }));
            const sent = notifications(alarm, alarmStates(alarm, data, run(0), run(30)));
            assert.equal(sent.length, 2, `${expression}: ${JSON.stringify(sent)}`);
            const [[raised, first], [cleared, second]] = sent as [[number, string], [number, string]];
            assert.equal(first, "ALARM");
            assert.ok(raised > run(10) && raised <= run(10) + hour, `${expression}: raised ${(raised - run(10)) / hour} hours after the first refused run`);
            assert.equal(second, "OK");
            assert.ok(cleared >= run(16) && cleared <= run(16) + 3 * hour, `${expression}: cleared ${(cleared - run(16)) / hour} hours after the first good run`);
            // The message's promise: cleared within so many hours of the last run that logged it, and no hour later than it takes.
            const promised = Number(/clears within (\d+) hours of the last run that did/.exec(String(alarm["alarmDescription"]))?.[1]);
            assert.equal(Math.ceil((cleared - data[data.length - 1]!.at) / hour), promised,
                `${expression}: cleared ${(cleared - data[data.length - 1]!.at) / hour} hours after the last run that logged it, the message says within ${promised}`);
        }
    });

    test("its message gives the command that puts the new credentials into this stack's secret, in the stack's region", async () => {
        const alarm = (await alarmsFor("rate(1 hour)")).get("reauthorization-required")!;
        const description = String(alarm["alarmDescription"]);
        assert.ok(description.length <= 1024, "CloudWatch refuses a description over 1024 characters");
        assert.match(description, /spotify-etl auth login --credentials <file>/);
        assert.match(description, /aws secretsmanager put-secret-value --region "\$\(pulumi config get aws:region\)" --secret-id "\$\(pulumi stack output spotifySecretArn\)" --secret-string file:\/\/<file>/);
    });

    test("with a weekday-only schedule, holds over the weekend: its longest gap, Friday's run to Monday's, plus an hour", async () => {
        const alarm = (await alarmsFor("cron(0 6 ? * MON-FRI *)")).get("reauthorization-required")!;
        assert.equal(alarm.period * alarm.evaluationPeriods, 73 * hour);
        assert.equal(alarm.datapointsToAlarm, 1);
    });
});

describe("the re-authorization-due alarm", () => {
    test("tells once in the two weeks before the refresh token ends, and OK after the first run with a new one", async () => {
        for (const { expression, run } of schedules) {
            const alarms = await alarmsFor(expression);
            const alarm = alarms.get("reauthorization-due")!;
            assert.equal(alarm["metricName"], contract.metrics.reauthorizationDue);
            // Every run of the notice's two weeks logs the event a few seconds in; the person logs in again after ten days.
            const first = Array.from({ length: 2000 }, (_, k) => k).find((k) => run(k) >= 3 * day)!;
            const loggedIn = run(first) + 10 * day;
            const logging = Array.from({ length: 2000 }, (_, k) => k).filter((k) => k >= first && run(k) < loggedIn);
            const data: Datum[] = logging.map((k) => ({ at: run(k) + 5, value: 1 }));
            const last = data[data.length - 1]!.at;
            const sent = notifications(alarm, alarmStates(alarm, data, run(0), loggedIn + 3 * day));
            assert.deepEqual(sent.map(([, state]) => state), ["ALARM", "OK"], `${expression}: ${JSON.stringify(sent)}`);
            const [[raised], [cleared]] = sent as [[number, string], [number, string]];
            assert.ok(raised > data[0]!.at && raised <= data[0]!.at + hour, `${expression}: raised ${(raised - data[0]!.at) / hour} hours after the first run that logged it`);
            const promised = Number(/clears within (\d+) hours of the last run that did/.exec(String(alarm["alarmDescription"]))?.[1]);
            assert.equal(Math.ceil((cleared - last) / hour), promised,
                `${expression}: cleared ${(cleared - last) / hour} hours after the last run that logged it, the message says within ${promised}`);
            // Apart from the refusal's alarm: a token near its end is not one Spotify refused.
            assert.notEqual(alarms.get("reauthorization-required")!["metricName"], alarm["metricName"]);
        }
    });

    test("counts the extract log's own event, and its message says what to do and by when", async () => {
        const start = recorded.length;
        const alarm = (await alarmsFor("rate(1 hour)")).get("reauthorization-due")!;
        const filters = recorded.slice(start).filter((r) => r.type === "aws:cloudwatch/logMetricFilter:LogMetricFilter")
            .filter((r) => (r.inputs["metricTransformation"] as { name: string }).name === contract.metrics.reauthorizationDue);
        assert.deepEqual(filters.map((f) => f.inputs["pattern"]).sort(),
            [contract.logEvents.reauthorizationDue, contract.logEvents.authorizedAtUnreadable].map((e) => `{ $.event = "${e}" }`).sort());
        assert.ok(filters.every((f) => f.inputs["logGroupName"] === "/aws/lambda/spotify-test-extract"));
        const description = String(alarm["alarmDescription"]);
        assert.ok(description.length <= 1024, "CloudWatch refuses a description over 1024 characters");
        assert.match(description, /ends within two weeks/);
        assert.match(description, new RegExp(contract.logEvents.reauthorizationDue));
        assert.match(description, new RegExp(`authorized_at cannot be read \\(${contract.logEvents.authorizedAtUnreadable}\\)`));
        assert.match(description, /Runbook: docs\/guarantees\.md, "Spotify re-authorization due"/);
    });
});

describe("the unread-objects alarm", () => {
    test("tells once while every transform reports a file left unread, and tells OK once a whole gap between runs passes without one", async () => {
        for (const { expression, run } of schedules) {
            const alarm = (await alarmsFor(expression)).get("unread-objects")!;
            assert.equal(alarm["metricName"], contract.metrics.unread);
            // A damaged landed export file, reported by the transform of every run for ten hours (and at least ten runs)
            // a minute or two after the run starts, until the file is mended.
            const reporting = Array.from({ length: 400 }, (_, k) => k).filter((k) => k >= 10 && (run(k) < run(10) + 10 * hour || k < 20));
            const data: Datum[] = reporting.map((k) => ({ at: run(k) + 60 + (k % 3) * 30, value: 1 }));
            const last = data[data.length - 1]!.at;
            const sent = notifications(alarm, alarmStates(alarm, data, run(0), last + 8 * day));
            assert.deepEqual(sent.map(([, state]) => state), ["ALARM", "OK"], `${expression}: ${JSON.stringify(sent)}`);
            const [[raised], [cleared]] = sent as [[number, string], [number, string]];
            assert.ok(raised > data[0]!.at && raised <= data[0]!.at + hour, `${expression}: raised ${(raised - data[0]!.at) / hour} hours after the first report`);
            const promised = Number(/clears within (\d+) hours of the last that did/.exec(String(alarm["alarmDescription"]))?.[1]);
            assert.equal(Math.ceil((cleared - last) / hour), promised,
                `${expression}: cleared ${(cleared - last) / hour} hours after the last report, the message says within ${promised}`);
        }
    });
});

describe("one-off alarms", () => {
    let alarms: Map<string, AlarmInputs & Record<string, unknown>>;
    before(async () => {
        alarms = await alarmsFor("rate(1 hour)");
    });

    test("every alarm without an OK action tells when its event happens, and sends no OK when the alarm clears by itself", () => {
        const oneOff = [...alarms.entries()].filter(([, alarm]) => (alarm.okActions ?? []).length === 0);
        assert.ok(oneOff.length >= 4, `only ${oneOff.map(([name]) => name).join(", ")}`);
        for (const [name, alarm] of oneOff) {
            const states = alarmStates(alarm, [{ at: 10 * hour + 120, value: 1 }], 0, 20 * hour);
            assert.ok(states.some(([, state]) => state === "ALARM") && states[states.length - 1]![1] === "OK", `${name} does not clear by itself`);
            assert.ok(states.filter(([, state]) => state === "ALARM").length * alarm.period <= 300, `${name} stays raised longer than five minutes`);
            assert.deepEqual(notifications(alarm, states).map(([, state]) => state), ["ALARM"], name);
        }
    });

    test("every other alarm watches a state: it tells when it fires and when it clears", () => {
        // The state alarms docs/guarantees.md lists (function errors and throttles, a dead-letter queue, the silences, the
        // re-authorization, objects left unread): each tells the topic when it clears; every other alarm is one-off.
        const state = ["extract-errors", "extract-throttles", "transform-errors", "transform-throttles", "extract-dlq-depth", "no-successful-extraction",
            "no-recently-played-extraction", "no-transform", "reauthorization-required", "reauthorization-due", "unread-objects"];
        for (const name of state) {
            const alarm = alarms.get(name);
            assert.ok(alarm, `no alarm ${name} among ${[...alarms.keys()].join(", ")}`);
            assert.ok((alarm.alarmActions ?? []).length > 0, name);
            assert.deepEqual(alarm.okActions, alarm.alarmActions, `${name} does not tell when it clears`);
        }
        for (const [name, alarm] of alarms) {
            assert.ok(state.includes(name) || (alarm.okActions ?? []).length === 0, `${name} sends an OK but is no state alarm`);
        }
    });

    test("one failed or throttled invocation of any function raises its alarm within five minutes, and its end tells too", () => {
        // The smallest thing the runbook wants to hear of: a single error (or throttle) in a single minute, as Lambda's
        // metric gives it (one datapoint of 1); an alarm with a threshold of 1, an average, or an hour's period would miss it.
        const raised = [...alarms.entries()].filter(([, alarm]) => alarm["namespace"] === "AWS/Lambda");
        assert.deepEqual(raised.map(([name]) => name).sort(), ["extract-errors", "extract-throttles", "transform-errors", "transform-throttles"]);
        for (const [name, alarm] of raised) for (const at of [10 * hour, 10 * hour + 61, 10 * hour + 299]) {
            const sent = notifications(alarm, alarmStates(alarm, [{ at, value: 1 }], 0, 20 * hour));
            assert.deepEqual(sent.map(([, s]) => s), ["ALARM", "OK"], `${name}: ${JSON.stringify(sent)}`);
            assert.ok(sent[0]![0] - at <= 300, `${name} raised ${sent[0]![0] - at} s after the failure`);
            // Nothing failing is no alarm: no data and zeros stay OK.
            assert.deepEqual(notifications(alarm, alarmStates(alarm, [{ at, value: 0 }], 0, 20 * hour)), [], name);
        }
    });

    test("a state alarm (a message in a dead-letter queue) tells when it fires and when it clears", () => {
        const alarm = alarms.get("extract-dlq-depth")!;
        const data: Datum[] = [{ at: 10 * hour, value: 1 }, { at: 10 * hour + 300, value: 1 }, { at: 10 * hour + 600, value: 0 }];
        assert.deepEqual(notifications(alarm, alarmStates(alarm, data, 0, 20 * hour)).map(([, state]) => state), ["ALARM", "OK"]);
    });

    test("the runbook names each alarm with a runbook section in its class: state alarms clear with an OK, one-off alarms do not", () => {
        const runbook = fs.readFileSync(path.resolve(__dirname, "..", "..", "docs", "guarantees.md"), "utf8").replace(/\s*\n\s*/g, " ");
        const stateList = /An alarm that watches a state \(([^)]+)\)/.exec(runbook)?.[1] ?? "";
        const oneOffList = /The one-off alarms \(([^)]+)\)/.exec(runbook)?.[1] ?? "";
        const heading = (alarm: Record<string, unknown>): string | undefined =>
            /Runbook: docs\/guarantees\.md, "([^"]+)"/.exec(String(alarm["alarmDescription"]))?.[1];
        let named = 0;
        for (const [name, alarm] of alarms) {
            const section = heading(alarm);
            if (section === undefined) {
                continue;
            }
            named += 1;
            const [own, other] = (alarm.okActions ?? []).length > 0 ? [stateList, oneOffList] : [oneOffList, stateList];
            assert.ok(own.toLowerCase().includes(section.toLowerCase()), `${name}: "${section}" is not in its class's list`);
            assert.ok(!other.toLowerCase().includes(section.toLowerCase()), `${name}: "${section}" is in the other class's list`);
        }
        assert.ok(named >= 8, `only ${named} alarms name a runbook section`);
    });
});

/** Schedules, the longest time between two of their runs and the alarms' silence window (that gap rounded up to whole
 *  hours plus two, at least three), and the start of their k-th run (seconds), written out by hand. */
/** The k-th run of a schedule on these weekdays (0 Sunday to 6 Saturday) at this time of day, from 1970-01-01, a Thursday. */
function onWeekdays(weekdays: number[], at: number): (k: number) => number {
    const days = Array.from({ length: 7 * 400 }, (_, d) => d).filter((d) => weekdays.includes((4 + d) % 7));
    return (k) => days[k]! * day + at;
}

const silences: { expression: string; gap: number; windowHours: number; run: (k: number) => number }[] = [
    { expression: "rate(1 hour)", gap: hour, windowHours: 3, run: (k) => k * hour + 50 * 60 },
    { expression: "rate(30 minutes)", gap: 30 * 60, windowHours: 3, run: (k) => k * 30 * 60 + 7 * 60 },
    { expression: "rate(6 hours)", gap: 6 * hour, windowHours: 8, run: (k) => k * 6 * hour + 40 * 60 },
    { expression: "cron(30 7,19 * * ? *)", gap: 12 * hour, windowHours: 14, run: (k) => Math.floor(k / 2) * day + (k % 2 === 0 ? 7 : 19) * hour + 30 * 60 },
    { expression: "cron(0 6 * * ? *)", gap: day, windowHours: 26, run: (k) => k * day + 6 * hour },
    { expression: "rate(1 day)", gap: day, windowHours: 26, run: (k) => k * day + 23 * hour + 50 * 60 },
    { expression: "cron(0 6 ? * MON-FRI *)", gap: 3 * day, windowHours: 74, run: onWeekdays([1, 2, 3, 4, 5], 6 * hour) },
    { expression: "cron(30 6 ? * SUN,WED *)", gap: 4 * day, windowHours: 98, run: onWeekdays([0, 3], 6 * hour + 30 * 60) },
];

/** When the k-th run's extraction succeeds: between 20 seconds and a little over 12 minutes after it starts. */
const succeeded = (run: (k: number) => number, k: number): number => run(k) + 20 + (k % 5) * 3 * 60;
/** When the k-th run's transform completes (transformed 0 for a run that landed nothing new). */
const transformed = (run: (k: number) => number, k: number): Datum => ({ at: succeeded(run, k) + 60, value: k % 3 === 0 ? 2 : 0 });
/** The end of the hourly period holding a time: an alarm with hourly periods looks at whole hours. */
const endOfHour = (at: number): number => Math.ceil(at / hour) * hour;
/** The first run at least this far into the schedule: time for the alarms to have seen a whole window of runs. */
const firstRunAfter = (run: (k: number) => number, at: number): number => {
    let k = 0;
    while (run(k) < at) {
        k++;
    }
    return k;
};

describe("the silence alarms (no successful extraction, no recently played extraction, no transform)", () => {
    test("a stop of extraction raises the alarm once a whole gap between runs went by without a success, within the schedule's window, and a success clears it", async () => {
        for (const { expression, gap, windowHours, run } of silences) {
            const alarm = (await alarmsFor(expression)).get("no-successful-extraction")!;
            assert.equal(alarm["metricName"], contract.metrics.extractionSucceeded);
            // Every run succeeds for four days (at least two windows), then none does for two windows, then they succeed again.
            const stop = firstRunAfter(run, Math.max(4 * day, 2 * windowHours * hour));
            const resume = firstRunAfter(run, succeeded(run, stop - 1) + 2 * windowHours * hour);
            const data: Datum[] = Array.from({ length: resume + 10 }, (_, k) => k)
                .filter((k) => k < stop || k >= resume).map((k) => ({ at: succeeded(run, k), value: 1 }));
            const last = succeeded(run, stop - 1);
            const states = alarmStates(alarm, data, run(0) + (windowHours + 1) * hour, succeeded(run, resume + 9));
            const sent = notifications(alarm, states);
            assert.deepEqual(sent.map(([, state]) => state), ["ALARM", "OK"], `${expression}: ${JSON.stringify(sent)}`);
            const [[raised], [cleared]] = sent as [[number, string], [number, string]];
            assert.ok(raised >= last + gap, `${expression}: raised ${(raised - last) / hour} hours after the last success, before a whole gap between runs`);
            assert.ok(raised <= endOfHour(last) + windowHours * hour,
                `${expression}: raised ${(raised - last) / hour} hours after the last success, not within ${windowHours} whole hours`);
            assert.ok(cleared > succeeded(run, resume) && cleared <= succeeded(run, resume) + hour,
                `${expression}: cleared ${(cleared - succeeded(run, resume)) / hour} hours after the first success again`);
            assert.equal(alarm.period * alarm.evaluationPeriods, windowHours * hour, expression);
            assert.match(String(alarm["alarmDescription"]), new RegExp(` in ${windowHours} hours\\b`), expression);
        }
    });

    test("success on every scheduled run never raises either alarm, however long a run takes within its budget", async () => {
        for (const { expression, windowHours, run } of silences) {
            const alarms = await alarmsFor(expression);
            const runs = Array.from({ length: firstRunAfter(run, 14 * day) }, (_, k) => k);
            for (const [name, data] of [
                ["no-successful-extraction", runs.map((k) => ({ at: succeeded(run, k), value: 1 }))],
                ["no-transform", runs.map((k) => transformed(run, k))],
            ] as const) {
                const states = alarmStates(alarms.get(name)!, data, run(0) + (windowHours + 1) * hour, run(runs.length - 1));
                assert.deepEqual(states.filter(([, state]) => state === "ALARM").map(([at]) => at / hour), [], `${expression}: ${name}`);
            }
        }
    });

    test("a stop of the transform while extraction goes on succeeding raises the no-transform alarm within the schedule's window, and a transform of nothing new keeps it quiet", async () => {
        for (const { expression, gap, windowHours, run } of silences) {
            const alarms = await alarmsFor(expression);
            const transformStopped = [...alarms.values()].find((a) => a["metricName"] === contract.metrics.transformed);
            assert.ok(transformStopped, "no alarm watches the transform's transformed metric");
            // Each run's transform publishes transformed (often 0) until the raw bucket stops notifying it.
            const stop = firstRunAfter(run, Math.max(4 * day, 2 * windowHours * hour));
            const end = firstRunAfter(run, run(stop) + 3 * windowHours * hour);
            const runs = Array.from({ length: end }, (_, k) => k);
            const from = run(0) + (windowHours + 1) * hour;
            const extractionStates = alarmStates(alarms.get("no-successful-extraction")!, runs.map((k) => ({ at: succeeded(run, k), value: 1 })), from, run(end - 1));
            assert.ok(extractionStates.every(([, state]) => state === "OK"), `${expression}: extraction succeeded every run`);
            const last = transformed(run, stop - 1).at;
            const states = alarmStates(transformStopped, runs.filter((k) => k < stop).map((k) => transformed(run, k)), from, run(end - 1));
            const raised = states.find(([, state]) => state === "ALARM")?.[0];
            assert.ok(raised !== undefined, `${expression}: never raised once the transform stopped`);
            assert.ok(raised >= last + gap && raised <= endOfHour(last) + windowHours * hour,
                `${expression}: raised ${(raised - last) / hour} hours after the last transform`);
            assert.ok(states.filter(([at]) => at >= raised).every(([, state]) => state === "ALARM"), `${expression}: cleared while the transform stayed silent`);
            assert.deepEqual(notifications(transformStopped, states).map(([, state]) => state), ["ALARM"], expression);
            assert.equal(transformStopped.period * transformStopped.evaluationPeriods, windowHours * hour, expression);
            assert.match(String(transformStopped["alarmDescription"]), new RegExp(` in ${windowHours} hours\\b`), expression);
        }
    });

    test("a source that keeps failing holds the extraction's alarm raised, and recently played failing later raises its own alarm, cleared once it lands again", async () => {
        for (const { expression, gap, windowHours, run } of silences) {
            const alarms = await alarmsFor(expression);
            const extraction = alarms.get("no-successful-extraction")!;
            const recent = alarms.get("no-recently-played-extraction")!;
            assert.equal(recent["metricName"], contract.metrics.recentlyPlayedExtracted);
            assert.equal(recent.period * recent.evaluationPeriods, windowHours * hour, expression);
            // A playlist deleted from Spotify fails every run from the first window on; recently played lands every run
            // until two windows later, fails for two windows, then lands again.
            const broken = firstRunAfter(run, Math.max(2 * day, 2 * windowHours * hour));
            const stop = firstRunAfter(run, run(broken) + 2 * windowHours * hour);
            const resume = firstRunAfter(run, succeeded(run, stop - 1) + 2 * windowHours * hour);
            const end = resume + 10;
            const runs = Array.from({ length: end }, (_, k) => k);
            const from = run(0) + (windowHours + 1) * hour;
            const extractionSent = notifications(extraction, alarmStates(extraction,
                runs.filter((k) => k < broken).map((k) => ({ at: succeeded(run, k), value: 1 })), from, succeeded(run, end - 1)));
            assert.deepEqual(extractionSent.map(([, state]) => state), ["ALARM"], `${expression}: the run's alarm tells once and stays raised`);
            const recentSent = notifications(recent, alarmStates(recent,
                runs.filter((k) => k < stop || k >= resume).map((k) => ({ at: succeeded(run, k), value: 1 })), from, succeeded(run, end - 1)));
            assert.deepEqual(recentSent.map(([, state]) => state), ["ALARM", "OK"], `${expression}: ${JSON.stringify(recentSent)}`);
            const [[raised], [cleared]] = recentSent as [[number, string], [number, string]];
            const last = succeeded(run, stop - 1);
            assert.ok(raised >= last + gap && raised <= endOfHour(last) + windowHours * hour,
                `${expression}: raised ${(raised - last) / hour} hours after recently played last landed`);
            assert.ok(raised > extractionSent[0]![0], `${expression}: told after the run's alarm, which could not tell it`);
            assert.ok(cleared > succeeded(run, resume) && cleared <= succeeded(run, resume) + hour, `${expression}: cleared once it landed again`);
        }
    });

    test("a stack that does not extract recently played has no alarm for it, which would be raised for good", async () => {
        assert.ok((await alarmsFor("rate(1 hour)", true)).has("no-recently-played-extraction"));
        const without = await alarmsFor("rate(1 hour)", false);
        assert.ok(!without.has("no-recently-played-extraction"));
        assert.ok(without.has("no-successful-extraction"));
    });

    test("with a weekday-only schedule, both wait for the weekend and two hours", async () => {
        const alarms = await alarmsFor("cron(0 6 ? * MON-FRI *)");
        for (const name of ["no-successful-extraction", "no-transform"]) {
            const alarm = alarms.get(name)!;
            assert.equal(alarm.period, hour, name);
            assert.equal(alarm.evaluationPeriods, 74, name);
            assert.equal(alarm.datapointsToAlarm, 74, name);
        }
    });

    test("a schedule with runs further apart than the silence alarms can look back is refused, saying they look back at most seven days", async () => {
        // 166 hours between runs and two of slack: the seven days CloudWatch evaluates.
        assert.equal(extractScheduleProblem("rate(166 hours)"), undefined);
        const longest = await alarmsFor("rate(166 hours)");
        for (const name of ["no-successful-extraction", "no-transform"]) {
            assert.equal(longest.get(name)!.period * longest.get(name)!.evaluationPeriods, 7 * day, name);
        }
        for (const expression of ["rate(167 hours)", "rate(7 days)", "rate(8 days)", "rate(30 days)", "cron(0 6 ? * MON *)",
            "cron(0 6 1 * ? *)", "cron(0 12 L * ? *)", "cron(0 10 ? * 6#3 *)", "cron(0 8 15W * ? *)", "cron(0 18 ? * 6L *)", "cron(0 6 * * ? 2027/2)"]) {
            assert.match(extractScheduleProblem(expression) ?? "", /the silence alarms .* look back at most seven days/, expression);
            await assert.rejects(alarmsFor(expression), /look back at most seven days/, expression);
        }
        // Days of a year still to come: a schedule is judged from the present on.
        const nextYear = new Date().getUTCFullYear() + 1;
        for (const expression of [`cron(0 0 1 JAN ? ${nextYear})`, `cron(0,30 9 25 DEC ? ${nextYear})`]) {
            assert.match(extractScheduleProblem(expression) ?? "", /runs on one day at most: .* give a schedule that repeats/, expression);
            await assert.rejects(alarmsFor(expression), /runs on one day at most/, expression);
        }
    });

    test("a schedule with no run from now on is refused, saying EventBridge never runs it again, and one that runs from now on hourly gets the hourly windows", async () => {
        const thisYear = new Date().getUTCFullYear();
        for (const expression of [`cron(0 * * * ? ${thisYear - 1})`, `cron(0 * * * ? 2020-${thisYear - 1})`, `cron(0 * * * ? 1970-${thisYear - 1}/3)`,
            `cron(0 6 * * ? ${thisYear - 6},${thisYear - 2})`, `cron(0 6 ? * MON-FRI ${thisYear - 1})`]) {
            assert.match(extractScheduleProblem(expression) ?? "", new RegExp(`^names no year from ${thisYear} on .*: EventBridge never runs it again, .* would fire for good`), expression);
            await assert.rejects(alarmsFor(expression), /EventBridge never runs it again/, expression);
        }
        for (const expression of [`cron(0 * * * ? 2020-${thisYear + 1})`, `cron(0 * * * ? ${thisYear + 1}-2199)`]) {
            assert.equal(extractScheduleProblem(expression), undefined, expression);
            const alarms = await alarmsFor(expression);
            assert.equal(alarms.get("no-successful-extraction")!.evaluationPeriods, 3, expression);
        }
    });
});

test("every alarm description that names a runbook names a heading of docs/guarantees.md", async () => {
    const runbook = fs.readFileSync(path.resolve(__dirname, "..", "..", "docs", "guarantees.md"), "utf8");
    const headings = new Set([...runbook.matchAll(/^### (.+?)(?: \(.*\))?$/gm)].map((m) => m[1]!));
    const named = [...(await alarmsFor("rate(1 hour)")).entries()]
        .map(([name, alarm]) => [name, /Runbook: docs\/guarantees\.md, "([^"]+)"/.exec(String(alarm["alarmDescription"]))?.[1]] as const);
    for (const name of ["no-successful-extraction", "no-transform", "reauthorization-required", "reauthorization-due", "quarantined-objects"]) {
        assert.ok(named.some(([n, heading]) => n === name && heading !== undefined), `${name} names no runbook`);
    }
    assert.deepEqual(named.filter(([, heading]) => heading !== undefined && !headings.has(heading)), []);
});
