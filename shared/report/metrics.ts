import type { Cooperation } from '../config/schema';
import type { DatasetName } from '../datasets/names';
import { capabilityScore, DEFAULT_ALPHA, DEFAULT_BETA, effectScore, recommendationScore } from './effect-model';
import type { MetricName } from './metric-names';
import {
  meanAndVariance,
  npsWithInterval,
  ratioWithInterval,
  tInterval,
  wilsonInterval,
  type Interval,
} from './stats';
import type { Totals } from './totals';

/**
 * How a metric is estimated, which decides its interval, its significance test and its
 * default minimum sample: counts and sums carry n only; proportions a Wilson interval;
 * means a t interval; ratios of sums a delta-method interval over days; nps a normal one.
 */
export type MetricKind = 'count' | 'sum' | 'proportion' | 'mean' | 'ratio' | 'score' | 'model';

/** What a significance test of the change needs. */
export type Basis =
  | { readonly type: 'proportion'; readonly successes: number; readonly n: number }
  | { readonly type: 'mean'; readonly n: number; readonly mean: number; readonly variance: number };

export interface MetricValue {
  readonly kind: MetricKind;
  readonly value: number;
  /** Observations behind the value: rows, days or answers (said by `unitOfN`). */
  readonly n: number;
  readonly ci?: Interval;
  readonly basis?: Basis;
}

export interface ComputedMetrics {
  readonly values: Partial<Record<MetricName, MetricValue>>;
  /** Metrics that could not be computed, with the reason. */
  readonly missing: Partial<Record<MetricName, string>>;
}

export const METRIC_KINDS: Record<MetricName, MetricKind> = {
  enrollments: 'count',
  revenue: 'sum',
  partner_enrollment_share: 'proportion',
  refund_rate: 'proportion',
  referrals: 'count',
  referral_conversions: 'count',
  referral_conversion_rate: 'proportion',
  referral_revenue: 'sum',
  ad_impressions: 'count',
  ad_clicks: 'count',
  ad_conversions: 'count',
  ad_spend: 'sum',
  ad_revenue: 'sum',
  ad_ctr: 'proportion',
  ad_cvr: 'proportion',
  ad_roas: 'ratio',
  ad_cac: 'ratio',
  feedback_count: 'count',
  avg_rating: 'mean',
  nps: 'score',
  event_registrations: 'count',
  event_attendees: 'count',
  event_attendance_rate: 'proportion',
  event_new_users: 'count',
  user_scale: 'mean',
  market_share: 'model',
  brand_influence: 'mean',
  brand_share: 'model',
  capability_score: 'model',
  recommendation_score: 'model',
  effect_score: 'model',
};

/** The dataset each metric is computed from (the effect model's composites name their first input). */
export const METRIC_DATASETS: Record<MetricName, readonly DatasetName[]> = {
  enrollments: ['enrollments'],
  revenue: ['enrollments'],
  partner_enrollment_share: ['enrollments'],
  refund_rate: ['enrollments'],
  referrals: ['referrals'],
  referral_conversions: ['referrals'],
  referral_conversion_rate: ['referrals'],
  referral_revenue: ['referrals'],
  ad_impressions: ['campaigns'],
  ad_clicks: ['campaigns'],
  ad_conversions: ['campaigns'],
  ad_spend: ['campaigns'],
  ad_revenue: ['campaigns'],
  ad_ctr: ['campaigns'],
  ad_cvr: ['campaigns'],
  ad_roas: ['campaigns'],
  ad_cac: ['campaigns'],
  feedback_count: ['feedback'],
  avg_rating: ['feedback'],
  nps: ['feedback'],
  event_registrations: ['events'],
  event_attendees: ['events'],
  event_attendance_rate: ['events'],
  event_new_users: ['events'],
  user_scale: ['activity'],
  market_share: ['activity'],
  brand_influence: ['brand'],
  brand_share: ['brand'],
  capability_score: [],
  recommendation_score: ['activity', 'enrollments', 'feedback'],
  effect_score: ['activity', 'brand', 'enrollments', 'feedback'],
};

/** Default minimum sample per kind before a target is judged (overridable per target). */
export const DEFAULT_MIN_SAMPLE: Record<MetricKind, number> = {
  count: 1,
  sum: 1,
  proportion: 30,
  mean: 10,
  ratio: 7,
  score: 30,
  model: 1,
};

const proportion = (successes: number, n: number): MetricValue | undefined =>
  n > 0
    ? { kind: 'proportion', value: successes / n, n, ci: wilsonInterval(successes, n), basis: { type: 'proportion', successes, n } }
    : undefined;

const meanOf = (n: number, sum: number, sumSq: number): MetricValue | undefined => {
  if (n <= 0) return undefined;
  const { mean, variance } = meanAndVariance(n, sum, sumSq);
  return { kind: 'mean', value: mean, n, ci: tInterval(n, mean, variance), basis: { type: 'mean', n, mean, variance } };
};

/** Mean over days of a day's sum of a measure (the model's U and B), with a t interval over days. */
const dailyMean = (days: Map<string, Record<string, number>>, measure: string): MetricValue | undefined => {
  const values = [...days.values()].map((d) => d[measure] ?? 0);
  const n = values.length;
  if (n === 0) return undefined;
  const sum = values.reduce((s, v) => s + v, 0);
  const sumSq = values.reduce((s, v) => s + v * v, 0);
  return meanOf(n, sum, sumSq);
};

const ratio = (days: Map<string, Record<string, number>>, numerator: string, denominator: string): MetricValue | undefined => {
  const series = [...days.values()].map((d) => ({ x: d[denominator] ?? 0, y: d[numerator] ?? 0 }));
  const r = ratioWithInterval(series);
  return r ? { kind: 'ratio', value: r.value, n: series.length, ci: r.ci } : undefined;
};

/**
 * Every metric of a window of totals. A metric whose inputs are missing goes to `missing`
 * with the reason: never a 0 or a NaN standing in for "no data".
 */
export const computeMetrics = (totals: Totals, cooperation: Cooperation): ComputedMetrics => {
  const values: Partial<Record<MetricName, MetricValue>> = {};
  const missing: Partial<Record<MetricName, string>> = {};
  const set = (name: MetricName, value: MetricValue | undefined, reason: string) => {
    if (value && Number.isFinite(value.value)) values[name] = value;
    else missing[name] = reason;
  };
  const noData = (dataset: DatasetName) => `no ${dataset} data in this period`;
  const count = (value: number, n: number): MetricValue => ({ kind: 'count', value, n });
  const sum = (value: number, n: number): MetricValue => ({ kind: 'sum', value, n });

  const enrollments = totals.get('enrollments');
  if (enrollments) {
    const t = enrollments.totals;
    const kept = t.enrollments ?? 0;
    set('enrollments', count(kept, t.rows ?? 0), '');
    set('revenue', sum(t.revenue ?? 0, kept), '');
    set('partner_enrollment_share', proportion(t.partner_enrollments ?? 0, kept), 'no enrollments that were not refunded');
    set('refund_rate', proportion(t.refunded ?? 0, t.rows ?? 0), 'no enrollment rows');
  } else {
    for (const m of ['enrollments', 'revenue', 'partner_enrollment_share', 'refund_rate'] as const) missing[m] = noData('enrollments');
  }

  const referrals = totals.get('referrals');
  if (referrals) {
    const t = referrals.totals;
    set('referrals', count(t.rows ?? 0, t.rows ?? 0), '');
    set('referral_conversions', count(t.conversions ?? 0, t.rows ?? 0), '');
    set('referral_conversion_rate', proportion(t.conversions ?? 0, t.rows ?? 0), 'no referrals');
    set('referral_revenue', sum(t.revenue ?? 0, t.conversions ?? 0), '');
  } else {
    for (const m of ['referrals', 'referral_conversions', 'referral_conversion_rate', 'referral_revenue'] as const) {
      missing[m] = noData('referrals');
    }
  }

  const campaigns = totals.get('campaigns');
  if (campaigns) {
    const t = campaigns.totals;
    const rows = t.rows ?? 0;
    set('ad_impressions', count(t.impressions ?? 0, rows), '');
    set('ad_clicks', count(t.clicks ?? 0, rows), '');
    set('ad_conversions', count(t.conversions ?? 0, rows), '');
    set('ad_spend', sum(t.spend ?? 0, rows), '');
    set('ad_revenue', sum(t.revenue ?? 0, rows), '');
    set('ad_ctr', proportion(t.clicks ?? 0, t.impressions ?? 0), 'no ad impressions');
    set('ad_cvr', proportion(t.conversions ?? 0, t.clicks ?? 0), 'no ad clicks');
    set('ad_roas', ratio(campaigns.days, 'revenue', 'spend'), 'no ad spend');
    set('ad_cac', ratio(campaigns.days, 'spend', 'conversions'), 'no ad conversions');
  } else {
    for (const m of ['ad_impressions', 'ad_clicks', 'ad_conversions', 'ad_spend', 'ad_revenue', 'ad_ctr', 'ad_cvr', 'ad_roas', 'ad_cac'] as const) {
      missing[m] = noData('campaigns');
    }
  }

  const feedback = totals.get('feedback');
  if (feedback) {
    const t = feedback.totals;
    const rows = t.rows ?? 0;
    set('feedback_count', count(rows, rows), '');
    set('avg_rating', meanOf(rows, t.rating ?? 0, t.rating_sq ?? 0), 'no ratings');
    const nps = npsWithInterval(t.promoters ?? 0, t.detractors ?? 0, t.nps_n ?? 0);
    set('nps', nps ? { kind: 'score', value: nps.value, n: t.nps_n ?? 0, ci: nps.ci } : undefined, 'no nps answers');
  } else {
    for (const m of ['feedback_count', 'avg_rating', 'nps'] as const) missing[m] = noData('feedback');
  }

  const events = totals.get('events');
  if (events) {
    const t = events.totals;
    const rows = t.rows ?? 0;
    set('event_registrations', count(t.registrations ?? 0, rows), '');
    set('event_attendees', count(t.attendees ?? 0, rows), '');
    set('event_attendance_rate', proportion(t.attendees ?? 0, t.registrations ?? 0), 'no event registrations');
    set('event_new_users', count(t.new_users ?? 0, rows), '');
  } else {
    for (const m of ['event_registrations', 'event_attendees', 'event_attendance_rate', 'event_new_users'] as const) {
      missing[m] = noData('events');
    }
  }

  // The cross-over effect model.
  const activity = totals.get('activity');
  const brand = totals.get('brand');
  const market = cooperation.market;
  const userScale = activity ? dailyMean(activity.days, 'score') : undefined;
  set('user_scale', userScale, noData('activity'));
  const brandInfluence = brand ? dailyMean(brand.days, 'influence') : undefined;
  set('brand_influence', brandInfluence, noData('brand'));
  const model = (value: number, n: number): MetricValue => ({ kind: 'model', value, n });
  if (userScale && market) set('market_share', model(userScale.value / market.totalUsers, userScale.n), '');
  else missing.market_share = userScale ? 'no market.totalUsers in the cooperation config' : noData('activity');
  if (brandInfluence && market) set('brand_share', model(brandInfluence.value / market.totalBrand, brandInfluence.n), '');
  else missing.brand_share = brandInfluence ? 'no market.totalBrand in the cooperation config' : noData('brand');

  const capabilityInput = cooperation.model?.capability;
  const alpha = cooperation.model?.alpha ?? [...DEFAULT_ALPHA];
  const beta = cooperation.model?.beta ?? [...DEFAULT_BETA];
  const capability = capabilityInput ? capabilityScore(alpha, capabilityInput) : undefined;
  if (capability !== undefined) set('capability_score', model(capability, 1), '');
  else missing.capability_score = 'no model.capability in the cooperation config';

  const recordsMissing = (['activity', 'enrollments', 'feedback'] as const).filter((d) => !totals.has(d));
  let recommendation: number | undefined;
  if (recordsMissing.length === 0) {
    const records = [activity!.totals.rows ?? 0, enrollments!.totals.enrollments ?? 0, feedback!.totals.rows ?? 0] as const;
    recommendation = recommendationScore(beta, records);
    set('recommendation_score', model(recommendation, records[0] + records[1] + records[2]), '');
  } else {
    missing.recommendation_score = `no ${recordsMissing.join(', ')} data in this period`;
  }

  if (userScale && brandInfluence && market && capability !== undefined && recommendation !== undefined) {
    set(
      'effect_score',
      model(effectScore(userScale.value, brandInfluence.value, market.totalUsers, capability, recommendation), userScale.n),
      '',
    );
  } else {
    missing.effect_score = `needs ${[
      !userScale && 'activity data',
      !brandInfluence && 'brand data',
      !market && 'market in the config',
      capability === undefined && 'model.capability in the config',
      recommendation === undefined && 'activity, enrollments and feedback data',
    ]
      .filter(Boolean)
      .join(', ')}`;
  }
  return { values, missing };
};
