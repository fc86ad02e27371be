/**
 * Whole-process timings of the built CLI (what a partner runs), each in a fresh Node process:
 * - `crosslift --version` against a bare `node -e 0` (goal: at most 3x);
 * - `crosslift validate` on a one-row file against `node -e 0` (goal: at most 4x);
 * - `crosslift validate` on the benchmark's 1M-row enrollments CSVs (the clean export and the
 *   messy one) against a `node -e` script that runs DuckDB (one thread) on the same file and
 *   prints the same per-day totals (goal: at most 1.3x). Start-up, module loading and the first,
 *   cold run are all inside the figures.
 * Runs alternate between the commands compared, after one unmeasured round (file cache, disk).
 * Ratios are taken run by run, then summarised like the rest of the benchmark. Not asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DayTotals } from './paths';
import { SQL } from './paths';
import { BENCH_CURRENCY, BENCH_TIMEZONE } from './generate';

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

const summarise = (values: number[]): Summary => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
};

/** Runs a command to its end; its wall time in ms and its stdout. Fails loudly on an unexpected exit code. */
const timed = (args: string[], cwd: string, expectStatus = 0) => {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - started;
  if (child.status !== expectStatus) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return { ms, stdout: child.stdout };
};

/** Measures `a` and `b` alternately; each one's times and the run-by-run ratios a/b. */
const compare = (runs: number, a: () => number, b: () => number) => {
  a();
  b();
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    as.push(a());
    bs.push(b());
  }
  return { a: summarise(as), b: summarise(bs), ratio: summarise(as.map((x, i) => x / bs[i]!)) };
};

/** The DuckDB whole process: import, open, one thread, the query, the totals on stdout. */
const duckDbScript = (csvPath: string, note: boolean) => `
import { DuckDBInstance } from '@duckdb/node-api';
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
await connection.run("SET TimeZone = '${BENCH_TIMEZONE}'");
const reader = await connection.runAndReadAll(${JSON.stringify(SQL.enrollments(csvPath.replace(/'/g, "''"), { note }))});
const totals = {};
for (const { day, ...measures } of reader.getRowObjects()) {
  totals[String(day)] = Object.fromEntries(Object.entries(measures).map(([k, v]) => [k, Number(v)]));
}
process.stdout.write(JSON.stringify(totals) + '\\n');
`;

export interface StartupResult {
  readonly runs: number;
  readonly nodeMs: Summary;
  readonly versionMs: Summary;
  readonly versionOverNode: Summary;
  readonly validateOneRowMs: Summary;
  readonly validateOneRowOverNode: Summary;
  /** The clean enrollments CSV. */
  readonly large: WholeFile;
  /** The messy one (quoted fields, mixed time stamps, an extra column). */
  readonly largeMessy: WholeFile;
}

/** `crosslift validate` against the DuckDB script on one large file, whole processes. */
export interface WholeFile {
  readonly rows: number;
  readonly crossliftMs: Summary;
  readonly duckdbMs: Summary;
  readonly crossliftOverDuckdb: Summary;
  /** The per-day totals each whole process printed (the quick bench's test compares them). */
  readonly totals: { crosslift: DayTotals; duckdb: DayTotals };
}

/** A large enrollments CSV of the benchmark; `note` when it has the messy shape's extra column. */
export interface LargeCsv {
  readonly path: string;
  readonly rows: number;
  readonly note?: boolean;
}

/**
 * Builds the CLI into a folder of its own under `root` (so the emulators resolve from the
 * repository's node_modules and `npm pack` is never raced), then times it.
 */
export const measureStartup = (
  root: string,
  largeCsvs: { clean: LargeCsv; messy: LargeCsv },
  runs: number,
): StartupResult => {
  const dir = mkdtempSync(join(root, '.bench-bundles-cli-'));
  try {
    timed([join(root, 'scripts', 'build-cli.mjs'), '--outdir', join(dir, 'cli')], root);
    const cli = join(dir, 'cli', 'crosslift.mjs');
    const oneRow = join(dir, 'one-row.csv');
    writeFileSync(oneRow, 'user_id,submitted_at,rating\nu1,2026-11-02,5\n');

    const node = () => timed(['-e', '0'], dir).ms;
    const version = compare(runs, () => timed([cli, '--version'], dir).ms, node);
    const validate = compare(runs, () => timed([cli, 'validate', oneRow, '--dataset', 'feedback'], dir).ms, node);

    const wholeFile = (file: LargeCsv): WholeFile => {
      let crossliftOut = '';
      let duckdbOut = '';
      const args = ['validate', file.path, '--dataset', 'enrollments', '--timezone', BENCH_TIMEZONE];
      const large = compare(
        runs,
        () => {
          const r = timed([cli, ...args, '--currency', BENCH_CURRENCY, '--json'], dir);
          crossliftOut = r.stdout;
          return r.ms;
        },
        () => {
          const r = timed(['--input-type=module', '-e', duckDbScript(file.path, file.note ?? false)], root);
          duckdbOut = r.stdout;
          return r.ms;
        },
      );
      const verdict = JSON.parse(crossliftOut).files[0] as {
        status: string;
        days: { day: string; totals: Record<string, number> }[];
      };
      if (verdict.status !== 'accepted')
        throw new Error(`crosslift validate did not accept the benchmark file: ${verdict.status}`);
      return {
        rows: file.rows,
        crossliftMs: large.a,
        duckdbMs: large.b,
        crossliftOverDuckdb: large.ratio,
        totals: {
          crosslift: Object.fromEntries(verdict.days.map((d) => [d.day, d.totals])),
          duckdb: JSON.parse(duckdbOut) as DayTotals,
        },
      };
    };
    return {
      runs,
      nodeMs: version.b,
      versionMs: version.a,
      versionOverNode: version.ratio,
      validateOneRowMs: validate.a,
      validateOneRowOverNode: validate.ratio,
      large: wholeFile(largeCsvs.clean),
      largeMessy: wholeFile(largeCsvs.messy),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

// Run this measurement alone: `npx tsx bench/startup.ts [ROWS] [RUNS]` (default 1,000,000 rows, 5 runs).
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const { writeEnrollmentsCsv, writeMessyEnrollmentsCsv } = await import('./generate');
  const rows = Number(process.argv[2] ?? 1_000_000);
  const runs = Number(process.argv[3] ?? 5);
  const root = join(import.meta.dirname, '..');
  const dir = mkdtempSync(join((await import('node:os')).tmpdir(), 'crosslift-bench-'));
  try {
    const clean = { path: join(dir, 'enrollments.csv'), rows };
    const messy = { path: join(dir, 'enrollments-messy.csv'), rows, note: true };
    await writeEnrollmentsCsv(clean.path, rows, 1);
    await writeMessyEnrollmentsCsv(messy.path, rows);
    const { large, largeMessy, ...rest } = measureStartup(root, { clean, messy }, runs);
    const timings = ({ totals: _totals, ...t }: WholeFile) => t;
    writeFileSync(
      1,
      `${JSON.stringify({ ...rest, large: timings(large), largeMessy: timings(largeMessy) }, null, 2)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
