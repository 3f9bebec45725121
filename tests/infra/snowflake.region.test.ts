// S3 notifies only a queue in the bucket's own region: the pipe's queue is checked before the notification is
// declared, for every pair of regions.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { sameRegionQueue, snowflakeS3 } from "../../infra/snowflake/s3";

const regions = ["us-east-1", "us-west-2", "eu-north-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1"];
const queue = (region: string) => `arn:aws:sqs:${region}:999988887777:sf-snowpipe-AIDAEXAMPLE-abcdefghij`;

test("a Snowpipe queue in the bucket's region is used as it is", () => {
    for (const region of regions) {
        assert.equal(sameRegionQueue(queue(region), region), queue(region));
    }
});

test("a Snowpipe queue in any other region is refused, naming both regions and what to do", () => {
    for (const bucketRegion of regions) {
        for (const queueRegion of regions.filter((r) => r !== bucketRegion)) {
            assert.throws(() => sameRegionQueue(queue(queueRegion), bucketRegion), (error: Error) =>
                error.message.includes(`is in ${queueRegion}, the lake's bucket in ${bucketRegion}`)
                && error.message.includes("S3 notifies only a queue in the bucket's own region")
                && error.message.includes("snowflakeAwsRegion"));
        }
    }
});

test("Snowflake names the S3 of each AWS partition apart: S3, S3GOV with s3gov://, S3CHINA with s3china://", () => {
    assert.deepEqual(snowflakeS3("aws"), { provider: "S3", scheme: "s3" });
    assert.deepEqual(snowflakeS3("aws-us-gov"), { provider: "S3GOV", scheme: "s3gov" });
    assert.deepEqual(snowflakeS3("aws-cn"), { provider: "S3CHINA", scheme: "s3china" });
});
