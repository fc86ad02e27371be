import type { DatasetName } from '../datasets/names';
import type { Report } from '../report/build-report';
import { METRIC_NAMES } from '../report/metrics';

export type AlertTransition = 'firing' | 'resolved' | 'no_data';

/** What one alert (a metric, or `data:<dataset>` for deliveries) last said. */
export interface AlertState {
  readonly key: string;
  readonly state: 'ok' | 'firing';
  /** The period of the last transition: older periods never move the state back. */
  readonly period: string;
  readonly version: number;
}

export interface AlertDraft {
  readonly key: string;
  readonly metric: string;
  readonly transition: AlertTransition;
  readonly period: string;
  /** The numbers behind a metric transition (never row values), formatted by the email. */
  readonly value?: number | null;
  readonly ci?: readonly [number, number];
  readonly target?: { readonly min?: number; readonly max?: number };
  readonly n?: number;
}

export const dataKey = (dataset: DatasetName) => `data:${dataset}`;

/**
 * The transitions a report causes, given the alerts' current states: a metric off target that
 * was not firing fires; a firing metric back on target resolves; insufficient data changes
 * nothing. A dataset the cooperation had before and that has no data in this period raises
 * `no_data` (data stopped arriving), resolved when data comes back. Pure.
 */
export const evaluateAlerts = (
  report: Report,
  states: ReadonlyMap<string, AlertState>,
  datasets: { readonly before: ReadonlySet<DatasetName>; readonly now: ReadonlySet<DatasetName> },
): AlertDraft[] => {
  const label = report.period.label;
  const drafts: AlertDraft[] = [];
  const isNewer = (key: string) => {
    const s = states.get(key);
    return !s || s.period <= label;
  };
  for (const name of METRIC_NAMES) {
    const m = report.metrics[name];
    if (!m?.target || !isNewer(name)) continue;
    const firing = states.get(name)?.state === 'firing';
    const off = m.status === 'below_target' || m.status === 'above_target';
    const numbers = { value: m.value, ...(m.ci ? { ci: m.ci } : {}), target: m.target, n: m.n };
    if (off && !firing) drafts.push({ key: name, metric: name, transition: 'firing', period: label, ...numbers });
    if (m.status === 'ok' && firing) drafts.push({ key: name, metric: name, transition: 'resolved', period: label, ...numbers });
  }
  for (const dataset of datasets.before) {
    const key = dataKey(dataset);
    if (!isNewer(key)) continue;
    const firing = states.get(key)?.state === 'firing';
    const hasData = datasets.now.has(dataset);
    if (!hasData && !firing) {
      drafts.push({ key, metric: key, transition: 'no_data', period: label });
    }
    if (hasData && firing) {
      drafts.push({ key, metric: key, transition: 'resolved', period: label });
    }
  }
  return drafts;
};
