// The IAM documents of the workflows' roles and of the stacks' permissions boundaries, as pure functions a test
// can evaluate. Every stack has its own two roles and its own boundary, each scoped to that stack's names
// (`<namePrefix>-<stack>-...`), so a job of one environment can change nothing of another.
//
// Who may assume the roles is in trust.ts, and the state bucket's objects and policy in state.ts, both re-exported here.
//
// Preview: reads what the stack declares (no wildcard action, no secret value), reads the stack's state and
// decrypts with the stack's KMS key (Pulumi opens the stack's data key before any preview; the stack holds no
// secret value to decrypt). It takes no lock: Pulumi's self-managed backend takes none for a preview.
//
// Deploy: creates, updates and deletes what the stack declares. Its actions are service wildcards, each listed
// in `deployServiceWildcards` with its reason and scoped to the stack's names; IAM is not a wildcard. Every
// role it creates must carry the stack's permissions boundary, which it can neither remove nor change. It may
// not read a secret's value, put one (PutSecretValue), move its current label to another version, share the
// secret through a resource policy, rotation or a replica, delete a reviewed stack's secret without a recovery
// window, read or write the lake's objects (a destroy's deletes aside), use KMS beyond decrypting its stack's data key,
// or assume any role (denies.ts). (UpdateSecret, which pulumi up calls for the secret's description and key, accepts a
// value too; IAM cannot tell the two calls apart.)

import { permissionsBoundaryArn } from "../boundary";
import { deployDenies } from "./denies";
import { stateStatements } from "./state";
import type { ConditionBlock } from "./trust";

export * from "./trust";
export { stackProject, stateBucketPolicy, stateObjects } from "./state";

export interface Statement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    /** Resource policies only (the state bucket's, the keys'). */
    readonly Principal?: "*" | { readonly AWS: string };
    readonly Action: readonly string[];
    readonly Resource?: readonly string[];
    readonly NotResource?: readonly string[];
    readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly Statement[];
}

export interface StackScope {
    /** The account's AWS partition (aws, aws-cn, aws-us-gov), as aws.getPartition answers it: the first part of every ARN. */
    readonly partition: string;
    /**
     * The partition's DNS suffix, as aws.getPartition answers it: the end of every service endpoint's name
     * (`amazonaws.com` in aws and aws-us-gov, `amazonaws.com.cn` in aws-cn, `amazonaws.eu` in aws-eusc).
     */
    readonly dnsSuffix: string;
    readonly accountId: string;
    /** The stacks' namePrefix: a stack's physical names start with `<namePrefix>-<stack>-`. */
    readonly namePrefix: string;
    readonly stack: string;
    /** A self-managed backend's bucket; empty for Pulumi Cloud. */
    readonly stateBucket: string;
    /** The KMS key of the stack's secrets provider (awskms://...). */
    readonly secretsKeyArn: string;
    /** Whether a reviewer approves the stack's deploys (`reviewedStacks`): its deploy role deletes its secret only with a recovery window. */
    readonly reviewed?: boolean;
}

/** The ARN of a stack's permissions boundary, which the bootstrap creates and the stack's roles carry. */
export const boundaryArn = (s: Pick<StackScope, "partition" | "accountId" | "namePrefix" | "stack">): string =>
    permissionsBoundaryArn(s.partition, s.accountId, s.namePrefix, s.stack);

/** Reads AWS authorizes only on resources broader than the stack's names, and why. */
export const previewReadsWithoutResourceScope: Readonly<Record<string, string>> = {
    "glue:GetClassifier": "Glue classifiers have no ARN: AWS authorizes classifier actions on Resource \"*\" only.",
    "logs:DescribeLogGroups": "Authorized on Resource \"*\" only (it lists groups by name prefix); it returns names and settings, no log events.",
};

/** Writes of the deploy role AWS authorizes only on Resource "*", and why. */
export const deployActionsWithoutResourceScope: Readonly<Record<string, string>> = {
    ...previewReadsWithoutResourceScope,
    "glue:CreateClassifier": "Glue classifiers have no ARN.",
    "glue:UpdateClassifier": "Glue classifiers have no ARN.",
    "glue:DeleteClassifier": "Glue classifiers have no ARN.",
    "glue:CreateCrawler": "Glue authorizes creating a crawler on Resource \"*\" only; its later changes are scoped to the crawler's ARN.",
};

/** Service wildcards of the deploy role, and why each is needed. */
export const deployServiceWildcards: Readonly<Record<string, string>> = {
    "s3:*": "buckets and their configuration resources (versioning, lifecycle, encryption, policy, notification), and of their objects only the deletes that empty a bucket on destroy with forceDestroy (the rest denied)",
    "lambda:*": "functions, their permissions, event invoke configs and recursion settings",
    "logs:*": "the functions' log groups, retention and metric filters",
    "sqs:*": "dead-letter queues and their policies",
    "sns:*": "the alarm topic and its e-mail subscription",
    "events:*": "the schedule rule and its target",
    "secretsmanager:*": "the credentials secret's metadata (its value is denied)",
    "glue:*": "the database, tables and crawler",
    "athena:*": "the workgroup and its named queries",
    "cloudwatch:*": "the alarms and the dashboard",
};

/** A stack's resources, by the names the program gives them. */
export function stackArns(s: Pick<StackScope, "partition" | "accountId" | "namePrefix" | "stack">) {
    const p = `${s.namePrefix}-${s.stack}`;
    const glueName = p.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    const a = s.accountId;
    const arn = `arn:${s.partition}`;
    return {
        prefix: p,
        buckets: [`${arn}:s3:::${p}-*`],
        objects: [`${arn}:s3:::${p}-*/*`],
        functions: [`${arn}:lambda:*:${a}:function:${p}-*`],
        roles: [`${arn}:iam::${a}:role/${p}-*`],
        logGroups: [`${arn}:logs:*:${a}:log-group:/aws/lambda/${p}-*`],
        crawlerLogGroups: [`${arn}:logs:*:${a}:log-group:/aws-glue/crawlers`, `${arn}:logs:*:${a}:log-group:/aws-glue/crawlers:*`],
        queues: [`${arn}:sqs:*:${a}:${p}-*`],
        topics: [`${arn}:sns:*:${a}:${p}-*`],
        rules: [`${arn}:events:*:${a}:rule/${p}-*`],
        secrets: [`${arn}:secretsmanager:*:${a}:secret:${p}-*`],
        glue: [
            `${arn}:glue:*:${a}:catalog`,
            `${arn}:glue:*:${a}:database/${glueName}`,
            `${arn}:glue:*:${a}:table/${glueName}/*`,
            // DeleteDatabase is authorized on the database's functions too, whether it has any or not.
            `${arn}:glue:*:${a}:userDefinedFunction/${glueName}/*`,
            `${arn}:glue:*:${a}:crawler/${p}-*`,
        ],
        workgroups: [`${arn}:athena:*:${a}:workgroup/${p}-*`],
        keys: `${arn}:kms:*:${a}:key/*`,
        cloudwatch: [`${arn}:cloudwatch:*:${a}:alarm:${p}-*`, `${arn}:cloudwatch::${a}:dashboard/${p}-*`],
    };
}

/** Decrypting the stack's data key: what `pulumi preview` and `pulumi up` of a KMS-encrypted stack need of KMS. */
const secretsKeyStatement = (s: StackScope): Statement =>
    ({ Sid: "OpenStackSecretsProvider", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [s.secretsKeyArn] });

/** The preview role of one stack: reads the configuration of what the stack contains, nothing else. */
export function previewPolicy(s: StackScope): PolicyDocument {
    const r = stackArns(s);
    const allow = (Sid: string, Action: string[], Resource: string[]): Statement => ({ Sid, Effect: "Allow", Action, Resource });
    return {
        Version: "2012-10-17",
        Statement: [
            allow("ReadBucketConfiguration", [
                "s3:ListBucket", "s3:GetAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLocation", "s3:GetBucketLogging",
                "s3:GetBucketNotification", "s3:GetBucketObjectLockConfiguration", "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy",
                "s3:GetBucketPolicyStatus", "s3:GetBucketPublicAccessBlock", "s3:GetBucketRequestPayment", "s3:GetBucketTagging",
                "s3:GetBucketVersioning", "s3:GetBucketWebsite", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration",
                "s3:GetReplicationConfiguration",
            ], r.buckets),
            allow("ReadFunctions", [
                "lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetFunctionConfiguration",
                "lambda:GetFunctionEventInvokeConfig", "lambda:GetFunctionRecursionConfig", "lambda:GetPolicy", "lambda:ListTags",
                "lambda:ListVersionsByFunction",
            ], r.functions),
            allow("ReadRoles", ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:ListRoleTags"], r.roles),
            allow("ReadLogGroups", ["logs:DescribeMetricFilters", "logs:ListTagsForResource", "logs:ListTagsLogGroup"], r.logGroups),
            allow("ListLogGroups", ["logs:DescribeLogGroups"], ["*"]),
            allow("ReadQueues", ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"], r.queues),
            allow("ReadTopics", ["sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"], r.topics),
            allow("ReadRules", ["events:DescribeRule", "events:ListTagsForResource", "events:ListTargetsByRule"], r.rules),
            // Metadata only: never secretsmanager:GetSecretValue.
            allow("ReadSecretMetadata", ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"], r.secrets),
            allow("ReadCatalog", ["glue:GetCrawler", "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetTags"], r.glue.filter((arn) => !arn.includes(":userDefinedFunction/"))),
            allow("ReadClassifiers", ["glue:GetClassifier"], ["*"]),
            allow("ReadWorkgroups", ["athena:BatchGetNamedQuery", "athena:GetNamedQuery", "athena:GetWorkGroup", "athena:ListTagsForResource"], r.workgroups),
            allow("ReadAlarmsAndDashboard", ["cloudwatch:DescribeAlarms", "cloudwatch:GetDashboard", "cloudwatch:ListTagsForResource"], r.cloudwatch),
            secretsKeyStatement(s),
            ...stateStatements(s, "read"),
        ],
    };
}

/** The deploy role of one stack: manages what the stack declares, under its names. */
export function deployPolicy(s: StackScope): PolicyDocument {
    const r = stackArns(s);
    const boundary = boundaryArn(s);
    const allow = (Sid: string, Action: string[], Resource: string[], Condition?: ConditionBlock): Statement =>
        Condition === undefined ? { Sid, Effect: "Allow", Action, Resource } : { Sid, Effect: "Allow", Action, Resource, Condition };
    const withBoundary: ConditionBlock = { StringEquals: { "iam:PermissionsBoundary": boundary } };
    return {
        Version: "2012-10-17",
        Statement: [
            allow("ManageBuckets", ["s3:*"], [...r.buckets, ...r.objects]),
            allow("ManageFunctions", ["lambda:*"], r.functions),
            allow("ManageLogGroups", ["logs:*"], r.logGroups),
            allow("ManageQueues", ["sqs:*"], r.queues),
            allow("ManageTopics", ["sns:*"], r.topics),
            allow("ManageRules", ["events:*"], r.rules),
            allow("ManageSecretMetadata", ["secretsmanager:*"], r.secrets),
            allow("ManageCatalog", ["glue:*"], r.glue),
            allow("ActionsWithoutResourceScope", Object.keys(deployActionsWithoutResourceScope), ["*"]),
            allow("ManageWorkgroups", ["athena:*"], r.workgroups),
            allow("ManageAlarmsAndDashboard", ["cloudwatch:*"], r.cloudwatch),
            allow("ReadStackRoles", [
                "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies",
                "iam:ListRoleTags", "iam:TagRole", "iam:UntagRole",
            ], r.roles),
            // A role is created, changed, given a policy or deleted only with the stack's boundary on it: nothing the
            // stack creates can exceed the boundary, and no role without it can be touched.
            allow("BoundedStackRoles", [
                "iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy",
                "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRole",
            ], r.roles, withBoundary),
            allow("PassStackRoles", ["iam:PassRole"], r.roles, { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "glue.amazonaws.com"] } }),
            secretsKeyStatement(s),
            ...stateStatements(s, "write"),
            ...deployDenies(boundary, r.objects, s.reviewed === true),
        ],
    };
}

/**
 * The most any role of the stack may do: the functions', the crawler's and Snowflake's roles, whatever inline
 * policy the deploy role puts on them. The stack's buckets, secret, queues, topics, catalog and log groups, nothing else.
 */
export function boundaryPolicy(s: Pick<StackScope, "partition" | "dnsSuffix" | "accountId" | "namePrefix" | "stack">): PolicyDocument {
    const r = stackArns(s);
    const glue = r.glue.filter((arn) => !arn.includes(":crawler/") && !arn.includes(":userDefinedFunction/"));
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "LakeObjects",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation"],
                Resource: [...r.buckets, ...r.objects],
            },
            { Sid: "SpotifyCredentials", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"], Resource: r.secrets },
            // The AWS managed keys of S3 (a bucketEncryption of aws:kms) and Secrets Manager, used by those services on a role's
            // behalf and never directly. Their key policies grant it to `*` of the account; whether a boundary limits a grant to
            // `*` as it limits one to a role's ARN, AWS does not document, so the boundary allows it itself. kms:ViaService is
            // the calling service's endpoint, `<service>.<region>.<the partition's DNS suffix>`: s3.cn-north-1.amazonaws.com.cn
            // in China, s3.eusc-de-east-1.amazonaws.eu in the European Sovereign Cloud.
            {
                Sid: "ManagedKeysThroughTheirServices",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: [r.keys],
                Condition: { StringLike: { "kms:ViaService": [`s3.*.${s.dnsSuffix}`, `secretsmanager.*.${s.dnsSuffix}`] } },
            },
            { Sid: "DeadLetters", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: r.queues },
            // Snowflake's notification integration tells of failed loads on the alarm topic.
            { Sid: "AlarmTopic", Effect: "Allow", Action: ["sns:Publish"], Resource: r.topics },
            { Sid: "FunctionLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: r.logGroups },
            { Sid: "CrawlerLogs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: r.crawlerLogGroups },
            {
                Sid: "CatalogPartitions",
                Effect: "Allow",
                Action: [
                    "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition",
                    "glue:CreatePartition", "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition",
                ],
                Resource: glue,
            },
        ],
    };
}

/** The key policy of a stack's secrets key: the account's IAM policies decide who uses it (the roles' own policies). */
export function secretsKeyPolicy(s: Pick<StackScope, "partition" | "accountId">): PolicyDocument & { Statement: readonly (Statement & { Principal: { AWS: string } })[] } {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "AccountIamPolicies", Effect: "Allow", Principal: { AWS: `arn:${s.partition}:iam::${s.accountId}:root` }, Action: ["kms:*"], Resource: ["*"] }],
    };
}
