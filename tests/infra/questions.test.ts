// Each named query answers a question of its own, and says which: no two queries (the Athena ones and Snowflake's
// own) ask the same question, the guide's heading of each query is the question its file asks, and the answer the
// guide shows is the one the query gives on the sample lake.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { loadNamedQueries, snowflakeOnlyQueriesDirectory } from "../../infra/catalog/namedQueries";
import { LocalLake, QueryResult } from "./helpers/cliQueries";
import { repoRoot } from "./helpers/stackHarness";

const queries = [...loadNamedQueries(), ...loadNamedQueries(snowflakeOnlyQueriesDirectory)];

test("no two named queries ask the same question", () => {
    const byQuestion = new Map<string, string[]>();
    for (const q of queries) {
        const key = q.question.toLowerCase().replace(/[^a-z0-9 ]/g, "").trim();
        byQuestion.set(key, [...(byQuestion.get(key) ?? []), q.name]);
    }
    assert.ok(queries.length >= 20, `${queries.length} queries`);
    assert.deepEqual([...byQuestion.values()].filter((names) => names.length > 1), []);
});

test("docs/analytics.md heads each query it describes with the question the query's file asks", () => {
    const guide = fs.readFileSync(path.join(repoRoot, "docs", "analytics.md"), "utf8");
    const headed = [...guide.matchAll(/^#{2,4} `([a-z0-9_]+)`: (.+)$/gm)];
    assert.ok(headed.length >= 10, `${headed.length} query headings`);
    for (const [, name, question] of headed) {
        const query = queries.find((q) => q.name === name);
        assert.ok(query, `docs/analytics.md heads a section with ${name}, which is no named query`);
        assert.equal(question!.trim(), query.question, `docs/analytics.md's heading of ${name}`);
    }
});

/** Columns a terminal shows a character in: two for East Asian wide and full-width characters, one otherwise. */
function shownWidth(text: string): number {
    let width = 0;
    for (const character of text) {
        const code = character.codePointAt(0)!;
        const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3)
            || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60)
            || (code >= 0xffe0 && code <= 0xffe6) || code >= 0x20000;
        width += wide ? 2 : 1;
    }
    return width;
}

/** An answer as the guide shows it: columns two spaces apart, each as wide as its widest value, a dashed rule, NULL as blank. */
function shownAnswer(result: QueryResult): string {
    const rows = result.rows.map(row => row.map(value => value ?? ""));
    const widths = result.columns.map((column, i) => Math.max(shownWidth(column), ...rows.map(row => shownWidth(row[i]!))));
    const line = (values: readonly string[]): string =>
        values.map((value, i) => value + " ".repeat(widths[i]! - shownWidth(value))).join("  ").trimEnd();
    return [line(result.columns), line(widths.map(width => "-".repeat(width))), ...rows.map(line)].join("\n") + "\n";
}

test("every answer docs/analytics.md shows is what its query answers on the sample lake", async () => {
    const guide = fs.readFileSync(path.join(repoRoot, "docs", "analytics.md"), "utf8");
    const sections = guide.split(/^(?=#{2,4} `[a-z0-9_]+`: )/m).slice(1);
    const shown = sections.flatMap(section => {
        const name = /^#{2,4} `([a-z0-9_]+)`/.exec(section)![1]!;
        const block = /^```\n([\s\S]*?)^```$/m.exec(section.split(/^#{1,3} [^`]/m)[0]!);
        return block === null ? [] : [{ name, text: block[1]! }];
    });
    assert.ok(shown.length >= 12, `${shown.length} answers shown`);
    const lake = await LocalLake.open(path.join(repoRoot, "tests", "infra", "fixtures", "lake"));
    for (const { name, text } of shown) {
        const query = queries.find(q => q.name === name)!;
        assert.equal(text, shownAnswer(await lake.run(query)), `docs/analytics.md's answer of ${name}`);
    }
});
