/**
 * The default lake is Parquet: the Glue tables declare Parquet's SerDe and formats with the same
 * columns and types as the CSV catalog, so the named queries read either; no CSV classifier.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "../../infra/node_modules/@pulumi/pulumi";
import { contract, currentTables } from "./helpers/tableContract";

const recorded: { type: string; inputs: Record<string, any> }[] = [];

pulumi.runtime.setMocks({
    newResource(args) {
        recorded.push({ type: args.type, inputs: args.inputs });
        const name = args.inputs.name ?? `${args.name}-abc1234`;
        const arn = args.type === "aws:glue/catalogDatabase:CatalogDatabase"
            ? `arn:aws:glue:eu-west-1:123456789012:database/${name}`
            : `arn:aws:iam::123456789012:role/${name}`;
        return { id: `${args.name}-id`, state: { ...args.inputs, name, arn } };
    },
    call(args) {
        return args.inputs;
    },
}, "spotify-stack", "test", false);

const value = <T>(output: pulumi.Output<T>): Promise<T> => new Promise(resolve => output.apply(resolve));

describe("Catalog of a Parquet lake (the default tableFormat)", () => {
    const bucket = "spotify-transformed-bucket";
    const tables = () => recorded.filter(r => r.type === "aws:glue/catalogTable:CatalogTable").map(r => r.inputs);

    before(async () => {
        const { Catalog } = await import("../../infra/components/catalog");
        const catalog = new Catalog("lake", { transformedBucketName: bucket, transformedBucketArn: `arn:aws:s3:::${bucket}` });
        assert.equal(catalog.classifier, undefined, "a Parquet lake needs no CSV classifier");
        await value(pulumi.all([catalog.crawler.urn, ...Object.values(catalog.tables).map(t => t.urn)]));
    });

    it("declares every table of the contract with its columns and types, in order", () => {
        assert.deepEqual(tables().map(t => t.name).sort(), Object.keys(contract).sort());
        for (const table of tables()) {
            const columns = (table.storageDescriptor.columns as { name: string; type: string }[]).map(c => [c.name, c.type]);
            assert.deepEqual(columns, contract[table.name], table.name);
        }
    });

    it("reads every table with the Parquet SerDe and input format, snappy-compressed, no header to skip", () => {
        for (const table of tables()) {
            const descriptor = table.storageDescriptor;
            assert.equal(descriptor.serDeInfo.serializationLibrary, "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", table.name);
            assert.equal(descriptor.inputFormat, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", table.name);
            assert.equal(descriptor.outputFormat, "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat", table.name);
            assert.equal(table.parameters.classification, "parquet", table.name);
            assert.equal(table.parameters["parquet.compression"], "SNAPPY", table.name);
            assert.equal(table.parameters["skip.header.line.count"], undefined, table.name);
        }
    });

    it("projects snapshot_date partitions at each table's own root, as for CSV", () => {
        for (const table of tables()) {
            assert.equal(table.storageDescriptor.location, `s3://${bucket}/transformed/${table.name}/`);
            if (currentTables.includes(table.name)) {
                assert.equal(table.parameters["projection.enabled"], undefined, table.name);
                continue;
            }
            assert.equal(table.parameters["projection.enabled"], "true", table.name);
            const partition = table.name === "listening_history" ? "ended_month" : "snapshot_date";
            assert.equal(table.parameters["storage.location.template"], `s3://${bucket}/transformed/${table.name}/${partition}=\${${partition}}/`);
        }
    });

    it("the crawler uses Glue's built-in Parquet classifier", () => {
        const crawler = recorded.find(r => r.type === "aws:glue/crawler:Crawler")!;
        assert.deepEqual(crawler.inputs.classifiers ?? [], []);
    });
});
