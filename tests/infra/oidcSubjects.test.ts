// The two sides of the GitHub OIDC trust, together: from the workflow files, the subject each job that assumes an AWS
// role presents (its triggers and `if:`s give the ref, its environment the context, the bootstrap's subject claims the
// form), and the role it gets (its environment's AWS_ROLE_ARN, as the bootstrap sets it); that role's trust, as the
// bootstrap declares it, must accept the subject, and every other role's refuse it. A renamed environment, a job moved
// to another trigger, or a preview job given the deploy role fails here, not at a deploy's "Not authorized to perform
// sts:AssumeRoleWithWebIdentity".
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, test } from "node:test";
import * as yaml from "js-yaml";
import { deploySubject, previewSubjects } from "../../infra/bootstrap/trust";
import { stackNames } from "../../infra/build/ci";
import { trustedSubjects, trusts, type TrustStatement } from "./helpers/oidcTrust";
import { evaluate, mayRun, triggers, type WorkflowShape } from "./helpers/workflowFacts";
import { fakeRepositoryId, infraDir, repoRoot, runStack, type RecordedResource, type StackRun } from "./helpers/stackHarness";

interface Step { uses?: string; with?: Record<string, unknown> }
interface Job {
    if?: string | boolean;
    needs?: string | string[];
    environment?: string | { name: string };
    permissions?: string | Record<string, string>;
    strategy?: { matrix: Record<string, unknown> | string };
    steps?: Step[];
}
interface Workflow { on: WorkflowShape["on"]; permissions?: Job["permissions"]; jobs: Record<string, Job> }
type Workflows = Record<string, Workflow>;
/** One way a job asks for a role: under one trigger and ref, with one matrix entry. */
interface Presentation { job: string; subject: string; role: string | undefined }

const workflowsDir = path.join(repoRoot, ".github", "workflows");
/** Every workflow of the folder (GitHub runs each `.yml` and `.yaml` file in it), by file name. */
const readWorkflows = (dir = workflowsDir): Workflows => Object.fromEntries(fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
    .map((file) => [file, yaml.load(fs.readFileSync(path.join(dir, file), "utf8")) as Workflow]));

let run: StackRun;
before(async () => {
    // The bootstrap told the stacks the repository declares (Pulumi.<stack>.yaml at the root), as the deploying guide says.
    run = await runStack("ci", {
        "aws:region": "eu-north-1",
        "spotify-stack-ci:githubRepository": "octo-org/spotify-stack",
        "spotify-stack-ci:stacks": JSON.stringify(stackNames(repoRoot)),
        "spotify-stack-ci:reviewedStacks": "[]",
    }, [], { project: "spotify-stack-ci", entry: path.join(infraDir, "bootstrap", "index.ts") });
});

const declared = (type: string): RecordedResource[] => run.resources.filter((r) => r.type === type);
const roles = (): RecordedResource[] => declared("aws:iam/role:Role");
const iamName = (role: RecordedResource): string => String(role.inputs["name"]);
const trustOf = (role: RecordedResource): TrustStatement[] => (JSON.parse(String(role.inputs["assumeRolePolicy"])) as { Statement: TrustStatement[] }).Statement;
/** The role whose ARN a job of the environment reads from `vars.<variable>`: the environment's variable, else the repository's. */
function roleOfVariable(environment: string | undefined, variable: string): RecordedResource | undefined {
    const inEnvironment = declared("github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable")
        .find((v) => v.inputs["environment"] === environment && v.inputs["variableName"] === variable);
    const value = (inEnvironment ?? declared("github:index/actionsVariable:ActionsVariable").find((v) => v.inputs["variableName"] === variable))?.inputs["value"];
    return roles().find((r) => r.state["arn"] === value);
}
const environmentOf = (role: RecordedResource): string => String(declared("github:index/actionsEnvironmentVariable:ActionsEnvironmentVariable")
    .find((v) => v.inputs["value"] === role.state["arn"])?.inputs["environment"] ?? "(none: the bootstrap sets no variable to it)");

/** The matrix's entries: every combination of its lists. */
function matrixEntries(matrix: Record<string, unknown> | string | undefined, where: string): Record<string, string>[] {
    assert.ok(typeof matrix !== "string" && !Object.keys(matrix ?? {}).some((k) => k === "include" || k === "exclude"),
        `${where}: its matrix is an expression or has include/exclude, whose entries this test does not list: teach matrixEntries() them`);
    return Object.entries(matrix ?? {}).reduce<Record<string, string>[]>((all, [key, values]) =>
        all.flatMap((entry) => [values].flat().map((v) => ({ ...entry, [key]: String(v) }))), [{}]);
}

/** The `role-to-assume` of each configure-aws-credentials the step runs, itself or inside the repository's composite actions. */
function roleExpressions(step: Step, inputs?: Record<string, string>): string[] {
    const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) =>
        [k, inputs === undefined ? String(v) : String(v).replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, input: string) => inputs[input] ?? "")]));
    if (step.uses?.startsWith("aws-actions/configure-aws-credentials@")) {
        return given["role-to-assume"] === undefined ? [] : [given["role-to-assume"]];
    }
    const file = ["action.yml", "action.yaml"].map((f) => path.join(repoRoot, step.uses ?? "", f)).find((f) => step.uses?.startsWith("./") && fs.existsSync(f));
    const action = file === undefined ? undefined : yaml.load(fs.readFileSync(file, "utf8")) as
        { inputs?: Record<string, { default?: string }>; runs: { using: string; steps?: Step[] } };
    const defaults = Object.fromEntries(Object.entries(action?.inputs ?? {}).map(([k, v]) => [k, v.default ?? ""]));
    return action?.runs.using === "composite" ? (action.runs.steps ?? []).flatMap((s) => roleExpressions(s, { ...defaults, ...given })) : [];
}

/**
 * The subject GitHub gives a job's token under the repository's subject claims: each claim as `<claim>:<value>`, but the
 * context bare (`environment:<name>` in an environment, else `pull_request` on a pull request, else `ref:<ref>`).
 */
function subjectOf(claimKeys: readonly string[], environment: string | undefined, event: string, ref: string): string {
    const context = environment !== undefined ? `environment:${environment}`
        : event === "pull_request" || event === "pull_request_target" ? "pull_request" : `ref:${ref}`;
    const claims: Record<string, string> = { repository_id: `repository_id:${fakeRepositoryId}`, context, ref: `ref:${ref}` };
    const unknown = claimKeys.filter((k) => claims[k] === undefined);
    assert.deepEqual(unknown, [], `the bootstrap's OIDC subject claims include ${unknown.join(", ")}, which this test cannot form: teach subjectOf() the claim`);
    return claimKeys.map((k) => claims[k]).join(":");
}

/** Every subject the workflows' jobs present to AWS, and what is wrong with each, in words that say what to change. */
function check(workflows: Workflows): { presented: Presentation[]; problems: string[] } {
    const template = declared("github:index/actionsRepositoryOidcSubjectClaimCustomizationTemplate:ActionsRepositoryOidcSubjectClaimCustomizationTemplate")[0];
    const claimKeys = (template?.inputs["includeClaimKeys"] ?? ["repo", "context"]) as string[];
    const presented: Presentation[] = [];
    const problems: string[] = [];
    for (const [file, workflow] of Object.entries(workflows)) {
        for (const [name, job] of Object.entries(workflow.jobs)) {
            const permissions = job.permissions ?? workflow.permissions;
            const token = permissions === "write-all" || (typeof permissions === "object" && permissions["id-token"] === "write");
            const steps = (job.steps ?? []).filter((s) => roleExpressions(s).length > 0);
            if (steps.length === 0) {
                if (token) {
                    problems.push(`${file} job "${name}" may mint an OIDC token (id-token: write) but assumes no role this test finds: `
                        + "assume it with aws-actions/configure-aws-credentials (or the stack action), or drop id-token: write");
                }
                continue;
            }
            if (!token) {
                problems.push(`${file} job "${name}" assumes an AWS role but gets no OIDC token: add \`id-token: write\` to its permissions`);
            }
            for (const entry of matrixEntries(job.strategy?.matrix, `${file} job "${name}"`)) {
                const expand = (text: string) => text.replace(/\$\{\{\s*matrix\.([\w-]+)\s*\}\}/g, (whole, key: string) => entry[key] ?? whole);
                const where = `${file} job "${name}"${Object.keys(entry).length > 0 ? ` (matrix ${JSON.stringify(entry)})` : ""}`;
                const raw = typeof job.environment === "object" ? job.environment.name : job.environment;
                const environment = raw === undefined ? undefined : expand(raw);
                if (environment?.includes("${{")) {
                    problems.push(`${where}: its environment "${environment}" is an expression this test cannot expand: use a name, or \${{ matrix.<key> }}`);
                    continue;
                }
                // The role the job means: the stack its steps name, the deploy role where one of them runs `up`.
                const stacks = [...new Set(steps.map((s) => s.with?.["stack"]).filter((s) => s !== undefined).map((s) => expand(String(s))))];
                const purpose = steps.some((s) => s.with?.["command"] === "up") ? "deploy" : "preview";
                const meant = stacks.length === 1 ? roles().find((r) => r.name === `${stacks[0]}-${purpose}`) : undefined;
                if (stacks.length === 1 && meant === undefined) {
                    problems.push(`${where} runs stack ${stacks[0]}, for which the bootstrap declares no ${purpose} role: add ${stacks[0]} to the bootstrap's stacks`);
                }
                for (const expression of new Set(steps.flatMap((s) => roleExpressions(s)).map(expand))) {
                    const variable = /^\$\{\{\s*vars\.(\w+)\s*\}\}$/.exec(expression)?.[1];
                    if (variable === undefined) {
                        problems.push(`${where} assumes role-to-assume "${expression}", which names no role the bootstrap sets: use \${{ vars.AWS_ROLE_ARN }}, its environment's role`);
                        continue;
                    }
                    const given = roleOfVariable(environment, variable);
                    if (given === undefined) {
                        const environments = declared("github:index/repositoryEnvironment:RepositoryEnvironment").map((e) => String(e.inputs["environment"]));
                        problems.push(`${where}: environment ${environment ?? "(none)"} has no ${variable} the bootstrap sets, so the job assumes no role: `
                            + `give it the environment of its role${meant ? `, ${environmentOf(meant)}` : ""} (the bootstrap's environments: ${environments.join(", ")})`);
                    } else if (meant !== undefined && given !== meant) {
                        problems.push(`${where} needs role ${iamName(meant)} (${purpose} of ${stacks[0]}), but its environment ${environment ?? "(none)"} `
                            + `gives it ${iamName(given)}: give the job environment ${environmentOf(meant)}`);
                    }
                    const role = meant ?? given;
                    for (const { event, ref } of triggers(workflow.on)) {
                        const facts = { "github.event_name": event, "github.ref": ref, "github.ref_name": ref.replace(/^refs\/(heads|tags)\//, "") };
                        if (!mayRun(workflow, name, facts)) {
                            continue;
                        }
                        const subject = subjectOf(claimKeys, environment, event, ref);
                        presented.push({ job: `${file}/${name}`, subject, role: role?.name });
                        const on = `on ${event} (${ref})`;
                        if (role !== undefined && !trusts(trustOf(role), subject)) {
                            problems.push(`${where} presents ${subject} ${on}, which role ${iamName(role)} refuses (it trusts ${trustedSubjects(trustOf(role)).join(", ")}): `
                                + (environment !== environmentOf(role) ? `give the job environment ${environmentOf(role)}`
                                    : `keep the job off ${ref} (its trigger, or an \`if:\` on github.ref), or change the role's trust in the bootstrap`));
                        }
                        for (const other of roles().filter((r) => r !== role && trusts(trustOf(r), subject))) {
                            problems.push(`${where} presents ${subject} ${on}, which role ${iamName(other)} also accepts: `
                                + (environment === environmentOf(other) ? `give the job environment ${role === undefined ? "(its role's)" : environmentOf(role)}`
                                    : `that role's trust must name its environment, ${environmentOf(other)}, only (infra/bootstrap/trust.ts)`));
                        }
                    }
                }
            }
        }
    }
    return { presented, problems };
}

test("every job that assumes an AWS role presents a subject its own role's trust accepts and every other role's refuses", () => {
    const { presented, problems } = check(readWorkflows());
    assert.ok(presented.length > 0, "no job of the workflows assumes a role: this test would check nothing");
    assert.deepEqual(problems, []);
});

test("every role the bootstrap declares is assumed by some job, under the subject the bootstrap's trust names", () => {
    const { presented } = check(readWorkflows());
    for (const role of roles()) {
        const subjects = [...new Set(presented.filter((p) => p.role === role.name).map((p) => p.subject))];
        assert.ok(subjects.length > 0, `no job assumes ${iamName(role)}: a stack the bootstrap declares is previewed or deployed by no job`);
    }
    // The subjects are the ones trust.ts builds the trusts from (a pull request's number in place of its `*`).
    for (const stack of stackNames(repoRoot)) {
        const subjects = (purpose: string) => [...new Set(presented.filter((p) => p.role === `${stack}-${purpose}`).map((p) => p.subject))];
        assert.deepEqual(subjects("deploy"), [deploySubject(fakeRepositoryId, stack)], `${stack}: the deploy jobs' subject`);
        const previews = previewSubjects(fakeRepositoryId, stack).map((s) => s.replace("*", "12"));
        assert.deepEqual(subjects("preview").filter((s) => !previews.includes(s)), [], `${stack}: the preview jobs' subjects are among ${previews.join(", ")}`);
    }
});

// The check fails, saying which job, subject and role, on each way a workflow drifts from the roles' trusts.
const drifts: [string, (w: Workflows) => void, RegExp[]][] = [
    ["a renamed preview environment", (w) => { w["pull-request.yml"]!.jobs["preview"]!.environment = "${{ matrix.stack }}-previews"; }, [
        /^pull-request\.yml job "preview" \(matrix \{"stack":"dev"\}\): environment dev-previews has no AWS_ROLE_ARN .* give it the environment of its role, dev-preview/,
        /presents repository_id:\d+:environment:production-previews:ref:refs\/pull\/12\/merge on pull_request .*which role github-actions-spotify-production-preview refuses .*give the job environment production-preview$/]],
    ["a deploy job moved to pull requests", (w) => { w["pull-request.yml"]!.jobs["dev"] = structuredClone(w["deploy.yml"]!.jobs["dev"]!); }, [
        /^pull-request\.yml job "dev" presents repository_id:\d+:environment:dev:ref:refs\/pull\/12\/merge on pull_request .*role github-actions-spotify-dev-deploy refuses .*keep the job off refs\/pull\/12\/merge/]],
    ["a preview job given the deploy role", (w) => { w["deploy.yml"]!.jobs["production-plan"]!.environment = "production"; }, [
        /^deploy\.yml job "production-plan" needs role github-actions-spotify-production-preview .* gives it github-actions-spotify-production-deploy: give the job environment production-preview$/,
        /^deploy\.yml job "production-plan" presents \S+:environment:production:ref:refs\/heads\/main on push .*production-deploy also accepts: give the job environment production-preview$/]],
    ["a deploy no longer held to main", (w) => { delete w["deploy.yml"]!.jobs["package"]!.if; }, [
        /^deploy\.yml job "dev" presents repository_id:\d+:environment:dev:ref:refs\/heads\/feature on workflow_dispatch .*github-actions-spotify-dev-deploy refuses/]],
    ["a deploy held to main by an `if:` with a comparison the check cannot decide",
        (w) => { w["deploy.yml"]!.jobs["package"]!.if = "github.ref == 'refs/heads/main' && github.run_number >= 1 || github.event_name == 'workflow_dispatch'"; }, [
            /^deploy\.yml job "dev" presents repository_id:\d+:environment:dev:ref:refs\/heads\/feature on workflow_dispatch .*github-actions-spotify-dev-deploy refuses/]],
    ["a job that asks for a role without an OIDC token", (w) => { delete (w["deploy.yml"]!.jobs["dev"]!.permissions as Record<string, string>)["id-token"]; }, [
        /^deploy\.yml job "dev" assumes an AWS role but gets no OIDC token: add `id-token: write`/]],
];
for (const [drift, change, expected] of drifts) {
    test(`the check reports ${drift}`, () => {
        const workflows = readWorkflows();
        change(workflows);
        const { problems } = check(workflows);
        for (const pattern of expected) {
            assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${String(pattern)}, got:\n${problems.join("\n")}`);
        }
    });
}

test("the check reads every workflow in the folder: a third one, whose job assumes dev's deploy role on pull requests, is reported", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-"));
    for (const file of fs.readdirSync(workflowsDir)) {
        fs.copyFileSync(path.join(workflowsDir, file), path.join(dir, file));
    }
    const job = structuredClone(readWorkflows()["deploy.yml"]!.jobs["dev"]!);
    delete job.needs;
    fs.writeFileSync(path.join(dir, "third.yaml"), yaml.dump({ on: { pull_request: { branches: ["main"] } }, jobs: { up: job } }));
    fs.writeFileSync(path.join(dir, "notes.txt"), "not a workflow");
    const workflows = readWorkflows(dir);
    assert.deepEqual(Object.keys(workflows).sort(), ["deploy.yml", "pull-request.yml", "third.yaml"]);
    const { problems } = check(workflows);
    assert.ok(problems.some((p) => /^third\.yaml job "up" presents \S+:environment:dev:ref:refs\/pull\/12\/merge on pull_request .*dev-deploy refuses/.test(p)),
        problems.join("\n"));
});

test("an `if:` is unknown, so the job may run, where an ordering comparison could decide it or the evaluator cannot read it to its end", () => {
    const on = (event: string, ref = "refs/heads/main") => ({ "github.event_name": event, "github.ref": ref, "github.ref_name": ref.replace(/^refs\/heads\//, "") });
    const mixed = "github.event_name == 'push' && github.run_number >= 1 || github.event_name == 'workflow_dispatch'";
    assert.equal(evaluate(mixed, on("workflow_dispatch")), true, "the `||` after an ordering comparison is still read");
    assert.equal(evaluate(mixed, on("push")), undefined, "an ordering comparison is unknown");
    assert.equal(evaluate(mixed, on("pull_request")), false);
    for (const operator of [">", "<", ">=", "<="]) {
        assert.equal(evaluate(`\${{ github.run_attempt ${operator} 2 }}`, on("push")), undefined, operator);
        assert.equal(evaluate(`github.ref == 'refs/heads/main' || github.run_attempt ${operator} 2`, on("push")), true, operator);
    }
    // A remainder the evaluator does not parse makes the whole expression unknown, not what came before it.
    for (const expression of ["github.event_name == 'push' github.ref == 'refs/heads/main'", "github.event_name == 'push' ]",
        "(github.event_name == 'push'", "github.event_name == 'push')", "github.event_name == 'push' &&", "github.event.inputs['deploy'] == 'yes'",
        "contains(github.ref 'main')"]) {
        assert.equal(evaluate(expression, on("pull_request")), undefined, expression);
    }
    // What it reads, it still decides.
    assert.equal(evaluate("${{ github.ref == 'refs/heads/main' }}", on("push", "refs/heads/feature")), false);
    assert.equal(evaluate("always() && !startsWith(github.ref, 'refs/tags/')", on("push", "refs/tags/v1")), false);
    assert.equal(evaluate("github.event_name != 'push' || (github.ref_name == 'main')", on("push")), true);
});
