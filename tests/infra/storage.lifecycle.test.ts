// The raw bucket's lifecycle for generated settings, beyond the example stacks: the Storage component under
// Pulumi's mocks, once per setting. The listener's history (recently played pages, the export's files, the
// exports as uploaded under import/) never expires; the snapshots expire after rawExpirationDays, none when it is 0; each rule's id depends on its
// prefix alone, so a change of days or class updates the same rules.
import * as assert from "node:assert/strict";
import { before, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Storage } from "../../infra/components/storage";
import { minimumStorageDays } from "../../infra/components/storageClasses";
import { snapshotRelandDays } from "../../infra/config";
import type { StorageConfig, TransitionStorageClass } from "../../infra/configTypes";
import { contract } from "../../infra/lakeContract";
import { historyPrefixes, type LifecycleRule, rawLifecycleProblems, snapshotPrefixes } from "./helpers/rawLifecycle";

const classes: readonly TransitionStorageClass[] = ["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR"];

/** Valid settings as infra/config.ts accepts them: the corners (0 and 0, either alone) and generated ones. */
function generatedSettings(): Pick<StorageConfig, "rawTransitionDays" | "rawTransitionStorageClass" | "rawExpirationDays">[] {
    const settings: Pick<StorageConfig, "rawTransitionDays" | "rawTransitionStorageClass" | "rawExpirationDays">[] = [
        { rawTransitionDays: 0, rawTransitionStorageClass: "STANDARD_IA", rawExpirationDays: 0 },
        { rawTransitionDays: 0, rawTransitionStorageClass: "STANDARD_IA", rawExpirationDays: 1 },
        { rawTransitionDays: 30, rawTransitionStorageClass: "STANDARD_IA", rawExpirationDays: 0 },
        { rawTransitionDays: 1, rawTransitionStorageClass: "GLACIER_IR", rawExpirationDays: 36500 },
    ];
    let x = 20261120;
    const next = (bound: number): number => {
        x = (x * 1103515245 + 12345) % 2147483648;
        return x % bound;
    };
    for (let i = 0; i < 36; i++) {
        const rawTransitionStorageClass = classes[i % classes.length]!;
        const transition = next(3) === 0 ? 0 : (rawTransitionStorageClass === "STANDARD_IA" ? 30 : 1) + next(400);
        // A moved snapshot expires once its class's minimum storage duration is over, at the earliest.
        const expiration = next(3) === 0 ? 0 : transition + (transition === 0 ? 1 : Math.max(1, minimumStorageDays[rawTransitionStorageClass])) + next(1200);
        settings.push({ rawTransitionDays: transition, rawTransitionStorageClass, rawExpirationDays: expiration });
    }
    return settings;
}

const settings = generatedSettings();
const rulesOf = new Map<string, LifecycleRule[]>();

before(async () => {
    await pulumi.runtime.setMocks({
        newResource(args) {
            if (args.type === "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration") {
                rulesOf.set(args.name, args.inputs["rules"] as LifecycleRule[]);
            }
            return { id: `${args.name}-id`, state: { ...args.inputs, bucket: `${args.name}-0a1b2c3`, arn: `arn:aws:s3:::${args.name}` } };
        },
        call: (args) => args.inputs as Record<string, unknown>,
    }, "spotify-stack", "lifecycle", false);
    settings.forEach((s, i) => new Storage(`s${i}`, {
        config: { forceDestroy: true, protectData: false, encryption: "AES256", rawNoncurrentVersionExpirationDays: 30, athenaResultsExpirationDays: 7, ...s },
    }));
    for (let waited = 0; rulesOf.size < settings.length * 3 && waited < 10_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(rulesOf.size, settings.length * 3, "each Storage declares the raw, the transformed and the Athena results lifecycles");
});

test("every bucket ends unfinished multipart uploads, and nothing of the transformed bucket's lake expires", () => {
    settings.forEach((s, i) => {
        for (const bucket of ["raw", "transformed", "athena-results"]) {
            const rules = rulesOf.get(`s${i}-${bucket}-lifecycle`)!;
            assert.ok(rules.some((r) => r.filter?.prefix === "" && (r.abortIncompleteMultipartUpload?.daysAfterInitiation ?? 0) > 0),
                `${bucket} (${JSON.stringify(s)}): no rule over every key ends unfinished uploads`);
        }
        for (const rule of rulesOf.get(`s${i}-transformed-lifecycle`)!) {
            assert.deepEqual([rule.expiration, rule.transitions, rule.noncurrentVersionExpiration], [undefined, undefined, undefined], rule.id);
        }
    });
});

const rawRules = (i: number): LifecycleRule[] => rulesOf.get(`s${i}-raw-lifecycle`)!;

test("the test's prefixes are every raw source of the contract, each once", () => {
    assert.deepEqual([...historyPrefixes, ...snapshotPrefixes].sort(),
        Object.values(contract.rawSources).map((segment) => `${contract.lake.raw}${segment}/`).sort());
});

test("for every generated setting, no rule expires the listener's history and the snapshots follow rawExpirationDays", () => {
    settings.forEach((s, i) => {
        assert.deepEqual(rawLifecycleProblems(rawRules(i), s), [], JSON.stringify(s));
        assert.ok(rawRules(i).some((r) => r.id === "old-versions-and-uploads"), "the rule for old versions and uploads is kept");
    });
});

test("for every generated setting, an unchanged playlist's items land again before their last raw copy expires", () => {
    const items = `${contract.lake.raw}${contract.rawSources.playlistItems}/`;
    settings.forEach((s, i) => {
        const expires = rawRules(i).find((r) => r.filter?.prefix === items)?.expiration?.days;
        const reland = snapshotRelandDays(s.rawExpirationDays);
        if (expires === undefined) {
            assert.equal(reland, 0, `${JSON.stringify(s)}: nothing expires, so nothing lands again`);
        } else {
            // S3 expires an object at the first midnight (UTC) at least `expires` days after it was made: a copy landed
            // `reland` days after the last one, by a daily run, is there before it.
            assert.ok(reland >= 1 && reland <= Math.max(1, expires - 1), `${JSON.stringify(s)}: lands again after ${reland} days, expires after ${expires}`);
        }
    });
});

test("for every generated setting, what the transform set aside expires with its source: a snapshot's, never the history's", () => {
    settings.forEach((s, i) => {
        for (const [source, segment] of Object.entries(contract.rawSources)) {
            const prefix = `${contract.lake.quarantine}${segment}/`;
            const expiring = rawRules(i).filter((r) => r.status === "Enabled" && r.expiration?.days !== undefined
                && (prefix.startsWith(r.filter?.prefix ?? "") || (r.filter?.prefix ?? "").startsWith(prefix)));
            const history = historyPrefixes.includes(`${contract.lake.raw}${segment}/`);
            const expected = history || s.rawExpirationDays === 0 ? [] : [s.rawExpirationDays];
            assert.deepEqual(expiring.map((r) => r.expiration!.days), expected, `${JSON.stringify(s)}: ${source} under ${prefix}`);
        }
    });
});

test("a rule's id depends on its prefix alone, whatever the days and the class", () => {
    const idOf = new Map<string, string>();
    settings.forEach((_, i) => {
        for (const rule of rawRules(i)) {
            const prefix = rule.filter?.prefix ?? "";
            assert.equal(idOf.get(prefix) ?? rule.id, rule.id, `the rule of ${JSON.stringify(prefix)} changes its id with the settings`);
            idOf.set(prefix, rule.id!);
        }
    });
    assert.equal(new Set(idOf.values()).size, idOf.size, "two prefixes share a rule id");
});

test("the check itself fails on a rule that expires all of raw/, as a single rule once did", () => {
    const s = { rawTransitionDays: 30, rawTransitionStorageClass: "GLACIER_IR", rawExpirationDays: 730 };
    const old: LifecycleRule[] = [{ id: "raw-responses-age-out", status: "Enabled", filter: { prefix: "raw/" },
        transitions: [{ days: 30, storageClass: "GLACIER_IR" }], expiration: { days: 730 } }];
    assert.deepEqual(rawLifecycleProblems(old, s), [
        `raw-responses-age-out (prefix "raw/") expires the listener's history under raw/recently_played/`,
        `raw-responses-age-out (prefix "raw/") expires the listener's history under raw/spotify_export/`,
        "no rule moves every object under import/ to GLACIER_IR after 30 days",
    ]);
    const inside: LifecycleRule[] = [{ id: "x", status: "Enabled", filter: { prefix: "raw/spotify_export/audio/" }, expiration: { days: 730 } }];
    assert.ok(rawLifecycleProblems(inside, s).some((p) => p.includes("expires the listener's history under raw/spotify_export/")));
});

test("the check fails on a rule that expires the uploaded data exports, or on none that moves them", () => {
    const s = { rawTransitionDays: 30, rawTransitionStorageClass: "STANDARD_IA", rawExpirationDays: 0 };
    for (const prefix of ["import/", "import/my_spotify_data", ""]) {
        const rules: LifecycleRule[] = [{ id: "uploads-age-out", status: "Enabled", filter: { prefix }, expiration: { days: 90 } }];
        assert.ok(rawLifecycleProblems(rules, s).some((p) => p.includes("expires the listener's history under import/")), JSON.stringify(prefix));
    }
    assert.ok(rawLifecycleProblems([], s).includes("no rule moves every object under import/ to STANDARD_IA after 30 days"));
});

test("the check fails on a rule that expires the runs' manifests, which a replay needs once a run's snapshots expired", () => {
    const s = { rawTransitionDays: 0, rawTransitionStorageClass: "GLACIER_IR", rawExpirationDays: 0 };
    for (const prefix of ["manifests/", ""]) {
        const rules: LifecycleRule[] = [{ id: "runs-age-out", status: "Enabled", filter: { prefix }, expiration: { days: 730 } }];
        assert.ok(rawLifecycleProblems(rules, s).some((p) => p.includes("expires the runs' manifests")), JSON.stringify(prefix));
    }
});
