import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loggableError } from '../../shared/log-safe';
import * as z from 'zod';
import { type FailureRecord, failureRecordSchema, notifyJobFailure } from '../../shared/mail/failure-notice';
import { noticeRuntimeFromEnv } from '../../shared/runtime/from-env';
import { lazyAsync } from '../../shared/runtime/lazy';
import type { NoticeRuntime } from '../../shared/runtime/runtime';

const sqsEventSchema = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })) });

/**
 * Reads the report function's on-failure destination (an SQS queue) and sends the failure
 * notice. A message that is not a failure record is reported as a batch item failure, so it
 * stays in the queue (and its alarm) instead of vanishing.
 */
export const createFailureNoticeHandler = (getRuntime: () => NoticeRuntime | Promise<NoticeRuntime>, logger: Logger) =>
  middy(async (event: unknown) => {
    const { Records } = sqsEventSchema.parse(event);
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const message of Records) {
      let parsed: FailureRecord;
      try {
        parsed = failureRecordSchema.parse(JSON.parse(message.body));
      } catch {
        logger.error('message is not a Lambda failure record', { messageId: message.messageId });
        batchItemFailures.push({ itemIdentifier: message.messageId });
        continue;
      }
      try {
        await notifyJobFailure(await getRuntime(), parsed);
      } catch (error) {
        logger.error('failure notice could not be sent; the message will be retried', {
          messageId: message.messageId,
          error: loggableError(error),
        });
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  }).use(injectLambdaContext(logger, { resetKeys: true }));

const logger = new Logger({ serviceName: 'crosslift-failure-notice' });

export const handler = createFailureNoticeHandler(
  lazyAsync(() => noticeRuntimeFromEnv(logger)),
  logger,
);
