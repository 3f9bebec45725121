// contract.json is the one place a name shared by the program and the functions is spelled: the C# constants
// are generated from it, and no TypeScript or C# file spells one of its names as a string literal.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { generatedFile, renderContract } from "../../infra/build/generateContract";
import { checkedContract, contract, type Contract } from "../../infra/lakeContract";
import { repoRoot } from "./helpers/stackHarness";

function sourceFiles(dir: string, extension: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return ["node_modules", "bin", "obj"].includes(entry.name) ? [] : sourceFiles(full, extension);
        }
        return entry.name.endsWith(extension) ? [full] : [];
    });
}

/** Every shared name, except plain lowercase words ("transformed", "songs"), which are also ordinary labels. */
function sharedNames(): string[] {
    const groups = [contract.lake, contract.metrics, contract.logEvents, contract.handlers, contract.secret,
        contract.environment.extract, contract.environment.transform];
    const names = [...groups.flatMap(names => Object.values(names)), contract.partitionColumn.name];
    return [...new Set(names)].filter(name => !/^[a-z]+$/.test(name));
}

test("the generated C# constants are what contract.json renders (run make contract after editing it)", () => {
    assert.equal(fs.readFileSync(generatedFile, "utf8"), renderContract());
});

test("no TypeScript or C# source spells a name of contract.json as a string literal", () => {
    const files = [
        ...sourceFiles(path.join(repoRoot, "infra"), ".ts"),
        ...sourceFiles(path.join(repoRoot, "functions"), ".cs").filter(file => file !== generatedFile),
    ];
    const names = sharedNames();
    assert.ok(names.includes("RAW_BUCKET") && names.includes("snapshot_date"), "the scan covers the environment and the partition column");
    // Spotify's OAuth form fields share their names with the secret's keys but belong to Spotify's token endpoint.
    const oauthForm = new Set(["SpotifyAuthorization.cs", "SpotifyTokenProvider.cs"]);
    const found: string[] = [];
    for (const file of files) {
        const lines = fs.readFileSync(file, "utf8").split("\n");
        lines.forEach((line, index) => {
            if (/^\s*(\/\/|\*|\/\*)/.test(line)) {
                return;
            }
            // C# quotes strings with " only; a name inside prose ('raw/' in a help text) is not a literal.
            const quotes = file.endsWith(".cs") ? ["\""] : ["\"", "'", "`"];
            for (const name of names) {
                if (oauthForm.has(path.basename(file)) && Object.values(contract.secret).includes(name)) {
                    continue;
                }
                // The name as a whole literal, or a key built with it ("snapshot_date={date}", `snapshot_date=${day}`).
                if (quotes.some(quote => line.includes(quote + name + quote)) || line.includes(name + "={") || line.includes(name + "=${")) {
                    found.push(`${path.relative(repoRoot, file)}:${index + 1}: ${name}`);
                }
            }
        });
    }
    assert.deepEqual(found, [], "use StackContract (C#) or contract (TypeScript) instead of these literals");
});

test("every raw source the functions land has a key segment in contract.json, so the raw lifecycle places it", () => {
    const file = path.join(repoRoot, "functions", "SpotifyEtl.Core", "Lake", "RawSource.cs");
    const code = fs.readFileSync(file, "utf8").split("\n").map(line => line.replace(/\/\/.*$/, "")).join("\n");
    const body = /public enum RawSource\s*\{([^}]*)\}/.exec(code)?.[1] ?? "";
    const members = body.split(",").map(name => name.trim()).filter(name => name !== "");
    const declared = Object.keys(contract.rawSources).map(key => key.charAt(0).toUpperCase() + key.slice(1));
    assert.ok(members.length > 0, `no RawSource members found in ${file}`);
    assert.deepEqual(members.filter(name => !declared.includes(name)), [], "add these to contract.json's rawSources and rawSourceLifecycle");
});

test("a contract that leaves a raw source out of the lifecycle, or gives it another kind, is refused before any rule is built", () => {
    const sources = Object.keys(contract.rawSources) as (keyof Contract["rawSources"])[];
    assert.ok(sources.length > 1 && sources.some(s => contract.rawSourceLifecycle[s] === "history") && sources.some(s => contract.rawSourceLifecycle[s] === "snapshot"));
    const withLifecycle = (lifecycle: Record<string, string>): Contract => ({ ...contract, rawSourceLifecycle: lifecycle } as Contract);
    for (const source of sources) {
        const { [source]: _left, ...rest } = contract.rawSourceLifecycle;
        assert.throws(() => checkedContract(withLifecycle(rest), "contract.json"), /rawSourceLifecycle must place every raw source/, `${source} left out`);
        assert.throws(() => checkedContract(withLifecycle({ ...contract.rawSourceLifecycle, [source]: "forever" }), "contract.json"),
            /each as "history" \(kept for good\) or "snapshot" \(expires\)/, `${source} as "forever"`);
    }
    assert.throws(() => checkedContract(withLifecycle({ ...contract.rawSourceLifecycle, podcasts: "snapshot" }), "contract.json"), /rawSourceLifecycle/);
    assert.equal(checkedContract(withLifecycle({ ...contract.rawSourceLifecycle }), "contract.json").rawSourceLifecycle.recentlyPlayed, "history");
});
