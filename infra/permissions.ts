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
            Sid: "ReadRunsAndRawResponses",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: [objects(rawBucketArn, "manifests/"), objects(rawBucketArn, "raw/")],
        },
        {
            Sid: "ListRawResponsesOfADay",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: rawBucketArn,
            Condition: { StringLike: { "s3:prefix": "raw/*" } },
        },
        {
            Sid: "QuarantineBadRawObjects",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: objects(rawBucketArn, "quarantine/"),
        },
        {
            Sid: "WriteFragmentsAndReports",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: [objects(transformedBucketArn, "staging/"), objects(transformedBucketArn, "reports/")],
        },
        {
            // A day whose table becomes empty (an emptied playlist) loses its old file.
            Sid: "PublishTables",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: objects(transformedBucketArn, "transformed/"),
        },
        {
            Sid: "ListRunFragments",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: transformedBucketArn,
            Condition: { StringLike: { "s3:prefix": "staging/*" } },
        },
    ];
}
