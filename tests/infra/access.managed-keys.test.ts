// The production stack encrypts its buckets with the AWS managed key of S3 (`bucketEncryption: aws:kms`), and both
// stacks keep the Spotify credentials under Secrets Manager's. No role's own policy names KMS: the managed keys' own
// policies grant their use to every principal of the account, through their service only. Whether a permissions
// boundary limits that grant to `*` (as it limits a grant to the role's ARN) AWS does not document, so the boundary
// allows the keys' use through those two services itself: the roles write and read encrypted objects and the secret
// through S3 and Secrets Manager either way, and use neither key directly. Proved here by simulation, with the key
// policies AWS gives those keys, and with key policies that name each role instead.
import * as assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { boundaryPolicy } from "../../infra/bootstrap/policies";
import { scopeOf, stackRolePrincipals } from "./helpers/accessInvariants";
import { decide, useResourcePolicies, type Principal } from "./helpers/iamSimulation";
import { fakeAccountId, fakeFunctionsPackage, runStack, exampleStack, type StackRun } from "./helpers/stackHarness";

const region = "eu-north-1";
const s3Key = `arn:aws:kms:${region}:${fakeAccountId}:key/aaaaaaaa-0000-0000-0000-00000000s3aa`;
const secretsKey = `arn:aws:kms:${region}:${fakeAccountId}:key/bbbbbbbb-0000-0000-0000-0000secrets0`;

/** The policy AWS gives an account's managed key of a service: its use through that service, to the account's principals. */
function managedKeyPolicy(service: string, actions: string[]): unknown {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: `Allow access through ${service} for all principals in the account that are authorized to use ${service}`,
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: actions,
                Resource: "*",
                Condition: { StringEquals: { "kms:CallerAccount": fakeAccountId, "kms:ViaService": `${service}.${region}.amazonaws.com` } },
            },
            { Sid: "Allow direct access to key metadata to the account", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${fakeAccountId}:root` }, Action: ["kms:Describe*", "kms:Get*", "kms:List*"], Resource: "*" },
        ],
    };
}

const managedKeys = (arn: string): unknown =>
    arn === s3Key ? managedKeyPolicy("s3", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"])
        : arn === secretsKey ? managedKeyPolicy("secretsmanager", ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant", "kms:DescribeKey", "kms:GenerateDataKey*"])
            : undefined;
useResourcePolicies({ forResource: managedKeys });

describe("the example Pulumi.production.yaml: the AWS managed keys, by IAM simulation", () => {
    let run: StackRun;
    let roles: { role: string; principal: Principal }[];
    before(async () => {
        run = await runStack("production", { ...exampleStack("production"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []);
        roles = stackRolePrincipals(run, boundaryPolicy(scopeOf("production")));
    });

    test("the buckets are encrypted with the AWS managed key, and no role's own policy names KMS", () => {
        const rules = run.resources.filter((r) => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        assert.ok(rules.length >= 2);
        assert.match(JSON.stringify(rules.map((r) => r.inputs)), /"sseAlgorithm":"aws:kms"/);
        assert.doesNotMatch(JSON.stringify(rules.map((r) => r.inputs)), /kmsMasterKeyId/);
        assert.ok(roles.length >= 3);
        assert.deepEqual(roles.filter((r) => JSON.stringify(r.principal.policies).includes("kms:")).map((r) => r.role), []);
        // Athena's results too: the workgroup asks for no encryption of its own, which would override the bucket's key.
        const workgroups = run.resources.filter((r) => r.type === "aws:athena/workgroup:Workgroup");
        assert.equal(workgroups.length, 1);
        const results = (workgroups[0]!.inputs["configuration"] as { resultConfiguration: Record<string, unknown> }).resultConfiguration;
        assert.ok(results["outputLocation"]);
        assert.equal(results["encryptionConfiguration"], undefined);
    });

    test("every role of the stack uses the S3 key through S3, inside the boundary, and not directly", async () => {
        const through = { "kms:ViaService": `s3.${region}.amazonaws.com`, "kms:CallerAccount": fakeAccountId };
        for (const { role, principal } of roles) {
            for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
                assert.equal(await decide(principal, { action, resource: s3Key, context: through }), "Allowed", `${role} ${action} through S3`);
                assert.equal(await decide(principal, { action, resource: s3Key, context: { "kms:CallerAccount": fakeAccountId } }), "ImplicitlyDenied", `${role} ${action} directly`);
                assert.equal(await decide(principal, { action, resource: secretsKey, context: through }), "ImplicitlyDenied", `${role} ${action} of the secrets key through S3`);
            }
        }
    });

    test("the extract function reads the Spotify credentials' key through Secrets Manager, and no other way", async () => {
        const extract = roles.filter((r) => r.role.includes("-extract-"));
        assert.equal(extract.length, 1);
        const { principal } = extract[0]!;
        const through = { "kms:ViaService": `secretsmanager.${region}.amazonaws.com`, "kms:CallerAccount": fakeAccountId };
        assert.equal(await decide(principal, { action: "kms:Decrypt", resource: secretsKey, context: through }), "Allowed");
        assert.equal(await decide(principal, { action: "kms:Decrypt", resource: secretsKey, context: { "kms:CallerAccount": fakeAccountId } }), "ImplicitlyDenied");
        // Another account's principal, even through the service, may not.
        const stranger: Principal = { ...principal, arn: "arn:aws:iam::999988887777:role/spotify-production-extract-x", accountId: "999988887777" };
        assert.equal(await decide(stranger, { action: "kms:Decrypt", resource: secretsKey, context: { ...through, "kms:CallerAccount": "999988887777" } }), "ImplicitlyDenied");
    });

    test("a boundary that limits the keys' grant as it limits a grant to the role's ARN still lets each role use them through their services", async () => {
        // Key policies granting each role by its ARN: a grant a permissions boundary does limit, so only the boundary's own
        // allowance lets these through.
        const naming = (service: string, role: string) => ({
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow", Principal: { AWS: role }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": `${service}.${region}.amazonaws.com` } },
            }],
        });
        try {
            for (const { role, principal } of roles) {
                useResourcePolicies({ forResource: (arn) => arn === s3Key ? naming("s3", principal.arn) : arn === secretsKey ? naming("secretsmanager", principal.arn) : undefined });
                for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
                    assert.equal(await decide(principal, { action, resource: s3Key, context: { "kms:ViaService": `s3.${region}.amazonaws.com` } }), "Allowed", `${role} ${action} through S3`);
                    assert.equal(await decide(principal, { action, resource: secretsKey, context: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } }),
                        "Allowed", `${role} ${action} through Secrets Manager`);
                    assert.equal(await decide(principal, { action, resource: s3Key, context: { "kms:ViaService": `sqs.${region}.amazonaws.com` } }), "ImplicitlyDenied", `${role} ${action} through SQS`);
                }
                // Without the boundary's allowance, the same grant is refused: the case the allowance is for.
                const without = { ...principal, boundary: { ...boundaryPolicy(scopeOf("production")), Statement: boundaryPolicy(scopeOf("production")).Statement.filter((st) => st.Sid !== "ManagedKeysThroughTheirServices") } };
                assert.equal(await decide(without, { action: "kms:Decrypt", resource: s3Key, context: { "kms:ViaService": `s3.${region}.amazonaws.com` } }), "ImplicitlyDenied", `${role} without the allowance`);
            }
        } finally {
            useResourcePolicies({ forResource: managedKeys });
        }
    });
});
