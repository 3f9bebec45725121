// How CloudWatch evaluates a metric alarm of one metric, as the stack declares it: datapoints are the alarm's statistic
// over each period (periods aligned to the epoch), and at the end of each period the alarm looks at the last
// evaluationPeriods periods, a missing one breaching or not as treatMissingData says, and is in ALARM when at least
// datapointsToAlarm of them breach. A notification goes out on each change of state the alarm has an action for.

export type AlarmState = "ALARM" | "OK";

export interface AlarmInputs {
    readonly period: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm?: number;
    readonly threshold: number;
    readonly comparisonOperator: string;
    readonly treatMissingData: string;
    readonly statistic: string;
    readonly alarmActions?: readonly unknown[];
    readonly okActions?: readonly unknown[];
}

/** A value the metric was given at a time (seconds). */
export interface Datum {
    readonly at: number;
    readonly value: number;
}

function statistic(name: string, values: readonly number[]): number {
    switch (name) {
        case "Sum": return values.reduce((a, b) => a + b, 0);
        case "SampleCount": return values.length;
        case "Maximum": return Math.max(...values);
        default: throw new Error(`no evaluation of the statistic ${name}`);
    }
}

function breaches(operator: string, value: number, threshold: number): boolean {
    switch (operator) {
        case "GreaterThanThreshold": return value > threshold;
        case "GreaterThanOrEqualToThreshold": return value >= threshold;
        case "LessThanThreshold": return value < threshold;
        case "LessThanOrEqualToThreshold": return value <= threshold;
        default: throw new Error(`no evaluation of ${operator}`);
    }
}

/** The alarm's state at the end of every period from `from` to `to` (seconds), as [end of period, state]. */
export function alarmStates(alarm: AlarmInputs, data: readonly Datum[], from: number, to: number): [number, AlarmState][] {
    const byPeriod = new Map<number, number[]>();
    for (const datum of data) {
        const index = Math.floor(datum.at / alarm.period);
        byPeriod.set(index, [...(byPeriod.get(index) ?? []), datum.value]);
    }
    const needed = alarm.datapointsToAlarm ?? alarm.evaluationPeriods;
    const states: [number, AlarmState][] = [];
    for (let end = Math.ceil(from / alarm.period); end * alarm.period <= to; end++) {
        let breaching = 0;
        for (let index = end - alarm.evaluationPeriods; index < end; index++) {
            const values = byPeriod.get(index);
            if (values === undefined) {
                breaching += alarm.treatMissingData === "breaching" ? 1 : 0;
            } else if (breaches(alarm.comparisonOperator, statistic(alarm.statistic, values), alarm.threshold)) {
                breaching += 1;
            }
        }
        states.push([end * alarm.period, breaching >= needed ? "ALARM" : "OK"]);
    }
    return states;
}

/** The notifications the alarm sends over those states, starting from OK: "ALARM" or "OK" with the time. */
export function notifications(alarm: AlarmInputs, states: readonly [number, AlarmState][]): [number, AlarmState][] {
    const sent: [number, AlarmState][] = [];
    let previous: AlarmState = "OK";
    for (const [at, state] of states) {
        if (state !== previous) {
            const actions = state === "ALARM" ? alarm.alarmActions : alarm.okActions;
            if ((actions ?? []).length > 0) {
                sent.push([at, state]);
            }
            previous = state;
        }
    }
    return sent;
}
