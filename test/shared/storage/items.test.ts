import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { queryDayAggregates } from '../../../shared/storage/day-aggregates';
import { getFileRecord, isCounted, type FileRecord } from '../../../shared/storage/file-ledger';

// The emulators store whatever is written; a malformed item can only come from elsewhere (a hand
// edit, an older version's item), so the mock stands in for that one case.
const documentClient = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );

describe('zod-checked reads', () => {
  it('refuses a file record of an unexpected shape with a StorageError naming the item kind, never a cast', async () => {
    // Prepare: a record whose rows is a string
    const db = documentClient();
    mockClient(db)
      .on(GetCommand)
      .resolves({ Item: { pk: 'COOP#c', sk: 'FILE#k', key: 'k', cooperationId: 'c', rows: 'many' } });
    // Act
    const read = getFileRecord({ db, tableName: 't' }, 'c', 'k');
    // Assess
    await expect(read).rejects.toMatchObject({ name: 'StorageError', details: { kind: 'file record' } });
  });

  it('refuses a day aggregate whose measures are not numbers', async () => {
    // Prepare
    const db = documentClient();
    const item = {
      pk: 'COOP#c#DAY',
      sk: 'x',
      day: '2026-11-09',
      dataset: 'enrollments',
      partnerId: 'p',
      fileId: 'f',
      generation: 'g',
    };
    mockClient(db)
      .on(QueryCommand)
      .resolves({ Items: [{ ...item, m: { rows: 'x' } }] });
    // Act
    const read = queryDayAggregates({ db, tableName: 't' }, 'c', '2026-11-09', '2026-11-15');
    // Assess
    await expect(read).rejects.toMatchObject({ name: 'StorageError', details: { kind: 'day aggregate' } });
  });
});

describe('isCounted', () => {
  const base = {
    cooperationId: 'c',
    key: 'k',
    partnerId: 'p',
    sequencer: '0',
    rows: 0,
    rejectedRows: 0,
    errorCount: 0,
    errors: [],
    days: [],
    updatedAt: '',
  };
  it.each([
    ['accepted', 'g', 'enrollments', true],
    ['partial', 'g', 'enrollments', true],
    ['failed', 'g', 'enrollments', true],
    ['failed', undefined, 'enrollments', false],
    ['duplicate', 'g', 'enrollments', false],
    ['rejected', undefined, undefined, false],
    ['deleted', undefined, 'enrollments', false],
  ] as const)('%s with generation %s and dataset %s counts: %s', (status, generation, dataset, expected) => {
    // Prepare
    const record = {
      ...base,
      status,
      ...(generation ? { generation } : {}),
      ...(dataset ? { dataset } : {}),
    } as FileRecord;
    // Act / Assess
    expect(isCounted(record)).toBe(expected);
  });
});
