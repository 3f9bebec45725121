// Where each function's role may list each bucket is written once, in tests/lambda-role-listings.json: the C# tests'
// S3 emulator client refuses a function's listing outside it, as S3 refuses it, so every listing the functions' code
// makes there is one the file allows. This test holds the stack's roles to exactly that file: every prefix it names
// is allowed (a listing at the prefix and below it), and every other prefix of the lake's layout is refused. A role
// that lacks a listing its function makes fails here or in the C# tests, whichever side was changed alone.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { contract } from "../../infra/lakeContract";
import { decide, type Principal } from "./helpers/iamSimulation";
import { fakeAccountId, fakeFunctionsPackage, runStack, stackConfigFile } from "./helpers/stackHarness";
import { Stack } from "./helpers/stackQueries";

type Role = "extract" | "transform";
type Bucket = "raw" | "transformed";
const listings = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "lambda-role-listings.json"), "utf8")) as Record<Role, Partial<Record<Bucket, string[]>>>;

/**
 * Prefixes a function might list: every top-level prefix of the lake, every table's folder and a day's partition in
 * it, every raw source's folder and a day in it, the prefixes of the file, and keys below each, in both buckets.
 */
function candidates(): string[] {
    const day = "snapshot_date=2026-11-20/";
    const tops = Object.values(contract.lake);
    const tables = contract.tables.map((table) => `${contract.lake.transformed}${table.name}/`);
    const sources = Object.values(contract.rawSources).map((source) => `${contract.lake.raw}${source}/`);
    const named = Object.values(listings).flatMap((buckets) => Object.values(buckets).flat());
    const folders = [...tops, ...tables, ...sources, ...named, `${contract.lake.staging}current/`, `${contract.lake.transformed}plays_current/`];
    const all = folders.flatMap((folder) => [folder, folder.slice(0, -1), `${folder}${day}`, `${folder}${day}part-0001.json`]);
    return [...new Set([...all, ""])];
}

/** Allowed where the file names a prefix the candidate begins with. */
function expected(role: Role, bucket: Bucket, prefix: string): boolean {
    return (listings[role][bucket] ?? []).some((allowed) => prefix.startsWith(allowed));
}

let stack: Stack;
const roleOf = (name: Role): Principal => {
    const role = stack.roleOf(stack.functionNamed(name));
    return { arn: String(role.state["arn"]), accountId: fakeAccountId, policies: stack.policiesOf(role) };
};
before(async () => {
    stack = new Stack(await runStack("dev", { ...stackConfigFile("dev"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []));
});

describe("each function's role may list each bucket where tests/lambda-role-listings.json says, and nowhere else", () => {
    for (const role of ["extract", "transform"] as const) {
        for (const bucket of ["raw", "transformed"] as const) {
            test(`${role}, ${bucket} bucket`, async () => {
                const principal = roleOf(role);
                const bucketArn = String(stack.bucketNamed(bucket).state["arn"]);
                const wrong: string[] = [];
                let allowed = 0;
                for (const prefix of candidates()) {
                    const decision = await decide(principal, { action: "s3:ListBucket", resource: bucketArn, context: { "s3:prefix": prefix } });
                    if ((decision === "Allowed") !== expected(role, bucket, prefix)) {
                        wrong.push(`${prefix === "" ? "(no prefix)" : prefix}: ${decision}`);
                    }
                    allowed += decision === "Allowed" ? 1 : 0;
                }
                assert.deepEqual(wrong, [], `${role} listing the ${bucket} bucket differs from tests/lambda-role-listings.json`);
                assert.equal(allowed > 0, (listings[role][bucket] ?? []).length > 0);
            });
        }
    }

    test("the transform may list the partitions of every table a current-state table is built from", () => {
        const sources = contract.tables.flatMap((table) => (table.currentOf === undefined ? [] : [table.currentOf]));
        assert.ok(sources.length >= 5);
        for (const table of sources) {
            assert.ok(expected("transform", "transformed", `${contract.lake.transformed}${table}/${"snapshot_date=2026-11-20/"}`), table);
        }
    });
});
