// The dead-letter replay snippet of docs/operations.md, run as written with bash and jq against stand-ins for the AWS
// and Pulumi CLIs: what it asks SQS, and what it sends the transform for an empty queue and for one message.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "./helpers/stackHarness";

const operations = fs.readFileSync(path.join(repoRoot, "docs", "operations.md"), "utf8");
const replay = /\*\*Dead-letter queues\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(operations)?.[1] ?? "";

/** Runs the snippet in a fresh folder with `aws` and `pulumi` stand-ins; the stand-in aws answers receive-message with `received`. */
function runReplay(received: string): { status: number | null; stderr: string; calls: string[]; payload: string | undefined } {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "dlq-replay-"));
    const bin = path.join(folder, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(folder, "received.json"), received);
    fs.writeFileSync(path.join(bin, "aws"), `#!/bin/bash
echo "aws $*" >> "${folder}/calls.log"
case "$1 $2" in
  "sqs receive-message") cat "${folder}/received.json" ;;
  "lambda invoke") for arg in "$@"; do [[ "$arg" == file://* ]] && cp "\${arg#file://}" "${folder}/sent.json"; done ;;
esac
exit 0
`, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/bash
case "$3" in
  deadLetterQueueUrls) echo '{"extract":"https://sqs/extract-dlq","transform":"https://sqs/transform-dlq","schedule":"https://sqs/schedule-dlq"}' ;;
  transformFunctionName) echo spotify-dev-transform ;;
  *) exit 1 ;;
esac
`, { mode: 0o755 });
    const run = spawnSync("bash", ["-c", replay], { cwd: folder, encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env["PATH"]}` } });
    const log = path.join(folder, "calls.log");
    const sent = path.join(folder, "sent.json");
    return {
        status: run.status,
        stderr: run.stderr,
        calls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [],
        payload: fs.existsSync(sent) ? fs.readFileSync(sent, "utf8") : undefined,
    };
}

test("the dead-letter replay waits for one message, and on an empty queue stops saying so without invoking the transform", () => {
    assert.notEqual(replay, "", "no sh block after **Dead-letter queues** in docs/operations.md");
    // An empty queue: receive-message prints nothing at all (or, in other versions, an answer without messages).
    for (const answer of ["{}\n", "{\"Messages\": []}\n"]) {
        const run = runReplay(answer);
        assert.notEqual(run.status, 0, answer);
        assert.deepEqual(run.calls.filter((c) => c.startsWith("aws lambda")), [], `the transform was invoked with no event after ${answer}`);
    }
    const empty = runReplay("");
    assert.notEqual(empty.status, 0);
    assert.match(empty.stderr, /queue is empty/);
    assert.deepEqual(empty.calls.filter((c) => c.startsWith("aws lambda")), [], "the transform was invoked with no event");
    const receive = empty.calls.find((c) => c.startsWith("aws sqs receive-message")) ?? "";
    assert.match(receive, /--queue-url https:\/\/sqs\/transform-dlq/);
    assert.match(receive, /--wait-time-seconds 20/);
    assert.match(receive, /--max-number-of-messages 1/);
    assert.deepEqual(empty.calls.filter((c) => c.startsWith("aws sqs delete-message")), [], "the replay deletes nothing itself");
});

test("the dead-letter replay sends the transform the message's requestPayload, not the invocation record", () => {
    const event = { Records: [{ s3: { bucket: { name: "spotify-dev-lake-raw-0a1b2c3" }, object: { key: "manifests/run.json" } } }] };
    const record = { version: "1.0", requestContext: { condition: "RetriesExhausted" }, requestPayload: event };
    const one = runReplay(JSON.stringify({ Messages: [{ MessageId: "m", ReceiptHandle: "r", Body: JSON.stringify(record) }] }));
    assert.equal(one.status, 0, one.stderr);
    assert.deepEqual(JSON.parse(one.payload ?? "null"), event);
    assert.match(one.calls.find((c) => c.startsWith("aws lambda invoke")) ?? "", /--function-name spotify-dev-transform/);
});
