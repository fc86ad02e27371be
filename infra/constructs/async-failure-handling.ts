import { Duration, Validations } from 'aws-cdk-lib';
import {
  type Alarm,
  ComparisonOperator,
  TreatMissingData,
  type IAlarmAction,
  type Metric,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeKeyWildcards } from './crosslift-function';

/** A function invoked asynchronously (by S3 or EventBridge Scheduler), with a short name for its resources. */
export interface AsyncFunction {
  /** Used in construct ids and alarm descriptions, e.g. `Ingest`. */
  readonly name: string;
  /** The function. */
  readonly fn: IFunction;
  /**
   * Consumes this function's failure queue (e.g. emails a failure notice). The queue then gets a
   * dead-letter queue, with its own alarm, for the messages the consumer cannot handle.
   * @default - nothing consumes the failure queue: failed events wait there for an operator
   */
  readonly failureConsumer?: LambdaFunction;
}

export interface AsyncFailureHandlingProps {
  /** The asynchronously invoked functions. */
  readonly functions: readonly AsyncFunction[];
  /** Key that encrypts the failure queues (failed events name object keys and cooperations). */
  readonly key: IKey;
  /**
   * How often Lambda retries a failed asynchronous invocation.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long an event may wait in Lambda's queue (including retries) before it counts as failed.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
  /**
   * What the alarms do when they fire (e.g. an SNS topic).
   * @default - alarms show in CloudWatch only
   */
  readonly alarmAction?: IAlarmAction;
}

/**
 * For each asynchronously invoked function: bounded retries, an on-failure destination queue
 * that keeps the failed events for inspection and replay (or feeds a consumer that reports them),
 * and alarms on errors, throttles and anything waiting in that queue.
 */
export class AsyncFailureHandling extends Construct {
  /** The on-failure queue of each function, by name. */
  readonly queues: ReadonlyMap<string, Queue>;
  /** The dead-letter queue of each consumed failure queue, by function name. */
  readonly deadLetterQueues: ReadonlyMap<string, Queue>;
  /** Every alarm created. */
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: AsyncFailureHandlingProps) {
    super(scope, id);
    const queues = new Map<string, Queue>();
    const deadLetterQueues = new Map<string, Queue>();
    const alarms: Alarm[] = [];
    const alarm = (
      name: string,
      metric: Metric,
      description: string,
      threshold: number,
      operator: ComparisonOperator,
    ) => {
      const created = metric.createAlarm(this, name, {
        alarmDescription: description,
        threshold,
        comparisonOperator: operator,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (props.alarmAction) created.addAlarmAction(props.alarmAction);
      alarms.push(created);
    };

    for (const { name, fn, failureConsumer } of props.functions) {
      const encrypted = { encryption: QueueEncryption.KMS, encryptionMasterKey: props.key, enforceSSL: true };
      // The longest SQS allows: failures are investigated by people.
      const retentionPeriod = Duration.days(14);
      let consumed: { deadLetters: Queue; visibilityTimeout: Duration } | undefined;
      if (failureConsumer) {
        const deadLetters = new Queue(this, `${name}FailuresDeadLetter`, { ...encrypted, retentionPeriod });
        deadLetterQueues.set(name, deadLetters);
        // AWS advises six times the consumer's timeout, so a slow batch is not delivered twice.
        const visibilityTimeout = Duration.seconds(6 * (failureConsumer.timeout ?? Duration.seconds(3)).toSeconds());
        consumed = { deadLetters, visibilityTimeout };
      }
      const queue = new Queue(this, `${name}Failures`, {
        ...encrypted,
        retentionPeriod,
        ...(consumed
          ? {
              deadLetterQueue: { queue: consumed.deadLetters, maxReceiveCount: 5 },
              visibilityTimeout: consumed.visibilityTimeout,
            }
          : {}),
      });
      if (!consumed) {
        Validations.of(queue).acknowledge({
          id: 'AwsSolutions-SQS3',
          reason:
            'This queue is itself the on-failure destination of a function; nothing consumes it, so it needs no dead-letter queue of its own.',
        });
      }
      queues.set(name, queue);
      if (failureConsumer) {
        failureConsumer.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true }));
      }

      fn.configureAsyncInvoke({
        retryAttempts: props.retryAttempts ?? 2,
        maxEventAge: props.maxEventAge ?? Duration.hours(6),
        onFailure: new SqsDestination(queue),
      });
      if (fn.role)
        acknowledgeKeyWildcards(fn.role, 'CDK queue grant: the function encrypts failed events it sends to its queue');

      const period = Duration.minutes(5);
      alarm(
        `${name}Errors`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        `${name} function invocations failed (they are retried; see its logs)`,
        1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      );
      alarm(
        `${name}Throttles`,
        fn.metricThrottles({ period, statistic: 'Sum' }),
        `${name} function invocations were throttled`,
        1,
        ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      );
      alarm(
        `${name}FailedEvents`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        `${name} events failed after all retries and wait in the failure queue`,
        0,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
      );
      if (consumed) {
        alarm(
          `${name}FailuresUnhandled`,
          consumed.deadLetters.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
          `${name} failure records that the failure consumer could not handle`,
          0,
          ComparisonOperator.GREATER_THAN_THRESHOLD,
        );
      }
    }
    this.queues = queues;
    this.deadLetterQueues = deadLetterQueues;
    this.alarms = alarms;
  }
}
