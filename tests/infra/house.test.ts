// The house rules a reader relies on: each C# file of functions/ holds one job that fits in a reader's head.
import * as assert from "node:assert/strict";
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
