import { createHash } from 'node:crypto';
import * as z from 'zod';
import { DATASET_NAMES, type DatasetName } from '../datasets/names';
import type { RowError } from '../ingest/rejection';
import { coopPk, getItem, parseItem, queryAll, writeIfCondition, withoutKeys, type TableRef } from './table';

const KIND = 'file record';
const fileSk = (key: string) => `FILE#${key}`;

/** A short stable id of an object key (keys can be long; aggregates repeat it). */
export const fileIdOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** S3 sequencers differ in length; AWS says to right-pad the shorter with zeros, then compare as text. */
export const normaliseSequencer = (sequencer: string) => sequencer.toUpperCase().padEnd(40, '0');

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

const toFileRecord = (item: Record<string, unknown>): FileRecord => parseItem(fileRecordSchema, KIND, withoutKeys(item));

export const getFileRecord = async (t: TableRef, cooperationId: string, key: string): Promise<FileRecord | undefined> => {
  const item = await getItem(t, KIND, { pk: coopPk(cooperationId), sk: fileSk(key) });
  return item ? toFileRecord(item) : undefined;
};

export const listFileRecords = async (t: TableRef, cooperationId: string): Promise<FileRecord[]> =>
  (await queryAll(t, KIND, coopPk(cooperationId), { prefix: 'FILE#' })).map(toFileRecord);

/**
 * Writes a file record if no newer event for the key has been recorded (sequencer order).
 * Returns false when a newer (or the same-sequencer, different-generation) record already won.
 */
export const putFileRecordIfNewer = (t: TableRef, record: FileRecord): Promise<boolean> =>
  writeIfCondition(
    t,
    KIND,
    ({ PutCommand }) => new PutCommand({
      TableName: t.tableName,
      Item: { pk: coopPk(record.cooperationId), sk: fileSk(record.key), ...record },
      ConditionExpression: 'attribute_not_exists(pk) OR sequencer < :seq OR (sequencer = :seq AND #status <> :deleted)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':seq': record.sequencer, ':deleted': 'deleted' },
    }),
  );

/** Clears the cleanup marker once the stale generation's aggregates are gone. */
export const clearStaleGeneration = async (t: TableRef, cooperationId: string, key: string, generation: string) => {
  await writeIfCondition(
    t,
    KIND,
    ({ UpdateCommand }) => new UpdateCommand({
      TableName: t.tableName,
      Key: { pk: coopPk(cooperationId), sk: fileSk(key) },
      UpdateExpression: 'REMOVE staleGeneration, staleDays',
      ConditionExpression: 'staleGeneration = :g',
      ExpressionAttributeValues: { ':g': generation },
    }),
  );
};
