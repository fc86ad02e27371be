import * as z from 'zod';
import { CrossliftError, RemovalWithheldError } from '../errors';
import { loggableError } from '../log-safe';
import { readContentClaim, releaseStaleContent, type ClaimedContent } from '../storage/content-claims';
import { getFileRecord, isCounted, listFileRecords, sequencerJustAbove, type FileRecord } from '../storage/file-ledger';
import { listObjects } from '../storage/objects';
import {
  ingestObject,
  promoteDuplicate,
  UNROUTED_COOPERATION,
  type IngestDeps,
  type IngestOutcome,
  type ObjectEvent,
} from './ingest-object';
import { INBOX_PREFIX } from './keys';

export interface ReconcileOutcome {
  readonly key: string;
  readonly action: 'ingested_missing' | 'ingested_stale' | 'removed_missing' | 'promoted_duplicate';
  /** The ingest's outcome, or `error` when the repair failed (the next run tries again). */
  readonly status: string;
  /** Why the repair failed: the error's name (and crosslift's fixed message). */
  readonly error?: string;
}

/**
 * How long an ingest may hold a content claim before committing: one Lambda invocation (15
 * minutes at most). A claim younger than that, made after its holder's last record, may belong
 * to an ingest still under way.
 */
export const CLAIM_IN_FLIGHT_MS = 15 * 60 * 1000;

/**
 * When reconcile finds more than `share` of the recorded files (not deleted) missing from the
 * bucket, and at least `files` of them, it does not withdraw them. Events get lost one by one; most of the
 * files gone at once is rather a bucket replaced (a redeploy), emptied or moved, and withdrawing
 * would take every number out of the reports. An operator who meant it allows it once
 * (`allowMassRemoval`; docs/deploy.md).
 */
export const MASS_REMOVAL = { share: 0.5, files: 10 } as const;

export interface ReconcileOptions {
  /** Withdraw missing files even beyond MASS_REMOVAL (after a deliberate mass deletion whose events were lost). */
  readonly allowMassRemoval?: boolean;
}

/**
 * The reconcile function's event: the schedule's (`scheduledTime`), the local stack's (`source`)
 * or an operator's. Strict, so a misspelt `allowMassRemoval` fails instead of being ignored.
 */
export const reconcileEventSchema = z.strictObject({
  allowMassRemoval: z.boolean().optional(),
  scheduledTime: z.string().optional(),
  source: z.string().optional(),
});

export interface ReconcileRun {
  readonly repaired: readonly ReconcileOutcome[];
  /** Set when removals were withheld (MASS_REMOVAL): how many recorded files are missing, of how many. */
  readonly withheld?: WithheldRemovals;
}

export interface WithheldRemovals {
  readonly missing: number;
  readonly recorded: number;
}

/**
 * Lambda's async queue can drop S3 events under a backlog. Reconcile lists `inbox/`, compares it
 * with the ingestion records, and ingests what is missing or stale (ETag differs), removes what
 * was deleted without an event (unless most files are gone at once: MASS_REMOVAL), and recounts
 * duplicates whose original is gone. Each object is repaired on its own: a failure is logged and
 * listed (status `error`), and the others go on. Runs daily in AWS and at the end of `crosslift run`.
 */
export const reconcile = async (deps: IngestDeps, options: ReconcileOptions = {}): Promise<ReconcileRun> => {
  // Records first, then objects: a file uploaded and ingested between the two listings is then
  // seen as present, never mistaken for one deleted without an event.
  const records = new Map<string, FileRecord>();
  for (const id of [...deps.config.cooperations.map((c) => c.id), UNROUTED_COOPERATION]) {
    for (const record of await listFileRecords(deps.table, id)) records.set(record.key, record);
  }
  const objects = await listObjects(deps.bucket, INBOX_PREFIX);
  const outcomes: ReconcileOutcome[] = [];
  type Repair = () => Promise<IngestOutcome | undefined>;
  const repair = async (key: string, action: ReconcileOutcome['action'], run: Repair) => {
    try {
      const outcome = await run();
      if (outcome) outcomes.push({ key: outcome.key, action, status: outcome.status });
    } catch (cause) {
      const error = loggableError(cause);
      deps.log.error('reconcile could not repair an object; it goes on with the others', { key, action, error });
      const reason = cause instanceof CrossliftError ? `${error.name}: ${cause.message}` : error.name;
      outcomes.push({ key, action, status: 'error', error: reason });
    }
  };

  const present = new Set<string>();
  for (const object of objects) {
    present.add(object.key);
    const record = records.get(object.key);
    const changed = record?.etag !== undefined && record.etag !== object.etag;
    const stale = record !== undefined && (record.status === 'deleted' || record.status === 'failed' || changed);
    if (record && !stale) continue;
    const event: ObjectEvent = {
      kind: 'created',
      bucket: deps.bucket.bucket,
      key: object.key,
      sequencer: sequencerJustAbove(record?.sequencer),
      ...(object.etag ? { etag: object.etag } : {}),
    };
    await repair(object.key, record ? 'ingested_stale' : 'ingested_missing', () => ingestObject(deps, event));
  }
  // Every record not deleted is withdrawn when its object is missing (counted or not), so the
  // share is taken over all of them.
  const recorded = [...records.values()].filter(
    (r) => r.status !== 'deleted' && r.cooperationId !== UNROUTED_COOPERATION,
  );
  const missing = recorded.filter((r) => !present.has(r.key));
  const massRemoval = missing.length >= MASS_REMOVAL.files && missing.length > MASS_REMOVAL.share * recorded.length;
  const withheld =
    massRemoval && !options.allowMassRemoval ? { missing: missing.length, recorded: recorded.length } : undefined;
  if (withheld) {
    // A warning: the invocation then fails with RemovalWithheldError, which is the error.
    const examples = missing.slice(0, 3).map((r) => r.key);
    deps.log.warn(
      'reconcile withheld the removal of files missing from the bucket: most recorded files are gone at once',
      {
        ...withheld,
        examples,
      },
    );
  }
  for (const record of withheld ? [] : missing) {
    const sequencer = sequencerJustAbove(record.sequencer);
    const event: ObjectEvent = { kind: 'removed', bucket: deps.bucket.bucket, key: record.key, sequencer };
    await repair(record.key, 'removed_missing', () => ingestObject(deps, event));
  }
  for (const content of orphanedContents([...records.values()], present)) {
    await repair(content.contentHash, 'promoted_duplicate', () => recountOrphan(deps, content));
  }
  const failed = outcomes.filter((o) => o.status === 'error').length;
  deps.log.info('reconcile finished', { repaired: outcomes.length - failed, failed, objects: objects.length });
  return withheld ? { repaired: outcomes, withheld } : { repaired: outcomes };
};

/**
 * The reconcile job (the daily schedule, an operator, `crosslift reconcile`): reconcile, then fail
 * with RemovalWithheldError when removals were withheld, so that the function's error alarm fires
 * (Lambda retries it twice, withholding again, then keeps the event in the failure queue). The
 * other repairs are made either way; the error carries them (`withheldRun`).
 */
export const runReconcileJob = async (deps: IngestDeps, options: ReconcileOptions = {}) => {
  const run = await reconcile(deps, options);
  if (run.withheld) {
    throw new RemovalWithheldError('most recorded files are missing from the bucket; their removal was withheld', {
      ...run.withheld,
      repaired: run.repaired,
    });
  }
  return run.repaired;
};

/** The run a RemovalWithheldError of runReconcileJob carries. */
export const withheldRun = (error: RemovalWithheldError): Required<ReconcileRun> => {
  const { missing, recorded, repaired } = error.details as unknown as WithheldRemovals & {
    repaired: ReconcileOutcome[];
  };
  return { repaired, withheld: { missing, recorded } };
};

/** Contents that only duplicates hold: the key they duplicate is gone or holds other bytes now. */
const orphanedContents = (records: readonly FileRecord[], present: ReadonlySet<string>): ClaimedContent[] => {
  const id = (c: ClaimedContent) => `${c.cooperationId}#${c.dataset}#${c.contentHash}`;
  const counted = new Set(records.filter(isCounted).map((r) => id({ ...r, contentHash: r.contentHash ?? '' })));
  const orphaned = new Map<string, ClaimedContent>();
  for (const r of records) {
    if (r.status !== 'duplicate' || !r.dataset || !r.contentHash || !present.has(r.key)) continue;
    const content = { cooperationId: r.cooperationId, dataset: r.dataset, contentHash: r.contentHash };
    if (!counted.has(id(content))) orphaned.set(id(content), content);
  }
  return [...orphaned.values()];
};

/**
 * Recounts an orphaned content: its claim, if still held by a key that no longer counts it (a
 * release that failed for good), is released, then a duplicate is promoted. A claim made after
 * its holder's last record, less than CLAIM_IN_FLIGHT_MS ago, is left to the ingest that made it.
 */
const recountOrphan = async (deps: IngestDeps, content: ClaimedContent): Promise<IngestOutcome | undefined> => {
  const held = await readContentClaim(deps.table, content);
  if (held) {
    const holder = await getFileRecord(deps.table, content.cooperationId, held.key);
    if (holder && isCounted(holder) && holder.contentHash === content.contentHash) return undefined;
    const claimedAt = held.claimedAt ?? '';
    const inFlight =
      (holder === undefined || claimedAt > holder.updatedAt) &&
      Date.parse(claimedAt) > deps.now().getTime() - CLAIM_IN_FLIGHT_MS;
    if (inFlight) return undefined;
    await releaseStaleContent(deps.table, content, held);
    const { cooperationId } = content;
    deps.log.warn('released a content claim its holder no longer counts', { key: held.key, cooperationId });
  }
  return promoteDuplicate(deps, content);
};
