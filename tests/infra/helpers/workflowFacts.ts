// What GitHub makes of a workflow file, as far as the tests need it: the shell a `run:` step runs in (and every such
// step of the repository), the refs a trigger runs the workflow on, a job's `if:` given the event and ref, and so whether the job may run.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";

interface ShellDefaults { defaults?: { run?: { shell?: string } } }
type Events = string | string[] | Record<string, Record<string, string[]> | null>;
export interface WorkflowShape extends ShellDefaults {
    on: Events;
    jobs: Record<string, ShellDefaults & { if?: string | boolean; needs?: string | string[] }>;
}

/**
 * The command a Linux runner runs a `run:` step's script file with: its `shell:`, else its job's `defaults.run.shell`,
 * else the workflow's. Only a `shell: bash` named somewhere adds pipefail; unspecified, a pipeline's failure before its
 * last command goes unseen.
 */
export function runnerShell(workflow: ShellDefaults, job: ShellDefaults, step: { shell?: string }): string[] {
    const shell = step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell;
    const commands: Record<string, string[]> = { bash: ["bash", "--noprofile", "--norc", "-eo", "pipefail"], sh: ["sh", "-e"] };
    if (shell === undefined) {
        return ["bash", "-e"];
    }
    assert.ok(commands[shell], `shell: ${shell}, whose command this test does not know: teach runnerShell() it`);
    return commands[shell];
}

interface RunStep { name?: string; run?: string; shell?: string }

/**
 * Every `run:` step of the workflows under <root>/.github/workflows and of the composite actions under
 * <root>/.github/actions: where it is, the command the runner starts it with (a composite step names its own shell),
 * and its script.
 */
export function runSteps(root: string): { where: string; shell: string[]; script: string }[] {
    const found: { where: string; shell: string[]; script: string }[] = [];
    const load = <T>(file: string): T => yaml.load(fs.readFileSync(file, "utf8")) as T;
    const workflows = path.join(root, ".github", "workflows");
    for (const file of fs.readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f)).sort()) {
        const workflow = load<ShellDefaults & { jobs: Record<string, ShellDefaults & { steps?: RunStep[] }> }>(path.join(workflows, file));
        for (const [name, job] of Object.entries(workflow.jobs)) {
            for (const [index, step] of (job.steps ?? []).entries()) {
                if (step.run !== undefined) {
                    found.push({ where: `${file} job "${name}" step ${step.name ?? index + 1}`, shell: runnerShell(workflow, job, step), script: step.run });
                }
            }
        }
    }
    const actions = path.join(root, ".github", "actions");
    for (const dir of fs.readdirSync(actions).sort()) {
        const action = load<{ runs: { steps?: RunStep[] } }>(path.join(actions, dir, "action.yml"));
        for (const [index, step] of (action.runs.steps ?? []).entries()) {
            if (step.run !== undefined) {
                found.push({ where: `.github/actions/${dir} step ${step.name ?? index + 1}`, shell: runnerShell({}, {}, step), script: step.run });
            }
        }
    }
    return found;
}

/** The refs a trigger runs a workflow on: main, another branch and a tag where it may run on any. */
export function triggers(on: Events): { event: string; ref: string }[] {
    const events = typeof on === "string" ? { [on]: null } : Array.isArray(on) ? Object.fromEntries(on.map((e) => [e, null])) : on;
    const sample = (patterns: string[]) => patterns.map((p) => p.replace(/\*\*?/g, "x"));
    return Object.entries(events).flatMap(([event, filter]) => {
        const f = filter ?? {};
        const byBranch = f["branches"] !== undefined || f["branches-ignore"] !== undefined;
        const byTag = f["tags"] !== undefined || f["tags-ignore"] !== undefined;
        const refs = {
            push: [...(f["branches"] ? sample(f["branches"]) : byBranch || !byTag ? ["main", "feature"] : []).map((b) => `refs/heads/${b}`),
                ...(f["tags"] ? sample(f["tags"]) : byTag || !byBranch ? ["v1"] : []).map((t) => `refs/tags/${t}`)],
            workflow_dispatch: ["refs/heads/main", "refs/heads/feature", "refs/tags/v1"],
            schedule: ["refs/heads/main"],
            workflow_run: ["refs/heads/main"],
            pull_request: ["refs/pull/12/merge"],
            pull_request_target: ["refs/heads/main"],
            merge_group: ["refs/heads/gh-readonly-queue/main/pr-12-0123456789abcdef0123456789abcdef01234567"],
        }[event];
        assert.ok(refs, `the workflows run on ${event}, whose ref this test does not know: teach triggers() the ref GitHub gives it`);
        return refs.map((ref) => ({ event, ref }));
    });
}

type Value = string | boolean | undefined;
const truth = (v: Value): boolean | undefined => (v === undefined ? undefined : typeof v === "boolean" ? v : v !== "");
/**
 * A job's `if:` given the event and ref: true, false, or undefined where it depends on more than those (read as "may
 * run"). An ordering comparison (`<`, `<=`, `>`, `>=`) is unknown, and so is the whole expression wherever the evaluator
 * cannot read it to its end: a part left unread could decide it.
 */
export function evaluate(expression: string, facts: Record<string, string>): boolean | undefined {
    const tokens = expression.replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, "$1")
        .match(/'(?:[^']|'')*'|&&|\|\||[!=<>]=|[<>]|[A-Za-z_][\w.*-]*|\d[\w.]*|\S/g) ?? [];
    let at = 0;
    let unread = false;
    const expect = (token: string) => {
        unread ||= tokens[at] !== token;
        at += 1;
    };
    const primary = (): Value => {
        const token = tokens[at++] ?? "";
        if (token === "!") {
            const v = truth(primary());
            return v === undefined ? undefined : !v;
        }
        if (token === "(") {
            const v = or();
            expect(")");
            return v;
        }
        if (token.startsWith("'")) {
            return token.slice(1, -1).replace(/''/g, "'");
        }
        if (/^\d/.test(token)) {
            return undefined;
        }
        if (!/^[A-Za-z_]/.test(token)) {
            unread = true;
            return undefined;
        }
        if (tokens[at] !== "(") {
            return token === "true" || token === "false" ? token === "true" : facts[token.toLowerCase()];
        }
        const args: Value[] = [];
        for (at += 1; tokens[at] !== ")" && !unread && at < tokens.length;) {
            args.push(or());
            if (tokens[at] !== ")") {
                expect(",");
            }
        }
        expect(")");
        const [a, b] = args.map((v) => (typeof v === "string" ? v.toLowerCase() : undefined));
        const known = a !== undefined && b !== undefined;
        return ({ always: true, success: true, startswith: known ? a.startsWith(b) : undefined, endswith: known ? a.endsWith(b) : undefined,
            contains: known ? a.includes(b) : undefined } as Record<string, Value>)[token.toLowerCase()];
    };
    const comparison = (): Value => {
        const left = primary();
        const operator = tokens[at] ?? "";
        if (!["==", "!=", "<", "<=", ">", ">="].includes(operator)) {
            return left;
        }
        at += 1;
        const right = primary();
        if (left === undefined || right === undefined || (operator !== "==" && operator !== "!=")) {
            return undefined;
        }
        return (String(left).toLowerCase() === String(right).toLowerCase()) !== (operator === "!=");
    };
    // && and || over true, false and unknown: `decisive` (false for &&, true for ||) decides alone. An operand with no
    // operator keeps its value: a function's argument stays a string.
    const chain = (operator: string, operand: () => Value, decisive: boolean) => (): Value => {
        let value = operand();
        while (tokens[at] === operator) {
            at += 1;
            const [left, right] = [truth(value), truth(operand())];
            value = left === decisive || right === decisive ? decisive : left === undefined || right === undefined ? undefined : !decisive;
        }
        return value;
    };
    const and = chain("&&", comparison, false);
    const or = chain("||", and, true);
    const value = truth(or());
    return unread || at !== tokens.length ? undefined : value;
}

/** Whether the job may run for the event and ref: its `if:`, and, unless it runs whatever came before, the jobs it needs. */
export function mayRun(workflow: WorkflowShape, name: string, facts: Record<string, string>): boolean {
    const job = workflow.jobs[name];
    assert.ok(job, `a job needs "${name}", which the workflow does not have`);
    const condition = String(job.if ?? "success()");
    return evaluate(condition, facts) !== false
        && (/\b(always|failure|cancelled)\s*\(/.test(condition) || [job.needs ?? []].flat().every((n) => mayRun(workflow, n, facts)));
}
