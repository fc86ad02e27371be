import type { DatasetName } from '../datasets/names';
import { toTargetStatus, type Report, type ReportMetric } from '../report/build-report';
import { metricDefinition, METRIC_NAMES, type DaySpread, type MetricKind } from '../report/metrics';
import {
  alertParams,
  INITIAL_DETECTOR_STATE,
  stepAlert,
  type AlertLine,
  type DetectorState,
} from '../verdicts/alert-detector';
import { targetBound } from '../verdicts/target-status';

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
  /** A total's daily variance pooled over the periods folded in (see totalSpread). */
  readonly dayVariance?: PooledDayVariance;
}

/** Sum of squared deviations of day totals from their period's mean, and its degrees of freedom. */
export interface PooledDayVariance {
  readonly squares: number;
  readonly df: number;
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
  readonly detector?: Omit<DetectorState, 'state'> & { readonly dayVariance?: PooledDayVariance };
  readonly draft?: AlertDraft;
}

export interface AlertEvaluation {
  /** Every alert whose stored state changes (a new detector sum, a transition). */
  readonly updates: readonly AlertUpdate[];
  /** The metric alerts firing after this report, with this period's line ("not confirmed recovered: ..."). */
  readonly firing: readonly { readonly metric: string; readonly line?: AlertLine }[];
}

export const dataKey = (dataset: DatasetName) => `data:${dataset}`;

/** Fewest days with data for a period's own daily variance to stand for the spread (before any is pooled). */
const MIN_OWN_DAYS = 3;

/**
 * The standard error the alert rule reads for a total (a count or a sum), which has no interval.
 * Days are the unit: rows of a day share its weekday, campaigns and traffic, so day totals vary
 * more than a Poisson count would (overdispersion; a Poisson error made a count exactly at target
 * fire in nearly every year). se = sqrt(days x daily variance), Student t with its df, where the
 * daily variance is:
 * - for a `min` target, pooled over the periods already folded in: day totals are skewed to the
 *   right, so a period's low total comes with a low spread of its own, which made the rule fire on
 *   a target exactly met in 40-70% of years; pooled, the spread does not move with the total;
 * - for a `max` target, the period's own: a high total comes with a high spread, which keeps the
 *   right skew from firing (pooled, 11-17% of years);
 * - before 2 degrees of freedom are pooled, the period's own (3 or more days).
 * A count's standard error is never below Poisson's sqrt(count) (at least 1), which it falls back
 * to without a day spread (its rows on one or two days); a sum then, or with days all alike, has
 * none. The rates are in docs/alerts.md (scripts/total-alerts-simulation.ts).
 */
export const totalSpread = (
  m: ReportMetric,
  kind: MetricKind,
  pooled: PooledDayVariance | undefined,
): { se: number; df?: number } | undefined => {
  if (m.ci !== undefined || m.value === null || !m.target || (kind !== 'count' && kind !== 'sum')) return undefined;
  const spread = m.daySpread;
  const poisson = Math.sqrt(Math.max(1, m.value));
  // A count varies at least as a Poisson count would: days all alike (all zero conversions) must
  // not make a zero standard error, which would fire on the first shortfall. A sum whose days are
  // all alike says nothing about its spread: no standard error.
  const floor = (se: number, df: number) =>
    kind === 'count' ? (se >= poisson ? { se, df } : { se: poisson }) : se > 0 ? { se, df } : undefined;
  const pooledApplies =
    targetBound(m.target).direction === 'min' && pooled !== undefined && pooled.df >= MIN_OWN_DAYS - 1;
  if (spread && pooledApplies) return floor(Math.sqrt((spread.days * pooled.squares) / pooled.df), pooled.df);
  if (spread && spread.days >= MIN_OWN_DAYS) return floor(Math.sqrt(spread.days * spread.variance), spread.days - 1);
  return kind === 'count' ? { se: poisson } : undefined;
};

/** The pool with a folded-in period's days added. */
const pool = (pooled: PooledDayVariance | undefined, spread: DaySpread | undefined): PooledDayVariance | undefined =>
  spread
    ? {
        squares: (pooled?.squares ?? 0) + (spread.days - 1) * spread.variance,
        df: (pooled?.df ?? 0) + spread.days - 1,
      }
    : pooled;

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
    const { kind } = metricDefinition(name);
    const provisional = report.state === 'provisional' || m.status === 'provisional' || m.status === 'maturing';
    const step = stepAlert(
      detectorOf(current),
      {
        period: label,
        value: m.value,
        ...(m.ci ? { ci: m.ci } : {}),
        ...(m.df !== undefined ? { df: m.df } : {}),
        ...totalSpread(m, kind, current?.dayVariance),
        target: m.target!,
        status: toTargetStatus(m),
        provisional,
      },
      params,
    );
    if (step.next.state === 'firing') firing.push({ metric: name, ...(step.line ? { line: step.line } : {}) });
    if (step.carried) continue;
    const { state, ...next } = step.next;
    // A folded-in period's days join the pool (only totals have a day spread).
    const dayVariance = pool(current?.dayVariance, m.daySpread);
    const detector = dayVariance ? { ...next, dayVariance } : next;
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
