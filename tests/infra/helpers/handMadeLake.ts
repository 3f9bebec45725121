/**
 * Lakes a test writes itself: CSV partitions with the contract's columns in the contract's order, as the
 * transformation writes them (RFC 4180 quoting, CRLF), answered by spotify-etl through LocalLake.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { contract } from "../../../infra/lakeContract";
import { loadNamedQueries } from "../../../infra/catalog/namedQueries";
import { LocalLake, QueryResult } from "./cliQueries";

export type Row = Readonly<Record<string, string | number | boolean | null | undefined>>;

const csvField = (value: Row[string]): string => {
    const text = value === null || value === undefined ? "" : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, "\"\"")}"` : text;
};

/** The folder of a lake being written. */
export class LakeFolder {
    constructor(readonly root: string) {}

    /**
     * Writes (or replaces) one partition of a table: `partition` is the partition's value, a snapshot date or,
     * for listening_history, a month. A column a row leaves out is empty.
     */
    write(table: string, partition: string, rows: readonly Row[]): void {
        const definition = contract.tables.find(t => t.name === table);
        if (definition === undefined || definition.partitioned === false) {
            throw new Error(`${table} is not a partitioned table of the contract`);
        }
        const columns = definition.columns.map(c => c.name);
        for (const row of rows) {
            const unknown = Object.keys(row).filter(k => !columns.includes(k));
            if (unknown.length > 0) {
                throw new Error(`${table} has no column ${unknown.join(", ")}`);
            }
        }
        const partitionColumn = definition.partitionColumn?.name ?? contract.partitionColumn.name;
        const folder = path.join(this.root, "transformed", table, `${partitionColumn}=${partition}`);
        fs.mkdirSync(folder, { recursive: true });
        const lines = [columns.join(","), ...rows.map(row => columns.map(c => csvField(row[c])).join(","))];
        fs.writeFileSync(path.join(folder, `${table}.csv`), lines.map(l => `${l}\r\n`).join(""));
    }
}

/**
 * The answers of a lake written by `write`, into an empty folder or onto a copy of `from` (a fixture lake);
 * the folder is removed afterwards.
 */
export async function answersOf(write: (lake: LakeFolder) => void, from?: string): Promise<Map<string, QueryResult>> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lake-made-"));
    try {
        if (from !== undefined) {
            fs.cpSync(from, root, { recursive: true });
        }
        write(new LakeFolder(root));
        const lake = await LocalLake.open(root);
        try {
            const answers = await lake.runAll(loadNamedQueries());
            return new Map(answers.map(a => [a.name, a]));
        } finally {
            lake.close();
        }
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }
}

/** A repeatable sequence of whole numbers (mulberry32): `next(n)` is in [0, n). */
export function seeded(seed: number): (n: number) => number {
    let state = seed >>> 0;
    return (n: number) => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = Math.imul(state ^ (state >>> 15), state | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
}

/** The Monday (UTC) of a day's week, yyyy-MM-dd. */
export function weekStart(at: Date): string {
    const monday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    return monday.toISOString().slice(0, 10);
}
