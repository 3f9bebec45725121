// Usage: node scripts/lock-duckdb-platforms.js infra/package-lock.json   (after changing infra's packages)
//
// @duckdb/node-bindings has one optional package per platform. The npm registry copy this project
// builds from serves only linux-x64, so npm leaves the others out of the lockfile and `npm ci` then
// refuses the lock as out of sync. This adds their entries, marked optional with their os/cpu, so
// npm skips them here and installs the right one on a developer's macOS or Windows machine.
const fs = require("fs");
const path = process.argv[2];
const lock = JSON.parse(fs.readFileSync(path, "utf8"));
const base = lock.packages["node_modules/@duckdb/node-bindings"];
const version = base.version;
const platforms = {
  "darwin-arm64": ["darwin", "arm64"], "darwin-x64": ["darwin", "x64"], "linux-arm64": ["linux", "arm64"],
  "linux-arm64-musl": ["linux", "arm64"], "win32-arm64": ["win32", "arm64"], "win32-x64": ["win32", "x64"],
};
const template = lock.packages["node_modules/@duckdb/node-bindings-linux-x64"];
for (const [suffix, [os, cpu]] of Object.entries(platforms)) {
  const key = `node_modules/@duckdb/node-bindings-${suffix}`;
  if (lock.packages[key]) continue;
  const entry = { version, cpu: [cpu], dev: template.dev, license: template.license, optional: true, os: [os] };
  entry.libc = [suffix.endsWith("musl") ? "musl" : "glibc"]; if (os !== "linux") delete entry.libc;
  lock.packages[key] = entry;
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
fs.writeFileSync(path, JSON.stringify(lock, null, 2) + "\n");
