// Who may assume the workflows' roles: GitHub's OIDC token for this repository only, audience sts.amazonaws.com,
// with the subject the repository's customisation (repository_id, context, ref) gives it. The repository is named
// by its numeric id, which no other repository ever has: a repository created under the same owner and name after
// this one was deleted or renamed (or after its owner's name was given up and taken) gets another id and no role.
// A stack's deploy role trusts only jobs of the stack's environment running on main; its preview role trusts only
// jobs of the `<stack>-preview` environment running on a pull request's merge ref or on main.

export type ConditionBlock = Record<string, Record<string, string | readonly string[]>>;

export const githubOidcUrl = "https://token.actions.githubusercontent.com";
export const githubOidcHost = "token.actions.githubusercontent.com";
export const stsAudience = "sts.amazonaws.com";
/** The GitHub App id of GitHub Actions, the one source the ruleset accepts the `make test` check from. */
export const githubActionsAppId = 15368;
/** The claims the repository's OIDC subject carries (set by the bootstrap, or scripted: docs/deploying.md). */
export const subjectClaimKeys = ["repository_id", "context", "ref"] as const;

/** The OIDC subject of a stack's deploy jobs: its environment, on main, in the repository of this id. */
export const deploySubject = (repositoryId: number, stack: string): string =>
    `repository_id:${repositoryId}:environment:${stack}:ref:refs/heads/main`;

/**
 * The OIDC subjects of a stack's preview jobs, in the `<stack>-preview` environment: a pull request's merge ref,
 * and main, where the deploy workflow previews a reviewed stack before its reviewers approve.
 */
export const previewSubjects = (repositoryId: number, stack: string): string[] => [
    `repository_id:${repositoryId}:environment:${previewEnvironment(stack)}:ref:refs/pull/*/merge`,
    `repository_id:${repositoryId}:environment:${previewEnvironment(stack)}:ref:refs/heads/main`,
];

/** What AWS answers for an existing OIDC provider (aws.iam.getOpenIdConnectProvider). */
export interface ExistingOidcProvider {
    readonly clientIdLists: readonly string[];
}

/**
 * Why `oidcProviderArn` cannot name the workflows' provider, before it is looked up (undefined when it can): the ARN of
 * GitHub Actions' provider in the account and partition the bootstrap runs in. An account holds one provider per URL,
 * so one that already has GitHub's must name it.
 */
export function providerArnProblem(arn: string, accountId: string, partition: string): string | undefined {
    const expected = `arn:${partition}:iam::${accountId}:oidc-provider/${githubOidcHost}`;
    return arn === expected ? undefined
        : `oidcProviderArn must be GitHub Actions' provider in this account, ${expected} (aws iam list-open-id-connect-providers), `
            + `or empty for the bootstrap to create it (got "${arn}")`;
}

/**
 * Why an existing GitHub provider would refuse the workflows' tokens (undefined when it accepts them): each job asks
 * GitHub for a token of the audience sts.amazonaws.com, and STS accepts it only from a provider listing that audience
 * among its client ids; otherwise every job stops at its AWS login with "Incorrect token audience".
 */
export function providerAudienceProblem(arn: string, found: ExistingOidcProvider): string | undefined {
    return found.clientIdLists.includes(stsAudience) ? undefined
        : `oidcProviderArn: ${arn} does not list the audience ${stsAudience} among its client ids `
            + `(it lists ${found.clientIdLists.length === 0 ? "none" : found.clientIdLists.join(", ")}), so STS would refuse every workflow's `
            + `token ("Incorrect token audience"). Add it, then run the bootstrap again: aws iam add-client-id-to-open-id-connect-provider `
            + `--open-id-connect-provider-arn ${arn} --client-id ${stsAudience}`;
}

export const previewEnvironment = (stack: string): string => `${stack}-preview`;

export interface TrustPolicy {
    readonly Version: "2012-10-17";
    readonly Statement: readonly {
        readonly Sid: string;
        readonly Effect: "Allow";
        readonly Principal: { readonly Federated: string };
        readonly Action: "sts:AssumeRoleWithWebIdentity";
        readonly Condition: ConditionBlock;
    }[];
}

/** Exact subjects match with StringEquals; subjects with `*` (a pull request's number) with StringLike. */
export function trustPolicy(providerArn: string, subjects: string | readonly string[]): TrustPolicy {
    const list = [subjects].flat();
    const condition: ConditionBlock = list.every((s) => !s.includes("*"))
        ? { StringEquals: { [`${githubOidcHost}:aud`]: stsAudience, [`${githubOidcHost}:sub`]: list.length === 1 ? list[0]! : list } }
        : { StringEquals: { [`${githubOidcHost}:aud`]: stsAudience }, StringLike: { [`${githubOidcHost}:sub`]: list } };
    return {
        Version: "2012-10-17",
        Statement: [{
            Sid: "GitHubActionsOfThisRepository",
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: condition,
        }],
    };
}
