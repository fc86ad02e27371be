import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import type { FileFormat } from './formats';
import { FileRejection } from './rejection';

/** One record of a file, with where it stands, or a structural problem with it. */
export type RecordItem =
  | { readonly kind: 'record'; readonly line?: number; readonly record?: number; readonly values: Record<string, unknown> }
  | { readonly kind: 'error'; readonly line?: number; readonly record?: number; readonly reason: string };

export interface RecordSource {
  /** Columns of the header (CSV), known before the first record; undefined for JSON formats. */
  readonly header: () => readonly string[] | undefined;
  readonly items: AsyncIterable<RecordItem>;
}

/** Longest CSV record or NDJSON line we accept; longer means a broken file (a missing newline or quote). */
export const MAX_RECORD_BYTES = 1024 * 1024;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const countNewlines = (fields: readonly string[]): number => {
  let n = 0;
  for (const field of fields) {
    if (field.includes('\n') || field.includes('\r')) {
      n += field.replace(/\r\n/g, '\n').split(/[\n\r]/).length - 1;
    }
  }
  return n;
};

const guessDelimiter = (headerLine: string): string | undefined => {
  for (const [delimiter, name] of [[';', 'semicolons'], ['\t', 'tabs'], ['|', 'pipes']] as const) {
    if (headerLine.includes(delimiter)) return name;
  }
  return undefined;
};

async function* csvItems(text: Readable, setHeader: (h: string[]) => void): AsyncGenerator<RecordItem> {
  const parser = parseCsv({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // Mixed line endings happen when files are concatenated on different systems.
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: MAX_RECORD_BYTES,
  });
  text.on('error', (error) => parser.destroy(error));
  text.pipe(parser);
  let header: string[] | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines - countNewlines(record);
      if (header === undefined) {
        header = record.map((h) => h.trim());
        const seen = new Set<string>();
        for (const name of header) {
          if (seen.has(name)) throw new FileRejection(`header names column "${name}" twice`, 1);
          seen.add(name);
        }
        const hint = header.length === 1 ? guessDelimiter(header[0] ?? '') : undefined;
        if (hint) throw new FileRejection(`header has one column and uses ${hint}: expected comma-separated values`, 1);
        setHeader(header);
        continue;
      }
      if (record.length !== header.length) {
        yield { kind: 'error', line, reason: `expected ${header.length} fields as in the header, found ${record.length}` };
        continue;
      }
      const values: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i += 1) values[header[i]!] = record[i];
      yield { kind: 'record', line, values };
    }
  } catch (error) {
    const csvError = error as { code?: string; lines?: number };
    if (typeof csvError.code === 'string' && csvError.code.startsWith('CSV_')) {
      const reason =
        csvError.code === 'CSV_MAX_RECORD_SIZE'
          ? `a record is longer than ${MAX_RECORD_BYTES / 1024} KiB: a quote or line break is probably missing`
          : csvError.code === 'CSV_QUOTE_NOT_CLOSED'
            ? 'a quoted field is never closed'
            : `malformed CSV (${csvError.code.replace(/^CSV_/, '').toLowerCase().replace(/_/g, ' ')})`;
      throw new FileRejection(`${reason} at line ${csvError.lines ?? '?'}`, csvError.lines);
    }
    throw error;
  }
  if (header === undefined) throw new FileRejection('file is empty: expected a header row');
}

async function* ndjsonItems(text: Readable): AsyncGenerator<RecordItem> {
  const lines = createInterface({ input: text, crlfDelay: Infinity });
  let line = 0;
  let any = false;
  for await (const raw of lines) {
    line += 1;
    const content = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (content.trim() === '') continue;
    any = true;
    if (content.length > MAX_RECORD_BYTES) {
      yield { kind: 'error', line, reason: `line is longer than ${MAX_RECORD_BYTES / 1024} KiB` };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      yield { kind: 'error', line, reason: 'expected a JSON object on this line' };
      continue;
    }
    if (!isPlainObject(value)) {
      yield { kind: 'error', line, reason: 'expected a JSON object on this line' };
      continue;
    }
    yield { kind: 'record', line, values: value };
  }
  if (!any) throw new FileRejection('file is empty: expected one JSON object per line');
}

async function* jsonItems(text: Readable): AsyncGenerator<RecordItem> {
  // Streams the array element by element: a large JSON file never sits in memory whole.
  const stream = StreamArray.withParser();
  text.on('error', (error) => stream.destroy(error));
  text.pipe(stream);
  let count = 0;
  try {
    for await (const { key, value } of stream as AsyncIterable<{ key: number; value: unknown }>) {
      count += 1;
      const record = key + 1;
      if (!isPlainObject(value)) {
        yield { kind: 'error', record, reason: 'expected a JSON object' };
        continue;
      }
      yield { kind: 'record', record, values: value };
    }
  } catch (error) {
    if (error instanceof FileRejection || (error as { code?: string }).code !== undefined) throw error;
    const message = error instanceof Error ? error.message : '';
    if (/Top-level object should be an array/i.test(message)) {
      throw new FileRejection('expected a JSON array of objects, found another JSON value');
    }
    throw new FileRejection(`not valid JSON${count > 0 ? ` after record ${count}` : ''}: expected a JSON array of objects`);
  }
  if (count === 0) throw new FileRejection('file holds no records: expected a JSON array of objects');
}

/** Reads the records of a decoded text stream in the given format. */
export const readRecords = (text: Readable, format: FileFormat): RecordSource => {
  let header: string[] | undefined;
  const items =
    format === 'csv'
      ? csvItems(text, (h) => {
          header = h;
        })
      : format === 'ndjson'
        ? ndjsonItems(text)
        : jsonItems(text);
  return { header: () => header, items };
};
