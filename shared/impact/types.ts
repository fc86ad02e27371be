/** One day of a daily business series ('YYYY-MM-DD', already a local calendar day). */
export interface DayValue {
  day: string;
  value: number;
}

export interface ImpactInput {
  /** The series the cooperation should move (e.g. daily enrollments); days may be missing. */
  outcome: readonly DayValue[];
  /** Series the cooperation does not touch (another city, another product line); may be empty. */
  controls?: readonly (readonly DayValue[])[];
  /** First day of the cooperation. */
  start: string;
  /** Days to fit on; `from` defaults to the outcome's first day, `to` to the day before `start`. */
  preperiod?: { from?: string; to?: string };
  /** Last day whose data may be used (later days are ignored). */
  asOf: string;
  /** The report period (its part from `start` to `asOf` is summed). */
  period: { startDay: string; endDay: string };
}

export interface ImpactOptions {
  /** Run the placebo check (default true). Placebo runs themselves run without it. */
  placebo?: boolean;
  /** At most this many placebo start dates (default 20), the latest ones. */
  maxPlaceboChecks?: number;
  /**
   * Mark `unreliable` as soon as the observed placebo rate exceeds 10% (default false: only when it
   * also exceeds what chance gives a sound model; see placeboRateTooHigh).
   */
  strictPlacebo?: boolean;
  /** Compute the per-day band for the chart (default true). */
  daily?: boolean;
}

export type ImpactStatus = 'effect' | 'no_detectable_effect' | 'unreliable' | 'insufficient_data';

/** Why a status is `insufficient_data` or `unreliable` (words for people are in `reason`). */
export type ImpactReasonCode =
  | 'not_started'
  | 'no_data_since_start'
  | 'short_preperiod'
  | 'too_many_parameters'
  | 'constant_control'
  | 'collinear_design'
  | 'exact_fit'
  | 'poor_fit'
  | 'placebo_false_positives';

/** Sums over the days from `from` to `to` that have the outcome and every control. */
export interface ImpactSums {
  from: string;
  to: string;
  /** Days summed (days without the outcome or a control are left out of every sum). */
  days: number;
  actual: number;
  /** Posterior mean of what the outcome would have been without the cooperation. */
  counterfactual: number;
  /** actual - counterfactual. */
  effect: number;
  /** 95% interval of the effect. */
  ci: [number, number];
}

export interface CumulativeImpact extends ImpactSums {
  /** The cooperation's start day (= from). */
  since: string;
  /** effect / counterfactual; null when the counterfactual is not positive. */
  relativeEffect: number | null;
  /** Two-sided posterior tail probability: 2 min(P(effect <= 0), P(effect >= 0)). */
  pValue: number;
}

export interface ImpactDay {
  day: string;
  /** null when the outcome has no value that day. */
  actual: number | null;
  /** Posterior mean and 95% band of the outcome without the cooperation; null when a control is missing. */
  counterfactual: number | null;
  low: number | null;
  high: number | null;
}

export interface ImpactResult {
  status: ImpactStatus;
  reasonCode?: ImpactReasonCode;
  /** English explanation for `insufficient_data` and `unreliable`. */
  reason?: string;
  /** False: trend and weekday pattern only, a weaker estimate. */
  withControls: boolean;
  /** The report period's share of the effect; null when no day of it is after start with data. */
  period: ImpactSums | null;
  cumulative: CumulativeImpact | null;
  fit: {
    /** Pre-period days with the outcome and every control (the days fitted). */
    preperiodDays: number;
    from: string | null;
    to: string | null;
    /** Weighted MAPE of the pre-period fit: sum |actual - fitted| / sum |actual|; null when not fitted. */
    mape: number | null;
    /** Posterior mean of the residuals' lag-1 autocorrelation; null when not fitted. */
    autocorrelation: number | null;
  };
  placebo: {
    checks: number;
    detections: number;
    /** detections / checks; null when no placebo date fits in the pre-period. */
    falsePositiveRate: number | null;
  };
  /** One entry per day from start to asOf, for the chart. Empty when not estimated. */
  daily: ImpactDay[];
}
