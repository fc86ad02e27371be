import { describe, expect, it } from 'vitest';
import { getStoredReport } from '../../shared/storage/reports';
import { header, harnessPerTest, testConfig } from '../support/harness';

const KEY = 'inbox/coop/school/referrals/w46.ndjson';
/** 40 referrals on 2026-11-10, the first `converted` of them converted. */
const referrals = (converted: number) =>
  `${Array.from({ length: 40 }, (_, i) =>
    JSON.stringify({
      user_id: `r${i}`,
      referred_at: '2026-11-10',
      ...(i < converted ? { converted_at: '2026-11-20' } : {}),
    }),
  ).join('\n')}\n`;

describe('maturing referral conversions', () => {
  const start = harnessPerTest();
  const config = () => testConfig({ targets: { referral_conversion_rate: { min: 0.1 } }, conversionWindowDays: 14 });

  it('are shown, not judged, until the window closes; then judged without a restatement email when nothing changed', async () => {
    // Prepare
    const h = await start(config());
    await h.put(KEY, referrals(8));
    await h.pipeline.drain();
    // Act: W46 reported on Monday 11-16 (window open until 11-29), then the W48 run on 11-30
    await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' });
    const before = (await getStoredReport(h.pipeline.runtime.table, 'coop', '2026-W46'))!;
    await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-30T06:00:00+08:00' });
    const after = (await getStoredReport(h.pipeline.runtime.table, 'coop', '2026-W46'))!;
    // Assess: 8 of 40 = 0.2, Wilson [0.105, 0.35], wholly above 0.1
    expect(before.report.metrics.referral_conversion_rate).toMatchObject({ value: 0.2, status: 'maturing' });
    expect(after.report.metrics.referral_conversion_rate).toMatchObject({ value: 0.2, status: 'met' });
    expect(after.revision).toBe(2);
    const restatements = (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') === 'restatement');
    expect(restatements).toEqual([]);
  });

  it('are restated, and emailed as such, when late conversions changed them', async () => {
    // Prepare: the partner re-exports the week with 4 more conversions before the window closes
    const h = await start(config());
    await h.put(KEY, referrals(8));
    await h.pipeline.drain();
    await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' });
    await h.put(KEY, referrals(12));
    await h.pipeline.drain();
    // Act
    await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-30T06:00:00+08:00' });
    // Assess
    const after = (await getStoredReport(h.pipeline.runtime.table, 'coop', '2026-W46'))!;
    expect(after.report.metrics.referral_conversion_rate).toMatchObject({ value: 0.3, status: 'met' });
    expect(after.restatement?.referral_conversion_rate).toEqual({ before: 0.2, after: 0.3 });
    const restatements = (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') === 'restatement');
    expect(restatements.length).toBeGreaterThan(0);
    expect(restatements.every((e) => e.subject.includes('2026-W46'))).toBe(true);
  });
});
