// The alarms on the functions' metrics, and the dashboard that shows them.
// Registered by describeStackInvariants against each stack's recorded resources.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { fakeAccountId, repoRoot } from "./stackHarness";
import { contract } from "../../../infra/lakeContract";
import { decideByResourcePolicy } from "./iamSimulation";
import { Stack, types } from "./stackQueries";
import { publishedMetrics, stackNamespace } from "./stackFacts";

export function describeAlarmInvariants(current: () => Stack): void {
    let stack: Stack;
    before(() => {
        stack = current();
    });

    describe("alarms", () => {
        // The hours of silence each schedule a stack here uses allows, written out: its longest gap between runs rounded
        // up to whole hours, plus two (3 on the hourly default, 26 on a daily schedule).
        const silenceHoursBySchedule: Readonly<Record<string, number>> = { "rate(1 hour)": 3, "rate(6 hours)": 8, "rate(1 day)": 26 };
        const silenceHours = (): number => {
            const expression = String(stack.one(types.rule, (r) => r.inputs["scheduleExpression"] !== undefined).inputs["scheduleExpression"]);
            const hours = silenceHoursBySchedule[expression];
            assert.ok(hours !== undefined, `no silence window written out for ${expression}`);
            return hours;
        };
        const alarmsOn = (metric: string, dimension: string, value: unknown) =>
            stack.all(types.alarm).filter((a) => a.inputs["metricName"] === metric
                && (a.inputs["dimensions"] as Record<string, unknown> | undefined)?.[dimension] === value);

        test("errors and throttles of every function raise an alarm", () => {
            for (const fn of stack.all(types.function)) {
                for (const metric of ["Errors", "Throttles"]) {
                    const alarms = alarmsOn(metric, "FunctionName", fn.inputs["name"]);
                    assert.equal(alarms.length, 1, `${fn.name} ${metric}`);
                    const a = alarms[0]!.inputs;
                    assert.equal(a["namespace"], "AWS/Lambda");
                    // One failed invocation in five minutes is enough (tests/infra/alarms.test.ts evaluates it).
                    assert.deepEqual([a["statistic"], a["comparisonOperator"], a["threshold"], a["period"], a["evaluationPeriods"]],
                        ["Sum", "GreaterThanThreshold", 0, 300, 1], `${fn.name} ${metric}`);
                }
            }
        });

        test("a message in any dead-letter queue raises an alarm", () => {
            for (const queue of stack.all(types.queue)) {
                const alarms = alarmsOn("ApproximateNumberOfMessagesVisible", "QueueName", queue.state["name"]);
                assert.equal(alarms.length, 1, queue.name);
                assert.equal(alarms[0]!.inputs["threshold"], 0);
                assert.equal(alarms[0]!.inputs["comparisonOperator"], "GreaterThanThreshold");
            }
        });

        test("no ExtractionSucceeded from extract for the schedule's longest gap plus two hours raises an alarm, silence counting as failure", () => {
            const extract = stack.functionNamed("extract");
            const alarm = alarmsOn("ExtractionSucceeded", "FunctionName", extract.inputs["name"]);
            assert.equal(alarm.length, 1);
            const a = alarm[0]!.inputs;
            assert.equal(a["namespace"], stackNamespace(stack));
            assert.equal(a["treatMissingData"], "breaching");
            assert.equal(a["period"], 3600);
            assert.equal(a["evaluationPeriods"], silenceHours());
            assert.equal(a["datapointsToAlarm"], a["evaluationPeriods"]);
            assert.equal(a["comparisonOperator"], "LessThanThreshold");
            assert.equal(a["threshold"], 1);
        });

        test("no transform completed for the schedule's longest gap plus two hours raises an alarm, silence counting as failure", () => {
            const alarms = stack.all(types.alarm).filter((a) => a.inputs["metricName"] === contract.metrics.transformed);
            assert.equal(alarms.length, 1);
            const a = alarms[0]!.inputs;
            assert.equal(a["namespace"], stackNamespace(stack));
            // The transform's EMF line has no dimensions; every completed transform is one sample, 0 transformed included.
            assert.equal(a["dimensions"], undefined);
            assert.equal(a["statistic"], "SampleCount");
            assert.equal(a["treatMissingData"], "breaching");
            assert.equal(a["period"], 3600);
            assert.equal(a["evaluationPeriods"], silenceHours());
            assert.equal(a["datapointsToAlarm"], a["evaluationPeriods"]);
            assert.equal(a["comparisonOperator"], "LessThanThreshold");
            assert.equal(a["threshold"], 1);
        });

        // An event extract logs for a person is counted by one filter on extract's log group, and the count raises one alarm.
        const assertLogEventAlarm = (event: string): void => {
            const extract = stack.functionNamed("extract");
            const filters = stack.all(types.metricFilter).filter((f) => String(f.inputs["pattern"]) === `{ $.event = "${event}" }`);
            assert.equal(filters.length, 1, event);
            assert.equal(filters[0]!.inputs["logGroupName"], `/aws/lambda/${String(extract.inputs["name"])}`);
            const transformation = filters[0]!.inputs["metricTransformation"] as { namespace: string; name: string };
            const alarms = stack.all(types.alarm).filter((a) => a.inputs["metricName"] === transformation.name && a.inputs["namespace"] === transformation.namespace);
            assert.equal(alarms.length, 1, event);
            assert.equal(alarms[0]!.inputs["treatMissingData"], "notBreaching");
        };

        test("a Spotify re-authorization request in extract's logs raises an alarm", () => {
            assertLogEventAlarm(contract.logEvents.reauthorizationRequired);
        });

        test("a refresh token near its end in extract's logs raises an alarm", () => {
            assertLogEventAlarm(contract.logEvents.reauthorizationDue);
        });

        test("a secret whose authorized_at cannot be read, in extract's logs, raises the same alarm as a token near its end", () => {
            assertLogEventAlarm(contract.logEvents.authorizedAtUnreadable);
            const metric = (event: string) => (stack.all(types.metricFilter).find((f) => String(f.inputs["pattern"]) === `{ $.event = "${event}" }`)!
                .inputs["metricTransformation"] as { name: string }).name;
            assert.equal(metric(contract.logEvents.authorizedAtUnreadable), metric(contract.logEvents.reauthorizationDue));
        });

        test("plays Spotify no longer had when extract asked (a recently-played gap) raise an alarm", () => {
            assertLogEventAlarm(contract.logEvents.recentlyPlayedGap);
        });

        test("what the transform set aside or left out (a quarantined object, unreadable items, an object left unread, an export file not imported whole, export rows it could not read) raises an alarm, silence not breaching, naming its runbook section", () => {
            const runbook = fs.readFileSync(path.join(repoRoot, "docs", "guarantees.md"), "utf8");
            for (const metric of ["quarantined", "unreadable_items", "unread", "import_incomplete_files", "import_unreadable_rows"]) {
                const alarms = stack.all(types.alarm).filter((a) => a.inputs["metricName"] === metric);
                assert.equal(alarms.length, 1, metric);
                const a = alarms[0]!.inputs;
                assert.equal(a["namespace"], stackNamespace(stack));
                // The transform's EMF line has no dimensions: an alarm with any would watch a metric nobody publishes.
                assert.equal(a["dimensions"], undefined, metric);
                assert.equal(a["statistic"], "Sum");
                assert.equal(a["threshold"], 0);
                assert.equal(a["comparisonOperator"], "GreaterThanThreshold");
                assert.equal(a["treatMissingData"], "notBreaching");
                const section = /docs\/guarantees\.md, "([^"]+)"/.exec(String(a["alarmDescription"]))?.[1];
                assert.ok(section !== undefined, `${metric}: the alarm names no runbook section`);
                assert.match(runbook, new RegExp(`^### ${section} \\(\`${metric}\` > 0\\)$`, "m"), `no runbook section "${section}"`);
            }
        });

        test("every metric an alarm watches outside AWS's namespaces is in the stack's own and one a function publishes", () => {
            const published = publishedMetrics(stack);
            assert.deepEqual(stack.all(types.alarm).filter((a) => !String(a.inputs["namespace"]).startsWith("AWS/")
                && a.inputs["namespace"] !== stackNamespace(stack)).map((a) => a.name), []);
            const watched = stack.all(types.alarm).filter((a) => a.inputs["namespace"] === stackNamespace(stack));
            assert.ok(watched.length >= 4);
            for (const alarm of watched) {
                assert.ok(published.has(String(alarm.inputs["metricName"])), `${alarm.name} watches ${String(alarm.inputs["metricName"])}, which no function publishes`);
            }
        });

        test("a failed run of the stack's Glue crawler, or a scheduled one that never started, notifies the alarm topic, which lets EventBridge publish for that rule only", async () => {
            const crawler = stack.one("aws:glue/crawler:Crawler");
            const topic = stack.one(types.topic);
            const rule = stack.one(types.rule, (r) => r.inputs["eventPattern"] !== undefined);
            // Glue's two events of a crawler that did not crawl, as AWS Glue's EventBridge documentation names them.
            assert.deepEqual(JSON.parse(String(rule.inputs["eventPattern"])), {
                source: ["aws.glue"],
                $or: [
                    { "detail-type": ["Glue Crawler State Change"], detail: { crawlerName: [crawler.state["name"]], state: ["Failed"] } },
                    { "detail-type": ["Glue Scheduled Crawler Invocation Failure"], detail: { crawlerName: [crawler.state["name"]] } },
                ],
            });
            const target = stack.one(types.target, (t) => t.inputs["rule"] === rule.state["name"]);
            assert.equal(target.inputs["arn"], topic.state["arn"]);
            const topicPolicy = stack.one(types.topicPolicy);
            assert.equal(topicPolicy.inputs["arn"], topic.state["arn"]);
            assert.ok(stack.dependsOn(target, topicPolicy), "the target is created before the topic lets the rule publish");
            const policy = stack.policy(topicPolicy);
            const publish = (context: Record<string, string>) => ({ action: "sns:Publish", resource: String(topic.state["arn"]), context });
            assert.equal(await decideByResourcePolicy("events.amazonaws.com", policy, publish({ "aws:SourceArn": String(rule.state["arn"]) })), "Allowed");
            const otherRule = String(rule.state["arn"]).replace(/rule\/.*$/, "rule/someone-elses-rule");
            assert.notEqual(await decideByResourcePolicy("events.amazonaws.com", policy, publish({ "aws:SourceArn": otherRule })), "Allowed");
            assert.notEqual(await decideByResourcePolicy("arn:aws:iam::999988887777:root", policy, publish({})), "Allowed", "another account publishes");
            // The alarms' notifications: the account's own use of the topic, which AWS's default policy grants, is kept.
            assert.equal(await decideByResourcePolicy("cloudwatch.amazonaws.com", policy, publish({ "AWS:SourceOwner": fakeAccountId })), "Allowed");
        });

        test("every alarm notifies the alarm topic", () => {
            const topic = stack.one(types.topic);
            for (const alarm of stack.all(types.alarm)) {
                assert.deepEqual(alarm.inputs["alarmActions"], [topic.state["arn"]], alarm.name);
            }
        });
    });

    describe("dashboard", () => {
        type Widget = { type: string; properties: { title: string; metrics?: unknown[][]; query?: string } };
        const widgets = (): Widget[] => (JSON.parse(String(stack.one(types.dashboard).inputs["dashboardBody"])) as { widgets: Widget[] }).widgets;
        const metricLines = (): unknown[][] => widgets().flatMap((w) => w.properties.metrics ?? []);

        test("the dashboard's name holds the stack's region: dashboard names are one namespace per account, so a stack of the same name in another region keeps its own", () => {
            const region = stack.run.config["aws:region"];
            assert.ok(region, "the stack sets aws:region");
            const name = String(stack.one(types.dashboard).inputs["dashboardName"]);
            assert.ok(name.endsWith(`-${region}`), name);
        });

        test("one dashboard shows runs, Spotify requests, items, quarantined and unreadable items, durations and errors", () => {
            const titles = widgets().map((w) => w.properties.title.toLowerCase()).join(" | ");
            for (const subject of ["runs", "requests to spotify", "items", "quarantined", "unreadable", "durations", "errors"]) {
                assert.match(titles, new RegExp(subject), `no widget about ${subject}`);
            }
            const lines = metricLines();
            for (const fn of stack.all(types.function)) {
                for (const metric of ["Invocations", "Duration", "Errors"]) {
                    assert.ok(lines.some((l) => l[0] === "AWS/Lambda" && l[1] === metric && l[3] === fn.inputs["name"]), `${fn.name}: no ${metric}`);
                }
            }
            for (const queue of stack.all(types.queue)) {
                assert.ok(lines.some((l) => l[1] === "ApproximateNumberOfMessagesVisible" && l[3] === queue.state["name"]), `${queue.name}: no depth`);
            }
        });

        test("every metric of the stack's namespace on the dashboard is one a function publishes, and no other namespace of ours is shown", () => {
            const published = publishedMetrics(stack);
            assert.deepEqual(metricLines().filter((l) => !String(l[0]).startsWith("AWS/") && l[0] !== stackNamespace(stack)).map((l) => l[0]), []);
            const shown = metricLines().filter((l) => l[0] === stackNamespace(stack)).map((l) => String(l[1]));
            assert.deepEqual(new Set(shown), published);
        });

        test("the request and item widgets query the extract function's per-source log lines", () => {
            const extract = stack.functionNamed("extract");
            const queries = widgets().filter((w) => w.type === "log").map((w) => w.properties.query ?? "");
            assert.equal(queries.length, 2);
            for (const query of queries) {
                assert.ok(query.startsWith(`SOURCE '/aws/lambda/${String(extract.inputs["name"])}'`), query);
                assert.match(query, /event = 'source_extracted'/);
            }
            assert.ok(queries.some((q) => q.includes("sum(requests)")));
            assert.ok(queries.some((q) => q.includes("sum(items)")));
            // The fields the queries sum are the ones the extractor logs (SourceLogLine, snake_case).
            const logLine = fs.readFileSync(path.join(repoRoot, "functions", "SpotifyEtl.Core", "Spotify", "ExtractionManifest.cs"), "utf8");
            const record = /record SourceLogLine\(([\s\S]*?)\);/.exec(logLine)?.[1] ?? "";
            for (const field of ["Requests", "NotModified", "Items", "Pages"]) {
                assert.match(record, new RegExp(`\\b${field}\\b`), `SourceLogLine has no ${field}`);
            }
        });
    });

}
