import { describe, expect, it } from 'vitest';
import { listFileRecords } from '../../shared/storage/file-ledger';
import { countedTotals, testConfig, harnessPerTest } from '../support/harness';

// Short form in `npm test`; `npm run test:faults` sets CROSSLIFT_FAULTS=long: 1,000 files, 5 million rows.
const LONG = process.env.CROSSLIFT_FAULTS === 'long';
const FILES = LONG ? 1_000 : 80;
const ROWS = LONG ? 5_000 : 400;

describe(`load: ${FILES} files of ${ROWS} rows dropped as fast as the client uploads`, () => {
  const start = harnessPerTest();

  // The long form on Amazon DynamoDB Local (test:faults) takes minutes under load.
  it('ingests every file with exact totals and bounded memory', { timeout: LONG ? 900_000 : 60_000 }, async () => {
    // Prepare
    const h = await start(testConfig());
    const body = (f: number) => {
      const lines = ['user_id,course_id,enrolled_at,channel,amount'];
      for (let i = 0; i < ROWS; i += 1)
        lines.push(`u${f}-${i},c,2026-11-${String(1 + ((f + i) % 28)).padStart(2, '0')},ad,${1 + (f % 3)}`);
      return `${lines.join('\n')}\n`;
    };
    let expectedRevenue = 0;
    for (let f = 0; f < FILES; f += 1) expectedRevenue += ROWS * (1 + (f % 3));
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    const started = Date.now();

    // Act: 16 uploads in flight at a time; ingests run as the notifications arrive.
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < FILES) {
          const f = next++;
          await h.put(`inbox/coop/${f % 2 ? 'school' : 'platform'}/enrollments/load-${f}.csv`, body(f));
        }
      }),
    );
    await h.pipeline.drain();
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;

    // Assess
    const records = await listFileRecords(h.pipeline.runtime.table, 'coop');
    expect(records.filter((r) => r.status === 'accepted')).toHaveLength(FILES);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: FILES * ROWS, revenue: expectedRevenue });
    expect(h.pipeline.deadLetters).toEqual([]);
    // Generous bound: the emulators share this process; the point is that nothing grows with the data.
    expect(rssPeak - rssBefore).toBeLessThan(1024 * 1024 * 1024);
    console.log(
      JSON.stringify({
        load: {
          files: FILES,
          rows: FILES * ROWS,
          seconds,
          rowsPerSecond: Math.round((FILES * ROWS) / seconds),
          rssGrowthMB: Math.round((rssPeak - rssBefore) / 1024 / 1024),
        },
      }),
    );
  });
});
