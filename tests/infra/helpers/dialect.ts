/**
 * Keeps the named queries in the SQL subset that Athena (engine 3, Trino) and DuckDB share, so
 * the same file answers the same way in the console and on a laptop.
 *
 * The checks: the text parses with node-sql-parser's Trino grammar; every function and cast
 * type it uses is on a list known to exist with the same meaning in both engines; no column or alias
 * is a reserved keyword of Trino; no syntax that the (lenient) grammar lets through but only one
 * engine accepts appears in it; and none of the constructs DuckDB accepts but Trino refuses or
 * evaluates differently that the syntax tree shows (engineDivergences.ts).
 * DuckDB's side is checked by running the queries through spotify-etl (tests/infra/queries.test.ts);
 * Snowflake's grammar parses the same files in tests/infra/snowflake.test.ts.
 */
import { Parser } from "node-sql-parser";
import { engineDivergences } from "./engineDivergences";
import { nameOf } from "./sqlAst";

/** Functions with the same name and meaning in Trino and DuckDB (and Snowflake). Extend with care. */
export const commonFunctions: ReadonlySet<string> = new Set([
    "count", "min", "max", "sum", "avg", "row_number", "rank", "dense_rank", "lag", "lead",
    "coalesce", "nullif", "date_trunc", "substr", "lower", "upper", "length", "round", "abs", "floor",
]);

export const commonCastTypes: ReadonlySet<string> = new Set(["DATE", "VARCHAR", "INTEGER", "BIGINT", "BOOLEAN", "DOUBLE"]);

/**
 * Trino's reserved keywords (its "Reserved keywords" reference): Athena refuses one as a column name or alias
 * unless it is quoted, while DuckDB and node-sql-parser's Trino grammar accept many of them (SKIP, for one).
 */
export const trinoReservedKeywords: ReadonlySet<string> = new Set([
    "ALTER", "AND", "AS", "BETWEEN", "BY", "CASE", "CAST", "CONSTRAINT", "CREATE", "CROSS", "CUBE", "CURRENT_CATALOG",
    "CURRENT_DATE", "CURRENT_PATH", "CURRENT_ROLE", "CURRENT_SCHEMA", "CURRENT_TIME", "CURRENT_TIMESTAMP", "CURRENT_USER",
    "DEALLOCATE", "DELETE", "DESCRIBE", "DISTINCT", "DROP", "ELSE", "END", "ESCAPE", "EXCEPT", "EXECUTE", "EXISTS", "EXTRACT",
    "FALSE", "FOR", "FROM", "FULL", "FUNCTION", "GROUP", "GROUPING", "HAVING", "IN", "INNER", "INSERT", "INTERSECT", "INTO",
    "IS", "JOIN", "JSON_ARRAY", "JSON_EXISTS", "JSON_OBJECT", "JSON_QUERY", "JSON_TABLE", "JSON_VALUE", "LEFT", "LIKE",
    "LISTAGG", "LOCALTIME", "LOCALTIMESTAMP", "NATURAL", "NORMALIZE", "NOT", "NULL", "ON", "OR", "ORDER", "OUTER", "PREPARE",
    "RECURSIVE", "RIGHT", "ROLLUP", "SELECT", "SKIP", "TABLE", "THEN", "TRIM", "TRUE", "UESCAPE", "UNION", "UNNEST", "USING",
    "VALUES", "WHEN", "WHERE", "WITH",
]);

/** Syntax only one of the engines accepts, which the Trino grammar does not always refuse. */
export const dialectOnlySyntax: readonly (readonly [RegExp, string])[] = [
    [/::/, "'::' casts (DuckDB, Postgres); use CAST(x AS type)"],
    [/\bQUALIFY\b/i, "QUALIFY (DuckDB)"],
    [/\bEXCLUDE\b|\*\s*REPLACE\s*\(/i, "SELECT * EXCLUDE/REPLACE (DuckDB)"],
    [/\bILIKE\b/i, "ILIKE (DuckDB)"],
    [/\bstrftime\b|\bstrptime\b|\bstring_agg\b|\blist_\w+\b|\bregexp_matches\b|\bepoch_ms\b/i, "DuckDB-only functions"],
    [/\bfrom_iso8601_\w+\b|\bdate_parse\b|\barray_join\b|\bdate_format\b|\bto_iso8601\b/i, "Trino-only functions"],
    [/;/, "a semicolon (one statement per named query)"],
];

export interface DialectReport {
    readonly functions: string[];
    readonly castTypes: string[];
    readonly problems: string[];
}

const stripComments = (sql: string): string =>
    sql.split("\n").map(line => line.replace(/--.*$/, "")).join("\n");

function collect(node: unknown, functions: Set<string>, castTypes: Set<string>, names: Set<string>): void {
    if (Array.isArray(node)) {
        for (const item of node) {
            collect(item, functions, castTypes, names);
        }
        return;
    }
    if (node === null || typeof node !== "object") {
        return;
    }
    const record = node as Record<string, unknown>;
    if (record.type === "column_ref") {
        const column = nameOf(record.column);
        if (column !== undefined) {
            names.add(column);
        }
    }
    if ("as" in record) {
        const alias = nameOf(record.as);
        if (alias !== undefined) {
            names.add(alias);
        }
    }
    if (record.type === "aggr_func" && typeof record.name === "string") {
        functions.add(record.name.toLowerCase());
    }
    if (record.type === "function" && typeof record.name === "object" && record.name !== null) {
        const parts = (record.name as { name?: { value?: unknown }[] }).name ?? [];
        functions.add(parts.map(p => String(p.value)).join(".").toLowerCase());
    }
    if (record.type === "cast" && Array.isArray(record.target)) {
        for (const target of record.target as { dataType?: unknown }[]) {
            castTypes.add(String(target.dataType).toUpperCase());
        }
    }
    for (const value of Object.values(record)) {
        collect(value, functions, castTypes, names);
    }
}

/** Checks one query; an empty `problems` list means it is in the common subset. */
export function checkCommonDialect(sql: string): DialectReport {
    const problems: string[] = [];
    const functions = new Set<string>();
    const castTypes = new Set<string>();
    const names = new Set<string>();
    const body = stripComments(sql);
    try {
        const ast = new Parser().astify(body, { database: "trino" });
        collect(ast, functions, castTypes, names);
        problems.push(...engineDivergences(ast));
    } catch (error) {
        problems.push(`does not parse as Trino SQL: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const name of functions) {
        if (!commonFunctions.has(name)) {
            problems.push(`uses ${name}(), not known to behave alike in Trino and DuckDB`);
        }
    }
    for (const type of castTypes) {
        if (!commonCastTypes.has(type)) {
            problems.push(`casts to ${type}, not one of ${[...commonCastTypes].join(", ")}`);
        }
    }
    for (const name of names) {
        // A quoted name reaches the AST without its quotes, so it is checked by the text: a bare occurrence is the problem.
        if (trinoReservedKeywords.has(name.toUpperCase()) && new RegExp(`(?<!")\\b${name}\\b(?!")`, "i").test(body.replace(/'[^']*'/g, "''"))) {
            problems.push(`names a column or alias ${name}, a reserved keyword in Trino (Athena): rename it, or quote it as "${name}"`);
        }
    }
    for (const [pattern, what] of dialectOnlySyntax) {
        if (pattern.test(body)) {
            problems.push(`uses ${what}`);
        }
    }
    return { functions: [...functions].sort(), castTypes: [...castTypes].sort(), problems };
}

/** The tables a query reads (CTE names excluded), as the Glue catalog must provide them. */
export function referencedTables(sql: string): string[] {
    const parser = new Parser();
    const body = stripComments(sql);
    const ast = parser.astify(body, { database: "trino" });
    const statements = Array.isArray(ast) ? ast : [ast];
    const cteNames = new Set<string>();
    for (const statement of statements) {
        const withClause = (statement as { with?: { name?: { value?: unknown } }[] | null }).with ?? [];
        for (const cte of withClause) {
            cteNames.add(String(cte.name?.value).toLowerCase());
        }
    }
    const names = parser.tableList(body, { database: "trino" })
        .map(entry => (entry.split("::").pop() ?? "").toLowerCase())
        .filter(table => !cteNames.has(table));
    return [...new Set(names)].sort();
}
