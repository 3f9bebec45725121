// The invariants every stack of this program must keep, whatever its config. Each stack test file runs the
// program once with its config and registers these tests against the recorded resources: the areas with many
// (storage, functions, alarms) in files of their own, the secret, the boundary and the outputs here.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import { fakeAccountId, isSecretValue, repoRoot, type StackRun } from "./stackHarness";
import { permissionsBoundaryName } from "../../../infra/boundary";
import { describeAlarmInvariants } from "./alarmInvariants";
import { describeFunctionInvariants } from "./functionInvariants";
import { describeStorageInvariants } from "./storageInvariants";
import { Stack, types } from "./stackQueries";

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

        describeStorageInvariants(() => stack);
        describeFunctionInvariants(() => stack);
        describeAlarmInvariants(() => stack);

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

            test("the stack creates no KMS key: a deploy role may not create one", () => {
                // KMS authorizes CreateKey with tags only for a principal whose IAM policy lets it tag every key of the
                // account, and one that creates a key without them cannot be kept to its own keys: a key is the
                // bootstrap's (the stacks' secrets providers), or AWS's (aws/s3). A key here fails every workflow deploy.
                assert.deepEqual(stack.run.resources.filter((r) => r.type.startsWith("aws:kms/")).map((r) => r.name), []);
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
