import { Z95, type Interval } from '../report/stats';
import { normalScoreOfT, studentTQuantile } from './tails';
import { meetsBound, targetBound, type TargetBound, type TargetStatus, type VerdictLocale } from './target-status';

/**
 * The repeated-looks alert rule (issue 12). Each final period, a targeted metric's estimate
 * becomes a standardized shortfall z = (target - estimate) / se for a `min` target
 * ((estimate - target) / se for `max`), se from the metric's own 95% interval (half-width / 1.96)
 * unless given. An interval built on Student's t (a mean: n - 1 degrees of freedom; a day-unit
 * rate: days - 1) passes its df: se is then half-width / t quantile, and the t statistic is
 * carried to the normal scale by its tail probability, so z is standard normal at target for any
 * n (read as a z, a t with 39 df raises the yearly false alarms by a tenth, with 9 df it doubles
 * them). A one-sided CUSUM S = max(0, S + z - k) fires when S >= h:
 * - k = 0.75 standard errors (half the 1.5-se shortfall the rule is tuned to catch quickly);
 *   S >= h needs this period's z > k, so it only fires in a period whose estimate is on the
 *   wrong side of the target;
 * - h depends on m, the cooperation's number of targeted metrics: with every metric exactly at
 *   target (z standard normal, independent over periods), each metric false-alarms within a year
 *   of 52 weekly looks with probability <= 0.05 / m, so the cooperation sees any false alarm in
 *   at most 5% of years (union bound; monthly reports look 12 times a year and do better).
 * While firing, the same CUSUM runs on the standardized surplus (-z); the alert resolves only on
 * evidence the target is met: the period is `met` (whole interval on the target's side), or the
 * point estimate meets the target in two consecutive final periods, or the surplus CUSUM reaches
 * h. An inconclusive period with the estimate on the wrong side keeps it firing; no period that
 * is provisional, maturing or short of its minimum sample changes anything.
 */
export const CUSUM_REFERENCE_K = 0.75;

/**
 * h for m = 1..40 targeted metrics (index m - 1), for k = 0.75 and 52 looks: the 1 - 0.05 / m
 * quantile of the largest CUSUM of a year of standard normal z, rounded up to 0.01. Calibrated
 * offline by seeded simulation (4,000,000 years, seed 20261123) and cross-checked by a numerical
 * Markov-chain computation: rerun `npx tsx scripts/calibrate-alert-cusum.ts` (see docs/alerts.md).
 */
export const CUSUM_THRESHOLDS: readonly number[] = [
  3.52, 3.98, 4.24, 4.43, 4.58, 4.7, 4.8, 4.89, 4.96, 5.03, 5.1, 5.15, 5.21, 5.26, 5.3, 5.34, 5.38, 5.42, 5.46, 5.49,
  5.52, 5.55, 5.58, 5.61, 5.64, 5.66, 5.69, 5.72, 5.74, 5.76, 5.79, 5.81, 5.83, 5.85, 5.87, 5.88, 5.9, 5.92, 5.93, 5.95,
];

export interface AlertParams {
  /** Reference value: the shortfall (in standard errors) a period must exceed to add evidence. */
  readonly k: number;
  /** Decision threshold of the CUSUM. */
  readonly h: number;
}

/** The rule's parameters for a cooperation with `targetedMetrics` metrics that have a target. */
export const alertParams = (targetedMetrics: number): AlertParams => {
  const m = Math.max(1, Math.round(targetedMetrics));
  const h = CUSUM_THRESHOLDS[m - 1];
  if (h === undefined) throw new RangeError(`no calibrated threshold for ${targetedMetrics} targeted metrics (1-40)`);
  return { k: CUSUM_REFERENCE_K, h };
};

/** What one metric's alert carries from period to period: small and plain, stored as is (e.g. in DynamoDB). */
export interface DetectorState {
  readonly state: 'ok' | 'firing';
  /** While ok: the CUSUM of standardized shortfall. While firing: the CUSUM of standardized surplus. */
  readonly cusum: number;
  /** While firing: consecutive final periods whose point estimate met the target. */
  readonly recoveryStreak: number;
  /** The last period folded in (its label), so a retried or repeated run cannot count a period twice. */
  readonly lastPeriod?: string;
}

export const INITIAL_DETECTOR_STATE: DetectorState = { state: 'ok', cusum: 0, recoveryStreak: 0 };

/** One period of one targeted metric, as the report judged it. */
export interface AlertObservation {
  /** Period label; labels must sort in time (ISO weeks `2026-W46`, months `2026-11`). */
  readonly period: string;
  readonly value: number | null;
  readonly ci?: Interval;
  /** Standard error of the value; when absent, the interval's half-width / its quantile. */
  readonly se?: number;
  /**
   * Degrees of freedom when the interval is Student's t (a mean: n - 1; a day-unit rate: days - 1);
   * absent for normal-theory intervals (Wilson, NPS), whose quantile is 1.96.
   */
  readonly df?: number;
  readonly target: { readonly min?: number; readonly max?: number };
  readonly status: TargetStatus;
  /** Provisional (a delivery missing) or maturing (a conversion window still open). */
  readonly provisional: boolean;
}

/** Why an observation left the state unchanged. */
export type CarriedReason = 'already_counted' | 'provisional' | 'insufficient_data' | 'no_standard_error';

/** The numbers an email line needs. */
export interface AlertNumbers {
  readonly value: number;
  readonly ci?: Interval;
  readonly target: TargetBound;
  /** This period's standardized shortfall (negative: surplus). */
  readonly z: number;
  /** The CUSUM after this period (shortfall while ok, surplus while firing) and its threshold. */
  readonly cusum: number;
  readonly threshold: number;
}

export type ResolvedBy = 'met' | 'two_periods_meeting' | 'sustained_surplus';

export type AlertLine =
  | ({ readonly kind: 'firing' } & AlertNumbers)
  | ({ readonly kind: 'resolved'; readonly by: ResolvedBy } & AlertNumbers)
  /** Still firing; the whole interval is on the wrong side. */
  | ({ readonly kind: 'still_off_target' } & AlertNumbers)
  /** Still firing; the interval straddles the target (or the estimate met it once so far). */
  | ({ readonly kind: 'not_confirmed_recovered' } & AlertNumbers);

export interface AlertStep {
  readonly next: DetectorState;
  readonly transition?: 'firing' | 'resolved';
  /** For every period folded in while the alert fires or changes state: what the email says. */
  readonly line?: AlertLine;
  /** Set when the observation changed nothing, with the reason. */
  readonly carried?: CarriedReason;
}

/** Keeps a single extreme period (or a zero standard error) from storing an infinite CUSUM: JSON has no Infinity. */
const Z_CAP = 50;

const t975 = new Map<number, number>();
/** The interval's two-sided 95% quantile: 1.96, or Student's t with df degrees of freedom (whole df memoised). */
const quantile975 = (df: number | undefined) => {
  if (df === undefined) return Z95;
  const known = t975.get(df);
  if (known !== undefined) return known;
  const q = studentTQuantile(0.975, df);
  if (Number.isInteger(df) && t975.size < 10_000) t975.set(df, q);
  return q;
};

const standardError = (observation: AlertObservation): number | undefined => {
  if (observation.se !== undefined) return observation.se;
  if (!observation.ci) return undefined;
  return (observation.ci[1] - observation.ci[0]) / (2 * quantile975(observation.df));
};

/** Standardized shortfall: positive when the estimate is on the wrong side of the target. */
const shortfall = (value: number, target: TargetBound, se: number, df: number | undefined) => {
  const gap = target.direction === 'min' ? target.bound - value : value - target.bound;
  if (se === 0) return gap === 0 ? 0 : Math.sign(gap) * Z_CAP;
  const statistic = gap / se;
  const z = df === undefined ? statistic : normalScoreOfT(statistic, df);
  return Math.max(-Z_CAP, Math.min(Z_CAP, z));
};

/**
 * One period's step of one metric's alert: the next state, and a transition when it fires or
 * resolves. Pure: the caller stores `next` and sends the transition.
 */
export const stepAlert = (state: DetectorState, observation: AlertObservation, params: AlertParams): AlertStep => {
  const carry = (carried: CarriedReason): AlertStep => ({ next: state, carried });
  if (state.lastPeriod !== undefined && observation.period <= state.lastPeriod) return carry('already_counted');
  if (observation.provisional) return carry('provisional');
  const insufficient = observation.status.outcome === 'insufficient_data' || observation.value === null;
  if (insufficient) return carry('insufficient_data');
  const se = standardError(observation);
  if (se === undefined || !Number.isFinite(se) || se < 0) return carry('no_standard_error');
  if (observation.df !== undefined && !(observation.df > 0)) return carry('no_standard_error');

  const value = observation.value;
  const target = targetBound(observation.target);
  const z = shortfall(value, target, se, observation.df);
  const numbers = (cusum: number) => ({
    value,
    ...(observation.ci ? { ci: observation.ci } : {}),
    target,
    z,
    cusum,
    threshold: params.h,
  });
  const period = observation.period;

  if (state.state === 'ok') {
    const cusum = Math.max(0, state.cusum + z - params.k);
    if (cusum >= params.h) {
      return {
        next: { state: 'firing', cusum: 0, recoveryStreak: 0, lastPeriod: period },
        transition: 'firing',
        line: { kind: 'firing', ...numbers(cusum) },
      };
    }
    return { next: { state: 'ok', cusum, recoveryStreak: 0, lastPeriod: period } };
  }

  const surplus = Math.max(0, state.cusum - z - params.k);
  const pointMeets = meetsBound(value, target);
  const recoveryStreak = pointMeets ? state.recoveryStreak + 1 : 0;
  // Every way out needs this period's estimate on the target's side: never "back on target" at 3.99 vs >= 4.0.
  const by: ResolvedBy | undefined = !pointMeets
    ? undefined
    : observation.status.outcome === 'met' && observation.status.basis === 'interval'
      ? 'met'
      : recoveryStreak >= 2
        ? 'two_periods_meeting'
        : surplus >= params.h
          ? 'sustained_surplus'
          : undefined;
  if (by) {
    return {
      next: { state: 'ok', cusum: 0, recoveryStreak: 0, lastPeriod: period },
      transition: 'resolved',
      line: { kind: 'resolved', by, ...numbers(surplus) },
    };
  }
  const kind = observation.status.outcome === 'not_met' ? 'still_off_target' : 'not_confirmed_recovered';
  return {
    next: { state: 'firing', cusum: surplus, recoveryStreak, lastPeriod: period },
    line: { kind, ...numbers(surplus) },
  };
};

/** Default number format of the lines: 3 significant digits; a whole number keeps one decimal ("4.0"). */
const defaultFormat = (x: number) =>
  Number.isInteger(x) && Math.abs(x) < 1000 ? x.toFixed(1) : String(Number(x.toPrecision(3)));

/**
 * An alert line for the email: "back on target: 4.25 [4.05-4.45] >= 4.0",
 * "not confirmed recovered: 3.76 [3.39-4.12] vs >= 4.0", and the Chinese equivalents.
 * `format` formats the metric's numbers (pass the report's formatter for units and percentages).
 */
export const renderAlertLine = (
  line: AlertLine,
  locale: VerdictLocale,
  format: (x: number) => string = defaultFormat,
): string => {
  const en = locale === 'en';
  const interval = line.ci
    ? line.ci[0] < 0 || line.ci[1] < 0
      ? ` [${format(line.ci[0])}, ${format(line.ci[1])}]`
      : ` [${format(line.ci[0])}-${format(line.ci[1])}]`
    : '';
  const estimate = `${format(line.value)}${interval}`;
  const operator = line.target.direction === 'min' ? (en ? '>=' : '≥') : en ? '<=' : '≤';
  const target = `${operator} ${format(line.target.bound)}`;
  switch (line.kind) {
    case 'firing':
      return en
        ? `off target over recent periods: ${estimate} vs ${target}`
        : `近期持续未达标：${estimate}，目标 ${target}`;
    case 'still_off_target':
      return en ? `still off target: ${estimate} vs ${target}` : `仍未达标：${estimate}，目标 ${target}`;
    case 'not_confirmed_recovered':
      return en ? `not confirmed recovered: ${estimate} vs ${target}` : `尚未确认恢复：${estimate}，目标 ${target}`;
    case 'resolved': {
      const how = {
        met: ['', ''],
        two_periods_meeting: [' (estimate met the target two final periods running)', '（连续两个最终周期估计值达标）'],
        sustained_surplus: [' (sustained surplus over recent periods)', '（近期持续高于目标）'],
      }[line.by];
      return en ? `back on target${how[0]}: ${estimate} ${target}` : `已恢复达标${how[1]}：${estimate} ${target}`;
    }
  }
};

/** One line for the email on how alerts decide. */
export const describeAlertRule = (locale: VerdictLocale): string =>
  locale === 'en'
    ? 'How alerts decide: each period, the distance of an estimate from its target is measured in standard errors ' +
      'and shortfalls are added up over consecutive periods (CUSUM); an alert fires when the sum passes a threshold ' +
      'set so that, with every target truly met, this cooperation sees a false alarm in at most 5% of years; it ' +
      'resolves only on evidence the target is met (the whole interval on the right side, or the estimate meeting ' +
      'the target in two consecutive final periods). Provisional periods change nothing.'
    : '告警规则：每个周期按标准误计算估计值与目标的差距，并跨周期累加不足部分（CUSUM）；累加值超过阈值时告警，' +
      '阈值的设定保证在所有目标实际均已达成时，本合作一年内出现误报的概率不超过 5%；只有在有证据表明已达标时' +
      '（整个区间位于目标一侧，或连续两个最终周期的估计值达标）才解除告警。暂定周期不改变告警状态。';
