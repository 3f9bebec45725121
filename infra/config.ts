// The stack's configuration: every key, its type, default and meaning, read and validated in one place.
// Pulumi.yaml declares the keys, their types and defaults; Pulumi.<stack>.yaml sets them.
// An invalid value fails the program before any resource is declared, with a message naming the key.
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, keysRead, Reader } from "./configReader";
import {
    type Architecture, type AlarmsConfig, type BucketEncryption, type CatalogConfig, type FunctionsConfig, type ScheduleConfig,
    type SpotifyConfig, type SpotifySource, type StackConfig, type StorageConfig, type TableFormat,
    type TransitionStorageClass, projectName,
} from "./configTypes";
import { namePrefixProblem } from "./boundary";
import { leastTransitionDays, rawExpirationProblem, transitionStorageClasses } from "./components/storageClasses";
import { maxSourcesBytes, playlistSourceBytes, sourcesEnvironmentBytes } from "./extractEnvironment";
import { crawlerScheduleProblem, extractScheduleProblem } from "./schedules";
import { readSnowflakeConfig } from "./snowflakeConfig";
import { isAwsRegion, stackNameProblems } from "./stackNames";

export * from "./configTypes";
export { ConfigValidationError, configKeys, keysRead } from "./configReader";
export { lambdaEnvironmentBytes, maxSourcesBytes, sourcesEnvironmentBytes } from "./extractEnvironment";
export { snowflakeIdentifier } from "./snowflakeConfig";
export { awsRegionName, longestBucketName, longestNames, stackNameProblems } from "./stackNames";

/** Keys of an earlier version that put the Spotify credentials in stack config: declared, refused when set. */
export const retiredSpotifyKeys = ["spotifyClientId", "spotifyClientSecret", "spotifyRefreshToken"] as const;

const logRetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const timeRanges = ["short_term", "medium_term", "long_term"] as const;

/** How the ids of Spotify's own editorial and algorithmic playlists begin (Top 50, Discover Weekly, ...). */
export const spotifyOwnedPlaylistPrefix = "37i9dQZ";

/**
 * The id in a playlist's id, URI (`spotify:playlist:<id>`, or the older `spotify:user:<name>:playlist:<id>`) or share link
 * (`https://open.spotify.com/playlist/<id>?si=...`, also under `/intl-de/`, `/embed/` or `/user/<name>/`): what follows the
 * last `playlist` segment, as the extract function reads it. Anything else is returned as given, for the id check to refuse.
 */
function playlistIdFrom(value: string): string {
    const text = value.trim();
    const afterPlaylist = (segments: string[]): string | undefined => {
        const index = segments.lastIndexOf("playlist");
        return index >= 0 && index === segments.length - 2 ? segments[index + 1] : undefined;
    };
    if (text.startsWith("spotify:")) {
        return afterPlaylist(text.split(":")) ?? text;
    }
    if (/^https?:\/\//.test(text) && URL.canParse(text)) {
        return afterPlaylist(new URL(text).pathname.split("/").filter((segment) => segment !== "")) ?? text;
    }
    return text;
}

/** Turns `playlist:<id>` (or a playlist's link or URI after `playlist:`), `top_tracks:short_term`, ... into the extract function's source objects. */
export function parseSpotifySource(text: string): SpotifySource | string {
    const colon = text.indexOf(":");
    if (colon >= 0 && text.slice(0, colon) === "playlist") {
        const id = playlistIdFrom(text.slice(colon + 1));
        return /^[A-Za-z0-9]{22}$/.test(id)
            ? { type: "playlist", id }
            : `needs a 22-character playlist id in "${text}" (playlist:<id>, or playlist: and the playlist's share link or spotify:playlist: URI)`;
    }
    const [type, argument, ...rest] = text.split(":");
    if (rest.length > 0) {
        return `has too many ':' in "${text}"`;
    }
    switch (type) {
        case "top_tracks":
        case "top_artists":
            return argument !== undefined && (timeRanges as readonly string[]).includes(argument)
                ? { type, time_range: argument as SpotifySource["time_range"] }
                : `needs a time range (${timeRanges.join(", ")}) in "${text}"`;
        case "my_playlists":
        case "recently_played":
        case "saved_tracks":
            return argument === undefined ? { type } : `takes no argument in "${text}"`;
        default:
            return `has an unknown source "${text}" (playlist:<id>, my_playlists, recently_played, top_tracks:<range>, top_artists:<range>, saved_tracks)`;
    }
}

/** Reads and validates the current stack's configuration. Throws ConfigValidationError naming each bad key. */
export function loadConfig(): StackConfig {
    keysRead.clear();
    const r = new Reader();
    const region = new pulumi.Config("aws").get("region") ?? "";
    if (!isAwsRegion(region)) {
        r.problems.push(`aws:region must be set to an AWS region, e.g. pulumi config set aws:region eu-north-1 (got "${region}")`);
    }

    const owner = r.string("owner", (v) => (/^[\p{L}\p{N} _.:/=+@-]{1,256}$/u.test(v) ? undefined : "must be a valid tag value (1-256 characters)"));
    const namePrefix = r.string("namePrefix", namePrefixProblem);

    const rawTransitionStorageClass = r.oneOf<TransitionStorageClass>("rawTransitionStorageClass", transitionStorageClasses);
    const rawTransitionDays = r.integer("rawTransitionDays", 0, 36500, (v) =>
        v > 0 && v < leastTransitionDays(rawTransitionStorageClass) ? `must be 0 or at least ${leastTransitionDays(rawTransitionStorageClass)} for ${rawTransitionStorageClass}` : undefined);
    const rawExpirationDays = r.integer("rawExpirationDays", 0, 36500);
    const expiresTooSoon = rawExpirationProblem(rawExpirationDays, rawTransitionDays, rawTransitionStorageClass);
    if (expiresTooSoon !== undefined) {
        r.fail("rawExpirationDays", expiresTooSoon);
    }
    const storage: StorageConfig = {
        forceDestroy: r.boolean("forceDestroy"),
        protectData: r.boolean("protectData"),
        encryption: r.oneOf<BucketEncryption>("bucketEncryption", ["AES256", "aws:kms"]),
        rawTransitionDays,
        rawTransitionStorageClass,
        rawExpirationDays,
        rawNoncurrentVersionExpirationDays: r.integer("rawNoncurrentVersionExpirationDays", 1, 36500),
        athenaResultsExpirationDays: r.integer("athenaResultsExpirationDays", 1, 36500),
    };

    const architecture = r.oneOf<Architecture>("functionArchitecture", ["x86_64", "arm64"]);
    const functions: FunctionsConfig = {
        architecture,
        extract: {
            memoryMb: r.integer("extractMemoryMb", 128, 10240),
            timeoutSeconds: r.integer("extractTimeoutSeconds", 1, 900),
            retryAttempts: r.integer("extractRetryAttempts", 0, 2),
        },
        transform: {
            memoryMb: r.integer("transformMemoryMb", 128, 10240),
            timeoutSeconds: r.integer("transformTimeoutSeconds", 1, 900),
            retryAttempts: r.integer("transformRetryAttempts", 0, 2),
            reservedConcurrency: r.integer("transformReservedConcurrency", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, (v) =>
                (v < 0 ? "must be a whole number of at least 1, or 0 for no reservation" : undefined)),
            ephemeralStorageMb: r.integer("transformEphemeralStorageMb", 512, 10240),
        },
        logRetentionDays: r.integer("logRetentionDays", 1, 3653, (v) =>
            logRetentionValues.includes(v) ? undefined : `must be one of ${logRetentionValues.join(", ")}`),
        packagePath: r.string("functionsPackagePath"),
    };

    const sources: SpotifySource[] = [];
    const sourceTexts = r.stringArray("spotifySources");
    if (sourceTexts.length === 0 && r.problems.every((p) => !p.includes(":spotifySources "))) {
        r.fail("spotifySources", "must name at least one source");
    }
    for (const text of sourceTexts) {
        const parsed = parseSpotifySource(text);
        if (typeof parsed === "string") {
            r.fail("spotifySources", parsed);
        } else {
            sources.push(parsed);
        }
    }
    // Lambda allows 4 KB for all of a function's environment variables, measured as one JSON object: the sources travel
    // as JSON in one of them (about 58 bytes a playlist, escaped) beside the stack's names and a few short settings.
    const sourcesBytes = sourcesEnvironmentBytes(sources);
    const most = maxSourcesBytes(namePrefix, pulumi.getStack(), region);
    if (sourcesBytes > most) {
        r.fail("spotifySources", `names ${sources.length} sources, ${sourcesBytes} bytes in the extract function's environment, which Lambda limits ` +
            `to 4 KB in all: at most ${most} bytes are left for the sources, about ${Math.floor(most / playlistSourceBytes)} playlists. ` +
            "Drop some, or extract the rest with a second stack");
    }
    const spotify: SpotifyConfig = {
        sources,
        market: r.string("spotifyMarket", (v) => (v === "" || /^[A-Z]{2}$/.test(v) ? undefined : "must be an ISO 3166-1 alpha-2 code such as SE, or empty")),
        topItemsLimit: r.integer("topItemsLimit", 1, 1000),
        // A full pass lands the whole library: the next one must come before the lifecycle expires the last.
        savedTracksFullPassDays: r.integer("savedTracksFullPassDays", 1, 365, (v) => {
            const most = snapshotRelandDays(storage.rawExpirationDays);
            return most > 0 && v > most
                ? `must be at most ${most} with rawExpirationDays ${storage.rawExpirationDays}: each full pass lands the whole library, and the next ` +
                  "must land before the raw lifecycle expires the last (or set rawExpirationDays higher, or 0)"
                : undefined;
        }),
        secretRecoveryWindowDays: r.integer("secretRecoveryWindowDays", 0, 30, (v) => (v === 0 || v >= 7 ? undefined : "must be 0 or 7-30")),
    };

    const schedule: ScheduleConfig = {
        expression: r.string("extractSchedule", extractScheduleProblem),
        enabled: r.boolean("scheduleEnabled"),
        retryAttempts: r.integer("scheduleRetryAttempts", 0, 185),
        maximumEventAgeSeconds: r.integer("scheduleMaximumEventAgeSeconds", 60, 86400),
    };

    const alarms: AlarmsConfig = {
        email: r.string("alarmEmail", (v) => (v === "" || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) ? undefined : "must be an e-mail address or empty")),
    };

    const catalog: CatalogConfig = {
        tableFormat: r.oneOf<TableFormat>("tableFormat", ["parquet", "csv"]),
        crawlerSchedule: r.string("catalogCrawlerSchedule", (v) => (v === "" ? undefined : crawlerScheduleProblem(v))),
        athenaBytesScannedCutoffPerQuery: r.integer("athenaBytesScannedCutoffPerQuery", 10485760, Number.MAX_SAFE_INTEGER),
        firstSnapshotDate: r.string("catalogFirstSnapshotDate", (v) => firstSnapshotDateProblem(v, new Date())),
    };

    for (const key of retiredSpotifyKeys) {
        if (r.setsRetired(key)) {
            // Never "put the value back": the secret already holds what an earlier version deployed, and the refresh
            // token the extract function saved since; the config's token may be older, and Spotify may have revoked it.
            r.problems.push(`${projectName}:${key} is no longer stack config: the Spotify credentials live only in Secrets Manager, out of the state. `
                + `Remove it: pulumi config rm ${key}. A stack deployed by an earlier version already holds its credentials in the secret, `
                + `with the refresh token the extract function saved since, so do not copy this value back into it. `
                + `Only a stack whose secret has no value yet needs them put there: `
                + `aws secretsmanager put-secret-value --region "$(pulumi config get aws:region)" --secret-id "$(pulumi stack output spotifySecretArn)" --secret-string file://<credentials file>`);
        }
    }
    // Spotify closed its own editorial and algorithmic playlists to Development Mode apps on 2024-11-27: each run would end
    // partial on them, and the alarm on successful extractions stay raised. An app granted Extended Quota Mode still reads
    // them, so this is said, not refused.
    const editorial = sources.filter((s) => s.type === "playlist" && s.id?.startsWith(spotifyOwnedPlaylistPrefix)).map((s) => s.id!);
    if (editorial.length > 0) {
        pulumi.log.warn(`${projectName}:spotifySources names ${editorial.map((id) => `playlist:${id}`).join(", ")}: Spotify-owned editorial or `
            + "algorithmic playlists (their ids begin 37i9dQZ), which Spotify closed to apps in Development Mode on 2024-11-27. Every "
            + "extraction would end partial on them and the no-successful-extraction alarm stay raised. Use a playlist you own or "
            + "collaborate on instead (copy the songs into one of yours), unless Spotify granted your app Extended Quota Mode.");
    }
    if (alarms.email === "") {
        pulumi.log.warn(`${projectName}:alarmEmail is empty: the alarms go to a topic nobody subscribes to. `
            + "Set alarmEmail (pulumi config set alarmEmail <address>, then confirm the mail AWS sends), "
            + "or subscribe to the alarmTopicArn output yourself.");
    } else if (isExampleAddress(alarms.email)) {
        // The committed production stack file names oncall@example.com: a stack deployed with it would look watched.
        pulumi.log.warn(`${projectName}:alarmEmail is ${alarms.email}, an address of a domain reserved for examples: no mail is `
            + "delivered there, so the subscription is never confirmed and the alarms reach nobody. "
            + "Set your own (pulumi config set alarmEmail <address>, then confirm the mail AWS sends).");
    }
    // Lambda keeps at least 100 of an account's concurrent executions unreserved, and refuses a reservation past that only in
    // `pulumi up`, part-way through. An account's limit is not known here (AWS raises it on request), so this is said, not refused.
    if (functions.transform.reservedConcurrency > 900) {
        pulumi.log.warn(`${projectName}:transformReservedConcurrency is ${functions.transform.reservedConcurrency}: Lambda keeps 100 of an account's `
            + "concurrent executions unreserved, so on an account of the default 1,000 a reservation above 900 fails in pulumi up. "
            + "A backfill needs far fewer (8 days at once take minutes); keep it only where AWS raised the account's limit.");
    }
    // New accounts get reduced Lambda quotas, memory among them (3,008 MB), which AWS raises with use: a function above it
    // fails in pulumi up, part-way, after the buckets and roles exist. An account's quota is not known here: said, not refused.
    for (const [key, memory] of [["extractMemoryMb", functions.extract.memoryMb], ["transformMemoryMb", functions.transform.memoryMb]] as const) {
        if (memory > 3008) {
            pulumi.log.warn(`${projectName}:${key} is ${memory}: new AWS accounts may give a function at most 3,008 MB until AWS raises `
                + "their quotas with use, and Lambda then refuses it part-way through pulumi up. If it does, set 3008 or less for now.");
        }
    }
    if (r.setsRetired("parametersSecretsExtensionLayerArn")) {
        pulumi.log.warn(`${projectName}:parametersSecretsExtensionLayerArn is ignored: the functions call Secrets Manager themselves, `
            + "with no extension layer. Remove it: pulumi config rm parametersSecretsExtensionLayerArn");
    }
    r.problems.push(...stackNameProblems(namePrefix, pulumi.getStack()));
    const snowflake = readSnowflakeConfig(r, namePrefix, region);
    const permissionsBoundary = r.boolean("permissionsBoundary");

    if (r.problems.length > 0) {
        throw new ConfigValidationError(r.problems);
    }
    return {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        region,
        owner,
        namePrefix,
        permissionsBoundary,
        storage,
        functions,
        spotify,
        schedule,
        alarms,
        catalog,
        snowflake,
    };
}

/**
 * Partition projection finds the daily tables' days from this date to today and none before: a real yyyy-MM-dd
 * day, not after today (UTC), or Athena would find no day at all.
 */
export function firstSnapshotDateProblem(value: string, now: Date): string | undefined {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const day = match === null ? undefined : new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
    if (day === undefined || day.toISOString().slice(0, 10) !== value) {
        return "must be a date written yyyy-MM-dd, e.g. 2023-11-21";
    }
    const today = now.toISOString().slice(0, 10);
    return value > today
        ? `must not be after today (${today}): Athena's daily tables show the days from it to today, and none before it`
        : undefined;
}

/**
 * An address of a domain reserved for documentation and tests (RFC 2606, RFC 6761): example.com, .net and .org and
 * their subdomains, and the top-level domains example, test, invalid and localhost. No mail is delivered there.
 */
export function isExampleAddress(address: string): boolean {
    const domain = address.slice(address.lastIndexOf("@") + 1).toLowerCase().replace(/\.$/, "");
    const labels = domain.split(".");
    const top = labels[labels.length - 1] ?? "";
    const second = labels.slice(-2).join(".");
    return ["example", "test", "invalid", "localhost"].includes(top) || ["example.com", "example.net", "example.org"].includes(second);
}

/**
 * Days after which the extract function lands an unchanged snapshot again (0: never): a playlist nobody edits is not read
 * again while its snapshot_id stands, nor a top list that answers 304, so without it the lifecycle would expire their last
 * raw copy. Half the expiry, and at most 30 days, before the expiry; never sooner than a day.
 */
export function snapshotRelandDays(rawExpirationDays: number): number {
    return rawExpirationDays > 0 ? Math.max(1, rawExpirationDays - Math.min(30, Math.ceil(rawExpirationDays / 2))) : 0;
}
