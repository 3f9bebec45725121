// The house rules a reader relies on: each C# file of functions/ holds one job that fits in a reader's head.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "./helpers/stackHarness";

function sources(folder: string): string[] {
    return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) {
            return entry.name === "bin" || entry.name === "obj" ? [] : sources(full);
        }
        return entry.name.endsWith(".cs") ? [full] : [];
    });
}

test("no C# file in functions/ is longer than 300 lines", () => {
    const files = sources(path.join(repoRoot, "functions"));
    assert.ok(files.length > 50, `found only ${files.length} C# files`);
    const long = files
        .map((file) => ({ file: path.relative(repoRoot, file), lines: fs.readFileSync(file, "utf8").split("\n").length }))
        .filter((f) => f.lines > 300)
        .map((f) => `${f.file}: ${f.lines} lines`);
    assert.deepEqual(long, [], "split these by job");
});

test("every state file the guides have `pulumi stack export` write is one git ignores", () => {
    const guides = ["README.md", ...fs.readdirSync(path.join(repoRoot, "docs")).map((f) => `docs/${f}`)].filter((f) => f.endsWith(".md"));
    const exported = guides.flatMap((guide) => [...fs.readFileSync(path.join(repoRoot, guide), "utf8")
        .matchAll(/pulumi stack export(?:\s+--file\s+|\s*>\s*)([^\s`;)]+)/g)].map((m) => ({ guide, file: m[1]! })));
    assert.ok(exported.length >= 2, `found ${exported.length} exports in the guides`);
    for (const { guide, file } of exported) {
        // Where the guides run it (the bootstrap's folder) and the checkout's root alike.
        for (const folder of ["infra/bootstrap", "."]) {
            const ignored = spawnSync("git", ["check-ignore", "--no-index", "-q", path.join(folder, file)], { cwd: repoRoot });
            assert.equal(ignored.status, 0, `${guide}: pulumi stack export writes ${file}, which git would commit from ${folder}`);
        }
    }
});
