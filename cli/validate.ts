import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { measuresByDay } from '../shared/datasets/definitions';
import type { DatasetName } from '../shared/datasets/names';
import { analyseFile, type FileAnalysis } from '../shared/ingest/analyse';
import { fileKindOf } from '../shared/ingest/formats';
import { DayResolver } from '../shared/time/days';

export interface ValidateOptions {
  readonly file: string;
  readonly dataset: DatasetName;
  readonly timezone: string;
  readonly currency: string;
  readonly maxUncompressedBytes: number;
  readonly maxRejectedShare: number;
}

export interface ValidateResult {
  readonly file: string;
  readonly dataset: DatasetName;
  readonly status: FileAnalysis['status'];
  readonly rows: number;
  readonly acceptedRows: number;
  readonly rejectedRows: number;
  readonly reason?: string;
  readonly errors: FileAnalysis['errors'];
  readonly days: { day: string; totals: Record<string, number> }[];
}

/** `crosslift validate`: the ingest's own parse and validation, on a local file, with no storage. */
export const validateFile = async (options: ValidateOptions): Promise<ValidateResult> => {
  const kind = fileKindOf(basename(options.file));
  if (!kind) throw new Error(`unsupported file type: ${basename(options.file)}`);
  const analysis = await analyseFile(createReadStream(options.file), {
    dataset: options.dataset,
    kind,
    context: { resolver: new DayResolver(options.timezone), currency: options.currency },
    maxUncompressedBytes: options.maxUncompressedBytes,
    maxRejectedShare: options.maxRejectedShare,
  });
  return {
    file: options.file,
    dataset: options.dataset,
    status: analysis.status,
    rows: analysis.rows,
    acceptedRows: analysis.acceptedRows,
    rejectedRows: analysis.rejectedRows,
    reason: analysis.reason,
    errors: analysis.errors,
    days: [...measuresByDay(options.dataset, analysis.days)]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, totals]) => ({ day, totals })),
  };
};
