import { describe, expect, it } from 'vitest';
import { queryDayAggregates, querySeriesAggregates } from '../../shared/storage/day-aggregates';
import { getFileRecord } from '../../shared/storage/file-ledger';
import { getStoredReport } from '../../shared/storage/reports';
import { harnessPerTest, testConfig } from '../support/harness';

const KEY = 'inbox/coop/school/series/daily.csv';

describe('the series dataset (business series for the incremental effect)', () => {
  const start = harnessPerTest();

  it('sums each series per day, with every bad row explained by line and column', async () => {
    // Prepare: 20 days of two series, a second row for one series and day (rows add up), two bad rows.
    const h = await start(testConfig());
    const good: string[] = [];
    const expected = new Map<string, Record<string, number>>();
    for (let d = 1; d <= 20; d += 1) {
      const day = `2026-11-${String(d).padStart(2, '0')}`;
      good.push(`${day},total_enrollments,${100 + d}`, `${day},revenue,${d * 10.5}`);
      expected.set(day, { rows: 2, 'value:total_enrollments': 100 + d, 'value:revenue': d * 10.5 });
    }
    good.push('2026-11-03,total_enrollments,7');
    expected.set('2026-11-03', { rows: 3, 'value:total_enrollments': 103 + 7, 'value:revenue': 31.5 });
    const csv = ['date,series,value', ...good, '2026-11-11,revenue,abc', '2026-11-12,bad series id,1'];
    // Act
    await h.put(KEY, `${csv.join('\n')}\n`);
    await h.pipeline.drain();
    // Assess
    const record = await getFileRecord(h.pipeline.runtime.table, 'coop', KEY);
    expect(record).toMatchObject({ status: 'partial', rows: 43, rejectedRows: 2 });
    expect(record!.errors.map((e) => [e.line, e.column])).toEqual([
      [43, 'value'],
      [44, 'series'],
    ]);
    const series = await querySeriesAggregates(h.pipeline.runtime.table, 'coop', '2026-11-01', '2026-11-30');
    expect(new Map(series.map((a) => [a.day, a.m]))).toEqual(expected);
  });

  it('keeps a partner series apart from the metrics, and reports the estimate (insufficient without a pre-period)', async () => {
    // Prepare: a series that starts after the cooperation (no pre-period to fit on)
    const h = await start(testConfig({ impact: [{ outcome: { partner: 'school', series: 'total_enrollments' } }] }));
    const csv = [
      'date,series,value',
      '2026-11-10,total_enrollments,120',
      '2026-11-11,total_enrollments,98',
      '2026-11-11,revenue,3400.5',
    ];
    // Act
    await h.put(KEY, `${csv.join('\n')}\n`);
    await h.pipeline.drain();
    await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' });
    // Assess
    const table = h.pipeline.runtime.table;
    const series = await querySeriesAggregates(table, 'coop', '2026-11-01', '2026-11-30');
    expect(series.map((a) => [a.day, a.m])).toEqual([
      ['2026-11-10', { rows: 1, 'value:total_enrollments': 120 }],
      ['2026-11-11', { rows: 2, 'value:total_enrollments': 98, 'value:revenue': 3400.5 }],
    ]);
    expect(await queryDayAggregates(table, 'coop', '2026-11-01', '2026-11-30')).toEqual([]);
    const report = (await getStoredReport(table, 'coop', '2026-W46'))!.report;
    expect(report.impact).toHaveLength(1);
    expect(report.impact[0]).toMatchObject({
      outcome: 'school/total_enrollments',
      status: 'insufficient_data',
      reasonCode: 'short_preperiod',
    });
    const email = (await h.emails()).find((e) => e.subject.includes('2026-W46'));
    expect(email?.body.text).toContain('Not enough data to estimate the effect on total enrollments');
  });
});
