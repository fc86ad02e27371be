import { createHash } from 'node:crypto';
import type { Cooperation } from '../config/schema';
import type { DatasetName } from '../datasets/names';
import { deliverOnce, reportRecipients, type DeliveryOutcome } from '../mail/deliver';
import type { ReportDeps } from '../report/compute-report';
import type { Report } from '../report/build-report';
import { coopPk, putIfAbsent, queryAll, replaceIf, type FileRecord } from '../storage/table';
import { evaluateAlerts, type AlertDraft, type AlertState } from './evaluate';
import { renderAlertEmail } from './render-alert';
import { recipientLocale } from '../mail/locale';

interface AlertItem extends AlertState {
  /** Transitions not yet emailed. */
  readonly pending: readonly AlertDraft[];
}

const alertSk = (key: string) => `ALERT#${key}`;

const loadAlerts = async (deps: ReportDeps, cooperationId: string): Promise<Map<string, AlertItem>> => {
  const items = await queryAll(deps.table, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': coopPk(cooperationId), ':p': 'ALERT#' },
  });
  return new Map(items.map((i) => [i.key as string, i as unknown as AlertItem]));
};

const saveAlert = async (deps: ReportDeps, cooperationId: string, item: AlertItem, previousVersion: number | undefined) => {
  const record = { pk: coopPk(cooperationId), sk: alertSk(item.key), ...item };
  return previousVersion === undefined
    ? putIfAbsent(deps.table, record)
    : replaceIf(deps.table, record, 'version', previousVersion);
};

/** Keys of the alerts firing now: listed in the next report, not re-sent as alerts. */
export const firingAlerts = async (deps: ReportDeps, cooperationId: string): Promise<string[]> =>
  [...(await loadAlerts(deps, cooperationId)).values()].filter((a) => a.state === 'firing').map((a) => a.key).sort();

/** Datasets with counted data before the period, and in it, from the file records. */
export const datasetPresence = (files: readonly FileRecord[], report: Report) => {
  const before = new Set<DatasetName>();
  const now = new Set<DatasetName>();
  for (const f of files) {
    if (!(f.status === 'accepted' || f.status === 'partial') || !f.generation) continue;
    if (f.days.some((d) => d < report.period.startDay)) before.add(f.dataset);
    if (f.days.some((d) => d >= report.period.startDay && d <= report.period.endDay)) now.add(f.dataset);
  }
  return { before, now };
};

export interface AlertRun {
  readonly transitions: readonly AlertDraft[];
  readonly emails: readonly DeliveryOutcome[];
}

/**
 * Moves the alert states for a scheduled report and emails every pending transition of the
 * cooperation in one message per recipient. State changes are conditional writes; a transition
 * stays pending until its email went out, so a failed SES call is retried by the next run and a
 * retried run never emails a transition twice.
 */
export const processAlerts = async (
  deps: ReportDeps,
  cooperation: Cooperation,
  report: Report,
  files: readonly FileRecord[],
): Promise<AlertRun> => {
  const alerts = await loadAlerts(deps, cooperation.id);
  const drafts = evaluateAlerts(report, alerts, datasetPresence(files, report));
  const transitions: AlertDraft[] = [];
  for (const draft of drafts) {
    const current = alerts.get(draft.key);
    const next: AlertItem = {
      key: draft.key,
      state: draft.transition === 'resolved' ? 'ok' : 'firing',
      period: draft.period,
      version: (current?.version ?? 0) + 1,
      pending: [...(current?.pending ?? []), draft],
    };
    // A concurrent run that moved this alert first wins; its transition is the one reported.
    if (await saveAlert(deps, cooperation.id, next, current?.version)) {
      alerts.set(draft.key, next);
      transitions.push(draft);
    }
  }

  const pendingAlerts = [...alerts.values()].filter((a) => a.pending.length > 0);
  if (pendingAlerts.length === 0) return { transitions, emails: [] };
  const pending = pendingAlerts.flatMap((a) => a.pending).sort((a, b) => a.key.localeCompare(b.key) || a.period.localeCompare(b.period));
  const owner = deps.config.partners.find((p) => p.id === cooperation.owner);
  if (!owner?.sender) return { transitions, emails: [] };
  const ref = createHash('sha256')
    .update(JSON.stringify(pending.map((p) => [p.key, p.transition, p.period])))
    .digest('hex')
    .slice(0, 16);
  const emails: DeliveryOutcome[] = [];
  for (const to of reportRecipients(cooperation, deps.config.partners)) {
    const locale = recipientLocale(to, cooperation, deps.config.partners);
    const email = renderAlertEmail({ cooperationName: cooperation.name, transitions: pending, locale, currency: cooperation.currency });
    emails.push(
      await deliverOnce(
        { table: deps.table, ses: deps.ses },
        { cooperationId: cooperation.id, kind: 'alert', ref: `alert#${ref}`, message: { from: owner.sender, to, ...email } },
      ),
    );
  }
  // Clear the transitions only once every recipient has them: an email another invocation
  // claimed but may never send (it crashed) stays pending, and the next run sends it.
  if (emails.some((e) => e.state === 'in_progress')) return { transitions, emails };
  for (const alert of pendingAlerts) {
    await saveAlert(deps, cooperation.id, { ...alert, pending: [], version: alert.version + 1 }, alert.version);
  }
  return { transitions, emails };
};
