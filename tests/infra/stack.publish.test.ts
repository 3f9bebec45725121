// How the program packages the functions: `dotnet publish` of functions/SpotifyEtl.Functions, framework-
// dependent (so one package serves x86_64 and arm64), into a folder emptied first. No test runs dotnet.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { functionsPackage, functionsProject, requiredPackageFiles } from "../../infra/build/publishFunctions";
import { fakeFunctionsPackage, infraDir } from "./helpers/stackHarness";

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "spotify-publish-"));

test("the functions project path is relative to infra/, the program's working directory", () => {
    assert.ok(fs.existsSync(path.join(infraDir, functionsProject)), functionsProject);
});

test("a configured package folder is used as it is, without building", () => {
    const folder = fakeFunctionsPackage();
    const calls: string[][] = [];
    const used = functionsPackage({ packagePath: folder, run: (file, args) => calls.push([file, ...args]) });
    assert.equal(used, folder);
    assert.deepEqual(calls, []);
});

test("a configured folder that is not a publish of the handlers is refused, naming what is missing", () => {
    const folder = tempDir();
    assert.throws(() => functionsPackage({ packagePath: folder }),
        new RegExp(`functionsPackagePath .* missing ${requiredPackageFiles.join(", ").replace(/\./g, "\\.")}`));
});

test("without a package the program publishes Release, framework-dependent, into an emptied folder", () => {
    const output = path.join(tempDir(), "functions");
    fs.mkdirSync(output);
    fs.writeFileSync(path.join(output, "Stale.dll"), "left over from an older build");
    const calls: string[][] = [];
    const used = functionsPackage({
        packagePath: "",
        output,
        run: (file, args) => {
            calls.push([file, ...args]);
            fs.mkdirSync(output, { recursive: true });
            for (const f of requiredPackageFiles) {
                fs.writeFileSync(path.join(output, f), "published");
            }
        },
    });
    assert.equal(used, output);
    assert.equal(calls.length, 1);
    const [file, ...args] = calls[0]!;
    assert.equal(file, "dotnet");
    assert.equal(args[0], "publish");
    assert.equal(args[1], functionsProject);
    assert.equal(args[args.indexOf("--configuration") + 1], "Release");
    assert.equal(args[args.indexOf("--output") + 1], output);
    assert.ok(!args.some((a) => a === "-r" || a === "--runtime" || a.startsWith("-p:RuntimeIdentifier")), "no runtime identifier");
    assert.ok(!args.includes("--self-contained"), "framework-dependent");
    assert.ok(!fs.existsSync(path.join(output, "Stale.dll")), "stale files would change the archive");
});

test("a failed publish reports dotnet's own output", () => {
    assert.throws(() => functionsPackage({
        packagePath: "",
        output: path.join(tempDir(), "functions"),
        run: () => {
            throw Object.assign(new Error("Command failed: dotnet publish"), { stdout: "Program.cs(1,1): error CS1002: ; expected", stderr: "" });
        },
    }), /dotnet publish of .* failed:\nProgram\.cs\(1,1\): error CS1002/);
});
