/**
 * The metric names, in report order: a public contract (the keys of `targets` in the config, of
 * `metrics` in stored reports and in `crosslift run --json`). Everything else about a metric is
 * its entry in the registry (metrics.ts), which must define exactly these names (a compile
 * error otherwise). The list lives apart so the config schema can check target names without
 * loading the statistics the registry computes with (it keeps the ingest bundle small).
 */
export const METRIC_NAMES = [
  'enrollments',
  'revenue',
  'partner_enrollment_share',
  'refund_rate',
  'referrals',
  'referral_conversions',
  'referral_conversion_rate',
  'referral_revenue',
  'ad_impressions',
  'ad_clicks',
  'ad_conversions',
  'ad_spend',
  'ad_revenue',
  'ad_ctr',
  'ad_cvr',
  'ad_roas',
  'ad_cac',
  'feedback_count',
  'avg_rating',
  'nps',
  'event_registrations',
  'event_attendees',
  'event_attendance_rate',
  'event_new_users',
  'user_scale',
  'market_share',
  'brand_influence',
  'brand_share',
  'capability_score',
  'recommendation_score',
  'effect_score',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

export const isMetricName = (value: string): value is MetricName => (METRIC_NAMES as readonly string[]).includes(value);
