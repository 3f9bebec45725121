// The AWS Parameters and Secrets Lambda Extension: the extract function reads its credentials through it
// (localhost:2773). Layer ARNs differ per region and architecture, so the stack either pins one in config
// (parametersSecretsExtensionLayerArn, reviewable in previews) or reads AWS's public SSM parameter for the
// latest version at deployment time.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Architecture } from "./config";

export const extensionHttpPort = "2773";

export function extensionLayerParameter(architecture: Architecture): string {
    return `/aws/service/aws-parameters-and-secrets-lambda-extension/${architecture === "arm64" ? "arm64" : "x86"}/latest`;
}

export function parametersSecretsExtensionLayer(
    configuredArn: string,
    architecture: Architecture,
    provider: aws.Provider,
): pulumi.Output<string> {
    if (configuredArn !== "") {
        return pulumi.output(configuredArn);
    }
    return aws.ssm.getParameterOutput({ name: extensionLayerParameter(architecture) }, { provider }).value;
}
