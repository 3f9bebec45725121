// Least-privilege permissions of the two functions, as policy statements a test can read. Resources are the
// contract's bucket prefixes and the one secret (contracts.md, "Runtime configuration contract"); no delete
// anywhere. Logs and dead-letter-queue permissions are added by the LambdaFunction component.
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "./components/lambdaFunction";

const objects = (bucketArn: pulumi.Input<string>, prefix: string): pulumi.Output<string> =>
    pulumi.interpolate`${bucketArn}/${prefix}*`;

export function extractStatements(rawBucketArn: pulumi.Input<string>, secretArn: pulumi.Input<string>): PolicyStatement[] {
    return [
        {
            Sid: "LandRawResponsesStateAndManifests",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: [objects(rawBucketArn, "raw/"), objects(rawBucketArn, "state/"), objects(rawBucketArn, "manifests/")],
        },
        {
            Sid: "ListExtractionState",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: rawBucketArn,
            Condition: { StringLike: { "s3:prefix": "state/*" } },
        },
        {
            // PutSecretValue stores a refresh token Spotify rotated.
            Sid: "ReadAndRotateSpotifyCredentials",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
            Resource: secretArn,
        },
    ];
}

export function transformStatements(rawBucketArn: pulumi.Input<string>, transformedBucketArn: pulumi.Input<string>): PolicyStatement[] {
    return [
        {
            Sid: "ReadRawResponses",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: objects(rawBucketArn, "raw/"),
        },
        {
            Sid: "QuarantineBadRawObjects",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: objects(rawBucketArn, "quarantine/"),
        },
        {
            Sid: "WriteTablesAndReports",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: [
                objects(transformedBucketArn, "staging/"),
                objects(transformedBucketArn, "transformed/"),
                objects(transformedBucketArn, "reports/"),
            ],
        },
        {
            Sid: "ListStagedRows",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: transformedBucketArn,
            Condition: { StringLike: { "s3:prefix": "staging/*" } },
        },
    ];
}
