import { createHash } from 'node:crypto';
import type { Cooperation } from '../config/schema';
import type { DatasetName } from '../datasets/names';
import type { DeliveryOutcome } from '../mail/deliver';
import { notify, senderOf, type NotifyDeps } from '../mail/notify';
import type { Report } from '../report/build-report';
import { loadAlerts, saveAlert, type StoredAlert } from '../storage/alert-states';
import { isCounted, type FileRecord } from '../storage/file-ledger';
import { evaluateAlerts, type AlertDraft, type AlertEvaluation } from './evaluate';
import { renderAlertEmail } from './render-alert';

export type AlertItem = StoredAlert<AlertDraft>;

export type AlertDeps = NotifyDeps;

/** Every alert of a cooperation, by key: read once per run. */
export const readAlerts = (deps: AlertDeps, cooperationId: string) => loadAlerts<AlertDraft>(deps.table, cooperationId);

/** Datasets with counted data before the period, and in it, from the file records. */
export const datasetPresence = (files: readonly FileRecord[], report: Report) => {
  const before = new Set<DatasetName>();
  const now = new Set<DatasetName>();
  for (const f of files) {
    // A failed re-read keeps its previous generation counted, but says nothing new about delivery.
    if (!isCounted(f) || f.status === 'failed') continue;
    if (f.days.some((d) => d < report.period.startDay)) before.add(f.dataset);
    if (f.days.some((d) => d >= report.period.startDay && d <= report.period.endDay)) now.add(f.dataset);
  }
  return { before, now };
};

export interface AlertRun {
  readonly transitions: readonly AlertDraft[];
  readonly emails: readonly DeliveryOutcome[];
}

/** What a report does to the alerts, from the states read at the start of the run (pure). */
export const evaluateReportAlerts = (
  report: Report,
  files: readonly FileRecord[],
  alerts: ReadonlyMap<string, AlertItem>,
) => evaluateAlerts(report, alerts, datasetPresence(files, report));

/**
 * Stores the alert states a report moved and emails every pending transition of the
 * cooperation in one message per recipient. State changes are conditional writes; a transition
 * stays pending until its email went out, so a failed SES call is retried by the next run and a
 * retried run never emails a transition twice.
 */
export const processAlerts = async (
  deps: AlertDeps,
  cooperation: Cooperation,
  evaluation: AlertEvaluation,
  alerts: Map<string, AlertItem>,
): Promise<AlertRun> => {
  const transitions: AlertDraft[] = [];
  for (const update of evaluation.updates) {
    const current = alerts.get(update.key);
    const next: AlertItem = {
      key: update.key,
      state: update.state,
      period: update.draft?.period ?? current?.period ?? '',
      version: (current?.version ?? 0) + 1,
      pending: [...(current?.pending ?? []), ...(update.draft ? [update.draft] : [])],
      ...update.detector,
    };
    // A concurrent run that moved this alert first wins; its transition is the one reported.
    if (await saveAlert(deps.table, cooperation.id, next, current?.version)) {
      alerts.set(update.key, next);
      if (update.draft) transitions.push(update.draft);
    }
  }

  const pendingAlerts = [...alerts.values()].filter((a) => a.pending.length > 0);
  if (pendingAlerts.length === 0 || !senderOf(deps.config, cooperation)) return { transitions, emails: [] };
  const pending = pendingAlerts
    .flatMap((a) => a.pending)
    .sort((a, b) => a.key.localeCompare(b.key) || a.period.localeCompare(b.period));
  const ref = createHash('sha256')
    .update(JSON.stringify(pending.map((p) => [p.key, p.transition, p.period])))
    .digest('hex')
    .slice(0, 16);
  const emails = await notify(deps, {
    cooperation,
    kind: 'alert',
    ref: `alert#${ref}`,
    audience: { kind: 'recipients' },
    render: (locale) =>
      renderAlertEmail({
        cooperationName: cooperation.name,
        transitions: pending,
        locale,
        currency: cooperation.currency,
      }),
  });
  // Clear the transitions only once every recipient has them: an email another invocation
  // claimed but may never send (it crashed) stays pending, and the next run sends it.
  if (emails.some((e) => e.state === 'in_progress')) return { transitions, emails };
  for (const alert of pendingAlerts) {
    await saveAlert(deps.table, cooperation.id, { ...alert, pending: [], version: alert.version + 1 }, alert.version);
  }
  return { transitions, emails };
};
