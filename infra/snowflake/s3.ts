/**
 * Snowflake's side of the lake's S3: how it names the S3 of each AWS partition, and which of Snowpipe's queues the
 * bucket's notifications can reach. Pure functions, tested without Snowflake.
 */
import * as pulumi from "@pulumi/pulumi";

/**
 * Snowflake's name for the S3 of an AWS partition, and the URL scheme of its locations: a lake in GovCloud or in China is
 * `S3GOV` with `s3gov://` or `S3CHINA` with `s3china://` (read by a Snowflake account in that same region only).
 */
export function snowflakeS3(partition: string): { readonly provider: string; readonly scheme: string } {
    switch (partition) {
        case "aws-us-gov":
            return { provider: "S3GOV", scheme: "s3gov" };
        case "aws-cn":
            return { provider: "S3CHINA", scheme: "s3china" };
        default:
            return { provider: "S3", scheme: "s3" };
    }
}

/**
 * The pipe's queue, if it is in the bucket's region; otherwise an error that names both regions (S3 notifies only
 * queues in its own region). Known at preview for existing pipes; snowflakeAwsRegion checks new ones earlier.
 */
export function sameRegionQueue(queueArn: string, region: string): string {
    const queueRegion = queueArn.split(":")[3];
    if (queueRegion !== undefined && queueRegion !== "" && queueRegion !== region) {
        throw new pulumi.RunError(`Snowpipe's queue ${queueArn} is in ${queueRegion}, the lake's bucket in ${region}: S3 notifies only a queue in `
            + "the bucket's own region. Use a Snowflake account in the stack's region (set snowflakeAwsRegion to check it before anything is created).");
    }
    return queueArn;
}
