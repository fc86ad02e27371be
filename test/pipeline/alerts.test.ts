import type { MiddlewareStack } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../shared/config/schema';
import { header, testConfig, harnessPerTest, type Harness } from '../support/harness';

const HEADER = 'user_id,course_id,enrolled_at,channel,amount';
/** Mondays of 2026-W41..W47. */
const WEEKS = ['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16'];
const weekFile = (n: number, monday: string) =>
  `${HEADER}\n${Array.from({ length: n }, (_, i) => `u${i},c,${monday}T10:00:00+08:00,ad,10`).join('\n')}\n`;
const mondayAfter = (i: number) => `${WEEKS[i + 1]}T06:00:00+08:00`;

const alertEmails = async (h: Harness) => (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') === 'alert');

describe('alerts', () => {
  const start = harnessPerTest();

  it('fires once and resolves once across a backfilled series, with one email per run and recipient', async () => {
    // Prepare: enrollments per week 60, 20, 15, 70, 65, 10 against a minimum of 50.
    const h = await start(testConfig({ targets: { enrollments: { min: 50 } } }));
    const counts = [60, 20, 15, 70, 65, 10];
    for (const [i, n] of counts.entries())
      await h.put(`inbox/coop/platform/enrollments/w${i}.csv`, weekFile(n, WEEKS[i]!));
    await h.pipeline.drain();

    // Act: the schedule fires after each week, in order.
    const transitions = [];
    for (let i = 0; i < counts.length; i += 1) {
      const run = await h.pipeline.report({ cooperationId: 'coop', scheduledTime: mondayAfter(i) });
      transitions.push(...run.alerts.map((a) => `${a.period} ${a.metric} ${a.transition}`));
    }

    // Assess, by hand with the rule of docs/alerts.md (one target: k = 0.75, h = 3.52; a count's
    // se is sqrt(count)): W41 60 >= 50, S = 0. W42 z = (50 - 20) / sqrt(20) = 6.71, S = 5.96 >= h: fires.
    // W43 15: still off target. W44 70: meets by its value once (a count has no interval, so not `met`
    // on interval evidence): not yet resolved. W45 65: the value met the target two final periods
    // running: resolves. W46 z = (50 - 10) / sqrt(10) = 12.6: fires again.
    expect(transitions).toEqual([
      '2026-W42 enrollments firing',
      '2026-W45 enrollments resolved',
      '2026-W46 enrollments firing',
    ]);
    const recipients = h.config.partners.flatMap((p) => p.contacts);
    expect(await alertEmails(h)).toHaveLength(3 * recipients.length);
    const w44 = (await h.emails()).find(
      (e) => header(e, 'X-Crosslift-Kind') === 'report' && e.subject.includes('2026-W44'),
    );
    expect(w44?.body.text).toContain('Alerts firing:');
    expect(w44?.body.text).toContain('Enrollments: not confirmed recovered: 70 vs >= 50');
    const resolved = (await alertEmails(h)).find((e) => e.subject.includes('2026-W45'));
    expect(resolved?.body.text).toContain(
      'back on target (estimate met the target two final periods running): 65 >= 50',
    );
  });

  it('treats a small sample as insufficient data, never as a shortfall', async () => {
    // Prepare: 3 ratings of 1 (default minSample for means is 10).
    const h = await start(testConfig({ targets: { avg_rating: { min: 4 } } }));
    await h.put(
      'inbox/coop/school/feedback/f.csv',
      'user_id,submitted_at,rating\nu1,2026-11-10,1\nu2,2026-11-10,1\nu3,2026-11-11,1\n',
    );
    await h.pipeline.drain();

    // Act
    const run = await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' });

    // Assess
    expect(run.alerts).toEqual([]);
    expect(await alertEmails(h)).toHaveLength(0);
  });

  it('raises no_data when a dataset the cooperation had stops arriving, and resolves it when it returns', async () => {
    const h = await start(testConfig());
    await h.put('inbox/coop/platform/enrollments/w45.csv', weekFile(4, WEEKS[4]!));
    await h.put('inbox/coop/platform/enrollments/w47.csv', weekFile(4, WEEKS[6]!));
    await h.pipeline.drain();

    const w45 = await h.pipeline.report({ cooperationId: 'coop', scheduledTime: mondayAfter(4) });
    const w46 = await h.pipeline.report({ cooperationId: 'coop', scheduledTime: mondayAfter(5) });
    const w47 = await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-23T06:00:00+08:00' });

    expect(w45.alerts).toEqual([]);
    expect(w46.alerts).toEqual([{ metric: 'data:enrollments', period: '2026-W46', transition: 'no_data' }]);
    expect(w47.alerts).toEqual([{ metric: 'data:enrollments', period: '2026-W47', transition: 'resolved' }]);
  });

  it('sends each alert exactly once when SES fails for one recipient and the run is retried', async () => {
    // Prepare: three recipients; SES refuses the first alert to the second one.
    const config = testConfig({ targets: { enrollments: { min: 50 } } }) as ConfigInput;
    config.cooperations[0]!.recipients = ['a@ops.example', 'b@ops.example', 'c@ops.example'];
    const h = await start(config);
    await h.put('inbox/coop/platform/enrollments/w.csv', weekFile(2, WEEKS[5]!));
    await h.pipeline.drain();
    let failed = false;
    (h.pipeline.runtime.clients.ses.middlewareStack as MiddlewareStack<object, object>).add(
      (next) => async (args) => {
        const input = (args as { input: { Destination?: { ToAddresses?: string[] }; Content?: unknown } }).input;
        const isAlert =
          JSON.stringify(input.Content).includes('X-Crosslift-Kind') &&
          JSON.stringify(input.Content).includes('"alert"');
        if (!failed && isAlert && input.Destination?.ToAddresses?.[0] === 'b@ops.example') {
          failed = true;
          throw Object.assign(new Error('Throttling: Maximum sending rate exceeded'), {
            name: 'TooManyRequestsException',
          });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const event = { cooperationId: 'coop', scheduledTime: mondayAfter(5) };

    // Act: the first run fails on the second recipient; Lambda retries it.
    await expect(h.pipeline.report(event)).rejects.toThrow();
    await h.pipeline.report(event);
    await h.pipeline.report(event);

    // Assess
    expect(failed).toBe(true);
    const alerts = await alertEmails(h);
    expect(alerts.map((e) => e.destination.to[0]).sort()).toEqual(['a@ops.example', 'b@ops.example', 'c@ops.example']);
  });

  it('escapes hostile names and neutralises formulas in the CSV, in both locales', async () => {
    // Prepare: a cooperation named with HTML and a formula; the school reads Chinese.
    const config = testConfig({
      name: '=HYPERLINK("http://x.example") <script>alert(1)</script>',
      targets: { enrollments: { min: 100 } },
    });
    config.partners[1]!.locale = 'zh-CN';
    const h = await start(config);
    await h.put('inbox/coop/platform/enrollments/w.csv', weekFile(3, WEEKS[5]!));
    await h.pipeline.drain();

    // Act
    await h.pipeline.report({ cooperationId: 'coop', scheduledTime: mondayAfter(5) });

    // Assess
    const emails = await h.emails();
    for (const email of emails) {
      expect(email.body.html).not.toContain('<script>');
      expect(email.body.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const school = h.config.partners[1]!.contacts[0]!;
    const report = emails.find((e) => header(e, 'X-Crosslift-Kind') === 'report' && e.destination.to[0] === school)!;
    expect(report.subject).toContain('1 项未达标');
    expect(report.body.html).toContain('报名人数');
    const platformReport = emails.find(
      (e) => header(e, 'X-Crosslift-Kind') === 'report' && e.destination.to[0] !== school,
    )!;
    expect(platformReport.subject).toContain('1 off target');
    const csv = Buffer.from(
      report.attachments.find((a) => a.filename?.endsWith('.csv'))!.content!,
      'base64',
    ).toString();
    expect(csv.split('\r\n')[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/x\.example""\) <script>/);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });
});
