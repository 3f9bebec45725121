// Least-privilege permissions of the two functions, as policy statements a test can read. Resources are the
// lake's bucket prefixes and the one secret; the only deletes are of table files under transformed/ (a day whose
// table became empty) and of the current-state digests an earlier version wrote in another layout. Logs and
// dead-letter-queue permissions are added by the LambdaFunction component. tests/lambda-role-s3.json says the same of
// S3, key by key, for the tests on both sides.
import * as pulumi from "@pulumi/pulumi";
import { contract } from "./lakeContract";

const lake = contract.lake;
import type { PolicyStatement } from "./components/lambdaFunction";

const objects = (bucketArn: pulumi.Input<string>, prefix: string): pulumi.Output<string> =>
    pulumi.interpolate`${bucketArn}/${prefix}*`;

/**
 * The folders under raw/ the extraction lands in: one per source of Spotify's API. Not the data export's copies
 * (raw/spotify_export/), which only the transform lands, which never expire, and which no API can serve again.
 */
const apiSourceFolders = (Object.entries(contract.rawSources) as [string, string][])
    .filter(([name]) => name !== "spotifyExport")
    .map(([, segment]) => `${lake.raw}${segment}/`);

export function extractStatements(rawBucketArn: pulumi.Input<string>, secretArn: pulumi.Input<string>): PolicyStatement[] {
    return [
        {
            Sid: "LandRawResponsesStateAndManifests",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: [...apiSourceFolders.map((folder) => objects(rawBucketArn, folder)), objects(rawBucketArn, lake.state), objects(rawBucketArn, lake.manifests)],
        },
        {
            // The only objects extract reads: its state (the cursors and snapshot ids of the last run) and its lease.
            Sid: "ReadExtractionState",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: objects(rawBucketArn, lake.state),
        },
        {
            Sid: "ListExtractionState",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: rawBucketArn,
            Condition: { StringLike: { "s3:prefix": `${lake.state}*` } },
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
            Resource: [objects(rawBucketArn, lake.manifests), objects(rawBucketArn, lake.raw)],
        },
        {
            // S3 answers a role that may not list a key's prefix 403 for a missing key: with this, a run without a manifest
            // (an extraction stopped before writing it) or a manifest removed after its event reads as missing, not denied.
            Sid: "ListRunManifests",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: rawBucketArn,
            Condition: { StringLike: { "s3:prefix": `${lake.manifests}*` } },
        },
        {
            Sid: "ListRawResponsesOfADay",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: rawBucketArn,
            Condition: { StringLike: { "s3:prefix": `${lake.raw}*` } },
        },
        {
            Sid: "QuarantineBadRawObjects",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: objects(rawBucketArn, lake.quarantine),
        },
        {
            // An import reads every recently-played page, and one it cannot read is set aside unless an earlier run did:
            // it asks whether the page's quarantine copy is there (a HEAD), and the listing lets a copy not there read
            // as missing, not denied.
            Sid: "SeeWhatIsSetAside",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: objects(rawBucketArn, lake.quarantine),
        },
        {
            Sid: "ListWhatIsSetAside",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: rawBucketArn,
            Condition: { StringLike: { "s3:prefix": `${lake.quarantine}*` } },
        },
        {
            // The quarantine copy is of the version that was read (the raw bucket is versioned): an object rewritten
            // since leaves in quarantine the bytes its reason speaks of.
            Sid: "CopyTheVersionRead",
            Effect: "Allow",
            Action: "s3:GetObjectVersion",
            Resource: [objects(rawBucketArn, lake.manifests), objects(rawBucketArn, lake.raw)],
        },
        {
            // The run fragments and the current-state digests: written, then read back by later invocations.
            Sid: "WriteAndReadStaging",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: objects(transformedBucketArn, lake.staging),
        },
        {
            // Each run's report is written for people and alarms to read, and read back for a run without a manifest: it
            // names the raw objects the run's fragment was built from, so that a replay after its snapshots expired keeps it.
            Sid: "WriteAndReadRunReports",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: objects(transformedBucketArn, lake.reports),
        },
        {
            // A day whose table becomes empty (an emptied playlist) loses its old file.
            Sid: "PublishTables",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: objects(transformedBucketArn, lake.transformed),
        },
        {
            // A data export dropped under import/: its streaming-history files land under raw/spotify_export/. It is read as
            // the version its event names (GetObjectVersion), so an export overwritten before its event is handled is still imported.
            Sid: "ImportDataExports",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: objects(rawBucketArn, lake.import),
        },
        {
            // S3 answers a role that may not list a key's prefix 403 for a missing key: with this, an export removed
            // before its event is handled (it holds IP addresses; users delete it) reads as missing and is skipped.
            Sid: "ListDroppedDataExports",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: rawBucketArn,
            Condition: { StringLike: { "s3:prefix": `${lake.import}*` } },
        },
        {
            Sid: "LandDataExportFiles",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: objects(rawBucketArn, `${lake.raw}spotify_export/`),
        },
        {
            // The listening history's months: one that no longer has rows loses its file.
            Sid: "ListListeningHistoryMonths",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: transformedBucketArn,
            Condition: { StringLike: { "s3:prefix": `${lake.transformed}listening_history/*` } },
        },
        {
            Sid: "ListRunFragments",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: transformedBucketArn,
            Condition: { StringLike: { "s3:prefix": `${lake.staging}*` } },
        },
        {
            // With this, a run never reported (no fragment built yet) reads as missing, not as refused.
            Sid: "ListRunReports",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: transformedBucketArn,
            Condition: { StringLike: { "s3:prefix": `${lake.reports}*` } },
        },
        {
            // The current-state digests of the earlier layout (gzip JSON), which nothing reads, go once every day with
            // partitions has its digest in this one; that upgrade otherwise fails on them at every invocation.
            Sid: "DeleteEarlierLayoutDigests",
            Effect: "Allow",
            Action: "s3:DeleteObject",
            Resource: pulumi.interpolate`${transformedBucketArn}/${lake.staging}current/*.json.gz`,
        },
        {
            // Until every day with partitions has its current-state digest (a new stack's first transform, or a lake an
            // earlier version wrote, and once more when an earlier version's invocation can no longer be running), the
            // transform lists the daily partitions of the tables the current-state tables hold the latest rows of, to
            // give each day without a digest its digest.
            Sid: "ListPartitionsOfCurrentStateSources",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: transformedBucketArn,
            Condition: { StringLike: { "s3:prefix": currentStateSources.map((table) => `${lake.transformed}${table}/*`) } },
        },
    ];
}

/** The daily tables whose latest row per key a current-state table holds (`currentOf` in contract.json). */
const currentStateSources: readonly string[] = contract.tables.flatMap((table) => (table.currentOf === undefined ? [] : [table.currentOf]));
