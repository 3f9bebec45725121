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
