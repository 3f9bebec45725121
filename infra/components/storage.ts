// The lake's three buckets: raw Spotify responses, transformed tables, Athena query results.
// Every bucket is private, encrypted at rest, TLS-only and owned by the bucket owner.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StorageConfig } from "../config";
import { contract } from "../lakeContract";

export interface StorageArgs {
    readonly config: StorageConfig;
}

export interface SecureBucketArgs {
    readonly forceDestroy: boolean;
    readonly encryption: StorageConfig["encryption"];
    /** Protect and retain the bucket: it holds data that cannot be recreated. */
    readonly protect?: boolean;
}

/** One private, encrypted, TLS-only bucket with enforced object ownership. */
export class SecureBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:SecureBucket", name, {}, opts);
        // A retained bucket keeps its settings: deleted on their own (`pulumi destroy --exclude-protected`), they
        // would leave the data public-blockless, plain-HTTP-readable and without its default encryption.
        const child = { parent: this, retainOnDelete: args.protect === true };

        // A protected bucket stops `pulumi destroy` and any replacement with an error; retained, it stays in
        // AWS (with its objects) if it leaves the stack anyway.
        this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy }, {
            parent: this,
            protect: args.protect === true,
            retainOnDelete: args.protect === true,
        });
        this.name = this.bucket.bucket;
        this.arn = this.bucket.arn;

        const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
            bucket: this.bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, child);

        new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
            bucket: this.bucket.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }, child);

        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
            bucket: this.bucket.id,
            rules: [{
                applyServerSideEncryptionByDefault: { sseAlgorithm: args.encryption },
                // Bucket Keys cut KMS requests; meaningless (and harmless) for SSE-S3.
                bucketKeyEnabled: args.encryption === "aws:kms",
            }],
        }, child);

        // The public access block must exist first, or S3 may judge the policy before public policies are blocked.
        new aws.s3.BucketPolicy(`${name}-tls-only`, {
            bucket: this.bucket.id,
            policy: tlsOnlyPolicy(this.bucket.arn),
        }, { ...child, dependsOn: [publicAccess] });

        this.registerOutputs({ name: this.name, arn: this.arn });
    }
}

/** Deny every S3 action over plain HTTP, on the bucket and on its objects. */
export function tlsOnlyPolicy(bucketArn: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
    });
}

export class Storage extends pulumi.ComponentResource {
    /** raw/ (landed responses), quarantine/, state/, manifests/. Versioned. */
    readonly raw: SecureBucket;
    /** staging/, transformed/{table}/snapshot_date=D/, reports/. */
    readonly transformed: SecureBucket;
    /** Athena query results; expire. */
    readonly athenaResults: SecureBucket;

    constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:Storage", name, {}, opts);
        const c = args.config;
        const bucketArgs = { forceDestroy: c.forceDestroy, encryption: c.encryption };

        // The raw responses and the tables are the lake; Athena's results are disposable and never protected.
        const dataBucketArgs = { ...bucketArgs, protect: c.protectData };
        this.raw = new SecureBucket(`${name}-raw`, dataBucketArgs, { parent: this });
        // Retained with the bucket: deleting the versioning configuration suspends versioning.
        const retained = { parent: this, retainOnDelete: c.protectData };
        const versioning = new aws.s3.BucketVersioning(`${name}-raw-versioning`, {
            bucket: this.raw.bucket.id,
            versioningConfiguration: { status: "Enabled" },
        }, retained);

        const rawObjectRule: aws.types.input.s3.BucketLifecycleConfigurationRule = {
            id: "raw-responses-age-out",
            status: "Enabled",
            filter: { prefix: contract.lake.raw },
            transitions: c.rawTransitionDays > 0
                ? [{ days: c.rawTransitionDays, storageClass: c.rawTransitionStorageClass }]
                : undefined,
            expiration: c.rawExpirationDays > 0 ? { days: c.rawExpirationDays } : undefined,
        };
        const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
            {
                id: "old-versions-and-uploads",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays: c.rawNoncurrentVersionExpirationDays },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                expiration: { expiredObjectDeleteMarker: true },
            },
        ];
        if (rawObjectRule.transitions !== undefined || rawObjectRule.expiration !== undefined) {
            rules.push(rawObjectRule);
        }
        // Lifecycle rules on a versioned bucket must follow its versioning configuration.
        new aws.s3.BucketLifecycleConfiguration(`${name}-raw-lifecycle`, {
            bucket: this.raw.bucket.id,
            rules,
        }, { ...retained, dependsOn: [versioning] });

        this.transformed = new SecureBucket(`${name}-transformed`, dataBucketArgs, { parent: this });

        this.athenaResults = new SecureBucket(`${name}-athena-results`, bucketArgs, { parent: this });
        new aws.s3.BucketLifecycleConfiguration(`${name}-athena-results-lifecycle`, {
            bucket: this.athenaResults.bucket.id,
            rules: [{
                id: "query-results-expire",
                status: "Enabled",
                filter: {},
                expiration: { days: c.athenaResultsExpirationDays },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            }],
        }, { parent: this });

        this.registerOutputs({
            rawBucketName: this.raw.name,
            transformedBucketName: this.transformed.name,
            athenaResultsBucketName: this.athenaResults.name,
        });
    }
}
