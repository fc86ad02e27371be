import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { createIngestHandler, type IngestResult } from '../functions/ingest/handler';
import { createFailureNoticeHandler } from '../functions/failure-notice/handler';
import { createReconcileHandler, type ReconcileResult } from '../functions/reconcile/handler';
import { RemovalWithheldError } from '../shared/errors';
import { withheldRun, type ReconcileOptions, type ReconcileRun } from '../shared/ingest/reconcile';
import { createReportHandler, type ReportResult } from '../functions/report/handler';
import type { Config } from '../shared/config/schema';
import { createLocalRuntime, type LocalRuntime } from '../shared/runtime/runtime';
import { localContext } from './lambda-context';
import { encodeS3Key } from './local-s3rver';
import type { LocalStack, RawS3Event } from './local-stack';

/**
 * Connects the local stack to the handlers the way AWS does: s3rver's object notifications
 * become standard S3 event records (URL-encoded keys, ordered sequencers) delivered to the
 * ingest handler asynchronously, with Lambda's async retries; schedules invoke the report
 * handler with EventBridge Scheduler's event shape.
 */
export interface LocalPipeline {
  readonly runtime: LocalRuntime;
  readonly ingest: (event: unknown) => Promise<IngestResult>;
  readonly report: (event: { cooperationId: string; scheduledTime: string }) => Promise<ReportResult>;
  /** The daily reconcile (throws RemovalWithheldError when it withholds removals: MASS_REMOVAL). */
  readonly reconcile: (options?: ReconcileOptions) => Promise<ReconcileResult>;
  /**
   * What EventBridge Scheduler does: invoke the report function asynchronously, with Lambda's
   * retries; when they are exhausted, the failure record goes to the on-failure destination,
   * whose consumer emails the failure notice. Resolves with the result, or undefined on failure.
   */
  readonly scheduleReport: (event: {
    cooperationId: string;
    scheduledTime: string;
  }) => Promise<ReportResult | undefined>;
  /** Resolves once every delivered S3 event has been handled (including retries). */
  drain(): Promise<void>;
  /** Invocations that still failed after Lambda's retries (as the on-failure destination would get them). */
  readonly deadLetters: { event: unknown; error: string }[];
  stop(): Promise<void>;
}

export interface LocalPipelineOptions {
  /** How a notification reaches Lambda; tests use it to repeat, reorder or drop deliveries. */
  readonly deliver?: (event: unknown, invoke: (event: unknown) => void) => void;
  /** Lambda's async invocation retries (AWS default: 2). */
  readonly retries?: number;
  readonly retryDelayMs?: number;
  /** Called with each delivered event's ingest result (progress output of `run` and `dev`). */
  readonly onIngested?: (result: IngestResult) => void;
}

export { encodeS3Key };

let lastSequencer = 0n;
/**
 * s3rver's sequencer is a millisecond timestamp, equal for two writes in the same millisecond;
 * S3's grows with every write to a key. A per-process counter under the clock restores that.
 */
export const nextSequencer = (): string => {
  const candidate = BigInt(Date.now()) << 16n;
  lastSequencer = candidate > lastSequencer ? candidate : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(16, '0');
};

export const toAwsS3Event = (event: RawS3Event, region: string) => ({
  Records: event.Records.map((record) => ({
    ...record,
    eventVersion: '2.1',
    awsRegion: region,
    s3: {
      ...record.s3,
      object: {
        ...record.s3.object,
        key: encodeS3Key(record.s3.object.key),
        sequencer: nextSequencer(),
      },
    },
  })),
});

export const createLocalPipeline = (
  stack: LocalStack,
  config: Config,
  logger: Logger,
  options: LocalPipelineOptions = {},
): LocalPipeline => {
  const runtime = createLocalRuntime(
    { aws: stack.aws, tableName: stack.tableName, bucketName: stack.bucketName, config },
    logger,
  );
  const ingestHandler = createIngestHandler(() => runtime, logger);
  const reportHandler = createReportHandler(() => runtime, logger);
  const reconcileHandler = createReconcileHandler(() => runtime, logger);
  const failureHandler = createFailureNoticeHandler(() => runtime, logger);
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 50;
  const pending = new Set<Promise<void>>();
  const deadLetters: LocalPipeline['deadLetters'] = [];

  const invokeAsync = (event: unknown) => {
    const run = (async () => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const result = await ingestHandler(event, localContext('crosslift-ingest') as Context);
          options.onIngested?.(result);
          return;
        } catch (error) {
          if (attempt >= retries) {
            deadLetters.push({ event, error: (error as Error).message });
            return;
          }
          await new Promise((r) => setTimeout(r, retryDelayMs * (attempt + 1)));
        }
      }
    })();
    pending.add(run);
    void run.finally(() => pending.delete(run));
  };

  stack.onS3Event((raw) => {
    if (!raw.Records.some((r) => r.s3.object.key.startsWith('inbox/'))) return; // notifications are on inbox/ only
    const event = toAwsS3Event(raw, stack.aws.region);
    if (options.deliver) options.deliver(event, invokeAsync);
    else invokeAsync(event);
  });

  return {
    runtime,
    ingest: (event) => ingestHandler(event, localContext('crosslift-ingest') as Context),
    report: (event) => reportHandler(event, localContext('crosslift-report') as Context),
    scheduleReport: async (event) => {
      let lastError: Error | undefined;
      for (let attempt = 0; attempt <= retries; attempt += 1) {
        try {
          return await reportHandler(event, localContext('crosslift-report') as Context);
        } catch (error) {
          lastError = error as Error;
          if (attempt < retries) await new Promise((r) => setTimeout(r, retryDelayMs * (attempt + 1)));
        }
      }
      const record = {
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: {
          functionArn: 'crosslift-report',
          condition: 'RetriesExhausted',
          approximateInvokeCount: retries + 1,
        },
        requestPayload: event,
        responseContext: { statusCode: 200, functionError: 'Unhandled' },
        responsePayload: { errorType: lastError?.name ?? 'Error', errorMessage: lastError?.message ?? 'unknown' },
      };
      deadLetters.push({ event, error: lastError?.message ?? 'unknown' });
      await failureHandler(
        { Records: [{ messageId: `local-${Date.now()}`, body: JSON.stringify(record) }] },
        localContext('crosslift-failure-notice') as Context,
      );
      return undefined;
    },
    reconcile: (options = {}) =>
      reconcileHandler({ source: 'aws.scheduler', ...options }, localContext('crosslift-reconcile') as Context),
    drain: async () => {
      // Deliveries can enqueue more work while we wait (retries), so loop until quiet.
      while (pending.size > 0) await Promise.all([...pending]);
    },
    deadLetters,
    stop: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
      runtime.clients.destroy();
    },
  };
};

/**
 * The local stack's reconcile as a result: removals it withheld (which fail the Lambda, so its
 * alarm fires) come back as `withheld`, for the CLI to print.
 */
export const reconcileRun = (pipeline: LocalPipeline, options: ReconcileOptions = {}): Promise<ReconcileRun> =>
  pipeline.reconcile(options).catch((error: unknown) => {
    if (error instanceof RemovalWithheldError) return withheldRun(error);
    throw error;
  });
