// Who may delete what from the raw bucket, as S3 decides it with the bucket's policy: an administrator allowed every
// action by IAM asks to delete an object and a version under each raw source and under import/, over TLS.
import type { Stack } from "./stackQueries";
import { types } from "./stackQueries";
import { decide, useResourcePolicies, type Decision } from "./iamSimulation";
import { fakeAccountId } from "./stackHarness";
import { contract } from "../../../infra/lakeContract";

/** Every raw source's folder and import/, each with the decisions on deleting an object and a version there. */
export async function deletionsInRaw(stack: Stack): Promise<Map<string, Decision[]>> {
    const raw = stack.bucketNamed("raw");
    const bucketArn = String(raw.state["arn"]);
    const policy = stack.where(types.bucketPolicy, "bucket", raw.state["bucket"])[0]!.inputs["policy"];
    useResourcePolicies({ forResource: (arn) => (arn.startsWith(`${bucketArn}/`) ? JSON.parse(String(policy)) : undefined) });
    const administrator = {
        arn: `arn:aws:iam::${fakeAccountId}:role/administrator`,
        accountId: fakeAccountId,
        policies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }],
    };
    const folders = [...Object.values(contract.rawSources).map((segment) => `${contract.lake.raw}${segment}/`), contract.lake.import];
    const decisions = new Map<string, Decision[]>();
    for (const folder of folders) {
        const resource = `${bucketArn}/${folder}snapshot_date=2026-11-20/me/20261120T060000Z-p0000.json`;
        const context = { "aws:SecureTransport": "true" };
        decisions.set(folder, [
            await decide(administrator, { action: "s3:DeleteObject", resource, context }),
            await decide(administrator, { action: "s3:DeleteObjectVersion", resource, context }),
            await decide(administrator, { action: "s3:PutObject", resource, context }),
        ]);
    }
    return decisions;
}
