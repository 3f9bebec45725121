// The extract run's clock: an EventBridge schedule rule invoking the extract function, with delivery retries,
// a dead-letter queue for events EventBridge could not deliver, and an invoke permission scoped to the rule.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ScheduleConfig } from "../config";
import type { LambdaFunction } from "./lambdaFunction";

export interface ScheduleArgs {
    readonly config: ScheduleConfig;
    readonly target: LambdaFunction;
}

export class Schedule extends pulumi.ComponentResource {
    readonly rule: aws.cloudwatch.EventRule;
    readonly deadLetterQueue: aws.sqs.Queue;

    constructor(name: string, args: ScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:Schedule", name, {}, opts);
        const child = { parent: this };

        this.rule = new aws.cloudwatch.EventRule(name, {
            description: "Starts a Spotify extraction run",
            scheduleExpression: args.config.expression,
            state: args.config.enabled ? "ENABLED" : "DISABLED",
        }, child);

        this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
            messageRetentionSeconds: 1209600,
            sqsManagedSseEnabled: true,
        }, child);

        // EventBridge sends undeliverable events here only if the queue lets this rule do so.
        const queuePolicy = new aws.sqs.QueuePolicy(`${name}-dlq-policy`, {
            queueUrl: this.deadLetterQueue.url,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{
                    Sid: "ScheduleRuleDeadLetters",
                    Effect: "Allow",
                    Principal: { Service: "events.amazonaws.com" },
                    Action: "sqs:SendMessage",
                    Resource: this.deadLetterQueue.arn,
                    Condition: { ArnEquals: { "aws:SourceArn": this.rule.arn } },
                }],
            }),
        }, child);

        const permission = new aws.lambda.Permission(`${name}-invoke`, {
            action: "lambda:InvokeFunction",
            function: args.target.name,
            principal: "events.amazonaws.com",
            sourceArn: this.rule.arn,
        }, child);

        new aws.cloudwatch.EventTarget(`${name}-target`, {
            rule: this.rule.name,
            // Unique within its rule is all a target id needs; left to Pulumi it would be the logical name and 8 characters.
            targetId: "extract-function",
            arn: args.target.arn,
            retryPolicy: {
                maximumRetryAttempts: args.config.retryAttempts,
                maximumEventAgeInSeconds: args.config.maximumEventAgeSeconds,
            },
            deadLetterConfig: { arn: this.deadLetterQueue.arn },
        }, { parent: this, dependsOn: [permission, queuePolicy] });

        this.registerOutputs({ ruleArn: this.rule.arn, deadLetterQueueUrl: this.deadLetterQueue.url });
    }
}
