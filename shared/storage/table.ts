import type { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { dynamoDbLib, type DynamoDbLib } from '../aws/sdk';
import { StorageError } from '../errors';
import { backoffDelay, DEFAULT_BACKOFF, sleep, type BackoffOptions } from './retry';

/**
 * The single DynamoDB table: string keys `pk` and `sk`, no indexes, `expiresAt` as the TTL
 * attribute. The CDK construct and the local stack both create it from this definition.
 *
 * Item kinds, each owned by one module of this folder (the only code that builds its keys):
 * - file record      pk COOP#<c>        sk FILE#<s3 key> (fitKey past 1,024 bytes) file-ledger.ts
 * - day aggregate    pk COOP#<c>#DAY    sk <day>#<dataset>#<fileId>#<generation>  day-aggregates.ts
 * - content claim    pk COOP#<c>        sk HASH#<dataset>#<sha256>                content-claims.ts
 * - report           pk COOP#<c>        sk REPORT#<label>                         reports.ts
 * - report revision  pk COOP#<c>        sk REPORTREV#<label>#<revision>           reports.ts
 * - alert state      pk COOP#<c>        sk ALERT#<metric or data:dataset>         alert-states.ts
 * - email send       pk COOP#<c>        sk SENT#<kind>#<ref>#<recipient hash>     email-sends.ts
 * - file index entry pk COOP#<c>#FILES  sk <dataset>#<YYYY-MM>#<s3 key>           file-index.ts
 * - file index state pk COOP#<c>        sk FILEINDEX                              file-index.ts
 * dynalite has no transactions, so exactly-once rests on versioned items plus one conditional
 * write: aggregates are written under a new generation first, then the file record is switched
 * to it. Readers only count aggregates of a file's active generation, so a crash at any point
 * leaves the totals as they were before the ingest, and a retry completes it.
 */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
} as const;

export interface TableRef {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly backoff?: BackoffOptions;
}

export type Key = { readonly pk: string; readonly sk: string };
export type Item = Record<string, unknown> & Key;

export const coopPk = (cooperationId: string) => `COOP#${cooperationId}`;

/** Runs one storage call; a failure becomes a StorageError naming the operation and item kind. */
const call = async <T>(operation: string, kind: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (cause) {
    if (cause instanceof StorageError) throw cause;
    // The message names the operation and the SDK's error name (a fixed vocabulary, never data):
    // it reaches the owner in a job-failure notice.
    const error = (cause as Error).name;
    throw new StorageError(`${operation} of a ${kind} failed (${error})`, { operation, kind, error }, { cause });
  }
};

/**
 * Sends a conditional write. Returns false when its condition did not hold: with single-item
 * conditional writes standing in for transactions, that is the expected outcome of a lost race.
 */
export const writeIfCondition = async (
  t: TableRef,
  kind: string,
  /** The command, built from the SDK package (imported on first use, see shared/aws/sdk.ts). */
  command: (sdk: DynamoDbLib) => PutCommand | UpdateCommand | DeleteCommand,
): Promise<boolean> => {
  const built = command(await dynamoDbLib());
  return call(`conditional ${built.constructor.name}`, kind, async () => {
    try {
      await t.db.send(built as never);
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  });
};

/** A conditional delete that returns the deleted item's attributes, or undefined when its condition did not hold. */
export const deleteIfCondition = async (
  t: TableRef,
  kind: string,
  /** The delete, built from the SDK package (imported on first use, see shared/aws/sdk.ts). */
  command: (sdk: DynamoDbLib) => DeleteCommand,
): Promise<Record<string, unknown> | undefined> => {
  const sdk = await dynamoDbLib();
  const built = command(sdk);
  return call('conditional DeleteCommand', kind, async () => {
    try {
      const out = await t.db.send(new sdk.DeleteCommand({ ...built.input, ReturnValues: 'ALL_OLD' }));
      return (out.Attributes ?? {}) as Record<string, unknown>;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw error;
    }
  });
};

/** Checks a stored item against its schema: a malformed item is a storage fault, never a silent cast. */
export const parseItem = <T>(schema: z.ZodType<T>, kind: string, item: Record<string, unknown>): T => {
  const parsed = schema.safeParse(item);
  if (!parsed.success) {
    throw new StorageError('stored item has an unexpected shape', {
      kind,
      issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return parsed.data;
};

export const getItem = (t: TableRef, kind: string, key: Key): Promise<Record<string, unknown> | undefined> =>
  call('GetItem', kind, async () => {
    const { GetCommand } = await dynamoDbLib();
    const out = await t.db.send(new GetCommand({ TableName: t.tableName, Key: key, ConsistentRead: true }));
    return out.Item as Record<string, unknown> | undefined;
  });

export const putItem = (t: TableRef, kind: string, item: Item): Promise<void> =>
  call('PutItem', kind, async () => {
    const { PutCommand } = await dynamoDbLib();
    await t.db.send(new PutCommand({ TableName: t.tableName, Item: item }));
  });

/** Stores an item under a key unless it exists. Returns false when it did. */
export const putIfAbsent = (t: TableRef, kind: string, item: Item) =>
  writeIfCondition(
    t,
    kind,
    ({ PutCommand }) =>
      new PutCommand({ TableName: t.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
  );

/** Replaces an item only while one of its attributes still has the value read before. */
export const replaceIf = (t: TableRef, kind: string, item: Item, attribute: string, expected: unknown) =>
  writeIfCondition(
    t,
    kind,
    ({ PutCommand }) =>
      new PutCommand({
        TableName: t.tableName,
        Item: item,
        ConditionExpression: '#a = :v',
        ExpressionAttributeNames: { '#a': attribute },
        ExpressionAttributeValues: { ':v': expected },
      }),
  );

/** Every item of a partition whose sort key starts with a prefix, or lies in a range: all pages, consistent. */
export const queryAll = (
  t: TableRef,
  kind: string,
  pk: string,
  sk: { readonly prefix: string } | { readonly from: string; readonly to: string },
): Promise<Record<string, unknown>[]> =>
  call('Query', kind, async () => {
    const condition =
      'prefix' in sk
        ? { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', values: { ':prefix': sk.prefix } }
        : {
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            values: { ':from': sk.from, ':to': sk.to },
          };
    const { QueryCommand } = await dynamoDbLib();
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await t.db.send(
        new QueryCommand({
          TableName: t.tableName,
          KeyConditionExpression: condition.KeyConditionExpression,
          ExpressionAttributeValues: { ':pk': pk, ...condition.values },
          ExclusiveStartKey,
          ConsistentRead: true,
        }),
      );
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      ExclusiveStartKey = out.LastEvaluatedKey as Record<string, unknown> | undefined;
    } while (ExclusiveStartKey);
    return items;
  });

/** BatchWriteItem in chunks of 25, retrying unprocessed items with backoff until none are left. */
export const batchWrite = (t: TableRef, kind: string, requests: readonly Record<string, unknown>[]): Promise<void> =>
  call('BatchWriteItem', kind, async () => {
    const { BatchWriteCommand } = await dynamoDbLib();
    const backoff = t.backoff ?? DEFAULT_BACKOFF;
    const wait = backoff.sleep ?? sleep;
    for (let i = 0; i < requests.length; i += 25) {
      let pending: Record<string, unknown>[] = requests.slice(i, i + 25);
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= backoff.attempts) {
          throw new StorageError('batch write left unprocessed items after retries', {
            kind,
            unprocessed: pending.length,
          });
        }
        if (attempt > 0) await wait(backoffDelay(attempt, backoff));
        const out = await t.db.send(new BatchWriteCommand({ RequestItems: { [t.tableName]: pending as never } }));
        pending = (out.UnprocessedItems?.[t.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  });

/** Drops the key attributes of a read item (the modules key items; the domain never sees keys). */
export const withoutKeys = ({ pk: _pk, sk: _sk, ...rest }: Record<string, unknown>) => rest;
