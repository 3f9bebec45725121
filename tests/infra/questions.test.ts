// Each named query answers a question of its own, and says which: no two queries (the Athena ones and Snowflake's
// own) ask the same question, and the guide's heading of each query is the question its file asks.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { loadNamedQueries, snowflakeOnlyQueriesDirectory } from "../../infra/catalog/namedQueries";
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
