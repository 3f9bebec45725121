// The IAM documents of the workflows' roles, as pure functions a test can read.
//
// Trust: GitHub's OIDC token for this repository only, audience sts.amazonaws.com, and a `sub` naming the event or
// environment: `repo:<owner>/<name>:pull_request` for previews, `repo:<owner>/<name>:environment:<env>` for
// deployments (a job that names an environment gets that subject, so the environment's protection rules,
// required reviewers and the main-only branch policy, gate the role).
//
// Preview: read-only, no wildcard action. Every resource is scoped to names that start with the stacks'
// namePrefix, except the two reads AWS authorizes on broader resources only (listed in
// `previewReadsWithoutResourceScope` with the reason). The secret's value is not readable: previews run
// without --refresh.
//
// Deploy: creates, updates and deletes what the stack declares. Its actions are service wildcards (`s3:*`, ...)
// because a deployment of a changing program needs whatever actions its resources' create, update and delete
// use; each is listed in `deployServiceWildcards` with its reason, and every such statement is scoped to
// the stacks' resource names. IAM is not a wildcard: role management on the stacks' roles only, PassRole only
// to Lambda and Glue.

export const githubOidcUrl = "https://token.actions.githubusercontent.com";
export const githubOidcHost = "token.actions.githubusercontent.com";
export const stsAudience = "sts.amazonaws.com";

export interface Statement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: readonly string[];
    readonly Resource: readonly string[];
    readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly Statement[];
}

export interface Scope {
    readonly accountId: string;
    /** The stacks' namePrefix: their physical names start with `<namePrefix>-`, Glue databases with `<namePrefix>_`. */
    readonly namePrefix: string;
    /** A self-managed backend's bucket; empty for Pulumi Cloud. */
    readonly stateBucket: string;
}

/** Subjects of the OIDC token that may assume the preview role. */
export const previewSubjects = (repository: string): string[] => [`repo:${repository}:pull_request`];

/** Subjects of the OIDC token that may assume the deploy role. */
export const deploySubjects = (repository: string, environments: readonly string[]): string[] =>
    environments.map((e) => `repo:${repository}:environment:${e}`);

export interface TrustPolicy {
    readonly Version: "2012-10-17";
    readonly Statement: readonly {
        readonly Sid: string;
        readonly Effect: "Allow";
        readonly Principal: { readonly Federated: string };
        readonly Action: "sts:AssumeRoleWithWebIdentity";
        readonly Condition: { readonly StringEquals: Record<string, string | readonly string[]> };
    }[];
}

export function trustPolicy(providerArn: string, subjects: readonly string[]): TrustPolicy {
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "GitHubActionsOfThisRepository",
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${githubOidcHost}:aud`]: stsAudience,
                    [`${githubOidcHost}:sub`]: subjects,
                },
            },
        }],
    };
}

/** Reads AWS authorizes only on resources broader than the stacks' names, and why. */
export const previewReadsWithoutResourceScope: Readonly<Record<string, string>> = {
    "glue:GetClassifier": "Glue classifiers have no ARN: AWS authorizes classifier actions on Resource \"*\" only.",
    "logs:DescribeLogGroups": "Authorized on the account's log-group:* (it lists groups by name prefix); it returns names and settings, no log events.",
};

/** Service wildcards of the deploy role, and why each is needed. */
export const deployServiceWildcards: Readonly<Record<string, string>> = {
    "s3:*": "buckets and their configuration resources (versioning, lifecycle, encryption, policy, notification); emptying buckets on destroy with forceDestroy",
    "lambda:*": "functions, their permissions, event invoke configs and recursion settings",
    "logs:*": "the functions' log groups, retention and metric filters",
    "sqs:*": "dead-letter queues and their policies",
    "sns:*": "the alarm topic and its e-mail subscription",
    "events:*": "the schedule rule and its target",
    "secretsmanager:*": "the credentials secret and its versions",
    "glue:*": "the database, tables, classifier and crawler",
    "athena:*": "the workgroup and its named queries",
    "cloudwatch:*": "the alarms",
};

const arns = (s: Scope) => {
    const p = s.namePrefix;
    const glueName = p.replace(/-/g, "_");
    const a = s.accountId;
    return {
        buckets: [`arn:aws:s3:::${p}-*`],
        objects: [`arn:aws:s3:::${p}-*/*`],
        functions: [`arn:aws:lambda:*:${a}:function:${p}-*`],
        roles: [`arn:aws:iam::${a}:role/${p}-*`],
        rolePolicies: [`arn:aws:iam::${a}:role/${p}-*`],
        logGroups: [`arn:aws:logs:*:${a}:log-group:/aws/lambda/${p}-*`],
        accountLogGroups: [`arn:aws:logs:*:${a}:log-group:*`],
        queues: [`arn:aws:sqs:*:${a}:${p}-*`],
        topics: [`arn:aws:sns:*:${a}:${p}-*`],
        rules: [`arn:aws:events:*:${a}:rule/${p}-*`],
        secrets: [`arn:aws:secretsmanager:*:${a}:secret:${p}-*`],
        glue: [
            `arn:aws:glue:*:${a}:catalog`,
            `arn:aws:glue:*:${a}:database/${glueName}_*`,
            `arn:aws:glue:*:${a}:table/${glueName}_*/*`,
            `arn:aws:glue:*:${a}:crawler/${p}-*`,
        ],
        workgroups: [`arn:aws:athena:*:${a}:workgroup/${p}-*`],
        alarms: [`arn:aws:cloudwatch:*:${a}:alarm:${p}-*`],
    };
};

function stateStatements(s: Scope, write: "locks" | "all"): Statement[] {
    if (s.stateBucket === "") {
        return [];
    }
    const bucket = `arn:aws:s3:::${s.stateBucket}`;
    return [
        { Sid: "StateList", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [bucket] },
        { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${bucket}/.pulumi/*`] },
        {
            Sid: write === "locks" ? "StateLocks" : "StateWrite",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:DeleteObject"],
            Resource: [write === "locks" ? `${bucket}/.pulumi/locks/*` : `${bucket}/.pulumi/*`],
        },
    ];
}

/** The preview role: reads the configuration of what the stacks contain, nothing else. */
export function previewPolicy(s: Scope): PolicyDocument {
    const r = arns(s);
    const allow = (Sid: string, Action: string[], Resource: string[]): Statement => ({ Sid, Effect: "Allow", Action, Resource });
    return {
        Version: "2012-10-17",
        Statement: [
            allow("ReadBucketConfiguration", [
                "s3:GetAccelerateConfiguration", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketLocation", "s3:GetBucketLogging",
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
            allow("ListLogGroups", ["logs:DescribeLogGroups"], r.accountLogGroups),
            allow("ReadQueues", ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"], r.queues),
            allow("ReadTopics", ["sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"], r.topics),
            allow("ReadRules", ["events:DescribeRule", "events:ListTagsForResource", "events:ListTargetsByRule"], r.rules),
            // Metadata only: never secretsmanager:GetSecretValue.
            allow("ReadSecretMetadata", ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"], r.secrets),
            allow("ReadCatalog", ["glue:GetCrawler", "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetTags"], r.glue),
            allow("ReadClassifiers", ["glue:GetClassifier"], ["*"]),
            allow("ReadWorkgroups", ["athena:BatchGetNamedQuery", "athena:GetNamedQuery", "athena:GetWorkGroup", "athena:ListTagsForResource"], r.workgroups),
            allow("ReadAlarms", ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"], r.alarms),
            ...stateStatements(s, "locks"),
        ],
    };
}

/** The deploy role: manages what the stacks declare, under their names. */
export function deployPolicy(s: Scope): PolicyDocument {
    const r = arns(s);
    const allow = (Sid: string, Action: string[], Resource: string[], Condition?: Statement["Condition"]): Statement =>
        Condition === undefined ? { Sid, Effect: "Allow", Action, Resource } : { Sid, Effect: "Allow", Action, Resource, Condition };
    return {
        Version: "2012-10-17",
        Statement: [
            allow("ManageBuckets", ["s3:*"], [...r.buckets, ...r.objects]),
            allow("ManageFunctions", ["lambda:*"], r.functions),
            allow("ManageLogGroups", ["logs:*"], r.logGroups),
            allow("ListLogGroups", ["logs:DescribeLogGroups"], r.accountLogGroups),
            allow("ManageQueues", ["sqs:*"], r.queues),
            allow("ManageTopics", ["sns:*"], r.topics),
            allow("ManageRules", ["events:*"], r.rules),
            allow("ManageSecret", ["secretsmanager:*"], r.secrets),
            allow("ManageCatalog", ["glue:*"], r.glue),
            allow("ManageClassifiers", ["glue:CreateClassifier", "glue:DeleteClassifier", "glue:GetClassifier", "glue:UpdateClassifier"], ["*"]),
            allow("ManageWorkgroups", ["athena:*"], r.workgroups),
            allow("ManageAlarms", ["cloudwatch:*"], r.alarms),
            allow("ManageStackRoles", [
                "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListRoleTags", "iam:PutRolePolicy", "iam:TagRole",
                "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription",
            ], r.roles),
            allow("PassStackRoles", ["iam:PassRole"], r.roles, { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "glue.amazonaws.com"] } }),
            ...stateStatements(s, "all"),
        ],
    };
}
