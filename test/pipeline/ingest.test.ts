import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listFileRecords } from '../../shared/storage/file-ledger';
import { computeReport } from '../../shared/report/compute-report';
import { periodOfLabel } from '../../shared/time/periods';
import { header, startHarness, testConfig, type Harness } from '../support/harness';

const ENROLLMENT_HEADER = 'user_id,course_id,enrolled_at,channel,amount,refunded';

describe('a file dropped into the local bucket', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(testConfig({ targets: { enrollments: { min: 10 } } }));
  });
  afterEach(async () => h.close());

  it('ends as the right numbers in the stored report and as an email in the local SES', async () => {
    // Prepare: 2026-W46 is 2026-11-09..15 in Asia/Shanghai. The 23:30Z row is 2026-11-16 07:30 local: next week.
    const rows = [
      'u1,c1,2026-11-09T10:00:00+08:00,referral,100,false',
      'u2,c1,2026-11-10,organic,50,false',
      'u3,c2,2026-11-15T23:59:00,ad,30.5,false',
      'u4,c2,2026-11-12T09:00:00Z,co_brand,20,true',
      'u5,c2,2026-11-15T23:30:00Z,event,999,false',
    ];
    // Independent expectation: rows 1-3 count (row 4 refunded, row 5 outside the week).
    const expected = { enrollments: 3, revenue: 100 + 50 + 30.5, partnerShare: 2 / 3 };

    // Act
    await h.put('inbox/coop/platform/enrollments/week46.csv', `${ENROLLMENT_HEADER}\n${rows.join('\n')}\n`);
    await h.pipeline.drain();
    const run = await h.pipeline.report({ cooperationId: 'coop', scheduledTime: '2026-11-16T06:00:00+08:00' });

    // Assess
    expect(run.period).toBe('2026-W46');
    const stored = await computeReport(
      h.pipeline.runtime,
      h.config.cooperations[0]!,
      periodOfLabel('2026-W46', 'Asia/Shanghai')!,
    );
    const metrics = stored.stored.report.metrics;
    expect(metrics.enrollments?.value).toBe(expected.enrollments);
    expect(metrics.revenue?.value).toBeCloseTo(expected.revenue, 9);
    expect(metrics.partner_enrollment_share?.value).toBeCloseTo(expected.partnerShare, 12);
    expect(metrics.refund_rate?.value).toBeCloseTo(1 / 4, 12);
    expect(metrics.enrollments?.status).toBe('not_met');
    const reportEmails = (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') === 'report');
    expect(reportEmails.map((e) => e.destination.to[0]).sort()).toEqual(
      [...h.config.partners.flatMap((p) => p.contacts)].sort(),
    );
    expect(reportEmails[0]!.subject).toContain('2026-W46');
    expect(reportEmails[0]!.body.html).toContain('Enrollments');
  });

  it('reports a bad row with its line and column and keeps the good rows', async () => {
    // Prepare: 30 good rows, one bad amount on line 5 (header is line 1), one quoted field with a newline.
    const good = Array.from({ length: 30 }, (_, i) => `u${i},c1,2026-11-10,organic,10,false`);
    good.splice(3, 0, 'secret-user-42,c1,2026-11-10,organic,-5,false');
    good.splice(10, 0, 'u99,"course\nwith newline",2026-11-10,ad,10,false');

    // Act
    await h.put('inbox/coop/school/enrollments/bad.csv', `${ENROLLMENT_HEADER}\n${good.join('\n')}\n`);
    await h.pipeline.drain();

    // Assess
    const [record] = await listFileRecords(h.pipeline.runtime.table, 'coop');
    expect(record).toMatchObject({ status: 'partial', rows: 32, rejectedRows: 1 });
    expect(record!.errors).toEqual([{ line: 5, column: 'amount', reason: 'expected a number >= 0' }]);
    expect(JSON.stringify(record)).not.toContain('secret-user-42');
    const errorReport = JSON.parse(
      (await h.get('reports/rejected/inbox/coop/school/enrollments/bad.csv.errors.json'))!,
    );
    expect(errorReport).toMatchObject({ status: 'partial', rejectedRows: 1, errors: [{ line: 5, column: 'amount' }] });
    const rejection = (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') === 'rejection');
    expect(rejection.map((e) => e.destination.to[0])).toEqual(h.config.partners[1]!.contacts);
    expect(rejection[0]!.body.text).toContain('line 5, column amount');
    expect(rejection[0]!.body.text).not.toContain('secret-user-42');
  });

  it('rejects a key outside the layout, naming why', async () => {
    // Act
    await h.put('inbox/coop/platform/bogus.csv', 'a,b\n1,2\n');
    await h.put('inbox/coop/platform/unknown-dataset/x.csv', 'a,b\n1,2\n');
    await h.put('inbox/coop/stranger/enrollments/x.csv', 'a,b\n1,2\n');
    await h.pipeline.drain();

    // Assess
    const unrouted = await listFileRecords(h.pipeline.runtime.table, '-');
    const routed = await listFileRecords(h.pipeline.runtime.table, 'coop');
    const reasons = Object.fromEntries([...unrouted, ...routed].map((r) => [r.key, r.errors[0]?.reason]));
    expect(reasons).toEqual({
      'inbox/coop/platform/bogus.csv':
        'key is outside the drop layout: expected inbox/<cooperation>/<partner>/<dataset>/<file>',
      'inbox/coop/platform/unknown-dataset/x.csv': 'unknown dataset "unknown-dataset"',
      'inbox/coop/stranger/enrollments/x.csv': '"stranger" is not a partner of cooperation coop',
    });
  });

  it('stores a streamed upload byte for byte (checksum mode pinned for the emulator)', async () => {
    // Prepare: a 3 MB body streamed from a generator, as the CLI uploads files.
    const { Readable } = await import('node:stream');
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const chunk = Buffer.alloc(64 * 1024, 'abcdefgh');
    const total = chunk.length * 48;

    // Act
    await h.pipeline.runtime.clients.s3.send(
      new PutObjectCommand({
        Bucket: h.stack.bucketName,
        Key: 'uploads/stream.bin',
        Body: Readable.from(
          (function* () {
            for (let i = 0; i < 48; i += 1) yield chunk;
          })(),
        ),
        ContentLength: total,
      }),
    );

    // Assess
    const body = await h.get('uploads/stream.bin');
    expect(body?.length).toBe(total);
    expect(body).toBe(chunk.toString().repeat(48));
  });
});
