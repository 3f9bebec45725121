// What the raw bucket's lifecycle must and must not do to each raw source's objects. The listener's history
// (recently played pages, the data export's files) cannot be fetched again and listening_history is rebuilt in
// full from it: no rule may expire it, nor the uploads of data exports under import/. The other sources are snapshots the next extraction takes again: they
// expire after rawExpirationDays, and never when it is 0. The prefixes are spelled here, apart from the
// program, so a change to the contract or the component cannot move them unnoticed.

/** The listener's history: never expires. */
export const historyPrefixes: readonly string[] = ["raw/recently_played/", "raw/spotify_export/"];
/** Snapshots the extraction takes again: expire after rawExpirationDays. */
export const snapshotPrefixes: readonly string[] = ["raw/playlist/", "raw/playlist_items/", "raw/top_tracks/", "raw/top_artists/", "raw/saved_tracks/"];

/** The data exports as uploaded: the listener's history as given, which only moves, like the raw history. */
export const uploadPrefix = "import/";

/** What each run landed: a replay tells a run whose snapshots expired by its manifest, so no rule may expire them. */
export const manifestsPrefix = "manifests/";

/** Storage classes whose objects GetObject reads at once, as the history rebuild does (no restore first). */
const readableClasses: readonly string[] = ["STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "ONEZONE_IA"];

export interface LifecycleRule {
    id?: string;
    status?: string;
    prefix?: string;
    filter?: { prefix?: string; and?: { prefix?: string; tags?: unknown; objectSizeGreaterThan?: unknown; objectSizeLessThan?: unknown }; tag?: unknown; objectSizeGreaterThan?: unknown; objectSizeLessThan?: unknown };
    transitions?: { days?: number; date?: string; storageClass: string }[];
    expiration?: { days?: number; date?: string; expiredObjectDeleteMarker?: boolean };
    noncurrentVersionExpiration?: { noncurrentDays?: number };
    abortIncompleteMultipartUpload?: { daysAfterInitiation?: number };
}

export interface RawLifecycleSettings {
    readonly rawTransitionDays: number;
    readonly rawTransitionStorageClass: string;
    readonly rawExpirationDays: number;
}

/** The key prefix a rule applies to: "" (every object) when its filter names none. */
function prefixOf(rule: LifecycleRule): string {
    return rule.filter?.prefix ?? rule.filter?.and?.prefix ?? rule.prefix ?? "";
}

/** The rule filters on its prefix alone (no tag or size condition), so it reaches every object under it. */
function prefixOnly(rule: LifecycleRule): boolean {
    const f = rule.filter ?? {};
    return f.and === undefined && f.tag === undefined && f.objectSizeGreaterThan === undefined && f.objectSizeLessThan === undefined;
}

/** The rule deletes current objects (not only expired delete markers). */
function expiresObjects(rule: LifecycleRule): boolean {
    return rule.status === "Enabled" && (rule.expiration?.days !== undefined || rule.expiration?.date !== undefined);
}

/** The rule reaches some object under `prefix`: its own prefix covers it, or lies inside it. */
function reaches(rule: LifecycleRule, prefix: string): boolean {
    const own = prefixOf(rule);
    return prefix.startsWith(own) || own.startsWith(prefix);
}

/** The rule reaches every object under `prefix`. */
function covers(rule: LifecycleRule, prefix: string): boolean {
    return prefix.startsWith(prefixOf(rule)) && prefixOnly(rule);
}

/** Every way the raw bucket's rules break the lifecycle the settings ask for; empty when they keep it. */
export function rawLifecycleProblems(rules: readonly LifecycleRule[], settings: RawLifecycleSettings): string[] {
    const problems: string[] = [];
    const ids = rules.map((r) => r.id ?? "");
    for (const id of ids) {
        if (id === "" || id.length > 255) {
            problems.push(`rule id ${JSON.stringify(id)} must have 1 to 255 characters`);
        }
    }
    if (new Set(ids).size !== ids.length) {
        problems.push(`rule ids repeat: ${ids.join(", ")}`);
    }
    for (const prefix of [...historyPrefixes, uploadPrefix]) {
        for (const rule of rules.filter((r) => expiresObjects(r) && reaches(r, prefix))) {
            problems.push(`${rule.id} (prefix ${JSON.stringify(prefixOf(rule))}) expires the listener's history under ${prefix}`);
        }
        for (const rule of rules.filter((r) => r.status === "Enabled" && reaches(r, prefix))) {
            for (const t of rule.transitions ?? []) {
                if (!readableClasses.includes(t.storageClass)) {
                    problems.push(`${rule.id} moves ${prefix} to ${t.storageClass}, which GetObject cannot read without a restore`);
                }
            }
        }
    }
    for (const rule of rules.filter((r) => expiresObjects(r) && reaches(r, manifestsPrefix))) {
        problems.push(`${rule.id} (prefix ${JSON.stringify(prefixOf(rule))}) expires the runs' manifests, by which a replay tells a run whose snapshots expired`);
    }
    for (const prefix of snapshotPrefixes) {
        const expiring = rules.filter((r) => expiresObjects(r) && reaches(r, prefix));
        if (settings.rawExpirationDays === 0) {
            expiring.forEach((r) => problems.push(`${r.id} expires ${prefix} though rawExpirationDays is 0`));
        } else if (!expiring.some((r) => covers(r, prefix) && r.expiration?.days === settings.rawExpirationDays)) {
            problems.push(`no rule expires every object under ${prefix} after ${settings.rawExpirationDays} days`);
        }
    }
    for (const prefix of [...historyPrefixes, ...snapshotPrefixes, uploadPrefix]) {
        const moving = rules.filter((r) => r.status === "Enabled" && reaches(r, prefix) && (r.transitions ?? []).length > 0);
        if (settings.rawTransitionDays === 0) {
            moving.forEach((r) => problems.push(`${r.id} moves ${prefix} though rawTransitionDays is 0`));
        } else if (!moving.some((r) => covers(r, prefix) && (r.transitions ?? []).some((t) =>
            t.days === settings.rawTransitionDays && t.storageClass === settings.rawTransitionStorageClass))) {
            problems.push(`no rule moves every object under ${prefix} to ${settings.rawTransitionStorageClass} after ${settings.rawTransitionDays} days`);
        }
    }
    return problems;
}
