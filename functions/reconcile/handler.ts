import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { EventShapeError, RemovalWithheldError } from '../../shared/errors';
import { reconcile, reconcileEventSchema, type ReconcileOutcome } from '../../shared/ingest/reconcile';
import { ingestRuntimeFromEnv } from '../../shared/runtime/from-env';
import { lazyAsync } from '../../shared/runtime/lazy';
import type { IngestRuntime } from '../../shared/runtime/runtime';

export interface ReconcileResult {
  readonly repaired: readonly ReconcileOutcome[];
}

/**
 * The daily schedule's target: catch S3 events that Lambda's async queue lost. An operator may
 * invoke it with `{"allowMassRemoval": true}`. Withheld removals fail the invocation (after the
 * other repairs), so the function's error alarm says so.
 */
export const createReconcileHandler = (getRuntime: () => IngestRuntime | Promise<IngestRuntime>, logger: Logger) =>
  middy(async (event: unknown): Promise<ReconcileResult> => {
    const parsed = reconcileEventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      throw new EventShapeError('event is not a reconcile event', {
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    }
    const run = await reconcile(await getRuntime(), parsed.data);
    if (run.withheld) {
      throw new RemovalWithheldError('most counted files are missing from the bucket; their removal was withheld', {
        ...run.withheld,
        repaired: run.repaired,
      });
    }
    return { repaired: run.repaired };
  }).use(injectLambdaContext(logger, { resetKeys: true }));

const logger = new Logger({ serviceName: 'crosslift-reconcile' });

export const handler = createReconcileHandler(
  lazyAsync(() => ingestRuntimeFromEnv(logger)),
  logger,
);
