// The storage classes the raw objects may move to, and how soon after a move their lifecycle may expire a snapshot:
// the config refuses an earlier rawExpirationDays, and the raw bucket's lifecycle rules (storage.ts) follow it.
import type { TransitionStorageClass } from "../configTypes";

/**
 * The least days S3 bills an object in each storage class raw objects may move to (its minimum storage duration): an
 * object deleted sooner, by the lifecycle's expiration too, is billed the days left. INTELLIGENT_TIERING has none (it
 * charges a monitoring fee a month instead). Its keys are the classes the config accepts.
 */
export const minimumStorageDays: Readonly<Record<TransitionStorageClass, number>> = {
    STANDARD_IA: 30,
    INTELLIGENT_TIERING: 0,
    GLACIER_IR: 90,
};
export const transitionStorageClasses = Object.keys(minimumStorageDays) as TransitionStorageClass[];

/** The least age at which S3 moves an object to the class: 30 days for STANDARD_IA, any day for the others. */
export const leastTransitionDays = (storageClass: TransitionStorageClass): number => (storageClass === "STANDARD_IA" ? 30 : 1);

/** The least rawExpirationDays that keeps a snapshot moved after `transitionDays` the class's minimum storage duration (and at least a day). */
const leastExpirationDays = (transitionDays: number, storageClass: TransitionStorageClass): number =>
    transitionDays + Math.max(1, minimumStorageDays[storageClass]);

/**
 * Why the raw snapshots may not expire after `expirationDays` when they move to `storageClass` after `transitionDays`, or
 * undefined. Their lifecycle rule moves and expires each one: S3 refuses a rule whose objects expire no later than they
 * move, and bills a moved object for its class's minimum storage duration, so one that expires before that costs more
 * than one never moved. The problem says which values of the three settings would do.
 */
export function rawExpirationProblem(expirationDays: number, transitionDays: number, storageClass: TransitionStorageClass): string | undefined {
    if (expirationDays === 0 || transitionDays === 0 || !transitionStorageClasses.includes(storageClass)) {
        return undefined;
    }
    const least = leastExpirationDays(transitionDays, storageClass);
    if (expirationDays >= least) {
        return undefined;
    }
    const minimum = minimumStorageDays[storageClass];
    const why = minimum > 0
        ? `S3 bills an object in ${storageClass} for at least ${minimum} days, so a snapshot that expires sooner after it moves costs more than one never moved`
        : "S3 refuses a lifecycle rule whose objects expire no later than they move";
    const latestTransition = expirationDays - Math.max(1, minimum);
    const transitions = latestTransition >= leastTransitionDays(storageClass) ? `at most ${latestTransition}, or 0 (never move them)` : "0 (never move them)";
    const otherClasses = transitionStorageClasses.filter((c) => c !== storageClass && transitionDays >= leastTransitionDays(c)
        && expirationDays >= leastExpirationDays(transitionDays, c));
    return `must be at least ${least} with rawTransitionStorageClass ${storageClass} and rawTransitionDays ${transitionDays}, or 0 (got ${expirationDays}): `
        + `${why}. Set rawExpirationDays to 0 (keep the snapshots) or at least ${least}, or rawTransitionDays to ${transitions}`
        + (otherClasses.length > 0 ? `, or rawTransitionStorageClass to ${otherClasses.join(" or ")}` : "");
}
