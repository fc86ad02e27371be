import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { EventShapeError } from '../../shared/errors';
import { runScheduledReport } from '../../shared/jobs/scheduled-report';
import { scheduleEventSchema } from '../../shared/report/schedule-event';
import { reportRuntimeFromEnv } from '../../shared/runtime/from-env';
import { lazyAsync } from '../../shared/runtime/lazy';
import type { ReportRuntime } from '../../shared/runtime/runtime';

export interface ReportResult {
  readonly cooperationId: string;
  readonly period: string;
  readonly revision: number;
  readonly change: 'new' | 'restated' | 'unchanged';
  readonly emails: number;
  /** Earlier periods recomputed because late data changed them. */
  readonly restated: readonly { period: string; revision: number; change: string }[];
  /** Alert transitions this run caused. */
  readonly alerts: readonly { metric: string; period: string; transition: string }[];
}

/** EventBridge Scheduler event -> runScheduledReport for the last complete period before the scheduled time. */
export const createReportHandler = (getRuntime: () => ReportRuntime | Promise<ReportRuntime>, logger: Logger) =>
  middy(async (event: unknown): Promise<ReportResult> => {
    const parsed = scheduleEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new EventShapeError('event is not a crosslift schedule event', {
        issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
    }
    logger.appendKeys({ cooperationId: parsed.data.cooperationId });
    const run = await runScheduledReport(await getRuntime(), parsed.data);
    return {
      cooperationId: parsed.data.cooperationId,
      period: run.stored.report.period.label,
      revision: run.stored.revision,
      change: run.change,
      emails: [...[run, ...run.restated].flatMap((r) => r.emails), ...run.alerts.emails].filter(
        (e) => e.state === 'sent',
      ).length,
      alerts: run.alerts.transitions.map((t) => ({ metric: t.metric, period: t.period, transition: t.transition })),
      restated: run.restated.map((r) => ({
        period: r.stored.report.period.label,
        revision: r.stored.revision,
        change: r.change,
      })),
    };
  }).use(injectLambdaContext(logger, { resetKeys: true }));

const logger = new Logger({ serviceName: 'crosslift-report' });

export const handler = createReportHandler(
  lazyAsync(() => reportRuntimeFromEnv(logger)),
  logger,
);
