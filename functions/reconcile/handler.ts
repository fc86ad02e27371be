import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { reconcile, type ReconcileOutcome } from '../../shared/ingest/reconcile';
import { ingestRuntimeFromEnv } from '../../shared/runtime/from-env';
import { lazyAsync } from '../../shared/runtime/lazy';
import type { IngestRuntime } from '../../shared/runtime/runtime';

export interface ReconcileResult {
  readonly repaired: readonly ReconcileOutcome[];
}

/** The daily schedule's target: catch S3 events that Lambda's async queue lost. The event carries nothing we need. */
export const createReconcileHandler = (getRuntime: () => IngestRuntime | Promise<IngestRuntime>, logger: Logger) =>
  middy(async (): Promise<ReconcileResult> => ({ repaired: await reconcile(await getRuntime()) })).use(
    injectLambdaContext(logger, { resetKeys: true }),
  );

const logger = new Logger({ serviceName: 'crosslift-reconcile' });

export const handler = createReconcileHandler(
  lazyAsync(() => ingestRuntimeFromEnv(logger)),
  logger,
);
