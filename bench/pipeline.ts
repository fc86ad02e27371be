/**
 * Benchmarks of the pipeline against the embedded local stack (issue: cost per file, report
 * latency and queries, end to end) and of the Lambda bundles (size, import time). Each returns
 * plain JSON; bench/run.ts prints and records them.
 */
import { execFile, spawnSync } from 'node:child_process';
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
    { id: 'platform', name: 'Platform', kind: 'knowledge_platform', contacts: ['ops@platform.example'], sender: 'reports@platform.example' },
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
  const counts = { requests: 0, writeRequests: 0, readRequests: 0, itemsWritten: 0, byCommand: {} as Record<string, number> };
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
      } else if (/^(Get|Query|Scan)/.test(name)) counts.readRequests += 1;
      return next(args);
    },
    { step: 'initialize' },
  );
  return counts;
};

const DAY_MS = 86_400_000;
const dayOf = (start: string, i: number) => new Date(Date.parse(`${start}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10);

/** DynamoDB cost of ingesting one enrollments file covering 31 days. */
export const measureCostPerFile = async (rows: number) => {
  const stack = await startLocalStack();
  const config = configSchema.parse(benchConfig());
  const pipeline = createLocalPipeline(stack, config, new Logger({ logLevel: 'SILENT' }));
  try {
    const lines = ['user_id,course_id,enrolled_at,channel,amount'];
    for (let i = 0; i < rows; i += 1) lines.push(`u${i},c${i % 9},${dayOf('2026-10-01', i % 31)}T10:00:00+08:00,${i % 3 ? 'ad' : 'organic'},${(i % 400) + 0.5}`);
    const counts = countDynamo(pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>);
    await pipeline.runtime.clients.s3.send(
      new PutObjectCommand({ Bucket: stack.bucketName, Key: 'inbox/bench/platform/enrollments/october.csv', Body: `${lines.join('\n')}\n` }),
    );
    await pipeline.drain();
    return { rows, days: 31, datasets: 1, ...counts };
  } finally {
    await pipeline.stop();
    await stack.stop();
  }
};

/** One cooperation with two years of daily aggregates in every dataset: report time and reads. */
export const measureReport = async (runs: number, days = 730) => {
  const stack = await startLocalStack();
  const config = configSchema.parse(benchConfig());
  const pipeline = createLocalPipeline(stack, config, new Logger({ logLevel: 'SILENT' }));
  const start = '2024-11-25';
  const put = (key: string, body: string) =>
    pipeline.runtime.clients.s3.send(new PutObjectCommand({ Bucket: stack.bucketName, Key: key, Body: body }));
  try {
    // One file per dataset per month, one or a few rows per day: the aggregates, not the rows, matter here.
    for (let month = 0; month * 30 < days; month += 1) {
      const range = Array.from({ length: Math.min(30, days - month * 30) }, (_, i) => dayOf(start, month * 30 + i));
      const files: Record<string, string> = {
        enrollments: ['user_id,course_id,enrolled_at,channel,amount', ...range.flatMap((d) => [`u1,c,${d},ad,10`, `u2,c,${d},organic,20`])].join('\n'),
        referrals: ['user_id,referred_at,converted_at,revenue', ...range.map((d) => `r,${d},${d},5`)].join('\n'),
        campaigns: ['date,campaign_id,impressions,clicks,conversions,spend,revenue', ...range.map((d) => `${d},x,1000,30,3,50,150`)].join('\n'),
        activity: ['user_id,date,score', ...range.flatMap((d) => [`a,${d},0.5`, `b,${d},0.7`])].join('\n'),
        feedback: ['user_id,submitted_at,rating,nps', ...range.map((d) => `f,${d},4,9`)].join('\n'),
        events: ['event_id,date,kind,registrations,attendees,new_users', ...range.map((d) => `e,${d},live,20,12,3`)].join('\n'),
        brand: ['date,influence,followers,mentions', ...range.map((d) => `${d},100,5,2`)].join('\n'),
      };
      for (const [dataset, body] of Object.entries(files)) await put(`inbox/bench/platform/${dataset}/m${month}.csv`, `${body}\n`);
    }
    await pipeline.drain();
    const cooperation = config.cooperations[0]!;
    const period = periodOfLabel('2026-W46', cooperation.timezone)!;
    const counts = countDynamo(pipeline.runtime.clients.dynamodb.middlewareStack as MiddlewareStack<object, object>);
    const times: number[] = [];
    const reads: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const before = counts.readRequests;
      const t = performance.now();
      await computeReport(pipeline.runtime, cooperation, period);
      times.push(performance.now() - t);
      reads.push(counts.readRequests - before);
    }
    return { days, files: Math.ceil(days / 30) * 7, ms: stats(times), dynamodbReadRequests: stats(reads) };
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
    await promisify(execFile)(process.execPath, ['bin/crosslift.mjs', 'run', '--data', 'examples/joint-course', '--as-of', '2026-11-23T06:00:00+08:00', '--json'], {
      cwd: ROOT,
      maxBuffer: 1 << 24,
    });
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
export const coldImport = (file: string) => {
  const script = [
    "import { createRequire } from 'node:module';",
    'const t = performance.now();',
    `await import(${JSON.stringify(file)});`,
    'const ms = performance.now() - t;',
    "const sdk = [...new Set(Object.keys(createRequire(import.meta.url).cache).flatMap((p) => p.includes('@aws-sdk/') ? ['@aws-sdk/' + p.split('@aws-sdk/')[1].split('/')[0]] : []))];",
    'console.log(JSON.stringify({ ms, sdk }));',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`importing ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; sdk: string[] };
};

/** The Lambda bundles, built as the CDK stack builds them: size and import time in a fresh process. */
export const measureBundles = async (runs: number) => {
  const dir = mkdtempSync(join(ROOT, '.bench-bundles-'));
  try {
    const out: Record<string, { bytes: number; importMs: Stats; sdkLoadedAtImport: string[] }> = {};
    for (const fn of LAMBDA_FUNCTIONS) {
      const file = join(dir, `${fn}.mjs`);
      const bytes = await buildLambdaBundle(fn, file);
      const times: number[] = [];
      let sdk: string[] = [];
      for (let i = 0; i < runs; i += 1) {
        // A fresh process each time, like a cold start.
        const r = coldImport(file);
        times.push(r.ms);
        sdk = r.sdk;
      }
      out[fn] = { bytes, importMs: stats(times), sdkLoadedAtImport: sdk };
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
        ? await measureReport(7)
        : which === 'e2e'
          ? await measureEndToEnd(3)
          : await measureBundles(5);
  writeFileSync(1, `${JSON.stringify(result, null, 2)}\n`);
}
