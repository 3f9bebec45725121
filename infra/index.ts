// Spotify Stack: Spotify Web API -> extract (Lambda, on a schedule) -> raw bucket -> transform (Lambda, per
// extraction run) -> transformed bucket -> Glue catalog -> Athena. Each line below is one box of that diagram.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { functionsPackage } from "./build/publishFunctions";
import { Alarms, stackMetricNamespace } from "./components/alarms";
import { Analytics, defaultResultsPrefix } from "./components/analytics";
import { Catalog, glueDatabaseName } from "./components/catalog";
import { Dashboard } from "./components/dashboard";
import { LambdaFunction } from "./components/lambdaFunction";
import { Schedule } from "./components/schedule";
import { SpotifySecret } from "./components/secret";
import { SnowflakeLoad } from "./components/snowflake";
import { Storage } from "./components/storage";
import { Trigger } from "./components/trigger";
import { analystPolicy as analystPolicyDocument } from "./analystPolicy";
import { stackProvider } from "./awsProvider";
import { permissionsBoundaryArn } from "./boundary";
import { loadConfig, snapshotRelandDays } from "./config";
import { contract } from "./lakeContract";
import * as links from "./consoleLinks";
import { extractStatements, transformStatements } from "./permissions";

const config = loadConfig();
const base = `${config.namePrefix}-${config.stack}`;
const metricNamespace = stackMetricNamespace(base);

// Every resource gets the project, stack and owner tags through this provider's default tags; the stack's aws:* settings
// (a profile, a role to assume, the accounts allowed) reach it too, as they would reach Pulumi's default provider.
const provider = stackProvider(config.region, { project: config.project, stack: config.stack, owner: config.owner });
const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
const account = aws.getCallerIdentityOutput({}, { provider });
const partition = aws.getPartitionOutput({}, { provider }).partition;
// The bootstrap's boundary of this stack: its deploy role creates no role without it.
const permissionsBoundary = config.permissionsBoundary
    ? pulumi.all([partition, account.accountId]).apply(([p, id]) => permissionsBoundaryArn(p, id, config.namePrefix, config.stack))
    : undefined;

const storage = new Storage(`${base}-lake`, { config: config.storage }, opts);

// Declared without its value, which never enters the state (docs/stack.md, "Who can do what").
const credentials = new SpotifySecret(`${base}-spotify-credentials`, {
    recoveryWindowInDays: config.spotify.secretRecoveryWindowDays,
    protect: config.storage.protectData,
}, opts);

/** The extraction's own time limit: the function timeout less up to a minute (a quarter of a short one) to save state and the manifest. */
function extractTimeBudgetSeconds(timeoutSeconds: number): number {
    return Math.max(1, timeoutSeconds - Math.min(60, Math.ceil(timeoutSeconds / 4)));
}

/**
 * The transform's own time limit: the function timeout less up to 15 seconds (an eighth of a short one), so that an
 * invocation still waiting on S3 gives up, logs its transform_failed line naming the request, and fails for Lambda to retry.
 */
function transformTimeBudgetSeconds(timeoutSeconds: number): number {
    return Math.max(1, timeoutSeconds - Math.min(15, Math.ceil(timeoutSeconds / 8)));
}

const code = new pulumi.asset.FileArchive(functionsPackage({
    packagePath: config.functions.packagePath,
    architecture: config.functions.architecture,
    log: (message) => pulumi.log.info(message),
}));

const extract = new LambdaFunction(`${base}-extract`, {
    functionName: `${base}-extract`,
    description: "Reads the configured Spotify sources and lands every response page under raw/",
    handler: contract.handlers.extract,
    code,
    architecture: config.functions.architecture,
    memoryMb: config.functions.extract.memoryMb,
    timeoutSeconds: config.functions.extract.timeoutSeconds,
    retryAttempts: config.functions.extract.retryAttempts,
    logRetentionDays: config.functions.logRetentionDays,
    environment: {
        [contract.environment.extract.rawBucket]: storage.raw.name,
        [contract.environment.extract.secretId]: credentials.arn,
        [contract.environment.extract.sources]: JSON.stringify(config.spotify.sources),
        ...(config.spotify.market === "" ? {} : { [contract.environment.extract.market]: config.spotify.market }),
        [contract.environment.extract.topItemsLimit]: String(config.spotify.topItemsLimit),
        [contract.environment.extract.savedTracksFullPassDays]: String(config.spotify.savedTracksFullPassDays),
        // An unchanged playlist's items, or top list, land again before the lifecycle expires their last raw copy.
        [contract.environment.extract.snapshotRelandDays]: String(snapshotRelandDays(config.storage.rawExpirationDays)),
        // A Stream handler cannot see Lambda's deadline: stop cleanly, state saved, a minute before the timeout.
        [contract.environment.extract.timeBudgetSeconds]: String(extractTimeBudgetSeconds(config.functions.extract.timeoutSeconds)),
        [contract.environment.extract.metricsNamespace]: metricNamespace,
    },
    statements: extractStatements(storage.raw.arn, credentials.arn),
    permissionsBoundary,
}, opts);

const transform = new LambdaFunction(`${base}-transform`, {
    functionName: `${base}-transform`,
    description: "Turns each extraction run's raw responses into the tables under transformed/",
    handler: contract.handlers.transform,
    code,
    architecture: config.functions.architecture,
    memoryMb: config.functions.transform.memoryMb,
    timeoutSeconds: config.functions.transform.timeoutSeconds,
    retryAttempts: config.functions.transform.retryAttempts,
    ephemeralStorageMb: config.functions.transform.ephemeralStorageMb,
    // 0 in the config is no reservation; Lambda's own 0 would let the function run not at all.
    ...(config.functions.transform.reservedConcurrency === 0 ? {} : { reservedConcurrency: config.functions.transform.reservedConcurrency }),
    logRetentionDays: config.functions.logRetentionDays,
    environment: {
        [contract.environment.transform.rawBucket]: storage.raw.name,
        [contract.environment.transform.transformedBucket]: storage.transformed.name,
        [contract.environment.transform.tableFormat]: config.catalog.tableFormat,
        // As the extract's: give up, saying on what, before the runtime ends the invocation without a word.
        [contract.environment.transform.timeBudgetSeconds]: String(transformTimeBudgetSeconds(config.functions.transform.timeoutSeconds)),
        [contract.environment.transform.metricsNamespace]: metricNamespace,
    },
    statements: transformStatements(storage.raw.arn, storage.transformed.arn),
    permissionsBoundary,
}, opts);

const schedule = new Schedule(`${base}-schedule`, { config: config.schedule, target: extract }, opts);

new Trigger(`${base}-raw-objects`, { bucket: storage.raw, accountId: account.accountId, target: transform }, opts);

// The Glue tables over transformed/ (declared, partition projection) and the Athena workgroup with one
// named query per queries/*.sql file.
const catalog = new Catalog(`${base}-catalog`, {
    transformedBucketName: storage.transformed.name,
    transformedBucketArn: storage.transformed.arn,
    databaseName: glueDatabaseName(base),
    crawlerSchedule: config.catalog.crawlerSchedule,
    tableFormat: config.catalog.tableFormat,
    firstSnapshotDate: config.catalog.firstSnapshotDate,
    permissionsBoundary,
}, opts);

const analytics = new Analytics(`${base}-analytics`, {
    databaseName: catalog.databaseName,
    resultsBucketName: storage.athenaResults.name,
    resultsBucketEncryption: config.storage.encryption,
    bytesScannedCutoffPerQuery: config.catalog.athenaBytesScannedCutoffPerQuery,
}, opts);

const alarms = new Alarms(`${base}-alarms`, {
    email: config.alarms.email,
    functions: { extract, transform },
    extract,
    transform,
    scheduleExpression: config.schedule.expression,
    extractsRecentlyPlayed: config.spotify.sources.some((source) => source.type === "recently_played"),
    deadLetterQueues: {
        extract: extract.deadLetterQueue,
        transform: transform.deadLetterQueue,
        schedule: schedule.deadLetterQueue,
    },
    metricNamespace,
    crawlerName: catalog.crawlerName,
}, opts);

// Optional (snowflakeEnabled): the lake's tables loaded continuously into Snowflake (docs/snowflake.md).
if (config.snowflake.enabled) {
    new SnowflakeLoad(`${base}-snowflake`, {
        config: config.snowflake,
        tableFormat: config.catalog.tableFormat,
        transformedBucket: storage.transformed,
        accountId: account.accountId,
        region: config.region,
        permissionsBoundary,
        alarmTopicArn: alarms.topic.arn,
    }, opts);
}

const dashboard = new Dashboard(`${base}-pipeline`, {
    region: config.region,
    extract,
    transform,
    deadLetterQueues: { extract: extract.deadLetterQueue, transform: transform.deadLetterQueue, schedule: schedule.deadLetterQueue },
    metricNamespace,
}, opts);

export const rawBucketName = storage.raw.name;
export const transformedBucketName = storage.transformed.name;
export const athenaResultsBucketName = storage.athenaResults.name;
export const extractFunctionName = extract.name;
export const transformFunctionName = transform.name;
export const spotifySecretArn = credentials.arn;
export const alarmTopicArn = alarms.topic.arn;
export const dashboardName = dashboard.dashboard.dashboardName;
export const deadLetterQueueUrls = {
    extract: extract.deadLetterQueue.url,
    transform: transform.deadLetterQueue.url,
    schedule: schedule.deadLetterQueue.url,
};
export const scheduleRuleName = schedule.rule.name;
export const glueDatabase = catalog.databaseName;
export const crawlerName = catalog.crawlerName;
export const athenaWorkgroup = analytics.workgroupName;
export const namedQueryIds = analytics.namedQueryIds;
/** What a person needs to run the named queries, for an administrator to attach (docs/analytics.md, "Who may run the queries"). */
export const analystPolicy = analystPolicyDocument({
    partition,
    region: config.region,
    accountId: account.accountId,
    workgroupName: analytics.workgroupName,
    databaseName: catalog.databaseName,
    transformedBucketArn: storage.transformed.arn,
    resultsBucketArn: storage.athenaResults.arn,
    resultsPrefix: defaultResultsPrefix,
});
export const consoleLinks = {
    extractFunction: links.functionLink(config.region, extract.name),
    transformFunction: links.functionLink(config.region, transform.name),
    extractLogs: links.logGroupLink(config.region, extract.name),
    transformLogs: links.logGroupLink(config.region, transform.name),
    rawBucket: links.bucketLink(config.region, storage.raw.name),
    transformedBucket: links.bucketLink(config.region, storage.transformed.name),
    alarms: links.alarmsLink(config.region, base),
    athena: analytics.consoleUrl,
};
