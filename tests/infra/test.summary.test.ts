/**
 * `scripts/test.sh` adds up every runner into "N passed, N failed": each runner's own count, and one failure for a runner
 * that ended without one (a crash, a time limit) or failed with no failing test counted, never two. Run with bash in a
 * copy of the script whose runners (`dotnet`, `npm`, the native tool's tests, the benchmark smoke) are stand-ins playing
 * generated outcomes, under a user's language other than English, in which VSTest writes its summary unless told not to.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { seeded } from "./helpers/handMadeLake";

const testSh = path.resolve(__dirname, "../../scripts/test.sh");

/** What one runner does: its tests' counts when it prints them (null: it printed none), and its exit code. */
interface Outcome { counts: { passed: number; failed: number } | null; exit: number; names?: string[] }

interface Played { dotnet: Outcome[]; typecheck: number; node: Outcome & { cancelled: number }; alone: Outcome; bench: Outcome }

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

/**
 * VSTest's summary line of one test assembly, in English or, as it prints it under a German locale, in German; or, where a
 * user's environment forces MSBuild's terminal logger on, the logger's own summary, which has no VSTest line.
 */
function vstestLine(passed: number, failed: number): string {
    return `if [ "\${MSBUILDTERMINALLOGGER:-}" = on ]; then echo ${quote(`Test summary: total: ${passed + failed}, failed: ${failed}, succeeded: ${passed}, skipped: 0, duration: 3s`)}; else ` +
        `printf '%s\\n' "$( case "\${DOTNET_CLI_UI_LANGUAGE:-$LANG}" in en*|C|C.*|POSIX) english=1 ;; *) english= ;; esac; if [ -z "$english" ]; then ` +
        `echo ${quote(`Fehler!      : Fehler:     ${failed}, erfolgreich:     ${passed}, übersprungen:     0, gesamt:     ${passed + failed}, Dauer: 3 s - T.dll (net10.0)`)}; ` +
        `else echo ${quote(`${failed > 0 ? "Failed!" : "Passed!"}  - Failed:     ${failed}, Passed:     ${passed}, Skipped:     0, Total:     ${passed + failed}, Duration: 3 s - T.dll (net10.0)`)}; fi )"; fi`;
}

/**
 * The names VSTest gives failing tests: a fact's, or a theory's with its arguments, which hold colons, quotes, brackets
 * and spaces ("Method(seed: 1, name: \"a: b\")").
 */
function failingNames(failed: number, pick: (n: number) => number): string[] {
    const argument = () => [`seed: ${pick(100)}`, `name: "a: [${pick(9)}] b"`, `limit: ${1_000 + pick(500)}`, `path: "x/y z"`][pick(4)];
    return Array.from({ length: failed }, (_, i) => `SpotifyEtl.Tests.Cli.Class${pick(9)}.Test_${i}` +
        (i > 0 && pick(2) === 0 ? "" : `(${Array.from({ length: 1 + pick(3) }, argument).join(", ")})`));
}

/**
 * VSTest's line for one failing test, and its error message, one of whose lines reads like a failing test's but is
 * indented as a message is.
 */
const failedLine = (name: string) => `echo ${quote(`  Failed ${name} [${1 + name.length % 9} s]`)}; echo '  Error Message:'; ` +
    `echo '   Assert.True() Failure'; echo '   Failed to open [the lake] [2 s]'`;

function script(lines: string[], exit: number): string {
    return `#!/usr/bin/env bash\n${lines.join("\n")}\nexit ${exit}\n`;
}

/** Runs a copy of scripts/test.sh with stand-in runners playing `played`; its output lines and exit code. */
function runTests(played: Played, lang: string): { lines: string[]; status: number } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "test-sh-"));
    try {
        const write = (file: string, text: string) => {
            fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
            fs.writeFileSync(path.join(root, file), text, { mode: 0o755 });
        };
        write("scripts/test.sh", fs.readFileSync(testSh, "utf8"));
        write("scripts/test-packages.sh", fs.readFileSync(path.resolve(__dirname, "../../scripts/test-packages.sh"), "utf8"));
        write("scripts/apt-install.sh", script([], 0));
        // The time limit, playing no limit reached: the runner's own exit code stands.
        write("bin/timeout", script(['while [[ "$1" == -* ]]; do shift; done', "shift", 'exec "$@"'], 0));
        write("bin/dotnet", script(played.dotnet.flatMap(o => (o.counts ? [...(o.names ?? []).map(failedLine), vstestLine(o.counts.passed, o.counts.failed)]
            : ["echo 'Test run aborted.'"])),
            Math.max(0, ...played.dotnet.map(o => o.exit))));
        const node = played.node;
        write("bin/npm", script([
            // The typecheck runs beside the C# suite and prints one line, which comes after its own heading.
            'if [ "$*" = "run --prefix infra --silent typecheck" ]; then echo "tsc: checked, exit ' + played.typecheck + '"; exit ' + played.typecheck + "; fi",
            // Node's reporter colours its summary where FORCE_COLOR asks, whatever its output is.
            ...(node.counts ? [`c=; e=; if [ -n "\${FORCE_COLOR:-}" ]; then c=$'\\e[34m'; e=$'\\e[39m'; fi`,
                `printf "$c%s$e\\n" 'ℹ tests ${node.counts.passed + node.counts.failed + node.cancelled}' 'ℹ pass ${node.counts.passed}' 'ℹ fail ${node.counts.failed}' 'ℹ cancelled ${node.cancelled}'`]
                : ["echo \"Error: Cannot find module 'sucrase'\" >&2"]),
        ], node.exit));
        const alone = played.alone;
        write("scripts/cli-alone.sh", script(alone.counts ? [`echo '${alone.counts.passed} passed, ${alone.counts.failed} failed'`] : ["echo 'cli-alone: stopped'"], alone.exit));
        write("artifacts/cli/spotify-etl", script([], 0));
        const bench = played.bench;
        // The smoke runs beside the C# suite; one killed by a signal (137) prints no count.
        write("benchmarks/bench.py", bench.exit === 137 ? "import os, signal\nprint('bench smoke: sampling')\nos.kill(os.getpid(), signal.SIGKILL)\n"
            : `import sys\n${bench.counts ? `print("bench smoke: ${bench.counts.passed} passed, ${bench.counts.failed} failed")` : 'print("Traceback (most recent call last):")'}\nsys.exit(${bench.exit})\n`);
        const run = spawnSync("bash", ["-c", `bash ${quote(path.join(root, "scripts", "test.sh"))} 2>&1`], {
            encoding: "utf8",
            // A user's environment that forces MSBuild's terminal logger and colours: the counts are read all the same.
            env: { ...process.env, PATH: `${path.join(root, "bin")}:${process.env.PATH}`, LANG: lang, LC_ALL: lang, DOTNET_CLI_UI_LANGUAGE: "", CI: "true",
                MSBUILDTERMINALLOGGER: "on", FORCE_COLOR: "1" },
        });
        return { lines: run.stdout.split("\n").filter(l => l !== ""), status: run.status ?? -1 };
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

/** An outcome: passing, failing, ended without a count (exit 1, or 124 for the time limit), or failed with none failing. */
function outcome(pick: (n: number) => number): Outcome {
    const passed = 1 + pick(500);
    switch (pick(4)) {
        case 0: return { counts: { passed, failed: 0 }, exit: 0 };
        case 1: { const failed = 1 + pick(4); return { counts: { passed, failed }, exit: 1 }; }
        case 2: return { counts: null, exit: pick(2) === 0 ? 1 : 124 };
        default: return { counts: { passed, failed: 0 }, exit: 1 };
    }
}

/** What a runner adds to the failures: its count, or one when it printed none or failed with none failing. */
const failures = (o: Outcome, extra = 0) => {
    const counted = o.counts ? o.counts.failed + extra : 0;
    return o.counts === null || (o.exit !== 0 && counted === 0) ? Math.max(counted, 1) : counted;
};

describe("scripts/test.sh's count", () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
        it(`adds up every runner, one failure for a runner that ended without a count, seed ${seed}`, () => {
            const pick = seeded(seed);
            const dotnetOutcome = outcome(pick);
            dotnetOutcome.names = failingNames(dotnetOutcome.counts?.failed ?? 0, pick);
            // A test run of several assemblies: each prints its summary, or none printed any.
            const dotnet = dotnetOutcome.counts === null ? [dotnetOutcome]
                : [dotnetOutcome, { counts: { passed: 1 + pick(50), failed: 0 }, exit: 0 }];
            const node = { ...outcome(pick), cancelled: 0 };
            if (node.counts && node.counts.failed > 0) {
                node.cancelled = pick(3);
            }
            const played: Played = { dotnet, typecheck: pick(4) === 0 ? 2 : 0, node, alone: outcome(pick),
                bench: pick(4) === 0 ? { counts: null, exit: 137 } : outcome(pick) };
            const lang = ["de_DE.UTF-8", "fr_FR.UTF-8", "ja_JP.UTF-8", "C.UTF-8"][pick(4)];

            const { lines, status } = runTests(played, lang);

            const passed = [...dotnet, node, played.alone, played.bench].reduce((sum, o) => sum + (o.counts?.passed ?? 0), 0);
            const dotnetFailed = dotnet.reduce((sum, o) => sum + (o.counts?.failed ?? 0), 0);
            const failed = failures({ counts: dotnetOutcome.counts && { passed: 0, failed: dotnetFailed }, exit: dotnetOutcome.exit })
                + (played.typecheck === 0 ? 0 : 1) + failures(node, node.cancelled) + failures(played.alone) + failures(played.bench);
            const context = `${lang}: ${JSON.stringify(played)}\n${lines.join("\n")}`;
            assert.equal(lines.at(-2), "== every runner", context);
            assert.equal(lines.at(-1), `${passed} passed, ${failed} failed`, context);
            assert.equal(status === 0, failed === 0, context);
            // CI keeps only the end of the output: each failing C# test is named right above the count.
            const listed = lines.slice(lines.indexOf("== what failed (the output above has each one's details)") + 1, -2);
            assert.deepEqual(listed.filter(l => l.startsWith("dotnet: ")).sort(),
                dotnetOutcome.names.map(name => `dotnet: ${name} [${1 + name.length % 9} s]`).sort(), `the failing C# tests named above the count\n${context}`);
            assert.ok(!listed.some(l => l.includes("Failed to open")), `a line of an error message named as a failing test\n${context}`);
            // The smoke ran beside the C# suite, but what it printed comes in its own place, after its heading.
            const smokeHeading = lines.findIndex(l => l.startsWith("== Benchmarks"));
            const smokeLines = lines.flatMap((l, i) => (/^bench smoke: |^Traceback/.test(l) ? [i] : []));
            assert.ok(smokeLines.length > 0 && smokeHeading >= 0 && smokeLines.every(i => i > smokeHeading), context);
            // So did the typecheck: its line comes after its heading and before the node suite's.
            const typecheckHeading = lines.findIndex(l => l.startsWith("== TypeScript: tsc"));
            const typecheckLine = lines.findIndex(l => l.startsWith("tsc: checked"));
            const nodeHeading = lines.findIndex(l => l.startsWith("== TypeScript: node"));
            assert.ok(typecheckHeading >= 0 && typecheckHeading < typecheckLine && typecheckLine < nodeHeading, context);
        });
    }
});
