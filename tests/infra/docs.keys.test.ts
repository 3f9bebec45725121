// A private key the guides have a reader make (a Snowflake user's) is written outside the checkout and read from
// there, never from a file beside Pulumi.yaml, which one `git add .` publishes; and git leaves out a key file put in
// the checkout by mistake. The commands and the program's own advice are read as a reader copies them.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "./helpers/stackHarness";

const pages = ["README.md", ...fs.readdirSync(path.join(repoRoot, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const keyFile = /(?:-out|-in|<|cat)\s+"?([^\s"`)]+\.(?:p8|pem|key))/g;

/** Every key file a text names where a command writes or reads it, with where it is named. */
function keyFilesIn(text: string, where: string): { file: string; where: string }[] {
    return [...text.matchAll(keyFile)].map((m) => ({ file: m[1]!, where: `${where}: ${m[0]}` }));
}

test("every private key file the guides and the program's advice write or read is outside the checkout", () => {
    const named = pages.flatMap((page) => keyFilesIn(fs.readFileSync(path.join(repoRoot, page), "utf8"), page))
        .concat(keyFilesIn(fs.readFileSync(path.join(repoRoot, "infra", "components", "snowflake.ts"), "utf8"), "infra/components/snowflake.ts"));
    assert.ok(named.length >= 4, `the Snowflake guide's key commands are found (${named.length})`);
    const inside = named.filter(({ file }) => !file.startsWith("~/") && !file.startsWith("$HOME/"));
    assert.deepEqual(inside.map((n) => n.where), [], "key files named relative to the working folder, which is the checkout");
});

test("git leaves out a private key file put anywhere in the checkout", () => {
    for (const file of ["snowflake_key.p8", "infra/snowflake_dev.p8", "key.pem", "docs/deploy.pem"]) {
        // check-ignore exits 0 when the path is ignored, 1 when it is not; the file need not exist.
        const status = (() => {
            try {
                execFileSync("git", ["check-ignore", "-q", "--no-index", file], { cwd: repoRoot, stdio: "ignore" });
                return 0;
            } catch (error) {
                return (error as { status?: number }).status ?? -1;
            }
        })();
        assert.equal(status, 0, `${file} would be committed by git add .`);
    }
});
