// How AWS reads a role's trust of GitHub's OIDC tokens: the subjects (and audience) its conditions accept.

/** A statement of a role's trust policy, as far as its conditions go. */
export interface TrustStatement {
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : [v].flat());
const subKey = "token.actions.githubusercontent.com:sub";
const audKey = "token.actions.githubusercontent.com:aud";

/** The subjects a trust names: StringEquals exact, StringLike globs. */
export function trustedSubjects(statements: readonly TrustStatement[]): string[] {
    return statements.flatMap((s) => [...list(s.Condition?.["StringEquals"]?.[subKey]), ...list(s.Condition?.["StringLike"]?.[subKey])]);
}

/** AWS's matching of the trust's `sub` condition: StringEquals exact, StringLike with `*` and `?` as globs. */
export function trusts(statements: readonly TrustStatement[], subject: string, audience = "sts.amazonaws.com"): boolean {
    return statements.some((s) => {
        const equals = s.Condition?.["StringEquals"] ?? {};
        const like = s.Condition?.["StringLike"] ?? {};
        if (list(equals[audKey]).join() !== audience) {
            return false;
        }
        const exact = list(equals[subKey]);
        const globs = list(like[subKey]).map((g) =>
            new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`));
        return exact.includes(subject) || globs.some((g) => g.test(subject));
    });
}
