/**
 * Times each named query on a local lake with DuckDB, as `spotify-etl query` runs them, and counts the
 * bytes each reads (the growth of the process's `rchar` in /proc/self/io while it runs: every byte
 * read from a file, cached or not). Each query gets a fresh DuckDB instance, so none profits from
 * another's reads. Prints one JSON array: [{"name", "seconds", "bytesRead", "rows"}].
 *
 *   node --import tsx ../benchmarks/lake-queries.ts --lake DIR   (from infra/, where tsx is installed)
 */
import * as fs from "node:fs";
import { LocalLake } from "../infra/queries/local-lake";
import { loadNamedQueries } from "../infra/queries/named-queries";

function bytesRead(): number {
    const line = fs.readFileSync("/proc/self/io", "utf8").split("\n").find(l => l.startsWith("rchar:"));
    return Number(line?.split(":")[1] ?? 0);
}

async function main(): Promise<void> {
    const at = process.argv.indexOf("--lake");
    const lake = at >= 0 ? process.argv[at + 1] : undefined;
    if (lake === undefined) {
        process.stderr.write("usage: lake-queries.ts --lake DIR\n");
        process.exitCode = 2;
        return;
    }
    const results = [];
    for (const query of loadNamedQueries()) {
        const local = await LocalLake.open(lake);
        try {
            const before = bytesRead();
            const started = process.hrtime.bigint();
            const answer = await local.run(query);
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            results.push({ name: query.name, seconds, bytesRead: bytesRead() - before, rows: answer.rows.length });
        } finally {
            local.close();
        }
    }
    process.stdout.write(JSON.stringify(results) + "\n");
}

main().catch(error => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
