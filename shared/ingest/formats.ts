/** File formats a partner can drop, told by the key's extension. */
export type FileFormat = 'csv' | 'json' | 'ndjson';

export interface FileKind {
  readonly format: FileFormat;
  readonly gzip: boolean;
}

export const FILE_EXTENSIONS = ['.csv', '.json', '.ndjson', '.jsonl', '.csv.gz', '.json.gz', '.ndjson.gz', '.jsonl.gz'];

/** The format of a file name, or undefined when its extension is not one we read. */
export const fileKindOf = (fileName: string): FileKind | undefined => {
  const lower = fileName.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  if (base.endsWith('.csv')) return { format: 'csv', gzip };
  if (base.endsWith('.ndjson') || base.endsWith('.jsonl')) return { format: 'ndjson', gzip };
  if (base.endsWith('.json')) return { format: 'json', gzip };
  return undefined;
};
