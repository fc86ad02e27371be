import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { putDayAggregates, type DayAggregate } from '../../../shared/storage/day-aggregates';

// Unprocessed items come back from real DynamoDB under load but never from the emulators:
// this is the error path aws-sdk-client-mock is for.
const aggregates = (n: number): DayAggregate[] =>
  Array.from({ length: n }, (_, i) => ({
    day: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`,
    dataset: 'enrollments',
    partnerId: 'p',
    fileId: `f${Math.floor(i / 28)}`,
    generation: 'g1',
    m: { rows: i },
  }));

describe('putDayAggregates', () => {
  it('retries unprocessed items with backoff until every item is written', async () => {
    // Prepare: the first answer leaves 10 items unprocessed, the second 3, then all go through.
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const mock = mockClient(db);
    const written: string[] = [];
    let call = 0;
    mock
      .on(BatchWriteCommand)
      .callsFake((input: { RequestItems: Record<string, { PutRequest: { Item: { sk: string } } }[]> }) => {
        call += 1;
        const requests = input.RequestItems.t!;
        const leave = call === 1 ? 10 : call === 2 ? 3 : 0;
        const done = requests.slice(0, requests.length - leave);
        written.push(...done.map((r) => r.PutRequest.Item.sk));
        return { UnprocessedItems: leave ? { t: requests.slice(requests.length - leave) } : {} };
      });
    const delays: number[] = [];

    // Act
    await putDayAggregates(
      {
        db,
        tableName: 't',
        backoff: { attempts: 10, baseMs: 10, capMs: 100, sleep: async (ms) => void delays.push(ms) },
      },
      'c',
      aggregates(25),
    );

    // Assess: 25 distinct items written, in three calls, with two waits.
    expect(new Set(written).size).toBe(25);
    expect(written).toHaveLength(25);
    expect(call).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it('fails loudly (for the Lambda retry) when items stay unprocessed, instead of dropping them', async () => {
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
    const mock = mockClient(db);
    mock
      .on(BatchWriteCommand)
      .callsFake((input: { RequestItems: Record<string, unknown[]> }) => ({ UnprocessedItems: input.RequestItems }));
    await expect(
      putDayAggregates(
        { db, tableName: 't', backoff: { attempts: 3, baseMs: 1, capMs: 1, sleep: async () => undefined } },
        'c',
        aggregates(2),
      ),
    ).rejects.toMatchObject({ name: 'StorageError', details: { unprocessed: 2 } });
  });

  it('surfaces a throttling error that outlived the SDK retries, so the invocation fails and is retried, never dropping the batch', async () => {
    // Prepare: the first call is throttled.
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        maxAttempts: 3,
      }),
    );
    const mock = mockClient(db);
    const throttle = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    mock.on(BatchWriteCommand).rejectsOnce(throttle).resolves({ UnprocessedItems: {} });

    // Act / Assess: the mock replaces the transport, so a throttle surfaces to our code, which must not swallow it.
    await expect(putDayAggregates({ db, tableName: 't' }, 'c', aggregates(3))).rejects.toMatchObject({
      name: 'StorageError',
      details: { operation: 'BatchWriteItem', error: 'ProvisionedThroughputExceededException' },
    });
    await putDayAggregates({ db, tableName: 't' }, 'c', aggregates(3));
    expect(mock.commandCalls(BatchWriteCommand)).toHaveLength(2);
  });
});
