import { listObjects } from '../storage/objects';
import { listFileRecords, type FileRecord } from '../storage/file-ledger';
import { ingestObject, UNROUTED_COOPERATION, type IngestDeps, type ObjectEvent } from './ingest-object';
import { INBOX_PREFIX } from './keys';

export interface ReconcileOutcome {
  readonly key: string;
  readonly action: 'ingested_missing' | 'ingested_stale' | 'removed_missing';
  readonly status: string;
}

/**
 * A sequencer just above a recorded one: reconcile's repair must win over the record it
 * repairs, and must still lose to any real S3 event that comes later (real sequencers of later
 * writes differ in their leading digits, which stay far above this last-digit step).
 */
const justAbove = (sequencer: string | undefined) => {
  if (!sequencer) return '0';
  const digits = sequencer.split('');
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    const v = Number.parseInt(digits[i]!, 16);
    if (v < 15) {
      digits[i] = (v + 1).toString(16).toUpperCase();
      return digits.join('');
    }
    digits[i] = '0';
  }
  return `1${digits.join('')}`;
};

/**
 * Lambda's async queue can drop S3 events under a backlog. Reconcile lists `inbox/`, compares it
 * with the ingestion records, and ingests what is missing or stale (ETag differs) and removes
 * what was deleted without an event. Runs daily in AWS and at the end of `crosslift run`.
 */
export const reconcile = async (deps: IngestDeps): Promise<ReconcileOutcome[]> => {
  // Records first, then objects: a file uploaded and ingested between the two listings is then
  // seen as present, never mistaken for one deleted without an event.
  const records = new Map<string, FileRecord>();
  for (const id of [...deps.config.cooperations.map((c) => c.id), UNROUTED_COOPERATION]) {
    for (const record of await listFileRecords(deps.table, id)) records.set(record.key, record);
  }
  const objects = await listObjects(deps.bucket, INBOX_PREFIX);
  const outcomes: ReconcileOutcome[] = [];
  const present = new Set<string>();
  for (const object of objects) {
    present.add(object.key);
    const record = records.get(object.key);
    const stale = record !== undefined && (record.status === 'deleted' || record.status === 'failed' || (record.etag !== undefined && record.etag !== object.etag));
    if (record && !stale) continue;
    const event: ObjectEvent = {
      kind: 'created',
      bucket: deps.bucket.bucket,
      key: object.key,
      sequencer: justAbove(record?.sequencer),
      ...(object.etag ? { etag: object.etag } : {}),
    };
    const outcome = await ingestObject(deps, event);
    outcomes.push({ key: object.key, action: record ? 'ingested_stale' : 'ingested_missing', status: outcome.status });
  }
  for (const record of records.values()) {
    if (present.has(record.key) || record.status === 'deleted' || record.cooperationId === UNROUTED_COOPERATION) continue;
    const outcome = await ingestObject(deps, {
      kind: 'removed',
      bucket: deps.bucket.bucket,
      key: record.key,
      sequencer: justAbove(record.sequencer),
    });
    outcomes.push({ key: record.key, action: 'removed_missing', status: outcome.status });
  }
  deps.log.info('reconcile finished', { repaired: outcomes.length, objects: objects.length });
  return outcomes;
};
