/**
 * The metric names are a public contract: they are the keys of `targets` in the config,
 * of `metrics` in stored reports and in `crosslift run --json`.
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
