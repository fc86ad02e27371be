import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Config, Cooperation } from '../config/schema';
import { CrossliftError } from '../errors';
import type { Log } from '../logging';
import { deliverOnce, reportRecipients, type DeliveryOutcome } from '../mail/deliver';
import { fileIdOf, listFileRecords, queryDayAggregates, type TableRef } from '../storage/table';
import { lastCompletePeriod, periodOfLabel, type Period } from '../time/periods';
import { buildReport, comparisonWindow } from './build-report';
import { renderReportEmail } from './render-email';
import { listStoredReports, saveReport, type SaveResult } from './store';

export interface ReportDeps {
  readonly config: Config;
  readonly table: TableRef;
  readonly ses: SESv2Client;
  readonly log: Log;
  readonly crossliftVersion: string;
  readonly now?: () => Date;
}

export class UnknownCooperationError extends CrossliftError {
  override readonly name = 'UnknownCooperationError';
}

export interface ReportRun extends SaveResult {
  readonly emails: readonly DeliveryOutcome[];
}

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
export const computeReport = async (deps: ReportDeps, cooperation: Cooperation, period: Period): Promise<ReportRun> => {
  const window = comparisonWindow(cooperation, period);
  const from = window.from < period.startDay ? window.from : period.startDay;
  const to = window.to > period.endDay ? window.to : period.endDay;
  const [files, aggregates] = await Promise.all([
    listFileRecords(deps.table, cooperation.id),
    queryDayAggregates(deps.table, cooperation.id, from, to),
  ]);
  const report = buildReport({ cooperation, period, files, aggregates, fileIdOf, crossliftVersion: deps.crossliftVersion });
  const saved = await saveReport(deps.table, report, (deps.now ?? (() => new Date()))());
  deps.log.info('report computed', {
    cooperationId: cooperation.id,
    period: period.label,
    revision: saved.stored.revision,
    change: saved.change,
  });

  const owner = deps.config.partners.find((p) => p.id === cooperation.owner);
  const emails: DeliveryOutcome[] = [];
  if (owner?.sender) {
    const restatement = saved.stored.revision > 1;
    const rendered = renderReportEmail(saved.stored.report, { currency: cooperation.currency, restatement });
    const attachment = { fileName: `${cooperation.id}-${period.label}.json`, contentType: 'application/json', content: JSON.stringify(saved.stored, null, 2) };
    for (const to of reportRecipients(cooperation, deps.config.partners)) {
      emails.push(
        await deliverOnce(
          { table: deps.table, ses: deps.ses },
          {
            cooperationId: cooperation.id,
            kind: restatement ? 'restatement' : 'report',
            ref: `${period.label}#r${saved.stored.revision}`,
            message: { from: owner.sender, to, ...rendered, attachments: [attachment] },
          },
        ),
      );
    }
  }
  return { ...saved, emails };
};

/**
 * The scheduled job: the last complete period before the time the schedule fired, then every
 * earlier report that late data made stale (each stored as a new revision and emailed as a
 * restatement when its numbers changed).
 */
export const runScheduledReport = async (
  deps: ReportDeps,
  input: { cooperationId: string; scheduledTime: string },
): Promise<ReportRun & { readonly restated: readonly ReportRun[] }> => {
  const cooperation = findCooperation(deps.config, input.cooperationId);
  const period = lastCompletePeriod(input.scheduledTime, cooperation.schedule, cooperation.timezone);
  const run = await computeReport(deps, cooperation, period);
  const restated: ReportRun[] = [];
  for (const stale of await listStoredReports(deps.table, cooperation.id)) {
    if (!stale.stale || stale.report.period.label === period.label) continue;
    const stalePeriod = periodOfLabel(stale.report.period.label, cooperation.timezone);
    if (stalePeriod) restated.push(await computeReport(deps, cooperation, stalePeriod));
  }
  return { ...run, restated };
};
