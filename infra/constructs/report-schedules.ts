import { Aws, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
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
}

/** EventBridge Scheduler schedules: each cooperation's report, and the optional daily reconcile. */
export class ReportSchedules extends Construct {
  /** The report schedule of each cooperation, by cooperation id. */
  readonly reports: ReadonlyMap<string, Schedule>;
  /** The daily reconcile schedule, when a reconcile function was given. */
  readonly reconcile?: Schedule;

  constructor(scope: Construct, id: string, props: ReportSchedulesProps) {
    super(scope, id);
    // One role for all schedules, made here so its policy's findings can be acknowledged on it.
    const role = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'EventBridge Scheduler invokes the crosslift report (and reconcile) functions',
    });
    const reports = new Map<string, Schedule>();
    for (const cooperation of props.cooperations) {
      const schedule = new Schedule(this, `Report-${cooperation.id}`, {
        description: `${cooperation.schedule} report of ${cooperation.id}`,
        schedule: ScheduleExpression.expression(SCHEDULE_CRON[cooperation.schedule].aws, TimeZone.of(cooperation.timezone)),
        target: new LambdaInvoke(props.reportFunction, {
          role,
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
          role,
          input: ScheduleTargetInput.fromObject({ scheduledTime: ContextAttribute.scheduledTime }),
        }),
        timeWindow: TimeWindow.off(),
      });
    }

    for (const fn of [props.reportFunction, props.reconcileFunction]) {
      if (!fn) continue;
      const logicalId = Stack.of(this).getLogicalId(fn.node.defaultChild as CfnFunction);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: 'CDK grantInvoke also allows the function\'s versions and aliases (<arn>:*) of this one function.',
      });
    }
  }
}
