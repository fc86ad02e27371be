import type { MiddlewareStack } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { getFileRecord, listFileRecords } from '../../shared/storage/file-ledger';
import { queryDayAggregates } from '../../shared/storage/day-aggregates';
import { countedTotals, testConfig, harnessPerTest, startHarness } from '../support/harness';

const HEADER = 'user_id,course_id,enrolled_at,channel,amount';
/** n enrollment rows spread over `days` days from 2026-11-01, each paying `amount`. */
const enrollmentsCsv = (n: number, amount: number, days = 7) =>
  `${HEADER}\n${Array.from({ length: n }, (_, i) => `u${i},c1,2026-11-${String(1 + (i % days)).padStart(2, '0')},ad,${amount}`).join('\n')}\n`;

describe('exactly once from at-least-once events', () => {
  const start = harnessPerTest();

  it('ignores a repeated event for the same object version', async () => {
    // Prepare: every notification is delivered three times, as S3 may do.
    const h = await start(testConfig(), { deliver: (event, invoke) => [1, 2, 3].forEach(() => invoke(event)) });

    // Act
    await h.put('inbox/coop/platform/enrollments/a.csv', enrollmentsCsv(20, 10));
    await h.pipeline.drain();

    // Assess: 20 rows of 10 each, counted once.
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 20, enrollments: 20, revenue: 200 });
  });

  it("replaces a file's contribution when the same key is uploaded again, and removes it on delete", async () => {
    const h = await start(testConfig());
    const key = 'inbox/coop/platform/enrollments/a.csv';

    // Act 1: first version, then a corrected one.
    await h.put(key, enrollmentsCsv(20, 10));
    await h.pipeline.drain();
    await h.put(key, enrollmentsCsv(5, 7));
    await h.pipeline.drain();

    // Assess 1: only the latest version counts, and the old generation's items are gone.
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 5, revenue: 35 });
    const items = await queryDayAggregates(h.pipeline.runtime.table, 'coop', '2026-11-01', '2026-11-30');
    expect(items).toHaveLength(5);

    // Act 2
    await h.remove(key);
    await h.pipeline.drain();

    // Assess 2
    expect(await countedTotals(h, 'enrollments')).toEqual({});
    expect(await getFileRecord(h.pipeline.runtime.table, 'coop', key)).toMatchObject({ status: 'deleted' });
    expect(await queryDayAggregates(h.pipeline.runtime.table, 'coop', '2026-11-01', '2026-11-30')).toHaveLength(0);
  });

  it('never lets an older event overwrite a newer version (events out of order)', async () => {
    // Prepare: hold events back, then deliver them newest first.
    const held: unknown[] = [];
    const h = await start(testConfig(), { deliver: (event) => held.push(event) });
    const key = 'inbox/coop/platform/enrollments/a.csv';
    await h.put(key, enrollmentsCsv(10, 1));
    await h.put(key, enrollmentsCsv(3, 100));

    // Act
    for (const event of held.reverse()) await h.pipeline.ingest(event);

    // Assess: the second upload (3 rows of 100) is what counts.
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 3, revenue: 300 });
  });

  it('records the same content dropped under another name as a duplicate, counted once', async () => {
    const h = await start(testConfig());
    const body = enrollmentsCsv(8, 5);

    // Act
    await h.put('inbox/coop/platform/enrollments/a.csv', body);
    await h.pipeline.drain();
    await h.put('inbox/coop/platform/enrollments/a-copy.csv', body);
    await h.pipeline.drain();

    // Assess
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 8, revenue: 40 });
    const copy = await getFileRecord(h.pipeline.runtime.table, 'coop', 'inbox/coop/platform/enrollments/a-copy.csv');
    expect(copy).toMatchObject({ status: 'duplicate', duplicateOf: 'inbox/coop/platform/enrollments/a.csv' });
  });

  it("recounts a duplicate when its original is deleted: the copy takes the original's place", async () => {
    // Prepare: a file, and the same bytes under a new name (a duplicate, not counted).
    const h = await start(testConfig());
    const body = enrollmentsCsv(8, 5);
    await h.put('inbox/coop/platform/enrollments/w47.csv', body);
    await h.pipeline.drain();
    await h.put('inbox/coop/platform/enrollments/w47-copy.csv', body);
    await h.pipeline.drain();
    const table = h.pipeline.runtime.table;
    const copy = 'inbox/coop/platform/enrollments/w47-copy.csv';
    expect(await getFileRecord(table, 'coop', copy)).toMatchObject({ status: 'duplicate' });

    // Act: the original is deleted.
    await h.remove('inbox/coop/platform/enrollments/w47.csv');
    await h.pipeline.drain();

    // Assess: the content still counts once, now through the copy.
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 8, revenue: 40 });
    expect(await getFileRecord(table, 'coop', copy)).toMatchObject({ status: 'accepted', rows: 8 });
    expect(h.pipeline.deadLetters).toEqual([]);
  });

  it("recounts the duplicate when the deletion's first attempt died between release and promotion", async () => {
    // Prepare: a file and its copy; the first query of file records after the deletion starts fails once.
    const h = await start(testConfig());
    const body = enrollmentsCsv(8, 5);
    await h.put('inbox/coop/platform/enrollments/a.csv', body);
    await h.pipeline.drain();
    await h.put('inbox/coop/platform/enrollments/b.csv', body);
    await h.pipeline.drain();
    let failed = false;
    (h.pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        const input = JSON.stringify((args as { input: unknown }).input);
        const command = (context as { commandName?: string }).commandName;
        if (!failed && command === 'QueryCommand' && input.includes('FILE#')) {
          failed = true;
          throw Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );

    // Act: the original is deleted; Lambda retries the failed attempt.
    await h.remove('inbox/coop/platform/enrollments/a.csv');
    await h.pipeline.drain();

    // Assess
    expect(failed).toBe(true);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 8, revenue: 40 });
  });

  it('recounts a duplicate when its original is replaced by other bytes, promoting the smallest key', async () => {
    // Prepare: an original and two copies of it.
    const h = await start(testConfig());
    const body = enrollmentsCsv(8, 5);
    await h.put('inbox/coop/platform/enrollments/m.csv', body);
    await h.pipeline.drain();
    await h.put('inbox/coop/platform/enrollments/z.csv', body);
    await h.put('inbox/coop/platform/enrollments/b.csv', body);
    await h.pipeline.drain();

    // Act: the original is overwritten with other rows.
    await h.put('inbox/coop/platform/enrollments/m.csv', enrollmentsCsv(3, 100));
    await h.pipeline.drain();

    // Assess: both contents count once; the copy with the smallest key holds the old content.
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 11, revenue: 8 * 5 + 3 * 100 });
    const table = h.pipeline.runtime.table;
    const status = async (name: string) =>
      (await getFileRecord(table, 'coop', `inbox/coop/platform/enrollments/${name}`))?.status;
    expect([await status('b.csv'), await status('z.csv')]).toEqual(['accepted', 'duplicate']);
  });

  it('counts a file once when another partner of the cooperation drops the same bytes as its own', async () => {
    // Prepare
    const h = await start(testConfig());
    const body = enrollmentsCsv(6, 7);

    // Act: the platform's file, then the school drops the same bytes as its own.
    await h.put('inbox/coop/platform/enrollments/w47.csv', body);
    await h.pipeline.drain();
    await h.put('inbox/coop/school/enrollments/w47.csv', body);
    await h.pipeline.drain();

    // Assess
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 6, revenue: 42 });
    const school = await getFileRecord(h.pipeline.runtime.table, 'coop', 'inbox/coop/school/enrollments/w47.csv');
    expect(school).toMatchObject({
      status: 'duplicate',
      duplicateOf: 'inbox/coop/platform/enrollments/w47.csv',
    });
  });

  it("acknowledges S3's test event and ignores it", async () => {
    const h = await start(testConfig());
    const result = await h.pipeline.ingest({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: h.stack.bucketName });
    expect(result).toEqual({ files: [] });
  });

  it('counts two files of the same cooperation ingested concurrently', async () => {
    const h = await start(testConfig());
    await Promise.all([
      h.put('inbox/coop/platform/enrollments/a.csv', enrollmentsCsv(12, 2)),
      h.put('inbox/coop/school/enrollments/b.csv', enrollmentsCsv(7, 3)),
    ]);
    await h.pipeline.drain();
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 19, revenue: 12 * 2 + 7 * 3 });
  });

  // One ingest per possible crash point: minutes on Amazon DynamoDB Local when test:faults runs it.
  it('leaves the totals correct when the ingest dies after any DynamoDB call and the event is retried', {
    timeout: 180_000,
  }, async () => {
    // Prepare: find how many DynamoDB calls one ingest of a replacing upload makes.
    const key = 'inbox/coop/platform/enrollments/a.csv';
    const countCalls = async () => {
      const probe = await startHarness(testConfig());
      await probe.put(key, enrollmentsCsv(14, 1));
      await probe.pipeline.drain();
      let calls = 0;
      (probe.pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>).add(
        (next) => async (args) => {
          calls += 1;
          return next(args);
        },
        { step: 'initialize' },
      );
      await probe.put(key, enrollmentsCsv(6, 9));
      await probe.pipeline.drain();
      await probe.close();
      return calls;
    };
    const total = await countCalls();
    expect(total).toBeGreaterThan(3);

    for (let crashAt = 1; crashAt <= total; crashAt += 1) {
      // Prepare: version 1 ingested normally, then the process "dies" at call `crashAt` of version 2's first attempt.
      const run = await startHarness(testConfig());
      await run.put(key, enrollmentsCsv(14, 1));
      await run.pipeline.drain();
      let calls = 0;
      let crashed = false;
      (run.pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>).add(
        (next) => async (args) => {
          calls += 1;
          if (!crashed && calls === crashAt) {
            crashed = true;
            throw Object.assign(new Error('simulated crash'), { name: 'SimulatedCrash' });
          }
          return next(args);
        },
        { step: 'initialize' },
      );

      // Act: upload version 2; Lambda's async retry redelivers the event after the failure.
      await run.put(key, enrollmentsCsv(6, 9));
      await run.pipeline.drain();

      // Assess: exactly version 2 counts, whatever point the crash hit.
      expect({ crashAt, totals: await countedTotals(run, 'enrollments') }).toMatchObject({
        crashAt,
        totals: { rows: 6, revenue: 54 },
      });
      expect(run.pipeline.deadLetters).toHaveLength(0);
      const records = await listFileRecords(run.pipeline.runtime.table, 'coop');
      expect(records.map((r) => r.status)).toEqual(['accepted']);
      await run.close();
    }
  });
});

describe('the rejection report of a partly bad file', () => {
  it('is still written and emailed when the first attempt died after committing', async () => {
    // Prepare: the error report's S3 write fails once, after the file record was committed.
    const { startHarness: start, testConfig: cfg, header } = await import('../support/harness');
    const h = await start(cfg());
    try {
      let failed = false;
      (h.pipeline.runtime.clients.s3.middlewareStack as MiddlewareStack<object, object>).add(
        (next, context) => async (args) => {
          const key = (args as { input: { Key?: string } }).input.Key ?? '';
          if (
            !failed &&
            (context as { commandName?: string }).commandName === 'PutObjectCommand' &&
            key.startsWith('reports/rejected/')
          ) {
            failed = true;
            throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
          }
          return next(args);
        },
        { step: 'initialize' },
      );
      const rows = Array.from({ length: 40 }, (_, i) => `u${i},c,2026-11-02,ad,1`);
      rows.push('bad,c,2026-11-02,ad,-1');

      // Act: Lambda retries the failed invocation.
      await h.put('inbox/coop/school/enrollments/p.csv', `${HEADER}\n${rows.join('\n')}\n`);
      await h.pipeline.drain();

      // Assess
      expect(failed).toBe(true);
      expect(
        JSON.parse((await h.get('reports/rejected/inbox/coop/school/enrollments/p.csv.errors.json'))!),
      ).toMatchObject({ rejectedRows: 1 });
      const rejections = (await h.emails()).filter((e) => header(e, 'X-Crosslift-Kind') === 'rejection');
      expect(rejections).toHaveLength(h.config.partners[1]!.contacts.length);
      expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 40 });
    } finally {
      await h.close();
    }
  });
});
