// docs/guarantees.md names the test behind each promise: every name must be a test that exists, so a
// renamed or deleted test cannot leave a promise standing without its proof. So must every test the README and the
// other docs name.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as yaml from "js-yaml";
import { repoRoot } from "./helpers/stackHarness";

const doc = fs.readFileSync(path.join(repoRoot, "docs", "guarantees.md"), "utf8").replace(/\s*\n\s*/g, " ");

function filesUnder(folder: string, extension: string): string[] {
    return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) {
            return entry.name === "bin" || entry.name === "obj" || entry.name === "node_modules" ? [] : filesUnder(full, extension);
        }
        return entry.name.endsWith(extension) ? [full] : [];
    });
}

/**
 * The test methods of a C# file: each public method whose attributes, the lines between the member before it (a line
 * closing a block, or a field's) and its signature, hold [Fact] or [Theory]. Attributes' arguments are not parsed: raw
 * strings, arrays and comments among them cannot hide a test.
 */
function testMethods(source: string): string[] {
    const names: string[] = [];
    let previous = 0;
    for (const match of source.matchAll(/^[ \t]*public (?:async )?(?:Task|ValueTask|void) (\w+)\(/gm)) {
        const before = source.slice(previous, match.index);
        const boundary = Math.max(before.lastIndexOf("\n    }"), before.lastIndexOf(";\n"));
        if (/\[(?:Fact|Theory)\b/.test(before.slice(boundary + 1))) {
            names.push(match[1]!);
        }
        previous = match.index! + match[0].length;
    }
    return names;
}

const csharpTests = new Set(filesUnder(path.join(repoRoot, "tests", "SpotifyEtl.Tests"), ".cs")
    .flatMap((file) => testMethods(fs.readFileSync(file, "utf8"))));
const stackTests = new Set(filesUnder(path.join(repoRoot, "tests", "infra"), ".ts")
    .flatMap((file) => [...fs.readFileSync(file, "utf8").matchAll(/\btest\("([^"]+)"/g)].map((m) => m[1]!)));

test("every C# test docs/guarantees.md names exists", () => {
    const named = [...new Set([...doc.matchAll(/`([A-Z][A-Za-z0-9]*(?:_[A-Za-z0-9]+){2,})`/g)].map((m) => m[1]!))];
    assert.ok(named.length >= 20, `only ${named.length} test names found in docs/guarantees.md`);
    const missing = named.filter((name) => !csharpTests.has(name));
    assert.deepEqual(missing, [], "named in docs/guarantees.md but no such [Fact] or [Theory]");
});

test("every C# test the README and the other docs name exists", () => {
    const files = [path.join(repoRoot, "README.md"), ...fs.readdirSync(path.join(repoRoot, "docs")).filter((f) => f.endsWith(".md") && f !== "guarantees.md")
        .map((f) => path.join(repoRoot, "docs", f))];
    const named = files.flatMap((file) => [...fs.readFileSync(file, "utf8").replace(/\s*\n\s*/g, " ").matchAll(/`([A-Z][a-z0-9]+(?:_[A-Za-z0-9]+){3,})`/g)]
        .map((m) => `${path.basename(file)}: ${m[1]!}`));
    assert.ok(named.length >= 5, `only ${named.length} test names found in the README and docs/`);
    const missing = [...new Set(named)].filter((entry) => !csharpTests.has(entry.slice(entry.indexOf(": ") + 2)));
    assert.deepEqual(missing, [], "named in a doc but no such [Fact] or [Theory]");
});

test("every stack test docs/guarantees.md quotes exists", () => {
    const quoted = [...doc.matchAll(/[Ss]tack tests?:? "([^"]+)"/g), ...doc.matchAll(/[(,] ?"([^"]+)"(?=[,)])/g)].map((m) => m[1]!);
    assert.ok(quoted.length >= 8, `only ${quoted.length} stack test titles found in docs/guarantees.md`);
    const missing = quoted.filter((title) => !stackTests.has(title));
    assert.deepEqual(missing, [], "quoted in docs/guarantees.md but no such stack test");
});

test("the README and the operations guide link docs/guarantees.md", () => {
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    assert.match(readme, /\]\(docs\/guarantees\.md\)/);
    const operations = fs.readFileSync(path.join(repoRoot, "docs", "operations.md"), "utf8");
    assert.match(operations, /\]\(guarantees\.md\)/);
});

test("every put-secret-value command the README and the docs give names the stack's secret and its region", () => {
    const files = [path.join(repoRoot, "README.md"), ...fs.readdirSync(path.join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join(repoRoot, "docs", f))];
    let commands = 0;
    for (const file of files) {
        const text = fs.readFileSync(file, "utf8").replace(/\s*\\?\n\s*/g, " ");
        for (const match of text.matchAll(/aws secretsmanager put-secret-value(.*?)--secret-string/g)) {
            commands += 1;
            const options = match[1]!;
            assert.match(options, /--region "\$\(pulumi config get aws:region( --stack "\$stack")?\)"/, `${path.basename(file)}: ${match[0]}`);
            assert.match(options, /--secret-id "\$\(pulumi stack output spotifySecretArn( --stack "\$stack")?\)"/, `${path.basename(file)}: ${match[0]}`);
        }
    }
    assert.ok(commands >= 4, `only ${commands} commands found`);
});

test("every dotnet test filter the README and the docs give names a property xunit's adapter filters on (it matches nothing on another)", () => {
    const files = [path.join(repoRoot, "README.md"), ...fs.readdirSync(path.join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).map((f) => path.join(repoRoot, "docs", f))];
    let filters = 0;
    for (const file of files) {
        for (const match of fs.readFileSync(file, "utf8").matchAll(/dotnet test[^`\n]*?--filter "?([A-Za-z]+)/g)) {
            filters += 1;
            assert.ok(["FullyQualifiedName", "DisplayName", "Category"].includes(match[1]!), `${path.basename(file)}: ${match[0]}`);
        }
    }
    assert.ok(filters >= 2, `only ${filters} filters found`);
});

test("every put-secret-value command the tool, the functions and the program print or say names a secret and a region", () => {
    // The AWS CLI sends a request to its default region whatever the ARN says: a command without --region fails
    // for anyone whose default is not the stack's.
    const sources = (folder: string, extension: string): string[] =>
        (fs.readdirSync(path.join(repoRoot, folder), { recursive: true }) as string[])
            .filter((f) => f.endsWith(extension) && !/(^|\/)(bin|obj|node_modules)\//.test(f))
            .map((f) => path.join(repoRoot, folder, f));
    let commands = 0;
    for (const file of [...sources("functions", ".cs"), ...sources("infra", ".ts")]) {
        const text = fs.readFileSync(file, "utf8").replace(/\s*(\/\/+)?\s*\n\s*(\/\/+)?\s*/g, " ");
        for (const match of text.matchAll(/put-secret-value(.*?)--secret-string/g)) {
            commands += 1;
            assert.match(match[1]!, /--region \S/, `${path.relative(repoRoot, file)}: ${match[0]}`);
            assert.match(match[1]!, /--secret-id \S/, `${path.relative(repoRoot, file)}: ${match[0]}`);
        }
    }
    assert.ok(commands >= 6, `only ${commands} commands found`);
});

test("the function-errors runbook covers an invocation the runtime ended without a failure line, naming config keys the stack declares", () => {
    const raw = fs.readFileSync(path.join(repoRoot, "docs", "guarantees.md"), "utf8");
    const section = /### Function errors or throttles[\s\S]*?(?=\n### )/.exec(raw)?.[0] ?? "";
    assert.notEqual(section, "");
    for (const sign of ["Max Memory Used", "Task timed out", "Runtime.ExitError"]) {
        assert.ok(section.includes(sign), `the runbook does not say what ${sign} means`);
    }
    const declared = new Set(Object.keys((yaml.load(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> }).config));
    const keys = [...section.matchAll(/`((?:extract|transform)(?:MemoryMb|TimeoutSeconds))`/g)].map((m) => m[1]!);
    assert.deepEqual([...new Set(keys)].sort(), ["extractMemoryMb", "extractTimeoutSeconds", "transformMemoryMb", "transformTimeoutSeconds"]);
    assert.deepEqual(keys.filter((key) => !declared.has(key)), []);
});

test("the objects-left-unread runbook searches both lines that name one: a transform's unreadable object, and an import's warning naming a landed export file", () => {
    const raw = fs.readFileSync(path.join(repoRoot, "docs", "guarantees.md"), "utf8");
    const section = (/### Objects left unread[\s\S]*?(?=\n### )/.exec(raw)?.[0] ?? "").replace(/\s*\n\s*/g, " ");
    assert.notEqual(section, "");
    // What the function logs for a damaged landed file an import comes upon: its import_file event, at level warn, the raw key as input.
    const importLog = fs.readFileSync(path.join(repoRoot, "functions", "SpotifyEtl.Functions", "ImportLog.cs"), "utf8");
    const fileEvent = /FileEvent = "([^"]+)"/.exec(importLog)?.[1];
    assert.equal(fileEvent, "import_file");
    assert.match(importLog, /DamagedLandedFiles\)\s*\{\s*log\.WriteLine\(JsonSerializer\.Serialize\(new ImportFileLogLine\(FileEvent, "warn", bucket, damaged\.RawKey,/);
    assert.ok(section.includes("filter event = 'transform_object' and status = 'unreadable'"), "no search for the transform's unreadable objects");
    assert.ok(section.includes(`filter event = '${fileEvent}' and level = 'warn' and input like /^raw\\/spotify_export\\//`),
        "no search for an import's warning naming a landed export file");
});
