// Runs the Pulumi program against Pulumi's mocks and records every resource: its type, name, inputs (secrets
// still wrapped as secrets), provider, and the URNs it depends on. One program run per test process: node's
// test runner starts each *.test.ts file in its own process.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");
export const infraDir = path.join(repoRoot, "infra");
export const fakeAccountId = "123456789012";
/** The id GitHub answers for the bootstrap's repository. */
export const fakeRepositoryId = 424242;
export const fakeSnowflakeIamUserArn = "arn:aws:iam::999988887777:user/abc1-s-v2st0000";
export const fakeSnowflakeExternalId = "MYORG-MYACCOUNT_SFCRole=2_abcdefghijklmnopqrstuvwxyz0=";
export const fakeSnowflakeNotificationExternalId = "MYORG-MYACCOUNT_SFCRole=2_zyxwvutsrqponmlkjihgfedcba9=";
export const fakeSnowpipeQueueArn = (region: string): string => `arn:aws:sqs:${region}:999988887777:sf-snowpipe-AIDAEXAMPLE-abcdefghij`;
export const secretSignature = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly inputs: Record<string, unknown>;
    /** What the mock answered: inputs plus computed names and ARNs. */
    readonly state: Record<string, unknown>;
    readonly provider: string | undefined;
    readonly dependencies: readonly string[];
    /** The resource options `protect`, `retainOnDelete` and `deletedWith` (a URN, or "") as the program registered them. */
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly deletedWith: string;
    /** The resource options `deleteBeforeReplace` and `replacementTrigger` (as the engine receives it; undefined when not set). */
    readonly deleteBeforeReplace: boolean;
    readonly replacementTrigger: unknown;
    /** The resource option `replaceOnChanges`: the properties whose change replaces the resource. */
    readonly replaceOnChanges: readonly string[];
}

export interface StackRun {
    readonly stack: string;
    readonly resources: readonly RecordedResource[];
    readonly outputs: Readonly<Record<string, unknown>>;
    readonly config: Readonly<Record<string, string>>;
}

/** Where the example stacks are kept as the repository ships them (the stack files at the root are the user's to change). */
export const exampleStacksDir = path.join(repoRoot, "tests", "infra", "fixtures", "stacks");

/**
 * The example stack's settings as the repository ships them: what tests of the program's choices build on. The stack
 * file at the root starts as the same settings and is the user's to change, so no test expects its values.
 */
export function exampleStack(stack: "dev" | "production"): Record<string, string> {
    return stackConfigFile(stack, exampleStacksDir);
}

/** Reads a stack settings file (Pulumi.<stack>.yaml, at the repository's root unless told) into the string map the engine hands the program. */
export function stackConfigFile(stack: string, root: string = repoRoot): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    const parsed = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed.config ?? {})) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}

/** A folder that looks like a `dotnet publish` of the functions, so no test runs dotnet. */
export function fakeFunctionsPackage(): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "spotify-functions-"));
    for (const file of ["SpotifyEtl.Functions.dll", "SpotifyEtl.Functions.runtimeconfig.json", "SpotifyEtl.Functions.deps.json"]) {
        fs.writeFileSync(path.join(folder, file), "stand-in for the published handlers\n");
    }
    return folder;
}

/**
 * The partitions other than the commercial one, by the start of their regions' names, each with its DNS suffix (the end
 * of its endpoints' names), as aws.getPartition answers them: China, GovCloud, the European Sovereign Cloud and the
 * isolated regions have their own.
 */
const otherPartitions: readonly { readonly regionStart: string; readonly partition: string; readonly dnsSuffix: string }[] = [
    { regionStart: "cn-", partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" },
    { regionStart: "us-gov-", partition: "aws-us-gov", dnsSuffix: "amazonaws.com" },
    { regionStart: "eusc-", partition: "aws-eusc", dnsSuffix: "amazonaws.eu" },
    { regionStart: "us-iso-", partition: "aws-iso", dnsSuffix: "c2s.ic.gov" },
    { regionStart: "us-isob-", partition: "aws-iso-b", dnsSuffix: "sc2s.sgov.gov" },
    { regionStart: "eu-isoe-", partition: "aws-iso-e", dnsSuffix: "cloud.adc-e.uk" },
    { regionStart: "us-isof-", partition: "aws-iso-f", dnsSuffix: "csp.hci.ic.gov" },
];

/** The AWS partition of a region, as aws.getPartition answers it. */
export function partitionOf(region: string): { partition: string; dnsSuffix: string; reverseDnsSuffix: string } {
    const { partition, dnsSuffix } = otherPartitions.find((p) => region.startsWith(p.regionStart)) ?? { partition: "aws", dnsSuffix: "amazonaws.com" };
    return { partition, dnsSuffix, reverseDnsSuffix: dnsSuffix.split(".").reverse().join(".") };
}

function computedState(type: string, name: string, inputs: Record<string, unknown>, region: string): { id: string; state: Record<string, unknown> } {
    const inPartition = `arn:${partitionOf(region).partition}`;
    const own = (key: string, fallback: string): string => (typeof inputs[key] === "string" ? (inputs[key] as string) : fallback);
    const physical = `${name}-0a1b2c3`;
    switch (type) {
        case "aws:s3/bucket:Bucket": {
            const bucket = own("bucket", physical);
            return { id: bucket, state: { ...inputs, bucket, arn: `${inPartition}:s3:::${bucket}` } };
        }
        case "aws:sqs/queue:Queue": {
            const queue = own("name", physical);
            const url = `https://sqs.${region}.amazonaws.com/${fakeAccountId}/${queue}`;
            return { id: url, state: { ...inputs, name: queue, url, arn: `${inPartition}:sqs:${region}:${fakeAccountId}:${queue}` } };
        }
        case "aws:lambda/function:Function": {
            const fn = own("name", physical);
            return { id: fn, state: { ...inputs, name: fn, arn: `${inPartition}:lambda:${region}:${fakeAccountId}:function:${fn}` } };
        }
        case "aws:cloudwatch/logGroup:LogGroup": {
            const group = own("name", physical);
            return { id: group, state: { ...inputs, name: group, arn: `${inPartition}:logs:${region}:${fakeAccountId}:log-group:${group}` } };
        }
        case "aws:iam/role:Role": {
            const role = own("name", physical);
            return { id: role, state: { ...inputs, name: role, arn: `${inPartition}:iam::${fakeAccountId}:role/${role}` } };
        }
        case "aws:secretsmanager/secret:Secret": {
            const secret = own("name", physical);
            const arn = `${inPartition}:secretsmanager:${region}:${fakeAccountId}:secret:${secret}-AbCdEf`;
            return { id: arn, state: { ...inputs, name: secret, arn } };
        }
        case "aws:cloudwatch/eventRule:EventRule": {
            const rule = own("name", physical);
            return { id: rule, state: { ...inputs, name: rule, arn: `${inPartition}:events:${region}:${fakeAccountId}:rule/${rule}` } };
        }
        case "aws:sns/topic:Topic": {
            const topic = own("name", physical);
            const arn = `${inPartition}:sns:${region}:${fakeAccountId}:${topic}`;
            return { id: arn, state: { ...inputs, name: topic, arn } };
        }
        // What Snowflake answers once the integration and the pipes exist: the IAM user and external id of
        // the handshake, and the account's Snowpipe queue.
        case "snowflake:index/storageIntegration:StorageIntegration":
            return { id: own("name", physical), state: { ...inputs, storageAwsIamUserArn: fakeSnowflakeIamUserArn, storageAwsExternalId: fakeSnowflakeExternalId } };
        case "snowflake:index/notificationIntegration:NotificationIntegration":
            return { id: own("name", physical), state: { ...inputs, awsSnsIamUserArn: fakeSnowflakeIamUserArn, awsSnsExternalId: fakeSnowflakeNotificationExternalId } };
        case "snowflake:index/pipe:Pipe":
            return { id: own("name", physical), state: { ...inputs, notificationChannel: fakeSnowpipeQueueArn(region) } };
        case "aws:kms/key:Key": {
            const keyId = `0a1b2c3d-${name}`;
            return { id: keyId, state: { ...inputs, keyId, arn: `${inPartition}:kms:${region}:${fakeAccountId}:key/${keyId}` } };
        }
        case "aws:iam/policy:Policy": {
            const policy = own("name", physical);
            return { id: `${inPartition}:iam::${fakeAccountId}:policy/${policy}`, state: { ...inputs, name: policy, arn: `${inPartition}:iam::${fakeAccountId}:policy/${policy}` } };
        }
        default:
            // Auto-named resources get a physical name like Pulumi's: the logical name and a random suffix.
            return { id: `${name}-id`, state: { name: physical, ...inputs, arn: `${inPartition}:mock:${region}:${fakeAccountId}:${type}/${name}` } };
    }
}

interface MonitorRequest {
    getType(): string;
    getName(): string;
    getDependenciesList(): string[];
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDeletedwith(): string;
    getDeletebeforereplace(): boolean | undefined;
    getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
    getReplaceonchangesList(): string[];
}
interface MonitorResponse {
    getUrn(): string;
}
interface Monitor {
    registerResource(req: MonitorRequest, callback: (err: unknown, response: MonitorResponse | undefined) => void): Promise<void>;
}

/** The OIDC providers the mocked account already holds, by ARN, with their client ids (aws.iam.getOpenIdConnectProvider answers these). */
export const existingOidcProviders = new Map<string, readonly string[]>();

/**
 * Runs a Pulumi program (infra/index.ts unless told) with the given stack config (keys as in Pulumi.<stack>.yaml, e.g. "aws:region") and
 * returns every resource it declared and its resolved stack outputs.
 */
export async function runStack(stack: string, config: Record<string, string>, secretKeys: readonly string[],
    program: { readonly project: string; readonly entry: string } = { project: "spotify-stack", entry: path.join(infraDir, "index.ts") },
    preview = false): Promise<StackRun> {
    const region = config["aws:region"] ?? "eu-north-1";
    type Options = Pick<RecordedResource, "protect" | "retainOnDelete" | "deletedWith" | "deleteBeforeReplace" | "replacementTrigger" | "replaceOnChanges">;
    const recorded = new Map<string, Omit<RecordedResource, "urn" | "dependencies" | keyof Options>>();
    const dependencies = new Map<string, string[]>();
    const options = new Map<string, Options>();
    const urns = new Map<string, string>();
    let sequence = 0;

    await pulumi.runtime.setMocks({
        newResource(args) {
            const { id, state } = computedState(args.type, args.name, args.inputs as Record<string, unknown>, region);
            recorded.set(`${args.type}::${args.name}`, { type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, state, provider: args.provider });
            sequence += 1;
            return { id, state };
        },
        call(args) {
            switch (args.token) {
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { accountId: fakeAccountId, arn: `arn:${partitionOf(region).partition}:iam::${fakeAccountId}:user/test`, userId: "AIDATEST", id: fakeAccountId };
                case "aws:index/getRegion:getRegion":
                    return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
                case "github:index/getRepository:getRepository":
                    return { repoId: fakeRepositoryId, fullName: args.inputs["fullName"], id: String(args.inputs["fullName"]) };
                case "aws:index/getPartition:getPartition":
                    return { ...partitionOf(region), id: partitionOf(region).partition };
                case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
                    const arn = String(args.inputs["arn"]);
                    const found = existingOidcProviders.get(arn);
                    if (found === undefined) {
                        throw new Error(`NoSuchEntity: OpenIDConnect provider not found for arn ${arn}`);
                    }
                    return { arn, id: arn, url: "token.actions.githubusercontent.com", clientIdLists: [...found], thumbprintLists: [], tags: {} };
                }
                default:
                    throw new Error(`unexpected call ${args.token}`);
            }
        },
    }, program.project, stack, preview);

    // Record what each resource depends on (dependsOn and inputs), which the mocks API does not pass on.
    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => register(req, (err, response) => {
        if (response !== undefined) {
            const key = `${req.getType()}::${req.getName()}`;
            urns.set(key, response.getUrn());
            dependencies.set(key, req.getDependenciesList());
            options.set(key, {
                protect: req.getProtect() === true, retainOnDelete: req.getRetainondelete() === true, deletedWith: req.getDeletedwith(),
                deleteBeforeReplace: req.getDeletebeforereplace() === true, replacementTrigger: req.getReplacementTrigger()?.toJavaScript(),
                replaceOnChanges: req.getReplaceonchangesList(),
            });
        }
        callback(err, response);
    });

    pulumi.runtime.setAllConfig(config, [...secretKeys]);

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(program.entry) as Record<string, unknown>;
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exported)) {
        outputs[key] = await resolved(value);
    }
    // Wait until no resource registration is in flight.
    let seen = -1;
    while (seen !== sequence) {
        seen = sequence;
        await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const resources = [...recorded.entries()].map(([key, r]) => ({
        ...r,
        urn: urns.get(key) ?? "",
        dependencies: dependencies.get(key) ?? [],
        protect: options.get(key)?.protect ?? false,
        retainOnDelete: options.get(key)?.retainOnDelete ?? false,
        deletedWith: options.get(key)?.deletedWith ?? "",
        deleteBeforeReplace: options.get(key)?.deleteBeforeReplace ?? false,
        replacementTrigger: options.get(key)?.replacementTrigger,
        replaceOnChanges: options.get(key)?.replaceOnChanges ?? [],
    }));
    return { stack, resources, outputs, config };
}

/** The plain value of an output (or a structure holding outputs). */
export function resolved<T>(value: T): Promise<unknown> {
    return new Promise((resolve) => {
        pulumi.output(value).apply((v) => {
            resolve(v);
            return v;
        });
    });
}

export function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null
        && (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === secretSignature;
}

/** Every plaintext string in a recorded input tree, leaving out values wrapped as Pulumi secrets. */
export function plaintextStrings(value: unknown, found: string[] = []): string[] {
    if (typeof value === "string") {
        found.push(value);
    } else if (isSecretValue(value)) {
        // Encrypted in state and masked in previews.
    } else if (Array.isArray(value)) {
        for (const element of value) {
            plaintextStrings(element, found);
        }
    } else if (typeof value === "object" && value !== null && !(value instanceof Promise)) {
        for (const [key, element] of Object.entries(value)) {
            found.push(key);
            plaintextStrings(element, found);
        }
    }
    return found;
}

/** Unwraps a secret-wrapped input (for assertions about what a secret holds). */
export function unwrapSecret(value: unknown): unknown {
    return isSecretValue(value) ? value.value : value;
}
