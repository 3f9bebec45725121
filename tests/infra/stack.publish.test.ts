// How the program packages the functions: `dotnet publish` of functions/SpotifyEtl.Functions into a folder per
// architecture, skipped while the inputs' hash matches the last publish. A recorder stands in for dotnet here;
// tests/infra/publish.determinism.test.ts runs the real one.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { functionsPackage, functionsProject, packageInputs, publishEnvironment, requiredPackageFiles, runCommand } from "../../infra/build/publishFunctions";
import { fakeFunctionsPackage, infraDir, repoRoot } from "./helpers/stackHarness";

const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "spotify-publish-"));

/** A repository with the package's inputs (a stand-in project) and a recorder that "publishes" into --output. */
function fixture() {
    const root = tempDir();
    fs.mkdirSync(path.join(root, "functions", "SpotifyEtl.Functions", "obj"), { recursive: true });
    fs.writeFileSync(path.join(root, functionsProject), "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
    fs.writeFileSync(path.join(root, "functions", "SpotifyEtl.Functions", "Handler.cs"), "class Handler {}\n");
    fs.writeFileSync(path.join(root, "global.json"), "{\"sdk\":{\"version\":\"10.0.401\"}}\n");
    fs.writeFileSync(path.join(root, "Directory.Build.props"), "<Project />\n");
    const calls: string[][] = [];
    const run = (file: string, args: readonly string[]): void => {
        calls.push([file, ...args]);
        const output = args[args.indexOf("--output") + 1]!;
        fs.mkdirSync(output, { recursive: true });
        for (const f of requiredPackageFiles) {
            fs.writeFileSync(path.join(output, f), `published ${calls.length}`);
        }
    };
    const output = path.join(root, "out", "arm64");
    const publish = (architecture: "arm64" | "x86_64" = "arm64") =>
        functionsPackage({ packagePath: "", architecture, repositoryRoot: root, output, run, log: () => undefined });
    return { root, calls, output, publish };
}

const argsOf = (call: string[]) => call.slice(1);
const valueAfter = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

test("the functions project path is relative to the repository root, itself .. from infra/", () => {
    assert.ok(fs.existsSync(path.join(infraDir, "..", functionsProject)), functionsProject);
    assert.equal(path.resolve(infraDir, ".."), repoRoot);
});

test("a configured package folder is used as it is, without building", () => {
    const folder = fakeFunctionsPackage();
    const calls: string[][] = [];
    const used = functionsPackage({ packagePath: folder, architecture: "arm64", run: (file, args) => calls.push([file, ...args]) });
    assert.equal(used, folder);
    assert.deepEqual(calls, []);
});

test("a configured folder that is not a publish of the handlers is refused, naming what is missing", () => {
    const folder = tempDir();
    assert.throws(() => functionsPackage({ packagePath: folder, architecture: "arm64" }),
        new RegExp(`functionsPackagePath .* missing ${requiredPackageFiles.join(", ").replace(/\./g, "\\.")}`));
});

test("arm64 publishes Release, framework-dependent and portable, in its own build folders, without symbols", () => {
    const { calls, output, publish } = fixture();
    assert.equal(publish("arm64"), output);
    const args = argsOf(calls[0]!);
    assert.equal(calls[0]![0], "dotnet");
    assert.equal(args[0], "publish");
    assert.equal(valueAfter(args, "--configuration"), "Release");
    assert.equal(valueAfter(args, "--output"), path.resolve(output));
    assert.ok(!args.includes("--runtime"), "no runtime identifier: linux-arm64 packs do not restore");
    assert.ok(!args.some((a) => a.includes("ReadyToRun")), "no ReadyToRun");
    for (const property of ["-p:LambdaPackage=true", "-p:DebugType=none", "-p:DebugSymbols=false", "-p:ContinuousIntegrationBuild=true", "-p:RunAnalyzers=false"]) {
        assert.ok(args.includes(property), property);
    }
});

test("x86_64 publishes ReadyToRun for linux-x64, still framework-dependent", () => {
    const { calls, publish } = fixture();
    publish("x86_64");
    const args = argsOf(calls[0]!);
    assert.equal(valueAfter(args, "--runtime"), "linux-x64");
    assert.equal(valueAfter(args, "--self-contained"), "false");
    assert.ok(args.includes("-p:PublishReadyToRun=true"));
});

test("an unchanged tree is not published again; the same folder is returned", () => {
    const { calls, output, publish } = fixture();
    publish();
    assert.equal(publish(), output);
    assert.equal(calls.length, 1);
});

test("a changed source, props file or architecture publishes again; build output under obj/ does not", () => {
    const { root, calls, publish } = fixture();
    publish();
    fs.writeFileSync(path.join(root, "functions", "SpotifyEtl.Functions", "obj", "project.assets.json"), "{}");
    publish();
    assert.equal(calls.length, 1, "obj/ is not an input");
    fs.appendFileSync(path.join(root, "functions", "SpotifyEtl.Functions", "Handler.cs"), "// changed\n");
    publish();
    assert.equal(calls.length, 2, "a source changed");
    fs.writeFileSync(path.join(root, "Directory.Build.props"), "<Project><PropertyGroup /></Project>\n");
    publish();
    assert.equal(calls.length, 3, "Directory.Build.props changed");
    publish("x86_64");
    assert.equal(calls.length, 4, "another architecture");
});

test("a package folder changed since its publish is rebuilt, and stale files are removed", () => {
    const { calls, output, publish } = fixture();
    publish();
    fs.writeFileSync(path.join(output, "Stale.dll"), "left over from an older build");
    publish();
    assert.equal(calls.length, 2);
    assert.ok(!fs.existsSync(path.join(output, "Stale.dll")), "stale files would change the archive");
});

test("the hashed inputs include every folder and file of the build that exists in the repository", () => {
    for (const input of ["functions", "global.json", "Directory.Build.props", "Directory.Packages.props"]) {
        assert.ok(packageInputs.includes(input), input);
        assert.ok(fs.existsSync(path.join(repoRoot, input)), input);
    }
});

test("a failed publish reports dotnet's own output and leaves no stamp that would skip the next one", () => {
    const { root, output } = fixture();
    const failing = () => functionsPackage({
        packagePath: "", architecture: "arm64", repositoryRoot: root, output, log: () => undefined,
        run: () => {
            throw Object.assign(new Error("Command failed: dotnet publish"), { stdout: "Program.cs(1,1): error CS1002: ; expected", stderr: "" });
        },
    });
    assert.throws(failing, /dotnet publish of .* failed:\nProgram\.cs\(1,1\): error CS1002/);
    assert.throws(failing, /failed/);
});

test("dotnet publish runs without the credentials in pulumi's environment, keeping what a build and NuGet's feeds need", () => {
    // What `pulumi up` may carry: the Snowflake key as docs/snowflake.md passes it, AWS keys, Pulumi's and GitHub's
    // tokens, a GitHub Action's inputs; each in upper and lower case.
    const dropped = ["SNOWFLAKE_PRIVATE_KEY", "SNOWFLAKE_PASSWORD", "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "GITHUB_TOKEN",
        "GH_TOKEN", "INPUT_GITHUB-TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_RUNTIME_TOKEN", "SPOTIFY_CLIENT_SECRET",
        "SPOTIFY_REFRESH_TOKEN", "MY_API_KEY_SECRET", "DOCKER_PASSWORD",
        // The stack's config as the language host gives it to the program, its secrets decrypted.
        "PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS", "PULUMI_HOME"];
    const kept = ["PATH", "HOME", "TMPDIR", "LANG", "DOTNET_ROOT", "DOTNET_CLI_TELEMETRY_OPTOUT", "NUGET_PACKAGES", "NUGET_HTTP_CACHE_PATH",
        "NuGetPackageSourceCredentials_private", "VSS_NUGET_EXTERNAL_FEED_ENDPOINTS", "HTTPS_PROXY", "no_proxy", "CI"];
    const names = [...dropped, ...dropped.map((n) => n.toLowerCase()), ...kept];
    const environment = Object.fromEntries(names.map((name, i) => [name, `value-${i}`]));
    const published = publishEnvironment(environment);
    assert.deepEqual(Object.keys(published).sort(), [...kept].sort());
    for (const name of kept) {
        assert.equal(published[name], environment[name], name);
    }

    // The runner the program uses, as a real child process.
    const folder = tempDir();
    const saved = { ...process.env };
    try {
        Object.assign(process.env, {
            SNOWFLAKE_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----", GITHUB_TOKEN: "ghs_x", PULUMI_CONFIG: "{\"spotify-stack:snowflakePassword\":\"SNOWPASS\"}",
            NUGET_PACKAGES: folder,
        });
        runCommand("sh", ["-c", `env > "${path.join(folder, "env")}"`]);
    } finally {
        for (const name of ["SNOWFLAKE_PRIVATE_KEY", "GITHUB_TOKEN", "PULUMI_CONFIG", "NUGET_PACKAGES"]) {
            if (saved[name] === undefined) { delete process.env[name]; } else { process.env[name] = saved[name]; }
        }
    }
    const seen = fs.readFileSync(path.join(folder, "env"), "utf8");
    assert.doesNotMatch(seen, /SNOWFLAKE_PRIVATE_KEY|GITHUB_TOKEN|BEGIN PRIVATE KEY|PULUMI_CONFIG|SNOWPASS/);
    assert.match(seen, new RegExp(`^NUGET_PACKAGES=${folder}$`, "m"));
    assert.match(seen, /^PATH=/m);
    fs.rmSync(folder, { recursive: true });
});
