// Spotify Stack's delivery in AWS and GitHub, once per AWS account, with administrator credentials (and a GitHub
// token allowed to administer the repository, unless manageGitHub is false). It declares:
//   - the state bucket of a self-managed backend (versioned, earlier versions kept 90 days, encrypted, public access
//     blocked, TLS only),
//   - per stack: a KMS key for the stack's secrets provider, the permissions boundary of every role the stack
//     creates, a preview role and a deploy role, each trusting only its GitHub environment,
//   - in GitHub: the repository's OIDC subject (repository_id, context, ref), per stack the `<stack>` environment (main
//     only, reviewers where asked) and the `<stack>-preview` environment, their AWS_ROLE_ARN variables, the
//     backend URL variable, and a ruleset on main.
// Steps: docs/deploying.md.
import * as aws from "@pulumi/aws";
import * as github from "@pulumi/github";
import * as pulumi from "@pulumi/pulumi";
import { namePrefixProblem, permissionsBoundaryName } from "../boundary";
import { declaredWithout } from "../environment";
import {
    boundaryPolicy, deployPolicy, deploySubject, githubActionsAppId, githubOidcUrl, previewEnvironment, previewPolicy, previewSubjects, secretsKeyPolicy, stateBucketPolicy,
    providerArnProblem, providerAudienceProblem, stsAudience, subjectClaimKeys, trustPolicy,
} from "./policies";

const config = new pulumi.Config();
const problems: string[] = [];
const repository = config.require("githubRepository");
if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    problems.push(`githubRepository must be owner/name, e.g. octo-org/spotify-stack (got "${repository}")`);
}
const stacks = config.getObject<string[]>("stacks") ?? ["dev", "production"];
// Letters and digits only: `<namePrefix>-dev-*` then never matches another stack's names.
if (stacks.length === 0 || !stacks.every((s) => /^[a-z][a-z0-9]{0,19}$/.test(s))) {
    problems.push(`stacks must list the stack names, lowercase letters and digits (got ${JSON.stringify(stacks)})`);
}
const namePrefix = config.get("namePrefix") ?? "spotify";
const namePrefixRefused = namePrefixProblem(namePrefix);
if (namePrefixRefused !== undefined) {
    problems.push(`namePrefix must be the stacks' namePrefix, and ${namePrefixRefused.replace(/^must /, "")} (got "${namePrefix}")`);
}
const stateBucket = config.get("stateBucket") ?? "";
if (stateBucket !== "" && (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(stateBucket) || stacks.some((s) => stateBucket.startsWith(`${namePrefix}-${s}-`)))) {
    problems.push(`stateBucket must be an S3 bucket name outside every stack's names (<namePrefix>-<stack>-...) (got "${stateBucket}")`);
}
const existingProvider = config.get("oidcProviderArn") ?? "";
const manageGitHub = config.getBoolean("manageGitHub") ?? true;
/** An organization that sets its repositories' workflow permissions itself makes GitHub refuse a repository's (409). */
const manageWorkflowPermissions = config.getBoolean("manageWorkflowPermissions") ?? true;
// The roles trust the repository by its numeric id. Read from GitHub when the bootstrap manages it; otherwise given.
const configuredRepositoryId = (config.get("githubRepositoryId") ?? "") || undefined;
if (configuredRepositoryId !== undefined && !/^[1-9][0-9]{0,18}$/.test(configuredRepositoryId)) {
    problems.push(`githubRepositoryId must be the repository's numeric id (gh api repos/${repository} --jq .id) (got "${configuredRepositoryId}")`);
}
if (!manageGitHub && configuredRepositoryId === undefined) {
    problems.push(`githubRepositoryId must be set when manageGitHub is false: the roles trust the repository by its id (gh api repos/${repository} --jq .id)`);
}
const reviewedStacks = config.getObject<string[]>("reviewedStacks") ?? ["production"];
const reviewerUserIds = config.getObject<number[]>("reviewerUserIds") ?? [];
const reviewerTeamIds = config.getObject<number[]>("reviewerTeamIds") ?? [];
if (manageGitHub && reviewedStacks.length > 0 && reviewerUserIds.length + reviewerTeamIds.length === 0) {
    problems.push("reviewerUserIds or reviewerTeamIds must name who approves deployments of "
        + `${reviewedStacks.join(", ")} (GitHub ids: gh api users/<login> --jq .id), or set reviewedStacks to []`);
}
if (!reviewedStacks.every((s) => stacks.includes(s))) {
    problems.push(`reviewedStacks must be among stacks (${stacks.join(", ")}) (got ${JSON.stringify(reviewedStacks)})`);
}
if (problems.length > 0) {
    throw new pulumi.RunError(`Invalid bootstrap configuration:\n  - ${problems.map((p) => `spotify-stack-ci:${p}`).join("\n  - ")}`);
}

/**
 * A problem found once AWS has answered, in the words of the configuration's. Thrown inside an output, it fails the
 * preview (`pulumi up` stops before it changes anything) and Pulumi prints it after the inputs it was serializing.
 */
function refuseIf(problem: string | undefined): void {
    if (problem !== undefined) {
        throw new pulumi.RunError(`Invalid bootstrap configuration:\n  - spotify-stack-ci:${problem}`);
    }
}

const region = aws.getRegionOutput().region;
const accountId = aws.getCallerIdentityOutput({}).accountId;
// aws, aws-cn or aws-us-gov: every ARN the policies name is in the account's partition, as the stack program's are.
const partitionFacts = aws.getPartitionOutput({});
const partition = partitionFacts.partition;
// The end of the partition's endpoint names (amazonaws.com, amazonaws.com.cn in China): the boundary knows the services
// that use a key on a role's behalf by their endpoints.
const dnsSuffix = partitionFacts.dnsSuffix;
// An existing provider is checked before any role trusts it: GitHub Actions' in this account, and listing the audience
// the workflows' tokens carry (a job's AWS login would otherwise fail, long after this program succeeded).
const provider = existingProvider === ""
    ? new aws.iam.OpenIdConnectProvider("github-actions", { url: githubOidcUrl, clientIdLists: [stsAudience] }).arn
    : pulumi.all([accountId, partition]).apply(([account, inPartition]) => {
        refuseIf(providerArnProblem(existingProvider, account, inPartition));
        return aws.iam.getOpenIdConnectProviderOutput({ arn: existingProvider }).apply((found) => {
            refuseIf(providerAudienceProblem(existingProvider, found));
            return existingProvider;
        });
    });

const [owner, name] = repository.split("/") as [string, string];
const gh = manageGitHub ? githubProvider(owner) : undefined;
const repositoryId: pulumi.Output<number> = configuredRepositoryId !== undefined
    ? pulumi.output(Number(configuredRepositoryId))
    : github.getRepositoryOutput({ fullName: repository }, { provider: gh }).repoId;

// The state bucket: every overwritten or deleted state file kept (versions) for 90 days, encrypted, never public,
// reachable over TLS only.
/** Days an overwritten or deleted state file's version is kept: time to notice a bad update and restore the checkpoint before it. */
const stateNoncurrentVersionDays = 90;
let backendUrl: pulumi.Output<string> | undefined;
if (stateBucket !== "") {
    const bucket = new aws.s3.Bucket("state", { bucket: stateBucket }, { protect: true });
    const versioning = new aws.s3.BucketVersioning("state", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    // Every update rewrites the stack's checkpoint: without an end, each earlier version is kept, and billed, for good.
    // The backend also writes a copy of each update's checkpoint, and its record, under .pulumi/history/<project>/<stack>/:
    // objects of their own, current, which this rule leaves alone. `pulumi stack history` reads them; they stay until
    // someone removes them.
    new aws.s3.BucketLifecycleConfiguration("state", {
        bucket: bucket.id,
        rules: [{
            id: "earlier-versions-expire",
            status: "Enabled",
            filter: { prefix: "" },
            noncurrentVersionExpiration: { noncurrentDays: stateNoncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        }],
    }, { dependsOn: [versioning] });
    new aws.s3.BucketServerSideEncryptionConfiguration("state", {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
    });
    new aws.s3.BucketPublicAccessBlock("state", {
        bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    new aws.s3.BucketOwnershipControls("state", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new aws.s3.BucketPolicy("state-tls-only", { bucket: bucket.id, policy: partition.apply((p) => JSON.stringify(stateBucketPolicy({ partition: p, stateBucket }))) });
    backendUrl = pulumi.interpolate`s3://${stateBucket}?region=${region}`;
}

// Outside `<namePrefix>-<stack>-*`, so no deploy role, which manages its stack's roles, can change these.
const roleName = (stack: string, purpose: string) => `github-actions-${namePrefix}-${stack}-${purpose}`;

interface StackAccess {
    readonly previewRoleArn: pulumi.Output<string>;
    readonly deployRoleArn: pulumi.Output<string>;
    readonly secretsProvider: pulumi.Output<string>;
    readonly permissionsBoundaryArn: pulumi.Output<string>;
}

const access: Record<string, StackAccess> = {};
for (const stack of stacks) {
    const key = new aws.kms.Key(`${stack}-secrets`, {
        description: `Secrets provider of the ${stack} stack of ${repository} (awskms://)`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.all([partition, accountId]).apply(([p, id]) => JSON.stringify(secretsKeyPolicy({ partition: p, accountId: id }))),
    }, { protect: true });
    const alias = new aws.kms.Alias(`${stack}-secrets`, { name: `alias/${namePrefix}-${stack}-pulumi-secrets`, targetKeyId: key.keyId });

    const boundary = new aws.iam.Policy(`${stack}-boundary`, {
        name: permissionsBoundaryName(namePrefix, stack),
        description: `The most any role of the ${stack} stack may do`,
        policy: pulumi.all([partition, dnsSuffix, accountId])
            .apply(([p, suffix, id]) => JSON.stringify(boundaryPolicy({ partition: p, dnsSuffix: suffix, accountId: id, namePrefix, stack }))),
    });

    const scope = pulumi.all([partition, dnsSuffix, accountId, key.arn]).apply(([p, suffix, id, keyArn]) =>
        ({ partition: p, dnsSuffix: suffix, accountId: id, namePrefix, stack, stateBucket, secretsKeyArn: keyArn, reviewed: reviewedStacks.includes(stack) }));
    const preview = new aws.iam.Role(`${stack}-preview`, {
        name: roleName(stack, "preview"),
        description: `pulumi preview of the ${stack} stack from pull requests of ${repository}: read-only`,
        assumeRolePolicy: pulumi.all([provider, repositoryId]).apply(([arn, id]) => JSON.stringify(trustPolicy(arn, previewSubjects(id, stack)))),
        maxSessionDuration: 3600,
    });
    new aws.iam.RolePolicy(`${stack}-preview-read`, { role: preview.name, policy: scope.apply((s) => JSON.stringify(previewPolicy(s))) });

    const deploy = new aws.iam.Role(`${stack}-deploy`, {
        name: roleName(stack, "deploy"),
        description: `pulumi up of the ${stack} stack from the ${stack} environment of ${repository}, on main`,
        assumeRolePolicy: pulumi.all([provider, repositoryId]).apply(([arn, id]) => JSON.stringify(trustPolicy(arn, deploySubject(id, stack)))),
        maxSessionDuration: 3600,
    });
    new aws.iam.RolePolicy(`${stack}-deploy-manage`, { role: deploy.name, policy: scope.apply((s) => JSON.stringify(deployPolicy(s))) });

    access[stack] = {
        previewRoleArn: preview.arn,
        deployRoleArn: deploy.arn,
        secretsProvider: pulumi.interpolate`awskms://${alias.name}?region=${region}`,
        permissionsBoundaryArn: boundary.arn,
    };
}

if (gh !== undefined) {
    const inGitHub = { provider: gh };

    // The subject AWS matches carries the repository's id and the ref: a deploy role trusts its environment on main only.
    new github.ActionsRepositoryOidcSubjectClaimCustomizationTemplate("oidc-subject", {
        repository: name, useDefault: false, includeClaimKeys: [...subjectClaimKeys],
    }, inGitHub);

    for (const stack of stacks) {
        const reviewed = reviewedStacks.includes(stack);
        const environment = new github.RepositoryEnvironment(stack, {
            repository: name,
            environment: stack,
            deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
            preventSelfReview: reviewed,
            canAdminsBypass: false,
            ...(reviewed ? { reviewers: [{ users: reviewerUserIds, teams: reviewerTeamIds }] } : {}),
        }, inGitHub);
        new github.RepositoryEnvironmentDeploymentPolicy(`${stack}-main`, {
            repository: name, environment: environment.environment, branchPattern: "main",
        }, inGitHub);
        new github.ActionsEnvironmentVariable(`${stack}-role`, {
            repository: name, environment: environment.environment, variableName: "AWS_ROLE_ARN", value: access[stack]!.deployRoleArn,
        }, inGitHub);

        // Previews of pull requests (ref refs/pull/N/merge, so no branch rule) and of main: no reviewers, the read-only role.
        const preview = new github.RepositoryEnvironment(`${stack}-preview`, {
            repository: name, environment: previewEnvironment(stack), canAdminsBypass: true,
        }, inGitHub);
        new github.ActionsEnvironmentVariable(`${stack}-preview-role`, {
            repository: name, environment: preview.environment, variableName: "AWS_ROLE_ARN", value: access[stack]!.previewRoleArn,
        }, inGitHub);
    }
    if (backendUrl !== undefined) {
        new github.ActionsVariable("backend-url", { repository: name, variableName: "PULUMI_BACKEND_URL", value: backendUrl }, inGitHub);
    }
    new github.RepositoryRuleset("main", {
        repository: name,
        name: "main",
        target: "branch",
        enforcement: "active",
        conditions: { refName: { includes: ["~DEFAULT_BRANCH"], excludes: [] } },
        rules: {
            deletion: true,
            nonFastForward: true,
            // The approval must come after the last push, from someone other than its pusher: a collaborator who pushes onto
            // another's pull request cannot approve their own commit.
            pullRequest: { requiredApprovingReviewCount: 1, dismissStaleReviewsOnPush: true, requireLastPushApproval: true },
            // The tests, and every stack's preview (pull-request.yml's job "previews"). Each check must come from GitHub
            // Actions: a status any other app or token posts under the same name does not count.
            requiredStatusChecks: { requiredChecks: [
                { context: "make test", integrationId: githubActionsAppId },
                { context: "previews", integrationId: githubActionsAppId },
            ], strictRequiredStatusChecksPolicy: true },
        },
    }, inGitHub);
    // A workflow's GITHUB_TOKEN reads unless a job asks for more, and never approves a pull request: where an older
    // repository's setting allowed it, a pull request's own code could approve itself and meet the rule above.
    if (manageWorkflowPermissions) {
        new github.WorkflowRepositoryPermissions("workflow-permissions", {
            repository: name, defaultWorkflowPermissions: "read", canApprovePullRequestReviews: false,
        }, inGitHub);
    }
}

export const oidcProviderArn = provider;
export const githubRepositoryId = repositoryId;
export const backend = backendUrl ?? "Pulumi Cloud (no stateBucket)";
export const stackAccess = access;

/**
 * The GitHub provider, without the token in its recorded inputs (../environment.ts). The provider keeps its name: a
 * resource whose provider changes is replaced.
 */
function githubProvider(owner: string): github.Provider {
    return declaredWithout(["GITHUB_TOKEN"], () => new github.Provider("github", { owner }));
}
