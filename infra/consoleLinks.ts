// AWS console addresses of what the stack made, as stack outputs a person can click.
import * as pulumi from "@pulumi/pulumi";

/**
 * The console of the region's partition: each of the commercial regions has a host of its own; China, GovCloud and the
 * European Sovereign Cloud have one console each, which the region's query parameter points at the region.
 */
export function consoleHost(region: string): string {
    if (region.startsWith("cn-")) {
        return "console.amazonaws.cn";
    }
    if (region.startsWith("us-gov-")) {
        return "console.amazonaws-us-gov.com";
    }
    if (region.startsWith("eusc-")) {
        return "console.amazonaws-eusc.eu";
    }
    return `${region}.console.aws.amazon.com`;
}

const console = (region: string, service: string, fragment: string): string =>
    `https://${consoleHost(region)}/${service}/home?region=${region}#${fragment}`;

export const functionLink = (region: string, name: pulumi.Input<string>): pulumi.Output<string> =>
    pulumi.interpolate`${console(region, "lambda", "/functions/")}${name}`;

export const logGroupLink = (region: string, functionName: pulumi.Input<string>): pulumi.Output<string> =>
    pulumi.interpolate`${console(region, "cloudwatch", "logsV2:log-groups/log-group/$252Faws$252Flambda$252F")}${functionName}`;

export const bucketLink = (region: string, bucket: pulumi.Input<string>): pulumi.Output<string> =>
    pulumi.interpolate`https://${consoleHost(region)}/s3/buckets/${bucket}?region=${region}`;

export const alarmsLink = (region: string, prefix: string): string =>
    console(region, "cloudwatch", `alarmsV2:?~(search~'${prefix})`);

export const athenaLink = (region: string): string => console(region, "athena", "/query-editor");
