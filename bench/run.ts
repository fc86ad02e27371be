/**
 * `npm run bench [-- --json] [-- --quick] [-- --runs N] [-- --write-docs]`
 *
 * Generates deterministic data into a temporary directory (removed afterwards): an enrollments
 * CSV as clean exports write it, one as messy exports do (quoted fields with commas and doubled
 * quotes, mixed time stamps, an extra free-text column), an activity NDJSON, and gzip copies of
 * the three. Then, after one unmeasured warm-up round, runs round after round, every file in
 * each round, the ways of computing the same per-day totals from the same file:
 * - ours: analyseFile, the ingest handler's parse + validate + aggregate (no storage);
 * - DuckDB on one thread (SET threads = 1), read_csv / read_json + GROUP BY;
 * - naive (plain CSV and NDJSON only): csv-parse or readline with one zod safeParse per row
 *   (the ingest before the fast path).
 * Ratios (ours/DuckDB, gzip/plain) are taken pair by pair within a round, then summarised. Peak
 * RSS is measured in a child process ingesting a large generated file of each CSV shape. The
 * built CLI's whole-process start-up and `validate` times are compared with `node -e 0` and a
 * whole-process DuckDB (bench/startup.ts); the pipeline figures come from bench/pipeline.ts.
 * --write-docs puts the table into docs/performance.md; --save FILE also writes the JSON report there.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipFile, writeActivityNdjson, writeEnrollmentsCsv, writeMessyEnrollmentsCsv } from './generate';
import { measureBundles, measureCostPerFile, measureEndToEnd, measureReport, type Stats } from './pipeline';
import { DuckDb, runNaive, runOurs, type BenchFile, type DayTotals } from './paths';
import { measureStartup, type StartupResult } from './startup';

// Lambda runs Node 22; the SDK's notice about Node 20 would only clutter the output here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const QUICK = flag('--quick');
const JSON_OUT = flag('--json');
const ROWS = Number(option('--rows') ?? (QUICK ? 50_000 : 1_000_000));
const RUNS = Number(option('--runs') ?? (QUICK ? 2 : 5));
/** Size of the file whose ingest peak RSS is measured. */
const RSS_BYTES = Number(option('--rss-bytes') ?? (QUICK ? 4 * 1024 ** 2 : 1024 ** 3));
const SEED = 1;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const log = (message: string) => {
  if (!JSON_OUT) process.stderr.write(`${message}\n`);
};

interface Summary {
  median: number;
  min: number;
  max: number;
}
const summarise = (values: number[]): Summary => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
};

const time = async <T>(f: () => Promise<T>): Promise<{ seconds: number; result: T }> => {
  const started = performance.now();
  const result = await f();
  return { seconds: (performance.now() - started) / 1000, result };
};

interface PathResult extends Summary {
  rowsPerSecond: number;
  seconds: number[];
}

/** The files of the benchmark, in the order each round runs them. */
const FILE_KEYS = ['csv', 'csvMessy', 'csvGzip', 'csvMessyGzip', 'ndjson', 'ndjsonGzip'] as const;
type FileKey = (typeof FILE_KEYS)[number];

const FILE_LABELS: Record<FileKey, string> = {
  csv: 'enrollments CSV',
  csvMessy: 'enrollments CSV, messy',
  csvGzip: 'enrollments CSV, gzip',
  csvMessyGzip: 'enrollments CSV, messy, gzip',
  ndjson: 'activity NDJSON',
  ndjsonGzip: 'activity NDJSON, gzip',
};

/** The goals of issue 17 for ours against DuckDB (1 thread), pairwise. */
const GOALS: Partial<Record<FileKey, string>> = {
  csv: '<= 1.0x, >= 1.5M rows/s',
  csvMessy: '<= 1.0x, >= 1.5M rows/s',
  ndjson: '<= 2.0x',
};

/** Gzip files against their plain originals (the overhead of decompressing). */
const GZIP_OF: Partial<Record<FileKey, FileKey>> = { csvGzip: 'csv', csvMessyGzip: 'csvMessy', ndjsonGzip: 'ndjson' };

/** The naive loop runs on the plain files only: it shows what the fast path bought, not gzip. */
const NAIVE: ReadonlySet<FileKey> = new Set(['csv', 'ndjson']);

const pairwise = (a: number[], b: number[]) => summarise(a.map((x, i) => x / b[i]!));

/**
 * Every file, round by round: in each round every file runs ours, DuckDB (and the naive loop
 * where it applies) back to back, so every ratio (ours/DuckDB, gzip/plain) is taken within one
 * round, on a machine in the same state. One unmeasured round first: the JIT compiles our code
 * (and the naive path's) before timing.
 */
const benchFiles = async (files: Record<FileKey, BenchFile>, duck: DuckDb) => {
  const seconds = Object.fromEntries(
    FILE_KEYS.map((k) => [k, { ours: [] as number[], duckdb: [] as number[], naive: [] as number[] }]),
  ) as Record<FileKey, { ours: number[]; duckdb: number[]; naive: number[] }>;
  const last = {} as Record<FileKey, { rows: number; ours: DayTotals; duckdb: DayTotals; naive?: DayTotals }>;
  for (let run = 0; run <= RUNS; run += 1) {
    const parts: string[] = [];
    for (const key of FILE_KEYS) {
      const file = files[key];
      const ours = await time(() => runOurs(file));
      const duckdb = await time(() => duck.run(file));
      const naive = NAIVE.has(key) ? await time(() => runNaive(file)) : undefined;
      last[key] = {
        rows: ours.result.rows,
        ours: ours.result.totals,
        duckdb: duckdb.result.totals,
        ...(naive ? { naive: naive.result.totals } : {}),
      };
      if (run === 0) continue;
      seconds[key].ours.push(ours.seconds);
      seconds[key].duckdb.push(duckdb.seconds);
      if (naive) seconds[key].naive.push(naive.seconds);
      parts.push(
        `${key} ${ours.seconds.toFixed(3)}/${duckdb.seconds.toFixed(3)}${naive ? `/${naive.seconds.toFixed(3)}` : ''}`,
      );
    }
    log(run === 0 ? '  warm-up round done' : `  run ${run}/${RUNS} (ours/DuckDB/naive s): ${parts.join(', ')}`);
  }
  const result = {} as Record<FileKey, FileResult>;
  for (const key of FILE_KEYS) {
    const s = seconds[key];
    const { rows } = last[key];
    const path = (values: number[]): PathResult => {
      const summary = summarise(values);
      return { ...summary, rowsPerSecond: Math.round(rows / summary.median), seconds: values };
    };
    const plain = GZIP_OF[key];
    result[key] = {
      file: {
        label: FILE_LABELS[key],
        format: files[key].format,
        dataset: files[key].dataset,
        gzip: files[key].gzip ?? false,
        rows,
        bytes: statSync(files[key].path).size,
      },
      ours: path(s.ours),
      duckdb: path(s.duckdb),
      ...(s.naive.length > 0 ? { naive: path(s.naive) } : {}),
      ratios: {
        oursOverDuckdb: pairwise(s.ours, s.duckdb),
        ...(s.naive.length > 0 ? { naiveOverOurs: pairwise(s.naive, s.ours) } : {}),
        ...(plain
          ? {
              gzipOverPlain: {
                ours: pairwise(s.ours, seconds[plain].ours),
                duckdb: pairwise(s.duckdb, seconds[plain].duckdb),
              },
            }
          : {}),
      },
      totals: {
        ours: last[key].ours,
        duckdb: last[key].duckdb,
        ...(last[key].naive ? { naive: last[key].naive } : {}),
      },
    };
  }
  return result;
};

interface FileResult {
  file: { label: string; format: string; dataset: string; gzip: boolean; rows: number; bytes: number };
  ours: PathResult;
  duckdb: PathResult;
  naive?: PathResult;
  ratios: {
    oursOverDuckdb: Summary;
    naiveOverOurs?: Summary;
    gzipOverPlain?: { ours: Summary; duckdb: Summary };
  };
  totals: { ours: DayTotals; duckdb: DayTotals; naive?: DayTotals };
}

/** Ingests a large generated CSV in a child process; its peak RSS is the ingest's alone. */
const measureRss = async (dir: string, shape: 'clean' | 'messy') => {
  const path = join(dir, `large-enrollments-${shape}.csv`);
  const rows = Math.max(1000, Math.round(RSS_BYTES / (shape === 'messy' ? 92 : 68)));
  log(
    `generating ${rows.toLocaleString('en')} ${shape} rows (~${(RSS_BYTES / 1024 ** 2).toFixed(0)} MiB) for the memory run`,
  );
  if (shape === 'messy') await writeMessyEnrollmentsCsv(path, rows, SEED + 4);
  else await writeEnrollmentsCsv(path, rows, SEED + 2);
  const bytes = statSync(path).size;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'bench', 'rss-child.ts'), path, 'csv', 'enrollments'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    },
  );
  if (child.status !== 0) throw new Error(`memory run failed: ${child.stderr}`);
  const out = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
    rows: number;
    seconds: number;
    baselineMaxRssKiB: number;
    maxRssKiB: number;
  };
  rmSync(path, { force: true });
  return {
    shape,
    bytes,
    rows: out.rows,
    seconds: out.seconds,
    rowsPerSecond: Math.round(out.rows / out.seconds),
    baselineRssMiB: Math.round(out.baselineMaxRssKiB / 1024),
    peakRssMiB: Math.round(out.maxRssKiB / 1024),
  };
};

const machine = () => ({
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
});

const fmt = (n: number, digits = 3) => n.toFixed(digits);
const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const int = (n: number) => n.toLocaleString('en');

/** The pipeline figures: cost per file, report latency, end to end, bundles (bench/pipeline.ts). */
const measurePipeline = async () => {
  log('measuring DynamoDB cost of one 31-day file');
  const cost = await measureCostPerFile(QUICK ? 10_000 : 100_000);
  const days = QUICK ? 120 : 730;
  log(`measuring a report over ${days} days of data in every dataset, delivered monthly, then daily`);
  const report = await measureReport(RUNS, days, 'monthly');
  const reportDaily = await measureReport(RUNS, days, 'daily');
  log('measuring crosslift run on the shipped example');
  const endToEnd = await measureEndToEnd(QUICK ? 1 : 3);
  log('building the Lambda bundles and timing a cold import');
  const bundles = await measureBundles(QUICK ? 2 : 5);
  return { cost, report, reportDaily, endToEnd, bundles };
};

type PipelineResult = Awaited<ReturnType<typeof measurePipeline>>;
const ms = (s: Stats) => `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}-${s.max.toFixed(0)})`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

const renderPipeline = (p: PipelineResult) => [
  '',
  '| Pipeline (embedded local stack) | Figure |',
  '| --- | --- |',
  `| DynamoDB cost of one file: ${int(p.cost.rows)} enrollments over ${p.cost.days} days | ${p.cost.writeRequests} write requests, ${p.cost.itemsWritten} items written, ${p.cost.readRequests} reads |`,
  ...[p.report, p.reportDaily].flatMap((r) => [
    `| Report (computeReport, one week): ${r.days} days of data in all 7 datasets, delivered ${r.shape} (${int(r.files)} files) | ${ms(r.ms)}; ${r.dynamodbReadRequests.median} DynamoDB reads; ${kib(r.bytesRead.median)} read |`,
    `| Report function end to end (handler on the local stack: compute, store, email, alerts), same data | ${ms(r.handlerMs)} |`,
  ]),
  `| \`crosslift run\` on the shipped example, start to last email | ${ms(p.endToEnd.ms)} |`,
  ...Object.entries(p.bundles).map(
    ([name, b]) =>
      `| Lambda bundle \`${name}\` (esbuild as CDK builds it, AWS SDK external) | ${(b.bytes / 1024).toFixed(0)} KiB${name === 'report' ? ' (goal < 300)' : ''}; ` +
      `cold import ${ms(b.importMs)} (goal <= 120 ms), AWS SDK packages loaded: ${b.sdkLoadedAtImport.length}; ` +
      `then at the first invocation its SDK clients load: ${ms(b.firstUseSdkMs)} |`,
  ),
];

const renderStartup = (s: StartupResult) => {
  const x = (r: Summary) => `${fmt(r.median, 2)}x (${fmt(r.min, 2)}-${fmt(r.max, 2)})`;
  const t = (r: Summary) => `${r.median.toFixed(0)} ms (${r.min.toFixed(0)}-${r.max.toFixed(0)})`;
  return [
    '',
    `| Built CLI, whole process (${s.runs} runs each, alternating, after one unmeasured round) | Time | Ratio | Goal |`,
    '| --- | --- | --- | --- |',
    `| \`node -e 0\` | ${t(s.nodeMs)} | 1x | |`,
    `| \`crosslift --version\` | ${t(s.versionMs)} | ${x(s.versionOverNode)} of \`node -e 0\` | <= 3x |`,
    `| \`crosslift validate\` on a one-row file | ${t(s.validateOneRowMs)} | ${x(s.validateOneRowOverNode)} of \`node -e 0\` | <= 4x |`,
    `| \`crosslift validate --json\` on the enrollments CSV (${int(s.large.rows)} rows) | ${t(s.large.crossliftMs)} | ${x(s.large.crossliftOverDuckdb)} of DuckDB | <= 1.3x |`,
    `| \`node -e\` script: DuckDB (1 thread) on the same CSV, same per-day totals | ${t(s.large.duckdbMs)} | 1x | |`,
    `| \`crosslift validate --json\` on the messy enrollments CSV (${int(s.largeMessy.rows)} rows) | ${t(s.largeMessy.crossliftMs)} | ${x(s.largeMessy.crossliftOverDuckdb)} of DuckDB | <= 1.3x |`,
    `| \`node -e\` script: DuckDB (1 thread) on the same messy CSV, same per-day totals | ${t(s.largeMessy.duckdbMs)} | 1x | |`,
  ];
};

type RssResult = Awaited<ReturnType<typeof measureRss>>;

export const renderTable = (report: {
  machine: ReturnType<typeof machine>;
  rows: number;
  runs: number;
  files: Record<FileKey, FileResult>;
  rss: RssResult[];
  startup?: StartupResult;
  pipeline?: PipelineResult;
}) => {
  const x = (r: Summary, digits = 2) => `${fmt(r.median, digits)}x (${fmt(r.min, digits)}-${fmt(r.max, digits)})`;
  const lines = [
    `Machine: ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node} (${report.machine.platform}); ${report.runs} rounds after one warm-up round, every file in each round, median (min-max).`,
    '',
    '| File | Path | Seconds | Rows/s | Ours vs DuckDB (pairwise) | Goal | Naive vs ours (pairwise) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const key of FILE_KEYS) {
    const r = report.files[key];
    const name = `${r.file.label}, ${int(r.file.rows)} rows, ${mb(r.file.bytes)}`;
    const row = (label: string, p: PathResult, ratio: string, goal: string, naive: string) =>
      `| ${name} | ${label} | ${fmt(p.median)} (${fmt(p.min)}-${fmt(p.max)}) | ${int(p.rowsPerSecond)} | ${ratio} | ${goal} | ${naive} |`;
    lines.push(row('ours (analyseFile)', r.ours, x(r.ratios.oursOverDuckdb), GOALS[key] ?? '', ''));
    lines.push(row('DuckDB, 1 thread', r.duckdb, '1x', '', ''));
    if (r.naive && r.ratios.naiveOverOurs)
      lines.push(row('naive (csv-parse/readline + zod per row)', r.naive, '', '', x(r.ratios.naiveOverOurs, 1)));
  }
  lines.push(
    '',
    '| Gzip overhead (pairwise, same round) | Ours: gzip / plain | DuckDB: gzip / plain |',
    '| --- | --- | --- |',
  );
  for (const key of FILE_KEYS) {
    const g = report.files[key].ratios.gzipOverPlain;
    if (g) lines.push(`| ${report.files[key].file.label} | ${x(g.ours)} | ${x(g.duckdb)} |`);
  }
  lines.push('');
  for (const rss of report.rss) {
    lines.push(
      `Peak RSS ingesting a ${mb(rss.bytes)} ${rss.shape} enrollments CSV (${int(rss.rows)} rows) in a child process: ` +
        `${rss.peakRssMiB} MiB (${rss.baselineRssMiB} MiB before reading; goal < 200 MB), ${fmt(rss.seconds, 1)} s, ${int(rss.rowsPerSecond)} rows/s.`,
    );
  }
  if (report.startup) lines.push(...renderStartup(report.startup));
  if (report.pipeline) lines.push(...renderPipeline(report.pipeline));
  return lines.join('\n');
};

const writeDocs = (table: string) => {
  const path = join(ROOT, 'docs', 'performance.md');
  const text = readFileSync(path, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`docs/performance.md lacks the ${start} ... ${end} markers`);
  writeFileSync(path, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
};

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crosslift-bench-'));
  try {
    log(
      `generating ${int(ROWS)} enrollments (a clean and a messy CSV) and ${int(ROWS)} activity rows (NDJSON), seed ${SEED}, and their gzip copies`,
    );
    const file = (
      name: string,
      format: BenchFile['format'],
      dataset: BenchFile['dataset'],
      extra: Partial<BenchFile> = {},
    ): BenchFile => ({
      path: join(dir, name),
      format,
      dataset,
      ...extra,
    });
    const files: Record<FileKey, BenchFile> = {
      csv: file('enrollments.csv', 'csv', 'enrollments'),
      csvMessy: file('enrollments-messy.csv', 'csv', 'enrollments', { note: true }),
      csvGzip: file('enrollments.csv.gz', 'csv', 'enrollments', { gzip: true }),
      csvMessyGzip: file('enrollments-messy.csv.gz', 'csv', 'enrollments', { note: true, gzip: true }),
      ndjson: file('activity.ndjson', 'ndjson', 'activity'),
      ndjsonGzip: file('activity.ndjson.gz', 'ndjson', 'activity', { gzip: true }),
    };
    await writeEnrollmentsCsv(files.csv.path, ROWS, SEED);
    await writeMessyEnrollmentsCsv(files.csvMessy.path, ROWS, SEED + 3);
    await writeActivityNdjson(files.ndjson.path, ROWS, SEED + 1);
    for (const key of ['csv', 'csvMessy', 'ndjson'] as const) await gzipFile(files[key].path);
    const duck = await DuckDb.open();
    let fileResults: Record<FileKey, FileResult>;
    try {
      fileResults = await benchFiles(files, duck);
    } finally {
      duck.close();
    }
    log('timing the built CLI as whole processes (start-up, validate) against node -e 0 and DuckDB');
    const startup = measureStartup(
      ROOT,
      { clean: { path: files.csv.path, rows: ROWS }, messy: { path: files.csvMessy.path, rows: ROWS, note: true } },
      RUNS,
    );
    const rss = [await measureRss(dir, 'clean'), await measureRss(dir, 'messy')];
    const pipeline = await measurePipeline();
    const report = {
      machine: machine(),
      rows: ROWS,
      runs: RUNS,
      quick: QUICK,
      seed: SEED,
      files: fileResults,
      rss,
      startup,
      pipeline,
    };
    const save = option('--save');
    if (save) writeFileSync(save, `${JSON.stringify(report)}\n`);
    if (JSON_OUT) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      const table = renderTable(report);
      process.stdout.write(`${table}\n`);
      if (flag('--write-docs')) writeDocs(table);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

await main();
