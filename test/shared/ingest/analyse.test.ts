import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DatasetName } from '../../../shared/datasets/names';
import { analyseFile, MAX_KEPT_ERRORS, type FileAnalysis } from '../../../shared/ingest/analyse';
import { SourceReadError } from '../../../shared/errors';
import type { FileFormat } from '../../../shared/ingest/formats';
import { DayResolver } from '../../../shared/time/days';

const resolver = new DayResolver('Asia/Shanghai');

interface Options {
  dataset?: DatasetName;
  format?: FileFormat;
  gzip?: boolean;
  maxUncompressedBytes?: number;
  maxRejectedShare?: number;
}

const analyse = (body: string | Buffer, o: Options = {}): Promise<FileAnalysis> =>
  analyseFile(Readable.from([typeof body === 'string' ? Buffer.from(body, 'utf8') : body]), {
    dataset: o.dataset ?? 'enrollments',
    kind: { format: o.format ?? 'csv', gzip: o.gzip ?? false },
    context: { resolver, currency: 'CNY' },
    maxUncompressedBytes: o.maxUncompressedBytes ?? 1_000_000,
    maxRejectedShare: o.maxRejectedShare ?? 0.05,
  });

const HEADER = 'user_id,course_id,enrolled_at,channel,amount';
const row = (user: string, amount: string | number, day = '2026-11-02', channel = 'ad') =>
  `${user},ai-101,${day},${channel},${amount}`;
const csv = (...lines: string[]) => `${lines.join('\n')}\n`;
const daysOf = (a: FileAnalysis) => Object.fromEntries(a.days);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('analyseFile: CSV', () => {
  it('accepts a clean file and aggregates it per local day, with the stored bytes hashed', async () => {
    // Prepare: 16:00Z is midnight in Shanghai, so the third row belongs to 11-03.
    const body = csv(
      HEADER,
      row('u1', '10'),
      row('u2', '20', '2026-11-02T23:59:59'),
      row('u3', '5', '2026-11-02T16:00:00Z', 'organic'),
    );
    // Act
    const result = await analyse(body);
    // Assess: measures = rows, enrollments, revenue, revenue_sq, partner_enrollments, refunded
    expect(result).toMatchObject({ status: 'accepted', rows: 3, acceptedRows: 3, rejectedRows: 0, errors: [] });
    expect(daysOf(result)).toEqual({ '2026-11-02': [2, 2, 30, 500, 2, 0], '2026-11-03': [1, 1, 5, 25, 0, 0] });
    expect(result.stats).toEqual({
      contentHash: sha256(Buffer.from(body)),
      storedBytes: Buffer.byteLength(body),
      uncompressedBytes: Buffer.byteLength(body),
    });
    expect(result.reason).toBeUndefined();
  });

  it('reads a UTF-8 BOM and CRLF line endings, and counts lines from the header as line 1', async () => {
    // Prepare
    const body = `\uFEFF${[HEADER, row('u1', '10'), row('u2', '-1'), row('u3', '5')].join('\r\n')}\r\n`;
    // Act
    const result = await analyse(body, { maxRejectedShare: 0.5 });
    // Assess
    expect(result.status).toBe('partial');
    expect(result.errors).toEqual([{ line: 3, column: 'amount', reason: 'expected a number >= 0' }]);
    expect(daysOf(result)).toEqual({ '2026-11-02': [2, 2, 15, 125, 2, 0] });
  });

  it('reads quoted fields holding commas and doubled quotes', async () => {
    // Prepare
    const body = csv(HEADER, 'u1,"AI, advanced ""pro""",2026-11-02,ad,"1,5"', 'u2,"AI, basics",2026-11-02,ad,"2.5"');
    // Act
    const result = await analyse(body, { maxRejectedShare: 0.5 });
    // Assess: "1,5" is one field (and not a plain decimal), "2.5" is fine
    expect(result.rows).toBe(2);
    expect(result.errors).toEqual([{ line: 2, column: 'amount', reason: 'expected a number >= 0' }]);
    expect(daysOf(result)).toEqual({ '2026-11-02': [1, 1, 2.5, 6.25, 1, 0] });
  });

  it("gives errors the file's own line numbers when a record spans lines (LF)", async () => {
    // Prepare: line 1 header, lines 2-3 one record, line 4 bad, lines 5-7 one record, line 8 bad.
    const body = csv(
      HEADER,
      'u1,"AI',
      'course",2026-11-02,ad,10',
      row('u2', '-1'),
      'u3,"a',
      'b',
      'c",2026-11-02,ad,1',
      row('u4', '1', 'bad'),
    );
    // Act
    const result = await analyse(body, { maxRejectedShare: 0.5 });
    // Assess
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([
      [4, 'amount'],
      [8, 'enrolled_at'],
    ]);
  });

  it('counts blank lines (skipped) and CR-only line endings in the line numbers', async () => {
    // Prepare
    const blank = `${HEADER}\n\n${row('u1', '10')}\n\n${row('u2', '-1')}\n`;
    const crOnly = `${HEADER}\r${row('u1', '10')}\r${row('u2', '-1')}\r`;
    // Act
    const a = await analyse(blank, { maxRejectedShare: 0.5 });
    const b = await analyse(crOnly, { maxRejectedShare: 0.5 });
    // Assess
    expect(a.rows).toBe(2);
    expect(a.errors[0]?.line).toBe(5);
    expect(b.rows).toBe(2);
    expect(b.errors[0]?.line).toBe(3);
  });

  it('ignores extra columns and takes the columns in any order', async () => {
    // Prepare
    const body = csv(
      'amount,note,channel,enrolled_at,user_id,course_id,utm',
      '10,hello,ad,2026-11-02,u1,c1,x',
      '20,,referral,2026-11-03,u2,c1,',
    );
    // Act
    const result = await analyse(body);
    // Assess
    expect(result.status).toBe('accepted');
    expect(daysOf(result)).toEqual({ '2026-11-02': [1, 1, 10, 100, 1, 0], '2026-11-03': [1, 1, 20, 400, 1, 0] });
  });

  it('reports a row with the wrong number of fields as a row error', async () => {
    // Prepare
    const body = csv(HEADER, row('u1', '10'), `${row('u2', '10')},extra`, 'u3,c', row('u4', '4'));
    // Act
    const result = await analyse(body, { maxRejectedShare: 0.5 });
    // Assess
    expect(result.status).toBe('partial');
    expect(result.errors).toEqual([
      { line: 3, reason: 'expected 5 fields as in the header, found 6' },
      { line: 4, reason: 'expected 5 fields as in the header, found 2' },
    ]);
  });

  it('rejects a header missing a required column, naming the column and the dataset', async () => {
    // Prepare
    const body = csv('user_id,course_id,enrolled_at,channel', 'u1,c,2026-11-02,ad');
    // Act
    const result = await analyse(body);
    // Assess
    expect(result.status).toBe('rejected');
    expect(result.reason).toBe('header is missing required column amount for dataset enrollments');
    expect(result.errors).toEqual([{ line: 1, reason: result.reason }]);
    expect(result.days.size).toBe(0);
  });

  it('names every missing column, also for a header-only file', async () => {
    // Prepare
    const body = 'user_id,channel\n';
    // Act
    const result = await analyse(body);
    // Assess
    expect(result.status).toBe('rejected');
    expect(result.reason).toMatch(/^header is missing required columns course_id, enrolled_at, amount/);
  });

  it('rejects a header that names a column twice', async () => {
    // Prepare
    const body = csv(`${HEADER},amount`, `${row('u1', '10')},11`);
    // Act
    const result = await analyse(body);
    // Assess
    expect(result).toMatchObject({
      status: 'rejected',
      reason: 'header names column "amount" twice',
      errors: [{ line: 1 }],
    });
  });

  it.each([
    [';', 'semicolons'],
    ['\t', 'tabs'],
    ['|', 'pipes'],
  ])('rejects a one-column header delimited by %j with a hint', async (delimiter, name) => {
    // Prepare
    const body = csv(HEADER.replace(/,/g, delimiter), row('u1', '1').replace(/,/g, delimiter));
    // Act
    const result = await analyse(body);
    // Assess
    expect(result.status).toBe('rejected');
    expect(result.reason).toBe(`header has one column and uses ${name}: expected comma-separated values`);
  });

  it.each([
    ['an empty file', ''],
    ['a file of blank lines', '\n\r\n\n'],
  ])('rejects %s as empty', async (_name, body) => {
    // Prepare: nothing beyond the body
    // Act
    const result = await analyse(body);
    // Assess
    expect(result).toMatchObject({ status: 'rejected', rows: 0, reason: 'file is empty: expected a header row' });
  });

  it.each([`${HEADER}\n`, HEADER, `${HEADER}\n\n\n`])(
    'rejects the header-only file %j as having no data rows',
    async (body) => {
      // Prepare: nothing beyond the body
      // Act
      const result = await analyse(body);
      // Assess
      expect(result).toMatchObject({
        status: 'rejected',
        rows: 0,
        acceptedRows: 0,
        rejectedRows: 0,
        reason: 'file has a header but no data rows',
      });
    },
  );

  it('rejects a quoted field that is never closed, with the line', async () => {
    // Prepare
    const body = csv(HEADER, row('u1', '10'), 'u2,"ai-101,2026-11-02,ad,10', row('u3', '1'));
    // Act
    const result = await analyse(body);
    // Assess
    expect(result.status).toBe('rejected');
    expect(result.reason).toMatch(/^a quoted field is never closed at line \d+$/);
    expect(result.days.size).toBe(0);
  });

  it('rejects text after a closing quote as malformed CSV, with the line', async () => {
    // Prepare
    const body = csv(HEADER, row('u1', '10'), 'u2,"ai"101,2026-11-02,ad,10');
    // Act
    const result = await analyse(body);
    // Assess
    expect(result).toMatchObject({
      status: 'rejected',
      reason: 'malformed CSV (invalid closing quote) at line 3',
      errors: [{ line: 3 }],
    });
  });
});

describe('analyseFile: JSON and NDJSON', () => {
  const good = { user_id: 'u1', course_id: 'c', enrolled_at: '2026-11-02', channel: 'ad', amount: 10 };

  it('accepts a JSON array of objects and numbers errors by record', async () => {
    // Prepare
    const body = JSON.stringify([good, { ...good, amount: -1 }, 'text', { ...good, amount: '2.5', refunded: false }]);
    // Act
    const result = await analyse(body, { format: 'json', maxRejectedShare: 0.5 });
    // Assess
    expect(result).toMatchObject({ status: 'partial', rows: 4, acceptedRows: 2, rejectedRows: 2 });
    expect(result.errors).toEqual([
      { record: 2, column: 'amount', reason: 'expected a number >= 0' },
      { record: 3, reason: 'expected a JSON object' },
    ]);
    expect(daysOf(result)).toEqual({ '2026-11-02': [2, 2, 12.5, 106.25, 2, 0] });
  });

  it('accepts a JSON array saved with a UTF-8 BOM', async () => {
    // Prepare
    const body = `\uFEFF${JSON.stringify([good])}`;
    // Act
    const result = await analyse(body, { format: 'json' });
    // Assess
    expect(result.status).toBe('accepted');
  });

  it('refuses 1e309 in JSON (it reads as Infinity)', async () => {
    // Prepare
    const body = `[${JSON.stringify(good)},{"user_id":"u2","course_id":"c","enrolled_at":"2026-11-02","channel":"ad","amount":1e309}]`;
    // Act
    const result = await analyse(body, { format: 'json', maxRejectedShare: 0.5 });
    // Assess
    expect(result.errors).toEqual([{ record: 2, column: 'amount', reason: 'expected a number >= 0' }]);
  });

  it.each([
    ['an object', JSON.stringify(good), 'expected a JSON array of objects, found another JSON value'],
    ['a number', '42', 'expected a JSON array of objects, found another JSON value'],
    ['an empty array', '[]', 'file holds no records: expected a JSON array of objects'],
    [
      'a truncated array',
      `[${JSON.stringify(good)},{"user_id"`,
      /^not valid JSON( after record \d+)?: expected a JSON array of objects$/,
    ],
    ['garbage', 'hello', 'not valid JSON: expected a JSON array of objects'],
    ['an empty file', '', /^(not valid JSON|file holds no records): expected a JSON array of objects$/],
  ])('rejects %s as a JSON file', async (_name, body, reason) => {
    // Prepare: nothing beyond the body
    // Act
    const result = await analyse(body, { format: 'json' });
    // Assess
    expect(result.status).toBe('rejected');
    if (typeof reason === 'string') expect(result.reason).toBe(reason);
    else expect(result.reason).toMatch(reason);
    expect(result.days.size).toBe(0);
  });

  it('reads NDJSON line by line: blank lines skipped, a bad line reported with its line number', async () => {
    // Prepare
    const lines = [
      JSON.stringify(good),
      '',
      JSON.stringify({ ...good, amount: 3 }),
      '{"user_id": broken',
      '[1,2]',
      JSON.stringify({ ...good, channel: 'tv' }),
    ];
    const body = `\uFEFF${lines.join('\r\n')}\r\n`;
    // Act
    const result = await analyse(body, { format: 'ndjson', maxRejectedShare: 0.9 });
    // Assess
    expect(result).toMatchObject({ status: 'partial', rows: 5, acceptedRows: 2, rejectedRows: 3 });
    expect(result.errors).toEqual([
      { line: 4, reason: 'expected a JSON object on this line' },
      { line: 5, reason: 'expected a JSON object on this line' },
      { line: 6, column: 'channel', reason: 'expected one of referral, ad, event, organic, co_brand' },
    ]);
    expect(daysOf(result)).toEqual({ '2026-11-02': [2, 2, 13, 109, 2, 0] });
  });

  it('rejects an NDJSON file with no records', async () => {
    // Prepare
    const body = '\n  \n';
    // Act
    const result = await analyse(body, { format: 'ndjson' });
    // Assess
    expect(result).toMatchObject({ status: 'rejected', reason: 'file is empty: expected one JSON object per line' });
  });
});

describe('analyseFile: bytes, encodings and compression', () => {
  const body = csv(HEADER, row('u1', '10'), row('u2', '20', '2026-11-03'));

  it('gunzips a .gz file; the hash and stored size are of the compressed bytes', async () => {
    // Prepare
    const gz = gzipSync(body);
    // Act
    const result = await analyse(gz, { gzip: true });
    // Assess
    expect(result.status).toBe('accepted');
    expect(daysOf(result)).toEqual({ '2026-11-02': [1, 1, 10, 100, 1, 0], '2026-11-03': [1, 1, 20, 400, 1, 0] });
    expect(result.stats).toEqual({
      contentHash: sha256(gz),
      storedBytes: gz.length,
      uncompressedBytes: Buffer.byteLength(body),
    });
  });

  it('rejects a truncated gzip stream as a file problem (not a read failure)', async () => {
    // Prepare
    const gz = gzipSync(body.repeat(20));
    // Act
    const result = await analyse(gz.subarray(0, gz.length - 10), { gzip: true });
    // Assess
    expect(result.status).toBe('rejected');
    expect(result.reason).toBe('file is not a complete gzip stream (truncated or corrupt); upload it again');
  });

  it('rejects plain text in a .gz file', async () => {
    // Prepare: nothing beyond the body
    // Act
    const result = await analyse(body, { gzip: true });
    // Assess
    expect(result.reason).toMatch(/not a complete gzip stream/);
  });

  it('rejects a compression bomb as soon as it expands past maxUncompressedBytes', async () => {
    // Prepare: 5 MB of spaces compresses to a few KB.
    const bomb = gzipSync(Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.alloc(5_000_000, 0x20)]));
    // Act
    const result = await analyse(bomb, { gzip: true, maxUncompressedBytes: 100_000 });
    // Assess
    expect(bomb.length).toBeLessThan(50_000);
    expect(result.status).toBe('rejected');
    expect(result.reason).toBe(
      'file is larger than the limit of 100000 bytes uncompressed; split it into smaller files',
    );
  });

  it('rejects a plain file over maxUncompressedBytes, naming the limit in MiB when large', async () => {
    // Prepare
    const big = Buffer.from(csv(HEADER, ...Array.from({ length: 100_000 }, (_, i) => row(`u${i}`, 1))));
    // Act
    const result = await analyse(big, { maxUncompressedBytes: 2 * 1024 * 1024 });
    // Assess
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(result.reason).toBe('file is larger than the limit of 2 MiB uncompressed; split it into smaller files');
  });

  it.each([
    ['LE', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')])],
    ['BE', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(body, 'utf16le').swap16()])],
  ])('rejects UTF-16 %s with a BOM', async (_name, bytes) => {
    // Prepare: nothing beyond the bytes
    // Act
    const result = await analyse(bytes);
    // Assess
    expect(result).toMatchObject({ status: 'rejected', reason: 'file is UTF-16 encoded; save it as UTF-8' });
  });

  it('rejects NUL bytes', async () => {
    // Prepare
    const bytes = Buffer.from(csv(HEADER, row('u1\0', '10')));
    // Act
    const result = await analyse(bytes);
    // Assess
    expect(result.reason).toBe('file contains NUL bytes: it is binary or not UTF-8 text; save it as UTF-8');
  });

  it('rejects invalid UTF-8, naming the chunk offset', async () => {
    // Prepare: 0xC3 0x28 is an invalid two-byte sequence
    const bytes = Buffer.concat([
      Buffer.from(`${HEADER}\n`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(',c,2026-11-02,ad,1\n'),
    ]);
    // Act
    const result = await analyse(bytes);
    // Assess
    expect(result.status).toBe('rejected');
    expect(result.reason).toMatch(/^file is not valid UTF-8 \(near byte \d+\); save it as UTF-8$/);
  });

  it('rejects a file that ends inside a multi-byte character', async () => {
    // Prepare: "é" is C3 A9; keep only C3 at the very end
    const bytes = Buffer.concat([Buffer.from(csv(HEADER, row('u1', '10'))), Buffer.from([0xc3])]);
    // Act
    const result = await analyse(bytes);
    // Assess
    expect(result.reason).toBe('file is not valid UTF-8 (it ends inside a character); save it as UTF-8');
  });

  it('accepts multi-byte UTF-8 split across chunks', async () => {
    // Prepare: split "张" (E5 BC A0) between two chunks
    const bytes = Buffer.from(csv(HEADER, row('张三', '10')));
    const cut = bytes.indexOf(0xbc);
    const source = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]);
    // Act
    const result = await analyseFile(source, {
      dataset: 'enrollments',
      kind: { format: 'csv', gzip: false },
      context: { resolver, currency: 'CNY' },
      maxUncompressedBytes: 1_000_000,
      maxRejectedShare: 0,
    });
    // Assess
    expect(result.status).toBe('accepted');
  });

  it('throws SourceReadError (retry) when reading the source fails, rather than judging the file', async () => {
    // Prepare
    const source = new Readable({
      read() {
        this.push(Buffer.from(`${HEADER}\n`));
        this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      },
    });
    // Act
    const outcome = analyseFile(source, {
      dataset: 'enrollments',
      kind: { format: 'csv', gzip: false },
      context: { resolver, currency: 'CNY' },
      maxUncompressedBytes: 1_000_000,
      maxRejectedShare: 0.05,
    });
    // Assess
    await expect(outcome).rejects.toBeInstanceOf(SourceReadError);
  });
});

describe('analyseFile: bad-row share and error list', () => {
  it('keeps a file whose bad-row share equals the limit (partial) and rejects one just over it', async () => {
    // Prepare: 1 bad of 20 rows is exactly 5%; 2 bad of 20 is 10%.
    const good = Array.from({ length: 19 }, (_, i) => row(`u${i}`, 1));
    const atLimit = csv(HEADER, ...good, row('bad', -1));
    const over = csv(HEADER, ...good.slice(1), row('bad1', -1), row('bad2', -1));
    // Act
    const a = await analyse(atLimit, { maxRejectedShare: 0.05 });
    const b = await analyse(over, { maxRejectedShare: 0.05 });
    // Assess
    expect(a).toMatchObject({ status: 'partial', rows: 20, acceptedRows: 19, rejectedRows: 1 });
    expect(b).toMatchObject({ status: 'rejected', rows: 20, acceptedRows: 0, rejectedRows: 20 });
    expect(b.reason).toBe('10.0% of rows were rejected, over the limit of 5.0%: the file is rejected whole');
    expect(b.errors[0]).toEqual({ reason: b.reason });
    expect(b.errors.slice(1).map((e) => e.line)).toEqual([20, 21]);
    expect(b.days.size).toBe(0);
  });

  it('rejects a file whose every row is bad, listing the reason first', async () => {
    // Prepare
    const body = csv(HEADER, row('a', -1), row('b', 'x'));
    // Act
    const result = await analyse(body, { maxRejectedShare: 1 });
    // Assess
    expect(result).toMatchObject({ status: 'rejected', rows: 2, rejectedRows: 2, reason: 'every row was rejected' });
    expect(result.errors).toHaveLength(3);
  });

  it(`keeps the first ${MAX_KEPT_ERRORS} errors while rejectedRows counts them all`, async () => {
    // Prepare: 250 bad rows interleaved with 250 good ones
    const lines: string[] = [];
    for (let i = 0; i < 250; i += 1) lines.push(row(`g${i}`, 1), row(`b${i}`, -1));
    // Act
    const result = await analyse(csv(HEADER, ...lines), { maxRejectedShare: 1 });
    const rejected = await analyse(csv(HEADER, ...lines), { maxRejectedShare: 0.1 });
    // Assess: the bad rows sit on the odd lines 3, 5, 7, ...
    expect(result).toMatchObject({ status: 'partial', rows: 500, acceptedRows: 250, rejectedRows: 250 });
    expect(result.errors).toHaveLength(MAX_KEPT_ERRORS);
    expect(result.errors.map((e) => e.line)).toEqual(Array.from({ length: MAX_KEPT_ERRORS }, (_, i) => 3 + 2 * i));
    expect(daysOf(result)).toEqual({ '2026-11-02': [250, 250, 250, 250, 250, 0] });
    expect(rejected).toMatchObject({ status: 'rejected', rejectedRows: 500 });
    expect(rejected.errors).toHaveLength(MAX_KEPT_ERRORS);
  });

  it('never repeats a row value (user id or bad cell) in the outcome', async () => {
    // Prepare
    const secret = 'SECRET-USER-5150';
    const body = csv(
      HEADER,
      row('u1', 1),
      `${secret},c,2026-11-02,ad,-5150.99`,
      `${secret},c,SECRET-DATE,SECRET-CHANNEL,1`,
      `${secret},c,2026-11-02,ad,1,SECRET-EXTRA`,
    );
    // Act
    const result = await analyse(body, { maxRejectedShare: 1 });
    // Assess
    expect(result.rejectedRows).toBe(3);
    expect(JSON.stringify({ ...result, days: [...result.days] })).not.toMatch(/SECRET|5150/);
  });
});

describe('analyseFile: properties', () => {
  /** Quotes a CSV field when it needs it. */
  const field = (s: string) => (/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);

  const textArb = fc.string({
    unit: fc.constantFrom('a', 'b', 'Z', '9', ' ', ',', '"', '\n', '\r\n', '-', '张', 'é'),
    maxLength: 8,
  });
  const entryArb = fc.record({
    user: textArb.map((s) => `u${s}`),
    course: textArb.map((s) => `c${s}`),
    // Instants in 2000-2030 written with Z; Asia/Shanghai is UTC+8 all through, so day = (t + 8 h) in UTC.
    at: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }).map((t) => t - (t % 1000)),
    localForm: fc.boolean(),
    channel: fc.constantFrom('referral', 'ad', 'event', 'organic', 'co_brand'),
    cents: fc.integer({ min: 0, max: 1_000_000 }),
    refunded: fc.constantFrom('', 'true', 'false', 'TRUE', '0'),
  });

  it('aggregates any valid enrollments CSV to the per-day totals computed directly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { minLength: 1, maxLength: 30 }),
        fc.shuffledSubarray(['user_id', 'course_id', 'enrolled_at', 'channel', 'amount', 'refunded', 'note'], {
          minLength: 7,
          maxLength: 7,
        }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        async (entries, columns, eol, bom, gzip) => {
          // Prepare: write the file, and the totals a direct computation gives.
          type Six = [number, number, number, number, number, number];
          const expected: Record<string, Six> = {};
          const lines = [columns.join(',')];
          for (const e of entries) {
            const amount = (e.cents / 100).toFixed(2);
            const local = new Date(e.at + 8 * 3_600_000).toISOString();
            const enrolledAt = e.localForm ? local.slice(0, 19) : new Date(e.at).toISOString();
            const values: Record<string, string> = {
              user_id: e.user,
              course_id: e.course,
              enrolled_at: enrolledAt,
              channel: e.channel,
              amount,
              refunded: e.refunded,
              note: e.course,
            };
            lines.push(columns.map((c) => field(values[c]!)).join(','));
            const day = local.slice(0, 10);
            const a = Number(amount);
            const isRefunded = e.refunded.toLowerCase() === 'true';
            const [rows, kept, revenue, revenueSq, partner, refunded]: Six = expected[day] ?? [0, 0, 0, 0, 0, 0];
            expected[day] = isRefunded
              ? [rows + 1, kept, revenue, revenueSq, partner, refunded + 1]
              : [
                  rows + 1,
                  kept + 1,
                  revenue + a,
                  revenueSq + a * a,
                  partner + (e.channel !== 'organic' ? 1 : 0),
                  refunded,
                ];
          }
          const text = `${bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
          const bytes = gzip ? gzipSync(text) : Buffer.from(text);
          // Act
          const result = await analyse(bytes, { gzip, maxRejectedShare: 0 });
          // Assess
          expect(result.errors).toEqual([]);
          expect(result).toMatchObject({ status: 'accepted', rows: entries.length, acceptedRows: entries.length });
          const actual = daysOf(result);
          expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
          for (const [day, m] of Object.entries(expected))
            m.forEach((v, i) => expect(actual[day]![i]).toBeCloseTo(v, 4));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('reports each bad row on the line it starts on, whatever LF line breaks quoted fields hold (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            course: fc.string({ unit: fc.constantFrom('a', '\n', ','), maxLength: 6 }).map((t) => `c${t}`),
            bad: fc.boolean(),
            blankBefore: fc.boolean(),
          }),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        async (entries) => {
          // Prepare: track the line each record starts on while writing the file.
          const lines = [HEADER];
          const badLines: number[] = [];
          let lineNo = 1;
          for (const e of entries) {
            if (e.blankBefore) {
              lines.push('');
              lineNo += 1;
            }
            const start = lineNo + 1;
            const text = `u,"${e.course}",2026-11-02,ad,${e.bad ? '-1' : '1'}`;
            lines.push(text);
            lineNo = start + (text.match(/\n/g)?.length ?? 0);
            if (e.bad) badLines.push(start);
          }
          // Act
          const result = await analyse(`${lines.join('\n')}\n`, { maxRejectedShare: 1 });
          // Assess
          expect(result.rows).toBe(entries.length);
          const reported = result.status === 'rejected' ? result.errors.slice(1) : result.errors;
          expect(reported.map((e) => e.line)).toEqual(badLines);
        },
      ),
      { numRuns: 100 },
    );
  });

  const VALID: Record<'csv' | 'json' | 'ndjson', string> = {
    json: JSON.stringify([
      { user_id: 'u1', course_id: 'c', enrolled_at: '2026-11-02', channel: 'ad', amount: 10 },
      {
        user_id: 'u2',
        course_id: 'c',
        enrolled_at: '2026-11-02T10:00:00+08:00',
        channel: 'organic',
        amount: '2.5',
        refunded: true,
      },
    ]),
    csv: `user_id,course_id,enrolled_at,channel,amount\nu1,"AI, pro",2026-11-02,ad,10\nu2,c,2026-11-03,organic,3\n`,
    ndjson: [
      { user_id: 'u1', course_id: 'c', enrolled_at: '2026-11-02', channel: 'ad', amount: 10 },
      { user_id: 'u2', course_id: 'c', enrolled_at: '2026-11-03', channel: 'event', amount: 3 },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n'),
  };

  /** A list of byte edits: overwrite, insert or delete at a relative position. */
  const mutationsArb = fc.array(
    fc.record({
      op: fc.constantFrom('set', 'insert', 'delete'),
      at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
    { minLength: 1, maxLength: 6 },
  );
  const mutate = (bytes: Buffer, edits: { op: string; at: number; byte: number }[]) => {
    let out = Buffer.from(bytes);
    for (const e of edits) {
      const i = Math.floor(e.at * out.length);
      if (e.op === 'set' && out.length > 0) out[i] = e.byte;
      else if (e.op === 'insert') out = Buffer.concat([out.subarray(0, i), Buffer.from([e.byte]), out.subarray(i)]);
      else out = Buffer.concat([out.subarray(0, i), out.subarray(i + 1)]);
    }
    return out;
  };

  it.each([
    ['csv', false],
    ['csv', true],
    ['json', false],
    ['ndjson', false],
    ['json', true],
    ['ndjson', true],
  ] as const)(
    'random byte mutations of a valid %s file (gzip %s) always resolve to an outcome (property)',
    async (format, gzip) => {
      const original = gzip ? gzipSync(VALID[format]) : Buffer.from(VALID[format]);
      await fc.assert(
        fc.asyncProperty(mutationsArb, async (edits) => {
          // Prepare
          const bytes = mutate(original, edits);
          // Act
          const result = await analyse(bytes, { format, gzip, maxRejectedShare: 0.5 });
          // Assess: a verdict, consistent counts, and no aggregates for a rejected file
          expect(['accepted', 'partial', 'rejected']).toContain(result.status);
          expect(result.acceptedRows + (result.status === 'rejected' ? 0 : result.rejectedRows)).toBeLessThanOrEqual(
            result.rows,
          );
          if (result.status === 'rejected') {
            expect(result.days.size).toBe(0);
            expect(result.reason).toEqual(expect.any(String));
          }
        }),
        { numRuns: 150 },
      );
    },
  );
});
