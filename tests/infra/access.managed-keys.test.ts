// The production stack encrypts its buckets with the AWS managed key of S3 (`bucketEncryption: aws:kms`), and both
// stacks keep the Spotify credentials under Secrets Manager's. No role's own policy names KMS: the managed keys' own
// policies grant their use to every principal of the account, through their service only. Whether a permissions
// boundary limits that grant to `*` (as it limits a grant to the role's ARN) AWS does not document, so the boundary
// allows the keys' use through those two services itself: the roles write and read encrypted objects and the secret
// through S3 and Secrets Manager either way, and use neither key directly. Proved here by simulation, with the key
// policies AWS gives those keys, and with key policies that name each role instead; and in every partition the stack
// deploys to, whose endpoints (which kms:ViaService names) end in the partition's own DNS suffix.
import * as assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import * as aws from "@pulumi/aws";
import { boundaryPolicy } from "../../infra/bootstrap/policies";
import { scopeOf, stackRolePrincipals } from "./helpers/accessInvariants";
import { decide, useResourcePolicies, type Principal } from "./helpers/iamSimulation";
import { fakeAccountId, fakeFunctionsPackage, partitionOf, runStack, exampleStack, type StackRun } from "./helpers/stackHarness";

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

// One stack run per test file: the roles of the production stack, for every test below.
let run: StackRun;
let roles: { role: string; principal: Principal }[];
before(async () => {
    run = await runStack("production", { ...exampleStack("production"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []);
    roles = stackRolePrincipals(run, boundaryPolicy(scopeOf("production")));
});

describe("the example Pulumi.production.yaml: the AWS managed keys, by IAM simulation", () => {

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

/** Every region the AWS provider knows, by the partition aws.getPartition names for it, with the partition's DNS suffix. */
const partitions = new Map<string, { dnsSuffix: string; regions: string[] }>();
for (const region of Object.values(aws.Region) as string[]) {
    const { partition, dnsSuffix } = partitionOf(region);
    const entry = partitions.get(partition) ?? { dnsSuffix, regions: [] };
    entry.regions.push(region);
    partitions.set(partition, entry);
}
const dnsSuffixes = [...new Set([...partitions.values()].map((p) => p.dnsSuffix))];
// The commercial partition, China, GovCloud and the European Sovereign Cloud at least, each with its DNS suffix.
assert.deepEqual(["aws", "aws-cn", "aws-us-gov", "aws-eusc"].map((p) => partitions.get(p)?.dnsSuffix), ["amazonaws.com", "amazonaws.com.cn", "amazonaws.com", "amazonaws.eu"]);

/** A production role of the stack as the bootstrap of `partition` would bound it: its ARNs, and its boundary's, in that partition. */
function inPartition(principal: Principal, partition: string, dnsSuffix: string): Principal {
    const moved = <T>(document: T): T => JSON.parse(JSON.stringify(document).replaceAll("\"arn:aws:", `"arn:${partition}:`)) as T;
    return {
        ...principal,
        arn: principal.arn.replace(/^arn:aws:/, `arn:${partition}:`),
        policies: moved(principal.policies),
        boundary: boundaryPolicy({ ...scopeOf("production"), partition, dnsSuffix }),
    };
}

/** Services that do not use the managed keys on a role's behalf: their endpoints must not pass for S3's or Secrets Manager's. */
const otherServices = ["sqs", "lambda", "sns", "glue", "athena", "ec2"];

describe("the AWS managed keys in every partition: the boundary knows S3 and Secrets Manager by the partition's own endpoints", () => {
    for (const [partition, { dnsSuffix, regions }] of partitions) {
        const keys = (region: string) => ({
            s3: `arn:${partition}:kms:${region}:${fakeAccountId}:key/aaaaaaaa-0000-0000-0000-00000000s3aa`,
            secrets: `arn:${partition}:kms:${region}:${fakeAccountId}:key/bbbbbbbb-0000-0000-0000-0000secrets0`,
        });

        test(`${partition}: each role uses the keys through S3 and Secrets Manager at ${dnsSuffix} in each of its regions, under the keys' AWS policies and under key policies a boundary limits, and through no other service or partition's endpoint`, async () => {
            const bounded = roles.map(({ role, principal }) => ({ role, principal: inPartition(principal, partition, dnsSuffix) }));
            const extract = bounded.filter((r) => r.role.includes("-extract-"));
            assert.equal(extract.length, 1);
            try {
                for (const region of regions) {
                    const { s3, secrets } = keys(region);
                    // The policies AWS gives an account's managed key of a service: its use through that service's endpoint in the region.
                    const managed = (service: string) => ({
                        Version: "2012-10-17",
                        Statement: [{
                            Effect: "Allow", Principal: { AWS: "*" }, Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: "*",
                            Condition: { StringEquals: { "kms:CallerAccount": fakeAccountId, "kms:ViaService": `${service}.${region}.${dnsSuffix}` } },
                        }],
                    });
                    useResourcePolicies({ forResource: (arn) => arn === s3 ? managed("s3") : arn === secrets ? managed("secretsmanager") : undefined });
                    for (const { role, principal } of bounded) {
                        for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
                            const through = { "kms:ViaService": `s3.${region}.${dnsSuffix}`, "kms:CallerAccount": fakeAccountId };
                            assert.equal(await decide(principal, { action, resource: s3, context: through }), "Allowed", `${role} ${action} through S3 in ${region}, AWS's key policy`);
                        }
                    }
                    const through = { "kms:ViaService": `secretsmanager.${region}.${dnsSuffix}`, "kms:CallerAccount": fakeAccountId };
                    assert.equal(await decide(extract[0]!.principal, { action: "kms:Decrypt", resource: secrets, context: through }), "Allowed",
                        `GetSecretValue's decrypt in ${region}, AWS's key policy`);
                }
                // Key policies granting each role by its ARN, whatever the service: a grant a permissions boundary limits, so
                // the boundary alone tells the services and the partitions apart.
                const naming = (role: string) => ({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { AWS: role }, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "*" }],
                });
                for (const { role, principal } of bounded) {
                    useResourcePolicies({ forResource: (arn) => arn.startsWith(`arn:${partition}:kms:`) ? naming(principal.arn) : undefined });
                    for (const region of regions) {
                        const { s3, secrets } = keys(region);
                        for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
                            const via = (endpoint: string, resource: string) => decide(principal, { action, resource, context: { "kms:ViaService": endpoint } });
                            assert.equal(await via(`s3.${region}.${dnsSuffix}`, s3), "Allowed", `${role} ${action} through S3 in ${region}`);
                            assert.equal(await via(`secretsmanager.${region}.${dnsSuffix}`, secrets), "Allowed", `${role} ${action} through Secrets Manager in ${region}`);
                            for (const service of otherServices) {
                                assert.equal(await via(`${service}.${region}.${dnsSuffix}`, s3), "ImplicitlyDenied", `${role} ${action} through ${service} in ${region}`);
                            }
                            for (const other of dnsSuffixes.filter((suffix) => suffix !== dnsSuffix)) {
                                assert.equal(await via(`s3.${region}.${other}`, s3), "ImplicitlyDenied", `${role} ${action} through s3.${region}.${other}`);
                                assert.equal(await via(`secretsmanager.${region}.${other}`, secrets), "ImplicitlyDenied", `${role} ${action} through secretsmanager.${region}.${other}`);
                            }
                            assert.equal(await decide(principal, { action, resource: s3 }), "ImplicitlyDenied", `${role} ${action} directly in ${region}`);
                        }
                    }
                }
            } finally {
                useResourcePolicies({ forResource: managedKeys });
            }
        });
    }
});
