import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NamedQuerySource, loadNamedQueries } from "../catalog/namedQueries";
import { athenaLink } from "../consoleLinks";

/**
 * Athena for the lake: a workgroup whose settings users cannot override (results in the results
 * bucket, encrypted, a per-query scan cutoff, CloudWatch metrics), and one saved query per
 * `queries/*.sql` file, the same text spotify-etl runs locally on DuckDB.
 */
export interface AnalyticsArgs {
    /** The Glue database the named queries run against (Catalog.databaseName). */
    databaseName: pulumi.Input<string>;
    /** Bucket for Athena query results (its lifecycle expires them). */
    resultsBucketName: pulumi.Input<string>;
    /**
     * How the results bucket encrypts objects by default (the stack's `bucketEncryption`). Under `aws:kms` Athena asks
     * for no encryption of its own, so the bucket's KMS default applies to the results as to the lake; otherwise
     * Athena asks for SSE-S3 explicitly. Default `AES256`.
     */
    resultsBucketEncryption?: "AES256" | "aws:kms";
    /** Key prefix of the results inside that bucket. Default `athena-results/`. */
    resultsPrefix?: string;
    /** Largest scan a single query may do, in bytes (Athena's minimum is 10 MB). */
    bytesScannedCutoffPerQuery: number;
    /** Delete the workgroup even if it holds query history. Default true (the history is not data). */
    forceDestroy?: boolean;
    /** The queries to save. Default: every `.sql` file of queries/. */
    queries?: readonly NamedQuerySource[];
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export const athenaMinimumBytesScannedCutoff = 10 * 1024 * 1024;
export const defaultResultsPrefix = "athena-results/";
const athenaDescriptionLimit = 1024;

export function namedQueryDescription(query: NamedQuerySource): string {
    const text = query.description.length > 0 ? `${query.question} ${query.description}` : query.question;
    return text.length <= athenaDescriptionLimit ? text : `${text.slice(0, athenaDescriptionLimit - 1)}…`;
}

export class Analytics extends pulumi.ComponentResource {
    readonly workgroup: aws.athena.Workgroup;
    readonly workgroupName: pulumi.Output<string>;
    readonly namedQueries: Record<string, aws.athena.NamedQuery>;
    /** Named query ids by query name (the .sql file name). */
    readonly namedQueryIds: pulumi.Output<Record<string, string>>;
    readonly resultsLocation: pulumi.Output<string>;
    readonly consoleUrl: pulumi.Output<string>;

    constructor(name: string, args: AnalyticsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:Analytics", name, {}, opts);
        const cutoff = args.bytesScannedCutoffPerQuery;
        if (!Number.isInteger(cutoff) || cutoff < athenaMinimumBytesScannedCutoff) {
            throw new Error(`bytesScannedCutoffPerQuery must be a whole number of bytes, at least ${athenaMinimumBytesScannedCutoff} (10 MB); got ${cutoff}.`);
        }
        const prefix = args.resultsPrefix ?? defaultResultsPrefix;
        if (prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new Error(`resultsPrefix must be a relative key prefix ending in '/', e.g. '${defaultResultsPrefix}'; got '${prefix}'.`);
        }
        const queries = args.queries ?? loadNamedQueries();
        if (queries.length === 0) {
            throw new Error("No named queries to save: queries/ holds no .sql file.");
        }
        const child = { parent: this };

        this.resultsLocation = pulumi.interpolate`s3://${args.resultsBucketName}/${prefix}`;
        this.workgroup = new aws.athena.Workgroup(`${name}-workgroup`, {
            description: "Spotify Stack analytics: the named queries over the transformed lake",
            forceDestroy: args.forceDestroy ?? true,
            configuration: {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                bytesScannedCutoffPerQuery: cutoff,
                engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                resultConfiguration: {
                    outputLocation: this.resultsLocation,
                    // An explicit SSE-S3 would override a bucket encrypted with KMS: results of the lake's data kept
                    // under a weaker key than the data, their reads never in KMS's audit trail.
                    ...(args.resultsBucketEncryption === "aws:kms" ? {} : { encryptionConfiguration: { encryptionOption: "SSE_S3" } }),
                },
            },
            tags: args.tags ?? {},
        }, child);
        this.workgroupName = this.workgroup.name;

        this.namedQueries = {};
        for (const query of queries) {
            this.namedQueries[query.name] = new aws.athena.NamedQuery(`${name}-${query.name.replace(/_/g, "-")}`, {
                name: query.name,
                description: namedQueryDescription(query),
                database: args.databaseName,
                workgroup: this.workgroup.name,
                query: query.sql,
            }, child);
        }
        const ids: Record<string, pulumi.Output<string>> = {};
        for (const [queryName, resource] of Object.entries(this.namedQueries)) {
            ids[queryName] = resource.id;
        }
        this.namedQueryIds = pulumi.output(ids);

        const region = this.workgroup.arn.apply(arn => arn.split(":")[3] ?? "");
        this.consoleUrl = region.apply(athenaLink);

        this.registerOutputs({
            workgroupName: this.workgroupName,
            namedQueryIds: this.namedQueryIds,
            resultsLocation: this.resultsLocation,
            consoleUrl: this.consoleUrl,
        });
    }
}
