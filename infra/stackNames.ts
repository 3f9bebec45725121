// The names a stack derives from namePrefix, its own name and its region, and the limits they must fit.

/**
 * An AWS region's name: a partition's two to four letters (`us`, `cn`, `eusc` of the European Sovereign Cloud), its
 * area and its number (`eu-north-1`, `us-gov-west-1`, `eusc-de-east-1`).
 */
export const awsRegionName = "[a-z]{2,4}(?:-[a-z]+)+-\\d+";
export const isAwsRegion = (v: string): boolean => new RegExp(`^${awsRegionName}$`).test(v);

/** The longest physical name the stack derives from namePrefix and the stack: the results bucket, with Pulumi's 8-character suffix. */
export const longestBucketName = (namePrefix: string, stack: string): string => `${namePrefix}-${stack}-lake-athena-results-0a1b2c3`;

/**
 * The physical names the stack derives from namePrefix and the stack that come nearest their service's limit, each with
 * Pulumi's 8-character suffix: the Athena results bucket (S3 allows 63 characters) and the rule that sends a failed crawler
 * run to the alarm topic (EventBridge allows 64). Every other name has more room under its own limit.
 */
export const longestNames = (namePrefix: string, stack: string): readonly { readonly what: string; readonly name: string; readonly service: string; readonly limit: number }[] => [
    { what: "the Athena results bucket's name", name: longestBucketName(namePrefix, stack), service: "S3", limit: 63 },
    { what: "the crawler-failure rule's name", name: `${namePrefix}-${stack}-alarms-crawler-0a1b2c3`, service: "EventBridge", limit: 64 },
];

/**
 * The stack's name is part of every resource's name: lowercase letters and digits, as the bootstrap's stacks are, and
 * short enough with namePrefix for the longest names (longestNames) to fit their service's limit.
 */
export function stackNameProblems(namePrefix: string, stack: string): string[] {
    if (!/^[a-z][a-z0-9]{0,19}$/.test(stack)) {
        return [`the stack name '${stack}' must be 1-20 lowercase letters or digits, starting with a letter: it is part of every resource's name. `
            + "Create a stack so named (pulumi stack init <name>, and the same name in the bootstrap's stacks). Renaming a deployed stack "
            + "declares all of its resources anew, with new, empty buckets: docs/deploying.md, \"Names and region are fixed once deployed\", "
            + "says how to move its data"];
    }
    const room = Math.min(...longestNames("", "").map(({ name, limit }) => limit - name.length));
    return longestNames(namePrefix, stack).filter(({ name, limit }) => name.length > limit).slice(0, 1).map(({ what, name, service, limit }) =>
        `namePrefix '${namePrefix}' and the stack name '${stack}' make ${what} ${name.length} characters long (${name}), `
        + `and ${service} allows ${limit}: together they may have at most ${room} characters`);
}

