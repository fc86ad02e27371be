import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { DATASETS, requiredColumns, type RowContext } from '../datasets/definitions';
import type { DatasetName } from '../datasets/names';
import { classifyStreamError, decodeText, type DecodeStats } from './decode';
import { compileRows, DECLINE, NOT_READ } from './fast-rows';
import type { FileKind } from './formats';
import { cellText, readRecords, type RecordSink } from './records';
import { FileRejection } from '../errors';
import type { RowError } from './rejection';

/** How many row errors are kept with a file's outcome (the count is always complete). */
export const MAX_KEPT_ERRORS = 100;

export type FileStatus = 'accepted' | 'partial' | 'rejected';

/** Per-day measures of one file, indexed like the dataset's `measures`. */
export type DayMeasures = Map<string, number[]>;

export interface FileAnalysis {
  readonly status: FileStatus;
  /** Data records read (header excluded). */
  readonly rows: number;
  readonly acceptedRows: number;
  readonly rejectedRows: number;
  /** First MAX_KEPT_ERRORS row errors, or the one whole-file reason. */
  readonly errors: readonly RowError[];
  /** Whole-file reason when rejected. */
  readonly reason?: string;
  /** Aggregates of the accepted rows (empty when rejected). */
  readonly days: DayMeasures;
  readonly stats: DecodeStats;
}

export interface AnalyseOptions {
  readonly dataset: DatasetName;
  readonly kind: FileKind;
  readonly context: RowContext;
  readonly maxUncompressedBytes: number;
  readonly maxRejectedShare: number;
}

const rejected = (reason: string, stats: DecodeStats, rows = 0, line?: number): FileAnalysis => ({
  status: 'rejected',
  rows,
  acceptedRows: 0,
  rejectedRows: rows,
  errors: [line === undefined ? { reason } : { line, reason }],
  reason,
  days: new Map(),
  stats,
});

/**
 * Parses, validates and aggregates one file in a single streaming pass: the one code path
 * shared by the ingest function, `crosslift validate` and the benchmark.
 * Throws SourceReadError when reading fails (retry); every problem with the file itself is
 * returned as an outcome, never thrown.
 */
export const analyseFile = async (source: Readable, options: AnalyseOptions): Promise<FileAnalysis> => {
  const definition = DATASETS[options.dataset];
  const schema: z.ZodType = definition.rowSchema(options.context);
  const measureCount = definition.measures.length;
  const { text, stats } = decodeText(source, {
    gzip: options.kind.gzip,
    maxUncompressedBytes: options.maxUncompressedBytes,
  });

  const days: DayMeasures = new Map();
  const errors: RowError[] = [];
  let rows = 0;
  let rejectedRows = 0;
  let header: readonly string[] | undefined;
  let headerChecked = options.kind.format !== 'csv';
  // The fast path: the contract compiled to plain JS (for CSV, against the file's header),
  // making only the values the aggregates read (identifiers are checked in place).
  const projection = { keep: definition.reads };
  let compiled = compileRows(schema, [], projection);
  // The last day's measures: rows of a file mostly come in day order.
  let lastDay: string | undefined;
  let lastMeasures: number[] = [];

  const keep = (error: RowError) => {
    if (errors.length < MAX_KEPT_ERRORS) errors.push(error);
  };
  const checkHeader = (suffix: string) => {
    headerChecked = true;
    const columns = header ?? [];
    const missing = requiredColumns(definition).filter((c) => !columns.includes(c));
    if (missing.length > 0) {
      throw new FileRejection(
        `header is missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}${suffix}`,
        1,
      );
    }
  };
  const addRow = (row: unknown) => {
    const day = definition.dayOf(row);
    let measures = lastMeasures;
    if (day !== lastDay) {
      let found = days.get(day);
      if (found === undefined) {
        found = new Array<number>(measureCount).fill(0);
        days.set(day, found);
      }
      lastDay = day;
      lastMeasures = found;
      measures = found;
    }
    definition.accumulate(measures, row);
  };
  /** zod on a row the fast path declined: its result, or one error per offending column. */
  const slowRow = (values: Record<string, unknown>, line: number | undefined, record: number | undefined) => {
    const result = schema.safeParse(values);
    if (result.success) {
      addRow(result.data);
      return;
    }
    rejectedRows += 1;
    // One error per offending column; the message says what was expected, never the value.
    const seen = new Set<string>();
    for (const issue of result.error.issues) {
      const column = String(issue.path[0] ?? '');
      if (seen.has(column)) continue;
      seen.add(column);
      keep({ line, record, column: column || undefined, reason: issue.message });
    }
  };
  const forDataset = ` for dataset ${options.dataset}`;

  const sink: RecordSink = {
    header(columns) {
      header = columns;
      compiled = compileRows(schema, columns, projection);
    },
    cells(text, cells, line) {
      if (!headerChecked) checkHeader(forDataset);
      rows += 1;
      const row = compiled.fromCells(text, cells);
      if (row !== DECLINE) {
        addRow(row);
        return;
      }
      const values: Record<string, unknown> = {};
      const columns = header!;
      for (let i = 0; i < columns.length; i += 1) values[columns[i]!] = cellText(text, cells, i);
      slowRow(values, line, undefined);
    },
    jsonLine(text, start, end, line) {
      const row = compiled.fromJsonLine(text, start, end);
      if (row === NOT_READ) return false;
      rows += 1;
      if (row !== DECLINE) addRow(row);
      // A JSON object the fast path declines: zod reads the parsed line for the exact messages.
      else slowRow(JSON.parse(text.slice(start, end)) as Record<string, unknown>, line, undefined);
      return true;
    },
    object(values, line, record) {
      rows += 1;
      const row = compiled.fromObject(values);
      if (row !== DECLINE) addRow(row);
      else slowRow(values, line, record);
    },
    error(line, record, reason) {
      if (!headerChecked) checkHeader(forDataset);
      rows += 1;
      rejectedRows += 1;
      keep({ line, record, reason });
    },
  };

  try {
    await readRecords(text, options.kind.format, sink);
    // A CSV with a header and no data rows: check the header anyway, then report it as empty.
    if (!headerChecked) checkHeader('');
  } catch (error) {
    const classified = classifyStreamError(error);
    if (classified instanceof FileRejection) return rejected(classified.reason, stats(), rows, classified.line);
    throw classified;
  }

  if (rows === 0) return rejected('file has a header but no data rows', stats());
  const acceptedRows = rows - rejectedRows;
  if (acceptedRows === 0) {
    const reason = 'every row was rejected';
    return { ...rejected(reason, stats(), rows), errors: [{ reason }, ...errors.slice(0, MAX_KEPT_ERRORS - 1)] };
  }
  if (rejectedRows / rows > options.maxRejectedShare) {
    const share = ((rejectedRows / rows) * 100).toFixed(1);
    const limit = (options.maxRejectedShare * 100).toFixed(1);
    const reason = `${share}% of rows were rejected, over the limit of ${limit}%: the file is rejected whole`;
    return { ...rejected(reason, stats(), rows), errors: [{ reason }, ...errors.slice(0, MAX_KEPT_ERRORS - 1)] };
  }
  return {
    status: rejectedRows === 0 ? 'accepted' : 'partial',
    rows,
    acceptedRows,
    rejectedRows,
    errors,
    days,
    stats: stats(),
  };
};
