// A failed run of the stack's Glue crawler, or a scheduled run Glue could not start, is an EventBridge event, not a
// metric: a rule sends it to the alarm topic as it is (the crawler's name and errorMessage in its detail). Only Glue's
// events of this stack's crawler match.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The logical name of the rule that sends a failed crawler run to the topic, which Pulumi's physical name starts with. */
export const crawlerFailedRuleName = (alarmsName: string): string => `${alarmsName}-crawler`;

/**
 * The rule, the topic policy that lets EventBridge publish for it, and its target, as children of the alarms component
 * (`parent`, named `name`).
 */
export function routeCrawlerFailures(parent: pulumi.Resource, name: string, topic: aws.sns.Topic, crawlerName: pulumi.Input<string>): void {
    const child = { parent };
    // Named `<namePrefix>-<stack>-alarms-crawler` and Pulumi's suffix, within EventBridge's 64 characters for every
    // namePrefix and stack the config accepts (stackNames.ts, longestNames).
    const crawlerFailed = new aws.cloudwatch.EventRule(crawlerFailedRuleName(name), {
        description: "A run of the stack's Glue crawler failed, or its schedule could not start one",
        eventPattern: pulumi.jsonStringify({
            source: ["aws.glue"],
            $or: [
                { "detail-type": ["Glue Crawler State Change"], detail: { crawlerName: [crawlerName], state: ["Failed"] } },
                // A scheduled crawl that never started (no state: the crawler's name and errorMessage only).
                { "detail-type": ["Glue Scheduled Crawler Invocation Failure"], detail: { crawlerName: [crawlerName] } },
            ],
        }),
    }, child);
    // A topic policy replaces the topic's default one, so its first statement is that default, word for word (the
    // account's own use of the topic, the alarms' notifications included); the second lets EventBridge publish for this
    // rule only.
    const account = topic.arn.apply((arn) => arn.split(":")[4]!);
    const policy = new aws.sns.TopicPolicy(`${name}-policy`, {
        arn: topic.arn,
        policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AccountOwnerDefault",
                    Effect: "Allow",
                    Principal: { AWS: "*" },
                    Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
                        "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
                    Resource: topic.arn,
                    Condition: { StringEquals: { "AWS:SourceOwner": account } },
                },
                {
                    Sid: "CrawlerFailuresFromEventBridge",
                    Effect: "Allow",
                    Principal: { Service: "events.amazonaws.com" },
                    Action: "sns:Publish",
                    Resource: topic.arn,
                    Condition: { ArnEquals: { "aws:SourceArn": crawlerFailed.arn } },
                },
            ],
        }),
    }, child);
    new aws.cloudwatch.EventTarget(`${name}-crawler-failed`, {
        rule: crawlerFailed.name,
        // EventBridge takes 64 characters at most; the logical name and Pulumi's 8 would pass that at the longest stack names.
        targetId: "alarm-topic",
        arn: topic.arn,
    }, { parent, dependsOn: [policy] });
}
