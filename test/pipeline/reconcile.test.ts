import { describe, expect, it } from 'vitest';
import { getFileRecord } from '../../shared/storage/file-ledger';
import { countedTotals, testConfig, harnessPerTest } from '../support/harness';

const csv = (n: number, amount: number) =>
  `user_id,course_id,enrolled_at,channel,amount\n${Array.from({ length: n }, (_, i) => `u${i},c,2026-11-0${1 + (i % 5)},ad,${amount}`).join('\n')}\n`;

describe('reconcile', () => {
  const start = harnessPerTest();

  it('ingests files whose events were lost, and removes files deleted without an event', async () => {
    // Prepare: the 2nd, 3rd and 4th notifications are lost, as under a Lambda backlog.
    let delivered = 0;
    const h = await start(testConfig(), {
      deliver: (event, invoke) => {
        delivered += 1;
        if (delivered < 2 || delivered > 4) invoke(event);
      },
    });
    await h.put('inbox/coop/platform/enrollments/a.csv', csv(4, 10)); // delivered
    await h.pipeline.drain(); // ingested before the overwrite below (else that version is rightly skipped as stale)
    await h.put('inbox/coop/school/enrollments/b.csv', csv(6, 1)); // lost
    await h.put('inbox/coop/platform/enrollments/a.csv', csv(2, 100)); // lost: a stale version stays counted
    await h.pipeline.drain();
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 4, revenue: 40 });

    // Act
    const first = await h.pipeline.reconcile();

    // Assess
    expect(first.repaired.map((r) => [r.key, r.action, r.status]).sort()).toEqual([
      ['inbox/coop/platform/enrollments/a.csv', 'ingested_stale', 'accepted'],
      ['inbox/coop/school/enrollments/b.csv', 'ingested_missing', 'accepted'],
    ]);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 8, revenue: 2 * 100 + 6 * 1 });

    // Act 2: a delete whose event (the 4th) is lost, then reconcile; a second reconcile finds nothing.
    await h.remove('inbox/coop/school/enrollments/b.csv');
    await h.pipeline.drain();
    const second = await h.pipeline.reconcile();
    const third = await h.pipeline.reconcile();

    // Assess 2
    expect(second.repaired).toEqual([{ key: 'inbox/coop/school/enrollments/b.csv', action: 'removed_missing', status: 'deleted' }]);
    expect(third.repaired).toEqual([]);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 2, revenue: 200 });
    expect(await getFileRecord(h.pipeline.runtime.table, 'coop', 'inbox/coop/school/enrollments/b.csv')).toMatchObject({ status: 'deleted' });
  });

  it('loses to a real event that arrives after its repair', async () => {
    // Prepare: the event of the only upload is held back, reconcile ingests the object first.
    const held: unknown[] = [];
    const h = await start(testConfig(), { deliver: (event) => held.push(event) });
    await h.put('inbox/coop/platform/enrollments/a.csv', csv(3, 5));
    await h.pipeline.reconcile();
    await h.put('inbox/coop/platform/enrollments/a.csv', csv(1, 7));

    // Act: both real events arrive late, in order.
    for (const event of held) await h.pipeline.ingest(event);

    // Assess: the latest upload counts.
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 1, revenue: 7 });
  });
});
