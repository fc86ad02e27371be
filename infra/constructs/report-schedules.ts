import { Aws, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData, type Alarm, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
  TimeWindow,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Cooperation } from '../../shared/config/schema';
import { RECONCILE_CRON, SCHEDULE_CRON } from '../../shared/time/schedules';

/**
 * Schedule expressions come from shared/time/schedules.ts, which `crosslift dev` uses too:
 * 06:00 on the first day of the next period in the cooperation's timezone (Monday for ISO weeks,
 * the 1st for months), and the daily reconcile at 03:00 UTC. The report function reports the
 * last complete period before the scheduled time.
 */
export interface ReportSchedulesProps {
  /** The owner's cooperations: one schedule each. */
  readonly cooperations: readonly Cooperation[];
  /** Invoked with `{"cooperationId", "scheduledTime"}` (shared/report/schedule-event.ts). */
  readonly reportFunction: IFunction;
  /**
   * Invoked daily to compare `inbox/` with the ingestion records (shared/ingest/reconcile.ts).
   * @default - no reconcile schedule
   */
  readonly reconcileFunction?: IFunction;
  /** Key that encrypts the schedules' dead-letter queue (an invocation names a cooperation). */
  readonly key: IKey;
  /**
   * What the alarm on the dead-letter queue does when it fires (e.g. an SNS topic).
   * @default - the alarm shows in CloudWatch only
   */
  readonly alarmAction?: IAlarmAction;
  /**
   * How often Scheduler retries an invocation Lambda refused (a missing permission, a deleted
   * or misconfigured function, a Lambda outage). Failures inside the function are Lambda's own
   * asynchronous retries, not these.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * How long Scheduler keeps retrying before the invocation goes to the dead-letter queue.
   * @default Duration.hours(6) (as long as Lambda keeps a failing event)
   */
  readonly maxEventAge?: Duration;
}

/**
 * EventBridge Scheduler schedules: each cooperation's report, and the optional daily reconcile.
 * An invocation Scheduler could not make goes, after bounded retries, to a dead-letter queue
 * (encrypted, TLS only) with an alarm, instead of being dropped after Scheduler's defaults
 * (185 retries over 24 hours) with no trace.
 */
export class ReportSchedules extends Construct {
  /** The report schedule of each cooperation, by cooperation id. */
  readonly reports: ReadonlyMap<string, Schedule>;
  /** The daily reconcile schedule, when a reconcile function was given. */
  readonly reconcile?: Schedule;
  /** Invocations Scheduler could not make after its retries, with the invocation's details and the error. */
  readonly deadLetterQueue: Queue;
  /** Fires when anything waits in the dead-letter queue. */
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ReportSchedulesProps) {
    super(scope, id);
    // One role for all schedules, made here so its policy's findings can be acknowledged on it.
    const role = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'EventBridge Scheduler invokes the crosslift report (and reconcile) functions',
    });
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      // The longest SQS allows: a missed report is investigated by people.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the schedules; nothing consumes it, so it needs no dead-letter queue of its own.',
    });
    const delivery = {
      role,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts ?? 10,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
    };

    const reports = new Map<string, Schedule>();
    for (const cooperation of props.cooperations) {
      const schedule = new Schedule(this, `Report-${cooperation.id}`, {
        description: `${cooperation.schedule} report of ${cooperation.id}`,
        schedule: ScheduleExpression.expression(
          SCHEDULE_CRON[cooperation.schedule].aws,
          TimeZone.of(cooperation.timezone),
        ),
        target: new LambdaInvoke(props.reportFunction, {
          ...delivery,
          // The scheduled (not actual) time, so a late or retried run reports the same period.
          input: ScheduleTargetInput.fromObject({
            cooperationId: cooperation.id,
            scheduledTime: ContextAttribute.scheduledTime,
          }),
        }),
        timeWindow: TimeWindow.off(),
      });
      reports.set(cooperation.id, schedule);
    }
    this.reports = reports;

    // Wired only when given: pointing it at the ingest function would feed it non-S3 events.
    if (props.reconcileFunction) {
      this.reconcile = new Schedule(this, 'Reconcile', {
        description: 'daily reconcile of inbox/ against the ingestion records',
        schedule: ScheduleExpression.expression(RECONCILE_CRON.aws, TimeZone.ETC_UTC),
        target: new LambdaInvoke(props.reconcileFunction, {
          ...delivery,
          input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
        }),
        timeWindow: TimeWindow.off(),
      });
    }
    // The targets grant sqs:SendMessage on the queue; sending to an encrypted queue also needs the key.
    props.key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.deadLetterAlarm = this.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' })
      .createAlarm(this, 'DeadLettersAlarm', {
        alarmDescription:
          'Scheduler could not invoke a report or reconcile run; the invocation waits in the schedules dead-letter queue',
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    if (props.alarmAction) this.deadLetterAlarm.addAlarmAction(props.alarmAction);

    for (const fn of [props.reportFunction, props.reconcileFunction]) {
      if (!fn) continue;
      const logicalId = Stack.of(this).getLogicalId(fn.node.defaultChild as CfnFunction);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: "CDK grantInvoke also allows the function's versions and aliases (<arn>:*) of this one function.",
      });
    }
  }
}
