// The stack's configuration as the program uses it: one interface per concern, read and validated by config.ts.
import type * as pulumi from "@pulumi/pulumi";

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
    readonly type: "playlist" | "my_playlists" | "recently_played" | "top_tracks" | "top_artists" | "saved_tracks";
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
    /** Lambda asynchronous-invocation retries (0-2) before the invocation record goes to the dead-letter queue. */
    readonly retryAttempts: number;
}

export interface TransformSizing extends FunctionSizing {
    /** Lambda's temporary storage (/tmp), 512-10240 MB: a dropped export's zip is copied there to be read. */
    readonly ephemeralStorageMb: number;
    /** Concurrent executions reserved for the function, and the most it runs at once; 0 = no reservation. */
    readonly reservedConcurrency: number;
}

export interface FunctionsConfig {
    readonly architecture: Architecture;
    readonly extract: FunctionSizing;
    readonly transform: TransformSizing;
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
    /** The first day (yyyy-MM-dd) partition projection gives the daily tables: days before it are not read. */
    readonly firstSnapshotDate: string;
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
