import type { Config, Cooperation } from '../config/schema';
import { DeliveryPendingError, UnknownCooperationError } from '../errors';
import { firingKeys, processAlerts, readAlerts, type AlertRun } from '../alerts/process-alerts';
import type { DeliveryOutcome } from '../mail/deliver';
import type { NotifyDeps } from '../mail/notify';
import { computeReport, type ComputeReportDeps } from '../report/compute-report';
import { emailReport } from '../report/email-report';
import { listStoredReports, type StoredReport } from '../storage/reports';
import { lastCompletePeriod, periodOfLabel, type Period } from '../time/periods';
import type { SaveResult } from '../report/store';

/** What the report function needs: no bucket (reports read only the table). */
export interface ReportJobDeps extends ComputeReportDeps, NotifyDeps {
  readonly config: Config;
}


export const findCooperation = (config: Config, cooperationId: string): Cooperation => {
  const cooperation = config.cooperations.find((c) => c.id === cooperationId);
  if (!cooperation) throw new UnknownCooperationError('unknown cooperation', { cooperationId });
  return cooperation;
};

export interface ReportRun extends SaveResult {
  readonly emails: readonly DeliveryOutcome[];
}

type History = readonly (StoredReport & { readonly stale: boolean })[];

const historyBefore = (stored: History, label: string) =>
  stored
    .filter((r) => r.report.period.label < label)
    .sort((a, b) => a.report.period.label.localeCompare(b.report.period.label))
    .map((r) => ({ label: r.report.period.label, metrics: r.report.metrics }));

/**
 * Computes, stores and emails one period's report. Fails (for a Lambda retry) when another
 * invocation claimed one of its emails and has not confirmed it: after the claim's lease the
 * retry sends it, or finds it sent.
 */
const reportPeriod = async (
  deps: ReportJobDeps,
  cooperation: Cooperation,
  period: Period,
  context: { readonly stored: History; readonly stillFiring?: readonly string[] },
) => {
  const computed = await computeReport(deps, cooperation, period);
  const emails = await emailReport(deps, cooperation, computed.stored, {
    history: historyBefore(context.stored, period.label),
    ...(context.stillFiring ? { stillFiring: context.stillFiring } : {}),
  });
  if (emails.some((e) => e.state === 'in_progress')) {
    throw new DeliveryPendingError('a report email is being sent by another invocation', {
      cooperationId: cooperation.id,
      period: period.label,
    });
  }
  return { ...computed, emails };
};

/**
 * The scheduled job of one cooperation: the last complete period before the time the schedule
 * fired (stored, emailed, then its alerts moved and emailed), then every earlier report that
 * late data made stale (each stored as a new revision and emailed as a restatement when its
 * numbers changed). Stored reports and alert states are read once.
 */
export const runScheduledReport = async (
  deps: ReportJobDeps,
  input: { cooperationId: string; scheduledTime: string },
): Promise<ReportRun & { readonly restated: readonly ReportRun[]; readonly alerts: AlertRun }> => {
  const cooperation = findCooperation(deps.config, input.cooperationId);
  const period = lastCompletePeriod(input.scheduledTime, cooperation.schedule, cooperation.timezone);
  const stored = await listStoredReports(deps.table, cooperation.id);
  const alertStates = await readAlerts(deps, cooperation.id);
  const { files, ...run } = await reportPeriod(deps, cooperation, period, { stored, stillFiring: firingKeys(alertStates) });
  const alerts = await processAlerts(deps, cooperation, run.stored.report, files, alertStates);
  const restated: ReportRun[] = [];
  for (const stale of stored) {
    if (!stale.stale || stale.report.period.label === period.label) continue;
    const stalePeriod = periodOfLabel(stale.report.period.label, cooperation.timezone);
    if (!stalePeriod) continue;
    const { files: _files, ...restatedRun } = await reportPeriod(deps, cooperation, stalePeriod, { stored });
    restated.push(restatedRun);
  }
  return { ...run, restated, alerts };
};

/** Recomputes (and emails when changed) one past period's report: `crosslift report`. */
export const recomputeReport = async (deps: ReportJobDeps, cooperation: Cooperation, period: Period): Promise<ReportRun> => {
  const stored = await listStoredReports(deps.table, cooperation.id);
  const { files: _files, ...run } = await reportPeriod(deps, cooperation, period, { stored });
  return run;
};
