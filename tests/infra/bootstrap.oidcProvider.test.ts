// The bootstrap in an account that already holds GitHub Actions' OIDC provider (oidcProviderArn): an account holds one
// per URL, so the bootstrap trusts that one instead of creating its own, once it has checked that it is GitHub's in this
// account and lists the audience the workflows' tokens carry. A provider without it would let every stack deploy, then
// stop every workflow at its AWS login with "Incorrect token audience".
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { before, test } from "node:test";
import { providerArnProblem, providerAudienceProblem, stsAudience } from "../../infra/bootstrap/trust";
import { existingOidcProviders, fakeAccountId, infraDir, repoRoot, runStack, type StackRun } from "./helpers/stackHarness";

const entry = path.join(infraDir, "bootstrap", "index.ts");
const existing = `arn:aws:iam::${fakeAccountId}:oidc-provider/token.actions.githubusercontent.com`;
const config = {
    "aws:region": "eu-north-1",
    "spotify-stack-ci:githubRepository": "octo-org/spotify-stack",
    "spotify-stack-ci:manageGitHub": "false",
    "spotify-stack-ci:githubRepositoryId": "98765",
    "spotify-stack-ci:oidcProviderArn": existing,
};

let run: StackRun;
before(async () => {
    existingOidcProviders.set(existing, ["sigstore", stsAudience]);
    run = await runStack("ci", config, [], { project: "spotify-stack-ci", entry });
});

/** A small deterministic generator, so that a failure names the case it failed on. */
function generator(seed: number): (below: number) => number {
    let state = seed >>> 0;
    return (below) => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state % below;
    };
}

test("an existing provider that lists the audience is trusted by every role, and no other is declared", () => {
    assert.equal(run.resources.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider").length, 0);
    assert.equal(run.outputs["oidcProviderArn"], existing);
    const roles = run.resources.filter((r) => r.type === "aws:iam/role:Role");
    assert.equal(roles.length, 4);
    for (const role of roles) {
        const trust = JSON.parse(role.inputs["assumeRolePolicy"] as string) as { Statement: { Principal: { Federated: string } }[] };
        assert.deepEqual(trust.Statement.map((s) => s.Principal.Federated), [existing], role.name);
    }
});

test("an ARN other than GitHub's provider in this account and partition is refused, naming the one expected (generated)", () => {
    const next = generator(20261204);
    const partitions = ["aws", "aws-cn", "aws-us-gov"];
    for (let i = 0; i < 200; i += 1) {
        const partition = partitions[next(partitions.length)]!;
        const account = String(100000000000 + next(899999999999)).padStart(12, "0");
        const right = `arn:${partition}:iam::${account}:oidc-provider/token.actions.githubusercontent.com`;
        assert.equal(providerArnProblem(right, account, partition), undefined, right);
        const otherAccount = account === "999999999999" ? "111111111111" : "999999999999";
        const wrong = [
            right.replace(account, otherAccount),
            right.replace(`arn:${partition}:`, `arn:${partitions[(partitions.indexOf(partition) + 1 + next(2)) % 3]}:`),
            right.replace("token.actions.githubusercontent.com", "gitlab.com"),
            right.replace("oidc-provider/", "oidc-provider/https://"),
            `${right}/`,
            right.toUpperCase(),
            ` ${right}`,
            `arn:${partition}:iam::${account}:role/github-actions`,
            "token.actions.githubusercontent.com",
        ][next(9)]!;
        const problem = providerArnProblem(wrong, account, partition);
        assert.ok(problem !== undefined, wrong);
        assert.ok(problem.includes(`GitHub Actions' provider in this account, ${right} (aws iam list-open-id-connect-providers)`), `${wrong}: ${problem}`);
        assert.ok(problem.includes(`(got "${wrong}")`), problem);
    }
});

test("a provider is refused unless it lists the audience exactly, and the refusal is the command that adds it (generated)", () => {
    const next = generator(7);
    const nearMisses = ["sts.amazonaws.com.cn", "STS.amazonaws.com", " sts.amazonaws.com", "sts.amazonaws.com/", "https://sts.amazonaws.com",
        "sigstore", "api://AzureADTokenExchange", "sts.amazonaws"];
    for (let i = 0; i < 300; i += 1) {
        const ids = Array.from({ length: next(4) }, () => nearMisses[next(nearMisses.length)]!);
        const listed = next(2) === 0;
        if (listed) {
            ids.splice(next(ids.length + 1), 0, stsAudience);
        }
        const problem = providerAudienceProblem(existing, { clientIdLists: ids });
        if (listed) {
            assert.equal(problem, undefined, JSON.stringify(ids));
            continue;
        }
        assert.ok(problem !== undefined, JSON.stringify(ids));
        assert.ok(problem.includes(`does not list the audience ${stsAudience}`), problem);
        assert.ok(problem.includes(`(it lists ${ids.length === 0 ? "none" : ids.join(", ")})`), problem);
        assert.ok(problem.endsWith(`aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${existing} --client-id ${stsAudience}`), problem);
    }
});

/** What the bootstrap program says for an existing provider (its ARN and client ids), from a process of its own (one program per process). */
function refusal(arn: string, clientIds: readonly string[]): { readonly said: string; readonly status: number | null } {
    const harness = JSON.stringify(path.join(repoRoot, "tests", "infra", "helpers", "stackHarness.ts"));
    const script = `
        const { existingOidcProviders, runStack } = require(${harness});
        existingOidcProviders.set(${JSON.stringify(existing)}, ${JSON.stringify(clientIds)});
        runStack("ci", JSON.parse(process.env.BOOTSTRAP_CONFIG), [], { project: "spotify-stack-ci", entry: ${JSON.stringify(entry)} })
            .then(() => process.stdout.write("accepted"));`;
    const result = spawnSync(process.execPath, ["--require", path.join(repoRoot, "tests", "infra", "helpers", "typescript.cjs"), "-e", script], {
        cwd: infraDir, encoding: "utf8", timeout: 120_000,
        env: { ...process.env, BOOTSTRAP_CONFIG: JSON.stringify({ ...config, "spotify-stack-ci:oidcProviderArn": arn }), NODE_OPTIONS: "" },
    });
    assert.ifError(result.error);
    return { said: result.stdout + result.stderr, status: result.status };
}

test("the program stops at a provider without the audience, or of another account, with the configuration's error", () => {
    const accepted = refusal(existing, [stsAudience]);
    assert.equal(accepted.said, "accepted");

    const noAudience = refusal(existing, ["sigstore"]);
    assert.notEqual(noAudience.status, 0);
    assert.match(noAudience.said, /Invalid bootstrap configuration:\n {2}- spotify-stack-ci:oidcProviderArn: arn:aws:iam::123456789012:oidc-provider\/token\.actions\.githubusercontent\.com does not list the audience sts\.amazonaws\.com among its client ids \(it lists sigstore\)/);
    assert.doesNotMatch(noAudience.said, /accepted/);

    const otherAccount = existing.replace(fakeAccountId, "999999999999");
    const elsewhere = refusal(otherAccount, [stsAudience]);
    assert.notEqual(elsewhere.status, 0);
    assert.ok(elsewhere.said.includes(`oidcProviderArn must be GitHub Actions' provider in this account, ${existing}`), elsewhere.said);
    assert.ok(!elsewhere.said.includes("NoSuchEntity"), "refused before it is looked up");
});
