import { createHash } from 'node:crypto';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Config } from '../config/schema';
import { namedMeasures } from '../datasets/definitions';
import type { Log } from '../logging';
import { deliverOnce } from '../mail/deliver';
import { openObject, putJsonObject, type BucketRef } from '../storage/objects';
import {
  claimContent,
  clearStaleGeneration,
  deleteDayAggregates,
  fileIdOf,
  getFileRecord,
  normaliseSequencer,
  putDayAggregates,
  putFileRecordIfNewer,
  releaseContent,
  type DayAggregate,
  type FileRecord,
  type IngestionStatus,
  type TableRef,
} from '../storage/table';
import { markReportsStale } from '../report/store';
import { DayResolver } from '../time/days';
import { periodOfDay } from '../time/periods';
import { analyseFile, MAX_KEPT_ERRORS, type FileAnalysis } from './analyse';
import { SourceReadError } from './decode';
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

export interface IngestDeps {
  readonly config: Config;
  readonly table: TableRef;
  readonly bucket: BucketRef;
  readonly ses: SESv2Client;
  readonly log: Log;
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

const generationOf = (event: ObjectEvent) =>
  createHash('sha256')
    .update(`${event.versionId ?? ''}|${event.etag ?? ''}|${normaliseSequencer(event.sequencer)}`)
    .digest('hex')
    .slice(0, 12);

const toAggregates = (drop: DropKey, fileId: string, generation: string, analysis: FileAnalysis): DayAggregate[] => {
  return [...analysis.days.entries()].map(([day, values]) => ({
    day,
    dataset: drop.dataset,
    partnerId: drop.partner.id,
    fileId,
    generation,
    m: namedMeasures(drop.dataset, values),
  }));
};

/**
 * Takes one S3 object event into the numbers exactly once: repeated events change nothing,
 * newer uploads replace older ones (by sequencer), deletions remove the file's contribution,
 * and a crash at any point is repaired by the retry. Returns the file's recorded outcome;
 * throws only for failures a retry can fix (storage, reading the object).
 */
export const ingestObject = async (deps: IngestDeps, event: ObjectEvent): Promise<IngestOutcome> => {
  const log = deps.log;
  const route = parseDropKey(event.key, deps.config);
  const sequencer = normaliseSequencer(event.sequencer);
  if (!route.ok) {
    log.warn('object key cannot be routed', { key: event.key, reason: route.reason });
    const cooperationId = route.cooperationId ?? UNROUTED_COOPERATION;
    if (event.kind === 'created') {
      await putFileRecordIfNewer(deps.table, {
        cooperationId,
        key: event.key,
        partnerId: route.partner?.id ?? '-',
        dataset: 'enrollments',
        status: 'rejected',
        sequencer,
        rows: 0,
        rejectedRows: 0,
        errorCount: 1,
        errors: [{ reason: route.reason }],
        days: [],
        updatedAt: new Date().toISOString(),
      } as FileRecord);
      await putJsonObject(deps.bucket, rejectionReportKey(event.key), { key: event.key, status: 'rejected', reason: route.reason });
    }
    return { key: event.key, status: 'unrouted', rows: 0, rejectedRows: 0, errors: [{ reason: route.reason }], cooperationId };
  }

  const drop = route.drop;
  const cooperationId = drop.cooperation.id;
  const fileId = fileIdOf(event.key);
  const previous = await getFileRecord(deps.table, cooperationId, event.key);
  const outcomeOf = (r: FileRecord, status: IngestOutcome['status'] = r.status): IngestOutcome => ({
    key: r.key,
    status,
    rows: r.rows,
    rejectedRows: r.rejectedRows,
    errors: r.errors,
    cooperationId,
  });

  if (previous && previous.sequencer > sequencer) {
    log.info('older event ignored: a newer one was already taken', { key: event.key, cooperationId });
    return outcomeOf(previous, 'stale');
  }
  // A repeated event is a no-op, except for files with rejected rows: their error report and
  // email come after the commit, so a retry must redo them (all idempotent) or they could be lost.
  const redo = previous?.status === 'failed' || previous?.status === 'rejected' || previous?.status === 'partial';
  if (previous && previous.sequencer === sequencer && !redo) {
    await cleanupStale(deps, cooperationId, fileId, previous);
    log.info('repeated event ignored', { key: event.key, cooperationId });
    return outcomeOf(previous, 'unchanged');
  }

  const base = {
    cooperationId,
    key: event.key,
    partnerId: drop.partner.id,
    dataset: drop.dataset,
    sequencer,
    versionId: event.versionId,
    etag: event.etag,
  };
  // What the previous version contributed is cleaned up once this event is committed.
  const stale =
    previous?.generation && previous.days.length > 0
      ? { staleGeneration: previous.generation, staleDays: previous.days }
      : {};

  if (event.kind === 'removed') {
    const committed = await putFileRecordIfNewer(deps.table, {
      ...base,
      status: 'deleted',
      rows: 0,
      rejectedRows: 0,
      errorCount: 0,
      errors: [],
      days: [],
      ...stale,
      updatedAt: new Date().toISOString(),
    });
    if (committed && previous?.contentHash) {
      await releaseContent(deps.table, { ...base, contentHash: previous.contentHash });
    }
    const record = committed ? await getFileRecord(deps.table, cooperationId, event.key) : undefined;
    if (record) {
      await markTouchedReportsStale(deps, drop, previous?.days ?? []);
      await cleanupStale(deps, cooperationId, fileId, record);
    }
    log.info('file removed', { key: event.key, cooperationId, committed });
    return { key: event.key, status: 'deleted', rows: 0, rejectedRows: 0, errors: [], cooperationId };
  }

  const opened = await openObject(deps.bucket, event.key, { versionId: event.versionId, etag: event.etag });
  if (!opened.found) {
    log.info('object version is gone: a newer event will bring its replacement', { key: event.key, cooperationId });
    return { key: event.key, status: 'stale', rows: 0, rejectedRows: 0, errors: [], cooperationId };
  }

  let analysis: FileAnalysis;
  try {
    analysis = await analyseFile(opened.body, {
      dataset: drop.dataset,
      kind: drop.kind,
      context: { resolver: new DayResolver(drop.cooperation.timezone), currency: drop.cooperation.currency },
      maxUncompressedBytes: deps.config.ingest.maxUncompressedBytes,
      maxRejectedShare: deps.config.ingest.maxRejectedShare,
    });
  } catch (error) {
    if (error instanceof SourceReadError) {
      // Recorded so the failure is visible, then rethrown so Lambda retries the event.
      // The version counted so far stays counted (generation, days and pending cleanup carried
      // over) until this one is read: a failed read never silently drops data from reports.
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
        updatedAt: new Date().toISOString(),
      });
      log.error('reading the object failed', { key: event.key, cooperationId, error: error.details });
    }
    throw error;
  }

  const generation = generationOf(event);
  let status: IngestionStatus = analysis.status;
  let duplicateOf: string | undefined;
  if (status !== 'rejected') {
    duplicateOf = await claimContent(deps.table, { ...base, contentHash: analysis.stats.contentHash });
    if (duplicateOf !== undefined) status = 'duplicate';
  }
  const counted = status === 'accepted' || status === 'partial';
  const aggregates = counted ? toAggregates(drop, fileId, generation, analysis) : [];
  await putDayAggregates(deps.table, cooperationId, aggregates);

  const errorCount = analysis.status === 'rejected' && analysis.rejectedRows === 0 ? 1 : analysis.rejectedRows;
  const record: FileRecord = {
    ...base,
    status,
    generation: counted ? generation : undefined,
    contentHash: analysis.stats.contentHash,
    rows: analysis.rows,
    rejectedRows: analysis.rejectedRows,
    errorCount,
    errors: analysis.errors.slice(0, 20),
    days: aggregates.map((a) => a.day).sort(),
    duplicateOf,
    ...(previous?.generation !== generation ? stale : {}),
    updatedAt: new Date().toISOString(),
  };
  const committed = await putFileRecordIfNewer(deps.table, record);
  if (!committed) {
    // A newer version of the object won meanwhile: withdraw what this one wrote.
    await deleteDayAggregates(deps.table, cooperationId, aggregates);
    const winner = await getFileRecord(deps.table, cooperationId, event.key);
    if (winner?.contentHash !== analysis.stats.contentHash) {
      await releaseContent(deps.table, { ...base, contentHash: analysis.stats.contentHash });
    }
    log.info('a newer version was committed meanwhile; this one is withdrawn', { key: event.key, cooperationId });
    return { key: event.key, status: 'stale', rows: 0, rejectedRows: 0, errors: [], cooperationId };
  }
  if (previous?.contentHash && previous.contentHash !== analysis.stats.contentHash) {
    await releaseContent(deps.table, { ...base, contentHash: previous.contentHash });
  }
  await markTouchedReportsStale(deps, drop, [...record.days, ...(previous?.days ?? [])]);
  await cleanupStale(deps, cooperationId, fileId, record);

  log.info('file ingested', {
    key: event.key,
    cooperationId,
    status,
    rows: analysis.rows,
    rejectedRows: analysis.rejectedRows,
    days: aggregates.length,
  });

  if (analysis.status !== 'accepted') {
    await reportRejection(deps, drop, generation, analysis);
  }
  return { key: event.key, status, rows: analysis.rows, rejectedRows: analysis.rejectedRows, errors: analysis.errors, cooperationId };
};

/** Reports of the periods a file's old or new days fall in no longer match their inputs. */
const markTouchedReportsStale = async (deps: IngestDeps, drop: DropKey, days: readonly string[]) => {
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
const cleanupStale = async (deps: IngestDeps, cooperationId: string, fileId: string, record: FileRecord) => {
  if (!record.staleGeneration || record.staleGeneration === record.generation) return;
  await deleteDayAggregates(
    deps.table,
    cooperationId,
    (record.staleDays ?? []).map((day) => ({ day, dataset: record.dataset, fileId, generation: record.staleGeneration! })),
  );
  await clearStaleGeneration(deps.table, cooperationId, record.key, record.staleGeneration);
};

/** Writes the error report next to the file and tells the partner that dropped it, once per version. */
const reportRejection = async (deps: IngestDeps, drop: DropKey, generation: string, analysis: FileAnalysis) => {
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
  const owner = deps.config.partners.find((p) => p.id === drop.cooperation.owner);
  if (!owner?.sender) return;
  const email = renderRejectionEmail({
    key: drop.key,
    status: analysis.status,
    rows: analysis.rows,
    rejectedRows: analysis.rejectedRows,
    reason: analysis.reason,
    errors: analysis.errors,
    reportKey,
  });
  for (const to of drop.partner.contacts) {
    await deliverOnce(
      { table: deps.table, ses: deps.ses },
      { cooperationId: drop.cooperation.id, kind: 'rejection', ref: `${fileIdOf(drop.key)}#${generation}`, message: { from: owner.sender, to, ...email } },
    );
  }
};
