import * as aws from "@pulumi/aws";

// Walking skeleton: the two buckets of the lake. The stack issue declares the rest.
const raw = new aws.s3.Bucket("raw", {});
const transformed = new aws.s3.Bucket("transformed", {});

export const rawBucket = raw.bucket;
export const transformedBucket = transformed.bucket;
