// The Snowflake keys of the stack's configuration: read and validated with the rest (config.ts), kept apart here.
import * as pulumi from "@pulumi/pulumi";
import type { Reader } from "./configReader";
import type { SnowflakeConfig } from "./configTypes";
import { isAwsRegion } from "./stackNames";

/** `spotify-dev` -> `SPOTIFY_DEV`: a Snowflake identifier that needs no quotes. */
export function snowflakeIdentifier(text: string): string {
    return text.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^([^A-Z_])/, "_$1");
}

const snowflakeIdentifierProblem = (v: string): string | undefined =>
    v === "" || /^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(v) ? undefined : "must be a Snowflake identifier (letters, digits, underscores; not starting with a digit)";

export function readSnowflakeConfig(r: Reader, namePrefix: string, region: string): SnowflakeConfig {
    const enabled = r.boolean("snowflakeEnabled");
    const required = (key: string) => (v: string) => (enabled && v === "" ? `is required when snowflakeEnabled is true: pulumi config set ${key} <value>` : undefined);
    const organization = r.string("snowflakeOrganization", required("snowflakeOrganization"));
    const account = r.string("snowflakeAccount", required("snowflakeAccount"));
    const user = r.string("snowflakeUser", required("snowflakeUser"));
    const role = r.string("snowflakeRole", snowflakeIdentifierProblem);
    const database = r.string("snowflakeDatabase", snowflakeIdentifierProblem);
    const schema = r.string("snowflakeSchema", (v) => (v === "" ? "must name a schema" : snowflakeIdentifierProblem(v)));
    const reloadSchedule = r.string("snowflakeReloadSchedule", (v) =>
        v === "" || /^\S+( \S+){4} [A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(v) ? undefined : "must be five cron fields and a time zone, e.g. 30 * * * * UTC, or empty");
    // S3 sends event notifications only to a queue in the bucket's region, and Snowpipe's queue lives in the
    // Snowflake account's region: a mismatch would fail at the notification, after the pipes were created.
    const awsRegion = r.string("snowflakeAwsRegion", (v) =>
        v === "" || isAwsRegion(v) ? undefined : "must be an AWS region such as us-east-1, or empty");
    if (enabled && awsRegion !== "" && region !== "" && awsRegion !== region) {
        r.fail("snowflakeAwsRegion", `is ${awsRegion} but the stack's aws:region is ${region}: S3 notifies only a queue in the bucket's own region, ` +
            "so Snowpipe cannot load this lake; use a Snowflake account in the stack's region, or deploy the stack there");
    }
    const hasKey = r.isSet("snowflakePrivateKey");
    const hasPassword = r.isSet("snowflakePassword");
    if (enabled && hasKey && hasPassword) {
        r.fail("snowflakePrivateKey", "and snowflakePassword are both set: keep one (pulumi config rm snowflakePassword)");
    }
    for (const key of ["snowflakePrivateKey", "snowflakePassword"]) {
        if (!r.isSet(key)) {
            continue;
        }
        if (!r.isStoredSecret(key)) {
            r.fail(key, `is stored in plain text: remove it (pulumi config rm ${key}) and set it again with pulumi config set --secret ${key}`);
        }
    }
    return {
        enabled,
        organization,
        account,
        user,
        role: role.toUpperCase(),
        database: database === "" ? snowflakeIdentifier(`${namePrefix}_${pulumi.getStack()}`) : database.toUpperCase(),
        schema: schema.toUpperCase(),
        reloadSchedule,
        awsRegion,
        privateKey: r.secret("snowflakePrivateKey"),
        password: r.secret("snowflakePassword"),
        authentication: hasKey ? "privateKey" : hasPassword ? "password" : "environment",
    };
}

