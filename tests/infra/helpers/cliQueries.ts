/**
 * The named queries' answers on a lake, from spotify-etl itself (`query --json`, DuckDB inside the C#
 * process): the one runner the product has, so these tests check what users and the report see.
 * The executable is SPOTIFY_ETL_CLI (make test sets it to the native build), else the Release build.
 */
import { spawnSync } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { NamedQuerySource } from "../../../infra/catalog/namedQueries";

export interface QueryResult {
    readonly name: string;
    readonly question: string;
    readonly columns: string[];
    readonly types: string[];
    /** Every value as the table prints it: DuckDB's text (`query --json` gives numbers and booleans as such). */
    readonly rows: (string | null)[][];
}

const numberTypes = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\))$/;

/** The JSON with every number and boolean outside a string quoted, so that JSON.parse keeps the text DuckDB printed (24.0, not 24). */
function scalarsAsText(json: string): string {
    return json.replace(/"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false/g, token => token.startsWith("\"") ? token : `"${token}"`);
}

/**
 * `query --json`'s answers with every value as text, once each value is checked against its column's type: a number
 * column's values are JSON numbers (or DuckDB's text for a value JSON has no number for, such as inf), a BOOLEAN's true
 * or false, every other column's strings.
 */
export function answersAsText(json: string): QueryResult[] {
    const typed = JSON.parse(json) as { name: string; types: string[]; rows: unknown[][] }[];
    const text = JSON.parse(scalarsAsText(json)) as QueryResult[];
    typed.forEach((answer, a) => answer.rows.forEach((row, r) => row.forEach((value, c) => {
        const type = answer.types[c];
        const printed = text[a].rows[r][c];
        const where = `${answer.name}, row ${r}, ${text[a].columns[c]} (${type}): ${JSON.stringify(value)}`;
        if (value === null) {
            return;
        }
        if (numberTypes.test(type) && typeof value === "number") {
            assert.equal(value, Number(printed), where);
        } else if (numberTypes.test(type)) {
            assert.match(String(value), /^-?(inf|nan)$/, where);
        } else {
            assert.equal(typeof value, type === "BOOLEAN" ? "boolean" : "string", where);
        }
    })));
    return text;
}

const root = path.resolve(__dirname, "../../..");

/** The command that starts spotify-etl: the native build when make test names it, else `dotnet spotify-etl.dll`. */
export function spotifyEtl(): { command: string; prefix: string[] } {
    const native = process.env.SPOTIFY_ETL_CLI;
    if (native !== undefined && native !== "") {
        return { command: native, prefix: [] };
    }
    const dll = path.join(root, "functions/SpotifyEtl.Cli/bin/Release/net10.0/spotify-etl.dll");
    if (!fs.existsSync(dll)) {
        throw new Error(`${dll} is missing: run 'make build' (make test does) before these tests.`);
    }
    return { command: "dotnet", prefix: [dll] };
}

/** Runs spotify-etl with these arguments; returns its exit code and output. */
export function runSpotifyEtl(args: readonly string[], env: NodeJS.ProcessEnv = process.env): { status: number; stdout: string; stderr: string } {
    const { command, prefix } = spotifyEtl();
    const run = spawnSync(command, [...prefix, ...args], { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
    if (run.error !== undefined) {
        throw run.error;
    }
    return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

export function query(lake: string, ...options: string[]): QueryResult[] {
    const run = runSpotifyEtl(["query", "--lake", lake, "--json", ...options]);
    if (run.status !== 0) {
        throw new Error(`spotify-etl query exited ${run.status}: ${run.stderr.trim()}`);
    }
    return answersAsText(run.stdout);
}

function hasCsv(folder: string): boolean {
    return fs.existsSync(folder) && fs.readdirSync(folder, { recursive: true }).some(f => String(f).endsWith(".csv"));
}

/** A lake's answers: every named query is run once, when opened (a lake the runner refuses rejects here). */
export class LocalLake {
    private constructor(private readonly results: Map<string, QueryResult>) {}

    /**
     * A lake of hand-written partitions (a fixture, or a copy a test changed) has no current-state tables:
     * they are rebuilt from its partitions on a copy (`spotify-etl current`, as an operator would), and every
     * answer is checked against the same query computing them from the partitions (`--current-from-partitions`).
     */
    static async open(lake: string): Promise<LocalLake> {
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "lake-current-"));
        try {
            fs.cpSync(lake, copy, { recursive: true });
            const format = hasCsv(path.join(copy, "transformed")) ? "csv" : "parquet";
            const rebuilt = runSpotifyEtl(["current", "--lake", copy, "--format", format]);
            // A lake holding only an imported history has no daily partitions: `current` says there is nothing to rebuild.
            const nothingToRebuild = rebuilt.status === 66 && rebuilt.stderr.includes("there is nothing to rebuild");
            if (rebuilt.status !== 0 && !nothingToRebuild) {
                throw new Error(`spotify-etl current exited ${rebuilt.status}: ${rebuilt.stderr.trim()}`);
            }
            const results = query(copy);
            assert.deepEqual(results, query(copy, "--current-from-partitions"),
                "the current-state tables answer as the latest rows of every day's partition do");
            return new LocalLake(new Map(results.map(r => [r.name, r])));
        } finally {
            fs.rmSync(copy, { recursive: true, force: true });
        }
    }

    async run(query: NamedQuerySource): Promise<QueryResult> {
        const result = this.results.get(query.name);
        if (result === undefined) {
            throw new Error(`spotify-etl did not answer ${query.name}: is queries/${query.name}.sql embedded in the build?`);
        }
        return result;
    }

    async runAll(queries: readonly NamedQuerySource[]): Promise<QueryResult[]> {
        return Promise.all(queries.map(q => this.run(q)));
    }

    close(): void {}
}
