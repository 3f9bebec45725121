// The stack's aws:* settings reach the provider every resource is made with, as they would reach Pulumi's default
// provider: the program makes its own provider (for the default tags), which reads none of them by itself. A stack set to
// a profile, a role to assume or the accounts it may deploy into must not deploy with the shell's own credentials. A
// setting stored encrypted stays encrypted in the state, whichever it is.
import * as assert from "node:assert/strict";
import { before, test } from "node:test";
import * as awsSettings from "@pulumi/aws/config/vars";
import { programSettings } from "../../infra/awsProvider";
import { fakeFunctionsPackage, isSecretValue, runStack, exampleStack, type RecordedResource, unwrapSecret } from "./helpers/stackHarness";

/** A value for every setting @pulumi/aws reads from the aws: namespace, as `pulumi config set` stores it (JSON but for strings). */
const settings: Record<string, unknown> = {
    accessKey: "AKIAEXAMPLEEXAMPLE00",
    secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    token: "IQoJb3JpZ2luX2VjEXAMPLE",
    allowedAccountIds: ["123456789012"],
    forbiddenAccountIds: ["210987654321"],
    assumeRoles: [{ roleArn: "arn:aws:iam::123456789012:role/deployer", sessionName: "pulumi-up" }],
    assumeRoleWithWebIdentity: { roleArn: "arn:aws:iam::123456789012:role/deployer", webIdentityToken: "eyJhbGciOiJSUzI1NiJ9.EXAMPLE" },
    customCaBundle: "/etc/ssl/certs/corporate.pem",
    ec2MetadataServiceEndpoint: "http://169.254.169.254",
    ec2MetadataServiceEndpointMode: "IPv4",
    endpoints: [{ s3: "https://s3.internal.example" }],
    httpProxy: "http://proxy.internal.example:3128",
    httpsProxy: "http://analyst:EXAMPLEPASSWORD@proxy.internal.example:3129",
    noProxy: "169.254.169.254",
    ignoreTags: { keys: ["cost-centre"] },
    insecure: true,
    maxRetries: 7,
    profile: "analytics-sso",
    retryMode: "adaptive",
    s3UsEast1RegionalEndpoint: "regional",
    s3UsePathStyle: true,
    sharedConfigFiles: ["/home/analyst/.aws/config"],
    sharedCredentialsFiles: ["/home/analyst/.aws/credentials"],
    skipCredentialsValidation: true,
    skipMetadataApiCheck: true,
    skipRegionValidation: false, // the provider's default is true
    skipRequestingAccountId: true,
    stsRegion: "eu-west-1",
    tagPolicyCompliance: "warning",
    tokenBucketRateLimiterCapacity: 5000,
    useDualstackEndpoint: true,
    useFipsEndpoint: true,
    userAgents: ["analytics-team/1.0"],
};
/**
 * Stored encrypted on the stack (`pulumi config set --secret`): the credentials, and every other setting in turn in the order
 * above, scalars and structures alike, since any of them may carry one (a web identity token, a proxy URL with a password).
 */
const secretSettings = ["accessKey", "secretKey", "token",
    ...Object.keys(settings).filter((key, index) => index % 2 === 0 && !["accessKey", "secretKey", "token"].includes(key))];

const config = {
    ...exampleStack("dev"),
    "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
    ...Object.fromEntries(Object.entries(settings).map(([key, value]) => [`aws:${key}`, typeof value === "string" ? value : JSON.stringify(value)])),
    "aws:defaultTags": JSON.stringify({ tags: { "cost-centre": "music-analytics", owner: "set by the stack" } }),
};

let provider: RecordedResource;
before(async () => {
    const run = await runStack("dev", config, secretSettings.map((key) => `aws:${key}`));
    const providers = run.resources.filter((r) => r.type === "pulumi:providers:aws");
    assert.equal(providers.length, 1, "one AWS provider");
    provider = providers[0]!;
    assert.ok(run.resources.filter((r) => r.type.startsWith("aws:")).every((r) => r.provider?.includes("pulumi:providers:aws::aws")),
        "every AWS resource is made with it");
});

/** A provider input as the stack set it: providers receive their non-string settings as JSON. */
function given(value: unknown): unknown {
    const plain = unwrapSecret(value);
    if (typeof plain !== "string") {
        return plain;
    }
    try {
        return JSON.parse(plain);
    } catch {
        return plain;
    }
}

test("the test sets every setting @pulumi/aws reads from the stack's aws: namespace", () => {
    const missing = Object.keys(awsSettings).filter((key) => !(key in settings) && !(programSettings as readonly string[]).includes(key));
    assert.deepEqual(missing, [], "settings this test does not give: add a value for each");
});

for (const [key, value] of Object.entries(settings)) {
    test(`aws:${key} set on the stack reaches the stack's provider, a secret when stored as one`, () => {
        assert.deepEqual(given(provider.inputs[key]), value);
        assert.equal(isSecretValue(provider.inputs[key]), secretSettings.includes(key),
            secretSettings.includes(key) ? `aws:${key}, stored encrypted, stays a secret in the state` : `aws:${key}, stored in plain text, is shown in previews`);
    });
}

test("the stack's default tags are kept, under the program's project, stack and owner tags", () => {
    const tags = (given(provider.inputs["defaultTags"]) as { tags: Record<string, string> }).tags;
    assert.equal(tags["cost-centre"], "music-analytics");
    assert.equal(tags["owner"], "data-platform", "spotify-stack:owner, over the stack's own owner tag");
    assert.equal(tags["project"], "spotify-stack");
    assert.equal(tags["stack"], "dev");
});
