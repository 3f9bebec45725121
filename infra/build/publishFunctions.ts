// Builds the Lambda package from functions/SpotifyEtl.Functions with `dotnet publish`, so `pulumi preview` and
// `pulumi up` always deploy the checked-out code, and builds it only when its inputs changed.
//
// Fast: a SHA-256 over every input (the C# sources and project files under functions/, global.json,
// Directory.*.props, and the publish arguments) is stored beside the output folder. When it matches, and the
// folder still holds what that publish wrote, the folder is reused and dotnet does not run; a preview of an
// unchanged tree costs a hash of ~100 small files.
//
// Deterministic: the package's bytes depend on the inputs alone, not on what else was built in the checkout.
// `LambdaPackage=true` gives the publish its own obj/ and bin/ folders (Directory.Build.props), so nothing a
// `make build`, an IDE or a Debug build left behind is reused; the C# build is deterministic (Deterministic,
// PathMap, ContinuousIntegrationBuild on every machine, not only where CI=true); no symbols or documentation
// files are published; and Pulumi hashes an archive by its files' names and contents. A fresh clone, a
// laptop after `make build`, and CI therefore produce the same bytes, and an unchanged tree previews no change
// to the functions.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Architecture } from "../config";
import { contract } from "../lakeContract";

/** The repository root, relative to infra/ (the program's working directory under `pulumi`: Pulumi.yaml `main: infra/`). */
export const defaultRepositoryRoot = "..";
/** The project, relative to the repository root. */
export const functionsProject = path.join("functions", contract.handlers.assembly, `${contract.handlers.assembly}.csproj`);
/** Where the program publishes, relative to infra/: one folder per architecture, e.g. `.build/functions/arm64`. */
export const defaultOutputRoot = path.join(".build", "functions");

/**
 * Everything, relative to the repository root, whose change can change the package's bytes. The hash covers
 * these (folders recursively, without bin/ and obj/); the workflows' path filters must cover them too.
 */
export const packageInputs: readonly string[] = ["functions", "global.json", "Directory.Build.props", "Directory.Packages.props", "NuGet.config", "nuget.config"];

/** Files a publish folder must hold to be a Lambda package of the handlers. */
export const requiredPackageFiles = ["SpotifyEtl.Functions.dll", "SpotifyEtl.Functions.runtimeconfig.json", "SpotifyEtl.Functions.deps.json"];

export interface PublishOptions {
    /** An existing publish folder (config functionsPackagePath); when set, nothing is built. */
    readonly packagePath: string;
    /** The functions' instruction set (config functionArchitecture): x86_64 is published ReadyToRun. */
    readonly architecture: Architecture;
    /** The repository root; defaults to `..` (relative to infra/). */
    readonly repositoryRoot?: string;
    /** The output folder; defaults to `.build/functions/<architecture>`. */
    readonly output?: string;
    /** Publish even when the stored input hash matches. */
    readonly force?: boolean;
    /** Runs a command; defaults to execFileSync. Tests pass a recorder so no test runs dotnet. */
    readonly run?: (file: string, args: readonly string[]) => void;
    /** Progress messages (Pulumi shows them as diagnostics); defaults to stderr. */
    readonly log?: (message: string) => void;
}

/**
 * Names of variables that hold a credential: a key, token, password or passphrase; any AWS, Snowflake or Spotify setting;
 * and Pulumi's own, `PULUMI_CONFIG` among them, which holds the stack's config with its secrets decrypted for the program.
 */
const credentialName = /TOKEN|SECRET|PASSWORD|PASSPHRASE|PRIVATE_KEY|ACCESS_KEY|CREDENTIAL/i;
const credentialPrefix = /^(AWS_|SNOWFLAKE_|SPOTIFY_|INPUT_|PULUMI_)/i;
/** NuGet's own feed credentials, which a restore from a private feed needs. */
const nugetName = /^(NUGET|VSS_NUGET)/i;

/**
 * The environment `dotnet publish` runs in: the caller's without its credentials. `pulumi up` may run with the
 * Snowflake key, AWS keys and the Pulumi and GitHub tokens in its environment (docs/snowflake.md passes the key so); a
 * build needs none of them, and MSBuild runs the targets of the packages it restores, code from outside this
 * repository, with whatever environment it is given.
 */
export function publishEnvironment(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(environment)
        .filter(([name]) => nugetName.test(name) || !(credentialName.test(name) || credentialPrefix.test(name))));
}

/** Runs a command without the caller's credentials in its environment, its output kept for an error message. */
export const runCommand = (file: string, args: readonly string[]): void => {
    execFileSync(file, [...args], {
        stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: publishEnvironment(process.env),
    });
};

/**
 * The `dotnet publish` arguments for an architecture.
 * - x86_64: ReadyToRun for linux-x64, framework-dependent. The code is precompiled, so a cold start JIT-compiles
 *   less; the runtime pack and Crossgen2 for linux-x64 restore from NuGet.
 * - arm64: framework-dependent and portable (no runtime identifier). ReadyToRun would need the linux-arm64
 *   runtime pack and Crossgen2, which do not restore from the registries this project builds from; the
 *   portable package JIT-compiles at start and runs on both instruction sets.
 */
export function publishArguments(architecture: Architecture, project: string, output: string): string[] {
    const target = architecture === "x86_64"
        ? ["--runtime", "linux-x64", "--self-contained", "false", "-p:PublishReadyToRun=true"]
        : [];
    return [
        "publish", project,
        "--configuration", "Release",
        "--output", output,
        "--nologo",
        ...target,
        // Own obj/ and bin/ folders (Directory.Build.props): nothing another build left behind is reused.
        "-p:LambdaPackage=true",
        "-p:DebugType=none",
        "-p:DebugSymbols=false",
        "-p:GenerateDocumentationFile=false",
        "-p:ContinuousIntegrationBuild=true",
        // The analyzers judge the code, not the assemblies (the package's bytes are the same without them): `make build`
        // and CI run them, and a publish without them takes half the time (10 s against 20 s on two cores).
        "-p:RunAnalyzers=false",
    ];
}

/**
 * Returns the folder to zip into the functions' code: the given package, or the output of `dotnet publish`,
 * rebuilt only when an input changed. The path is returned relative as given (`.build/functions/<arch>` from
 * infra/), so the archive's recorded path is the same on every machine that runs `pulumi preview`.
 */
export function functionsPackage(options: PublishOptions): string {
    if (options.packagePath !== "") {
        return checkedPackage(options.packagePath, "functionsPackagePath");
    }
    const root = options.repositoryRoot ?? defaultRepositoryRoot;
    const output = options.output ?? path.join(defaultOutputRoot, options.architecture);
    const project = path.join(root, functionsProject);
    const args = publishArguments(options.architecture, project, path.resolve(output));
    const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
    const stampFile = `${output}.sha256`;
    // The arguments without the machine's paths: a stamp stays valid wherever the checkout lives.
    const inputs = inputsHash(root, publishArguments(options.architecture, "", ""));

    if (options.force !== true && readStamp(stampFile, output) === inputs) {
        return output;
    }
    log(`Publishing the functions (${options.architecture}) with dotnet publish: their inputs changed since the last package...`);
    fs.rmSync(stampFile, { force: true });
    fs.rmSync(output, { recursive: true, force: true });
    try {
        (options.run ?? runCommand)("dotnet", args);
    } catch (error) {
        // dotnet reports build errors on stdout; show them instead of a bare exit code.
        const failure = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`dotnet publish of ${project} failed:\n${failure.stdout ?? ""}${failure.stderr ?? ""}${failure.message}`);
    }
    checkedPackage(output, "dotnet publish output");
    fs.writeFileSync(stampFile, `${inputs} ${folderHash(output)}\n`);
    return output;
}

/** The input hash a stamp records, if the folder still holds exactly what that publish wrote. */
function readStamp(stampFile: string, output: string): string | undefined {
    if (!fs.existsSync(stampFile) || !fs.existsSync(output)) {
        return undefined;
    }
    const [inputs, contents] = fs.readFileSync(stampFile, "utf8").trim().split(" ");
    return contents !== undefined && contents === folderHash(output) ? inputs : undefined;
}

/** SHA-256 over the package inputs under the repository root (names and contents, sorted) and the arguments. */
export function inputsHash(root: string, args: readonly string[]): string {
    const hash = createHash("sha256");
    hash.update(JSON.stringify(args));
    for (const input of packageInputs) {
        const full = path.join(root, input);
        if (!fs.existsSync(full)) {
            continue;
        }
        for (const file of filesUnder(full, [".git", "bin", "obj"])) {
            hash.update(`\0${path.relative(root, file).split(path.sep).join("/")}\0`);
            hash.update(fs.readFileSync(file));
        }
    }
    return hash.digest("hex");
}

/** SHA-256 over a folder's files (names and contents, sorted). */
export function folderHash(folder: string): string {
    const hash = createHash("sha256");
    for (const file of filesUnder(folder, [])) {
        hash.update(`\0${path.relative(folder, file).split(path.sep).join("/")}\0`);
        hash.update(fs.readFileSync(file));
    }
    return hash.digest("hex");
}

function filesUnder(entry: string, skipped: readonly string[]): string[] {
    if (!fs.statSync(entry).isDirectory()) {
        return [entry];
    }
    return fs.readdirSync(entry, { withFileTypes: true })
        .filter((e) => !(e.isDirectory() && skipped.includes(e.name)))
        .map((e) => e.name)
        .sort()
        .flatMap((name) => filesUnder(path.join(entry, name), skipped));
}

function checkedPackage(folder: string, what: string): string {
    const missing = requiredPackageFiles.filter((f) => !fs.existsSync(path.resolve(folder, f)));
    if (missing.length > 0) {
        throw new Error(`${what} ${path.resolve(folder)} is not a publish of SpotifyEtl.Functions: missing ${missing.join(", ")}`);
    }
    return folder;
}
