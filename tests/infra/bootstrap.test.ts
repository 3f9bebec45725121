// The bootstrap program (infra/bootstrap): GitHub's OIDC provider and the workflows' two roles. Run with Pulumi's
// mocks; the assertions read the trust and permission documents as AWS would.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import * as yaml from "js-yaml";
import { deployServiceWildcards, previewReadsWithoutResourceScope } from "../../infra/bootstrap/policies";
import { fakeAccountId, infraDir, runStack, type RecordedResource, type StackRun } from "./helpers/stackHarness";

const bootstrapDir = path.join(infraDir, "bootstrap");
const repository = "octo-org/spotify-stack";
const config = {
    "aws:region": "eu-north-1",
    "spotify-stack-ci:githubRepository": repository,
    "spotify-stack-ci:stateBucket": "octo-pulumi-state",
};

interface Statement {
    Sid: string;
    Effect: string;
    Action: string | string[];
    Resource?: string | string[];
    Principal?: { Federated?: string };
    Condition?: Record<string, Record<string, string | string[]>>;
}
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

let run: StackRun;
before(async () => {
    run = await runStack("ci", config, [], { project: "spotify-stack-ci", entry: path.join(bootstrapDir, "index.ts") });
});

const role = (purpose: "preview" | "deploy"): RecordedResource => {
    const found = run.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === purpose);
    assert.ok(found, `no ${purpose} role`);
    return found;
};
const trust = (purpose: "preview" | "deploy"): Statement[] =>
    (JSON.parse(role(purpose).inputs["assumeRolePolicy"] as string) as { Statement: Statement[] }).Statement;
const permissions = (purpose: "preview" | "deploy"): Statement[] => {
    const policies = run.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs["role"] === role(purpose).state["name"]);
    assert.equal(policies.length, 1, `${purpose}: one inline policy`);
    return (JSON.parse(policies[0]!.inputs["policy"] as string) as { Statement: Statement[] }).Statement;
};

test("the program declares GitHub's OIDC provider with the STS audience", () => {
    const provider = run.resources.find((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    assert.ok(provider);
    assert.equal(provider.inputs["url"], "https://token.actions.githubusercontent.com");
    assert.deepEqual(provider.inputs["clientIdLists"], ["sts.amazonaws.com"]);
});

for (const [purpose, subjects] of [
    ["preview", [`repo:${repository}:pull_request`]],
    ["deploy", [`repo:${repository}:environment:dev`, `repo:${repository}:environment:production`]],
] as const) {
    test(`the ${purpose} role trusts only this repository's ${purpose === "preview" ? "pull requests" : "deployment environments"}, with aud sts.amazonaws.com`, () => {
        const statements = trust(purpose);
        assert.equal(statements.length, 1);
        const [statement] = statements;
        assert.equal(statement!.Effect, "Allow");
        assert.deepEqual(list(statement!.Action), ["sts:AssumeRoleWithWebIdentity"]);
        assert.match(statement!.Principal?.Federated ?? "", /openIdConnectProvider|oidc-provider|github-actions/);
        assert.deepEqual(Object.keys(statement!.Condition ?? {}), ["StringEquals"], "exact matches only: no StringLike wildcards in sub");
        const equals = statement!.Condition!["StringEquals"]!;
        assert.equal(equals["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
        assert.deepEqual(list(equals["token.actions.githubusercontent.com:sub"]), subjects);
        assert.ok(list(equals["token.actions.githubusercontent.com:sub"]).every((s) => !s.includes("*")));
    });
}

test("the preview role grants no wildcard action and never reads the secret's value or any object but the state", () => {
    for (const statement of permissions("preview")) {
        assert.equal(statement.Effect, "Allow");
        for (const action of list(statement.Action)) {
            assert.ok(!action.includes("*"), `${statement.Sid}: ${action}`);
            assert.ok(/^[a-z0-9]+:(Get|List|Describe|BatchGet)/.test(action) || statement.Sid.startsWith("State"),
                `${statement.Sid}: ${action} is not a read`);
        }
    }
    const actions = permissions("preview").flatMap((s) => list(s.Action));
    assert.ok(!actions.includes("secretsmanager:GetSecretValue"));
    const objectReads = permissions("preview").filter((s) => list(s.Action).includes("s3:GetObject"));
    assert.deepEqual(objectReads.flatMap((s) => list(s.Resource)), ["arn:aws:s3:::octo-pulumi-state/.pulumi/*"]);
});

test("the preview role reads only resources named after the stacks, except the reads AWS scopes no further", () => {
    for (const statement of permissions("preview")) {
        for (const resource of list(statement.Resource)) {
            const scoped = /(:|\/|:::)spotify[-_]/.test(resource) || resource.includes("octo-pulumi-state")
                || resource === `arn:aws:glue:*:${fakeAccountId}:catalog`;
            if (!scoped) {
                for (const action of list(statement.Action)) {
                    assert.ok(action in previewReadsWithoutResourceScope, `${statement.Sid}: ${action} on ${resource} is not a named exception`);
                }
            }
        }
    }
});

test("the preview role may write the state backend's locks only", () => {
    const writes = permissions("preview").filter((s) => list(s.Action).some((a) => /Put|Delete/.test(a)));
    assert.deepEqual(writes.flatMap((s) => list(s.Resource)), ["arn:aws:s3:::octo-pulumi-state/.pulumi/locks/*"]);
});

test("the deploy role's wildcards are named service wildcards on the stacks' resources, never * or iam:*", () => {
    for (const statement of permissions("deploy")) {
        for (const action of list(statement.Action).filter((a) => a.includes("*"))) {
            assert.ok(action in deployServiceWildcards, `${statement.Sid}: ${action} is not a named service wildcard`);
            for (const resource of list(statement.Resource)) {
                assert.ok(resource !== "*" && /(:|\/|:::)spotify[-_]|:catalog$/.test(resource), `${action} on ${resource}`);
            }
        }
    }
});

test("the deploy role cannot change the workflows' own roles, and passes roles only to Lambda and Glue", () => {
    const iam = permissions("deploy").filter((s) => list(s.Action).some((a) => a.startsWith("iam:")));
    for (const statement of iam) {
        for (const resource of list(statement.Resource)) {
            assert.equal(resource, `arn:aws:iam::${fakeAccountId}:role/spotify-*`);
        }
    }
    for (const purpose of ["preview", "deploy"] as const) {
        assert.ok(!(role(purpose).inputs["name"] as string).startsWith("spotify-"), `${purpose} role is inside the stacks' IAM scope`);
    }
    const pass = iam.find((s) => list(s.Action).includes("iam:PassRole"));
    assert.deepEqual(pass?.Condition, { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "glue.amazonaws.com"] } });
});

test("the program's config keys are declared in its Pulumi.yaml", () => {
    const project = yaml.load(fs.readFileSync(path.join(bootstrapDir, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, unknown> };
    assert.equal(project.name, "spotify-stack-ci");
    const source = fs.readFileSync(path.join(bootstrapDir, "index.ts"), "utf8");
    const read = [...source.matchAll(/config\.(?:require|get|getObject)(?:<[^>]+>)?\("([A-Za-z]+)"\)/g)].map((m) => m[1]).sort();
    assert.deepEqual(read, Object.keys(project.config).sort());
});
