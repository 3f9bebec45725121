// Every command the README and the guides it links show exists: make targets in the Makefile, `spotify-etl` verbs
// and options in the built tool's own --help, and the config keys `pulumi config set` names in the project (or
// bootstrap) file. What the README shows of `make demo` is what the demo prints.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import * as yaml from "js-yaml";
import { seeded } from "./helpers/handMadeLake";
import { repoRoot } from "./helpers/stackHarness";

const readmePath = path.join(repoRoot, "README.md");
const readme = fs.readFileSync(readmePath, "utf8");
const cliGuide = fs.readFileSync(path.join(repoRoot, "docs", "cli.md"), "utf8");
/** The README and the guides it sends users to for commands. */
const shown = [readme, cliGuide, ...["deploying.md", "operations.md"].map((f) => fs.readFileSync(path.join(repoRoot, "docs", f), "utf8"))].join("\n");
/** The shell blocks, with continuation lines joined and comments dropped. */
const blocks = [...shown.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) =>
    m[1]!.replace(/\\\n\s*/g, " ").split("\n").map((line) => line.replace(/\s+#.*$/, "").trim()).filter((l) => l !== "" && !l.startsWith("#")));

const declaredKeys = (file: string): string[] =>
    Object.keys((yaml.load(fs.readFileSync(path.join(repoRoot, file), "utf8")) as { config: Record<string, unknown> }).config);

test("make demo gives the demo the folder LAKE names as one word, whatever characters its name holds", () => {
    const random = seeded(7);
    const characters = [" ", "'", "\"", "*", "?", "&", ";", "(", ")", "|", "<", ">", "\\", "`", "~", "#", "é", "a", "b"];
    for (let i = 0; i < 25; i++) {
        const name = Array.from({ length: 1 + random(12) }, () => characters[random(characters.length)]).join("");
        const lake = path.join(os.tmpdir(), `lake ${name}`);
        const commands = execFileSync("make", ["-n", "--no-print-directory", "demo", `LAKE=${lake}`], { cwd: repoRoot, encoding: "utf8" });
        const demo = commands.split("\n").find((line) => line.includes(" -- demo "));
        assert.ok(demo, `make -n demo printed no demo command:\n${commands}`);
        // The command as the shell make runs it would split it: every word after `--`, one per NUL.
        const words = execFileSync("bash", ["-c", `printf '%s\\0' ${demo.slice(demo.indexOf(" -- ") + 4)}`], { encoding: "utf8" }).split("\0").slice(0, -1);
        assert.deepEqual(words, ["demo", "--lake", lake], name);
    }
});

test("every make target the README runs is a target of the Makefile", () => {
    const makefile = fs.readFileSync(path.join(repoRoot, "Makefile"), "utf8");
    const targets = new Set([...makefile.matchAll(/^([a-z][\w-]*):/gm)].map((m) => m[1]));
    const used = blocks.flat().flatMap((line) => [...line.matchAll(/(?:^|&&|;)\s*make ([a-z][\w-]*)/g)].map((m) => m[1]!));
    assert.ok(used.length >= 3, `found only make ${used.join(", ")}`);
    for (const target of used) {
        assert.ok(targets.has(target), `make ${target}: no such target`);
    }
});

test("every key `pulumi config set` names is declared by the program it runs in", () => {
    const stackKeys = declaredKeys("Pulumi.yaml");
    const bootstrapKeys = declaredKeys(path.join("infra", "bootstrap", "Pulumi.yaml"));
    let checked = 0;
    for (const block of blocks) {
        let keys = stackKeys;
        for (const line of block) {
            if (/\bcd infra\/bootstrap\b/.test(line)) {
                keys = bootstrapKeys;
            }
            for (const m of line.matchAll(/pulumi config set (?:--secret |--path )*'?([\w:.-]+)/g)) {
                const key = m[1]!;
                checked += 1;
                assert.ok(key.startsWith("aws:") || keys.includes(key), `pulumi config set ${key}: not a declared key`);
            }
        }
    }
    // Prose and tables name commands too.
    for (const m of shown.matchAll(/`pulumi config set (?:--secret )?(\w+)/g)) {
        assert.ok(stackKeys.includes(m[1]!), `pulumi config set ${m[1]}: not a declared key`);
    }
    assert.ok(checked >= 5, "the README sets the secrets and the bootstrap keys");
});

/**
 * Why a command puts a secret on its command line (where `ps` and the shell's history show it), or undefined: a
 * `pulumi config set` with `--secret` that is given its value as an argument rather than on stdin or at a prompt, or an
 * `aws secretsmanager` call whose `--secret-string` is no `file://`.
 */
function secretOnCommandLine(command: string): string | undefined {
    // Each command of a list or pipeline, without its comment, up to its first redirection.
    for (const segment of command.replace(/(^|\s)#.*$/, "").split(/\|\||&&|[|;]/)) {
        const words = segment.split(/[<>]/)[0]!.trim().split(/\s+/).flatMap((w) => w.startsWith("--") && w.includes("=") ? [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)] : [w]);
        const at = words.findIndex((w, i) => w === "pulumi" && words[i + 1] === "config" && words[i + 2] === "set");
        if (at >= 0 && words.includes("--secret")) {
            const operands: string[] = [];
            for (let i = at + 3; i < words.length; i++) {
                if (["--stack", "-s", "--config-file", "-C", "--cwd"].includes(words[i]!)) {
                    i++;
                } else if (!words[i]!.startsWith("-")) {
                    operands.push(words[i]!);
                }
            }
            if (operands.length > 1) {
                return `pulumi config set --secret ${operands[0]} given its value as an argument (pipe it in, or let pulumi prompt)`;
            }
        }
        if (words.includes("secretsmanager") && words.includes("--secret-string")) {
            const value = words[words.indexOf("--secret-string") + 1];
            if (!/^["']?file:\/\//.test(value ?? "")) {
                return `aws secretsmanager --secret-string ${value ?? ""}: the secret itself on the command line (give file://)`;
            }
        }
    }
    return undefined;
}

test("no command of the README or docs/ puts a secret on the command line", () => {
    const docs = path.join(repoRoot, "docs");
    const texts = [readme, ...fs.readdirSync(docs).filter((f) => f.endsWith(".md")).map((f) => fs.readFileSync(path.join(docs, f), "utf8"))];
    const commands = texts.flatMap((text) => [
        // Shell blocks, continuation lines joined, and code spans in prose, which may run over a line break.
        ...[...text.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.replace(/\\\n\s*/g, " ").split("\n")),
        ...[...text.replace(/```[\s\S]*?```/g, "").matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\s+/g, " ")),
    ]).filter((c) => /pulumi config set\b.*--secret\b|secretsmanager .*--secret-string/.test(c));
    for (const command of commands) {
        const problem = secretOnCommandLine(command);
        assert.equal(problem, undefined, `${command}: ${problem}`);
    }
    // The docs do store secrets: the commands that do are the ones checked.
    assert.ok(commands.some((c) => c.includes("pulumi config set")), "no pulumi config set --secret found in the docs");
    assert.ok(commands.filter((c) => c.includes("secretsmanager")).length >= 3, `found only: ${commands.join(" / ")}`);
});

test("the check of secrets on command lines tells a value given as an argument from one given on stdin", () => {
    const flagged = [
        "pulumi config set --secret snowflakePassword hunter2",
        "pulumi config set snowflakePassword hunter2 --secret",
        "pulumi config set --stack dev --secret spotify-stack:snowflakePassword 'hunter2' && pulumi up",
        "pulumi config set --secret --path snowflakePassword hunter2 # a comment",
        "cd infra && pulumi config set --secret snowflakePassword hunter2",
        "aws secretsmanager put-secret-value --secret-id x --secret-string=hunter2",
        "aws secretsmanager put-secret-value --secret-id arn --secret-string '{\"client_secret\":\"x\"}'",
        "aws secretsmanager create-secret --name n --secret-string hunter2",
    ];
    const passed = [
        "pulumi config set --secret snowflakePrivateKey < ~/.config/spotify-etl/snowflake_dev.p8",
        "cat key.p8 | pulumi config set --secret snowflakePrivateKey",
        "pulumi config set --secret snowflakePassword",
        "pulumi config set snowflakeUser LOADER",
        "pulumi config set --secret snowflakePassword # prompts for it",
        "aws secretsmanager put-secret-value --secret-id x --secret-string=file://c.json",
        "aws secretsmanager put-secret-value --secret-id \"$(pulumi stack output spotifySecretArn)\" --secret-string file://$HOME/c.json",
        "aws secretsmanager put-secret-value --secret-id x --secret-string \"file://$FILE\"",
    ];
    for (const command of flagged) {
        assert.notEqual(secretOnCommandLine(command), undefined, command);
    }
    for (const command of passed) {
        assert.equal(secretOnCommandLine(command), undefined, command);
    }
});

/** The built spotify-etl, asked for the help of a verb path. */
const cli = ["Release", "Debug"].map((c) => path.join(repoRoot, "functions", "SpotifyEtl.Cli", "bin", c, "net10.0", "spotify-etl.dll"))
    .find((f) => fs.existsSync(f)) ?? "functions/SpotifyEtl.Cli/bin/<configuration>/net10.0/spotify-etl.dll";
const helpCache = new Map<string, string>();
function help(verbs: readonly string[]): string {
    const key = verbs.join(" ");
    if (!helpCache.has(key)) {
        helpCache.set(key, execFileSync("dotnet", [cli, ...verbs, "--help"], { encoding: "utf8" }));
    }
    return helpCache.get(key)!;
}
/** Names listed in a help section ("Commands:" or "Options:"). */
function listed(text: string, section: "Commands" | "Options"): string[] {
    const body = text.split(new RegExp(`^${section}:\\s*$`, "m"))[1]?.split(/^\S.*:\s*$/m)[0] ?? "";
    return [...body.matchAll(/^\s{2}(\S[^\s<,]*(?:, \S[^\s<,]*)*)/gm)].flatMap((m) => m[1]!.split(", "));
}

test("every spotify-etl verb and option the README uses is in the tool's --help", () => {
    assert.ok(fs.existsSync(cli), `${cli} is missing: run make build first`);
    const invocations = blocks.flat().flatMap((line) => {
        const m = /(?:dotnet run --project functions\/SpotifyEtl\.Cli\b.*? -- |^(?:artifacts\/cli\/)?spotify-etl )(.*)$/.exec(line);
        return m === null ? [] : [m[1]!.split(/\s+/).filter((w) => w !== "")];
    });
    // The verb table of docs/cli.md.
    for (const row of cliGuide.matchAll(/^\| `((?:demo|sample|transform|query|report|extract|auth)(?: [^`]*)?)` \|/gm)) {
        invocations.push(row[1]!.replace(/[[\]]/g, "").split(/\s+/));
    }
    assert.ok(invocations.length >= 8, `found ${invocations.length} invocations`);
    for (const words of invocations) {
        const verbs: string[] = [];
        for (const word of words) {
            if (word.startsWith("--")) {
                if (word === "--help") {
                    continue;
                }
                const options = listed(help(verbs), "Options");
                assert.ok(options.includes(word.split("=")[0]!), `spotify-etl ${verbs.join(" ")} has no option ${word} (has ${options.join(" ")})`);
            } else if (listed(help(verbs), "Commands").includes(word)) {
                verbs.push(word);
            } else if (verbs.length === 0) {
                assert.fail(`spotify-etl has no verb ${word}`);
            }
        }
        assert.ok(verbs.length > 0 || words.join(" ") === "--help", `no verb in: ${words.join(" ")}`);
    }
});

/** The README's generated block between <!-- NAME:begin --> and <!-- NAME:end -->. */
function block(text: string, name: string): { start: number; end: number; body: string } {
    const begin = `<!-- ${name}:begin -->\n`;
    const start = text.indexOf(begin);
    const end = text.indexOf(`<!-- ${name}:end -->`);
    assert.ok(start >= 0 && end > start, `README.md has no <!-- ${name}:begin --> ... <!-- ${name}:end --> block`);
    return { start: start + begin.length, end, body: text.slice(start + begin.length, end) };
}

/**
 * The demo as `make demo` runs it, on a fresh lake: what it prints up to its queries, with the lake's path as
 * `.lake/demo`, and the question each named query answers.
 */
function demoAsShown(): { opening: string; questions: string } {
    const lake = fs.mkdtempSync(path.join(os.tmpdir(), "readme-demo-"));
    try {
        const output = execFileSync("dotnet", [cli, "demo", "--lake", lake], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
        const lines = output.split(lake).join(path.join(".lake", "demo")).split("\n").map((l) => l.trimEnd());
        // A heading is underlined to its length: the shortened path shortens the line under it too.
        for (let i = 1; i < lines.length; i++) {
            if (/^-{3,}$/.test(lines[i]!) && lines[i - 1] !== "") {
                lines[i] = "-".repeat(lines[i - 1]!.length);
            }
        }
        const queries = lines.findIndex((l) => /^3\. /.test(l));
        assert.ok(queries > 0, "the demo printed no queries section");
        const opening = lines.slice(0, queries).join("\n").trim();
        const questions = lines.flatMap((l) => {
            const m = /^([a-z][a-z0-9_]*): (.+\?)$/.exec(l);
            return m === null ? [] : [`| \`${m[1]}\` | ${m[2]} |`];
        });
        assert.ok(questions.length >= 5, `the demo answered ${questions.length} questions`);
        return {
            opening: "```text\n" + opening + "\n```\n",
            questions: ["| query | the question it answers |", "|---|---|", ...questions].join("\n") + "\n",
        };
    } finally {
        fs.rmSync(lake, { recursive: true, force: true });
    }
}

test("what the README shows of make demo is what the demo prints (UPDATE_README=1 rewrites it)", () => {
    assert.ok(fs.existsSync(cli), `${cli} is missing: run make build first`);
    const demo = demoAsShown();
    let text = readme;
    for (const [name, expected] of [["demo", demo.opening], ["questions", demo.questions]] as const) {
        const shownBlock = block(text, name);
        if (process.env.UPDATE_README === "1") {
            text = text.slice(0, shownBlock.start) + expected + text.slice(shownBlock.end);
            continue;
        }
        assert.equal(shownBlock.body, expected, `README.md's ${name} block is not what make demo prints: run make readme`);
    }
    if (text !== readme) {
        fs.writeFileSync(readmePath, text);
    }
});

test("the README stays a front door: at most 200 lines, and every page it links exists", () => {
    assert.ok(readme.split("\n").length <= 200, `README.md has ${readme.split("\n").length} lines`);
    for (const m of readme.matchAll(/\]\(((?:docs\/|queries|Pulumi)[^)#]*)(?:#[^)]*)?\)/g)) {
        assert.ok(fs.existsSync(path.join(repoRoot, m[1]!)), `README.md links ${m[1]}, which does not exist`);
    }
});

test("every file and folder the README's tables name exists", () => {
    const named = [...readme.matchAll(/^\|.*$/gm)].flatMap((row) => [...row[0].matchAll(/`((?:infra|functions|tests|queries|benchmarks|\.github|docs)\/[^`<>*]*?)`/g)].map((m) => m[1]!));
    assert.ok(named.length >= 15, `found only ${named.length} paths`);
    for (const name of named) {
        assert.ok(fs.existsSync(path.join(repoRoot, name)), `README.md names ${name}, which does not exist`);
    }
});

test("the architecture diagram names every prefix each function may write, on an edge from that function into that bucket", () => {
    // What each role may put is tests/lambda-role-s3.json, which the stack's roles and the C# tests' S3 emulator are held to.
    const access = JSON.parse(fs.readFileSync(path.join(repoRoot, "tests", "lambda-role-s3.json"), "utf8")) as
        Record<string, Partial<Record<"raw" | "transformed", Partial<Record<string, string[]>>>>>;
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    assert.ok(diagram.includes("flowchart"), "the README has a Mermaid flowchart");
    // A node's label, by id: `raw[("raw bucket<br/>…")]` declares raw as the raw bucket.
    const bucketOf = new Map<string, string>();
    for (const m of diagram.matchAll(/(\w+)\[\("([^"]*)"\)\]/g)) {
        const kind = /^(raw|transformed) bucket/.exec(m[2]!)?.[1];
        if (kind !== undefined) {
            bucketOf.set(m[1]!, kind);
        }
    }
    const edges = diagram.split("\n").map((line) => /^\s*(\w+) -- "([^"]*)" --> (\w+)/.exec(line)).filter((m) => m !== null)
        .map((m) => ({ from: m[1]!, label: m[2]!, bucket: bucketOf.get(m[3]!) }));
    for (const [role, buckets] of Object.entries(access).filter(([key]) => !key.startsWith("$"))) {
        for (const [bucket, actions] of Object.entries(buckets)) {
            for (const pattern of actions["s3:PutObject"] ?? []) {
                const prefix = pattern.replace(/\*$/, "");
                // A source's folder of raw/ (raw/playlist/) is named by the diagram's raw/{source}/.
                const named = (label: string): boolean => label.includes(prefix) || (/^raw\/[a-z_]+\/$/.test(prefix) && label.includes("raw/{source}/"));
                assert.ok(edges.some((e) => e.from === role && e.bucket === bucket && named(e.label)),
                    `the diagram shows no edge from ${role} into the ${bucket} bucket naming ${prefix}, which its role may write`);
            }
        }
    }
});

test("the Node.js the README asks of make test is the package's engines and one every locked package allows", async () => {
    const least = /`make test` also needs Node\.js (\d+\.\d+) or newer/.exec(readme)?.[1];
    assert.ok(least, "the README names no Node.js version for make test");
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "infra", "package.json"), "utf8")) as { engines: { node: string } };
    assert.equal(pkg.engines.node, `>=${least}`);
    // semver is npm's own range parser, installed with the locked packages (npm's libraries among them).
    const { createRequire } = await import("node:module");
    const semver = createRequire(path.join(repoRoot, "infra", "package.json"))("semver") as { satisfies(version: string, range: string): boolean };
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, "infra", "package-lock.json"), "utf8")) as { packages: Record<string, { engines?: { node?: string } | string[] }> };
    // Two declare 22 and run on 20 all the same (make test passes on 20 as on the workflows' 22): @pulumi/pulumi, the Node.js of
    // `pulumi up` (which the README names), whose mocks the tests use; and cookie, under the S3 emulator's web framework.
    const declaringMore = new Set(["node_modules/@pulumi/pulumi", "node_modules/cookie"]);
    const refusing = Object.entries(lock.packages)
        .filter(([name, entry]) => !declaringMore.has(name) && !Array.isArray(entry.engines) && entry.engines?.node)
        .filter(([, entry]) => !semver.satisfies(`${least}.0`, (entry.engines as { node: string }).node))
        .map(([name, entry]) => `${name} (${(entry.engines as { node: string }).node})`);
    assert.deepEqual(refusing, [], `Node.js ${least} is refused by locked packages`);
    assert.match(readme, /`pulumi up` wants Node\.js 22/);
});
