import type { DatasetName } from '../datasets/names';
import type { Locale } from '../mail/locale';
import { capabilityScore, DEFAULT_ALPHA, DEFAULT_BETA, effectScore, recommendationScore } from './effect-model';
import { meanAndVariance, npsWithInterval, ratioWithInterval, tInterval, wilsonInterval, type Interval } from './stats';
import { METRIC_NAMES, type MetricName } from './metric-names';
import { clusteredRate } from '../verdicts/clustered';
import { measuresOf, type Totals } from './totals';

export { isMetricName, METRIC_NAMES, type MetricName } from './metric-names';

/**
 * How a metric is estimated, which decides its interval, its significance test and its
 * default minimum sample: counts and sums carry n only; proportions a Wilson interval;
 * means a t interval; ratios of sums a delta-method interval over days; nps a normal one.
 */
export type MetricKind = 'count' | 'sum' | 'proportion' | 'mean' | 'ratio' | 'score' | 'model';

/** What a significance test of the change needs, in the metric's unit of analysis. */
export type Basis =
  /** Independent trials (Wilson): a two-proportion test. */
  | { readonly type: 'proportion'; readonly successes: number; readonly n: number }
  /** Independent answers: Welch's t-test. */
  | { readonly type: 'mean'; readonly n: number; readonly mean: number; readonly variance: number }
  /** A ratio of sums with days as the unit: a Welch-type test of two day-unit ratios. */
  | { readonly type: 'days'; readonly days: readonly { readonly x: number; readonly y: number }[] };

export interface MetricValue {
  readonly kind: MetricKind;
  readonly value: number;
  /** Observations behind the value: rows, days or answers (the metric's `unitOfAnalysis`). */
  readonly n: number;
  readonly ci?: Interval;
  /** Degrees of freedom of a Student t interval (means: n - 1; day-unit ratios: days - 1). */
  readonly df?: number;
  readonly basis?: Basis;
  /**
   * A total's (count's or sum's) days: how many had data and the variance of their totals. A total
   * has no interval (it is what happened); the alert rule reads this to ask whether the level
   * behind it is off target (shared/alerts/evaluate.ts).
   */
  readonly daySpread?: DaySpread;
}

/** The days of a period's total: how many had data, and the sample variance of their totals. */
export interface DaySpread {
  readonly days: number;
  readonly variance: number;
}

/** How a value is shown to people. */
export type MetricUnit = 'count' | 'money' | 'percent' | 'share' | 'number';

/** How the 95% interval is computed (docs/metrics.md explains each). */
export type IntervalMethod = 'none' | 'wilson' | 't' | 'delta_days' | 'nps_normal';

type Triple = readonly [number, number, number];

/**
 * The cooperation settings metrics read (a structural part of the config's Cooperation: the
 * config schema takes its target names from this registry, so it cannot be imported here).
 */
export interface MetricSettings {
  readonly market?: { readonly totalUsers: number; readonly totalBrand: number };
  readonly model?: {
    readonly alpha?: Triple;
    readonly beta?: Triple;
    readonly capability?: { readonly storage: number; readonly processing: number; readonly analysis: number };
  };
}

/** What the metric needs to be computed: one window's totals and the cooperation's settings. */
export interface MetricInput {
  readonly totals: Totals;
  readonly cooperation: MetricSettings;
}

/** A metric's value, or the reason it cannot be computed (never a 0 or NaN standing in). */
export type MetricResult = MetricValue | { readonly missing: string };

/** Everything about one metric. Adding a metric is one entry here (plus its tests). */
export interface MetricDefinition {
  readonly kind: MetricKind;
  /** The datasets it is computed from: a missing delivery of one of them holds its verdict. */
  readonly datasets: readonly DatasetName[];
  /** One line for docs/metrics.md. */
  readonly definition: string;
  /** What `n` counts, and what its interval treats as independent observations. */
  readonly unitOfAnalysis: string;
  readonly interval: IntervalMethod;
  readonly unit: MetricUnit;
  readonly labels: Readonly<Record<Locale, string>>;
  /** Whether the value grows with the period's length (baselines of other lengths are scaled). */
  readonly scalesWithPeriod: boolean;
  /** Minimum n before a target is judged; the kind's default when absent. */
  readonly minSample?: number;
  /**
   * Counted on the referral day, so a period's value grows while conversions can still come in:
   * `maturing` (shown, not judged, never alerted) until the cooperation's conversion window after
   * the period's end has closed.
   */
  readonly matures?: boolean;
  compute(input: MetricInput): MetricResult | undefined;
}

/** Default minimum sample per kind before a target is judged (overridable per metric and per target). */
export const DEFAULT_MIN_SAMPLE: Record<MetricKind, number> = {
  count: 1,
  sum: 1,
  proportion: 30,
  mean: 10,
  ratio: 7,
  score: 30,
  model: 1,
};

const noData = (dataset: DatasetName) => ({ missing: `no ${dataset} data in this period` });

/**
 * A period's total of a measure (a count or a sum; `n` the total of another measure), with the
 * spread of its days when it has two or more.
 */
const total = <M extends string>(
  kind: 'count' | 'sum',
  found:
    | { readonly days: ReadonlyMap<string, Readonly<Partial<Record<M, number>>>>; readonly totals: Record<M, number> }
    | undefined,
  measure: M,
  nMeasure: M,
): MetricValue | undefined => {
  if (!found) return undefined;
  const value = found.totals[measure];
  const n = found.totals[nMeasure];
  const daily = [...found.days.values()].map((d) => d[measure] ?? 0);
  const days = daily.length;
  if (days < 2) return { kind, value, n };
  // Two passes: day totals of money can be large, and sums of squares would cancel.
  const mean = daily.reduce((a, x) => a + x, 0) / days;
  const variance = daily.reduce((a, x) => a + (x - mean) ** 2, 0) / (days - 1);
  return { kind, value, n, daySpread: { days, variance } };
};
const model = (value: number, n: number): MetricValue => ({ kind: 'model', value, n });

const proportion = (successes: number, n: number, reason: string): MetricResult =>
  n > 0
    ? {
        kind: 'proportion',
        value: successes / n,
        n,
        ci: wilsonInterval(successes, n),
        basis: { type: 'proportion', successes, n },
      }
    : { missing: reason };

const meanOf = (n: number, total: number, totalSq: number): MetricValue | undefined => {
  if (n <= 0) return undefined;
  const { mean, variance } = meanAndVariance(n, total, totalSq);
  const ci = tInterval(n, mean, variance);
  return { kind: 'mean', value: mean, n, ...(ci ? { ci, df: n - 1 } : {}), basis: { type: 'mean', n, mean, variance } };
};

/** Mean over days of a day's sum of a measure (the model's U and B), with a t interval over days. */
const dailyMean = (
  days: ReadonlyMap<string, Readonly<Record<string, number>>>,
  measure: string,
): MetricValue | undefined => {
  const values = [...days.values()].map((d) => d[measure] ?? 0);
  const total = values.reduce((s, v) => s + v, 0);
  const totalSq = values.reduce((s, v) => s + v * v, 0);
  return meanOf(values.length, total, totalSq);
};

const daySeries = (
  days: ReadonlyMap<string, Readonly<Record<string, number>>>,
  numerator: string,
  denominator: string,
) => [...days.values()].map((d) => ({ x: d[denominator] ?? 0, y: d[numerator] ?? 0 }));

/** A ratio of sums over days (ROAS, CAC), with days as the unit of its interval and test. */
const ratio = (
  days: ReadonlyMap<string, Readonly<Record<string, number>>>,
  numerator: string,
  denominator: string,
  reason: string,
): MetricResult => {
  const series = daySeries(days, numerator, denominator);
  const r = ratioWithInterval(series);
  if (!r) return { missing: reason };
  const interval = r.ci ? { ci: r.ci, df: series.length - 1 } : {};
  return { kind: 'ratio', value: r.value, n: series.length, ...interval, basis: { type: 'days', days: series } };
};

/**
 * A rate whose rows are not independent trials (impressions of one campaign-day share an
 * audience, placement and creative; attendees of one event its date and topic): the ratio of
 * sums with days as the unit (clusteredRate), n = days with data.
 */
const dayUnitRate = (
  days: ReadonlyMap<string, Readonly<Record<string, number>>>,
  numerator: string,
  denominator: string,
  reason: string,
): MetricResult => {
  const series = daySeries(days, numerator, denominator).filter((d) => d.x > 0 || d.y > 0);
  const r = clusteredRate(series);
  if (!r) return { missing: reason };
  const interval = r.ci ? { ci: r.ci, df: r.df } : {};
  return { kind: 'proportion', value: r.value, n: r.days, ...interval, basis: { type: 'days', days: series } };
};

// The effect model's parts, shared by the metrics that combine them.
const userScale = ({ totals }: MetricInput) => {
  const activity = measuresOf(totals, 'activity');
  return activity && dailyMean(activity.days, 'score');
};
const brandInfluence = ({ totals }: MetricInput) => {
  const brand = measuresOf(totals, 'brand');
  return brand && dailyMean(brand.days, 'influence');
};
const capability = ({ cooperation }: MetricInput) => {
  const input = cooperation.model?.capability;
  return input ? capabilityScore(cooperation.model?.alpha ?? [...DEFAULT_ALPHA], input) : undefined;
};
const RECOMMENDATION_DATASETS = ['activity', 'enrollments', 'feedback'] as const;
const recommendation = ({ totals, cooperation }: MetricInput) => {
  const activity = measuresOf(totals, 'activity');
  const enrollments = measuresOf(totals, 'enrollments');
  const feedback = measuresOf(totals, 'feedback');
  if (!activity || !enrollments || !feedback) return undefined;
  const records = [activity.totals.rows, enrollments.totals.enrollments, feedback.totals.rows] as const;
  return {
    value: recommendationScore(cooperation.model?.beta ?? [...DEFAULT_BETA], records),
    n: records[0] + records[1] + records[2],
  };
};

const labels = (en: string, zhCN: string) => ({ en, 'zh-CN': zhCN });

/**
 * The metric registry: one entry per name of METRIC_NAMES, no more, no fewer (checked by the
 * compiler). `compute` returns undefined only when the metric's dataset has no data at all.
 */
export const METRICS = {
  enrollments: {
    kind: 'count',
    datasets: ['enrollments'],
    definition: 'enrollment rows not refunded',
    unitOfAnalysis: 'enrollment rows',
    interval: 'none',
    unit: 'count',
    labels: labels('Enrollments', '报名人数'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'enrollments'), 'enrollments', 'rows'),
  },
  revenue: {
    kind: 'sum',
    datasets: ['enrollments'],
    definition: 'sum of `amount`, not refunded',
    unitOfAnalysis: 'kept enrollments',
    interval: 'none',
    unit: 'money',
    labels: labels('Revenue', '收入'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('sum', measuresOf(totals, 'enrollments'), 'revenue', 'enrollments'),
  },
  partner_enrollment_share: {
    kind: 'proportion',
    datasets: ['enrollments'],
    definition: 'share of not-refunded enrollments whose channel is not `organic`',
    unitOfAnalysis: 'kept enrollments (each an independent learner)',
    interval: 'wilson',
    unit: 'percent',
    labels: labels('Partner enrollment share', '合作渠道报名占比'),
    scalesWithPeriod: false,
    compute: ({ totals }) => {
      const t = measuresOf(totals, 'enrollments')?.totals;
      return t && proportion(t.partner_enrollments, t.enrollments, 'no enrollments that were not refunded');
    },
  },
  refund_rate: {
    kind: 'proportion',
    datasets: ['enrollments'],
    definition: 'refunded rows / all enrollment rows',
    unitOfAnalysis: 'enrollment rows (each an independent learner)',
    interval: 'wilson',
    unit: 'percent',
    labels: labels('Refund rate', '退款率'),
    scalesWithPeriod: false,
    compute: ({ totals }) => {
      const t = measuresOf(totals, 'enrollments')?.totals;
      return t && proportion(t.refunded, t.rows, 'no enrollment rows');
    },
  },
  referrals: {
    kind: 'count',
    datasets: ['referrals'],
    definition: 'referral rows',
    unitOfAnalysis: 'referral rows',
    interval: 'none',
    unit: 'count',
    labels: labels('Referrals', '推荐人数'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'referrals'), 'rows', 'rows'),
  },
  referral_conversions: {
    kind: 'count',
    datasets: ['referrals'],
    definition: 'referrals with `converted_at` (counted on the referral day)',
    unitOfAnalysis: 'referral rows',
    interval: 'none',
    unit: 'count',
    labels: labels('Referral conversions', '推荐转化数'),
    scalesWithPeriod: true,
    matures: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'referrals'), 'conversions', 'rows'),
  },
  referral_conversion_rate: {
    kind: 'proportion',
    datasets: ['referrals'],
    definition: 'conversions / referrals',
    unitOfAnalysis: 'referred users (each an independent trial)',
    interval: 'wilson',
    unit: 'percent',
    labels: labels('Referral conversion rate', '推荐转化率'),
    scalesWithPeriod: false,
    matures: true,
    compute: ({ totals }) => {
      const t = measuresOf(totals, 'referrals')?.totals;
      return t && proportion(t.conversions, t.rows, 'no referrals');
    },
  },
  referral_revenue: {
    kind: 'sum',
    datasets: ['referrals'],
    definition: 'sum of `revenue` of referrals',
    unitOfAnalysis: 'conversions',
    interval: 'none',
    unit: 'money',
    labels: labels('Referral revenue', '推荐收入'),
    scalesWithPeriod: true,
    matures: true,
    compute: ({ totals }) => total('sum', measuresOf(totals, 'referrals'), 'revenue', 'conversions'),
  },
  ad_impressions: {
    kind: 'count',
    datasets: ['campaigns'],
    definition: 'sum of `impressions` over campaign days',
    unitOfAnalysis: 'campaign-day rows',
    interval: 'none',
    unit: 'count',
    labels: labels('Ad impressions', '广告曝光'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'campaigns'), 'impressions', 'rows'),
  },
  ad_clicks: {
    kind: 'count',
    datasets: ['campaigns'],
    definition: 'sum of `clicks` over campaign days',
    unitOfAnalysis: 'campaign-day rows',
    interval: 'none',
    unit: 'count',
    labels: labels('Ad clicks', '广告点击'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'campaigns'), 'clicks', 'rows'),
  },
  ad_conversions: {
    kind: 'count',
    datasets: ['campaigns'],
    definition: 'sum of `conversions` over campaign days',
    unitOfAnalysis: 'campaign-day rows',
    interval: 'none',
    unit: 'count',
    labels: labels('Ad conversions', '广告转化'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'campaigns'), 'conversions', 'rows'),
  },
  ad_spend: {
    kind: 'sum',
    datasets: ['campaigns'],
    definition: 'sum of `spend` over campaign days',
    unitOfAnalysis: 'campaign-day rows',
    interval: 'none',
    unit: 'money',
    labels: labels('Ad spend', '广告花费'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('sum', measuresOf(totals, 'campaigns'), 'spend', 'rows'),
  },
  ad_revenue: {
    kind: 'sum',
    datasets: ['campaigns'],
    definition: 'sum of `revenue` over campaign days',
    unitOfAnalysis: 'campaign-day rows',
    interval: 'none',
    unit: 'money',
    labels: labels('Ad revenue', '广告收入'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('sum', measuresOf(totals, 'campaigns'), 'revenue', 'rows'),
  },
  ad_ctr: {
    kind: 'proportion',
    datasets: ['campaigns'],
    definition: 'clicks / impressions',
    unitOfAnalysis: 'days (impressions of a campaign-day are not independent)',
    interval: 'delta_days',
    unit: 'percent',
    labels: labels('Ad click-through rate', '广告点击率'),
    scalesWithPeriod: false,
    minSample: 5,
    compute: ({ totals }) => {
      const c = measuresOf(totals, 'campaigns');
      return c && dayUnitRate(c.days, 'clicks', 'impressions', 'no ad impressions');
    },
  },
  ad_cvr: {
    kind: 'proportion',
    datasets: ['campaigns'],
    definition: 'conversions / clicks',
    unitOfAnalysis: 'days (clicks of a campaign-day are not independent)',
    interval: 'delta_days',
    unit: 'percent',
    labels: labels('Ad conversion rate', '广告转化率'),
    scalesWithPeriod: false,
    minSample: 5,
    compute: ({ totals }) => {
      const c = measuresOf(totals, 'campaigns');
      return c && dayUnitRate(c.days, 'conversions', 'clicks', 'no ad clicks');
    },
  },
  ad_roas: {
    kind: 'ratio',
    datasets: ['campaigns'],
    definition: 'revenue / spend',
    unitOfAnalysis: 'days',
    interval: 'delta_days',
    unit: 'number',
    labels: labels('Ad ROAS', '广告投资回报率'),
    scalesWithPeriod: false,
    compute: ({ totals }) => {
      const c = measuresOf(totals, 'campaigns');
      return c && ratio(c.days, 'revenue', 'spend', 'no ad spend');
    },
  },
  ad_cac: {
    kind: 'ratio',
    datasets: ['campaigns'],
    definition: 'spend / conversions',
    unitOfAnalysis: 'days',
    interval: 'delta_days',
    unit: 'money',
    labels: labels('Ad cost per conversion', '单次转化成本'),
    scalesWithPeriod: false,
    compute: ({ totals }) => {
      const c = measuresOf(totals, 'campaigns');
      return c && ratio(c.days, 'spend', 'conversions', 'no ad conversions');
    },
  },
  feedback_count: {
    kind: 'count',
    datasets: ['feedback'],
    definition: 'feedback rows',
    unitOfAnalysis: 'answers',
    interval: 'none',
    unit: 'count',
    labels: labels('Feedback answers', '反馈数'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'feedback'), 'rows', 'rows'),
  },
  avg_rating: {
    kind: 'mean',
    datasets: ['feedback'],
    definition: 'mean `rating`',
    unitOfAnalysis: 'answers',
    interval: 't',
    unit: 'number',
    labels: labels('Average rating', '平均评分'),
    scalesWithPeriod: false,
    compute: ({ totals }) => {
      const t = measuresOf(totals, 'feedback')?.totals;
      return t && (meanOf(t.rows, t.rating, t.rating_sq) ?? { missing: 'no ratings' });
    },
  },
  nps: {
    kind: 'score',
    datasets: ['feedback'],
    definition: '% promoters (9-10) minus % detractors (0-6) among answers with `nps`',
    unitOfAnalysis: 'answers with `nps`',
    interval: 'nps_normal',
    unit: 'number',
    labels: labels('NPS', '净推荐值'),
    scalesWithPeriod: false,
    compute: ({ totals }) => {
      const t = measuresOf(totals, 'feedback')?.totals;
      if (!t) return undefined;
      const nps = npsWithInterval(t.promoters, t.detractors, t.nps_n);
      return nps ? { kind: 'score', value: nps.value, n: t.nps_n, ci: nps.ci } : { missing: 'no nps answers' };
    },
  },
  event_registrations: {
    kind: 'count',
    datasets: ['events'],
    definition: 'sum of `registrations` over events',
    unitOfAnalysis: 'event rows',
    interval: 'none',
    unit: 'count',
    labels: labels('Event registrations', '活动报名'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'events'), 'registrations', 'rows'),
  },
  event_attendees: {
    kind: 'count',
    datasets: ['events'],
    definition: 'sum of `attendees` over events',
    unitOfAnalysis: 'event rows',
    interval: 'none',
    unit: 'count',
    labels: labels('Event attendees', '活动出席'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'events'), 'attendees', 'rows'),
  },
  event_attendance_rate: {
    kind: 'proportion',
    datasets: ['events'],
    definition: 'attendees / registrations',
    unitOfAnalysis: 'days (registrants of one event are not independent)',
    interval: 'delta_days',
    unit: 'percent',
    labels: labels('Event attendance rate', '活动出席率'),
    scalesWithPeriod: false,
    minSample: 5,
    compute: ({ totals }) => {
      const e = measuresOf(totals, 'events');
      return e && dayUnitRate(e.days, 'attendees', 'registrations', 'no event registrations');
    },
  },
  event_new_users: {
    kind: 'count',
    datasets: ['events'],
    definition: 'sum of `new_users` over events',
    unitOfAnalysis: 'event rows',
    interval: 'none',
    unit: 'count',
    labels: labels('New users from events', '活动新用户'),
    scalesWithPeriod: true,
    compute: ({ totals }) => total('count', measuresOf(totals, 'events'), 'new_users', 'rows'),
  },
  user_scale: {
    kind: 'mean',
    datasets: ['activity'],
    definition: "U: mean over days of the day's summed activity `score` (see effect-model.md)",
    unitOfAnalysis: 'days',
    interval: 't',
    unit: 'number',
    labels: labels('User scale (U)', '用户规模 (U)'),
    scalesWithPeriod: false,
    compute: (input) => userScale(input) ?? noData('activity'),
  },
  market_share: {
    kind: 'model',
    datasets: ['activity'],
    definition: 'S = U / market.totalUsers',
    unitOfAnalysis: 'days',
    interval: 'none',
    unit: 'share',
    labels: labels('Market share (S)', '市场份额 (S)'),
    scalesWithPeriod: false,
    compute: (input) => {
      const u = userScale(input);
      const market = input.cooperation.market;
      if (!u) return noData('activity');
      return market
        ? model(u.value / market.totalUsers, u.n)
        : { missing: 'no market.totalUsers in the cooperation config' };
    },
  },
  brand_influence: {
    kind: 'mean',
    datasets: ['brand'],
    definition: "B: mean over days of the day's summed `influence` (see effect-model.md)",
    unitOfAnalysis: 'days',
    interval: 't',
    unit: 'number',
    labels: labels('Brand influence (B)', '品牌影响力 (B)'),
    scalesWithPeriod: false,
    compute: (input) => brandInfluence(input) ?? noData('brand'),
  },
  brand_share: {
    kind: 'model',
    datasets: ['brand'],
    definition: "S' = B / market.totalBrand",
    unitOfAnalysis: 'days',
    interval: 'none',
    unit: 'share',
    labels: labels("Brand share (S')", "品牌份额 (S')"),
    scalesWithPeriod: false,
    compute: (input) => {
      const b = brandInfluence(input);
      const market = input.cooperation.market;
      if (!b) return noData('brand');
      return market
        ? model(b.value / market.totalBrand, b.n)
        : { missing: 'no market.totalBrand in the cooperation config' };
    },
  },
  capability_score: {
    kind: 'model',
    datasets: [],
    definition: 'A_C = alpha . capability (from the config)',
    unitOfAnalysis: 'the config',
    interval: 'none',
    unit: 'number',
    labels: labels('Capability score (A_C)', '能力评分 (A_C)'),
    scalesWithPeriod: false,
    compute: (input) => {
      const c = capability(input);
      return c === undefined ? { missing: 'no model.capability in the cooperation config' } : model(c, 1);
    },
  },
  recommendation_score: {
    kind: 'model',
    datasets: [...RECOMMENDATION_DATASETS],
    definition: 'A_A = beta . (activity rows, enrollments, feedback rows)',
    unitOfAnalysis: 'rows',
    interval: 'none',
    unit: 'number',
    labels: labels('Recommendation score (A_A)', '推荐评分 (A_A)'),
    scalesWithPeriod: true,
    compute: (input) => {
      const r = recommendation(input);
      if (r) return model(r.value, r.n);
      const absent = RECOMMENDATION_DATASETS.filter((d) => !input.totals.has(d));
      return { missing: `no ${absent.join(', ')} data in this period` };
    },
  },
  effect_score: {
    kind: 'model',
    datasets: ['activity', 'brand', 'enrollments', 'feedback'],
    definition: 'M = (U + B) / market.totalUsers x A_C x A_A (see effect-model.md)',
    unitOfAnalysis: 'days',
    interval: 'none',
    unit: 'number',
    labels: labels('Effect score (M)', '效果评分 (M)'),
    scalesWithPeriod: true,
    compute: (input) => {
      const u = userScale(input);
      const b = brandInfluence(input);
      const market = input.cooperation.market;
      const c = capability(input);
      const r = recommendation(input);
      if (u && b && market && c !== undefined && r) {
        return model(effectScore(u.value, b.value, market.totalUsers, c, r.value), u.n);
      }
      const needs = [
        !u && 'activity data',
        !b && 'brand data',
        !market && 'market in the config',
        c === undefined && 'model.capability in the config',
        !r && 'activity, enrollments and feedback data',
      ].filter(Boolean);
      return { missing: `needs ${needs.join(', ')}` };
    },
  },
} as const satisfies { readonly [K in MetricName]: MetricDefinition };

export const metricDefinition = (name: MetricName): MetricDefinition => METRICS[name];

/** The minimum sample before a target on this metric is judged, unless the target sets its own. */
export const defaultMinSample = (name: MetricName) => {
  const definition = metricDefinition(name);
  return definition.minSample ?? DEFAULT_MIN_SAMPLE[definition.kind];
};

export interface ComputedMetrics {
  readonly values: Partial<Record<MetricName, MetricValue>>;
  /** Metrics that could not be computed, with the reason. */
  readonly missing: Partial<Record<MetricName, string>>;
}

/**
 * Every metric of a window of totals. A metric whose inputs are missing goes to `missing`
 * with the reason: never a 0 or a NaN standing in for "no data".
 */
export const computeMetrics = (totals: Totals, cooperation: MetricSettings): ComputedMetrics => {
  const values: Partial<Record<MetricName, MetricValue>> = {};
  const missing: Partial<Record<MetricName, string>> = {};
  const input: MetricInput = { totals, cooperation };
  for (const name of METRIC_NAMES) {
    const definition = metricDefinition(name);
    const result = definition.compute(input) ?? noData(definition.datasets[0]!);
    if ('missing' in result) missing[name] = result.missing;
    else if (Number.isFinite(result.value)) values[name] = result;
    else missing[name] = '';
  }
  return { values, missing };
};
