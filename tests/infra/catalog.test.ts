/**
 * The Glue catalog of a CSV lake (tableFormat: csv) reads the transformation's files right, and the
 * Athena side is locked down: checked on the Catalog and Analytics components with Pulumi's mocks
 * (no AWS needed). The Parquet catalog, the default, is checked in catalog.parquet.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
// The same module instance the components use (they resolve it from infra/node_modules).
import * as pulumi from "../../infra/node_modules/@pulumi/pulumi";
import { loadNamedQueries } from "../../infra/catalog/namedQueries";
import { referencedTables } from "./helpers/dialect";
import { contract, currentTables } from "./helpers/tableContract";

interface Recorded {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

const recorded: Recorded[] = [];
const account = "123456789012";
const region = "eu-west-1";

pulumi.runtime.setMocks({
    newResource(args) {
        const state: Record<string, any> = { ...args.inputs };
        const physicalName = args.inputs.name ?? `${args.name}-abc1234`;
        state.name = physicalName;
        switch (args.type) {
            case "aws:glue/catalogDatabase:CatalogDatabase":
                state.arn = `arn:aws:glue:${region}:${account}:database/${physicalName}`;
                break;
            case "aws:athena/workgroup:Workgroup":
                state.arn = `arn:aws:athena:${region}:${account}:workgroup/${physicalName}`;
                break;
            case "aws:iam/role:Role":
                state.arn = `arn:aws:iam::${account}:role/${physicalName}`;
                break;
        }
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state };
    },
    call(args) {
        return args.inputs;
    },
}, "spotify-stack", "test", false);

const value = <T>(output: pulumi.Output<T>): Promise<T> => new Promise(resolve => output.apply(resolve));
const ofType = (type: string) => recorded.filter(r => r.type === type);


describe("Catalog and Analytics components", () => {
    const bucket = "spotify-transformed-bucket";
    const schedule = "cron(45 6 * * ? *)";
    const cutoff = 100 * 1024 * 1024;
    let databaseName = "";
    let workgroupName = "";
    let urns: string[] = [];

    before(async () => {
        const { Catalog } = await import("../../infra/components/catalog");
        const { Analytics } = await import("../../infra/components/analytics");
        const catalog = new Catalog("lake", {
            transformedBucketName: bucket,
            transformedBucketArn: `arn:aws:s3:::${bucket}`,
            crawlerSchedule: schedule,
            tableFormat: "csv",
            tags: { project: "spotify-stack" },
        });
        const analytics = new Analytics("analytics", {
            databaseName: catalog.databaseName,
            resultsBucketName: "spotify-athena-results",
            bytesScannedCutoffPerQuery: cutoff,
        });
        databaseName = await value(catalog.databaseName);
        workgroupName = await value(analytics.workgroupName);
        await value(analytics.namedQueryIds);
        urns = await value(pulumi.all([
            catalog.database.urn, catalog.crawler.urn, catalog.crawlerRole.urn, catalog.crawlerPolicy.urn,
            catalog.classifier!.urn, ...Object.values(catalog.tables).map(t => t.urn),
            analytics.workgroup.urn, ...Object.values(analytics.namedQueries).map(q => q.urn),
        ]));
        await value(catalog.crawler.configuration);
    });

    describe("Glue tables", () => {
        const tablesByName = () => new Map(ofType("aws:glue/catalogTable:CatalogTable").map(t => [t.inputs.name as string, t.inputs]));

        it("declares exactly the contract's tables, in the catalog database", () => {
            const declared = tablesByName();
            assert.deepEqual([...declared.keys()].sort(), Object.keys(contract).sort());
            for (const inputs of declared.values()) {
                assert.equal(inputs.databaseName, databaseName);
                assert.equal(inputs.tableType, "EXTERNAL_TABLE");
            }
        });

        it("Glue columns equal the contract's columns, in order, with their types", () => {
            for (const [name, inputs] of tablesByName()) {
                const columns = (inputs.storageDescriptor.columns as { name: string; type: string }[]).map(c => [c.name, c.type]);
                assert.deepEqual(columns, contract[name], name);
            }
        });

        it("every table reads CSV with OpenCSVSerDe: comma, double-quote, header row skipped", () => {
            for (const [name, inputs] of tablesByName()) {
                const serDe = inputs.storageDescriptor.serDeInfo;
                assert.equal(serDe.serializationLibrary, "org.apache.hadoop.hive.serde2.OpenCSVSerde", name);
                assert.equal(serDe.parameters.separatorChar, ",", name);
                assert.equal(serDe.parameters.quoteChar, "\"", name);
                // No escape character the text can hold: a control character the writer removes (C0, not tab, CR or LF).
                const escape = serDe.parameters.escapeChar as string;
                assert.equal(escape.length, 1, name);
                assert.ok(escape.charCodeAt(0) < 0x20 && !"\t\r\n".includes(escape), `${name}: escapeChar U+${escape.charCodeAt(0).toString(16)}`);
                assert.equal(inputs.parameters["skip.header.line.count"], "1", name);
                assert.equal(inputs.storageDescriptor.inputFormat, "org.apache.hadoop.mapred.TextInputFormat", name);
            }
        });

        it("empty numeric fields read as NULL instead of failing the query", () => {
            for (const [name, inputs] of tablesByName()) {
                assert.equal(inputs.parameters["use.null.for.invalid.data"], "TRUE", name);
            }
        });

        it("every table lives at its own root, the snapshots' partitioned by snapshot_date, the history by ended_month, the current-state tables not at all", () => {
            for (const [name, inputs] of tablesByName()) {
                assert.equal(inputs.storageDescriptor.location, `s3://${bucket}/transformed/${name}/`);
                assert.deepEqual((inputs.partitionKeys as { name: string; type: string }[]).map(k => [k.name, k.type]),
                    currentTables.includes(name) ? [] : [[name === "listening_history" ? "ended_month" : "snapshot_date", "string"]], name);
            }
        });

        it("a current-state table is one file at its root: nothing to project, nothing for the crawler", () => {
            const crawler = ofType("aws:glue/crawler:Crawler")[0]!;
            const targets = (crawler.inputs.catalogTargets as { tables: string[] }[]).flatMap(t => t.tables);
            for (const name of currentTables) {
                const p = tablesByName().get(name)!.parameters as Record<string, string>;
                assert.equal(p["projection.enabled"], undefined, name);
                assert.equal(p["storage.location.template"], undefined, name);
                assert.equal(p["skip.header.line.count"], "1", name);
                assert.ok(!targets.includes(name), name);
            }
        });

        it("partition projection finds every snapshot_date folder without a crawler run", () => {
            for (const [name, inputs] of tablesByName()) {
                if (name === "listening_history" || currentTables.includes(name)) {
                    continue;
                }
                const p = inputs.parameters as Record<string, string>;
                assert.equal(p["projection.enabled"], "true", name);
                assert.equal(p["projection.snapshot_date.type"], "date", name);
                assert.equal(p["projection.snapshot_date.format"], "yyyy-MM-dd", name);
                assert.match(p["projection.snapshot_date.range"] ?? "", /^\d{4}-\d{2}-\d{2},NOW$/, name);
                assert.equal(p["storage.location.template"],
                    `s3://${bucket}/transformed/${name}/snapshot_date=\${snapshot_date}/`, name);
            }
        });

        it("partition projection finds every month of the listening history since Spotify began, without a crawler run", () => {
            const p = tablesByName().get("listening_history")!.parameters as Record<string, string>;
            assert.equal(p["projection.enabled"], "true");
            assert.equal(p["projection.ended_month.type"], "date");
            assert.equal(p["projection.ended_month.format"], "yyyy-MM");
            assert.equal(p["projection.ended_month.range"], "2008-01,NOW+1YEARS");
            // Athena's relative dates: NOW, or NOW plus or minus a count of a unit.
            const relative = /^\s*NOW\s*(([+-])\s*([0-9]+)\s*(YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?)\s*)?$/;
            assert.match(p["projection.ended_month.range"]!.split(",")[1]!, relative);
            assert.equal(p["projection.ended_month.interval.unit"], "MONTHS");
            assert.equal(p["storage.location.template"], `s3://${bucket}/transformed/listening_history/ended_month=\${ended_month}/`);
        });

        it("the first month projected is the first month an import keeps, so Athena and spotify-etl query count the same streams", () => {
            const exportTime = fs.readFileSync(path.join(__dirname, "..", "..", "functions", "SpotifyEtl.Core", "Import", "ExportTime.cs"), "utf8");
            const first = /FirstDay = new\((\d{4}), (\d{1,2}), 1\)/.exec(exportTime);
            assert.ok(first, "ExportTime.FirstDay is declared as new(yyyy, M, 1)");
            const month = `${first[1]}-${first[2].padStart(2, "0")}`;
            const p = tablesByName().get("listening_history")!.parameters as Record<string, string>;
            assert.equal(p["projection.ended_month.range"], `${month},NOW+1YEARS`);
        });

        it("the tables the catalog declares are exactly the tables the named queries read", () => {
            const used = new Set(loadNamedQueries().flatMap(q => referencedTables(q.sql)));
            assert.deepEqual([...used].sort(), [...tablesByName().keys()].sort());
        });
    });

    describe("crawler", () => {
        const crawler = () => {
            const crawlers = ofType("aws:glue/crawler:Crawler");
            assert.equal(crawlers.length, 1);
            return crawlers[0]!.inputs;
        };

        it("crawls the declared partitioned tables of the catalog, no S3 path: it never decides a table of its own", () => {
            const targets = crawler().catalogTargets as { databaseName: string; tables: string[] }[];
            assert.deepEqual(targets.map(t => t.databaseName), [databaseName]);
            assert.deepEqual([...targets[0]!.tables].sort(), Object.keys(contract).filter(t => !currentTables.includes(t)).sort());
            assert.equal(crawler().s3Targets, undefined);
        });

        it("lets partitions inherit the table's schema, in the configuration Glue keeps for a crawler of catalog tables", () => {
            // Glue adds this grouping to a catalog-target crawler's configuration; a configuration without it would differ
            // from what the provider reads back, and every preview would show the crawler changing.
            assert.deepEqual(JSON.parse(crawler().configuration as string), {
                Version: 1,
                CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
                Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
            });
        });

        it("never changes or deletes the declared tables: schema changes and deletions are only logged", () => {
            assert.deepEqual(crawler().schemaChangePolicy, { updateBehavior: "LOG", deleteBehavior: "LOG" });
            // Glue crawls a catalog source whole: an incremental recrawl is for S3 paths and is refused here.
            assert.deepEqual(crawler().recrawlPolicy, { recrawlBehavior: "CRAWL_EVERYTHING" });
            assert.equal(crawler().databaseName, databaseName);
        });

        it("uses a CSV classifier forcing OpenCSVSerDe, double-quote and a header row", () => {
            const classifiers = ofType("aws:glue/classifier:Classifier");
            assert.equal(classifiers.length, 1);
            const csv = classifiers[0]!.inputs.csvClassifier;
            assert.equal(csv.serde, "OpenCSVSerDe");
            assert.equal(csv.quoteSymbol, "\"");
            assert.equal(csv.containsHeader, "PRESENT");
            assert.equal(csv.delimiter, ",");
            assert.equal((crawler().classifiers as string[]).length, 1);
        });

        it("runs on the configured schedule, after the daily extraction", () => {
            assert.equal(crawler().schedule, schedule);
        });
    });

    describe("crawler role", () => {
        const policy = () => {
            const policies = ofType("aws:iam/rolePolicy:RolePolicy");
            assert.equal(policies.length, 1);
            return JSON.parse(policies[0]!.inputs.policy as string) as {
                Statement: { Action: string[]; Resource: string[]; Condition?: unknown }[];
            };
        };

        it("is assumed by Glue only", () => {
            const role = ofType("aws:iam/role:Role")[0]!;
            const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
            assert.deepEqual(trust.Statement.map((s: { Principal: unknown }) => s.Principal), [{ Service: "glue.amazonaws.com" }]);
        });

        it("has no wildcard action or resource", () => {
            for (const statement of policy().Statement) {
                for (const action of statement.Action) {
                    assert.doesNotMatch(action, /\*/, `action ${action}`);
                }
                for (const resource of statement.Resource) {
                    assert.match(resource, /^arn:aws:[a-z0-9-]+:/, `resource ${resource} is an ARN`);
                    // A trailing /* or :* under a named bucket, database or log group is scoped; any other * is not.
                    assert.doesNotMatch(resource.replace(/[/:]\*$/, ""), /\*/, `resource ${resource}`);
                }
            }
        });

        it("reads only the transformed/ prefix of the transformed bucket", () => {
            const s3Resources = policy().Statement
                .filter(s => s.Action.some(a => a.startsWith("s3:")))
                .flatMap(s => s.Resource);
            assert.deepEqual([...new Set(s3Resources)].sort(), [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/transformed/*`]);
            const list = policy().Statement.find(s => s.Action.includes("s3:ListBucket"));
            assert.deepEqual(list?.Condition, { StringLike: { "s3:prefix": ["transformed/", "transformed/*"] } });
            const actions = policy().Statement.flatMap(s => s.Action);
            assert.ok(!actions.some(a => /^s3:(Put|Delete)/.test(a)), "no S3 write");
        });

        it("may add partitions but cannot create, change or delete tables or databases", () => {
            const actions = policy().Statement.flatMap(s => s.Action);
            assert.ok(actions.includes("glue:BatchCreatePartition"));
            for (const forbidden of ["glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable", "glue:DeleteDatabase", "glue:UpdateDatabase"]) {
                assert.ok(!actions.includes(forbidden), forbidden);
            }
            const glueResources = policy().Statement.filter(s => s.Action.some(a => a.startsWith("glue:"))).flatMap(s => s.Resource);
            for (const resource of glueResources) {
                assert.match(resource, new RegExp(`^arn:aws:glue:${region}:${account}:(catalog|database/${databaseName}|table/${databaseName}/\\*)$`));
            }
        });
    });

    describe("Athena", () => {
        it("the workgroup enforces its configuration: encrypted results in the results bucket, a scan cutoff, metrics", () => {
            const workgroups = ofType("aws:athena/workgroup:Workgroup");
            assert.equal(workgroups.length, 1);
            const configuration = workgroups[0]!.inputs.configuration;
            assert.equal(configuration.enforceWorkgroupConfiguration, true);
            assert.equal(configuration.bytesScannedCutoffPerQuery, cutoff);
            assert.equal(configuration.publishCloudwatchMetricsEnabled, true);
            assert.equal(configuration.resultConfiguration.outputLocation, "s3://spotify-athena-results/athena-results/");
            assert.equal(configuration.resultConfiguration.encryptionConfiguration.encryptionOption, "SSE_S3");
        });

        it("saves one named query per .sql file, in the workgroup and the catalog database, with the file's text", () => {
            const saved = ofType("aws:athena/namedQuery:NamedQuery").map(q => q.inputs);
            const files = loadNamedQueries();
            assert.deepEqual(saved.map(q => q.name).sort(), files.map(f => f.name).sort());
            for (const file of files) {
                const query = saved.find(q => q.name === file.name)!;
                assert.equal(query.query, file.sql);
                assert.equal(query.workgroup, workgroupName);
                assert.equal(query.database, databaseName);
                assert.ok((query.description as string).startsWith(file.question));
                assert.ok((query.description as string).length <= 1024);
            }
        });

        it("gives every named query its whole description in the console: none is cut at Athena's 1,024 characters", () => {
            for (const file of loadNamedQueries()) {
                const whole = file.description.length > 0 ? `${file.question} ${file.description}` : file.question;
                assert.ok(whole.length <= 1024, `${file.name}: ${whole.length} characters; shorten its comment`);
                const saved = ofType("aws:athena/namedQuery:NamedQuery").find(q => q.inputs.name === file.name)!;
                assert.equal(saved.inputs.description, whole);
            }
        });

        it("refuses a scan cutoff below Athena's 10 MB minimum", async () => {
            const { Analytics } = await import("../../infra/components/analytics");
            assert.throws(() => new Analytics("too-small", {
                databaseName: "db", resultsBucketName: "results", bytesScannedCutoffPerQuery: 1024,
            }), /at least 10485760/);
        });
    });

    describe("component hygiene", () => {
        it("every child is parented to its component and named after it", () => {
            for (const urn of urns) {
                assert.match(urn, /::spotify:etl:(Catalog|Analytics)\$/, urn);
            }
            for (const resource of recorded.filter(r => !r.type.startsWith("spotify:"))) {
                assert.match(resource.name, /^(lake|analytics)-/, resource.name);
            }
        });
    });
});
