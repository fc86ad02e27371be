import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MiddlewareStack } from '@smithy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { countedTotals, startHarness, testConfig, type Harness } from '../support/harness';

const ROWS = 30_000;
const file = () => {
  const lines = ['user_id,course_id,enrolled_at,channel,amount'];
  for (let i = 0; i < ROWS; i += 1)
    lines.push(`u${i},c,2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')},ad,2`);
  return `${lines.join('\n')}\n`;
};

describe('DynamoDB outage mid-ingest', () => {
  let h: Harness | undefined;
  let state: string | undefined;
  afterEach(async () => {
    await h?.close();
    if (state) rmSync(state, { recursive: true, force: true });
    h = undefined;
  });

  it('fails the invocation cleanly while DynamoDB is down, and the retry completes with exact totals', async () => {
    // Prepare: persisted DynamoDB state; the event is held so the test controls the invocations.
    state = mkdtempSync(join(tmpdir(), 'crosslift-outage-'));
    const held: unknown[] = [];
    h = await startHarness(testConfig(), { deliver: (event) => held.push(event) }, { stateDir: state });
    await h.put('inbox/coop/platform/enrollments/year.csv', file());

    // Act: DynamoDB goes down just as the first aggregate batch is written, then comes back.
    let stopped = false;
    const harness = h;
    (h.pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        if (!stopped && (context as { commandName?: string }).commandName === 'BatchWriteItemCommand') {
          stopped = true;
          await harness.stack.stopDynamoDb();
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const first = await h.pipeline.ingest(held[0]).then(
      () => 'succeeded',
      (error: Error) => `failed: ${error.name}`,
    );
    await h.stack.startDynamoDb();
    await h.pipeline.ingest(held[0]);

    // Assess: the outage failed the invocation with a clean error (Lambda retries it); the retry is exact.
    expect(first).toBe('failed: IngestFailedError');
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: ROWS, revenue: 2 * ROWS });
  });
});
