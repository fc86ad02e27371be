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
  /**
   * One record, in place, in file order, with the line it starts on. Field i < count lies in
   * text[cells[2i], cells[2i + 1]); a quoted field holding doubled quotes has its start
   * complemented (~start, negative) and reads as that range with each `""` made `"` (see
   * `cellText`). `cells` is reused after the call.
   */
  record(text: string, cells: number[], count: number, line: number): void;
}

/** The value of field i of a record handed over in place. */
export const cellText = (text: string, cells: readonly number[], i: number): string => {
  const start = cells[2 * i]!;
  return start >= 0 ? text.slice(start, cells[2 * i + 1]) : unescapeQuotes(text, ~start, cells[2 * i + 1]!);
};

/**
 * A quoted field's content text[start, end) with its doubled quotes made single: every quote
 * inside is the first of a pair (a lone one would have closed the field). Joined from slices,
 * ~3x cheaper than replaceAll; the search stops at `end`, the closing quote.
 */
export const unescapeQuotes = (text: string, start: number, end: number): string => {
  let out = '';
  let from = start;
  for (let q = text.indexOf('"', from); q !== -1 && q < end; q = text.indexOf('"', from)) {
    out += text.slice(from, q + 1);
    from = q + 2;
  }
  return from === start ? text.slice(start, end) : out + text.slice(from, end);
};

/** The fields of a record handed over in place, as strings. */
export const cellFields = (text: string, cells: readonly number[], count: number): string[] => {
  const fields = new Array<string>(count);
  for (let i = 0; i < count; i += 1) fields[i] = cellText(text, cells, i);
  return fields;
};

/** After a record with a quoted field, how many records are read quote-aware without a look first. */
const QUOTED_AHEAD = 8;

const tooLong = (line: number) =>
  new FileRejection(
    `a record is longer than ${MAX_RECORD_BYTES / 1024} KiB: a quote or line break is probably missing at line ${line}`,
    line,
  );

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
  /** Where the fields of the record being handed over lie (see CsvRecordSink); reused from record to record. */
  private readonly cells: number[] = [];
  /** Unconsumed text: the start of a record not complete yet (LF-normalised). */
  private pending = '';
  /** A CR at the end of the last chunk: a line break, maybe half of a CRLF. */
  private carryCr = false;
  private started = false;
  /** Line of the first character of `pending`. */
  private line = 1;
  /** Length of `pending` at its last size check (checks are amortised by doubling). */
  private checkedAt = SIZE_CHECK_CHARS;
  /** Records still to read quote-aware straight away (see scan). */
  private quotedAhead = 0;

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
    if (firstBreak === -1) {
      this.hold(this.pending === '' ? text : this.pending + text, false);
      return;
    }
    let from = 0;
    let consumed = false;
    if (this.pending !== '') {
      // Finish the held record with the chunk's first line alone, so that the chunk itself is
      // then read where it lies instead of being copied behind the held text. When the held
      // record goes on past that line (a quoted line break), the rest is joined as usual.
      const head = this.pending + text.slice(0, firstBreak + 1);
      this.pending = '';
      const used = this.scan(head, 0, false);
      consumed = used > 0;
      if (used < head.length) text = head.slice(used) + text.slice(firstBreak + 1);
      else from = firstBreak + 1;
    }
    const pos = this.scan(text, from, false);
    this.hold(pos === 0 ? text : pos >= text.length ? '' : text.slice(pos), consumed || pos > from);
  }

  /**
   * Keeps the start of an incomplete record; refuses it as soon as its content passes the size
   * limit (checked again each time it doubles, so a long record costs linear time).
   */
  private hold(text: string, consumed: boolean): void {
    if (consumed) this.checkedAt = SIZE_CHECK_CHARS;
    this.pending = text;
    if (text.length > this.checkedAt) {
      const at = sizeErrorLine(text, 0, text.length, this.line);
      if (at >= 0) throw tooLong(at);
      this.checkedAt = text.length * 2;
    }
  }

  /** Ends the text: emits the last record, or refuses an open quote. */
  end(): void {
    if (this.carryCr) {
      this.carryCr = false;
      this.pending += '\n';
    }
    const text = this.pending;
    this.pending = '';
    this.scan(text, 0, true);
  }

  /**
   * Reads the complete records of `text` from `pos` (a record start) and hands each over in
   * place; returns where the first incomplete one starts (the end of the text when final).
   *
   * A record without any quote before its line break takes the plain path: its fields are the
   * text between commas, found with indexOf. (papaparse's split path makes a line string, an
   * array and a string per field first, which cost more than everything after it.) Any other
   * record is read field by field: a field starting with `"` runs to a quote that is not doubled
   * (found with indexOf too) and is handed over as the range inside its quotes, marked when it
   * holds doubled quotes; any other field runs to the next comma or line break.
   */
  private scan(text: string, pos: number, final: boolean): number {
    const length = text.length;
    const sink = this.sink;
    const cells = this.cells;
    let line = this.line;
    // The next comma, line break and quote at or after the cursor (-1: none); refreshed lazily.
    let nextComma = text.indexOf(',', pos);
    let nextBreak = text.indexOf('\n', pos);
    let nextQuote = text.indexOf('"', pos);
    // How many more records to read quote-aware straight away (both paths read any record the
    // same; the plain one is faster for records without quotes, the check costs a search).
    let quotedAhead = this.quotedAhead;
    while (pos < length) {
      const start = pos;
      if (text.charCodeAt(pos) === 10) {
        line += 1; // an empty line: skipped, counted
        pos += 1;
        continue;
      }
      if (nextBreak !== -1 && nextBreak < pos) nextBreak = text.indexOf('\n', pos);
      // Where records keep holding quotes, read them quote-aware without looking for one first.
      if (quotedAhead > 0) quotedAhead -= 1;
      else if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
      if (quotedAhead === 0 && (nextQuote === -1 || (nextBreak !== -1 && nextQuote > nextBreak))) {
        // The plain path: no quote before the line ends.
        let eol = nextBreak;
        if (eol === -1) {
          if (!final) break;
          eol = length;
        }
        if (eol - pos > SIZE_CHECK_CHARS) {
          const at = sizeErrorLine(text, pos, eol, line);
          if (at >= 0) throw tooLong(at);
        }
        if (nextComma !== -1 && nextComma < pos) nextComma = text.indexOf(',', pos);
        let k = 0;
        let from = pos;
        while (nextComma !== -1 && nextComma < eol) {
          cells[k++] = from;
          cells[k++] = nextComma;
          from = nextComma + 1;
          nextComma = text.indexOf(',', from);
        }
        cells[k++] = from;
        cells[k++] = eol;
        sink.record(text, cells, k >> 1, line);
        line += 1;
        pos = eol + 1;
        continue;
      }
      // The quote-aware path. (Searching with indexOf beats reading character by character
      // several times over: V8's indexOf scans a word at a time.)
      let k = 0;
      let breaks = 0; // line breaks inside quoted fields of this record
      for (;;) {
        if (text.charCodeAt(pos) === 34) {
          // Quoted field: up to a quote that is not doubled.
          let from = pos + 1;
          let doubled = false;
          let q: number;
          for (;;) {
            q = text.indexOf('"', from);
            if (q === -1 || (q + 1 === length && !final)) {
              q = -1; // not closed yet (or cannot tell whether the quote is doubled)
              break;
            }
            if (text.charCodeAt(q + 1) === 34) {
              doubled = true;
              from = q + 2;
              continue;
            }
            break;
          }
          if (q === -1) {
            if (final) this.openQuoteAtEnd(text, start, line);
            this.line = line;
            this.quotedAhead = quotedAhead;
            return start;
          }
          // Line breaks inside the field (nextBreak is at or after the field's start here).
          while (nextBreak !== -1 && nextBreak < q) {
            breaks += 1;
            nextBreak = text.indexOf('\n', nextBreak + 1);
          }
          cells[k++] = doubled ? ~(pos + 1) : pos + 1;
          cells[k++] = q;
          quotedAhead = QUOTED_AHEAD;
          const after = q + 1 < length ? text.charCodeAt(q + 1) : -1;
          if (after === 44) {
            pos = q + 2;
            continue;
          }
          if (after === 10 || after === -1) {
            pos = q + 2;
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
        if (nextComma !== -1 && (nextComma < nextBreak || nextBreak === -1)) {
          cells[k++] = pos;
          cells[k++] = nextComma;
          pos = nextComma + 1;
          continue;
        }
        if (nextBreak !== -1) {
          cells[k++] = pos;
          cells[k++] = nextBreak;
          pos = nextBreak + 1;
          break;
        }
        if (!final) {
          this.line = line;
          this.quotedAhead = quotedAhead;
          return start;
        }
        cells[k++] = pos;
        cells[k++] = length;
        pos = length + 1;
        break;
      }
      const end = Math.min(pos, length);
      if (end - start > SIZE_CHECK_CHARS) {
        const at = sizeErrorLine(text, start, end, line);
        if (at >= 0) throw tooLong(at);
      }
      sink.record(text, cells, k >> 1, line);
      line += 1 + breaks;
    }
    this.line = line;
    this.quotedAhead = quotedAhead;
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
