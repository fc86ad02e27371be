import { createHash } from 'node:crypto';
import type { Config } from '../config/schema';
import { measuresByDay } from '../datasets/definitions';
import type { Log } from '../logging';
import { notify, type NotifyDeps } from '../mail/notify';
import { claimContent, readContentClaim, releaseContent, type ClaimedContent } from '../storage/content-claims';
import { deleteDayAggregates, putDayAggregates, type DayAggregate } from '../storage/day-aggregates';
import {
  clearStaleGeneration,
  fileIdOf,
  getFileRecord,
  listFileRecords,
  normaliseSequencer,
  putFileRecordIfNewer,
  sequencerJustAbove,
  type FileRecord,
  type IngestionStatus,
} from '../storage/file-ledger';
import { openObject, putJsonObject, type BucketRef } from '../storage/objects';
import { markReportsStale } from '../storage/reports';
import type { TableRef } from '../storage/table';
import { DayResolver } from '../time/days';
import { periodOfDay } from '../time/periods';
import { analyseFile, MAX_KEPT_ERRORS, type FileAnalysis } from './analyse';
import { SourceReadError } from '../errors';
import { parseDropKey, rejectionReportKey, type DropKey } from './keys';
import type { RowError } from './rejection';
import { renderRejectionEmail } from './rejection-email';

/** An S3 object event, reduced to what the ingest needs (the key already URL-decoded). */
export interface ObjectEvent {
  readonly kind: 'created' | 'removed';
  readonly bucket: string;
  readonly key: string;
  readonly sequencer: string;
  readonly versionId?: string;
  readonly etag?: string;
}

export interface IngestDeps extends NotifyDeps {
  readonly config: Config;
  readonly table: TableRef;
  readonly bucket: BucketRef;
  readonly log: Log;
  readonly now: () => Date;
}

export interface IngestOutcome {
  readonly key: string;
  readonly status: IngestionStatus | 'unrouted' | 'stale' | 'unchanged';
  readonly rows: number;
  readonly rejectedRows: number;
  readonly errors: readonly RowError[];
  readonly cooperationId?: string;
}

/** Where key problems are recorded: a cooperation id can never be `-`, so this cannot collide. */
export const UNROUTED_COOPERATION = '-';

/** One routed event and what the ledger said of its key before it: the state every step shares. */
interface Ingestion {
  readonly deps: IngestDeps;
  readonly event: ObjectEvent;
  readonly drop: DropKey;
  readonly fileId: string;
  readonly sequencer: string;
  readonly previous: FileRecord | undefined;
  /** The fields every record of this event carries. */
  readonly base: Pick<
    FileRecord,
    'cooperationId' | 'key' | 'partnerId' | 'dataset' | 'sequencer' | 'versionId' | 'etag'
  >;
  /** What the previous version contributed, cleaned up once this event is committed. */
  readonly stale: Pick<FileRecord, 'staleGeneration' | 'staleDays'>;
}

const outcome = (
  key: string,
  status: IngestOutcome['status'],
  cooperationId: string,
  counts: Pick<IngestOutcome, 'rows' | 'rejectedRows' | 'errors'> = { rows: 0, rejectedRows: 0, errors: [] },
): IngestOutcome => ({
  key,
  status,
  rows: counts.rows,
  rejectedRows: counts.rejectedRows,
  errors: counts.errors,
  cooperationId,
});

const generationOf = (event: ObjectEvent) =>
  createHash('sha256')
    .update(`${event.versionId ?? ''}|${event.etag ?? ''}|${normaliseSequencer(event.sequencer)}`)
    .digest('hex')
    .slice(0, 12);

/**
 * Takes one S3 object event into the numbers exactly once: repeated events change nothing,
 * newer uploads replace older ones (by sequencer), deletions remove the file's contribution,
 * and a crash at any point is repaired by the retry. Returns the file's recorded outcome;
 * throws only for failures a retry can fix (storage, reading the object).
 *
 * The protocol, step by step: route the key; compare with the ledger; read and analyse the
 * version; claim its content; write its aggregates under a new generation; commit the file
 * record (one conditional write, in sequencer order); then the follow-ups (release the old
 * content claim and promote a duplicate of it, mark touched reports stale, remove the replaced
 * generation, report rejections).
 */
export const ingestObject = async (deps: IngestDeps, event: ObjectEvent): Promise<IngestOutcome> => {
  const route = parseDropKey(event.key, deps.config);
  if (!route.ok) return recordUnrouted(deps, event, route);
  const ingestion = await startIngestion(deps, event, route.drop);
  const { previous, sequencer, drop } = ingestion;
  const cooperationId = drop.cooperation.id;

  if (previous && previous.sequencer > sequencer) {
    deps.log.info('older event ignored: a newer one was already taken', { key: event.key, cooperationId });
    return outcome(event.key, 'stale', cooperationId, previous);
  }
  // A repeated event is a no-op, except for files with rejected rows: their error report and
  // email come after the commit, so a retry must redo them (all idempotent) or they could be lost.
  const redo = previous?.status === 'failed' || previous?.status === 'rejected' || previous?.status === 'partial';
  if (previous && previous.sequencer === sequencer && !redo) {
    await removeReplacedGeneration(ingestion, previous);
    // A removal retried after its claim release or the promotion after it failed: both are redone.
    if (previous.status === 'deleted' && previous.contentHash) {
      await releaseClaim(ingestion, previous.contentHash, 'retry');
    }
    deps.log.info('repeated event ignored', { key: event.key, cooperationId });
    return outcome(event.key, 'unchanged', cooperationId, previous);
  }
  if (event.kind === 'removed') return recordRemoval(ingestion);

  const analysis = await analyseVersion(ingestion);
  if (!analysis) {
    deps.log.info('object version is gone: a newer event will bring its replacement', {
      key: event.key,
      cooperationId,
    });
    return outcome(event.key, 'stale', cooperationId);
  }
  const written = await writeGeneration(ingestion, analysis);
  const record = await commitRecord(ingestion, analysis, written);
  if (!record) return outcome(event.key, 'stale', cooperationId);
  await followUps(ingestion, analysis, record, written.generation);
  return outcome(event.key, written.status, cooperationId, analysis);
};

/**
 * A key outside the layout: recorded as rejected with the reason (no dataset), and reported next
 * to it. A key under a known partner's prefix is also emailed to that partner, once per version.
 */
const recordUnrouted = async (
  deps: IngestDeps,
  event: ObjectEvent,
  route: Extract<ReturnType<typeof parseDropKey>, { ok: false }>,
): Promise<IngestOutcome> => {
  deps.log.warn('object key cannot be routed', { key: event.key, reason: route.reason });
  const cooperationId = route.cooperationId ?? UNROUTED_COOPERATION;
  const created = event.kind === 'created';
  // A removal is recorded too: else reconcile would find the record without its object every day.
  await putFileRecordIfNewer(deps.table, {
    cooperationId,
    key: event.key,
    partnerId: route.partner?.id ?? '-',
    status: created ? 'rejected' : 'deleted',
    sequencer: normaliseSequencer(event.sequencer),
    ...(event.versionId ? { versionId: event.versionId } : {}),
    ...(event.etag ? { etag: event.etag } : {}),
    rows: 0,
    rejectedRows: 0,
    errorCount: created ? 1 : 0,
    errors: created ? [{ reason: route.reason }] : [],
    days: [],
    updatedAt: deps.now().toISOString(),
  });
  if (created) {
    const reportKey = rejectionReportKey(event.key);
    await putJsonObject(deps.bucket, reportKey, { key: event.key, status: 'rejected', reason: route.reason });
    const cooperation = deps.config.cooperations.find((c) => c.id === route.cooperationId);
    if (cooperation && route.partner) {
      await notify(deps, {
        cooperation,
        kind: 'rejection',
        // The ETag names the version's bytes in the event and in reconcile's listing alike.
        ref: `${fileIdOf(event.key)}#${event.etag?.replace(/"/g, '') ?? normaliseSequencer(event.sequencer)}`,
        audience: { kind: 'partner', partnerId: route.partner.id },
        render: (locale) =>
          renderRejectionEmail(
            {
              key: event.key,
              status: 'rejected',
              rows: 0,
              rejectedRows: 0,
              reason: route.reason,
              errors: [],
              reportKey,
            },
            locale,
          ),
      });
    }
  }
  return { ...outcome(event.key, 'unrouted', cooperationId), errors: [{ reason: route.reason }] };
};

const startIngestion = async (deps: IngestDeps, event: ObjectEvent, drop: DropKey): Promise<Ingestion> => {
  const sequencer = normaliseSequencer(event.sequencer);
  const previous = await getFileRecord(deps.table, drop.cooperation.id, event.key);
  return {
    deps,
    event,
    drop,
    fileId: fileIdOf(event.key),
    sequencer,
    previous,
    base: {
      cooperationId: drop.cooperation.id,
      key: event.key,
      partnerId: drop.partner.id,
      dataset: drop.dataset,
      sequencer,
      versionId: event.versionId,
      etag: event.etag,
    },
    stale:
      previous?.generation && previous.days.length > 0
        ? { staleGeneration: previous.generation, staleDays: previous.days }
        : {},
  };
};

/** A deleted object: its record turns `deleted`, its claim and aggregates go. */
const recordRemoval = async (ingestion: Ingestion): Promise<IngestOutcome> => {
  const { deps, event, base, previous, stale } = ingestion;
  const committed = await putFileRecordIfNewer(deps.table, {
    ...base,
    status: 'deleted',
    // Kept so that a retry of this event can still release the claim (see the repeated-event path).
    contentHash: previous?.contentHash,
    rows: 0,
    rejectedRows: 0,
    errorCount: 0,
    errors: [],
    days: [],
    ...stale,
    updatedAt: deps.now().toISOString(),
  });
  if (committed && previous?.contentHash) await releaseClaim(ingestion, previous.contentHash);
  const record = committed ? await getFileRecord(deps.table, base.cooperationId, event.key) : undefined;
  if (record) {
    await markTouchedReportsStale(ingestion, previous?.days ?? []);
    await removeReplacedGeneration(ingestion, record);
  }
  deps.log.info('file removed', { key: event.key, cooperationId: base.cooperationId, committed });
  return outcome(event.key, 'deleted', base.cooperationId);
};

const claimOf = (base: Ingestion['base']) => ({
  cooperationId: base.cooperationId,
  dataset: base.dataset!,
  key: base.key,
});

/**
 * Releases this key's claim on a content (its object was replaced or deleted). When other keys
 * hold the same content, one of them takes over: the content stays counted once. A retried
 * removal promotes whenever nobody holds the content (the first attempt may have died after
 * releasing, before promoting).
 */
const releaseClaim = async ({ deps, base }: Ingestion, contentHash: string, attempt: 'first' | 'retry' = 'first') => {
  const content = { cooperationId: base.cooperationId, dataset: base.dataset!, contentHash };
  const { released, duplicates } = await releaseContent(deps.table, { ...content, key: base.key });
  // On a retry the claim may be gone already, its duplicates mark with it: promote if nobody holds it.
  const promote = released ? duplicates : attempt === 'retry' && !(await readContentClaim(deps.table, content));
  if (promote) await promoteDuplicate(deps, content);
};

/**
 * Reads and analyses the event's version of the object; undefined when that version is gone.
 * A failed read is recorded (so it is visible) and rethrown (so Lambda retries the event). The
 * version counted so far stays counted (generation, days and pending cleanup carried over)
 * until this one is read: a failed read never silently drops data from reports.
 */
const analyseVersion = async ({ deps, event, drop, base, previous }: Ingestion): Promise<FileAnalysis | undefined> => {
  const opened = await openObject(deps.bucket, event.key, { versionId: event.versionId, etag: event.etag });
  if (!opened.found) return undefined;
  try {
    return await analyseFile(opened.body, {
      dataset: drop.dataset,
      kind: drop.kind,
      context: { resolver: new DayResolver(drop.cooperation.timezone), currency: drop.cooperation.currency },
      maxUncompressedBytes: deps.config.ingest.maxUncompressedBytes,
      maxRejectedShare: deps.config.ingest.maxRejectedShare,
    });
  } catch (error) {
    if (error instanceof SourceReadError) {
      await putFileRecordIfNewer(deps.table, {
        ...base,
        status: 'failed',
        rows: 0,
        rejectedRows: 0,
        errorCount: 1,
        errors: [{ reason: 'reading the object failed half-way; the event will be retried' }],
        days: previous?.days ?? [],
        generation: previous?.generation,
        contentHash: previous?.contentHash,
        staleGeneration: previous?.staleGeneration,
        staleDays: previous?.staleDays,
        updatedAt: deps.now().toISOString(),
      });
      deps.log.error('reading the object failed', {
        key: event.key,
        cooperationId: base.cooperationId,
        error: error.details,
      });
    }
    throw error;
  }
};

interface WrittenGeneration {
  readonly generation: string;
  readonly status: IngestionStatus;
  readonly duplicateOf?: string;
  readonly aggregates: readonly DayAggregate[];
}

/** Claims the content (the same bytes under another name are a duplicate) and writes the new generation's aggregates. */
const writeGeneration = async (
  { deps, event, drop, fileId, base }: Ingestion,
  analysis: FileAnalysis,
): Promise<WrittenGeneration> => {
  const generation = generationOf(event);
  let status: IngestionStatus = analysis.status;
  let duplicateOf: string | undefined;
  if (status !== 'rejected') {
    const claim = { ...claimOf(base), contentHash: analysis.stats.contentHash };
    duplicateOf = await claimContent(deps.table, claim, deps.now().toISOString());
    if (duplicateOf !== undefined) status = 'duplicate';
  }
  const counted = status === 'accepted' || status === 'partial';
  const aggregates: DayAggregate[] = counted
    ? [...measuresByDay(drop.dataset, analysis.days)].map(([day, m]) => ({
        day,
        dataset: drop.dataset,
        partnerId: drop.partner.id,
        fileId,
        generation,
        m,
      }))
    : [];
  await putDayAggregates(deps.table, base.cooperationId, aggregates);
  return { generation, status, ...(duplicateOf !== undefined ? { duplicateOf } : {}), aggregates };
};

/**
 * Switches the file record to the new generation: the one conditional write that makes the
 * ingest count. Returns the committed record, or undefined when a newer version won meanwhile
 * (what this one wrote is then withdrawn).
 */
const commitRecord = async (ingestion: Ingestion, analysis: FileAnalysis, written: WrittenGeneration) => {
  const { deps, event, base, previous, stale } = ingestion;
  const counted = written.status === 'accepted' || written.status === 'partial';
  const record: FileRecord = {
    ...base,
    status: written.status,
    generation: counted ? written.generation : undefined,
    contentHash: analysis.stats.contentHash,
    rows: analysis.rows,
    rejectedRows: analysis.rejectedRows,
    errorCount: analysis.status === 'rejected' && analysis.rejectedRows === 0 ? 1 : analysis.rejectedRows,
    errors: analysis.errors.slice(0, 20),
    days: written.aggregates.map((a) => a.day).sort(),
    duplicateOf: written.duplicateOf,
    ...(previous?.generation !== written.generation ? stale : {}),
    updatedAt: deps.now().toISOString(),
  };
  if (await putFileRecordIfNewer(deps.table, record)) return record;
  await deleteDayAggregates(deps.table, base.cooperationId, written.aggregates);
  const winner = await getFileRecord(deps.table, base.cooperationId, event.key);
  if (winner?.contentHash !== analysis.stats.contentHash) await releaseClaim(ingestion, analysis.stats.contentHash);
  deps.log.info('a newer version was committed meanwhile; this one is withdrawn', {
    key: event.key,
    cooperationId: base.cooperationId,
  });
  return undefined;
};

/** What follows a commit; each step is idempotent, so a retried event can redo them. */
const followUps = async (ingestion: Ingestion, analysis: FileAnalysis, record: FileRecord, generation: string) => {
  const { deps, event, base, previous } = ingestion;
  if (previous?.contentHash && previous.contentHash !== analysis.stats.contentHash) {
    await releaseClaim(ingestion, previous.contentHash);
  }
  if (record.status === 'duplicate') await recheckHolder(ingestion, analysis.stats.contentHash);
  await markTouchedReportsStale(ingestion, [...record.days, ...(previous?.days ?? [])]);
  await removeReplacedGeneration(ingestion, record);
  deps.log.info('file ingested', {
    key: event.key,
    cooperationId: base.cooperationId,
    status: record.status,
    rows: analysis.rows,
    rejectedRows: analysis.rejectedRows,
    days: record.days.length,
  });
  if (analysis.status !== 'accepted') await reportRejection(ingestion, generation, analysis);
};

/** Reports of the periods a file's old or new days fall in no longer match their inputs. */
const markTouchedReportsStale = async ({ deps, drop }: Ingestion, days: readonly string[]) => {
  if (days.length === 0) return;
  const { schedule, timezone, id } = drop.cooperation;
  const labels = new Set<string>();
  let last = '';
  for (const day of [...days].sort()) {
    if (day <= last) continue;
    const period = periodOfDay(day, schedule, timezone);
    labels.add(period.label);
    last = period.endDay;
  }
  await markReportsStale(deps.table, id, labels);
};

/** Removes aggregates of a replaced generation; safe to repeat. */
const removeReplacedGeneration = async ({ deps, fileId }: Ingestion, record: FileRecord) => {
  if (!record.staleGeneration || record.staleGeneration === record.generation || !record.dataset) return;
  const { dataset, staleGeneration } = record;
  await deleteDayAggregates(
    deps.table,
    record.cooperationId,
    (record.staleDays ?? []).map((day) => ({ day, dataset, fileId, generation: staleGeneration })),
  );
  await clearStaleGeneration(deps.table, record.cooperationId, record.key, staleGeneration);
};

/**
 * After committing a duplicate: if the key it duplicates let the content go meanwhile (its
 * release may have looked for duplicates before this record existed), promote one now.
 */
const recheckHolder = async ({ deps, base }: Ingestion, contentHash: string) => {
  const content = { cooperationId: base.cooperationId, dataset: base.dataset!, contentHash };
  if (!(await readContentClaim(deps.table, content))) await promoteDuplicate(deps, content);
};

/**
 * The content's claim was released (its holder was deleted or replaced) while other keys hold
 * the same bytes as duplicates: re-ingests them, smallest key first, each with a sequencer just
 * above its record, until one holds the content (accepted or partial) or finds another key
 * holding it (duplicate). A duplicate whose object version is gone is skipped. Returns the
 * outcome of the last re-ingest, or undefined when there was no duplicate to promote.
 */
export const promoteDuplicate = async (
  deps: IngestDeps,
  content: ClaimedContent,
): Promise<IngestOutcome | undefined> => {
  const candidates = (await listFileRecords(deps.table, content.cooperationId))
    .filter((r) => r.status === 'duplicate' && r.dataset === content.dataset && r.contentHash === content.contentHash)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let last: IngestOutcome | undefined;
  for (const record of candidates) {
    last = await ingestObject(deps, {
      kind: 'created',
      bucket: deps.bucket.bucket,
      key: record.key,
      sequencer: sequencerJustAbove(record.sequencer),
      ...(record.versionId ? { versionId: record.versionId } : {}),
      ...(record.etag ? { etag: record.etag } : {}),
    });
    deps.log.info('duplicate re-ingested: the key holding its content let it go', {
      key: record.key,
      cooperationId: content.cooperationId,
      status: last.status,
    });
    if (last.status === 'accepted' || last.status === 'partial' || last.status === 'duplicate') return last;
  }
  return last;
};

/** Writes the error report next to the file and tells the partner that dropped it, once per version. */
const reportRejection = async ({ deps, drop, fileId }: Ingestion, generation: string, analysis: FileAnalysis) => {
  const reportKey = rejectionReportKey(drop.key);
  await putJsonObject(deps.bucket, reportKey, {
    key: drop.key,
    cooperationId: drop.cooperation.id,
    partnerId: drop.partner.id,
    dataset: drop.dataset,
    status: analysis.status,
    reason: analysis.reason,
    rows: analysis.rows,
    acceptedRows: analysis.acceptedRows,
    rejectedRows: analysis.rejectedRows,
    errorsShown: Math.min(analysis.errors.length, MAX_KEPT_ERRORS),
    errors: analysis.errors,
  });
  await notify(deps, {
    cooperation: drop.cooperation,
    kind: 'rejection',
    ref: `${fileId}#${generation}`,
    audience: { kind: 'partner', partnerId: drop.partner.id },
    render: (locale) =>
      renderRejectionEmail(
        {
          key: drop.key,
          status: analysis.status,
          rows: analysis.rows,
          rejectedRows: analysis.rejectedRows,
          reason: analysis.reason,
          errors: analysis.errors,
          reportKey,
        },
        locale,
      ),
  });
};
