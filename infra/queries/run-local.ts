// Runs the named queries against a local lake with DuckDB, through views named like the Glue tables.
import { DuckDBInstance } from "@duckdb/node-api";
import * as fs from "node:fs";
import * as path from "node:path";

const tables = ["songs", "albums", "artists", "song_artists", "playlist_entries", "plays"];

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const lake = option("--lake");
  if (!lake || !fs.existsSync(lake)) {
    console.error(`The lake folder ${lake ?? "(none given)"} does not exist: pass --lake DIR.`);
    process.exit(2);
  }
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  for (const table of tables) {
    const glob = path.join(lake, "transformed", table, "snapshot_date=*", "*.csv").replaceAll("'", "''");
    await connection.run(
      `CREATE VIEW ${table} AS SELECT * FROM read_csv('${glob}', header = true, quote = '"', escape = '"', hive_partitioning = true, hive_types = {'snapshot_date': VARCHAR})`,
    );
  }
  const folder = path.join(__dirname);
  const results = [];
  for (const file of fs.readdirSync(folder).filter((f) => f.endsWith(".sql")).sort()) {
    const sql = fs.readFileSync(path.join(folder, file), "utf8");
    const question = /^-- Question: (.*)$/m.exec(sql)?.[1] ?? file;
    const reader = await connection.runAndReadAll(sql);
    results.push({
      name: path.basename(file, ".sql"),
      question,
      columns: reader.columnNames(),
      rows: reader.getRowsJson().map((row) => row.map((v) => (v === null ? null : String(v)))),
    });
  }
  console.log(JSON.stringify(results));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
