import type { Cooperation } from '../config/schema';
import type { DeliveryOutcome } from '../mail/deliver';
import { notify, type NotifyDeps } from '../mail/notify';
import type { StoredReport } from '../storage/reports';
import type { Report } from './build-report';
import { reportToCsv } from './export';
import { renderReportEmail, type ReportEmailOptions } from './render-email';

/** Emails above this size attach a summary instead of the full JSON (SES allows 40 MB; mail clients far less). */
const MAX_ATTACHMENT_BYTES = 3 * 1024 * 1024;

const reportAttachments = (cooperationId: string, stored: StoredReport) => {
  let json = JSON.stringify(stored, null, 2);
  if (json.length > MAX_ATTACHMENT_BYTES) {
    // The manifest is what grows with the data; the numbers never do.
    const report = { ...stored.report, manifest: { ...stored.report.manifest, files: [] } };
    json = JSON.stringify({ ...stored, report, manifestOmitted: true }, null, 2);
  }
  const base = `${cooperationId}-${stored.report.period.label}`;
  return [
    { fileName: `${base}.json`, contentType: 'application/json', content: json },
    { fileName: `${base}.csv`, contentType: 'text/csv', content: reportToCsv(stored.report) },
  ];
};

/**
 * Emails a stored report revision to the cooperation's recipients, once per revision (a re-run
 * sends only what is missing); a revision after the first goes out as a restatement.
 */
export const emailReport = (
  deps: NotifyDeps,
  cooperation: Cooperation,
  stored: StoredReport,
  context: {
    /** Earlier periods' reports, oldest first, for the trend charts. */
    readonly history: readonly { label: string; metrics: Report['metrics'] }[];
    /** Metric alerts firing after this period, listed with this period's line. */
    readonly stillFiring?: ReportEmailOptions['stillFiring'];
  },
): Promise<DeliveryOutcome[]> => {
  const restatement = stored.revision > 1 ? (stored.restatement ?? {}) : undefined;
  // A revision whose numbers did not change (a maturing metric judged once its conversion window
  // closed, say) is stored, not mailed: a restatement says what changed.
  if (restatement && Object.keys(restatement).length === 0) return Promise.resolve([]);
  const attachments = reportAttachments(cooperation.id, stored);
  return notify(deps, {
    cooperation,
    kind: restatement ? 'restatement' : 'report',
    ref: `${stored.report.period.label}#r${stored.revision}`,
    audience: { kind: 'recipients' },
    render: (locale) => ({
      ...renderReportEmail(stored.report, {
        currency: cooperation.currency,
        locale,
        history: context.history,
        restatement,
        stillFiring: context.stillFiring,
      }),
      attachments,
    }),
  });
};
