export { FileRejection } from '../errors';

/** A problem with one row; `line` is the file's own line (CSV header = 1), `record` the JSON array index (1-based). */
export interface RowError {
  readonly line?: number;
  readonly record?: number;
  readonly column?: string;
  readonly reason: string;
}

/** Where a row error is, for people: "line 9, column enrolled_at", "record 3", or "" for the whole file. */
export const rowErrorLocation = (e: RowError): string =>
  [
    e.line !== undefined ? `line ${e.line}` : e.record !== undefined ? `record ${e.record}` : '',
    e.column ? `column ${e.column}` : '',
  ]
    .filter(Boolean)
    .join(', ');
