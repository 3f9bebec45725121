// Builds the Lambda package from functions/SpotifyEtl.Functions with `dotnet publish`, so `pulumi preview` and
// `pulumi up` always deploy the checked-out code. The output is reproducible: the folder is emptied first,
// the C# build is deterministic (Directory.Build.props: Deterministic, PathMap), no symbols or documentation
// files are published, and Pulumi hashes an archive by its files' names and contents, so an unchanged tree
// previews no change to the functions.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Relative to infra/, the program's working directory under `pulumi` (Pulumi.yaml `main: infra/`). */
export const functionsProject = path.join("..", "functions", "SpotifyEtl.Functions", "SpotifyEtl.Functions.csproj");
export const defaultOutput = path.join(".build", "functions");

/** Files a publish folder must hold to be a Lambda package of the handlers. */
export const requiredPackageFiles = ["SpotifyEtl.Functions.dll", "SpotifyEtl.Functions.runtimeconfig.json", "SpotifyEtl.Functions.deps.json"];

export interface PublishOptions {
    /** An existing publish folder (config functionsPackagePath); when set, nothing is built. */
    readonly packagePath: string;
    readonly project?: string;
    readonly output?: string;
    /** Runs a command; defaults to execFileSync. Tests pass a recorder so no test runs dotnet. */
    readonly run?: (file: string, args: readonly string[]) => void;
}

const runCommand = (file: string, args: readonly string[]): void => {
    execFileSync(file, [...args], { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
};

/**
 * Returns the folder to zip into the functions' code: the given package, or a fresh `dotnet publish`. The path
 * is returned as given (relative to infra/ by default), so the archive's recorded path is the same on every
 * machine that runs `pulumi preview`.
 */
export function functionsPackage(options: PublishOptions): string {
    if (options.packagePath !== "") {
        return checkedPackage(options.packagePath, "functionsPackagePath");
    }
    const output = options.output ?? defaultOutput;
    fs.rmSync(output, { recursive: true, force: true });
    // Framework-dependent and without a runtime identifier: the same package runs on x86_64 and arm64.
    try {
        (options.run ?? runCommand)("dotnet", [
            "publish", options.project ?? functionsProject,
            "--configuration", "Release",
            "--output", output,
            "--nologo",
            "-p:DebugType=None",
            "-p:DebugSymbols=false",
            "-p:GenerateDocumentationFile=false",
            "-p:ContinuousIntegrationBuild=true",
        ]);
    } catch (error) {
        // dotnet reports build errors on stdout; show them instead of a bare exit code.
        const failure = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`dotnet publish of ${options.project ?? functionsProject} failed:\n${failure.stdout ?? ""}${failure.stderr ?? ""}${failure.message}`);
    }
    return checkedPackage(output, "dotnet publish output");
}

function checkedPackage(folder: string, what: string): string {
    const missing = requiredPackageFiles.filter((f) => !fs.existsSync(path.resolve(folder, f)));
    if (missing.length > 0) {
        throw new Error(`${what} ${path.resolve(folder)} is not a publish of SpotifyEtl.Functions: missing ${missing.join(", ")}`);
    }
    return folder;
}
