// What no deploy role may do, whatever its allows say: explicit denies, which no allow and no later statement can lift.
// A deploy role creates what the stack declares; these keep it from reaching past that, into the secret's value, the
// roles' boundaries, other principals' rights, or what the functions read and log.

import type { Statement } from "./policies";

/**
 * The deploy role's denies; `boundary` is the stack's permissions boundary, which every role it creates must carry,
 * `lakeObjects` the ARNs of its buckets' objects, and `reviewed` whether a reviewer approves the stack's deploys.
 */
export function deployDenies(boundary: string, lakeObjects: readonly string[], reviewed: boolean): Statement[] {
    return [
        // Of the lake's objects pulumi up reads and writes none (destroying a bucket with forceDestroy deletes them): a
        // deploy session does not read the listener's history and exports, nor writes a manifest that runs the transform.
        // A deny, since an ARN's wildcard matches the '/' after a bucket's name: the role's `<prefix>-*` is its objects too.
        {
            Sid: "NoLakeObjectReadsOrWrites",
            Effect: "Deny",
            Action: ["s3:GetObject*", "s3:PutObject*", "s3:RestoreObject", "s3:ReplicateObject"],
            Resource: lakeObjects,
        },
        // A reviewed stack's secret holds the only copy of a refresh token Spotify rotated: deleted, it stays recoverable
        // for at least seven days (Secrets Manager's shortest window), whatever a deploy session asks. Pulumi's `protect`
        // is the CLI's alone. (The workflows never destroy a stack; a `pulumi up` that would delete or replace the secret
        // without a window, as `secretRecoveryWindowDays: 0` asks, is refused here.)
        ...(reviewed ? [
            {
                Sid: "ReviewedSecretDeletedOnlyRecoverably",
                Effect: "Deny" as const,
                Action: ["secretsmanager:DeleteSecret"],
                Resource: ["*"],
                Condition: { Bool: { "secretsmanager:ForceDeleteWithoutRecovery": "true" } },
            },
            {
                Sid: "ReviewedSecretRecoveryWindow",
                Effect: "Deny" as const,
                Action: ["secretsmanager:DeleteSecret"],
                Resource: ["*"],
                Condition: { NumericLessThan: { "secretsmanager:RecoveryWindowInDays": "7" } },
            },
        ] : []),
        {
            Sid: "NoRoleWithoutTheBoundary",
            Effect: "Deny",
            Action: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
            Resource: ["*"],
            Condition: { StringNotEquals: { "iam:PermissionsBoundary": boundary } },
        },
        {
            Sid: "BoundariesStay",
            Effect: "Deny",
            Action: [
                "iam:DeleteRolePermissionsBoundary", "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
                "iam:SetDefaultPolicyVersion", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
            ],
            Resource: ["*"],
        },
        // Nor moves the secret's current label back to an earlier version (a refresh token Spotify has since refused).
        {
            Sid: "NoSecretValues",
            Effect: "Deny",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:BatchGetSecretValue", "secretsmanager:UpdateSecretVersionStage"],
            Resource: ["*"],
        },
        // The stack declares no resource policy, rotation or replica for its secret: a resource policy could grant
        // another principal (of any account) the value this role may not read.
        {
            Sid: "NoSecretSharing",
            Effect: "Deny",
            Action: ["secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy", "secretsmanager:RotateSecret", "secretsmanager:ReplicateSecretToRegions"],
            Resource: ["*"],
        },
        { Sid: "NoAssumedRoles", Effect: "Deny", Action: ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"], Resource: ["*"] },
        // pulumi up neither runs a function nor reads what one logged: running the extract function and reading its
        // log events is how a role that may not read the secret would see what the function read. Nor does it open
        // either to anyone else: a function URL or resource policy, a subscription filter, an export or an integration of
        // a log group would (the stack declares none of them).
        {
            Sid: "NoRunsOrLogEvents",
            Effect: "Deny",
            Action: ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl", "lambda:InvokeAsync", "lambda:CreateFunctionUrlConfig",
                "lambda:UpdateFunctionUrlConfig", "lambda:PutResourcePolicy", "logs:GetLogEvents", "logs:FilterLogEvents",
                "logs:StartQuery", "logs:GetQueryResults", "logs:StartLiveTail", "logs:GetLogRecord", "logs:Unmask",
                "logs:CreateExportTask", "logs:PutSubscriptionFilter", "logs:IntegrateWithS3Table", "logs:IntegrateWithDataset"],
            Resource: ["*"],
        },
        // Creating the stack's database and tables needs the account's catalog as a resource, which also carries the
        // catalog's own settings: its resource policy (grants to other accounts on every database), its encryption, and
        // connections. The stack declares none of them, and no stack may change them for the account.
        {
            Sid: "NoCatalogWideSettings",
            Effect: "Deny",
            Action: ["glue:PutResourcePolicy", "glue:DeleteResourcePolicy", "glue:PutDataCatalogEncryptionSettings", "glue:ImportCatalogToGlue",
                "glue:UpdateCatalog", "glue:CreateCatalog", "glue:DeleteCatalog", "glue:CreateConnection", "glue:UpdateConnection",
                "glue:DeleteConnection", "glue:BatchDeleteConnection"],
            Resource: ["*"],
        },
        // The functions' permissions name the two services that invoke them (EventBridge for the schedule, S3 for the
        // notifications): a permission for another account, or for anyone, would let it run them. (IAM has no key for a
        // permission's source: one for either service without a source ARN is not refused.)
        {
            Sid: "OnlyTheStacksInvokers",
            Effect: "Deny",
            Action: ["lambda:AddPermission"],
            Resource: ["*"],
            Condition: { StringNotEquals: { "lambda:Principal": ["events.amazonaws.com", "s3.amazonaws.com"] } },
        },
    ];
}
