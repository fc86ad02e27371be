import { createHash } from 'node:crypto';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { DatasetName } from '../datasets/names';
import { StorageError } from '../errors';
import type { FileStatus } from '../ingest/analyse';
import type { RowError } from '../ingest/rejection';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffOptions } from './retry';

/**
 * The single DynamoDB table (pk, sk). Item kinds:
 * - file record      pk COOP#<c>        sk FILE#<s3 key>            one per object key: its active generation
 * - day aggregate    pk COOP#<c>#DAY    sk <day>#<dataset>#<fileId>#<generation>
 * - content claim    pk COOP#<c>        sk HASH#<partner>#<dataset>#<sha256>
 * - report           pk COOP#<c>        sk REPORT#<label>
 * - send record      pk COOP#<c>        sk SENT#<kind>#<ref>#<recipient hash>
 * dynalite has no transactions, so exactly-once rests on versioned items plus one conditional
 * write: aggregates are written under a new generation first, then the file record is switched
 * to it. Readers only count aggregates of a file's active generation, so a crash at any point
 * leaves the totals as they were before the ingest, and a retry completes it.
 */
export interface TableRef {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly backoff?: BackoffOptions;
}

export const coopPk = (cooperationId: string) => `COOP#${cooperationId}`;

/**
 * Sends a conditional write. Returns false when its condition did not hold: with single-item
 * conditional writes standing in for transactions, that is the expected outcome of a lost race.
 */
export const writeIfCondition = async (t: TableRef, command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> => {
  try {
    await t.db.send(command as never);
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
};
export const dayPk = (cooperationId: string) => `COOP#${cooperationId}#DAY`;

/** A short stable id of an object key (keys can be long; aggregates repeat it). */
export const fileIdOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** S3 sequencers differ in length; AWS says to right-pad the shorter with zeros, then compare as text. */
export const normaliseSequencer = (sequencer: string) => sequencer.toUpperCase().padEnd(40, '0');

export type IngestionStatus = FileStatus | 'duplicate' | 'deleted' | 'failed';

export interface FileRecord {
  readonly cooperationId: string;
  readonly key: string;
  readonly partnerId: string;
  readonly dataset: DatasetName;
  readonly status: IngestionStatus;
  readonly sequencer: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly generation?: string;
  readonly contentHash?: string;
  readonly rows: number;
  readonly rejectedRows: number;
  readonly errorCount: number;
  readonly errors: readonly RowError[];
  readonly days: readonly string[];
  readonly duplicateOf?: string;
  /** A previous generation whose aggregates still have to be removed (cleanup after a crash). */
  readonly staleGeneration?: string;
  readonly staleDays?: readonly string[];
  readonly updatedAt: string;
}

export interface DayAggregate {
  readonly day: string;
  readonly dataset: DatasetName;
  readonly partnerId: string;
  readonly fileId: string;
  readonly generation: string;
  /** Measures by name (see the dataset's definition). */
  readonly m: Record<string, number>;
}

export const getFileRecord = async (t: TableRef, cooperationId: string, key: string): Promise<FileRecord | undefined> => {
  const out = await t.db.send(
    new GetCommand({ TableName: t.tableName, Key: { pk: coopPk(cooperationId), sk: `FILE#${key}` }, ConsistentRead: true }),
  );
  return out.Item ? toFileRecord(out.Item) : undefined;
};

const toFileRecord = (item: Record<string, unknown>): FileRecord => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as FileRecord;
};

export const listFileRecords = async (t: TableRef, cooperationId: string): Promise<FileRecord[]> => {
  const items = await queryAll(t, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': coopPk(cooperationId), ':prefix': 'FILE#' },
  });
  return items.map(toFileRecord);
};

/**
 * Writes a file record if no newer event for the key has been recorded (sequencer order).
 * Returns false when a newer (or the same-sequencer, different-generation) record already won.
 */
export const putFileRecordIfNewer = async (t: TableRef, record: FileRecord): Promise<boolean> => {
  try {
    await t.db.send(
      new PutCommand({
        TableName: t.tableName,
        Item: { pk: coopPk(record.cooperationId), sk: `FILE#${record.key}`, ...record },
        ConditionExpression: 'attribute_not_exists(pk) OR sequencer < :seq OR (sequencer = :seq AND #status <> :deleted)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':seq': record.sequencer, ':deleted': 'deleted' },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw new StorageError('writing the file record failed', { key: record.key }, { cause: error });
  }
};

/** Clears the cleanup marker once the stale generation's aggregates are gone. */
export const clearStaleGeneration = async (t: TableRef, cooperationId: string, key: string, generation: string) => {
  await writeIfCondition(
    t,
    new UpdateCommand({
      TableName: t.tableName,
      Key: { pk: coopPk(cooperationId), sk: `FILE#${key}` },
      UpdateExpression: 'REMOVE staleGeneration, staleDays',
      ConditionExpression: 'staleGeneration = :g',
      ExpressionAttributeValues: { ':g': generation },
    }),
  );
};

const aggregateSk = (a: Pick<DayAggregate, 'day' | 'dataset' | 'fileId' | 'generation'>) =>
  `${a.day}#${a.dataset}#${a.fileId}#${a.generation}`;

/** BatchWriteItem in chunks of 25, retrying unprocessed items with backoff until none are left. */
const batchWrite = async (t: TableRef, requests: Record<string, unknown>[]) => {
  const backoff = t.backoff ?? DEFAULT_BACKOFF;
  const wait = backoff.sleep ?? sleep;
  for (let i = 0; i < requests.length; i += 25) {
    let pending: Record<string, unknown>[] = requests.slice(i, i + 25);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= backoff.attempts) {
        throw new StorageError('batch write left unprocessed items after retries', { unprocessed: pending.length });
      }
      if (attempt > 0) await wait(backoffDelay(attempt, backoff));
      const out = await t.db.send(new BatchWriteCommand({ RequestItems: { [t.tableName]: pending as never } }));
      pending = (out.UnprocessedItems?.[t.tableName] ?? []) as Record<string, unknown>[];
    }
  }
};

export const putDayAggregates = async (t: TableRef, cooperationId: string, aggregates: readonly DayAggregate[]) =>
  batchWrite(
    t,
    aggregates.map((a) => ({ PutRequest: { Item: { pk: dayPk(cooperationId), sk: aggregateSk(a), ...a } } })),
  );

export const deleteDayAggregates = async (
  t: TableRef,
  cooperationId: string,
  keys: readonly Pick<DayAggregate, 'day' | 'dataset' | 'fileId' | 'generation'>[],
) => batchWrite(t, keys.map((k) => ({ DeleteRequest: { Key: { pk: dayPk(cooperationId), sk: aggregateSk(k) } } })));

/** All day aggregates of a cooperation from one day to another (inclusive): one paginated query. */
export const queryDayAggregates = async (
  t: TableRef,
  cooperationId: string,
  fromDay: string,
  toDay: string,
): Promise<DayAggregate[]> => {
  const items = await queryAll(t, {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': dayPk(cooperationId), ':from': fromDay, ':to': `${toDay}#\uffff` },
  });
  return items.map(({ pk: _pk, sk: _sk, ...rest }) => rest as unknown as DayAggregate);
};

/**
 * Claims a content hash for a key. Returns the key that already holds it when another key does
 * (the same content dropped twice under different names), or undefined when the claim is ours.
 */
export const claimContent = async (
  t: TableRef,
  claim: { cooperationId: string; partnerId: string; dataset: string; contentHash: string; key: string },
): Promise<string | undefined> => {
  const Key = { pk: coopPk(claim.cooperationId), sk: `HASH#${claim.partnerId}#${claim.dataset}#${claim.contentHash}` };
  // Loop: a holder can release its claim between our failed put and our read.
  for (;;) {
    const claimed = await writeIfCondition(
      t,
      new PutCommand({
        TableName: t.tableName,
        Item: { ...Key, key: claim.key },
        ConditionExpression: 'attribute_not_exists(pk) OR #key = :key',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':key': claim.key },
      }),
    );
    if (claimed) return undefined;
    const out = await t.db.send(new GetCommand({ TableName: t.tableName, Key, ConsistentRead: true }));
    const holder = out.Item?.key as string | undefined;
    if (holder !== undefined) return holder;
  }
};

/** Releases a content claim held by a key (when its object is replaced or deleted). */
export const releaseContent = async (
  t: TableRef,
  claim: { cooperationId: string; partnerId: string; dataset: string; contentHash: string; key: string },
) => {
  await writeIfCondition(
    t,
    new DeleteCommand({
      TableName: t.tableName,
      Key: { pk: coopPk(claim.cooperationId), sk: `HASH#${claim.partnerId}#${claim.dataset}#${claim.contentHash}` },
      ConditionExpression: '#key = :key',
      ExpressionAttributeNames: { '#key': 'key' },
      ExpressionAttributeValues: { ':key': claim.key },
    }),
  );
};

export const queryAll = async (
  t: TableRef,
  input: { KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown>; ScanIndexForward?: boolean },
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await t.db.send(
      new QueryCommand({ TableName: t.tableName, ...input, ExclusiveStartKey, ConsistentRead: true }),
    );
    items.push(...((out.Items ?? []) as Record<string, unknown>[]));
    ExclusiveStartKey = out.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (ExclusiveStartKey);
  return items;
};

/** Stores an item under a key unless it exists. Returns false when it did. */
export const putIfAbsent = (t: TableRef, item: Record<string, unknown> & { pk: string; sk: string }) =>
  writeIfCondition(t, new PutCommand({ TableName: t.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));

export const getItem = async (t: TableRef, pk: string, sk: string) => {
  const out = await t.db.send(new GetCommand({ TableName: t.tableName, Key: { pk, sk }, ConsistentRead: true }));
  return out.Item as Record<string, unknown> | undefined;
};

export const putItem = async (t: TableRef, item: Record<string, unknown> & { pk: string; sk: string }) => {
  await t.db.send(new PutCommand({ TableName: t.tableName, Item: item }));
};

/** Replaces an item only while one of its attributes still has the value read before. */
export const replaceIf = (
  t: TableRef,
  item: Record<string, unknown> & { pk: string; sk: string },
  attribute: string,
  expected: unknown,
) =>
  writeIfCondition(
    t,
    new PutCommand({
      TableName: t.tableName,
      Item: item,
      ConditionExpression: '#a = :v',
      ExpressionAttributeNames: { '#a': attribute },
      ExpressionAttributeValues: { ':v': expected },
    }),
  );
