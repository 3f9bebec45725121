// Small, named questions about a recorded stack, so the invariant tests read like the invariants.
import * as assert from "node:assert/strict";
import type { RecordedResource, StackRun } from "./stackHarness";
import { unwrapSecret } from "./stackHarness";

export const types = {
    bucket: "aws:s3/bucket:Bucket",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    notification: "aws:s3/bucketNotification:BucketNotification",
    function: "aws:lambda/function:Function",
    permission: "aws:lambda/permission:Permission",
    invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    recursion: "aws:lambda/functionRecursionConfig:FunctionRecursionConfig",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    metricFilter: "aws:cloudwatch/logMetricFilter:LogMetricFilter",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    provider: "pulumi:providers:aws",
} as const;

export interface PolicyDocument {
    Version: string;
    Statement: {
        Sid?: string;
        Effect: string;
        Principal?: unknown;
        Action: string | string[];
        Resource: string | string[];
        Condition?: Record<string, Record<string, string | string[]>>;
    }[];
}

export const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

export class Stack {
    constructor(readonly run: StackRun) {}

    all(type: string): RecordedResource[] {
        return this.run.resources.filter((r) => r.type === type);
    }

    one(type: string, predicate: (r: RecordedResource) => boolean = () => true): RecordedResource {
        const matches = this.all(type).filter(predicate);
        assert.equal(matches.length, 1, `expected exactly one ${type}, found ${matches.map((m) => m.name).join(", ") || "none"}`);
        return matches[0]!;
    }

    named(type: string, name: string): RecordedResource {
        return this.one(type, (r) => r.name === name);
    }

    /** Resources whose `key` input equals the given value (e.g. the bucket of a bucket sub-resource). */
    where(type: string, key: string, value: unknown): RecordedResource[] {
        return this.all(type).filter((r) => r.inputs[key] === value);
    }

    dependsOn(dependent: RecordedResource, dependency: RecordedResource): boolean {
        return dependent.dependencies.includes(dependency.urn);
    }

    functionNamed(suffix: "extract" | "transform"): RecordedResource {
        return this.one(types.function, (r) => String(r.inputs["name"]).endsWith(`-${suffix}`));
    }

    /** Parsed policy document of a bucket policy, role policy or queue policy. */
    policy(resource: RecordedResource): PolicyDocument {
        return JSON.parse(String(unwrapSecret(resource.inputs["policy"]))) as PolicyDocument;
    }

    roleOf(fn: RecordedResource): RecordedResource {
        return this.one(types.role, (r) => r.state["arn"] === fn.inputs["role"]);
    }

    policiesOf(role: RecordedResource): PolicyDocument[] {
        return this.where(types.rolePolicy, "role", role.state["name"]).map((p) => this.policy(p));
    }

    statementsOf(fn: RecordedResource): PolicyDocument["Statement"] {
        return this.policiesOf(this.roleOf(fn)).flatMap((d) => d.Statement);
    }

    /** The extract run's schedule rule (the other rule watches Glue's events). */
    scheduleRule(): RecordedResource {
        return this.one(types.rule, (r) => r.inputs["scheduleExpression"] !== undefined);
    }

    scheduleTarget(): RecordedResource {
        return this.one(types.target, (t) => t.inputs["rule"] === this.scheduleRule().state["name"]);
    }

    queueByArn(arn: unknown): RecordedResource {
        return this.one(types.queue, (q) => q.state["arn"] === arn);
    }

    bucketNamed(kind: "raw" | "transformed" | "athena-results"): RecordedResource {
        return this.one(types.bucket, (b) => b.name.endsWith(`-lake-${kind}`));
    }
}

/** The actions a statement allows on a resource ARN (exact match, or an ARN pattern ending in `*`). */
export function actionsOn(statements: PolicyDocument["Statement"], arn: string): string[] {
    const matches = (pattern: string): boolean =>
        pattern === arn || (pattern.endsWith("*") && arn.startsWith(pattern.slice(0, -1)));
    return statements
        .filter((s) => s.Effect === "Allow" && asList(s.Resource).some(matches))
        .flatMap((s) => asList(s.Action));
}
