// Loaded before every test file (the test script's second --require): the folders a test makes with os.tmpdir() go in a folder
// of the process's own, removed when it exits, so a test that does not remove its folders leaves nothing on the machine.
// Not through TMPDIR: the processes a test starts keep the machine's temporary folder, since some outlive the test
// (the build servers `dotnet build` leaves running would keep working in a folder that is gone).
import * as fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
// The module itself, not the copy of its exports that `import * as` makes here.
import os = require("node:os");
import * as path from "node:path";

// Under SPOTIFY_TESTS_SCRATCH where scripts/test.sh sets it (a tmpfs folder, where new files are cheap).
const scratch = fs.mkdtempSync(path.join(process.env["SPOTIFY_TESTS_SCRATCH"] || os.tmpdir(), "spotify-tests-"));
Object.defineProperty(os, "tmpdir", { value: (): string => scratch });
syncBuiltinESMExports();
process.on("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));
