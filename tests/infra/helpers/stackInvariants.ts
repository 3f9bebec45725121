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
import { configured } from "./stackFacts";
import { asList, Stack, types } from "./stackQueries";

/** Whether an action of a policy (a name, or a pattern with `*`) grants the given action. */
const grants = (pattern: string, action: string): boolean =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`, "i").test(action);

/** The log group an ARN of a policy names (its streams' `:*` or `:log-stream:...` aside); undefined for any other resource. */
const logGroupOf = (arn: string): string | undefined => /:log-group:([^:]+)(?::\*|:log-stream:.*)?$/.exec(arn)?.[1];

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

        describe("log groups", () => {
            test("a role that may create a log group or write log events writes only to groups the stack declares, kept logRetentionDays", () => {
                const groups = stack.all(types.logGroup);
                const retention = Number(configured(stack, "logRetentionDays"));
                const writers = new Set<string>();
                for (const rolePolicy of stack.all(types.rolePolicy)) {
                    for (const statement of stack.policy(rolePolicy).Statement.filter((s) => s.Effect === "Allow")) {
                        if (!asList(statement.Action).some((a) => grants(a, "logs:CreateLogGroup") || grants(a, "logs:PutLogEvents"))) {
                            continue;
                        }
                        writers.add(String(rolePolicy.inputs["role"]));
                        for (const resource of asList(statement.Resource)) {
                            const name = logGroupOf(resource);
                            const where = `${rolePolicy.name} ${statement.Sid ?? ""}: ${resource}`;
                            // A pattern would let the role create or fill a group nobody declared, which never expires.
                            assert.ok(name !== undefined && !name.includes("*"), `${where} names no one log group`);
                            const group = groups.find((g) => g.inputs["name"] === name);
                            assert.ok(group !== undefined, `${where}: the stack declares no ${name}`);
                            assert.equal(group.inputs["retentionInDays"], retention, `${where}: ${name} keeps its lines ${String(group.inputs["retentionInDays"])} days`);
                        }
                    }
                }
                // The two functions' roles and the crawler's.
                const crawlerRole = stack.one(types.role, (r) => r.state["arn"] === stack.one("aws:glue/crawler:Crawler").inputs["role"]);
                assert.ok(writers.has(String(crawlerRole.state["name"])), "the crawler's role writes no logs");
                assert.ok(writers.size >= 3, [...writers].join(", "));
            });

            test("the crawler's log group, the one its security configuration sends its lines to, exists before the crawler", () => {
                const crawler = stack.one("aws:glue/crawler:Crawler");
                const role = stack.one(types.role, (r) => r.state["arn"] === crawler.inputs["role"]);
                const configuration = stack.one("aws:glue/securityConfiguration:SecurityConfiguration", (c) => c.inputs["name"] === crawler.inputs["securityConfiguration"]);
                const group = stack.one(types.logGroup, (g) => g.inputs["name"] === `/aws-glue/crawlers-role/${String(role.state["name"])}-${String(configuration.inputs["name"])}`);
                assert.ok(stack.dependsOn(crawler, group), "the crawler does not wait for its log group");
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
