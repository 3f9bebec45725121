// Spotify Stack's CI in AWS: GitHub's OIDC provider and the two roles the workflows assume. Run once per AWS
// account, with credentials allowed to manage IAM (an administrator), from this folder:
//   npm ci --prefix ..            (the program uses infra/'s packages)
//   pulumi stack init ci && pulumi config set githubRepository <owner>/<name> && pulumi up
// Then store the outputs previewRoleArn and deployRoleArn as the repository secrets AWS_PREVIEW_ROLE_ARN and
// AWS_DEPLOY_ROLE_ARN (README, "Continuous delivery").
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deployPolicy, deploySubjects, githubOidcUrl, previewPolicy, previewSubjects, stsAudience, trustPolicy } from "./policies";

const config = new pulumi.Config();
const repository = config.require("githubRepository");
if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new pulumi.RunError(`spotify-stack-ci:githubRepository must be owner/name, e.g. octo-org/spotify-stack (got "${repository}")`);
}
const environments = config.getObject<string[]>("deployEnvironments") ?? ["dev", "production"];
if (environments.length === 0 || !environments.every((e) => /^[A-Za-z0-9_.-]+$/.test(e))) {
    throw new pulumi.RunError(`spotify-stack-ci:deployEnvironments must list GitHub environment names (got ${JSON.stringify(environments)})`);
}
const namePrefix = config.get("namePrefix") ?? "spotify";
if (!/^[a-z][a-z0-9-]{0,19}$/.test(namePrefix)) {
    throw new pulumi.RunError(`spotify-stack-ci:namePrefix must be the stacks' namePrefix: 1-20 lowercase letters, digits or hyphens (got "${namePrefix}")`);
}
const stateBucket = config.get("stateBucket") ?? "";
const existingProvider = config.get("oidcProviderArn") ?? "";

const provider = existingProvider !== ""
    ? pulumi.output(existingProvider)
    : new aws.iam.OpenIdConnectProvider("github-actions", { url: githubOidcUrl, clientIdLists: [stsAudience] }).arn;
const accountId = aws.getCallerIdentityOutput({}).accountId;

// Outside `<namePrefix>-*`, so the deploy role, which manages the stacks' roles, cannot change these two.
const roleName = (purpose: string) => `github-actions-${namePrefix}-${purpose}`;

const preview = new aws.iam.Role("preview", {
    name: roleName("preview"),
    description: `pulumi preview from pull requests of ${repository}: read-only`,
    assumeRolePolicy: provider.apply((arn) => JSON.stringify(trustPolicy(arn, previewSubjects(repository)))),
    maxSessionDuration: 3600,
});
new aws.iam.RolePolicy("preview-read", {
    role: preview.name,
    policy: accountId.apply((id) => JSON.stringify(previewPolicy({ accountId: id, namePrefix, stateBucket }))),
});

const deploy = new aws.iam.Role("deploy", {
    name: roleName("deploy"),
    description: `pulumi up from the ${environments.join(", ")} environments of ${repository}`,
    assumeRolePolicy: provider.apply((arn) => JSON.stringify(trustPolicy(arn, deploySubjects(repository, environments)))),
    maxSessionDuration: 3600,
});
new aws.iam.RolePolicy("deploy-manage", {
    role: deploy.name,
    policy: accountId.apply((id) => JSON.stringify(deployPolicy({ accountId: id, namePrefix, stateBucket }))),
});

export const oidcProviderArn = provider;
export const previewRoleArn = preview.arn;
export const deployRoleArn = deploy.arn;
