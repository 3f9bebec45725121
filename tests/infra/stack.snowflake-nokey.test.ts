// A Snowflake stack whose deploying shell has no key: the program says which key is missing, in a preview (which
// `pulumi up` runs first, and in which the provider would otherwise stop with its own authentication error) and in an update.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { devWithSnowflake } from "./helpers/snowflake";
import { runStack } from "./helpers/stackHarness";

delete process.env["SNOWFLAKE_PRIVATE_KEY"];

for (const preview of [true, false]) {
    test(`without a Snowflake key in the config or the environment, ${preview ? "a preview" : "an update"} stops naming SNOWFLAKE_PRIVATE_KEY and snowflakePrivateKey`, async () => {
        await assert.rejects(runStack("dev", devWithSnowflake({}), [], undefined, preview),
            /snowflakeEnabled: no Snowflake credential\. Give the deploying job the key of snowflakeUser as SNOWFLAKE_PRIVATE_KEY .*pulumi config set --secret snowflakePrivateKey/);
    });
}
