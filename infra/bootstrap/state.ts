// The Pulumi state of the stacks in a self-managed backend's bucket: the objects each stack's roles read and write
// there, and the bucket's own policy.

import type { PolicyDocument, StackScope, Statement } from "./policies";

/** The Pulumi project whose stacks the roles deploy (Pulumi.yaml at the repository root). */
export const stackProject = "spotify-stack";

/**
 * The stack's objects in a self-managed backend (project-scoped layout): its checkpoint, its tags, history, backups and
 * locks, under .pulumi/ of the state bucket. A lock is named by the stack's fully qualified name, whose organization
 * is always `organization` in such a backend: `.pulumi/locks/organization/<project>/<stack>/<lock id>.json`. The tags
 * (`<stack>.pulumi-tags`, beside the checkpoint) are read by every preview and update, and written by an update. A
 * backend whose updates compress the state (`PULUMI_DIY_BACKEND_GZIP=true`) keeps the checkpoint as `<stack>.json.gz`,
 * which the CLI reads instead of `<stack>.json` where it is the newer of the two: a preview reads either.
 */
export function stateObjects(s: Pick<StackScope, "partition" | "stateBucket" | "stack">): { checkpoint: string[]; all: string[]; meta: string[] } {
    const { stateBucket: bucket, stack } = s;
    const root = `arn:${s.partition}:s3:::${bucket}/.pulumi`;
    return {
        checkpoint: [
            `${root}/stacks/${stackProject}/${stack}.json`,
            `${root}/stacks/${stackProject}/${stack}.json.gz`,
            `${root}/stacks/${stackProject}/${stack}.pulumi-tags`,
        ],
        all: [
            `${root}/stacks/${stackProject}/${stack}.json`,
            `${root}/stacks/${stackProject}/${stack}.json.*`,
            `${root}/stacks/${stackProject}/${stack}.pulumi-tags`,
            `${root}/history/${stackProject}/${stack}/*`,
            `${root}/backups/${stackProject}/${stack}/*`,
            `${root}/locks/organization/${stackProject}/${stack}/*`,
        ],
        meta: [`${root}/meta.yaml`],
    };
}

export function stateStatements(s: StackScope, access: "read" | "write"): Statement[] {
    if (s.stateBucket === "") {
        return [];
    }
    const objects = stateObjects(s);
    return [
        {
            // No prefix condition: S3 answers 404 for a missing object (a new stack's tags), which the CLI takes for "none yet",
            // only to a caller that may list the bucket (403 otherwise). Every key is under .pulumi/, listed whole before.
            Sid: "StateList",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: [`arn:${s.partition}:s3:::${s.stateBucket}`],
        },
        { Sid: "StateLocate", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: [`arn:${s.partition}:s3:::${s.stateBucket}`] },
        { Sid: "StateRead", Effect: "Allow", Action: ["s3:GetObject"], Resource: [...objects.meta, ...(access === "read" ? objects.checkpoint : objects.all)] },
        ...(access === "write"
            ? [{ Sid: "StateWrite", Effect: "Allow" as const, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: objects.all }]
            : []),
    ];
}

/** The state bucket's policy: TLS only. */
export function stateBucketPolicy(s: Pick<StackScope, "partition" | "stateBucket">): PolicyDocument {
    const bucket = `arn:${s.partition}:s3:::${s.stateBucket}`;
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "TlsOnly",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:*"],
            Resource: [bucket, `${bucket}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
    };
}
