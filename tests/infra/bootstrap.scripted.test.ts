// The bootstrap without a GitHub token (manageGitHub false): it declares nothing in GitHub and trusts the repository by
// the id it is given, and it refuses to run without one, or with one that is not a repository id.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { before, test } from "node:test";
import { fakeRepositoryId, infraDir, repoRoot, runStack, type StackRun } from "./helpers/stackHarness";

const entry = path.join(infraDir, "bootstrap", "index.ts");
const given = 98765;
const config = {
    "aws:region": "eu-north-1",
    "spotify-stack-ci:githubRepository": "octo-org/spotify-stack",
    "spotify-stack-ci:manageGitHub": "false",
    "spotify-stack-ci:githubRepositoryId": String(given),
};

let run: StackRun;
before(async () => {
    run = await runStack("ci", config, [], { project: "spotify-stack-ci", entry });
});

test("without manageGitHub the roles trust the repository id given, and nothing is declared in GitHub", () => {
    assert.equal(run.resources.filter((r) => r.type.startsWith("github:") || r.type === "pulumi:providers:github").length, 0);
    assert.equal(run.outputs["githubRepositoryId"], given);
    const roles = run.resources.filter((r) => r.type === "aws:iam/role:Role");
    assert.equal(roles.length, 4);
    for (const role of roles) {
        const policy = role.inputs["assumeRolePolicy"] as string;
        assert.match(policy, new RegExp(`"repository_id:${given}:environment:`), role.name);
        assert.doesNotMatch(policy, new RegExp(`repository_id:${fakeRepositoryId}|"repo:`), role.name);
    }
});

/** The bootstrap's configuration error for this config, from a process of its own (one program per process). */
function refusal(overrides: Record<string, string | undefined>): string {
    const script = `
        const { runStack } = require(${JSON.stringify(path.join(repoRoot, "tests", "infra", "helpers", "stackHarness.ts"))});
        runStack("ci", JSON.parse(process.env.BOOTSTRAP_CONFIG), [], { project: "spotify-stack-ci", entry: ${JSON.stringify(entry)} })
            .then(() => process.stdout.write("accepted"), (error) => process.stdout.write(String(error.message ?? error)));`;
    const merged = Object.fromEntries(Object.entries({ ...config, ...overrides }).filter(([, v]) => v !== undefined));
    const result = spawnSync(process.execPath, ["--require", path.join(repoRoot, "tests", "infra", "helpers", "typescript.cjs"), "-e", script], {
        cwd: infraDir, env: { ...process.env, BOOTSTRAP_CONFIG: JSON.stringify(merged), NODE_OPTIONS: "" }, encoding: "utf8", timeout: 300_000,
    });
    assert.ifError(result.error);
    return result.stdout;
}

test("without manageGitHub and without the repository's id the bootstrap refuses, saying how to find the id", () => {
    assert.match(refusal({ "spotify-stack-ci:githubRepositoryId": undefined }),
        /githubRepositoryId must be set when manageGitHub is false: the roles trust the repository by its id \(gh api repos\/octo-org\/spotify-stack --jq \.id\)/);
    for (const bad of ["octo-org/spotify-stack", "0", "12.5"]) {
        assert.match(refusal({ "spotify-stack-ci:githubRepositoryId": bad }), /githubRepositoryId must be the repository's numeric id/, bad);
    }
});
