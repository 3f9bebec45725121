// The lake's three buckets: raw Spotify responses, transformed tables, Athena query results.
// Every bucket is private, encrypted at rest, TLS-only and owned by the bucket owner.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StorageConfig } from "../config";
import { contract, type RawSourceName } from "../lakeContract";

export interface StorageArgs {
    readonly config: StorageConfig;
}

export interface SecureBucketArgs {
    readonly forceDestroy: boolean;
    readonly encryption: StorageConfig["encryption"];
    /** Protect and retain the bucket: it holds data that cannot be recreated. */
    readonly protect?: boolean;
    /** Key patterns (`raw/recently_played/*`) whose objects and versions no one may delete while the bucket policy stands. */
    readonly undeletable?: readonly string[];
}

/** The options of one of a bucket's settings: deleted with the bucket (never before it), retained with it. */
function bucketSetting(bucket: aws.s3.Bucket, retain: boolean, parent: pulumi.Resource): pulumi.CustomResourceOptions {
    return { parent, retainOnDelete: retain, deletedWith: bucket };
}

/** One private, encrypted, TLS-only bucket with enforced object ownership. */
export class SecureBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:SecureBucket", name, {}, opts);
        // A protected bucket stops `pulumi destroy` and any replacement with an error; retained, it stays in
        // AWS (with its objects) if it leaves the stack anyway.
        this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy }, {
            parent: this,
            protect: args.protect === true,
            retainOnDelete: args.protect === true,
        });
        // A bucket's settings go only with it. Deleted on their own, as dependents are before what they depend on, they
        // would leave the data public-blockless, plain-HTTP-readable and without its default encryption: retained with
        // a retained bucket (`pulumi destroy --exclude-protected`), and never deleted ahead of one, whose delete may
        // still stop the destroy (BucketNotEmpty without force-destroy).
        const child = bucketSetting(this.bucket, args.protect === true, this);
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

        // The public access block must exist first, or S3 may judge the policy before public policies are blocked. (Named
        // for its first statement: a new name would replace it, and the bucket would be without it in between.)
        new aws.s3.BucketPolicy(`${name}-tls-only`, {
            bucket: this.bucket.id,
            policy: tlsOnlyPolicy(this.bucket.arn, args.undeletable),
        }, { ...child, dependsOn: [publicAccess] });

        this.registerOutputs({ name: this.name, arn: this.arn });
    }
}

/**
 * Deny every S3 action over plain HTTP, on the bucket and on its objects; and, given key patterns, every deletion of
 * their objects and versions, by anyone (an administrator's `aws s3 rm --recursive`, a role with `s3:*`). S3's
 * lifecycle is no request and still expires what its rules name.
 */
export function tlsOnlyPolicy(bucketArn: pulumi.Input<string>, undeletable: readonly string[] = []): pulumi.Output<string> {
    const keep = undeletable.length === 0 ? [] : [{
        Sid: "KeepTheListenersHistory",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
        Resource: undeletable.map((pattern) => pulumi.interpolate`${bucketArn}/${pattern}`),
    }];
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        }, ...keep],
    });
}

/**
 * What no one may delete from the raw bucket of a stack with protectData: the listener's history (each `history`
 * source's objects), which Spotify cannot serve again. Not the exports as uploaded under import/: they hold the
 * listener's IP addresses, and once imported their streams are in raw/spotify_export/.
 */
export function historyKeyPatterns(): string[] {
    return (Object.entries(contract.rawSources) as [RawSourceName, string][])
        .filter(([source]) => contract.rawSourceLifecycle[source] === "history")
        .map(([, segment]) => `${contract.lake.raw}${segment}/*`);
}

type RawLifecycleSettings = Pick<StorageConfig, "rawTransitionDays" | "rawTransitionStorageClass" | "rawExpirationDays">;

/**
 * One rule per raw source, filtered on its own prefix `raw/<segment>/` (the slash keeps `raw/playlist/` off
 * `raw/playlist_items/`): a snapshot source moves to the colder class and expires, a history source only moves,
 * and so do the uploads under `import/`; an expiring source's `quarantine/<segment>/` expires with it.
 * Every class the config allows (STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR) answers GetObject at once, so the
 * history rebuild reads a moved object as it reads a new one. A snapshot expires no sooner than its class's minimum
 * storage duration after it moves (the config refuses an earlier rawExpirationDays: see storageClasses.ts). A rule's id
 * is its source's segment and kind alone, whatever the config, so a change of days or class updates the same rules in place.
 */
export function rawSourceRules(c: RawLifecycleSettings): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    const transitions = c.rawTransitionDays > 0 ? [{ days: c.rawTransitionDays, storageClass: c.rawTransitionStorageClass }] : undefined;
    const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [];
    for (const [source, segment] of Object.entries(contract.rawSources) as [RawSourceName, string][]) {
        const history = contract.rawSourceLifecycle[source] === "history";
        const expiration = !history && c.rawExpirationDays > 0 ? { days: c.rawExpirationDays } : undefined;
        if (transitions === undefined && expiration === undefined) {
            continue;
        }
        rules.push({
            id: history ? `raw-${segment}-history-transition` : `raw-${segment}-age-out`,
            status: "Enabled",
            filter: { prefix: `${contract.lake.raw}${segment}/` },
            transitions,
            expiration,
        });
        if (expiration !== undefined) {
            // What the transform set aside of the source (a copy and its reason under quarantine/<segment>/) goes with it.
            rules.push({ id: `quarantine-${segment}-age-out`, status: "Enabled", filter: { prefix: `${contract.lake.quarantine}${segment}/` }, expiration });
        }
    }
    // The data exports uploaded under import/ are the listener's history as it was given: often hundreds of MB a
    // zip, read again only by a new import of the same upload. They move with the raw sources and never expire.
    if (transitions !== undefined) {
        rules.push({ id: "import-history-transition", status: "Enabled", filter: { prefix: contract.lake.import }, transitions });
    }
    return rules;
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
        this.raw = new SecureBucket(`${name}-raw`, { ...dataBucketArgs, undeletable: c.protectData ? historyKeyPatterns() : [] }, { parent: this });
        // Gone only with the bucket: deleting the versioning configuration suspends versioning.
        const retained = bucketSetting(this.raw.bucket, c.protectData, this);
        const versioning = new aws.s3.BucketVersioning(`${name}-raw-versioning`, {
            bucket: this.raw.bucket.id,
            versioningConfiguration: { status: "Enabled" },
        }, retained);

        const rules: aws.types.input.s3.BucketLifecycleConfigurationRule[] = [
            {
                id: "old-versions-and-uploads",
                status: "Enabled",
                // Every object: an empty prefix, not an empty filter, which the AWS provider warns of on every
                // preview ("one (and only one) of ... is required") as soon to be an error.
                filter: { prefix: "" },
                noncurrentVersionExpiration: { noncurrentDays: c.rawNoncurrentVersionExpirationDays },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                expiration: { expiredObjectDeleteMarker: true },
            },
            ...rawSourceRules(c),
        ];
        // Lifecycle rules on a versioned bucket must follow its versioning configuration.
        new aws.s3.BucketLifecycleConfiguration(`${name}-raw-lifecycle`, {
            bucket: this.raw.bucket.id,
            rules,
        }, { ...retained, dependsOn: [versioning] });

        this.transformed = new SecureBucket(`${name}-transformed`, dataBucketArgs, { parent: this });
        // Unfinished multipart uploads only: an `aws s3 cp` or `sync` of a large file into the lake (a stack moved, a restore)
        // stopped part-way leaves parts that are billed and never listed. Nothing the lake holds expires.
        new aws.s3.BucketLifecycleConfiguration(`${name}-transformed-lifecycle`, {
            bucket: this.transformed.bucket.id,
            rules: [{ id: "unfinished-uploads", status: "Enabled", filter: { prefix: "" }, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }],
        }, bucketSetting(this.transformed.bucket, c.protectData, this));

        // Query results only, which expire and which a query writes again: emptied by any destroy, or a stack without
        // force-destroy would stop at BucketNotEmpty there after deleting everything else.
        this.athenaResults = new SecureBucket(`${name}-athena-results`, { ...bucketArgs, forceDestroy: true }, { parent: this });
        new aws.s3.BucketLifecycleConfiguration(`${name}-athena-results-lifecycle`, {
            bucket: this.athenaResults.bucket.id,
            rules: [{
                id: "query-results-expire",
                status: "Enabled",
                filter: { prefix: "" },
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
