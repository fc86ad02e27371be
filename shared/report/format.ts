import type { MetricName } from './metric-names';
import { METRIC_KINDS } from './metrics';

/** Human labels of the metrics, in the order reports show them. */
export const METRIC_LABELS: Record<MetricName, string> = {
  enrollments: 'Enrollments',
  revenue: 'Revenue',
  partner_enrollment_share: 'Partner enrollment share',
  refund_rate: 'Refund rate',
  referrals: 'Referrals',
  referral_conversions: 'Referral conversions',
  referral_conversion_rate: 'Referral conversion rate',
  referral_revenue: 'Referral revenue',
  ad_impressions: 'Ad impressions',
  ad_clicks: 'Ad clicks',
  ad_conversions: 'Ad conversions',
  ad_spend: 'Ad spend',
  ad_revenue: 'Ad revenue',
  ad_ctr: 'Ad click-through rate',
  ad_cvr: 'Ad conversion rate',
  ad_roas: 'Ad ROAS',
  ad_cac: 'Ad cost per conversion',
  feedback_count: 'Feedback answers',
  avg_rating: 'Average rating',
  nps: 'NPS',
  event_registrations: 'Event registrations',
  event_attendees: 'Event attendees',
  event_attendance_rate: 'Event attendance rate',
  event_new_users: 'New users from events',
  user_scale: 'User scale (U)',
  market_share: 'Market share (S)',
  brand_influence: 'Brand influence (B)',
  brand_share: "Brand share (S')",
  capability_score: 'Capability score (A_C)',
  recommendation_score: 'Recommendation score (A_A)',
  effect_score: 'Effect score (M)',
};

const MONEY = new Set<MetricName>(['revenue', 'referral_revenue', 'ad_spend', 'ad_revenue', 'ad_cac']);

/** Formats a metric value for people: percentages for proportions, grouping, currency where money. */
export const formatMetric = (name: MetricName, value: number | null, locale = 'en', currency = 'CNY'): string => {
  if (value === null) return '-';
  const kind = METRIC_KINDS[name];
  if (kind === 'proportion') return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
  if (name === 'market_share' || name === 'brand_share') {
    return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 3 }).format(value);
  }
  if (MONEY.has(name)) return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(value);
  if (kind === 'count') return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
};

export const formatTarget = (name: MetricName, target: { min?: number; max?: number } | undefined, locale = 'en', currency = 'CNY') =>
  target === undefined
    ? ''
    : target.min !== undefined
      ? `>= ${formatMetric(name, target.min, locale, currency)}`
      : `<= ${formatMetric(name, target.max ?? 0, locale, currency)}`;
