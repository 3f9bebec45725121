// Lambda's limit on a function's environment variables, and the room it leaves the extract function's sources: they
// travel as JSON in one variable, beside a bucket name, the secret's ARN, the metric namespace and a few short settings.
import { contract } from "./lakeContract";

/**
 * Lambda's limit on a function's environment variables, in bytes. Lambda measures the variables as one JSON object, keys and
 * values quoted and escaped: the sources, JSON themselves, count each of their quotes twice there.
 */
export const lambdaEnvironmentBytes = 4096;

/**
 * What the function component adds to every function's environment: the .NET runtime prefixes each console line with
 * time, request id and level unless told not to, and the JSON log lines must stay pure JSON for the metric filters and
 * Embedded Metric Format.
 */
export const runtimeVariables = { AWS_LAMBDA_HANDLER_LOG_FORMAT: "Unformatted" } as const;

/** The bytes the sources take in the measured object: their JSON as a JSON string, quoted and escaped. */
export const sourcesEnvironmentBytes = (sources: readonly unknown[]): number => Buffer.byteLength(JSON.stringify(JSON.stringify(sources)));

/** The bytes one playlist source adds to the sources' value. */
export const playlistSourceBytes = sourcesEnvironmentBytes([{ type: "playlist", id: "37i9dQZF1DXcBWIGoYBM5M" }]) - 3;

/**
 * The extract function's other variables at their longest for this stack's names and region: the raw bucket's name (S3
 * allows 63 characters), the secret's ARN (in the partition with the longest name, the stack's region and an account, the
 * secret's name with Pulumi's suffix and Secrets Manager's), the stack's metric namespace, a market, each number at its
 * most, and what the function component adds to every function's environment.
 */
function longestOtherVariables(namePrefix: string, stack: string, region: string): Record<string, string> {
    const names = contract.environment.extract;
    const base = `${namePrefix}-${stack}`;
    return {
        [names.rawBucket]: "b".repeat(63),
        [names.secretId]: `arn:aws-us-gov:secretsmanager:${region}:123456789012:secret:${base}-spotify-credentials-0a1b2c3-AbCdEf`,
        [names.market]: "SE",
        [names.topItemsLimit]: "1000",
        [names.savedTracksFullPassDays]: "365",
        [names.snapshotRelandDays]: "36470",
        [names.timeBudgetSeconds]: "900",
        [names.metricsNamespace]: `${contract.metrics.namespace}/${base}`,
        ...runtimeVariables,
    };
}

/** What is left for the sources' value beside the other variables at their longest, the sources' key, its quotes, colon and comma. */
export function maxSourcesBytes(namePrefix: string, stack: string, region: string): number {
    const others = Buffer.byteLength(JSON.stringify(longestOtherVariables(namePrefix, stack, region)));
    return lambdaEnvironmentBytes - others - (contract.environment.extract.sources.length + 4);
}
