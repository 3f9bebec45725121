// The Snowflake keys of the stack's configuration: read and validated with the rest (config.ts), kept apart here.
import * as pulumi from "@pulumi/pulumi";
import type { Reader } from "./configReader";
import type { SnowflakeConfig } from "./configTypes";
import { isAwsRegion } from "./stackNames";

/** `spotify-dev` -> `SPOTIFY_DEV`: a Snowflake identifier that needs no quotes. */
export function snowflakeIdentifier(text: string): string {
    return text.toUpperCase().replace(/[^A-Z0-9_]/g, "_").replace(/^([^A-Z_])/, "_$1");
}

const snowflakeIdentifierProblem = (v: string): string | undefined =>
    v === "" || /^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(v) ? undefined : "must be a Snowflake identifier (letters, digits, underscores; not starting with a digit)";

const snowflakeCronFields: readonly { name: string; min: number; max: number; names?: readonly string[]; last?: RegExp }[] = [
    { name: "minute", min: 0, max: 59 },
    { name: "hour", min: 0, max: 23 },
    { name: "day-of-month", min: 1, max: 31, last: /^L$/ },
    { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
    { name: "day-of-week", min: 0, max: 6, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], last: /^([0-6]|SUN|MON|TUE|WED|THU|FRI|SAT)?L$/ },
];

/**
 * Why a Snowflake task schedule (`USING CRON` without those words: five fields and a time zone) is one Snowflake refuses, or
 * undefined: each field `*`, values, ranges, lists and steps within its bounds (L for the last day), and a zone of the tz database.
 */
export function snowflakeScheduleProblem(schedule: string): string | undefined {
    const parts = schedule.split(" ");
    if (parts.length !== 6 || parts.some((part) => part === "")) {
        return "must be five cron fields and a time zone, e.g. 30 * * * * UTC, or empty";
    }
    for (let i = 0; i < 5; i++) {
        const field = snowflakeCronFields[i]!;
        for (const part of parts[i]!.toUpperCase().split(",")) {
            if (part === "*" || field.last?.test(part)) {
                continue;
            }
            const step = /^(.+)\/(\d+)$/.exec(part);
            if (step && (Number(step[2]) < 1 || Number(step[2]) > field.max + 1)) {
                return `has a ${field.name} field that steps by ${step[2]}`;
            }
            const base = step ? step[1]! : part;
            if (base === "*") {
                continue;
            }
            const range = /^([^-]+)-([^-]+)$/.exec(base);
            for (const value of range ? [range[1]!, range[2]!] : [base]) {
                const number = /^\d+$/.test(value) ? Number(value) : field.names ? field.names.indexOf(value) + (field.min === 0 ? 0 : 1) : Number.NaN;
                if (!(Number.isInteger(number) && number >= field.min && number <= field.max)) {
                    return `has ${value} in its ${field.name} field, outside ${field.min}-${field.max}${field.names ? ` (or ${field.names[0]}-${field.names[field.names.length - 1]})` : ""}`;
                }
            }
        }
    }
    const zone = parts[5]!;
    // A UTC offset (+01:00), which the JavaScript runtime takes as a zone and Snowflake does not.
    if (!/^[A-Za-z]/.test(zone)) {
        return `has ${zone} for its time zone, which is no zone of the tz database (UTC, Europe/Berlin, Etc/GMT-1 for UTC+1)`;
    }
    try {
        new Intl.DateTimeFormat("en", { timeZone: zone });
    } catch {
        return `has ${zone} for its time zone, which is no zone of the tz database (UTC, Europe/Berlin, Etc/GMT-1 for UTC+1)`;
    }
    return undefined;
}

export function readSnowflakeConfig(r: Reader, namePrefix: string, region: string): SnowflakeConfig {
    const enabled = r.boolean("snowflakeEnabled");
    const required = (key: string) => (v: string) => (enabled && v === "" ? `is required when snowflakeEnabled is true: pulumi config set ${key} <value>` : undefined);
    const organization = r.string("snowflakeOrganization", required("snowflakeOrganization"));
    const account = r.string("snowflakeAccount", required("snowflakeAccount"));
    const user = r.string("snowflakeUser", required("snowflakeUser"));
    const role = r.string("snowflakeRole", snowflakeIdentifierProblem);
    const database = r.string("snowflakeDatabase", snowflakeIdentifierProblem);
    const schema = r.string("snowflakeSchema", (v) => (v === "" ? "must name a schema" : snowflakeIdentifierProblem(v)));
    const reloadSchedule = r.string("snowflakeReloadSchedule", (v) => (v === "" ? undefined : snowflakeScheduleProblem(v)));
    // S3 sends event notifications only to a queue in the bucket's region, and Snowpipe's queue lives in the
    // Snowflake account's region: a mismatch would fail at the notification, after the pipes were created.
    const awsRegion = r.string("snowflakeAwsRegion", (v) =>
        v === "" || isAwsRegion(v) ? undefined : "must be an AWS region such as us-east-1, or empty");
    if (enabled && awsRegion !== "" && region !== "" && awsRegion !== region) {
        r.fail("snowflakeAwsRegion", `is ${awsRegion} but the stack's aws:region is ${region}: S3 notifies only a queue in the bucket's own region, ` +
            "so Snowpipe cannot load this lake; use a Snowflake account in the stack's region, or deploy the stack there");
    }
    const hasKey = r.isSet("snowflakePrivateKey");
    const hasPassword = r.isSet("snowflakePassword");
    if (enabled && hasKey && hasPassword) {
        r.fail("snowflakePrivateKey", "and snowflakePassword are both set: keep one (pulumi config rm snowflakePassword)");
    }
    for (const key of ["snowflakePrivateKey", "snowflakePassword"]) {
        if (!r.isSet(key)) {
            continue;
        }
        if (!r.isStoredSecret(key)) {
            r.fail(key, `is stored in plain text: remove it (pulumi config rm ${key}) and set it again with pulumi config set --secret ${key}`);
        }
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

