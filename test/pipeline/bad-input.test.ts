import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFileRecord, listFileRecords } from '../../shared/storage/file-ledger';
import { startHarness, testConfig, type Harness } from '../support/harness';

const HEADER = 'user_id,course_id,enrolled_at,channel,amount';
const GOOD_ROW = 'user-secret-7,c1,2026-11-02,ad,10';

/** One fixture per whole-file problem, with the reason the partner must read. */
const FIXTURES: { name: string; body: Buffer; reason: RegExp }[] = [
  { name: 'not-utf8.csv', body: Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xc3, 0x28]), Buffer.from(',c,2026-11-02,ad,1\n')]), reason: /not valid UTF-8/ },
  { name: 'utf16.csv', body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${HEADER}\n`, 'utf16le')]), reason: /UTF-16/ },
  { name: 'nul.csv', body: Buffer.from(`${HEADER}\nu\0,c,2026-11-02,ad,1\n`), reason: /NUL bytes/ },
  { name: 'empty.csv', body: Buffer.alloc(0), reason: /empty/ },
  { name: 'header-only.csv', body: Buffer.from(`${HEADER}\n`), reason: /no data rows/ },
  { name: 'missing-column.csv', body: Buffer.from(`user_id,course_id,enrolled_at,channel\n${GOOD_ROW}\n`), reason: /missing required column amount/ },
  { name: 'truncated.csv.gz', body: gzipSync(`${HEADER}\n${GOOD_ROW}\n`.repeat(50)).subarray(0, 40), reason: /not a complete gzip stream/ },
  { name: 'bomb.csv.gz', body: gzipSync(Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(3_000_000, 0x20)])), reason: /larger than the limit/ },
  { name: 'semicolons.csv', body: Buffer.from(`user_id;course_id;enrolled_at;channel;amount\nu;c;2026-11-02;ad;1\n`), reason: /semicolons/ },
  { name: 'object.json', body: Buffer.from('{"user_id":"u"}'), reason: /expected a JSON array/ },
  { name: 'too-many-bad.csv', body: Buffer.from(`${HEADER}\n${GOOD_ROW}\nu,c,2026-11-02,ad,-1\n`), reason: /rows were rejected, over the limit/ },
];

describe('bad input through the ingest handler', () => {
  let h: Harness;
  beforeAll(async () => {
    const config = testConfig();
    h = await startHarness({ ...config, ingest: { maxUncompressedBytes: 1_000_000, maxRejectedShare: 0.05 } });
    for (const fixture of FIXTURES) await h.put(`inbox/coop/school/enrollments/${fixture.name}`, fixture.body);
    await h.put('inbox/coop/school/enrollments/notes.txt', 'hello');
    await h.put('inbox/coop/school/enrollments/../escape.csv', `${HEADER}\n${GOOD_ROW}\n`);
    await h.pipeline.drain();
  });
  afterAll(async () => h.close());

  it.each(FIXTURES)('$name is rejected with one clear reason, an error report and no crash', async ({ name, reason }) => {
    const key = `inbox/coop/school/enrollments/${name}`;
    const record = await getFileRecord(h.pipeline.runtime.table, 'coop', key);
    expect(record?.status).toBe('rejected');
    expect(record?.errors[0]?.reason).toMatch(reason);
    expect(record?.generation).toBeUndefined();
    const report = JSON.parse((await h.get(`reports/rejected/${key}.errors.json`))!);
    expect(report.status).toBe('rejected');
  });

  it('rejects unsupported file types and ".." segments without ingesting them', async () => {
    const records = [
      ...(await listFileRecords(h.pipeline.runtime.table, 'coop')),
      ...(await listFileRecords(h.pipeline.runtime.table, '-')),
    ];
    expect(records.find((r) => r.key.endsWith('notes.txt'))?.errors[0]?.reason).toMatch(/unsupported file type/);
    // The HTTP layer resolves the ".." before S3 sees it, so the object lands one level up: outside the layout.
    const escape = records.find((r) => r.key.endsWith('escape.csv'));
    expect(escape).toMatchObject({ status: 'rejected' });
    expect(escape?.errors[0]?.reason).toMatch(/"\.\." segment|outside the drop layout/);
  });

  it('never lets a row value reach DynamoDB records, reports or dead letters', async () => {
    const records = await listFileRecords(h.pipeline.runtime.table, 'coop');
    expect(JSON.stringify(records)).not.toContain('user-secret-7');
    expect(h.pipeline.deadLetters).toEqual([]);
  });
});
