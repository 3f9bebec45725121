// The stack's configuration: every key, its type, default and meaning, read and validated in one place.
// Pulumi.yaml declares the same keys (a stack test keeps the two in step); Pulumi.<stack>.yaml sets them.
// An invalid value fails the program before any resource is declared, with a message naming the key.
import * as pulumi from "@pulumi/pulumi";

export const projectName = "spotify-stack";

/** The key types the Pulumi project file can declare (`config:` in Pulumi.yaml). */
export type ConfigKeyType = "string" | "integer" | "boolean" | "array";

export interface ConfigKeySpec {
    readonly key: string;
    readonly type: ConfigKeyType;
    /** Absent for keys the stack must set (the Spotify credentials). */
    readonly default?: string | number | boolean | readonly string[];
    readonly secret?: boolean;
    readonly description: string;
}

export type Architecture = "x86_64" | "arm64";
export type BucketEncryption = "AES256" | "aws:kms";
export type TransitionStorageClass = "STANDARD_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR";

/** One Spotify source as the extract function reads it from SPOTIFY_SOURCES (see contracts). */
export interface SpotifySource {
    readonly type: "playlist" | "recently_played" | "top_tracks" | "top_artists" | "saved_tracks";
    readonly id?: string;
    readonly time_range?: "short_term" | "medium_term" | "long_term";
}

export interface StorageConfig {
    readonly forceDestroy: boolean;
    /** Protect the raw and transformed buckets (and the secret) from deletion and keep them if deleted anyway. */
    readonly protectData: boolean;
    readonly encryption: BucketEncryption;
    /** 0 = no transition. */
    readonly rawTransitionDays: number;
    readonly rawTransitionStorageClass: TransitionStorageClass;
    /** 0 = raw objects never expire. */
    readonly rawExpirationDays: number;
    readonly rawNoncurrentVersionExpirationDays: number;
    readonly athenaResultsExpirationDays: number;
}

export interface FunctionSizing {
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    /** Lambda asynchronous-invocation retries (0-2) before the event goes to the dead-letter queue. */
    readonly retryAttempts: number;
}

export interface FunctionsConfig {
    readonly architecture: Architecture;
    readonly extract: FunctionSizing;
    readonly transform: FunctionSizing;
    readonly logRetentionDays: number;
    /** Empty = the program runs `dotnet publish`; otherwise an existing publish folder. */
    readonly packagePath: string;
}

export interface SpotifyConfig {
    readonly sources: readonly SpotifySource[];
    /** ISO 3166-1 alpha-2, or empty for the user's own market. */
    readonly market: string;
    /** Items read per top list (pages of at most 50). */
    readonly topItemsLimit: number;
    /** Days between full passes over saved tracks; incremental passes in between. */
    readonly savedTracksFullPassDays: number;
    readonly clientId: pulumi.Output<string>;
    readonly clientSecret: pulumi.Output<string>;
    /** Empty = client-credentials only (extended-quota apps). */
    readonly refreshToken: pulumi.Output<string>;
    readonly secretRecoveryWindowDays: number;
}

export interface ScheduleConfig {
    readonly expression: string;
    readonly enabled: boolean;
    readonly retryAttempts: number;
    readonly maximumEventAgeSeconds: number;
}

export interface AlarmsConfig {
    /** Empty = the topic has no subscription. */
    readonly email: string;
}

export type TableFormat = "parquet" | "csv";

/** Settings of the catalog and analytics components. */
export interface CatalogConfig {
    /** The file format the transformation writes and the Glue tables declare. */
    readonly tableFormat: TableFormat;
    /** EventBridge-style cron for the Glue crawler; empty = run on demand only. */
    readonly crawlerSchedule: string;
    readonly athenaBytesScannedCutoffPerQuery: number;
}

/** Connection to Snowflake and where the lake's tables land there; `enabled: false` declares nothing of Snowflake. */
export interface SnowflakeConfig {
    readonly enabled: boolean;
    readonly organization: string;
    readonly account: string;
    readonly user: string;
    /** Empty = the user's default role. */
    readonly role: string;
    /** Upper-case Snowflake identifiers, created by the program. */
    readonly database: string;
    readonly schema: string;
    /** `<minute> <hour> <day> <month> <weekday> <time zone>` of the reload tasks; empty = no reload tasks. */
    readonly reloadSchedule: string;
    /** Exactly one of the two is non-empty when enabled (secret config). */
    readonly privateKey: pulumi.Output<string>;
    readonly password: pulumi.Output<string>;
    readonly authentication: "privateKey" | "password";
}

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    readonly region: string;
    readonly owner: string;
    /** Prefix of physical names: `<namePrefix>-<stack>-...`. */
    readonly namePrefix: string;
    readonly storage: StorageConfig;
    readonly functions: FunctionsConfig;
    readonly spotify: SpotifyConfig;
    readonly schedule: ScheduleConfig;
    readonly alarms: AlarmsConfig;
    readonly catalog: CatalogConfig;
    readonly snowflake: SnowflakeConfig;
}

/** Every project config key. Pulumi.yaml must declare exactly these, with the same type and default. */
export const configKeys: readonly ConfigKeySpec[] = [
    { key: "owner", type: "string", default: "data-platform", description: "Team or person that owns the stack; the `owner` default tag on every resource." },
    { key: "namePrefix", type: "string", default: "spotify", description: "Prefix of physical names (`<namePrefix>-<stack>-extract`); lowercase letters, digits and hyphens, at most 20 characters." },
    { key: "forceDestroy", type: "boolean", default: false, description: "Let `pulumi destroy` delete buckets that still hold objects (dev stacks only)." },
    { key: "protectData", type: "boolean", default: false, description: "Production stacks: Pulumi protects the raw and transformed buckets and the credentials secret (`pulumi destroy` and replacements stop with an error) and retains them in AWS if they are deleted from the stack anyway." },
    { key: "bucketEncryption", type: "string", default: "AES256", description: "Default encryption of every bucket: `AES256` (SSE-S3) or `aws:kms` (SSE-KMS with the AWS managed key aws/s3 and an S3 Bucket Key)." },
    { key: "rawTransitionDays", type: "integer", default: 30, description: "Days after which objects under raw/ move to rawTransitionStorageClass; 0 = never (at least 30 for STANDARD_IA)." },
    { key: "rawTransitionStorageClass", type: "string", default: "STANDARD_IA", description: "Storage class raw/ objects move to: STANDARD_IA, INTELLIGENT_TIERING or GLACIER_IR." },
    { key: "rawExpirationDays", type: "integer", default: 730, description: "Days after which objects under raw/ expire; 0 = keep forever. Must exceed rawTransitionDays." },
    { key: "rawNoncurrentVersionExpirationDays", type: "integer", default: 30, description: "Days a noncurrent (overwritten or deleted) version in the raw bucket is kept." },
    { key: "athenaResultsExpirationDays", type: "integer", default: 7, description: "Days Athena query results are kept." },
    { key: "functionArchitecture", type: "string", default: "arm64", description: "Instruction set of both functions: `arm64` (a portable, framework-dependent package) or `x86_64` (the package precompiled ReadyToRun for linux-x64)." },
    { key: "extractMemoryMb", type: "integer", default: 512, description: "Memory of the extract function in MB (128-10240)." },
    { key: "extractTimeoutSeconds", type: "integer", default: 900, description: "Timeout of the extract function in seconds (1-900); a run pages through every source." },
    { key: "extractRetryAttempts", type: "integer", default: 1, description: "Asynchronous retries (0-2) of a failed extract run before the event goes to its dead-letter queue." },
    { key: "transformMemoryMb", type: "integer", default: 1024, description: "Memory of the transform function in MB (128-10240)." },
    { key: "transformTimeoutSeconds", type: "integer", default: 120, description: "Timeout of the transform function in seconds (1-900); it handles one extraction run, or the days of a replay." },
    { key: "transformRetryAttempts", type: "integer", default: 2, description: "Asynchronous retries (0-2) of a failed transform before the S3 event goes to its dead-letter queue." },
    { key: "logRetentionDays", type: "integer", default: 30, description: "Retention of both functions' log groups; one of CloudWatch's allowed values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)." },
    { key: "functionsPackagePath", type: "string", default: "", description: "Folder holding a `dotnet publish` output of functions/SpotifyEtl.Functions (relative to infra/); empty = the program publishes it." },
    { key: "spotifySources", type: "array", default: ["recently_played", "top_tracks:short_term", "top_artists:long_term", "saved_tracks"], description: "What extract reads: `playlist:<id>`, `recently_played`, `top_tracks:<time_range>`, `top_artists:<time_range>`, `saved_tracks` (time_range: short_term, medium_term, long_term)." },
    { key: "spotifyMarket", type: "string", default: "", description: "ISO 3166-1 alpha-2 market for track relinking (e.g. `SE`); empty = the user's own market." },
    { key: "topItemsLimit", type: "integer", default: 50, description: "How many items of each top list extract reads (1-1000), in pages of at most 50; Spotify's list may end sooner." },
    { key: "savedTracksFullPassDays", type: "integer", default: 7, description: "Days between full passes over saved tracks (1-365), which notice removed songs; the runs in between read only the songs saved since." },
    { key: "spotifyClientId", type: "string", secret: true, description: "Spotify app client id (secret config; stored only in Secrets Manager)." },
    { key: "spotifyClientSecret", type: "string", secret: true, description: "Spotify app client secret (secret config; stored only in Secrets Manager)." },
    { key: "spotifyRefreshToken", type: "string", secret: true, description: "Spotify user refresh token from the authorization-code flow (secret config); set to an empty secret for client-credentials-only apps." },
    { key: "secretRecoveryWindowDays", type: "integer", default: 30, description: "Days Secrets Manager keeps the deleted credentials secret: 0 (delete at once) or 7-30." },
    { key: "extractSchedule", type: "string", default: "rate(1 hour)", description: "EventBridge schedule expression of the extract run: `rate(...)` or `cron(...)` (UTC). Spotify keeps only about the last 50 plays, so run at least as often as 50 plays take." },
    { key: "scheduleEnabled", type: "boolean", default: true, description: "Whether the schedule rule is enabled." },
    { key: "scheduleRetryAttempts", type: "integer", default: 2, description: "Times EventBridge retries delivering the scheduled event to extract (0-185) before its dead-letter queue." },
    { key: "scheduleMaximumEventAgeSeconds", type: "integer", default: 3600, description: "How long EventBridge keeps retrying delivery, in seconds (60-86400)." },
    { key: "alarmEmail", type: "string", default: "", description: "E-mail subscribed to the alarm topic (confirm the subscription mail); empty = no subscription." },
    { key: "catalogCrawlerSchedule", type: "string", default: "cron(0 7 * * ? *)", description: "Schedule of the Glue crawler over transformed/ (`cron(...)`); empty = on demand only." },
    { key: "tableFormat", type: "string", default: "parquet", description: "File format of the lake's tables under transformed/: `parquet` (typed, snappy-compressed; the default) or `csv` (OpenCSVSerDe)." },
    { key: "snowflakeEnabled", type: "boolean", default: false, description: "Load the lake's tables into Snowflake (storage integration, stage, a table, pipe and view per table; docs/snowflake.md); false = nothing of Snowflake is declared." },
    { key: "snowflakeOrganization", type: "string", default: "", description: "Snowflake organization name (the first half of `<organization>-<account>`); required when snowflakeEnabled." },
    { key: "snowflakeAccount", type: "string", default: "", description: "Snowflake account name (the second half of `<organization>-<account>`); required when snowflakeEnabled." },
    { key: "snowflakeUser", type: "string", default: "", description: "Snowflake user the program connects as; required when snowflakeEnabled." },
    { key: "snowflakeRole", type: "string", default: "", description: "Role of the program's Snowflake session (needs CREATE INTEGRATION, CREATE DATABASE, EXECUTE TASK, EXECUTE MANAGED TASK); empty = the user's default role." },
    { key: "snowflakeDatabase", type: "string", default: "", description: "Snowflake database the program creates for the lake; empty = `<NAMEPREFIX>_<STACK>` in upper case." },
    { key: "snowflakeSchema", type: "string", default: "LAKE", description: "Schema inside snowflakeDatabase holding the stage, tables, pipes and views." },
    { key: "snowflakeReloadSchedule", type: "string", default: "0 8 * * * UTC", description: "Cron (`<min> <hour> <day> <month> <weekday> <time zone>`) of the tasks that reload partitions rewritten by a replay; empty = no reload tasks." },
    { key: "snowflakePrivateKey", type: "string", secret: true, description: "PEM private key of snowflakeUser (key-pair authentication; secret config). Set this or snowflakePassword when snowflakeEnabled." },
    { key: "snowflakePassword", type: "string", secret: true, description: "Password of snowflakeUser (secret config), when it has no key pair. Set this or snowflakePrivateKey when snowflakeEnabled." },
    { key: "athenaBytesScannedCutoffPerQuery", type: "integer", default: 1073741824, description: "Athena workgroup limit of bytes scanned per query (at least 10485760)." },
];

const logRetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const timeRanges = ["short_term", "medium_term", "long_term"] as const;

/** Raised for invalid configuration; its message names every offending key. */
export class ConfigValidationError extends pulumi.RunError {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigValidationError";
    }
}

/** Reads raw values (strings as the engine passes them) and records problems under the full key name. */
class Reader {
    readonly problems: string[] = [];
    private readonly config = new pulumi.Config(projectName);

    private spec(key: string): ConfigKeySpec {
        const spec = configKeys.find((k) => k.key === key);
        if (spec === undefined) {
            throw new Error(`config key ${key} is not declared in configKeys`);
        }
        return spec;
    }

    fail(key: string, message: string): void {
        this.problems.push(`${projectName}:${key} ${message}`);
    }

    string(key: string, check?: (v: string) => string | undefined): string {
        const spec = this.spec(key);
        const value = this.config.get(key) ?? (spec.default as string | undefined) ?? "";
        const problem = check?.(value);
        if (problem !== undefined) {
            this.fail(key, `${problem} (got "${value}")`);
        }
        return value;
    }

    oneOf<T extends string>(key: string, allowed: readonly T[]): T {
        return this.string(key, (v) => (allowed.includes(v as T) ? undefined : `must be one of ${allowed.join(", ")}`)) as T;
    }

    integer(key: string, min: number, max: number, extra?: (v: number) => string | undefined): number {
        const spec = this.spec(key);
        const raw = this.config.get(key);
        const value = raw === undefined ? (spec.default as number) : Number(raw.trim());
        if (raw !== undefined && (raw.trim() === "" || !Number.isInteger(value))) {
            this.fail(key, `must be an integer (got "${raw}")`);
            return spec.default as number;
        }
        if (value < min || value > max) {
            this.fail(key, `must be between ${min} and ${max} (got ${value})`);
        } else {
            const problem = extra?.(value);
            if (problem !== undefined) {
                this.fail(key, `${problem} (got ${value})`);
            }
        }
        return value;
    }

    boolean(key: string): boolean {
        const spec = this.spec(key);
        const raw = this.config.get(key);
        if (raw === undefined) {
            return spec.default as boolean;
        }
        if (raw !== "true" && raw !== "false") {
            this.fail(key, `must be true or false (got "${raw}")`);
            return spec.default as boolean;
        }
        return raw === "true";
    }

    stringArray(key: string): readonly string[] {
        const spec = this.spec(key);
        const raw = this.config.get(key);
        if (raw === undefined) {
            return spec.default as readonly string[];
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw);
        } catch {
            this.fail(key, `must be a list of strings (got "${raw}")`);
            return [];
        }
        if (!Array.isArray(parsed) || !parsed.every((e): e is string => typeof e === "string")) {
            this.fail(key, `must be a list of strings (got ${raw})`);
            return [];
        }
        return parsed;
    }

    /** Whether the stack sets the key at all (read without the secret-access warning of Config.get). */
    isSet(key: string): boolean {
        this.spec(key);
        return pulumi.runtime.getConfig(`${projectName}:${key}`) !== undefined;
    }

    secret(key: string, required: boolean): pulumi.Output<string> {
        const value = this.config.getSecret(key);
        // Presence only, read without the secret-access warning of Config.get.
        if (required && pulumi.runtime.getConfig(`${projectName}:${key}`) === undefined) {
            this.fail(key, `is required: pulumi config set --secret ${key} (it prompts for the value or reads it from standard input; never put it on the command line)`);
        }
        return value ?? pulumi.secret("");
    }
}

/** Turns `playlist:<id>`, `top_tracks:short_term`, ... into the extract function's source objects. */
export function parseSpotifySource(text: string): SpotifySource | string {
    const [type, argument, ...rest] = text.split(":");
    if (rest.length > 0) {
        return `has too many ':' in "${text}"`;
    }
    switch (type) {
        case "playlist":
            return argument !== undefined && /^[A-Za-z0-9]{22}$/.test(argument)
                ? { type, id: argument }
                : `needs a 22-character playlist id in "${text}" (playlist:<id>)`;
        case "top_tracks":
        case "top_artists":
            return argument !== undefined && (timeRanges as readonly string[]).includes(argument)
                ? { type, time_range: argument as SpotifySource["time_range"] }
                : `needs a time range (${timeRanges.join(", ")}) in "${text}"`;
        case "recently_played":
        case "saved_tracks":
            return argument === undefined ? { type } : `takes no argument in "${text}"`;
        default:
            return `has an unknown source "${text}" (playlist:<id>, recently_played, top_tracks:<range>, top_artists:<range>, saved_tracks)`;
    }
}

function scheduleProblem(expression: string): string | undefined {
    return /^(rate\(\s*\d+\s+(minute|minutes|hour|hours|day|days)\s*\)|cron\(\S+( \S+){5}\))$/.test(expression)
        ? undefined
        : "must be an EventBridge schedule expression, rate(<n> <unit>) or cron(<6 fields>)";
}

/** Reads and validates the current stack's configuration. Throws ConfigValidationError naming each bad key. */
export function loadConfig(): StackConfig {
    const r = new Reader();
    const region = new pulumi.Config("aws").get("region") ?? "";
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
        r.problems.push(`aws:region must be set to an AWS region, e.g. pulumi config set aws:region eu-north-1 (got "${region}")`);
    }

    const owner = r.string("owner", (v) => (/^[\p{L}\p{N} _.:/=+@-]{1,256}$/u.test(v) ? undefined : "must be a valid tag value (1-256 characters)"));
    const namePrefix = r.string("namePrefix", (v) => (/^[a-z][a-z0-9-]{0,19}$/.test(v) ? undefined : "must be 1-20 lowercase letters, digits or hyphens, starting with a letter"));

    const rawTransitionStorageClass = r.oneOf<TransitionStorageClass>("rawTransitionStorageClass", ["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"]);
    const rawTransitionDays = r.integer("rawTransitionDays", 0, 36500, (v) =>
        v > 0 && v < 30 && rawTransitionStorageClass === "STANDARD_IA" ? "must be 0 or at least 30 for STANDARD_IA" : undefined);
    const rawExpirationDays = r.integer("rawExpirationDays", 0, 36500, (v) =>
        v > 0 && rawTransitionDays > 0 && v <= rawTransitionDays ? `must be greater than rawTransitionDays (${rawTransitionDays}) or 0` : undefined);
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
    const spotify: SpotifyConfig = {
        sources,
        market: r.string("spotifyMarket", (v) => (v === "" || /^[A-Z]{2}$/.test(v) ? undefined : "must be an ISO 3166-1 alpha-2 code such as SE, or empty")),
        topItemsLimit: r.integer("topItemsLimit", 1, 1000),
        savedTracksFullPassDays: r.integer("savedTracksFullPassDays", 1, 365),
        clientId: r.secret("spotifyClientId", true),
        clientSecret: r.secret("spotifyClientSecret", true),
        refreshToken: r.secret("spotifyRefreshToken", false),
        secretRecoveryWindowDays: r.integer("secretRecoveryWindowDays", 0, 30, (v) => (v === 0 || v >= 7 ? undefined : "must be 0 or 7-30")),
    };

    const schedule: ScheduleConfig = {
        expression: r.string("extractSchedule", scheduleProblem),
        enabled: r.boolean("scheduleEnabled"),
        retryAttempts: r.integer("scheduleRetryAttempts", 0, 185),
        maximumEventAgeSeconds: r.integer("scheduleMaximumEventAgeSeconds", 60, 86400),
    };

    const alarms: AlarmsConfig = {
        email: r.string("alarmEmail", (v) => (v === "" || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) ? undefined : "must be an e-mail address or empty")),
    };

    const catalog: CatalogConfig = {
        tableFormat: r.oneOf<TableFormat>("tableFormat", ["parquet", "csv"]),
        crawlerSchedule: r.string("catalogCrawlerSchedule", (v) => (v === "" || /^cron\(\S+( \S+){5}\)$/.test(v) ? undefined : "must be cron(<6 fields>) or empty")),
        athenaBytesScannedCutoffPerQuery: r.integer("athenaBytesScannedCutoffPerQuery", 10485760, Number.MAX_SAFE_INTEGER),
    };

    const snowflake = readSnowflakeConfig(r, namePrefix);

    if (r.problems.length > 0) {
        throw new ConfigValidationError(r.problems);
    }
    return {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        region,
        owner,
        namePrefix,
        storage,
        functions,
        spotify,
        schedule,
        alarms,
        catalog,
        snowflake,
    };
}

/** `spotify-dev` -> `SPOTIFY_DEV`: a Snowflake identifier that needs no quotes. */
export function snowflakeIdentifier(text: string): string {
    return text.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^([^A-Z_])/, "_$1");
}

const snowflakeIdentifierProblem = (v: string): string | undefined =>
    v === "" || /^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(v) ? undefined : "must be a Snowflake identifier (letters, digits, underscores; not starting with a digit)";

function readSnowflakeConfig(r: Reader, namePrefix: string): SnowflakeConfig {
    const enabled = r.boolean("snowflakeEnabled");
    const required = (key: string) => (v: string) => (enabled && v === "" ? `is required when snowflakeEnabled is true: pulumi config set ${key} <value>` : undefined);
    const organization = r.string("snowflakeOrganization", required("snowflakeOrganization"));
    const account = r.string("snowflakeAccount", required("snowflakeAccount"));
    const user = r.string("snowflakeUser", required("snowflakeUser"));
    const role = r.string("snowflakeRole", snowflakeIdentifierProblem);
    const database = r.string("snowflakeDatabase", snowflakeIdentifierProblem);
    const schema = r.string("snowflakeSchema", (v) => (v === "" ? "must name a schema" : snowflakeIdentifierProblem(v)));
    const reloadSchedule = r.string("snowflakeReloadSchedule", (v) =>
        v === "" || /^\S+( \S+){4} [A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(v) ? undefined : "must be five cron fields and a time zone, e.g. 0 8 * * * UTC, or empty");
    const hasKey = r.isSet("snowflakePrivateKey");
    const hasPassword = r.isSet("snowflakePassword");
    if (enabled && hasKey === hasPassword) {
        r.fail("snowflakePrivateKey", hasKey
            ? "and snowflakePassword are both set: keep one (pulumi config rm snowflakePassword)"
            : "or snowflakePassword is required when snowflakeEnabled is true: pulumi config set --secret snowflakePrivateKey < key.p8");
    }
    return {
        enabled,
        organization,
        account,
        user,
        role: role.toUpperCase(),
        database: database === "" ? snowflakeIdentifier(`${namePrefix}_${pulumi.getStack()}`) : database.toUpperCase(),
        schema: schema.toUpperCase(),
        reloadSchedule,
        privateKey: r.secret("snowflakePrivateKey", false),
        password: r.secret("snowflakePassword", false),
        authentication: hasKey ? "privateKey" : "password",
    };
}
