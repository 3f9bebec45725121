// The stack's topology and its buckets: what it declares, and how the lake's data is kept.
// Registered by describeStackInvariants against each stack's recorded resources.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { repoRoot } from "./stackHarness";
import { type LifecycleRule, rawLifecycleProblems } from "./rawLifecycle";
import { asList, Stack, types } from "./stackQueries";
import { configured } from "./stackFacts";

export function describeStorageInvariants(current: () => Stack): void {
    let stack: Stack;
    before(() => {
        stack = current();
    });

    describe("topology", () => {
        test("declares the full pipeline: three buckets, two functions, one schedule, one trigger, one secret, one alarm topic", () => {
            assert.equal(stack.all(types.bucket).length, 3);
            assert.equal(stack.all(types.function).length, 2);
            // The schedule's rule and target, and those sending a failed crawler run to the alarm topic.
            assert.equal(stack.all(types.rule).length, 2);
            assert.equal(stack.all(types.target).length, 2);
            stack.scheduleTarget();
            assert.equal(stack.all(types.notification).length, 1);
            assert.equal(stack.all(types.secret).length, 1);
            assert.equal(stack.all(types.secretVersion).length, 0, "the secret's value is not the stack's");
            assert.equal(stack.all(types.topic).length, 1);
            assert.equal(stack.all(types.queue).length, 3, "a dead-letter queue per function and one for the schedule");
        });

        test("declares the catalog and analytics: a Glue table per lake table, a crawler, a workgroup and a named query per .sql file", () => {
            const sqlFiles = fs.readdirSync(path.join(repoRoot, "queries")).filter((f) => f.endsWith(".sql"));
            const tables = stack.all("aws:glue/catalogTable:CatalogTable").map((t) => String(t.inputs["name"])).sort();
            assert.deepEqual(tables, ["albums", "albums_current", "artists", "artists_current", "listening_history", "playlist_entries", "playlists",
                "playlists_current", "plays", "saved_tracks", "song_artists", "song_artists_current", "songs", "songs_current", "top_items"]);
            const format = stack.run.config["spotify-stack:tableFormat"] ?? "parquet";
            for (const table of stack.all("aws:glue/catalogTable:CatalogTable")) {
                const library = (table.inputs["storageDescriptor"] as { serDeInfo: { serializationLibrary: string } }).serDeInfo.serializationLibrary;
                assert.match(library, format === "csv" ? /OpenCSVSerde$/ : /ParquetHiveSerDe$/, `${String(table.inputs["name"])} is declared in the stack's tableFormat`);
            }
            assert.equal(stack.all("aws:glue/catalogDatabase:CatalogDatabase").length, 1);
            assert.equal(stack.all("aws:glue/crawler:Crawler").length, 1);
            assert.equal(stack.all("aws:athena/workgroup:Workgroup").length, 1);
            assert.deepEqual(stack.all("aws:athena/namedQuery:NamedQuery").map((q) => `${String(q.inputs["name"])}.sql`).sort(), sqlFiles.sort());
            const ids = stack.run.outputs["namedQueryIds"] as Record<string, string>;
            assert.deepEqual(Object.keys(ids).sort(), sqlFiles.map((f) => f.replace(/\.sql$/, "")).sort());
        });

        test("a change of the crawler's classifiers (tableFormat csv to parquet) makes a new crawler, not an update Glue would ignore", () => {
            // The provider leaves Classifiers out of an update whose list is empty, and Glue keeps the last list: a stack
            // moved from CSV would keep naming its deleted CSV classifier, a diff at every preview.
            assert.ok(stack.one("aws:glue/crawler:Crawler").replaceOnChanges.includes("classifiers"));
        });

        test("components are grouped under spotify:etl type tokens", () => {
            const componentTypes = new Set(stack.run.resources.filter((r) => r.type.startsWith("spotify:")).map((r) => r.type));
            for (const t of ["Storage", "SecureBucket", "SpotifySecret", "LambdaFunction", "Schedule", "Trigger", "Alarms", "Dashboard", "Catalog", "Analytics"]) {
                assert.ok(componentTypes.has(`spotify:etl:${t}`), `missing component spotify:etl:${t}`);
            }
        });

        test("every AWS resource is created through the one explicit provider", () => {
            const provider = stack.one(types.provider);
            for (const r of stack.run.resources.filter((x) => x.type.startsWith("aws:"))) {
                assert.ok(r.provider?.startsWith(provider.urn), `${r.type} ${r.name} uses provider ${r.provider}`);
            }
        });

        test("the provider tags everything with project, stack and owner", () => {
            const provider = stack.one(types.provider);
            const raw = provider.inputs["defaultTags"];
            const defaultTags = (typeof raw === "string" ? JSON.parse(raw) : raw) as { tags: Record<string, string> };
            assert.deepEqual(Object.keys(defaultTags.tags).sort(), ["owner", "project", "stack"]);
            assert.equal(defaultTags.tags["project"], "spotify-stack");
            assert.equal(defaultTags.tags["stack"], stack.run.stack);
            assert.equal(defaultTags.tags["owner"], stack.run.config["spotify-stack:owner"] ?? "data-platform");
            assert.equal(provider.inputs["region"], stack.run.config["aws:region"]);
        });
    });

    describe("storage", () => {
        test("every bucket blocks all public access", () => {
            for (const bucket of stack.all(types.bucket)) {
                const block = stack.where(types.publicAccessBlock, "bucket", bucket.state["bucket"]);
                assert.equal(block.length, 1, `${bucket.name} has no public access block`);
                for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
                    assert.equal(block[0]!.inputs[flag], true, `${bucket.name}: ${flag}`);
                }
            }
        });

        test("every bucket encrypts objects by default", () => {
            for (const bucket of stack.all(types.bucket)) {
                const sse = stack.where(types.encryption, "bucket", bucket.state["bucket"]);
                assert.equal(sse.length, 1, `${bucket.name} has no default encryption`);
                const rules = sse[0]!.inputs["rules"] as { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[];
                assert.ok(rules.length > 0 && rules.every((r) => ["AES256", "aws:kms"].includes(r.applyServerSideEncryptionByDefault.sseAlgorithm)));
            }
        });

        test("every bucket denies plain HTTP on the bucket and on its objects", () => {
            for (const bucket of stack.all(types.bucket)) {
                const arn = String(bucket.state["arn"]);
                const policies = stack.where(types.bucketPolicy, "bucket", bucket.state["bucket"]);
                assert.equal(policies.length, 1, `${bucket.name} has no bucket policy`);
                const deny = stack.policy(policies[0]!).Statement.find((s) =>
                    s.Effect === "Deny" && asList(s.Action).includes("s3:*")
                    && s.Condition?.["Bool"]?.["aws:SecureTransport"] === "false");
                assert.ok(deny, `${bucket.name} does not deny insecure transport`);
                assert.deepEqual(asList(deny.Resource).sort(), [arn, `${arn}/*`].sort());
                assert.equal(deny.Principal, "*");
            }
        });

        test("every bucket enforces bucket-owner object ownership (no ACLs)", () => {
            for (const bucket of stack.all(types.bucket)) {
                const controls = stack.where(types.ownership, "bucket", bucket.state["bucket"]);
                assert.equal(controls.length, 1, `${bucket.name} has no ownership controls`);
                assert.deepEqual(controls[0]!.inputs["rule"], { objectOwnership: "BucketOwnerEnforced" });
            }
        });

        test("the raw bucket is versioned and its old versions expire", () => {
            const raw = stack.bucketNamed("raw");
            const versioning = stack.where(types.versioning, "bucket", raw.state["bucket"]);
            assert.equal(versioning.length, 1);
            assert.deepEqual(versioning[0]!.inputs["versioningConfiguration"], { status: "Enabled" });
            const lifecycle = stack.where(types.lifecycle, "bucket", raw.state["bucket"]);
            assert.equal(lifecycle.length, 1);
            const rules = lifecycle[0]!.inputs["rules"] as { status: string; noncurrentVersionExpiration?: { noncurrentDays: number } }[];
            assert.ok(rules.some((r) => r.status === "Enabled" && (r.noncurrentVersionExpiration?.noncurrentDays ?? 0) > 0), "noncurrent versions never expire");
            // As long as the stack says (rawNoncurrentVersionExpirationDays, 30 by default), no shorter: an overwritten raw version is kept that long.
            const configured = Number(stack.run.config["spotify-stack:rawNoncurrentVersionExpirationDays"] ?? 30);
            assert.deepEqual([...new Set(rules.filter((r) => r.status === "Enabled" && r.noncurrentVersionExpiration !== undefined)
                .map((r) => r.noncurrentVersionExpiration!.noncurrentDays))], [configured], "old raw versions expire after another number of days than the config's");
            assert.ok(stack.dependsOn(lifecycle[0]!, versioning[0]!), "lifecycle is applied after versioning");
        });

        test("the listener's history under raw/ never expires; the other raw sources expire after rawExpirationDays, none when it is 0", () => {
            const setting = (key: string): string => configured(stack, key);
            const lifecycle = stack.where(types.lifecycle, "bucket", stack.bucketNamed("raw").state["bucket"]);
            assert.equal(lifecycle.length, 1);
            const rules = lifecycle[0]!.inputs["rules"] as LifecycleRule[];
            assert.deepEqual(rawLifecycleProblems(rules, {
                rawTransitionDays: Number(setting("rawTransitionDays")),
                rawTransitionStorageClass: setting("rawTransitionStorageClass"),
                rawExpirationDays: Number(setting("rawExpirationDays")),
            }), []);
            assert.ok(rules.some((r) => r.id === "old-versions-and-uploads"), "the rule for old versions and uploads is kept");
        });

        test("every lifecycle rule's filter names exactly one condition (an empty filter draws the provider's warning on every preview)", () => {
            for (const lifecycle of stack.all(types.lifecycle)) {
                for (const rule of lifecycle.inputs["rules"] as { id: string; filter?: Record<string, unknown> }[]) {
                    const named = Object.entries(rule.filter ?? {}).filter(([, v]) => v !== undefined).map(([k]) => k);
                    assert.equal(named.length, 1, `${lifecycle.name}: rule ${rule.id} filters on ${JSON.stringify(named)}`);
                }
            }
        });

        test("Athena query results expire", () => {
            const results = stack.bucketNamed("athena-results");
            const lifecycle = stack.where(types.lifecycle, "bucket", results.state["bucket"]);
            assert.equal(lifecycle.length, 1);
            const rules = lifecycle[0]!.inputs["rules"] as { status: string; expiration?: { days?: number } }[];
            assert.ok(rules.some((r) => r.status === "Enabled" && (r.expiration?.days ?? 0) > 0), "query results never expire");
        });

        test("force-destroy follows the stack config for the lake's buckets; the Athena results bucket is always emptied by a destroy", () => {
            const expected = stack.run.config["spotify-stack:forceDestroy"] === "true";
            const results = stack.bucketNamed("athena-results");
            for (const bucket of stack.all(types.bucket)) {
                assert.equal(bucket.inputs["forceDestroy"], bucket === results ? true : expected, bucket.name);
            }
        });

        test("protectData protects and retains the lake's buckets and the secret, never the Athena results", () => {
            const expected = stack.run.config["spotify-stack:protectData"] === "true";
            const data = [stack.bucketNamed("raw"), stack.bucketNamed("transformed"), stack.one(types.secret)];
            for (const resource of data) {
                assert.equal(resource.protect, expected, `${resource.name}: protect`);
                assert.equal(resource.retainOnDelete, expected, `${resource.name}: retainOnDelete`);
            }
            const results = stack.bucketNamed("athena-results");
            assert.equal(results.protect || results.retainOnDelete, false, "Athena results are disposable");
        });

        test("a bucket's settings go only with the bucket: a destroy that stops at the bucket (protected, or not empty) leaves its data as private, encrypted and versioned as before", () => {
            const expected = stack.run.config["spotify-stack:protectData"] === "true";
            const settings = [types.publicAccessBlock, types.ownership, types.encryption, types.bucketPolicy, types.versioning, types.lifecycle];
            for (const bucket of [stack.bucketNamed("raw"), stack.bucketNamed("transformed")]) {
                const own = settings.flatMap((type) => stack.where(type, "bucket", bucket.state["bucket"]));
                assert.ok(own.length >= 4, `${bucket.name}: found only ${own.length} settings`);
                for (const resource of own) {
                    assert.equal(resource.retainOnDelete, expected, `${resource.name}: retainOnDelete`);
                    // Deleted first, as dependents are, they would be gone when a bucket without force-destroy stops
                    // the destroy at BucketNotEmpty: public access allowed again, plain HTTP, versioning suspended.
                    assert.equal(resource.deletedWith, bucket.urn, `${resource.name}: deletedWith its bucket`);
                }
            }
        });
    });

}
