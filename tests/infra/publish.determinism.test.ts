// The functions package is the same bytes however the checkout was used before and whatever commit it is: published
// from a fresh copy under CI=true (a CI runner), and published from a copy at another commit where a `dotnet build`
// (as `make build` runs it) left its obj/ and bin/ with symbols. Otherwise every commit would show both functions'
// code as changed in every preview. Runs the real dotnet publish (about a minute).
import * as assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { functionsPackage, functionsProject, packageInputs } from "../../infra/build/publishFunctions";
import { repoRoot } from "./helpers/stackHarness";

/** A checkout of the package's inputs, as a fresh clone has them: no bin/ or obj/, a git repository at a commit of its own. */
function freshCopy(commitMessage: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "spotify-package-"));
    for (const input of packageInputs.filter((i) => fs.existsSync(path.join(repoRoot, i)))) {
        fs.cpSync(path.join(repoRoot, input), path.join(root, input), {
            recursive: true,
            filter: (source) => !["bin", "obj"].includes(path.basename(source)),
        });
    }
    const git = (...args: string[]): void => {
        // The machine's own git settings (commit signing, hooks) play no part.
        execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...args],
            { cwd: root, stdio: "ignore" });
    };
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", commitMessage);
    return root;
}

function contents(folder: string): Map<string, Buffer> {
    return new Map(fs.readdirSync(folder).sort().map((f) => [f, fs.readFileSync(path.join(folder, f))]));
}

test("the package is byte-identical from a fresh checkout in CI and from a checkout at another commit after make build", { timeout: 900_000 }, async () => {
    // The laptop's `make build` runs beside the CI publish: two processes for two cores.
    const laptop = freshCopy("a commit on a laptop");
    const build = promisify(execFile)("dotnet", ["build", path.join(laptop, functionsProject), "-c", "Release", "--nologo", "-clp:ErrorsOnly"],
        { env: { ...process.env, CI: "" } });

    const ci = freshCopy("the commit CI checks out");
    const previous = process.env["CI"];
    process.env["CI"] = "true";
    let fromCi: Map<string, Buffer>;
    try {
        fromCi = contents(functionsPackage({ packagePath: "", architecture: "arm64", repositoryRoot: ci, output: path.join(ci, "package"), log: () => undefined }));
    } finally {
        if (previous === undefined) {
            delete process.env["CI"];
        } else {
            process.env["CI"] = previous;
        }
    }

    await build;
    const built = path.join(laptop, "functions", "SpotifyEtl.Core", "bin", "Release", "net10.0");
    assert.ok(fs.readdirSync(built).some((f) => f.endsWith(".pdb")), "the build left symbols next to the assemblies");
    const afterBuild = contents(functionsPackage({ packagePath: "", architecture: "arm64", repositoryRoot: laptop, output: path.join(laptop, "package"), log: () => undefined }));

    assert.deepEqual([...afterBuild.keys()], [...fromCi.keys()]);
    assert.ok(![...afterBuild.keys()].some((f) => f.endsWith(".pdb")), "no symbols in the package");
    for (const [file, bytes] of fromCi) {
        assert.ok(bytes.equals(afterBuild.get(file)!), `${file} differs`);
    }
    fs.rmSync(ci, { recursive: true, force: true });
    fs.rmSync(laptop, { recursive: true, force: true });
});
