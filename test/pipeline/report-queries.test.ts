import type { MiddlewareStack } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { computeReport } from '../../shared/report/compute-report';
import { periodOfLabel } from '../../shared/time/periods';
import { startHarness, testConfig, type Harness } from '../support/harness';

const HEADER = 'user_id,course_id,enrolled_at,channel,amount';

/**
 * DynamoDB reads (Query, GetItem, BatchGetItem) one report makes when it has `files` files of
 * data behind it: the first report of the cooperation (which completes the file index), then the
 * next one (which reads through it).
 */
const readsForReport = async (files: number): Promise<{ first: number; next: number }> => {
  const h: Harness = await startHarness(testConfig());
  try {
    for (let f = 0; f < files; f += 1) {
      const rows = Array.from(
        { length: 30 },
        (_, i) => `u${i},c,2026-11-${String(1 + ((f + i) % 28)).padStart(2, '0')},ad,1`,
      );
      await h.put(`inbox/coop/platform/enrollments/f${f}.csv`, `${HEADER}\n${rows.join('\n')}\n`);
    }
    await h.pipeline.drain();
    const reads: string[] = [];
    (h.pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        const name = (context as { commandName?: string }).commandName ?? '';
        if (name === 'QueryCommand' || name === 'GetItemCommand' || name === 'BatchGetItemCommand') reads.push(name);
        return next(args);
      },
      { step: 'initialize' },
    );
    // Act: compute the report with no recipients, so no email bookkeeping reads are counted.
    h.config.partners.forEach((p) => (p.contacts.length = 0));
    const period = periodOfLabel('2026-W46', 'Asia/Shanghai')!;
    await computeReport(h.pipeline.runtime, h.config.cooperations[0]!, period);
    const first = reads.length;
    await computeReport(h.pipeline.runtime, h.config.cooperations[0]!, period);
    return { first, next: reads.length - first };
  } finally {
    await h.close();
  }
};

describe('report cost', () => {
  it('reads DynamoDB a constant number of times, whatever the number of files behind it', async () => {
    const one = await readsForReport(1);
    const forty = await readsForReport(40);
    expect(forty).toEqual(one);
    expect(one.first).toBeGreaterThanOrEqual(2);
    expect(one.first).toBeLessThanOrEqual(5);
    // Through the index: the state, the index of the one dataset delivered, the records, the aggregates.
    expect(one.next).toBeLessThanOrEqual(6);
  });
});
