import type { WithheldRemovals } from '../shared/ingest/reconcile';
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { findConfigFile, loadConfigFile } from '../shared/config/load';
import type { Config, Cooperation } from '../shared/config/schema';
import { UNROUTED_COOPERATION } from '../shared/ingest/ingest-object';
import type { RowError } from '../shared/ingest/rejection';
import type { Report, ReportMetric } from '../shared/report/build-report';
import type { MetricName } from '../shared/report/metrics';
import { recomputeReport } from '../shared/jobs/scheduled-report';
import { getStoredReport } from '../shared/storage/reports';
import { listObjects } from '../shared/storage/objects';
import { listFileRecords } from '../shared/storage/file-ledger';
import { completePeriodsSince, lastCompletePeriod, periodOfDay, type Period } from '../shared/time/periods';
import type { IngestResult } from '../functions/ingest/handler';
import { localKeyProblem } from './local-keys';
import { createLocalPipeline, reconcileRun, type LocalPipeline } from './local-pipeline';
import { startLocalStack, type LocalEmail, type LocalStack } from './local-stack';

export interface RunOptions {
  readonly dataDir: string;
  readonly asOf?: string;
  readonly backfill?: boolean;
  readonly outDir?: string;
  readonly stateDir?: string;
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Recompute these periods of one cooperation instead of firing the schedules (`crosslift report`). */
  readonly recompute?: { readonly cooperationId: string; readonly periods: readonly Period[] };
  /** Progress callbacks (the CLI draws them on stderr when it is a terminal). */
  readonly progress?: RunProgress;
}

export interface RunProgress {
  /** Each ingest invocation's result, as it finishes. */
  readonly onIngested?: (result: IngestResult) => void;
  /** What the run is doing now: `uploading 3/40 files`, `report joint-course 2026-W47`... */
  readonly onStep?: (text: string) => void;
}

export interface RunFile {
  readonly key: string;
  readonly status: string;
  readonly rows: number;
  readonly rejectedRows: number;
  readonly errors: readonly RowError[];
}

export interface RunReport {
  readonly cooperationId: string;
  readonly cooperationName: string;
  readonly period: { start: string; end: string; label: string };
  readonly state: 'final' | 'provisional';
  readonly revision: number;
  readonly verdict: Report['verdict'];
  readonly impact: Report['impact'];
  readonly metrics: Partial<Record<MetricName, ReportMetric>>;
  readonly missing: Partial<Record<MetricName, string>>;
}

export interface RunEmail {
  readonly to: string;
  readonly subject: string;
  readonly kind: string;
}

export interface RunResult {
  readonly files: RunFile[];
  /** What the final reconcile pass repaired (normally nothing: every event arrived). */
  readonly reconciled: { key: string; action: string; status: string; error?: string }[];
  /** Removals the reconcile pass withheld: most recorded files were missing from the bucket at once. */
  readonly withheld?: WithheldRemovals;
  readonly reports: RunReport[];
  readonly emails: RunEmail[];
  readonly alerts: { cooperationId: string; metric: string; period: string; transition: string }[];
  readonly deadLetters: number;
}

/** Every file under a folder, as [absolute path, key relative to the data folder with `/`]. */
export const listDataFiles = (dataDir: string, sub = 'inbox'): [string, string][] => {
  const root = join(dataDir, sub);
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push([path, relative(dataDir, path).split(sep).join('/')]);
    }
  };
  try {
    walk(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return out;
};

/** The periods a run reports for a cooperation: the last complete one, or all since `starts` with backfill. */
export const periodsToReport = (cooperation: Cooperation, asOf: Date, backfill: boolean): Period[] => {
  const last = lastCompletePeriod(asOf, cooperation.schedule, cooperation.timezone);
  const periods = backfill
    ? completePeriodsSince(cooperation.starts, asOf, cooperation.schedule, cooperation.timezone)
    : last.endDay >= cooperation.starts
      ? [last]
      : [];
  const endsWithin = cooperation.ends
    ? periodOfDay(cooperation.ends, cooperation.schedule, cooperation.timezone)
    : undefined;
  return endsWithin ? periods.filter((p) => p.startDay <= endsWithin.startDay) : periods;
};

export const uploadFile = async (pipeline: LocalPipeline, stack: LocalStack, path: string, key: string) => {
  await pipeline.runtime.clients.s3.send(
    new PutObjectCommand({
      Bucket: stack.bucketName,
      Key: key,
      Body: createReadStream(path),
      ContentLength: statSync(path).size,
    }),
  );
};

const kindOf = (email: LocalEmail & { headers?: { name: string; value: string }[] }) =>
  email.headers?.find((h) => h.name.toLowerCase() === 'x-crosslift-kind')?.value ?? 'unknown';

const md5Of = async (path: string) => {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

const safeName = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_');

/**
 * `crosslift run`: the whole pipeline on the embedded stack. Uploads every file under
 * `<data>/inbox/` (each reaching the ingest handler through S3 notifications), waits for the
 * ingest, then fires each cooperation's schedule for the period(s) due at `asOf`.
 */
export const runLocal = async (options: RunOptions): Promise<RunResult> => {
  const configFile = findConfigFile(options.dataDir);
  const config: Config = loadConfigFile(configFile);
  const asOf = options.asOf ? new Date(options.asOf) : new Date();
  const logger = new Logger({ serviceName: 'crosslift-local', logLevel: options.logLevel ?? 'ERROR' });
  const stack = await startLocalStack({ stateDir: options.stateDir });
  const startedAt = Math.floor(Date.now() / 1000) - 1;
  let pipeline: LocalPipeline | undefined;
  try {
    pipeline = createLocalPipeline(stack, config, logger, { onIngested: options.progress?.onIngested });
    // With --state, files already in the bucket with the same content are not uploaded again,
    // like a sync client (S3's ETag of a single-part upload is the MD5 of its bytes).
    const stored = new Map((await listObjects(pipeline.runtime.bucket, 'inbox/')).map((o) => [o.key, o.etag]));
    const files: [string, string][] = [];
    // Keys the local stack cannot store are not uploaded: they are listed as rejected with why.
    const unstorable: RunFile[] = [];
    for (const [path, key] of listDataFiles(options.dataDir)) {
      const problem = localKeyProblem(key);
      if (problem)
        unstorable.push({ key, status: 'rejected', rows: 0, rejectedRows: 0, errors: [{ reason: problem }] });
      else if (!stored.has(key) || stored.get(key) !== (await md5Of(path))) files.push([path, key]);
    }
    // A few uploads at a time, like a partner's sync client.
    for (let i = 0; i < files.length; i += 4) {
      options.progress?.onStep?.(`uploading ${i + 1}-${Math.min(i + 4, files.length)} of ${files.length} files`);
      await Promise.all(files.slice(i, i + 4).map(([path, key]) => uploadFile(pipeline!, stack, path, key)));
    }
    await pipeline.drain();
    // Reconcile withholds removals when most recorded files vanished from the local bucket at once.
    const { repaired: reconciled, withheld } = await reconcileRun(pipeline);

    const alerts: RunResult['alerts'] = [];
    const reportedPeriods = (cooperation: Cooperation) =>
      options.recompute
        ? options.recompute.cooperationId === cooperation.id
          ? [...options.recompute.periods]
          : []
        : periodsToReport(cooperation, asOf, options.backfill ?? false);
    for (const cooperation of config.cooperations) {
      for (const period of reportedPeriods(cooperation)) {
        options.progress?.onStep?.(`report ${cooperation.id} ${period.label}`);
        if (options.recompute) {
          await recomputeReport(pipeline.runtime, cooperation, period);
          continue;
        }
        // A backfilled period is fired as its schedule would have: at the period's end.
        const scheduledTime = options.backfill ? period.end : asOf.toISOString();
        const result = await pipeline.scheduleReport({ cooperationId: cooperation.id, scheduledTime });
        alerts.push(...(result?.alerts ?? []).map((a) => ({ cooperationId: cooperation.id, ...a })));
      }
    }

    const table = pipeline.runtime.table;
    const fileRecords = (
      await Promise.all(
        [...config.cooperations.map((c) => c.id), UNROUTED_COOPERATION].map((id) => listFileRecords(table, id)),
      )
    ).flat();
    const runFiles: RunFile[] = [
      ...fileRecords.map((r) => ({
        key: r.key,
        status: r.status,
        rows: r.rows,
        rejectedRows: r.rejectedRows,
        errors: r.errors,
      })),
      ...unstorable,
    ].sort((a, b) => a.key.localeCompare(b.key));

    const reports: RunReport[] = [];
    for (const cooperation of config.cooperations) {
      for (const period of reportedPeriods(cooperation)) {
        const stored = await getStoredReport(table, cooperation.id, period.label);
        if (!stored) continue;
        reports.push({
          cooperationId: cooperation.id,
          cooperationName: cooperation.name,
          period: { start: period.start, end: period.end, label: period.label },
          state: stored.report.state,
          revision: stored.revision,
          verdict: stored.report.verdict,
          impact: stored.report.impact ?? [],
          metrics: stored.report.metrics,
          missing: stored.report.missing,
        });
      }
    }

    const sent = (await stack.sentEmails()).filter((e) => e.at >= startedAt);
    const emails = sent.flatMap((e) => e.destination.to.map((to) => ({ to, subject: e.subject, kind: kindOf(e) })));

    if (options.outDir) {
      await mkdir(options.outDir, { recursive: true });
      for (const report of reports) {
        const stored = await getStoredReport(table, report.cooperationId, report.period.label);
        await writeFile(
          join(options.outDir, `${report.cooperationId}-${report.period.label}.json`),
          `${JSON.stringify(stored, null, 2)}\n`,
        );
      }
      for (const [i, email] of sent.entries()) {
        const base = `email-${String(i + 1).padStart(3, '0')}-${safeName(kindOf(email))}-${safeName(email.destination.to[0] ?? 'unknown')}`;
        await writeFile(join(options.outDir, `${base}.eml`), await stack.emlOf(email.messageId));
        if (email.body.html) await writeFile(join(options.outDir, `${base}.html`), email.body.html);
      }
    }
    return {
      files: runFiles,
      reconciled: [...reconciled],
      ...(withheld ? { withheld } : {}),
      reports,
      alerts,
      emails,
      deadLetters: pipeline.deadLetters.length,
    };
  } finally {
    try {
      await pipeline?.stop();
    } finally {
      await stack.stop();
    }
  }
};

/** `crosslift reconcile`: the reconcile job against the persisted local stack of earlier runs. */
export const reconcileLocal = async (options: {
  dataDir: string;
  stateDir: string;
  logLevel?: RunOptions['logLevel'];
  allowMassRemoval?: boolean;
}) => {
  const config = loadConfigFile(findConfigFile(options.dataDir));
  const logger = new Logger({ serviceName: 'crosslift-local', logLevel: options.logLevel ?? 'ERROR' });
  const stack = await startLocalStack({ stateDir: options.stateDir });
  let pipeline: LocalPipeline | undefined;
  try {
    pipeline = createLocalPipeline(stack, config, logger);
    return await reconcileRun(pipeline, { allowMassRemoval: options.allowMassRemoval });
  } finally {
    try {
      await pipeline?.stop();
    } finally {
      await stack.stop();
    }
  }
};
