import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Config, Cooperation } from '../config/schema';
import { CrossliftError } from '../errors';
import type { Log } from '../logging';
import { deliverOnce, reportRecipients, type DeliveryOutcome } from '../mail/deliver';
import { fileIdOf, listFileRecords, queryDayAggregates, type FileRecord, type TableRef } from '../storage/table';
import { recipientLocale } from '../mail/locale';
import { firingAlerts, processAlerts, type AlertRun } from '../alerts/process-alerts';
import { reportToCsv } from './export';
import { lastCompletePeriod, periodOfLabel, type Period } from '../time/periods';
import { buildReport, comparisonWindow } from './build-report';
import { renderReportEmail } from './render-email';
import { listStoredReports, readReportState, saveReport, type SaveResult, type StoredReport } from './store';

export interface ReportDeps {
  readonly config: Config;
  readonly table: TableRef;
  readonly ses: SESv2Client;
  readonly log: Log;
  readonly crossliftVersion: string;
  readonly now?: () => Date;
}

export class DeliveryPendingError extends CrossliftError {
  override readonly name = 'DeliveryPendingError';
}

export class UnknownCooperationError extends CrossliftError {
  override readonly name = 'UnknownCooperationError';
}

export interface ReportRun extends SaveResult {
  readonly emails: readonly DeliveryOutcome[];
  /** The file records read for the report (reused by the alerts). */
  readonly files: readonly FileRecord[];
}

/** Emails above this size attach a summary instead of the full JSON (SES allows 40 MB; mail clients far less). */
const MAX_ATTACHMENT_BYTES = 3 * 1024 * 1024;

const reportAttachments = (cooperationId: string, stored: StoredReport) => {
  let json = JSON.stringify(stored, null, 2);
  if (json.length > MAX_ATTACHMENT_BYTES) {
    // The manifest is what grows with the data; the numbers never do.
    json = JSON.stringify({ ...stored, report: { ...stored.report, manifest: { ...stored.report.manifest, files: [] } }, manifestOmitted: true }, null, 2);
  }
  const base = `${cooperationId}-${stored.report.period.label}`;
  return [
    { fileName: `${base}.json`, contentType: 'application/json', content: json },
    { fileName: `${base}.csv`, contentType: 'text/csv', content: reportToCsv(stored.report) },
  ];
};


export const findCooperation = (config: Config, cooperationId: string): Cooperation => {
  const cooperation = config.cooperations.find((c) => c.id === cooperationId);
  if (!cooperation) throw new UnknownCooperationError('unknown cooperation', { cooperationId });
  return cooperation;
};

/**
 * Computes one cooperation's report for one period from the stored aggregates (a constant
 * number of queries: file records, day aggregates, the stored report), stores it as a new
 * revision when it changed, and emails it to the recipients once per revision.
 */
export const computeReport = async (
  deps: ReportDeps,
  cooperation: Cooperation,
  period: Period,
  options: { readonly stillFiring?: readonly string[] } = {},
): Promise<ReportRun> => {
  const window = comparisonWindow(cooperation, period);
  const from = window.from < period.startDay ? window.from : period.startDay;
  const to = window.to > period.endDay ? window.to : period.endDay;
  // Read the stale counter first, then the file records, then the aggregates: an ingest that
  // commits meanwhile bumps the counter after its commit, so this report stays marked stale.
  const seen = await readReportState(deps.table, cooperation.id, period.label);
  const files = await listFileRecords(deps.table, cooperation.id);
  const aggregates = await queryDayAggregates(deps.table, cooperation.id, from, to);
  const report = buildReport({ cooperation, period, files, aggregates, fileIdOf, crossliftVersion: deps.crossliftVersion });
  const saved = await saveReport(deps.table, report, (deps.now ?? (() => new Date()))(), seen);
  deps.log.info('report computed', {
    cooperationId: cooperation.id,
    period: period.label,
    revision: saved.stored.revision,
    change: saved.change,
  });

  const owner = deps.config.partners.find((p) => p.id === cooperation.owner);
  const emails: DeliveryOutcome[] = [];
  // deliverOnce skips recipients that already have this revision, so a re-run sends only what is missing.
  if (owner?.sender) {
    const history = (await listStoredReports(deps.table, cooperation.id))
      .filter((r) => r.report.period.label < period.label)
      .sort((a, b) => a.report.period.label.localeCompare(b.report.period.label))
      .map((r) => ({ label: r.report.period.label, metrics: r.report.metrics }));
    const restatement = saved.stored.revision > 1 ? saved.stored.restatement ?? {} : undefined;
    const attachments = reportAttachments(cooperation.id, saved.stored);
    for (const to of reportRecipients(cooperation, deps.config.partners)) {
      const locale = recipientLocale(to, cooperation, deps.config.partners);
      const rendered = renderReportEmail(saved.stored.report, {
        currency: cooperation.currency,
        locale,
        history,
        restatement,
        stillFiring: options.stillFiring,
      });
      emails.push(
        await deliverOnce(
          { table: deps.table, ses: deps.ses },
          {
            cooperationId: cooperation.id,
            kind: restatement ? 'restatement' : 'report',
            ref: `${period.label}#r${saved.stored.revision}`,
            message: { from: owner.sender, to, ...rendered, attachments },
          },
        ),
      );
    }
  }
  if (emails.some((e) => e.state === 'in_progress')) {
    // Another invocation claimed a send and has not confirmed it (it may have crashed): fail so
    // Lambda retries; after the claim's lease the retry sends it, or finds it sent.
    throw new DeliveryPendingError('a report email is being sent by another invocation', {
      cooperationId: cooperation.id,
      period: period.label,
    });
  }
  return { ...saved, emails, files };
};

/**
 * The scheduled job: the last complete period before the time the schedule fired, then every
 * earlier report that late data made stale (each stored as a new revision and emailed as a
 * restatement when its numbers changed).
 */
export const runScheduledReport = async (
  deps: ReportDeps,
  input: { cooperationId: string; scheduledTime: string },
): Promise<ReportRun & { readonly restated: readonly ReportRun[]; readonly alerts: AlertRun }> => {
  const cooperation = findCooperation(deps.config, input.cooperationId);
  const period = lastCompletePeriod(input.scheduledTime, cooperation.schedule, cooperation.timezone);
  const firingBefore = await firingAlerts(deps, cooperation.id);
  const run = await computeReport(deps, cooperation, period, { stillFiring: firingBefore });
  const alerts = await processAlerts(deps, cooperation, run.stored.report, run.files);
  const restated: ReportRun[] = [];
  for (const stale of await listStoredReports(deps.table, cooperation.id)) {
    if (!stale.stale || stale.report.period.label === period.label) continue;
    const stalePeriod = periodOfLabel(stale.report.period.label, cooperation.timezone);
    if (stalePeriod) restated.push(await computeReport(deps, cooperation, stalePeriod));
  }
  return { ...run, restated, alerts };
};
