import type { Schedule } from './periods';

/**
 * When each schedule fires, in the cooperation's timezone: Monday 06:00 for weekly reports,
 * the 1st at 06:00 for monthly ones. One definition for the deployed EventBridge schedules
 * (AWS cron syntax) and for `crosslift dev` (standard 5-field cron).
 */
export const SCHEDULE_CRON: Record<Schedule, { readonly aws: string; readonly standard: string }> = {
  weekly: { aws: 'cron(0 6 ? * MON *)', standard: '0 6 * * 1' },
  monthly: { aws: 'cron(0 6 1 * ? *)', standard: '0 6 1 * *' },
};

/** The daily reconcile: 03:00 UTC. */
export const RECONCILE_CRON = { aws: 'cron(0 3 * * ? *)', standard: '0 3 * * *' } as const;
