/**
 * How the lake's tables land in Snowflake, as SQL text: one append-only `<TABLE>_LOADS` table per lake
 * table, the COPY that Snowpipe (and the reload task) runs into it, and the `<TABLE>` view that keeps only
 * the latest load of each file. Pure functions of the catalog (infra/catalog/tables.ts), so tests can read,
 * parse and run them without Snowflake.
 *
 * Why a view: the lake rewrites a partition in place (same key) when a day is replayed. Snowpipe keeps the
 * names of the files it loaded for 14 days and ignores a file staged again under the same name, even with a
 * new ETag; after 14 days it loads it again, next to the old rows. The reload task's bulk COPY keeps load
 * metadata per table (64 days) and does load a file whose ETag changed. Either way a table may hold several
 * loads of one file; every row carries its file's name, last-modified time and checksum, and the view reads
 * only the newest version of each file, once. One file is one partition, so a replayed partition replaces
 * its rows. See docs/snowflake.md.
 */
import type { TableFormat } from "../config";
import { type GlueColumnType, type PartitionDefinition, type TableDefinition, isPartitioned, partitionColumn, partitionFormat, partitionOf } from "../catalog/tables";

/** The load-metadata columns every `<TABLE>_LOADS` table has after the lake's own columns. */
export const loadColumns = [
    { name: "LOAD_FILE", type: "VARCHAR", source: "METADATA$FILENAME", comment: "Path of the staged file under transformed/ the row was loaded from" },
    { name: "LOAD_FILE_ROW", type: "NUMBER(38,0)", source: "METADATA$FILE_ROW_NUMBER", comment: "Row number of the row in that file" },
    { name: "LOAD_FILE_MODIFIED", type: "TIMESTAMP_NTZ", source: "METADATA$FILE_LAST_MODIFIED", comment: "Last-modified time of the file version loaded (UTC)" },
    { name: "LOAD_FILE_CHECKSUM", type: "VARCHAR", source: "METADATA$FILE_CONTENT_KEY", comment: "Checksum of the file version loaded" },
    { name: "LOADED_AT", type: "TIMESTAMP_LTZ", source: "METADATA$START_SCAN_TIME", comment: "When the load read the row" },
] as const;

export interface SnowflakeColumn {
    readonly name: string;
    readonly type: string;
    readonly comment: string;
}

const snowflakeTypes: Record<GlueColumnType, string> = {
    string: "VARCHAR",
    int: "NUMBER(38,0)",
    boolean: "BOOLEAN",
};

/** Upper case: the provider quotes identifiers, and unquoted SQL (the views, the questions) means upper case. */
export const snowflakeName = (name: string): string => name.toUpperCase();

export const loadsTableName = (table: TableDefinition): string => `${snowflakeName(table.name)}_LOADS`;
export const pipeName = (table: TableDefinition): string => `${snowflakeName(table.name)}_PIPE`;
export const reloadTaskName = (table: TableDefinition): string => `${snowflakeName(table.name)}_RELOAD`;
export const pruneTaskName = (table: TableDefinition): string => `${snowflakeName(table.name)}_PRUNE`;
/** When the prune tasks run: daily, in the quiet hour before the default schedule's morning runs. */
export const pruneSchedule = "15 4 * * * UTC";
/** The view carries the lake table's own name, so a question reads `FROM songs` as it does in Athena. */
export const viewName = (table: TableDefinition): string => snowflakeName(table.name);

/**
 * The lake's columns, then the partition column (from the file's path: snapshot_date, or the table's own), as
 * the view shows them; a current-state table carries its snapshot_date in the file, among its columns.
 */
export function lakeColumns(table: TableDefinition): SnowflakeColumn[] {
    return [...table.columns, ...(isPartitioned(table) ? [partitionOf(table)] : [])].map(c => ({ name: snowflakeName(c.name), type: snowflakeTypes[c.type], comment: c.comment }));
}

/** Every column of `<TABLE>_LOADS`: the lake's columns, the partition column, then the load metadata. */
export function loadsTableColumns(table: TableDefinition): SnowflakeColumn[] {
    const own = lakeColumns(table);
    for (const meta of loadColumns) {
        if (own.some(c => c.name === meta.name)) {
            throw new Error(`Table ${table.name} has a column ${meta.name}, which is reserved for load metadata in Snowflake.`);
        }
    }
    return [...own, ...loadColumns.map(c => ({ name: c.name, type: c.type, comment: c.comment }))];
}

/** The partition is in the path (`<table>/snapshot_date=YYYY-MM-DD/<table>.<ext>`, `listening_history/ended_month=YYYY-MM/...`), not in the file. */
export const snapshotDateFromPath = (pathExpression: string, partition: PartitionDefinition = partitionColumn): string =>
    `SPLIT_PART(SPLIT_PART(${pathExpression}, '${partition.name}=', 2), '/', 1)`;

export const fileExtension = (format: TableFormat): string => (format === "parquet" ? "parquet" : "csv");

/** Regular expression of the table's partition files below `@stage/<table>/` (a current-state table: its one file). */
export const partitionFilePattern = (table: TableDefinition, format: TableFormat): string =>
    isPartitioned(table)
        ? `.*${partitionOf(table).name}=${partitionFormat(partitionOf(table)).pattern}/${table.name}[.]${fileExtension(format)}`
        : `.*${table.name}/${table.name}[.]${fileExtension(format)}`;

/** How the n-th (0-based) lake column is read: by name from Parquet, by position from CSV. */
function sourceValue(format: TableFormat, column: { name: string }, index: number): string {
    return format === "parquet" ? `$1:${column.name}` : `$${index + 1}`;
}

export interface CopyTarget {
    /** Fully qualified `<DATABASE>.<SCHEMA>`. */
    readonly schema: string;
    /** Fully qualified stage name (no `@`). */
    readonly stage: string;
    readonly format: TableFormat;
}

/**
 * `COPY INTO <TABLE>_LOADS` from the table's folder of the stage: the lake's columns cast to their Snowflake
 * types, snapshot_date from the file's path, and the load metadata. The pipe and the reload task run it.
 */
export function copyStatement(table: TableDefinition, target: CopyTarget): string {
    const values = table.columns.map((c, i) => `${sourceValue(target.format, c, i)}::${snowflakeTypes[c.type]}`);
    if (isPartitioned(table)) {
        values.push(snapshotDateFromPath("METADATA$FILENAME", partitionOf(table)));
    }
    values.push(...loadColumns.map(c => c.source));
    const columns = loadsTableColumns(table).map(c => c.name);
    return [
        `COPY INTO ${target.schema}.${loadsTableName(table)} (${columns.join(", ")})`,
        `FROM (SELECT ${values.join(", ")} FROM @${target.stage}/${table.name}/)`,
        `PATTERN = '${partitionFilePattern(table, target.format)}'`,
        "ON_ERROR = SKIP_FILE",
    ].join("\n");
}

/**
 * Deletes the rows of every superseded version of a file from `<TABLE>_LOADS`: all but the newest version (the
 * one the view reads, by the same order), each of whose loads is kept. The lake rewrites today's partitions every
 * run and the current-state tables whole, so without it the load tables, and every question's read of them, would
 * grow by a version of each such file a run. A version loaded while it runs is newer than any it deletes.
 */
export function pruneStatement(table: TableDefinition, schema: string): string {
    const loads = `${schema}.${loadsTableName(table)}`;
    return [
        `DELETE FROM ${loads} AS l`,
        `USING (SELECT DISTINCT LOAD_FILE, LOAD_FILE_MODIFIED, LOAD_FILE_CHECKSUM FROM ${loads}`,
        `       QUALIFY ${newestVersionRank} > 1) AS s`,
        "WHERE l.LOAD_FILE = s.LOAD_FILE AND l.LOAD_FILE_MODIFIED = s.LOAD_FILE_MODIFIED AND l.LOAD_FILE_CHECKSUM = s.LOAD_FILE_CHECKSUM",
    ].join("\n");
}

/** A file's versions ranked newest first (last-modified time, then checksum): a file is its path without the format's extension. */
const newestVersionRank = `DENSE_RANK() OVER (PARTITION BY REGEXP_REPLACE(LOAD_FILE, '[.](${(["parquet", "csv"] as const).map(fileExtension).join("|")})$', '') `
    + "ORDER BY LOAD_FILE_MODIFIED DESC, LOAD_FILE_CHECKSUM DESC)";

/**
 * The lake table as the questions read it: of every file, only its newest version (last-modified time,
 * then checksum), and each of its rows once even when that version was loaded twice (by the pipe and by
 * the reload task). A file is its path without the format's extension: after `tableFormat` changes, a
 * replayed day's new file replaces the one of the other format, as it does in the lake, rather than
 * standing beside it.
 */
export function latestLoadView(table: TableDefinition, schema: string): string {
    const columns = lakeColumns(table).map(c => c.name);
    return [
        `SELECT ${columns.join(", ")}`,
        `FROM ${schema}.${loadsTableName(table)}`,
        `QUALIFY ${newestVersionRank} = 1`,
        // The version as well as the bytes: two byte-identical versions loaded in the other order (the pipe late with the
        // older) would otherwise leave each row's one pick on the version the rank drops, and the file out of the view.
        "    AND ROW_NUMBER() OVER (PARTITION BY LOAD_FILE, LOAD_FILE_MODIFIED, LOAD_FILE_CHECKSUM, LOAD_FILE_ROW ORDER BY LOADED_AT DESC) = 1",
    ].join("\n");
}
