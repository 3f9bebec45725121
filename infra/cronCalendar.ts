// The days an EventBridge cron expression runs on, walked over the calendar, so that the silence alarms wait for
// the longest gap between two runs of any schedule: a weekday-only schedule waits over the weekend, and a weekly or
// monthly one is refused instead of raising them every cycle. Only the runs from the present on count: a year the
// year field names that is over never runs again. The expression is one cronProblem accepts.
//   day-of-month: *, values, ranges, lists, increments; L (the last day), LW (the last weekday), nW (the weekday
//   nearest day n, within its month);
//   day-of-week: 1-7 or SUN-SAT, the same forms; L alone (Saturday, the last day of the week), xL (the last x of the
//   month), x#n (the n-th x of the month);
//   a range whose end comes before its start wraps (FRI-MON is Friday to Monday).

/** Month and weekday names as cron spells them, counted from 1 (JAN, SUN): schedules.ts checks expressions with them too. */
export const monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
export const weekdayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const dayMs = 86_400_000;

/**
 * The years walked after the present's when the year field is `*`: 28 years hold every combination of a year's first
 * weekday and its length, so the longest gap over them is the longest there is.
 */
const everyKindOfYear = 28;
/** The last year AWS takes in a cron expression's year field. */
const lastYear = 2199;

/** A value of a field: a number, or a name counted from the field's least value. */
function valueOf(text: string, min: number, names?: readonly string[]): number {
    return /^\d+$/.test(text) ? Number(text) : names!.indexOf(text) + min;
}

/** Whether a part of a field (no L, W or #) names the value: `*`, a value, a range (wrapping when its end comes first), an increment. */
function partNames(part: string, value: number, min: number, max: number, names?: readonly string[]): boolean {
    const [base, stepText] = part.split("/") as [string, string | undefined];
    const step = Number(stepText ?? 1);
    const bounds = base.split("-");
    const from = base === "*" ? min : valueOf(bounds[0]!, min, names);
    const to = base === "*" ? max : bounds.length === 2 ? valueOf(bounds[1]!, min, names) : stepText === undefined ? from : max;
    // A wrapping range counts on past max from min: FRI-MON is 6, 7, 8 (Sunday), 9 (Monday).
    const span = (to >= from ? to : to + max - min + 1) - from;
    const offset = (value - from + max - min + 1) % (max - min + 1);
    return offset <= span && offset % step === 0;
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** 1 (Sunday) to 7 (Saturday), as cron's day-of-week counts. */
const weekdayOf = (year: number, month: number, day: number): number => new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
const isWeekday = (weekday: number): boolean => weekday >= 2 && weekday <= 6;

/** The weekday nearest the month's day n, never in another month; undefined when the month has no day n. */
function nearestWeekday(year: number, month: number, n: number): number | undefined {
    const last = daysIn(year, month);
    if (n > last) {
        return undefined;
    }
    const weekday = weekdayOf(year, month, n);
    if (weekday === 7) {
        return n > 1 ? n - 1 : n + 2;
    }
    if (weekday === 1) {
        return n < last ? n + 1 : n - 2;
    }
    return n;
}

/** The values from min to max that a field's plain parts (those that are no L, W or # form) name. */
function valuesOf(parts: readonly string[], min: number, max: number, names?: readonly string[]): Set<number> {
    const values = new Set<number>();
    for (let value = min; value <= max; value++) {
        if (parts.some((part) => part === "*" || partNames(part, value, min, max, names))) {
            values.add(value);
        }
    }
    return values;
}

type DayTest = (year: number, month: number, day: number) => boolean;

/** The day-of-month field as a test of a day, read once. */
function dayOfMonthTest(field: string): DayTest {
    const tests: DayTest[] = [];
    const plain: string[] = [];
    for (const part of field.split(",")) {
        const near = /^(\d+)W$/.exec(part);
        if (part === "L") {
            tests.push((year, month, day) => day === daysIn(year, month));
        } else if (part === "LW") {
            tests.push((year, month, day) => {
                let weekday = daysIn(year, month);
                while (!isWeekday(weekdayOf(year, month, weekday))) {
                    weekday--;
                }
                return day === weekday;
            });
        } else if (near) {
            tests.push((year, month, day) => day === nearestWeekday(year, month, Number(near[1])));
        } else {
            plain.push(part);
        }
    }
    const days = valuesOf(plain, 1, 31);
    return (year, month, day) => days.has(day) || tests.some((test) => test(year, month, day));
}

/** The day-of-week field as a test of a day, read once. */
function dayOfWeekTest(field: string): DayTest {
    const tests: DayTest[] = [];
    const plain: string[] = [];
    for (const part of field.split(",")) {
        const last = /^(.+)L$/.exec(part);
        const nth = /^(.+)#(\d)$/.exec(part);
        if (part === "L") {
            tests.push((year, month, day) => weekdayOf(year, month, day) === 7);
        } else if (last) {
            const weekday = valueOf(last[1]!, 1, weekdayNames);
            tests.push((year, month, day) => weekdayOf(year, month, day) === weekday && day + 7 > daysIn(year, month));
        } else if (nth) {
            const weekday = valueOf(nth[1]!, 1, weekdayNames);
            tests.push((year, month, day) => weekdayOf(year, month, day) === weekday && Math.ceil(day / 7) === Number(nth[2]));
        } else {
            plain.push(part);
        }
    }
    const weekdays = valuesOf(plain, 1, 7, weekdayNames);
    return (year, month, day) => weekdays.has(weekdayOf(year, month, day)) || tests.some((test) => test(year, month, day));
}

/** The minutes of the day a cron expression's minutes and hours fields name, in order. */
export function cronTimesOfDay(minutesField: string, hoursField: string): number[] {
    const minutes = [...valuesOf(minutesField.split(","), 0, 59)];
    return [...valuesOf(hoursField.split(","), 0, 23)].flatMap((hour) => minutes.map((minute) => hour * 60 + minute));
}

/** The six fields of a cron(...) expression, upper-cased as AWS reads names. */
function fieldsOf(expression: string): [string, string, string, string, string, string] {
    return /^cron\((.*)\)$/.exec(expression)![1]!.toUpperCase().split(" ") as [string, string, string, string, string, string];
}

/** The day fields and the month of a cron expression as a test of a day (the year is walked by the caller). */
function dayTest(fields: readonly string[]): DayTest {
    const [, , dayOfMonth, monthField, dayOfWeek] = fields as [string, string, string, string, string];
    const months = valuesOf(monthField.split(","), 1, 12, monthNames);
    const days = dayOfMonth === "?" ? dayOfWeekTest(dayOfWeek) : dayOfMonthTest(dayOfMonth);
    return (year, month, day) => months.has(month) && days(year, month, day);
}

/** Whether a cron expression AWS accepts runs on a day (yyyy-mm-dd, UTC). */
export function cronRunsOn(expression: string, date: string): boolean {
    const fields = fieldsOf(expression);
    const [year, month, day] = date.split("-").map(Number) as [number, number, number];
    return valuesOf(fields[5].split(","), 1970, lastYear).has(year) && dayTest(fields)(year, month, day);
}

/** The last year a cron expression's year field names (2199, the last AWS takes, for `*`). */
export function lastCronYear(expression: string): number {
    return Math.max(...valuesOf(fieldsOf(expression)[5].split(","), 1970, lastYear));
}

/**
 * The days a cron expression runs on from a day on (days since 1970-01-01, UTC), in order: up to the last year its year
 * field names, or for `*` over the 28 years after the day's (every kind of year).
 */
function* runDays(fields: readonly string[], fromDay: number): Generator<number> {
    const runs = dayTest(fields);
    const named = valuesOf(fields[5]!.split(","), 1970, lastYear);
    const fromYear = new Date(fromDay * dayMs).getUTCFullYear();
    const toYear = fields[5] === "*" ? fromYear + everyKindOfYear : lastYear;
    for (let y = fromYear; y <= toYear; y++) {
        if (!named.has(y)) {
            continue;
        }
        for (let m = 1; m <= 12; m++) {
            for (let d = 1; d <= daysIn(y, m); d++) {
                const at = Date.UTC(y, m - 1, d) / dayMs;
                if (at >= fromDay && runs(y, m, d)) {
                    yield at;
                }
            }
        }
    }
}

/** The days from `now` on that a cron expression runs on, the present's day only while a run of it is still to come. */
function* runDaysFrom(fields: readonly string[], times: readonly number[], now: Date): Generator<number> {
    const today = Math.floor(now.getTime() / dayMs);
    for (const at of runDays(fields, today)) {
        if (at > today || at * dayMs + times[times.length - 1]! * 60_000 >= now.getTime()) {
            yield at;
        }
    }
}

/** The first run of a cron expression AWS accepts at `now` or after it (UTC), or undefined when it never runs again. */
export function nextCronRun(expression: string, now: Date): Date | undefined {
    const fields = fieldsOf(expression);
    const times = cronTimesOfDay(fields[0], fields[1]);
    for (const at of runDaysFrom(fields, times, now)) {
        const time = times.find((t) => at * dayMs + t * 60_000 >= now.getTime())!;
        return new Date(at * dayMs + time * 60_000);
    }
    return undefined;
}

/**
 * The longest time in minutes between two runs of a cron expression AWS accepts, over its runs from `now` on (for `*`
 * as the year, the 28 years after the present's, which hold every kind of year): within a day, and from a day's last
 * run to the next day's first. Undefined when it runs on fewer than two days from now on.
 */
export function longestCronGapMinutes(expression: string, now: Date): number | undefined {
    const fields = fieldsOf(expression);
    const times = cronTimesOfDay(fields[0], fields[1]);
    let previous: number | undefined;
    let longest = times.slice(1).reduce((most, time, i) => Math.max(most, time - times[i]!), 0);
    let days = 0;
    for (const at of runDaysFrom(fields, times, now)) {
        if (previous !== undefined) {
            longest = Math.max(longest, (at - previous) * 1440 + times[0]! - times[times.length - 1]!);
        }
        previous = at;
        days++;
    }
    return days < 2 ? undefined : longest;
}
