// What `pulumi up` (and `pulumi preview`) of a stack asks AWS to do, per resource type the program declares: the
// API actions the AWS provider calls to create, read, update and delete a resource of the type, and the ARN AWS
// authorizes them on, computed from the resource as the mocks recorded it. Written from the provider's behaviour,
// independently of the bootstrap's policies, which the simulation tests hold against it. A type the stack starts
// declaring needs an entry here, or the coverage test fails.
import type { RecordedResource } from "./stackHarness";

export interface Request {
    readonly action: string;
    readonly resource: string;
    readonly context?: Readonly<Record<string, string>>;
}

export interface TypeActions {
    /** What a preview calls: the reads of the resource's current configuration. */
    readonly read: readonly string[];
    /** What an update calls beyond the reads: create, change, tag, delete. */
    readonly write: readonly string[];
    /** The ARN the actions are authorized on. */
    readonly arn: (r: RecordedResource, at: Where) => string;
    /** Further requests of a write, with their own resources and context (PassRole, a role's boundary). */
    readonly extra?: (r: RecordedResource, at: Where) => readonly Request[];
}

export interface Where {
    readonly region: string;
    readonly accountId: string;
    /** The stack's permissions boundary ARN, which every role it creates carries. */
    readonly boundary: string;
    /** Every resource the run recorded, to resolve references by name. */
    readonly resources: readonly RecordedResource[];
}

const str = (v: unknown): string => String(v);
const physical = (r: RecordedResource, key = "name"): string => str(r.inputs[key] ?? r.state[key]);
const bucketArn = (r: RecordedResource): string => `arn:aws:s3:::${str(r.inputs["bucket"] ?? r.state["bucket"])}`;
const functionArn = (name: unknown, at: Where): string => {
    const text = str(name);
    return text.startsWith("arn:") ? text : `arn:aws:lambda:${at.region}:${at.accountId}:function:${text}`;
};
const roleArn = (name: unknown, at: Where): string => {
    const text = str(name);
    return text.startsWith("arn:") ? text : `arn:aws:iam::${at.accountId}:role/${text}`;
};
const logGroupArn = (name: unknown, at: Where): string => `arn:aws:logs:${at.region}:${at.accountId}:log-group:${str(name)}`;
const queueArnOfUrl = (url: unknown, at: Where): string => `arn:aws:sqs:${at.region}:${at.accountId}:${str(url).split("/").pop()}`;
const glue = (at: Where, resource: string): string => `arn:aws:glue:${at.region}:${at.accountId}:${resource}`;
const ruleArn = (name: unknown, at: Where): string => `arn:aws:events:${at.region}:${at.accountId}:rule/${str(name)}`;
const workgroupArn = (name: unknown, at: Where): string => `arn:aws:athena:${at.region}:${at.accountId}:workgroup/${str(name)}`;

const s3Config = (get: string, put: string, remove?: string): TypeActions => ({
    read: [get],
    write: remove === undefined ? [put] : [put, remove],
    arn: bucketArn,
});

export const upActions: Readonly<Record<string, TypeActions>> = {
    "aws:s3/bucket:Bucket": {
        read: ["s3:ListBucket", "s3:GetBucketTagging", "s3:GetBucketPolicy", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite",
            "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging",
            "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketObjectLockConfiguration"],
        write: ["s3:CreateBucket", "s3:PutBucketTagging", "s3:DeleteBucket", "s3:ListBucketVersions"],
        arn: bucketArn,
        // forceDestroy empties the bucket, versions included, before deleting it.
        extra: (r) => [
            { action: "s3:DeleteObject", resource: `${bucketArn(r)}/raw/any.json` },
            { action: "s3:DeleteObjectVersion", resource: `${bucketArn(r)}/raw/any.json` },
        ],
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": s3Config("s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": s3Config("s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        s3Config("s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"),
    "aws:s3/bucketPolicy:BucketPolicy": s3Config("s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"),
    "aws:s3/bucketVersioning:BucketVersioning": s3Config("s3:GetBucketVersioning", "s3:PutBucketVersioning"),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": s3Config("s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"),
    "aws:s3/bucketNotification:BucketNotification": s3Config("s3:GetBucketNotification", "s3:PutBucketNotification"),
    "aws:sqs/queue:Queue": {
        read: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"],
        write: ["sqs:CreateQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:DeleteQueue"],
        arn: (r) => str(r.state["arn"]),
    },
    "aws:sqs/queuePolicy:QueuePolicy": {
        read: ["sqs:GetQueueAttributes"],
        write: ["sqs:SetQueueAttributes"],
        arn: (r, at) => queueArnOfUrl(r.inputs["queueUrl"], at),
    },
    "aws:iam/role:Role": {
        read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
        write: ["iam:TagRole", "iam:ListInstanceProfilesForRole"],
        arn: (r) => str(r.state["arn"]),
        // The role carries the stack's boundary, so AWS sees it in every request about the role.
        extra: (r, at) => ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription", "iam:UpdateRole", "iam:DeleteRole"]
            .map((action) => ({ action, resource: str(r.state["arn"]), context: { "iam:PermissionsBoundary": at.boundary } })),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        read: ["iam:GetRolePolicy"],
        write: [],
        arn: (r, at) => roleArn(r.inputs["role"], at),
        extra: (r, at) => ["iam:PutRolePolicy", "iam:DeleteRolePolicy"].map((action) =>
            ({ action, resource: roleArn(r.inputs["role"], at), context: { "iam:PermissionsBoundary": at.boundary } })),
    },
    "aws:lambda/function:Function": {
        read: ["lambda:GetFunction", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListTags"],
        write: ["lambda:CreateFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:TagResource", "lambda:DeleteFunction"],
        arn: (r, at) => functionArn(r.inputs["name"], at),
        extra: (r) => [{ action: "iam:PassRole", resource: str(r.inputs["role"]), context: { "iam:PassedToService": "lambda.amazonaws.com" } }],
    },
    "aws:lambda/permission:Permission": {
        read: ["lambda:GetPolicy"],
        write: ["lambda:RemovePermission"],
        arn: (r, at) => functionArn(r.inputs["function"], at),
        extra: (r, at) => [{ action: "lambda:AddPermission", resource: functionArn(r.inputs["function"], at), context: { "lambda:Principal": str(r.inputs["principal"]) } }],
    },
    "aws:lambda/functionRecursionConfig:FunctionRecursionConfig": {
        read: ["lambda:GetFunctionRecursionConfig"],
        write: ["lambda:PutFunctionRecursionConfig"],
        arn: (r, at) => functionArn(r.inputs["functionName"], at),
    },
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
        read: ["lambda:GetFunctionEventInvokeConfig"],
        write: ["lambda:PutFunctionEventInvokeConfig", "lambda:UpdateFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig"],
        arn: (r, at) => functionArn(r.inputs["functionName"], at),
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        read: ["logs:ListTagsForResource"],
        write: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource", "logs:DeleteLogGroup"],
        arn: (r, at) => logGroupArn(r.inputs["name"], at),
        extra: () => [{ action: "logs:DescribeLogGroups", resource: "*" }],
    },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
        read: ["logs:DescribeMetricFilters"],
        write: ["logs:PutMetricFilter", "logs:DeleteMetricFilter"],
        arn: (r, at) => logGroupArn(r.inputs["logGroupName"], at),
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
        write: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:DeleteAlarms"],
        arn: (r, at) => `arn:aws:cloudwatch:${at.region}:${at.accountId}:alarm:${physical(r)}`,
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        read: ["cloudwatch:GetDashboard"],
        write: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"],
        // Dashboards are global: no region in their ARN.
        arn: (r, at) => `arn:aws:cloudwatch::${at.accountId}:dashboard/${physical(r, "dashboardName")}`,
    },
    "aws:cloudwatch/eventRule:EventRule": {
        read: ["events:DescribeRule", "events:ListTagsForResource"],
        write: ["events:PutRule", "events:TagResource", "events:EnableRule", "events:DisableRule", "events:DeleteRule"],
        arn: (r, at) => ruleArn(physical(r), at),
    },
    "aws:cloudwatch/eventTarget:EventTarget": {
        read: ["events:ListTargetsByRule"],
        write: ["events:PutTargets", "events:RemoveTargets"],
        arn: (r, at) => ruleArn(r.inputs["rule"], at),
    },
    "aws:sns/topic:Topic": {
        read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
        write: ["sns:CreateTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:DeleteTopic"],
        arn: (r) => str(r.state["arn"]),
    },
    "aws:sns/topicPolicy:TopicPolicy": {
        read: ["sns:GetTopicAttributes"],
        write: ["sns:SetTopicAttributes"],
        arn: (r) => str(r.inputs["arn"]),
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        read: ["sns:GetSubscriptionAttributes"],
        write: ["sns:Subscribe", "sns:Unsubscribe"],
        arn: (r) => str(r.inputs["topic"]),
    },
    "aws:secretsmanager/secret:Secret": {
        read: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
        write: ["secretsmanager:CreateSecret", "secretsmanager:UpdateSecret", "secretsmanager:TagResource", "secretsmanager:DeleteSecret"],
        arn: (r) => str(r.state["arn"]),
    },
    "aws:glue/catalogDatabase:CatalogDatabase": {
        read: ["glue:GetDatabase"],
        write: ["glue:CreateDatabase", "glue:UpdateDatabase", "glue:DeleteDatabase"],
        arn: (r, at) => glue(at, `database/${physical(r)}`),
        // Deleting a database is authorized on everything in it as well: its tables and its functions (none here).
        extra: (r, at) => [
            ...["glue:GetDatabase", "glue:CreateDatabase", "glue:UpdateDatabase", "glue:DeleteDatabase"].map((action) => ({ action, resource: glue(at, "catalog") })),
            ...["table", "userDefinedFunction"].map((kind) => ({ action: "glue:DeleteDatabase", resource: glue(at, `${kind}/${physical(r)}/*`) })),
        ],
    },
    "aws:glue/catalogTable:CatalogTable": {
        read: ["glue:GetTable"],
        write: ["glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"],
        arn: (r, at) => glue(at, `table/${str(r.inputs["databaseName"])}/${physical(r)}`),
        extra: (r, at) => ["glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"].flatMap((action) => [
            { action, resource: glue(at, "catalog") },
            { action, resource: glue(at, `database/${str(r.inputs["databaseName"])}`) },
        ]),
    },
    "aws:glue/classifier:Classifier": {
        read: ["glue:GetClassifier"],
        write: ["glue:CreateClassifier", "glue:UpdateClassifier", "glue:DeleteClassifier"],
        arn: () => "*",
    },
    "aws:glue/crawler:Crawler": {
        read: ["glue:GetCrawler", "glue:GetTags"],
        write: ["glue:UpdateCrawler", "glue:TagResource", "glue:DeleteCrawler"],
        arn: (r, at) => glue(at, `crawler/${physical(r)}`),
        extra: (r) => [
            { action: "glue:CreateCrawler", resource: "*" },
            { action: "iam:PassRole", resource: str(r.inputs["role"]), context: { "iam:PassedToService": "glue.amazonaws.com" } },
        ],
    },
    "aws:athena/workgroup:Workgroup": {
        read: ["athena:GetWorkGroup", "athena:ListTagsForResource"],
        write: ["athena:CreateWorkGroup", "athena:UpdateWorkGroup", "athena:TagResource", "athena:DeleteWorkGroup"],
        arn: (r, at) => workgroupArn(physical(r), at),
    },
    "aws:athena/namedQuery:NamedQuery": {
        read: ["athena:GetNamedQuery"],
        write: ["athena:CreateNamedQuery", "athena:DeleteNamedQuery"],
        arn: (r, at) => workgroupArn(r.inputs["workgroup"], at),
    },
};

/** Resource types that make no AWS API call of their own: providers and Snowflake's (another cloud). */
export const callsNoAwsApi = (type: string): boolean => type.startsWith("pulumi:providers:") || type.startsWith("snowflake:");

/** The declared types `upActions` does not know: each would be denied at the first real `pulumi up`. */
export function typesWithoutActions(resources: readonly { type: string }[]): string[] {
    return [...new Set(resources.map((r) => r.type))]
        .filter((type) => !callsNoAwsApi(type) && !type.startsWith("spotify:") && !(type in upActions))
        .sort();
}

/** Every request `pulumi up` of these resources makes, deduplicated. */
export function upRequests(resources: readonly RecordedResource[], at: Where, part: "read" | "all"): Request[] {
    const seen = new Map<string, Request>();
    for (const r of resources) {
        const entry = upActions[r.type];
        if (entry === undefined) {
            continue;
        }
        const resource = entry.arn(r, at);
        const actions = part === "read" ? entry.read : [...entry.read, ...entry.write];
        const requests: Request[] = [...actions.map((action) => ({ action, resource })), ...(part === "all" ? entry.extra?.(r, at) ?? [] : [])];
        for (const request of requests) {
            seen.set(`${request.action} ${request.resource} ${JSON.stringify(request.context ?? {})}`, request);
        }
    }
    return [...seen.values()];
}
