/**
 * `npm run bench [-- --json] [-- --quick] [-- --runs N] [-- --write-docs]`
 *
 * Generates deterministic data into a temporary directory (removed afterwards), then, after one
 * unmeasured warm-up round, times run by run three ways of computing the same per-day totals
 * from the same file:
 * - ours: analyseFile, the ingest handler's parse + validate + aggregate (no storage);
 * - DuckDB on one thread (SET threads = 1), read_csv / read_json + GROUP BY;
 * - naive: csv-parse or readline with one zod safeParse per row (the ingest before the fast path).
 * Ratios are taken pair by pair within a run, then summarised. Peak RSS is measured in a child
 * process ingesting a large generated file. The built CLI's whole-process start-up and `validate`
 * times are compared with `node -e 0` and a whole-process DuckDB (bench/startup.ts).
 * --write-docs puts the table into docs/performance.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeActivityNdjson, writeEnrollmentsCsv } from './generate';
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

const benchFile = async (file: BenchFile, duck: DuckDb) => {
  const seconds = { ours: [] as number[], duckdb: [] as number[], naive: [] as number[] };
  let totals: { ours?: DayTotals; duckdb?: DayTotals; naive?: DayTotals } = {};
  let rows = 0;
  // One unmeasured round first: the JIT compiles our code (and the naive path's) before timing.
  await runOurs(file);
  await duck.run(file);
  await runNaive(file);
  for (let run = 1; run <= RUNS; run += 1) {
    const ours = await time(() => runOurs(file));
    const duckdb = await time(() => duck.run(file));
    const naive = await time(() => runNaive(file));
    seconds.ours.push(ours.seconds);
    seconds.duckdb.push(duckdb.seconds);
    seconds.naive.push(naive.seconds);
    rows = ours.result.rows;
    totals = { ours: ours.result.totals, duckdb: duckdb.result.totals, naive: naive.result.totals };
    log(`  ${file.format} run ${run}/${RUNS}: ours ${ours.seconds.toFixed(3)} s, DuckDB ${duckdb.seconds.toFixed(3)} s, naive ${naive.seconds.toFixed(3)} s`);
  }
  const path = (s: number[]): PathResult => {
    const summary = summarise(s);
    return { ...summary, rowsPerSecond: Math.round(rows / summary.median), seconds: s };
  };
  const pairwise = (a: number[], b: number[]) => summarise(a.map((x, i) => x / b[i]!));
  return {
    file: { format: file.format, dataset: file.dataset, rows, bytes: statSync(file.path).size },
    ours: path(seconds.ours),
    duckdb: path(seconds.duckdb),
    naive: path(seconds.naive),
    ratios: {
      oursOverDuckdb: pairwise(seconds.ours, seconds.duckdb),
      naiveOverOurs: pairwise(seconds.naive, seconds.ours),
    },
    totals: { ours: totals.ours!, duckdb: totals.duckdb!, naive: totals.naive! },
  };
};

/** Ingests a large generated CSV in a child process; its peak RSS is the ingest's alone. */
const measureRss = async (dir: string) => {
  const path = join(dir, 'large-enrollments.csv');
  const rows = Math.max(1000, Math.round(RSS_BYTES / 68));
  log(`generating ${rows.toLocaleString('en')} rows (~${(RSS_BYTES / 1024 ** 2).toFixed(0)} MiB) for the memory run`);
  await writeEnrollmentsCsv(path, rows, SEED + 2);
  const bytes = statSync(path).size;
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'rss-child.ts'), path, 'csv', 'enrollments'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`memory run failed: ${child.stderr}`);
  const out = JSON.parse(child.stdout.trim().split('\n').pop()!) as { rows: number; seconds: number; baselineMaxRssKiB: number; maxRssKiB: number };
  rmSync(path, { force: true });
  return {
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

type FileResult = Awaited<ReturnType<typeof benchFile>>;

/** The pipeline figures: cost per file, report latency, end to end, bundles (bench/pipeline.ts). */
const measurePipeline = async () => {
  log('measuring DynamoDB cost of one 31-day file');
  const cost = await measureCostPerFile(QUICK ? 10_000 : 100_000);
  log(`measuring a report over ${QUICK ? 120 : 730} days of aggregates in every dataset`);
  const report = await measureReport(RUNS, QUICK ? 120 : 730);
  log('measuring crosslift run on the shipped example');
  const endToEnd = await measureEndToEnd(QUICK ? 1 : 3);
  log('building the Lambda bundles and timing a cold import');
  const bundles = await measureBundles(QUICK ? 2 : 5);
  return { cost, report, endToEnd, bundles };
};

type PipelineResult = Awaited<ReturnType<typeof measurePipeline>>;
const ms = (s: Stats) => `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}-${s.max.toFixed(0)})`;

const renderPipeline = (p: PipelineResult) => [
  '',
  '| Pipeline (embedded local stack) | Figure |',
  '| --- | --- |',
  `| DynamoDB cost of one file: ${int(p.cost.rows)} enrollments over ${p.cost.days} days | ${p.cost.writeRequests} write requests, ${p.cost.itemsWritten} items written, ${p.cost.readRequests} reads |`,
  `| Report: one cooperation, ${p.report.days} days of aggregates in all 7 datasets (${p.report.files} files) | ${ms(p.report.ms)}; ${p.report.dynamodbReadRequests.median} DynamoDB reads (${p.report.dynamodbReadRequests.min}-${p.report.dynamodbReadRequests.max}) |`,
  `| \`crosslift run\` on the shipped example, start to last email | ${ms(p.endToEnd.ms)} |`,
  ...Object.entries(p.bundles).map(
    ([name, b]) => `| Lambda bundle \`${name}\` (esbuild, minified, AWS SDK external) | ${(b.bytes / 1024).toFixed(0)} KiB; cold import ${ms(b.importMs)} |`,
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
  ];
};

export const renderTable = (report: { machine: ReturnType<typeof machine>; rows: number; runs: number; csv: FileResult; ndjson: FileResult; rss: Awaited<ReturnType<typeof measureRss>>; startup?: StartupResult; pipeline?: PipelineResult }) => {
  const lines = [
    `Machine: ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node} (${report.machine.platform}); ${report.runs} runs each after one warm-up round, median (min-max).`,
    '',
    '| File | Path | Seconds | Rows/s | Ours vs DuckDB (pairwise) | Naive vs ours (pairwise) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of [report.csv, report.ndjson]) {
    const name = `${r.file.dataset} ${r.file.format.toUpperCase()}, ${int(r.file.rows)} rows, ${mb(r.file.bytes)}`;
    const row = (label: string, p: PathResult, ratio: string, naive: string) =>
      `| ${name} | ${label} | ${fmt(p.median)} (${fmt(p.min)}-${fmt(p.max)}) | ${int(p.rowsPerSecond)} | ${ratio} | ${naive} |`;
    const o = r.ratios.oursOverDuckdb;
    const n = r.ratios.naiveOverOurs;
    lines.push(row('ours (analyseFile)', r.ours, `${fmt(o.median, 2)}x (${fmt(o.min, 2)}-${fmt(o.max, 2)})`, ''));
    lines.push(row('DuckDB, 1 thread', r.duckdb, '1x', ''));
    lines.push(row('naive (csv-parse/readline + zod per row)', r.naive, '', `${fmt(n.median, 1)}x (${fmt(n.min, 1)}-${fmt(n.max, 1)})`));
  }
  lines.push(
    '',
    `Peak RSS ingesting a ${mb(report.rss.bytes)} enrollments CSV (${int(report.rss.rows)} rows) in a child process: ` +
      `${report.rss.peakRssMiB} MiB (${report.rss.baselineRssMiB} MiB before reading), ${fmt(report.rss.seconds, 1)} s, ${int(report.rss.rowsPerSecond)} rows/s.`,
  );
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
    log(`generating ${int(ROWS)} enrollments (CSV) and ${int(ROWS)} activity rows (NDJSON), seed ${SEED}`);
    const csv: BenchFile = { path: join(dir, 'enrollments.csv'), format: 'csv', dataset: 'enrollments' };
    const ndjson: BenchFile = { path: join(dir, 'activity.ndjson'), format: 'ndjson', dataset: 'activity' };
    await writeEnrollmentsCsv(csv.path, ROWS, SEED);
    await writeActivityNdjson(ndjson.path, ROWS, SEED + 1);
    const duck = await DuckDb.open();
    let csvResult: FileResult;
    let ndjsonResult: FileResult;
    try {
      csvResult = await benchFile(csv, duck);
      ndjsonResult = await benchFile(ndjson, duck);
    } finally {
      duck.close();
    }
    log('timing the built CLI as whole processes (start-up, validate) against node -e 0 and DuckDB');
    const startup = measureStartup(ROOT, { path: csv.path, rows: ROWS }, RUNS);
    const rss = await measureRss(dir);
    const pipeline = await measurePipeline();
    const report = { machine: machine(), rows: ROWS, runs: RUNS, quick: QUICK, seed: SEED, csv: csvResult, ndjson: ndjsonResult, rss, startup, pipeline };
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
