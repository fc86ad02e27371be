import type { BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { StorageError } from '../errors';
import { dynamoDbLib } from '../aws/sdk';
import { DATASET_NAMES, type DatasetName } from '../datasets/names';
import { backoffDelay, DEFAULT_BACKOFF, sleep } from './retry';
import { coopPk, getItem, parseItem, writeIfCondition, type TableRef } from './table';

/**
 * The file index: which files may have counted days in a month, so that a report reads the
 * records of its period's files only, not every record the cooperation ever had.
 *
 * - index entry  pk COOP#<c>#FILES  sk <dataset>#<YYYY-MM>#<s3 key>   days: string set
 * - index state  pk COOP#<c>        sk FILEINDEX                      datasets: string set (ever
 *   indexed), completedAt (set once every record is indexed)
 *
 * An entry is a superset, never the truth: the file ledger adds a file's days to the entries of
 * their months before it writes the file record (file-ledger.ts putFileRecordIfNewer), entries
 * only ever grow (ADD to a string set, never a delete), and readers take the truth from the file
 * records the entries name. So every counted record with a day in a month is named by that
 * month's entry with that day, whatever crashed when (the record is written after its entry);
 * an entry naming a file that was replaced, withdrawn or never committed only costs a read.
 * No transaction is needed (dynalite has none): the invariant rests on the order of two writes.
 *
 * Records written before the index existed are indexed once, by the first report that finds no
 * marker (file-ledger.ts periodFileRecords), which then sets it.
 */

const KIND = 'file index entry';
const indexPk = (cooperationId: string) => `${coopPk(cooperationId)}#FILES`;
const monthOf = (day: string) => day.slice(0, 7);
const entrySk = (dataset: DatasetName, month: string, key: string) => `${dataset}#${month}#${key}`;
const STATE_SK = 'FILEINDEX';

const entrySchema = z.object({
  dataset: z.enum(DATASET_NAMES),
  key: z.string(),
  days: z.set(z.string()),
});

export interface IndexEntry {
  readonly dataset: DatasetName;
  readonly key: string;
  /** Days of this entry's month that some version of the file had (a superset of the counted one's). */
  readonly days: ReadonlySet<string>;
}

const toEntry = (item: Record<string, unknown>): IndexEntry => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return parseItem(entrySchema, KIND, rest);
};

/** Adds datasets to those the cooperation ever had (safe to repeat). */
export const indexDatasets = async (t: TableRef, cooperationId: string, datasets: readonly DatasetName[]) => {
  if (datasets.length === 0) return;
  await writeIfCondition(
    t,
    'file index state',
    ({ UpdateCommand }) =>
      new UpdateCommand({
        TableName: t.tableName,
        Key: { pk: coopPk(cooperationId), sk: STATE_SK },
        UpdateExpression: 'ADD datasets :datasets',
        ExpressionAttributeValues: { ':datasets': new Set(datasets) },
      }),
  );
};

/**
 * Adds a file's days to the entries of their months (one update per month), and, unless the
 * caller did already, its dataset to those the cooperation ever had. Safe to repeat.
 */
export const indexFileDays = async (
  t: TableRef,
  cooperationId: string,
  dataset: DatasetName,
  key: string,
  days: readonly string[],
  options: { readonly datasetIndexed?: boolean } = {},
) => {
  if (!options.datasetIndexed) await indexDatasets(t, cooperationId, [dataset]);
  const byMonth = new Map<string, string[]>();
  for (const day of days) {
    const month = monthOf(day);
    const list = byMonth.get(month);
    if (list) list.push(day);
    else byMonth.set(month, [day]);
  }
  for (const [month, monthDays] of byMonth) {
    await writeIfCondition(
      t,
      KIND,
      ({ UpdateCommand }) =>
        new UpdateCommand({
          TableName: t.tableName,
          Key: { pk: indexPk(cooperationId), sk: entrySk(dataset, month, key) },
          UpdateExpression: 'ADD #days :days SET #dataset = :dataset, #key = :key',
          ExpressionAttributeNames: { '#days': 'days', '#dataset': 'dataset', '#key': 'key' },
          ExpressionAttributeValues: { ':days': new Set(monthDays), ':dataset': dataset, ':key': key },
        }),
    );
  }
};

/** One page of a query, with the storage error wrapping of table.ts. */
const queryPage = async (
  t: TableRef,
  input: {
    from: string;
    to: string;
    descending?: boolean;
    limit?: number;
    start?: Record<string, unknown>;
    pk: string;
  },
) => {
  const { QueryCommand } = await dynamoDbLib();
  try {
    const out = await t.db.send(
      new QueryCommand({
        TableName: t.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': input.pk, ':from': input.from, ':to': input.to },
        ExclusiveStartKey: input.start,
        ScanIndexForward: !input.descending,
        ...(input.limit ? { Limit: input.limit } : {}),
        ConsistentRead: true,
      }),
    );
    return {
      items: (out.Items ?? []) as Record<string, unknown>[],
      next: out.LastEvaluatedKey as Record<string, unknown> | undefined,
    };
  } catch (cause) {
    const error = (cause as Error).name;
    throw new StorageError(
      `Query of a ${KIND} failed (${error})`,
      { operation: 'Query', kind: KIND, error },
      { cause },
    );
  }
};

/** The entries of one dataset for the months from one day's to another's (inclusive): all pages. */
export const indexEntriesIn = async (
  t: TableRef,
  cooperationId: string,
  dataset: DatasetName,
  fromDay: string,
  toDay: string,
) => {
  const entries: IndexEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryPage(t, {
      pk: indexPk(cooperationId),
      from: `${dataset}#${monthOf(fromDay)}`,
      to: `${dataset}#${monthOf(toDay)}#\uffff`,
      start,
    });
    entries.push(...page.items.map(toEntry));
    start = page.next;
  } while (start);
  return entries;
};

/**
 * The entries of one dataset for months before a day's month, newest first, a page at a time:
 * a report looks back only until it finds one counted file (whether the dataset had data before).
 */
export async function* indexEntriesBefore(t: TableRef, cooperationId: string, dataset: DatasetName, day: string) {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryPage(t, {
      pk: indexPk(cooperationId),
      from: `${dataset}#`,
      to: `${dataset}#${monthOf(day)}`,
      descending: true,
      limit: 50,
      start,
    });
    yield page.items.map(toEntry);
    start = page.next;
  } while (start);
}

const stateSchema = z.object({ datasets: z.set(z.enum(DATASET_NAMES)).optional(), completedAt: z.string().optional() });

/** Whether every file record of the cooperation is indexed, and the datasets it ever had. */
export const readIndexState = async (t: TableRef, cooperationId: string) => {
  const item = await getItem(t, 'file index state', { pk: coopPk(cooperationId), sk: STATE_SK });
  const { pk: _pk, sk: _sk, ...rest } = item ?? {};
  const state = parseItem(stateSchema, 'file index state', rest);
  return { complete: state.completedAt !== undefined, datasets: state.datasets ?? new Set<DatasetName>() };
};

export const markIndexComplete = (t: TableRef, cooperationId: string, at: Date) =>
  writeIfCondition(
    t,
    'file index state',
    ({ UpdateCommand }) =>
      new UpdateCommand({
        TableName: t.tableName,
        Key: { pk: coopPk(cooperationId), sk: STATE_SK },
        UpdateExpression: 'SET completedAt = :at',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
  );

/**
 * Items by key with BatchGetItem (consistent reads, 100 keys a request), retrying unprocessed
 * keys with backoff as batchWrite does. Missing items are simply absent from the result.
 */
export const batchGet = async (
  t: TableRef,
  kind: string,
  keys: readonly { pk: string; sk: string }[],
): Promise<Record<string, unknown>[]> => {
  const { BatchGetCommand } = await dynamoDbLib();
  const backoff = t.backoff ?? DEFAULT_BACKOFF;
  const wait = backoff.sleep ?? sleep;
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt >= backoff.attempts)
        throw new StorageError('batch read left unprocessed keys after retries', { kind, unprocessed: pending.length });
      if (attempt > 0) await wait(backoffDelay(attempt, backoff));
      let out: BatchGetCommandOutput;
      try {
        out = await t.db.send(
          new BatchGetCommand({ RequestItems: { [t.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
      } catch (cause) {
        const error = (cause as Error).name;
        throw new StorageError(
          `BatchGetItem of a ${kind} failed (${error})`,
          { operation: 'BatchGetItem', kind, error },
          { cause },
        );
      }
      items.push(...((out.Responses?.[t.tableName] ?? []) as Record<string, unknown>[]));
      pending = (out.UnprocessedKeys?.[t.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return items;
};
