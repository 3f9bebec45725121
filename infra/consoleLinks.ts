// AWS console addresses of what the stack made, as stack outputs a person can click.
import * as pulumi from "@pulumi/pulumi";

const console = (region: string, service: string, fragment: string): string =>
    `https://${region}.console.aws.amazon.com/${service}/home?region=${region}#${fragment}`;

export const functionLink = (region: string, name: pulumi.Input<string>): pulumi.Output<string> =>
    pulumi.interpolate`${console(region, "lambda", "/functions/")}${name}`;

export const logGroupLink = (region: string, functionName: pulumi.Input<string>): pulumi.Output<string> =>
    pulumi.interpolate`${console(region, "cloudwatch", "logsV2:log-groups/log-group/$252Faws$252Flambda$252F")}${functionName}`;

export const bucketLink = (region: string, bucket: pulumi.Input<string>): pulumi.Output<string> =>
    pulumi.interpolate`https://${region}.console.aws.amazon.com/s3/buckets/${bucket}?region=${region}`;

export const alarmsLink = (region: string, prefix: string): string =>
    console(region, "cloudwatch", `alarmsV2:?~(search~'${prefix})`);

export const athenaLink = (region: string): string => console(region, "athena", "/query-editor");
