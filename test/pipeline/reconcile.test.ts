import type { MiddlewareStack } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { EventShapeError, RemovalWithheldError } from '../../shared/errors';
import { MASS_REMOVAL } from '../../shared/ingest/reconcile';
import { getFileRecord, listFileRecords } from '../../shared/storage/file-ledger';
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
    expect(second.repaired).toEqual([
      { key: 'inbox/coop/school/enrollments/b.csv', action: 'removed_missing', status: 'deleted' },
    ]);
    expect(third.repaired).toEqual([]);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 2, revenue: 200 });
    expect(await getFileRecord(h.pipeline.runtime.table, 'coop', 'inbox/coop/school/enrollments/b.csv')).toMatchObject({
      status: 'deleted',
    });
  });

  /** An S3 event's name (the harness delivers standard S3 notifications). */
  const eventName = (event: unknown) => (event as { Records: { eventName: string }[] }).Records[0]!.eventName;

  /**
   * `files` one-row files of 1 each, ingested; then `gone` of them deleted with their events lost
   * (and every event after, once `lostAfter.all` is set).
   */
  const withDeletionsLost = async (files: number, gone: number, lostAfter = { all: false }) => {
    const h = await start(testConfig(), {
      deliver: (event, invoke) => {
        if (!lostAfter.all && !eventName(event).startsWith('ObjectRemoved:')) invoke(event);
      },
    });
    const key = (i: number) => `inbox/coop/school/enrollments/day-${String(i).padStart(2, '0')}.csv`;
    // Distinct bytes per file (same bytes under two names would count once: a duplicate).
    for (let i = 0; i < files; i += 1) await h.put(key(i), csv(1, 1).replace('u0,', `u0-${i},`));
    await h.pipeline.drain();
    for (let i = 0; i < gone; i += 1) await h.remove(key(i));
    await h.pipeline.drain();
    return h;
  };

  it('withholds removals when most recorded files vanish at once, does the other repairs, and removes when allowed', async () => {
    // Prepare: 20 files counted, then 11 gone without events (as if the bucket were replaced),
    // and one new upload whose event is lost too.
    expect(MASS_REMOVAL).toEqual({ share: 0.5, files: 10 });
    const lost = { all: false };
    const h = await withDeletionsLost(20, 11, lost);
    lost.all = true;
    await h.put('inbox/coop/platform/enrollments/new.csv', csv(3, 5));
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 20, revenue: 20 });

    // Act
    const refused = await h.pipeline.reconcile().catch((error: unknown) => error);

    // Assess: the removals are withheld (the invocation fails, so the error alarm fires), the
    // additive repair is made, every counted number stays.
    expect(refused).toBeInstanceOf(RemovalWithheldError);
    expect((refused as RemovalWithheldError).details).toMatchObject({
      missing: 11,
      recorded: 20,
      repaired: [{ key: 'inbox/coop/platform/enrollments/new.csv', action: 'ingested_missing', status: 'accepted' }],
    });
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 23, revenue: 35 });

    // Act 2: an operator allows it.
    const allowed = await h.pipeline.reconcile({ allowMassRemoval: true });

    // Assess 2
    expect(allowed.repaired).toHaveLength(11);
    expect(allowed.repaired.every((r) => r.action === 'removed_missing' && r.status === 'deleted')).toBe(true);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 12, revenue: 24 });
    expect((await h.pipeline.reconcile()).repaired).toEqual([]);
  });

  it('refuses an event with a misspelt field instead of ignoring it', async () => {
    // Prepare
    const h = await start(testConfig());
    // Act
    const refused = await h.pipeline.reconcile({ allowMassRemovals: true } as never).catch((error: unknown) => error);
    // Assess
    expect(refused).toBeInstanceOf(EventShapeError);
    expect((refused as EventShapeError).details.issues).toEqual([': Unrecognized key: "allowMassRemovals"']);
  });

  it.each([
    [20, 10, 'half the files (not more)'],
    [12, 9, 'fewer than 10 files'],
  ])('removes %i - %i files missing at once: %s is not a mass removal', async (files, gone) => {
    // Prepare
    const h = await withDeletionsLost(files, gone);

    // Act
    const run = await h.pipeline.reconcile();

    // Assess
    expect(run.repaired).toHaveLength(gone);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: files - gone });
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

  it('reaches every object when one key is too long for DynamoDB, and rejects that key with the reason', async () => {
    // Prepare: every event is lost; a 1,022-byte key (legal in S3) sorts before a good file.
    const h = await start(testConfig(), { deliver: () => undefined });
    const folder = 'inbox/coop/school/enrollments/';
    const segment = 'a'.repeat(200);
    const name = 'b'.repeat(1022 - folder.length - 4 * 201 - 4);
    const long = `${folder}${[segment, segment, segment, segment].join('/')}/${name}.csv`;
    expect(Buffer.byteLength(long)).toBe(1022);
    await h.put(long, csv(2, 1));
    await h.put('inbox/coop/school/enrollments/b.csv', csv(3, 1));

    // Act
    const first = await h.pipeline.reconcile();
    const second = await h.pipeline.reconcile();

    // Assess: the good file is counted; the long key is recorded as rejected, once, with the reason.
    expect(first.repaired.map((r) => [r.key === long ? 'long' : r.key, r.status]).sort()).toEqual([
      ['inbox/coop/school/enrollments/b.csv', 'accepted'],
      ['long', 'unrouted'],
    ]);
    expect(second.repaired).toEqual([]);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 3 });
    const records = await listFileRecords(h.pipeline.runtime.table, 'coop');
    const reason = records.find((r) => r.key === long)?.errors[0]?.reason;
    expect(reason).toMatch(/^key is 1022 bytes long; crosslift takes keys up to 995 bytes/);
  });

  it('records an object whose repair fails, reports it, and goes on with the others', async () => {
    // Prepare: every event is lost; reading one object fails every time.
    const h = await start(testConfig(), { deliver: () => undefined });
    const broken = 'inbox/coop/school/enrollments/a.csv';
    (h.pipeline.runtime.clients.s3.middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        const input = (args as { input: { Key?: string } }).input;
        if ((context as { commandName?: string }).commandName === 'GetObjectCommand' && input.Key === broken) {
          throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalError' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    await h.put(broken, csv(2, 1));
    await h.put('inbox/coop/school/enrollments/b.csv', csv(3, 1));

    // Act
    const result = await h.pipeline.reconcile();

    // Assess
    expect(result.repaired).toEqual([
      { key: broken, action: 'ingested_missing', status: 'error', error: 'InternalError' },
      { key: 'inbox/coop/school/enrollments/b.csv', action: 'ingested_missing', status: 'accepted' },
    ]);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 3 });
  });

  it('reads keys with CR and LF exactly from the listing, and rejects them at routing', async () => {
    // Prepare
    const h = await start(testConfig());
    const key = 'inbox/coop/school/enrollments/week\r\n46.csv';
    await h.put(key, csv(4, 1));
    await h.pipeline.drain();

    // Act
    const result = await h.pipeline.reconcile();

    // Assess: nothing to repair (the listed key is the stored key), and the key was never counted.
    expect(result.repaired).toEqual([]);
    const record = await getFileRecord(h.pipeline.runtime.table, 'coop', key);
    expect(record).toMatchObject({ status: 'rejected' });
    expect(record?.errors[0]?.reason).toMatch(/^key has a control character \(U\+000D\)/);
    expect(await countedTotals(h, 'enrollments')).toEqual({});
  });

  it('recounts a duplicate whose original is gone but whose claim was never released', async () => {
    // Prepare: a file and its copy; then the original is deleted while releasing its content claim fails every time.
    const h = await start(testConfig());
    const body = csv(5, 3);
    await h.put('inbox/coop/platform/enrollments/a.csv', body);
    await h.pipeline.drain();
    await h.put('inbox/coop/platform/enrollments/b.csv', body);
    await h.pipeline.drain();
    let failReleases = true;
    (h.pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>).add(
      (next, context) => async (args) => {
        const input = (args as { input: { Key?: unknown } }).input;
        const command = (context as { commandName?: string }).commandName;
        if (failReleases && command === 'DeleteItemCommand' && JSON.stringify(input.Key).includes('HASH#')) {
          throw Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    await h.remove('inbox/coop/platform/enrollments/a.csv');
    await h.pipeline.drain();
    failReleases = false;
    expect(await countedTotals(h, 'enrollments')).toEqual({});

    // Act
    const result = await h.pipeline.reconcile();

    // Assess
    expect(result.repaired).toEqual([
      { key: 'inbox/coop/platform/enrollments/b.csv', action: 'promoted_duplicate', status: 'accepted' },
    ]);
    expect(await countedTotals(h, 'enrollments')).toMatchObject({ rows: 5, revenue: 15 });
  });

  it('leaves a refused key deleted through S3 alone: its removal is recorded, never repeated by each run', async () => {
    // Prepare: a key the ingest refuses, then deleted (its event arrives).
    const h = await start(testConfig());
    const key = 'inbox/coop/school/enrollments/x.xlsx';
    await h.put(key, csv(1, 1));
    await h.pipeline.drain();
    await h.remove(key);
    await h.pipeline.drain();

    // Act
    const first = await h.pipeline.reconcile();
    const second = await h.pipeline.reconcile();

    // Assess
    expect([first.repaired, second.repaired]).toEqual([[], []]);
    expect(await getFileRecord(h.pipeline.runtime.table, 'coop', key)).toMatchObject({ status: 'deleted' });
  });
});
