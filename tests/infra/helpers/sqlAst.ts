/**
 * Reading node-sql-parser's syntax tree: its nodes, names, calls and casts, as the dialect checks walk it.
 */

/** The text of a name node-sql-parser gives as a string or as `{ expr: { value } }`. */
export const nameOf = (name: unknown): string | undefined =>
    typeof name === "string" ? name
    : typeof name === "object" && name !== null ? nameOf((name as { expr?: { value?: unknown } }).expr?.value) : undefined;

export type AstNode = Record<string, unknown>;

export const isNode = (value: unknown): value is AstNode => typeof value === "object" && value !== null && !Array.isArray(value);

/** A subquery: its names are its own, so a walk over an outer SELECT's expression stops there. */
export const isSubquery = (node: AstNode): boolean => node.type === "select" || "ast" in node;

/** Every node of `value` and below, outer first, not entering subqueries when `intoSubqueries` is false. */
export function* nodes(value: unknown, intoSubqueries: boolean): Generator<AstNode> {
    if (Array.isArray(value)) {
        for (const item of value) {
            yield* nodes(item, intoSubqueries);
        }
        return;
    }
    if (!isNode(value)) {
        return;
    }
    yield value;
    if (!intoSubqueries && isSubquery(value)) {
        return;
    }
    for (const child of Object.values(value)) {
        yield* nodes(child, intoSubqueries);
    }
}

/** The expression's own nodes: the expression itself and below, subqueries left out. */
export function* expressionNodes(expression: unknown): Generator<AstNode> {
    if (isNode(expression) && isSubquery(expression)) {
        return;
    }
    yield* nodes(expression, false);
}

/** The column a reference names when it has no table before it (`played_at`, not `p.played_at`). */
export const bareColumn = (node: AstNode): string | undefined =>
    node.type === "column_ref" && (node.table === null || node.table === undefined || node.table === "") ? nameOf(node.column)?.toLowerCase() : undefined;

export const columnName = (node: AstNode): string | undefined => (node.type === "column_ref" ? nameOf(node.column)?.toLowerCase() : undefined);

export const callName = (node: AstNode): string | undefined =>
    node.type === "aggr_func" && typeof node.name === "string" ? node.name.toLowerCase()
    : node.type === "function" && isNode(node.name) ? ((node.name.name as { value?: unknown }[] | undefined) ?? []).map(p => String(p.value)).join(".").toLowerCase()
    : undefined;

export const callArguments = (node: AstNode): unknown[] => {
    const args = node.args;
    if (!isNode(args)) {
        return [];
    }
    return Array.isArray(args.value) ? args.value : "expr" in args ? [args.expr] : [];
};

export const castTarget = (node: AstNode): string | undefined =>
    node.type === "cast" && Array.isArray(node.target) ? String((node.target[0] as { dataType?: unknown }).dataType).toUpperCase() : undefined;
