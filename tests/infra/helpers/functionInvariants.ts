// The two functions, their roles, and what runs them: the schedule and the lake's trigger.
// Registered by describeStackInvariants against each stack's recorded resources.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { isSecretValue, repoRoot } from "./stackHarness";
import { contract } from "../../../infra/lakeContract";
import { actionsOn, asList, Stack, types } from "./stackQueries";
import { configured } from "./stackFacts";

/** Resources for which AWS accepts no narrower scope than `*`. This stack needs none of them (it publishes
 *  metrics through Embedded Metric Format log lines, not cloudwatch:PutMetricData, and enables no X-Ray). */
export const actionsThatRequireStarResource: readonly string[] = [];

const handlers = contract.handlers;

/** SQS's longest retention, which the docs promise a failed event: 14 days. */
const maximumRetentionSeconds = 14 * 24 * 60 * 60;

/** Every "N days" the docs give a dead-letter queue's messages (the queue, or the requestPayload it keeps), by file. */
function documentedDeadLetterDays(): { file: string; days: number }[] {
    const folder = path.join(repoRoot, "docs");
    return fs.readdirSync(folder).filter((f) => f.endsWith(".md")).flatMap((file) => {
        const text = fs.readFileSync(path.join(folder, file), "utf8").replace(/\s+/g, " ");
        return [...text.matchAll(/(?:dead-letter queues?|requestPayload`?)[^.;|]*?\b(\d+) days/g)].map((m) => ({ file, days: Number(m[1]) }));
    });
}

export function describeFunctionInvariants(current: () => Stack): void {
    let stack: Stack;
    before(() => {
        stack = current();
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
            // Run reports are written for people and alarms to read, and read back for a run without a manifest.
            assert.deepEqual(actionsOn(statements, `${transformed}/reports/x`).sort(), ["s3:GetObject", "s3:PutObject"]);
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
                [transformed, { StringLike: { "s3:prefix": "reports/*" } }],
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
            assert.equal(transformEnv["TABLE_FORMAT"], configured(stack, "tableFormat"), "TABLE_FORMAT is the stack's tableFormat");
            assert.equal(extractEnv["RAW_BUCKET"], stack.bucketNamed("raw").state["bucket"]);
            assert.equal(extractEnv["SPOTIFY_SECRET_ID"], stack.one(types.secret).state["arn"]);
            const timeout = Number(stack.functionNamed("extract").inputs["timeout"]);
            assert.ok(Number(extractEnv["EXTRACT_TIME_BUDGET_SECONDS"]) < timeout,
                "the extraction stops cleanly before Lambda's timeout kills it");
            // The extract function's lease outlasts its budget by a minute above the timeout's, so that Lambda's retry of a run
            // the timeout killed, a minute after it, finds the lease held (ExtractFunction.LeaseBeyondBudget).
            assert.ok(timeout - Number(extractEnv["EXTRACT_TIME_BUDGET_SECONDS"]) <= 60, "the timeout is at most a minute above the extraction's budget");
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

    describe("dead-letter queues", () => {
        test("every queue is a dead-letter queue, a function's on-failure destination or the schedule's, and keeps a failed event as long as the docs say", () => {
            const destinations = stack.all(types.invokeConfig).map((i) => (i.inputs["destinationConfig"] as { onFailure: { destination: string } }).onFailure.destination);
            const scheduleQueues = stack.all(types.target).flatMap((t) => {
                const deadLetter = t.inputs["deadLetterConfig"] as { arn: string } | undefined;
                return deadLetter === undefined ? [] : [deadLetter.arn];
            });
            assert.equal(destinations.length, 2);
            assert.equal(scheduleQueues.length, 1);
            const queues = stack.all(types.queue);
            assert.deepEqual(queues.map((q) => String(q.state["arn"])).sort(), [...destinations, ...scheduleQueues].sort());
            const documented = documentedDeadLetterDays();
            assert.ok(documented.some((d) => d.file === "operations.md"), "docs/operations.md says nothing of how long a dead-letter queue keeps a message");
            for (const { file, days } of documented) {
                assert.equal(days * 24 * 60 * 60, maximumRetentionSeconds, `docs/${file} says ${days} days`);
            }
            // Left out, SQS keeps a message 4 days: a failed run found after a long weekend would be gone.
            for (const queue of queues) {
                assert.equal(queue.inputs["messageRetentionSeconds"], maximumRetentionSeconds, queue.name);
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

}
