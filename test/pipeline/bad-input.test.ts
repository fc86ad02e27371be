import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFileRecord, listFileRecords } from '../../shared/storage/file-ledger';
import { countedTotals, harnessPerTest, header, startHarness, testConfig, type Harness } from '../support/harness';

const HEADER = 'user_id,course_id,enrolled_at,channel,amount';
const GOOD_ROW = 'user-secret-7,c1,2026-11-02,ad,10';

/** One fixture per whole-file problem, with the reason the partner must read. */
const FIXTURES: { name: string; body: Buffer; reason: RegExp }[] = [
  {
    name: 'not-utf8.csv',
    body: Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xc3, 0x28]), Buffer.from(',c,2026-11-02,ad,1\n')]),
    reason: /not valid UTF-8/,
  },
  {
    name: 'utf16.csv',
    body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n`, 'utf16le')]),
    reason: /UTF-16/,
  },
  { name: 'nul.csv', body: Buffer.from(`${HEADER}\nu\0,c,2026-11-02,ad,1\n`), reason: /NUL bytes/ },
  { name: 'empty.csv', body: Buffer.alloc(0), reason: /empty/ },
  { name: 'header-only.csv', body: Buffer.from(`${HEADER}\n`), reason: /no data rows/ },
  {
    name: 'missing-column.csv',
    body: Buffer.from(`user_id,course_id,enrolled_at,channel\n${GOOD_ROW}\n`),
    reason: /missing required column amount/,
  },
  {
    name: 'truncated.csv.gz',
    body: gzipSync(`${HEADER}\n${GOOD_ROW}\n`.repeat(50)).subarray(0, 40),
    reason: /not a complete gzip stream/,
  },
  {
    name: 'bomb.csv.gz',
    body: gzipSync(Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(3_000_000, 0x20)])),
    reason: /larger than the limit/,
  },
  {
    name: 'semicolons.csv',
    body: Buffer.from(`user_id;course_id;enrolled_at;channel;amount\nu;c;2026-11-02;ad;1\n`),
    reason: /semicolons/,
  },
  { name: 'object.json', body: Buffer.from('{"user_id":"u"}'), reason: /expected a JSON array/ },
  {
    name: 'too-many-bad.csv',
    body: Buffer.from(`${HEADER}\n${GOOD_ROW}\nu,c,2026-11-02,ad,-1\n`),
    reason: /rows were rejected, over the limit/,
  },
];

describe('bad input through the ingest handler', () => {
  let h: Harness;
  beforeAll(async () => {
    const config = testConfig();
    h = await startHarness({ ...config, ingest: { maxUncompressedBytes: 1_000_000, maxRejectedShare: 0.05 } });
    for (const fixture of FIXTURES) await h.put(`inbox/coop/school/enrollments/${fixture.name}`, fixture.body);
    await h.put('inbox/coop/school/enrollments/notes.txt', 'hello');
    await h.pipeline.drain();
  });
  afterAll(async () => h.close());

  it.each(FIXTURES)(
    '$name is rejected with one clear reason, an error report and no crash',
    async ({ name, reason }) => {
      const key = `inbox/coop/school/enrollments/${name}`;
      const record = await getFileRecord(h.pipeline.runtime.table, 'coop', key);
      expect(record?.status).toBe('rejected');
      expect(record?.errors[0]?.reason).toMatch(reason);
      expect(record?.generation).toBeUndefined();
      const report = JSON.parse((await h.get(`reports/rejected/${key}.errors.json`))!);
      expect(report.status).toBe('rejected');
    },
  );

  it('rejects unsupported file types without ingesting them', async () => {
    const records = await listFileRecords(h.pipeline.runtime.table, 'coop');
    expect(records.find((r) => r.key.endsWith('notes.txt'))?.errors[0]?.reason).toMatch(/unsupported file type/);
  });

  it('never lets a row value reach DynamoDB records, reports or dead letters', async () => {
    const records = await listFileRecords(h.pipeline.runtime.table, 'coop');
    expect(JSON.stringify(records)).not.toContain('user-secret-7');
    expect(h.pipeline.deadLetters).toEqual([]);
  });
});

describe('keys with "." and ".." segments on the local stack', () => {
  const start = harnessPerTest();

  it("refuses them, so its file store never resolves one into another partner's prefix", async () => {
    // Prepare
    const h = await start(testConfig());
    const body = `${HEADER}\n${GOOD_ROW}\n`;

    // Act: the school names the platform's prefix through "..", then a reconcile pass runs.
    const puts = await Promise.all(
      ['inbox/coop/school/../platform/enrollments/x.csv', 'inbox/coop/school/./enrollments/y.csv'].map((key) =>
        h.put(key, body).then(
          () => 'stored',
          (e: Error) => e.message,
        ),
      ),
    );
    await h.pipeline.drain();
    const repaired = await h.pipeline.reconcile();

    // Assess
    expect(puts.every((p) => /"\." or "\.\." segment/.test(p))).toBe(true);
    expect(repaired.repaired).toEqual([]);
    expect(await listFileRecords(h.pipeline.runtime.table, 'coop')).toEqual([]);
    expect(await countedTotals(h, 'enrollments')).toEqual({});
  });
});

describe('keys that cannot be routed', () => {
  const start = harnessPerTest();
  const body = `${HEADER}\n${GOOD_ROW}\n`;
  const rejections = async (h: Harness) =>
    (await h.emails())
      .filter((e) => header(e, 'X-Crosslift-Kind') === 'rejection')
      .map((e) => `${e.destination.to[0]} ${e.subject}`);

  it('are reported to the partner whose prefix holds them, once per version', async () => {
    // Prepare: S3 delivers every event twice.
    const h = await start(testConfig(), { deliver: (event, invoke) => [1, 2].forEach(() => invoke(event)) });
    const school = h.config.partners[1]!.contacts[0]!;

    // Act: two keys under the school's prefix, one under a stranger's, one under an unknown cooperation.
    await h.put('inbox/coop/school/Enrollments/typo.csv', body);
    await h.put('inbox/coop/school/enrollments/x.xlsx', body);
    await h.put('inbox/coop/stranger/enrollments/s.csv', body);
    await h.put('inbox/other/school/enrollments/o.csv', body);
    await h.put('inbox/coop/school/enrollments/week\r\n47.csv', body);
    await h.pipeline.drain();
    const first = await rejections(h);
    await h.put('inbox/coop/school/Enrollments/typo.csv', `${body}${GOOD_ROW}\n`);
    await h.pipeline.drain();

    // Assess
    expect(first.sort()).toEqual([
      `${school} crosslift: typo.csv rejected`,
      `${school} crosslift: week\uFFFD\uFFFD47.csv rejected`,
      `${school} crosslift: x.xlsx rejected`,
    ]);
    expect(await rejections(h)).toHaveLength(4);
    const email = (await h.emails()).find((e) => e.subject.includes('x.xlsx'))!;
    expect(email.body.text).toContain('unsupported file type');
  });

  it('include a dataset the partner does not deliver, when the cooperation names what it delivers', async () => {
    // Prepare
    const h = await start(testConfig({ delivers: { school: ['enrollments'] } } as never));

    // Act
    await h.put('inbox/coop/school/campaigns/c.csv', 'date,channel,impressions,clicks,conversions,spend,revenue\n');
    await h.put('inbox/coop/school/enrollments/e.csv', body);
    await h.pipeline.drain();

    // Assess
    const table = h.pipeline.runtime.table;
    expect(await getFileRecord(table, 'coop', 'inbox/coop/school/campaigns/c.csv')).toMatchObject({
      status: 'rejected',
      errors: [{ reason: '"school" does not deliver campaigns in cooperation coop: it delivers enrollments' }],
    });
    const allowed = await getFileRecord(table, 'coop', 'inbox/coop/school/enrollments/e.csv');
    expect(allowed).toMatchObject({ status: 'accepted' });
    expect(await rejections(h)).toEqual([`${h.config.partners[1]!.contacts[0]} crosslift: c.csv rejected`]);
  });
});
