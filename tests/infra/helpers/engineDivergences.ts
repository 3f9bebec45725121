/**
 * The constructs DuckDB accepts but Trino refuses or evaluates differently, as far as a query's syntax tree
 * shows them. Types are read from the face of an expression (a literal, a cast, a call) and from the lake's
 * column names (infra/contract.json); what the tree cannot show is left to the engines.
 */
import { contract } from "../../../infra/lakeContract";
import { AstNode, bareColumn, callArguments, callName, castTarget, columnName, expressionNodes, isNode, nameOf, nodes } from "./sqlAst";

/** Column names of the lake's tables and their types, for the names whose type is the same in every table. */
const contractTypes: ReadonlyMap<string, string> = (() => {
    const types = new Map<string, Set<string>>();
    for (const table of contract.tables) {
        for (const column of table.columns) {
            types.set(column.name, (types.get(column.name) ?? new Set()).add(column.type));
        }
    }
    return new Map([...types].filter(([, t]) => t.size === 1).map(([name, t]) => [name, [...t][0]!]));
})();

const arithmetic = new Set(["+", "-", "*", "/", "%"]);
const comparisons = new Set(["=", "<>", "!=", "<", ">", "<=", ">=", "AND", "OR", "IS", "IS NOT", "IN", "NOT IN", "LIKE", "NOT LIKE", "BETWEEN", "NOT BETWEEN"]);

/**
 * A DOUBLE on its face: a literal with an exponent (1e3), CAST(x AS DOUBLE), avg(x), or arithmetic with one. A decimal
 * literal (4.0) is not: Trino reads it as a DECIMAL, and computes with it to a fixed scale where DuckDB uses a DOUBLE.
 */
function double(node: unknown): boolean {
    if (!isNode(node)) {
        return false;
    }
    if (node.type === "number" || node.type === "bigint") {
        return /[eE]/.test(String(node.value));
    }
    if (castTarget(node) !== undefined) {
        return castTarget(node) === "DOUBLE";
    }
    if (node.type === "binary_expr" && arithmetic.has(String(node.operator))) {
        return double(node.left) || double(node.right);
    }
    const call = callName(node);
    if (call === "avg") {
        return true;
    }
    if (call === "round" || call === "abs" || call === "floor" || call === "sum" || call === "min" || call === "max" || call === "coalesce" || call === "nullif") {
        return callArguments(node).some(double);
    }
    return false;
}

/** A whole number however the engines round a half: floor(x), ceil(x), round(x) (to no decimals); a cast to an integer keeps it. */
function wholeNumber(node: unknown): boolean {
    const call = isNode(node) ? callName(node) : undefined;
    if (call === "floor" || call === "ceil" || call === "ceiling") {
        return true;
    }
    const places = call === "round" ? callArguments(node as AstNode)[1] : undefined;
    return call === "round" && (places === undefined || (isNode(places) && places.type === "number" && Number(places.value) === 0));
}

/** The integer types as either engine spells them. */
const integerTypes = new Set(["INTEGER", "INT", "INT4", "INT8", "INT2", "BIGINT", "SMALLINT", "TINYINT", "LONG", "SIGNED"]);

/** A number or a boolean on its face: a literal, a cast to one, a count, arithmetic, or a lake column of that type. */
function nonText(node: unknown): boolean {
    if (!isNode(node)) {
        return false;
    }
    if (node.type === "number" || node.type === "bigint" || node.type === "bool") {
        return true;
    }
    if (castTarget(node) !== undefined) {
        return castTarget(node) !== "VARCHAR";
    }
    if (node.type === "binary_expr") {
        return arithmetic.has(String(node.operator)) || comparisons.has(String(node.operator).toUpperCase());
    }
    if (node.type === "extract") {
        return true;
    }
    const call = callName(node);
    if (call !== undefined) {
        return ["count", "sum", "avg", "length", "round", "abs", "floor", "row_number", "rank", "dense_rank"].includes(call);
    }
    const column = columnName(node);
    return column !== undefined && (contractTypes.get(column) ?? "string") !== "string";
}

/** A boolean on its face: a comparison, NOT, a literal, a cast to BOOLEAN, or a boolean column of the lake. */
function booleanValued(node: unknown): boolean {
    if (!isNode(node)) {
        return false;
    }
    if (node.type === "bool" || castTarget(node) === "BOOLEAN" || (node.type === "unary_expr" && String(node.operator).toUpperCase() === "NOT")) {
        return true;
    }
    if (node.type === "binary_expr") {
        return comparisons.has(String(node.operator).toUpperCase());
    }
    const column = columnName(node);
    return column !== undefined && contractTypes.get(column) === "boolean";
}

/** Carries a time of day, on its face: a literal with more than yyyy-MM-dd, a column named *_at (the lake's times), substr(x, 1, n > 10). */
function carriesTime(node: unknown): boolean {
    if (!isNode(node)) {
        return false;
    }
    if (node.type === "single_quote_string" || node.type === "string") {
        return !/^\d{4}-\d{2}-\d{2}$/.test(String(node.value));
    }
    const column = columnName(node);
    if (column !== undefined) {
        return column.endsWith("_at") && (contractTypes.get(column) ?? "string") === "string";
    }
    const call = callName(node);
    const args = callArguments(node);
    if (call === "substr") {
        const [, start, length] = args as AstNode[];
        return carriesTime(args[0]) && Number(start?.value) === 1 && (length === undefined || Number(length.value) > 10);
    }
    return (call === "coalesce" || call === "nullif" || call === "min" || call === "max") && args.some(carriesTime);
}

const shown = (node: AstNode): string =>
    columnName(node) ?? (node.type === "number" || node.type === "single_quote_string" ? String(node.value) : callName(node) !== undefined ? `${callName(node)}(...)` : String(node.type));

/**
 * The constructs of `ast` that DuckDB accepts but Trino refuses or evaluates differently, as far as the syntax
 * tree shows them: a SELECT's output alias used in its own GROUP BY, WHERE, HAVING or later select items (Trino
 * sees only the input columns there), `/` with neither side a DOUBLE (Trino divides integers as integers, and decimals
 * to a fixed scale), a CAST of a DOUBLE to an integer type (the engines round a half apart),
 * `||` with a number or boolean (Trino concatenates text only), a CAST to DATE of a value with a time (Trino
 * refuses it) and SUM of a boolean (Trino refuses it; DuckDB counts the trues).
 */
export function engineDivergences(ast: unknown): string[] {
    const problems: string[] = [];
    for (const select of nodes(ast, true)) {
        if (select.type !== "select" || !Array.isArray(select.columns)) {
            continue;
        }
        // An alias that repeats its column's name (`c.first_seen AS first_seen`) is the input column itself.
        const aliases = new Set<string>();
        for (const item of select.columns as AstNode[]) {
            const alias = nameOf(item.as)?.toLowerCase();
            for (const column of expressionNodes(item.expr)) {
                const name = bareColumn(column);
                if (name !== undefined && aliases.has(name)) {
                    problems.push(`uses the alias ${name} later in the SELECT list that defines it: Trino reads an input column there; repeat the expression or compute it in a CTE`);
                }
            }
            if (alias !== undefined && !(isNode(item.expr) && columnName(item.expr) === alias)) {
                aliases.add(alias);
            }
        }
        const groupBy = isNode(select.groupby) ? select.groupby.columns : select.groupby;
        for (const [clause, expression] of [["GROUP BY", groupBy], ["WHERE", select.where], ["HAVING", select.having]] as const) {
            for (const column of expressionNodes(expression)) {
                const name = bareColumn(column);
                if (name !== undefined && aliases.has(name)) {
                    problems.push(`uses the output alias ${name} in ${clause}: Trino reads an input column there; repeat the expression or compute it in a CTE`);
                }
            }
        }
        // ORDER BY a name that is an output alias and a column of a FROM source too: Trino and DuckDB take the alias,
        // Snowflake may take the column, and order the rows another way wherever the two differ.
        const sourceColumns = new Set<string>();
        for (const column of expressionNodes([select.columns, select.from, select.where, groupBy, select.having])) {
            if (column.type === "column_ref" && bareColumn(column) === undefined && columnName(column) !== undefined) {
                sourceColumns.add(columnName(column)!);
            }
        }
        for (const item of (Array.isArray(select.orderby) ? select.orderby : []) as AstNode[]) {
            const name = isNode(item.expr) ? bareColumn(item.expr) : undefined;
            if (name !== undefined && aliases.has(name) && sourceColumns.has(name)) {
                problems.push(`orders by ${name}, an output alias that a column of a FROM source shares: Snowflake may order by the column; name the source's column otherwise`);
            }
        }
    }
    for (const node of nodes(ast, true)) {
        if (node.type === "binary_expr" && node.operator === "/" && !double(node.left) && !double(node.right)) {
            problems.push(`divides ${shown(node.left as AstNode)} by ${shown(node.right as AstNode)} with neither side a DOUBLE: Trino divides integers as integers (7 / 2 = 3) and a decimal to its scale (7 / 4.0 = 1.8), DuckDB gives a DOUBLE (3.5, 1.75); CAST one side AS DOUBLE`);
        }
        if (integerTypes.has(castTarget(node) ?? "") && double(node.expr) && !wholeNumber(node.expr)) {
            problems.push(`casts ${shown(node.expr as AstNode)}, a DOUBLE, to ${castTarget(node)}: Trino rounds a half away from zero (2.5 to 3), DuckDB to even (2); cast FLOOR(x) or ROUND(x)`);
        }
        if (node.type === "binary_expr" && node.operator === "||") {
            for (const side of [node.left, node.right]) {
                if (nonText(side)) {
                    problems.push(`concatenates ${shown(side as AstNode)}, not text, with ||: Trino refuses what DuckDB converts; CAST it AS VARCHAR`);
                }
            }
        }
        if (castTarget(node) === "DATE" && carriesTime(node.expr)) {
            problems.push(`casts ${shown(node.expr as AstNode)}, which may carry a time of day, to DATE: DuckDB drops the time, Trino refuses; cast substr(x, 1, 10)`);
        }
        if (node.type === "aggr_func" && callName(node) === "sum" && booleanValued(callArguments(node)[0])) {
            problems.push("sums a boolean: DuckDB counts the trues, Trino refuses; write SUM(CASE WHEN ... THEN 1 ELSE 0 END)");
        }
    }
    return problems;
}
