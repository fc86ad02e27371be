import { Readable } from 'node:stream';
import type { MiddlewareStack } from '@smithy/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../shared/config/schema';
import { getFileRecord, listFileRecords } from '../../shared/storage/file-ledger';
import { queryDayAggregates } from '../../shared/storage/day-aggregates';
import { countedTotals, testConfig, harnessPerTest, type Harness } from '../support/harness';

const HEADER = 'user_id,course_id,enrolled_at,channel,amount';
const fileBody = (rows: number, amount: number, seed: number) =>
  `${HEADER}\n${Array.from({ length: rows }, (_, i) => `u${seed}-${i},c,2026-11-${String(1 + ((seed + i) % 28)).padStart(2, '0')},ad,${amount}`).join('\n')}\n`;

/** Five cooperations between the same two partners. */
const fiveCooperations = (): ConfigInput => {
  const base = testConfig();
  const template = base.cooperations[0]!;
  return { ...base, cooperations: [0, 1, 2, 3, 4].map((i) => ({ ...template, id: `coop-${i}`, name: `Coop ${i}` })) };
};

/** Makes the next GetObject body die with a connection reset after `bytes` bytes; tells whether it happened. */
const breakNextObjectBody = (h: Harness, bytes: number) => {
  let broken = false;
  (h.pipeline.runtime.clients.s3.middlewareStack as MiddlewareStack<object, object>).add(
    (next, context) => async (args) => {
      const out = (await next(args)) as Awaited<ReturnType<typeof next>> & { output?: { Body?: Readable } };
      if (!broken && (context as { commandName?: string }).commandName === 'GetObjectCommand' && out.output?.Body) {
        broken = true;
        const body = out.output.Body;
        out.output.Body = Readable.from(
          (async function* () {
            let sent = 0;
            for await (const chunk of body) {
              sent += (chunk as Buffer).length;
              if (sent > bytes) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
              yield chunk;
            }
          })(),
        );
      }
      return out;
    },
    { step: 'initialize' },
  );
  return () => broken;
};

describe('S3 at-least-once delivery, shuffled, concurrent', () => {
  const start = harnessPerTest();

  it('counts 200 files of 5 cooperations exactly once when each event arrives 1-3 times in any order', async () => {
    // Prepare: hold every event; seeded random repeats and order.
    const held: unknown[] = [];
    const h = await start(fiveCooperations(), { deliver: (event) => held.push(event) });
    const expected = new Map<string, { rows: number; revenue: number }>();
    const uploads = Array.from({ length: 200 }, (_, f) => {
      const coop = `coop-${f % 5}`;
      const rows = 5 + (f % 11);
      const amount = 1 + (f % 4);
      const e = expected.get(coop) ?? { rows: 0, revenue: 0 };
      expected.set(coop, { rows: e.rows + rows, revenue: e.revenue + rows * amount });
      return {
        key: `inbox/${coop}/${f % 2 ? 'school' : 'platform'}/enrollments/f${f}.csv`,
        body: fileBody(rows, amount, f),
      };
    });
    for (let i = 0; i < uploads.length; i += 20)
      await Promise.all(uploads.slice(i, i + 20).map((u) => h.put(u.key, u.body)));
    expect(held).toHaveLength(200);
    const deliveries = fc.sample(
      fc.shuffledSubarray(
        held.flatMap((event, i) => Array.from({ length: 1 + ((i * 7) % 3) }, () => event)),
        { minLength: held.length * 2 - 1 },
      ),
      { numRuns: 1, seed: 20261123 },
    )[0]!;

    // Act: deliver all of them, 8 at a time.
    for (let i = 0; i < deliveries.length; i += 8)
      await Promise.all(deliveries.slice(i, i + 8).map((e) => h.pipeline.ingest(e)));

    // Assess
    for (const [coop, e] of expected) {
      expect({ coop, totals: await countedTotals(h, 'enrollments', undefined, coop) }).toMatchObject({
        coop,
        totals: e,
      });
      const records = await listFileRecords(h.pipeline.runtime.table, coop);
      expect(records).toHaveLength(40);
      expect(records.every((r) => r.status === 'accepted' && r.generation)).toBe(true);
    }
  });

  it('counts only the latest version when a file is overwritten while its first version is being ingested', async () => {
    // Prepare: version 1's ingest is paused right before its first aggregate write.
    const held: unknown[] = [];
    const h = await start(testConfig(), { deliver: (event) => held.push(event) });
    const key = 'inbox/coop/platform/enrollments/a.csv';
    let release!: () => void;
    const paused = new Promise<void>((r) => (release = r));
    let reachedPause!: () => void;
    const v1Paused = new Promise<void>((r) => (reachedPause = r));
    let pausedOnce = false;
    (h.pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        if (!pausedOnce && (context as { commandName?: string }).commandName === 'BatchWriteItemCommand') {
          pausedOnce = true;
          reachedPause();
          await paused;
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    await h.put(key, fileBody(10, 1, 0));

    // Act: v1 starts; v2 is uploaded and fully ingested while v1 waits; then v1 resumes.
    const v1 = h.pipeline.ingest(held[0]);
    await v1Paused;
    await h.put(key, fileBody(4, 100, 1));
    await h.pipeline.ingest(held[1]);
    release();
    await v1;

    // Assess
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 4, revenue: 400 });
    expect(await getFileRecord(h.pipeline.runtime.table, 'coop', key)).toMatchObject({ status: 'accepted', rows: 4 });
  });

  it('records a truncated S3 body as failed with the reason, never as accepted with partial totals', async () => {
    // Prepare: the S3 client's response body dies half-way through the file, once.
    const held: unknown[] = [];
    const h = await start(testConfig(), { deliver: (event) => held.push(event) });
    const key = 'inbox/coop/platform/enrollments/a.csv';
    await h.put(key, fileBody(5_000, 3, 0));
    const wasBroken = breakNextObjectBody(h, 20_000);

    // Act
    const first = await h.pipeline.ingest(held[0]).then(
      () => 'succeeded',
      (e: Error) => e.name,
    );
    const afterFailure = await getFileRecord(h.pipeline.runtime.table, 'coop', key);
    const totalsAfterFailure = await countedTotals(h, 'enrollments');
    await h.pipeline.ingest(held[0]);

    // Assess
    expect(wasBroken()).toBe(true);
    expect(first).toBe('IngestFailedError');
    expect(afterFailure).toMatchObject({ status: 'failed' });
    expect(afterFailure?.errors[0]?.reason).toMatch(/reading the object failed/);
    expect(totalsAfterFailure).toEqual({});
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 5_000, revenue: 15_000 });
  });

  it("keeps counting the previous version while a new version's read fails, then replaces it cleanly", async () => {
    // Prepare: version 1 (January) counted; version 2 (February) fails half-way once.
    const held: unknown[] = [];
    const h = await start(testConfig(), { deliver: (event) => held.push(event) });
    const key = 'inbox/coop/platform/enrollments/a.csv';
    const month = (m: string, n: number) =>
      `${HEADER}\n${Array.from({ length: n }, (_, i) => `u${i},c,2026-${m}-${String(1 + (i % 28)).padStart(2, '0')},ad,1`).join('\n')}\n`;
    await h.put(key, month('01', 3_000));
    await h.pipeline.ingest(held[0]);
    await h.put(key, month('02', 4_000));
    breakNextObjectBody(h, 20_000);

    // Act
    await expect(h.pipeline.ingest(held[1])).rejects.toThrow();
    const during = await countedTotals(h, 'enrollments');
    await h.pipeline.ingest(held[1]);

    // Assess: January stayed counted during the failure; afterwards only February, and January's items are gone.
    expect(during).toMatchObject({ rows: 3_000 });
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 4_000 });
    expect(await queryDayAggregates(h.pipeline.runtime.table, 'coop', '2026-01-01', '2026-01-31')).toEqual([]);
  });
});
