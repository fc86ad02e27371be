import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { z } from 'zod';
import { DATASETS, namedMeasures } from '../shared/datasets/definitions';
import { analyseFile } from '../shared/ingest/analyse';
import { DayResolver } from '../shared/time/days';
import { BENCH_CURRENCY, BENCH_TIMEZONE } from './generate';

/** What the benchmark compares: per-day totals by measure name. */
export type DayTotals = Record<string, Record<string, number>>;

export interface BenchFile {
  readonly path: string;
  readonly format: 'csv' | 'ndjson';
  readonly dataset: 'enrollments' | 'activity';
  /** Stored gzipped (`.gz`): both paths decompress it. */
  readonly gzip?: boolean;
  /** A CSV with the extra free-text `note` column (the messy export shape). */
  readonly note?: boolean;
}

const totalsOf = (dataset: BenchFile['dataset'], days: Map<string, number[]>): DayTotals => {
  const out: DayTotals = {};
  for (const day of [...days.keys()].sort()) {
    const values = days.get(day)!;
    out[day] = namedMeasures(dataset, values);
  }
  return out;
};

/** Our path: analyseFile, the ingest handler's own parse + validate + aggregate (minus storage). */
export const runOurs = async (file: BenchFile): Promise<{ rows: number; totals: DayTotals }> => {
  const analysis = await analyseFile(createReadStream(file.path), {
    dataset: file.dataset,
    kind: { format: file.format, gzip: file.gzip ?? false },
    context: { resolver: new DayResolver(BENCH_TIMEZONE), currency: BENCH_CURRENCY },
    maxUncompressedBytes: 2 * 1024 ** 3,
    maxRejectedShare: 0.05,
  });
  if (analysis.status !== 'accepted')
    throw new Error(`benchmark file not accepted: ${analysis.status} ${analysis.reason ?? ''}`);
  return { rows: analysis.rows, totals: totalsOf(file.dataset, analysis.days) };
};

/**
 * The naive path: what the ingest did before (csv-parse or readline, one `for await` step and
 * one zod safeParse per row), aggregating the same way.
 */
export const runNaive = async (file: BenchFile): Promise<{ rows: number; totals: DayTotals }> => {
  const definition = DATASETS[file.dataset];
  const schema: z.ZodType = definition.rowSchema({
    resolver: new DayResolver(BENCH_TIMEZONE),
    currency: BENCH_CURRENCY,
  });
  const days = new Map<string, number[]>();
  let rows = 0;
  const add = (values: Record<string, unknown>) => {
    rows += 1;
    const result = schema.safeParse(values);
    if (!result.success) throw new Error('benchmark row rejected');
    const day = definition.dayOf(result.data);
    let m = days.get(day);
    if (m === undefined) days.set(day, (m = new Array<number>(definition.measures.length).fill(0)));
    definition.accumulate(m, result.data);
  };
  const open = () => (file.gzip ? createReadStream(file.path).pipe(createGunzip()) : createReadStream(file.path));
  if (file.format === 'csv') {
    const parser = open().pipe(
      parseCsv({
        bom: true,
        info: true,
        relax_column_count: true,
        skip_empty_lines: true,
        record_delimiter: ['\r\n', '\n', '\r'],
      }),
    );
    let header: string[] | undefined;
    for await (const { record } of parser as AsyncIterable<{ record: string[] }>) {
      if (header === undefined) {
        header = record.map((h) => h.trim());
        continue;
      }
      const values: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i += 1) values[header[i]!] = record[i];
      add(values);
    }
  } else {
    for await (const line of createInterface({ input: open().setEncoding('utf8'), crlfDelay: Infinity })) {
      if (line.trim() !== '') add(JSON.parse(line) as Record<string, unknown>);
    }
  }
  return { rows, totals: totalsOf(file.dataset, days) };
};

/** The per-day totals in DuckDB SQL (also run as a whole process by bench/startup.ts). */
export const SQL = {
  enrollments: (path: string, options: { note?: boolean; gzip?: boolean } = {}) => `
    SELECT CAST(enrolled_at AS DATE)::VARCHAR AS day,
      count(*) AS rows,
      count(*) FILTER (WHERE NOT coalesce(refunded, false)) AS enrollments,
      coalesce(sum(amount) FILTER (WHERE NOT coalesce(refunded, false)), 0) AS revenue,
      coalesce(sum(amount * amount) FILTER (WHERE NOT coalesce(refunded, false)), 0) AS revenue_sq,
      count(*) FILTER (WHERE NOT coalesce(refunded, false) AND channel <> 'organic') AS partner_enrollments,
      count(*) FILTER (WHERE coalesce(refunded, false)) AS refunded
    FROM read_csv('${path}', header = true, delim = ',', quote = '"', escape = '"', auto_detect = false,
      compression = '${options.gzip ? 'gzip' : 'none'}',
      columns = {'user_id': 'VARCHAR', 'course_id': 'VARCHAR', 'enrolled_at': 'TIMESTAMPTZ', 'channel': 'VARCHAR',
                 'amount': 'DOUBLE', 'currency': 'VARCHAR', 'refunded': 'BOOLEAN'${options.note ? ", 'note': 'VARCHAR'" : ''}})
    GROUP BY 1 ORDER BY 1`,
  activity: (path: string, options: { gzip?: boolean } = {}) => `
    SELECT date::VARCHAR AS day, count(*) AS rows, sum(score) AS score, sum(score * score) AS score_sq
    FROM read_json('${path}', format = 'newline_delimited', compression = '${options.gzip ? 'gzip' : 'uncompressed'}',
      columns = {'user_id': 'VARCHAR', 'date': 'DATE', 'score': 'DOUBLE'})
    GROUP BY 1 ORDER BY 1`,
};

/** DuckDB on one thread, in the cooperation's timezone, computing the same per-day totals. */
export class DuckDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckDb> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    await connection.run('SET threads = 1');
    await connection.run(`SET TimeZone = '${BENCH_TIMEZONE}'`);
    return new DuckDb(instance, connection);
  }

  async run(file: BenchFile): Promise<{ rows: number; totals: DayTotals }> {
    const reader = await this.connection.runAndReadAll(SQL[file.dataset](file.path.replace(/'/g, "''"), file));
    const totals: DayTotals = {};
    let rows = 0;
    for (const row of reader.getRowObjects()) {
      const { day, ...measures } = row;
      totals[String(day)] = Object.fromEntries(Object.entries(measures).map(([k, v]) => [k, Number(v)]));
      rows += Number(row.rows);
    }
    return { rows, totals };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
