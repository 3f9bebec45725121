// The example dev stack exactly as the repository ships Pulumi.dev.yaml (plus the secrets a user sets with --secret).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import { fakeFunctionsPackage, repoRoot, runStack, exampleStack, type StackRun } from "./helpers/stackHarness";
import { describeStackInvariants } from "./helpers/stackInvariants";
import { Stack, types } from "./helpers/stackQueries";
import { deletionsInRaw } from "./helpers/historyDeletion";

const config = {
    ...exampleStack("dev"),
    "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
};
const run: Promise<StackRun> = runStack("dev", config, []);

describeStackInvariants("the example Pulumi.dev.yaml", () => run);

let stack: Stack;
before(async () => {
    stack = new Stack(await run);
});

test("the dev stack names its resources spotify-dev-* and can be torn down", () => {
    assert.equal(stack.functionNamed("extract").inputs["name"], "spotify-dev-extract");
    assert.equal(stack.functionNamed("transform").inputs["name"], "spotify-dev-transform");
    for (const bucket of stack.all(types.bucket)) {
        assert.equal(bucket.inputs["forceDestroy"], true);
    }
    assert.equal(stack.one(types.secret).inputs["recoveryWindowInDays"], 0);
});

test("the dev stack gives the transform the default 512 MB of temporary storage, set explicitly", () => {
    assert.deepEqual(stack.functionNamed("transform").inputs["ephemeralStorage"], { size: 512 });
});

test("the dev stack gives the transform, which also imports data exports, the default 2048 MB and five minutes", () => {
    // A ten-year export's import peaks under 0.9 GB and takes minutes on Lambda's share of a processor (docs/history.md).
    const transform = stack.functionNamed("transform");
    assert.equal(transform.inputs["memorySize"], 2048);
    assert.equal(transform.inputs["timeout"], 300);
    const env = (transform.inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(env["TRANSFORM_TIME_BUDGET_SECONDS"], "285");
    // transformReservedConcurrency 0, the default, reserves nothing: Lambda's own 0 would stop the function.
    assert.equal(transform.inputs["reservedConcurrentExecutions"], undefined);
});

test("the example dev stack reads every Spotify source its file lists, in order", () => {
    const env = (stack.functionNamed("extract").inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.deepEqual(JSON.parse(env["SPOTIFY_SOURCES"] ?? ""), [
        { type: "recently_played" },
        { type: "top_tracks", time_range: "short_term" },
        { type: "top_artists", time_range: "long_term" },
        { type: "saved_tracks" },
    ]);
    assert.equal(env["SPOTIFY_MARKET"], undefined);
    assert.equal(env["SPOTIFY_TOP_ITEMS_LIMIT"], "50");
    assert.equal(env["SPOTIFY_SAVED_TRACKS_FULL_PASS_DAYS"], "7");
    // rawExpirationDays 90: an unchanged playlist lands again after 60 days, before its items expire.
    assert.equal(env["SPOTIFY_SNAPSHOT_RELAND_DAYS"], "60");
});

test("with no alarm e-mail the topic has no subscription", () => {
    assert.equal(stack.all(types.subscription).length, 0);
});

test("dev log groups keep 14 days, raw objects never move to a colder class, and only the snapshots expire", () => {
    for (const group of stack.all(types.logGroup)) {
        assert.equal(group.inputs["retentionInDays"], 14);
    }
    const raw = stack.bucketNamed("raw");
    const rules = stack.where(types.lifecycle, "bucket", raw.state["bucket"])[0]!.inputs["rules"] as { transitions?: unknown[]; expiration?: { days?: number }; filter?: { prefix?: string } }[];
    assert.ok(rules.every((r) => r.transitions === undefined), "dev raw objects have no transition");
    const expiring = rules.filter((r) => r.expiration?.days !== undefined);
    assert.deepEqual(expiring.map((r) => `${r.filter?.prefix} ${r.expiration?.days}`).sort(),
        ["quarantine/playlist/ 90", "quarantine/playlist_items/ 90", "quarantine/saved_tracks/ 90", "quarantine/top_artists/ 90", "quarantine/top_tracks/ 90",
            "raw/playlist/ 90", "raw/playlist_items/ 90", "raw/saved_tracks/ 90", "raw/top_artists/ 90", "raw/top_tracks/ 90"],
        "the snapshots, and what the transform set aside of them, expire after 90 days; recently played and the export's files never");
});

test("without protectData the raw bucket's policy lets an administrator delete anything, as a destroy that empties the bucket does", async () => {
    for (const [folder, decisions] of await deletionsInRaw(stack)) {
        assert.deepEqual(decisions, ["Allowed", "Allowed", "Allowed"], folder);
    }
});

test("with snowflakeEnabled off (the default) nothing of Snowflake is declared and the transformed bucket has no notification", () => {
    const snowflake = stack.run.resources.filter((r) => r.type.startsWith("snowflake:") || r.type === "pulumi:providers:snowflake" || r.type === "spotify:etl:SnowflakeLoad");
    assert.deepEqual(snowflake.map((r) => `${r.type} ${r.name}`), []);
    assert.equal(stack.where(types.notification, "bucket", stack.bucketNamed("transformed").state["bucket"]).length, 0);
    assert.ok(stack.all(types.role).every((r) => !String(r.inputs["assumeRolePolicy"]).includes("sts:ExternalId")), "a role trusts an external account");
});

test("the cost estimate in docs/deploying.md counts every alarm the stack declares", () => {
    const deploying = fs.readFileSync(path.join(repoRoot, "docs", "deploying.md"), "utf8");
    const row = /^\| CloudWatch alarms \| (\d+) standard alarms at \$0\.10 \| ~\$(\d+\.\d\d) \|$/m.exec(deploying);
    assert.ok(row, "no CloudWatch alarms row in the cost table");
    assert.equal(Number(row[1]), stack.all(types.alarm).length);
    assert.equal(row[2], (stack.all(types.alarm).length * 0.1).toFixed(2));
});

test("the cost estimate in docs/deploying.md charges the stack's dashboard and adds up to its total", () => {
    const deploying = fs.readFileSync(path.join(repoRoot, "docs", "deploying.md"), "utf8");
    const section = deploying.slice(deploying.indexOf("## What it costs"));
    const table = section.slice(0, section.indexOf("**total**") + 40).split("\n").filter((line) => line.startsWith("| "));
    const dashboards = stack.all("aws:cloudwatch/dashboard:Dashboard").length;
    assert.match(section, new RegExp(`^\\| CloudWatch dashboard \\| ${dashboards} \\(\`dashboardName\`\\) at \\$3 \\| ~\\$${(3 * dashboards).toFixed(2)} \\|$`, "m"));
    // A row's own figure, "~$x.xx" or "**~$x.xx**"; "< $0.01" counts as nothing.
    const dollars = (line: string): number => Number(/\| \**~\$(\d+\.\d\d)\** \|$/.exec(line)?.[1] ?? 0);
    const rows = table.filter((line) => !line.includes("**total**"));
    const total = table.find((line) => line.includes("**total**"));
    assert.ok(total && rows.length >= 9, `the per-stack table: ${table.length} lines`);
    const sum = rows.reduce((acc, line) => acc + dollars(line), 0);
    assert.equal(sum.toFixed(2), dollars(total).toFixed(2), "the rows' sum is not the total");
});
