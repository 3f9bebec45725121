// The identity policy a person (or a BI tool's role) needs to open and run the stack's named queries in the Athena
// console, and nothing more: the stack's workgroup, reads of its Glue database and of the tables' files, and the query
// results under the workgroup's results prefix. The stack creates no user or policy (its deploy role may create
// neither); it exports this document (`analystPolicy`) for an administrator to attach, and tests/infra/analyst.test.ts
// checks it with the IAM simulator.
import * as pulumi from "@pulumi/pulumi";
import { contract } from "./lakeContract";

export interface AnalystPolicyArgs {
    readonly partition: pulumi.Input<string>;
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
    readonly workgroupName: pulumi.Input<string>;
    readonly databaseName: pulumi.Input<string>;
    readonly transformedBucketArn: pulumi.Input<string>;
    readonly resultsBucketArn: pulumi.Input<string>;
    readonly resultsPrefix: string;
}

/** The policy document, as JSON, for a managed policy: `aws iam create-policy --policy-document "$(pulumi stack output analystPolicy)"` (longer than a user's inline policies may be). */
export function analystPolicy(args: AnalystPolicyArgs): pulumi.Output<string> {
    return pulumi
        .all([args.partition, args.accountId, args.workgroupName, args.databaseName, args.transformedBucketArn, args.resultsBucketArn])
        .apply(([partition, account, workgroup, database, transformed, results]) => {
            const athena = `arn:${partition}:athena:${args.region}:${account}`;
            const glue = `arn:${partition}:glue:${args.region}:${account}`;
            return JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        // The console lists workgroups and engine versions before any is chosen; these name no resource.
                        Sid: "FindTheWorkgroup",
                        Effect: "Allow",
                        Action: ["athena:ListWorkGroups", "athena:ListEngineVersions", "athena:ListDataCatalogs"],
                        Resource: "*",
                    },
                    {
                        Sid: "RunTheNamedQueriesInTheStacksWorkgroup",
                        Effect: "Allow",
                        Action: [
                            "athena:GetWorkGroup", "athena:ListNamedQueries", "athena:GetNamedQuery", "athena:BatchGetNamedQuery",
                            "athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution",
                            "athena:BatchGetQueryExecution", "athena:ListQueryExecutions", "athena:GetQueryResults",
                            "athena:GetQueryResultsStream",
                        ],
                        Resource: `${athena}:workgroup/${workgroup}`,
                    },
                    {
                        Sid: "BrowseTheDatabase",
                        Effect: "Allow",
                        Action: ["athena:GetDataCatalog", "athena:ListDatabases", "athena:GetDatabase", "athena:ListTableMetadata", "athena:GetTableMetadata"],
                        Resource: `${athena}:datacatalog/AwsDataCatalog`,
                    },
                    {
                        Sid: "ReadTheCatalog",
                        Effect: "Allow",
                        Action: ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
                        Resource: [`${glue}:catalog`, `${glue}:database/${database}`, `${glue}:table/${database}/*`],
                    },
                    {
                        // Athena looks up the Region's default database whatever database a query names (AWS's Athena guide,
                        // fine-grained access to the Glue Data Catalog): its metadata alone, none of its tables.
                        Sid: "LookUpTheDefaultDatabase",
                        Effect: "Allow",
                        Action: "glue:GetDatabase",
                        Resource: [`${glue}:catalog`, `${glue}:database/default`],
                    },
                    {
                        Sid: "ReadTheTables",
                        Effect: "Allow",
                        Action: "s3:GetObject",
                        Resource: `${transformed}/${contract.lake.transformed}*`,
                    },
                    {
                        Sid: "ListTheTables",
                        Effect: "Allow",
                        Action: "s3:ListBucket",
                        Resource: transformed,
                        Condition: { StringLike: { "s3:prefix": `${contract.lake.transformed}*` } },
                    },
                    {
                        Sid: "WriteAndReadQueryResults",
                        Effect: "Allow",
                        Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                        Resource: `${results}/${args.resultsPrefix}*`,
                    },
                    {
                        Sid: "ListQueryResults",
                        Effect: "Allow",
                        Action: "s3:ListBucket",
                        Resource: results,
                        Condition: { StringLike: { "s3:prefix": `${args.resultsPrefix}*` } },
                    },
                    {
                        Sid: "FindTheBuckets",
                        Effect: "Allow",
                        Action: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
                        Resource: [transformed, results],
                    },
                ],
            });
        });
}
