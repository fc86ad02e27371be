import type { Readable } from 'node:stream';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import { cellFields, CsvReader, MAX_RECORD_BYTES } from './csv-reader';
import type { FileFormat } from './formats';
import { FileRejection } from '../errors';

export { cellText, MAX_RECORD_BYTES } from './csv-reader';

/**
 * Where the records of a file go, one call each, in file order and synchronously: a chunk of
 * text is read, every record it completes is handed over, then the next chunk is read. No
 * per-record promise or iterator step, and the stream is read no faster than the sink keeps up.
 * A sink method may throw (a FileRejection ends the reading).
 */
export interface RecordSink {
  /** CSV only: the header's column names (trimmed), before any record. */
  header(columns: readonly string[]): void;
  /**
   * CSV: a record with as many fields as the header, in header order, in place: field i lies in
   * text[cells[2i], cells[2i + 1]), its start complemented when it holds doubled quotes (read it
   * with `cellText`). `cells` is reused: read it during the call.
   */
  cells(text: string, cells: readonly number[], line: number): void;
  /**
   * NDJSON, the fast path (optional): a line starting with `{`, in place, text[start, end) (no
   * line break inside). Returns false to leave the line to the reader, which then parses it
   * with JSON.parse and hands over `object` or `error` as usual; true when the sink took it
   * (as a record: the line is a JSON object).
   */
  jsonLine?(text: string, start: number, end: number, line: number): boolean;
  /** JSON and NDJSON: one object, with its line (NDJSON) or its 1-based index (JSON array). */
  object(values: Record<string, unknown>, line: number | undefined, record: number | undefined): void;
  /** A record that cannot be read as one (wrong field count, not a JSON object, ...). */
  error(line: number | undefined, record: number | undefined, reason: string): void;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

const readCsv = async (text: Readable, sink: RecordSink): Promise<void> => {
  let width = -1; // header length; -1 until the header is read
  const readHeader = (fields: string[]) => {
    const header = fields.map((h) => h.trim());
    const seen = new Set<string>();
    for (const name of header) {
      if (seen.has(name)) throw new FileRejection(`header names column "${name}" twice`, 1);
      seen.add(name);
    }
    const hint = header.length === 1 ? guessDelimiter(header[0] ?? '') : undefined;
    if (hint) throw new FileRejection(`header has one column and uses ${hint}: expected comma-separated values`, 1);
    width = header.length;
    sink.header(header);
  };
  const reader = new CsvReader({
    record(text, cells, count, line) {
      if (width === count) sink.cells(text, cells, line);
      else if (width >= 0) sink.error(line, undefined, `expected ${width} fields as in the header, found ${count}`);
      else readHeader(cellFields(text, cells, count));
    },
  });
  for await (const chunk of text) reader.push(chunk as string);
  reader.end();
  if (width < 0) throw new FileRejection('file is empty: expected a header row');
};

const readNdjson = async (text: Readable, sink: RecordSink): Promise<void> => {
  let line = 0;
  let any = false;
  let first = true;
  let pending = '';
  let carryCr = false;
  // A line already past the limit is not kept: only whether it holds anything but whitespace.
  let overlong = false;
  const fast = sink.jsonLine !== undefined;
  let overlongBlank = true;

  /** One line, text[start, end): skipped when blank, else one record or one error. */
  const take = (text: string, start: number, end: number) => {
    line += 1;
    if (overlong) {
      const blank = overlongBlank && !/\S/.test(text.slice(start, end));
      overlong = false;
      overlongBlank = true;
      if (blank) return;
      any = true;
      sink.error(line, undefined, `line is longer than ${MAX_RECORD_BYTES / 1024} KiB`);
      return;
    }
    // The fast path: a line starting with `{`, read in place by the sink if it can.
    if (
      fast &&
      text.charCodeAt(start) === 123 &&
      end - start <= MAX_RECORD_BYTES &&
      sink.jsonLine!(text, start, end, line)
    ) {
      any = true;
      return;
    }
    const content = text.slice(start, end);
    if (content.trim() === '') return;
    any = true;
    if (content.length > MAX_RECORD_BYTES) {
      sink.error(line, undefined, `line is longer than ${MAX_RECORD_BYTES / 1024} KiB`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      sink.error(line, undefined, 'expected a JSON object on this line');
      return;
    }
    if (!isPlainObject(value)) {
      sink.error(line, undefined, 'expected a JSON object on this line');
      return;
    }
    sink.object(value, line, undefined);
  };

  for await (const chunk of text) {
    let part = chunk as string;
    if (first) {
      if (part === '') continue;
      first = false;
      if (part.charCodeAt(0) === 0xfeff) part = part.slice(1);
    }
    // Line breaks: LF, CRLF or a lone CR, as readline reads them.
    if (carryCr) {
      part = `\r${part}`;
      carryCr = false;
    }
    if (part.length > 0 && part.charCodeAt(part.length - 1) === 13) {
      carryCr = true;
      part = part.slice(0, -1);
    }
    if (part.indexOf('\r') !== -1) part = part.replace(/\r\n?/g, '\n');
    let from = 0;
    for (let at = part.indexOf('\n'); at !== -1; at = part.indexOf('\n', from)) {
      if (pending === '') take(part, from, at);
      else {
        const joined = pending + part.slice(from, at);
        pending = '';
        take(joined, 0, joined.length);
      }
      from = at + 1;
    }
    const rest = from === 0 ? part : part.slice(from);
    if (overlong) {
      if (overlongBlank && /\S/.test(rest)) overlongBlank = false;
    } else {
      pending = pending === '' ? rest : pending + rest;
      if (pending.length > MAX_RECORD_BYTES) {
        overlong = true;
        overlongBlank = !/\S/.test(pending);
        pending = '';
      }
    }
  }
  if (carryCr) take(pending, 0, pending.length);
  else if (pending !== '' || overlong) take(pending, 0, pending.length);
  if (!any) throw new FileRejection('file is empty: expected one JSON object per line');
};

const readJson = (text: Readable, sink: RecordSink): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    // Streams the array element by element: a large JSON file never sits in memory whole.
    const stream = StreamArray.withParser();
    let count = 0;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      text.destroy();
      reject(error);
    };
    text.on('error', (error) => stream.destroy(error));
    stream.on('data', ({ key, value }: { key: number; value: unknown }) => {
      if (settled) return;
      count += 1;
      const record = key + 1;
      try {
        if (!isPlainObject(value)) sink.error(undefined, record, 'expected a JSON object');
        else sink.object(value, undefined, record);
      } catch (error) {
        fail(error);
      }
    });
    stream.on('error', (error: Error & { code?: string }) => {
      if (error instanceof FileRejection || error.code !== undefined) return fail(error);
      const message = error instanceof Error ? error.message : '';
      if (/Top-level object should be an array/i.test(message)) {
        return fail(new FileRejection('expected a JSON array of objects, found another JSON value'));
      }
      fail(
        new FileRejection(
          `not valid JSON${count > 0 ? ` after record ${count}` : ''}: expected a JSON array of objects`,
        ),
      );
    });
    stream.on('end', () => {
      if (settled) return;
      if (count === 0) return fail(new FileRejection('file holds no records: expected a JSON array of objects'));
      settled = true;
      resolve();
    });
    text.pipe(stream);
  });

/**
 * Reads the records of a decoded text stream in the given format into `sink`. Resolves when
 * the file is read; rejects with a FileRejection for a structural problem with the whole file,
 * or with the stream's own error (see classifyStreamError).
 */
export const readRecords = (text: Readable, format: FileFormat, sink: RecordSink): Promise<void> =>
  format === 'csv' ? readCsv(text, sink) : format === 'ndjson' ? readNdjson(text, sink) : readJson(text, sink);
