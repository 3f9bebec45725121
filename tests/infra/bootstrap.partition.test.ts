// The bootstrap in each AWS partition: every ARN of every document it writes is in the account's partition (aws,
// aws-cn, aws-us-gov), the secrets key's policy names the account's root there (KMS refuses a principal of another
// partition), and the boundary the deploy role requires is the one the stack program puts on its roles
// (infra/index.ts takes the partition from aws.getPartition and computes it with permissionsBoundaryArn).
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { permissionsBoundaryArn } from "../../infra/boundary";
import {
    boundaryPolicy, deployPolicy, deploySubject, previewPolicy, previewSubjects, secretsKeyPolicy, stateBucketPolicy, trustPolicy, type StackScope,
} from "../../infra/bootstrap/policies";
import { fakeAccountId, infraDir, partitionOf, runStack, type StackRun } from "./helpers/stackHarness";

const partitions = ["aws", "aws-cn", "aws-us-gov"] as const;
const regions: Record<(typeof partitions)[number], string> = { "aws": "eu-north-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1" };
const stateBucket = "octo-pulumi-state";

/** Every string of a JSON document, keys included (a condition's key may carry an ARN too). */
function strings(value: unknown, found: string[] = []): string[] {
    if (typeof value === "string") {
        found.push(value);
    } else if (Array.isArray(value)) {
        value.forEach((v) => strings(v, found));
    } else if (typeof value === "object" && value !== null) {
        for (const [key, v] of Object.entries(value)) {
            found.push(key);
            strings(v, found);
        }
    }
    return found;
}

/** The ARNs of a document that are not in `partition`. */
const foreignArns = (document: unknown, partition: string): string[] =>
    strings(document).filter((s) => s.startsWith("arn:") && !s.startsWith(`arn:${partition}:`));

type Statement = { Sid: string; Principal?: unknown; Condition?: Record<string, Record<string, string | string[]>> };

/** The values the statements' conditions compare iam:PermissionsBoundary against. */
const boundaryConditions = (statements: readonly Statement[]): string[] =>
    statements.flatMap((s) => Object.values(s.Condition ?? {}).flatMap((block) => [block["iam:PermissionsBoundary"] ?? []].flat()));

for (const partition of partitions) {
    describe(`the bootstrap's documents in the ${partition} partition`, () => {
        const region = regions[partition];
        const scope = (stack: string, namePrefix = "spotify"): StackScope => ({
            partition, dnsSuffix: partitionOf(region).dnsSuffix, accountId: fakeAccountId, namePrefix, stack, stateBucket,
            secretsKeyArn: `arn:${partition}:kms:${region}:${fakeAccountId}:key/0a1b2c3d-${stack}-secrets`,
        });
        const provider = `arn:${partition}:iam::${fakeAccountId}:oidc-provider/token.actions.githubusercontent.com`;
        const documents = (s: StackScope): Record<string, unknown> => ({
            "state bucket policy": stateBucketPolicy(s),
            "secrets key policy": secretsKeyPolicy(s),
            "permissions boundary": boundaryPolicy(s),
            "preview trust": trustPolicy(provider, previewSubjects(424242, s.stack)),
            "preview policy": previewPolicy(s),
            "deploy trust": trustPolicy(provider, deploySubject(424242, s.stack)),
            "deploy policy": deployPolicy(s),
        });

        for (const [stack, namePrefix] of [["dev", "spotify"], ["production", "octo-etl"]] as const) {
            test(`${namePrefix} ${stack}: no ARN names another partition`, () => {
                for (const [name, document] of Object.entries(documents(scope(stack, namePrefix)))) {
                    assert.deepEqual(foreignArns(document, partition), [], name);
                    assert.ok(strings(document).some((s) => s.startsWith(`arn:${partition}:`)) || name.includes("trust"), `${name} names ARNs`);
                }
            });

            test(`${namePrefix} ${stack}: the secrets key's policy names the account's root in the partition`, () => {
                const principals = secretsKeyPolicy(scope(stack, namePrefix)).Statement.map((s) => (s.Principal as { AWS: string }).AWS);
                assert.deepEqual(principals, [`arn:${partition}:iam::${fakeAccountId}:root`]);
            });

            test(`${namePrefix} ${stack}: the deploy role requires the boundary the stack program puts on its roles`, () => {
                const expected = permissionsBoundaryArn(partition, fakeAccountId, namePrefix, stack);
                const compared = boundaryConditions(deployPolicy(scope(stack, namePrefix)).Statement as readonly Statement[]);
                // BoundedStackRoles allows with it, NoRoleWithoutTheBoundary denies without it.
                assert.equal(compared.length, 2);
                assert.deepEqual(new Set(compared), new Set([expected]));
            });
        }
    });
}

// The program itself, run under mocks in GovCloud (the mocks answer getPartition and name their ARNs by the region's
// partition): what index.ts passes on to the documents.
describe("the bootstrap program run in aws-us-gov", () => {
    const partition = "aws-us-gov";
    let run: StackRun;
    before(async () => {
        run = await runStack("ci", {
            "aws:region": regions[partition],
            "spotify-stack-ci:githubRepository": "octo-org/spotify-stack",
            "spotify-stack-ci:manageGitHub": "false",
            "spotify-stack-ci:githubRepositoryId": "98765",
            "spotify-stack-ci:stateBucket": stateBucket,
        }, [], { project: "spotify-stack-ci", entry: path.join(infraDir, "bootstrap", "index.ts") });
    });
    const documentOf = (type: string, name: string, input: string): { Statement: Statement[] } => {
        const resource = run.resources.find((r) => r.type === type && r.name === name);
        assert.ok(resource, `${type} ${name}`);
        return JSON.parse(resource.inputs[input] as string) as { Statement: Statement[] };
    };

    test("every document it writes names ARNs of aws-us-gov only", () => {
        const written = run.resources.flatMap((r) => ["policy", "assumeRolePolicy"].filter((k) => typeof r.inputs[k] === "string")
            .map((k) => [`${r.type} ${r.name} ${k}`, JSON.parse(r.inputs[k] as string)] as const));
        // The state bucket's, and per stack the key's, the boundary, two trusts and two role policies.
        assert.equal(written.length, 1 + 2 * 6);
        for (const [name, document] of written) {
            assert.deepEqual(foreignArns(document, partition), [], name);
        }
    });

    for (const stack of ["dev", "production"]) {
        test(`${stack}: the key policy names the account's root in aws-us-gov, and the deploy role requires the boundary the stack computes`, () => {
            const key = documentOf("aws:kms/key:Key", `${stack}-secrets`, "policy");
            assert.deepEqual(key.Statement.map((s) => (s.Principal as { AWS: string }).AWS), [`arn:${partition}:iam::${fakeAccountId}:root`]);
            const deploy = run.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `${stack}-deploy-manage`);
            assert.ok(deploy);
            const compared = boundaryConditions((JSON.parse(deploy.inputs["policy"] as string) as { Statement: Statement[] }).Statement);
            assert.deepEqual(new Set(compared), new Set([permissionsBoundaryArn(partition, fakeAccountId, "spotify", stack)]));
            const boundary = run.resources.find((r) => r.type === "aws:iam/policy:Policy" && r.name === `${stack}-boundary`);
            assert.equal(boundary?.state["arn"], permissionsBoundaryArn(partition, fakeAccountId, "spotify", stack), "the boundary the bootstrap creates");
        });
    }
});
