// What each function's role may do in each bucket is written once, in tests/lambda-role-s3.json: the C# tests' S3
// emulator refuses a function's request outside it, as S3 refuses it, so every request the functions' code makes
// there is one the file allows. This test holds the stack's roles to exactly that file, action by action: every key
// (for s3:ListBucket, every prefix) of the lake's layout that a pattern of the file matches is allowed, and every other
// is refused. A role changed without the file, or a file changed without the role, fails here; code that starts a
// request its role does not allow fails in the C# tests.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { contract } from "../../infra/lakeContract";
import { decide, type Principal } from "./helpers/iamSimulation";
import { fakeAccountId, fakeFunctionsPackage, runStack, exampleStack } from "./helpers/stackHarness";
import { Stack } from "./helpers/stackQueries";

type Role = "extract" | "transform";
type Bucket = "raw" | "transformed";
const actions = ["s3:ListBucket", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"] as const;
type Action = (typeof actions)[number];
const access = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "lambda-role-s3.json"), "utf8")) as Record<Role, Partial<Record<Bucket, Partial<Record<Action, string[]>>>>>;

/** An IAM pattern as a regular expression: `*` any run of characters (`/` included), `?` any one. */
function matches(pattern: string, text: string): boolean {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${source}$`, "s").test(text);
}

/**
 * Keys a function might touch: below every top-level prefix of the lake, every table's folder, every raw source's
 * folder and every folder the file names, a day's partition file, a file of each kind the lake holds, and the folders
 * themselves (as listing prefixes).
 */
function candidates(): string[] {
    const day = "snapshot_date=2026-11-20/";
    const files = ["part-0001.json", "songs.parquet", "songs.csv", "2026-11.digest", "days/2026-11/snapshot_date=2026-11-20.json.gz", "20261120T060000Z.json.gz", "x.txt"];
    const tops = Object.values(contract.lake);
    const tables = contract.tables.map((table) => `${contract.lake.transformed}${table.name}/`);
    const sources = Object.values(contract.rawSources).map((source) => `${contract.lake.raw}${source}/`);
    const named = Object.values(access).flatMap((buckets) => Object.values(buckets).flatMap((byAction) => Object.values(byAction).flat()))
        .map((pattern) => pattern.slice(0, pattern.lastIndexOf("/") + 1).replace(/\*.*$/, ""));
    const folders = [...tops, ...tables, ...sources, ...named, `${contract.lake.staging}current/`, `${contract.lake.staging}current/days/2026-11/`];
    const keys = folders.flatMap((folder) => [folder, folder.slice(0, -1), `${folder}${day}`, ...files.map((f) => `${folder}${f}`), ...files.map((f) => `${folder}${day}${f}`)]);
    return [...new Set([...keys, ""])];
}

function expected(role: Role, bucket: Bucket, action: Action, key: string): boolean {
    return (access[role][bucket]?.[action] ?? []).some((pattern) => matches(pattern, key));
}

let stack: Stack;
const roleOf = (name: Role): Principal => {
    const role = stack.roleOf(stack.functionNamed(name));
    return { arn: String(role.state["arn"]), accountId: fakeAccountId, policies: stack.policiesOf(role) };
};
before(async () => {
    stack = new Stack(await runStack("dev", { ...exampleStack("dev"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []));
});

describe("each function's role may do in each bucket what tests/lambda-role-s3.json says, and nothing else", () => {
    for (const role of ["extract", "transform"] as const) {
        for (const bucket of ["raw", "transformed"] as const) {
            for (const action of actions) {
                test(`${role}, ${bucket} bucket, ${action}`, async () => {
                    const principal = roleOf(role);
                    const bucketArn = String(stack.bucketNamed(bucket).state["arn"]);
                    const wrong: string[] = [];
                    let allowed = 0;
                    for (const key of candidates()) {
                        if (action !== "s3:ListBucket" && key === "") {
                            continue;
                        }
                        const request = action === "s3:ListBucket"
                            ? { action, resource: bucketArn, context: { "s3:prefix": key } }
                            : { action, resource: `${bucketArn}/${key}` };
                        const decision = await decide(principal, request);
                        if ((decision === "Allowed") !== expected(role, bucket, action, key)) {
                            wrong.push(`${key === "" ? "(no prefix)" : key}: ${decision}`);
                        }
                        allowed += decision === "Allowed" ? 1 : 0;
                    }
                    assert.deepEqual(wrong, [], `${role}'s ${action} in the ${bucket} bucket differs from tests/lambda-role-s3.json`);
                    assert.equal(allowed > 0, (access[role][bucket]?.[action] ?? []).length > 0, "a pattern of the file matches none of the keys tried");
                });
            }
        }
    }

    test("the extraction may land under every source of the API's folder and under no other folder of raw/: the data export's copies are the transform's alone", async () => {
        // Those copies never expire and no API serves them again: an extraction's bug could otherwise overwrite a listener's history.
        const principal = roleOf("extract");
        const bucketArn = String(stack.bucketNamed("raw").state["arn"]);
        for (const [name, segment] of Object.entries(contract.rawSources)) {
            const key = `${contract.lake.raw}${segment}/snapshot_date=2026-11-20/me/20261120T060000Z-p0001.json`;
            const decision = await decide(principal, { action: "s3:PutObject", resource: `${bucketArn}/${key}` });
            assert.equal(decision === "Allowed", name !== "spotifyExport", `${key}: ${decision}`);
        }
        assert.equal(await decide(principal, { action: "s3:PutObject", resource: `${bucketArn}/${contract.lake.raw}notes.json` }) === "Allowed", false);
    });

    test("the transform may list the partitions of every table a current-state table is built from", () => {
        const sources = contract.tables.flatMap((table) => (table.currentOf === undefined ? [] : [table.currentOf]));
        assert.ok(sources.length >= 5);
        for (const table of sources) {
            assert.ok(expected("transform", "transformed", "s3:ListBucket", `${contract.lake.transformed}${table}/snapshot_date=2026-11-20/`), table);
        }
    });
});
