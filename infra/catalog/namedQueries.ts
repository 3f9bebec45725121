/**
 * The analytics questions, read from the repository's `queries/*.sql` files: one file, one named
 * query. The same text becomes an Athena NamedQuery (infra/components/analytics.ts), a Snowflake
 * view (infra/components/snowflake.ts), and runs on DuckDB inside spotify-etl (which embeds the
 * files), so the three can never drift apart. `queries/snowflake/` holds questions only Snowflake
 * can answer (its load history).
 *
 * Each file starts with a header comment:
 *   -- Question: <the question the query answers>
 *   -- <one or more lines describing how it answers it>
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface NamedQuerySource {
    /** File name without `.sql`, e.g. `playlist_top_songs`. */
    readonly name: string;
    /** The question from the `-- Question:` line. */
    readonly question: string;
    /** The description lines after the question, joined with spaces. */
    readonly description: string;
    /** The whole file (header included, trailing whitespace and semicolon removed). */
    readonly sql: string;
    readonly file: string;
}

/** Folder of the `.sql` files: `queries/` at the repository's root. */
export const queriesDirectory = path.join(__dirname, "..", "..", "queries");

/** Questions only Snowflake answers: they read its load history tables. */
export const snowflakeOnlyQueriesDirectory = path.join(queriesDirectory, "snowflake");

const questionPrefix = "-- Question:";

export function parseNamedQuery(file: string, text: string): NamedQuerySource {
    const name = path.basename(file, ".sql");
    if (!/^[a-z][a-z0-9_]*$/.test(name)) {
        throw new Error(`Query file ${file}: the name '${name}' must be lower snake case (it names the Athena query).`);
    }
    const lines = text.replace(/\r\n/g, "\n").split("\n");
    const first = lines[0] ?? "";
    if (!first.startsWith(questionPrefix)) {
        throw new Error(`Query file ${file}: the first line must be '${questionPrefix} ...' stating the question it answers.`);
    }
    const question = first.slice(questionPrefix.length).trim();
    if (question.length === 0) {
        throw new Error(`Query file ${file}: the '${questionPrefix}' line is empty.`);
    }
    const descriptionLines: string[] = [];
    for (const line of lines.slice(1)) {
        if (!line.startsWith("--")) {
            break;
        }
        descriptionLines.push(line.slice(2).trim());
    }
    const description = descriptionLines.join(" ").trim();
    const sql = text.trim().replace(/;\s*$/, "");
    const body = lines.filter(l => !l.trimStart().startsWith("--")).join("\n").trim();
    if (body.length === 0) {
        throw new Error(`Query file ${file}: no SQL after the header comment.`);
    }
    return { name, question, description, sql, file };
}

/** Loads every `.sql` file of the folder, sorted by name. */
export function loadNamedQueries(directory: string = queriesDirectory): NamedQuerySource[] {
    return fs.readdirSync(directory)
        .filter(f => f.endsWith(".sql"))
        .sort()
        .map(f => {
            const file = path.join(directory, f);
            return parseNamedQuery(file, fs.readFileSync(file, "utf8"));
        });
}
