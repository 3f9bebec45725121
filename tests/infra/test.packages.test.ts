/**
 * scripts/test-packages.sh, which make test runs to install the Debian packages its tests need while it builds: `start`
 * returns at once and leaves apt-get running, `finish` waits for it and shows what it printed, tries no second time an
 * install that failed, and installs by itself where nothing was started. Run with bash in a copy of the script whose
 * check of what is missing reads a file, and a stand-in for scripts/apt-install.sh that waits until the test lets it end.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const source = fs.readFileSync(path.resolve(__dirname, "../../scripts/test-packages.sh"), "utf8");

interface Copy {
    root: string;
    run: (mode: string) => { status: number; output: string };
    /** Runs finish, and lets the install end only once finish says it is waiting for it. */
    finishWaiting: () => Promise<{ status: number; output: string }>;
    installs: () => string[];
}

/** A copy of the script where chromium is missing until `installed` exists; the install waits for `go`, then fails if told. */
function copy(fails: boolean): Copy {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "test-packages-"));
    fs.mkdirSync(path.join(root, "scripts"));
    const missing = /\nmissing\(\) \{\n[\s\S]*?\n\}\n/;
    assert.match(source, missing, "the script's check of what is missing");
    fs.writeFileSync(path.join(root, "scripts", "test-packages.sh"),
        source.replace(missing, '\nmissing() { [[ -e installed ]] || echo chromium; }\n'));
    fs.writeFileSync(path.join(root, "scripts", "apt-install.sh"), [
        "#!/usr/bin/env bash",
        'echo "$*" >> installs',
        'echo "== installing ${*:2} (apt-get): $1"',
        "while [[ ! -e go ]]; do sleep 0.05; done",
        fails ? 'echo "could not install ${*:2}: this needs root" >&2; exit 1' : "touch installed",
    ].join("\n"));
    return {
        root,
        run: (mode) => {
            const run = spawnSync("bash", ["-c", `bash scripts/test-packages.sh ${mode} 2>&1`], { cwd: root, encoding: "utf8", timeout: 60_000 });
            return { status: run.status ?? -1, output: run.stdout };
        },
        finishWaiting: () => new Promise((resolve) => {
            const finish = spawn("bash", ["-c", "bash scripts/test-packages.sh finish 2>&1"], { cwd: root });
            let output = "";
            // A finish that never says it waits would otherwise wait for the install forever.
            const never = setTimeout(() => fs.writeFileSync(path.join(root, "go"), ""), 10_000);
            finish.on("close", () => clearTimeout(never));
            finish.stdout.on("data", (chunk: Buffer) => {
                output += chunk.toString();
                if (output.includes("== waiting for the packages the tests need")) {
                    fs.writeFileSync(path.join(root, "go"), "");
                }
            });
            finish.on("close", (status) => resolve({ status: status ?? -1, output }));
        }),
        installs: () => fs.existsSync(path.join(root, "installs")) ? fs.readFileSync(path.join(root, "installs"), "utf8").trim().split("\n") : [],
    };
}

describe("scripts/test-packages.sh", () => {
    it("starts the install and returns while it runs; finish waits for it and shows its output", async () => {
        const { root, run, finishWaiting, installs } = copy(false);
        try {
            const started = run("start");
            // The stand-in has not been let go: start returned while apt-get was still installing.
            assert.equal(started.status, 0, started.output);
            assert.ok(started.output.includes("== installing chromium (apt-get) in the background while the build runs"), started.output);
            assert.ok(!fs.existsSync(path.join(root, "installed")));

            const finished = await finishWaiting();

            assert.equal(finished.status, 0, finished.output);
            assert.ok(finished.output.includes("== waiting for the packages the tests need"), finished.output);
            assert.ok(fs.existsSync(path.join(root, "installed")), "the package was installed before finish ended");
            assert.ok(finished.output.includes("== installing chromium (apt-get): "), finished.output);
            assert.equal(installs().length, 1, "installed once");
            assert.ok(!fs.existsSync(path.join(root, "artifacts", "test-packages")), "nothing of the install is left behind");
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("shows why an install started before the build failed, says what goes without it and does not try again", () => {
        const { root, run, installs } = copy(true);
        try {
            run("start");
            fs.writeFileSync(path.join(root, "go"), "");

            const finished = run("finish");

            assert.equal(finished.status, 0, "the tests still run, and those that need the package fail");
            assert.ok(finished.output.includes("could not install chromium: this needs root"), finished.output);
            assert.ok(finished.output.includes("without chromium the browser tests"), finished.output);
            assert.equal(installs().length, 1, installs().join("\n"));
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("installs by itself when scripts/test.sh runs without make test, and starts nothing when nothing is missing", () => {
        const { root, run, installs } = copy(false);
        try {
            fs.writeFileSync(path.join(root, "go"), "");
            const alone = run("finish");
            assert.equal(alone.status, 0, alone.output);
            assert.ok(fs.existsSync(path.join(root, "installed")));

            const again = run("start");
            assert.equal(again.output, "");
            assert.equal(run("finish").output, "");
            assert.equal(installs().length, 1, installs().join("\n"));
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
