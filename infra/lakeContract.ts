// The names the program shares with the C# functions, read from contract.json: environment variable
// names, lake prefixes, the raw sources' key segments and which of them expire, metric and log event names, Lambda handlers, the secret's JSON keys and the table
// schemas. The C# constants are generated from the same file (infra/build/generateContract.ts), so neither
// side spells a shared name by hand. This module is not named contract.ts: under Pulumi's ts-node,
// require("./contract") would find the JSON first.
import * as fs from "node:fs";
import * as path from "node:path";

/** A Glue/Athena column type that both table formats carry. */
export type GlueColumnType = "string" | "int" | "boolean";

export interface ColumnDefinition {
    readonly name: string;
    readonly type: GlueColumnType;
    readonly comment: string;
}

/** A partition column: its folder holds one day (`yyyy-MM-dd`, the default) or one month (`yyyy-MM`) of rows. */
export interface PartitionDefinition extends ColumnDefinition {
    readonly unit?: "day" | "month";
}

export interface TableDefinition {
    readonly name: string;
    readonly description: string;
    readonly columns: readonly ColumnDefinition[];
    /** The table's own partition column; without one, the contract's `partitionColumn` (the snapshot day). */
    readonly partitionColumn?: PartitionDefinition;
    /**
     * false for a current-state table: one file, `transformed/<table>/<table>.<ext>`, no partitions; its
     * `snapshot_date` is an ordinary column. Partitioned when absent.
     */
    readonly partitioned?: boolean;
    /** A current-state table: the partitioned table whose latest row per `key` it holds. */
    readonly currentOf?: string;
    /** The columns that name one row of a current-state table. */
    readonly key?: readonly string[];
}

/** What the raw bucket's lifecycle does with a raw source's objects: keeps them for good, or lets them expire. */
export type RawLifecycle = "history" | "snapshot";

/** Every kind of raw object: the Spotify API's responses and the files of a listener's data export. */
export type RawSourceName = "playlist" | "playlistItems" | "recentlyPlayed" | "topTracks" | "topArtists" | "savedTracks" | "spotifyExport";

export interface Contract {
    readonly lake: Readonly<Record<"raw" | "quarantine" | "state" | "manifests" | "staging" | "transformed" | "reports" | "import", string>>;
    /** The key segment of each kind of raw object: it lands under `raw/<segment>/`. */
    readonly rawSources: Readonly<Record<RawSourceName, string>>;
    /**
     * What the raw bucket's lifecycle may do with each raw source's objects. `history`: the listener's history, which
     * Spotify cannot serve again (recently played keeps only the last 50 plays; an export is imported once) and from
     * which listening_history is rebuilt in full: it may move to a colder class but never expires. `snapshot`: a
     * snapshot a later extraction takes again (an unchanged playlist or top list after snapshotRelandDays), which
     * expires after rawExpirationDays. The transform reads the same table when it judges a run whose pages are gone
     * (expired snapshots, or a run removed).
     */
    readonly rawSourceLifecycle: Readonly<Record<RawSourceName, RawLifecycle>>;
    readonly environment: {
        readonly extract: Readonly<Record<"rawBucket" | "secretId" | "sources" | "market" | "timeBudgetSeconds" | "topItemsLimit" | "savedTracksFullPassDays" | "snapshotRelandDays" | "metricsNamespace", string>>;
        readonly transform: Readonly<Record<"rawBucket" | "transformedBucket" | "tableFormat" | "timeBudgetSeconds" | "metricsNamespace", string>>;
    };
    readonly metrics: Readonly<Record<"namespace" | "extractionSucceeded" | "recentlyPlayedExtracted" | "reauthorizationRequired" | "reauthorizationDue" | "recentlyPlayedGap" | "transformed" | "quarantined" | "unreadableItems"
        | "unread" | "importIncompleteFiles" | "importUnreadableRows", string>>;
    readonly logEvents: Readonly<Record<"reauthorizationRequired" | "reauthorizationDue" | "authorizedAtUnreadable" | "recentlyPlayedGap" | "transformCompleted" | "transformFailed" | "transformObject", string>>;
    /** Lambda handler strings: `Assembly::Namespace.Class::Method`, the form the managed .NET runtime reads. */
    readonly handlers: Readonly<Record<"assembly" | "extract" | "transform", string>>;
    /** The keys of the Spotify secret's JSON value: {client_id, client_secret, refresh_token, authorized_at}. */
    readonly secret: Readonly<Record<"clientId" | "clientSecret" | "refreshToken" | "authorizedAt", string>>;
    readonly partitionColumn: PartitionDefinition;
    readonly tables: readonly TableDefinition[];
}

const columnTypes: readonly string[] = ["string", "int", "boolean"];

function checkColumn(column: ColumnDefinition, where: string): void {
    if (!/^[a-z][a-z0-9_]*$/.test(column.name) || !columnTypes.includes(column.type) || typeof column.comment !== "string") {
        throw new Error(`${where}: column ${JSON.stringify(column)} needs a snake_case name, a type (${columnTypes.join(", ")}) and a comment`);
    }
}

/** A current-state table repeats its source's columns in order, then the snapshot date as a column; its key is among them. */
function checkCurrentTable(parsed: Contract, table: TableDefinition, file: string): void {
    const source = parsed.tables.find(t => t.name === table.currentOf);
    const expected = source === undefined ? [] : [...source.columns.map(c => `${c.name}:${c.type}`), `${parsed.partitionColumn.name}:${parsed.partitionColumn.type}`];
    const actual = table.columns.map(c => `${c.name}:${c.type}`);
    if (source === undefined || source.partitioned === false || table.partitioned !== false || table.partitionColumn !== undefined
        || JSON.stringify(actual) !== JSON.stringify(expected)
        || (table.key ?? []).length === 0 || !(table.key ?? []).every(k => source.columns.some(c => c.name === k))) {
        throw new Error(`${file}: table ${table.name} is the current state of ${JSON.stringify(table.currentOf)}: it needs "partitioned": false, ` +
            `a key among that table's columns, and that table's columns followed by ${parsed.partitionColumn.name} (${expected.join(", ")})`);
    }
}

/** The contract as parsed from `file`, checked: a name, source or table it spells wrongly throws, saying what it needs. */
export function checkedContract(parsed: Contract, file: string): Contract {
    for (const [group, names] of Object.entries({ lake: parsed.lake, rawSources: parsed.rawSources, metrics: parsed.metrics, logEvents: parsed.logEvents, handlers: parsed.handlers, secret: parsed.secret, ...parsed.environment })) {
        for (const [key, value] of Object.entries(names ?? {})) {
            if (typeof value !== "string" || value === "") {
                throw new Error(`${file}: ${group}.${key} must be a non-empty string`);
            }
        }
    }
    const segments = Object.values(parsed.rawSources ?? {});
    if (segments.length === 0 || !segments.every(segment => /^[a-z][a-z0-9_]*$/.test(segment)) || new Set(segments).size !== segments.length) {
        throw new Error(`${file}: rawSources must name distinct snake_case key segments (no slash): each lands under ${parsed.lake.raw}<segment>/`);
    }
    const sources = Object.keys(parsed.rawSources).sort().join(", ");
    const placed = Object.entries(parsed.rawSourceLifecycle ?? {});
    if (placed.map(([source]) => source).sort().join(", ") !== sources || !placed.every(([, kind]) => kind === "history" || kind === "snapshot")) {
        throw new Error(`${file}: rawSourceLifecycle must place every raw source (${sources}), each as "history" (kept for good) or "snapshot" (expires)`);
    }
    const assembly = parsed.handlers.assembly.replace(/\./g, "\\.");
    for (const key of ["extract", "transform"] as const) {
        if (!new RegExp(`^${assembly}::[\\w.]+::\\w+$`).test(parsed.handlers[key])) {
            throw new Error(`${file}: handlers.${key} must be ${parsed.handlers.assembly}::<Namespace.Class>::<Method> (got ${parsed.handlers[key]})`);
        }
    }
    checkColumn(parsed.partitionColumn, `${file}: partitionColumn`);
    for (const table of parsed.tables) {
        if (!/^[a-z][a-z0-9_]*$/.test(table.name) || table.columns.length === 0) {
            throw new Error(`${file}: table ${JSON.stringify(table.name)} needs a snake_case name and columns`);
        }
        table.columns.forEach(c => checkColumn(c, `${file}: table ${table.name}`));
        if (table.partitionColumn !== undefined) {
            checkColumn(table.partitionColumn, `${file}: table ${table.name} partitionColumn`);
            if (!["day", "month", undefined].includes(table.partitionColumn.unit)) {
                throw new Error(`${file}: table ${table.name}: partitionColumn.unit must be day or month`);
            }
        }
        if (table.currentOf !== undefined) {
            checkCurrentTable(parsed, table, file);
        }
    }
    return parsed;
}

const contractFile = path.join(__dirname, "contract.json");
export const contract: Contract = checkedContract(JSON.parse(fs.readFileSync(contractFile, "utf8")) as Contract, contractFile);
