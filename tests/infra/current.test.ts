/**
 * The current-state tables of the hand-written fixture lake (fixtures/lake/transformed/*_current) are what
 * `spotify-etl current` rebuilds from its daily partitions, so the tests that read the fixture directly
 * (the C# query and report tests) see the same answers as a transformed lake would give.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runSpotifyEtl } from "./helpers/cliQueries";
import { currentTables } from "./helpers/tableContract";

const fixtureLake = path.resolve(__dirname, "fixtures/lake");

describe("the fixture lake's current-state tables", () => {
    it("are those spotify-etl current rebuilds from its partitions", () => {
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "lake-current-"));
        try {
            fs.cpSync(fixtureLake, copy, { recursive: true });
            const run = runSpotifyEtl(["current", "--lake", copy, "--format", "csv"]);
            assert.equal(run.status, 0, run.stderr);
            for (const table of currentTables) {
                const file = path.join("transformed", table, `${table}.csv`);
                assert.equal(fs.readFileSync(path.join(fixtureLake, file), "utf8"), fs.readFileSync(path.join(copy, file), "utf8"),
                    `${file}: run 'spotify-etl current --lake tests/infra/fixtures/lake --format csv' after changing the fixture's partitions (then delete its staging/)`);
            }
        } finally {
            fs.rmSync(copy, { recursive: true, force: true });
        }
    });
});
