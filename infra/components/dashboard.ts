// One CloudWatch dashboard of the pipeline: runs, Spotify requests and items per run, what the
// transform made of them (transformed, quarantined, left unread, unreadable items, export files and rows not imported),
// durations, and errors.
// Metrics come from Lambda itself and from the functions' Embedded Metric Format lines; the counts the
// extract function only logs (requests, items per source) are summed by Logs Insights widgets.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    extractionSucceededMetric,
    recentlyPlayedExtractedMetric,
    quarantinedMetric,
    reauthorizationDueMetric,
    reauthorizationRequiredMetric,
    recentlyPlayedGapMetric,
    transformedMetric,
    unreadableItemsMetric,
} from "./alarms";
import { contract } from "../lakeContract";
import type { LambdaFunction } from "./lambdaFunction";

export interface DashboardArgs {
    readonly region: string;
    readonly extract: LambdaFunction;
    readonly transform: LambdaFunction;
    /** This stack's metric namespace (stackMetricNamespace). */
    readonly metricNamespace: string;
    /** Every dead-letter queue, by a short label used in the widget's legend. */
    readonly deadLetterQueues: Readonly<Record<string, { readonly name: pulumi.Input<string> }>>;
}

/** The `event` of the extract function's one JSON line per source (SpotifyExtractor.cs). */
export const sourceExtractedEvent = "source_extracted";

type MetricLine = (string | Record<string, unknown>)[];

export class Dashboard extends pulumi.ComponentResource {
    readonly dashboard: aws.cloudwatch.Dashboard;

    constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:Dashboard", name, {}, opts);

        const queues = Object.entries(args.deadLetterQueues).map(([label, queue]) =>
            pulumi.output(queue.name).apply((queueName) => ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queueName, { label: `${label} dead-letter queue`, stat: "Maximum" }]));

        const body = pulumi.all([args.extract.name, args.transform.name, args.extract.logGroup.name, pulumi.all(queues)])
            .apply(([extract, transform, extractLogs, queueLines]) => {
                const metric = (title: string, metrics: MetricLine[], stat = "Sum", x = 0, y = 0) => ({
                    type: "metric", x, y, width: 12, height: 6,
                    properties: { title, region: args.region, stat, period: 3600, view: "timeSeries", metrics },
                });
                const logs = (title: string, query: string, x = 0, y = 0) => ({
                    type: "log", x, y, width: 12, height: 6,
                    properties: { title, region: args.region, view: "timeSeries", query: `SOURCE '${extractLogs}' | ${query}` },
                });
                const lambda = (metricName: string, fn: string, label: string, stat?: string): MetricLine =>
                    ["AWS/Lambda", metricName, "FunctionName", fn, stat ? { label, stat } : { label }];
                return JSON.stringify({
                    widgets: [
                        metric("Runs", [
                            lambda("Invocations", extract, "extract invocations"),
                            [args.metricNamespace, extractionSucceededMetric, "FunctionName", extract, { label: "successful extractions" }],
                            [args.metricNamespace, recentlyPlayedExtractedMetric, "FunctionName", extract, { label: "recently played extracted" }],
                            lambda("Invocations", transform, "transform invocations"),
                        ], "Sum", 0, 0),
                        logs("Requests to Spotify",
                            `filter event = '${sourceExtractedEvent}' | stats sum(requests) as requests, sum(not_modified) as not_modified by bin(1h)`, 12, 0),
                        logs("Items extracted",
                            `filter event = '${sourceExtractedEvent}' | stats sum(items) as items, sum(pages) as pages by bin(1h)`, 0, 6),
                        metric("Objects transformed, quarantined, left unread; unreadable items; export files and rows not imported", [
                            [args.metricNamespace, transformedMetric, { label: "transformed" }],
                            [args.metricNamespace, quarantinedMetric, { label: "quarantined" }],
                            [args.metricNamespace, unreadableItemsMetric, { label: "unreadable items" }],
                            [args.metricNamespace, contract.metrics.unread, { label: "objects left unread" }],
                            [args.metricNamespace, contract.metrics.importIncompleteFiles, { label: "export files not imported whole" }],
                            [args.metricNamespace, contract.metrics.importUnreadableRows, { label: "unreadable export rows" }],
                        ], "Sum", 12, 6),
                        metric("Durations (ms, p50 and maximum)", [
                            lambda("Duration", extract, "extract p50", "p50"),
                            lambda("Duration", extract, "extract maximum", "Maximum"),
                            lambda("Duration", transform, "transform p50", "p50"),
                            lambda("Duration", transform, "transform maximum", "Maximum"),
                        ], "Maximum", 0, 12),
                        metric("Errors", [
                            lambda("Errors", extract, "extract errors"),
                            lambda("Throttles", extract, "extract throttles"),
                            lambda("Errors", transform, "transform errors"),
                            lambda("Throttles", transform, "transform throttles"),
                            [args.metricNamespace, reauthorizationDueMetric, { label: "re-authorization due (token ends within two weeks)" }],
                            [args.metricNamespace, reauthorizationRequiredMetric, { label: "re-authorization required" }],
                            [args.metricNamespace, recentlyPlayedGapMetric, { label: "plays Spotify no longer had" }],
                            ...queueLines,
                        ], "Sum", 12, 12),
                    ],
                });
            });

        // Dashboard names are one namespace per account, whatever the region: a stack of the same name in another
        // region would otherwise overwrite this one, and its destroy delete it.
        this.dashboard = new aws.cloudwatch.Dashboard(name, { dashboardName: `${name}-${args.region}`, dashboardBody: body }, { parent: this });
        this.registerOutputs({ dashboardName: this.dashboard.dashboardName });
    }
}
