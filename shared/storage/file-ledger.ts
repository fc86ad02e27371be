import { createHash } from 'node:crypto';
import * as z from 'zod';
import { DATASET_NAMES, type DatasetName } from '../datasets/names';
import type { RowError } from '../ingest/rejection';
import {
  batchGet,
  indexDatasets,
  indexEntriesBefore,
  indexEntriesIn,
  indexFileDays,
  markIndexComplete,
  readIndexState,
} from './file-index';
import { fitKey } from './fit-key';
import { coopPk, getItem, parseItem, queryAll, writeIfCondition, withoutKeys, type TableRef } from './table';

const KIND = 'file record';
/**
 * `FILE#<key>`. A key too long for DynamoDB's 1,024-byte sort keys (only keys routing refuses:
 * see MAX_DROP_KEY_BYTES) is stored under a shortened, hashed form; `key` keeps it whole.
 */
const fileSk = (key: string) => fitKey(`FILE#${key}`);

/** A short stable id of an object key (keys can be long; aggregates repeat it). */
export const fileIdOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** S3 sequencers differ in length; AWS says to right-pad the shorter with zeros, then compare as text. */
export const normaliseSequencer = (sequencer: string) => sequencer.toUpperCase().padEnd(40, '0');

/**
 * A sequencer just above a recorded one: a repair (reconcile, a promoted duplicate) must win over
 * the record it repairs, and must still lose to any real S3 event that comes later (real
 * sequencers of later writes differ in their leading digits, far above this last-digit step).
 */
export const sequencerJustAbove = (sequencer: string | undefined) => {
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

export const INGESTION_STATUSES = ['accepted', 'partial', 'rejected', 'duplicate', 'deleted', 'failed'] as const;
export type IngestionStatus = (typeof INGESTION_STATUSES)[number];

const rowErrorSchema: z.ZodType<RowError> = z.object({
  line: z.number().optional(),
  record: z.number().optional(),
  column: z.string().optional(),
  reason: z.string(),
});

const fileRecordSchema = z.object({
  cooperationId: z.string(),
  key: z.string(),
  partnerId: z.string(),
  /** Absent only for a key that could not be routed to a dataset (always `rejected`). */
  dataset: z.enum(DATASET_NAMES).optional(),
  status: z.enum(INGESTION_STATUSES),
  sequencer: z.string(),
  versionId: z.string().optional(),
  etag: z.string().optional(),
  generation: z.string().optional(),
  contentHash: z.string().optional(),
  rows: z.number(),
  rejectedRows: z.number(),
  errorCount: z.number(),
  errors: z.array(rowErrorSchema),
  days: z.array(z.string()),
  duplicateOf: z.string().optional(),
  /** A previous generation whose aggregates still have to be removed (cleanup after a crash). */
  staleGeneration: z.string().optional(),
  staleDays: z.array(z.string()).optional(),
  updatedAt: z.string(),
});

/** What the ledger says of one object key: its outcome and the generation counted for it. */
export type FileRecord = z.infer<typeof fileRecordSchema>;

/** A record whose aggregates reports count. */
export type CountedFileRecord = FileRecord & { readonly dataset: DatasetName; readonly generation: string };

/**
 * Whether reports count a record's generation. A `failed` record keeps the previously counted
 * generation until its retry succeeds, so a failed re-read never drops data from reports.
 */
export const isCounted = (record: FileRecord): record is CountedFileRecord =>
  (record.status === 'accepted' || record.status === 'partial' || record.status === 'failed') &&
  record.generation !== undefined &&
  record.dataset !== undefined;

const toFileRecord = (item: Record<string, unknown>): FileRecord =>
  parseItem(fileRecordSchema, KIND, withoutKeys(item));

export const getFileRecord = async (
  t: TableRef,
  cooperationId: string,
  key: string,
): Promise<FileRecord | undefined> => {
  const item = await getItem(t, KIND, { pk: coopPk(cooperationId), sk: fileSk(key) });
  return item ? toFileRecord(item) : undefined;
};

export const listFileRecords = async (t: TableRef, cooperationId: string): Promise<FileRecord[]> =>
  (await queryAll(t, KIND, coopPk(cooperationId), { prefix: 'FILE#' })).map(toFileRecord);

/**
 * Writes a file record if no newer event for the key has been recorded (sequencer order).
 * Returns false when a newer (or the same-sequencer, different-generation) record already won.
 */
export const putFileRecordIfNewer = async (t: TableRef, record: FileRecord): Promise<boolean> => {
  // The index first: a record's days are always in the index before the record names them
  // (file-index.ts), so a report that reads only its period's files never misses one.
  if (record.dataset !== undefined && record.days.length > 0) {
    await indexFileDays(t, record.cooperationId, record.dataset, record.key, record.days);
  }
  return writeIfCondition(
    t,
    KIND,
    ({ PutCommand }) =>
      new PutCommand({
        TableName: t.tableName,
        Item: { pk: coopPk(record.cooperationId), sk: fileSk(record.key), ...record },
        ConditionExpression:
          'attribute_not_exists(pk) OR sequencer < :seq OR (sequencer = :seq AND #status <> :deleted)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':seq': record.sequencer, ':deleted': 'deleted' },
      }),
  );
};

/** Clears the cleanup marker once the stale generation's aggregates are gone. */
export const clearStaleGeneration = async (t: TableRef, cooperationId: string, key: string, generation: string) => {
  await writeIfCondition(
    t,
    KIND,
    ({ UpdateCommand }) =>
      new UpdateCommand({
        TableName: t.tableName,
        Key: { pk: coopPk(cooperationId), sk: fileSk(key) },
        UpdateExpression: 'REMOVE staleGeneration, staleDays',
        ConditionExpression: 'staleGeneration = :g',
        ExpressionAttributeValues: { ':g': generation },
      }),
  );
};

/** The records of these keys (those that exist), read consistently in batches. */
export const getFileRecords = async (
  t: TableRef,
  cooperationId: string,
  keys: Iterable<string>,
): Promise<FileRecord[]> =>
  (
    await batchGet(
      t,
      KIND,
      [...new Set(keys)].map((key) => ({ pk: coopPk(cooperationId), sk: fileSk(key) })),
    )
  ).map(toFileRecord);

/** Whether a record says its dataset had data before a day, as the alerts read it (counted, not a failed re-read). */
const showsDataBefore = (record: FileRecord, day: string) =>
  isCounted(record) && record.status !== 'failed' && record.days.some((d) => d < day);

/** A span of days, both ends included. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/**
 * The file records a report over some spans of days needs (its period and its comparison
 * window), read through the file index (file-index.ts) instead of listing every record of the
 * cooperation: every record with a day in a span (the counted generations of the aggregates
 * summed, the period's manifest), and, for each dataset without such a record showing data
 * before `startDay`, one record that does if any exists (the alerts' "the dataset had data
 * before"). For those uses the answer is the same as the list of all records
 * (test/shared/storage/file-index.test.ts); what it costs grows with the files of the spans'
 * months, not with every file ever delivered.
 *
 * The first call for a cooperation whose records predate the index indexes them all, marks the
 * index complete, and answers from the full list that once.
 */
export const periodFileRecords = async (
  t: TableRef,
  cooperationId: string,
  query: { readonly ranges: readonly DayRange[]; readonly startDay: string },
  now: () => Date = () => new Date(),
): Promise<FileRecord[]> => {
  const state = await readIndexState(t, cooperationId);
  if (!state.complete) {
    const all = await listFileRecords(t, cooperationId);
    const indexed = all.filter((r) => r.dataset !== undefined && r.days.length > 0);
    await indexDatasets(t, cooperationId, [...new Set(indexed.map((r) => r.dataset!))]);
    for (let i = 0; i < indexed.length; i += 16) {
      await Promise.all(
        indexed
          .slice(i, i + 16)
          .map((r) => indexFileDays(t, cooperationId, r.dataset!, r.key, r.days, { datasetIndexed: true })),
      );
    }
    await markIndexComplete(t, cooperationId, now());
    return all;
  }
  // Only the datasets the cooperation ever had can have records (their index entries say so).
  const datasets = DATASET_NAMES.filter((d) => state.datasets.has(d));
  const inRange = (day: string) => query.ranges.some((r) => day >= r.from && day <= r.to);
  const perDataset = await Promise.all(
    datasets.map(async (dataset) =>
      (await Promise.all(query.ranges.map((r) => indexEntriesIn(t, cooperationId, dataset, r.from, r.to)))).flat(),
    ),
  );
  const records = new Map<string, FileRecord>();
  const wanted = perDataset
    .flat()
    .filter((e) => [...e.days].some(inRange))
    .map((e) => e.key);
  for (const record of await getFileRecords(t, cooperationId, wanted)) {
    if (record.days.some(inRange)) records.set(record.key, record);
  }
  // Whether each dataset had data before the start: from the records read, else look back.
  const before = new Set<DatasetName>();
  for (const record of records.values()) if (showsDataBefore(record, query.startDay)) before.add(record.dataset!);
  for (const [i, dataset] of datasets.entries()) {
    if (before.has(dataset)) continue;
    const checked = new Set(records.keys());
    const witness = async (candidates: readonly { key: string; days: ReadonlySet<string> }[]) => {
      const keys = candidates
        .filter((e) => !checked.has(e.key) && [...e.days].some((d) => d < query.startDay))
        .map((e) => e.key);
      for (const key of keys) checked.add(key);
      return (await getFileRecords(t, cooperationId, keys)).find(
        (r) => r.dataset === dataset && showsDataBefore(r, query.startDay),
      );
    };
    let found = await witness(perDataset[i]!);
    if (!found) {
      for await (const page of indexEntriesBefore(t, cooperationId, dataset, query.startDay)) {
        found = await witness(page);
        if (found) break;
      }
    }
    if (found) records.set(found.key, found);
  }
  return [...records.values()];
};

/**
 * The records of one dataset's files with a day in a range, through the file index (call after
 * periodFileRecords, which completes the index of a cooperation whose records predate it).
 */
export const datasetFileRecords = async (
  t: TableRef,
  cooperationId: string,
  dataset: DatasetName,
  range: DayRange,
): Promise<FileRecord[]> => {
  const inRange = (day: string) => day >= range.from && day <= range.to;
  const entries = await indexEntriesIn(t, cooperationId, dataset, range.from, range.to);
  const keys = entries.filter((e) => [...e.days].some(inRange)).map((e) => e.key);
  return (await getFileRecords(t, cooperationId, keys)).filter((r) => r.dataset === dataset && r.days.some(inRange));
};
