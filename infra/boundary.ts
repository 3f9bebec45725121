// The permissions boundary every IAM role of a stack carries: one managed policy per stack, declared by the
// bootstrap program (infra/bootstrap), whose deploy role may create a role only with it attached. Both programs
// derive its name from here, and check the namePrefix every name starts with the same way.

/** S3 refuses bucket names that start with these, and every bucket's name starts with `<namePrefix>-`. */
const reservedBucketPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];

/** What is wrong with a namePrefix, or undefined: 1-20 lowercase letters, digits or hyphens, starting with a letter, and no prefix S3 reserves. */
export function namePrefixProblem(namePrefix: string): string | undefined {
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(namePrefix)) {
        return "must be 1-20 lowercase letters, digits or hyphens, starting with a letter";
    }
    const reserved = reservedBucketPrefixes.find((p) => `${namePrefix}-`.startsWith(p));
    return reserved === undefined ? undefined : `must not start with "${reserved}": S3 refuses bucket names that do, and every bucket's name starts with namePrefix`;
}

/** `spotify-dev-boundary`: the stack's physical-name prefix and `boundary`. */
export function permissionsBoundaryName(namePrefix: string, stack: string): string {
    return `${namePrefix}-${stack}-boundary`;
}

export function permissionsBoundaryArn(partition: string, accountId: string, namePrefix: string, stack: string): string {
    return `arn:${partition}:iam::${accountId}:policy/${permissionsBoundaryName(namePrefix, stack)}`;
}
