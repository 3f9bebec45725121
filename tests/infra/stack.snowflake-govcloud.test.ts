// The dev stack with Snowflake turned on, in GovCloud: Snowflake reads a lake there through its own name for that
// partition's S3 (S3GOV) and URL scheme (s3gov://), through a role of that partition.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { devWithSnowflake, snowflakeSecretKeys, snowflakeTypes as sf } from "./helpers/snowflake";
import { runStack } from "./helpers/stackHarness";
import { Stack } from "./helpers/stackQueries";

const config = devWithSnowflake({
    "aws:region": "us-gov-west-1",
    "spotify-stack:snowflakeRole": "ACCOUNTADMIN",
    "spotify-stack:snowflakePrivateKey": "-----BEGIN PRIVATE KEY-----\nSNOWGOV\n-----END PRIVATE KEY-----",
});

test("a lake in GovCloud is read through Snowflake's S3GOV, with s3gov:// locations and a role of the aws-us-gov partition", async () => {
    const stack = new Stack(await runStack("dev", config, snowflakeSecretKeys));
    const integration = stack.one(sf.integration);
    const location = `s3gov://${String(stack.bucketNamed("transformed").state["bucket"])}/transformed/`;
    assert.equal(integration.inputs["storageProvider"], "S3GOV");
    assert.deepEqual(integration.inputs["storageAllowedLocations"], [location]);
    assert.equal(stack.one(sf.stage).inputs["url"], location);
    assert.match(String(integration.inputs["storageAwsRoleArn"]), /^arn:aws-us-gov:iam::\d{12}:role\//);
});
