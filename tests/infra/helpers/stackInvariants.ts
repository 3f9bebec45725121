// The invariants every stack of this program must keep, whatever its config. Each stack test file runs the
// program once with its config and registers these tests against the recorded resources.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { fakeAccountId, isSecretValue, repoRoot, type StackRun } from "./stackHarness";
import { permissionsBoundaryName } from "../../../infra/boundary";
import { configKeys } from "../../../infra/configReader";
import { contract } from "../../../infra/lakeContract";
import { decideByResourcePolicy } from "./iamSimulation";
import { type LifecycleRule, rawLifecycleProblems } from "./rawLifecycle";
import { actionsOn, asList, Stack, types } from "./stackQueries";

/** Resources for which AWS accepts no narrower scope than `*`. This stack needs none of them (it publishes
 *  metrics through Embedded Metric Format log lines, not cloudwatch:PutMetricData, and enables no X-Ray). */
export const actionsThatRequireStarResource: readonly string[] = [];

/**
 * The metrics the functions publish in the stack's namespace: contract.json's, which the C# tests
 * hold the functions to (ContractTests), plus those of the log metric filters the stack declares.
 */
function publishedMetrics(stack: Stack): Set<string> {
    const { namespace, ...metrics } = contract.metrics;
    assert.equal(namespace, "SpotifyStack");
    const names = new Set<string>(Object.values(metrics));
    for (const filter of stack.all(types.metricFilter)) {
        const transformation = filter.inputs["metricTransformation"] as { name: string; namespace: string };
        assert.equal(transformation.namespace, stackNamespace(stack), filter.name);
        names.add(transformation.name);
    }
    return names;
}

/**
 * The namespace of the stack's own metrics, as both functions are told it: `SpotifyStack/<namePrefix>-<stack>`, so
 * that two stacks in one account and region (dev and production, as the bootstrap sets them up) never count, alarm
 * on or show each other's events.
 */
function stackNamespace(stack: Stack): string {
    const told = stack.all(types.function).map((fn) =>
        (fn.inputs["environment"] as { variables: Record<string, string> }).variables[contract.environment.transform.metricsNamespace]);
    const prefix = stack.run.config["spotify-stack:namePrefix"] ?? "spotify";
    assert.deepEqual(told, told.map(() => `SpotifyStack/${prefix}-${stack.run.stack}`));
    return told[0]!;
}

const handlers = contract.handlers;

/** The stack's value of a key of the program's: as its config sets it, or else Pulumi.yaml's default. */
function configured(stack: Stack, key: string): string {
    return stack.run.config[`spotify-stack:${key}`] ?? String(configKeys.find((k) => k.key === key)!.default);
}

/** Paths of every input wrapped as a Pulumi secret: what a preview of the stack would have to decrypt. */
function secretInputPaths(value: unknown, at: string, found: string[] = []): string[] {
    if (isSecretValue(value)) {
        found.push(at);
    } else if (Array.isArray(value)) {
        value.forEach((element, i) => secretInputPaths(element, `${at}[${i}]`, found));
    } else if (typeof value === "object" && value !== null && !(value instanceof Promise)) {
        for (const [key, element] of Object.entries(value)) {
            secretInputPaths(element, `${at}.${key}`, found);
        }
    }
    return found;
}

export function describeStackInvariants(label: string, load: () => Promise<StackRun>): void {
    describe(`${label}: stack invariants`, () => {
        let stack: Stack;
        before(async () => {
            stack = new Stack(await load());
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

        describe("functions", () => {
            test("every function writes its JSON log lines unprefixed, so metric filters and EMF can read them", () => {
                for (const fn of stack.all(types.function)) {
                    const variables = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
                    assert.equal(variables["AWS_LAMBDA_HANDLER_LOG_FORMAT"], "Unformatted", fn.name);
                }
            });

            test("every function runs dotnet10 with a handler named in infra/contract.json", () => {
                for (const fn of stack.all(types.function)) {
                    assert.equal(fn.inputs["runtime"], "dotnet10");
                    assert.ok(Object.values(handlers).includes(String(fn.inputs["handler"])), `${fn.name}: ${String(fn.inputs["handler"])}`);
                }
                assert.equal(stack.functionNamed("extract").inputs["handler"], handlers["extract"]);
                assert.equal(stack.functionNamed("transform").inputs["handler"], handlers["transform"]);
            });

            test("no function reserves concurrency: a new account must keep 100 unreserved and refuses any reservation", () => {
                for (const fn of stack.all(types.function)) {
                    assert.ok([undefined, -1].includes(fn.inputs["reservedConcurrentExecutions"] as number | undefined), fn.name);
                }
                assert.equal(stack.run.resources.filter((r) => r.type.startsWith("aws:lambda/provisionedConcurrencyConfig")).length, 0);
            });

            test("every function has its /aws/lambda/<name> log group with retention, created before it", () => {
                for (const fn of stack.all(types.function)) {
                    const group = stack.one(types.logGroup, (g) => g.inputs["name"] === `/aws/lambda/${String(fn.inputs["name"])}`);
                    assert.ok(Number(group.inputs["retentionInDays"]) > 0, `${group.name} never expires`);
                    assert.ok(stack.dependsOn(fn, group), `${fn.name} does not wait for its log group`);
                    assert.equal((fn.inputs["loggingConfig"] as { logGroup: string }).logGroup, group.inputs["name"]);
                }
            });

            test("every function has its own role, assumable only by Lambda", () => {
                const roles = stack.all(types.function).map((fn) => stack.roleOf(fn));
                assert.equal(new Set(roles.map((r) => r.name)).size, roles.length);
                for (const role of roles) {
                    const trust = JSON.parse(String(role.inputs["assumeRolePolicy"])) as { Statement: { Principal: unknown; Action: string }[] };
                    assert.deepEqual(trust.Statement.map((s) => s.Principal), [{ Service: "lambda.amazonaws.com" }]);
                    assert.equal(stack.where("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role", role.state["name"]).length, 0,
                        "no managed policies: their resources are *");
                }
            });

            test("no role policy allows a * action or, unless AWS requires it, a * resource", () => {
                for (const fn of stack.all(types.function)) {
                    const statements = stack.statementsOf(fn);
                    assert.ok(statements.length > 0, `${fn.name} has no policy`);
                    for (const s of statements) {
                        for (const action of asList(s.Action)) {
                            assert.ok(!action.includes("*"), `${fn.name} ${s.Sid}: action ${action}`);
                        }
                        for (const resource of asList(s.Resource)) {
                            assert.ok(resource.startsWith("arn:aws:"), `${fn.name} ${s.Sid}: resource ${resource}`);
                            if (resource === "*") {
                                assert.ok(asList(s.Action).every((a) => actionsThatRequireStarResource.includes(a)), `${fn.name} ${s.Sid}`);
                            }
                        }
                    }
                }
            });

            test("no role policy in the stack, the Glue crawler's included, allows a * action or a * resource", () => {
                const policies = stack.all(types.rolePolicy);
                assert.ok(policies.length >= 3, "the two functions and the crawler each have a policy");
                for (const policy of policies) {
                    const raw = policy.inputs["policy"];
                    const document = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Statement: { Sid?: string; Action: string | string[]; Resource: string | string[] }[] };
                    for (const s of document.Statement) {
                        for (const action of asList(s.Action)) {
                            assert.ok(!action.includes("*"), `${policy.name} ${s.Sid}: action ${action}`);
                        }
                        for (const resource of asList(s.Resource)) {
                            assert.notEqual(resource, "*", `${policy.name} ${s.Sid}`);
                        }
                    }
                }
            });

            test("no role may delete anything but a table file under transformed/ (an emptied table loses its file) and a current-state digest of the earlier layout", () => {
                const transformed = String(stack.bucketNamed("transformed").state["arn"]);
                const deletable = [`${transformed}/transformed/*`, `${transformed}/staging/current/*.json.gz`];
                for (const fn of stack.all(types.function)) {
                    for (const statement of stack.statementsOf(fn)) {
                        for (const action of asList(statement.Action).filter((a) => /Delete/i.test(a))) {
                            assert.equal(action, "s3:DeleteObject", `${fn.name}: ${action}`);
                            for (const resource of asList(statement.Resource)) {
                                assert.ok(deletable.includes(String(resource)), `${fn.name}: ${action} on ${String(resource)}`);
                            }
                        }
                    }
                }
            });

            test("extract may write its API sources' folders of raw/, state/ and manifests/, not the export's copies, read state/ only, and reach the one secret", () => {
                const extract = stack.functionNamed("extract");
                const statements = stack.statementsOf(extract);
                const raw = String(stack.bucketNamed("raw").state["arn"]);
                const transformed = String(stack.bucketNamed("transformed").state["arn"]);
                const secret = String(stack.one(types.secret).state["arn"]);
                const sources = Object.entries(contract.rawSources).filter(([name]) => name !== "spotifyExport").map(([, segment]) => `raw/${segment}/`);
                assert.equal(sources.length, 6);
                for (const prefix of [...sources, "manifests/"]) {
                    assert.deepEqual(actionsOn(statements, `${raw}/${prefix}x.json`), ["s3:PutObject"]);
                }
                assert.deepEqual(actionsOn(statements, `${raw}/raw/${contract.rawSources.spotifyExport}/x.json`), []);
                assert.deepEqual(actionsOn(statements, `${raw}/state/x.json`).sort(), ["s3:GetObject", "s3:PutObject"]);
                assert.deepEqual(actionsOn(statements, `${raw}/quarantine/x.json`), []);
                assert.deepEqual(actionsOn(statements, `${transformed}/transformed/x.csv`), []);
                assert.deepEqual(actionsOn(statements, secret).sort(), ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]);
                const list = statements.find((s) => asList(s.Action).includes("s3:ListBucket"));
                assert.deepEqual(list?.Condition, { StringLike: { "s3:prefix": "state/*" } });
            });

            test("transform may read manifests/ and raw/, quarantine into the raw bucket and see what it set aside, and write the transformed prefixes, never the secret", () => {
                const transform = stack.functionNamed("transform");
                const statements = stack.statementsOf(transform);
                const raw = String(stack.bucketNamed("raw").state["arn"]);
                const transformed = String(stack.bucketNamed("transformed").state["arn"]);
                const secret = String(stack.one(types.secret).state["arn"]);
                // GetObjectVersion: a quarantine copy is of the version that was read, not of whatever the key holds by then.
                assert.deepEqual(actionsOn(statements, `${raw}/raw/x.json`).sort(), ["s3:GetObject", "s3:GetObjectVersion"]);
                assert.deepEqual(actionsOn(statements, `${raw}/manifests/x.json`).sort(), ["s3:GetObject", "s3:GetObjectVersion"]);
                // An import asks whether a page it cannot read was set aside before (a HEAD of the copy) before it sets it aside.
                assert.deepEqual(actionsOn(statements, `${raw}/quarantine/x.json`).sort(), ["s3:GetObject", "s3:PutObject"]);
                assert.deepEqual(actionsOn(statements, `${raw}/state/x.json`), []);
                assert.deepEqual(actionsOn(statements, `${transformed}/staging/x`).sort(), ["s3:GetObject", "s3:PutObject"]);
                // Run reports are written for people and alarms to read, never read back.
                assert.deepEqual(actionsOn(statements, `${transformed}/reports/x`), ["s3:PutObject"]);
                assert.deepEqual(actionsOn(statements, `${transformed}/transformed/x`).sort(), ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]);
                assert.deepEqual(actionsOn(statements, secret), []);
                // A dropped data export is read (as the version its event names), never changed or deleted; its history files land under raw/spotify_export/ only.
                assert.deepEqual(actionsOn(statements, `${raw}/import/my_spotify_data.zip`).sort(), ["s3:GetObject", "s3:GetObjectVersion"]);
                assert.deepEqual(actionsOn(statements, `${raw}/raw/spotify_export/extended_audio/ab.json`).sort(), ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]);
                const lists = statements.filter((s) => asList(s.Action).includes("s3:ListBucket"));
                assert.deepEqual(lists.map((s) => [s.Resource, s.Condition]), [
                    [raw, { StringLike: { "s3:prefix": "manifests/*" } }],
                    [raw, { StringLike: { "s3:prefix": "raw/*" } }],
                    [raw, { StringLike: { "s3:prefix": "quarantine/*" } }],
                    [raw, { StringLike: { "s3:prefix": "import/*" } }],
                    [transformed, { StringLike: { "s3:prefix": "transformed/listening_history/*" } }],
                    [transformed, { StringLike: { "s3:prefix": "staging/*" } }],
                    // The current-state tables' sources, listed while some day has no digest (a new stack's first transform).
                    [transformed, { StringLike: { "s3:prefix": ["songs", "albums", "artists", "song_artists", "playlists"].map((t) => `transformed/${t}/*`) } }],
                ]);
            });

            test("environment variables carry names and ARNs only, as the runtime contract lists them", () => {
                for (const fn of stack.all(types.function)) {
                    // A secret here would be masked in Pulumi's state yet readable in the Lambda console.
                    const environment = fn.inputs["environment"];
                    assert.ok(!isSecretValue(environment), `${fn.name}: environment holds a secret`);
                    for (const value of Object.values((environment as { variables: Record<string, unknown> }).variables)) {
                        assert.equal(typeof value, "string", `${fn.name}: environment value ${JSON.stringify(value)} is not plain text`);
                    }
                }
                const extractEnv = (stack.functionNamed("extract").inputs["environment"] as { variables: Record<string, string> }).variables;
                const transformEnv = (stack.functionNamed("transform").inputs["environment"] as { variables: Record<string, string> }).variables;
                const allowedExtract = ["RAW_BUCKET", "SPOTIFY_SECRET_ID", "SPOTIFY_SOURCES", "SPOTIFY_MARKET", "SPOTIFY_TOP_ITEMS_LIMIT", "SPOTIFY_SAVED_TRACKS_FULL_PASS_DAYS", "SPOTIFY_SNAPSHOT_RELAND_DAYS", "EXTRACT_TIME_BUDGET_SECONDS", "METRICS_NAMESPACE", "AWS_LAMBDA_HANDLER_LOG_FORMAT"];
                assert.ok(Object.keys(extractEnv).every((k) => allowedExtract.includes(k)), Object.keys(extractEnv).join());
                assert.deepEqual(Object.keys(transformEnv).sort(), ["AWS_LAMBDA_HANDLER_LOG_FORMAT", "METRICS_NAMESPACE", "RAW_BUCKET", "TABLE_FORMAT", "TRANSFORMED_BUCKET",
                    "TRANSFORM_TIME_BUDGET_SECONDS"]);
                assert.ok(["parquet", "csv"].includes(transformEnv["TABLE_FORMAT"] ?? ""), "TABLE_FORMAT is the stack's tableFormat");
                assert.equal(extractEnv["RAW_BUCKET"], stack.bucketNamed("raw").state["bucket"]);
                assert.equal(extractEnv["SPOTIFY_SECRET_ID"], stack.one(types.secret).state["arn"]);
                const timeout = Number(stack.functionNamed("extract").inputs["timeout"]);
                assert.ok(Number(extractEnv["EXTRACT_TIME_BUDGET_SECONDS"]) < timeout,
                    "the extraction stops cleanly before Lambda's timeout kills it");
                assert.ok(Number(transformEnv["TRANSFORM_TIME_BUDGET_SECONDS"]) < Number(stack.functionNamed("transform").inputs["timeout"]),
                    "the transform gives up, saying on what, before Lambda's timeout ends it");
                assert.equal(transformEnv["TRANSFORMED_BUCKET"], stack.bucketNamed("transformed").state["bucket"]);
                const sources = JSON.parse(extractEnv["SPOTIFY_SOURCES"] ?? "") as { type: string }[];
                assert.ok(sources.length > 0 && sources.every((s) => typeof s.type === "string"), "SPOTIFY_SOURCES is not a list of sources");
            });

            test("no function carries a layer: extract reads its secret from Secrets Manager itself", () => {
                for (const fn of stack.all(types.function)) {
                    assert.equal(fn.inputs["layers"], undefined, `${fn.name} has layers`);
                }
            });

            test("every function detects recursive loops and sends failed async events to its dead-letter queue after bounded retries", () => {
                for (const fn of stack.all(types.function)) {
                    const recursion = stack.one(types.recursion, (r) => r.inputs["functionName"] === fn.inputs["name"]);
                    assert.equal(recursion.inputs["recursiveLoop"], "Terminate");
                    const invoke = stack.one(types.invokeConfig, (r) => r.inputs["functionName"] === fn.inputs["name"]);
                    const destination = (invoke.inputs["destinationConfig"] as { onFailure: { destination: string } }).onFailure.destination;
                    const queue = stack.queueByArn(destination);
                    assert.ok(stack.statementsOf(fn).some((s) => asList(s.Action).includes("sqs:SendMessage") && asList(s.Resource).includes(destination)),
                        `${fn.name} may not send to ${queue.name}`);
                }
                // As docs/guarantees.md promises: Lambda retries a failed run as often as the stack says, within 6 hours.
                for (const kind of ["extract", "transform"] as const) {
                    const fn = stack.functionNamed(kind);
                    const invoke = stack.one(types.invokeConfig, (r) => r.inputs["functionName"] === fn.inputs["name"]);
                    assert.deepEqual({ maximumRetryAttempts: invoke.inputs["maximumRetryAttempts"], maximumEventAgeInSeconds: invoke.inputs["maximumEventAgeInSeconds"] },
                        { maximumRetryAttempts: Number(configured(stack, `${kind}RetryAttempts`)), maximumEventAgeInSeconds: 21600 }, kind);
                }
            });
        });

        describe("schedule and trigger", () => {
            test("the schedule targets extract, retries, and dead-letters undeliverable events", () => {
                const extract = stack.functionNamed("extract");
                const rule = stack.scheduleRule();
                assert.equal(rule.inputs["scheduleExpression"], stack.run.config["spotify-stack:extractSchedule"] ?? "rate(1 hour)");
                const target = stack.scheduleTarget();
                assert.equal(target.inputs["rule"], rule.state["name"]);
                assert.equal(target.inputs["arn"], extract.state["arn"]);
                // As docs/guarantees.md promises: the stack's scheduleRetryAttempts (2 unless set) within scheduleMaximumEventAgeSeconds (3,600 s unless set).
                assert.deepEqual(target.inputs["retryPolicy"], {
                    maximumRetryAttempts: Number(configured(stack, "scheduleRetryAttempts")),
                    maximumEventAgeInSeconds: Number(configured(stack, "scheduleMaximumEventAgeSeconds")),
                });
                const dlqArn = (target.inputs["deadLetterConfig"] as { arn: string }).arn;
                const dlq = stack.queueByArn(dlqArn);
                const queuePolicy = stack.one(types.queuePolicy, (p) => p.inputs["queueUrl"] === dlq.state["url"]);
                const statement = stack.policy(queuePolicy).Statement[0]!;
                assert.deepEqual(statement.Principal, { Service: "events.amazonaws.com" });
                assert.equal(statement.Action, "sqs:SendMessage");
                assert.equal(statement.Resource, dlqArn);
                assert.equal(statement.Condition?.["ArnEquals"]?.["aws:SourceArn"], rule.state["arn"]);
            });

            test("only the schedule rule may invoke extract", () => {
                const extract = stack.functionNamed("extract");
                const rule = stack.scheduleRule();
                const permission = stack.one(types.permission, (p) => p.inputs["function"] === extract.inputs["name"]);
                assert.equal(permission.inputs["principal"], "events.amazonaws.com");
                assert.equal(permission.inputs["action"], "lambda:InvokeFunction");
                assert.equal(permission.inputs["sourceArn"], rule.state["arn"]);
                assert.ok(stack.dependsOn(stack.scheduleTarget(), permission), "the target is created before extract allows the rule to invoke it");
            });

            test("the raw bucket's one notification sends each run's manifests/*.json and each dropped data export to transform, never raw pages", () => {
                const raw = stack.bucketNamed("raw");
                const transform = stack.functionNamed("transform");
                const notification = stack.one(types.notification);
                assert.equal(notification.inputs["bucket"], raw.state["bucket"]);
                const targets = notification.inputs["lambdaFunctions"] as { lambdaFunctionArn: string; events: string[]; filterPrefix: string; filterSuffix?: string }[];
                assert.equal(targets.length, 2);
                assert.ok(targets.every(t => t.lambdaFunctionArn === transform.state["arn"]));
                assert.equal(targets[0]!.filterPrefix, "manifests/");
                assert.equal(targets[0]!.filterSuffix, ".json");
                // The export's zip or any of its files: the function recognises what it is.
                assert.equal(targets[1]!.filterPrefix, "import/");
                assert.equal(targets[1]!.filterSuffix, undefined);
                assert.ok(targets.every(t => !t.filterPrefix.startsWith("raw/") && !t.filterPrefix.startsWith("quarantine/")), "the function's own writes never trigger it");
                assert.deepEqual(targets.map(t => t.events), [["s3:ObjectCreated:*"], ["s3:ObjectCreated:*"]]);
                assert.equal(notification.inputs["queues"], undefined);
                assert.equal(notification.inputs["topics"], undefined);
            });

            test("only the raw bucket in this account may invoke transform, and the notification waits for that permission", () => {
                const raw = stack.bucketNamed("raw");
                const transform = stack.functionNamed("transform");
                const permission = stack.one(types.permission, (p) => p.inputs["function"] === transform.inputs["name"]);
                assert.equal(permission.inputs["principal"], "s3.amazonaws.com");
                assert.equal(permission.inputs["sourceArn"], raw.state["arn"]);
                assert.match(String(permission.inputs["sourceAccount"]), /^\d{12}$/);
                assert.ok(stack.dependsOn(stack.one(types.notification), permission), "the notification does not depend on the invoke permission");
            });
        });

        describe("alarms", () => {
            // The hours of silence each schedule a stack here uses allows, written out: its longest gap between runs rounded
            // up to whole hours, plus two (3 on the hourly default, 26 on a daily schedule).
            const silenceHoursBySchedule: Readonly<Record<string, number>> = { "rate(1 hour)": 3, "rate(6 hours)": 8, "rate(1 day)": 26 };
            const silenceHours = (): number => {
                const expression = String(stack.one(types.rule, (r) => r.inputs["scheduleExpression"] !== undefined).inputs["scheduleExpression"]);
                const hours = silenceHoursBySchedule[expression];
                assert.ok(hours !== undefined, `no silence window written out for ${expression}`);
                return hours;
            };
            const alarmsOn = (metric: string, dimension: string, value: unknown) =>
                stack.all(types.alarm).filter((a) => a.inputs["metricName"] === metric
                    && (a.inputs["dimensions"] as Record<string, unknown> | undefined)?.[dimension] === value);

            test("errors and throttles of every function raise an alarm", () => {
                for (const fn of stack.all(types.function)) {
                    for (const metric of ["Errors", "Throttles"]) {
                        const alarms = alarmsOn(metric, "FunctionName", fn.inputs["name"]);
                        assert.equal(alarms.length, 1, `${fn.name} ${metric}`);
                        assert.equal(alarms[0]!.inputs["namespace"], "AWS/Lambda");
                    }
                }
            });

            test("a message in any dead-letter queue raises an alarm", () => {
                for (const queue of stack.all(types.queue)) {
                    const alarms = alarmsOn("ApproximateNumberOfMessagesVisible", "QueueName", queue.state["name"]);
                    assert.equal(alarms.length, 1, queue.name);
                    assert.equal(alarms[0]!.inputs["threshold"], 0);
                    assert.equal(alarms[0]!.inputs["comparisonOperator"], "GreaterThanThreshold");
                }
            });

            test("no ExtractionSucceeded from extract for the schedule's longest gap plus two hours raises an alarm, silence counting as failure", () => {
                const extract = stack.functionNamed("extract");
                const alarm = alarmsOn("ExtractionSucceeded", "FunctionName", extract.inputs["name"]);
                assert.equal(alarm.length, 1);
                const a = alarm[0]!.inputs;
                assert.equal(a["namespace"], stackNamespace(stack));
                assert.equal(a["treatMissingData"], "breaching");
                assert.equal(a["period"], 3600);
                assert.equal(a["evaluationPeriods"], silenceHours());
                assert.equal(a["datapointsToAlarm"], a["evaluationPeriods"]);
                assert.equal(a["comparisonOperator"], "LessThanThreshold");
                assert.equal(a["threshold"], 1);
            });

            test("no transform completed for the schedule's longest gap plus two hours raises an alarm, silence counting as failure", () => {
                const alarms = stack.all(types.alarm).filter((a) => a.inputs["metricName"] === contract.metrics.transformed);
                assert.equal(alarms.length, 1);
                const a = alarms[0]!.inputs;
                assert.equal(a["namespace"], stackNamespace(stack));
                // The transform's EMF line has no dimensions; every completed transform is one sample, 0 transformed included.
                assert.equal(a["dimensions"], undefined);
                assert.equal(a["statistic"], "SampleCount");
                assert.equal(a["treatMissingData"], "breaching");
                assert.equal(a["period"], 3600);
                assert.equal(a["evaluationPeriods"], silenceHours());
                assert.equal(a["datapointsToAlarm"], a["evaluationPeriods"]);
                assert.equal(a["comparisonOperator"], "LessThanThreshold");
                assert.equal(a["threshold"], 1);
            });

            // An event extract logs for a person is counted by one filter on extract's log group, and the count raises one alarm.
            const assertLogEventAlarm = (event: string): void => {
                const extract = stack.functionNamed("extract");
                const filters = stack.all(types.metricFilter).filter((f) => String(f.inputs["pattern"]) === `{ $.event = "${event}" }`);
                assert.equal(filters.length, 1, event);
                assert.equal(filters[0]!.inputs["logGroupName"], `/aws/lambda/${String(extract.inputs["name"])}`);
                const transformation = filters[0]!.inputs["metricTransformation"] as { namespace: string; name: string };
                const alarms = stack.all(types.alarm).filter((a) => a.inputs["metricName"] === transformation.name && a.inputs["namespace"] === transformation.namespace);
                assert.equal(alarms.length, 1, event);
                assert.equal(alarms[0]!.inputs["treatMissingData"], "notBreaching");
            };

            test("a Spotify re-authorization request in extract's logs raises an alarm", () => {
                assertLogEventAlarm(contract.logEvents.reauthorizationRequired);
            });

            test("a refresh token near its end in extract's logs raises an alarm", () => {
                assertLogEventAlarm(contract.logEvents.reauthorizationDue);
            });

            test("a secret whose authorized_at cannot be read, in extract's logs, raises the same alarm as a token near its end", () => {
                assertLogEventAlarm(contract.logEvents.authorizedAtUnreadable);
                const metric = (event: string) => (stack.all(types.metricFilter).find((f) => String(f.inputs["pattern"]) === `{ $.event = "${event}" }`)!
                    .inputs["metricTransformation"] as { name: string }).name;
                assert.equal(metric(contract.logEvents.authorizedAtUnreadable), metric(contract.logEvents.reauthorizationDue));
            });

            test("plays Spotify no longer had when extract asked (a recently-played gap) raise an alarm", () => {
                assertLogEventAlarm(contract.logEvents.recentlyPlayedGap);
            });

            test("what the transform set aside or left out (a quarantined object, unreadable items, an object left unread, an export file not imported whole, export rows it could not read) raises an alarm, silence not breaching, naming its runbook section", () => {
                const runbook = fs.readFileSync(path.join(repoRoot, "docs", "guarantees.md"), "utf8");
                for (const metric of ["quarantined", "unreadable_items", "unread", "import_incomplete_files", "import_unreadable_rows"]) {
                    const alarms = stack.all(types.alarm).filter((a) => a.inputs["metricName"] === metric);
                    assert.equal(alarms.length, 1, metric);
                    const a = alarms[0]!.inputs;
                    assert.equal(a["namespace"], stackNamespace(stack));
                    // The transform's EMF line has no dimensions: an alarm with any would watch a metric nobody publishes.
                    assert.equal(a["dimensions"], undefined, metric);
                    assert.equal(a["statistic"], "Sum");
                    assert.equal(a["threshold"], 0);
                    assert.equal(a["comparisonOperator"], "GreaterThanThreshold");
                    assert.equal(a["treatMissingData"], "notBreaching");
                    const section = /docs\/guarantees\.md, "([^"]+)"/.exec(String(a["alarmDescription"]))?.[1];
                    assert.ok(section !== undefined, `${metric}: the alarm names no runbook section`);
                    assert.match(runbook, new RegExp(`^### ${section} \\(\`${metric}\` > 0\\)$`, "m"), `no runbook section "${section}"`);
                }
            });

            test("every metric an alarm watches outside AWS's namespaces is in the stack's own and one a function publishes", () => {
                const published = publishedMetrics(stack);
                assert.deepEqual(stack.all(types.alarm).filter((a) => !String(a.inputs["namespace"]).startsWith("AWS/")
                    && a.inputs["namespace"] !== stackNamespace(stack)).map((a) => a.name), []);
                const watched = stack.all(types.alarm).filter((a) => a.inputs["namespace"] === stackNamespace(stack));
                assert.ok(watched.length >= 4);
                for (const alarm of watched) {
                    assert.ok(published.has(String(alarm.inputs["metricName"])), `${alarm.name} watches ${String(alarm.inputs["metricName"])}, which no function publishes`);
                }
            });

            test("a failed run of the stack's Glue crawler, or a scheduled one that never started, notifies the alarm topic, which lets EventBridge publish for that rule only", async () => {
                const crawler = stack.one("aws:glue/crawler:Crawler");
                const topic = stack.one(types.topic);
                const rule = stack.one(types.rule, (r) => r.inputs["eventPattern"] !== undefined);
                // Glue's two events of a crawler that did not crawl, as AWS Glue's EventBridge documentation names them.
                assert.deepEqual(JSON.parse(String(rule.inputs["eventPattern"])), {
                    source: ["aws.glue"],
                    $or: [
                        { "detail-type": ["Glue Crawler State Change"], detail: { crawlerName: [crawler.state["name"]], state: ["Failed"] } },
                        { "detail-type": ["Glue Scheduled Crawler Invocation Failure"], detail: { crawlerName: [crawler.state["name"]] } },
                    ],
                });
                const target = stack.one(types.target, (t) => t.inputs["rule"] === rule.state["name"]);
                assert.equal(target.inputs["arn"], topic.state["arn"]);
                const topicPolicy = stack.one(types.topicPolicy);
                assert.equal(topicPolicy.inputs["arn"], topic.state["arn"]);
                assert.ok(stack.dependsOn(target, topicPolicy), "the target is created before the topic lets the rule publish");
                const policy = stack.policy(topicPolicy);
                const publish = (context: Record<string, string>) => ({ action: "sns:Publish", resource: String(topic.state["arn"]), context });
                assert.equal(await decideByResourcePolicy("events.amazonaws.com", policy, publish({ "aws:SourceArn": String(rule.state["arn"]) })), "Allowed");
                const otherRule = String(rule.state["arn"]).replace(/rule\/.*$/, "rule/someone-elses-rule");
                assert.notEqual(await decideByResourcePolicy("events.amazonaws.com", policy, publish({ "aws:SourceArn": otherRule })), "Allowed");
                assert.notEqual(await decideByResourcePolicy("arn:aws:iam::999988887777:root", policy, publish({})), "Allowed", "another account publishes");
                // The alarms' notifications: the account's own use of the topic, which AWS's default policy grants, is kept.
                assert.equal(await decideByResourcePolicy("cloudwatch.amazonaws.com", policy, publish({ "AWS:SourceOwner": fakeAccountId })), "Allowed");
            });

            test("every alarm notifies the alarm topic", () => {
                const topic = stack.one(types.topic);
                for (const alarm of stack.all(types.alarm)) {
                    assert.deepEqual(alarm.inputs["alarmActions"], [topic.state["arn"]], alarm.name);
                }
            });
        });

        describe("dashboard", () => {
            type Widget = { type: string; properties: { title: string; metrics?: unknown[][]; query?: string } };
            const widgets = (): Widget[] => (JSON.parse(String(stack.one(types.dashboard).inputs["dashboardBody"])) as { widgets: Widget[] }).widgets;
            const metricLines = (): unknown[][] => widgets().flatMap((w) => w.properties.metrics ?? []);

            test("the dashboard's name holds the stack's region: dashboard names are one namespace per account, so a stack of the same name in another region keeps its own", () => {
                const region = stack.run.config["aws:region"];
                assert.ok(region, "the stack sets aws:region");
                const name = String(stack.one(types.dashboard).inputs["dashboardName"]);
                assert.ok(name.endsWith(`-${region}`), name);
            });

            test("one dashboard shows runs, Spotify requests, items, quarantined and unreadable items, durations and errors", () => {
                const titles = widgets().map((w) => w.properties.title.toLowerCase()).join(" | ");
                for (const subject of ["runs", "requests to spotify", "items", "quarantined", "unreadable", "durations", "errors"]) {
                    assert.match(titles, new RegExp(subject), `no widget about ${subject}`);
                }
                const lines = metricLines();
                for (const fn of stack.all(types.function)) {
                    for (const metric of ["Invocations", "Duration", "Errors"]) {
                        assert.ok(lines.some((l) => l[0] === "AWS/Lambda" && l[1] === metric && l[3] === fn.inputs["name"]), `${fn.name}: no ${metric}`);
                    }
                }
                for (const queue of stack.all(types.queue)) {
                    assert.ok(lines.some((l) => l[1] === "ApproximateNumberOfMessagesVisible" && l[3] === queue.state["name"]), `${queue.name}: no depth`);
                }
            });

            test("every metric of the stack's namespace on the dashboard is one a function publishes, and no other namespace of ours is shown", () => {
                const published = publishedMetrics(stack);
                assert.deepEqual(metricLines().filter((l) => !String(l[0]).startsWith("AWS/") && l[0] !== stackNamespace(stack)).map((l) => l[0]), []);
                const shown = metricLines().filter((l) => l[0] === stackNamespace(stack)).map((l) => String(l[1]));
                assert.deepEqual(new Set(shown), published);
            });

            test("the request and item widgets query the extract function's per-source log lines", () => {
                const extract = stack.functionNamed("extract");
                const queries = widgets().filter((w) => w.type === "log").map((w) => w.properties.query ?? "");
                assert.equal(queries.length, 2);
                for (const query of queries) {
                    assert.ok(query.startsWith(`SOURCE '/aws/lambda/${String(extract.inputs["name"])}'`), query);
                    assert.match(query, /event = 'source_extracted'/);
                }
                assert.ok(queries.some((q) => q.includes("sum(requests)")));
                assert.ok(queries.some((q) => q.includes("sum(items)")));
                // The fields the queries sum are the ones the extractor logs (SourceLogLine, snake_case).
                const logLine = fs.readFileSync(path.join(repoRoot, "functions", "SpotifyEtl.Core", "Spotify", "ExtractionManifest.cs"), "utf8");
                const record = /record SourceLogLine\(([\s\S]*?)\);/.exec(logLine)?.[1] ?? "";
                for (const field of ["Requests", "NotModified", "Items", "Pages"]) {
                    assert.match(record, new RegExp(`\\b${field}\\b`), `SourceLogLine has no ${field}`);
                }
            });
        });

        describe("secrets", () => {
            test("the Spotify secret is declared without a value, which never enters config, state or a preview", () => {
                assert.equal(stack.all(types.secret).length, 1);
                assert.equal(stack.all(types.secretVersion).length, 0);
                assert.match(String(stack.one(types.secret).inputs["description"]), /put-secret-value/);
                const keys = Object.keys(stack.run.config).filter((k) => /spotify(Client|Refresh)/.test(k));
                assert.deepEqual(keys, [], "no Spotify credential is stack config");
            });

            test("no resource input is a Pulumi secret: a preview of the stack has nothing to decrypt", () => {
                const found = stack.run.resources.flatMap((r) => secretInputPaths(r.inputs, `${r.type} ${r.name}`));
                assert.deepEqual(found, []);
            });
        });

        describe("permissions boundary", () => {
            test("every IAM role the stack creates carries the stack's boundary, the one the bootstrap declares", () => {
                const prefix = stack.run.config["spotify-stack:namePrefix"] ?? "spotify";
                const roles = stack.all(types.role);
                assert.ok(roles.length >= 3, "the two functions' roles and the crawler's");
                for (const role of roles) {
                    assert.equal(role.inputs["permissionsBoundary"], `arn:aws:iam::${fakeAccountId}:policy/${permissionsBoundaryName(prefix, stack.run.stack)}`, role.name);
                }
            });
        });

        describe("outputs", () => {
            test("the stack outputs bucket names, function names and console links", () => {
                const o = stack.run.outputs;
                assert.equal(o["rawBucketName"], stack.bucketNamed("raw").state["bucket"]);
                assert.equal(o["transformedBucketName"], stack.bucketNamed("transformed").state["bucket"]);
                assert.equal(o["athenaResultsBucketName"], stack.bucketNamed("athena-results").state["bucket"]);
                assert.equal(o["extractFunctionName"], stack.functionNamed("extract").inputs["name"]);
                assert.equal(o["transformFunctionName"], stack.functionNamed("transform").inputs["name"]);
                const links = o["consoleLinks"] as Record<string, string>;
                for (const link of Object.values(links)) {
                    assert.match(link, /^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\//);
                }
                assert.ok(links["extractFunction"]?.endsWith(String(o["extractFunctionName"])), "the extract link does not name the function");
                assert.equal(o["spotifySecretArn"], stack.one(types.secret).state["arn"], "auth login's command puts the credentials into this secret");
            });

            test("the stack outputs the schedule rule's and the crawler's names, which the runbooks look up", () => {
                const o = stack.run.outputs;
                const scheduleRule = stack.one(types.rule, (r) => r.inputs["scheduleExpression"] !== undefined);
                assert.equal(o["scheduleRuleName"], scheduleRule.state["name"]);
                assert.equal(o["crawlerName"], stack.one("aws:glue/crawler:Crawler").state["name"]);
            });

            test("every `pulumi stack output NAME` the docs and the CLI tell users to run names an output of the stack (or of the bootstrap)", () => {
                const bootstrap = [...fs.readFileSync(path.join(repoRoot, "infra", "bootstrap", "index.ts"), "utf8").matchAll(/^export const (\w+)/gm)].map((m) => m[1]!);
                const sources = [path.join(repoRoot, "README.md"), ...["docs", "functions"].flatMap((folder) =>
                    (fs.readdirSync(path.join(repoRoot, folder), { recursive: true }) as string[])
                        .filter((f) => /\.(md|cs)$/.test(f) && !f.split(path.sep).some((part) => part === "bin" || part === "obj"))
                        .map((f) => path.join(repoRoot, folder, f)))];
                const named = new Set(sources.flatMap((file) =>
                    [...fs.readFileSync(file, "utf8").matchAll(/pulumi stack output(?: --[a-z-]+)* ([A-Za-z]\w*)/g)].map((m) => m[1]!)));
                assert.ok(named.has("spotifySecretArn") && named.size >= 5, `found ${[...named].join(", ")}`);
                for (const name of named) {
                    assert.ok(name in stack.run.outputs || bootstrap.includes(name), `\`pulumi stack output ${name}\` names no output`);
                }
            });
        });
    });
}
