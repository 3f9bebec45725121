// The example production stack (Pulumi.production.yaml): x86_64, KMS-encrypted buckets, an alarm e-mail, longer
// retention, protected buckets and secret. The same invariants hold; the config's choices show up.
import * as assert from "node:assert/strict";
import { before, test } from "node:test";
import { fakeFunctionsPackage, runStack, exampleStack, type StackRun } from "./helpers/stackHarness";
import { describeStackInvariants } from "./helpers/stackInvariants";
import { Stack, types } from "./helpers/stackQueries";
import { deletionsInRaw } from "./helpers/historyDeletion";

// The example Pulumi.production.yaml as the repository ships it, with a stand-in package, the secrets a stack sets, and choices the
// example file leaves at their defaults: another name prefix, and more temporary storage for the transform.
const config: Record<string, string> = {
    ...exampleStack("production"),
    "spotify-stack:namePrefix": "listening",
    "spotify-stack:transformEphemeralStorageMb": "2048",
    "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
};
const run: Promise<StackRun> = runStack("production", config, []);

describeStackInvariants("production-like config", () => run);

let stack: Stack;
before(async () => {
    stack = new Stack(await run);
});

test("production names follow namePrefix and the stack name", () => {
    assert.equal(stack.functionNamed("extract").inputs["name"], "listening-production-extract");
    assert.ok(stack.all(types.bucket).every((b) => b.name.startsWith("listening-production-lake-")), "bucket names do not follow namePrefix");
});

test("production buckets survive pulumi destroy while they hold data, and the secret has a recovery window", () => {
    const lake = [stack.bucketNamed("raw"), stack.bucketNamed("transformed")];
    assert.ok(lake.every((b) => b.inputs["forceDestroy"] === false), "a production bucket of the lake is force-destroyable");
    assert.equal(stack.one(types.secret).inputs["recoveryWindowInDays"], 30);
});

test("with protectData no one may delete the listener's history from the raw bucket, an administrator neither; the snapshots may go", async () => {
    // Not the uploads under import/, which hold IP addresses: docs/history.md tells users to delete them once imported.
    const history = ["raw/recently_played/", "raw/spotify_export/"];
    for (const [folder, [deleteObject, deleteVersion, put]] of await deletionsInRaw(stack)) {
        const kept = history.includes(folder);
        assert.deepEqual([deleteObject, deleteVersion], kept ? ["ExplicitlyDenied", "ExplicitlyDenied"] : ["Allowed", "Allowed"], folder);
        assert.equal(put, "Allowed", `${folder}: the functions land there`);
    }
});

test("the production stack protects and retains the raw and transformed buckets and the secret", () => {
    for (const resource of [stack.bucketNamed("raw"), stack.bucketNamed("transformed"), stack.one(types.secret)]) {
        assert.ok(resource.protect && resource.retainOnDelete, `${resource.name} is not protected and retained`);
    }
});

test("aws:kms encryption uses an S3 Bucket Key on every bucket", () => {
    for (const sse of stack.all(types.encryption)) {
        const [rule] = sse.inputs["rules"] as { applyServerSideEncryptionByDefault: { sseAlgorithm: string }; bucketKeyEnabled: boolean }[];
        assert.equal(rule?.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.equal(rule?.bucketKeyEnabled, true);
    }
});

test("raw objects move to the configured storage class and, with expiration 0, are kept", () => {
    const raw = stack.bucketNamed("raw");
    const rules = stack.where(types.lifecycle, "bucket", raw.state["bucket"])[0]!.inputs["rules"] as { filter?: { prefix?: string }; transitions?: { days: number; storageClass: string }[]; expiration?: { days?: number } }[];
    const rawRules = rules.filter((r) => r.filter?.prefix?.startsWith("raw/") === true);
    assert.deepEqual(rawRules.map((r) => r.filter?.prefix).sort(), ["raw/playlist/", "raw/playlist_items/", "raw/recently_played/", "raw/saved_tracks/",
        "raw/spotify_export/", "raw/top_artists/", "raw/top_tracks/"]);
    for (const rule of rawRules) {
        assert.deepEqual(rule.transitions, [{ days: 30, storageClass: "GLACIER_IR" }], rule.filter?.prefix);
        assert.equal(rule.expiration, undefined, rule.filter?.prefix);
    }
});

test("functions follow the configured architecture, memory, timeout and retries", () => {
    const extract = stack.functionNamed("extract");
    const transform = stack.functionNamed("transform");
    assert.deepEqual(extract.inputs["architectures"], ["x86_64"]);
    assert.deepEqual(transform.inputs["architectures"], ["x86_64"]);
    assert.equal(extract.inputs["memorySize"], 1024);
    assert.equal(extract.inputs["timeout"], 900);
    assert.equal(transform.inputs["memorySize"], 2048);
    assert.equal(transform.inputs["timeout"], 300);
    // The transform copies a dropped export's zip to its temporary storage; extract keeps Lambda's 512 MB.
    assert.deepEqual(transform.inputs["ephemeralStorage"], { size: 2048 });
    assert.equal(extract.inputs["ephemeralStorage"], undefined);
    const retries = (fn: string) => stack.one(types.invokeConfig, (r) => r.inputs["functionName"] === fn).inputs["maximumRetryAttempts"];
    assert.equal(retries("listening-production-extract"), 0);
    assert.equal(retries("listening-production-transform"), 2);
    assert.ok(stack.all(types.logGroup).every((g) => g.inputs["retentionInDays"] === 365), "log retention is not 365 days");
});

test("the market, sources and extraction settings reach the extract function's environment", () => {
    const env = (stack.functionNamed("extract").inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(env["SPOTIFY_MARKET"], "US");
    assert.equal(env["SPOTIFY_TOP_ITEMS_LIMIT"], "120");
    assert.equal(env["SPOTIFY_SAVED_TRACKS_FULL_PASS_DAYS"], "14");
    // rawExpirationDays 0: an unchanged playlist lands again never, since nothing expires.
    assert.equal(env["SPOTIFY_SNAPSHOT_RELAND_DAYS"], "0");
    assert.deepEqual(JSON.parse(env["SPOTIFY_SOURCES"] ?? ""), [
        { type: "recently_played" },
        { type: "top_tracks", time_range: "medium_term" },
        { type: "top_artists", time_range: "short_term" },
        { type: "saved_tracks" },
    ]);
});

test("each function gives up on a time budget of its own before its timeout: the extract to save its state, the transform to say what it waited on", () => {
    const budget = (name: "extract" | "transform", variable: string) => {
        const fn = stack.functionNamed(name);
        const env = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
        return { seconds: Number(env[variable]), timeout: fn.inputs["timeout"] as number };
    };
    const extract = budget("extract", "EXTRACT_TIME_BUDGET_SECONDS");
    const transform = budget("transform", "TRANSFORM_TIME_BUDGET_SECONDS");
    assert.deepEqual([extract, transform], [{ seconds: 840, timeout: 900 }, { seconds: 285, timeout: 300 }]);
});

test("the schedule uses the configured expression and delivery retries", () => {
    const target = stack.scheduleTarget();
    assert.deepEqual(target.inputs["retryPolicy"], { maximumRetryAttempts: 5, maximumEventAgeInSeconds: 7200 });
    assert.equal(stack.scheduleRule().inputs["state"], "ENABLED");
});

test("the alarm e-mail is subscribed to the alarm topic", () => {
    const subscription = stack.one(types.subscription);
    assert.equal(subscription.inputs["protocol"], "email");
    assert.equal(subscription.inputs["endpoint"], "oncall@example.com");
    assert.equal(subscription.inputs["topic"], stack.one(types.topic).state["arn"]);
});
