import type { DatasetName } from '../datasets/names';
import { toTargetStatus, type Report } from '../report/build-report';
import { metricDefinition, METRIC_NAMES, type MetricName } from '../report/metrics';
import {
  alertParams,
  INITIAL_DETECTOR_STATE,
  stepAlert,
  type AlertLine,
  type DetectorState,
} from '../verdicts/alert-detector';

export type AlertTransition = 'firing' | 'resolved' | 'no_data';

/** What one alert (a metric, or `data:<dataset>` for deliveries) last said, and its detector's memory. */
export interface AlertState {
  readonly key: string;
  readonly state: 'ok' | 'firing';
  /** The period of the last transition. */
  readonly period: string;
  readonly version: number;
  /** The sequential rule's running sum (metric alerts; absent before the first period folded in). */
  readonly cusum?: number;
  readonly recoveryStreak?: number;
  /** The last period folded into the detector: a period is never counted twice. */
  readonly lastPeriod?: string;
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
  /** What the email says of a metric transition ("back on target: 4.25 [4.05-4.45] >= 4.0"). */
  readonly line?: AlertLine;
}

/** One alert's next state after this report, with its transition when it changed state. */
export interface AlertUpdate {
  readonly key: string;
  readonly state: 'ok' | 'firing';
  readonly detector?: Omit<DetectorState, 'state'>;
  readonly draft?: AlertDraft;
}

export interface AlertEvaluation {
  /** Every alert whose stored state changes (a new detector sum, a transition). */
  readonly updates: readonly AlertUpdate[];
  /** The metric alerts firing after this report, with this period's line ("not confirmed recovered: ..."). */
  readonly firing: readonly { readonly metric: string; readonly line?: AlertLine }[];
}

export const dataKey = (dataset: DatasetName) => `data:${dataset}`;

/**
 * The standard error the alert rule reads where a metric has no interval: a count's Poisson error,
 * sqrt(count) (at least 1). It ignores overdispersion (docs/alerts.md); sums get none, so a target
 * on a sum is reported each period (met / not met by its value) but raises no sequential alert.
 */
const alertStandardError = (name: MetricName, value: number | null, hasInterval: boolean) =>
  !hasInterval && value !== null && metricDefinition(name).kind === 'count' ? Math.sqrt(Math.max(1, value)) : undefined;

const detectorOf = (s: AlertState | undefined): DetectorState =>
  s
    ? {
        state: s.state,
        cusum: s.cusum ?? 0,
        recoveryStreak: s.recoveryStreak ?? 0,
        ...(s.lastPeriod ? { lastPeriod: s.lastPeriod } : {}),
      }
    : INITIAL_DETECTOR_STATE;

/**
 * What a report does to the alerts. Metric alerts follow the sequential rule of
 * shared/verdicts/alert-detector.ts (a CUSUM of standardized shortfalls with a false-alarm budget
 * split across the cooperation's targeted metrics; resolve only on evidence of meeting the target);
 * provisional, maturing and insufficient-data periods change nothing. A dataset the cooperation
 * had before and that has no data in this period raises `no_data`, resolved when data comes back.
 * Pure.
 */
export const evaluateAlerts = (
  report: Report,
  states: ReadonlyMap<string, AlertState>,
  datasets: { readonly before: ReadonlySet<DatasetName>; readonly now: ReadonlySet<DatasetName> },
): AlertEvaluation => {
  const label = report.period.label;
  const updates: AlertUpdate[] = [];
  const firing: { metric: string; line?: AlertLine }[] = [];
  const targeted = METRIC_NAMES.filter((name) => report.metrics[name]?.target);
  const params = alertParams(Math.min(40, Math.max(1, targeted.length)));
  for (const name of targeted) {
    const m = report.metrics[name]!;
    const current = states.get(name);
    const provisional = report.state === 'provisional' || m.status === 'provisional' || m.status === 'maturing';
    const step = stepAlert(
      detectorOf(current),
      {
        period: label,
        value: m.value,
        ...(m.ci ? { ci: m.ci } : {}),
        ...(m.df !== undefined ? { df: m.df } : {}),
        ...(() => {
          const se = alertStandardError(name, m.value, m.ci !== undefined);
          return se === undefined ? {} : { se };
        })(),
        target: m.target!,
        status: toTargetStatus(m),
        provisional,
      },
      params,
    );
    if (step.next.state === 'firing') firing.push({ metric: name, ...(step.line ? { line: step.line } : {}) });
    if (step.carried) continue;
    const { state, ...detector } = step.next;
    const draft: AlertDraft | undefined = step.transition
      ? {
          key: name,
          metric: name,
          transition: step.transition,
          period: label,
          value: m.value,
          ...(m.ci ? { ci: m.ci } : {}),
          target: m.target!,
          n: m.n,
          ...(step.line ? { line: step.line } : {}),
        }
      : undefined;
    updates.push({ key: name, state, detector, ...(draft ? { draft } : {}) });
  }
  for (const dataset of datasets.before) {
    const key = dataKey(dataset);
    const current = states.get(key);
    if (current && current.period > label) continue;
    const isFiring = current?.state === 'firing';
    const hasData = datasets.now.has(dataset);
    if (!hasData && !isFiring) {
      updates.push({ key, state: 'firing', draft: { key, metric: key, transition: 'no_data', period: label } });
    }
    if (hasData && isFiring) {
      updates.push({ key, state: 'ok', draft: { key, metric: key, transition: 'resolved', period: label } });
    }
  }
  return { updates, firing };
};
