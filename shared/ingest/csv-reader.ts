import { FileRejection } from '../errors';

/**
 * Streaming CSV reader, fed text chunks and emitting records synchronously (a chunk at a time).
 *
 * The rules (those of the csv-parse setup it replaced, which partners' files were validated
 * with): records end at LF, CRLF or a lone CR (mixed in one file too); a UTF-8 BOM is skipped;
 * empty lines are skipped but counted; a field starting with `"` is quoted (`""` is a quote
 * inside it) and may hold commas and line breaks; after its closing quote comes a comma, a
 * line break or the end of the file, or the file is malformed; a `"` inside an unquoted field
 * is kept as text; a record whose content passes MAX_RECORD_BYTES is refused (a quote or a
 * line break is probably missing), and so is a quoted field still open at the end of the file.
 * `line` is the file's own line a record starts on (header = line 1 when the file starts with it).
 *
 * How: line breaks are normalised to LF as text arrives; runs of complete lines without any
 * quote take the plain path (fields are the text between commas, found with indexOf); the rest
 * goes through a small quote-aware scanner that keeps the strict rules.
 *
 * Not papaparse: its fast path (a split on LF, then a split on commas per line) costs
 * ~0.27 s per million enrollments rows, more than the plain path here (~0.15 s) by the very
 * margin that decides the DuckDB ratio (docs/performance.md), and its quoted path is lenient
 * where csv-parse was strict (it accepts `"a" ,b`, cannot tell a `""` line from an empty one,
 * and gives no line numbers), so it could not keep the rejections and line numbers exact.
 */

/** Longest CSV record or NDJSON line we accept; longer means a broken file (a missing newline or quote). */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** A record can only pass MAX_RECORD_BYTES when its text is longer than this (UTF-8: <= 3 bytes per UTF-16 unit). */
const SIZE_CHECK_CHARS = Math.floor(MAX_RECORD_BYTES / 3);

export interface CsvRecordSink {
  /** One record, in file order, with the line it starts on. */
  record(fields: string[], line: number): void;
  /**
   * One record without quotes, in place: field i is text.slice(bounds[i], bounds[i + 1] - 1),
   * for i < count. `bounds` is reused after the call.
   */
  span(text: string, bounds: number[], count: number, line: number): void;
}

/** The fields of a span record as strings. */
export const spanFields = (text: string, bounds: readonly number[], count: number): string[] => {
  const fields = new Array<string>(count);
  for (let i = 0; i < count; i += 1) fields[i] = text.slice(bounds[i]!, bounds[i + 1]! - 1);
  return fields;
};

const tooLong = (line: number) =>
  new FileRejection(`a record is longer than ${MAX_RECORD_BYTES / 1024} KiB: a quote or line break is probably missing at line ${line}`, line);

/** UTF-8 length of the UTF-16 unit at i (a surrogate pair counts 2 + 2). */
const utf8Units = (code: number) => (code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3);

/**
 * The line at which a record's content passes the size limit, or -1. Content is counted as the
 * csv-parse limit counted it: quotes and delimiters are free, `""` counts one, finished fields
 * count their UTF-16 length, the field being read its UTF-8 bytes; the limit trips on the first
 * byte read while more than MAX_RECORD_BYTES are held.
 */
export const sizeErrorLine = (text: string, start: number, end: number, line: number): number => {
  let held = 0; // finished fields of the record, in UTF-16 units
  let bytes = 0; // the field being read, in UTF-8 bytes
  let units = 0; // the field being read, in UTF-16 units
  let quoting = false;
  let atFieldStart = true;
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (quoting) {
      if (c === 34) {
        if (i + 1 < end && text.charCodeAt(i + 1) === 34) {
          // An escaped quote: one content byte.
          if (held + bytes > MAX_RECORD_BYTES) return line;
          bytes += 1;
          units += 1;
          i += 1;
          continue;
        }
        quoting = false;
        continue;
      }
    } else if (c === 44 || c === 10) {
      if (c === 10) return -1;
      held += units;
      bytes = 0;
      units = 0;
      atFieldStart = true;
      continue;
    } else if (c === 34 && atFieldStart) {
      quoting = true;
      atFieldStart = false;
      continue;
    }
    atFieldStart = false;
    const size = utf8Units(c);
    if (held + bytes + size - 1 > MAX_RECORD_BYTES) return line;
    bytes += size;
    units += 1;
    if (c === 10) line += 1;
  }
  return -1;
};

export class CsvReader {
  /** Where the fields of the record being handed over start; reused from record to record. */
  private readonly bounds: number[] = [];
  /** Unconsumed text: the start of a record not complete yet (LF-normalised). */
  private pending = '';
  /** A CR at the end of the last chunk: a line break, maybe half of a CRLF. */
  private carryCr = false;
  private started = false;
  /** Line of the first character of `pending`. */
  private line = 1;
  /** Length of `pending` at its last size check (checks are amortised by doubling). */
  private checkedAt = SIZE_CHECK_CHARS;

  constructor(private readonly sink: CsvRecordSink) {}

  /** Feeds a chunk of text; emits every record it completes. Throws FileRejection. */
  push(chunk: string): void {
    let text = chunk;
    if (!this.started) {
      if (text === '') return;
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.carryCr) {
      text = `\r${text}`;
      this.carryCr = false;
    }
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) {
      this.carryCr = true;
      text = text.slice(0, -1);
    }
    if (text.indexOf('\r') !== -1) text = text.replace(/\r\n?/g, '\n');
    // A record can only end at a line break: without one, just hold the text.
    const firstBreak = text.indexOf('\n');
    if (firstBreak !== -1 && this.pending !== '' && this.pending.indexOf('"') === -1 && text.lastIndexOf('"', firstBreak) === -1) {
      // The held text is the start of a plain line: end it on its own, so the chunk itself
      // is read where it lies instead of being copied behind the held text.
      this.pending += text.slice(0, firstBreak + 1);
      this.parse(false);
      text = text.slice(firstBreak + 1);
    }
    this.pending = this.pending === '' ? text : this.pending + text;
    if (firstBreak !== -1 && this.pending.indexOf('\n') !== -1) this.parse(false);
    if (this.pending.length > this.checkedAt) {
      // One record is growing long: refuse it as soon as its content passes the limit.
      const at = sizeErrorLine(this.pending, 0, this.pending.length, this.line);
      if (at >= 0) throw tooLong(at);
      this.checkedAt = this.pending.length * 2;
    }
  }

  /** Ends the text: emits the last record, or refuses an open quote. */
  end(): void {
    if (this.carryCr) {
      this.carryCr = false;
      this.pending += '\n';
    }
    this.parse(true);
  }

  private parse(final: boolean): void {
    const text = this.pending;
    let pos = 0;
    const quote = text.indexOf('"');
    // Complete lines before the first quote: the plain path.
    const plainEnd = quote === -1 ? (final ? text.length : text.lastIndexOf('\n') + 1) : text.lastIndexOf('\n', quote) + 1;
    if (plainEnd > 0) pos = this.parsePlain(text, plainEnd, final && quote === -1);
    if (quote !== -1) pos = this.parseQuoted(text, pos, final);
    this.pending = pos === 0 ? text : text.slice(pos);
    if (pos > 0) this.checkedAt = SIZE_CHECK_CHARS;
  }

  /**
   * Complete lines without quotes: fields are the text between commas, found with indexOf and
   * handed over in place (where each starts), so no string is made for a cell the row contract
   * can read where it lies. (papaparse's split path makes a line string, an array and a string
   * per field first, which cost more than everything after it.) Returns where the consumed text ends.
   */
  private parsePlain(text: string, end: number, final: boolean): number {
    const sink = this.sink;
    const bounds = this.bounds;
    let line = this.line;
    let pos = 0;
    let comma = text.indexOf(',');
    while (pos < end) {
      let eol = text.indexOf('\n', pos);
      if (eol === -1 || eol >= end) {
        if (!final) break;
        eol = end;
      }
      if (eol === pos) {
        line += 1; // an empty line: skipped, counted
        pos += 1;
        continue;
      }
      if (eol - pos > SIZE_CHECK_CHARS) {
        const at = sizeErrorLine(text, pos, eol, line);
        if (at >= 0) throw tooLong(at);
      }
      let k = 0;
      bounds[k++] = pos;
      if (comma !== -1 && comma < pos) comma = text.indexOf(',', pos);
      while (comma !== -1 && comma < eol) {
        bounds[k++] = comma + 1;
        comma = text.indexOf(',', comma + 1);
      }
      bounds[k] = eol + 1;
      sink.span(text, bounds, k, line);
      line += 1;
      pos = eol + 1;
    }
    this.line = line;
    return Math.min(pos, text.length);
  }

  /**
   * The quote-aware scanner, from `pos` (a record start). Emits complete records; returns where
   * the first incomplete one starts (the end of the text when final).
   */
  private parseQuoted(text: string, pos: number, final: boolean): number {
    const length = text.length;
    const sink = this.sink;
    let line = this.line;
    // Next comma / LF at or after the cursor (-1: none); refreshed lazily.
    let nextComma = text.indexOf(',', pos);
    let nextBreak = text.indexOf('\n', pos);
    for (;;) {
      const start = pos;
      if (pos >= length) break;
      if (text.charCodeAt(pos) === 10) {
        line += 1; // an empty line
        pos += 1;
        continue;
      }
      const fields: string[] = [];
      let breaks = 0; // line breaks inside quoted fields of this record
      let complete = false;
      for (;;) {
        if (text.charCodeAt(pos) === 34) {
          // Quoted field: up to a quote that is not doubled.
          let from = pos + 1;
          let value = '';
          let q: number;
          for (;;) {
            q = text.indexOf('"', from);
            if (q === -1 || (q + 1 === length && !final)) {
              q = -1; // not closed yet (or cannot tell whether the quote is doubled)
              break;
            }
            if (text.charCodeAt(q + 1) === 34) {
              value += text.slice(from, q + 1);
              from = q + 2;
              continue;
            }
            break;
          }
          if (q === -1) {
            if (final) this.openQuoteAtEnd(text, start, line);
            this.line = line;
            return start;
          }
          value += text.slice(from, q);
          for (let b = value.indexOf('\n'); b !== -1; b = value.indexOf('\n', b + 1)) breaks += 1;
          fields.push(value);
          const after = q + 1 < length ? text.charCodeAt(q + 1) : -1;
          if (after === 44) {
            pos = q + 2;
            continue;
          }
          if (after === 10 || after === -1) {
            pos = q + 2;
            complete = true;
            break;
          }
          // Text after a closing quote.
          if (q - start > SIZE_CHECK_CHARS) {
            const at = sizeErrorLine(text, start, q, line);
            if (at >= 0) throw tooLong(at);
          }
          const at = line + countBreaks(text, start, q);
          throw new FileRejection(`malformed CSV (invalid closing quote) at line ${at}`, at);
        }
        // Unquoted field: up to the next comma or LF.
        if (nextComma !== -1 && nextComma < pos) nextComma = text.indexOf(',', pos);
        if (nextBreak !== -1 && nextBreak < pos) nextBreak = text.indexOf('\n', pos);
        if (nextComma !== -1 && (nextComma < nextBreak || nextBreak === -1)) {
          fields.push(text.slice(pos, nextComma));
          pos = nextComma + 1;
          continue;
        }
        if (nextBreak !== -1) {
          fields.push(text.slice(pos, nextBreak));
          pos = nextBreak + 1;
          complete = true;
          break;
        }
        if (!final) break;
        fields.push(text.slice(pos));
        pos = length + 1;
        complete = true;
        break;
      }
      if (!complete) {
        this.line = line;
        return start;
      }
      const end = Math.min(pos, length);
      if (end - start > SIZE_CHECK_CHARS) {
        const at = sizeErrorLine(text, start, end, line);
        if (at >= 0) throw tooLong(at);
      }
      sink.record(fields, line);
      line += 1 + breaks;
      if (pos > length) break;
    }
    this.line = line;
    return Math.min(pos, length);
  }

  /** The end of the file inside a quoted field: the size limit first (it trips earlier), else the open quote. */
  private openQuoteAtEnd(text: string, start: number, line: number): never {
    if (text.length - start > SIZE_CHECK_CHARS) {
      const at = sizeErrorLine(text, start, text.length, line);
      if (at >= 0) throw tooLong(at);
    }
    // The last line of the file (a final line break starts no new line).
    const end = text.charCodeAt(text.length - 1) === 10 ? text.length - 1 : text.length;
    const at = line + countBreaks(text, start, end);
    throw new FileRejection(`a quoted field is never closed at line ${at}`, at);
  }
}

const countBreaks = (text: string, from: number, to: number): number => {
  let n = 0;
  for (let b = text.indexOf('\n', from); b !== -1 && b < to; b = text.indexOf('\n', b + 1)) n += 1;
  return n;
};
