// Extraction runs trigger the transform: the raw bucket's one notification configuration (S3 allows one
// per bucket), filtered to manifests/*.json, the object each run writes last, listing every raw object it
// landed. One invocation per run, never one per page. A Spotify data export dropped under import/ (its zip
// or its files) triggers the same function, which imports it. The transform's own writes (quarantine/,
// raw/spotify_export/) never re-trigger it. An invoke permission scoped to this bucket in this account.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { contract } from "../lakeContract";
import type { LambdaFunction } from "./lambdaFunction";

export const manifestPrefix = contract.lake.manifests;
export const manifestSuffix = ".json";
export const importPrefix = contract.lake.import;

export interface TriggerArgs {
    readonly bucket: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
    readonly accountId: pulumi.Input<string>;
    readonly target: LambdaFunction;
}

export class Trigger extends pulumi.ComponentResource {
    readonly notification: aws.s3.BucketNotification;

    constructor(name: string, args: TriggerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("spotify:etl:Trigger", name, {}, opts);

        const permission = new aws.lambda.Permission(`${name}-invoke`, {
            action: "lambda:InvokeFunction",
            function: args.target.name,
            principal: "s3.amazonaws.com",
            sourceArn: args.bucket.arn,
            sourceAccount: args.accountId,
        }, { parent: this });

        // S3 tests the destination when the configuration is written: the permission must exist first.
        this.notification = new aws.s3.BucketNotification(name, {
            bucket: args.bucket.name,
            lambdaFunctions: [{
                lambdaFunctionArn: args.target.arn,
                events: ["s3:ObjectCreated:*"],
                filterPrefix: manifestPrefix,
                filterSuffix: manifestSuffix,
            }, {
                lambdaFunctionArn: args.target.arn,
                events: ["s3:ObjectCreated:*"],
                filterPrefix: importPrefix,
            }],
        }, { parent: this, dependsOn: [permission] });

        this.registerOutputs({});
    }
}
