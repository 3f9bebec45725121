// Schedule expressions as EventBridge and Glue accept them, checked before anything is created: a value either
// service refuses would otherwise fail `pulumi up` part-way, after other resources exist.
//   rate(<n> <unit>): n a whole number from 1, the unit singular for 1 and plural otherwise (rate(1 hour), rate(5 minutes));
//   cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>): each field in its range, and `?` in exactly one
//   of the two day fields (AWS cannot honour both);
//   Glue (a crawler's schedule) is stricter: no `#` in the day of the week, and no two runs of a day less than five
//   minutes apart.

import { cronTimesOfDay, lastCronYear, longestCronGapMinutes, monthNames, nextCronRun, weekdayNames } from "./cronCalendar";

/**
 * The present a schedule is judged against, when its caller names none: the moment the program started, taken once so
 * that the config's check and the alarms' windows of one run agree.
 */
const programStart = new Date();

interface Field {
    readonly name: string;
    readonly min: number;
    readonly max: number;
    readonly names?: readonly string[];
    /** Day-of-month: L (last day), W (nearest weekday), LW; day-of-week: L (last), # (nth). */
    readonly extra?: RegExp;
}

const cronFields: readonly Field[] = [
    { name: "minutes", min: 0, max: 59 },
    { name: "hours", min: 0, max: 23 },
    { name: "day-of-month", min: 1, max: 31, extra: /^(L|LW|([1-9]|[12]\d|3[01])W)$/ },
    { name: "month", min: 1, max: 12, names: monthNames },
    { name: "day-of-week", min: 1, max: 7, names: weekdayNames, extra: /^(L|[1-7](L|#[1-5])|(SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/ },
    { name: "year", min: 1970, max: 2199 },
];

/** A problem with one value of a field (a number or a name), or undefined. */
function valueProblem(field: Field, value: string): string | undefined {
    const number = /^\d+$/.test(value) ? Number(value) : field.names ? field.names.indexOf(value) + field.min : Number.NaN;
    return Number.isInteger(number) && number >= field.min && number <= field.max
        ? undefined
        : `its ${field.name} field has ${value}, outside ${field.min}-${field.max}${field.names ? ` (or ${field.names[0]}-${field.names[field.names.length - 1]})` : ""}`;
}

/** A problem with one cron field, or undefined: `*`, `?` (day fields), values, ranges, lists and increments. */
function fieldProblem(field: Field, text: string): string | undefined {
    // AWS takes one nth weekday in a list at most ("3#1,6#3" is refused).
    if (text.split(",").filter((part) => part.includes("#")).length > 1) {
        return `its ${field.name} field has more than one nth weekday (#) in "${text}": give one, or one schedule each`;
    }
    for (const part of text.split(",")) {
        if (part === "*" || (part === "?" && field.extra !== undefined) || field.extra?.test(part)) {
            if (part === "?" && text !== "?") {
                return `its ${field.name} field mixes ? with other values`;
            }
            continue;
        }
        const step = /^(.+)\/(\d+)$/.exec(part);
        const base = step ? step[1]! : part;
        if (step && (Number(step[2]) < 1 || Number(step[2]) > field.max)) {
            return `its ${field.name} field steps by ${step[2]}`;
        }
        if (base === "*" && step) {
            continue;
        }
        const range = /^([^-]+)-([^-]+)$/.exec(base);
        for (const value of range ? [range[1]!, range[2]!] : [base]) {
            const problem = valueProblem(field, value);
            if (problem) {
                return problem;
            }
        }
    }
    return undefined;
}

/** Why a cron(...) expression is not one AWS accepts, or undefined. */
export function cronProblem(expression: string): string | undefined {
    const body = /^cron\((.*)\)$/.exec(expression)?.[1];
    const fields = body?.split(" ");
    if (fields?.length !== 6 || fields.some((f) => f === "")) {
        return "must be cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), six fields separated by single spaces";
    }
    const dayOfMonth = fields[2]!;
    const dayOfWeek = fields[4]!;
    if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
        return `must have ? in exactly one of day-of-month and day-of-week (got "${dayOfMonth}" and "${dayOfWeek}"), as in cron(0 7 * * ? *)`;
    }
    for (let i = 0; i < fields.length; i++) {
        const problem = fieldProblem(cronFields[i]!, fields[i]!.toUpperCase());
        if (problem) {
            return `is not a cron expression AWS accepts: ${problem}`;
        }
    }
    return undefined;
}

/** Why a rate(...) or cron(...) expression is not one EventBridge accepts, or undefined. */
export function scheduleProblem(expression: string): string | undefined {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
    if (rate) {
        const value = Number(rate[1]);
        const unit = rate[2]!;
        if (value < 1) {
            return `must be rate(<n> <unit>) with n at least 1 (got ${rate[1]})`;
        }
        const one = unit.replace(/s$/, "");
        return unit.endsWith("s") !== (value === 1) ? undefined
            : `must be rate(1 ${one}), or rate(<n> ${one}s) for n above 1: EventBridge refuses "${expression}"`;
    }
    if (expression.startsWith("cron(")) {
        return cronProblem(expression);
    }
    return "must be an EventBridge schedule expression, rate(<n> <unit>) or cron(<6 fields>)";
}

/** The least minutes between two runs of one day that a valid cron expression's minutes and hours give; Infinity for one run. */
export function shortestGapMinutes(expression: string): number {
    const fields = /^cron\((.*)\)$/.exec(expression)![1]!.split(" ");
    const times = cronTimesOfDay(fields[0]!, fields[1]!);
    return times.slice(1).reduce((least, time, i) => Math.min(least, time - times[i]!), Number.POSITIVE_INFINITY);
}

/** Why a cron(...) expression is not one a Glue crawler's schedule accepts, or undefined. */
export function glueCronProblem(expression: string): string | undefined {
    const problem = cronProblem(expression);
    if (problem) {
        return problem;
    }
    if (expression.split(" ")[4]!.includes("#")) {
        return "is not a cron expression Glue accepts: # (the nth weekday of the month) is EventBridge's, not Glue's";
    }
    const gap = shortestGapMinutes(expression);
    return gap < 5 ? `runs ${gap} minute${gap === 1 ? "" : "s"} after a run: Glue runs a crawler at most every 5 minutes` : undefined;
}

const minutesPerUnit: Readonly<Record<string, number>> = { minute: 1, hour: 60, day: 1440 };

/**
 * The longest time in minutes between two runs of a valid schedule expression: a rate's interval, or for a cron
 * expression the longest gap between its runs from `now` on over the calendar (longestCronGapMinutes: over midnight,
 * weekends and months included). Undefined for a cron expression that runs on fewer than two days from now on.
 */
export function longestGapMinutes(expression: string, now: Date = programStart): number | undefined {
    const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
    return rate ? Number(rate[1]) * minutesPerUnit[rate[2]!]! : longestCronGapMinutes(expression, now);
}

/** The longest the silence alarms can wait, in hours: CloudWatch evaluates an alarm over at most seven days. */
export const longestSilenceHours = 7 * 24;

/**
 * The hours the silence alarms wait for a run: the longest gap between two runs of the expression from `now` on, rounded
 * up to whole hours, plus two hours of slack for the runs' own time and the hourly periods' edges; at least 3. Infinite
 * for a cron expression that runs on fewer than two days from now on. Not bounded: see extractScheduleProblem.
 */
export function silenceWindowHours(expression: string, now: Date = programStart): number {
    const gap = longestGapMinutes(expression, now);
    return gap === undefined ? Number.POSITIVE_INFINITY : Math.max(Math.ceil(gap / 60) + 2, 3);
}

const silenceAlarms = "the silence alarms (no successful extraction, no recently played extraction, no transform)";

/** What a schedule that never runs again means for what it starts, and what would do instead. */
interface ScheduleUse {
    /** The service that keeps the schedule and never runs it. */
    readonly service: string;
    /** What follows for the stack. */
    readonly outcome: string;
    /** What to give when the same times in every year would not do. */
    readonly otherwise: string;
    /** Why an expression is not one the use can have: the same times in every year are offered only when they pass it. */
    readonly problem: (expression: string, now: Date) => string | undefined;
}

const extractUse: ScheduleUse = {
    service: "EventBridge",
    outcome: `${silenceAlarms} would fire for good`,
    otherwise: "give a schedule that runs from now on and repeats, e.g. rate(1 hour)",
    problem: extractScheduleProblem,
};

const crawlerUse: ScheduleUse = {
    service: "Glue",
    outcome: "the crawler would add no new day's partitions for the Glue readers that do not use projection (Glue ETL, EMR, Redshift Spectrum)",
    otherwise: "give a schedule that runs from now on and repeats, e.g. cron(0 7 * * ? *), or \"\" to run it on demand only",
    problem: crawlerScheduleProblem,
};

/**
 * Why a cron expression AWS accepts never runs again from `now` on, or undefined: its year field names no year from
 * the present's on, or no day and time of its years is still to come. EventBridge and Glue keep such a schedule, and
 * never run it.
 */
function endedScheduleProblem(expression: string, now: Date, use: ScheduleUse): string | undefined {
    if (!expression.startsWith("cron(") || nextCronRun(expression, now) !== undefined) {
        return undefined;
    }
    const thisYear = now.getUTCFullYear();
    const last = lastCronYear(expression);
    // The same times in every year, when that would do.
    const everyYear = expression.replace(/ [^ ]+\)$/, " *)");
    const instead = everyYear !== expression && nextCronRun(everyYear, now) !== undefined && use.problem(everyYear, now) === undefined
        ? `write * as its year, as in ${everyYear}`
        : use.otherwise;
    const when = last < thisYear
        ? `names no year from ${thisYear} on (its last is ${last})`
        : `has no run from ${now.toISOString().slice(0, 16).replace("T", " ")} UTC on`;
    return `${when}: ${use.service} never runs it again, and ${use.outcome}; ${instead}`;
}

/**
 * Why an expression is not one the crawler's schedule can have, or undefined: one Glue accepts (glueCronProblem) that
 * runs again from `now` on.
 */
export function crawlerScheduleProblem(expression: string, now: Date = programStart): string | undefined {
    return glueCronProblem(expression) ?? endedScheduleProblem(expression, now, crawlerUse);
}

/**
 * Why an expression is not one the extract run can have, or undefined: one EventBridge accepts, that runs again from
 * `now` on, and whose longest gap between runs from now on, rounded up to whole hours, plus the two hours of slack the
 * silence alarms add (silenceWindowHours) is within the seven days they can look back. Runs further apart would raise
 * them every cycle, and a schedule that never runs again would raise them for good.
 */
export function extractScheduleProblem(expression: string, now: Date = programStart): string | undefined {
    const problem = scheduleProblem(expression) ?? endedScheduleProblem(expression, now, extractUse);
    if (problem !== undefined || silenceWindowHours(expression, now) <= longestSilenceHours) {
        return problem;
    }
    const gap = longestGapMinutes(expression, now);
    if (gap === undefined) {
        return `runs on one day at most: ${silenceAlarms} wait for the longest gap `
            + "between runs plus two hours, so they would fire from the day after; give a schedule that repeats, e.g. rate(1 hour)";
    }
    return `runs ${Math.ceil(gap / 60)} hours apart: ${silenceAlarms} wait for the longest gap `
        + `between runs plus two hours, and look back at most seven days (${longestSilenceHours} hours), so they would fire every cycle; `
        + `run at least every ${longestSilenceHours - 2} hours, e.g. rate(6 days)`;
}
