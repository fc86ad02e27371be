import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonLineReader } from '../../../shared/ingest/json-line';
import { cellText, MAX_RECORD_BYTES, readRecords, type RecordSink } from '../../../shared/ingest/records';
import { FileRejection } from '../../../shared/errors';

/**
 * The streaming readers against the reference they replaced: the csv-parse and readline
 * readers, kept here verbatim (minus the async item plumbing) as the definition of the rules.
 * Known, intended differences, and only these:
 * - a `"` inside an unquoted field is kept as text (csv-parse threw a non-rejection error there,
 *   which the ingest took for a read failure and retried for ever);
 * - a CRLF or CR inside a quoted field reads as LF (no field type accepts a line break, and
 *   identifiers are never stored, so no outcome changes), and counts as one line: csv-parse
 *   counted a CRLF inside quotes as two lines, which shifted every later line number. So the
 *   reference reads the text with its line breaks made LF (outside quotes csv-parse read CR,
 *   LF and CRLF alike as record ends, which is what that does); the reader gets the raw text;
 * - on a whole-file rejection, the records before it are all read first, in file order (with
 *   csv-parse's async iteration, stream buffering decided which of them were seen).
 */

type Outcome = { items: unknown[]; header?: string[]; rejection?: { reason: string; line?: number } };

const countNewlines = (fields: readonly string[]): number => {
  let n = 0;
  for (const field of fields) {
    if (field.includes('\n') || field.includes('\r')) n += field.replace(/\r\n/g, '\n').split(/[\n\r]/).length - 1;
  }
  return n;
};

const guessDelimiter = (headerLine: string): string | undefined => {
  for (const [delimiter, name] of [
    [';', 'semicolons'],
    ['\t', 'tabs'],
    ['|', 'pipes'],
  ] as const) {
    if (headerLine.includes(delimiter)) return name;
  }
  return undefined;
};

/**
 * The csv-parse reader as it was (records.ts before papaparse). Records are taken as csv-parse
 * parses them (on_record), so a record before a parse error is always seen before the error,
 * as in the file; the async iteration of the old code could lose it to stream buffering.
 */
const referenceCsv = async (chunks: string[]): Promise<Outcome | 'opening-quote'> => {
  const items: unknown[] = [];
  let header: string[] | undefined;
  const parsed: { record: string[]; lines: number }[] = [];
  const parser = parseCsv({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_BYTES,
    on_record: (record: string[], context: { lines: number }) => {
      parsed.push({ record, lines: context.lines });
      return null;
    },
  });
  Readable.from([chunks.join('').replace(/\r\n?/g, '\n')], { objectMode: true }).pipe(parser);
  let parseError: unknown;
  try {
    for await (const _ of parser) {
      // records are collected by on_record
    }
  } catch (error) {
    parseError = error;
  }
  try {
    for (const { record, lines } of parsed) {
      const line = lines - countNewlines(record);
      if (header === undefined) {
        const names = record.map((h) => h.trim());
        const seen = new Set<string>();
        for (const name of names) {
          if (seen.has(name)) throw new FileRejection(`header names column "${name}" twice`, 1);
          seen.add(name);
        }
        const hint = names.length === 1 ? guessDelimiter(names[0] ?? '') : undefined;
        if (hint) throw new FileRejection(`header has one column and uses ${hint}: expected comma-separated values`, 1);
        header = names;
        continue;
      }
      if (record.length !== header.length) {
        items.push({ line, reason: `expected ${header.length} fields as in the header, found ${record.length}` });
        continue;
      }
      items.push({ line, fields: record });
    }
    if (parseError !== undefined) throw parseError;
    if (header === undefined) throw new FileRejection('file is empty: expected a header row');
  } catch (error) {
    const csvError = error as { code?: string; lines?: number };
    if (csvError.code === 'INVALID_OPENING_QUOTE') return 'opening-quote';
    if (typeof csvError.code === 'string' && csvError.code.startsWith('CSV_')) {
      const reason =
        csvError.code === 'CSV_MAX_RECORD_SIZE'
          ? `a record is longer than ${MAX_RECORD_BYTES / 1024} KiB: a quote or line break is probably missing`
          : csvError.code === 'CSV_QUOTE_NOT_CLOSED'
            ? 'a quoted field is never closed'
            : `malformed CSV (${csvError.code.replace(/^CSV_/, '').toLowerCase().replace(/_/g, ' ')})`;
      return {
        items,
        header,
        rejection: { reason: `${reason} at line ${csvError.lines ?? '?'}`, line: csvError.lines },
      };
    }
    if (error instanceof FileRejection) return { items, header, rejection: { reason: error.reason, line: error.line } };
    throw error;
  }
  return { items, header };
};

/** The readline NDJSON reader as it was. */
const referenceNdjson = async (chunks: string[]): Promise<Outcome> => {
  const items: unknown[] = [];
  const lines = createInterface({ input: Readable.from(chunks, { objectMode: true }), crlfDelay: Infinity });
  let line = 0;
  let any = false;
  for await (const raw of lines) {
    line += 1;
    const content = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (content.trim() === '') continue;
    any = true;
    if (content.length > MAX_RECORD_BYTES) {
      items.push({ line, reason: `line is longer than ${MAX_RECORD_BYTES / 1024} KiB` });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      items.push({ line, reason: 'expected a JSON object on this line' });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      items.push({ line, reason: 'expected a JSON object on this line' });
      continue;
    }
    items.push({ line, values: value });
  }
  if (!any) return { items, rejection: { reason: 'file is empty: expected one JSON object per line' } };
  return { items };
};

/** The new reader, collected into the same shape. */
const actual = async (chunks: string[], format: 'csv' | 'ndjson', inPlace = false): Promise<Outcome> => {
  const items: unknown[] = [];
  let header: string[] | undefined;
  // With inPlace, NDJSON lines the fast reader takes arrive through jsonLine (read with JSON.parse here).
  const reader = new JsonLineReader(['a', 'b']);
  const sink: RecordSink = {
    ...(inPlace
      ? {
          jsonLine: (text: string, start: number, end: number, line: number) => {
            if (!reader.read(text, start, end)) return false;
            items.push({ line, values: JSON.parse(text.slice(start, end)) });
            return true;
          },
        }
      : {}),
    header: (columns) => void (header = [...columns]),
    cells: (text, cells, line) => void items.push({ line, fields: header!.map((_, i) => cellText(text, cells, i)) }),
    object: (values, line) => void items.push({ line, values }),
    error: (line, _record, reason) => void items.push({ line, reason }),
  };
  try {
    await readRecords(Readable.from(chunks, { objectMode: true }), format, sink);
  } catch (error) {
    if (error instanceof FileRejection) {
      return { items, ...(format === 'csv' ? { header } : {}), rejection: { reason: error.reason, line: error.line } };
    }
    throw error;
  }
  return format === 'csv' ? { items, header } : { items };
};

/** Cuts a text into chunks at the given relative positions (chunk boundaries anywhere, even inside CRLF). */
const cut = (text: string, at: number[]) => {
  const points = [...new Set(at.map((p) => Math.floor(p * text.length)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const p of points) {
    chunks.push(text.slice(from, p));
    from = p;
  }
  chunks.push(text.slice(from));
  return chunks;
};

const cutsArb = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 6 });

const compareCsv = async (text: string, at: number[]) => {
  const chunks = cut(text, at);
  const expected = await referenceCsv(chunks);
  if (expected === 'opening-quote') return false;
  expect(await actual(chunks, 'csv')).toEqual(expected);
  return true;
};

describe('CSV reader against csv-parse (property)', () => {
  const unit = fc.constantFrom(
    'a',
    'b',
    ' ',
    ',',
    ',',
    '"',
    '""',
    '\n',
    '\n',
    '\r\n',
    '\r',
    ';',
    '\t',
    '\uFEFF',
    'é',
    '张',
    '😀',
  );

  it('reads any text of CSV-ish characters, in any chunking, to the same records, lines and rejections', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.string({ unit, maxLength: 40 }), cutsArb, async (text, at) => {
        if (await compareCsv(text, at)) compared += 1;
      }),
      { numRuns: 2000 },
    );
    expect(compared).toBeGreaterThan(1000);
  });

  it('reads files of well-formed quoted records the same, with blank lines and mixed line ends', async () => {
    const field = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '1', ' ', '-', 'é'), maxLength: 5 }),
      fc
        .string({ unit: fc.constantFrom('a', ',', '""', '\n', '\r\n', '\r', ' ', '张'), maxLength: 6 })
        .map((s) => `"${s}"`),
    );
    const eol = fc.constantFrom('\n', '\r\n', '\r');
    const recordArb = fc.tuple(fc.array(field, { minLength: 1, maxLength: 4 }), eol, fc.boolean());
    await fc.assert(
      fc.asyncProperty(
        fc.array(recordArb, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        cutsArb,
        async (records, bom, lastEol, at) => {
          const parts = records.map(
            ([fields, end, blank], i) =>
              `${blank ? end : ''}${fields.join(',')}${i < records.length - 1 || lastEol ? end : ''}`,
          );
          const text = `${bom ? '\uFEFF' : ''}h1,h2,h3\n${parts.join('')}`;
          expect(await compareCsv(text, at)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['a bare quote inside an unquoted field', 'a,b\n1,2"3\n', [{ line: 2, fields: ['1', '2"3'] }]],
    ['a formula with quotes', 'a,b\nu,=HYPERLINK("x")\n', [{ line: 2, fields: ['u', '=HYPERLINK("x")'] }]],
    ['a quote after leading spaces', 'a,b\n1, "2"\n', [{ line: 2, fields: ['1', ' "2"'] }]],
  ])('keeps %s as text', async (_name, text, items) => {
    expect(await actual([text], 'csv')).toEqual({ header: ['a', 'b'], items });
  });

  it('numbers lines as the file does when quoted fields hold CRLF or CR (csv-parse counted a CRLF there twice)', async () => {
    const text = 'a,b\r\n"x\r\ny",1\r\n"p\rq",2\r\n3\r\n';
    expect(await actual([text], 'csv')).toEqual({
      header: ['a', 'b'],
      items: [
        { line: 2, fields: ['x\ny', '1'] },
        { line: 4, fields: ['p\nq', '2'] },
        { line: 6, reason: 'expected 2 fields as in the header, found 1' },
      ],
    });
  });

  it.each([
    ['no header at all', '', 'file is empty: expected a header row'],
    ['only blank lines', '\n\r\n\r', 'file is empty: expected a header row'],
    ['text after a closing quote', 'a,b\n1,"2" \n', 'malformed CSV (invalid closing quote) at line 2'],
    ['an unclosed quote', 'a,b\n1,"2\n3\n4\n', 'a quoted field is never closed at line 4'],
    ['a duplicate column', ' a ,a\n1,2\n', 'header names column "a" twice'],
    ['semicolons', 'a;b\n1;2\n', 'header has one column and uses semicolons: expected comma-separated values'],
  ])('rejects %s as csv-parse did', async (_name, text, reason) => {
    const expected = await referenceCsv([text]);
    expect(expected).toMatchObject({ rejection: { reason } });
    expect((await actual([text], 'csv')).rejection?.reason).toBe(reason);
  });
});

describe('CSV reader: the record size limit, as csv-parse counted it', () => {
  const big = (n: number, ch = 'a') => ch.repeat(n);
  const cases: [string, string][] = [
    ['a line at the limit + 1 byte', `a,b\n${big(MAX_RECORD_BYTES + 1)}\n1,2\n`],
    ['a line at the limit + 1 byte, then a field', `a,b\n${big(MAX_RECORD_BYTES + 1)},x\n1,2\n`],
    ['a line ending in a 3-byte character at the limit + 1', `a,b\n${big(MAX_RECORD_BYTES - 2)}张\n1,2\n`],
    ['a line ending in a 3-byte character at the limit + 2', `a,b\n${big(MAX_RECORD_BYTES - 1)}张\n1,2\n`],
    ['a line 2 bytes over', `a,b\n${big(MAX_RECORD_BYTES + 2)}\n`],
    ['a long line of multi-byte text', `a,b\nx,${big(400_000, '张')}\n`],
    ['a long line of astral characters', `a,b\nx,${big(300_000, '😀')}\n`],
    ['a long quoted field with line breaks', `a,b\n1,"${'ab\n'.repeat(400_000)}"\n`],
    ['a long quoted field of doubled quotes', `a,b\n1,"${'""'.repeat(MAX_RECORD_BYTES / 2 + 10)}"\n`],
    ['an unclosed quote running to the end', `a,b\n1,"${'xy\n'.repeat(500_000)}`],
    ['many fields summing over the limit', `a,b\n${Array.from({ length: 600 }, () => big(1800)).join(',')}\n`],
    ['a long field in a file of short lines', `a,b\n${'1,2\n'.repeat(1000)}${big(2 * MAX_RECORD_BYTES)}\n3,4\n`],
  ];

  it.each(cases)('%s: same outcome and line', async (_name, text) => {
    for (const chunkSize of [65_536, 1_000_003]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += chunkSize) chunks.push(text.slice(i, i + chunkSize));
      const expected = await referenceCsv(chunks);
      expect(expected).not.toBe('opening-quote');
      const got = await actual(chunks, 'csv');
      if (typeof expected === 'object' && expected.rejection) expect(got.rejection).toEqual(expected.rejection);
      else expect(got).toEqual(expected);
    }
  });
});

describe('NDJSON reader against readline (property)', () => {
  const unit = fc.constantFrom(
    '{',
    '}',
    '"a"',
    ':',
    '1',
    ',',
    ' ',
    '\n',
    '\n',
    '\r\n',
    '\r',
    '\uFEFF',
    '[',
    ']',
    'x',
    '{"a":1}',
    '\u2028',
  );

  it('reads any text, in any chunking, to the same records and lines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit, maxLength: 40 }), cutsArb, async (text, at) => {
        const chunks = cut(text, at);
        expect(await actual(chunks, 'ndjson')).toEqual(await referenceNdjson(chunks));
      }),
      { numRuns: 1500 },
    );
  });

  it('reads the same with lines read in place (the fast path), in any chunking', async () => {
    const lineUnit = fc.constantFrom(
      '{"a":1}',
      '{"b":"x"}',
      '{ "a" : -0.5 , "b":null}',
      '{"a":[1]}',
      '{"a":"\\n"}',
      '{}',
      '{',
      ' ',
      '\n',
      '\r\n',
      '\r',
      '\uFEFF',
      'x',
      '{"a":1}\n',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineUnit, { maxLength: 12 }).map((parts) => parts.join('')),
        cutsArb,
        async (text, at) => {
          const chunks = cut(text, at);
          expect(await actual(chunks, 'ndjson', true)).toEqual(await referenceNdjson(chunks));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it.each([
    ['an overlong line', `{"a":1}\n{"b":"${'x'.repeat(MAX_RECORD_BYTES)}"}\n{"c":2}\n`],
    ['an overlong blank line', `{"a":1}\n${' '.repeat(MAX_RECORD_BYTES + 10)}\n{"c":2}`],
    ['an overlong line at the end', `{"a":1}\r\n${'y'.repeat(MAX_RECORD_BYTES + 10)}`],
  ])('%s: same records and lines', async (_name, text) => {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 65_536) chunks.push(text.slice(i, i + 65_536));
    expect(await actual(chunks, 'ndjson')).toEqual(await referenceNdjson(chunks));
  });
});
