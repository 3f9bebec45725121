// Loaded before every test file (the test script's --import): the process's temporary folders go in a folder of its
// own, removed when it exits, so a test that makes a folder with os.tmpdir() and does not remove it leaves nothing on
// the machine. Processes the tests start (spotify-etl, dotnet, bash, chromium) inherit it through TMPDIR.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "spotify-tests-"));
process.env["TMPDIR"] = scratch;
process.on("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));
