/**
 * The common-dialect check itself (tests/infra/helpers/dialect.ts) on the constructs DuckDB accepts but
 * Trino refuses or evaluates differently: each refused form is one DuckDB runs (so only this check stops
 * it before Athena does), and each accepted form is the way to write the same thing in both engines.
 */
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { checkCommonDialect } from "./helpers/dialect";

/** One row of the lake's kinds of columns: integers, a boolean, a time, text. */
const table = "WITH t AS (SELECT 7 AS a, 2 AS b, 3 AS position, true AS skipped, '2026-01-01T08:00:00Z' AS played_at, 'x' AS name) ";

const refused: readonly (readonly [string, RegExp, readonly string[]])[] = [
    ["GROUP BY an output alias", /output alias a1 in GROUP BY/, [
        "SELECT a + 1 AS a1, COUNT(*) AS n FROM t GROUP BY a1",
        "SELECT s.a1 FROM (SELECT a + 1 AS a1, COUNT(*) AS n FROM t GROUP BY a1) AS s",
    ]],
    ["WHERE or HAVING on an output alias", /output alias a1 in (WHERE|HAVING)/, [
        "SELECT a + 1 AS a1 FROM t WHERE a1 > 1",
        "SELECT a + 1 AS a1 FROM t WHERE (a1 > 1 AND b > 0)",
        "SELECT a + 1 AS a1, COUNT(*) AS n FROM t GROUP BY a + 1 HAVING a1 > 1",
    ]],
    ["an alias reused later in the same SELECT list", /alias a1 later in the SELECT list/, [
        "SELECT a + 1 AS a1, a1 * 2 AS a2 FROM t",
        "SELECT COALESCE(a, b) AS a1, ROUND(CAST(a1 AS DOUBLE), 1) AS a2 FROM t",
    ]],
    ["ORDER BY an output alias that a source's column shares", /orders by name, an output alias that a column of a FROM source shares/, [
        "SELECT COALESCE(NULLIF(s.name, ''), 'x') AS name FROM t AS s ORDER BY name",
        "SELECT a, COALESCE(NULLIF(s.name, ''), 'x') AS name, COUNT(*) AS n FROM t AS s GROUP BY a, s.name ORDER BY n DESC, name",
    ]],
    ["integer division", /divides .* neither side a DOUBLE/, [
        "SELECT 7 / 2 AS x FROM t",
        "SELECT a / b AS x FROM t",
        "SELECT COUNT(*) / 2 AS x FROM t",
        "SELECT ROUND(100 * a / b, 1) AS x FROM t",
    ]],
    // Trino reads 4.0 as a DECIMAL: 7 / 4.0 is 1.8 there (the literal's scale), 1.75 in DuckDB.
    ["division by or of a decimal", /divides .* neither side a DOUBLE/, [
        "SELECT a / 4.0 AS y FROM t",
        "SELECT ROUND(100.0 * a / b, 2) AS z FROM t",
        "SELECT 1.5 / a AS x FROM t",
        "SELECT CAST(FLOOR((a - 1997) / 4.0) AS INTEGER) AS y FROM t",
    ]],
    ["a DOUBLE cast to an integer type", /a DOUBLE, to [A-Z0-9]+: Trino rounds a half away from zero/, [
        "SELECT CAST(CAST(a AS DOUBLE) / 2 AS INTEGER) AS x FROM t",
        "SELECT CAST(AVG(a) AS BIGINT) AS x FROM t",
        "SELECT CAST(AVG(a) AS INT) AS x FROM t",
        "SELECT CAST(2.5e0 AS INTEGER) AS x FROM t",
        "SELECT CAST(ROUND(CAST(a AS DOUBLE) / 3, 1) AS INTEGER) AS x FROM t",
    ]],
    ["'x' || a number or a boolean", /concatenates .*, not text, with \|\|/, [
        "SELECT name || 3 AS x FROM t",
        "SELECT name || '/' || position AS x FROM t",
        "SELECT name || COUNT(*) AS x FROM t GROUP BY name",
        "SELECT CAST(a + b AS BIGINT) || name AS x FROM t",
        "SELECT name || skipped AS x FROM t",
    ]],
    ["a CAST to DATE of a value with a time", /to DATE: DuckDB drops the time, Trino refuses/, [
        "SELECT CAST(played_at AS DATE) AS d FROM t",
        "SELECT CAST('2026-01-01T08:00:00Z' AS DATE) AS d FROM t",
        "SELECT CAST(substr(played_at, 1, 19) AS DATE) AS d FROM t",
        "SELECT CAST(MIN(played_at) AS DATE) AS d FROM t",
    ]],
    ["SUM of a boolean", /sums a boolean/, [
        "SELECT SUM(skipped) AS n FROM t",
        "SELECT SUM((a > 1)) AS n FROM t",
        "SELECT SUM((NOT skipped)) AS n FROM t",
        "SELECT SUM(CAST(name = 'x' AS BOOLEAN)) AS n FROM t",
    ]],
];

const accepted: readonly (readonly [string, readonly string[]])[] = [
    ["aliases where both engines read them", [
        "SELECT a + 1 AS a1, COUNT(*) AS n FROM t GROUP BY a + 1 ORDER BY a1",
        "SELECT t.a AS a, a + 1 AS a1 FROM t GROUP BY t.a",
        "SELECT a1 FROM (SELECT a + 1 AS a1 FROM t) AS s WHERE a1 > 1 GROUP BY a1",
        "SELECT a, b AS b2 FROM t WHERE a > 1",
        "SELECT COALESCE(NULLIF(s.name, ''), 'x') AS label FROM t AS s ORDER BY label",
        "SELECT s.name AS name FROM t AS s ORDER BY name",
    ]],
    ["division with a DOUBLE side", [
        "SELECT CAST(a AS DOUBLE) / b AS x, CAST(a AS DOUBLE) / 4 AS y, ROUND(CAST(1000 * a AS DOUBLE) / b) / 10 AS z FROM t",
        "SELECT ROUND(CAST(SUM(a) AS DOUBLE) / COUNT(*), 3) AS x FROM t",
        "SELECT a / 1e3 AS y FROM t",
        "SELECT a % 7 AS x FROM t",
    ]],
    ["a whole DOUBLE cast to an integer type", [
        "SELECT CAST(FLOOR(CAST(a - 1997 AS DOUBLE) / 4) AS INTEGER) AS y, CAST(ROUND(AVG(a)) AS BIGINT) AS z FROM t GROUP BY a",
        "SELECT CAST(ROUND(AVG(a), 0) AS INTEGER) AS z FROM t",
    ]],
    ["concatenation of text", [
        "SELECT name || '/' || CAST(position AS VARCHAR) || '/' || played_at AS x FROM t",
    ]],
    ["dates cut from times", [
        "SELECT CAST(substr(played_at, 1, 10) AS DATE) AS d, CAST('2026-01-01' AS DATE) AS d2 FROM t",
        "SELECT CAST(date_trunc('week', CAST(substr(played_at, 1, 10) AS DATE)) AS DATE) AS w FROM t",
    ]],
    ["sums of numbers", [
        "SELECT SUM(CASE WHEN skipped THEN 1 ELSE 0 END) AS n, SUM(a) AS total, AVG(CASE WHEN a > 1 THEN 1.0 ELSE 0.0 END) AS share FROM t",
    ]],
];

describe("the common-dialect check refuses what only DuckDB reads, and accepts the form both engines read alike", () => {
    let instance: DuckDBInstance;
    let duckdb: DuckDBConnection;
    before(async () => {
        instance = await DuckDBInstance.create(":memory:");
        duckdb = await instance.connect();
    });
    after(() => {
        duckdb.closeSync();
        instance.closeSync();
    });

    for (const [construct, problem, forms] of refused) {
        it(`refuses ${construct}, which DuckDB runs`, async () => {
            for (const form of forms) {
                const problems = checkCommonDialect(table + form).problems;
                assert.ok(problems.some(p => problem.test(p)), `${form}\n${problems.join("\n")}`);
                await duckdb.run(table + form);
            }
        });
    }

    for (const [what, forms] of accepted) {
        it(`accepts ${what}`, async () => {
            for (const form of forms) {
                assert.deepEqual(checkCommonDialect(table + form).problems, [], form);
                await duckdb.run(table + form);
            }
        });
    }
});
