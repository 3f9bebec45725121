/**
 * pull-request.yml's preview comment: the step that posts every stack's diff finds its own comment by the hidden marker
 * that begins it, among the pull request's comments on every page, and edits that one alone, or creates it when there is
 * none; no other comment is ever edited, nor any posted when a page of the listing fails. Its script is run with the
 * shell the runner gives the step, with a stand-in `gh` on PATH that answers the listing from a fixture of comments in
 * pages, applies the --jq filter to each page as gh does (with jq, which scripts/test-packages.sh installs where it is
 * missing), and records every call. The preview job's step that keeps each stack's diff for it is run the same way.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Parser, type Node } from "commonmark";
import * as yaml from "js-yaml";
import { seeded } from "./helpers/handMadeLake";
import { repoRoot } from "./helpers/stackHarness";
import { runnerShell } from "./helpers/workflowFacts";

interface Step { name?: string; run?: string; shell?: string; env?: Record<string, string> }
interface Defaults { defaults?: { run?: { shell?: string } } }
const workflow = yaml.load(fs.readFileSync(path.join(repoRoot, ".github", "workflows", "pull-request.yml"), "utf8")) as
    Defaults & { jobs: Record<string, Defaults & { steps: Step[] }> };
const step = workflow.jobs["comment"]!.steps.find((s) => s.name === "Post or edit the comment")!;

/**
 * Runs a step's script as the runner would, from a file, with the shell the step, its job or the workflow names, and
 * each `${{ }}` expression of it written in as GitHub writes its value (`expressions`, by the expression's text).
 */
function runStep(job: string, ran: Step, cwd: string, env: NodeJS.ProcessEnv, extraFlags: string[] = [], expressions: Record<string, string> = {}) {
    const [shell, ...flags] = runnerShell(workflow, workflow.jobs[job]!, ran);
    const script = path.join(cwd, "step.sh");
    fs.writeFileSync(script, ran.run!.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (whole, expression: string) => {
        assert.ok(expression in expressions, `${ran.name}: the expression ${whole}, whose value the test does not give`);
        return expressions[expression]!;
    }));
    return spawnSync(shell!, [...flags, ...extraFlags, script], { cwd, env, encoding: "utf8", timeout: 60_000 });
}

const marker = "<!-- spotify-stack:pulumi-preview -->";
const bot = "github-actions[bot]";
const repo = "octo/lake";
const pr = 42;

interface Comment { id: number; user: { login: string; type: string }; body: string }
/** One call of the stand-in: `gh api` with its method, path and body, or any other gh command as its arguments. */
interface Call { command?: string[]; method?: string; path?: string; body?: string | null }

// gh's answer to `gh api [--paginate] [--jq FILTER] PATH`: the fixture in pages of GH_PAGE, every page when paginating
// (the first only otherwise), the filter applied to each page on its own, its results printed as gh prints them; page
// GH_FAIL_PAGE, where set, answers 502, and gh fails there, after printing the pages before it. A write records its body
// and prints nothing; an edit of a comment GH_PATCH_FAILS names as "id:404" or "id:500" fails as gh fails on that answer.
const standIn = `#!/usr/bin/env bash
set -euo pipefail
if [ "\${1:-}" != api ]; then printf '%s\\n' "$@" | jq -Rsc '{command: split("\\n")[:-1]}' >> "$GH_CALLS"; exit 0; fi
shift
method= paginate=false filter= file= target=
while (( $# > 0 )); do
  case "$1" in
    --method|-X) method="$2"; shift 2 ;;
    --paginate) paginate=true; shift ;;
    --jq|-q) filter="$2"; shift 2 ;;
    --silent) shift ;;
    -F|--field) [[ "$2" == body=@* ]] || { echo "stand-in gh: field $2" >&2; exit 97; }; file="\${2#body=@}"; shift 2 ;;
    -*) echo "stand-in gh: option $1" >&2; exit 97 ;;
    *) [ -z "$target" ] || exit 97; target="$1"; shift ;;
  esac
done
[ -n "$GH_TOKEN" ] || { echo "stand-in gh: no token" >&2; exit 4; }
[ -n "$method" ] || { [ -n "$file" ] && method=POST || method=GET; }
if [ -n "$file" ]; then
  jq -cn --arg m "$method" --arg p "$target" --rawfile b "$file" '{method: $m, path: $p, body: $b}' >> "$GH_CALLS"
else
  jq -cn --arg m "$method" --arg p "$target" '{method: $m, path: $p, body: null}' >> "$GH_CALLS"
fi
if [ "$method" = PATCH ]; then
  case " \${GH_PATCH_FAILS:-} " in
    *" \${target##*/}:404 "*) echo "gh: Not Found (HTTP 404)" >&2; exit 1 ;;
    *" \${target##*/}:500 "*) echo "gh: Server Error (HTTP 500)" >&2; exit 1 ;;
  esac
fi
[ "$method" = GET ] || exit 0
[ "\${target%%\\?*}" = "repos/$GH_REPO_LISTED/issues/$GH_PR_LISTED/comments" ] || { echo "HTTP 404: Not Found" >&2; exit 1; }
pages="$(jq -c --argjson size "$GH_PAGE" 'if length == 0 then [] else range(0; length; $size) as $i | .[$i:$i + $size] end' "$GH_FIXTURE")"
[ "$paginate" = true ] || pages="$(head -n 1 <<< "$pages")"
n=0
while IFS= read -r page; do
  n=$((n + 1))
  [ "$n" != "\${GH_FAIL_PAGE:-0}" ] || { echo "HTTP 502: Bad Gateway (https://api.github.com/$target&page=$n)" >&2; exit 1; }
  # gh prints a null result as an empty line, where jq -r prints "null".
  if [ -n "$filter" ]; then jq -r "($filter)"' | if . == null then "" else . end' <<< "$page"; else printf '%s\\n' "$page"; fi
done <<< "$pages"
`;

/** The step's environment as the runner gives it for pull request 42 of octo/lake. */
function stepEnv(): Record<string, string> {
    const values: Record<string, string> = {
        "${{ github.token }}": "a-token", "${{ github.event.pull_request.number }}": String(pr), "${{ github.repository }}": repo,
    };
    return Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => {
        assert.ok(!value.includes("${{") || value in values, `${name}: an expression the test does not fill: ${value}`);
        return [name, values[value] ?? value];
    }));
}

/**
 * Runs the step in a folder of its own with the stand-in `gh`: its exit, output and the calls it made. `failPage` makes
 * that page of the listing fail; `nounset` runs the script with -u besides.
 */
function post(comments: Comment[], pageSize: number, previews: Record<string, string>, options: { failPage?: number; nounset?: boolean; patchFails?: string } = {}):
    { status: number; output: string; calls: Call[] } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "preview-comment-"));
    try {
        fs.mkdirSync(path.join(root, "bin"));
        fs.writeFileSync(path.join(root, "bin", "gh"), standIn, { mode: 0o755 });
        fs.mkdirSync(path.join(root, "previews"));
        for (const [file, text] of Object.entries(previews)) {
            fs.writeFileSync(path.join(root, "previews", file), text);
        }
        fs.writeFileSync(path.join(root, "comments.json"), JSON.stringify(comments));
        const calls = path.join(root, "calls.jsonl");
        const ran = runStep("comment", step, root, {
            ...process.env, ...stepEnv(), PATH: `${path.join(root, "bin")}:${process.env["PATH"]}`, TMPDIR: root,
            GH_FIXTURE: path.join(root, "comments.json"), GH_PAGE: String(pageSize), GH_CALLS: calls,
            GH_REPO_LISTED: repo, GH_PR_LISTED: String(pr), GH_FAIL_PAGE: String(options.failPage ?? 0), GH_PATCH_FAILS: options.patchFails ?? "",
        }, options.nounset ? ["-u"] : []);
        const recorded = fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n").filter((l) => l !== "") : [];
        return { status: ran.status ?? -1, output: `${ran.stdout}${ran.stderr}`, calls: recorded.map((l) => JSON.parse(l) as Call) };
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

// Each stack's diff as the preview job keeps it; production's with what a shell or printf would mangle.
const previews = {
    "dev.md": "#### `dev` (success)\n~~~\n+ 1 to create\n~~~\n",
    "production.md": "#### `production` (failure)\n~~~\nerror: $HOME `x` 'q' \"d\" %s é\n~~~\n",
};
const expectedBody = `${marker}\n### Pulumi preview\n\n${previews["dev.md"]}${previews["production.md"]}`;

type Kind = "preview" | "botOther" | "botQuoting" | "user" | "userMarked";
const bodies: Record<Kind, string> = {
    preview: `${marker}\n### Pulumi preview\n\nan earlier push's diff`,
    botOther: "### Coverage\n\n87% of lines",
    botQuoting: `Lint: the preview's comment begins with ${marker}`,
    user: "looks good",
    userMarked: `${marker}\n### Pulumi preview\n\nnot the bot's`,
};
const comment = (id: number, kind: Kind): Comment => ({
    id, body: bodies[kind],
    user: kind.startsWith("bot") || kind === "preview" ? { login: bot, type: "Bot" } : { login: kind === "user" ? "alice" : "mallory", type: "User" },
});

/** What the step must do: edit the newest comment of the bot's that begins with the marker, or create one. */
function expectedWrite(comments: Comment[]): Call {
    const ours = comments.filter((c) => c.user.login === bot && c.body.startsWith(marker)).map((c) => c.id);
    return ours.length > 0
        ? { method: "PATCH", path: `repos/${repo}/issues/comments/${Math.max(...ours)}`, body: expectedBody }
        : { method: "POST", path: `repos/${repo}/issues/${pr}/comments`, body: expectedBody };
}

/** Runs the step over the comments and checks its one write, and that every other call only read the comments. */
function assertPosts(comments: Comment[], pageSize: number, what: string): Call {
    const { status, output, calls } = post(comments, pageSize, previews);
    assert.equal(status, 0, `${what}: ${output}`);
    const writes = calls.filter((c) => c.method !== "GET");
    assert.deepEqual(writes, [expectedWrite(comments)], `${what}: the step made ${JSON.stringify(calls)}`);
    for (const read of calls.filter((c) => c.method === "GET")) {
        assert.equal(read.path?.split("?")[0], `repos/${repo}/issues/${pr}/comments`, what);
    }
    return writes[0]!;
}

describe("the preview comment", () => {
    it("is created, and nothing edited, where no comment begins with the marker: none at all, or only others' and the bot's other comments", () => {
        for (const comments of [[], [comment(5, "botOther"), comment(9, "user"), comment(12, "botQuoting"), comment(20, "userMarked")]]) {
            const write = assertPosts(comments, 2, JSON.stringify(comments.map((c) => c.id)));
            assert.equal(write.method, "POST");
        }
    });

    it("is the bot's marked comment alone that is edited, not a later comment of another workflow's as the bot, nor another user's with the marker", () => {
        const comments = [comment(100, "preview"), comment(101, "botOther"), comment(102, "user"), comment(103, "userMarked"),
            comment(104, "botQuoting"), comment(105, "botOther")];
        for (const pageSize of [1, 2, 6, 100]) {
            const write = assertPosts(comments, pageSize, `pages of ${pageSize}`);
            assert.equal(write.path, `repos/${repo}/issues/comments/100`);
        }
    });

    it("is the newest of several marked comments across pages, wherever that page is", () => {
        // The newest on the last page, then on a page before others: the step reads every page and picks from them all.
        const last = [comment(10, "preview"), comment(11, "user"), comment(13, "preview"), comment(14, "botOther"), comment(17, "preview")];
        const middle = [comment(10, "preview"), comment(11, "botOther"), comment(12, "user"), comment(13, "preview"), comment(14, "userMarked"),
            comment(15, "botOther")];
        assert.equal(assertPosts(last, 2, "the newest on the last page").path, `repos/${repo}/issues/comments/17`);
        assert.equal(assertPosts(middle, 2, "the newest on the second of three pages").path, `repos/${repo}/issues/comments/13`);
    });

    it("over generated pull requests, edits exactly the newest marked comment of the bot's, or creates one where there is none", () => {
        const random = seeded(20260611);
        const kinds: Kind[] = ["preview", "botOther", "botQuoting", "user", "userMarked"];
        const outcomes = { PATCH: 0, POST: 0, laterPage: 0 };
        for (let c = 0; c < 40; c++) {
            let id = 1000 + random(50);
            const comments = Array.from({ length: random(10) }, () => comment(id += 1 + random(30), kinds[random(kinds.length)]!));
            const pageSize = 1 + random(4);
            const what = `comments ${JSON.stringify(comments.map((x) => [x.id, x.user.login, x.body.slice(0, 8)]))} in pages of ${pageSize}`;
            const write = assertPosts(comments, pageSize, what);
            outcomes[write.method as "PATCH" | "POST"] += 1;
            const edited = comments.findIndex((x) => write.path?.endsWith(`/${x.id}`));
            outcomes.laterPage += edited >= pageSize ? 1 : 0;
        }
        assert.ok(outcomes.PATCH >= 5 && outcomes.POST >= 5 && outcomes.laterPage >= 5,
            `the generated pull requests try every outcome, an edit of a comment past the first page among them: ${JSON.stringify(outcomes)}`);
    });

    it("begins with the marker, an HTML comment GitHub does not show, and holds each stack's diff as kept, in the stacks' order", () => {
        assert.match(marker, /^<!--[^>]*-->$/);
        const { status, calls } = post([], 3, previews);
        assert.equal(status, 0);
        const body = calls.find((c) => c.method === "POST")?.body ?? "";
        assert.equal(body.split("\n")[0], marker);
        assert.equal(body, expectedBody);
        assert.ok(body.indexOf(previews["dev.md"]) < body.indexOf(previews["production.md"]));
        // The marker the step looks for is the one it writes.
        const again = post([{ id: 7, user: { login: bot, type: "Bot" }, body }], 3, previews);
        assert.deepEqual(again.calls.filter((c) => c.method !== "GET").map((c) => c.path), [`repos/${repo}/issues/comments/7`]);
    });

    // What the step writes when it cuts a diff, and each diff's share of a comment with these headings: what the marker
    // line, the title, the blank line and every stack's heading, closing fence and note leave, split equally.
    const note = "_Cut to fit the comment: the whole diff is in the preview job's log._";
    const shareOf = (headings: string[]) =>
        Math.floor((65_536 - marker.length - 21 - headings.reduce((n, h) => n + Buffer.byteLength(h) + 4 + note.length + 1, 0)) / headings.length);

    it("fits GitHub's 65536 characters whatever the number and length of the stacks' diffs: each one whole, or cut at a whole line within an equal share and saying so", () => {
        const random = seeded(20261206);
        const words = ["aws:lambda:Function", "~ environment", "é", "🎵", "[diff: +tags]", "\"q\"", "$HOME", "%s"];
        const line = () => `${"+~-"[random(3)]} ${Array.from({ length: 1 + random(12) }, () => words[random(words.length)]).join(" ")}`;
        const seen = { cut: 0, whole: 0, stacks: new Set<number>() };
        for (let round = 0; round < 16; round++) {
            const stacks = ["dev", "eu", "production", "staging", "us"].slice(0, 1 + random(5)).sort();
            const diffs = stacks.map(() => {
                // Most a few lines, some past a comment alone: 65536 bytes, as the preview job keeps at most.
                const lines = Array.from({ length: random(3) === 0 ? 3000 : 1 + random(80) }, line).join("\n");
                return Buffer.from(lines).subarray(0, 65_536).toString().replace(/\uFFFD$/, "").trimEnd();
            });
            const headings = stacks.map((stack, i) => `#### \`${stack}\` (${i % 2 === 0 ? "success" : "failure"})\n~~~\n`);
            const kept = Object.fromEntries(stacks.map((stack, i) => [`${stack}.md`, `${headings[i]}${diffs[i]}\n~~~\n`]));
            const what = `${stacks.length} stacks of ${diffs.map((d) => Buffer.byteLength(d)).join(", ")} bytes`;
            const { status, output, calls } = post([], 3, kept);
            assert.equal(status, 0, `${what}: ${output}`);
            const body = calls.find((c) => c.method === "POST")?.body ?? "";
            assert.ok(Buffer.byteLength(body) <= 65_536, `${what}: the comment is ${Buffer.byteLength(body)} bytes`);
            assert.ok(body.startsWith(`${marker}\n### Pulumi preview\n\n`), what);
            const share = shareOf(headings);
            let rest = body.slice(`${marker}\n### Pulumi preview\n\n`.length);
            stacks.forEach((stack, i) => {
                assert.ok(rest.startsWith(headings[i]!), `${what}: ${stack}'s heading, in the stacks' order`);
                rest = rest.slice(headings[i]!.length);
                const end = rest.indexOf("\n~~~\n");
                const shown = rest.slice(0, end);
                rest = rest.slice(end + "\n~~~\n".length);
                const cut = rest.startsWith(`${note}\n`);
                if (cut) {
                    rest = rest.slice(note.length + 1);
                    const next = (shown === "" ? diffs[i]! : diffs[i]!.slice(shown.length + 1)).split("\n")[0]!;
                    assert.ok(shown === "" || diffs[i]!.startsWith(`${shown}\n`), `${what}: ${stack}'s diff is cut at a whole line`);
                    const withNext = shown === "" ? `${next}\n` : `${shown}\n${next}\n`;
                    assert.ok(Buffer.byteLength(withNext) > share, `${what}: ${stack}'s diff is cut though its next line fits its share of ${share} bytes`);
                    seen.cut += 1;
                } else {
                    assert.equal(shown, diffs[i], `${what}: ${stack}'s diff, whole`);
                    assert.ok(Buffer.byteLength(`${shown}\n`) <= share, `${what}: ${stack}'s diff past its share of ${share} bytes is not cut`);
                    seen.whole += 1;
                }
            });
            assert.equal(rest, "", `${what}: nothing after the last stack`);
            seen.stacks.add(stacks.length);
        }
        assert.ok(seen.cut >= 5 && seen.whole >= 5 && seen.stacks.size >= 4, `the rounds try cut and whole diffs of 1 to 5 stacks: ${JSON.stringify({ ...seen, stacks: [...seen.stacks] })}`);
    });

    it("keeps a diff's line that ends exactly at its share, and cuts the one after it", () => {
        const heading = "#### `dev` (success)\n~~~\n";
        const share = shareOf([heading]);
        // Lines of 100 bytes with their line break, and one that makes them end exactly at the share, then more.
        const fill = Array.from({ length: Math.floor(share / 100) - 1 }, (_, i) => `+ ${String(i).padStart(97, "x")}`);
        const last = `+ ${"z".repeat(share - fill.length * 100 - 3)}`;
        const shown = [...fill, last].join("\n");
        assert.equal(Buffer.byteLength(`${shown}\n`), share);
        const { status, output, calls } = post([], 3, { "dev.md": `${heading}${shown}\n+ after\n+ more\n~~~\n` });
        assert.equal(status, 0, output);
        const body = calls.find((c) => c.method === "POST")?.body ?? "";
        assert.equal(body, `${marker}\n### Pulumi preview\n\n${heading}${shown}\n~~~\n${note}\n`);
        assert.equal(Buffer.byteLength(body), 65_536);
    });

    it("is neither posted nor edited when no stack's diff was kept, which the step warns of", () => {
        const { status, output, calls } = post([comment(3, "preview")], 2, {});
        assert.equal(status, 0, output);
        assert.deepEqual(calls, []);
        assert.match(output, /^::warning::no stack's preview was kept/m);
    });

    it("is neither posted nor edited when a page of the listing fails, the first or a later one: the step fails, naming the error", () => {
        // On page 2 of 2: the marked comment on page 1 is no longer the newest, and on the other there is none before it.
        const fixtures = [[comment(10, "preview"), comment(11, "user"), comment(12, "preview"), comment(13, "botOther")],
            [comment(20, "user"), comment(21, "botOther"), comment(22, "preview")]];
        for (const comments of fixtures) {
            for (const failPage of [1, 2]) {
                const what = `comments ${JSON.stringify(comments.map((c) => c.id))}, page ${failPage} of the listing answering 502`;
                const { status, output, calls } = post(comments, 2, previews, { failPage });
                const writes = calls.filter((c) => c.method !== "GET").map((c) => `${c.method} ${c.path}`);
                assert.deepEqual(writes, [], `${what}: the step wrote, and ended ${status}`);
                assert.notEqual(status, 0, `${what}: the step passed: ${output}`);
                assert.match(output, /HTTP 502/, what);
            }
        }
    });

    it("is posted anew when its comment was deleted between the listing and the edit (404), and not when the edit fails otherwise", () => {
        const comments = [comment(30, "preview"), comment(31, "user"), comment(32, "preview")];
        const gone = post(comments, 2, previews, { patchFails: "32:404" });
        assert.equal(gone.status, 0, gone.output);
        assert.deepEqual(gone.calls.filter((c) => c.method !== "GET").map((c) => [c.method, c.path, c.body === expectedBody]),
            [["PATCH", `repos/${repo}/issues/comments/32`, true], ["POST", `repos/${repo}/issues/${pr}/comments`, true]]);
        assert.match(gone.output, /comment 32 was deleted since it was listed/);
        const failed = post(comments, 2, previews, { patchFails: "32:500" });
        assert.notEqual(failed.status, 0, failed.output);
        assert.deepEqual(failed.calls.filter((c) => c.method !== "GET").map((c) => c.method), ["PATCH"]);
        assert.match(failed.output, /\(HTTP 500\)/);
    });

    it("names no variable it does not set: run with -u besides, it edits the same comment", () => {
        const { status, output, calls } = post([comment(4, "preview"), comment(6, "user")], 1, previews, { nounset: true });
        assert.equal(status, 0, output);
        assert.deepEqual(calls.filter((c) => c.method !== "GET").map((c) => c.path), [`repos/${repo}/issues/comments/4`]);
    });

    it("has jq, which plays gh's built-in --jq in the stand-in", () => {
        assert.equal(spawnSync("jq", ["--version"]).status, 0, "jq is missing: make test installs it (scripts/test-packages.sh), or apt-get install jq");
    });
});

describe("the diff a preview job keeps for the comment", () => {
    const keep = workflow.jobs["preview"]!.steps.find((s) => s.name === "Keep the diff for the comment job")!;
    const kept = (stack: string, outcome: string, output: string, json: string = JSON.stringify(output)) => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "preview-kept-"));
        try {
            // GitHub writes toJSON of a string as a JSON string literal, on one line.
            const ran = runStep("preview", keep, root, { ...process.env, STACK: stack, OUTCOME: outcome }, [], { "toJSON(steps.stack.outputs.output)": json });
            const file = path.join(root, "preview", `${stack}.md`);
            return {
                status: ran.status, output: `${ran.stdout}${ran.stderr}`, text: fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined,
                ranAny: fs.readdirSync(root).filter((name) => name.startsWith("pwned")),
            };
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    };

    it("is read from the stack step's outcome, in its environment, and output, written into its script as one JSON string", () => {
        assert.deepEqual(keep.env, { STACK: "${{ matrix.stack }}", OUTCOME: "${{ steps.stack.outcome }}" });
        assert.deepEqual([...keep.run!.matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)].map((m) => m[1]), ["toJSON(steps.stack.outputs.output)"]);
    });

    it("is the output as it is, or its first 65536 bytes, in a fenced block whose closing fence has a line of its own, and the step passes", () => {
        // Longer than the cut and a pipe's buffer together: a writer into a pipe the cut closed early would be killed. And
        // longer than one environment variable may be on Linux (128 KiB), as a stack's first preview is.
        const long = Array.from({ length: 6000 }, (_, i) => `~ aws:lambda:Function export-${i} [diff: ~environment]`).join("\n");
        assert.ok(long.length > 131_072, String(long.length));
        // What a shell would expand, or read as the end of a here-document it did not choose.
        const shellish = "+ command: \"$(rm -rf ~)\" `id` ${HOME} 'EOF' \\\nEOF";
        for (const [output, diff] of [["+ 1 to create", "+ 1 to create\n"], ["", "no diff: see the job's log and summary\n"],
            [shellish, `${shellish}\n`], [long, `${long.slice(0, 65_536).replace(/\n+$/, "")}\n`]]) {
            const { status, output: log, text } = kept("dev", "failure", output!);
            assert.equal(status, 0, `${output!.length} bytes of output: ${log}`);
            assert.equal(text, `#### \`dev\` (failure)\n~~~\n${diff!}~~~\n`, `${output!.length} bytes of output`);
        }
    });
    it("says there is no diff where the stack step left no output: a step that never ran, whose output toJSON gives as null", () => {
        for (const json of ["null", JSON.stringify("")]) {
            const { status, output, text } = kept("dev", "skipped", "", json);
            assert.equal(status, 0, output);
            assert.equal(text, "#### `dev` (skipped)\n~~~\nno diff: see the job's log and summary\n~~~\n", json);
        }
    });

    /** The top-level blocks of a Markdown text as CommonMark reads it (GitHub's Markdown is a superset of it). */
    const blocks = (markdown: string): Node[] => {
        const found: Node[] = [];
        for (let node = new Parser().parse(markdown).firstChild; node !== null; node = node.next) {
            found.push(node);
        }
        return found;
    };

    it("shows each stack's output in the comment as one code block holding it as it is, or cut and saying so, whatever its lines hold (generated)", () => {
        const random = seeded(20261207);
        // Lines a diff may hold that a careless step mangles: the here-document's end, shell, runs of tildes at every indent
        // (up to three spaces Markdown reads as a fence; four or a tab as code), backticks, characters of several bytes.
        const pool = ["SPOTIFY_STACK_PREVIEW_OUTPUT_ENDS", "touch pwned-1", "$(touch pwned-2)", "`touch pwned-3`", "~~~", "~~~~", "~~~~~~~ tail",
            "   ~~~~~", "  ~~~", "    ~~~~~~~~~", "\t~~~~~~", "~~", "```", "~ aws:lambda:Function export-7 [diff: ~environment]",
            "+ é 🎵 ü", "EOF", "'", "\"", "\\", "%s", "", "a\r~~~~~", "\r   ~~~~~~ "];
        // Markdown ends a line at a carriage return too, and CommonMark gives a code block's lines with line feeds.
        const lf = (text: string) => text.replace(/\r\n?/g, "\n");
        const note = "_Cut to fit the comment: the whole diff is in the preview job's log._";
        const seen = { whole: 0, cutAtALine: 0, cutInTheFirstLine: 0, longerFence: 0 };
        for (let round = 0; round < 14; round++) {
            const stacks = ["dev", "eu", "production"].slice(0, 1 + random(3));
            const outputs = stacks.map(() => {
                const shape = random(4);
                if (shape === 0) {
                    // One line longer than any share: a first line the comment must cut inside, between whole characters.
                    return Array.from({ length: 36_000 + random(8000) }, () => ["~", "é", "🎵", "x", " "][random(5)]).join("");
                }
                const lines = Array.from({ length: shape === 1 ? 4000 : 1 + random(40) }, () => pool[random(pool.length)]!);
                return lines.join("\n");
            });
            const files = stacks.map((stack, i) => {
                const k = kept(stack, i % 2 === 0 ? "success" : "failure", outputs[i]!);
                assert.equal(k.status, 0, `round ${round}, ${stack}: ${k.output}`);
                assert.deepEqual(k.ranAny, [], `round ${round}, ${stack}: a line of the output ran as a command`);
                return k.text!;
            });
            const expected = outputs.map((o) => {
                const cut = Buffer.from(o.replace(/\n+$/, "")).subarray(0, 65_536).toString().replace(/\n+$/, "");
                return cut === "" ? "no diff: see the job's log and summary" : cut;
            });
            files.forEach((text, i) => {
                // As the preview job keeps it: its heading and one code block holding the output, fenced by a fence no line closes.
                const [heading, code, ...more] = blocks(text);
                assert.equal(heading?.type, "heading", `round ${round}: ${text.slice(0, 200)}`);
                assert.equal(code?.type, "code_block", `round ${round}: the kept diff is no single code block`);
                assert.deepEqual(more.map((b) => b.type), [], `round ${round}: the kept diff's fence closed early`);
                if (!expected[i]!.includes("\uFFFD")) {
                    assert.equal(code!.literal, lf(`${expected[i]}\n`), `round ${round}: the kept diff is not the output as it is`);
                }
                seen.longerFence += text.split("\n")[1]!.length > 3 ? 1 : 0;
            });

            const { status, output, calls } = post([], 3, Object.fromEntries(stacks.map((stack, i) => [`${stack}.md`, files[i]!])));
            assert.equal(status, 0, `round ${round}: ${output}`);
            const body = calls.find((c) => c.method === "POST")?.body ?? "";
            assert.ok(Buffer.byteLength(body) <= 65_536, `round ${round}: the comment is ${Buffer.byteLength(body)} bytes`);
            const share = Math.floor((65_536 - marker.length - 21 - files.reduce((n, text) => {
                const [title, fence] = text.split("\n");
                return n + Buffer.byteLength(`${title}\n${fence}\n`) + fence!.length + 1 + note.length + 1;
            }, 0)) / stacks.length);
            const [markerBlock, title, ...rest] = blocks(body);
            assert.equal(markerBlock?.type, "html_block");
            assert.equal(title?.type, "heading");
            stacks.forEach((stack, i) => {
                const [heading, code] = [rest.shift(), rest.shift()];
                assert.equal(heading?.type, "heading", `round ${round}: ${stack}'s heading`);
                assert.equal(code?.type, "code_block", `round ${round}: ${stack}'s diff is no code block`);
                const shown = code!.literal!;
                const whole = lf(expected[i]!);
                if (rest[0]?.type === "paragraph") {
                    assert.equal(rest.shift()!.firstChild?.type, "emph", `round ${round}: ${stack}'s note`);
                    const text = shown.slice(0, -1);
                    assert.ok(text !== "", `round ${round}: ${stack}'s diff was cut to nothing (share ${share} bytes)`);
                    assert.ok(Buffer.byteLength(shown) <= share, `round ${round}: ${stack}'s diff is past its share of ${share} bytes`);
                    assert.ok(whole.startsWith(text), `round ${round}: ${stack}'s cut diff is no beginning of its diff`);
                    if (whole[text.length] === "\n") {
                        seen.cutAtALine += 1;
                    } else {
                        // Inside the first line, only when it alone is past the share, and at most a character short of it.
                        assert.ok(!text.includes("\n") && Buffer.byteLength(whole.split("\n")[0]!) + 1 > share, `round ${round}: ${stack} cut inside a line`);
                        assert.ok(Buffer.byteLength(shown) > share - 4, `round ${round}: ${stack}'s first line is cut ${share - Buffer.byteLength(shown)} bytes short of its share`);
                        seen.cutInTheFirstLine += 1;
                    }
                } else if (!whole.includes("\uFFFD")) {
                    assert.equal(shown, `${whole}\n`, `round ${round}: ${stack}'s diff, whole`);
                    seen.whole += 1;
                }
            });
            assert.deepEqual(rest.map((b) => b.type), [], `round ${round}: blocks after the last stack's`);
        }
        assert.ok(Object.values(seen).every((n) => n >= 2), `the rounds try every case: ${JSON.stringify(seen)}`);
    });
});
