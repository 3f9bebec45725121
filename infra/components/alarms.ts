// What tells a person the pipeline needs them: errors and throttles of each function, any message in a dead-letter
// queue, no successful extraction, no recently played extraction or no transform for the longest gap between scheduled
// runs plus two hours (silenceHours: 3 hours on the hourly default, 26 on a daily schedule), Spotify asking for
// re-authorization or its refresh token ending within two weeks, plays Spotify no longer had when a run asked, a
// quarantined raw object, pages whose items this version cannot read, an object the transform left unread, an export
// file it could not import, and a failed run of the Glue crawler. docs/guarantees.md is the runbook. Every alarm
// notifies one SNS topic; an e-mail subscription is optional per stack. An alarm that watches a state notifies when it
// fires and when it clears; a one-off alarm (an event that needs a person once) only when it fires.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { contract } from "../lakeContract";
import { extractScheduleProblem, longestSilenceHours, silenceWindowHours } from "../schedules";
import { routeCrawlerFailures } from "./crawlerFailures";
import type { LambdaFunction } from "./lambdaFunction";

/**
 * What the functions publish and log, which the alarms watch (contract.json, shared with the C# code): the extract
 * function's success metric, the re-authorization and recently-played gap log events the metric filters count, and the
 * transform summary's metrics (an Embedded Metric Format record without dimensions): raw objects transformed, raw
 * objects quarantined, and items skipped as unreadable.
 */
export const metricNamespace = contract.metrics.namespace;

/**
 * The namespace of one stack's metrics: CloudWatch keeps metrics per account and region, so two stacks in one region
 * (dev and production, as the bootstrap sets them up) each publish and watch their own. The functions are given it in
 * their environment (contract.json, "metricsNamespace").
 */
export function stackMetricNamespace(base: string): string {
    return `${metricNamespace}/${base}`;
}
export const extractionSucceededMetric = contract.metrics.extractionSucceeded;
export const recentlyPlayedExtractedMetric = contract.metrics.recentlyPlayedExtracted;
export const reauthorizationRequiredMetric = contract.metrics.reauthorizationRequired;
export const reauthorizationRequiredEvent = contract.logEvents.reauthorizationRequired;
export const reauthorizationDueMetric = contract.metrics.reauthorizationDue;
export const reauthorizationDueEvent = contract.logEvents.reauthorizationDue;
export const authorizedAtUnreadableEvent = contract.logEvents.authorizedAtUnreadable;
export const recentlyPlayedGapMetric = contract.metrics.recentlyPlayedGap;
export const recentlyPlayedGapEvent = contract.logEvents.recentlyPlayedGap;
export const transformedMetric = contract.metrics.transformed;
export const quarantinedMetric = contract.metrics.quarantined;
export const unreadableItemsMetric = contract.metrics.unreadableItems;

/**
 * The hours without a successful extraction, or without a completed transform, after which their alarms fire: the
 * longest gap between two scheduled runs, rounded up to whole hours, plus two hours of slack for the runs' own time and
 * the hourly periods' edges. 3 on the hourly default (and on any shorter rate), 8 on rate(6 hours), 26 on a daily
 * schedule. Spotify keeps only about the last 50 plays, so a stopped extraction must be told within hours, not a day
 * later. A cron schedule's gap is walked over the calendar: 74 hours on cron(0 6 ? * MON-FRI *), whose longest gap is
 * the weekend. CloudWatch looks back at most seven days: the config refuses a schedule whose window would be longer
 * (extractScheduleProblem), and so does this.
 */
export function silenceHours(scheduleExpression: string): number {
    const hours = silenceWindowHours(scheduleExpression);
    if (hours > longestSilenceHours) {
        throw new Error(`extractSchedule ${scheduleExpression} ${extractScheduleProblem(scheduleExpression)}`);
    }
    return hours;
}

/**
 * The hours the re-authorization alarm looks back over: the longest gap between two scheduled runs, rounded up to
 * whole hours, plus an hour for the run's own time. Every run logs the event again until the secret holds a new
 * token, so the alarm holds from one run to the next. Its periods are whole clock hours, so it clears up to these hours
 * plus one after the last run that logged it (the hour that run fell in counts whole). The unread-objects alarm holds
 * the same way, from one transform to the next.
 */
export function reauthorizationHoldHours(scheduleExpression: string): number {
    return silenceHours(scheduleExpression) - 1;
}

export interface AlarmsArgs {
    /** Email for the alarm topic; empty = no subscription. */
    readonly email: string;
    /** Every function, by a short label used in alarm names. */
    readonly functions: Readonly<Record<string, LambdaFunction>>;
    readonly extract: LambdaFunction;
    readonly transform: LambdaFunction;
    /** The extract run's schedule expression (rate or cron): it sets the silence window and how long the re-authorization alarm holds. */
    readonly scheduleExpression: string;
    /** Whether the stack extracts recently played: its plays have a silence alarm of their own. */
    readonly extractsRecentlyPlayed: boolean;
    /** Every dead-letter queue, by a short label used in alarm names. */
    readonly deadLetterQueues: Readonly<Record<string, aws.sqs.Queue>>;
    /** This stack's metric namespace (stackMetricNamespace). */
    readonly metricNamespace: string;
    /** The stack's Glue crawler, when it declares one: a failed run of it notifies the topic. */
    readonly crawlerName?: pulumi.Input<string>;
}

export class Alarms extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly alarms: aws.cloudwatch.MetricAlarm[] = [];

    constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:Alarms", name, {}, opts);
        const child = { parent: this };

        this.topic = new aws.sns.Topic(name, {}, child);
        if (args.email !== "") {
            new aws.sns.TopicSubscription(`${name}-email`, {
                topic: this.topic.arn,
                protocol: "email",
                endpoint: args.email,
            }, child);
        }
        // A state alarm tells when it fires and when it clears.
        const alarm = (alarmName: string, alarmArgs: aws.cloudwatch.MetricAlarmArgs): void => {
            this.alarms.push(new aws.cloudwatch.MetricAlarm(`${name}-${alarmName}`,
                { alarmActions: [this.topic.arn], okActions: [this.topic.arn], ...alarmArgs }, child));
        };
        // A one-off alarm tells only when it fires: the event needs a person once, and the alarm's return to OK five
        // minutes later says nothing about it.
        const oneOffAlarm = (alarmName: string, alarmArgs: aws.cloudwatch.MetricAlarmArgs): void => {
            this.alarms.push(new aws.cloudwatch.MetricAlarm(`${name}-${alarmName}`,
                { alarmActions: [this.topic.arn], ...alarmArgs }, child));
        };

        // Any occurrence in five minutes; no data means nothing happened.
        const anyInFiveMinutes = {
            period: 300,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
        } as const;
        // Any count of one of this stack's metrics without dimensions, told once.
        const countAlarm = (alarmName: string, metricName: string, alarmDescription: string): void => oneOffAlarm(alarmName, {
            alarmDescription,
            namespace: args.metricNamespace,
            metricName,
            statistic: "Sum",
            ...anyInFiveMinutes,
        });

        for (const [label, fn] of Object.entries(args.functions)) {
            for (const metricName of ["Errors", "Throttles"]) {
                alarm(`${label}-${metricName.toLowerCase()}`, {
                    alarmDescription: pulumi.interpolate`${fn.name}: ${metricName} in the last 5 minutes. Logs: /aws/lambda/${fn.name}`,
                    namespace: "AWS/Lambda",
                    metricName,
                    dimensions: { FunctionName: fn.name },
                    statistic: "Sum",
                    ...anyInFiveMinutes,
                });
            }
        }

        for (const [label, queue] of Object.entries(args.deadLetterQueues)) {
            alarm(`${label}-dlq-depth`, {
                alarmDescription: pulumi.interpolate`Dead-letter queue ${queue.name} holds failed events: inspect and replay them.`,
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: queue.name },
                statistic: "Maximum",
                ...anyInFiveMinutes,
            });
        }

        // Hourly periods, all of the silence window's below one success: missing data is breaching, since silence is the
        // failure. The window follows the schedule, so a stopped extraction is told while Spotify still has the plays.
        const silence = silenceHours(args.scheduleExpression);
        const silenceAlarm = (alarmName: string, metricName: string, statistic: "Sum" | "SampleCount", alarmDescription: pulumi.Input<string>,
            dimensions?: aws.cloudwatch.MetricAlarmArgs["dimensions"]): void => alarm(alarmName, {
            alarmDescription,
            namespace: args.metricNamespace,
            metricName,
            dimensions,
            statistic,
            period: 3600,
            evaluationPeriods: silence,
            datapointsToAlarm: silence,
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            treatMissingData: "breaching",
        });
        // The function's name is an Output: its apply puts it into the text (an Output added to a string gives Pulumi's
        // warning instead).
        silenceAlarm("no-successful-extraction", extractionSucceededMetric, "Sum",
            args.extract.name.apply((fn) => `No ${extractionSucceededMetric} from ${fn} in ${silence} hours, `
                + `longer than the schedule (${args.scheduleExpression}) allows: Spotify keeps only about the last 50 plays. `
                + "Runbook: docs/guarantees.md, \"No successful extraction\"."),
            { FunctionName: args.extract.name });

        // Recently played apart: a source that keeps failing (a playlist deleted since it was configured) holds the alarm
        // above raised, and it would say nothing more when recently played, whose plays Spotify forgets after about 50,
        // fails too. Each run whose recently played landed or was unchanged counts it, whatever the other sources did.
        if (args.extractsRecentlyPlayed) {
            silenceAlarm("no-recently-played-extraction", recentlyPlayedExtractedMetric, "Sum",
                args.extract.name.apply((fn) => `No ${recentlyPlayedExtractedMetric} from ${fn} in ${silence} hours: `
                    + "recently played failed or did not run, whatever the other sources did, and Spotify keeps only about the last "
                    + "50 plays. Runbook: docs/guarantees.md, \"No recently played extraction\"."),
                { FunctionName: args.extract.name });
        }

        // Every transform that completes publishes `transformed` (0 when it had nothing to transform), so no sample in the
        // extraction's window means the transform stopped running while extraction may go on: the raw bucket's
        // notification gone, or every invocation failing before its summary.
        silenceAlarm("no-transform", transformedMetric, "SampleCount",
            args.transform.name.apply((fn) => `No transform of ${fn} completed in ${silence} hours: `
                + "the tables are going stale. Runbook: docs/guarantees.md, \"No transform\"."));

        new aws.cloudwatch.LogMetricFilter(`${name}-reauthorization-required`, {
            logGroupName: args.extract.logGroup.name,
            pattern: `{ $.event = "${reauthorizationRequiredEvent}" }`,
            metricTransformation: {
                namespace: args.metricNamespace,
                name: reauthorizationRequiredMetric,
                value: "1",
                unit: "Count",
            },
        }, child);
        // Any event in the hours between two runs: raised while runs keep logging it, cleared (and told) once a whole
        // gap between runs passes without it, that is after the first run with a good token.
        const holdHours = reauthorizationHoldHours(args.scheduleExpression);
        // A state alarm over hourly counts of one of this stack's metrics: raised by any count in the hold, cleared once a
        // whole hold passes without one.
        const heldAlarm = (alarmName: string, metricName: string, alarmDescription: string): void => alarm(alarmName, {
            alarmDescription,
            namespace: args.metricNamespace,
            metricName,
            statistic: "Sum",
            period: 3600,
            evaluationPeriods: holdHours,
            datapointsToAlarm: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
        });
        heldAlarm("reauthorization-required", reauthorizationRequiredMetric,
            "Spotify rejected the refresh token (invalid_grant): run spotify-etl auth login --credentials <file>, then "
                + "aws secretsmanager put-secret-value --region \"$(pulumi config get aws:region)\" "
                + "--secret-id \"$(pulumi stack output spotifySecretArn)\" --secret-string file://<file>. "
                + `Raised while runs keep logging it; clears within ${holdHours + 1} hours of the last run that did. `
                + "Runbook: docs/guarantees.md, \"Spotify re-authorization required\".");

        // The refresh token ends within two weeks (six months after its authorization, the secret's authorized_at), or the
        // secret's authorized_at cannot be read, so that no run can tell: every run logs either until the secret holds a new
        // token, so they are held like the re-authorization alarm, and tell a person while a new login still loses no plays.
        for (const [suffix, event] of [["due", reauthorizationDueEvent], ["unknown", authorizedAtUnreadableEvent]] as const) {
            new aws.cloudwatch.LogMetricFilter(`${name}-reauthorization-${suffix}`, {
                logGroupName: args.extract.logGroup.name,
                pattern: `{ $.event = "${event}" }`,
                metricTransformation: {
                    namespace: args.metricNamespace,
                    name: reauthorizationDueMetric,
                    value: "1",
                    unit: "Count",
                },
            }, child);
        }
        heldAlarm("reauthorization-due", reauthorizationDueMetric,
            `The Spotify refresh token ends within two weeks (six months after it was authorized; the extract log's ${reauthorizationDueEvent} `
                + `line gives the time), or the secret's authorized_at cannot be read (${authorizedAtUnreadableEvent}), so no run can tell: `
                + "log in again, as for reauthorization-required, and put the new file into the secret. "
                + `Raised while runs keep logging it; clears within ${holdHours + 1} hours of the last run that did. `
                + "Runbook: docs/guarantees.md, \"Spotify re-authorization due\".");

        // Plays Spotify no longer had when a run asked: lost to the API, kept in the listener's data export.
        new aws.cloudwatch.LogMetricFilter(`${name}-recently-played-gap`, {
            logGroupName: args.extract.logGroup.name,
            pattern: `{ $.event = "${recentlyPlayedGapEvent}" }`,
            metricTransformation: {
                namespace: args.metricNamespace,
                name: recentlyPlayedGapMetric,
                value: "1",
                unit: "Count",
            },
        }, child);
        countAlarm("recently-played-gap", recentlyPlayedGapMetric,
            "More plays happened between two extractions than Spotify keeps (about 50): some may be missing. Runbook: docs/guarantees.md, \"Plays that may be missing\".");

        // Retrying cannot fix a quarantined object or an unreadable item: each needs a person, once.
        countAlarm("quarantined-objects", quarantinedMetric,
            "The transform quarantined a raw object (quarantine/ in the raw bucket, with a .reason.txt). Runbook: docs/guarantees.md, \"Quarantined objects\".");
        countAlarm("unreadable-items", unreadableItemsMetric,
            "Spotify pages held items of a shape the transform cannot read (skipped, counted as unreadable_items). Runbook: docs/guarantees.md, \"Unreadable items\".");
        // An object the transform could not read at all is a state, not an event: a damaged landed export file is reported
        // again by every transform whose plays reach its months, until it is mended. So the alarm holds like the
        // re-authorization alarm: raised once while transforms keep reporting one, cleared (and told) once a whole gap
        // between runs passes without.
        heldAlarm("unread-objects", contract.metrics.unread,
            "The transform left an object unread: a landed data export file left out of listening_history, or a raw object "
                + "whose quarantine copy could not be written. Raised while transforms keep reporting one; clears within "
                + `${holdHours + 1} hours of the last that did. Runbook: docs/guarantees.md, "Objects left unread".`);
        // An export file the import could not import whole: the upload is read once, so this is told once.
        countAlarm("import-incomplete-files", contract.metrics.importIncompleteFiles,
            "The transform could not import a file of a data export under import/ whole (too large for its temporary storage, deleted or removed before it was read, or its JSON breaks off). Runbook: docs/guarantees.md, \"Export files not imported whole\".");
        // Rows of an imported file that could not be read are left out of listening_history: told once, as the file is read once.
        countAlarm("import-unreadable-rows", contract.metrics.importUnreadableRows,
            "Rows of a data export's files under import/ could not be read and are not in listening_history (the file's warn line gives their reasons). Runbook: docs/guarantees.md, \"Export rows that could not be read\".");

        if (args.crawlerName !== undefined) {
            routeCrawlerFailures(this, name, this.topic, args.crawlerName);
        }

        this.registerOutputs({ topicArn: this.topic.arn });
    }
}
