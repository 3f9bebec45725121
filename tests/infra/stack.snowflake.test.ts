// The dev stack with Snowflake turned on (key-pair authentication): the handshake between the storage
// integration and the IAM role, the stage over transformed/, a table, pipe, reload task and view per lake
// table, the transformed bucket's notification to the pipes, and the credentials only ever as secrets.
import * as assert from "node:assert/strict";
import { before, test } from "node:test";
import { partitionOf, tables } from "../../infra/catalog/tables";
import { previewFeatures, snowflakeQuestions } from "../../infra/components/snowflake";
import { loadsTableColumns } from "../../infra/snowflake/loading";
import { devWithSnowflake, snowflakeSecretKeys, snowflakeTypes as sf } from "./helpers/snowflake";
import {
    fakeSnowflakeExternalId, fakeSnowflakeIamUserArn, fakeSnowflakeNotificationExternalId, fakeSnowpipeQueueArn, isSecretValue, plaintextStrings, runStack,
    type RecordedResource, type StackRun,
} from "./helpers/stackHarness";
import { actionsOn, asList, Stack, types } from "./helpers/stackQueries";

const privateKey = "-----BEGIN PRIVATE KEY-----\nSNOWSENTINEL-4f1e2d\n-----END PRIVATE KEY-----";
const config = devWithSnowflake({
    "spotify-stack:snowflakeRole": "ACCOUNTADMIN",
    "spotify-stack:snowflakePrivateKey": privateKey,
});
// A password and a passphrase in the deploying shell, which Snowflake's SDK would copy into the provider's inputs.
const shellCredentials = { SNOWFLAKE_PASSWORD: "SNOWSHELL-password-7c1d", SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: "SNOWSHELL-passphrase-2b9e" };
const outside = Object.fromEntries(Object.keys(shellCredentials).map((name) => [name, process.env[name]]));
Object.assign(process.env, shellCredentials);
const run: Promise<StackRun> = runStack("dev", config, snowflakeSecretKeys);

let stack: Stack;
let integration: RecordedResource;
let role: RecordedResource;
let transformedBucket: string;
let shellAfterwards: Record<string, string | undefined>;
before(async () => {
    try {
        stack = new Stack(await run);
        shellAfterwards = Object.fromEntries(Object.keys(shellCredentials).map((name) => [name, process.env[name]]));
    } finally {
        for (const [name, value] of Object.entries(outside)) {
            if (value === undefined) {
                delete process.env[name];
            } else {
                process.env[name] = value;
            }
        }
    }
    integration = stack.one(sf.integration);
    role = stack.one(types.role, (r) => r.state["arn"] === integration.inputs["storageAwsRoleArn"]);
    transformedBucket = String(stack.bucketNamed("transformed").state["bucket"]);
});

test("the component is a spotify:etl:SnowflakeLoad and its Snowflake resources use its own Snowflake provider", () => {
    assert.equal(stack.run.resources.filter((r) => r.type === "spotify:etl:SnowflakeLoad").length, 1);
    const provider = stack.one(sf.provider);
    const snowflakeResources = stack.run.resources.filter((r) => r.type.startsWith("snowflake:"));
    assert.ok(snowflakeResources.length > 0);
    for (const r of snowflakeResources) {
        assert.ok(r.provider?.startsWith(provider.urn), `${r.type} ${r.name} does not use the stack's Snowflake provider`);
    }
    assert.equal(provider.inputs["organizationName"], "MYORG");
    assert.equal(provider.inputs["accountName"], "MYACCOUNT");
    assert.equal(provider.inputs["user"], "PULUMI_DEPLOY");
    assert.equal(provider.inputs["authenticator"], "SNOWFLAKE_JWT");
    assert.deepEqual(JSON.parse(String(provider.inputs["previewFeaturesEnabled"])), previewFeatures);
});

test("the private key reaches the provider only as a secret, and nowhere in plain text", () => {
    const provider = stack.one(sf.provider);
    assert.ok(isSecretValue(provider.inputs["privateKey"]), "privateKey must be a Pulumi secret");
    assert.equal(provider.inputs["privateKey"].value, privateKey);
    assert.equal(provider.inputs["password"], undefined);
    for (const r of stack.run.resources) {
        for (const text of [...plaintextStrings(r.inputs), ...plaintextStrings(r.state)]) {
            assert.ok(!text.includes("SNOWSENTINEL"), `${r.type} ${r.name} holds the private key in plain text`);
        }
    }
    assert.ok(!JSON.stringify(stack.run.outputs).includes("SNOWSENTINEL"), "a stack output holds the private key");
});

test("a password or passphrase in the deploying shell reaches no resource's inputs, and the shell keeps both", () => {
    const recorded = stack.run.resources.filter((r) => JSON.stringify([r.inputs, r.state]).includes("SNOWSHELL")).map((r) => `${r.type} ${r.name}`);
    assert.deepEqual(recorded, [], "the state would hold them in plain text");
    assert.deepEqual(shellAfterwards, shellCredentials, "the program gives them back to the environment (the provider's plugin reads them there)");
});

test("the storage integration may read only the transformed prefix, through the role named in it", () => {
    assert.equal(integration.inputs["storageProvider"], "S3");
    assert.equal(integration.inputs["enabled"], true);
    assert.deepEqual(integration.inputs["storageAllowedLocations"], [`s3://${transformedBucket}/transformed/`]);
    assert.equal(role.state["arn"], `arn:aws:iam::123456789012:role/${String(role.inputs["name"])}`);
});

test("every pipe and task publishes its failed loads to the stack's alarm topic, through a role that may publish there alone", () => {
    const errors = stack.one(sf.notificationIntegration);
    assert.equal(errors.inputs["notificationProvider"], "AWS_SNS");
    assert.ok(previewFeatures.includes("snowflake_notification_integration_resource"), "the provider refuses the integration unless its preview feature is on");
    assert.equal(errors.inputs["enabled"], true);
    assert.equal(errors.inputs["awsSnsTopicArn"], stack.run.outputs["alarmTopicArn"]);
    const publisher = stack.one(types.role, (r) => r.state["arn"] === errors.inputs["awsSnsRoleArn"]);
    const trust = JSON.parse(String(publisher.inputs["assumeRolePolicy"])) as { Statement: { Principal: { AWS: string }; Action: string; Condition: unknown }[] };
    assert.deepEqual(trust.Statement.map((st) => [st.Principal, st.Action, st.Condition]),
        [[{ AWS: fakeSnowflakeIamUserArn }, "sts:AssumeRole", { StringEquals: { "sts:ExternalId": fakeSnowflakeNotificationExternalId } }]]);
    assert.ok(stack.dependsOn(publisher, errors), "the role is declared from the integration's outputs");
    assert.deepEqual(stack.policiesOf(publisher).flatMap((p) => p.Statement.map((st) => [st.Effect, st.Action, st.Resource])),
        [["Allow", ["sns:Publish"], [stack.run.outputs["alarmTopicArn"]]]]);
    const loaders = [...stack.all(sf.pipe), ...stack.all(sf.task)];
    assert.equal(loaders.length, 3 * tables.length);
    for (const loader of loaders) {
        assert.equal(loader.inputs["errorIntegration"], errors.inputs["name"], `${String(loader.inputs["name"])} tells no one of a failed load`);
    }
});

test("the role trusts only the integration's IAM user, with the integration's external id", () => {
    const trust = JSON.parse(String(role.inputs["assumeRolePolicy"])) as { Statement: { Effect: string; Principal: { AWS: string }; Action: string; Condition: Record<string, Record<string, string>> }[] };
    assert.equal(trust.Statement.length, 1);
    const [statement] = trust.Statement;
    assert.equal(statement?.Effect, "Allow");
    assert.equal(statement?.Action, "sts:AssumeRole");
    assert.deepEqual(statement?.Principal, { AWS: fakeSnowflakeIamUserArn });
    assert.deepEqual(statement?.Condition, { StringEquals: { "sts:ExternalId": fakeSnowflakeExternalId } });
    assert.ok(stack.dependsOn(role, integration), "the role is declared from the integration's outputs");
});

test("the role reads transformed/ and nothing else: no write, no other prefix", () => {
    const statements = stack.policiesOf(role).flatMap((d) => d.Statement);
    const bucketArn = `arn:aws:s3:::${transformedBucket}`;
    assert.deepEqual(actionsOn(statements, `${bucketArn}/transformed/songs/snapshot_date=2026-11-20/songs.parquet`).sort(), ["s3:GetObject", "s3:GetObjectVersion"]);
    for (const other of ["raw/x.json", "quarantine/x", "state/x"]) {
        assert.deepEqual(actionsOn(statements, `${bucketArn}/${other}`), [], other);
    }
    const list = statements.find((s) => asList(s.Action).includes("s3:ListBucket"));
    assert.deepEqual(list?.Condition, { StringLike: { "s3:prefix": ["transformed/", "transformed/*"] } });
    const actions = statements.flatMap((s) => asList(s.Action));
    assert.ok(actions.every((a) => /^s3:(Get|List)/.test(a)), `unexpected actions ${actions.join(", ")}`);
});

test("the stage reads the bucket's transformed prefix through the integration, in the lake's file format, once the role exists", () => {
    const stage = stack.one(sf.stage);
    assert.equal(stage.inputs["url"], `s3://${transformedBucket}/transformed/`);
    assert.equal(stage.inputs["storageIntegration"], integration.inputs["name"]);
    const format = stack.one(sf.fileFormat);
    assert.equal(format.inputs["formatType"], "PARQUET");
    assert.equal(stage.inputs["fileFormat"], `FORMAT_NAME = SPOTIFY_DEV.LAKE.${String(format.inputs["name"])}`);
    assert.ok(stack.dependsOn(stage, role), "the stage waits for the role");
    assert.ok(stack.dependsOn(stage, stack.one(types.rolePolicy, (p) => p.inputs["role"] === role.state["name"])), "the stage waits for the role's policy");
});

test("an integration created again replaces the stage and every pipe, which link to it by a hidden id; nothing else follows it", () => {
    // Its external id is the one value that is new each time it is created: the trigger of both replacements.
    const trigger = (r: RecordedResource): unknown => (isSecretValue(r.replacementTrigger) ? r.replacementTrigger.value : r.replacementTrigger);
    assert.equal(integration.state["storageAwsExternalId"], fakeSnowflakeExternalId);
    const followers = [stack.one(sf.stage), ...stack.all(sf.pipe)];
    assert.equal(followers.length, 1 + tables.length);
    for (const follower of followers) {
        assert.equal(trigger(follower), fakeSnowflakeExternalId, `${follower.type} ${follower.name}`);
        assert.equal(follower.deleteBeforeReplace, true, `${follower.type} ${follower.name}: its name is explicit, so the old one goes first`);
    }
    const others = stack.run.resources.filter((r) => r.type.startsWith("snowflake:") && !followers.includes(r));
    assert.deepEqual(others.filter((r) => r.replacementTrigger !== undefined).map((r) => `${r.type} ${r.name}`), [],
        "tables, tasks and views are not replaced: a task resolves the stage by name at each run, and a table keeps its loads");
});

test("a new database or schema name replaces it, deleted first, with everything in it, rather than renaming it under its objects", () => {
    // The provider renames either in place; every object in it names its database and schema, so each would be created again
    // under the new name beside its renamed self, and stop the update with "already exists".
    const containers = [stack.one(sf.database), stack.one(sf.schema)];
    for (const container of containers) {
        assert.deepEqual([container.replaceOnChanges, container.deleteBeforeReplace], [["name"], true], container.type);
    }
    const inside = stack.run.resources.filter((r) => [sf.fileFormat, sf.stage, sf.table, sf.pipe, sf.task, sf.view].includes(r.type as never));
    assert.ok(inside.length > 3 * tables.length);
    for (const resource of inside) {
        assert.equal(resource.inputs["database"], containers[0]!.inputs["name"], `${resource.type} ${resource.name}`);
        assert.equal(resource.inputs["schema"], containers[1]!.inputs["name"], `${resource.type} ${resource.name}`);
    }
});

test("every lake table has a load table with the catalog's columns, its partition column and the load metadata", () => {
    const declared = stack.all(sf.table);
    assert.equal(declared.length, tables.length);
    for (const table of tables) {
        const loads = stack.one(sf.table, (t) => t.inputs["name"] === `${table.name.toUpperCase()}_LOADS`);
        const columns = (loads.inputs["columns"] as { name: string; type: string }[]).map((c) => c.name);
        assert.deepEqual(columns.slice(0, table.columns.length), table.columns.map((c) => c.name.toUpperCase()), table.name);
        assert.deepEqual(columns, loadsTableColumns(table).map((c) => c.name), table.name);
        assert.ok(columns.includes(partitionOf(table).name.toUpperCase()) && columns.includes("LOAD_FILE"), table.name);
        assert.equal(loads.inputs["database"], "SPOTIFY_DEV");
        assert.equal(loads.inputs["schema"], "LAKE");
    }
});

test("every lake table has an auto-ingest pipe copying its folder of the stage into its load table", () => {
    assert.equal(stack.all(sf.pipe).length, tables.length);
    for (const table of tables) {
        const pipe = stack.one(sf.pipe, (p) => p.inputs["name"] === `${table.name.toUpperCase()}_PIPE`);
        assert.equal(pipe.inputs["autoIngest"], true, table.name);
        const copy = String(pipe.inputs["copyStatement"]);
        assert.match(copy, new RegExp(`^COPY INTO SPOTIFY_DEV\\.LAKE\\.${table.name.toUpperCase()}_LOADS \\(`), table.name);
        assert.ok(copy.includes(`FROM @SPOTIFY_DEV.LAKE.LAKE_STAGE/${table.name}/)`), table.name);
        assert.ok(copy.includes(`${table.name}[.]parquet'`), table.name);
        assert.ok(stack.dependsOn(pipe, stack.one(sf.stage)), `${table.name}: the pipe waits for the stage`);
    }
});

test("every lake table has a daily task that deletes its superseded loads, serverless, whatever the reload schedule", () => {
    const prunes = stack.all(sf.task).filter((t) => String(t.inputs["name"]).endsWith("_PRUNE"));
    assert.deepEqual(prunes.map((t) => String(t.inputs["name"])).sort(), tables.map((t) => `${t.name.toUpperCase()}_PRUNE`).sort());
    for (const task of prunes) {
        assert.equal(task.inputs["started"], true);
        assert.deepEqual(task.inputs["schedule"], { usingCron: "15 4 * * * UTC" });
        assert.match(String(task.inputs["sqlStatement"]), new RegExp(`^DELETE FROM SPOTIFY_DEV\\.LAKE\\.${String(task.inputs["name"]).replace(/_PRUNE$/, "")}_LOADS AS l`));
        assert.equal(task.inputs["warehouse"], undefined, "prune tasks are serverless");
    }
});

test("every lake table has a reload task every hour by default and a view of its latest loads; every question a view", () => {
    const tasks = stack.all(sf.task).filter((t) => String(t.inputs["name"]).endsWith("_RELOAD"));
    assert.equal(tasks.length, tables.length);
    for (const task of tasks) {
        assert.equal(task.inputs["started"], true);
        // Each hourly run rewrites its day's files under the same names, which the pipe loads once: the task loads the rest.
        assert.deepEqual(task.inputs["schedule"], { usingCron: "30 * * * * UTC" });
        assert.match(String(task.inputs["sqlStatement"]), /^COPY INTO /);
        assert.equal(task.inputs["warehouse"], undefined, "reload tasks are serverless");
    }
    const views = stack.all(sf.view).map((v) => String(v.inputs["name"])).sort();
    const questions = snowflakeQuestions().map((q) => q.name.toUpperCase());
    assert.deepEqual(views, [...tables.map((t) => t.name.toUpperCase()), ...questions].sort());
    // A changed question or a new lake column replaces its view: the analysts' grant on it goes with it.
    for (const view of stack.all(sf.view)) {
        assert.equal(view.inputs["copyGrants"], true, `${String(view.inputs["name"])} drops its grants when replaced`);
    }
});

test("the transformed bucket announces each table's new files to that table's pipe; the raw bucket's trigger is untouched", () => {
    const notifications = stack.all(types.notification);
    assert.equal(notifications.length, 2, "one notification configuration per bucket");
    const raw = stack.one(types.notification, (n) => n.inputs["bucket"] === stack.bucketNamed("raw").state["bucket"]);
    assert.ok(raw.urn.includes("spotify:etl:Trigger$aws:s3/bucketNotification"), "the raw bucket's notification is the transform trigger's");
    assert.equal(raw.inputs["queues"], undefined);
    const lambdas = raw.inputs["lambdaFunctions"] as { lambdaFunctionArn: string }[];
    // Extraction manifests and dropped data exports.
    assert.deepEqual(lambdas.map((l) => l.lambdaFunctionArn), [stack.functionNamed("transform").state["arn"], stack.functionNamed("transform").state["arn"]]);

    const transformed = stack.one(types.notification, (n) => n.inputs["bucket"] === transformedBucket);
    assert.equal(transformed.inputs["lambdaFunctions"], undefined);
    const queues = transformed.inputs["queues"] as { queueArn: string; events: string[]; filterPrefix: string; filterSuffix: string }[];
    assert.deepEqual(queues.map((q) => q.filterPrefix).sort(), tables.map((t) => `transformed/${t.name}/`).sort());
    for (const queue of queues) {
        assert.equal(queue.queueArn, fakeSnowpipeQueueArn("eu-north-1"));
        assert.deepEqual(queue.events, ["s3:ObjectCreated:*"]);
        assert.equal(queue.filterSuffix, ".parquet");
    }
    for (const pipe of stack.all(sf.pipe)) {
        assert.ok(stack.dependsOn(transformed, pipe), `the notification waits for ${pipe.name}`);
    }
});
