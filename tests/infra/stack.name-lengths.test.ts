// Every physical name starts with `<namePrefix>-<stack>`, and Pulumi adds its own 8 characters to a name it makes: at
// the longest namePrefix and stack name the config accepts together, every name a service limits still fits, and one
// character more is refused before anything is created.
import * as assert from "node:assert/strict";
import { before, test } from "node:test";
import { longestNames, stackNameProblems } from "../../infra/config";
import { fakeFunctionsPackage, runStack, exampleStack, type StackRun } from "./helpers/stackHarness";

const namePrefix = "spotify-lake-archive";
const stack = "s234567890abcd";

/** AWS's documented limit on the name of each kind of resource the stack names, and the input that holds the name. */
const nameLimits: Readonly<Record<string, { readonly limit: number; readonly key?: string }>> = {
    "aws:s3/bucket:Bucket": { limit: 63, key: "bucket" },
    "aws:cloudwatch/eventRule:EventRule": { limit: 64 },
    "aws:cloudwatch/eventTarget:EventTarget": { limit: 64, key: "targetId" },
    "aws:iam/role:Role": { limit: 64 },
    "aws:lambda/function:Function": { limit: 64 },
    "aws:sqs/queue:Queue": { limit: 80 },
    "aws:lambda/permission:Permission": { limit: 100, key: "statementId" },
    "aws:iam/rolePolicy:RolePolicy": { limit: 128 },
    "aws:athena/workgroup:Workgroup": { limit: 128 },
    "aws:athena/namedQuery:NamedQuery": { limit: 128 },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { limit: 255 },
    "aws:cloudwatch/dashboard:Dashboard": { limit: 255 },
    "aws:glue/crawler:Crawler": { limit: 255 },
    "aws:glue/catalogDatabase:CatalogDatabase": { limit: 255 },
    "aws:glue/catalogTable:CatalogTable": { limit: 255 },
    "aws:sns/topic:Topic": { limit: 256 },
    "aws:secretsmanager/secret:Secret": { limit: 512 },
    "aws:cloudwatch/logGroup:LogGroup": { limit: 512 },
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": { limit: 512 },
};
/** Kinds of resource AWS gives no name of their own (a bucket's settings, a policy on a queue or a topic). */
const unnamed = new Set([
    "pulumi:providers:aws", "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketNotification:BucketNotification",
    "aws:sqs/queuePolicy:QueuePolicy", "aws:sns/topicPolicy:TopicPolicy",
    "aws:lambda/functionRecursionConfig:FunctionRecursionConfig",
    "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
]);

let run: StackRun;
before(async () => {
    run = await runStack(stack, {
        ...exampleStack("dev"),
        "spotify-stack:namePrefix": namePrefix,
        "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
    }, []);
});

/** The name AWS is given: the program's own, or Pulumi's (the logical name and 8 characters). */
const physicalName = (r: StackRun["resources"][number], key: string): string =>
    typeof r.inputs[key] === "string" ? String(r.inputs[key]) : `${r.name}-0a1b2c3`;

test("at the longest namePrefix and stack name the config accepts, every name AWS limits fits, the crawler-failure rule's included", () => {
    assert.deepEqual(stackNameProblems(namePrefix, stack), []);
    assert.equal(stackNameProblems(namePrefix, `${stack}e`).length, 1, "one character more is accepted: the names below are not the longest");
    const resources = run.resources.filter((r) => !r.type.startsWith("spotify:"));
    assert.deepEqual([...new Set(resources.map((r) => r.type))].filter((type) => nameLimits[type] === undefined && !unnamed.has(type)), [],
        "a kind of resource with no name limit here");
    const tooLong = resources.filter((r) => nameLimits[r.type] !== undefined)
        .map((r) => ({ type: r.type, name: physicalName(r, nameLimits[r.type]!.key ?? "name"), limit: nameLimits[r.type]!.limit }))
        .filter(({ name, limit }) => name.length > limit);
    assert.deepEqual(tooLong, []);
    assert.ok(resources.some((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && r.inputs["eventPattern"] !== undefined), "no crawler-failure rule");
});

test("the config's length check measures names the stack gives, the crawler-failure rule's among them", () => {
    const names = new Set(run.resources.filter((r) => nameLimits[r.type] !== undefined).map((r) => physicalName(r, nameLimits[r.type]!.key ?? "name")));
    for (const { what, name } of longestNames(namePrefix, stack)) {
        assert.ok(names.has(name), `${what}: no resource is named ${name}`);
    }
    const rule = run.resources.find((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && r.inputs["eventPattern"] !== undefined)!;
    assert.ok(longestNames(namePrefix, stack).some(({ name }) => name === physicalName(rule, "name")));
});

test("at the longest names, the analyst's policy fits a managed policy, as docs/deploying.md attaches it", () => {
    // IAM counts a policy's characters without its white space: 6,144 for a managed policy (2,048 for a user's inline ones).
    const policy = String(run.outputs["analystPolicy"]);
    const counted = JSON.stringify(JSON.parse(policy)).length;
    assert.ok(counted <= 6144, `the analyst's policy is ${counted} characters long, and a managed policy may have 6,144`);
    assert.ok(policy.includes(namePrefix), "the policy names the stack's resources");
});
