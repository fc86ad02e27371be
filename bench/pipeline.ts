/**
 * Benchmarks of the pipeline against the embedded local stack (issue: cost per file, report
 * latency and queries, end to end) and of the Lambda bundles (size, import time). Each returns
 * plain JSON; bench/run.ts prints and records them.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { MiddlewareStack } from '@smithy/types';
import { build } from 'esbuild';
import { createLocalPipeline } from '../cli/local-pipeline';
import { startLocalStack } from '../cli/local-stack';
import { configSchema, type ConfigInput } from '../shared/config/schema';
import type { DatasetName } from '../shared/datasets/names';
import { putDayAggregates } from '../shared/storage/day-aggregates';
import { markIndexComplete } from '../shared/storage/file-index';
import { fileIdOf, normaliseSequencer, putFileRecordIfNewer } from '../shared/storage/file-ledger';
import type { TableRef } from '../shared/storage/table';
import { computeReport } from '../shared/report/compute-report';
import { periodOfLabel } from '../shared/time/periods';

const ROOT = join(import.meta.dirname, '..');

export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export const stats = (values: number[]): Stats => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, runs: sorted.length };
};

const benchConfig = (): ConfigInput => ({
  partners: [
    {
      id: 'platform',
      name: 'Platform',
      kind: 'knowledge_platform',
      contacts: ['ops@platform.example'],
      sender: 'reports@platform.example',
    },
    { id: 'school', name: 'School', kind: 'training_institution', contacts: ['ops@school.example'] },
  ],
  cooperations: [
    {
      id: 'bench',
      name: 'Benchmark cooperation',
      type: 'joint_course',
      owner: 'platform',
      partners: ['platform', 'school'],
      timezone: 'Asia/Shanghai',
      starts: '2024-11-01',
      schedule: 'weekly',
      market: { totalUsers: 1_000_000, totalBrand: 10_000 },
      model: { capability: { storage: 80, processing: 70, analysis: 60 } },
      targets: { enrollments: { min: 10 }, avg_rating: { min: 4 }, ad_roas: { min: 2 } },
    },
  ],
});

/** Counts DynamoDB requests by command, and items written, on a client's middleware stack. */
const countDynamo = (stack: MiddlewareStack<object, object>) => {
  const counts = {
    requests: 0,
    writeRequests: 0,
    readRequests: 0,
    itemsWritten: 0,
    bytesRead: 0,
    byCommand: {} as Record<string, number>,
  };
  stack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName ?? 'unknown';
      const input = (args as { input: { RequestItems?: Record<string, unknown[]> } }).input;
      counts.requests += 1;
      counts.byCommand[name] = (counts.byCommand[name] ?? 0) + 1;
      if (/^(Put|Update|Delete)ItemCommand$/.test(name)) {
        counts.writeRequests += 1;
        counts.itemsWritten += 1;
      } else if (name === 'BatchWriteItemCommand') {
        counts.writeRequests += 1;
        counts.itemsWritten += Object.values(input.RequestItems ?? {}).reduce((s, r) => s + r.length, 0);
      } else if (/^(Get|Query|Scan|BatchGet)/.test(name)) counts.readRequests += 1;
      const result = await next(args);
      // Bytes read: the size of the items returned (as the wire JSON), for reads.
      if (/^(Get|Query|Scan|BatchGet)/.test(name)) {
        const output = result.output as { Item?: unknown; Items?: unknown; Responses?: unknown };
        counts.bytesRead += JSON.stringify(output.Item ?? output.Items ?? output.Responses ?? null).length;
      }
      return result;
    },
    { step: 'initialize' },
  );
  return counts;
};

const DAY_MS = 86_400_000;
const dayOf = (start: string, i: number) =>
  new Date(Date.parse(`${start}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10);

/** DynamoDB cost of ingesting one enrollments file covering 31 days. */
export const measureCostPerFile = async (rows: number) => {
  const stack = await startLocalStack();
  const config = configSchema.parse(benchConfig());
  const pipeline = createLocalPipeline(stack, config, new Logger({ logLevel: 'SILENT' }));
  try {
    const lines = ['user_id,course_id,enrolled_at,channel,amount'];
    for (let i = 0; i < rows; i += 1)
      lines.push(
        `u${i},c${i % 9},${dayOf('2026-10-01', i % 31)}T10:00:00+08:00,${i % 3 ? 'ad' : 'organic'},${(i % 400) + 0.5}`,
      );
    const counts = countDynamo(pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>);
    await pipeline.runtime.clients.s3.send(
      new PutObjectCommand({
        Bucket: stack.bucketName,
        Key: 'inbox/bench/platform/enrollments/october.csv',
        Body: `${lines.join('\n')}\n`,
      }),
    );
    await pipeline.drain();
    return { rows, days: 31, datasets: 1, ...counts };
  } finally {
    await pipeline.stop();
    await stack.stop();
  }
};

/** Measures of one day of one dataset, as an ingest of a few rows would store them. */
const DAY_MEASURES: Record<string, Record<string, number>> = {
  enrollments: { rows: 2, enrollments: 2, revenue: 30, revenue_sq: 500, partner_enrollments: 1, refunded: 0 },
  referrals: { rows: 1, conversions: 1, revenue: 5, revenue_sq: 25 },
  campaigns: { rows: 1, impressions: 1000, clicks: 30, conversions: 3, spend: 50, revenue: 150 },
  activity: { rows: 2, score: 1.2, score_sq: 0.74 },
  feedback: { rows: 1, rating: 4, rating_sq: 16, nps_n: 1, promoters: 1, detractors: 0 },
  events: { rows: 1, registrations: 20, attendees: 12, new_users: 3 },
  brand: { rows: 1, influence: 100, influence_sq: 10_000, followers: 5, mentions: 2 },
};
const ALL_DATASETS = Object.keys(DAY_MEASURES) as DatasetName[];

/** How partners deliver: one file per dataset per month, or one per dataset per day. */
export type DeliveryShape = 'monthly' | 'daily';

/**
 * Stores what committed ingests leave behind for `days` days of every dataset delivered in the
 * given shape: each file's ledger record and its day aggregates, written with the storage
 * modules the ingest uses (a report reads only these; going through S3 and the ingest for the
 * 5,110 daily files would take minutes and measure nothing more).
 */
const seedDeliveries = async (
  t: TableRef,
  cooperationId: string,
  shape: DeliveryShape,
  days: number,
  start: string,
) => {
  const perFile = shape === 'monthly' ? 30 : 1;
  const files: { key: string; dataset: DatasetName; days: string[] }[] = [];
  for (let first = 0; first < days; first += perFile) {
    const range = Array.from({ length: Math.min(perFile, days - first) }, (_, i) => dayOf(start, first + i));
    for (const dataset of ALL_DATASETS)
      files.push({ key: `inbox/bench/platform/${dataset}/${shape}-${range[0]}.csv`, dataset, days: range });
  }
  const seed = async (f: (typeof files)[number]) => {
    const fileId = fileIdOf(f.key);
    const generation = createHash('sha256').update(f.key).digest('hex').slice(0, 12);
    await putDayAggregates(
      t,
      cooperationId,
      f.days.map((day) => ({
        day,
        dataset: f.dataset,
        partnerId: 'platform',
        fileId,
        generation,
        m: DAY_MEASURES[f.dataset]!,
      })),
    );
    await putFileRecordIfNewer(t, {
      cooperationId,
      key: f.key,
      partnerId: 'platform',
      dataset: f.dataset,
      status: 'accepted',
      sequencer: normaliseSequencer('0001'),
      versionId: 'v1',
      etag: fileId,
      generation,
      contentHash: createHash('sha256').update(`content ${f.key}`).digest('hex'),
      rows: f.days.length,
      rejectedRows: 0,
      errorCount: 0,
      errors: [],
      days: f.days,
      updatedAt: new Date().toISOString(),
    });
  };
  // A few at a time: the emulator is the bottleneck either way.
  for (let i = 0; i < files.length; i += 16) await Promise.all(files.slice(i, i + 16).map(seed));
  // As a cooperation running since the file index exists (its first report marks it complete).
  await markIndexComplete(t, cooperationId, new Date());
  return files.length;
};

/**
 * One cooperation with `days` days of data in every dataset, delivered monthly or daily: the
 * time, DynamoDB read requests and bytes read of computing one week's report (computeReport),
 * and the report function end to end (the handler on the local stack: compute, store, email,
 * alerts) for the same week.
 */
export const measureReport = async (runs: number, days = 730, shape: DeliveryShape = 'monthly') => {
  const stack = await startLocalStack();
  const config = configSchema.parse(benchConfig());
  const pipeline = createLocalPipeline(stack, config, new Logger({ logLevel: 'SILENT' }));
  try {
    const cooperation = config.cooperations[0]!;
    // The last day seeded is the Sunday that ends 2026-W46, the week reported.
    const start = dayOf('2026-11-15', -(days - 1));
    const files = await seedDeliveries(pipeline.runtime.table, cooperation.id, shape, days, start);
    const period = periodOfLabel('2026-W46', cooperation.timezone)!;
    const counts = countDynamo(pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>);
    const times: number[] = [];
    const reads: number[] = [];
    const bytes: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const before = { reads: counts.readRequests, bytes: counts.bytesRead };
      const t = performance.now();
      await computeReport(pipeline.runtime, cooperation, period);
      times.push(performance.now() - t);
      reads.push(counts.readRequests - before.reads);
      bytes.push(counts.bytesRead - before.bytes);
    }
    // The report function as the schedule invokes it, for the same week (the first run emails).
    const endToEnd: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const t = performance.now();
      await pipeline.report({ cooperationId: cooperation.id, scheduledTime: '2026-11-16T06:00:00+08:00' });
      endToEnd.push(performance.now() - t);
    }
    return {
      shape,
      days,
      files,
      ms: stats(times),
      dynamodbReadRequests: stats(reads),
      bytesRead: stats(bytes),
      handlerMs: stats(endToEnd),
    };
  } finally {
    await pipeline.stop();
    await stack.stop();
  }
};

/** `crosslift run` on the shipped example, wall time of the whole command (start to last email). */
export const measureEndToEnd = async (runs: number) => {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    await promisify(execFile)(
      process.execPath,
      ['bin/crosslift.mjs', 'run', '--data', 'examples/joint-course', '--as-of', '2026-11-23T06:00:00+08:00', '--json'],
      {
        cwd: ROOT,
        maxBuffer: 1 << 24,
      },
    );
    times.push(performance.now() - t);
  }
  return { ms: stats(times) };
};

export const LAMBDA_FUNCTIONS = ['ingest', 'report', 'reconcile', 'failure-notice'] as const;

/**
 * Builds one Lambda bundle as the CDK stack does (infra/constructs/crosslift-function.ts:
 * NodejsFunction's esbuild with these bundling options: ESM, node22, minified, module before
 * main, the AWS SDK external, the require banner, UTF-8).
 */
export const buildLambdaBundle = async (fn: (typeof LAMBDA_FUNCTIONS)[number], outfile: string) => {
  await build({
    entryPoints: [join(ROOT, 'functions', fn, 'handler.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    charset: 'utf8',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    outfile,
    logLevel: 'error',
  });
  return statSync(outfile).size;
};

/**
 * A fresh Node process that imports a bundle, as a cold start does, and prints how long the
 * import took and which AWS SDK packages it loaded (none: they load on first use).
 */
export const coldImport = (file: string, firstUse: readonly string[] = []) => {
  const script = [
    "import { createRequire } from 'node:module';",
    'const t = performance.now();',
    `await import(${JSON.stringify(file)});`,
    'const ms = performance.now() - t;',
    "const sdk = [...new Set(Object.keys(createRequire(import.meta.url).cache).flatMap((p) => p.includes('@aws-sdk/') ? ['@aws-sdk/' + p.split('@aws-sdk/')[1].split('/')[0]] : []))];",
    // Then what the first invocation adds: the SDK packages the function's runtime loads.
    'const u = performance.now();',
    ...firstUse.map((name) => `await import(${JSON.stringify(name)});`),
    'const firstUseMs = performance.now() - u;',
    'console.log(JSON.stringify({ ms, sdk, firstUseMs }));',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`importing ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; sdk: string[]; firstUseMs: number };
};

/** The SDK packages each function's runtime loads at its first invocation (shared/runtime/from-env.ts). */
const FIRST_USE: Record<(typeof LAMBDA_FUNCTIONS)[number], readonly string[]> = {
  ingest: ['@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
  reconcile: ['@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
  report: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sesv2'],
  'failure-notice': ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', '@aws-sdk/client-sesv2'],
};

/** The Lambda bundles, built as the CDK stack builds them: size and import time in a fresh process. */
export const measureBundles = async (runs: number) => {
  const dir = mkdtempSync(join(ROOT, '.bench-bundles-'));
  try {
    const out: Record<string, { bytes: number; importMs: Stats; sdkLoadedAtImport: string[]; firstUseSdkMs: Stats }> =
      {};
    for (const fn of LAMBDA_FUNCTIONS) {
      const file = join(dir, `${fn}.mjs`);
      const bytes = await buildLambdaBundle(fn, file);
      const times: number[] = [];
      const firstUse: number[] = [];
      let sdk: string[] = [];
      for (let i = 0; i < runs; i += 1) {
        // A fresh process each time, like a cold start.
        const r = coldImport(file, FIRST_USE[fn]);
        times.push(r.ms);
        firstUse.push(r.firstUseMs);
        sdk = r.sdk;
      }
      out[fn] = { bytes, importMs: stats(times), sdkLoadedAtImport: sdk, firstUseSdkMs: stats(firstUse) };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

// Run one measurement directly: `npx tsx bench/pipeline.ts report`.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const which = process.argv[2];
  const result =
    which === 'cost'
      ? await measureCostPerFile(100_000)
      : which === 'report'
        ? [await measureReport(5, 730, 'monthly'), await measureReport(5, 730, 'daily')]
        : which === 'e2e'
          ? await measureEndToEnd(3)
          : await measureBundles(5);
  writeFileSync(1, `${JSON.stringify(result, null, 2)}\n`);
}
