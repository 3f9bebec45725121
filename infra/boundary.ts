// The permissions boundary every IAM role of a stack carries: one managed policy per stack, declared by the
// bootstrap program (infra/bootstrap), whose deploy role may create a role only with it attached. Both programs
// derive its name from here.

/** `spotify-dev-boundary`: the stack's physical-name prefix and `boundary`. */
export function permissionsBoundaryName(namePrefix: string, stack: string): string {
    return `${namePrefix}-${stack}-boundary`;
}

export function permissionsBoundaryArn(partition: string, accountId: string, namePrefix: string, stack: string): string {
    return `arn:${partition}:iam::${accountId}:policy/${permissionsBoundaryName(namePrefix, stack)}`;
}
