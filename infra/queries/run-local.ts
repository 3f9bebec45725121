/**
 * Runs the named queries against a local lake with DuckDB, through views named like the Glue
 * tables, and prints the answers.
 *
 *   tsx queries/run-local.ts --lake DIR [--format json|table] [--query NAME]
 *
 * `--format json` (for `spotify-etl demo`) prints one JSON array:
 *   [{"name": "...", "question": "...", "columns": ["..."], "rows": [["value" | null, ...]]}]
 * with every value as a string or null. `--format table` (the default) prints aligned tables.
 * Exit codes: 0 answered, 2 bad arguments or missing lake folder, 1 a query failed.
 */
import { LakeNotFoundError, LocalLake, QueryResult } from "./local-lake";
import { loadNamedQueries } from "./named-queries";

export interface RunLocalOptions {
    readonly lake: string;
    readonly format: "json" | "table";
    readonly query?: string;
}

export class UsageError extends Error {}

const usage = "Usage: tsx queries/run-local.ts --lake DIR [--format json|table] [--query NAME]";

export function parseArguments(argv: readonly string[]): RunLocalOptions {
    let lake: string | undefined;
    let format: "json" | "table" = "table";
    let query: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const argument = argv[i];
        const value = argv[i + 1];
        switch (argument) {
            case "--lake":
            case "--format":
            case "--query":
                if (value === undefined || value.startsWith("--")) {
                    throw new UsageError(`${argument} needs a value. ${usage}`);
                }
                i++;
                if (argument === "--lake") {
                    lake = value;
                } else if (argument === "--query") {
                    query = value;
                } else if (value === "json" || value === "table") {
                    format = value;
                } else {
                    throw new UsageError(`--format must be json or table, not '${value}'. ${usage}`);
                }
                break;
            case "--help":
            case "-h":
                throw new UsageError(usage);
            default:
                throw new UsageError(`Unknown argument '${argument}'. ${usage}`);
        }
    }
    if (lake === undefined) {
        throw new UsageError(`--lake is required. ${usage}`);
    }
    return query === undefined ? { lake, format } : { lake, format, query };
}

export async function runLocal(options: RunLocalOptions): Promise<QueryResult[]> {
    const all = loadNamedQueries();
    const selected = options.query === undefined ? all : all.filter(q => q.name === options.query);
    if (selected.length === 0) {
        throw new UsageError(`No query named '${options.query}'. Queries: ${all.map(q => q.name).join(", ")}.`);
    }
    const lake = await LocalLake.open(options.lake);
    try {
        return await lake.runAll(selected);
    } finally {
        lake.close();
    }
}

/** Terminal columns a string takes: East Asian wide characters take two. */
export function displayWidth(text: string): number {
    let width = 0;
    for (const ch of text) {
        const code = ch.codePointAt(0) ?? 0;
        const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf)
            || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff)
            || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60)
            || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1faff)
            || (code >= 0x20000 && code <= 0x3fffd);
        width += wide ? 2 : 1;
    }
    return width;
}

const pad = (text: string, width: number): string => text + " ".repeat(Math.max(0, width - displayWidth(text)));

export function formatTable(result: QueryResult): string {
    const cells = result.rows.map(row => row.map(v => v ?? "NULL"));
    const widths = result.columns.map((c, i) =>
        Math.max(displayWidth(c), ...cells.map(row => displayWidth(row[i] ?? ""))));
    const line = (values: readonly string[]) => values.map((v, i) => pad(v, widths[i] ?? 0)).join("  ").trimEnd();
    const heading = `${result.name}: ${result.question}`;
    const body = cells.length === 0
        ? ["(no rows)"]
        : cells.map(line);
    return [heading, line(result.columns), widths.map(w => "-".repeat(w)).join("  "), ...body].join("\n");
}

export function formatResults(results: readonly QueryResult[], format: "json" | "table"): string {
    if (format === "json") {
        return JSON.stringify(results.map(r => ({ name: r.name, question: r.question, columns: r.columns, rows: r.rows })));
    }
    return results.map(formatTable).join("\n\n");
}

async function main(argv: readonly string[]): Promise<number> {
    try {
        const options = parseArguments(argv);
        const results = await runLocal(options);
        process.stdout.write(formatResults(results, options.format) + "\n");
        return 0;
    } catch (error) {
        if (error instanceof UsageError || error instanceof LakeNotFoundError) {
            process.stderr.write(`${error.message}\n`);
            return 2;
        }
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
