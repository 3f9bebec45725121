// The functions' roles may list a bucket only under their own prefixes, so S3 answers their read of a key that does
// not exist with 403, not 404. The S3 store then lists the key's own prefix to tell a missing object from a refused
// one (S3ObjectStore). So every key transform reads while it may be missing must be one its role may both read and
// list as a prefix; the simulator decides both, for generated keys of each kind. Extract reads its state and its lease so.
import * as assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { decide, type Principal } from "./helpers/iamSimulation";
import { fakeAccountId, fakeFunctionsPackage, runStack, exampleStack } from "./helpers/stackHarness";
import { Stack } from "./helpers/stackQueries";

/** Where transform reads a key that may not be there yet, with a generator of such keys. */
const mayBeMissing: { bucket: "raw" | "transformed"; what: string; key: (n: number) => string }[] = [
    { bucket: "raw", what: "a data-export file about to land", key: (n) => `raw/spotify_export/audio/${hex(n, 64)}.json` },
    { bucket: "raw", what: "a dropped export removed before its event was handled", key: (n) => `import/exports ${2020 + (n % 7)}/my_spotify_data_${hex(n, 6)}.zip` },
    { bucket: "raw", what: "a run's manifest, never written (an extraction stopped first) or removed after its event", key: (n) => `manifests/202611${10 + (n % 18)}T0${n % 10}0000Z.json` },
    { bucket: "raw", what: "a raw response deleted after its event", key: (n) => `raw/playlist_items/snapshot_date=2026-11-${10 + (n % 18)}/${hex(n, 22)}/20261120T060000Z-p${String(n).padStart(4, "0")}.json` },
    { bucket: "raw", what: "a quarantined object's source, gone before its copy", key: (n) => `raw/top_tracks/snapshot_date=2026-11-20/${hex(n, 8)}.json` },
    { bucket: "transformed", what: "a day's API plays not staged yet", key: (n) => `staging/listening_history/api_plays/ended_month=2026-${String(1 + (n % 12)).padStart(2, "0")}/snapshot_date=2026-11-20.json` },
    { bucket: "transformed", what: "an export file's span not kept yet", key: (n) => `staging/listening_history/export_spans/audio/${hex(n, 64)}.json` },
    { bucket: "transformed", what: "a day digest deleted since it was listed", key: (n) => `staging/current/days/2026-11/snapshot_date=2026-11-${10 + (n % 18)}.digest` },
];

/** A deterministic lowercase hex name of the given length. */
function hex(seed: number, length: number): string {
    let x = (seed + 1) * 2654435761;
    let out = "";
    while (out.length < length) {
        x = (x * 1103515245 + 12345) % 2147483648;
        out += x.toString(16);
    }
    return out.slice(0, length);
}

// One stack for the whole file: the mocks run one Pulumi program per process.
let stack: Stack;
const roleOf = (name: "extract" | "transform"): Principal => {
    const role = stack.roleOf(stack.functionNamed(name));
    return { arn: String(role.state["arn"]), accountId: fakeAccountId, policies: stack.policiesOf(role) };
};
before(async () => {
    stack = new Stack(await runStack("dev", { ...exampleStack("dev"), "spotify-stack:functionsPackagePath": fakeFunctionsPackage() }, []));
});

describe("transform's role may read and list every key it reads while the key may be missing", () => {
    let transform: Principal;
    before(() => {
        transform = roleOf("transform");
    });

    for (const { bucket, what, key } of mayBeMissing) {
        test(`${what} (${bucket} bucket)`, async () => {
            const bucketArn = String(stack.bucketNamed(bucket).state["arn"]);
            for (let n = 0; n < 8; n++) {
                const object = key(n);
                assert.equal(await decide(transform, { action: "s3:GetObject", resource: `${bucketArn}/${object}` }), "Allowed", `GetObject ${object}`);
                assert.equal(await decide(transform, { action: "s3:ListBucket", resource: bucketArn, context: { "s3:prefix": object } }), "Allowed",
                    `ListBucket with prefix ${object}`);
            }
        });
    }

    test("a prefix outside the role's own is still refused, so the check above can fail", async () => {
        const bucketArn = String(stack.bucketNamed("raw").state["arn"]);
        assert.notEqual(await decide(transform, { action: "s3:ListBucket", resource: bucketArn, context: { "s3:prefix": "state/extraction-state.json" } }), "Allowed");
        assert.notEqual(await decide(transform, { action: "s3:ListBucket", resource: bucketArn }), "Allowed");
    });
});

// Extract reads its state and its lease where there may be none yet (the first run), and writes the lease with a
// conditional PutObject, which needs s3:GetObject too: the role must read, list and write both keys (ExtractionState).
describe("extract's role may read, list and write its state, its lease and the refused secret version, and nothing beside them outside raw/ and manifests/", () => {
    let extract: Principal;
    before(() => {
        extract = roleOf("extract");
    });

    for (const key of ["state/extraction-state.json", "state/extraction-lease.json", "state/spotify-refused-secret.json"]) {
        test(key, async () => {
            const bucketArn = String(stack.bucketNamed("raw").state["arn"]);
            for (const action of ["s3:GetObject", "s3:PutObject"]) {
                assert.equal(await decide(extract, { action, resource: `${bucketArn}/${key}` }), "Allowed", `${action} ${key}`);
            }
            assert.equal(await decide(extract, { action: "s3:ListBucket", resource: bucketArn, context: { "s3:prefix": key } }), "Allowed", `ListBucket ${key}`);
        });
    }

    test("a read outside state/, a delete of the lease, and the transformed bucket are refused, so the checks above can fail", async () => {
        const raw = String(stack.bucketNamed("raw").state["arn"]);
        const transformed = String(stack.bucketNamed("transformed").state["arn"]);
        assert.notEqual(await decide(extract, { action: "s3:GetObject", resource: `${raw}/raw/recently_played/snapshot_date=2026-11-20/me/x.json` }), "Allowed");
        assert.notEqual(await decide(extract, { action: "s3:DeleteObject", resource: `${raw}/state/extraction-lease.json` }), "Allowed");
        assert.notEqual(await decide(extract, { action: "s3:PutObject", resource: `${transformed}/state/extraction-lease.json` }), "Allowed");
    });
});
