// The permissions boundary the bootstrap program writes in a partition whose endpoints end in a DNS suffix of their own
// (China's amazonaws.com.cn, the European Sovereign Cloud's amazonaws.eu), evaluated by IAM simulation: a stack's roles
// use the AWS managed keys through that partition's S3 and Secrets Manager. One bootstrap run per test file: the
// program is loaded once per process.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { decide, useResourcePolicies, type Principal } from "./iamSimulation";
import { fakeAccountId, infraDir, partitionOf, runStack, type StackRun } from "./stackHarness";

export function bootstrapBoundaryTest(region: string): void {
    const { partition, dnsSuffix } = partitionOf(region);
    const elsewhere = [...new Set(["eu-north-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1"].map((r) => partitionOf(r).dnsSuffix))].filter((s) => s !== dnsSuffix);

    describe(`the bootstrap program run in ${region} (${partition})`, () => {
        let run: StackRun;
        before(async () => {
            run = await runStack("ci", {
                "aws:region": region,
                "spotify-stack-ci:githubRepository": "octo-org/spotify-stack",
                "spotify-stack-ci:manageGitHub": "false",
                "spotify-stack-ci:githubRepositoryId": "98765",
            }, [], { project: "spotify-stack-ci", entry: path.join(infraDir, "bootstrap", "index.ts") });
        });

        for (const stack of ["dev", "production"]) {
            test(`${stack}: the boundary it writes lets the stack's roles use the AWS managed keys through S3 and Secrets Manager of ${partition}, and through no other endpoint`, async () => {
                const written = run.resources.find((r) => r.type === "aws:iam/policy:Policy" && r.name === `${stack}-boundary`);
                assert.ok(written, `${stack}-boundary`);
                const role: Principal = {
                    arn: `arn:${partition}:iam::${fakeAccountId}:role/spotify-${stack}-extract-role-0a1b2c3`,
                    accountId: fakeAccountId,
                    policies: [],
                    boundary: JSON.parse(written.inputs["policy"] as string) as unknown,
                };
                const key = `arn:${partition}:kms:${region}:${fakeAccountId}:key/aaaaaaaa-0000-0000-0000-000000000000`;
                // A key policy granting the role by its ARN, whatever the service: a grant the boundary limits.
                useResourcePolicies({ forResource: (arn) => arn === key ? {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { AWS: role.arn }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" }],
                } : undefined });
                try {
                    const via = (endpoint: string, action = "kms:Decrypt") => decide(role, { action, resource: key, context: { "kms:ViaService": endpoint } });
                    assert.equal(await via(`s3.${region}.${dnsSuffix}`, "kms:GenerateDataKey"), "Allowed", "PutObject's data key, SSE-KMS");
                    assert.equal(await via(`s3.${region}.${dnsSuffix}`), "Allowed", "GetObject, SSE-KMS");
                    assert.equal(await via(`secretsmanager.${region}.${dnsSuffix}`), "Allowed", "GetSecretValue");
                    assert.equal(await via(`sqs.${region}.${dnsSuffix}`), "ImplicitlyDenied", "another service");
                    for (const other of elsewhere) {
                        assert.equal(await via(`s3.${region}.${other}`), "ImplicitlyDenied", `s3.${region}.${other}`);
                    }
                } finally {
                    useResourcePolicies({ forResource: () => undefined });
                }
            });
        }
    });
}
