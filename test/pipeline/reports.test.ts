import type { MiddlewareStack } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { getStoredReport, listStoredReports } from '../../shared/storage/reports';
import { header, testConfig, harnessPerTest } from '../support/harness';

const HEADER = 'user_id,course_id,enrolled_at,channel,amount';
// Short form in `npm test`; `npm run test:faults` sets CROSSLIFT_FAULTS=long.
const LONG = process.env.CROSSLIFT_FAULTS === 'long';
const rows = (n: number, day: string, amount = 10) =>
  `${HEADER}\n${Array.from({ length: n }, (_, i) => `u${i},c,${day},ad,${amount}`).join('\n')}\n`;

describe('stored reports', () => {
  const start = harnessPerTest();

  it('marks a report stale when late data lands, then restates it once with old and new values', async () => {
    // Prepare: W46 reported with 3 enrollments.
    const h = await start(testConfig());
    const table = h.pipeline.runtime.table;
    await h.put('inbox/coop/platform/enrollments/w46.csv', rows(3, '2026-11-10'));
    await h.pipeline.drain();
    await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' });

    // Act 1: a late file for W46.
    await h.put('inbox/coop/school/enrollments/late.csv', rows(2, '2026-11-12'));
    await h.pipeline.drain();

    // Assess 1
    const stale = await listStoredReports(table, 'coop');
    expect(stale.map((r) => [r.report.period.label, r.stale])).toEqual([['2026-W46', true]]);

    // Act 2: next week's scheduled run, twice (a retried invocation).
    const first = await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-23T06:00:00+08:00' });
    const second = await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-23T06:00:00+08:00' });

    // Assess 2: W46 revision 2 with the difference, W47 new; the retry changed nothing.
    expect(first.period).toBe('2026-W47');
    expect(first.restated).toEqual([{ period: '2026-W46', revision: 2, change: 'restated' }]);
    expect(second.restated).toEqual([]);
    const w46 = await getStoredReport(table, 'coop', '2026-W46');
    expect(w46?.revision).toBe(2);
    expect(w46?.report.metrics.enrollments?.value).toBe(5);
    expect(w46?.restatement?.enrollments).toEqual({ before: 3, after: 5 });
    expect((await listStoredReports(table, 'coop')).every((r) => !r.stale)).toBe(true);
    const kinds = (await h.emails()).map(
      (e) => `${header(e, 'X-Crosslift-Kind')} ${e.subject.includes('W46') ? 'W46' : 'W47'}`,
    );
    const recipients = h.config.partners.flatMap((p) => p.contacts).length;
    expect(kinds.filter((k) => k === 'restatement W46')).toHaveLength(recipients);
    expect(kinds.filter((k) => k === 'report W46')).toHaveLength(recipients);
  });

  it('stores one report and sends one email per recipient when the same invocation runs twice at once', async () => {
    // Prepare
    const h = await start(testConfig());
    await h.put('inbox/coop/platform/enrollments/w46.csv', rows(4, '2026-11-10'));
    await h.pipeline.drain();
    const event = { cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' };

    // Act: three at once; a run that finds another one mid-send fails (Lambda retries it), then a retry.
    const runs = await Promise.allSettled([
      h.pipeline.report(event),
      h.pipeline.report(event),
      h.pipeline.report(event),
    ]);
    const retry = await h.pipeline.report(event);

    // Assess
    const done = runs
      .filter((r) => r.status === 'fulfilled')
      .map((r) => (r as PromiseFulfilledResult<{ revision: number }>).value);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect([...done, retry].map((r) => r.revision).every((r) => r === 1)).toBe(true);
    for (const r of runs) if (r.status === 'rejected') expect((r.reason as Error).name).toBe('DeliveryPendingError');
    const emails = (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') === 'report');
    expect(emails.map((e) => e.destination.to[0]).sort()).toEqual(h.config.partners.flatMap((p) => p.contacts).sort());
  });

  it(`lets one of two concurrent runs of a report always complete (${LONG ? 30 : 3} pairs, slow sends)`, async () => {
    // Prepare: each SES call and DynamoDB call takes a while (seeded jitter), as on slower storage:
    // one run is still sending to the first recipient when the other could reach the second.
    const h = await start(testConfig());
    let seed = 20261123;
    const jitter = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return new Promise((r) => setTimeout(r, seed % (max + 1)));
    };
    const slow = (client: { middlewareStack: unknown }, ms: (command: string) => number) =>
      (client.middlewareStack as MiddlewareStack<object, object>).add(
        (next, context) => async (args) => {
          await jitter(ms((context as { commandName?: string }).commandName ?? ''));
          return next(args);
        },
        { step: 'initialize' },
      );
    slow(h.pipeline.runtime.clients.ses, (command) => (command === 'SendEmailCommand' ? 40 : 5));
    slow(h.pipeline.runtime.clients.dynamodb, () => 4);
    const pairs = LONG ? 30 : 3;
    const recipients = h.config.partners.flatMap((p) => p.contacts).sort();

    // Act: pair i reports week 41 + i, both runs at once.
    const outcomes: string[][] = [];
    for (let i = 0; i < pairs; i += 1) {
      const scheduledTime = new Date(Date.parse('2026-10-12T06:00:00+08:00') + i * 7 * 86_400_000).toISOString();
      const event = { cooperationId: 'coop', scheduledTime };
      const runs = await Promise.allSettled([h.pipeline.report(event), h.pipeline.report(event)]);
      outcomes.push(runs.map((r) => (r.status === 'fulfilled' ? 'completed' : (r.reason as Error).name)).sort());
    }

    // Assess: every pair has a run that completed (the other may wait for a retry), and one email per recipient.
    expect(outcomes.filter((o) => !o.includes('completed'))).toEqual([]);
    expect(outcomes.flat().filter((o) => o !== 'completed' && o !== 'DeliveryPendingError')).toEqual([]);
    const reports = (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') === 'report');
    const bySubject = new Map<string, string[]>();
    for (const e of reports) bySubject.set(e.subject, [...(bySubject.get(e.subject) ?? []), e.destination.to[0]!]);
    expect(bySubject.size).toBe(pairs);
    for (const to of bySubject.values()) expect(to.sort()).toEqual(recipients);
  });

  it('computes the comparison against a baseline window, scaled to the period length', async () => {
    // Prepare: baseline of 14 days with 28 enrollments (2 a day) -> 14 per 7-day week expected.
    const h = await start(testConfig({ baseline: { from: '2026-10-19', to: '2026-11-01' } }));
    const baselineRows = Array.from(
      { length: 28 },
      (_, i) => `b${i},c,2026-10-${String(19 + (i % 13)).padStart(2, '0')},organic,1`,
    );
    await h.put('inbox/coop/platform/enrollments/base.csv', `${HEADER}\n${baselineRows.join('\n')}\n`);
    await h.put('inbox/coop/platform/enrollments/w46.csv', rows(21, '2026-11-10'));
    await h.pipeline.drain();

    // Act
    await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' });

    // Assess: 21 now vs 14 expected from the baseline; share 1.0 vs 0.0 is significant.
    const report = (await getStoredReport(h.pipeline.runtime.table, 'coop', '2026-W46'))!.report;
    expect(report.comparisonBasis).toEqual({ kind: 'baseline', from: '2026-10-19', to: '2026-11-01' });
    expect(report.metrics.enrollments?.comparison).toMatchObject({ value: 14, change: 7, relativeChange: 0.5 });
    expect(report.metrics.partner_enrollment_share?.comparison).toMatchObject({
      value: 0,
      change: 100,
      unit: 'pp',
      significant: true,
    });
  });

  it('does not restate a report when the same bytes are uploaded again', async () => {
    // Prepare
    const h = await start(testConfig());
    const body = rows(5, '2026-11-10');
    await h.put('inbox/coop/platform/enrollments/w46.csv', body);
    await h.pipeline.drain();
    const event = { cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' };
    await h.pipeline.report(event);

    // Act: a sync client uploads the unchanged file again (a new object version, same content).
    await h.put('inbox/coop/platform/enrollments/w46.csv', body);
    await h.pipeline.drain();
    const again = await h.pipeline.report(event);

    // Assess
    expect(again).toMatchObject({ revision: 1, change: 'unchanged' });
    const reportEmails = (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') !== 'report');
    expect(reportEmails).toEqual([]);
  });

  it('keeps a report stale when late data lands while it is being computed', async () => {
    // Prepare: W46 reported once.
    const h = await start(testConfig());
    const table = h.pipeline.runtime.table;
    await h.put('inbox/coop/platform/enrollments/w46.csv', rows(3, '2026-11-10'));
    await h.pipeline.drain();
    await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' });
    const { saveReport } = await import('../../shared/report/store');
    const { readReportState, getStoredReport: get, markReportsStale } = await import('../../shared/storage/reports');

    // Act: a recomputation reads the stale counter, then an ingest marks the period stale, then it saves.
    const seen = await readReportState(table, 'coop', '2026-W46');
    await markReportsStale(table, 'coop', ['2026-W46']);
    const current = (await get(table, 'coop', '2026-W46'))!;
    await saveReport(table, current.report, new Date(), seen);
    expect(seen.current?.revision).toBe(1);

    // Assess: the mark that arrived during the computation survives.
    expect((await listStoredReports(table, 'coop')).map((r) => r.stale)).toEqual([true]);
  });
});
