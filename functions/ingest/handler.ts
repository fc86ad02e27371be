import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loggableError } from '../../shared/log-safe';
import { IngestFailedError } from '../../shared/errors';
import { ingestObject, type IngestOutcome } from '../../shared/ingest/ingest-object';
import { s3EventSchema, toObjectEvents } from '../../shared/ingest/s3-event';
import { ingestRuntimeFromEnv } from '../../shared/runtime/from-env';
import { lazyAsync } from '../../shared/runtime/lazy';
import type { IngestRuntime } from '../../shared/runtime/runtime';

export interface IngestResult {
  readonly files: readonly Pick<IngestOutcome, 'key' | 'status' | 'rows' | 'rejectedRows'>[];
}

/**
 * S3 object events -> ingestObject, one record at a time. A record that fails for a reason a
 * retry can fix fails the invocation after the others ran, so Lambda retries the event
 * (ingestObject is idempotent, so the records that succeeded are not counted twice).
 */
export const createIngestHandler = (getRuntime: () => IngestRuntime | Promise<IngestRuntime>, logger: Logger) =>
  middy(async (event: unknown): Promise<IngestResult> => {
    const parsed = s3EventSchema.safeParse(event);
    if (!parsed.success) {
      // Retrying cannot fix a malformed event: log its shape problem and acknowledge it.
      logger.error('event is not an S3 notification', { issues: parsed.error.issues.map((i) => i.path.join('.')) });
      return { files: [] };
    }
    const runtime = await getRuntime();
    const files: IngestResult['files'][number][] = [];
    const failed: string[] = [];
    for (const objectEvent of toObjectEvents(parsed.data)) {
      try {
        const outcome = await ingestObject(runtime, objectEvent);
        files.push({
          key: outcome.key,
          status: outcome.status,
          rows: outcome.rows,
          rejectedRows: outcome.rejectedRows,
        });
      } catch (error) {
        logger.error('ingest failed; the event will be retried', { key: objectEvent.key, error: loggableError(error) });
        failed.push(objectEvent.key);
      }
    }
    if (failed.length > 0) throw new IngestFailedError('ingest failed for some records', { keys: failed });
    return { files };
  }).use(injectLambdaContext(logger, { resetKeys: true }));

const logger = new Logger({ serviceName: 'crosslift-ingest' });

export const handler = createIngestHandler(
  lazyAsync(() => ingestRuntimeFromEnv(logger)),
  logger,
);
