// The stack exports the policy a person needs to run its named queries (analystPolicy): this test attaches it to a
// made-up user in the IAM simulator and asks for what opening and running a named query in the Athena console takes
// (the workgroup, the Glue database and tables, the tables' files, the results prefix), then for what it must not
// reach: another workgroup or database, the raw bucket, a write to the lake, the Spotify secret.
import * as assert from "node:assert/strict";
import { before, test } from "node:test";
import { decide, type Principal } from "./helpers/iamSimulation";
import { fakeAccountId, fakeFunctionsPackage, runStack, exampleStack } from "./helpers/stackHarness";
import { Stack } from "./helpers/stackQueries";

let stack: Stack;
let analyst: Principal;
let names: { workgroup: string; database: string; transformed: string; results: string; raw: string; secret: string; region: string };
before(async () => {
    stack = new Stack(await runStack("dev", { ...exampleStack("dev"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []));
    const policy: unknown = JSON.parse(String(stack.run.outputs["analystPolicy"]));
    analyst = { arn: `arn:aws:iam::${fakeAccountId}:user/analyst`, accountId: fakeAccountId, policies: [policy] };
    names = {
        workgroup: String(stack.run.outputs["athenaWorkgroup"]),
        database: String(stack.run.outputs["glueDatabase"]),
        transformed: String(stack.bucketNamed("transformed").state["arn"]),
        results: String(stack.bucketNamed("athena-results").state["arn"]),
        raw: String(stack.bucketNamed("raw").state["arn"]),
        secret: String(stack.run.outputs["spotifySecretArn"]),
        region: String(exampleStack("dev")["aws:region"]),
    };
});

const tls = { "aws:SecureTransport": "true" };

function allowedRequests() {
    const athena = `arn:aws:athena:${names.region}:${fakeAccountId}`;
    const glue = `arn:aws:glue:${names.region}:${fakeAccountId}`;
    return [
        { action: "athena:ListWorkGroups", resource: "*" },
        ...["athena:GetWorkGroup", "athena:ListNamedQueries", "athena:GetNamedQuery", "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"]
            .map((action) => ({ action, resource: `${athena}:workgroup/${names.workgroup}` })),
        { action: "athena:GetTableMetadata", resource: `${athena}:datacatalog/AwsDataCatalog` },
        { action: "glue:GetDatabase", resource: `${glue}:database/${names.database}` },
        { action: "glue:GetDatabase", resource: `${glue}:database/default` },
        { action: "glue:GetTable", resource: `${glue}:table/${names.database}/plays` },
        { action: "glue:GetTables", resource: `${glue}:catalog` },
        { action: "glue:GetPartitions", resource: `${glue}:table/${names.database}/songs` },
        { action: "s3:GetObject", resource: `${names.transformed}/transformed/plays/snapshot_date=2026-11-20/plays.parquet`, context: tls },
        { action: "s3:GetObject", resource: `${names.transformed}/transformed/songs_current/songs_current.parquet`, context: tls },
        { action: "s3:ListBucket", resource: names.transformed, context: { ...tls, "s3:prefix": "transformed/plays/snapshot_date=2026-11-20/" } },
        { action: "s3:GetBucketLocation", resource: names.transformed, context: tls },
        { action: "s3:GetBucketLocation", resource: names.results, context: tls },
        { action: "s3:PutObject", resource: `${names.results}/athena-results/0f9e-query.csv`, context: tls },
        { action: "s3:GetObject", resource: `${names.results}/athena-results/0f9e-query.csv`, context: tls },
        { action: "s3:ListBucket", resource: names.results, context: { ...tls, "s3:prefix": "athena-results/" } },
    ];
}

test("the analyst policy lets a person open and run the named queries in the stack's workgroup", async () => {
    for (const request of allowedRequests()) {
        assert.equal(await decide(analyst, request), "Allowed", `${request.action} ${request.resource}`);
    }
});

test("the analyst policy reaches nothing else: another workgroup or database, raw data, staging, a write to the lake, the secret", async () => {
    const athena = `arn:aws:athena:${names.region}:${fakeAccountId}`;
    const glue = `arn:aws:glue:${names.region}:${fakeAccountId}`;
    const refused = [
        { action: "athena:StartQueryExecution", resource: `${athena}:workgroup/primary` },
        { action: "athena:UpdateWorkGroup", resource: `${athena}:workgroup/${names.workgroup}` },
        { action: "athena:DeleteNamedQuery", resource: `${athena}:workgroup/${names.workgroup}` },
        { action: "glue:GetTable", resource: `${glue}:table/another_database/plays` },
        { action: "glue:GetTable", resource: `${glue}:table/default/plays` },
        { action: "glue:GetTables", resource: `${glue}:database/default` },
        { action: "glue:CreateDatabase", resource: `${glue}:database/default` },
        { action: "glue:UpdateTable", resource: `${glue}:table/${names.database}/plays` },
        { action: "s3:GetObject", resource: `${names.raw}/raw/recently_played/snapshot_date=2026-11-20/me/20261120T060000Z-p0001.json`, context: tls },
        { action: "s3:GetObject", resource: `${names.transformed}/staging/current/months/2026-11.digest`, context: tls },
        { action: "s3:PutObject", resource: `${names.transformed}/transformed/plays/snapshot_date=2026-11-20/plays.parquet`, context: tls },
        { action: "s3:DeleteObject", resource: `${names.results}/athena-results/0f9e-query.csv`, context: tls },
        { action: "s3:ListBucket", resource: names.transformed, context: { ...tls, "s3:prefix": "staging/" } },
        { action: "secretsmanager:GetSecretValue", resource: names.secret },
    ];
    for (const request of refused) {
        assert.notEqual(await decide(analyst, request), "Allowed", `${request.action} ${request.resource}`);
    }
});
