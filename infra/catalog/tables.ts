/**
 * The lake's tables, declared in infra/contract.json: one source of truth for the Glue tables
 * (infra/components/catalog.ts), the DuckDB views the local query runner builds
 * (spotify-etl query and report), and the C# row types (checked by a C# test).
 *
 * Column names, order and types follow the transformation's files, one per table and snapshot date:
 * `transformed/<table>/snapshot_date=YYYY-MM-DD/<table>.parquet` (the default: typed columns,
 * snappy-compressed) or `<table>.csv` (the `tableFormat` config key; header row, RFC 4180 quoting).
 * Types are the ones both formats carry and OpenCSVSerDe can read (string, int, boolean): dates and
 * timestamps stay ISO-8601 strings, which sort and compare correctly as text, so one set of named
 * queries serves both formats. A missing text is NULL in Parquet (or '' where Spotify sent "") and '' in CSV;
 * the queries treat NULL and '' alike (NULLIF), so no answer tells the formats apart.
 *
 * Playlists are versioned: the extraction skips a playlist whose Spotify snapshot_id has not changed
 * since its last run, so `playlist_entries` holds a version's items under the day they were landed
 * (normally once), while `playlists` has a row for every day the playlist was extracted. A playlist's
 * items on day D are the entries of the version its `playlists` row of D names (docs/analytics.md).
 */

import { PartitionDefinition, TableDefinition, contract } from "../lakeContract";

export type { ColumnDefinition, GlueColumnType, PartitionDefinition, TableDefinition } from "../lakeContract";

/** The tables of the API's snapshots are partitioned by the day their snapshot was extracted (UTC), as a `yyyy-MM-dd` string. */
export const partitionColumn = contract.partitionColumn;

/**
 * A table's partition column: its own (listening_history: the month a stream ended, `yyyy-MM`) or the
 * snapshot day's.
 */
export function partitionOf(table: TableDefinition): PartitionDefinition {
    return table.partitionColumn ?? partitionColumn;
}

/**
 * false for a current-state table (`songs_current`, ...): the latest row per id over every snapshot date,
 * one file at `transformed/<table>/<table>.<ext>`, its snapshot_date an ordinary column.
 */
export function isPartitioned(table: TableDefinition): boolean {
    return table.partitioned !== false;
}

/** How a partition's values look: Athena's projection format and unit, and a pattern of one value. */
export function partitionFormat(partition: PartitionDefinition): { format: string; unit: "DAYS" | "MONTHS"; pattern: string } {
    return partition.unit === "month"
        ? { format: "yyyy-MM", unit: "MONTHS", pattern: "[0-9]{4}-[0-9]{2}" }
        : { format: "yyyy-MM-dd", unit: "DAYS", pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}" };
}

/** Folder of the transformed tables inside the transformed bucket (and inside a local lake). */
export const transformedPrefix = contract.lake.transformed.replace(/\/$/, "");

/** The lake's tables, as infra/contract.json declares them for the program and the functions. */
export const tables = contract.tables;

export function tableNamed(name: string): TableDefinition {
    const table = tables.find(t => t.name === name);
    if (table === undefined) {
        throw new Error(`Unknown table '${name}'. Known tables: ${tables.map(t => t.name).join(", ")}.`);
    }
    return table;
}
