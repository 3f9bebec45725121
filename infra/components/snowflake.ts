// The lake's tables loaded continuously into Snowflake (docs/snowflake.md): a storage integration and the
// IAM role it assumes (read-only on transformed/), an external stage over transformed/ in the lake's file
// format, and per lake table an append-only <TABLE>_LOADS table, an auto-ingest pipe fed by the transformed
// bucket's S3 notifications, a reload task for partitions a replay rewrote, and the <TABLE> view of each
// file's latest load. The questions of queries/ become views beside them.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as snowflake from "@pulumi/snowflake";
import { tables, transformedPrefix } from "../catalog/tables";
import { type SnowflakeConfig, type TableFormat, snowflakeIdentifier } from "../config";
import { declareErrorNotifications } from "../snowflake/errors";
import { declaredWithout } from "../environment";
import { type NamedQuerySource, loadNamedQueries, snowflakeOnlyQueriesDirectory } from "../catalog/namedQueries";
import * as loading from "../snowflake/loading";
import { sameRegionQueue, snowflakeS3 } from "../snowflake/s3";

/**
 * The questions as Snowflake views: every named query (queries/*.sql, portable SQL that reads the
 * latest-load views by the tables' names) and the questions only Snowflake answers (queries/snowflake/).
 */
export function snowflakeQuestions(): NamedQuerySource[] {
    return [...loadNamedQueries(), ...loadNamedQueries(snowflakeOnlyQueriesDirectory)];
}

/** Resources of @pulumi/snowflake 1.x that are preview features and must be named in the provider. */
export const previewFeatures = [
    "snowflake_storage_integration_resource",
    "snowflake_file_format_resource",
    "snowflake_stage_resource",
    "snowflake_table_resource",
    "snowflake_pipe_resource",
    "snowflake_notification_integration_resource",
];

export interface SnowflakeLoadArgs {
    readonly config: SnowflakeConfig;
    readonly tableFormat: TableFormat;
    readonly transformedBucket: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
    /** The AWS account of the bucket, where the role Snowflake assumes lives. */
    readonly accountId: pulumi.Input<string>;
    /** ARN of the managed policy that bounds the role Snowflake assumes. */
    readonly permissionsBoundary?: pulumi.Input<string>;
    /** The stack's AWS region: the bucket's, where S3 can send notifications to a queue. */
    readonly region: string;
    /** The stack's alarm topic: Snowflake publishes the errors of its pipes and tasks there. */
    readonly alarmTopicArn: pulumi.Input<string>;
}

export class SnowflakeLoad extends pulumi.ComponentResource {
    readonly provider: snowflake.Provider;
    readonly role: aws.iam.Role;
    readonly integration: snowflake.StorageIntegration;
    readonly stage: snowflake.Stage;
    readonly tables: Record<string, snowflake.Table> = {};
    readonly pipes: Record<string, snowflake.Pipe> = {};
    readonly notification: aws.s3.BucketNotification;
    readonly databaseName: string;

    constructor(name: string, args: SnowflakeLoadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:SnowflakeLoad", name, {}, opts);
        const config = args.config;
        const child = { parent: this };
        // Said at preview too: the provider logs in to Snowflake to preview, and would otherwise stop `pulumi up`'s preview
        // with its own authentication error before this program could say which key is missing.
        if (config.authentication === "environment" && (process.env["SNOWFLAKE_PRIVATE_KEY"] ?? "") === "") {
            throw new pulumi.RunError("snowflakeEnabled: no Snowflake credential. Give the deploying job the key of snowflakeUser as "
                + "SNOWFLAKE_PRIVATE_KEY (a secret of the deploy environment; on a laptop, for this command only: "
                + "SNOWFLAKE_PRIVATE_KEY=\"$(cat ~/.config/spotify-etl/snowflake_<stack>.p8)\" pulumi up), or store it in the stack: "
                + "pulumi config set --secret snowflakePrivateKey < ~/.config/spotify-etl/snowflake_<stack>.p8");
        }

        // A credential from config reaches the provider only as a secret: encrypted in state, masked in every log.
        // Without one, the provider reads SNOWFLAKE_PRIVATE_KEY from the deploying job, and the state holds none; the
        // SDK would copy a password or passphrase of the deploying shell into the state in plain text, so it sees none.
        this.provider = declaredWithout(["SNOWFLAKE_PASSWORD", "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"], () => new snowflake.Provider(`${name}-provider`, {
            organizationName: config.organization,
            accountName: config.account,
            user: config.user,
            role: config.role === "" ? undefined : config.role,
            ...(config.authentication === "privateKey"
                ? { authenticator: "SNOWFLAKE_JWT", privateKey: pulumi.secret(config.privateKey) }
                : config.authentication === "password"
                    ? { password: pulumi.secret(config.password) }
                    : { authenticator: "SNOWFLAKE_JWT" }),
            previewFeaturesEnabled: previewFeatures,
        }, child));
        const inSnowflake = { parent: this, provider: this.provider };

        // The handshake without a manual step: the role's ARN is known before the role exists (account and
        // name), so the integration is created first and the role, trusting the integration's IAM user and
        // external id, right after it; the stage, through which the pipes and tasks will assume the role, waits for both.
        const bucketArn = pulumi.output(args.transformedBucket.arn);
        const partition = bucketArn.apply(arn => arn.split(":")[1] ?? "aws");
        const roleName = name;
        const roleArn = pulumi.interpolate`arn:${partition}:iam::${args.accountId}:role/${roleName}`;
        const s3 = partition.apply(snowflakeS3);
        const stageUrl = pulumi.interpolate`${s3.scheme}://${args.transformedBucket.name}/${transformedPrefix}/`;

        this.integration = new snowflake.StorageIntegration(`${name}-integration`, {
            name: snowflakeIdentifier(name),
            comment: "Spotify Stack: reads the transformed lake",
            type: "EXTERNAL_STAGE",
            enabled: true,
            storageProvider: s3.provider,
            storageAwsRoleArn: roleArn,
            storageAllowedLocations: [stageUrl],
        }, inSnowflake);

        this.role = new aws.iam.Role(`${name}-access`, {
            name: roleName,
            description: "Assumed by the Snowflake storage integration: reads transformed/ of the lake",
            permissionsBoundary: args.permissionsBoundary,
            assumeRolePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{
                    Sid: "SnowflakeStorageIntegration",
                    Effect: "Allow",
                    Principal: { AWS: this.integration.storageAwsIamUserArn },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "sts:ExternalId": this.integration.storageAwsExternalId } },
                }],
            }),
        }, child);

        const access = new aws.iam.RolePolicy(`${name}-access`, {
            role: this.role.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadTransformedTables",
                        Effect: "Allow",
                        Action: ["s3:GetObject", "s3:GetObjectVersion"],
                        Resource: [pulumi.interpolate`${bucketArn}/${transformedPrefix}/*`],
                    },
                    {
                        Sid: "ListTransformedTables",
                        Effect: "Allow",
                        Action: ["s3:ListBucket"],
                        Resource: [bucketArn],
                        Condition: { StringLike: { "s3:prefix": [`${transformedPrefix}/`, `${transformedPrefix}/*`] } },
                    },
                    {
                        Sid: "LocateTransformedBucket",
                        Effect: "Allow",
                        Action: ["s3:GetBucketLocation"],
                        Resource: [bucketArn],
                    },
                ],
            }),
        }, child);

        // A file a pipe cannot load is skipped, a task's run can fail, and a task failing ten times in a row suspends
        // itself: each is published to the alarm topic (infra/snowflake/errors.ts).
        const errors = declareErrorNotifications(name, { topicArn: args.alarmTopicArn, accountId: args.accountId, partition, permissionsBoundary: args.permissionsBoundary },
            child, inSnowflake);
        const reporting = { errorIntegration: errors.integration.name };
        const reported = [errors.role, errors.policy];

        // A new name replaces the database or the schema, and everything in it, deleted first. The provider would rename
        // either in place, carrying every object along, while each object names its database and schema and is created
        // again under the new name beside its renamed self: "already exists", on every `pulumi up` after.
        const renamedIsNew = { ...inSnowflake, replaceOnChanges: ["name"], deleteBeforeReplace: true };
        const database = new snowflake.Database(`${name}-database`, {
            name: config.database,
            comment: "Spotify Stack: the lake's tables, loaded from S3 by Snowpipe",
        }, renamedIsNew);
        const schema = new snowflake.Schema(`${name}-schema`, {
            database: database.name,
            name: config.schema,
            comment: "Stage, load tables, pipes, reload tasks and the lake's views",
        }, renamedIsNew);
        this.databaseName = config.database;
        const qualifiedSchema = `${config.database}.${config.schema}`;
        const inSchema = { database: database.name, schema: schema.name };

        const fileFormat = new snowflake.FileFormat(`${name}-format`, {
            ...inSchema,
            name: `LAKE_${args.tableFormat.toUpperCase()}`,
            comment: `The lake's ${args.tableFormat} files`,
            ...(args.tableFormat === "parquet"
                ? { formatType: "PARQUET" }
                // The transformation's CSV: header row, RFC 4180 quotes (doubled inside a value), empty = NULL.
                : { formatType: "CSV", skipHeader: 1, fieldOptionallyEnclosedBy: "\"", emptyFieldAsNull: true }),
        }, inSnowflake);

        // A stage links to its integration by a hidden id, not by name, and a pipe to its stage likewise: an integration
        // created again (a property it cannot change in place, or dropped by hand and restored by `pulumi up`) leaves the
        // old stage unusable and its pipes loading nothing, with no change Pulumi sees. Its external id is new each time
        // it is created, so that id replaces the stage and the pipes with it.
        const withIntegration = { replacementTrigger: this.integration.storageAwsExternalId, deleteBeforeReplace: true };
        this.stage = new snowflake.Stage(`${name}-stage`, {
            ...inSchema,
            name: "LAKE_STAGE",
            comment: "transformed/ of the lake's bucket",
            url: stageUrl,
            storageIntegration: this.integration.name,
            fileFormat: `FORMAT_NAME = ${qualifiedSchema}.LAKE_${args.tableFormat.toUpperCase()}`,
        }, { ...inSnowflake, ...withIntegration, dependsOn: [this.role, access, fileFormat] });

        const target: loading.CopyTarget = { schema: qualifiedSchema, stage: `${qualifiedSchema}.LAKE_STAGE`, format: args.tableFormat };
        const views: snowflake.View[] = [];
        for (const table of tables) {
            const loads = new snowflake.Table(`${name}-${table.name}-loads`, {
                ...inSchema,
                name: loading.loadsTableName(table),
                comment: `Every load of every ${table.name} file; read the ${loading.viewName(table)} view instead`,
                columns: loading.loadsTableColumns(table).map(c => ({ name: c.name, type: c.type, comment: c.comment })),
            }, inSnowflake);
            this.tables[table.name] = loads;

            this.pipes[table.name] = new snowflake.Pipe(`${name}-${table.name}-pipe`, {
                ...inSchema,
                name: loading.pipeName(table),
                comment: `Loads each new ${table.name} partition file as S3 announces it`,
                autoIngest: true,
                copyStatement: loading.copyStatement(table, target),
                ...reporting,
            }, { ...inSnowflake, ...withIntegration, dependsOn: [loads, this.stage, ...reported] });

            if (config.reloadSchedule !== "") {
                new snowflake.Task(`${name}-${table.name}-reload`, {
                    ...inSchema,
                    name: loading.reloadTaskName(table),
                    comment: `Loads ${table.name} files rewritten by a replay, which the pipe ignores (serverless)`,
                    started: true,
                    schedule: { usingCron: config.reloadSchedule },
                    userTaskManagedInitialWarehouseSize: "XSMALL",
                    sqlStatement: loading.copyStatement(table, target),
                    ...reporting,
                }, { ...inSnowflake, dependsOn: [loads, this.stage, ...reported] });
            }

            // Daily, whatever the reload schedule: the pipe too loads a file again once its 14 days of load metadata end.
            new snowflake.Task(`${name}-${table.name}-prune`, {
                ...inSchema,
                name: loading.pruneTaskName(table),
                comment: `Deletes the rows of superseded versions of ${table.name} files from ${loading.loadsTableName(table)} (serverless)`,
                started: true,
                schedule: { usingCron: loading.pruneSchedule },
                userTaskManagedInitialWarehouseSize: "XSMALL",
                sqlStatement: loading.pruneStatement(table, qualifiedSchema),
                ...reporting,
            }, { ...inSnowflake, dependsOn: [loads, ...reported] });

            views.push(new snowflake.View(`${name}-${table.name}`, {
                ...inSchema,
                name: loading.viewName(table),
                // A view the provider replaces (CREATE OR REPLACE, when its statement changes) keeps the grants made on it.
                copyGrants: true,
                comment: table.description,
                statement: loading.latestLoadView(table, qualifiedSchema),
            }, { ...inSnowflake, dependsOn: [loads] }));
        }

        for (const query of snowflakeQuestions()) {
            new snowflake.View(`${name}-question-${query.name}`, {
                ...inSchema,
                name: query.name.toUpperCase(),
                copyGrants: true,
                comment: query.question,
                statement: query.sql,
            }, { ...inSnowflake, dependsOn: [...views, ...Object.values(this.tables)] });
        }

        // The transformed bucket's one notification configuration: each table's folder to its pipe's queue.
        // Prefixes end in '/', so no two overlap (S3 refuses overlapping filters for the same event).
        this.notification = new aws.s3.BucketNotification(`${name}-notification`, {
            bucket: args.transformedBucket.name,
            queues: tables.map(table => ({
                id: `snowflake-${table.name}`,
                queueArn: this.pipes[table.name]!.notificationChannel.apply(queue => sameRegionQueue(queue, args.region)),
                events: ["s3:ObjectCreated:*"],
                filterPrefix: `${transformedPrefix}/${table.name}/`,
                filterSuffix: `.${loading.fileExtension(args.tableFormat)}`,
            })),
        }, { parent: this, dependsOn: Object.values(this.pipes) });

        this.registerOutputs({
            databaseName: this.databaseName,
            storageIntegrationName: this.integration.name,
            roleArn: this.role.arn,
        });
    }
}
