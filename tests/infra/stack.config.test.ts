// The stack's configuration: Pulumi.yaml and infra/config.ts agree on every key, the dev file sets only
// declared keys, and an invalid value stops the program with a message naming the key.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, test } from "node:test";
import * as aws from "@pulumi/aws";
import * as awsSettings from "@pulumi/aws/config/vars";
import * as pulumi from "@pulumi/pulumi";
import * as yaml from "js-yaml";
import { ConfigValidationError, configKeys, firstSnapshotDateProblem, keysRead, loadConfig, longestBucketName, parseSpotifySource, snapshotRelandDays, projectName, stackNameProblems } from "../../infra/config";
import { namePrefixProblem } from "../../infra/boundary";
import { stackNames } from "../../infra/build/ci";
import { retiredSpotifyKeys } from "./helpers/credentials";
import { seeded } from "./helpers/handMadeLake";
import { devWithSnowflake, snowflakeSecretKeys } from "./helpers/snowflake";
import { exampleStack, exampleStacksDir, fakeFunctionsPackage, infraDir, repoRoot, stackConfigFile } from "./helpers/stackHarness";

interface DeclaredKey {
    type: string;
    description?: string;
    default?: unknown;
    secret?: boolean;
    items?: { type: string };
}
const project = yaml.load(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as {
    name: string;
    runtime: { name: string; options?: Record<string, unknown> };
    main: string;
    config: Record<string, DeclaredKey>;
};

const validConfig = (): Record<string, string> => ({
    ...exampleStack("dev"),
});

function load(config: Record<string, string>) {
    pulumi.runtime.setAllConfig(config, Object.keys(config).filter((k) => /spotify(Client|Refresh)|snowflake(PrivateKey|Password)/.test(k)));
    return loadConfig();
}

/** The warnings Pulumi would print at preview while `action` runs. */
function warnedWhile(action: () => unknown): string[] {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = (message: string) => {
        warnings.push(message);
        return Promise.resolve();
    };
    try {
        action();
        return warnings;
    } finally {
        pulumi.log.warn = warn;
    }
}

function problemsOf(config: Record<string, string>): string {
    try {
        load(config);
    } catch (error) {
        assert.ok(error instanceof ConfigValidationError, String(error));
        return error.message;
    }
    assert.fail("expected the configuration to be rejected");
}

before(async () => {
    await pulumi.runtime.setMocks({
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs as Record<string, unknown> }),
        call: (args) => args.inputs as Record<string, unknown>,
    }, projectName, "dev", false);
});

describe("Pulumi.yaml", () => {
    test("is the spotify-stack TypeScript project whose program lives in infra/", () => {
        assert.equal(project.name, projectName);
        assert.equal(project.runtime.name, "nodejs");
        assert.equal(project.runtime.options?.["typescript"], true);
        assert.equal(project.main, "infra/");
    });

    test("is the one declaration of the keys: infra/config.ts reads every declared key, with its type and default, and no other", () => {
        assert.deepEqual(configKeys.map((k) => k.key).sort(), Object.keys(project.config).sort());
        // Every key is read by the dev stack, or by a dev stack with the optional Snowflake load on.
        const read = new Set<string>();
        load(validConfig());
        keysRead.forEach((k) => read.add(k));
        pulumi.runtime.setAllConfig(devWithSnowflake({ "spotify-stack:snowflakePrivateKey": "key" }), snowflakeSecretKeys);
        loadConfig();
        keysRead.forEach((k) => read.add(k));
        assert.deepEqual([...read].sort(), Object.keys(project.config).sort(), "a declared key no code reads, or a key read but not declared");
        for (const spec of configKeys) {
            const declared = project.config[spec.key]!;
            assert.deepEqual(declared.default, spec.default, spec.key);
            if (spec.type === "array") {
                assert.deepEqual(declared.items, { type: "string" }, spec.key);
            }
        }
    });

    test("every key without a default is set by every stack file, so the CLI's check of required keys passes", () => {
        // pulumi preview and up stop before the program runs when a declared key has no default and the stack sets none.
        for (const stack of stackNames(repoRoot)) {
            const settings = stackConfigFile(stack);
            const missing = Object.entries(project.config)
                .filter(([, declared]) => declared.default === undefined)
                .map(([key]) => key)
                .filter((key) => !(`${projectName}:${key}` in settings));
            assert.deepEqual(missing, [], `Pulumi.${stack}.yaml`);
        }
    });

    test("no key is declared secret: a declared secret needs a value on every stack, or a default older CLIs refuse", () => {
        for (const [key, declared] of Object.entries(project.config)) {
            assert.notEqual(declared.secret, true, key);
        }
    });
});

describe("Pulumi.yaml as the configuration reference", () => {
    test("every key says what it means, and the deployment guide sends readers to it", () => {
        const declared = (yaml.load(fs.readFileSync(path.join(repoRoot, "Pulumi.yaml"), "utf8")) as { config: Record<string, { description?: string }> }).config;
        for (const spec of configKeys) {
            const description = declared[`${projectName}:${spec.key}`]?.description ?? declared[spec.key]?.description;
            assert.ok(description !== undefined && description.trim().length >= 20, `${spec.key}: no description in Pulumi.yaml`);
        }
        const guide = fs.readFileSync(path.join(repoRoot, "docs", "deploying.md"), "utf8");
        assert.match(guide, /\]\(\.\.\/Pulumi\.yaml\)/, "docs/deploying.md links Pulumi.yaml");
    });
});

/**
 * What is wrong with a stack file's settings: a key of the project's namespace Pulumi.yaml does not declare, a key of
 * another namespace than the project's and the AWS provider's, or a secret in plain text. Any of the AWS provider's own
 * settings may be set (the program hands them to its provider; the workflows refuse those that cannot work there).
 */
function stackFileProblems(config: Record<string, string>): string[] {
    const problems: string[] = [];
    for (const [key, text] of Object.entries(config)) {
        if (key.startsWith("aws:")) {
            if (!Object.keys(awsSettings).includes(key.slice("aws:".length))) {
                problems.push(`${key} is not a setting of the AWS provider`);
            }
            continue;
        }
        if (!key.startsWith(`${projectName}:`)) {
            problems.push(`${key} is outside the project namespace`);
            continue;
        }
        const spec = configKeys.find((k) => `${projectName}:${k.key}` === key);
        if (spec === undefined) {
            problems.push(`${key} is not declared in Pulumi.yaml`);
        } else if (spec.secret === true) {
            // Set with `pulumi config set --secret`, the file holds only ciphertext: {"secure": "..."}.
            const value = JSON.parse(text) as unknown;
            if (!(typeof value === "object" && value !== null && Object.keys(value).join() === "secure")) {
                problems.push(`${key} is a secret in plain text: set it with pulumi config set --secret`);
            }
        }
    }
    return problems;
}

for (const stackName of stackNames(repoRoot)) {
    test(`Pulumi.${stackName}.yaml sets only declared keys and the AWS provider's settings, and secrets only encrypted`, () => {
        assert.deepEqual(stackFileProblems(stackConfigFile(stackName)), []);
    });
}

test("a stack file may set any of the AWS provider's settings, and nothing outside the two namespaces or undeclared", () => {
    const stack = stackConfigFile("dev");
    // The settings a stack pins itself with, named here so that a provider that renamed one fails this test.
    for (const setting of ["allowedAccountIds", "forbiddenAccountIds", "maxRetries", "retryMode", "skipMetadataApiCheck", "defaultTags", "ignoreTags"]) {
        assert.deepEqual(stackFileProblems({ ...stack, [`aws:${setting}`]: "x" }), [], `aws:${setting}`);
    }
    assert.deepEqual(stackFileProblems({ ...stack, "aws:allowedAcountIds": "[]" }), ["aws:allowedAcountIds is not a setting of the AWS provider"]);
    assert.deepEqual(stackFileProblems({ ...stack, "gcp:project": "p" }), ["gcp:project is outside the project namespace"]);
    assert.deepEqual(stackFileProblems({ ...stack, [`${projectName}:tableFromat`]: "csv" }), [`${projectName}:tableFromat is not declared in Pulumi.yaml`]);
});

describe("the example Pulumi.dev.yaml", () => {
    test("with the secrets set, yields a valid configuration", () => {
        const config = load(validConfig());
        assert.equal(config.region, "eu-north-1");
        assert.equal(config.stack, "dev");
        assert.equal(config.storage.forceDestroy, true);
        assert.equal(config.functions.architecture, "arm64");
        assert.equal(config.spotify.sources.length, 4);
        assert.equal(config.catalog.athenaBytesScannedCutoffPerQuery, 104857600);
    });
});

describe("the stack files at the root, which are the user's to change", () => {
    test("each loads into a valid configuration as committed", () => {
        for (const stack of stackNames(repoRoot)) {
            assert.doesNotThrow(() => load(stackConfigFile(stack)), `Pulumi.${stack}.yaml`);
        }
    });

    test("changed as docs/deploying.md says (alarm e-mail, sources, region, Snowflake), each still loads without a warning", () => {
        const regions = ["eu-west-1", "us-west-2", "ap-southeast-2", "eu-central-1"];
        for (let seed = 1; seed <= 8; seed++) {
            const next = seeded(seed);
            for (const stack of ["dev", "production"] as const) {
                const root = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
                const example = yaml.load(fs.readFileSync(path.join(exampleStacksDir, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
                const sources = example.config["spotify-stack:spotifySources"] as string[];
                const playlist = Array.from({ length: 22 }, () => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[next(62)]).join("");
                const changed: Record<string, unknown> = {
                    ...example.config,
                    "spotify-stack:alarmEmail": `listener${seed}@music-analytics.org`,
                    "spotify-stack:spotifySources": [...sources.slice(0, 1 + next(sources.length)), "my_playlists", `playlist:${playlist}`],
                    ...(next(2) === 0 ? { "aws:region": regions[next(regions.length)] } : {}),
                    ...(next(2) === 0
                        ? { "spotify-stack:snowflakeEnabled": true, "spotify-stack:snowflakeOrganization": "MYORG", "spotify-stack:snowflakeAccount": "MYACCOUNT", "spotify-stack:snowflakeUser": "PULUMI_DEPLOY" }
                        : {}),
                };
                fs.writeFileSync(path.join(root, `Pulumi.${stack}.yaml`), yaml.dump({ config: changed }));
                const settings = stackConfigFile(stack, root);
                const warnings = warnedWhile(() => load(settings)).filter((w) => /alarmEmail/.test(w));
                assert.deepEqual(warnings, [], `${stack}, seed ${seed}`);
                fs.rmSync(root, { recursive: true });
            }
        }
    });

    test("only the checks any stack file must pass read them: the tests of the program's choices read the examples", () => {
        // A test that expected a root file's values (its sources, its alarm e-mail) would fail a user's pull request that
        // changes them as docs/deploying.md says; such tests read exampleStack().
        const readers = fs.readdirSync(path.join(repoRoot, "tests", "infra"), { recursive: true, encoding: "utf8" })
            .filter((file) => file.endsWith(".ts") && !file.startsWith("fixtures"))
            .filter((file) => /\bstackConfigFile\(\s*["'`]|Pulumi\.(dev|production)\.yaml["'`]\)|`Pulumi\.\$\{/.test(fs.readFileSync(path.join(repoRoot, "tests", "infra", file), "utf8")))
            .sort();
        assert.deepEqual(readers, ["helpers/stackHarness.ts", "stack.config.test.ts", "workflows.test.ts"]);
    });
});

describe("defaults", () => {
    test("a stack that sets only its region gets the documented defaults", () => {
        const config = load({ "aws:region": "eu-west-1" });
        for (const spec of configKeys) {
            assert.ok(spec.secret === true || spec.default !== undefined, `${spec.key} has no default`);
        }
        assert.equal(config.functions.extract.timeoutSeconds, 900);
        assert.equal(config.functions.transform.memoryMb, 2048);
        assert.equal(config.functions.transform.timeoutSeconds, 300);
        assert.equal(config.functions.transform.reservedConcurrency, 0, "no reservation unless set");
        assert.equal(config.functions.transform.ephemeralStorageMb, 512);
        assert.equal(config.storage.encryption, "AES256");
        assert.equal(config.storage.forceDestroy, false);
        assert.equal(config.schedule.expression, "rate(1 hour)");
        // The retries docs/guarantees.md promises: EventBridge 2 within an hour, Lambda 1 for extract and 2 for transform.
        assert.equal(config.schedule.retryAttempts, 2);
        assert.equal(config.schedule.maximumEventAgeSeconds, 3600);
        assert.equal(config.functions.extract.retryAttempts, 1);
        assert.equal(config.functions.transform.retryAttempts, 2);
        assert.equal(config.alarms.email, "");
        assert.equal(config.catalog.firstSnapshotDate, "2025-01-01");
        assert.deepEqual(config.spotify.sources.map((s) => s.type), ["recently_played", "top_tracks", "top_artists", "saved_tracks"]);
    });
});

describe("an invalid value fails naming its key", () => {
    const cases: [string, string, RegExp][] = [
        ["extractTimeoutSeconds", "1200", /spotify-stack:extractTimeoutSeconds must be between 1 and 900/],
        ["extractMemoryMb", "12.5", /spotify-stack:extractMemoryMb must be an integer/],
        ["transformRetryAttempts", "3", /spotify-stack:transformRetryAttempts must be between 0 and 2/],
        ["transformEphemeralStorageMb", "256", /spotify-stack:transformEphemeralStorageMb must be between 512 and 10240/],
        ["transformEphemeralStorageMb", "10241", /spotify-stack:transformEphemeralStorageMb must be between 512 and 10240/],
        ["transformEphemeralStorageMb", "1024.5", /spotify-stack:transformEphemeralStorageMb must be an integer/],
        ["transformReservedConcurrency", "-1", /spotify-stack:transformReservedConcurrency must be a whole number of at least 1, or 0 for no reservation/],
        ["transformReservedConcurrency", "2.5", /spotify-stack:transformReservedConcurrency must be an integer/],
        ["functionArchitecture", "arm", /spotify-stack:functionArchitecture must be one of x86_64, arm64/],
        ["logRetentionDays", "10", /spotify-stack:logRetentionDays must be one of/],
        ["spotifySources", JSON.stringify(["top_tracks:forever"]), /spotify-stack:spotifySources needs a time range/],
        ["spotifySources", JSON.stringify(["playlist:short"]), /spotify-stack:spotifySources needs a 22-character playlist id/],
        ["spotifySources", "recently_played", /spotify-stack:spotifySources must be a list of strings/],
        ["spotifySources", "[]", /spotify-stack:spotifySources must name at least one source/],
        ["extractSchedule", "every day", /spotify-stack:extractSchedule must be an EventBridge schedule expression/],
        ["extractSchedule", "rate(7 days)", /spotify-stack:extractSchedule runs 168 hours apart: the silence alarms .* look back at most seven days .* run at least every 166 hours/],
        ["extractSchedule", "cron(0 * * * ? 2020)", /spotify-stack:extractSchedule names no year from \d{4} on \(its last is 2020\): EventBridge never runs it again, .* write \* as its year, as in cron\(0 \* \* \* \? \*\) \(got "cron\(0 \* \* \* \? 2020\)"\)/],
        ["rawTransitionDays", "10", /spotify-stack:rawTransitionDays must be 0 or at least 30 for STANDARD_IA/],
        ["alarmEmail", "not-an-address", /spotify-stack:alarmEmail must be an e-mail address/],
        ["bucketEncryption", "KMS", /spotify-stack:bucketEncryption must be one of AES256, aws:kms/],
        ["forceDestroy", "yes", /spotify-stack:forceDestroy must be true or false/],
        ["protectData", "on", /spotify-stack:protectData must be true or false/],
        ["secretRecoveryWindowDays", "3", /spotify-stack:secretRecoveryWindowDays must be 0 or 7-30/],
        ["namePrefix", "Spotify_Dev", /spotify-stack:namePrefix must be 1-20 lowercase letters/],
        ["namePrefix", "xn--music", /spotify-stack:namePrefix must not start with "xn--": S3 refuses bucket names/],
        ["namePrefix", "sthree", /spotify-stack:namePrefix must not start with "sthree-"/],
        ["namePrefix", "amzn-s3-demo", /spotify-stack:namePrefix must not start with "amzn-s3-demo-"/],
        ["spotifyMarket", "usa", /spotify-stack:spotifyMarket must be an ISO 3166-1 alpha-2 code/],
        ["topItemsLimit", "0", /spotify-stack:topItemsLimit must be between 1 and 1000/],
        ["savedTracksFullPassDays", "a week", /spotify-stack:savedTracksFullPassDays must be an integer/],
        ["catalogCrawlerSchedule", "rate(1 day)", /spotify-stack:catalogCrawlerSchedule must be cron/],
        ["catalogCrawlerSchedule", "cron(30 6 * * ? 2020)", /spotify-stack:catalogCrawlerSchedule names no year from \d{4} on \(its last is 2020\): Glue never runs it again, .* write \* as its year, as in cron\(30 6 \* \* \? \*\) \(got "cron\(30 6 \* \* \? 2020\)"\)/],
        ["athenaBytesScannedCutoffPerQuery", "1000", /spotify-stack:athenaBytesScannedCutoffPerQuery must be between 10485760/],
        ["catalogFirstSnapshotDate", "21.11.2023", /spotify-stack:catalogFirstSnapshotDate must be a date written yyyy-MM-dd/],
        ["catalogFirstSnapshotDate", "2023-02-30", /spotify-stack:catalogFirstSnapshotDate must be a date written yyyy-MM-dd/],
        ["catalogFirstSnapshotDate", "2999-01-01", /spotify-stack:catalogFirstSnapshotDate must not be after today/],
        ["snowflakeEnabled", "on", /spotify-stack:snowflakeEnabled must be true or false/],
        ["snowflakeDatabase", "spotify-lake", /spotify-stack:snowflakeDatabase must be a Snowflake identifier/],
        ["snowflakeReloadSchedule", "daily", /spotify-stack:snowflakeReloadSchedule must be five cron fields and a time zone/],
        ["snowflakeReloadSchedule", "99 * * * * UTC", /snowflakeReloadSchedule has 99 in its minute field, outside 0-59/],
        ["snowflakeReloadSchedule", "0 24 * * * UTC", /has 24 in its hour field/],
        ["snowflakeReloadSchedule", "*/0 * * * * UTC", /minute field that steps by 0/],
        ["snowflakeReloadSchedule", "0 8 0 * * UTC", /has 0 in its day-of-month field/],
        ["snowflakeReloadSchedule", "0 8 * 13 * UTC", /has 13 in its month field/],
        ["snowflakeReloadSchedule", "0 8 * * 7 UTC", /has 7 in its day-of-week field, outside 0-6 \(or SUN-SAT\)/],
        ["snowflakeReloadSchedule", "0 8 * * FUN UTC", /has FUN in its day-of-week field/],
        ["snowflakeReloadSchedule", "0 8 * * * GMT+1", /has GMT\+1 for its time zone, which is no zone of the tz database/],
        ["snowflakeReloadSchedule", "0 8 * * * Mars/Base", /no zone of the tz database/],
        ["snowflakeReloadSchedule", "0 8 * * * +01:00", /has \+01:00 for its time zone, which is no zone of the tz database/],
        ["snowflakeReloadSchedule", "0 8 * * * -07", /no zone of the tz database/],
    ];
    for (const [key, value, expected] of cases) {
        test(`${key} = ${value}`, () => {
            assert.match(problemsOf({ ...validConfig(), [`${projectName}:${key}`]: value }), expected);
        });
    }

    test("snowflakeReloadSchedule takes Snowflake's cron forms: lists, ranges, steps, names, L", () => {
        for (const schedule of ["30 * * * * UTC", "*/15 6-22 * * MON-FRI Europe/Berlin", "0 0 L * * UTC", "0 9 1,15 JAN,jul * UTC", "0 9 * * 5L UTC",
            "0 9 * * SUN,SAT UTC", "5-55/10 * * * * America/Los_Angeles", "0 0 * * 0-6 Etc/GMT-1"]) {
            assert.doesNotThrow(() => load({ ...validConfig(), [`${projectName}:snowflakeReloadSchedule`]: schedule }), schedule);
        }
    });

    test("snowflakeReloadSchedule takes every time zone of the tz database, its legacy names and Etc/ offsets too", () => {
        const zones = [...Intl.supportedValuesOf("timeZone"), "UTC", "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT", "GMT0", "GMT+0", "Etc/GMT+5", "Etc/GMT-14"];
        for (const zone of zones) {
            assert.doesNotThrow(() => load({ ...validConfig(), [`${projectName}:snowflakeReloadSchedule`]: `30 6 * * 1-5 ${zone}` }), zone);
        }
    });

    test("savedTracksFullPassDays comes before rawExpirationDays expires the last full pass, for generated pairs", () => {
        let x = 20261201;
        const next = (bound: number): number => (x = (x * 1103515245 + 12345) % 2147483648) % bound;
        for (let i = 0; i < 40; i++) {
            const expiry = [0, 1, 2, 30, 90, 730][i % 6]! + next(3) * next(200);
            const fullPass = 1 + next(365);
            const config = { ...validConfig(), [`${projectName}:rawTransitionDays`]: "0", [`${projectName}:rawExpirationDays`]: String(expiry),
                [`${projectName}:savedTracksFullPassDays`]: String(fullPass) };
            let problems = "";
            try {
                load(config);
            } catch (error) {
                assert.ok(error instanceof ConfigValidationError, String(error));
                problems = error.message;
            }
            // The raw copy of a full pass lives rawExpirationDays days; the next one must land while it does.
            const refused = expiry > 0 && fullPass > snapshotRelandDays(expiry);
            assert.equal(/savedTracksFullPassDays must be at most/.test(problems), refused, `expiry ${expiry}, full pass every ${fullPass} days: ${problems}`);
            assert.ok(refused || expiry === 0 || fullPass < expiry || expiry === 1, `expiry ${expiry}, full pass every ${fullPass} days accepted`);
        }
    });

    test("a transformReservedConcurrency above 900, more than an account of the default 1,000 executions may reserve, is warned at preview and kept", () => {
        for (const value of [0, 1, 8, 450, 899, 900, 901, 1000, 5000]) {
            const warnings = warnedWhile(() => assert.equal(
                load({ ...validConfig(), [`${projectName}:transformReservedConcurrency`]: String(value) }).functions.transform.reservedConcurrency, value));
            const told = warnings.filter((w) => /transformReservedConcurrency/.test(w));
            assert.equal(told.length, value > 900 ? 1 : 0, `${value}: ${told.join("\n")}`);
            if (value > 900) {
                assert.match(told[0]!, /keeps 100 of an account's concurrent executions unreserved.*above 900 fails in pulumi up/);
            }
        }
    });

    test("a namePrefix is refused exactly when a bucket name starting with it breaks S3's naming rules", () => {
        // Generated prefixes, half of them starting with a prefix S3 reserves for bucket names.
        let seed = 11;
        const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
        const reserved = ["xn--", "sthree-", "amzn-s3-demo-"];
        for (let i = 0; i < 300; i++) {
            const head = next(2) === 0 ? reserved[next(reserved.length)] : "s";
            const tail = Array.from({ length: next(12) }, () => "abcdefghijklmnopqrstuvwxyz0123456789-"[next(37)]).join("");
            const prefix = (head + tail).slice(0, 20).replace(/-$/, "");
            const bucket = longestBucketName(prefix, "dev");
            const s3Refuses = reserved.some((r) => bucket.startsWith(r));
            assert.equal(namePrefixProblem(prefix) !== undefined, s3Refuses, `${prefix}: ${namePrefixProblem(prefix)}`);
        }
    });

    test("a stack name that is not lowercase letters and digits, or too long with namePrefix for S3, is refused naming both", () => {
        // Generated names: every length of namePrefix and stack the checks allow, and some they do not.
        let seed = 7;
        const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
        const word = (length: number, alphabet: string): string => "s" + Array.from({ length: length - 1 }, () => alphabet[next(alphabet.length)]).join("");
        for (let i = 0; i < 200; i++) {
            const prefix = word(1 + next(20), "abcdefghijklmnopqrstuvwxyz0123456789-");
            const stack = word(1 + next(24), "abcdefghijklmnopqrstuvwxyz0123456789");
            const problems = stackNameProblems(prefix, stack);
            const fits = stack.length <= 20 && longestBucketName(prefix, stack).length <= 63;
            assert.equal(problems.length === 0, fits, `${prefix} / ${stack}: ${problems.join("; ")}`);
            if (stack.length <= 20 && !fits) {
                assert.match(problems[0]!, /S3 allows 63: together they may have at most 34 characters/);
            }
        }
        for (const stack of ["Dev", "my_stack", "dev-eu", "1dev", ""]) {
            const problem = stackNameProblems("spotify", stack)[0] ?? "";
            assert.match(problem, /must be 1-20 lowercase letters or digits/, stack);
            // A rename replaces every resource: the remedy is a new stack, and the way to move the data.
            assert.doesNotMatch(problem, /pulumi stack rename/, stack);
            assert.match(problem, /pulumi stack init <name>.*"Names and region are fixed once deployed"/, stack);
        }
        assert.ok(fs.readFileSync(path.join(repoRoot, "docs", "deploying.md"), "utf8").includes("**Names and region are fixed once deployed.**"),
            "the section the error names is in docs/deploying.md");
        assert.deepEqual(stackNameProblems("spotify", "production"), []);
    });

    test("catalogFirstSnapshotDate may be any real day up to today (UTC), and not the day after", () => {
        const now = new Date("2026-11-20T23:30:00Z");
        for (const day of ["2008-01-01", "2024-02-29", "2026-11-20"]) {
            assert.equal(firstSnapshotDateProblem(day, now), undefined, day);
        }
        assert.match(firstSnapshotDateProblem("2026-11-21", now) ?? "", /must not be after today \(2026-11-20\)/);
        assert.match(firstSnapshotDateProblem("2025-02-29", now) ?? "", /must be a date written yyyy-MM-dd/);
    });

    test("raw objects may not expire before they move to the colder class", () => {
        assert.match(problemsOf({ ...validConfig(), "spotify-stack:rawTransitionDays": "30", "spotify-stack:rawExpirationDays": "20" }),
            /spotify-stack:rawExpirationDays must be at least 60 with rawTransitionStorageClass STANDARD_IA and rawTransitionDays 30, or 0 \(got 20\)/);
    });

    test("raw snapshots may not expire before S3 stops billing their storage class's minimum stay, for every class the config accepts (generated days on both sides of the bound)", () => {
        // S3's minimum storage duration of each class a lifecycle rule moves objects to: one deleted sooner is billed the
        // days left. INTELLIGENT_TIERING has none, but S3 expires an object only days after it moves it.
        const minimumDays: Readonly<Record<string, number>> = { STANDARD_IA: 30, ONEZONE_IA: 30, INTELLIGENT_TIERING: 0, GLACIER_IR: 90, GLACIER: 90, DEEP_ARCHIVE: 180 };
        // S3 moves an object to STANDARD_IA or ONEZONE_IA once it is 30 days old at the earliest.
        const leastTransition = (storageClass: string): number => (storageClass === "STANDARD_IA" || storageClass === "ONEZONE_IA" ? 30 : 1);
        const lifecycle = (storageClass: string, transition: number, expiration: number): Record<string, string> => ({
            ...validConfig(),
            [`${projectName}:rawTransitionStorageClass`]: storageClass,
            [`${projectName}:rawTransitionDays`]: String(transition),
            [`${projectName}:rawExpirationDays`]: String(expiration),
        });
        /** The problems loading names under the lifecycle's three keys. */
        const lifecycleProblems = (config: Record<string, string>): string[] => {
            try {
                load(config);
                return [];
            } catch (error) {
                assert.ok(error instanceof ConfigValidationError, String(error));
                return error.problems.filter((p) => /^spotify-stack:raw(TransitionStorageClass|TransitionDays|ExpirationDays) /.test(p));
            }
        };
        const accepted = Object.keys(minimumDays).filter((c) => lifecycleProblems(lifecycle(c, 0, 0)).length === 0);
        for (const storageClass of ["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"]) {
            assert.ok(accepted.includes(storageClass), `${storageClass} is accepted`);
        }
        let x = 20261205;
        const next = (bound: number): number => (x = (x * 1103515245 + 12345) % 2147483648) % bound;
        let refusedCount = 0;
        for (const storageClass of accepted) {
            const minimum = minimumDays[storageClass]!;
            const least = leastTransition(storageClass);
            const transitions = [...new Set([least, least + 1, 30, 31, 60, 89, 90, 91, 180, 365, ...Array.from({ length: 8 }, () => least + next(1000))])]
                .filter((t) => t >= least);
            for (const transition of transitions) {
                const bound = transition + Math.max(1, minimum);
                const expirations = [0, 1, bound - 1, 1 + next(bound - 1), bound, bound + 1, bound + next(3000)];
                for (const expiration of expirations) {
                    const problems = lifecycleProblems(lifecycle(storageClass, transition, expiration));
                    const setting = `${storageClass} after ${transition} days, expiring after ${expiration}`;
                    if (expiration === 0 || expiration >= bound) {
                        assert.deepEqual(problems, [], setting);
                        continue;
                    }
                    refusedCount += 1;
                    assert.equal(problems.length, 1, `${setting}: ${problems.join(" | ")}`);
                    const problem = problems[0]!;
                    assert.ok(problem.startsWith(`spotify-stack:rawExpirationDays must be at least ${bound} with rawTransitionStorageClass ${storageClass} `
                        + `and rawTransitionDays ${transition}, or 0 (got ${expiration}): `), problem);
                    if (minimum > 0) {
                        assert.ok(problem.includes(`S3 bills an object in ${storageClass} for at least ${minimum} days`), problem);
                    }
                    // Every value it offers would do: no expiration, the least expiration, no transition, a later transition, another class.
                    assert.match(problem, new RegExp(`Set rawExpirationDays to 0 \\(keep the snapshots\\) or at least ${bound}, or rawTransitionDays to `));
                    const offers: [string, number, number][] = [[storageClass, transition, 0], [storageClass, transition, bound], [storageClass, 0, expiration]];
                    const later = /rawTransitionDays to at most (\d+), or 0/.exec(problem);
                    if (later !== null) {
                        offers.push([storageClass, Number(later[1]), expiration]);
                        assert.ok(Number(later[1]) + Math.max(1, minimum) === expiration, problem);
                    } else {
                        assert.ok(expiration - Math.max(1, minimum) < least, `${problem}: a later transition would do`);
                    }
                    const others = /rawTransitionStorageClass to ([A-Z_]+(?: or [A-Z_]+)*)$/.exec(problem)?.[1]?.split(" or ") ?? [];
                    offers.push(...others.map((c): [string, number, number] => [c, transition, expiration]));
                    for (const [c, t, e] of offers) {
                        assert.deepEqual(lifecycleProblems(lifecycle(c, t, e)), [], `${problem}: offers ${c}, ${t}, ${e}`);
                    }
                    // And the classes it does not offer would not.
                    for (const c of accepted.filter((c) => c !== storageClass && !others.includes(c))) {
                        assert.notDeepEqual(lifecycleProblems(lifecycle(c, transition, expiration)), [], `${problem}: ${c} would do`);
                    }
                }
            }
        }
        assert.ok(refusedCount > 100, `${refusedCount} refused settings`);
    });

    test("snapshots moved to GLACIER_IR after 30 days and expiring after 60 are refused, offering an expiration of 120 days or more, no move, or a class billed for fewer days", () => {
        assert.match(problemsOf({ ...validConfig(), [`${projectName}:rawTransitionStorageClass`]: "GLACIER_IR", [`${projectName}:rawTransitionDays`]: "30",
            [`${projectName}:rawExpirationDays`]: "60" }),
            /spotify-stack:rawExpirationDays must be at least 120 with rawTransitionStorageClass GLACIER_IR and rawTransitionDays 30, or 0 \(got 60\): S3 bills an object in GLACIER_IR for at least 90 days.* Set rawExpirationDays to 0 \(keep the snapshots\) or at least 120, or rawTransitionDays to 0 \(never move them\), or rawTransitionStorageClass to STANDARD_IA or INTELLIGENT_TIERING/);
    });

    test("a missing region names aws:region", () => {
        const config = validConfig();
        delete config["aws:region"];
        assert.match(problemsOf(config), /aws:region must be set/);
    });

    test("every region the AWS provider knows is a region, of every partition, and words that are none are refused", () => {
        // From the installed provider's own list: China, GovCloud and the European Sovereign Cloud (eusc-de-east-1) included.
        const regions = Object.values(aws.Region);
        assert.ok(regions.includes("eusc-de-east-1" as aws.Region) && regions.includes("us-gov-west-1" as aws.Region) && regions.length > 30);
        for (const region of regions) {
            assert.doesNotThrow(() => load({ ...validConfig(), "aws:region": region }), region);
        }
        for (const word of ["Stockholm", "eu-north", "eu_north_1", "EU-NORTH-1", "e-north-1", "europe-north-1x", "us-east-1 ", "eu-north-1; rm"]) {
            assert.match(problemsOf({ ...validConfig(), "aws:region": word }), /aws:region must be set to an AWS region/, word);
        }
    });

    for (const key of retiredSpotifyKeys) {
        test(`a stack that still sets ${key} is told to move the credential into Secrets Manager and remove the key`, () => {
            const message = problemsOf({ ...validConfig(), [`spotify-stack:${key}`]: "SENTINEL-credential-5e1f" });
            assert.match(message, new RegExp(`spotify-stack:${key} is no longer stack config`));
            assert.match(message, /aws secretsmanager put-secret-value --region "\$\(pulumi config get aws:region\)" --secret-id "\$\(pulumi stack output spotifySecretArn\)" --secret-string file:\/\//);
            assert.match(message, new RegExp(`pulumi config rm ${key}`));
            assert.match(message, /do not copy this value back/, "the config's token may be older than the one the function saved");
            assert.doesNotMatch(message, /SENTINEL/, "the message never echoes the value");
        });

        test(`${key} left empty, as the CLI applies its declared default, is not refused`, () => {
            assert.doesNotThrow(() => load({ ...validConfig(), [`spotify-stack:${key}`]: "" }));
        });
    }

    test("the Spotify credentials are declared only as retired keys: empty by default, never secret, set by no example stack", () => {
        // Declared so that the CLI's check of undeclared project keys lets a stack of the earlier model reach the
        // program's message; a declared key without a default would instead be required of every stack.
        assert.deepEqual(configKeys.filter((k) => /spotify(Client|Refresh)/.test(k.key)).map((k) => [k.key, k.default, k.secret ?? false]),
            retiredSpotifyKeys.map((key) => [key, "", false]));
        for (const stack of stackNames(repoRoot)) {
            for (const key of retiredSpotifyKeys) {
                assert.ok(!(`${projectName}:${key}` in stackConfigFile(stack)), `Pulumi.${stack}.yaml sets the retired ${key}`);
            }
        }
    });

    test("every key an earlier version of the program declared or read is still declared, so its stack files pass the CLI's check", () => {
        // pulumi preview and up refuse a stack setting a project key the project does not declare, before the program
        // can say what to do: a key is retired, never removed.
        const earlier = [...retiredSpotifyKeys, "parametersSecretsExtensionLayerArn"];
        const declared = new Set(Object.keys(project.config));
        assert.deepEqual(earlier.filter((key) => !declared.has(key)), []);
    });

    test("a stack still setting the retired extension layer key is warned and deployed as without it", () => {
        const layer = "arn:aws:lambda:eu-west-1:123456789012:layer:x:1";
        const config = { ...validConfig(), "spotify-stack:parametersSecretsExtensionLayerArn": layer };
        const warnings = warnedWhile(() => load(config)).filter((w) => /parametersSecretsExtensionLayerArn/.test(w));
        assert.equal(warnings.length, 1, warnings.join("\n"));
        assert.match(warnings[0]!, /is ignored.*pulumi config rm parametersSecretsExtensionLayerArn/s);
        // What is deployed is what a stack without the key gets: the layer reaches nothing.
        const shown = (c: Record<string, string>): string => JSON.stringify(load(c), (_, value: unknown) => (pulumi.Output.isInstance(value) ? "<output>" : value));
        assert.equal(shown(config), shown(validConfig()));
        assert.ok(!shown(config).includes(layer));
        assert.deepEqual(warnedWhile(() => load(validConfig())).filter((w) => /parametersSecretsExtensionLayerArn/.test(w)), []);
    });

    test("a Spotify-owned playlist among the sources is warned at preview, named; other playlists are not", () => {
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let seed = 7;
        const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
        const id = (prefix: string): string => prefix + Array.from({ length: 22 - prefix.length }, () => alphabet[next(alphabet.length)]).join("");
        const warned = (sources: string[]): string[] =>
            warnedWhile(() => load({ ...validConfig(), "spotify-stack:spotifySources": JSON.stringify(sources) })).filter((w) => /spotifySources/.test(w));
        for (let round = 0; round < 12; round++) {
            const owned = Array.from({ length: 1 + next(3) }, () => id("37i9dQZ"));
            // Ids that only look close: another case, the prefix cut short or further in.
            const others = [id(""), id("37i9dQz"), id("37i9dQ"), `x${id("37i9dQZ").slice(0, 21)}`].filter((o) => !o.startsWith("37i9dQZ"));
            const sources = [...others, ...owned].map((p) => `playlist:${p}`).sort(() => next(3) - 1).concat("recently_played");
            const warnings = warned(sources);
            assert.equal(warnings.length, 1, warnings.join("\n"));
            assert.match(warnings[0]!, /Spotify-owned editorial or algorithmic playlists.*Development Mode.*playlist you own or collaborate on.*Extended Quota Mode/s);
            for (const o of owned) {
                assert.ok(warnings[0]!.includes(`playlist:${o}`), `${o} is named`);
            }
            for (const o of others) {
                assert.ok(!warnings[0]!.includes(o), `${o} is not named`);
            }
            assert.deepEqual(warned([...others.map((p) => `playlist:${p}`), "saved_tracks"]), [], others.join(", "));
        }
    });

    test("a function given more than 3,008 MB is warned at preview, as a new account's quota may refuse it; one at or below is not", () => {
        for (const key of ["extractMemoryMb", "transformMemoryMb"]) {
            for (const [memory, warned] of [[128, false], [2048, false], [3008, false], [3009, true], [4096, true], [10240, true]] as const) {
                const warnings = warnedWhile(() => load({ ...validConfig(), [`spotify-stack:${key}`]: String(memory) })).filter((w) => w.includes(`:${key}`));
                assert.equal(warnings.length, warned ? 1 : 0, `${key} ${memory}: ${warnings.join("\n")}`);
                if (warned) {
                    assert.match(warnings[0]!, new RegExp(`${key} is ${memory}: new AWS accounts may give a function at most 3,008 MB.*set 3008 or less`, "s"));
                }
            }
        }
    });

    test("a stack without alarmEmail is warned at preview that its alarms reach nobody; one with it is not", () => {
        const warnings = warnedWhile(() => load({ ...validConfig(), "spotify-stack:alarmEmail": "" }));
        assert.equal(warnings.filter((w) => /alarmEmail/.test(w)).length, 1, warnings.join("\n"));
        assert.match(warnings.find((w) => /alarmEmail/.test(w))!, /alarms go to a topic nobody subscribes to.*set alarmEmail.*subscribe/is);
        assert.deepEqual(warnedWhile(() => load({ ...validConfig(), "spotify-stack:alarmEmail": "oncall@music-analytics.io" })).filter((w) => /alarmEmail/.test(w)), []);
    });

    test("an alarmEmail at a domain reserved for examples is warned at preview, as the example production stack's is; a real-looking one is not", () => {
        const reserved = ["example.com", "EXAMPLE.org", "example.net", "alerts.example.com", "mail.Example.Org.", "corp.example", "ci.test", "x.invalid", "mail.localhost"];
        const real = ["examples.com", "myexample.com", "example.com.au", "example.co", "test.io", "example-corp.org", "invalid-domains.net"];
        const local = ["oncall", "first.last", "ops+alarms"];
        const warned = (address: string): string[] => warnedWhile(() => load({ ...validConfig(), "spotify-stack:alarmEmail": address })).filter((w) => /alarmEmail/.test(w));
        for (const [i, domain] of reserved.entries()) {
            const address = `${local[i % local.length]}@${domain}`;
            const warnings = warned(address);
            assert.equal(warnings.length, 1, `${address}: ${warnings.join("\n")}`);
            assert.match(warnings[0]!, /reserved for examples.*alarms reach nobody.*pulumi config set alarmEmail/s, address);
        }
        for (const [i, domain] of real.entries()) {
            assert.deepEqual(warned(`${local[i % local.length]}@${domain}`), [], domain);
        }
        assert.equal(warned(exampleStack("production")["spotify-stack:alarmEmail"]!).length, 1, "the example production stack's placeholder is warned");
    });

    test("several invalid values are reported together", () => {
        const message = problemsOf({
            ...validConfig(),
            "spotify-stack:extractMemoryMb": "64",
            "spotify-stack:alarmEmail": "nobody",
        });
        assert.match(message, /extractMemoryMb/);
        assert.match(message, /alarmEmail/);
    });

    test("the program itself stops before declaring resources when a value is invalid", () => {
        pulumi.runtime.setAllConfig({
            ...validConfig(),
            "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
            "spotify-stack:transformTimeoutSeconds": "0",
        }, []);
        assert.throws(() => require(path.join(infraDir, "index.ts")), /spotify-stack:transformTimeoutSeconds must be between 1 and 900/);
    });
});

describe("Snowflake", () => {
    const snowflakeOn = devWithSnowflake;
    const loadWithSecrets = (config: Record<string, string>) => {
        pulumi.runtime.setAllConfig(config, snowflakeSecretKeys);
        return loadConfig();
    };

    test("is off by default and then needs no account, user or credentials", () => {
        const config = load(validConfig());
        assert.equal(config.snowflake.enabled, false);
        assert.equal(config.snowflake.database, "SPOTIFY_DEV");
        assert.equal(config.snowflake.schema, "LAKE");
    });

    test("turned on without account, user or credentials names each missing key and how to set it", () => {
        const message = problemsOf({ ...validConfig(), "spotify-stack:snowflakeEnabled": "true" });
        assert.match(message, /spotify-stack:snowflakeOrganization is required when snowflakeEnabled is true: pulumi config set snowflakeOrganization/);
        assert.match(message, /spotify-stack:snowflakeAccount is required/);
        assert.match(message, /spotify-stack:snowflakeUser is required/);
        assert.doesNotMatch(message, /snowflakePrivateKey/, "without a credential in config the provider reads SNOWFLAKE_PRIVATE_KEY from the deploying job");
    });

    test("without a credential in config the key comes from the deploying job's environment", () => {
        const config = loadWithSecrets(snowflakeOn({}));
        assert.equal(config.snowflake.authentication, "environment");
    });

    for (const [snowflakeRegion, stackRegion] of [["us-east-1", "eu-north-1"], ["eu-west-1", "eu-central-1"], ["ap-southeast-2", "us-west-2"]] as const) {
        test(`a Snowflake account in ${snowflakeRegion} for a lake in ${stackRegion} is refused before anything is created, naming both regions`, () => {
            const message = problemsOf(snowflakeOn({ "aws:region": stackRegion, "spotify-stack:snowflakeAwsRegion": snowflakeRegion }));
            assert.match(message, new RegExp(`snowflakeAwsRegion is ${snowflakeRegion} but the stack's aws:region is ${stackRegion}: S3 notifies only a queue in the bucket's own region`));
        });
    }

    test("a Snowflake account in the stack's own region passes, and a malformed region is named", () => {
        assert.equal(loadWithSecrets(snowflakeOn({ "spotify-stack:snowflakeAwsRegion": "eu-north-1" })).snowflake.awsRegion, "eu-north-1");
        for (const region of Object.values(aws.Region)) {
            assert.equal(loadWithSecrets(snowflakeOn({ "aws:region": region, "spotify-stack:snowflakeAwsRegion": region })).snowflake.awsRegion, region);
        }
        assert.match(problemsOf(snowflakeOn({ "spotify-stack:snowflakeAwsRegion": "Stockholm" })), /snowflakeAwsRegion must be an AWS region/);
    });

    test("takes a private key or a password, not both", () => {
        const both = snowflakeOn({ "spotify-stack:snowflakePrivateKey": "key", "spotify-stack:snowflakePassword": "pw" });
        assert.throws(() => loadWithSecrets(both), /snowflakePrivateKey and snowflakePassword are both set: keep one/);
        const withPassword = loadWithSecrets(snowflakeOn({ "spotify-stack:snowflakePassword": "pw", "spotify-stack:snowflakeDatabase": "analytics" }));
        assert.equal(withPassword.snowflake.authentication, "password");
        assert.equal(withPassword.snowflake.database, "ANALYTICS");
        const withKey = loadWithSecrets(snowflakeOn({ "spotify-stack:snowflakePrivateKey": "key" }));
        assert.equal(withKey.snowflake.authentication, "privateKey");
    });

    test("a credential stored in plain text is refused, naming the command that stores it encrypted", () => {
        for (const key of ["snowflakePrivateKey", "snowflakePassword"]) {
            pulumi.runtime.setAllConfig(snowflakeOn({ [`spotify-stack:${key}`]: "stored-in-plain-text" }), []);
            assert.throws(() => loadConfig(), new RegExp(`spotify-stack:${key} is stored in plain text: remove it \\(pulumi config rm ${key}\\) and set it again with pulumi config set --secret ${key}`));
            assert.equal(loadWithSecrets(snowflakeOn({ [`spotify-stack:${key}`]: "stored-encrypted" })).snowflake.authentication,
                key === "snowflakePrivateKey" ? "privateKey" : "password");
        }
    });

    test("a credential key the CLI filled with its empty default counts as unset", () => {
        const config = loadWithSecrets(snowflakeOn({ "spotify-stack:snowflakePrivateKey": "", "spotify-stack:snowflakePassword": "" }));
        assert.equal(config.snowflake.authentication, "environment");
    });
});

describe("Spotify sources", () => {
    test("each source kind parses into the extract function's SPOTIFY_SOURCES shape", () => {
        assert.deepEqual(parseSpotifySource("playlist:3cEYpjA9oz9GiPac4AsH4n"), { type: "playlist", id: "3cEYpjA9oz9GiPac4AsH4n" });
        assert.deepEqual(parseSpotifySource("recently_played"), { type: "recently_played" });
        assert.deepEqual(parseSpotifySource("my_playlists"), { type: "my_playlists" });
        assert.deepEqual(parseSpotifySource("saved_tracks"), { type: "saved_tracks" });
        assert.deepEqual(parseSpotifySource("top_tracks:short_term"), { type: "top_tracks", time_range: "short_term" });
        assert.deepEqual(parseSpotifySource("top_artists:long_term"), { type: "top_artists", time_range: "long_term" });
    });

    test("malformed sources are explained", () => {
        assert.match(String(parseSpotifySource("recently_played:50")), /takes no argument/);
        assert.match(String(parseSpotifySource("my_playlists:mine")), /takes no argument/);
        assert.match(String(parseSpotifySource("charts")), /unknown source/);
        assert.match(String(parseSpotifySource("playlist:a:b")), /needs a 22-character playlist id in "playlist:a:b"/);
        assert.match(String(parseSpotifySource("top_tracks:short_term:x")), /too many ':'/);
    });

    test("a playlist given by its share link or URI, as the CLI and the function take it, is its id", () => {
        const id = "3cEYpjA9oz9GiPac4AsH4n";
        const next = seeded(11);
        const forms = [
            id, ` ${id} `, `spotify:playlist:${id}`, `spotify:user:spotify:playlist:${id}`,
            `https://open.spotify.com/playlist/${id}`, `https://open.spotify.com/playlist/${id}?si=a1b2c3d4e5f6a7b8`,
            `https://open.spotify.com/intl-de/playlist/${id}?si=x`, `https://open.spotify.com/embed/playlist/${id}`,
            `https://open.spotify.com/user/someone/playlist/${id}`, `http://open.spotify.com/playlist/${id}#top`,
        ];
        for (const form of forms) {
            assert.deepEqual(parseSpotifySource(`playlist:${form}`), { type: "playlist", id }, form);
        }
        // A link or URI to something else, or an id of another length, is refused, naming what to give.
        for (const form of [`https://open.spotify.com/album/${id}`, `spotify:track:${id}`, `https://open.spotify.com/playlist/${id}/tracks`,
            `spotify:playlist:${id.slice(0, 5 + next(15))}`, "https://open.spotify.com/playlist/"]) {
            assert.match(String(parseSpotifySource(`playlist:${form}`)), /needs a 22-character playlist id .*share link/, form);
        }
    });
});
