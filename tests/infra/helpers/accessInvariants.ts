// Who can do what, proved by simulation: the bootstrap's policies for a stack, evaluated by an IAM policy simulator
// against every resource the stack declares under Pulumi's mocks. Each access.*.test.ts runs one stack and
// registers these tests.
import * as assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
    boundaryArn, boundaryPolicy, deployPolicy, previewPolicy, secretsKeyPolicy, stateObjects, type PolicyDocument, type StackScope,
} from "../../../infra/bootstrap/policies";
import { allowed, decide, notApplicable, refused, useResourcePolicies, type Principal } from "./iamSimulation";
import { fakeAccountId, type StackRun } from "./stackHarness";
import { typesWithoutActions, upRequests, type Request, type Where } from "./upActions";

export const stateBucket = "octo-pulumi-state";
const keyArn = (stack: string): string => `arn:aws:kms:eu-north-1:${fakeAccountId}:key/0a1b2c3d-${stack}-secrets`;

export function scopeOf(stack: string, namePrefix = "spotify"): StackScope {
    return { partition: "aws", dnsSuffix: "amazonaws.com", accountId: fakeAccountId, namePrefix, stack, stateBucket, secretsKeyArn: keyArn(stack), reviewed: stack === "production" };
}

export const rolePrincipal = (name: string, policy: PolicyDocument): Principal =>
    ({ arn: `arn:aws:iam::${fakeAccountId}:role/${name}`, accountId: fakeAccountId, policies: [policy] });

/** Runs the stack's inline role policies with the stack's boundary, as AWS evaluates the functions' requests. */
export function stackRolePrincipals(run: StackRun, boundary: PolicyDocument): { role: string; principal: Principal; policy: PolicyDocument }[] {
    return run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").map((r) => {
        const policy = JSON.parse(String(r.inputs["policy"])) as PolicyDocument;
        return {
            role: String(r.inputs["role"]),
            policy,
            principal: { arn: `arn:aws:iam::${fakeAccountId}:role/${String(r.inputs["role"])}`, accountId: fakeAccountId, policies: [policy], boundary },
        };
    });
}

/** A concrete request for each action and resource of a statement: `*` in a resource becomes a sample name. */
function statementRequests(policy: PolicyDocument): Request[] {
    return policy.Statement.filter((s) => s.Effect === "Allow").flatMap((s) => {
        const actions = [s.Action].flat();
        const resources = [s.Resource ?? []].flat();
        const context: Record<string, string> = {};
        for (const [, block] of Object.entries(s.Condition ?? {})) {
            for (const [key, value] of Object.entries(block)) {
                context[key] = String([value].flat()[0]).replace(/\*$/, "sample");
            }
        }
        return actions.flatMap((action) => resources.map((resource) => ({
            action,
            // A log group's `:*` stands for its streams.
            resource: resource.replace(/(:log-group:[^:*]+):\*$/, "$1:log-stream:sample").replace(/\*/g, "sample"),
            ...(Object.keys(context).length === 0 ? {} : { context }),
        })));
    });
}

// Every stack's secrets key carries the key policy the bootstrap gives it.
useResourcePolicies({ forResource: (arn) => (arn.startsWith("arn:aws:kms:") ? secretsKeyPolicy({ partition: "aws", accountId: fakeAccountId }) : undefined) });

export function describeAccess(label: string, load: () => Promise<StackRun>, otherStack: string): void {
    describe(`${label}: who can do what, by IAM simulation`, () => {
        let run: StackRun;
        let where: Where;
        let scope: StackScope;
        let deploy: Principal;
        let preview: Principal;
        let otherDeploy: Principal;
        let otherPreview: Principal;
        before(async () => {
            run = await load();
            scope = scopeOf(run.stack, run.config["spotify-stack:namePrefix"] ?? "spotify");
            const other = scopeOf(otherStack, scope.namePrefix);
            where = { region: run.config["aws:region"] ?? "eu-north-1", accountId: fakeAccountId, boundary: boundaryArn(scope), resources: run.resources };
            deploy = rolePrincipal(`github-actions-${scope.namePrefix}-${run.stack}-deploy`, deployPolicy(scope));
            preview = rolePrincipal(`github-actions-${scope.namePrefix}-${run.stack}-preview`, previewPolicy(scope));
            otherDeploy = rolePrincipal(`github-actions-${scope.namePrefix}-${otherStack}-deploy`, deployPolicy(other));
            otherPreview = rolePrincipal(`github-actions-${scope.namePrefix}-${otherStack}-preview`, previewPolicy(other));
        });

        test("every resource type the stack declares has the actions pulumi up calls for it", () => {
            assert.deepEqual(typesWithoutActions(run.resources), []);
        });

        test("the deploy role may do everything pulumi up of the stack calls, on every declared resource", async () => {
            const requests = upRequests(run.resources, where, "all");
            assert.ok(requests.length > 100, `${requests.length} requests`);
            assert.deepEqual(await refused(deploy, requests), []);
        });

        test("the preview role may read every declared resource, and change none", async () => {
            assert.deepEqual(await refused(preview, upRequests(run.resources, where, "read")), []);
            const writes = upRequests(run.resources, where, "all").filter((r) => !/^[a-z0-9]+:(Get|List|Describe|BatchGet)/.test(r.action));
            assert.ok(writes.length > 50);
            assert.deepEqual(await allowed(preview, writes), []);
        });

        test(`the ${otherStack} stack's roles can neither change nor read this stack's resources`, async () => {
            // The account-wide reads (Glue's catalog and classifiers, the list of log groups) name no stack.
            const own = upRequests(run.resources, where, "all").filter((r) => r.resource !== "*" && !r.resource.endsWith(":catalog") && !r.resource.endsWith("log-group:*"));
            assert.deepEqual(await allowed(otherDeploy, own), []);
            assert.deepEqual(await allowed(otherPreview, own), []);
        });

        test("the deploy role creates no role without the stack's boundary, and cannot remove or rewrite the boundary", async () => {
            const role = `arn:aws:iam::${fakeAccountId}:role/${scope.namePrefix}-${run.stack}-extract-role-new`;
            const denied: Request[] = [
                { action: "iam:CreateRole", resource: role },
                { action: "iam:CreateRole", resource: role, context: { "iam:PermissionsBoundary": boundaryArn(scopeOf(otherStack, scope.namePrefix)) } },
                { action: "iam:CreateRole", resource: role, context: { "iam:PermissionsBoundary": `arn:aws:iam::aws:policy/AdministratorAccess` } },
                { action: "iam:PutRolePermissionsBoundary", resource: role, context: { "iam:PermissionsBoundary": `arn:aws:iam::aws:policy/AdministratorAccess` } },
                { action: "iam:PutRolePolicy", resource: role },
                { action: "iam:DeleteRolePermissionsBoundary", resource: role },
                { action: "iam:AttachRolePolicy", resource: role, context: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess", "iam:PermissionsBoundary": boundaryArn(scope) } },
                { action: "iam:CreatePolicyVersion", resource: boundaryArn(scope) },
                { action: "iam:DeletePolicy", resource: boundaryArn(scope) },
                { action: "iam:SetDefaultPolicyVersion", resource: boundaryArn(scope) },
                // The workflows' own roles are outside the stack's names.
                { action: "iam:UpdateAssumeRolePolicy", resource: `arn:aws:iam::${fakeAccountId}:role/github-actions-${scope.namePrefix}-${run.stack}-deploy` },
                { action: "iam:PassRole", resource: role, context: { "iam:PassedToService": "ec2.amazonaws.com" } },
            ];
            assert.deepEqual(await allowed(deploy, denied), []);
            assert.deepEqual(await refused(deploy, [{ action: "iam:CreateRole", resource: role, context: { "iam:PermissionsBoundary": boundaryArn(scope) } }]), []);
        });

        test("no workflow role reads or writes a secret's value; only the extract function does", async () => {
            const secret = String(run.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret")?.state["arn"]);
            const valueRequests: Request[] = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"].map((action) => ({ action, resource: secret }));
            // Nor makes an earlier version the one the function reads.
            const stageRequests: Request[] = [{ action: "secretsmanager:UpdateSecretVersionStage", resource: secret }];
            // Nor lets another principal read it: a resource policy, a rotation function or a replica would.
            const sharingRequests: Request[] = ["secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy", "secretsmanager:RotateSecret",
                "secretsmanager:ReplicateSecretToRegions"].map((action) => ({ action, resource: secret }));
            for (const principal of [deploy, preview, otherDeploy, otherPreview]) {
                assert.deepEqual(await allowed(principal, [...valueRequests, ...stageRequests, ...sharingRequests]), [], principal.arn);
            }
            const functions = stackRolePrincipals(run, boundaryPolicy(scope)).filter((p) => p.role.includes("-extract-"));
            assert.equal(functions.length, 1);
            assert.deepEqual(await refused(functions[0]!.principal, valueRequests), []);
        });

        test("the deploy role deletes a reviewed stack's secret only with a recovery window of a week or more; another stack's as its config asks", async () => {
            const secret = String(run.resources.find((r) => r.type === "aws:secretsmanager/secret:Secret")?.state["arn"]);
            const deleting = (days: number | "forced"): Request => ({ action: "secretsmanager:DeleteSecret", resource: secret, context: days === "forced"
                ? { "secretsmanager:ForceDeleteWithoutRecovery": "true" } : { "secretsmanager:RecoveryWindowInDays": String(days), "secretsmanager:ForceDeleteWithoutRecovery": "false" } });
            assert.deepEqual(await refused(deploy, [7, 8, 30].map(deleting)), []);
            const unrecoverable = (["forced", 0, 1, 6] as const).map(deleting);
            assert.deepEqual(await (scope.reviewed === true ? allowed : refused)(deploy, unrecoverable), []);
        });

        test("no workflow role runs a function or reads the log events a function wrote, nor lets anyone else", async () => {
            const functions = run.resources.filter((r) => r.type === "aws:lambda/function:Function").map((r) => String(r.state["arn"]));
            const logGroups = run.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup").map((r) => String(r.state["arn"]));
            assert.ok(functions.length >= 2 && logGroups.length >= 2);
            // A permission for anyone, another account or a service the stack does not use: each would let another run it.
            const invokers = ["*", "999988887777", "arn:aws:iam::999988887777:root", "lambda.amazonaws.com", "sns.amazonaws.com", "apigateway.amazonaws.com"];
            const requests: Request[] = [
                ...functions.flatMap((resource) => ["lambda:InvokeFunction", "lambda:InvokeAsync", "lambda:CreateFunctionUrlConfig",
                    "lambda:UpdateFunctionUrlConfig", "lambda:PutResourcePolicy"].map((action) => ({ action, resource }))),
                ...functions.flatMap((resource) => invokers.map((principal) =>
                    ({ action: "lambda:AddPermission", resource, context: { "lambda:Principal": principal } }))),
                ...logGroups.flatMap((group) => ["logs:FilterLogEvents", "logs:StartQuery", "logs:StartLiveTail", "logs:Unmask", "logs:CreateExportTask",
                    "logs:PutSubscriptionFilter", "logs:IntegrateWithS3Table", "logs:IntegrateWithDataset"].map((action) => ({ action, resource: group }))),
                ...logGroups.map((group) => ({ action: "logs:GetLogEvents", resource: `${group}:log-stream:2026/11/25/[$LATEST]0123456789abcdef` })),
            ];
            for (const principal of [deploy, preview, otherDeploy, otherPreview]) {
                assert.deepEqual(await allowed(principal, requests), [], principal.arn);
            }
            // The two services the stack's permissions name stay open to the deploy role.
            const stackInvokers: Request[] = functions.flatMap((resource) => ["events.amazonaws.com", "s3.amazonaws.com"].map((principal) =>
                ({ action: "lambda:AddPermission", resource, context: { "lambda:Principal": principal } })));
            assert.deepEqual(await refused(deploy, stackInvokers), []);
        });

        test("no workflow role changes the account's catalog-wide settings, which the catalog's ARN also carries", async () => {
            const catalog = `arn:aws:glue:eu-west-1:${fakeAccountId}:catalog`;
            const requests: Request[] = ["glue:PutResourcePolicy", "glue:DeleteResourcePolicy", "glue:PutDataCatalogEncryptionSettings",
                "glue:ImportCatalogToGlue", "glue:UpdateCatalog", "glue:CreateCatalog", "glue:DeleteCatalog", "glue:CreateConnection",
                "glue:DeleteConnection"].map((action) => ({ action, resource: catalog }));
            for (const principal of [deploy, preview, otherDeploy, otherPreview]) {
                assert.deepEqual(await allowed(principal, requests), [], principal.arn);
            }
        });

        test("no workflow role reads or writes the lake's objects; the deploy role only deletes them, as a destroy empties a bucket", async () => {
            const buckets = run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => String(r.state["arn"]));
            assert.ok(buckets.length >= 3);
            const objects = buckets.flatMap((bucket) => ["raw/recently_played/2026/11/25/page.json", "import/my_spotify_data.zip", "transformed/plays/snapshot_date=2026-11-25/plays.parquet"]
                .map((key) => `${bucket}/${key}`));
            const requests: Request[] = objects.flatMap((resource) => ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl",
                "s3:RestoreObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:GetObjectAttributes"].map((action) => ({ action, resource })));
            for (const principal of [deploy, preview, otherDeploy, otherPreview]) {
                assert.deepEqual(await allowed(principal, requests), [], principal.arn);
            }
            const deletes: Request[] = objects.flatMap((resource) => ["s3:DeleteObject", "s3:DeleteObjectVersion"].map((action) => ({ action, resource })));
            assert.deepEqual(await refused(deploy, deletes), []);
            assert.deepEqual(await allowed(preview, deletes), []);
        });

        test("no workflow role assumes any role, in this account or another", async () => {
            const requests: Request[] = [
                { action: "sts:AssumeRole", resource: "arn:aws:iam::999988887777:role/anything" },
                { action: "sts:AssumeRole", resource: `arn:aws:iam::${fakeAccountId}:role/OrganizationAccountAccessRole` },
                { action: "sts:AssumeRole", resource: `arn:aws:iam::${fakeAccountId}:role/${scope.namePrefix}-${run.stack}-extract-role-0a1b2c3` },
            ];
            for (const principal of [deploy, preview]) {
                assert.deepEqual(await allowed(principal, requests), [], principal.arn);
            }
        });

        test("each role decrypts with its own stack's KMS key only, and encrypts with none", async () => {
            for (const principal of [deploy, preview]) {
                assert.deepEqual(await refused(principal, [{ action: "kms:Decrypt", resource: keyArn(run.stack) }]), []);
                assert.deepEqual(await allowed(principal, [
                    { action: "kms:Decrypt", resource: keyArn(otherStack) },
                    { action: "kms:Encrypt", resource: keyArn(run.stack) },
                    { action: "kms:ReEncryptFrom", resource: keyArn(run.stack) },
                    { action: "kms:CreateGrant", resource: keyArn(run.stack) },
                    { action: "kms:ScheduleKeyDeletion", resource: keyArn(run.stack) },
                ]), []);
            }
        });

        test("state: deploy writes its stack's checkpoint and locks, preview only reads its checkpoint, neither touches the other stack's", async () => {
            const own = stateObjects(scope);
            const other = stateObjects(scopeOf(otherStack, scope.namePrefix));
            const object = (arn: string) => arn.replace(/\*$/, "20261123T090000.json");
            // The keys the Pulumi CLI writes for a project-scoped stack of this project, spelled out rather than derived
            // from the policy: its checkpoint and the copy it keeps, a history entry, a backup and a lock.
            const pulumiKeys = (stack: string) => [
                `.pulumi/stacks/spotify-stack/${stack}.json`,
                `.pulumi/stacks/spotify-stack/${stack}.json.bak`,
                // The checkpoint of a backend that compresses the state (PULUMI_DIY_BACKEND_GZIP=true), and its copy.
                `.pulumi/stacks/spotify-stack/${stack}.json.gz`,
                `.pulumi/stacks/spotify-stack/${stack}.json.gz.bak`,
                `.pulumi/stacks/spotify-stack/${stack}.pulumi-tags`,
                `.pulumi/history/spotify-stack/${stack}/${stack}-1763888400000000000.history.json`,
                `.pulumi/history/spotify-stack/${stack}/${stack}-1763888400000000000.checkpoint.json`,
                `.pulumi/backups/spotify-stack/${stack}/${stack}.1763888400000000000.json`,
                `.pulumi/locks/organization/spotify-stack/${stack}/7c9e6679-7425-40de-944b-e07fc1f90ae7.json`,
            ].map((key) => `arn:aws:s3:::${stateBucket}/${key}`);
            const lock = pulumiKeys(run.stack).find((arn) => arn.includes("/locks/"))!;
            assert.deepEqual(await refused(deploy, [
                ...pulumiKeys(run.stack).flatMap((arn) => ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"].map((action) => ({ action, resource: arn }))),
                { action: "s3:ListBucket", resource: `arn:aws:s3:::${stateBucket}`, context: { "s3:prefix": ".pulumi/stacks/" } },
            ]), []);
            // Every preview and update reads the stack's tags; one that is not there yet must answer 404 ("none yet"), which S3
            // answers only to a caller that may list the bucket without naming a prefix (403 otherwise, and the CLI stops).
            const tags = `arn:aws:s3:::${stateBucket}/.pulumi/stacks/spotify-stack/${run.stack}.pulumi-tags`;
            const listing = { action: "s3:ListBucket", resource: `arn:aws:s3:::${stateBucket}` };
            // The checkpoint as a preview finds it, plain or compressed (the newer of the two where a backend once compressed it).
            const checkpoints = ["json", "json.gz"].map((suffix) => `arn:aws:s3:::${stateBucket}/.pulumi/stacks/spotify-stack/${run.stack}.${suffix}`);
            assert.deepEqual(await refused(preview, [
                ...checkpoints.map((resource) => ({ action: "s3:GetObject", resource })), { action: "s3:GetObject", resource: own.meta[0]! },
                { action: "s3:GetObject", resource: tags }, listing,
            ]), []);
            assert.deepEqual(await refused(deploy, [listing]), []);
            assert.deepEqual(await allowed(preview, [
                { action: "s3:PutObject", resource: lock },
                { action: "s3:DeleteObject", resource: lock },
                ...checkpoints.map((resource) => ({ action: "s3:PutObject", resource })),
            ]), [], "a preview takes no lock, so it can delete none");
            const others = [...other.all.map(object), ...pulumiKeys(otherStack)]
                .flatMap((arn) => ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"].map((action) => ({ action, resource: arn })));
            assert.deepEqual(await allowed(deploy, others), []);
            assert.deepEqual(await allowed(preview, others), []);
        });

        test("every role the stack creates can do what its inline policy asks, inside the boundary", async () => {
            const roles = stackRolePrincipals(run, boundaryPolicy(scope));
            assert.ok(roles.length >= 3);
            for (const { role, principal, policy } of roles) {
                // A statement may list actions of several resource types; AWS applies each action to the types it knows.
                const outcomes = await Promise.all(statementRequests(policy).map(async (request) => {
                    try {
                        return { request, decision: await decide(principal, request) };
                    } catch (error) {
                        if (notApplicable.test(String(error))) {
                            return { request, decision: "NotApplicable" as const };
                        }
                        throw error;
                    }
                }));
                const applicable = outcomes.filter((o) => o.decision !== "NotApplicable");
                assert.deepEqual(applicable.filter((o) => o.decision !== "Allowed").map((o) => `${o.request.action} ${o.request.resource}: ${o.decision}`), [], role);
                const actions = new Set(outcomes.map((o) => o.request.action));
                assert.deepEqual([...actions].filter((a) => !applicable.some((o) => o.request.action === a)), [], `${role}: actions with no resource they apply to`);
            }
        });

        test("the boundary holds a stack's role to the stack, whatever inline policy it is given", async () => {
            const admin: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "All", Effect: "Allow", Action: ["*"], Resource: ["*"] }] };
            const bounded: Principal = { arn: `arn:aws:iam::${fakeAccountId}:role/${scope.namePrefix}-${run.stack}-x`, accountId: fakeAccountId, policies: [admin], boundary: boundaryPolicy(scope) };
            const other = scopeOf(otherStack, scope.namePrefix);
            assert.deepEqual(await allowed(bounded, [
                { action: "iam:CreateRole", resource: `arn:aws:iam::${fakeAccountId}:role/escalated` },
                { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${fakeAccountId}:role/github-actions-${scope.namePrefix}-${run.stack}-deploy` },
                { action: "s3:GetObject", resource: `arn:aws:s3:::${scope.namePrefix}-${otherStack}-lake-raw-0a1b2c3/raw/x.json` },
                { action: "s3:GetObject", resource: `arn:aws:s3:::${stateBucket}/.pulumi/stacks/spotify-stack/${run.stack}.json` },
                { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:eu-north-1:${fakeAccountId}:secret:${scope.namePrefix}-${otherStack}-spotify-credentials-AbCdEf` },
                { action: "kms:Decrypt", resource: other.secretsKeyArn },
                { action: "sts:AssumeRole", resource: "arn:aws:iam::999988887777:role/anything" },
                { action: "lambda:UpdateFunctionCode", resource: `arn:aws:lambda:eu-north-1:${fakeAccountId}:function:${scope.namePrefix}-${run.stack}-extract` },
            ]), []);
        });
    });
}
