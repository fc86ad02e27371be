import type { Config, Cooperation } from '../config/schema';
import { DeliveryPendingError, UnknownCooperationError } from '../errors';
import {
  evaluateReportAlerts,
  processAlerts,
  readAlerts,
  type AlertItem,
  type AlertRun,
} from '../alerts/process-alerts';
import type { AlertEvaluation } from '../alerts/evaluate';
import type { DeliveryOutcome } from '../mail/deliver';
import type { NotifyDeps } from '../mail/notify';
import { computeReport, type ComputeReportDeps } from '../report/compute-report';
import { emailReport } from '../report/email-report';
import { listStoredReports, type StoredReport } from '../storage/reports';
import { addDays } from '../time/days';
import { lastCompletePeriod, localDayOf, periodOfLabel, type Period } from '../time/periods';
import type { Report } from '../report/build-report';
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

/** A stored report with maturing metrics whose conversion window has closed by `asOf`: it is recomputed (and restated if late conversions changed it). */
const matured = (report: Report, cooperation: Cooperation, asOf: string) =>
  Object.values(report.metrics).some((m) => m?.status === 'maturing') &&
  addDays(report.period.endDay, cooperation.conversionWindowDays) < localDayOf(asOf, cooperation.timezone);

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
  context: { readonly stored: History; readonly asOf: string; readonly alerts?: ReadonlyMap<string, AlertItem> },
) => {
  const computed = await computeReport(deps, cooperation, period, context.asOf);
  // The alerts are judged before the email goes out, so the report lists what is still firing and why.
  const evaluation: AlertEvaluation | undefined = context.alerts
    ? evaluateReportAlerts(computed.stored.report, computed.files, context.alerts)
    : undefined;
  const emails = await emailReport(deps, cooperation, computed.stored, {
    history: historyBefore(context.stored, period.label),
    ...(evaluation ? { stillFiring: evaluation.firing } : {}),
  });
  if (emails.some((e) => e.state === 'in_progress')) {
    throw new DeliveryPendingError('a report email is being sent by another invocation', {
      cooperationId: cooperation.id,
      period: period.label,
    });
  }
  return { ...computed, emails, evaluation };
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
  const asOf = input.scheduledTime;
  const stored = await listStoredReports(deps.table, cooperation.id);
  const alertStates = await readAlerts(deps, cooperation.id);
  const {
    files: _files,
    evaluation,
    ...run
  } = await reportPeriod(deps, cooperation, period, { stored, asOf, alerts: alertStates });
  const alerts = await processAlerts(deps, cooperation, evaluation!, alertStates);
  const restated: ReportRun[] = [];
  for (const earlier of stored) {
    if (earlier.report.period.label === period.label || !(earlier.stale || matured(earlier.report, cooperation, asOf)))
      continue;
    const earlierPeriod = periodOfLabel(earlier.report.period.label, cooperation.timezone);
    if (!earlierPeriod) continue;
    const {
      files: _f,
      evaluation: _e,
      ...restatedRun
    } = await reportPeriod(deps, cooperation, earlierPeriod, { stored, asOf });
    restated.push(restatedRun);
  }
  return { ...run, restated, alerts };
};

/** Recomputes (and emails when changed) one past period's report: `crosslift report`. */
export const recomputeReport = async (
  deps: ReportJobDeps,
  cooperation: Cooperation,
  period: Period,
): Promise<ReportRun> => {
  const stored = await listStoredReports(deps.table, cooperation.id);
  const {
    files: _files,
    evaluation: _e,
    ...run
  } = await reportPeriod(deps, cooperation, period, {
    stored,
    asOf: deps.now().toISOString(),
  });
  return run;
};
