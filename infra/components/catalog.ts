import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GlueColumnType, PartitionDefinition, TableDefinition, isPartitioned, partitionColumn, partitionFormat, partitionOf, tables, transformedPrefix } from "../catalog/tables";
import type { TableFormat } from "../config";

/**
 * The Glue Data Catalog over the transformed bucket.
 *
 * The tables are declared here, not left to the crawler: Athena reads them as Parquet (the
 * default) or with OpenCSVSerDe (quoted commas stay in their column, the header row skipped), and
 * finds every snapshot_date partition through partition projection, so every named query is right from the first run on,
 * before any crawler has run and whatever the crawler infers. The crawler only adds partitions
 * (for Glue consumers that do not use projection) and logs schema drift; its role cannot create,
 * change or delete tables. See docs/analytics.md.
 */
export interface CatalogArgs {
    /** Name of the transformed bucket (tables live under `transformed/<table>/`). */
    transformedBucketName: pulumi.Input<string>;
    /** ARN of the transformed bucket, to scope the crawler role. */
    transformedBucketArn: pulumi.Input<string>;
    /** Glue database name (lower case, digits, underscores). Default: the component name, sanitized. */
    databaseName?: string;
    /** Glue cron expression for the crawler, after the daily extraction, e.g. `cron(30 6 * * ? *)`; "" runs it on demand only. */
    crawlerSchedule?: pulumi.Input<string>;
    /** The file format the transformation writes: `parquet` (default) or `csv`. */
    tableFormat?: TableFormat;
    /** First snapshot date partition projection considers (yyyy-MM-dd). Default 2025-01-01. */
    firstSnapshotDate?: string;
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** ARN of the managed policy that bounds the crawler role's permissions. */
    permissionsBoundary?: pulumi.Input<string>;
}

export const openCsvSerDe = "org.apache.hadoop.hive.serde2.OpenCSVSerde";
/** OpenCSVSerDe's escape character for the CSV tables: one the lake's text never holds (see storageFormat). */
export const csvEscapeChar = "\u0001";
export const parquetSerDe = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
export const defaultCrawlerSchedule = "cron(0 7 * * ? *)";
export const defaultFirstSnapshotDate = "2025-01-01";
/** The first month a month-partitioned table (listening_history) projects: Spotify launched in 2008. */
export const firstHistoryMonth = "2008-01";
/**
 * The last month it projects, a year past the query's day (Athena's relative date): a stream is dated by the end time
 * the listener's device recorded, and a device's clock may run ahead, where `NOW` would leave its month out of every
 * Athena answer while DuckDB, reading the files, counts it.
 */
export const lastHistoryMonth = "NOW+1YEARS";

/**
 * The crawler's `Configuration` JSON: the partitions it adds are typed like their table. The grouping policy changes
 * nothing for a crawler of catalog tables, but Glue stores it in such a crawler's configuration whether it was given or
 * not; the provider compares the JSON it reads back with this one, so without it every preview would show the crawler
 * changing and every `pulumi up` would update it.
 */
export const crawlerConfiguration = {
    Version: 1.0,
    CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
    Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
};

export function glueDatabaseName(name: string): string {
    const sanitized = name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
    if (!/^[a-z0-9_]{1,255}$/.test(sanitized)) {
        throw new Error(`Cannot derive a Glue database name from '${name}'.`);
    }
    return sanitized;
}

/** `s3://<bucket>/transformed/<table>/`: the table's root, where its snapshot_date folders are. */
export const tableLocation = (bucket: pulumi.Input<string>, table: TableDefinition): pulumi.Output<string> =>
    pulumi.interpolate`s3://${bucket}/${transformedPrefix}/${table.name}/`;

/**
 * Glue table parameters: header skipped, empty numbers read as NULL, the partition (snapshot_date unless the
 * table has its own) projected; a current-state table (partition null) has no partition to project.
 */
export function tableParameters(location: string, firstSnapshotDate: string, format: TableFormat = "parquet",
    partition: PartitionDefinition | null = partitionColumn): Record<string, string> {
    const formatParameters: Record<string, string> = format === "csv"
        ? {
            classification: "csv",
            "skip.header.line.count": "1",
            // An empty field means NULL in the contract (popularity is always empty in Development
            // Mode). OpenCSVSerDe cannot read '' as a number and would fail the whole query.
            "use.null.for.invalid.data": "TRUE",
        }
        : { classification: "parquet", "parquet.compression": "SNAPPY" };
    if (partition === null) {
        return formatParameters;
    }
    const p = partition.name;
    const { format: valueFormat, unit } = partitionFormat(partition);
    return {
        ...formatParameters,
        "projection.enabled": "true",
        [`projection.${p}.type`]: "date",
        [`projection.${p}.format`]: valueFormat,
        [`projection.${p}.range`]: unit === "MONTHS" ? `${firstHistoryMonth},${lastHistoryMonth}` : `${firstSnapshotDate},NOW`,
        [`projection.${p}.interval`]: "1",
        [`projection.${p}.interval.unit`]: unit,
        "storage.location.template": `${location}${p}=\${${p}}/`,
    };
}

const glueType = (type: GlueColumnType): string => type;

/** How Glue and Athena read each format's files. */
export function storageFormat(format: TableFormat): Pick<aws.types.input.glue.CatalogTableStorageDescriptor, "inputFormat" | "outputFormat" | "serDeInfo"> {
    return format === "csv"
        ? {
            inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            serDeInfo: {
                name: "OpenCSVSerDe",
                serializationLibrary: openCsvSerDe,
                // The writer doubles quotes (RFC 4180) and escapes nothing. OpenCSVSerDe's default escape, a backslash,
                // would drop every lone backslash of a name and end a field at `\"`; U+0001 never occurs in the lake's
                // text (the writer removes control characters), so no character is read as an escape.
                parameters: { separatorChar: ",", quoteChar: "\"", escapeChar: csvEscapeChar },
            },
        }
        : {
            inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            serDeInfo: {
                name: "ParquetHiveSerDe",
                serializationLibrary: parquetSerDe,
                parameters: { "serialization.format": "1" },
            },
        };
}

export class Catalog extends pulumi.ComponentResource {
    readonly database: aws.glue.CatalogDatabase;
    readonly databaseName: pulumi.Output<string>;
    readonly tables: Record<string, aws.glue.CatalogTable>;
    /** The CSV classifier the crawler uses for a CSV lake; Parquet needs none. */
    readonly classifier?: aws.glue.Classifier;
    readonly crawlerRole: aws.iam.Role;
    readonly crawlerPolicy: aws.iam.RolePolicy;
    readonly crawler: aws.glue.Crawler;
    readonly crawlerName: pulumi.Output<string>;

    constructor(name: string, args: CatalogArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:Catalog", name, {}, opts);
        const firstSnapshotDate = args.firstSnapshotDate ?? defaultFirstSnapshotDate;
        const format = args.tableFormat ?? "parquet";
        if (!/^\d{4}-\d{2}-\d{2}$/.test(firstSnapshotDate)) {
            throw new Error(`firstSnapshotDate must be yyyy-MM-dd, not '${firstSnapshotDate}'.`);
        }
        const child = { parent: this };
        const tags = args.tags ?? {};

        this.database = new aws.glue.CatalogDatabase(`${name}-database`, {
            name: args.databaseName ?? glueDatabaseName(name),
            description: `Spotify Stack: the transformed lake (${format === "csv" ? "CSV" : "Parquet"}, partitioned by snapshot_date)`,
            tags,
        }, child);
        this.databaseName = this.database.name;

        this.tables = {};
        for (const table of tables) {
            const location = tableLocation(args.transformedBucketName, table);
            this.tables[table.name] = new aws.glue.CatalogTable(`${name}-${table.name}`, {
                name: table.name,
                databaseName: this.database.name,
                description: table.description,
                tableType: "EXTERNAL_TABLE",
                parameters: location.apply(l => tableParameters(l, firstSnapshotDate, format, isPartitioned(table) ? partitionOf(table) : null)),
                partitionKeys: isPartitioned(table)
                    ? [{ name: partitionOf(table).name, type: glueType(partitionOf(table).type), comment: partitionOf(table).comment }]
                    : [],
                storageDescriptor: {
                    location,
                    ...storageFormat(format),
                    columns: table.columns.map(c => ({ name: c.name, type: glueType(c.type), comment: c.comment })),
                },
            }, child);
        }

        if (format === "csv") {
            this.classifier = new aws.glue.Classifier(`${name}-csv`, {
                csvClassifier: { delimiter: ",", quoteSymbol: "\"", containsHeader: "PRESENT", serde: "OpenCSVSerDe", allowSingleColumn: false },
            }, child);
        }

        this.crawlerRole = new aws.iam.Role(`${name}-crawler`, {
            description: "Glue crawler of the transformed lake: reads transformed/, adds partitions",
            permissionsBoundary: args.permissionsBoundary,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Service: "glue.amazonaws.com" },
                    Action: "sts:AssumeRole",
                }],
            }),
            tags,
        }, child);

        // ARNs in the database's account, region and partition: arn:<partition>:glue:<region>:<account>:database/<name>.
        const arnParts = this.database.arn.apply(arn => {
            const [, partition, , region, account] = arn.split(":");
            return { partition, region, account };
        });
        const glueArn = (resource: pulumi.Input<string>) =>
            pulumi.interpolate`arn:${arnParts.partition}:glue:${arnParts.region}:${arnParts.account}:${resource}`;

        this.crawlerPolicy = new aws.iam.RolePolicy(`${name}-crawler`, {
            role: this.crawlerRole.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadTransformedTables",
                        Effect: "Allow",
                        Action: ["s3:GetObject"],
                        Resource: [pulumi.interpolate`${args.transformedBucketArn}/${transformedPrefix}/*`],
                    },
                    {
                        Sid: "ListTransformedTables",
                        Effect: "Allow",
                        Action: ["s3:ListBucket"],
                        Resource: [args.transformedBucketArn],
                        Condition: { StringLike: { "s3:prefix": [`${transformedPrefix}/`, `${transformedPrefix}/*`] } },
                    },
                    {
                        Sid: "LocateTransformedBucket",
                        Effect: "Allow",
                        Action: ["s3:GetBucketLocation"],
                        Resource: [args.transformedBucketArn],
                    },
                    {
                        Sid: "ReadCatalogTables",
                        Effect: "Allow",
                        Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables"],
                        Resource: [
                            glueArn("catalog"),
                            glueArn(pulumi.interpolate`database/${this.database.name}`),
                            glueArn(pulumi.interpolate`table/${this.database.name}/*`),
                        ],
                    },
                    {
                        Sid: "AddPartitions",
                        Effect: "Allow",
                        Action: [
                            "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition",
                            "glue:CreatePartition", "glue:BatchCreatePartition",
                            "glue:UpdatePartition", "glue:BatchUpdatePartition",
                        ],
                        Resource: [
                            glueArn("catalog"),
                            glueArn(pulumi.interpolate`database/${this.database.name}`),
                            glueArn(pulumi.interpolate`table/${this.database.name}/*`),
                        ],
                    },
                    {
                        Sid: "WriteCrawlerLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: [
                            pulumi.interpolate`arn:${arnParts.partition}:logs:${arnParts.region}:${arnParts.account}:log-group:/aws-glue/crawlers`,
                            pulumi.interpolate`arn:${arnParts.partition}:logs:${arnParts.region}:${arnParts.account}:log-group:/aws-glue/crawlers:*`,
                        ],
                    },
                ],
            }),
        }, child);

        this.crawler = new aws.glue.Crawler(`${name}-crawler`, {
            description: "Adds the new snapshot_date partitions of the declared tables; logs schema changes, never applies them",
            databaseName: this.database.name,
            role: this.crawlerRole.arn,
            classifiers: this.classifier === undefined ? [] : [this.classifier.name],
            // The declared tables themselves are its sources, not their S3 folders: a crawler of S3 paths decides its
            // own tables and may create one beside a declared table, which its role may not (a failed run, every
            // day). A current-state table is one file with no partitions: nothing for the crawler to add.
            catalogTargets: [{ databaseName: this.database.name, tables: tables.filter(isPartitioned).map(t => t.name) }],
            configuration: JSON.stringify(crawlerConfiguration),
            // Catalog sources allow LOG only for deletions, and crawl everything (incremental crawls are for S3 paths).
            schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
            recrawlPolicy: { recrawlBehavior: "CRAWL_EVERYTHING" },
            schedule: args.crawlerSchedule === "" ? undefined : args.crawlerSchedule ?? defaultCrawlerSchedule,
            tags,
        }, {
            parent: this, dependsOn: [this.crawlerPolicy, ...Object.values(this.tables)],
            // The provider sends no list for an empty one, and Glue keeps the last: a CSV stack turned Parquet would keep
            // naming its deleted classifier, a diff at every preview. A new crawler (Pulumi names it) starts clean.
            replaceOnChanges: ["classifiers"],
        });
        this.crawlerName = this.crawler.name;

        this.registerOutputs({
            databaseName: this.databaseName,
            tableNames: tables.map(t => t.name),
            crawlerName: this.crawlerName,
        });
    }
}
