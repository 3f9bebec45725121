// What the stack invariants read from a stack's recorded resources and config, shared across their areas.
import * as assert from "node:assert/strict";
import { configKeys } from "../../../infra/configReader";
import { contract } from "../../../infra/lakeContract";
import { Stack, types } from "./stackQueries";

/**
 * The metrics the functions publish in the stack's namespace: contract.json's, which the C# tests
 * hold the functions to (ContractTests), plus those of the log metric filters the stack declares.
 */
export function publishedMetrics(stack: Stack): Set<string> {
    const { namespace, ...metrics } = contract.metrics;
    assert.equal(namespace, "SpotifyStack");
    const names = new Set<string>(Object.values(metrics));
    for (const filter of stack.all(types.metricFilter)) {
        const transformation = filter.inputs["metricTransformation"] as { name: string; namespace: string };
        assert.equal(transformation.namespace, stackNamespace(stack), filter.name);
        names.add(transformation.name);
    }
    return names;
}

/**
 * The namespace of the stack's own metrics, as both functions are told it: `SpotifyStack/<namePrefix>-<stack>`, so
 * that two stacks in one account and region (dev and production, as the bootstrap sets them up) never count, alarm
 * on or show each other's events.
 */
export function stackNamespace(stack: Stack): string {
    const told = stack.all(types.function).map((fn) =>
        (fn.inputs["environment"] as { variables: Record<string, string> }).variables[contract.environment.transform.metricsNamespace]);
    const prefix = stack.run.config["spotify-stack:namePrefix"] ?? "spotify";
    assert.deepEqual(told, told.map(() => `SpotifyStack/${prefix}-${stack.run.stack}`));
    return told[0]!;
}

/** The stack's value of a key of the program's: as its config sets it, or else Pulumi.yaml's default. */
export function configured(stack: Stack, key: string): string {
    return stack.run.config[`spotify-stack:${key}`] ?? String(configKeys.find((k) => k.key === key)!.default);
}
