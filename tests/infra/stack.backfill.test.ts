// A stack set up for a backfill of older raw data: Athena's daily tables reach back to catalogFirstSnapshotDate
// (partition projection reads no day before it, whatever lies under transformed/), and the transform runs at most
// transformReservedConcurrency days at once, so the replays leave the account's other concurrency to the extract.
import * as assert from "node:assert/strict";
import { before, test } from "node:test";
import { fakeFunctionsPackage, runStack, exampleStack, type StackRun } from "./helpers/stackHarness";
import { Stack } from "./helpers/stackQueries";

// The first day of the documented three-year backfill (1,096 days ending 2026-11-20).
const firstDay = "2023-11-21";
const config = {
    ...exampleStack("dev"),
    "spotify-stack:catalogFirstSnapshotDate": firstDay,
    "spotify-stack:transformReservedConcurrency": "8",
    "spotify-stack:functionsPackagePath": fakeFunctionsPackage(),
};
const run: Promise<StackRun> = runStack("dev", config, []);

let stack: Stack;
before(async () => {
    stack = new Stack(await run);
});

const glueTable = "aws:glue/catalogTable:CatalogTable";

test("every daily table's partition projection starts on catalogFirstSnapshotDate, so Athena reads the backfilled days", () => {
    const daily = stack.all(glueTable).filter((t) => (t.inputs["parameters"] as Record<string, string>)["projection.snapshot_date.range"] !== undefined);
    assert.ok(daily.length >= 5, `${daily.length} daily tables`);
    for (const table of daily) {
        assert.equal((table.inputs["parameters"] as Record<string, string>)["projection.snapshot_date.range"], `${firstDay},NOW`, table.name);
    }
});

test("the listening history's months still start with Spotify, whatever catalogFirstSnapshotDate says", () => {
    const history = stack.one(glueTable, (t) => t.inputs["name"] === "listening_history");
    assert.equal((history.inputs["parameters"] as Record<string, string>)["projection.ended_month.range"], "2008-01,NOW+1YEARS");
});

test("the transform reserves transformReservedConcurrency executions, its most at once; the extract keeps the unreserved pool", () => {
    assert.equal(stack.functionNamed("transform").inputs["reservedConcurrentExecutions"], 8);
    assert.equal(stack.functionNamed("extract").inputs["reservedConcurrentExecutions"], undefined);
});
