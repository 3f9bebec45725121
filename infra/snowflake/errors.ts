/**
 * Where Snowflake tells of a load that failed: a pipe skips a file it cannot load (`ON_ERROR = SKIP_FILE`), a task's run
 * fails (a reload task's COPY that skips a file succeeds, so that is not told), and a task that fails ten times in a
 * row suspends itself: none of which the stack's CloudWatch alarms can see.
 * An outbound notification integration publishes each such error to the stack's alarm topic, through a role that may
 * publish to that topic alone. The same handshake as the storage integration: the role's ARN is known before the role
 * exists, so the integration is created first and the role, trusting the integration's IAM user and external id,
 * right after it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as snowflake from "@pulumi/snowflake";
import { snowflakeIdentifier } from "../config";

export interface ErrorNotificationArgs {
    /** The stack's alarm topic, which mails whoever the stack's alarms mail. */
    readonly topicArn: pulumi.Input<string>;
    readonly accountId: pulumi.Input<string>;
    /** The AWS partition of the stack's account (aws, aws-cn, aws-us-gov). */
    readonly partition: pulumi.Input<string>;
    readonly permissionsBoundary?: pulumi.Input<string>;
}

export interface ErrorNotifications {
    readonly integration: snowflake.NotificationIntegration;
    readonly role: aws.iam.Role;
    readonly policy: aws.iam.RolePolicy;
}

export function declareErrorNotifications(name: string, args: ErrorNotificationArgs, inAws: pulumi.CustomResourceOptions,
    inSnowflake: pulumi.CustomResourceOptions): ErrorNotifications {
    const roleName = `${name}-errors`;
    const integration = new snowflake.NotificationIntegration(`${name}-errors`, {
        name: snowflakeIdentifier(`${name}-errors`),
        comment: "Spotify Stack: failed loads of the lake's pipes and tasks, to the stack's alarm topic",
        enabled: true,
        // Outbound: the provider adds the direction itself (its `direction` input is deprecated).
        notificationProvider: "AWS_SNS",
        awsSnsTopicArn: args.topicArn,
        awsSnsRoleArn: pulumi.interpolate`arn:${args.partition}:iam::${args.accountId}:role/${roleName}`,
    }, inSnowflake);

    const role = new aws.iam.Role(`${name}-errors`, {
        name: roleName,
        description: "Assumed by the Snowflake notification integration: publishes failed loads to the alarm topic",
        permissionsBoundary: args.permissionsBoundary,
        assumeRolePolicy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [{
                Sid: "SnowflakeNotificationIntegration",
                Effect: "Allow",
                Principal: { AWS: integration.awsSnsIamUserArn },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:ExternalId": integration.awsSnsExternalId } },
            }],
        }),
    }, inAws);

    const policy = new aws.iam.RolePolicy(`${name}-errors`, {
        role: role.id,
        policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "PublishLoadErrors", Effect: "Allow", Action: ["sns:Publish"], Resource: [args.topicArn] }],
        }),
    }, inAws);

    return { integration, role, policy };
}
