// The bootstrap program (infra/bootstrap) under Pulumi's mocks: what it declares in AWS and GitHub, and the trust of
// each role. What the roles' permissions allow is evaluated by an IAM policy simulator in access.*.test.ts.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import * as yaml from "js-yaml";
import { boundaryPolicy, deployServiceWildcards, previewReadsWithoutResourceScope } from "../../infra/bootstrap/policies";
import { trusts } from "./helpers/oidcTrust";
import { fakeAccountId, fakeRepositoryId, infraDir, runStack, type RecordedResource, type StackRun } from "./helpers/stackHarness";

const bootstrapDir = path.join(infraDir, "bootstrap");
const repository = "octo-org/spotify-stack";
const config = {
    "aws:region": "eu-north-1",
    "spotify-stack-ci:githubRepository": repository,
    "spotify-stack-ci:stateBucket": "octo-pulumi-state",
    "spotify-stack-ci:reviewerUserIds": "[4711]",
};
/** The token `pulumi up` of the bootstrap runs with, as the deployment steps export it. */
const githubToken = "gho_16C7e42F292c6912E7710c838347Ae178B4a";
const stacks = ["dev", "production"] as const;

interface Statement {
    Sid: string;
    Effect: string;
    Action: string | string[];
    Resource?: string | string[];
    Principal?: { Federated?: string } | string;
    Condition?: Record<string, Record<string, string | string[]>>;
}
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

let run: StackRun;
let outsideToken: string | undefined;
before(async () => {
    const outside = process.env["GITHUB_TOKEN"];
    process.env["GITHUB_TOKEN"] = githubToken;
    try {
        run = await runStack("ci", config, [], { project: "spotify-stack-ci", entry: path.join(bootstrapDir, "index.ts") });
        outsideToken = process.env["GITHUB_TOKEN"];
    } finally {
        if (outside === undefined) {
            delete process.env["GITHUB_TOKEN"];
        } else {
            process.env["GITHUB_TOKEN"] = outside;
        }
    }
});

const all = (type: string): RecordedResource[] => run.resources.filter((r) => r.type === type);
const one = (type: string, name: string): RecordedResource => {
    const found = run.resources.find((r) => r.type === type && r.name === name);
    assert.ok(found, `no ${type} ${name}`);
    return found;
};
const role = (stack: string, purpose: "preview" | "deploy") => one("aws:iam/role:Role", `${stack}-${purpose}`);
const trust = (stack: string, purpose: "preview" | "deploy"): Statement[] =>
    (JSON.parse(role(stack, purpose).inputs["assumeRolePolicy"] as string) as { Statement: Statement[] }).Statement;
const permissions = (stack: string, purpose: "preview" | "deploy"): Statement[] => {
    const policies = all("aws:iam/rolePolicy:RolePolicy").filter((r) => r.inputs["role"] === role(stack, purpose).state["name"]);
    assert.equal(policies.length, 1, `${stack} ${purpose}: one inline policy`);
    return (JSON.parse(policies[0]!.inputs["policy"] as string) as { Statement: Statement[] }).Statement;
};

test("the program declares GitHub's OIDC provider with the STS audience", () => {
    const provider = one("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github-actions");
    assert.equal(provider.inputs["url"], "https://token.actions.githubusercontent.com");
    assert.deepEqual(provider.inputs["clientIdLists"], ["sts.amazonaws.com"]);
});

test("each stack has its own preview and deploy role, and no role serves two stacks", () => {
    const roles = all("aws:iam/role:Role").map((r) => String(r.inputs["name"])).sort();
    assert.deepEqual(roles, [
        "github-actions-spotify-dev-deploy", "github-actions-spotify-dev-preview",
        "github-actions-spotify-production-deploy", "github-actions-spotify-production-preview",
    ]);
});

for (const stack of stacks) {
    test(`the ${stack} deploy role trusts only jobs of the ${stack} environment on main, with aud sts.amazonaws.com`, () => {
        const [statement, ...rest] = trust(stack, "deploy");
        assert.equal(rest.length, 0);
        assert.deepEqual(list(statement!.Action), ["sts:AssumeRoleWithWebIdentity"]);
        assert.deepEqual(Object.keys(statement!.Condition ?? {}), ["StringEquals"], "exact matches only");
        assert.equal(statement!.Condition!["StringEquals"]!["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
        assert.equal(statement!.Condition!["StringEquals"]!["token.actions.githubusercontent.com:sub"],
            `repository_id:${fakeRepositoryId}:environment:${stack}:ref:refs/heads/main`);
    });

    test(`the ${stack} preview role trusts only jobs of the ${stack}-preview environment, on a pull request or main`, () => {
        const [statement, ...rest] = trust(stack, "preview");
        assert.equal(rest.length, 0);
        assert.equal(statement!.Condition!["StringEquals"]!["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
        const sub = statement!.Condition!["StringLike"]!["token.actions.githubusercontent.com:sub"];
        assert.deepEqual(sub, [
            `repository_id:${fakeRepositoryId}:environment:${stack}-preview:ref:refs/pull/*/merge`,
            `repository_id:${fakeRepositoryId}:environment:${stack}-preview:ref:refs/heads/main`,
        ]);
    });

    test(`the ${stack} stack's secrets provider is its own rotating KMS key, and its boundary is declared`, () => {
        const key = one("aws:kms/key:Key", `${stack}-secrets`);
        assert.equal(key.inputs["enableKeyRotation"], true);
        assert.ok(key.protect, "the key is protected: losing it loses the stack's secrets");
        assert.equal(one("aws:kms/alias:Alias", `${stack}-secrets`).inputs["name"], `alias/spotify-${stack}-pulumi-secrets`);
        const boundary = one("aws:iam/policy:Policy", `${stack}-boundary`);
        assert.equal(boundary.inputs["name"], `spotify-${stack}-boundary`);
        assert.deepEqual(JSON.parse(boundary.inputs["policy"] as string), boundaryPolicy({ partition: "aws", dnsSuffix: "amazonaws.com", accountId: fakeAccountId, namePrefix: "spotify", stack }));
        const outputs = run.outputs["stackAccess"] as Record<string, { secretsProvider: string }>;
        assert.equal(outputs[stack]!.secretsProvider, `awskms://alias/spotify-${stack}-pulumi-secrets?region=eu-north-1`);
    });

    test(`the ${stack} preview role grants no wildcard action, no write and no secret value`, () => {
        for (const statement of permissions(stack, "preview")) {
            assert.equal(statement.Effect, "Allow");
            for (const action of list(statement.Action)) {
                assert.ok(!action.includes("*"), `${statement.Sid}: ${action}`);
                assert.match(action, /^[a-z0-9]+:(Get|List|Describe|BatchGet)|^kms:Decrypt$/, `${statement.Sid}: ${action} is not a read`);
                assert.notEqual(action, "secretsmanager:GetSecretValue");
            }
            for (const resource of list(statement.Resource)) {
                const scoped = resource.includes(`spotify-${stack}-`) || resource.includes(`spotify_${stack}`) || resource.includes("octo-pulumi-state")
                    || resource.endsWith(":catalog") || resource.includes(":key/");
                if (!scoped) {
                    for (const action of list(statement.Action)) {
                        assert.ok(action in previewReadsWithoutResourceScope, `${statement.Sid}: ${action} on ${resource} is not a named exception`);
                    }
                }
            }
        }
    });

    test(`the ${stack} deploy role's wildcards are named service wildcards on the stack's own resources`, () => {
        for (const statement of permissions(stack, "deploy").filter((s) => s.Effect === "Allow")) {
            for (const action of list(statement.Action).filter((a) => a.includes("*"))) {
                assert.ok(action in deployServiceWildcards, `${statement.Sid}: ${action} is not a named service wildcard`);
                for (const resource of list(statement.Resource)) {
                    assert.ok(resource !== "*" && new RegExp(`(:|/|:::)spotify[-_]${stack}([-_/]|$)|:catalog$`).test(resource), `${action} on ${resource}`);
                }
            }
        }
    });
}

test("the state bucket is versioned, KMS-encrypted, blocks public access, owns its objects and refuses plain HTTP", () => {
    const bucket = one("aws:s3/bucket:Bucket", "state");
    assert.equal(bucket.inputs["bucket"], "octo-pulumi-state");
    assert.ok(bucket.protect);
    assert.equal((one("aws:s3/bucketVersioning:BucketVersioning", "state").inputs["versioningConfiguration"] as { status: string }).status, "Enabled");
    const rule = (one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "state").inputs["rules"] as
        { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[])[0];
    assert.equal(rule?.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
    const block = one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "state").inputs;
    for (const setting of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
        assert.equal(block[setting], true, setting);
    }
    const policy = JSON.parse(one("aws:s3/bucketPolicy:BucketPolicy", "state-tls-only").inputs["policy"] as string) as { Statement: Statement[] };
    assert.deepEqual(policy.Statement.map((s) => [s.Effect, s.Condition]), [["Deny", { Bool: { "aws:SecureTransport": "false" } }]]);
    assert.equal(run.outputs["backend"], "s3://octo-pulumi-state?region=eu-north-1");
});

test("the state bucket keeps an overwritten or deleted checkpoint 90 days, not for good, and clears abandoned uploads", () => {
    const lifecycle = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "state");
    assert.equal(lifecycle.inputs["bucket"], "octo-pulumi-state");
    const rules = lifecycle.inputs["rules"] as { status: string; filter?: { prefix?: string }; expiration?: unknown;
        noncurrentVersionExpiration?: { noncurrentDays: number }; abortIncompleteMultipartUpload?: { daysAfterInitiation: number } }[];
    assert.equal(rules.length, 1);
    const [rule] = rules;
    assert.equal(rule!.status, "Enabled");
    assert.equal(rule!.filter?.prefix ?? "", "", "the rule covers the whole bucket");
    assert.equal(rule!.expiration, undefined, "the current state files never expire");
    assert.equal(rule!.noncurrentVersionExpiration?.noncurrentDays, 90);
    assert.equal(rule!.abortIncompleteMultipartUpload?.daysAfterInitiation, 7);
    // S3 applies the rule to versions only once versioning is on.
    assert.ok(lifecycle.dependencies.includes(one("aws:s3/bucketVersioning:BucketVersioning", "state").urn));
});

test("GitHub: the OIDC subject carries the ref, each stack has a main-only environment with its role, production waits for a reviewer", () => {
    const template = one("github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate", "oidc-subject");
    assert.deepEqual(template.inputs["includeClaimKeys"], ["repository_id", "context", "ref"]);
    assert.equal(template.inputs["repository"], "spotify-stack");
    for (const stack of stacks) {
        const environment = one("github:index/repositoryEnvironment:RepositoryEnvironment", stack);
        assert.deepEqual(environment.inputs["deploymentBranchPolicy"], { protectedBranches: false, customBranchPolicies: true });
        assert.equal(one("github:index/repositoryEnvironmentDeploymentPolicy:RepositoryEnvironmentDeploymentPolicy", `${stack}-main`).inputs["branchPattern"], "main");
        const reviewers = environment.inputs["reviewers"] as { users: number[] }[] | undefined;
        assert.deepEqual(reviewers, stack === "production" ? [{ users: [4711], teams: [] }] : undefined);
        const variable = one("github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable", `${stack}-role`);
        assert.equal(variable.inputs["variableName"], "AWS_ROLE_ARN");
        assert.equal(variable.inputs["value"], role(stack, "deploy").state["arn"]);
        const previewVariable = one("github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable", `${stack}-preview-role`);
        assert.equal(previewVariable.inputs["environment"], `${stack}-preview`);
        assert.equal(previewVariable.inputs["value"], role(stack, "preview").state["arn"]);
    }
    assert.equal(one("github:index/actionsVariable:ActionsVariable", "backend-url").inputs["value"], "s3://octo-pulumi-state?region=eu-north-1");
    const ruleset = one("github:index/repositoryRuleset:RepositoryRuleset", "main").inputs["rules"] as Record<string, unknown>;
    assert.equal(ruleset["nonFastForward"], true);
    // One approval, given after the last push by someone other than its pusher.
    assert.deepEqual(ruleset["pullRequest"], { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: true, requireLastPushApproval: true });
    const workflowPermissions = one("github:index/workflowRepositoryPermissions:WorkflowRepositoryPermissions", "workflow-permissions").inputs;
    assert.equal(workflowPermissions["defaultWorkflowPermissions"], "read");
    assert.equal(workflowPermissions["canApprovePullRequestReviews"], false);
    // The tests and the previews' gate (pull-request.yml's job "previews"); only GitHub Actions (app 15368) may report
    // them: a status of the same name from any other app or token does not satisfy it.
    assert.deepEqual(ruleset["requiredStatusChecks"], {
        requiredChecks: [{ context: "make test", integrationId: 15368 }, { context: "previews", integrationId: 15368 }],
        strictRequiredStatusChecksPolicy: true,
    });
});

test("the scripted GitHub set-up of docs/deploying.md (manageGitHub false) sets the subject claims and the ruleset the program declares", () => {
    const guide = fs.readFileSync(path.join(infraDir, "..", "docs", "deploying.md"), "utf8");
    const section = guide.split("#### The GitHub side, scripted")[1]?.split(/\n#{2,4} /)[0] ?? "";
    const script = [...section.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]!).find((block) => block.includes("customization/sub"));
    assert.ok(script, "docs/deploying.md has the scripted GitHub set-up");
    const claims = /customization\/sub" --input - <<< '(\{.*\})'/.exec(script)?.[1];
    assert.ok(claims, "the script sets the OIDC subject");
    const template = one("github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate", "oidc-subject");
    assert.deepEqual(JSON.parse(claims).include_claim_keys, template.inputs["includeClaimKeys"]);

    const body = /rulesets" --input - <<'JSON'\n([\s\S]*?)\nJSON/.exec(script)?.[1];
    assert.ok(body, "the script creates the ruleset");
    type Rule = { type: string; parameters?: Record<string, unknown> };
    const scripted = JSON.parse(body) as { conditions: { ref_name: { include: string[] } }; rules: Rule[] };
    const declared = one("github:index/repositoryRuleset:RepositoryRuleset", "main").inputs as {
        conditions: { refName: { includes: string[] } };
        rules: { pullRequest: { requiredApprovingReviewCount: number; dismissStaleReviewsOnPush: boolean; requireLastPushApproval: boolean };
            requiredStatusChecks: { requiredChecks: { context: string; integrationId: number }[]; strictRequiredStatusChecksPolicy: boolean } };
    };
    assert.deepEqual(scripted.conditions.ref_name.include, declared.conditions.refName.includes);
    const rule = (type: string) => scripted.rules.find((r) => r.type === type);
    assert.ok(rule("deletion") && rule("non_fast_forward"), "no deletion, no force push");
    assert.equal(rule("pull_request")?.parameters?.["required_approving_review_count"], declared.rules.pullRequest.requiredApprovingReviewCount);
    assert.equal(rule("pull_request")?.parameters?.["dismiss_stale_reviews_on_push"], declared.rules.pullRequest.dismissStaleReviewsOnPush);
    assert.equal(rule("pull_request")?.parameters?.["require_last_push_approval"], declared.rules.pullRequest.requireLastPushApproval);
    const checks = rule("required_status_checks")?.parameters as { strict_required_status_checks_policy: boolean; required_status_checks: { context: string; integration_id?: number }[] };
    assert.equal(checks.strict_required_status_checks_policy, declared.rules.requiredStatusChecks.strictRequiredStatusChecksPolicy);
    assert.deepEqual(checks.required_status_checks.map((c) => ({ context: c.context, integrationId: c.integration_id })),
        declared.rules.requiredStatusChecks.requiredChecks);
});

test("the scripted GitHub set-up of docs/deploying.md, run by bash, gives each stack's environment the gate the program declares: main only, no admin bypass, production's reviewer who may not approve their own run", () => {
    const guide = fs.readFileSync(path.join(infraDir, "..", "docs", "deploying.md"), "utf8");
    const section = guide.split("#### The GitHub side, scripted")[1]?.split(/\n#{2,4} /)[0] ?? "";
    const script = [...section.matchAll(/```sh\n([\s\S]*?)\n```/g)].map((m) => m[1]!).find((block) => block.includes("customization/sub"));
    assert.ok(script, "docs/deploying.md has the scripted GitHub set-up");
    const filled = script.replace("<owner>/<repository>", repository).replace("<GitHub login of production's reviewer>", "octocat");
    assert.doesNotMatch(filled, /<[^<>\n]+>/, "every placeholder is filled");

    // gh and pulumi stand-ins: gh records each call (its arguments, and what it read from stdin) and answers the
    // reviewer's id; pulumi answers the two outputs the script reads.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "scripted-github-"));
    const calls = path.join(scratch, "calls");
    fs.mkdirSync(calls);
    fs.writeFileSync(path.join(scratch, "gh"), `#!/bin/bash
call="${calls}/$(ls "${calls}" | wc -l)"
printf '%s\\n' "$@" > "$call.args"
if [[ " $* " == *" --input - "* ]]; then cat > "$call.stdin"; fi
if [ "$2" = users/octocat ]; then echo 4711; fi
`, { mode: 0o755 });
    const stackAccess = JSON.stringify(Object.fromEntries(stacks.map((stack) => [stack, { deployRoleArn: `arn:${stack}`, previewRoleArn: `arn:${stack}-preview` }])));
    fs.writeFileSync(path.join(scratch, "pulumi"), `#!/bin/bash
case "$*" in *"--json stackAccess"*) echo '${stackAccess}';; *backend*) echo "$BACKEND";; esac
`, { mode: 0o755 });
    // The bootstrap's output "backend": a state bucket's URL, or on Pulumi Cloud a sentence that is no backend URL.
    const runScript = (backend: string): { args: string[]; stdin: string }[] => {
        fs.rmSync(calls, { recursive: true, force: true });
        fs.mkdirSync(calls);
        const ran = spawnSync("bash", ["-euo", "pipefail", "-c", filled], { env: { ...process.env, PATH: `${scratch}:${process.env["PATH"]}`, BACKEND: backend }, encoding: "utf8" });
        assert.equal(ran.status, 0, ran.stderr);
        return fs.readdirSync(calls).filter((f) => f.endsWith(".args")).map((f) => ({
            args: fs.readFileSync(path.join(calls, f), "utf8").trimEnd().split("\n"),
            stdin: fs.existsSync(path.join(calls, f.replace(".args", ".stdin"))) ? fs.readFileSync(path.join(calls, f.replace(".args", ".stdin")), "utf8") : "",
        }));
    };
    const backendVariable = (calls: { args: string[] }[]) => calls.filter((c) => c.args.slice(0, 3).join(" ") === "variable set PULUMI_BACKEND_URL").map((c) => c.args.at(-1));
    let recorded: { args: string[]; stdin: string }[];
    try {
        assert.deepEqual(backendVariable(runScript("Pulumi Cloud (no stateBucket)")), [], "on Pulumi Cloud the workflows get no backend URL");
        recorded = runScript("s3://octo-pulumi-state?region=eu-north-1");
        assert.deepEqual(backendVariable(recorded), ["s3://octo-pulumi-state?region=eu-north-1"]);
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
    }
    for (const stack of stacks) {
        const put = recorded.find((c) => c.args.join(" ") === `api -X PUT repos/${repository}/environments/${stack} --input -`);
        assert.ok(put, `the script creates the ${stack} environment`);
        const body = JSON.parse(put.stdin) as { prevent_self_review: boolean; can_admins_bypass: boolean; reviewers?: { type: string; id: number }[];
            deployment_branch_policy: { protected_branches: boolean; custom_branch_policies: boolean } };
        const declared = one("github:index/repositoryEnvironment:RepositoryEnvironment", stack).inputs as { preventSelfReview: boolean; canAdminsBypass: boolean;
            reviewers?: { users: number[]; teams: number[] }[]; deploymentBranchPolicy: { protectedBranches: boolean; customBranchPolicies: boolean } };
        assert.equal(body.prevent_self_review, declared.preventSelfReview, `${stack}: self-review`);
        assert.equal(body.can_admins_bypass, declared.canAdminsBypass, `${stack}: admin bypass`);
        assert.deepEqual(body.deployment_branch_policy, { protected_branches: declared.deploymentBranchPolicy.protectedBranches, custom_branch_policies: declared.deploymentBranchPolicy.customBranchPolicies });
        assert.deepEqual((body.reviewers ?? []).map((r) => `${r.type}:${r.id}`), (declared.reviewers ?? []).flatMap((r) => r.users.map((id) => `User:${id}`)), `${stack}: reviewers`);
        assert.ok(recorded.some((c) => c.args.join(" ") === `api -X POST repos/${repository}/environments/${stack}/deployment-branch-policies -f name=main -f type=branch`), `${stack}: main only`);
    }
    // The workflow permissions the program declares, as the REST API takes them.
    const permissions = one("github:index/workflowRepositoryPermissions:WorkflowRepositoryPermissions", "workflow-permissions").inputs;
    assert.ok(recorded.some((c) => c.args.join(" ") === `api -X PUT repos/${repository}/actions/permissions/workflow ` +
        `-f default_workflow_permissions=${String(permissions["defaultWorkflowPermissions"])} -F can_approve_pull_request_reviews=${String(permissions["canApprovePullRequestReviews"])}`),
        "the script sets the workflow permissions");
});

test("the GitHub token of the environment is in no resource's inputs, so not in the bootstrap's state", () => {
    assert.ok(run.resources.some((r) => r.type.startsWith("github:")));
    // The provider the GitHub resources were created with stays theirs (a change of provider would replace them all).
    assert.ok(run.resources.some((r) => r.type === "pulumi:providers:github" && r.name === "github"));
    assert.equal(outsideToken, githubToken, "the program gives the token back to the environment");
    const recorded = run.resources.filter((r) => JSON.stringify(r.inputs).includes(githubToken)).map((r) => `${r.type} ${r.name}`);
    assert.deepEqual(recorded, []);
});

test("the program's config keys are declared in its Pulumi.yaml", () => {
    const project = yaml.load(fs.readFileSync(path.join(bootstrapDir, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, unknown> };
    assert.equal(project.name, "spotify-stack-ci");
    const source = fs.readFileSync(path.join(bootstrapDir, "index.ts"), "utf8");
    const read = [...source.matchAll(/config\.(?:require|get|getObject|getBoolean)(?:<[^>]+>)?\("([A-Za-z]+)"\)/g)].map((m) => m[1]).sort();
    assert.deepEqual(read, Object.keys(project.config).sort());
});

test("of every subject a GitHub job can present, each role accepts exactly its stack's environment on its refs", () => {
    // Ours, a fork, another owner's, and one created under our name after ours was deleted or renamed: each has its own id.
    const repositories = [fakeRepositoryId, fakeRepositoryId + 1, 7, 4242420];
    const contexts = ["pull_request", ...stacks.flatMap((s) => [`environment:${s}`, `environment:${s}-preview`, `environment:${s}-previewx`]), "environment:staging"];
    const refs = ["refs/heads/main", "refs/heads/feature", "refs/heads/main-old", "refs/pull/12/merge", "refs/pull/7/head", "refs/tags/v1"];
    let accepted = 0;
    for (const stack of stacks) {
        for (const repo of repositories) {
            for (const context of contexts) {
                for (const ref of refs) {
                    const subject = `repository_id:${repo}:${context}:ref:${ref}`;
                    const ours = repo === fakeRepositoryId;
                    assert.equal(trusts(trust(stack, "deploy"), subject), ours && context === `environment:${stack}` && ref === "refs/heads/main", `deploy ${stack}: ${subject}`);
                    const preview = ours && context === `environment:${stack}-preview` && (ref === "refs/heads/main" || /^refs\/pull\/\d+\/merge$/.test(ref));
                    assert.equal(trusts(trust(stack, "preview"), subject), preview, `preview ${stack}: ${subject}`);
                    accepted += preview ? 1 : 0;
                }
            }
        }
        assert.equal(trusts(trust(stack, "deploy"), `repository_id:${fakeRepositoryId}:environment:${stack}:ref:refs/heads/main`, "sigstore"), false, "another audience");
        // The subject of the default customisation (the repository by name) is no longer accepted.
        assert.equal(trusts(trust(stack, "deploy"), `repo:${repository}:environment:${stack}:ref:refs/heads/main`), false, "the repository by name");
    }
    assert.equal(accepted, 4);
});

test("the deploying guide says what the state bucket keeps: earlier checkpoints 90 days, the backend's history copies until removed", () => {
    // Pulumi's self-managed backend writes each update's checkpoint anew under .pulumi/history/: current objects, which a
    // rule that expires only earlier versions never removes.
    const rules = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "state").inputs["rules"] as { expiration?: unknown }[];
    assert.ok(rules.every((rule) => rule.expiration === undefined), "a rule expires current objects");
    const guide = fs.readFileSync(path.join(infraDir, "..", "docs", "deploying.md"), "utf8").replace(/\s*\n\s*/g, " ");
    const section = /### 1\. The bootstrap program[\s\S]*?```sh/.exec(guide)?.[0] ?? "";
    assert.match(section, /restorable for 90 days/);
    assert.match(section, /`\.pulumi\/history\/<project>\/<stack>\/`, which `pulumi stack history` reads: .* kept until removed/);
    assert.match(guide, /\| state bucket \(bootstrap\) \|[^|]*history copy kept until removed[^|]*\|/);
});
