/**
 * `.ci/run` ends its output with one line "N passed, N failed", whatever `make test` did: the count of a run with
 * failures comes after make's own error line, and a make that stopped before any test ran still gives a line, counted as
 * a failure. Run with bash and a stand-in `make` on PATH that plays generated runs.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { seeded } from "./helpers/handMadeLake";

const ciRun = path.resolve(__dirname, "../../.ci/run");

interface Played { output: string[]; errors: string[]; exit: number; hangs?: boolean }

/** Runs a copy of .ci/run in a folder of its own with `make` answering as `played`; its output and exit code. */
function runCi(played: Played, minutes?: string): { lines: string[]; status: number } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ci-run-"));
    try {
        fs.mkdirSync(path.join(root, ".ci"));
        fs.copyFileSync(ciRun, path.join(root, ".ci", "run"));
        const bin = path.join(root, "bin");
        fs.mkdirSync(bin);
        const quoted = (lines: string[]) => lines.map(l => `printf '%s\\n' '${l.replace(/'/g, "'\\''")}'`).join("\n");
        fs.writeFileSync(path.join(bin, "make"),
            `#!/usr/bin/env bash\n[ "$1" = test ] || exit 99\n${quoted(played.output)}\n{\n:\n${quoted(played.errors)}\n} >&2\n${played.hangs ? "exec sleep 600\n" : ""}exit ${played.exit}\n`,
            { mode: 0o755 });
        // Both streams in one, as CI keeps them.
        const run = spawnSync("bash", ["-c", `bash '${path.join(root, ".ci", "run")}' 2>&1`], {
            encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...(minutes ? { SPOTIFY_CI_MINUTES: minutes } : {}) },
        });
        return { lines: run.stdout.split("\n").filter(l => l !== ""), status: run.status ?? -1 };
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

describe(".ci/run's last line", () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
        it(`is the tests' count, after make's own lines, or a failure when no test ran, seed ${seed}`, () => {
            const pick = seeded(seed);
            const kind = (["passed", "failed", "stopped"] as const)[seed % 3];
            const passed = pick(3000);
            const failed = kind === "failed" ? 1 + pick(5) : 0;
            // A runner's own count has the shape of the total (the native tool's tests print one): only the line after
            // "== every runner" is the total.
            const noise = Array.from({ length: 1 + pick(4) }, (_, i) => (i % 2 === 0 ? `${pick(100)} passed, ${pick(3)} failed` : `== runner ${i}`));
            const played: Played = kind === "stopped"
                // A build error: make stops before scripts/test.sh, and prints no count.
                ? { output: [...noise, "error CS1002: ; expected"], errors: ["make: *** [Makefile:32: build] Error 1"], exit: 2 }
                : {
                    output: [...noise, "== every runner", `${passed} passed, ${failed} failed`],
                    errors: failed > 0 ? ["make: *** [Makefile:26: test] Error 1"] : [],
                    exit: failed > 0 ? 2 : 0,
                };

            const { lines, status } = runCi(played);

            assert.equal(lines.at(-1), kind === "stopped" ? "0 passed, 1 failed" : `${passed} passed, ${failed} failed`);
            assert.equal(status === 0, kind === "passed", `exit ${status}`);
            if (kind === "stopped") {
                assert.ok(lines.some(l => l.startsWith("make test stopped (exit 2) before its tests were counted")), lines.join("\n"));
            }
        });
    }

    it("is a failure when make test is still running at the time limit, with the step it was in above", () => {
        // A step that never ends (a registry that takes the connection and never answers), and a limit of two seconds.
        const { lines, status } = runCi({ output: ["== C#: dotnet test (xunit)"], errors: [], exit: 0, hangs: true }, "0.033");

        assert.equal(lines.at(-1), "0 passed, 1 failed");
        assert.notEqual(status, 0);
        assert.ok(lines.includes("== C#: dotnet test (xunit)"), lines.join("\n"));
        assert.ok(lines.some(l => l.startsWith("make test was stopped after 0.033 minutes")), lines.join("\n"));
    });
});
