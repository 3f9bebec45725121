// Snowflake on a CSV lake, with a password and no reload schedule: the file format reads the
// transformation's CSV, the notification rules take .csv files, no task is declared, and the password
// reaches the provider only as a secret.
import * as assert from "node:assert/strict";
import { before, test } from "node:test";
import { tables } from "../../infra/catalog/tables";
import { devWithSnowflake, snowflakeSecretKeys, snowflakeTypes as sf } from "./helpers/snowflake";
import { isSecretValue, plaintextStrings, runStack, type StackRun } from "./helpers/stackHarness";
import { Stack, types } from "./helpers/stackQueries";

const password = "SNOWPASSWORD-sentinel-91c3";
const run: Promise<StackRun> = runStack("dev", devWithSnowflake({
    "spotify-stack:tableFormat": "csv",
    "spotify-stack:snowflakePassword": password,
    "spotify-stack:snowflakeReloadSchedule": "",
    "spotify-stack:snowflakeDatabase": "analytics",
}), snowflakeSecretKeys);

let stack: Stack;
before(async () => {
    stack = new Stack(await run);
});

test("the CSV file format skips the header, honours double quotes and reads empty fields as NULL", () => {
    const format = stack.one(sf.fileFormat);
    assert.equal(format.inputs["formatType"], "CSV");
    assert.equal(format.inputs["skipHeader"], 1);
    assert.equal(format.inputs["fieldOptionallyEnclosedBy"], "\"");
    assert.equal(format.inputs["emptyFieldAsNull"], true);
    assert.equal(stack.one(sf.stage).inputs["fileFormat"], "FORMAT_NAME = ANALYTICS.LAKE.LAKE_CSV");
});

test("pipes read CSV columns by position and the notification rules take .csv files", () => {
    for (const pipe of stack.all(sf.pipe)) {
        assert.match(String(pipe.inputs["copyStatement"]), /SELECT \$1::/);
        assert.match(String(pipe.inputs["copyStatement"]), /^COPY INTO ANALYTICS\.LAKE\./);
    }
    const transformed = stack.one(types.notification, (n) => n.inputs["bucket"] === stack.bucketNamed("transformed").state["bucket"]);
    const queues = transformed.inputs["queues"] as { filterSuffix: string }[];
    assert.equal(queues.length, tables.length);
    assert.ok(queues.every((q) => q.filterSuffix === ".csv"));
});

test("the transform function writes CSV and every Glue table reads CSV: a function writing Parquet under a CSV catalog fails every Athena query", () => {
    const transform = (stack.functionNamed("transform").inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(transform["TABLE_FORMAT"], "csv");
    const glueTables = stack.run.resources.filter((r) => r.type === "aws:glue/catalogTable:CatalogTable");
    assert.equal(glueTables.length, tables.length);
    for (const table of glueTables) {
        const storage = table.inputs["storageDescriptor"] as { inputFormat: string; serDeInfo: { serializationLibrary: string } };
        assert.equal(storage.inputFormat, "org.apache.hadoop.mapred.TextInputFormat", table.name);
        assert.match(storage.serDeInfo.serializationLibrary, /OpenCSVSerde$/, table.name);
    }
});

test("an empty reload schedule declares no reload task; the daily prune tasks remain", () => {
    assert.deepEqual(stack.all(sf.task).filter((t) => !String(t.inputs["name"]).endsWith("_PRUNE")), []);
    assert.ok(stack.all(sf.task).length > 0);
});

test("the password reaches the provider only as a secret, with no key-pair authenticator", () => {
    const provider = stack.one(sf.provider);
    assert.ok(isSecretValue(provider.inputs["password"]), "password must be a Pulumi secret");
    assert.equal(provider.inputs["password"].value, password);
    assert.equal(provider.inputs["privateKey"], undefined);
    assert.equal(provider.inputs["authenticator"], undefined);
    for (const r of stack.run.resources) {
        for (const text of [...plaintextStrings(r.inputs), ...plaintextStrings(r.state)]) {
            assert.ok(!text.includes("SNOWPASSWORD"), `${r.type} ${r.name} holds the password in plain text`);
        }
    }
});
