import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listObjects } from '../../shared/storage/objects';
import { getFileRecord, listFileRecords } from '../../shared/storage/file-ledger';
import { startHarness, testConfig, type Harness } from '../support/harness';

const H = 'user_id,course_id,enrolled_at,channel,amount';
const SECRET = 'SECRET-USER';
const row = (i: number, rest = 'c1,2026-11-02,ad,10') => `${SECRET}-${i},${rest}`;
const good = (n: number) => Array.from({ length: n }, (_, i) => row(i)).join('\n');
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Hostile and broken input, one fixture each: the outcome every one must end in. */
const CASES: { name: string; key?: string; body: string | Buffer; status: string; error?: RegExp; rows?: number }[] = [
  {
    name: 'wrong-delimiter.csv',
    body: `${H.replace(/,/g, '\t')}\n${good(3).replace(/,/g, '\t')}\n`,
    status: 'rejected',
    error: /tabs/,
  },
  {
    name: 'unbalanced-quotes.csv',
    body: `${H}\n${row(1, '"c1,2026-11-02,ad,10')}\n${good(5)}\n`,
    status: 'rejected',
    error: /quote/,
  },
  {
    name: 'ten-mb-line.csv',
    body: `${H}\n${SECRET}-x${'a'.repeat(10 * 1024 * 1024)},c,2026-11-02,ad,1\n`,
    status: 'rejected',
    error: /longer than/,
  },
  {
    name: 'duplicate-header.csv',
    body: `user_id,user_id,course_id,enrolled_at,channel,amount\n${SECRET},x,c,2026-11-02,ad,1\n`,
    status: 'rejected',
    error: /twice/,
  },
  {
    name: 'formula-cells.csv',
    body: `${H}\n${good(30)}\n${SECRET}-f,=HYPERLINK("http://evil.example"),2026-11-02,ad,1\n`,
    status: 'accepted',
    rows: 31,
  },
  {
    name: 'html-in-ids.csv',
    body: `${H}\n${good(30)}\n<script>${SECRET}</script>,<b>c</b>,2026-11-02,ad,1\n`,
    status: 'accepted',
    rows: 31,
  },
  {
    name: 'impossible-date.csv',
    body: `${H}\n${good(40)}\n${row(99, 'c,2026-02-30,ad,1')}\n`,
    status: 'partial',
    error: /real calendar date/,
  },
  {
    name: 'year-99999.csv',
    body: `${H}\n${good(40)}\n${row(99, 'c,99999-01-01,ad,1')}\n`,
    status: 'partial',
    error: /ISO 8601/,
  },
  {
    name: 'number-1e309.csv',
    body: `${H}\n${good(40)}\n${row(99, 'c,2026-11-02,ad,1e309')}\n`,
    status: 'partial',
    error: /expected a number/,
  },
  {
    name: 'number-nan.csv',
    body: `${H}\n${good(40)}\n${row(99, 'c,2026-11-02,ad,NaN')}\n`,
    status: 'partial',
    error: /expected a number/,
  },
  {
    name: 'number-hex.csv',
    body: `${H}\n${good(40)}\n${row(99, 'c,2026-11-02,ad,0x10')}\n`,
    status: 'partial',
    error: /expected a number/,
  },
  {
    name: 'number-minus-zero.csv',
    body: `${H}\n${good(40)}\n${row(99, 'c,2026-11-02,ad,-0')}\n`,
    status: 'accepted',
    rows: 41,
  },
  { name: 'deeply-nested.json', body: nested(100_000), status: 'rejected' },
  {
    name: 'nested-values.json',
    body: JSON.stringify([
      { user_id: { deep: [[[SECRET]]] }, course_id: 'c', enrolled_at: '2026-11-02', channel: 'ad', amount: 1 },
    ]),
    status: 'rejected',
    error: /every row/,
  },
  { name: 'spaces plus+percent%25 ünïcode.csv', body: `${H}\n${good(3)}\n`, status: 'accepted', rows: 3 },
  {
    name: 'CR LF in the key',
    key: 'inbox/coop/school/enrollments/line\r\nbreak.csv',
    body: `${H}\n${good(3)}\n`,
    status: 'rejected',
    error: /^key has a control character \(U\+000D\)/,
  },
  {
    name: 'ESC in the key',
    key: 'inbox/coop/school/enrollments/escape\u001b[31m.csv',
    body: `${H}\n${good(3)}\n`,
    status: 'rejected',
    error: /^key has a control character \(U\+001B\)/,
  },
];

describe('hostile and broken input', () => {
  let h: Harness;
  let escapePut: string;
  const logged: string[] = [];
  beforeAll(async () => {
    // Capture everything the functions log (INFO and up) to check no row value leaks.
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    });
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    h = await startHarness(testConfig(), {}, { logLevel: 'INFO' });
    for (const c of CASES) await h.put(c.key ?? `inbox/coop/school/enrollments/${c.name}`, c.body);
    escapePut = await h.put('inbox/coop/school/enrollments/../../escape.csv', `${H}\n${good(2)}\n`).then(
      () => 'stored',
      (e: Error) => e.message,
    );
    await h.pipeline.drain();
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await h.close();
  });

  it.each(CASES)('$name ends as $status', async (c) => {
    const record = await getFileRecord(
      h.pipeline.runtime.table,
      'coop',
      c.key ?? `inbox/coop/school/enrollments/${c.name}`,
    );
    expect(record?.status).toBe(c.status);
    if (c.rows !== undefined) expect(record?.rows).toBe(c.rows);
    if (c.error) expect(record?.errors.map((e) => e.reason).join(' | ')).toMatch(c.error);
  });

  it('routes a key with ".." segments nowhere near another partner\'s data (the local stack refuses it)', async () => {
    const all = [
      ...(await listFileRecords(h.pipeline.runtime.table, 'coop')),
      ...(await listFileRecords(h.pipeline.runtime.table, '-')),
    ];
    expect(escapePut).toMatch(/"\." or "\.\." segment/);
    expect(all.find((r) => r.key.endsWith('escape.csv'))).toBeUndefined();
    expect(await listObjects(h.pipeline.runtime.bucket, 'inbox/coop/escape.csv')).toEqual([]);
  });

  it('never lets a row value reach the logs, DynamoDB or the error reports, and never crashes', async () => {
    expect(h.pipeline.deadLetters).toEqual([]);
    const items = await h.pipeline.runtime.clients.dynamodb.send(new ScanCommand({ TableName: h.stack.tableName }));
    expect(JSON.stringify(items.Items)).not.toContain(SECRET);
    for (const o of await listObjects(h.pipeline.runtime.bucket, 'reports/')) {
      expect(await h.get(o.key)).not.toContain(SECRET);
    }
    expect(logged.join('\n')).not.toContain(SECRET);
    expect(logged.join('\n')).toContain('file ingested');
  });
});
