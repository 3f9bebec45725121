// A stack with Snowflake on: the dev stack's config plus a Snowflake account, user and one secret credential.
import { exampleStack, fakeFunctionsPackage } from "./stackHarness";

export const snowflakeTypes = {
    provider: "pulumi:providers:snowflake",
    integration: "snowflake:index/storageIntegration:StorageIntegration",
    notificationIntegration: "snowflake:index/notificationIntegration:NotificationIntegration",
    fileFormat: "snowflake:index/fileFormat:FileFormat",
    stage: "snowflake:index/stage:Stage",
    table: "snowflake:index/table:Table",
    pipe: "snowflake:index/pipe:Pipe",
    task: "snowflake:index/task:Task",
    view: "snowflake:index/view:View",
    database: "snowflake:index/database:Database",
    schema: "snowflake:index/schema:Schema",
} as const;

export const snowflakeSecretKeys = ["spotify-stack:snowflakePrivateKey", "spotify-stack:snowflakePassword"];

/** The dev stack with Snowflake on; `extra` adds the credential and any other key. */
export function devWithSnowflake(extra: Record<string, string>): Record<string, string> {
    return {
        ...exampleStack("dev"),
        "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
        "spotify-stack:snowflakeEnabled": "true",
        "spotify-stack:snowflakeOrganization": "MYORG",
        "spotify-stack:snowflakeAccount": "MYACCOUNT",
        "spotify-stack:snowflakeUser": "PULUMI_DEPLOY",
        ...extra,
    };
}
