import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { EventShapeError } from '../../shared/errors';
import { reconcileEventSchema, runReconcileJob, type ReconcileOutcome } from '../../shared/ingest/reconcile';
import { ingestRuntimeFromEnv } from '../../shared/runtime/from-env';
import { lazyAsync } from '../../shared/runtime/lazy';
import type { IngestRuntime } from '../../shared/runtime/runtime';

export interface ReconcileResult {
  readonly repaired: readonly ReconcileOutcome[];
}

/**
 * The daily schedule's target: catch S3 events that Lambda's async queue lost. An operator may
 * invoke it with `{"allowMassRemoval": true}` (docs/deploy.md).
 */
export const createReconcileHandler = (getRuntime: () => IngestRuntime | Promise<IngestRuntime>, logger: Logger) =>
  middy(async (event: unknown): Promise<ReconcileResult> => {
    const parsed = reconcileEventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      throw new EventShapeError('event is not a reconcile event', {
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    }
    const { allowMassRemoval } = parsed.data;
    return { repaired: await runReconcileJob(await getRuntime(), { allowMassRemoval }) };
  }).use(injectLambdaContext(logger, { resetKeys: true }));

const logger = new Logger({ serviceName: 'crosslift-reconcile' });

export const handler = createReconcileHandler(
  lazyAsync(() => ingestRuntimeFromEnv(logger)),
  logger,
);
