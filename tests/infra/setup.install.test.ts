/**
 * scripts/apt-install.sh, which make cli, make test and make bench use for the Debian packages they need: as root it
 * installs; otherwise through sudo only when sudo asks no password (a prompt would hang make); else, and when apt-get
 * fails, it says the command to run and exits 1. Run with bash and stand-ins for id, sudo and apt-get on PATH.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const installer = path.resolve(__dirname, "../../scripts/apt-install.sh");

/** lockHeld: apt's daily update or unattended-upgrades holds the package lock, as on a machine just started. */
interface Machine { uid: number; sudo: "none" | "passwordless" | "asks"; aptFails: "never" | "until-update" | "always"; lockHeld?: boolean }

/** Runs the installer for `packages` on a machine of this kind; its exit code, output and the apt-get calls made. */
function install(machine: Machine, packages: string[]): { status: number; output: string; calls: string[] } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "apt-install-"));
    try {
        const bin = path.join(root, "bin");
        fs.mkdirSync(bin);
        const calls = path.join(root, "calls");
        const updated = path.join(root, "updated");
        const script = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
        script("id", `[ "$1" = -u ] && echo ${machine.uid}`);
        if (machine.sudo !== "none") {
            // sudo -n fails where a password would be asked; sudo resets the environment, as its env_reset default does.
            script("sudo", machine.sudo === "asks" ? "exit 1"
                : `[ "$1" = -n ] && shift; [ "$1" = true ] && exit 0; echo "sudo $*" >> '${calls}'; exec env -i PATH="$PATH" "$@"`);
        }
        // Only the stand-ins and the few programs the installer itself runs: never this machine's own sudo or apt-get.
        for (const program of ["bash", "env", "mktemp", "cat", "rm", "touch", "grep"]) {
            fs.symlinkSync(spawnSync("bash", ["-c", `command -v ${program}`], { encoding: "utf8" }).stdout.trim(), path.join(bin, program));
        }
        // The installer's pauses between tries, without the wait.
        script("sleep", `echo "sleep $*" >> '${calls}'`);
        // A held lock fails an install at once unless it was told to wait for it (-o DPkg::Lock::Timeout=N), as apt-get
        // does; an update, whose lists lock that option does not cover, fails on it the first two times whatever it is told.
        script("apt-get", `waits=; while [ "$1" = -o ]; do case "$2" in DPkg::Lock::Timeout=[1-9]*) waits=1 ;; esac; shift 2; done
echo "apt-get $* [DEBIAN_FRONTEND=$DEBIAN_FRONTEND]" >> '${calls}'
[[ /proc/$$/fd/0 -ef /dev/null ]] || { echo "apt-get's input is not /dev/null: a question would wait on it"; exit 99; }
${machine.lockHeld ? `[ -n "$waits" ] || { echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 812 (unattended-upgr)"; exit 100; }` : ""}
case "$1" in
  update) ${machine.lockHeld ? `n=$(cat '${updated}.tries' 2>/dev/null || echo 0); echo $((n + 1)) > '${updated}.tries'; [ "$n" -ge 2 ] || { echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 640 (apt-get)"; exit 100; };` : ""} touch '${updated}'; exit 0 ;;
  install) ${machine.aptFails === "always" ? `echo "E: Unable to locate package $4"; exit 100` : machine.aptFails === "until-update" ? `[ -f '${updated}' ] || { echo "E: Unable to locate package $4"; exit 100; };` : ""} exit 0 ;;
esac`);
        const run = spawnSync("bash", [installer, "the reason", ...packages], {
            encoding: "utf8", env: { PATH: bin }, input: "y\n",
        });
        return {
            status: run.status ?? -1,
            output: run.stdout + run.stderr,
            calls: fs.existsSync(calls) ? fs.readFileSync(calls, "utf8").trim().split("\n") : [],
        };
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

describe("scripts/apt-install.sh", () => {
    const packages = ["chromium", "python3-pandas"];
    const machines: Machine[] = [];
    for (const uid of [0, 1000]) {
        for (const sudo of ["none", "passwordless", "asks"] as const) {
            for (const aptFails of ["never", "until-update", "always"] as const) {
                machines.push({ uid, sudo, aptFails });
            }
            machines.push({ uid, sudo, aptFails: "never", lockHeld: true }, { uid, sudo, aptFails: "until-update", lockHeld: true });
        }
    }
    for (const machine of machines) {
        const canRun = machine.uid === 0 || machine.sudo === "passwordless";
        it(`uid ${machine.uid}, sudo ${machine.sudo}, apt-get failing ${machine.aptFails}${machine.lockHeld ? ", the package lock held a while" : ""}: ${canRun && machine.aptFails !== "always" ? "installs" : "says the command to run"}`, () => {
            const { status, output, calls } = install(machine, packages);

            assert.ok(output.includes("== installing chromium python3-pandas (apt-get): the reason"), output);
            if (!canRun) {
                assert.equal(status, 1);
                assert.ok(output.includes("this needs root. Run: sudo apt-get install -y chromium python3-pandas"), output);
                assert.deepEqual(calls, [], "apt-get is not run without the rights to");
                return;
            }
            const through = machine.uid === 0 ? "" : "sudo ";
            if (machine.sudo === "passwordless" && machine.uid !== 0) {
                assert.ok(calls.every(c => c.startsWith("sudo ") || c.startsWith("apt-get ") || c.startsWith("sleep ")), calls.join("\n"));
            }
            const installs = calls.filter(c => c.startsWith("apt-get install"));
            if (machine.aptFails === "always") {
                assert.equal(status, 1);
                assert.ok(output.includes("E: Unable to locate package"), "apt-get's own output is shown when it fails");
                assert.ok(output.includes(`could not install chromium python3-pandas with apt-get`), output);
            } else {
                assert.equal(status, 0, output);
                assert.ok(!output.includes("E: Unable"), "apt-get's lines are kept quiet when it succeeds");
                // The lists are refreshed only when the first install could not find the packages.
                assert.equal(calls.includes("apt-get update -qq [DEBIAN_FRONTEND=noninteractive]"), machine.aptFails === "until-update", calls.join("\n"));
                // An update the lists lock refused is tried again after a pause, as often as it is refused.
                assert.equal(calls.filter(c => c === "sleep 5").length, machine.aptFails === "until-update" && machine.lockHeld ? 2 : 0, calls.join("\n"));
            }
            // Non-interactive however it runs, through sudo's reset environment too: a question (tzdata's) would hang unseen.
            assert.ok(installs.length >= 1 && installs.every(c => c === "apt-get install -y -qq chromium python3-pandas [DEBIAN_FRONTEND=noninteractive]"), calls.join("\n"));
            assert.ok(through === "" ? !calls.some(c => c.startsWith("sudo ")) : calls.some(c => c.startsWith("sudo ") && /apt-get( -o \S+)* install/.test(c)), calls.join("\n"));
        });
    }
});
