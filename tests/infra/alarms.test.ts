/**
 * What the alarm topic tells a person, per alarm: the Alarms component under Pulumi's mocks, its alarms evaluated as
 * CloudWatch evaluates them (helpers/alarmEvaluation.ts) over a sequence of scheduled runs.
 */
import * as assert from "node:assert/strict";
import { before, describe, test } from "node:test";
// The same module instance the components use (they resolve it from infra/node_modules).
import * as pulumi from "../../infra/node_modules/@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { Alarms } from "../../infra/components/alarms";
import type { LambdaFunction } from "../../infra/components/lambdaFunction";
import { contract } from "../../infra/lakeContract";
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
async function alarmsFor(scheduleExpression: string): Promise<Map<string, AlarmInputs & Record<string, unknown>>> {
    const start = recorded.length;
    const extract = fakeFunction("spotify-test-extract");
    const transform = fakeFunction("spotify-test-transform");
    new Alarms(`alarms-${recorded.length}`, {
        email: "",
        functions: { extract, transform },
        extract,
        transform,
        scheduleExpression,
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
        }
    });

    test("its message gives the command that puts the new credentials into this stack's secret, in the stack's region", async () => {
        const alarm = (await alarmsFor("rate(1 hour)")).get("reauthorization-required")!;
        const description = String(alarm["alarmDescription"]);
        assert.ok(description.length <= 1024, "CloudWatch refuses a description over 1024 characters");
        assert.match(description, /spotify-etl auth login --credentials <file>/);
        assert.match(description, /aws secretsmanager put-secret-value --region "\$\(pulumi config get aws:region\)" --secret-id "\$\(pulumi stack output spotifySecretArn\)" --secret-string file:\/\/<file>/);
    });

    test("with a schedule whose runs depend on the calendar, holds for the extraction's silence window", async () => {
        const alarm = (await alarmsFor("cron(0 6 ? * MON-FRI *)")).get("reauthorization-required")!;
        assert.equal(alarm.period * alarm.evaluationPeriods, 26 * hour);
        assert.equal(alarm.datapointsToAlarm, 1);
    });
});

describe("one-off alarms", () => {
    let alarms: Map<string, AlarmInputs & Record<string, unknown>>;
    before(async () => {
        alarms = await alarmsFor("rate(1 hour)");
    });

    test("a quarantined object, unreadable items and a recently-played gap each tell when they happen, and send no OK when the alarm clears by itself", () => {
        for (const name of ["quarantined-objects", "unreadable-items", "recently-played-gap"]) {
            const alarm = alarms.get(name)!;
            assert.ok(alarm, name);
            const states = alarmStates(alarm, [{ at: 10 * hour + 120, value: 1 }], 0, 20 * hour);
            assert.ok(states.some(([, state]) => state === "ALARM") && states[states.length - 1]![1] === "OK", `${name} does not clear by itself`);
            assert.deepEqual(notifications(alarm, states).map(([, state]) => state), ["ALARM"], name);
        }
    });

    test("a state alarm (a message in a dead-letter queue) tells when it fires and when it clears", () => {
        const alarm = alarms.get("extract-dlq-depth")!;
        const data: Datum[] = [{ at: 10 * hour, value: 1 }, { at: 10 * hour + 300, value: 1 }, { at: 10 * hour + 600, value: 0 }];
        assert.deepEqual(notifications(alarm, alarmStates(alarm, data, 0, 20 * hour)).map(([, state]) => state), ["ALARM", "OK"]);
    });
});

describe("the no-transform alarm", () => {
    test("no transform for 26 hours raises an alarm while extraction goes on succeeding, and a transform of nothing new keeps it quiet", async () => {
        const alarms = await alarmsFor("rate(1 hour)");
        const transformStopped = [...alarms.values()].find((a) => a["metricName"] === contract.metrics.transformed);
        assert.ok(transformStopped, "no alarm watches the transform's transformed metric");
        const extractionStopped = alarms.get("no-successful-extraction")!;
        // Hourly runs for four days, each extraction succeeding; each run's transform publishes transformed (often 0,
        // a run that landed nothing new) until hour 48, when the raw bucket stops notifying the transform.
        const runs = Array.from({ length: 96 }, (_, k) => k * hour + 60);
        const transforms: Datum[] = runs.filter((at) => at < 48 * hour).map((at, k) => ({ at: at + 30, value: k % 3 === 0 ? 2 : 0 }));
        const extractions: Datum[] = runs.map((at) => ({ at: at + 20, value: 1 }));
        const extractionStates = alarmStates(extractionStopped, extractions, 30 * hour, 96 * hour);
        assert.ok(extractionStates.every(([, state]) => state === "OK"), "extraction succeeded every hour");
        const states = alarmStates(transformStopped, transforms, 30 * hour, 96 * hour);
        assert.ok(states.filter(([at]) => at <= 48 * hour).every(([, state]) => state === "OK"), "raised while the transform ran");
        const raised = states.find(([, state]) => state === "ALARM")?.[0];
        assert.ok(raised !== undefined, "never raised once the transform stopped");
        assert.ok(raised > 47 * hour + 26 * hour && raised <= 48 * hour + 26 * hour, `raised ${(raised - 48 * hour) / hour} hours after the last transform`);
        assert.ok(states.filter(([at]) => at >= raised).every(([, state]) => state === "ALARM"), "cleared while the transform stayed silent");
        assert.deepEqual(notifications(transformStopped, states).map(([, state]) => state), ["ALARM"]);
    });
});
