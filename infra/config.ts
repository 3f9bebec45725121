// The stack's configuration: every key, its type, default and meaning, read and validated in one place.
// Pulumi.yaml declares the keys, their types and defaults; Pulumi.<stack>.yaml sets them.
// An invalid value fails the program before any resource is declared, with a message naming the key.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";

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
    /** AWS region of the Snowflake account; empty = unknown until the pipes exist. */
    readonly awsRegion: string;
    /** At most one of the two is non-empty when enabled (secret config). */
    readonly privateKey: pulumi.Output<string>;
    readonly password: pulumi.Output<string>;
    /** `environment`: the provider reads SNOWFLAKE_PRIVATE_KEY from the deploying job, so no credential enters the state. */
    readonly authentication: "privateKey" | "password" | "environment";
}

export interface StackConfig {
    readonly project: string;
    readonly stack: string;
    readonly region: string;
    readonly owner: string;
    /** Prefix of physical names: `<namePrefix>-<stack>-...`. */
    readonly namePrefix: string;
    /** Every role the stack creates carries the bootstrap's permissions boundary of this stack. */
    readonly permissionsBoundary: boolean;
    readonly storage: StorageConfig;
    readonly functions: FunctionsConfig;
    readonly spotify: SpotifyConfig;
    readonly schedule: ScheduleConfig;
    readonly alarms: AlarmsConfig;
    readonly catalog: CatalogConfig;
    readonly snowflake: SnowflakeConfig;
}

/**
 * Every project config key, as Pulumi.yaml declares it: its `config:` block is the one declaration of
 * each key's type, default, secrecy and description. This module adds only the validation; the README's
 * table is checked against the same file.
 */
export const configKeys: readonly ConfigKeySpec[] = readProjectConfig(path.join(__dirname, "..", "Pulumi.yaml"));

function readProjectConfig(file: string): ConfigKeySpec[] {
    const project = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, Partial<ConfigKeySpec> & { items?: unknown }> };
    return Object.entries(project.config ?? {}).map(([key, declared]) => {
        if (!["string", "integer", "boolean", "array"].includes(String(declared.type)) || typeof declared.description !== "string") {
            throw new Error(`${file}: config key ${key} needs a type (string, integer, boolean or array) and a description`);
        }
        return {
            key,
            type: declared.type as ConfigKeyType,
            description: declared.description,
            ...(declared.default === undefined ? {} : { default: declared.default }),
            ...(declared.secret === true ? { secret: true } : {}),
        };
    });
}

/** The keys the last loadConfig() read: every declared key must be one of them. */
export const keysRead = new Set<string>();

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
        keysRead.add(key);
        const spec = configKeys.find((k) => k.key === key);
        if (spec === undefined) {
            throw new Error(`config key ${key} is read but not declared in Pulumi.yaml`);
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

    secret(key: string): pulumi.Output<string> {
        this.spec(key);
        return this.config.getSecret(key) ?? pulumi.secret("");
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
    keysRead.clear();
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

    for (const key of ["spotifyClientId", "spotifyClientSecret", "spotifyRefreshToken"]) {
        // Presence only, read without the secret-access warning of Config.get.
        if (pulumi.runtime.getConfig(`${projectName}:${key}`) !== undefined) {
            r.problems.push(`${projectName}:${key} is no longer stack config: the Spotify credentials live only in Secrets Manager, out of the state. `
                + `Put them there (aws secretsmanager put-secret-value --secret-id "$(pulumi stack output spotifySecretArn)" --secret-string file://<credentials file>), `
                + `then pulumi config rm ${key}`);
        }
    }
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

/** `spotify-dev` -> `SPOTIFY_DEV`: a Snowflake identifier that needs no quotes. */
export function snowflakeIdentifier(text: string): string {
    return text.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^([^A-Z_])/, "_$1");
}

const snowflakeIdentifierProblem = (v: string): string | undefined =>
    v === "" || /^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(v) ? undefined : "must be a Snowflake identifier (letters, digits, underscores; not starting with a digit)";

function readSnowflakeConfig(r: Reader, namePrefix: string, region: string): SnowflakeConfig {
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
    // S3 sends event notifications only to a queue in the bucket's region, and Snowpipe's queue lives in the
    // Snowflake account's region: a mismatch would fail at the notification, after the pipes were created.
    const awsRegion = r.string("snowflakeAwsRegion", (v) =>
        v === "" || /^[a-z]{2}(-[a-z]+)+-\d$/.test(v) ? undefined : "must be an AWS region such as us-east-1, or empty");
    if (enabled && awsRegion !== "" && region !== "" && awsRegion !== region) {
        r.fail("snowflakeAwsRegion", `is ${awsRegion} but the stack's aws:region is ${region}: S3 notifies only a queue in the bucket's own region, ` +
            "so Snowpipe cannot load this lake; use a Snowflake account in the stack's region, or deploy the stack there");
    }
    const hasKey = r.isSet("snowflakePrivateKey");
    const hasPassword = r.isSet("snowflakePassword");
    if (enabled && hasKey && hasPassword) {
        r.fail("snowflakePrivateKey", "and snowflakePassword are both set: keep one (pulumi config rm snowflakePassword)");
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
        awsRegion,
        privateKey: r.secret("snowflakePrivateKey"),
        password: r.secret("snowflakePassword"),
        authentication: hasKey ? "privateKey" : hasPassword ? "password" : "environment",
    };
}
