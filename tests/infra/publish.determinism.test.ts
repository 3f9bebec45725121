// The functions package is the same bytes however the checkout was used before and whatever commit it is: published
// from a fresh copy under CI=true (a CI runner), and published from this checkout, at another commit, where `make build`
// left its obj/ and bin/ with symbols (make test builds first; the test builds when it finds no Release build). Otherwise
// every commit would show both functions' code as changed in every preview. Runs the real dotnet publish twice (about
// 25 s on two cores); the publish from this checkout builds in its artifacts/lambda/, as `pulumi preview` run here does.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
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

test("the package is byte-identical from a fresh checkout in CI and from a checkout at another commit after make build", { timeout: 600_000 }, async () => {
    // The laptop is this checkout after `make build`: built here only where it has not been.
    const built = path.join(repoRoot, "functions", "SpotifyEtl.Core", "bin", "Release", "net10.0");
    const symbols = (): boolean => fs.existsSync(built) && fs.readdirSync(built).some((f) => f.endsWith(".pdb"));
    if (!symbols()) {
        execFileSync("dotnet", ["build", path.join(repoRoot, functionsProject), "-c", "Release", "--nologo", "-clp:ErrorsOnly"],
            { env: { ...process.env, CI: "" }, encoding: "utf8" });
    }
    const published = fs.mkdtempSync(path.join(os.tmpdir(), "spotify-package-"));

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

    assert.ok(symbols(), "the build left symbols next to the assemblies");
    const afterBuild = contents(functionsPackage({ packagePath: "", architecture: "arm64", repositoryRoot: repoRoot, output: path.join(published, "package"), log: () => undefined }));

    assert.deepEqual([...afterBuild.keys()], [...fromCi.keys()]);
    assert.ok(![...afterBuild.keys()].some((f) => f.endsWith(".pdb")), "no symbols in the package");
    for (const [file, bytes] of fromCi) {
        assert.ok(bytes.equals(afterBuild.get(file)!), `${file} differs`);
    }
    fs.rmSync(ci, { recursive: true, force: true });
    fs.rmSync(published, { recursive: true, force: true });
});
