/**
 * A local lake seen through DuckDB exactly as Athena sees the transformed bucket: one view per
 * Glue table, same name, same columns in the same order with the declared types, plus the
 * `snapshot_date` partition column read from the Hive-style folder names.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { GlueColumnType, TableDefinition, partitionColumn, partitionFormat, partitionOf, tables, transformedPrefix } from "../catalog/tables";
import { NamedQuerySource } from "./named-queries";

/** What one named query returned, every value as text (or null) so any client can print it. */
export interface QueryResult {
    readonly name: string;
    readonly question: string;
    readonly columns: string[];
    readonly rows: (string | null)[][];
}

const duckDbTypes: Record<GlueColumnType, string> = {
    string: "VARCHAR",
    int: "INTEGER",
    boolean: "BOOLEAN",
};

/** A table's partition folders: `snapshot_date=yyyy-MM-dd`, or the table's own (`ended_month=yyyy-MM`). */
const partitionFolder = (table: TableDefinition): RegExp =>
    new RegExp(`^${partitionOf(table).name}=${partitionFormat(partitionOf(table)).pattern}$`);

const sqlString = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const identifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The table's files: `<lake>/transformed/<table>/snapshot_date=YYYY-MM-DD/*.parquet` or `*.csv`, sorted. */
export function tableFiles(lake: string, table: TableDefinition): string[] {
    const root = path.join(lake, transformedPrefix, table.name);
    if (!fs.existsSync(root)) {
        return [];
    }
    return fs.readdirSync(root, { withFileTypes: true })
        .filter(d => d.isDirectory() && partitionFolder(table).test(d.name))
        .flatMap(d => fs.readdirSync(path.join(root, d.name))
            .filter(f => f.endsWith(".csv") || f.endsWith(".parquet"))
            .map(f => path.join(root, d.name, f)))
        .sort();
}

/** The header line of a CSV file (BOM and line ending removed). */
export function readHeader(file: string): string {
    const handle = fs.openSync(file, "r");
    try {
        const buffer = Buffer.alloc(64 * 1024);
        const length = fs.readSync(handle, buffer, 0, buffer.length, 0);
        const text = buffer.subarray(0, length).toString("utf8").replace(/^\uFEFF/, "");
        return (text.split("\n")[0] ?? "").replace(/\r$/, "");
    } finally {
        fs.closeSync(handle);
    }
}

/**
 * Athena maps CSV fields to columns by position and skips the header unread, so a writer that
 * reorders or renames columns would shift values silently. Refuse such files here, loudly.
 */
export function checkHeaders(lake: string, table: TableDefinition): void {
    const expected = table.columns.map(c => c.name).join(",");
    for (const file of tableFiles(lake, table).filter(f => f.endsWith(".csv"))) {
        const header = readHeader(file);
        if (header !== expected) {
            throw new Error(`${file}: header '${header}' does not match the catalog's columns for table `
                + `'${table.name}' ('${expected}', infra/catalog/tables.ts). Athena would read these values into the wrong columns.`);
        }
    }
}

/** The statement creating the view of one table; an empty view with the same columns when no file exists yet. */
export function createViewSql(lake: string, table: TableDefinition): string {
    const files = tableFiles(lake, table);
    const partition = partitionOf(table);
    const allColumns = [...table.columns, partition];
    if (files.length === 0) {
        const nulls = allColumns
            .map(c => `CAST(NULL AS ${duckDbTypes[c.type]}) AS ${identifier(c.name)}`)
            .join(", ");
        return `CREATE OR REPLACE VIEW ${identifier(table.name)} AS SELECT ${nulls} WHERE false`;
    }
    const fileList = files.map(sqlString).join(", ");
    const hiveTypes = `hive_types = {${sqlString(partition.name)}: ${sqlString(duckDbTypes[partition.type])}}`;
    const parquet = files.filter(f => f.endsWith(".parquet")).length;
    if (parquet > 0 && parquet < files.length) {
        throw new Error(`Table '${table.name}' holds both Parquet and CSV files under ${path.join(lake, transformedPrefix, table.name)}: `
            + "a lake has one format. Delete the table's folder and transform again with one --format.");
    }
    if (parquet > 0) {
        // Athena reads Parquet columns by name: so does this view, cast to the catalog's types.
        const columns = table.columns
            .map(c => `CAST(${identifier(c.name)} AS ${duckDbTypes[c.type]}) AS ${identifier(c.name)}`)
            .concat(identifier(partition.name))
            .join(", ");
        return `CREATE OR REPLACE VIEW ${identifier(table.name)} AS SELECT ${columns} FROM read_parquet([${fileList}], `
            + `hive_partitioning = true, ${hiveTypes})`;
    }
    const columnTypes = table.columns
        .map(c => `${sqlString(c.name)}: ${sqlString(duckDbTypes[c.type])}`)
        .join(", ");
    // Like OpenCSVSerDe: an empty text field is '' (not NULL); an empty number or boolean is NULL.
    // (coalesce rather than read_csv's force_not_null, which DuckDB 1.5 applies to the wrong column
    // when a query reads only some columns of several files.)
    const readList = allColumns
        .map(c => c.type === "string" && c !== partition
            ? `coalesce(${identifier(c.name)}, '') AS ${identifier(c.name)}`
            : identifier(c.name))
        .join(", ");
    return `CREATE OR REPLACE VIEW ${identifier(table.name)} AS SELECT ${readList} FROM read_csv([${fileList}], `
        + `header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, `
        + `columns = {${columnTypes}}, hive_partitioning = true, ${hiveTypes})`;
}

/** An in-memory DuckDB database with one view per table of the lake. Close it when done. */
export class LocalLake {
    private constructor(private readonly instance: DuckDBInstance, readonly connection: DuckDBConnection) {}

    static async open(lake: string): Promise<LocalLake> {
        if (!fs.existsSync(lake) || !fs.statSync(lake).isDirectory()) {
            throw new LakeNotFoundError(lake);
        }
        const instance = await DuckDBInstance.create(":memory:");
        const connection = await instance.connect();
        try {
            for (const table of tables) {
                checkHeaders(lake, table);
                await connection.run(createViewSql(lake, table));
            }
        } catch (error) {
            connection.closeSync();
            instance.closeSync();
            throw error;
        }
        return new LocalLake(instance, connection);
    }

    async run(query: NamedQuerySource): Promise<QueryResult> {
        let reader;
        try {
            reader = await this.connection.runAndReadAll(query.sql);
        } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            throw new Error(`Query '${query.name}' (${query.file}) failed on DuckDB: ${reason}`);
        }
        const rows = reader.getRows().map(row => row.map(value => value === null ? null : String(value)));
        return { name: query.name, question: query.question, columns: reader.columnNames(), rows };
    }

    async runAll(queries: readonly NamedQuerySource[]): Promise<QueryResult[]> {
        const results: QueryResult[] = [];
        for (const query of queries) {
            results.push(await this.run(query));
        }
        return results;
    }

    close(): void {
        this.connection.closeSync();
        this.instance.closeSync();
    }
}

export class LakeNotFoundError extends Error {
    constructor(readonly lake: string) {
        super(`The lake folder '${lake}' does not exist. Point --lake at the folder the pipeline writes to `
            + `(it holds ${transformedPrefix}/<table>/${partitionColumn.name}=YYYY-MM-DD/<table>.parquet or .csv), `
            + `for example after 'spotify-etl transform'.`);
        this.name = "LakeNotFoundError";
    }
}
